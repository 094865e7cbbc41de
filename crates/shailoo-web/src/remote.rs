//! Remote voting (VOT-07) for staff: the list of applications with filters, the counts per
//! remote-voting station (applied / approved / capacity) for the CEC, the form on which TEC
//! staff file an application on a voter's behalf, and the approve / reject / cancel buttons.
//!
//! `GET /api/v1/elections/{id}/remote-voting/stations` gives the same counts as JSON. They
//! are aggregates (no PIN, no name), like the published 2024 figure of 9,050 applications.
//!
//! Every POST carries the session's CSRF token. Refusals (closed calendar, full station, voter
//! not on a list…) re-render the page with the reason in the reader's language; a refused
//! permission is the 403 error page.

use crate::AppState;
use crate::kit::PageCtx;
use crate::kit::calendar::closed_message;
use crate::kit::fail::store_status;
use crate::kit::format::fmt_instant;
use crate::kit::forms::{check_csrf, election_of};
use crate::kit::i18n::Lang;
use crate::kit::session::Staff;
use crate::kit::{ApiError, ApiLang, ErrorBody};
use crate::kit::{PageFail, PageResult};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use shailoo_app::remote::{
    self as app, ApplicationFilter, ApplicationStatus, Decision, RemoteVotingError,
};
use shailoo_app::users::Role;
use shailoo_domain::{ElectionId, Pin, StationNumber};
use std::collections::HashMap;
use utoipa::ToSchema;

/// The page routes; merged into the pages router.
fn routes() -> Router<AppState> {
    Router::new()
        .route("/remote-voting", get(page).post(file))
        .route("/remote-voting/{id}/decision", post(decide))
        .route("/remote-voting/capacity", post(capacity))
}

/// PEC members see nothing here: remote voting is decided above the precinct.
fn require_role(lang: Lang, staff: &Staff) -> Result<(), PageFail> {
    if staff.user.role == Role::PecMember {
        Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden"))
    } else {
        Ok(())
    }
}

/// A refusal in the reader's language; the calendar's refusal names the deadline (CAL-12).
fn refusal(lang: Lang, e: &RemoteVotingError) -> String {
    match e {
        RemoteVotingError::Calendar(c) => closed_message(lang, c),
        RemoteVotingError::Full { station, capacity } => lang.t_args(
            "remote-error-full",
            &[
                ("station", station.to_string()),
                ("capacity", capacity.to_string()),
            ],
        ),
        other => lang.t(&format!("error-{}", other.code())),
    }
}

fn status_of(e: &RemoteVotingError) -> StatusCode {
    match e {
        RemoteVotingError::Store(e) => store_status(e),
        RemoteVotingError::Forbidden => StatusCode::FORBIDDEN,
        RemoteVotingError::UnknownApplication(_) | RemoteVotingError::UnknownElection(_) => {
            StatusCode::NOT_FOUND
        }
        RemoteVotingError::AlreadyApplied
        | RemoteVotingError::Full { .. }
        | RemoteVotingError::WrongStatus(_)
        | RemoteVotingError::Frozen { .. }
        | RemoteVotingError::Calendar(_) => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

struct CountRow {
    station: String,
    applied: u64,
    approved: u64,
    capacity: u64,
}

struct AppRow {
    id: i64,
    pin: String,
    station: String,
    status: String,
    status_label: String,
    reason: String,
    filed: String,
    live: bool,
    pending: bool,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "remote_voting.html")]
struct RemoteTemplate {
    ctx: PageCtx,
    election: String,
    notice: Option<String>,
    message: Option<String>,
    counts: Vec<CountRow>,
    rows: Vec<AppRow>,
    stations: Vec<Choice>,
    statuses: Vec<Choice>,
    pin: String,
    is_cec: bool,
}

async fn render_page(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    q: &HashMap<String, String>,
    status: StatusCode,
    notice: Option<String>,
    message: Option<String>,
) -> PageResult {
    let lang = ctx.lang;
    let store_fail = |e: shailoo_app::StoreError| {
        crate::kit::fail::log(&e);
        PageFail::new(lang, store_status(&e), e.code())
    };
    let filter = ApplicationFilter {
        status: q.get("status").and_then(|s| ApplicationStatus::parse(s)),
        station: q
            .get("station")
            .and_then(|s| s.trim().parse::<u32>().ok())
            .and_then(|n| StationNumber::new(n).ok()),
        pin: q.get("pin").and_then(|p| Pin::parse(p.trim()).ok()),
    };
    let counts = state
        .store
        .remote_station_counts(election, app::default_capacity())
        .await
        .map_err(store_fail)?;
    let apps = state
        .store
        .remote_applications(election, &filter)
        .await
        .map_err(store_fail)?;
    let selected_station = filter.station.map(|s| s.to_string()).unwrap_or_default();
    let stations = counts
        .iter()
        .map(|c| Choice {
            value: c.station.to_string(),
            label: format!("№ {} ({}/{})", c.station, c.approved, c.capacity),
            selected: c.station.to_string() == selected_station,
        })
        .collect();
    let statuses = ApplicationStatus::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: lang.t(&format!("remote-status-{}", s.as_str())),
            selected: filter.status == Some(*s),
        })
        .collect();
    let t = RemoteTemplate {
        election: election.to_string(),
        notice,
        message,
        counts: counts
            .iter()
            .map(|c| CountRow {
                station: c.station.to_string(),
                applied: c.applied,
                approved: c.approved,
                capacity: c.capacity,
            })
            .collect(),
        rows: apps
            .iter()
            .map(|a| AppRow {
                id: a.id,
                pin: a.pin.as_str().to_owned(),
                station: a.remote_station.to_string(),
                status: a.status.as_str().to_owned(),
                status_label: lang.t(&format!("remote-status-{}", a.status.as_str())),
                reason: a.reason.clone().unwrap_or_default(),
                filed: format!("{} · {}", fmt_instant(a.filed_at), a.filed_by),
                live: a.status.is_live(),
                pending: a.status == ApplicationStatus::Applied,
            })
            .collect(),
        stations,
        statuses,
        pin: q.get("pin").cloned().unwrap_or_default(),
        is_cec: ctx.staff.as_ref().is_some_and(|s| s.is_cec_admin),
        ctx,
    };
    Ok(crate::kit::render(status, &t))
}

async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    require_role(lang, &staff)?;
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let notice = q.get("done").map(|d| lang.t(&format!("remote-done-{d}")));
    render_page(&state, ctx, &election.id, &q, StatusCode::OK, notice, None).await
}

#[derive(Deserialize)]
struct FileInput {
    csrf: Option<String>,
    election: Option<String>,
    pin: Option<String>,
    station: Option<String>,
}

async fn file(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(input): Form<FileInput>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    check_csrf(lang, &staff, input.csrf.as_deref())?;
    require_role(lang, &staff)?;
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let pin_text = input.pin.unwrap_or_default();
    let q = HashMap::from([("pin".to_owned(), pin_text.clone())]);
    let Ok(pin) = Pin::parse(pin_text.trim()) else {
        let m = lang.t("remote-error-bad_pin");
        return render_page(
            &state,
            ctx,
            &election.id,
            &q,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(m),
        )
        .await;
    };
    let Some(station) = input
        .station
        .and_then(|s| s.trim().parse::<u32>().ok())
        .and_then(|n| StationNumber::new(n).ok())
    else {
        let m = lang.t("error-remote_not_remote_station");
        return render_page(
            &state,
            ctx,
            &election.id,
            &q,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(m),
        )
        .await;
    };
    let now = (state.clock)();
    match app::file(
        &*state.store,
        &staff.actor(),
        &election.id,
        &pin,
        station,
        now,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/remote-voting?election={}&done=filed",
            election.id
        ))
        .into_response()),
        Err(RemoteVotingError::Forbidden) => {
            Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden"))
        }
        Err(e) => {
            if let RemoteVotingError::Store(s) = &e {
                crate::kit::fail::log(s);
            }
            let m = refusal(lang, &e);
            render_page(&state, ctx, &election.id, &q, status_of(&e), None, Some(m)).await
        }
    }
}

#[derive(Deserialize)]
struct DecisionInput {
    csrf: Option<String>,
    election: Option<String>,
    action: Option<String>,
    reason: Option<String>,
}

async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(input): Form<DecisionInput>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    check_csrf(lang, &staff, input.csrf.as_deref())?;
    require_role(lang, &staff)?;
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let decision = match input.action.as_deref() {
        Some("approve") => Decision::Approve {
            default_capacity: app::default_capacity(),
        },
        Some("reject") => Decision::Reject {
            reason: input.reason.unwrap_or_default(),
        },
        Some("cancel") => Decision::Cancel,
        _ => {
            return Err(PageFail::new(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_form",
            ));
        }
    };
    let done = match decision {
        Decision::Approve { .. } => "approved",
        Decision::Reject { .. } => "rejected",
        Decision::Cancel => "cancelled",
    };
    let now = (state.clock)();
    match app::decide(
        &*state.store,
        &staff.actor(),
        &election.id,
        id,
        decision,
        now,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/remote-voting?election={}&done={done}",
            election.id
        ))
        .into_response()),
        Err(RemoteVotingError::Forbidden) => {
            Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden"))
        }
        Err(RemoteVotingError::UnknownApplication(_)) => {
            Err(PageFail::new(lang, StatusCode::NOT_FOUND, "not_found"))
        }
        Err(e) => {
            if let RemoteVotingError::Store(s) = &e {
                crate::kit::fail::log(s);
            }
            let m = refusal(lang, &e);
            let q = HashMap::new();
            render_page(&state, ctx, &election.id, &q, status_of(&e), None, Some(m)).await
        }
    }
}

#[derive(Deserialize)]
struct CapacityInput {
    csrf: Option<String>,
    election: Option<String>,
    station: Option<String>,
    capacity: Option<String>,
}

async fn capacity(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(input): Form<CapacityInput>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    check_csrf(lang, &staff, input.csrf.as_deref())?;
    if !staff.actor().is_cec_admin() {
        return Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden"));
    }
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let station = input
        .station
        .and_then(|s| s.trim().parse::<u32>().ok())
        .and_then(|n| StationNumber::new(n).ok());
    let value = input.capacity.and_then(|c| c.trim().parse::<u64>().ok());
    let (Some(station), Some(value)) = (station, value) else {
        let m = lang.t("remote-error-bad_capacity");
        let q = HashMap::new();
        return render_page(
            &state,
            ctx,
            &election.id,
            &q,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(m),
        )
        .await;
    };
    let now = (state.clock)();
    match app::set_capacity(
        &*state.store,
        &staff.actor(),
        &election.id,
        station,
        value,
        now,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/remote-voting?election={}&done=capacity",
            election.id
        ))
        .into_response()),
        Err(e) => {
            let m = refusal(lang, &e);
            let q = HashMap::new();
            render_page(&state, ctx, &election.id, &q, status_of(&e), None, Some(m)).await
        }
    }
}

/// Applications and places of one remote-voting station (VOT-07).
#[derive(Debug, Serialize, ToSchema)]
pub struct RemoteStationCountDto {
    /// Station number.
    pub station: u32,
    /// The PEC that runs the station.
    pub commission: String,
    /// Applications awaiting the TEC's decision.
    pub applied: u64,
    /// Approved applications: voters on this station's list.
    pub approved: u64,
    /// Places: set by the CEC, or the configured default.
    pub capacity: u64,
}

/// Applications per remote-voting station of an election: awaiting decision, approved, and
/// places (VOT-07).
#[utoipa::path(get, path = "/api/v1/elections/{id}/remote-voting/stations", tag = "elections",
    params(("id" = String, Path, description = "Election id, e.g. `local-2024`"), crate::kit::LangQuery),
    responses(
        (status = 200, description = "One entry per remote-voting station, by number", body = Vec<RemoteStationCountDto>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
    ))]
pub async fn api_station_counts(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
) -> Result<Json<Vec<RemoteStationCountDto>>, ApiError> {
    let id = ElectionId::parse(&id).map_err(|_| ApiError::bad(lang, "bad_id", "id"))?;
    state
        .store
        .election(&id)
        .await
        .map_err(|e| ApiError::store(lang, e))?
        .ok_or_else(|| ApiError::not_found(lang))?;
    let counts = state
        .store
        .remote_station_counts(&id, app::default_capacity())
        .await
        .map_err(|e| ApiError::store(lang, e))?;
    Ok(Json(
        counts
            .into_iter()
            .map(|c| RemoteStationCountDto {
                station: c.station.get(),
                commission: c.commission.to_string(),
                applied: c.applied,
                approved: c.approved,
                capacity: c.capacity,
            })
            .collect(),
    ))
}

pub(crate) fn feature() -> crate::features::Feature {
    crate::features::Feature {
        name: "remote",
        pages: routes(),
        api: utoipa_axum::router::OpenApiRouter::new()
            .routes(utoipa_axum::routes!(api_station_counts)),
    }
}
