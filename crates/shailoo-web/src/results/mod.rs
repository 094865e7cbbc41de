//! Results: the staff's pages, from the PEC's protocol entry to the TEC's determination and
//! the CEC's national dashboard (the public results are `public.rs` / `api.rs`).
//!
//! * `entry.rs`: a PEC operator's stations and contests (`/protocols`) and the protocol form
//!   (double entry, the RES-05 control checks on entry: an error refuses the entry naming
//!   its lines, a warning is confirmed against the paper and commented by the TEC).
//! * `coordinate.rs`: the TEC's councils (`/protocols/councils`) and one council's protocols:
//!   the differences of a double entry field by field (keep one, or order a re-entry),
//!   accept (a comment on warnings), return (a reason), correct (a new version with a
//!   reason), and the determination of the council's result with its explanation and, when
//!   RES-08 asks, the drawing of lots; a determination after CAL-17 is refused by the
//!   calendar unless the CEC moved the deadline, and then shown as late.
//! * `dashboard.rs`: the CEC's dashboard (stations reported per council and region, turnout,
//!   warnings and returns, councils determined or failed, the preliminary gaps and the
//!   turnout/vote-share fingerprints) and the preliminary counts' upload.
//! * `views.rs`: what the pages share (contests, protocol lines, stages in words).
//!
//! Every step is a use case of `shailoo_app::results`, which asks `authz` and the calendar
//! and writes the audit entry; a page asks `authz` first only to refuse a stranger before it
//! reads a council's context.

// The public results and their API (i15-public).
mod api;
mod public;
pub(crate) use public::ResultsCache;
// One station's results and its protocols' scans, and the map (i15-scan-map).
mod explain;
mod map;
mod station;

mod coordinate;
mod dashboard;
mod entry;
mod views;

use crate::features::{Access, Feature};
use crate::kit::calendar::closed_message;
use crate::kit::{Lang, Refusal};
use axum::http::StatusCode;
use shailoo_app::StoreError;
use shailoo_app::authz::Power;
use shailoo_app::results::ResultsError;
use shailoo_domain::ErrorCode;
use utoipa_axum::routes;

pub(crate) fn feature() -> Feature {
    public_routes(staff_routes(Feature::new("results")))
}

/// The public's routes: live results per council, and the same through the API (i15-public).
fn public_routes(feature: Feature) -> Feature {
    use Access::Public;
    feature
        .get("/results", Public, public::list)
        .get("/results/{election}/{council}", Public, public::page)
        .api(Public, routes!(api::api_results))
        .api(Public, routes!(api::api_council_results))
        // i15-scan-map: one station's results and the scans of its protocols.
        .get(
            "/results/{election}/{council}/stations/{station}",
            Public,
            station::page,
        )
        .get(
            "/results/{election}/scans/{digest}",
            Public,
            station::scan_file,
        )
        .get("/results/{election}/map", Public, map::page)
        .api(Public, routes!(station::api_station_results))
}

/// The staff's routes: entry (PEC), coordination and determination (TEC), dashboard (CEC).
fn staff_routes(feature: Feature) -> Feature {
    use Access::Staff;
    feature
        .get("/protocols", Staff(Power::EnterProtocol), entry::list)
        .in_menu("menu-results-entry")
        .get(
            "/protocols/{election}/stations/{station}/{council}",
            Staff(Power::EnterProtocol),
            entry::form,
        )
        .post(
            "/protocols/{election}/stations/{station}/{council}",
            Staff(Power::EnterProtocol),
            entry::submit,
        )
        // i15-scan-map: the scan of the signed paper protocol.
        .post_upload(
            "/protocols/{election}/stations/{station}/{council}/scan",
            Staff(Power::EnterProtocol),
            entry::SCAN_BODY_LIMIT,
            entry::attach_scan,
        )
        .get(
            "/protocols/councils",
            Staff(Power::DecideProtocol),
            coordinate::list,
        )
        .in_menu("menu-results-councils")
        .get(
            "/protocols/{election}/councils/{council}",
            Staff(Power::DecideProtocol),
            coordinate::council,
        )
        .post(
            "/protocols/{election}/stations/{station}/{council}/decision",
            Staff(Power::DecideProtocol),
            coordinate::decide,
        )
        .post(
            "/protocols/{election}/councils/{council}/determination",
            Staff(Power::DetermineResults),
            coordinate::determine,
        )
        .get(
            "/protocols/dashboard",
            Staff(Power::ViewResultsDashboard),
            dashboard::page,
        )
        .in_menu("menu-results-dashboard")
        .get(
            "/protocols/preliminary",
            Staff(Power::ImportPreliminaryResults),
            dashboard::preliminary_form,
        )
        .in_menu("menu-results-preliminary")
        .post_upload(
            "/protocols/preliminary",
            Staff(Power::ImportPreliminaryResults),
            dashboard::PRELIMINARY_LIMIT,
            dashboard::preliminary_upload,
        )
}

/// The refusals of the results use cases, for pages and the API alike.
impl Refusal for ResultsError {
    fn status(&self) -> StatusCode {
        use ResultsError as E;
        match self {
            E::Store(e) => e.status(),
            E::Forbidden => StatusCode::FORBIDDEN,
            E::UnknownElection(_) | E::UnknownCouncil(_) | E::UnknownStation(_) => {
                StatusCode::NOT_FOUND
            }
            E::Calendar(_) | E::BallotUnavailable(_) | E::Incomplete { .. } => StatusCode::CONFLICT,
            E::CalendarInvalid(_) => StatusCode::INTERNAL_SERVER_ERROR,
            E::ContestNotHeld { .. } | E::Step(_) | E::BadLots(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            E::ScanMissing => StatusCode::BAD_REQUEST,
            E::ScanTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            E::ScanNotRecognised => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        }
    }

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            ResultsError::Store(e) => Some(e),
            _ => None,
        }
    }

    /// A closed window names its deadline (CAL-16, CAL-17); a refused step names its rule; a
    /// council not complete says how many protocols are missing.
    fn message(&self, lang: Lang) -> String {
        match self {
            ResultsError::Calendar(c) => closed_message(lang, c),
            ResultsError::Step(s) => format!("{} ({})", lang.error(s.code()), s.rule()),
            ResultsError::Incomplete { missing } => format!(
                "{} {}",
                lang.error(self.code()),
                lang.t_args("protocols-missing", &[("missing", missing.to_string())])
            ),
            other => lang.error(other.code()),
        }
    }
}
