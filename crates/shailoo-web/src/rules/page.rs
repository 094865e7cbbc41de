//! `GET /rules`: the parameters in force for an election in words, with their defaults and when
//! the CEC set them; every coded check by group; the lines of a results protocol; two worked
//! seat allocations. Signed-in staff also see the developer notes: each parameter's
//! configuration key, the confidence of its rule in the sources, who set it, and the
//! parameters of stages shailoo does not run yet; the CEC's administrator a link to change
//! them while that is open.

use crate::AppState;
use crate::kit::calendar::election_calendar;
use crate::kit::input::Query;
use crate::kit::page::{Choice, StaffView};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use crate::rules::catalogue::{CheckDto, GROUPS, RulesDto, catalogue, set_on, value_text};
use crate::rules::seats::{examples, explain_step};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use shailoo_app::authz::Power;
use shailoo_app::params::ParametersInForce;
use shailoo_domain::calendar::Action;
use shailoo_domain::params::{Confidence, ParameterInfo, RuleParameters};
use shailoo_domain::territory::Election;
use std::collections::HashMap;

/// One parameter as the page shows it.
pub(crate) struct ParameterRow {
    pub key: String,
    pub rule: String,
    pub description: String,
    /// The value in force and the default, in words.
    pub value: String,
    pub default: String,
    pub changed: bool,
    /// "Set by the CEC on 01.10.2024", or that it is the documented default.
    pub set: String,
    /// Staff notes: who set it, the confidence of the rule and what applies it.
    pub set_by: String,
    pub confidence: String,
    pub confidence_label: String,
    pub applied_by: String,
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
    /// The election shown, and the others to choose from.
    election_id: String,
    election_name: String,
    elections: Vec<Choice>,
    parameters: Vec<ParameterRow>,
    /// Staff only: the parameters of stages shailoo does not run yet.
    not_applied: Vec<ParameterRow>,
    is_staff: bool,
    /// The CEC's administrator may change the parameters now.
    can_change: bool,
    /// The CEC's administrator, after voting opened: the parameters are fixed.
    fixed: bool,
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

fn parameter_row(lang: Lang, p: &ParameterInfo, in_force: &ParametersInForce) -> ParameterRow {
    let set = in_force.set.get(p.key);
    ParameterRow {
        key: p.key.to_owned(),
        rule: p.rule.to_owned(),
        description: lang.t(p.message_key),
        value: value_text(lang, p, &p.value),
        default: value_text(lang, p, &p.default),
        changed: p.value != p.default,
        set: set.map_or_else(
            || lang.t("rules-set-default"),
            |s| lang.t_args("rules-set-by-cec", &[("date", set_on(s.at))]),
        ),
        set_by: set.map(|s| s.by.clone()).unwrap_or_default(),
        confidence: p.confidence.as_str().to_owned(),
        confidence_label: lang.t(&format!("rules-confidence-{}", p.confidence.as_str())),
        applied_by: p
            .applied_by
            .iter()
            .map(|c| lang.t(c.message_key()))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// Whether the staff member may set the election's parameters now (`can_change`), or could
/// but the calendar closed it (`fixed`).
async fn may_change(
    state: &AppState,
    lang: Lang,
    election: Option<&Election>,
    staff: Option<&StaffView>,
) -> Result<(bool, bool), PageFail> {
    let (Some(e), Some(s)) = (election, staff) else {
        return Ok((false, false));
    };
    if !s.may(Power::SetRuleParameters) {
        return Ok((false, false));
    }
    let calendar = election_calendar(state, e).await.or_page(lang)?;
    Ok(
        match calendar.check(Action::SetRuleParameters, state.now()) {
            Ok(()) => (true, false),
            Err(_) => (false, true),
        },
    )
}

/// The parameters in force that some part of shailoo applies, and (for staff) those none
/// applies yet.
fn parameter_rows(
    lang: Lang,
    in_force: &ParametersInForce,
    is_staff: bool,
) -> (Vec<ParameterRow>, Vec<ParameterRow>) {
    let (mut applied, mut not_applied) = (Vec::new(), Vec::new());
    for p in in_force.parameters.catalogue() {
        let row = parameter_row(lang, &p, in_force);
        if p.is_applied() {
            applied.push(row);
        } else if is_staff {
            not_applied.push(row);
        }
    }
    (applied, not_applied)
}

/// The worked examples of the seat allocation under `params`, explained step by step.
fn worked_examples(lang: Lang, params: &RuleParameters) -> Vec<Example> {
    examples(params)
        .into_iter()
        .map(|(title, steps)| Example {
            title: lang.t(title),
            steps: steps.iter().map(|s| explain_step(lang, s)).collect(),
        })
        .collect()
}

/// `GET /rules[?election=ID]`.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let wanted = q.get("election").map(String::as_str);
    let election = super::chosen_election(&state, wanted).await.or_page(lang)?;
    if wanted.is_some_and(|w| !w.trim().is_empty()) && election.is_none() {
        return Err(PageFail::not_found(lang));
    }
    let in_force = super::in_force_of(&state, election.as_ref())
        .await
        .or_page(lang)?;
    let id = election.as_ref().map(|e| e.id.to_string());
    let cat = catalogue(lang, id.as_deref(), &in_force);
    let staff = ctx.staff.as_ref();
    let is_staff = staff.is_some();
    let (parameters, not_applied) = parameter_rows(lang, &in_force, is_staff);
    let (can_change, fixed) = may_change(&state, lang, election.as_ref(), staff).await?;
    let all = state.store.elections().await.or_page(lang)?;
    let elections = all
        .iter()
        .map(|e| Choice {
            value: e.id.to_string(),
            label: e.name.get(lang.code()).to_owned(),
            selected: Some(e.id.to_string()) == id,
        })
        .collect();
    let confidence = CONFIDENCES
        .iter()
        .map(|c| Legend {
            label: lang.t(&format!("rules-confidence-{}", c.as_str())),
            help: lang.t(&format!("rules-confidence-{}-help", c.as_str())),
        })
        .collect();
    let page = RulesTemplate {
        election_id: id.unwrap_or_default(),
        election_name: election
            .as_ref()
            .map(|e| e.name.get(lang.code()).to_owned())
            .unwrap_or_default(),
        elections,
        lines: cat.protocol_lines.iter().map(|l| l.label.clone()).collect(),
        parameters,
        not_applied,
        is_staff,
        can_change,
        fixed,
        confidence,
        sections: sections(lang, &cat),
        examples: worked_examples(lang, &in_force.parameters),
        ctx,
    };
    Ok(render(StatusCode::OK, &page))
}
