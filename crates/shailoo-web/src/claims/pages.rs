//! `/claims`: the list of claims with its filters and the filing form, the accept / reject
//! buttons, and the passport copy for download.

use crate::AppState;
use crate::claims::form::parse_claim;
use crate::claims::views::{ClaimRow, current_values};
use crate::kit::forms::{MultipartForm, check_csrf, election_of, station_number};
use crate::kit::input::{Form, Multipart, Query};
use crate::kit::page::{Choice, Feedback};
use crate::kit::session::Staff;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use shailoo_app::StationFilter;
use shailoo_app::authz::{self, Power, Target};
use shailoo_app::claims::{
    self as app, Claim, ClaimDecision, ClaimError, ClaimFilter, ClaimId, ClaimKind, ClaimRequest,
    ClaimState, DecisionDeadlines, MAX_COPY_BYTES, PassportCopy,
};
use shailoo_app::setup;
use shailoo_app::users::Actor;
use shailoo_app::voters::listed_entry;
use shailoo_domain::territory::Election;
use shailoo_domain::{ElectionId, ErrorCode, Pin, StationNumber};
use std::collections::HashMap;

fn choices(lang: Lang, prefix: &str, values: &[&str], selected: Option<&str>) -> Vec<Choice> {
    values
        .iter()
        .map(|v| Choice {
            value: (*v).to_owned(),
            label: lang.t(&format!("{prefix}{v}")),
            selected: selected == Some(*v),
        })
        .collect()
}

/// What the filing form showed, to fill it again after a refusal.
#[derive(Default)]
struct FormValues {
    pin: String,
    station: String,
    kind: String,
    surname: String,
    given_name: String,
    patronymic: String,
    birth_date: String,
    street: String,
    house: String,
    statement: String,
}

impl FormValues {
    fn of(form: &MultipartForm) -> FormValues {
        let v = |name: &str| form.get(name).to_owned();
        FormValues {
            pin: v("pin"),
            station: v("station"),
            kind: v("kind"),
            surname: v("surname"),
            given_name: v("given_name"),
            patronymic: v("patronymic"),
            birth_date: v("birth_date"),
            street: v("street"),
            house: v("house"),
            statement: v("statement"),
        }
    }
}

#[derive(Template)]
#[template(path = "claims/templates/claims.html")]
struct ClaimsTemplate {
    ctx: PageCtx,
    election: String,
    notice: Option<String>,
    message: Option<String>,
    rows: Vec<ClaimRow>,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    form_kinds: Vec<Choice>,
    filter_station: String,
    filter_pin: String,
    form: FormValues,
    passport_label: String,
}

/// The station a PEC member's form starts with: the one their commission runs (a TEC or the
/// CEC runs none, so their form starts empty). A default, not a permission.
async fn own_station(state: &AppState, actor: &Actor) -> Option<StationNumber> {
    let Actor::User { commission, .. } = actor else {
        return None;
    };
    let filter = StationFilter {
        commission: Some(commission.clone()),
        ..StationFilter::default()
    };
    let page = state.store.stations(&filter).await.ok()?;
    page.items.first().map(|s| s.number)
}

/// The rows of the claims found, each with when it is due and whether the reader decides it;
/// a pending correction with what the list shows now, which it is decided against.
async fn claim_rows(
    state: &AppState,
    lang: Lang,
    actor: &Actor,
    election: &ElectionId,
    found: &[Claim],
    (deadlines, now): (&DecisionDeadlines, Timestamp),
) -> Result<Vec<ClaimRow>, PageFail> {
    // Whether the reader decides at each station (authz over its chain), asked once per
    // station; the filer of a claim never decides it. `app::decide` checks both again.
    let mut covered: HashMap<StationNumber, bool> = HashMap::new();
    let mut rows = Vec::with_capacity(found.len());
    for c in found {
        let own = c.filed_by == actor.audit_name();
        let covers = match covered.get(&c.station) {
            Some(covers) => *covers,
            None => {
                let chain = setup::station_chain(&*state.store, c.station)
                    .await
                    .or_page(lang)?;
                let covers = authz::allowed(actor, Power::DecideClaim, Target::Within(&chain));
                covered.insert(c.station, covers);
                covers
            }
        };
        let mut row = ClaimRow::new(lang, c)
            .for_reader(lang, covers && !own, own)
            .with_due(lang, c, deadlines, now);
        // A pending correction is decided against what the list shows now.
        if let (ClaimRequest::Correction(d), ClaimState::Filed) = (&c.request, c.status.state())
            && let Some(entry) = listed_entry(&*state.store, election, &c.pin)
                .await
                .or_page(lang)?
        {
            row.current = current_values(lang, d, &entry);
        }
        rows.push(row);
    }
    Ok(rows)
}

/// The page of `election`, filtered by `q` (`station`, `status`, `kind`, `pin`), with the
/// filing form empty or as it was sent.
async fn render_page(
    state: &AppState,
    ctx: PageCtx,
    staff: &Staff,
    election: &ElectionId,
    q: &HashMap<String, String>,
    feedback: Feedback,
    form: Option<FormValues>,
) -> PageResult {
    let lang = ctx.lang;
    let filter = ClaimFilter {
        station: station_number(q.get("station").map(String::as_str)),
        state: q.get("status").and_then(|s| ClaimState::parse(s)),
        kind: q.get("kind").and_then(|s| ClaimKind::parse(s)),
        pin: q.get("pin").and_then(|p| Pin::parse(p.trim()).ok()),
        // The use case narrows it to the account's commission.
        within: None,
    };
    let actor = staff.actor();
    let found = app::claims(&*state.store, &actor, election, &filter)
        .await
        .or_page(lang)?;
    let deadlines = app::decision_deadlines(&*state.store, election)
        .await
        .or_page(lang)?;
    let now = state.now();
    let form = match form {
        Some(f) => f,
        None => FormValues {
            station: own_station(state, &actor)
                .await
                .map(|s| s.to_string())
                .unwrap_or_default(),
            kind: "inclusion".into(),
            ..FormValues::default()
        },
    };
    let states: Vec<&str> = ClaimState::ALL.iter().map(|s| s.as_str()).collect();
    let kinds: Vec<&str> = ClaimKind::ALL.iter().map(|k| k.as_str()).collect();
    let rows = claim_rows(state, lang, &actor, election, &found, (&deadlines, now)).await?;
    let t = ClaimsTemplate {
        election: election.to_string(),
        notice: feedback.notice,
        message: feedback.message,
        rows,
        statuses: choices(
            lang,
            "claims-status-",
            &states,
            filter.state.map(ClaimState::as_str),
        ),
        kinds: choices(
            lang,
            "claims-kind-",
            &kinds,
            filter.kind.map(ClaimKind::as_str),
        ),
        form_kinds: choices(lang, "claims-kind-", &kinds, Some(form.kind.as_str())),
        filter_station: filter.station.map(|s| s.to_string()).unwrap_or_default(),
        filter_pin: q.get("pin").cloned().unwrap_or_default(),
        form,
        passport_label: lang.t_args(
            "claims-passport",
            &[("mb", (MAX_COPY_BYTES / (1024 * 1024)).to_string())],
        ),
        ctx,
    };
    Ok(render(feedback.status, &t))
}

/// `GET /claims?election=&station=&status=&kind=&pin=&done=`.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let notice = q
        .get("done")
        .filter(|d| matches!(d.as_str(), "filed" | "accepted" | "rejected"))
        .map(|d| lang.t(&format!("claims-done-{d}")));
    let feedback = Feedback::ok(notice);
    render_page(&state, ctx, &staff, &election.id, &q, feedback, None).await
}

/// After a step: back to the list with the notice, or the page again with the refusal (403
/// and an unknown claim are the error page).
async fn answer(
    state: &AppState,
    ctx: PageCtx,
    staff: &Staff,
    election: &Election,
    done: Result<&str, ClaimError>,
    form: Option<FormValues>,
) -> PageResult {
    let lang = ctx.lang;
    match done {
        Ok(done) => {
            let to = format!("/claims?election={}&done={done}", election.id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ ClaimError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(ClaimError::UnknownClaim(_)) => Err(PageFail::not_found(lang)),
        Err(e) => {
            let feedback = Feedback::of(lang, &e);
            render_page(
                state,
                ctx,
                staff,
                &election.id,
                &HashMap::new(),
                feedback,
                form,
            )
            .await
        }
    }
}

/// `POST /claims` (multipart): PEC staff file a claim with the voter's passport copy.
pub(super) async fn file(
    State(state): State<AppState>,
    ctx: PageCtx,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let form = MultipartForm::read(lang, multipart, "passport").await?;
    check_csrf(lang, &staff, form.field("csrf"))?;
    let election = election_of(&state, lang, form.field("election")).await?;
    let values = FormValues::of(&form);
    let pin = Pin::parse(form.get("pin").trim()).ok();
    let station = station_number(form.field("station"));
    let (draft, copy) = match parse_claim(lang, &form, pin, station) {
        Ok(parsed) => parsed,
        Err(feedback) => {
            let q = HashMap::new();
            let form = Some(values);
            return render_page(&state, ctx, &staff, &election.id, &q, feedback, form).await;
        }
    };
    let actor = staff.actor();
    let filed = app::file(
        &*state.store,
        &actor,
        &election.id,
        draft,
        copy,
        state.now(),
    )
    .await;
    answer(
        &state,
        ctx,
        &staff,
        &election,
        filed.map(|_| "filed"),
        Some(values),
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct DecisionInput {
    csrf: Option<String>,
    election: Option<String>,
    decision: Option<String>,
    text: Option<String>,
}

/// `POST /claims/{id}/decision`: the PEC accepts or rejects (with its reason).
pub(super) async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(input): Form<DecisionInput>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff_csrf(input.csrf.as_deref())?.clone();
    let id = ClaimId::parse(&id).map_err(|_| PageFail::not_found(lang))?;
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let decision = ClaimDecision::parse(
        input.decision.as_deref().unwrap_or_default(),
        input.text.as_deref().unwrap_or_default(),
    );
    let decision = match decision {
        Ok(d) => d,
        Err(ClaimError::BadDecision) => {
            return Err(PageFail::new(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::BadForm,
            ));
        }
        Err(e) => return answer(&state, ctx, &staff, &election, Err(e), None).await,
    };
    let done = match decision {
        ClaimDecision::Accept { .. } => "accepted",
        ClaimDecision::Reject { .. } => "rejected",
    };
    let actor = staff.actor();
    let decided = app::decide(
        &*state.store,
        &actor,
        &election.id,
        id,
        decision,
        state.now(),
    );
    answer(
        &state,
        ctx,
        &staff,
        &election,
        decided.await.map(|_| done),
        None,
    )
    .await
}

/// `GET /claims/{id}/passport`: the copy, for staff covering the claim's station only.
pub(super) async fn passport(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let id = ClaimId::parse(&id).map_err(|_| PageFail::not_found(lang))?;
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    match app::passport_copy(&*state.store, &actor, &election.id, id).await {
        Ok(copy) => Ok(attachment(id, &copy)),
        Err(ClaimError::UnknownClaim(_)) => Err(PageFail::not_found(lang)),
        Err(e) => Err(PageFail::refused(lang, &e)),
    }
}

/// A passport copy as a download: an attachment, never rendered inline, with its real type,
/// `nosniff`, and never cached.
fn attachment(id: ClaimId, copy: &PassportCopy) -> Response {
    let format = copy.format();
    let disposition = format!(
        "attachment; filename=\"claim-{id}-passport.{}\"",
        format.extension()
    );
    let mut res = copy.bytes().to_vec().into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
