//! The allocation's step-by-step explanation in the reader's language (i15-scan-map): each
//! step of `shailoo_apportionment::Step` is worded by the catalogue message `explain-{code}`
//! from its parameters (numbers as Fluent numbers, so plural forms follow the language), and
//! an aiyl council's steps are headed by their district. A step the catalogues cannot word
//! falls back to the English sentence of the CLI, never to nothing.

use super::views::contest_label;
use crate::kit::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use serde_json::Value;
use shailoo_app::results::ExplainedStep;
use shailoo_app::results::open_data::CouncilResults;
use shailoo_apportionment::Fraction;
use shailoo_domain::protocol::Contest;
use std::borrow::Cow;
use std::collections::HashMap;

/// A parameter as the catalogue receives it: a number stays a number; a fraction (a quota or
/// a remainder) is written as the CLI writes it ("12 3/7"); a list is joined (and its length
/// is `{name}_count`); a ranking of remainders is numbered.
fn value(v: &Value) -> FluentValue<'static> {
    match v {
        Value::Number(n) => n.as_u64().map_or_else(
            || FluentValue::from(n.to_string()),
            |n| FluentValue::from(n as f64),
        ),
        Value::String(s) => FluentValue::from(s.clone()),
        Value::Bool(b) => FluentValue::from(if *b { "true" } else { "false" }),
        Value::Array(items) => FluentValue::from(list(items)),
        Value::Object(o) => FluentValue::from(fraction(o).unwrap_or_default()),
        Value::Null => FluentValue::from(""),
    }
}

fn fraction(o: &serde_json::Map<String, Value>) -> Option<String> {
    let n = o.get("numerator")?.as_u64()?;
    let d = o.get("denominator")?.as_u64()?;
    Some(Fraction::new(n, d).to_string())
}

fn list(items: &[Value]) -> String {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::String(s) => s.clone(),
            Value::Object(o) => {
                let list = o.get("list").and_then(Value::as_str).unwrap_or_default();
                let remainder = o
                    .get("remainder")
                    .and_then(Value::as_object)
                    .and_then(fraction)
                    .unwrap_or_default();
                format!("{}. {list} ({remainder})", i + 1)
            }
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One step in `lang`, as the catalogue words it (the English sentence if it cannot).
fn step(lang: Lang, s: &ExplainedStep) -> String {
    worded(lang, s).unwrap_or_else(|| s.step.to_string())
}

/// One step as the catalogue words it, if it has the message.
fn worded(lang: Lang, s: &ExplainedStep) -> Option<String> {
    let key = format!("explain-{}", s.step.code().replace('_', "-"));
    let args: HashMap<Cow<'static, str>, FluentValue<'static>> = match serde_json::to_value(&s.step)
    {
        Ok(Value::Object(o)) => {
            let mut args: HashMap<_, _> = o
                .iter()
                .filter(|(k, _)| k.as_str() != "code")
                .map(|(k, v)| (Cow::Owned(k.clone()), value(v)))
                .collect();
            // A list's length, so a message can leave out an empty one (`{ $exhausted_count ->
            // [0] … }`): Fluent cannot test a string for emptiness.
            for (k, v) in &o {
                if let Value::Array(items) = v {
                    args.insert(
                        Cow::Owned(format!("{k}_count")),
                        FluentValue::from(items.len() as f64),
                    );
                }
            }
            args
        }
        _ => HashMap::new(),
    };
    lang.try_t_values(&key, &args)
}

/// The steps in `lang`, each district's headed by the district.
pub(super) fn explain(lang: Lang, steps: &[ExplainedStep]) -> Vec<String> {
    let mut out = Vec::with_capacity(steps.len());
    let mut district = None;
    for s in steps {
        if s.district.is_some() && s.district != district {
            district.clone_from(&s.district);
            if let Some(d) = &s.district {
                let contest = Contest::District {
                    district: d.clone(),
                };
                out.push(format!("{}:", contest_label(lang, &contest)));
            }
        }
        out.push(step(lang, s));
    }
    out
}

/// A council's explanation in `lang`; the English lines where the steps are not at hand (a
/// result read back from open data).
pub(super) fn in_lang(lang: Lang, results: &CouncilResults) -> Vec<String> {
    if results.steps.is_empty() {
        results.explanation.clone()
    } else {
        explain(lang, &results.steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shailoo_apportionment::{RankedRemainder, Step, TiePhase};

    fn party(step: Step) -> ExplainedStep {
        ExplainedStep {
            district: None,
            step,
        }
    }

    /// Every kind of step, with plural-sensitive numbers.
    #[allow(
        clippy::too_many_lines,
        reason = "one of each kind of step, read as a table"
    )]
    fn every_step() -> Vec<ExplainedStep> {
        let r = Fraction::new(23, 7);
        vec![
            party(Step::AgainstAll { votes: 21 }),
            party(Step::Threshold {
                threshold_percent: 5,
                base: shailoo_apportionment::ThresholdBase::VotersWhoTookPart,
                base_votes: 1000,
                minimum_votes: 50,
            }),
            party(Step::ListThreshold {
                list: "p-a".into(),
                votes: 1,
                passed: false,
            }),
            party(Step::NoListQualified),
            party(Step::Quota {
                total_votes: 1000,
                seats: 31,
                quota: Fraction::new(1000, 31),
            }),
            party(Step::WholeSeats {
                list: "p-a".into(),
                votes: 500,
                whole_seats: 15,
                remainder: r,
            }),
            party(Step::CandidatesCap {
                list: "p-a".into(),
                entitled: 5,
                candidates: 3,
            }),
            party(Step::RemaindersRanked {
                remaining_seats: 2,
                ranking: vec![RankedRemainder {
                    list: "p-a".into(),
                    remainder: r,
                }],
                exhausted: vec!["p-b".into()],
            }),
            party(Step::RemainderSeat {
                seat: 1,
                list: "p-a".into(),
                remainder: r,
            }),
            party(Step::RemainderRound {
                lists: vec!["p-a".into(), "p-b".into()],
                seats_each: 1,
            }),
            party(Step::SeatsLeftVacant {
                list: "p-a".into(),
                entitled: 4,
                candidates: 3,
            }),
            party(Step::LotsApplied {
                phase: TiePhase::Remainder,
                tied: vec!["p-a".into(), "p-b".into()],
                winners: vec!["p-a".into()],
                seats: 1,
            }),
            party(Step::ReservedTieAllElected {
                tied: vec!["c-1".into(), "c-2".into()],
                reserved: vec!["c-1".into()],
            }),
            party(Step::LotsRequired {
                phase: TiePhase::Open,
                tied: vec!["c-1".into(), "c-2".into()],
                seats: 1,
            }),
            party(Step::ListSeats {
                list: "p-a".into(),
                seats: 16,
            }),
            party(Step::UnfilledSeats { seats: 2 }),
            party(Step::ReservedMandates {
                seats: 3,
                reserved: 1,
                by_default: true,
            }),
            party(Step::FewerWomenThanReserved {
                reserved: 2,
                women_running: 1,
                moved_to_open: 1,
            }),
            party(Step::ReservedSeat {
                seat: 1,
                candidate: "c-1".into(),
                votes: 90,
            }),
            party(Step::OpenSeat {
                seat: 2,
                candidate: "c-2".into(),
                sex: shailoo_apportionment::Sex::Male,
                votes: 150,
            }),
        ]
    }

    /// Every step has its message in every language (no English fallback), carries its numbers
    /// and list ids, and reads differently in each language.
    #[test]
    fn every_step_is_worded_in_kyrgyz_russian_and_english() {
        let steps = every_step();
        for lang in [Lang::Ky, Lang::Ru, Lang::En] {
            for s in &steps {
                let text = worded(lang, s);
                assert!(text.is_some(), "{lang:?} {}", s.step.code());
                let text = text.unwrap_or_default();
                assert!(!text.contains('{'), "{lang:?}: {text}");
            }
        }
        let quota = &steps[4];
        for lang in [Lang::Ky, Lang::Ru, Lang::En] {
            assert!(step(lang, quota).contains("32 8/31"), "{lang:?}");
        }
        let ranked = step(Lang::Ru, &steps[7]);
        assert!(
            ranked.contains("1. p-a (3 2/7)") && ranked.contains("p-b"),
            "{ranked}"
        );
        assert_ne!(step(Lang::Ky, quota), step(Lang::Ru, quota));
        assert_ne!(step(Lang::Ru, quota), step(Lang::En, quota));
    }

    #[test]
    fn an_aiyl_councils_steps_are_headed_by_their_district() {
        let d = |n: &str| shailoo_domain::district::DistrictId::parse(n).ok();
        let steps = vec![
            ExplainedStep {
                district: d("1"),
                step: Step::UnfilledSeats { seats: 1 },
            },
            ExplainedStep {
                district: d("1"),
                step: Step::UnfilledSeats { seats: 2 },
            },
            ExplainedStep {
                district: d("2"),
                step: Step::UnfilledSeats { seats: 3 },
            },
        ];
        let lines = explain(Lang::En, &steps);
        assert_eq!(lines.len(), 5, "{lines:?}");
        assert!(
            lines[0].ends_with(':') && lines[3].ends_with(':'),
            "{lines:?}"
        );
    }
}
