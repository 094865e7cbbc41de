//! `GET /rules`: the parameters in force with their confidence, every coded check by group,
//! the lines of a results protocol, and two worked seat allocations.

use crate::AppState;
use crate::kit::{Lang, PageCtx, render};
use crate::rules::catalogue::{CheckDto, GROUPS, ParameterDto, RulesDto, catalogue};
use crate::rules::seats::{examples, explain_step};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use shailoo_domain::params::Confidence;

pub(crate) struct ParameterRow {
    pub key: String,
    pub rule: String,
    pub confidence: String,
    pub confidence_label: String,
    pub description: String,
    pub value: String,
    pub default: String,
    pub changed: bool,
}

pub(crate) struct CheckRow {
    pub code: String,
    pub rule: String,
    pub kind: String,
    pub kind_label: String,
    pub text: String,
    pub lines: String,
}

pub(crate) struct CheckSection {
    pub id: &'static str,
    pub title: String,
    pub intro: String,
    pub show_lines: bool,
    pub rows: Vec<CheckRow>,
}

pub(crate) struct Legend {
    pub label: String,
    pub help: String,
}

pub(crate) struct Example {
    pub title: String,
    pub steps: Vec<String>,
}

#[derive(Template)]
#[template(path = "rules/templates/rules.html")]
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

/// The checks of each group, with the protocol lines they concern by their labels.
fn sections(lang: Lang, cat: &RulesDto) -> Vec<CheckSection> {
    let label = |line: &str| {
        cat.protocol_lines
            .iter()
            .find(|l| l.line == line)
            .map_or_else(|| line.to_owned(), |l| l.label.clone())
    };
    let row = |c: &CheckDto| CheckRow {
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
    };
    GROUPS
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
                .map(row)
                .collect(),
        })
        .collect()
}

fn parameter_row(lang: Lang, p: &ParameterDto) -> ParameterRow {
    ParameterRow {
        key: p.key.clone(),
        rule: p.rule.clone(),
        confidence_label: lang.t(&format!("rules-confidence-{}", p.confidence)),
        confidence: p.confidence.clone(),
        description: p.description.clone(),
        value: p.value.clone(),
        default: p.default.clone(),
        changed: p.changed,
    }
}

/// `GET /rules`.
pub(super) async fn page(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let lang = ctx.lang;
    let params = &state.config.rule_parameters;
    let cat = catalogue(lang, params);
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
        parameters: cat
            .parameters
            .iter()
            .map(|p| parameter_row(lang, p))
            .collect(),
        confidence,
        sections: sections(lang, &cat),
        examples,
        ctx,
    };
    render(StatusCode::OK, &page)
}
