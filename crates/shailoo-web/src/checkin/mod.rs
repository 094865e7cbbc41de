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
//!
//! * `page.rs`: the PEC's check-in page (with the voter's row and name on the list);
//!   `turnout.rs`: the public turnout page (only hours that have passed, percentages, per region,
//!   council and station) and `chart.rs` its chart; `api.rs`: both as JSON.

mod api;
mod chart;
mod entry;
mod page;
mod turnout;

use crate::AppState;
use crate::features::{Access, Feature};
use crate::kit::format::fmt_local_time;
use crate::kit::{Lang, Refusal};
use axum::http::StatusCode;
use shailoo_app::StoreError;
use shailoo_app::authz::Power;
use shailoo_app::checkin::{CheckInError, CheckInOutcome};
use shailoo_domain::ElectionId;
use shailoo_domain::ErrorCode;
use shailoo_domain::time::to_bishkek;
use utoipa_axum::routes;

pub(crate) fn feature() -> Feature {
    use Access::{Public, Staff};
    Feature::new("checkin")
        .get("/check-in", Staff(Power::CheckInVoters), entry::entry)
        .in_menu("menu-check-in")
        .get(
            "/stations/{number}/check-in",
            Staff(Power::CheckInVoters),
            page::page_get,
        )
        .post(
            "/stations/{number}/check-in",
            Staff(Power::CheckInVoters),
            page::page_post,
        )
        .get("/elections/{id}/turnout", Public, turnout::turnout_page)
        .api(Staff(Power::CheckInVoters), routes!(api::api_check_in))
        .api(Public, routes!(api::api_turnout))
}

/// A check-in that was not attempted.
impl Refusal for CheckInError {
    fn status(&self) -> StatusCode {
        match self {
            CheckInError::Store(e) => e.status(),
            CheckInError::UnknownElection(_) | CheckInError::UnknownStation(_) => {
                StatusCode::NOT_FOUND
            }
            CheckInError::Forbidden(_) => StatusCode::FORBIDDEN,
            CheckInError::Calendar(_) | CheckInError::CalendarInvalid(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        }
    }

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            CheckInError::Store(e) => Some(e),
            _ => None,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            CheckInError::Calendar(_) => lang.t("checkin-closed"),
            other => lang.error(other.code()),
        }
    }
}

/// The election a check-in is for: the one named, else the one voting today (Bishkek), else
/// the one with the latest voting day.
async fn election_for(
    state: &AppState,
    named: Option<&str>,
) -> Result<Option<ElectionId>, StoreError> {
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
                    ("time", fmt_local_time(*at)),
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
