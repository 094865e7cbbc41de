//! The complaints registry on the web (CMP-05, CMP-06): the public registry with its search,
//! filters, statistics and each case's history (never the complainant's name or contact); the
//! commissions' working list, paper intake and the steps of a case (assignment, decision with
//! its document, appeal up PEC → TEC → CEC → court, the court's act); online filing by a voter
//! signed in to the cabinet; `GET /api/v1/elections/{election}/complaints`; open data.
//!
//! Who may do what is `shailoo_app::complaints`': the routes only let in whoever holds the
//! power somewhere, the use case asks again about the commission hearing the step (only its
//! own members assign and decide; who filed never decides). Each step shows its legal clock as
//! the time left (or overdue, which stands out), computed at the request from the stored due
//! instant. A decision's or court act's document is checked by its bytes (PDF, JPEG, PNG, at
//! most 5 MB), stored once per BLAKE3 digest, and served as a `nosniff` attachment.
//!
//! * `registry.rs`: the public pages; `staff.rs`: the working list, intake and steps;
//!   `voter.rs`: the cabinet's filing; `form.rs`: reading the forms; `views.rs`: how a case
//!   reads (clock, history); `api.rs` and `open_data.rs`.

mod api;
mod form;
mod open_data;
mod registry;
mod staff;
mod views;
mod voter;

pub(crate) use api::election_exists;

use crate::features::{Access, Feature};
use crate::kit::rate_limit::{KeyedLimiter, RateLimit};
use crate::kit::{Lang, Refusal};
use axum::http::StatusCode;
use shailoo_app::StoreError;
use shailoo_app::authz::Power;
use shailoo_app::claims::MAX_COPY_BYTES;
use shailoo_app::complaints::ComplaintError;
use shailoo_domain::ErrorCode;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use utoipa_axum::routes;

/// The body of a form with a document: the file and the text fields, with room for framing.
pub(crate) const DOCUMENT_BODY_LIMIT: usize = MAX_COPY_BYTES + 64 * 1024;

/// Online filings per client address: 5 at once, then one every 10 minutes. A voter files a
/// complaint or two; a flood from one address meets 429 before anything is stored.
pub(crate) const FILING_LIMIT: RateLimit = RateLimit {
    burst: 5,
    period: Duration::from_secs(600),
};

/// Searches of the public registry per client address (i16-cases2): 30 at once, then one
/// every 2 seconds. A search filters every complaint of the election in memory; a person
/// searching never notices the limit, a scraper walking the registry by words does. Only a
/// request with a search term counts: the plain registry, its filters and the cases are
/// public pages served to anyone (and measured under load) without a limit.
pub(crate) const SEARCH_LIMIT: RateLimit = RateLimit {
    burst: 30,
    period: Duration::from_secs(2),
};

/// The limiters of the public forms of this capability (online filing and appeals, the
/// registry's search).
pub(crate) struct ComplaintLimits {
    pub(crate) filing: KeyedLimiter<Option<IpAddr>>,
    pub(crate) search: KeyedLimiter<Option<IpAddr>>,
}

impl ComplaintLimits {
    pub(crate) fn new() -> Arc<ComplaintLimits> {
        Arc::new(ComplaintLimits {
            filing: KeyedLimiter::new(FILING_LIMIT, 100_000),
            search: KeyedLimiter::new(SEARCH_LIMIT, 100_000),
        })
    }
}

pub(crate) fn feature() -> Feature {
    use Access::Staff;
    public(cabinet(Feature::new("complaints")))
        .get("/complaints", Staff(Power::ViewComplaints), staff::list)
        .in_menu("menu-complaints")
        .post_upload(
            "/complaints",
            Staff(Power::FileComplaint),
            DOCUMENT_BODY_LIMIT,
            staff::file,
        )
        .get(
            "/complaints/{election}/{id}",
            Staff(Power::ViewComplaints),
            staff::case,
        )
        .post(
            "/complaints/{election}/{id}/assign",
            Staff(Power::AssignComplaint),
            staff::assign,
        )
        .post_upload(
            "/complaints/{election}/{id}/decision",
            Staff(Power::DecideComplaint),
            DOCUMENT_BODY_LIMIT,
            staff::decide,
        )
        .get(
            "/complaints/{election}/{id}/documents/{digest}",
            Staff(Power::ViewComplaints),
            staff::attachment,
        )
        .post(
            "/complaints/{election}/{id}/appeal",
            Staff(Power::FileComplaint),
            staff::appeal,
        )
        .post_upload(
            "/complaints/{election}/{id}/court-act",
            Staff(Power::RecordCourtAct),
            DOCUMENT_BODY_LIMIT,
            staff::court_act,
        )
}

/// The public registry: its list and cases, the decisions' documents, the open data and the
/// API.
fn public(f: Feature) -> Feature {
    use Access::Public;
    f.get("/registry/complaints", Public, registry::list)
        .get(
            "/registry/complaints/{election}/{id}",
            Public,
            registry::case,
        )
        .get(
            "/registry/complaints/{election}/{id}/documents/{digest}",
            Public,
            registry::document,
        )
        .get(
            "/open-data/elections/{election}/complaints.csv",
            Public,
            open_data::csv,
        )
        .get(
            "/open-data/elections/{election}/complaints.json",
            Public,
            open_data::json,
        )
        .api(Public, routes!(api::api_complaints))
}

/// The complainant's own routes in the voter cabinet: their complaints and the form, online
/// filing and appeal (with an optional document), the documents they handed in.
fn cabinet(f: Feature) -> Feature {
    use Access::{Public, Voter};
    f.get("/cabinet/complaints", Public, voter::page)
        // i16-cases2: a document at filing, the complainant's online appeal, their documents.
        .post_upload(
            "/cabinet/complaints",
            Voter,
            DOCUMENT_BODY_LIMIT,
            voter::file,
        )
        .post_upload(
            "/cabinet/complaints/{election}/{id}/appeal",
            Voter,
            DOCUMENT_BODY_LIMIT,
            voter::appeal,
        )
        .get(
            "/cabinet/complaints/{election}/{id}/documents/{digest}",
            Voter,
            voter::attachment,
        )
}

/// The refusals of the complaint use cases, for pages and the API alike.
impl Refusal for ComplaintError {
    fn status(&self) -> StatusCode {
        use ComplaintError as E;
        match self {
            E::Store(e) => e.status(),
            E::Forbidden | E::OwnComplaint | E::NotTheComplainant => StatusCode::FORBIDDEN,
            E::UnknownElection(_) | E::UnknownComplaint(_) | E::BadId => StatusCode::NOT_FOUND,
            E::Clock(_)
            | E::AlreadyDecided
            | E::NotDecided
            | E::NoFurtherAppeal
            | E::NotInCourt
            | E::InCourt => StatusCode::CONFLICT,
            E::DocumentTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            E::DocumentNotRecognised => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            E::CalendarInvalid(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            ComplaintError::Store(e) => Some(e),
            _ => None,
        }
    }

    /// A late filing names its deadline and CMP-06; a refusal on a rule names the rule.
    fn message(&self, lang: Lang) -> String {
        use shailoo_domain::complaint::ClockError;
        match self {
            ComplaintError::Clock(ClockError::FiledTooLate {
                act_on,
                days,
                deadline,
            }) => lang.t_args(
                "complaints-filed-too-late",
                &[
                    ("act_on", crate::kit::format::fmt_date(*act_on)),
                    ("days", days.to_string()),
                    ("deadline", crate::kit::format::fmt_instant(*deadline)),
                ],
            ),
            other => match other.rule() {
                Some(rule) => format!("{} ({rule})", lang.error(other.code())),
                None => lang.error(other.code()),
            },
        }
    }
}
