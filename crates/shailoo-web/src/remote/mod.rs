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
//!
//! * `pages.rs`: the staff page and its forms; `api.rs`: the counts as JSON.

mod api;
mod pages;

use crate::features::{Access, Feature};
use crate::kit::calendar::closed_message;
use crate::kit::{Lang, Refusal};
use axum::http::StatusCode;
use shailoo_app::StoreError;
use shailoo_app::authz::Power;
use shailoo_app::remote::RemoteVotingError;
use shailoo_domain::ErrorCode;
use utoipa_axum::routes;

pub(crate) fn feature() -> Feature {
    use Access::{Public, Staff, StaffChoice};
    Feature::new("remote")
        .get(
            "/remote-voting",
            Staff(Power::ViewRemoteApplications),
            pages::page,
        )
        .in_menu("menu-remote-voting")
        .post(
            "/remote-voting",
            Staff(Power::FileRemoteApplication),
            pages::file,
        )
        // Approve and reject are the deciding TEC's; cancel is also the filer's.
        .post(
            "/remote-voting/{id}/decision",
            StaffChoice(&[Power::DecideRemoteApplication, Power::FileRemoteApplication]),
            pages::decide,
        )
        .post(
            "/remote-voting/capacity",
            Staff(Power::SetRemoteCapacity),
            pages::capacity,
        )
        .api(Public, routes!(api::api_station_counts))
}

/// The refusals of remote voting, for the staff page and the voter cabinet alike.
impl Refusal for RemoteVotingError {
    fn status(&self) -> StatusCode {
        match self {
            RemoteVotingError::Store(e) => e.status(),
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

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            RemoteVotingError::Store(e) => Some(e),
            _ => None,
        }
    }

    /// The calendar's refusal names the deadline (CAL-12); a full station its capacity.
    fn message(&self, lang: Lang) -> String {
        match self {
            RemoteVotingError::Calendar(c) => closed_message(lang, c),
            RemoteVotingError::Full { station, capacity } => lang.t_args(
                "remote-error-full",
                &[
                    ("station", station.to_string()),
                    ("capacity", capacity.to_string()),
                ],
            ),
            other => lang.error(other.code()),
        }
    }
}
