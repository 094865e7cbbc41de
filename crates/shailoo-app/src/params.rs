//! The rule parameters in force for an election ([`RuleParameters`], the "unsure" and "likely"
//! rules of `docs/domain-rules.md`), set by the CEC per election and read by every use case
//! that applies one. Implemented by `shailoo-store` in `src/params.rs`.
//!
//! Storage is an append-only history of changes, one row per parameter changed: the key, its
//! value before and after (as configuration JSON), who set it and when. The value in force is
//! the last change of each key over the documented defaults ([`ParametersInForce`]); a key never
//! set is the default. Each setting is one transaction: its rows and one audit entry
//! (`rule_parameters_set`, subject the election, the digests of the changed keys' values before
//! and after).
//!
//! Setting ([`set`]) is all or nothing: the changes name parameters by their configuration
//! keys (a file's JSON object, or the page's form), every key and value is checked, then the
//! whole set is validated ([`RuleParameters::validate`]); any problem refuses everything, and
//! every problem is reported. Only the CEC sets parameters (the CEC's administrator on the page;
//! the operator through `shailoo rules set`), and only until voting opens
//! ([`Action::SetRuleParameters`]): the rules of the count are fixed before the first ballot. A
//! parameter that no part of shailoo applies yet (protocols, appeals)
//! cannot be changed: the value would be shown and mean nothing.
//!
//! The consumers: [`crate::voters::compiler_for`] (VOT-02, VOT-04), [`crate::districts`]
//! (DIS-01, DIS-04, DIS-05), remote voting's default station capacity (VOT-07), the claims'
//! decision deadline (CAL-19), the seat allocation through [`seats_input`] (RES-06, RES-09,
//! DIS-04), the candidacies ([`crate::candidates::rules`]: CAN-01's age, CAN-06's list
//! composition, CAN-09's decision and withdrawal limits) and the ballots (RES-02's aiyl order).

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::setup::{ElectionCalendarError, SetupStore};
use crate::store::StoreError;
use crate::users::Actor;
use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use shailoo_domain::calendar::{Action, ActionClosed, CalendarError};
use shailoo_domain::district::reserved_for_women;
use shailoo_domain::params::{ParamError, RuleParameters};
use shailoo_domain::{ElectionId, ErrorCode};
use std::collections::BTreeMap;

/// One stored change of one parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterChange {
    /// The configuration key, e.g. `threshold_percent`.
    pub key: String,
    /// The value in force before, as configuration JSON.
    pub before: Value,
    /// The value set.
    pub after: Value,
    /// The account that set it (`system` for the operator's CLI).
    pub set_by: String,
    pub set_at: Timestamp,
}

/// What this capability needs from a database.
#[async_trait]
pub trait RuleParameterStore: Send + Sync {
    /// The election's changes, oldest first (none for an election never configured).
    async fn rule_parameter_changes(
        &self,
        election: &ElectionId,
    ) -> Result<Vec<ParameterChange>, StoreError>;

    /// Appends one setting's changes and its audit entry in one transaction. An unknown
    /// election is `UnknownReference` and changes nothing.
    async fn record_rule_parameter_changes(
        &self,
        election: &ElectionId,
        changes: &[ParameterChange],
        event: AuditEvent,
    ) -> Result<(), StoreError>;
}

/// Who last set a parameter, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetBy {
    pub by: String,
    pub at: Timestamp,
}

/// The parameters in force for an election, with who set each one that was set.
#[derive(Debug, Clone, PartialEq)]
pub struct ParametersInForce {
    pub parameters: RuleParameters,
    /// Keys the CEC set (to any value, the default included): who and when, last change.
    pub set: BTreeMap<String, SetBy>,
    /// Every change, oldest first.
    pub history: Vec<ParameterChange>,
}

impl ParametersInForce {
    /// The stored changes replayed over the defaults. A key that is no parameter or a value
    /// that does not parse is a corrupt store, loudly.
    pub fn from_changes(history: Vec<ParameterChange>) -> Result<Self, StoreError> {
        let mut values = to_map(&RuleParameters::default());
        let mut set = BTreeMap::new();
        for change in &history {
            if !values.contains_key(&change.key) {
                return Err(StoreError::Corrupt(format!(
                    "rule_parameter_changes: {:?} is not a rule parameter",
                    change.key
                )));
            }
            values.insert(change.key.clone(), change.after.clone());
            set.insert(
                change.key.clone(),
                SetBy {
                    by: change.set_by.clone(),
                    at: change.set_at,
                },
            );
        }
        let parameters = serde_json::from_value(Value::Object(values)).map_err(|e| {
            StoreError::Corrupt(format!("rule_parameter_changes: a stored value: {e}"))
        })?;
        Ok(ParametersInForce {
            parameters,
            set,
            history,
        })
    }
}

/// The parameters of `params` as a JSON object keyed by configuration key.
fn to_map(params: &RuleParameters) -> Map<String, Value> {
    match serde_json::to_value(params) {
        Ok(Value::Object(map)) => map,
        // A struct of plain fields always serializes to an object.
        _ => Map::new(),
    }
}

/// The parameters in force for an election, with their provenance.
pub async fn in_force<S: RuleParameterStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<ParametersInForce, StoreError> {
    ParametersInForce::from_changes(store.rule_parameter_changes(election).await?)
}

/// The parameters in force for an election: what a consumer reads.
pub async fn parameters<S: RuleParameterStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<RuleParameters, StoreError> {
    Ok(in_force(store, election).await?.parameters)
}

/// What is wrong with one requested change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ChangeError {
    /// The changes are not a JSON object of keys and values.
    #[error("expected a JSON object of parameters and values, like {{\"threshold_percent\": 5}}")]
    NotAnObject,
    /// No parameter has this key (a misspelling is named rather than ignored).
    #[error("`{key}`: there is no rule parameter of this name")]
    UnknownKey { key: String },
    /// The value is not of the parameter's kind (a number, one of the listed words, `3/10`…).
    #[error("`{key}`: {message}")]
    BadValue { key: String, message: String },
}

impl ChangeError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            ChangeError::NotAnObject => ErrorCode::ParamNotAnObject,
            ChangeError::UnknownKey { .. } => ErrorCode::ParamUnknownKey,
            ChangeError::BadValue { .. } => ErrorCode::ParamBadValue,
        }
    }

    /// The key at fault, if any.
    pub fn key(&self) -> Option<&str> {
        match self {
            ChangeError::NotAnObject => None,
            ChangeError::UnknownKey { key } | ChangeError::BadValue { key, .. } => Some(key),
        }
    }
}

/// Requested changes: configuration keys and JSON values, as a file holds them.
pub type Changes = Map<String, Value>;

/// Parses a file of changes: a JSON object, e.g. `{"threshold_percent": 7}`.
pub fn parse_changes(text: &str) -> Result<Changes, Vec<ChangeError>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(vec![ChangeError::NotAnObject]),
        Err(e) => Err(vec![ChangeError::BadValue {
            key: ".".to_owned(),
            message: format!("not JSON: {e}"),
        }]),
    }
}

/// A value typed on a form, as configuration JSON of the parameter `key`: a number, `true` /
/// `false`, one of the listed words, a fraction `3/10`, or `none` (empty) for "no limit".
pub fn value_from_text(key: &str, text: &str) -> Result<Value, ChangeError> {
    let defaults = to_map(&RuleParameters::default());
    let Some(default) = defaults.get(key) else {
        return Err(ChangeError::UnknownKey {
            key: key.to_owned(),
        });
    };
    let text = text.trim();
    let bad = |message: &str| ChangeError::BadValue {
        key: key.to_owned(),
        message: message.to_owned(),
    };
    // `district_max_seats` is the one optional number: its default is "none".
    if default.is_null() {
        return match text {
            "" | "none" => Ok(Value::Null),
            n => n
                .parse::<u64>()
                .map(Value::from)
                .map_err(|_| bad("expected a whole number or none")),
        };
    }
    match default {
        Value::Number(_) => text
            .parse::<u64>()
            .map(Value::from)
            .map_err(|_| bad("expected a whole number")),
        Value::Bool(_) => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(bad("expected true or false")),
        },
        Value::String(_) => Ok(Value::String(text.to_owned())),
        Value::Object(_) => text
            .parse::<shailoo_domain::params::Fraction>()
            .map_err(|e| bad(&e.to_string()))
            .and_then(|f| serde_json::to_value(f).map_err(|e| bad(&e.to_string()))),
        Value::Null | Value::Array(_) => Err(bad("unexpected kind of parameter")),
    }
}

/// `current` with `changes` applied: every key and value checked, every problem reported.
pub fn apply_changes(
    current: &RuleParameters,
    changes: &Changes,
) -> Result<RuleParameters, Vec<ChangeError>> {
    let mut values = to_map(current);
    let mut problems = Vec::new();
    for (key, value) in changes {
        if !values.contains_key(key) {
            problems.push(ChangeError::UnknownKey { key: key.clone() });
            continue;
        }
        // Each value on its own over the current set, so that an error names its key.
        let mut one = to_map(current);
        one.insert(key.clone(), value.clone());
        if let Err(e) = serde_json::from_value::<RuleParameters>(Value::Object(one)) {
            problems.push(ChangeError::BadValue {
                key: key.clone(),
                message: e.to_string(),
            });
            continue;
        }
        values.insert(key.clone(), value.clone());
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    serde_json::from_value(Value::Object(values)).map_err(|e| {
        vec![ChangeError::BadValue {
            key: ".".to_owned(),
            message: e.to_string(),
        }]
    })
}

/// Why a setting was refused. Nothing is stored then.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    /// Only the CEC sets the rule parameters.
    #[error("only the CEC may set the rule parameters")]
    Forbidden,
    /// Voting has opened (or the election is not called yet).
    #[error(transparent)]
    Closed(#[from] ActionClosed),
    #[error("the election's calendar is invalid: {0}")]
    CalendarInvalid(#[from] CalendarError),
    /// A key or value of the request is wrong.
    #[error("{}", join(.0))]
    Changes(Vec<ChangeError>),
    /// The values are each well formed, but no rule can work with them together.
    #[error("{}", join(.0))]
    Invalid(Vec<ParamError>),
    /// These parameters belong to stages shailoo does not run yet.
    #[error("no part of shailoo applies {} yet, so it cannot be set", .0.join(", "))]
    NotApplied(Vec<&'static str>),
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl RulesError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            RulesError::Store(e) => e.code(),
            RulesError::UnknownElection(_) => ErrorCode::UnknownElection,
            RulesError::Forbidden => ErrorCode::Forbidden,
            RulesError::Closed(e) => e.code(),
            RulesError::CalendarInvalid(e) => e.code(),
            RulesError::Changes(_) => ErrorCode::ParamChangesRefused,
            RulesError::Invalid(_) => ErrorCode::ParamInvalid,
            RulesError::NotApplied(_) => ErrorCode::ParamNotApplied,
        }
    }
}

/// One parameter as a setting changed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    pub key: &'static str,
    /// Before and after, as configuration text (`3/10`, `none`, `valid_votes`…).
    pub before: String,
    pub after: String,
}

/// Sets rule parameters of an election at `now`, all or nothing (see the module doc). Returns
/// the parameters that changed (none when every value was already in force: nothing is
/// stored then).
pub async fn set<S: SetupStore + RuleParameterStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    changes: &Changes,
    now: Timestamp,
) -> Result<Vec<Changed>, RulesError> {
    if !may_set(actor) {
        return Err(RulesError::Forbidden);
    }
    check_open(store, election, now).await?;
    let current = in_force(store, election).await?.parameters;
    let next = apply_changes(&current, changes).map_err(RulesError::Changes)?;
    next.validate().map_err(RulesError::Invalid)?;
    let keys = current.differences(&next);
    let not_applied: Vec<&'static str> = keys
        .iter()
        .copied()
        .filter(|k| current.info(k).is_some_and(|i| !i.is_applied()))
        .collect();
    if !not_applied.is_empty() {
        return Err(RulesError::NotApplied(not_applied));
    }
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    record(store, actor, election, (&current, &next), &keys, now).await?;
    let (was, now_) = (current.catalogue(), next.catalogue());
    Ok(keys
        .iter()
        .filter_map(|k| {
            let b = was.iter().find(|r| r.key == *k)?;
            let a = now_.iter().find(|r| r.key == *k)?;
            Some(Changed {
                key: k,
                before: b.value.clone(),
                after: a.value.clone(),
            })
        })
        .collect())
}

/// The election exists and its calendar lets parameters be set at `now`.
async fn check_open<S: SetupStore + RuleParameterStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    now: Timestamp,
) -> Result<(), RulesError> {
    let found = store
        .election(election)
        .await?
        .ok_or_else(|| RulesError::UnknownElection(election.clone()))?;
    crate::setup::calendar_of(store, &found)
        .await
        .map_err(|e| match e {
            ElectionCalendarError::Store(e) => RulesError::Store(e),
            ElectionCalendarError::Invalid(e) => RulesError::CalendarInvalid(e),
            ElectionCalendarError::UnknownElection(id) => RulesError::UnknownElection(id),
        })?
        .check(Action::SetRuleParameters, now)?;
    Ok(())
}

/// Stores the changed `keys` (before, after) with their audit entry, in one transaction.
async fn record<S: RuleParameterStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    (current, next): (&RuleParameters, &RuleParameters),
    keys: &[&'static str],
    now: Timestamp,
) -> Result<(), RulesError> {
    let (before, after) = (to_map(current), to_map(next));
    let pick = |m: &Map<String, Value>| -> Map<String, Value> {
        keys.iter()
            .map(|k| ((*k).to_owned(), m.get(*k).cloned().unwrap_or(Value::Null)))
            .collect()
    };
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::RuleParametersSet,
        election.as_str(),
        now,
    )
    .before(&pick(&before))
    .after(&pick(&after));
    let rows: Vec<ParameterChange> = keys
        .iter()
        .map(|k| ParameterChange {
            key: (*k).to_owned(),
            before: before.get(*k).cloned().unwrap_or(Value::Null),
            after: after.get(*k).cloned().unwrap_or(Value::Null),
            set_by: actor.audit_name().to_owned(),
            set_at: now,
        })
        .collect();
    store
        .record_rule_parameter_changes(election, &rows, event)
        .await?;
    Ok(())
}

/// Whether an actor may set the rule parameters ([`Power::SetRuleParameters`]: the CEC's
/// administrator, or the operator at the command line acting for the CEC).
pub fn may_set(actor: &Actor) -> bool {
    authz::allowed(actor, Power::SetRuleParameters, Target::Nationwide)
}

fn json_of<T: Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A field of a `shailoo seats` input that disagrees with the election's parameter in force.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{field}`: the input gives {given}, the election's parameter in force is {in_force}; leave the field out or make it agree"
)]
pub struct SeatsConflict {
    pub field: &'static str,
    pub given: String,
    pub in_force: String,
}

/// Fills a `shailoo seats` input (its JSON, before parsing) with the election's parameters in
/// force: for a party list the threshold (RES-06), its base and where a short list's seats go
/// (RES-09); for a district the reserved mandates (DIS-04, the share and rounding in force).
/// A field the input gives must agree with the parameter, so that a result is never computed
/// under other rules than the election's without saying so.
pub fn seats_input(params: &RuleParameters, input: &mut Value) -> Result<(), SeatsConflict> {
    let Value::Object(map) = input else {
        return Ok(()); // the parser names the problem
    };
    let wanted: Vec<(&'static str, Value)> = match map.get("kind").and_then(Value::as_str) {
        Some("party_list") => vec![
            ("threshold_percent", Value::from(params.threshold_percent)),
            // The apportionment spells these as the domain's configuration does.
            ("threshold_base", json_of(params.threshold_base)),
            ("unfilled_list_seats", json_of(params.unfilled_list_seats)),
        ],
        Some("district_plurality") => {
            let seats = map
                .get("seats")
                .and_then(Value::as_u64)
                .and_then(|s| u32::try_from(s).ok());
            match seats {
                Some(seats) => vec![(
                    "reserved_for_women",
                    Value::from(reserved_for_women(seats, params)),
                )],
                None => Vec::new(), // the parser names the problem
            }
        }
        _ => Vec::new(),
    };
    for (field, value) in wanted {
        match map.get(field) {
            Some(given) if *given != value => {
                return Err(SeatsConflict {
                    field,
                    given: given.to_string(),
                    in_force: value.to_string(),
                });
            }
            _ => {
                map.insert(field.to_owned(), value);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use serde_json::json;
    use shailoo_domain::params::{Fraction, ThresholdBase};

    fn change(key: &str, after: Value, by: &str, at: &str) -> ParameterChange {
        ParameterChange {
            key: key.to_owned(),
            before: Value::Null,
            after,
            set_by: by.to_owned(),
            set_at: at.parse().unwrap(),
        }
    }

    #[test]
    fn the_last_change_of_each_key_is_in_force_over_the_defaults() {
        let p = ParametersInForce::from_changes(vec![
            change(
                "threshold_percent",
                json!(7),
                "cec.a",
                "2024-10-01T10:00:00Z",
            ),
            change(
                "threshold_percent",
                json!(6),
                "cec.b",
                "2024-10-02T10:00:00Z",
            ),
            change(
                "reserved_share",
                json!({"numerator": 2, "denominator": 5}),
                "cec.a",
                "2024-10-03T10:00:00Z",
            ),
        ])
        .unwrap();
        assert_eq!(p.parameters.threshold_percent, 6);
        assert_eq!(p.parameters.reserved_share, Fraction::new(2, 5));
        assert_eq!(p.parameters.voter_min_age, 18);
        assert_eq!(p.set["threshold_percent"].by, "cec.b");
        assert!(!p.set.contains_key("voter_min_age"));
        assert!(matches!(
            ParametersInForce::from_changes(vec![change(
                "tie_break",
                json!("x"),
                "a",
                "2024-10-01T10:00:00Z"
            )]),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            ParametersInForce::from_changes(vec![change(
                "voter_min_age",
                json!("old"),
                "a",
                "2024-10-01T10:00:00Z"
            )]),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn changes_name_every_unknown_key_and_bad_value() {
        let changes = parse_changes(
            r#"{"treshold_percent": 7, "voter_min_age": "eighteen", "threshold_base": "valid_votes"}"#,
        )
        .unwrap();
        let problems = apply_changes(&RuleParameters::default(), &changes).unwrap_err();
        let keys: Vec<Option<&str>> = problems.iter().map(ChangeError::key).collect();
        assert_eq!(keys, [Some("treshold_percent"), Some("voter_min_age")]);
        assert_eq!(problems[0].code(), ErrorCode::ParamUnknownKey);
        assert_eq!(problems[1].code(), ErrorCode::ParamBadValue);
        assert_eq!(
            parse_changes("[1]").unwrap_err(),
            [ChangeError::NotAnObject]
        );
        let ok = apply_changes(
            &RuleParameters::default(),
            &parse_changes(r#"{"threshold_base": "valid_votes", "district_max_seats": 7}"#)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(ok.threshold_base, ThresholdBase::ValidVotes);
        assert_eq!(ok.district_max_seats, Some(7));
    }

    #[test]
    fn form_text_becomes_the_parameters_json() {
        assert_eq!(
            value_from_text("threshold_percent", " 7 ").unwrap(),
            json!(7)
        );
        assert_eq!(
            value_from_text("district_max_seats", "none").unwrap(),
            Value::Null
        );
        assert_eq!(
            value_from_text("district_max_seats", "").unwrap(),
            Value::Null
        );
        assert_eq!(
            value_from_text("district_max_seats", "9").unwrap(),
            json!(9)
        );
        assert_eq!(
            value_from_text("reserved_share", "2/5").unwrap(),
            json!({"numerator": 2, "denominator": 5})
        );
        assert_eq!(
            value_from_text("list_max_length_is_seats", "false").unwrap(),
            json!(false)
        );
        assert_eq!(
            value_from_text("leap_day_birthday", "march1").unwrap(),
            json!("march1")
        );
        assert_eq!(
            value_from_text("threshold_percent", "five")
                .unwrap_err()
                .code(),
            ErrorCode::ParamBadValue
        );
        assert_eq!(
            value_from_text("no_such", "1").unwrap_err().code(),
            ErrorCode::ParamUnknownKey
        );
    }

    #[test]
    fn res_06_seats_input_takes_the_threshold_in_force() {
        let params = RuleParameters {
            threshold_percent: 7,
            threshold_base: ThresholdBase::ValidVotes,
            ..RuleParameters::default()
        };
        let mut input = json!({"kind": "party_list", "seats": 9});
        seats_input(&params, &mut input).unwrap();
        assert_eq!(input["threshold_percent"], 7);
        assert_eq!(input["threshold_base"], "valid_votes");
        assert_eq!(input["unfilled_list_seats"], "next_largest_remainders");
        let mut agreeing = json!({"kind": "party_list", "threshold_percent": 7});
        assert!(seats_input(&params, &mut agreeing).is_ok());
        let mut other = json!({"kind": "party_list", "threshold_percent": 5});
        assert_eq!(
            seats_input(&params, &mut other).unwrap_err().field,
            "threshold_percent"
        );
    }

    #[test]
    fn dis_04_seats_input_takes_the_reserve_in_force() {
        let half = RuleParameters {
            reserved_share: Fraction::new(1, 2),
            ..RuleParameters::default()
        };
        let mut input = json!({"kind": "district_plurality", "seats": 5});
        seats_input(&RuleParameters::default(), &mut input).unwrap();
        assert_eq!(input["reserved_for_women"], 2);
        let mut input = json!({"kind": "district_plurality", "seats": 5});
        seats_input(&half, &mut input).unwrap();
        assert_eq!(input["reserved_for_women"], 3);
        let mut given = json!({"kind": "district_plurality", "seats": 5, "reserved_for_women": 2});
        assert_eq!(
            seats_input(&half, &mut given).unwrap_err().field,
            "reserved_for_women"
        );
    }
}
