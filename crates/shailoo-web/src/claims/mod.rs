//! Voter-list claims (VOT-08) for staff: the list of claims with filters (station, status,
//! kind, PIN), the form on which PEC staff file a claim on a voter's behalf with the passport
//! copy (multipart), the accept / reject buttons (a rejection with its reason), the passport
//! copy for download, and one voter's page: where they stand, their claims and the history of
//! the amendments made to their list entry.
//!
//! Every POST carries the session's CSRF token. Refusals (closed calendar, an open claim of
//! that kind, a copy that is not a JPEG, PNG or PDF…) re-render the page with the reason in the
//! reader's language; a refused permission is the 403 error page. Staff see only the claims
//! of stations their commission covers (`shailoo_app::authz`). The passport copy is served as an
//! attachment with `nosniff`, so a browser never renders what a voter uploaded.
//!
//! * `pages.rs`: the list, filing, deciding, the copy; `voter.rs`: one voter's page;
//!   `form.rs`: the claim form, which the voter cabinet files too; `views.rs`: how a claim reads.

mod form;
mod pages;
mod views;
mod voter;

pub(crate) use form::parse_claim;
pub(crate) use views::correction_details;

use crate::features::{Access, Feature};
use crate::kit::calendar::closed_message;
use crate::kit::{Lang, Refusal};
use axum::http::StatusCode;
use shailoo_app::StoreError;
use shailoo_app::authz::Power;
use shailoo_app::claims::{ClaimError, MAX_COPY_BYTES};
use shailoo_domain::ErrorCode;

/// The body of a claim form: the copy and the text fields, with room for the multipart framing.
pub(crate) const CLAIM_BODY_LIMIT: usize = MAX_COPY_BYTES + 64 * 1024;

/// Only the filing route accepts a body larger than axum's default (2 MB): a passport copy may
/// be 5 MB.
pub(crate) fn feature() -> Feature {
    use Access::Staff;
    Feature::new("claims")
        .get("/claims", Staff(Power::ViewClaims), pages::page)
        .in_menu("menu-claims")
        .post_upload(
            "/claims",
            Staff(Power::FileClaim),
            CLAIM_BODY_LIMIT,
            pages::file,
        )
        .post(
            "/claims/{id}/decision",
            Staff(Power::DecideClaim),
            pages::decide,
        )
        .get(
            "/claims/{id}/passport",
            Staff(Power::ViewPassportCopy),
            pages::passport,
        )
        .get("/claims/voter", Staff(Power::ViewAmendments), voter::voter)
}

/// The refusals of claims, for the staff pages and the voter cabinet alike.
impl Refusal for ClaimError {
    fn status(&self) -> StatusCode {
        match self {
            ClaimError::Store(e) => e.status(),
            ClaimError::Forbidden => StatusCode::FORBIDDEN,
            ClaimError::UnknownClaim(_) | ClaimError::UnknownElection(_) => StatusCode::NOT_FOUND,
            ClaimError::OwnClaim => StatusCode::FORBIDDEN,
            ClaimError::AlreadyOpen
            | ClaimError::AlreadyDecided
            | ClaimError::AlreadyListed(_)
            | ClaimError::Frozen { .. }
            | ClaimError::Calendar(_) => StatusCode::CONFLICT,
            ClaimError::CopyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ClaimError::CopyNotRecognised | ClaimError::CopyMalformed => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            ClaimError::Store(e) => Some(e),
            _ => None,
        }
    }

    /// The calendar's refusal names the deadline (CAL-11); a station refusal the station.
    fn message(&self, lang: Lang) -> String {
        match self {
            ClaimError::Calendar(c) => closed_message(lang, c),
            ClaimError::WrongStation { listed } => lang.t_args(
                "claims-error-wrong-station",
                &[("station", listed.to_string())],
            ),
            ClaimError::AlreadyListed(station) => lang.t_args(
                "claims-error-already-listed",
                &[("station", station.to_string())],
            ),
            ClaimError::AddressServedElsewhere(station) => lang.t_args(
                "claims-error-address-served-elsewhere",
                &[("station", station.to_string())],
            ),
            ClaimError::AddressOutsideArea(station) => lang.t_args(
                "claims-error-address-outside-area",
                &[("station", station.to_string())],
            ),
            ClaimError::OtherCouncil { listed } => lang.t_args(
                "claims-error-other-council",
                &[("council", listed.to_string())],
            ),
            other => lang.error(other.code()),
        }
    }

    fn voter_args(&self) -> Vec<(&'static str, String)> {
        match self {
            ClaimError::AlreadyListed(station) | ClaimError::WrongStation { listed: station } => {
                vec![("station", station.to_string())]
            }
            _ => Vec::new(),
        }
    }
}
