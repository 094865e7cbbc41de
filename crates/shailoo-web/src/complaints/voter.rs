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
use crate::kit::format::name;
use crate::kit::input::Form;
use crate::kit::page::{Choice, Feedback};
use crate::kit::rate_limit::{Decision, client_key, set_retry_after};
use crate::kit::{OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use shailoo_app::cabinet::VoterSession;
use shailoo_app::claims;
use shailoo_app::complaints::{self as app, ComplainantKind, Complaint};
use shailoo_app::setup;
use shailoo_app::users::Actor;
use shailoo_domain::complaint::Subject;
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
    commissions: Vec<Choice>,
    subjects: Vec<Choice>,
    kinds: Vec<Choice>,
    form: IntakeValues,
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
    lang: crate::kit::Lang,
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
        .filter(|d| d.as_str() == "filed")
        .map(|_| lang.t("complaints-done-filed"));
    voter_page(&state, ctx, &session, Feedback::ok(notice), None).await
}

/// `POST /cabinet/complaints`: the signed-in voter files a complaint.
pub(super) async fn file(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(input): Form<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let session = require_voter(
        &state,
        lang,
        &headers,
        input.get("csrf").map(String::as_str),
    )
    .await?;
    if let Decision::Limited { retry_after } = state.complaints.filing.check(&ip.map(client_key)) {
        metrics::counter!("shailoo_complaints_rate_limited_total").increment(1);
        let minutes = retry_after.as_secs().div_ceil(60).max(1).to_string();
        let fb = Feedback::refused(
            StatusCode::TOO_MANY_REQUESTS,
            lang.t_args("complaints-rate-limited", &[("minutes", minutes)]),
        );
        let mut r = voter_page(&state, ctx, &session, fb, Some(IntakeValues::of(&input))).await?;
        set_retry_after(&mut r, retry_after);
        return Ok(r);
    }
    let kind = ComplainantKind::from_code(input.get("complainant_kind").map_or("", |k| k.trim()))
        .filter(|k| matches!(k, ComplainantKind::Voter | ComplainantKind::Candidate))
        .unwrap_or(ComplainantKind::Voter);
    let values = IntakeValues::of(&input);
    let draft = match form::complaint(lang, &input, Some(kind)) {
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
