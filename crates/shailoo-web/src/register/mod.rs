//! The voter register for CEC staff (Тизме / реестр): importing the population register extract,
//! compiling the voter lists, and taking them through publication (CAL-02), posting at the
//! stations (due by CAL-04) and freezing (after CAL-12). The web face of
//! `shailoo_app::voters`, as `shailoo register` is its command-line face.
//!
//! * `GET /register`: the latest imports with their counts, where the lists stand, which steps
//!   the calendar allows now (window and rule id), and the job running. The CEC's desk: other
//!   staff get 403 (they read their stations' lists through the printed lists and the
//!   look-up); the public is sent to the log-in page.
//! * `POST /register/import`: a multipart form whose file is **streamed** to a temporary file
//!   (the national extract is hundreds of megabytes: it is never held in memory; this route
//!   alone accepts bodies up to [`UPLOAD_LIMIT`]), then previewed by a background job, like
//!   `shailoo register import [--compile]`: all or nothing, a bad row names its line.
//! * `POST /register/compile`: "compile now", also a job, refused once the lists are final by
//!   the calendar (the end of CAL-12) as a re-import is. `POST /register/steps`: publish,
//!   post, freeze through [`voters::take_step`], which asks the calendar.
//! * `GET /register/jobs/{id}`: a job's progress, refreshing itself every two seconds with
//!   `<meta http-equiv="refresh">` while it runs (the CSP forbids scripts), then its summary or
//!   its failure. An upload is first a *preview*: it stores nothing and shows the difference
//!   (persons added, changed, removed; a settlement the setup does not know stops it at its
//!   line), and the import happens only on `POST /register/jobs/{id}/confirm`, which names the
//!   difference confirmed and, for a removal beyond `register_removal_limit_percent` (VOT-11
//!   guard, a rule parameter of the election), the override of that limit by name.
//!
//! One job at a time: a second start while one runs is refused with 409. Jobs live in memory
//! (`jobs.rs`); what an import did is kept by the store anyway (the register's history
//! and the audit log, written by the use cases with the staff member as actor).
//!
//! * `pages.rs`: the status page, "compile now" and the steps; `upload.rs`: the streamed
//!   upload; `jobs.rs`: the background job runner; `job_page.rs`: a job's page;
//!   `confirm.rs`: the confirmation of a preview.

mod confirm;
mod job_page;
mod jobs;
mod pages;
mod upload;

pub(crate) use job_page::row_failure;
pub(crate) use jobs::RegisterJobs;

use crate::AppState;
use crate::features::{Access, Feature};
use crate::kit::calendar::closed_message;
use crate::kit::session::Staff;
use crate::kit::{Lang, PageFail, Refusal};
use axum::http::StatusCode;
use shailoo_app::StoreError;
use shailoo_app::authz::{self, Power, Target};
use shailoo_app::voters::VoterListError;
use shailoo_domain::ErrorCode;
use shailoo_domain::params::REMOVAL_LIMIT_KEY;
use std::path::PathBuf;
use std::sync::Arc;

/// The largest upload `POST /register/import` accepts: the national extract (4.3 million
/// persons) is about 800 MB; 4 GiB leaves room without accepting anything.
pub const UPLOAD_LIMIT: usize = 4 << 30;

/// Only the upload route accepts bodies larger than axum's default.
pub(crate) fn feature() -> Feature {
    use Access::{Staff, StaffChoice};
    Feature::new("register")
        .get("/register", Staff(Power::ViewRegister), pages::page)
        .in_menu("nav-register")
        .post_upload(
            "/register/import",
            Staff(Power::ImportRegister),
            UPLOAD_LIMIT,
            upload::upload,
        )
        .post(
            "/register/compile",
            Staff(Power::CompileLists),
            pages::compile_now,
        )
        // The form's `step` chooses: publish, post or freeze.
        .post(
            "/register/steps",
            StaffChoice(&[Power::PublishLists, Power::PostLists, Power::FreezeLists]),
            pages::step,
        )
        .get(
            "/register/jobs/{id}",
            Staff(Power::ViewRegisterJobs),
            job_page::job_page,
        )
        .post(
            "/register/jobs/{id}/confirm",
            Staff(Power::ImportRegister),
            confirm::confirm,
        )
}

impl AppState {
    /// Spools register uploads into `dir` instead of the system's temporary directory (tests
    /// check that nothing is left behind).
    pub fn with_upload_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.register_jobs = Arc::new(RegisterJobs::new(dir.into()));
        self
    }
}

/// The register and the lists are the CEC's ([`authz`]).
fn require(lang: Lang, staff: &Staff, power: Power) -> Result<(), PageFail> {
    authz::authorize(&staff.actor(), power, Target::Nationwide)
        .map_err(|_| PageFail::forbidden(lang))
}

/// The refusals of the voter lists, for the register page and the printed lists alike.
impl Refusal for VoterListError {
    fn status(&self) -> StatusCode {
        match self {
            VoterListError::Store(s) => s.status(),
            VoterListError::UnknownElection(_) | VoterListError::UnknownStation(_) => {
                StatusCode::NOT_FOUND
            }
            VoterListError::Forbidden(_) => StatusCode::FORBIDDEN,
            VoterListError::Calendar(_)
            | VoterListError::Frozen { .. }
            | VoterListError::NotCompiled(_)
            | VoterListError::NotPublished(_)
            | VoterListError::AlreadyDone { .. }
            | VoterListError::ConfirmationRequired
            | VoterListError::DifferenceChanged
            | VoterListError::RemovalOverLimit { .. }
            | VoterListError::ListsCompiledFor(_) => StatusCode::CONFLICT,
            VoterListError::CalendarInvalid(_)
            | VoterListError::BadDifference
            | VoterListError::UnknownSettlement { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            VoterListError::Store(e) => Some(e),
            _ => None,
        }
    }

    /// The calendar's refusal names its rule (CAL-02, CAL-12); the guard of a re-import says
    /// how much it would remove and the limit by name; an unknown settlement its record.
    fn message(&self, lang: Lang) -> String {
        match self {
            VoterListError::Calendar(c) => closed_message(lang, c),
            VoterListError::RemovalOverLimit {
                removed,
                persons,
                limit_percent,
            } => lang.t_args(
                "register-error-removal-over-limit",
                &[
                    ("removed", removed.to_string()),
                    ("persons", persons.to_string()),
                    ("limit", limit_percent.to_string()),
                    ("key", REMOVAL_LIMIT_KEY.to_owned()),
                ],
            ),
            VoterListError::UnknownSettlement { record, settlement } => lang.t_args(
                "register-error-unknown-settlement",
                &[
                    ("record", record.to_string()),
                    ("settlement", settlement.to_string()),
                ],
            ),
            VoterListError::ListsCompiledFor(e) => lang.t_args(
                "register-error-lists-compiled-for",
                &[("election", e.to_string())],
            ),
            other => lang.error(other.code()),
        }
    }
}
