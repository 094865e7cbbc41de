//! "Rules and parameters": the page `GET /rules` and its JSON twin `GET /api/v1/rules`, so that
//! voters, observers and staff can read, in their language, what the system checks and which
//! choices are in force for an election where the law leaves them open (issue 3, item 6); and
//! the CEC's page that sets those choices for an election, `/elections/{id}/rules`.
//!
//! Everything shown is derived from the domain's closed lists — `ALL` of each code enum,
//! [`Line::ALL`], [`RuleParameters::catalogue`] — and never typed out again here, so a new check
//! or parameter appears on the page by itself, and the catalogue test (`tests/web/rules.rs`)
//! fails until it has its messages in `locales/*/rules.ftl`. The parameters are the election's
//! in force ([`shailoo_app::params`]): the value, the documented default, and when the CEC set
//! it. Voters read each value in words (`<message key>-value`); the configuration keys, the
//! confidence of each rule in the sources ("unsure: not found in the sources") and who set it
//! are notes for signed-in staff, as are the parameters of stages shailoo does not run yet.
//!
//! The folder also renders the steps of a seat allocation ([`Step`], messages
//! `seats-step-<code>`) in the three languages: the page shows two worked examples, allocated
//! with the election's parameters in force, and the results pages will use the same renderer.
//!
//! * `catalogue.rs`: what the system checks and the parameters in force, for the page and the
//!   API; `seats.rs`: the steps of a seat allocation in words; `page.rs`: the page;
//!   `setting.rs`: the CEC's form.
//!
//! [`Line::ALL`]: shailoo_domain::protocol::Line::ALL
//! [`RuleParameters::catalogue`]: shailoo_domain::params::RuleParameters::catalogue
//! [`Step`]: shailoo_apportionment::Step

mod catalogue;
mod page;
mod seats;
mod setting;

pub use catalogue::value_text;
pub use seats::explain_step;

use crate::AppState;
use crate::features::{Access, Feature};
use crate::kit::calendar::closed_message;
use crate::kit::{Lang, Refusal};
use axum::http::StatusCode;
use shailoo_app::StoreError;
use shailoo_app::authz::Power;
use shailoo_app::params::{ParametersInForce, RulesError};
use shailoo_domain::ErrorCode;
use shailoo_domain::territory::Election;
use utoipa_axum::routes;

pub(crate) fn feature() -> Feature {
    use Access::{Public, Staff};
    Feature::new("rules")
        .get("/rules", Public, page::page)
        .get(
            "/elections/{id}/rules",
            Staff(Power::SetRuleParameters),
            setting::form,
        )
        .in_menu_via("menu-rule-parameters", "/rules")
        .post(
            "/elections/{id}/rules",
            Staff(Power::SetRuleParameters),
            setting::submit,
        )
        .api(Public, routes!(catalogue::api_rules))
}

/// The election a rules page or answer is about: the one named, else the first; `None` when
/// the name matches none or the database holds no election.
async fn chosen_election(
    state: &AppState,
    wanted: Option<&str>,
) -> Result<Option<Election>, StoreError> {
    let all = state.store.elections().await?;
    Ok(match wanted.map(str::trim).filter(|w| !w.is_empty()) {
        Some(id) => all.into_iter().find(|e| e.id.as_str() == id),
        None => all.into_iter().next(),
    })
}

/// The parameters in force for an election; the documented defaults without one.
async fn in_force_of(
    state: &AppState,
    election: Option<&Election>,
) -> Result<ParametersInForce, StoreError> {
    match election {
        Some(e) => shailoo_app::params::in_force(state.store.as_ref(), &e.id).await,
        None => ParametersInForce::from_changes(Vec::new()),
    }
}

/// The refusals of a setting of the rule parameters.
impl Refusal for RulesError {
    fn status(&self) -> StatusCode {
        match self {
            RulesError::Store(e) => e.status(),
            RulesError::Forbidden => StatusCode::FORBIDDEN,
            RulesError::UnknownElection(_) => StatusCode::NOT_FOUND,
            RulesError::Closed(_) => StatusCode::CONFLICT,
            RulesError::CalendarInvalid(_)
            | RulesError::Changes(_)
            | RulesError::Invalid(_)
            | RulesError::NotApplied(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            RulesError::Store(e) => Some(e),
            _ => None,
        }
    }

    /// A closed window names the deadline (voting opens, CAL-16).
    fn message(&self, lang: Lang) -> String {
        match self {
            RulesError::Closed(c) => closed_message(lang, c),
            other => lang.error(other.code()),
        }
    }
}
