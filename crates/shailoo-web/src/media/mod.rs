//! Media accreditation on the web (CMP-01…CMP-03): the CEC's page of applications, where its
//! staff enter an outlet's written application with its price list file
//! (`docs/data-formats.md`, "Media price list") until CAL-03, and where the CEC accredits,
//! refuses with a reason or revokes; the public registry of outlets with their price lists
//! and the CMP-02 findings, each with its rule and the lines of the file concerned;
//! `GET /api/v1/elections/{election}/media`; open data.
//!
//! Who applies: CMP-01 asks for a *written* application, signed by the outlet's head, handed
//! in to the CEC with the price list. The CEC's staff enter it (`Power::FileMediaApplication`),
//! so there is no outlet account and no public form an anonymous sender could flood; the
//! application's number in the public registry is the outlet's tracking number (the registry
//! shows every outlet, applied, accredited, refused or revoked, with the reason), so the outlet
//! follows its application without signing in. Who entered an application never decides it.
//!
//! * `staff.rs`: the CEC's page; `registry.rs`: the public pages; `views.rs`: how an outlet
//!   and its findings read; `api.rs` and `open_data.rs`; `badges.rs`: journalists' badges,
//!   signed QR codes and their offline verification page.

mod api;
// i16-badges: journalists' badges.
mod badges;
mod open_data;
mod registry;
mod staff;
mod views;

use crate::features::{Access, Feature};
use crate::kit::calendar::closed_message;
use crate::kit::{Lang, Refusal};
use axum::http::StatusCode;
use shailoo_app::StoreError;
use shailoo_app::authz::Power;
use shailoo_app::media::MediaError;
use shailoo_domain::ErrorCode;
use utoipa_axum::routes;

/// A price list file is small: 1 MB is tens of thousands of rows.
pub(crate) const PRICE_LIST_LIMIT: usize = 1024 * 1024;

pub(crate) fn feature() -> Feature {
    use Access::{Public, Staff};
    Feature::new("media")
        .get("/media", Staff(Power::FileMediaApplication), staff::page)
        .in_menu("menu-media")
        .post_upload(
            "/media",
            Staff(Power::FileMediaApplication),
            PRICE_LIST_LIMIT + 64 * 1024,
            staff::file,
        )
        .post(
            "/media/{election}/{id}/decision",
            Staff(Power::DecideMediaAccreditation),
            staff::decide,
        )
        .get("/registry/media", Public, registry::list)
        .get("/registry/media/{election}/{id}", Public, registry::outlet)
        .get(
            "/open-data/elections/{election}/media.csv",
            Public,
            open_data::csv,
        )
        .get(
            "/open-data/elections/{election}/media.json",
            Public,
            open_data::json,
        )
        .api(Public, routes!(api::api_media))
        // i16-badges: journalists' badges, and their offline verification.
        .get(
            "/media/{election}/{outlet}/badges",
            Staff(Power::IssueMediaBadges),
            badges::outlet_badges,
        )
        .post(
            "/media/{election}/{outlet}/badges",
            Staff(Power::IssueMediaBadges),
            badges::issue,
        )
        .get(
            "/media/{election}/badges/{badge}",
            Staff(Power::IssueMediaBadges),
            badges::print,
        )
        .post(
            "/media/{election}/badges/{badge}/revoke",
            Staff(Power::IssueMediaBadges),
            badges::revoke,
        )
        .get("/media/badges/verify", Public, badges::verify)
        .get("/media/badges/verify.js", Public, badges::verify_js)
        .get("/media/badges/sw.js", Public, badges::service_worker)
        .api(Public, routes!(badges::api_badges_revoked))
}

impl Refusal for MediaError {
    fn status(&self) -> StatusCode {
        use MediaError as E;
        match self {
            E::Store(e) => e.status(),
            E::Forbidden | E::OwnApplication => StatusCode::FORBIDDEN,
            E::UnknownElection(_) | E::UnknownOutlet(_) | E::BadId => StatusCode::NOT_FOUND,
            E::Calendar(_) | E::AlreadyDecided | E::NotAccredited | E::PriceBreaches(_) => {
                StatusCode::CONFLICT
            }
            // i16-badges
            E::UnknownBadge(_) => StatusCode::NOT_FOUND,
            E::BadgeOutletNotAccredited | E::BadgeAlreadyRevoked => StatusCode::CONFLICT,
            E::NoBadgeKey => StatusCode::SERVICE_UNAVAILABLE,
            E::CalendarInvalid(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            MediaError::Store(e) => Some(e),
            _ => None,
        }
    }

    /// A closed window names CAL-03's deadline; a refusal on a rule names the rule.
    fn message(&self, lang: Lang) -> String {
        match self {
            MediaError::Calendar(c) => closed_message(lang, c),
            other => match other.rule() {
                Some(rule) => format!("{} ({rule})", lang.error(other.code())),
                None => lang.error(other.code()),
            },
        }
    }
}
