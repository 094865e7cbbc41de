//! "Where do I vote?" by PIN (VOT-09, VOT-10): the portal page `/lookup`, the JSON API
//! `GET /api/v1/voters/{pin}/station`, and the shared machinery of SMS 119 ([`sms`]):
//! the look-up index, the rate limits and the privacy rules.
//!
//! * Answers come from [`shailoo_app::lookup::VoterLookup`], a read-through in-memory index of
//!   the voter lists kept current against the store's audit version (see that module). A
//!   maintenance task, started by the first look-up and ended when the application is dropped,
//!   refreshes it every [`LookupConfig::index_refresh`].
//! * Every look-up is counted against the client's address ([`crate::kit::rate_limit`]) before the
//!   PIN is even parsed, so malformed guesses cost as much as real ones. A limited client gets
//!   429 with `Retry-After`.
//! * An answer names the station (with its PEC's phone and whether the premises suit a voter
//!   with a disability), the council, the voting hours (CAL-16, from the calendar with the
//!   CEC's overrides) and, for an aiyl council with an approved scheme, the electoral district.
//! * Privacy: an answer never says anything about the person (the store query does not even
//!   read the person; only a district that depends on the village reads the settlement).
//!   Responses are `no-store`. Logs carry at most [`pin_tag`], a keyed hash prefix that
//!   changes with every process start, and the request trace omits PIN-bearing paths and
//!   queries ([`redacted_span`]).
//!
//! * `service.rs`: the settings, the index and the limiters every look-up shares;
//!   `privacy.rs`: what logs may hold; `page.rs`, `api.rs`, `sms.rs`: the three ways to ask.

mod api;
mod page;
mod privacy;
mod service;
pub mod sms;

pub(crate) use page::{ResultView, result_view};
pub(crate) use privacy::{pin_tag, redacted_span, tag};
pub(crate) use service::LookupService;
pub use service::{BadAddressList, LookupConfig};

use crate::AppState;
use crate::features::{Access, Feature};
use crate::kit::Lang;
use shailoo_domain::PinError;
use shailoo_domain::territory::Election;
use utoipa_axum::routes;

/// The page, the gateway-facing SMS endpoint, and the API (look-up and SMS webhook).
pub(crate) fn feature() -> Feature {
    use Access::Public;
    Feature::new("lookup")
        .get("/lookup", Public, page::lookup_page)
        .get("/sms/119", Public, sms::kannel)
        .api(Public, routes!(api::voter_station))
        .api(Public, routes!(sms::webhook))
}

/// The localized explanation of a malformed PIN, as precise as the parser's verdict.
pub(crate) fn pin_problem(lang: Lang, e: &PinError) -> String {
    match e {
        PinError::WrongLength(0) => lang.t("lookup-pin-empty"),
        PinError::WrongLength(n) => {
            lang.t_args("lookup-pin-wrong-length", &[("count", n.to_string())])
        }
        PinError::NotADigit(c) => lang.t_args("lookup-pin-not-a-digit", &[("char", c.to_string())]),
        PinError::BadSexDigit(c) => {
            lang.t_args("lookup-pin-bad-sex-digit", &[("digit", c.to_string())])
        }
        PinError::BadBirthDate(d) => {
            lang.t_args("lookup-pin-bad-birth-date", &[("date", d.clone())])
        }
        PinError::UnknownSex(_) => lang.error(e.code()),
    }
}

/// The last day to file a claim about the voter list (CAL-11), `dd.mm.yyyy`, with the CEC's
/// overrides applied.
pub(crate) async fn claims_deadline(state: &AppState, election: &Election) -> Option<String> {
    crate::kit::calendar::deadline_date(state, election, "CAL-11").await
}

/// "Not on any list": check the PIN, or file a claim at the PEC by CAL-11.
pub(crate) async fn not_found_message(state: &AppState, lang: Lang, election: &Election) -> String {
    match claims_deadline(state, election).await {
        Some(date) => lang.t_args("lookup-not-found", &[("date", date)]),
        None => lang.t("lookup-not-found-undated"),
    }
}
