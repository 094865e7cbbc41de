//! `/elections/{id}/rules`: the CEC's administrator sets the rule parameters of an election.
//!
//! The form has one field per parameter that some part of shailoo applies, filled with the
//! value in force (a list to choose from for the closed ones), and the history of changes.
//! Submitting is all or nothing ([`shailoo_app::params::set`]): every field is read, the whole
//! set is checked, and any problem re-renders the form with each field's reason and nothing
//! stored; otherwise the changed values are stored with one audit entry and the reader is sent
//! back to `/rules` of the election. Refused to anyone without
//! [`Power::SetRuleParameters`](shailoo_app::authz::Power::SetRuleParameters) (the CEC's
//! administrator, in the app's one table of powers), and after voting has opened (the page
//! then says so, and offers no form).

use crate::AppState;
use crate::kit::calendar::election_calendar;
use crate::kit::input::Form;
use crate::kit::page::Choice;
use crate::kit::session::Staff;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, Refusal, render};
use crate::rules::catalogue::{set_on, value_text};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use shailoo_app::Actor;
use shailoo_app::params::{self, ChangeError, Changes, ParametersInForce, RulesError};
use shailoo_domain::ElectionId;
use shailoo_domain::calendar::Action;
use shailoo_domain::params::ParameterInfo;
use shailoo_domain::territory::Election;
use std::collections::HashMap;

/// One field of the form.
pub(crate) struct Field {
    pub key: String,
    pub rule: String,
    pub label: String,
    /// The text in the field (the value in force, or what was typed).
    pub value: String,
    /// A closed list of values, with their words; empty for a typed value.
    pub choices: Vec<Choice>,
    pub default: String,
    pub error: Option<String>,
}

/// One change in the history, newest first.
pub(crate) struct HistoryRow {
    pub when: String,
    pub who: String,
    pub parameter: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "rules/templates/rules_form.html")]
struct FormTemplate {
    ctx: PageCtx,
    election_id: String,
    election_name: String,
    /// The form is open (voting has not opened).
    open: bool,
    /// Why the form was refused as a whole, if it was.
    message: Option<String>,
    fields: Vec<Field>,
    history: Vec<HistoryRow>,
}

/// The account, if it may set the rule parameters (403 otherwise).
fn cec_admin(lang: Lang, staff: &Staff) -> Result<Actor, PageFail> {
    let actor = staff.actor();
    if params::may_set(&actor) {
        Ok(actor)
    } else {
        Err(PageFail::forbidden(lang))
    }
}

async fn load_election(state: &AppState, lang: Lang, id: &str) -> Result<Election, PageFail> {
    let id = ElectionId::parse(id).map_err(|_| PageFail::not_found(lang))?;
    state
        .store
        .election(&id)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))
}

fn field(lang: Lang, p: &ParameterInfo, typed: Option<&str>, error: Option<String>) -> Field {
    let value = typed.unwrap_or(&p.value).to_owned();
    Field {
        key: p.key.to_owned(),
        rule: p.rule.to_owned(),
        label: lang.t(p.message_key),
        choices: p
            .choices
            .iter()
            .map(|c| Choice {
                value: (*c).to_owned(),
                label: value_text(lang, p, c),
                selected: *c == value,
            })
            .collect(),
        default: value_text(lang, p, &p.default),
        value,
        error,
    }
}

fn history(lang: Lang, in_force: &ParametersInForce) -> Vec<HistoryRow> {
    let catalogue = in_force.parameters.catalogue();
    in_force
        .history
        .iter()
        .rev()
        .map(|c| {
            let info = catalogue.iter().find(|p| p.key == c.key);
            // Stored values are JSON; the catalogue shows configuration text.
            let text = |v: &serde_json::Value| match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => "none".to_owned(),
                serde_json::Value::Object(o) => format!(
                    "{}/{}",
                    o.get("numerator").unwrap_or(&serde_json::Value::Null),
                    o.get("denominator").unwrap_or(&serde_json::Value::Null)
                ),
                other => other.to_string(),
            };
            let words = |v: &serde_json::Value| match info {
                Some(p) => value_text(lang, p, &text(v)),
                None => text(v),
            };
            HistoryRow {
                when: format!(
                    "{} {}",
                    set_on(c.set_at),
                    crate::kit::format::fmt_local_time(c.set_at)
                ),
                who: c.set_by.clone(),
                parameter: info.map_or_else(|| c.key.clone(), |p| lang.t(p.message_key)),
                before: words(&c.before),
                after: words(&c.after),
            }
        })
        .collect()
}

/// The form for the parameters in force, with what was typed and each field's error.
fn form_page(
    ctx: PageCtx,
    election: &Election,
    in_force: &ParametersInForce,
    open: bool,
    typed: &HashMap<String, String>,
    errors: &HashMap<String, String>,
    message: Option<String>,
) -> FormTemplate {
    let lang = ctx.lang;
    let fields = in_force
        .parameters
        .catalogue()
        .iter()
        .filter(|p| p.is_applied())
        .map(|p| {
            field(
                lang,
                p,
                typed.get(p.key).map(String::as_str),
                errors.get(p.key).cloned(),
            )
        })
        .collect();
    FormTemplate {
        election_id: election.id.to_string(),
        election_name: crate::kit::format::name(&election.name, lang),
        open,
        message,
        fields,
        history: history(lang, in_force),
        ctx,
    }
}

/// Whether the parameters of `election` may still be set now.
async fn is_open(state: &AppState, lang: Lang, election: &Election) -> Result<bool, PageFail> {
    let calendar = election_calendar(state, election).await.or_page(lang)?;
    Ok(calendar
        .check(Action::SetRuleParameters, state.now())
        .is_ok())
}

/// `GET /elections/{id}/rules`.
pub(super) async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let lang = ctx.lang;
    cec_admin(lang, ctx.require_staff()?)?;
    let election = load_election(&state, lang, &id).await?;
    let in_force = params::in_force(state.store.as_ref(), &election.id)
        .await
        .or_page(lang)?;
    let open = is_open(&state, lang, &election).await?;
    let none = HashMap::new();
    let t = form_page(ctx, &election, &in_force, open, &none, &none, None);
    Ok(render(StatusCode::OK, &t))
}

/// The message of one field's problem.
fn change_message(lang: Lang, e: &ChangeError) -> String {
    lang.error(e.code())
}

/// Each field read as its parameter's JSON; a field that does not read is named with its
/// problem.
fn read_changes(lang: Lang, typed: &HashMap<String, String>) -> (Changes, HashMap<String, String>) {
    let mut changes = Changes::new();
    let mut errors: HashMap<String, String> = HashMap::new();
    for (key, text) in typed {
        match params::value_from_text(key, text) {
            Ok(v) => {
                changes.insert(key.clone(), v);
            }
            Err(e) => {
                errors.insert(key.clone(), change_message(lang, &e));
            }
        }
    }
    (changes, errors)
}

/// The message beside each field a refusal names.
fn field_errors(lang: Lang, e: &RulesError, errors: &mut HashMap<String, String>) {
    match e {
        RulesError::Changes(problems) => {
            for p in problems {
                if let Some(key) = p.key() {
                    errors.insert(key.to_owned(), change_message(lang, p));
                }
            }
        }
        RulesError::Invalid(problems) => {
            for p in problems {
                errors.insert(p.key().to_owned(), lang.error(p.code()));
            }
        }
        RulesError::NotApplied(keys) => {
            for k in keys {
                errors.insert((*k).to_owned(), lang.error(e.code()));
            }
        }
        _ => {}
    }
}

/// `POST /elections/{id}/rules`: the fields `p.<key>`, all of them or some.
pub(super) async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(input): Form<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = cec_admin(
        lang,
        ctx.require_staff_csrf(input.get("csrf").map(String::as_str))?,
    )?;
    let election = load_election(&state, lang, &id).await?;
    let typed: HashMap<String, String> = input
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("p.")?.to_owned(), v.clone())))
        .collect();
    let (changes, mut errors) = read_changes(lang, &typed);
    let outcome = if errors.is_empty() {
        params::set(
            state.store.as_ref(),
            &actor,
            &election.id,
            &changes,
            state.now(),
        )
        .await
    } else {
        Err(RulesError::Changes(Vec::new()))
    };
    let (status, message) = match outcome {
        Ok(_) => {
            let to = format!("/rules?election={}#parameters", election.id);
            return Ok(Redirect::to(&to).into_response());
        }
        Err(RulesError::Forbidden) => return Err(PageFail::forbidden(lang)),
        Err(e) => {
            crate::kit::fail::log(&e);
            field_errors(lang, &e, &mut errors);
            (e.status(), Some(e.message(lang)))
        }
    };
    let in_force = params::in_force(state.store.as_ref(), &election.id)
        .await
        .or_page(lang)?;
    let open = is_open(&state, lang, &election).await?;
    let t = form_page(ctx, &election, &in_force, open, &typed, &errors, message);
    Ok(render(status, &t))
}
