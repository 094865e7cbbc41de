//! Filing online (CMP-05): a voter signed in to the cabinet files a complaint, as a voter or
//! as a candidate, to the PEC of the station they are listed at, its TEC or the CEC, and
//! follows their complaints and each step's clock at `/cabinet/complaints`. Who files is the
//! session's PIN, never a field; filings are limited per client address
//! ([`super::FILING_LIMIT`]), counted before anything is parsed.

use crate::AppState;
use crate::cabinet::{adapters, current, require_voter, voter_election};
use crate::complaints::form::{self, Refused};
use crate::complaints::staff::IntakeValues;
use crate::complaints::views::{Row, choices};
use crate::kit::client::ClientIp;
use crate::kit::format::fmt_instant;
use crate::kit::format::name;
use crate::kit::forms::MultipartForm;
use crate::kit::input::Multipart;
use crate::kit::page::{Choice, Feedback};
use crate::kit::rate_limit::{client_key, set_retry_after};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use shailoo_app::cabinet::VoterSession;
use shailoo_app::claims;
use shailoo_app::complaints::{self as app, ComplainantKind, Complaint, ComplaintId};
use shailoo_app::setup;
use shailoo_app::users::Actor;
use shailoo_domain::ElectionId;
use shailoo_domain::complaint::{Level, Subject};
use shailoo_domain::params::RuleParameters;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "complaints/templates/voter.html")]
struct VoterTemplate {
    ctx: PageCtx,
    csrf: String,
    case_base: &'static str,
    notice: Option<String>,
    message: Option<String>,
    rows: Vec<Row>,
    own: Vec<OwnCase>,
    commissions: Vec<Choice>,
    subjects: Vec<Choice>,
    kinds: Vec<Choice>,
    form: IntakeValues,
}

/// One of the voter's complaints as the cabinet shows it: the documents they handed in and
/// the appeal of its last decision, open until its deadline (CMP-06).
struct OwnCase {
    id: String,
    election: String,
    attachments: Vec<String>,
    appeal: Option<AppealView>,
}

struct AppealView {
    /// Until when the appeal may be filed (or since when it may not), as a sentence.
    deadline: String,
    /// Whether the time is still running at the page's instant.
    open: bool,
    /// The appeal goes to the court (the CEC decided): the form names the court.
    to_court: bool,
}

fn own_case(lang: Lang, c: &Complaint, params: &RuleParameters, now: jiff::Timestamp) -> OwnCase {
    let base = format!("/cabinet/complaints/{}/{}", c.election, c.id);
    OwnCase {
        id: c.id.to_string(),
        election: c.election.to_string(),
        attachments: c
            .attachments()
            .map(|a| format!("{base}/documents/{}", a.digest))
            .collect(),
        appeal: c.appeal_deadline(params).map(|deadline| AppealView {
            deadline: lang.t_args(
                if now < deadline {
                    "complaints-appeal-until"
                } else {
                    "complaints-appeal-closed"
                },
                &[("deadline", fmt_instant(deadline))],
            ),
            open: now < deadline,
            to_court: c.current().level.next() == Some(Level::Court),
        }),
    }
}

async fn voter_page(
    state: &AppState,
    ctx: PageCtx,
    session: &VoterSession,
    feedback: Feedback,
    form: Option<IntakeValues>,
) -> PageResult {
    let lang = ctx.lang;
    let (election, _) = voter_election(state, lang, &session.pin).await?;
    let Some(election) = election else {
        return Err(PageFail::not_found(lang));
    };
    let store = &*state.store;
    let actor = Actor::Voter { pin: session.pin };
    let own = app::own_complaints(store, &actor, &election.id)
        .await
        .or_page(lang)?;
    let now = state.now();
    let public: Vec<_> = own.iter().map(Complaint::public).collect();
    let clocks = app::clocks(store, &election.id).await.or_page(lang)?;
    let form = form.unwrap_or_else(|| IntakeValues {
        subject: "decision".into(),
        complainant_kind: "voter".into(),
        ..IntakeValues::default()
    });
    let commissions = commission_choices(state, lang, session, &election.id, &form).await?;
    let t = VoterTemplate {
        csrf: session.csrf_token.clone(),
        case_base: "/registry/complaints",
        notice: feedback.notice,
        message: feedback.message,
        rows: public.iter().map(|c| Row::new(lang, c, now)).collect(),
        own: own
            .iter()
            .map(|c| own_case(lang, c, &clocks.params, now))
            .collect(),
        commissions,
        subjects: choices(
            lang,
            "complaints-subject-",
            &Subject::ALL.map(Subject::code),
            Some(form.subject.as_str()),
        ),
        kinds: choices(
            lang,
            "complaints-kind-",
            &[
                ComplainantKind::Voter.code(),
                ComplainantKind::Candidate.code(),
            ],
            Some(form.complainant_kind.as_str()),
        ),
        form,
        ctx,
    };
    Ok(render(feedback.status, &t))
}

/// The commissions over the voter's station: its PEC, its TEC and the CEC, by name.
async fn commission_choices(
    state: &AppState,
    lang: Lang,
    session: &VoterSession,
    election: &shailoo_domain::ElectionId,
    form: &IntakeValues,
) -> Result<Vec<Choice>, PageFail> {
    let store = &*state.store;
    let listed = claims::listed_station(store, election, &session.pin)
        .await
        .or_page(lang)?;
    let chain = match listed {
        Some(s) => setup::station_chain(store, s).await.or_page(lang)?,
        None => Vec::new(),
    };
    let mut commissions = Vec::new();
    for id in &chain {
        if let Some(c) = store.commission(id).await.or_page(lang)? {
            commissions.push(Choice {
                value: id.to_string(),
                label: name(&c.name, lang),
                selected: form.commission == id.as_str(),
            });
        }
    }
    Ok(commissions)
}

/// `GET /cabinet/complaints`: the voter's complaints and the form; the sign-in otherwise.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    crate::kit::input::Query(q): crate::kit::input::Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let Some(session) = current(&state, lang, &headers).await? else {
        return Err(PageFail::redirect("/cabinet"));
    };
    let notice = q
        .get("done")
        .filter(|d| matches!(d.as_str(), "filed" | "appealed"))
        .map(|d| lang.t(&format!("complaints-done-{d}")));
    voter_page(&state, ctx, &session, Feedback::ok(notice), None).await
}

/// Whether the client's address is past the filing limit: the time to wait.
fn limited(state: &AppState, ip: Option<std::net::IpAddr>) -> Option<std::time::Duration> {
    let wait = state
        .complaints
        .filing
        .check(&ip.map(client_key))
        .retry_after();
    if wait.is_some() {
        metrics::counter!("shailoo_complaints_rate_limited_total").increment(1);
    }
    wait
}

/// The page refusing a filing past the limit: 429 with `Retry-After`.
async fn too_many(
    state: &AppState,
    ctx: PageCtx,
    session: &VoterSession,
    values: IntakeValues,
    retry_after: std::time::Duration,
) -> PageResult {
    let lang = ctx.lang;
    let minutes = retry_after.as_secs().div_ceil(60).max(1).to_string();
    let fb = Feedback::refused(
        StatusCode::TOO_MANY_REQUESTS,
        lang.t_args("complaints-rate-limited", &[("minutes", minutes)]),
    );
    let mut r = voter_page(state, ctx, session, fb, Some(values)).await?;
    set_retry_after(&mut r, retry_after);
    Ok(r)
}

/// `POST /cabinet/complaints` (multipart, with an optional document): the signed-in voter
/// files a complaint; the document is stored with it or not at all.
pub(super) async fn file(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let input = MultipartForm::read(lang, multipart, "document").await?;
    let session = require_voter(&state, lang, &headers, input.field("csrf")).await?;
    if let Some(wait) = limited(&state, ip) {
        return too_many(&state, ctx, &session, IntakeValues::of(&input), wait).await;
    }
    let kind = ComplainantKind::from_code(input.get("complainant_kind").trim())
        .filter(|k| matches!(k, ComplainantKind::Voter | ComplainantKind::Candidate))
        .unwrap_or(ComplainantKind::Voter);
    let values = IntakeValues::of(&input);
    let draft = match form::complaint_with_document(lang, &input, Some(kind)) {
        Ok(d) => d,
        Err(Refused { status, message }) => {
            let fb = Feedback::refused(status, message);
            return voter_page(&state, ctx, &session, fb, Some(values)).await;
        }
    };
    let (election, _) = voter_election(&state, lang, &session.pin).await?;
    let Some(election) = election else {
        return Err(PageFail::not_found(lang));
    };
    let actor = Actor::Voter { pin: session.pin };
    match app::file(&*state.store, &actor, &election.id, draft, state.now()).await {
        Ok(_) => Ok(Redirect::to("/cabinet/complaints?done=filed").into_response()),
        Err(e) => {
            let fb = Feedback::for_voter(lang, &e);
            voter_page(&state, ctx, &session, fb, Some(values)).await
        }
    }
}

fn ids(lang: Lang, election: &str, id: &str) -> Result<(ElectionId, ComplaintId), PageFail> {
    let election = ElectionId::parse(election).map_err(|_| PageFail::not_found(lang))?;
    let id = ComplaintId::parse(id).map_err(|_| PageFail::not_found(lang))?;
    Ok((election, id))
}

/// `POST /cabinet/complaints/{election}/{id}/appeal` (multipart, with an optional document):
/// the complainant appeals the last decision on their complaint to the next level, within the
/// appeal's clock (CMP-06; a late appeal is refused naming the rule). Only who filed the
/// complaint online appeals it here (the use case asks).
pub(super) async fn appeal(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path((election, id)): Path<(String, String)>,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let input = MultipartForm::read(lang, multipart, "document").await?;
    let session = require_voter(&state, lang, &headers, input.field("csrf")).await?;
    if let Some(wait) = limited(&state, ip) {
        return too_many(&state, ctx, &session, IntakeValues::default(), wait).await;
    }
    let (election, id) = ids(lang, &election, &id)?;
    let actor = Actor::Voter { pin: session.pin };
    let done = match form::appeal_with_document(lang, &input) {
        Err(Refused { status, message }) => Err(Feedback::refused(status, message)),
        Ok(a) => app::appeal(&*state.store, &actor, &election, id, a, state.now())
            .await
            .map_err(|e| Feedback::for_voter(lang, &e)),
    };
    match done {
        Ok(_) => Ok(Redirect::to("/cabinet/complaints?done=appealed").into_response()),
        Err(fb) if fb.status == StatusCode::NOT_FOUND => Err(PageFail::not_found(lang)),
        Err(fb) if fb.status == StatusCode::FORBIDDEN => Err(PageFail::new(
            lang,
            StatusCode::FORBIDDEN,
            shailoo_domain::ErrorCode::ComplaintNotTheComplainant,
        )),
        Err(fb) => voter_page(&state, ctx, &session, fb, None).await,
    }
}

/// `GET /cabinet/complaints/{election}/{id}/documents/{digest}`: a document the signed-in
/// voter handed in with their complaint or appeal; anyone else's is refused.
pub(super) async fn attachment(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path((election, id, digest)): Path<(String, String, String)>,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let Some(session) = current(&state, lang, &headers).await? else {
        return Err(PageFail::redirect("/cabinet"));
    };
    let (election, id) = ids(lang, &election, &id)?;
    let actor = Actor::Voter { pin: session.pin };
    app::attachment(&*state.store, &actor, &election, id, &digest)
        .await
        .map(|doc| super::registry::private_download(id, &doc))
        .map_err(|e| super::registry::missing(lang, e))
}
