//! "Rules and parameters": the page `GET /rules` and its JSON twin `GET /api/v1/rules`, so that
//! staff and observers can read, in their language, exactly what the system checks and which
//! choices it made where the law leaves them open (issue 3, item 6).
//!
//! Everything shown is derived from the domain's closed lists — `ALL` of each code enum,
//! [`Line::ALL`], [`RuleParameters::catalogue`] — and never typed out again here, so a new check
//! or parameter appears on the page by itself, and the catalogue test (`tests/web/rules.rs`)
//! fails until it has its messages in `locales/*/rules.ftl`. The parameters are the
//! deployment's own ([`crate::Config::rule_parameters`]), shown beside their documented defaults.
//!
//! The folder also renders the steps of a seat allocation ([`Step`], messages
//! `seats-step-<code>`) in the three languages: the page shows two worked examples, and the
//! results pages will use the same renderer.
//!
//! [`Line::ALL`]: shailoo_domain::protocol::Line::ALL
//! [`RuleParameters::catalogue`]: shailoo_domain::params::RuleParameters::catalogue
//! [`Step`]: shailoo_apportionment::Step

//!
//! * `catalogue.rs`: what the system checks and the parameters in force, for the page and the
//!   API; `seats.rs`: the steps of a seat allocation in words; `page.rs`: the page.

mod catalogue;
mod page;
mod seats;

pub use seats::explain_step;

use crate::features::Feature;

use axum::Router;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn feature() -> Feature {
    Feature {
        name: "rules",
        pages: Router::new().route("/rules", get(page::page)),
        api: OpenApiRouter::new().routes(routes!(catalogue::api_rules)),
    }
}
