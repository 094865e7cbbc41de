//! The steps of a seat allocation ([`Step`], messages `seats-step-<code>`) in the reader's
//! language, and the page's two worked examples, allocated by the real code.

use crate::kit::Lang;
use shailoo_apportionment::{Sex, Step, ThresholdBase, TiePhase};
use shailoo_domain::district::reserved_for_women;
use shailoo_domain::params::RuleParameters;

/// The arguments of a step's message.
type Args = Vec<(&'static str, String)>;

fn n(v: &u64) -> String {
    v.to_string()
}

/// A seat-allocation step in the reader's language (`seats-step-<code>`). Lists of ids are
/// joined with commas: ids are party or candidate ids, the same in every language.
pub fn explain_step(lang: Lang, step: &Step) -> String {
    let key = format!("seats-step-{}", step.code());
    // Every variant is named here, so that a new step cannot go unexplained.
    let args = match step {
        Step::RemaindersRanked { .. } => return remainders_ranked(lang, &key, step),
        Step::AgainstAll { .. }
        | Step::Threshold { .. }
        | Step::ListThreshold { .. }
        | Step::NoListQualified
        | Step::Quota { .. }
        | Step::WholeSeats { .. }
        | Step::CandidatesCap { .. }
        | Step::SeatsLeftVacant { .. } => quota_args(lang, step),
        Step::RemainderSeat { .. }
        | Step::RemainderRound { .. }
        | Step::LotsApplied { .. }
        | Step::LotsRequired { .. }
        | Step::ListSeats { .. }
        | Step::UnfilledSeats { .. } => list_args(lang, step),
        Step::ReservedMandates { .. }
        | Step::FewerWomenThanReserved { .. }
        | Step::ReservedTieAllElected { .. }
        | Step::ReservedSeat { .. }
        | Step::OpenSeat { .. } => district_args(lang, step),
    };
    lang.t_args(&key, &args)
}

/// The arguments of a step up to the whole seats of a party-list allocation (city councils).
#[expect(
    clippy::too_many_lines,
    reason = "one arm per kind of step: a flat table of each message's arguments"
)]
fn quota_args(lang: Lang, step: &Step) -> Args {
    match step {
        Step::AgainstAll { votes } => vec![("votes", n(votes))],
        Step::Threshold {
            threshold_percent,
            base,
            base_votes,
            minimum_votes,
        } => vec![
            ("percent", threshold_percent.to_string()),
            (
                "base",
                match base {
                    ThresholdBase::VotersWhoTookPart => "voters_who_took_part",
                    ThresholdBase::ValidVotes => "valid_votes",
                }
                .to_owned(),
            ),
            ("base_votes", n(base_votes)),
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
        }
        | Step::SeatsLeftVacant {
            list,
            entitled,
            candidates,
        } => vec![
            ("list", list.clone()),
            ("entitled", n(entitled)),
            ("candidates", n(candidates)),
        ],
        _ => Vec::new(),
    }
}

/// The arguments of a step after the whole seats of a party-list allocation: remainders,
/// lots, the seats of each list.
fn list_args(lang: Lang, step: &Step) -> Args {
    match step {
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
        _ => Vec::new(),
    }
}

/// The arguments of a step of a district's plurality allocation with its women's reserve.
fn district_args(lang: Lang, step: &Step) -> Args {
    match step {
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
        Step::ReservedTieAllElected { tied, reserved } => {
            vec![("tied", tied.join(", ")), ("reserved", reserved.join(", "))]
        }
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
        _ => Vec::new(),
    }
}

/// The ranking of remainders, and the lists left out as a second sentence when there are any.
fn remainders_ranked(lang: Lang, key: &str, step: &Step) -> String {
    let Step::RemaindersRanked {
        remaining_seats,
        ranking,
        exhausted,
    } = step
    else {
        return lang.t(key);
    };
    let ranking = ranking
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{}. {} ({})", i + 1, r.list, r.remainder))
        .collect::<Vec<_>>()
        .join(", ");
    let text = lang.t_args(
        key,
        &[
            ("remaining_seats", n(remaining_seats)),
            ("ranking", ranking),
        ],
    );
    if exhausted.is_empty() {
        return text;
    }
    let left_out = lang.t_args("seats-exhausted", &[("lists", exhausted.join(", "))]);
    format!("{text} {left_out}")
}

fn phase_key(phase: TiePhase) -> &'static str {
    match phase {
        TiePhase::Remainder => "seats-phase-remainder",
        TiePhase::Reserved => "seats-phase-reserved",
        TiePhase::Open => "seats-phase-open",
    }
}

/// The worked examples of the page: a city council and an aiyl district, small enough to
/// follow by hand, allocated by the real code with the election's parameters in force.
pub(super) fn examples(params: &RuleParameters) -> Vec<(&'static str, Vec<Step>)> {
    let mut city = serde_json::json!({
        "kind": "party_list",
        "seats": 9,
        "took_part": 10000,
        "lists": [
            {"id": "A", "votes": 4100},
            {"id": "B", "votes": 2900},
            {"id": "C", "votes": 1600},
            {"id": "D", "votes": 400},
        ],
        "against_all": 1000,
    });
    // The threshold, its base and where a short list's seats go: the election's (RES-06,
    // RES-09). The input names none of them, so there is nothing to disagree with.
    if let Err(e) = shailoo_app::params::seats_input(params, &mut city) {
        tracing::warn!(error = %e, "worked example refused the parameters");
    }
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
