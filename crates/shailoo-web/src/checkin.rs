//! Voting day at the station (VOT-06, CAL-16): the PEC member's check-in page
//! `/stations/{n}/check-in`, the JSON `POST /api/v1/stations/{n}/check-ins`, and the public
//! turnout (`/elections/{id}/turnout`, `GET /api/v1/elections/{id}/turnout`).
//!
//! * Only staff whose commission covers the station's PEC may check voters in there (403
//!   otherwise), and only while voting is open (422 outside 08:00–20:00 on voting day).
//! * The API uses the page session: the session cookie plus the header `X-CSRF-Token` equal to
//!   the session's CSRF token, so a cross-site request cannot check anyone in.
//! * The election is the one whose voting day is today in Bishkek (else the latest), unless
//!   the form or body names one.
//! * Answers: 201 checked in; 409 already voted, with where and when; 404 not on this
//!   station's list (naming the voter's station) or on no list. Nothing about the person is
//!   shown beyond that.

use crate::AppState;
use crate::kit::PageCtx;
use crate::kit::fail::store_status;
use crate::kit::i18n::Lang;
use crate::kit::page::error_page;
use crate::kit::session::Staff;
use crate::kit::{ApiError, ApiLang, ErrorBody};
use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use shailoo_app::checkin::{self as app, CheckInError, CheckInOutcome, Turnout};
use shailoo_domain::time::to_bishkek;
use shailoo_domain::{ElectionId, Pin, StationNumber};
use utoipa::ToSchema;

/// The page routes; merged into the pages router.
fn routes() -> Router<AppState> {
    Router::new()
        .route("/stations/{number}/check-in", get(page_get).post(page_post))
        .route("/elections/{id}/turnout", get(turnout_page))
}

/// The election a check-in is for: the one named, else the one voting today (Bishkek), else
/// the one with the latest voting day.
async fn election_for(
    state: &AppState,
    named: Option<&str>,
) -> Result<Option<ElectionId>, shailoo_app::StoreError> {
    if let Some(id) = named.map(str::trim).filter(|s| !s.is_empty()) {
        return Ok(ElectionId::parse(id).ok());
    }
    let today = to_bishkek(state.now()).date();
    let elections = state.store.elections().await?;
    Ok(elections
        .iter()
        .find(|e| e.voting_day == today)
        .or_else(|| elections.iter().max_by_key(|e| e.voting_day))
        .map(|e| e.id.clone()))
}

/// The status and localized message of an outcome.
fn outcome_message(lang: Lang, outcome: &CheckInOutcome) -> (StatusCode, String) {
    match outcome {
        CheckInOutcome::CheckedIn => (StatusCode::CREATED, lang.t("checkin-ok")),
        CheckInOutcome::AlreadyVoted { station, at } => (
            StatusCode::CONFLICT,
            lang.t_args(
                "checkin-already-voted",
                &[
                    ("station", station.to_string()),
                    ("time", crate::kit::format::fmt_local_time(*at)),
                ],
            ),
        ),
        CheckInOutcome::NotOnThisStationsList { station } => (
            StatusCode::NOT_FOUND,
            lang.t_args("checkin-not-this-list", &[("station", station.to_string())]),
        ),
        CheckInOutcome::NotOnAnyList => (StatusCode::NOT_FOUND, lang.t("checkin-not-on-list")),
    }
}

/// The status and error code of a check-in that was not attempted.
fn error_status(e: &CheckInError) -> StatusCode {
    match e {
        CheckInError::Store(e) => store_status(e),
        CheckInError::UnknownElection(_) | CheckInError::UnknownStation(_) => StatusCode::NOT_FOUND,
        CheckInError::Forbidden(_) => StatusCode::FORBIDDEN,
        CheckInError::Calendar(_) | CheckInError::CalendarInvalid(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

// --- the page ---

#[derive(Template)]
#[template(path = "checkin.html")]
struct CheckInTemplate {
    ctx: PageCtx,
    title: String,
    station: u32,
    election: String,
    /// `(is_success, message)` of the last attempt.
    result: Option<(bool, String)>,
    turnout: Option<app::StationTurnout>,
    hours: [i8; 6],
}

#[derive(Debug, Deserialize)]
pub struct CheckInForm {
    #[serde(default)]
    pin: String,
    csrf: Option<String>,
    election: Option<String>,
}

fn render<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// The signed-in staff member allowed at this station, or the response that refuses.
async fn staff_for_station(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    number: &str,
) -> Result<(Staff, StationNumber), Response> {
    let number = StationNumber::parse(number)
        .map_err(|_| error_page(lang, StatusCode::BAD_REQUEST, "bad_station_number"))?;
    let staff = match crate::kit::session::current_staff(state, headers).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair("next", &format!("/stations/{number}/check-in"));
            return Err(Redirect::to(&format!("/login?{}", q.finish())).into_response());
        }
        Err(e) => {
            crate::kit::fail::log(&e);
            return Err(error_page(lang, store_status(&e), e.code()));
        }
    };
    let station = state.store.station(number).await.map_err(|e| {
        crate::kit::fail::log(&e);
        error_page(lang, store_status(&e), e.code())
    })?;
    let Some(station) = station else {
        return Err(error_page(lang, StatusCode::NOT_FOUND, "not_found"));
    };
    let chain = state
        .store
        .commission_chain(&station.commission)
        .await
        .map_err(|e| {
            crate::kit::fail::log(&e);
            error_page(lang, store_status(&e), e.code())
        })?;
    if !staff.actor().covers(&chain) {
        return Err(error_page(lang, StatusCode::FORBIDDEN, "forbidden"));
    }
    Ok((staff, number))
}

async fn page_template(
    state: &AppState,
    ctx: PageCtx,
    station: StationNumber,
    election: Option<ElectionId>,
    result: Option<(bool, String)>,
) -> CheckInTemplate {
    let turnout = match &election {
        Some(e) => state
            .store
            .turnout(e, Some(station))
            .await
            .ok()
            .and_then(|mut v| v.pop()),
        None => None,
    };
    CheckInTemplate {
        title: ctx
            .lang
            .t_args("checkin-title", &[("station", station.to_string())]),
        ctx,
        station: station.get(),
        election: election.map(|e| e.to_string()).unwrap_or_default(),
        result,
        turnout,
        hours: app::TURNOUT_HOURS,
    }
}

async fn page_get(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Response {
    let (_, station) = match staff_for_station(&state, ctx.lang, &headers, &number).await {
        Ok(ok) => ok,
        Err(r) => return r,
    };
    let election = election_for(&state, None).await.ok().flatten();
    let t = page_template(&state, ctx, station, election, None).await;
    render(StatusCode::OK, &t)
}

async fn page_post(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(number): Path<String>,
    form: Result<Form<CheckInForm>, FormRejection>,
) -> Response {
    let lang = ctx.lang;
    let Ok(Form(input)) = form else {
        return error_page(lang, StatusCode::BAD_REQUEST, "bad_form");
    };
    let (staff, station) = match staff_for_station(&state, lang, &headers, &number).await {
        Ok(ok) => ok,
        Err(r) => return r,
    };
    if !crate::kit::session::same_secret(
        input.csrf.as_deref().unwrap_or_default(),
        &staff.session.csrf_token,
    ) {
        return error_page(lang, StatusCode::FORBIDDEN, "csrf_failed");
    }
    let election = match election_for(&state, input.election.as_deref()).await {
        Ok(Some(e)) => e,
        Ok(None) => return error_page(lang, StatusCode::NOT_FOUND, "unknown_election"),
        Err(e) => {
            crate::kit::fail::log(&e);
            return error_page(lang, store_status(&e), e.code());
        }
    };
    let (status, result) = match Pin::parse(&input.pin) {
        Err(_) => (StatusCode::BAD_REQUEST, (false, lang.t("checkin-bad-pin"))),
        Ok(pin) => {
            match app::check_in(
                state.store.as_ref(),
                &staff.actor(),
                &election,
                station,
                &pin,
                state.now(),
            )
            .await
            {
                Ok(outcome) => {
                    let (status, message) = outcome_message(lang, &outcome);
                    // A page answers 200 to a success; refusals keep their status.
                    let status = if status == StatusCode::CREATED {
                        StatusCode::OK
                    } else {
                        status
                    };
                    (status, (outcome == CheckInOutcome::CheckedIn, message))
                }
                Err(CheckInError::Calendar(_)) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    (false, lang.t("checkin-closed")),
                ),
                Err(e) => {
                    if let CheckInError::Store(s) = &e {
                        crate::kit::fail::log(s);
                    }
                    return error_page(lang, error_status(&e), e.code());
                }
            }
        }
    };
    let t = page_template(&state, ctx, station, Some(election), Some(result)).await;
    render(status, &t)
}

// --- the public turnout page ---

#[derive(Template)]
#[template(path = "turnout.html")]
struct TurnoutTemplate {
    ctx: PageCtx,
    turnout: Turnout,
}

async fn turnout_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> Response {
    let lang = ctx.lang;
    let Ok(id) = ElectionId::parse(&id) else {
        return error_page(lang, StatusCode::BAD_REQUEST, "bad_id");
    };
    match app::turnout(state.store.as_ref(), &id).await {
        Ok(turnout) => render(StatusCode::OK, &TurnoutTemplate { ctx, turnout }),
        Err(e) => {
            if let CheckInError::Store(s) = &e {
                crate::kit::fail::log(s);
            }
            error_page(lang, error_status(&e), e.code())
        }
    }
}

// --- the API ---

/// A check-in request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckInRequest {
    /// The voter's PIN (14 digits).
    #[schema(example = "20101199000123")]
    pub pin: String,
    /// The election; by default the one voting today.
    pub election: Option<String>,
}

/// The answer to a check-in: recorded (201), or already voted (409) with where and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInDto {
    /// `checked_in` or `already_voted`.
    pub outcome: String,
    /// Where the ballot was issued.
    pub station: u32,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// For the PEC member, in the request's language.
    pub message: String,
}

/// Checks a voter in at a polling station on voting day (VOT-06). Needs a staff session
/// cookie of a commission covering the station's PEC and the header `X-CSRF-Token` with the
/// session's CSRF token.
#[utoipa::path(post, path = "/api/v1/stations/{number}/check-ins", tag = "stations",
    params(("number" = u32, Path, description = "Polling station number"), crate::kit::LangQuery),
    request_body = CheckInRequest,
    responses(
        (status = 201, description = "Checked in: issue the ballot", body = CheckInDto),
        (status = 400, description = "Malformed PIN or station number", body = ErrorBody),
        (status = 401, description = "No staff session", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, or another commission's station", body = ErrorBody),
        (status = 404, description = "Not on this station's list, or on no list", body = ErrorBody),
        (status = 409, description = "Already voted: where and when", body = CheckInDto),
        (status = 422, description = "Outside voting hours (CAL-16)", body = ErrorBody),
    ))]
pub async fn api_check_in(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    headers: HeaderMap,
    Path(number): Path<String>,
    Json(body): Json<CheckInRequest>,
) -> Result<(StatusCode, Json<CheckInDto>), ApiError> {
    let staff = crate::kit::session::current_staff(&state, &headers)
        .await
        .map_err(|e| ApiError::store(lang, e))?
        .ok_or_else(|| ApiError::new(lang, StatusCode::UNAUTHORIZED, "login_required"))?;
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !crate::kit::session::same_secret(token, &staff.session.csrf_token) {
        return Err(ApiError::new(lang, StatusCode::FORBIDDEN, "csrf_failed"));
    }
    let station = StationNumber::parse(&number)
        .map_err(|_| ApiError::bad(lang, "bad_station_number", "number"))?;
    let pin = Pin::parse(&body.pin).map_err(|_| ApiError::bad(lang, "bad_parameter", "pin"))?;
    let election = election_for(&state, body.election.as_deref())
        .await
        .map_err(|e| ApiError::store(lang, e))?
        .ok_or_else(|| ApiError::new(lang, StatusCode::NOT_FOUND, "unknown_election"))?;
    let now = state.now();
    let outcome = app::check_in(
        state.store.as_ref(),
        &staff.actor(),
        &election,
        station,
        &pin,
        now,
    )
    .await
    .map_err(|e| match e {
        CheckInError::Store(e) => ApiError::store(lang, e),
        CheckInError::UnknownStation(_) => ApiError::not_found(lang),
        CheckInError::Calendar(_) => {
            ApiError::new(lang, StatusCode::UNPROCESSABLE_ENTITY, "voting_closed")
        }
        other => ApiError::new(lang, error_status(&other), other.code()),
    })?;
    let (status, message) = outcome_message(lang, &outcome);
    let (code, station, at) = match outcome {
        CheckInOutcome::CheckedIn => ("checked_in", station, now),
        CheckInOutcome::AlreadyVoted { station, at } => ("already_voted", station, at),
        CheckInOutcome::NotOnThisStationsList { .. } => {
            return Err(ApiError::new(lang, status, "not_on_this_list"));
        }
        CheckInOutcome::NotOnAnyList => {
            return Err(ApiError::new(lang, status, "not_on_list"));
        }
    };
    Ok((
        status,
        Json(CheckInDto {
            outcome: code.to_owned(),
            station: station.get(),
            at: at.to_string(),
            message,
        }),
    ))
}

/// Voters who took part at one station: cumulative by hour, and the total.
#[derive(Debug, Serialize, ToSchema)]
pub struct StationTurnoutDto {
    pub station: u32,
    /// Cumulative counts before each of `hours` (Bishkek time).
    pub by_hour: Vec<u64>,
    pub total: u64,
}

/// Turnout of an election by hour (10:00, 12:00, 14:00, 16:00, 18:00, 20:00 Bishkek time).
#[derive(Debug, Serialize, ToSchema)]
pub struct TurnoutDto {
    pub election: String,
    /// The reporting hours, Bishkek time.
    pub hours: Vec<i8>,
    /// Cumulative voters who took part before each hour, all stations.
    pub by_hour: Vec<u64>,
    pub total: u64,
    /// Stations with at least one voter, by number.
    pub stations: Vec<StationTurnoutDto>,
}

/// Public turnout of an election: voters who took part by hour and per station.
#[utoipa::path(get, path = "/api/v1/elections/{id}/turnout", tag = "elections",
    params(("id" = String, Path, description = "Election id"), crate::kit::LangQuery),
    responses(
        (status = 200, description = "Turnout by hour and station", body = TurnoutDto),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
    ))]
pub async fn api_turnout(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
) -> Result<Json<TurnoutDto>, ApiError> {
    let id = ElectionId::parse(&id).map_err(|_| ApiError::bad(lang, "bad_id", "id"))?;
    let t = app::turnout(state.store.as_ref(), &id)
        .await
        .map_err(|e| match e {
            CheckInError::Store(e) => ApiError::store(lang, e),
            _ => ApiError::not_found(lang),
        })?;
    Ok(Json(TurnoutDto {
        election: t.election.to_string(),
        hours: t.hours.to_vec(),
        by_hour: t.by_hour.to_vec(),
        total: t.total,
        stations: t
            .stations
            .iter()
            .map(|s| StationTurnoutDto {
                station: s.station.get(),
                by_hour: s.by_hour.to_vec(),
                total: s.total,
            })
            .collect(),
    }))
}

pub(crate) fn feature() -> crate::features::Feature {
    crate::features::Feature {
        name: "checkin",
        pages: routes(),
        api: utoipa_axum::router::OpenApiRouter::new()
            .routes(utoipa_axum::routes!(api_check_in))
            .routes(utoipa_axum::routes!(api_turnout)),
    }
}
