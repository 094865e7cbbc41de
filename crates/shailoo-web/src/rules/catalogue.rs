//! The catalogue of rules, shared by the page and the API: the rule parameters in force for an
//! election and every coded check the system can report, in one language.

use crate::AppState;
use crate::kit::format::fmt_date;
use crate::kit::input::{Json, Query};
use crate::kit::{ApiError, ApiLang, Lang, LangQuery, OrRefused};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use shailoo_app::params::ParametersInForce;
use shailoo_domain::candidate::{CandidateCode, ListCode};
use shailoo_domain::district::SchemeCode;
use shailoo_domain::params::ParameterInfo;
use shailoo_domain::params::{Coded, Severity};
use shailoo_domain::protocol::{Line, ProtocolCode};
use shailoo_domain::voter::IneligibilityReason;
use utoipa::{IntoParams, ToSchema};

/// Everything `/rules` shows, in one language.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulesDto {
    /// The language of the texts: `ky`, `ru` or `en`.
    #[schema(example = "ky")]
    pub lang: String,
    /// The election whose parameters are given; `null` when the database holds none (then the
    /// documented defaults are given).
    #[schema(example = "local-2024")]
    pub election: Option<String>,
    /// Every rule parameter, with the value in force for the election.
    pub parameters: Vec<ParameterDto>,
    /// Every coded check, grouped by `group`, in the order of the rules.
    pub checks: Vec<CheckDto>,
    /// The numeric lines of a results protocol, in the order of the form.
    pub protocol_lines: Vec<LineDto>,
}

/// One configurable rule parameter.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParameterDto {
    /// The key in an election's configuration.
    #[schema(example = "leap_day_birthday")]
    pub key: String,
    /// The rule id of `docs/domain-rules.md`.
    #[schema(example = "VOT-02")]
    pub rule: String,
    /// How sure the rule is: `seed`, `sure`, `likely` or `unsure`.
    #[schema(example = "unsure")]
    pub confidence: String,
    /// The value in force, as configuration text.
    #[schema(example = "february28")]
    pub value: String,
    /// The documented default, as configuration text.
    #[schema(example = "february28")]
    pub default: String,
    /// Whether the value in force differs from the default.
    pub changed: bool,
    #[schema(example = "param-vot-02-leap-day-birthday")]
    pub message_key: String,
    /// What the parameter decides, in the language asked for.
    pub description: String,
    /// The value in force in words, in the language asked for.
    #[schema(example = "on 28 February")]
    pub value_text: String,
    /// The default in words.
    pub default_text: String,
    /// What applies the parameter: `voter_lists`, `district_schemes`, `seat_allocation`,
    /// `remote_voting`, `voter_list_claims`, `register_imports`, `candidacies`, `ballots`;
    /// empty for a stage shailoo does not run yet.
    pub applied_by: Vec<String>,
    /// The values it can take when they are a closed list (configuration text).
    pub choices: Vec<String>,
    /// When the CEC last set it (RFC 3339); `null` for a value never set (the default).
    pub set_at: Option<String>,
}

/// One coded check: a finding the system can report.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckDto {
    /// `voter`, `candidate`, `party_list`, `district` or `protocol`.
    #[schema(example = "voter")]
    pub group: String,
    /// The stable code clients match on.
    #[schema(example = "VOT-02_under_age")]
    pub code: String,
    #[schema(example = "VOT-02")]
    pub rule: String,
    /// `error` (blocks acceptance) or `warning` (needs a comment) for districts and protocols;
    /// `refusal` (a legal ground), `data_error` (the register must be corrected) or `pending`
    /// (a registry check without an answer yet) for voters, candidates and lists.
    #[schema(example = "refusal")]
    pub kind: String,
    #[schema(example = "voter-vot-02-under-age")]
    pub message_key: String,
    /// The finding, in the language asked for.
    pub text: String,
    /// Protocol checks: the lines concerned (see `protocol_lines`); empty otherwise.
    pub lines: Vec<String>,
}

/// One line of a results protocol.
#[derive(Debug, Serialize, ToSchema)]
pub struct LineDto {
    #[schema(example = "voters_on_list")]
    pub line: String,
    #[schema(example = "protocol-line-voters-on-list")]
    pub message_key: String,
    pub label: String,
}

/// The groups of checks, in the order the page shows them: the order of an election.
pub(super) const GROUPS: [&str; 5] = ["voter", "candidate", "party_list", "district", "protocol"];

fn severity_kind(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn check<C: Coded>(lang: Lang, group: &'static str, c: &C, kind: &str, lines: &[Line]) -> CheckDto {
    CheckDto {
        group: group.to_owned(),
        code: c.code().to_owned(),
        rule: c.rule().to_owned(),
        kind: kind.to_owned(),
        message_key: c.message_key().to_owned(),
        text: lang.t(c.message_key()),
        lines: lines.iter().map(|l| line_code(*l)).collect(),
    }
}

/// The wire name of a protocol line: its serde name, so that it cannot drift from the
/// protocol's own JSON.
fn line_code(line: Line) -> String {
    match serde_json::to_value(line) {
        Ok(serde_json::Value::String(s)) => s,
        other => {
            tracing::error!(
                ?line,
                ?other,
                "a protocol line does not serialize to a string"
            );
            format!("{line:?}")
        }
    }
}

/// A parameter's value (configuration text) in words, in one language: the message
/// `<message key>-value-<value>` where there is one (each word of a closed list, and numbers
/// that read differently, like 0 days: "the same day"), else `<message key>-value` with the
/// value as `$value`.
pub fn value_text(lang: Lang, p: &ParameterInfo, value: &str) -> String {
    lang.try_t(&format!("{}-value-{value}", p.message_key))
        .unwrap_or_else(|| {
            lang.t_args(
                &format!("{}-value", p.message_key),
                &[("value", value.to_owned())],
            )
        })
}

/// The catalogue of rules in one language, for the parameters in force of an election.
pub(super) fn catalogue(
    lang: Lang,
    election: Option<&str>,
    in_force: &ParametersInForce,
) -> RulesDto {
    let parameters = in_force
        .parameters
        .catalogue()
        .into_iter()
        .map(|p| ParameterDto {
            key: p.key.to_owned(),
            rule: p.rule.to_owned(),
            confidence: p.confidence.as_str().to_owned(),
            changed: p.value != p.default,
            value_text: value_text(lang, &p, &p.value),
            default_text: value_text(lang, &p, &p.default),
            applied_by: p.applied_by.iter().map(|c| c.code().to_owned()).collect(),
            choices: p.choices.iter().map(|c| (*c).to_owned()).collect(),
            set_at: in_force.set.get(p.key).map(|s| s.at.to_string()),
            value: p.value,
            default: p.default,
            message_key: p.message_key.to_owned(),
            description: lang.t(p.message_key),
        })
        .collect();

    let mut checks = Vec::new();
    for r in IneligibilityReason::ALL {
        let kind = if r.is_data_error() {
            "data_error"
        } else {
            "refusal"
        };
        checks.push(check(lang, "voter", r, kind, &[]));
    }
    for c in CandidateCode::ALL {
        let kind = if c.is_pending() { "pending" } else { "refusal" };
        checks.push(check(lang, "candidate", c, kind, &[]));
    }
    for c in ListCode::ALL {
        checks.push(check(lang, "party_list", c, "refusal", &[]));
    }
    for c in SchemeCode::ALL {
        checks.push(check(lang, "district", c, severity_kind(c.severity()), &[]));
    }
    for c in ProtocolCode::ALL {
        let kind = severity_kind(c.severity());
        checks.push(check(lang, "protocol", c, kind, c.lines()));
    }

    let protocol_lines = Line::ALL
        .iter()
        .map(|l| LineDto {
            line: line_code(*l),
            message_key: l.message_key().to_owned(),
            label: lang.t(l.message_key()),
        })
        .collect();

    RulesDto {
        lang: lang.code().to_owned(),
        election: election.map(str::to_owned),
        parameters,
        checks,
        protocol_lines,
    }
}

/// The election of `GET /api/v1/rules`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ElectionQuery {
    /// The election (default: the first one).
    #[param(pattern = "^([a-z0-9.-]{1,64})?$")]
    election: Option<String>,
}

/// The rules and the parameters in force for an election, with their texts in the language
/// asked for.
#[utoipa::path(get, path = "/api/v1/rules", tag = "rules",
    params(LangQuery, ElectionQuery),
    responses(
        (status = 200, description = "The rule parameters in force and every coded check", body = RulesDto),
        (status = 400, description = "A malformed parameter, named in `field`", body = crate::kit::ErrorBody),
        (status = 404, description = "No election has this id", body = crate::kit::ErrorBody),
    ))]
pub(super) async fn api_rules(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Query(q): Query<ElectionQuery>,
) -> Result<Json<RulesDto>, ApiError> {
    let wanted = q.election.as_deref().filter(|w| !w.trim().is_empty());
    let election = super::chosen_election(&state, wanted).await.or_api(lang)?;
    if wanted.is_some() && election.is_none() {
        return Err(ApiError::not_found(lang));
    }
    let in_force = super::in_force_of(&state, election.as_ref())
        .await
        .or_api(lang)?;
    let id = election.as_ref().map(|e| e.id.to_string());
    Ok(Json(catalogue(lang, id.as_deref(), &in_force)))
}

/// When a value was set, for a page: the Bishkek date.
pub(super) fn set_on(t: jiff::Timestamp) -> String {
    fmt_date(shailoo_domain::time::to_bishkek(t).date())
}
