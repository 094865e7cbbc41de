//! The check-in API (`POST /api/v1/stations/{n}/check-ins`) and the public turnout
//! (`GET /api/v1/elections/{id}/turnout`).
//!
//! The check-in API uses the page session: the session cookie plus the header `X-CSRF-Token`
//! equal to the session's CSRF token, so a cross-site request cannot check anyone in.

use crate::AppState;
use crate::checkin::{election_for, outcome_message};
use crate::kit::input::Json;
use crate::kit::session::{current_staff, same_secret};
use crate::kit::{ApiError, ApiLang, ErrorBody, LangQuery, OrRefused};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use shailoo_app::checkin::{self as app, CheckInError, CheckInOutcome};
use shailoo_app::voters::CountBy;
use shailoo_domain::{ElectionId, ErrorCode, Pin, StationNumber};
use utoipa::ToSchema;

/// A check-in request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckInRequest {
    /// The voter's PIN: 14 digits, the second to ninth a date of birth DDMMYYYY that exists.
    #[schema(
        example = "20101199000123",
        pattern = "^[12](?:(?:0[1-9]|1[0-9]|2[0-9])(?:0[1-9]|1[0-2])|30(?:0[13-9]|1[0-2])|31(?:0[13578]|1[02]))[0-9]{4}[0-9]{5}$"
    )]
    pub pin: String,
    /// The election; by default the one voting today.
    #[schema(pattern = "^[a-z0-9.-]{1,64}$")]
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
    params(("number" = u32, Path, minimum = 1, maximum = 99999, description = "Polling station number, 1 to 99999"), LangQuery),
    request_body = CheckInRequest,
    responses(
        (status = 201, description = "Checked in: issue the ballot", body = CheckInDto),
        (status = 400, description = "Malformed PIN, station number or body (`bad_json`, `missing_field`, `bad_parameter`; \
            `forbidden_character` for a control or text-direction character) or parameter; `field` names it", body = ErrorBody),
        (status = 415, description = "The body is not `application/json` (`not_json`)", body = ErrorBody),
        (status = 401, description = "No staff session", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, or another commission's station", body = ErrorBody),
        (status = 404, description = "Not on this station's list, or on no list", body = ErrorBody),
        (status = 409, description = "Already voted: where and when", body = CheckInDto),
        (status = 422, description = "Outside voting hours (CAL-16)", body = ErrorBody),
    ))]
pub(super) async fn api_check_in(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    headers: HeaderMap,
    Path(number): Path<String>,
    Json(body): Json<CheckInRequest>,
) -> Result<(StatusCode, Json<CheckInDto>), ApiError> {
    let staff = current_staff(&state, &headers)
        .await
        .or_api(lang)?
        .ok_or_else(|| ApiError::new(lang, StatusCode::UNAUTHORIZED, ErrorCode::LoginRequired))?;
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !same_secret(token, &staff.session.csrf_token) {
        return Err(ApiError::new(
            lang,
            StatusCode::FORBIDDEN,
            ErrorCode::CsrfFailed,
        ));
    }
    let station = StationNumber::parse(&number)
        .map_err(|_| ApiError::bad(lang, ErrorCode::BadStationNumber, "number"))?;
    let pin =
        Pin::parse(&body.pin).map_err(|_| ApiError::bad(lang, ErrorCode::BadParameter, "pin"))?;
    let election = election_for(&state, body.election.as_deref())
        .await
        .or_api(lang)?
        .ok_or_else(|| ApiError::new(lang, StatusCode::NOT_FOUND, ErrorCode::UnknownElection))?;
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
        CheckInError::UnknownStation(_) => ApiError::not_found(lang),
        e => ApiError::refused(lang, &e),
    })?;
    let (status, message) = outcome_message(lang, &outcome);
    let (code, station, at) = match outcome {
        CheckInOutcome::CheckedIn => ("checked_in", station, now),
        CheckInOutcome::AlreadyVoted { station, at } => ("already_voted", station, at),
        CheckInOutcome::NotOnThisStationsList { .. } => {
            return Err(ApiError::new(lang, status, ErrorCode::NotOnThisList));
        }
        CheckInOutcome::NotOnAnyList => {
            return Err(ApiError::new(lang, status, ErrorCode::NotOnList));
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
    /// Cumulative counts before each of `hours` (Bishkek time); null for an hour that has not
    /// yet come.
    pub by_hour: Vec<Option<u64>>,
    pub total: u64,
}

/// Turnout of an election by hour (10:00, 12:00, 14:00, 16:00, 18:00, 20:00 Bishkek time).
#[derive(Debug, Serialize, ToSchema)]
pub struct TurnoutDto {
    pub election: String,
    /// The reporting hours, Bishkek time.
    pub hours: Vec<i8>,
    /// Voters on the election's lists: the base of every percentage.
    pub listed: u64,
    /// Cumulative voters who took part before each hour, all stations; null for an hour
    /// that has not yet come.
    pub by_hour: Vec<Option<u64>>,
    /// Voters who took part so far.
    pub total: u64,
    /// Stations with at least one voter, by number.
    pub stations: Vec<StationTurnoutDto>,
}

/// The counts of the hours that have passed; null for the others.
fn passed_only(by_hour: &[u64; 6], passed: usize) -> Vec<Option<u64>> {
    by_hour
        .iter()
        .enumerate()
        .map(|(i, n)| (i < passed).then_some(*n))
        .collect()
}

/// Public turnout of an election: voters who took part by hour (only hours that have passed)
/// and per station, with the voters on the lists.
#[utoipa::path(get, path = "/api/v1/elections/{id}/turnout", tag = "elections",
    params(("id" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id"), LangQuery),
    responses(
        (status = 200, description = "Turnout by hour and station", body = TurnoutDto),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
    ))]
pub(super) async fn api_turnout(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
) -> Result<Json<TurnoutDto>, ApiError> {
    let id = ElectionId::parse(&id).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "id"))?;
    let store = state.store.as_ref();
    let t = app::turnout(store, &id).await.map_err(|e| match e {
        e @ CheckInError::Store(_) => ApiError::refused(lang, &e),
        _ => ApiError::not_found(lang),
    })?;
    let election = store
        .election(&id)
        .await
        .or_api(lang)?
        .ok_or_else(|| ApiError::not_found(lang))?;
    let passed = app::hours_passed(election.voting_day, state.now());
    let listed = store
        .list_counts(&id, CountBy::Council)
        .await
        .or_api(lang)?
        .iter()
        .map(|c| c.voters)
        .sum();
    Ok(Json(TurnoutDto {
        election: t.election.to_string(),
        hours: t.hours.to_vec(),
        listed,
        by_hour: passed_only(&t.by_hour, passed),
        total: t.total,
        stations: t
            .stations
            .iter()
            .map(|s| StationTurnoutDto {
                station: s.station.get(),
                by_hour: passed_only(&s.by_hour, passed),
                total: s.total,
            })
            .collect(),
    }))
}
