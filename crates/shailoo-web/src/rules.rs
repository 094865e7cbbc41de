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
//! This module also renders the steps of a seat allocation ([`Step`], messages
//! `seats-step-<code>`) in the three languages: the page shows two worked examples, and the
//! results pages will use the same renderer.

use crate::AppState;
use crate::api::LangQuery;
use crate::error::ApiLang;
use crate::i18n::Lang;
use crate::pages::PageCtx;
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use shailoo_apportionment::{Sex, Step, TiePhase};
use shailoo_domain::candidate::{CandidateCode, ListCode};
use shailoo_domain::district::{SchemeCode, reserved_for_women};
use shailoo_domain::params::{Coded, Confidence, RuleParameters, Severity};
use shailoo_domain::protocol::{Line, ProtocolCode};
use shailoo_domain::voter::IneligibilityReason;
use utoipa::ToSchema;

// --- the catalogue, shared by the page and the API ---

/// Everything `/rules` shows, in one language.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulesDto {
    /// The language of the texts: `ky`, `ru` or `en`.
    #[schema(example = "ky")]
    pub lang: String,
    /// The configurable rule parameters of this deployment.
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
    /// Whether this deployment changed the default.
    pub changed: bool,
    #[schema(example = "param-vot-02-leap-day-birthday")]
    pub message_key: String,
    /// What the parameter decides, in the language asked for.
    pub description: String,
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
const GROUPS: [&str; 5] = ["voter", "candidate", "party_list", "district", "protocol"];

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

/// The catalogue of rules in one language, for the parameters in force.
pub fn catalogue(lang: Lang, params: &RuleParameters) -> RulesDto {
    let parameters = params
        .catalogue()
        .into_iter()
        .map(|p| ParameterDto {
            key: p.key.to_owned(),
            rule: p.rule.to_owned(),
            confidence: p.confidence.as_str().to_owned(),
            changed: p.value != p.default,
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
        parameters,
        checks,
        protocol_lines,
    }
}

/// The rules and parameters in force, with their texts in the language asked for.
#[utoipa::path(get, path = "/api/v1/rules", tag = "rules",
    params(LangQuery),
    responses(
        (status = 200, description = "The configurable rule parameters and every coded check", body = RulesDto),
    ))]
pub async fn api_rules(State(state): State<AppState>, ApiLang(lang): ApiLang) -> Json<RulesDto> {
    Json(catalogue(lang, &state.config.rule_parameters))
}

// --- seat allocation steps ---

/// A seat-allocation step in the reader's language (`seats-step-<code>`). Lists of ids are
/// joined with commas: ids are party or candidate ids, the same in every language.
pub fn explain_step(lang: Lang, step: &Step) -> String {
    let key = format!("seats-step-{}", step.code());
    let n = |v: &u64| v.to_string();
    let args: Vec<(&'static str, String)> = match step {
        Step::AgainstAll { votes } => vec![("votes", n(votes))],
        Step::Threshold {
            threshold_percent,
            took_part,
            minimum_votes,
        } => vec![
            ("percent", threshold_percent.to_string()),
            ("took_part", n(took_part)),
            ("minimum", n(minimum_votes)),
        ],
        Step::ListThreshold {
            list,
            votes,
            passed,
        } => {
            let outcome = if *passed {
                "seats-threshold-passed"
            } else {
                "seats-threshold-failed"
            };
            vec![
                ("list", list.clone()),
                ("votes", n(votes)),
                ("outcome", lang.t(outcome)),
            ]
        }
        Step::NoListQualified => vec![],
        Step::Quota {
            total_votes,
            seats,
            quota,
        } => vec![
            ("total_votes", n(total_votes)),
            ("seats", n(seats)),
            ("quota", quota.to_string()),
        ],
        Step::WholeSeats {
            list,
            votes,
            whole_seats,
            remainder,
        } => vec![
            ("list", list.clone()),
            ("votes", n(votes)),
            ("whole_seats", n(whole_seats)),
            ("remainder", remainder.to_string()),
        ],
        Step::CandidatesCap {
            list,
            entitled,
            candidates,
        } => vec![
            ("list", list.clone()),
            ("entitled", n(entitled)),
            ("candidates", n(candidates)),
        ],
        Step::RemaindersRanked {
            remaining_seats,
            ranking,
            exhausted,
        } => {
            let ranking = ranking
                .iter()
                .enumerate()
                .map(|(i, r)| format!("{}. {} ({})", i + 1, r.list, r.remainder))
                .collect::<Vec<_>>()
                .join(", ");
            let text = lang.t_args(
                &key,
                &[
                    ("remaining_seats", n(remaining_seats)),
                    ("ranking", ranking),
                ],
            );
            // The lists left out are a second sentence only when there are any.
            if exhausted.is_empty() {
                return text;
            }
            let left_out = lang.t_args("seats-exhausted", &[("lists", exhausted.join(", "))]);
            return format!("{text} {left_out}");
        }
        Step::RemainderSeat {
            seat,
            list,
            remainder,
        } => vec![
            ("seat", n(seat)),
            ("list", list.clone()),
            ("remainder", remainder.to_string()),
        ],
        Step::RemainderRound { lists, seats_each } => {
            vec![("lists", lists.join(", ")), ("seats_each", n(seats_each))]
        }
        Step::LotsApplied {
            phase,
            tied,
            winners,
            seats,
        } => vec![
            ("phase", lang.t(phase_key(*phase))),
            ("tied", tied.join(", ")),
            ("winners", winners.join(", ")),
            ("seats", n(seats)),
        ],
        Step::LotsRequired { phase, tied, seats } => vec![
            ("phase", lang.t(phase_key(*phase))),
            ("tied", tied.join(", ")),
            ("seats", n(seats)),
        ],
        Step::ListSeats { list, seats } => vec![("list", list.clone()), ("seats", n(seats))],
        Step::UnfilledSeats { seats } => vec![("seats", n(seats))],
        Step::ReservedMandates {
            seats,
            reserved,
            by_default,
        } => {
            let how = if *by_default {
                "seats-reserved-by-default"
            } else {
                "seats-reserved-as-given"
            };
            vec![
                ("seats", n(seats)),
                ("reserved", n(reserved)),
                ("how", lang.t(how)),
            ]
        }
        Step::FewerWomenThanReserved {
            reserved,
            women_running,
            moved_to_open,
        } => vec![
            ("reserved", n(reserved)),
            ("women_running", n(women_running)),
            ("moved_to_open", n(moved_to_open)),
        ],
        Step::ReservedSeat {
            seat,
            candidate,
            votes,
        } => vec![
            ("seat", n(seat)),
            ("candidate", candidate.clone()),
            ("votes", n(votes)),
        ],
        Step::OpenSeat {
            seat,
            candidate,
            sex,
            votes,
        } => {
            let sex = match sex {
                Sex::Female => "seats-sex-female",
                Sex::Male => "seats-sex-male",
            };
            vec![
                ("seat", n(seat)),
                ("candidate", candidate.clone()),
                ("sex", lang.t(sex)),
                ("votes", n(votes)),
            ]
        }
    };
    lang.t_args(&key, &args)
}

fn phase_key(phase: TiePhase) -> &'static str {
    match phase {
        TiePhase::Remainder => "seats-phase-remainder",
        TiePhase::Reserved => "seats-phase-reserved",
        TiePhase::Open => "seats-phase-open",
    }
}

/// The worked examples of the page: a city council and an aiyl district, small enough to
/// follow by hand, allocated by the real code with this deployment's threshold and reserve.
fn examples(params: &RuleParameters) -> Vec<(&'static str, Vec<Step>)> {
    let city = serde_json::json!({
        "kind": "party_list",
        "seats": 9,
        "took_part": 10000,
        "threshold_percent": params.threshold_percent,
        "lists": [
            {"id": "A", "votes": 4100},
            {"id": "B", "votes": 2900},
            {"id": "C", "votes": 1600},
            {"id": "D", "votes": 400},
        ],
        "against_all": 1000,
    });
    let seats = 3u32;
    let mut aiyl = serde_json::json!({
        "kind": "district_plurality",
        "seats": seats,
        "candidates": [
            {"id": "c1", "sex": "male", "votes": 300},
            {"id": "c2", "sex": "male", "votes": 250},
            {"id": "c3", "sex": "female", "votes": 200},
            {"id": "c4", "sex": "male", "votes": 180},
            {"id": "c5", "sex": "female", "votes": 90},
        ],
    });
    // Given only when this deployment departs from the allocator's default reserve, so that
    // the explanation says which of the two applied.
    let reserved = u64::from(reserved_for_women(seats, params));
    if reserved != shailoo_apportionment::default_reserved_for_women(u64::from(seats)) {
        aiyl["reserved_for_women"] = reserved.into();
    }
    [
        ("rules-seats-example-city", city),
        ("rules-seats-example-aiyl", aiyl),
    ]
    .into_iter()
    .filter_map(|(title, input)| {
        match shailoo_apportionment::run(&input.to_string()) {
            Ok(out) => Some((title, out.explanation)),
            // Only a configuration the allocator refuses (a threshold over 100%) gets here;
            // the page then shows the rest rather than failing.
            Err(e) => {
                tracing::warn!(error = %e, title, "worked example refused");
                None
            }
        }
    })
    .collect()
}

// --- the page ---

pub struct ParameterRow {
    pub key: String,
    pub rule: String,
    pub confidence: String,
    pub confidence_label: String,
    pub description: String,
    pub value: String,
    pub default: String,
    pub changed: bool,
}

pub struct CheckRow {
    pub code: String,
    pub rule: String,
    pub kind: String,
    pub kind_label: String,
    pub text: String,
    pub lines: String,
}

pub struct CheckSection {
    pub id: &'static str,
    pub title: String,
    pub intro: String,
    pub show_lines: bool,
    pub rows: Vec<CheckRow>,
}

pub struct Legend {
    pub label: String,
    pub help: String,
}

pub struct Example {
    pub title: String,
    pub steps: Vec<String>,
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesTemplate {
    ctx: PageCtx,
    parameters: Vec<ParameterRow>,
    confidence: Vec<Legend>,
    sections: Vec<CheckSection>,
    lines: Vec<String>,
    examples: Vec<Example>,
}

const CONFIDENCES: [Confidence; 4] = [
    Confidence::Seed,
    Confidence::Sure,
    Confidence::Likely,
    Confidence::Unsure,
];

/// `GET /rules`.
pub async fn page(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let lang = ctx.lang;
    let params = &state.config.rule_parameters;
    let cat = catalogue(lang, params);
    let label = |line: &str| {
        cat.protocol_lines
            .iter()
            .find(|l| l.line == line)
            .map_or_else(|| line.to_owned(), |l| l.label.clone())
    };
    let sections = GROUPS
        .iter()
        .map(|group| CheckSection {
            id: group,
            title: lang.t(&format!("rules-{group}-title")),
            intro: lang.t(&format!("rules-{group}-intro")),
            show_lines: *group == "protocol",
            rows: cat
                .checks
                .iter()
                .filter(|c| c.group == *group)
                .map(|c| CheckRow {
                    code: c.code.clone(),
                    rule: c.rule.clone(),
                    kind: c.kind.clone(),
                    kind_label: lang.t(&format!("rules-kind-{}", c.kind)),
                    text: c.text.clone(),
                    lines: c
                        .lines
                        .iter()
                        .map(|l| label(l))
                        .collect::<Vec<_>>()
                        .join("; "),
                })
                .collect(),
        })
        .collect();
    let parameters = cat
        .parameters
        .iter()
        .map(|p| ParameterRow {
            key: p.key.clone(),
            rule: p.rule.clone(),
            confidence_label: lang.t(&format!("rules-confidence-{}", p.confidence)),
            confidence: p.confidence.clone(),
            description: p.description.clone(),
            value: p.value.clone(),
            default: p.default.clone(),
            changed: p.changed,
        })
        .collect();
    let confidence = CONFIDENCES
        .iter()
        .map(|c| Legend {
            label: lang.t(&format!("rules-confidence-{}", c.as_str())),
            help: lang.t(&format!("rules-confidence-{}-help", c.as_str())),
        })
        .collect();
    let examples = examples(params)
        .into_iter()
        .map(|(title, steps)| Example {
            title: lang.t(title),
            steps: steps.iter().map(|s| explain_step(lang, s)).collect(),
        })
        .collect();
    let page = RulesTemplate {
        lines: cat.protocol_lines.iter().map(|l| l.label.clone()).collect(),
        parameters,
        confidence,
        sections,
        examples,
        ctx,
    };
    // As `pages::render`: a template error is logged, never shown.
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}
