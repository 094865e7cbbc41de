//! Aiyl council districts: the women's reserve, then plurality (DIS-04, RES-10).
//!
//! An aiyl council is elected in several multi-mandate districts (TER-04); candidates run one by
//! one (party nominees and self-nominees alike, CAN-03). In a district of `m` mandates:
//!
//! 1. DIS-04: `r` mandates are reserved for women; by default `ceil(30% × m)`, computed exactly
//!    as `(3m + 9) / 10` in integers.
//! 2. RES-10: the reserved mandates go to the women with the most votes.
//! 3. RES-10: the other `m − r` go to the remaining candidates, of either sex, with the most
//!    votes. If fewer than `r` women run, the reserved mandates they cannot fill join these.
//! 4. RES-08: equal votes at either cut are returned as a tie for a drawing of lots, where the
//!    drawing changes who is elected. A drawing is asked for only then: women who tie for the
//!    last reserved mandate are all elected anyway when those the reserve does not take still
//!    win open mandates (a 2-mandate district, two women with 100 votes each, a man with 10:
//!    both women are elected whatever the draw). No lots are drawn for that; the reserved
//!    label goes to the tied women in the order the input lists them (the caller lists the
//!    candidates in ballot order), and the explanation says so
//!    ([`Step::ReservedTieAllElected`]). A drawing recorded for such a tie anyway decides the
//!    label instead.
//!
//! A district with fewer candidates than mandates leaves the rest unfilled; a candidate needs no
//! minimum number of votes to be elected (uncontested mandates are filled).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::error::{Problem, SeatsInputError};
use crate::explain::Step;
use crate::lots::{Lots, LotsBook, LotsRequired, TiePhase, validate_entries};
use crate::pick::{Pick, Ranked, Tie, pick_top, rank, recorded, straddling};
use crate::{Outcome, Report};

/// A candidate's sex, as the reserve needs it (DIS-04).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

impl std::fmt::Display for Sex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Sex::Female => "female",
            Sex::Male => "male",
        })
    }
}

/// One candidate's result in a district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateVotes {
    pub id: String,
    pub sex: Sex,
    pub votes: u64,
}

/// A district election to allocate (`"kind": "district_plurality"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictInput {
    /// The district's mandates, at least 1.
    pub seats: u64,
    /// DIS-04: the mandates reserved for women; `ceil(30% × seats)` unless given; at most
    /// `seats`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_for_women: Option<u64>,
    pub candidates: Vec<CandidateVotes>,
    /// RES-08: recorded drawings of lots, if a previous run asked for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<Lots>,
}

/// An elected candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Elected {
    pub id: String,
    pub sex: Sex,
    pub votes: u64,
    /// Whether the candidate took a reserved mandate (RES-10).
    pub reserved: bool,
}

/// A completed district allocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistrictAllocation {
    /// In the order of election: reserved mandates first, then the others, each by votes.
    pub elected: Vec<Elected>,
    /// Mandates with no candidate left to take them.
    pub unfilled: u64,
}

/// DIS-04: `ceil(30% × seats)`, exactly: `(3·seats + 9) / 10`, written so as not to overflow.
/// 1→1, 2→1, 3→1, 4→2, 5→2, 6→2, 7→3, 10→3, 11→4.
pub fn default_reserved_for_women(seats: u64) -> u64 {
    seats / 10 * 3 + (seats % 10 * 3).div_ceil(10)
}

impl DistrictInput {
    /// The reserved mandates in force: as given, or the DIS-04 default.
    pub fn reserved(&self) -> u64 {
        self.reserved_for_women
            .unwrap_or_else(|| default_reserved_for_women(self.seats))
    }

    /// Checks the input contract; each error names its field.
    pub fn validate(&self) -> Result<(), SeatsInputError> {
        if self.seats == 0 {
            return Err(SeatsInputError::invalid("seats", Problem::ZeroSeats));
        }
        if let Some(reserved) = self.reserved_for_women
            && reserved > self.seats
        {
            return Err(SeatsInputError::invalid(
                "reserved_for_women",
                Problem::ReservedExceedsSeats {
                    reserved,
                    seats: self.seats,
                },
            ));
        }
        let mut ids = HashSet::new();
        for (i, c) in self.candidates.iter().enumerate() {
            if c.id.is_empty() {
                return Err(SeatsInputError::invalid(
                    format!("candidates[{i}].id"),
                    Problem::EmptyId,
                ));
            }
            if !ids.insert(c.id.as_str()) {
                return Err(SeatsInputError::invalid(
                    format!("candidates[{i}].id"),
                    Problem::DuplicateId(c.id.clone()),
                ));
            }
        }
        validate_entries(&self.lots, &ids)
    }
}

/// Elects a district's mandates (DIS-04, RES-10), returning ties as
/// [`Outcome::LotsRequired`] (RES-08).
pub fn allocate_district(
    input: &DistrictInput,
) -> Result<Report<DistrictAllocation>, SeatsInputError> {
    input.validate()?;
    let mut book = LotsBook::new(&input.lots);
    let mut steps = Vec::new();
    let outcome = allocate(input, &mut book, &mut steps)?;
    if !matches!(outcome, Outcome::LotsRequired(_)) {
        book.finish()?;
    }
    Ok(Report {
        outcome,
        explanation: steps,
    })
}

fn ranked<'a>(
    input: &'a DistrictInput,
    keep: impl Fn(usize, &CandidateVotes) -> bool,
) -> Vec<Ranked<'a>> {
    let mut r: Vec<Ranked<'a>> = input
        .candidates
        .iter()
        .enumerate()
        .filter(|(i, c)| keep(*i, c))
        .map(|(index, c)| Ranked {
            index,
            id: &c.id,
            value: c.votes,
        })
        .collect();
    rank(&mut r);
    r
}

/// RES-08: whether every woman of a tie at the cut of the reserved mandates is elected however
/// the tie is drawn. The ones the reserve does not take stay in the race for the `open`
/// mandates with their equal votes, and which of them they are changes nothing there; when all
/// of them, and every candidate with as many votes or more, fit into the open mandates, a
/// drawing would change no one's election, only which of them is recorded on a reserved
/// mandate.
fn elected_whatever_the_draw(input: &DistrictInput, tie: &Tie<'_, '_>, open: u64) -> bool {
    let Some(first) = tie.group.first() else {
        return false;
    };
    let votes = first.value;
    let reserved = (tie.above + tie.seats) as u64;
    let rest = input.candidates.len() as u64 - reserved;
    let contenders = (tie.group.len() - tie.seats) as u64
        + input
            .candidates
            .iter()
            .filter(|c| c.sex == Sex::Male && c.votes >= votes)
            .count() as u64;
    contenders <= open.min(rest)
}

fn allocate(
    input: &DistrictInput,
    book: &mut LotsBook<'_>,
    steps: &mut Vec<Step>,
) -> Result<Outcome<DistrictAllocation>, SeatsInputError> {
    let seats = input.seats;
    let reserved = input.reserved();
    steps.push(Step::ReservedMandates {
        seats,
        reserved,
        by_default: input.reserved_for_women.is_none(),
    });
    let (reserved_winners, open) = match reserved_winners(input, reserved, book, steps)? {
        Ok(won) => won,
        Err(required) => return Ok(Outcome::LotsRequired(required)),
    };
    let mut elected = Vec::new();
    for &index in &reserved_winners {
        let c = &input.candidates[index];
        elected.push(Elected {
            id: c.id.clone(),
            sex: c.sex,
            votes: c.votes,
            reserved: true,
        });
        steps.push(Step::ReservedSeat {
            seat: elected.len() as u64,
            candidate: c.id.clone(),
            votes: c.votes,
        });
    }

    // Phase 2: the other mandates to the remaining candidates of either sex.
    let taken: HashSet<usize> = reserved_winners.iter().copied().collect();
    let rest = ranked(input, |i, _| !taken.contains(&i));
    let k = usize::try_from(open).map_or(rest.len(), |open| open.min(rest.len()));
    let open_winners = match pick_top(&rest, k, TiePhase::Open, book, steps)? {
        Pick::Chosen(chosen) => chosen,
        Pick::Lots(required) => return Ok(Outcome::LotsRequired(required)),
    };
    for index in open_winners {
        let c = &input.candidates[index];
        elected.push(Elected {
            id: c.id.clone(),
            sex: c.sex,
            votes: c.votes,
            reserved: false,
        });
        steps.push(Step::OpenSeat {
            seat: elected.len() as u64,
            candidate: c.id.clone(),
            sex: c.sex,
            votes: c.votes,
        });
    }

    let unfilled = seats - elected.len() as u64;
    if unfilled > 0 {
        steps.push(Step::UnfilledSeats { seats: unfilled });
    }
    Ok(Outcome::Completed(DistrictAllocation { elected, unfilled }))
}

/// Phase 1: the reserved mandates to the women with the most votes. Their input indices and
/// the mandates left open, or the tie that needs lots drawn.
fn reserved_winners(
    input: &DistrictInput,
    reserved: u64,
    book: &mut LotsBook<'_>,
    steps: &mut Vec<Step>,
) -> Result<Result<(Vec<usize>, u64), LotsRequired>, SeatsInputError> {
    let women = ranked(input, |_, c| c.sex == Sex::Female);
    let women_running = women.len() as u64;
    if women_running < reserved {
        steps.push(Step::FewerWomenThanReserved {
            reserved,
            women_running,
            moved_to_open: reserved - women_running,
        });
    }
    let reserved_filled = reserved.min(women_running);
    // reserved_filled ≤ women.len(), a usize.
    let k = usize::try_from(reserved_filled).unwrap_or(women.len());
    let open = input.seats - reserved_filled;
    let winners = match straddling(&women, k) {
        Some(tie) if elected_whatever_the_draw(input, &tie, open) => {
            match recorded(&tie, TiePhase::Reserved, book, steps)? {
                Some(chosen) => chosen,
                None => {
                    steps.push(Step::ReservedTieAllElected {
                        tied: tie.ids().into_iter().map(str::to_owned).collect(),
                        reserved: tie.group[..tie.seats]
                            .iter()
                            .map(|r| r.id.to_owned())
                            .collect(),
                    });
                    tie.in_input_order()
                }
            }
        }
        _ => match pick_top(&women, k, TiePhase::Reserved, book, steps)? {
            Pick::Chosen(chosen) => chosen,
            Pick::Lots(required) => return Ok(Err(required)),
        },
    };
    Ok(Ok((winners, open)))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on unexpected outcomes"
)]
mod tests {
    use super::*;

    fn c(id: &str, sex: Sex, votes: u64) -> CandidateVotes {
        CandidateVotes {
            id: id.to_owned(),
            sex,
            votes,
        }
    }

    fn district(seats: u64, candidates: Vec<CandidateVotes>) -> DistrictInput {
        DistrictInput {
            seats,
            reserved_for_women: None,
            candidates,
            lots: Vec::new(),
        }
    }

    fn elected(input: &DistrictInput) -> Vec<(String, bool)> {
        match allocate_district(input).unwrap().outcome {
            Outcome::Completed(a) => a.elected.into_iter().map(|e| (e.id, e.reserved)).collect(),
            other => panic!("expected completed, got {other:?}"),
        }
    }

    fn ids(v: &[(&str, bool)]) -> Vec<(String, bool)> {
        v.iter().map(|(id, r)| ((*id).to_owned(), *r)).collect()
    }

    #[test]
    fn dis_04_reserved_is_ceil_30_percent() {
        let table = [
            (1, 1),
            (2, 1),
            (3, 1),
            (4, 2),
            (5, 2),
            (6, 2),
            (7, 3),
            (8, 3),
            (9, 3),
            (10, 3),
            (11, 4),
            (20, 6),
            (21, 7),
        ];
        for (m, r) in table {
            assert_eq!(default_reserved_for_women(m), r, "m = {m}");
        }
        // Exact ceiling for every size, against the plain formula, and no overflow at the top.
        for m in 0..10_000u64 {
            assert_eq!(default_reserved_for_women(m), (3 * m).div_ceil(10));
        }
        assert_eq!(
            u128::from(default_reserved_for_women(u64::MAX)),
            (3 * u128::from(u64::MAX)).div_ceil(10)
        );
    }

    #[test]
    fn res_10_reserved_go_to_the_women_with_most_votes_then_any_sex() {
        // 5 mandates, 2 reserved. Plain top 5 would be m1..m4, w1; the reserve seats w1 and w2.
        let d = district(
            5,
            vec![
                c("m1", Sex::Male, 500),
                c("m2", Sex::Male, 400),
                c("w1", Sex::Female, 350),
                c("m3", Sex::Male, 300),
                c("m4", Sex::Male, 200),
                c("w2", Sex::Female, 100),
                c("w3", Sex::Female, 50),
            ],
        );
        assert_eq!(
            elected(&d),
            ids(&[
                ("w1", true),
                ("w2", true),
                ("m1", false),
                ("m2", false),
                ("m3", false)
            ])
        );
    }

    #[test]
    fn res_10_women_beyond_the_reserve_win_open_mandates() {
        let d = district(
            3,
            vec![
                c("w1", Sex::Female, 500),
                c("w2", Sex::Female, 400),
                c("m1", Sex::Male, 300),
                c("w3", Sex::Female, 200),
            ],
        );
        assert_eq!(
            elected(&d),
            ids(&[("w1", true), ("w2", false), ("m1", false)])
        );
    }

    #[test]
    fn res_10_fewer_women_than_reserved() {
        let mut d = district(
            4,
            vec![
                c("m1", Sex::Male, 500),
                c("w1", Sex::Female, 10),
                c("m2", Sex::Male, 400),
                c("m3", Sex::Male, 300),
                c("m4", Sex::Male, 200),
            ],
        );
        d.reserved_for_women = Some(3);
        let report = allocate_district(&d).unwrap();
        assert!(report.explanation.contains(&Step::FewerWomenThanReserved {
            reserved: 3,
            women_running: 1,
            moved_to_open: 2,
        }));
        assert_eq!(
            elected(&d),
            ids(&[("w1", true), ("m1", false), ("m2", false), ("m3", false)])
        );
    }

    #[test]
    fn res_10_fewer_candidates_than_mandates_leaves_seats_unfilled() {
        let d = district(3, vec![c("m1", Sex::Male, 5), c("w1", Sex::Female, 0)]);
        let report = allocate_district(&d).unwrap();
        let a = report.outcome.completed().unwrap();
        assert_eq!(a.elected.len(), 2);
        assert_eq!(a.unfilled, 1);
    }

    #[test]
    fn res_08_equal_votes_for_the_last_reserved_mandate_require_lots() {
        let d = district(
            2,
            vec![
                c("m1", Sex::Male, 500),
                c("w1", Sex::Female, 100),
                c("w2", Sex::Female, 100),
            ],
        );
        let report = allocate_district(&d).unwrap();
        let Outcome::LotsRequired(req) = report.outcome else {
            panic!("expected lots");
        };
        assert_eq!(req.phase, TiePhase::Reserved);
        assert_eq!(req.tied, ["w1", "w2"]);
        assert_eq!(req.seats_in_question, 1);
        let mut again = d.clone();
        again.lots = vec![Lots {
            tied: vec!["w2".into(), "w1".into()],
            winners: vec!["w2".into()],
        }];
        // The loser of the reserved drawing is still in the open phase; m1 outpolls her.
        assert_eq!(elected(&again), ids(&[("w2", true), ("m1", false)]));
    }

    #[test]
    fn res_08_no_lots_when_both_tied_women_are_elected_whatever_the_draw() {
        // 2 mandates, 1 reserved; two women tie far ahead of the one man. Whoever took the
        // reserved mandate, the other wins the open one: the draw would elect no one else.
        let d = district(
            2,
            vec![
                c("m1", Sex::Male, 10),
                c("w1", Sex::Female, 100),
                c("w2", Sex::Female, 100),
            ],
        );
        let report = allocate_district(&d).unwrap();
        assert!(
            report.explanation.contains(&Step::ReservedTieAllElected {
                tied: vec!["w1".into(), "w2".into()],
                reserved: vec!["w1".into()],
            }),
            "{:?}",
            report.explanation
        );
        assert!(
            !report
                .explanation
                .iter()
                .any(|s| matches!(s, Step::LotsRequired { .. })),
        );
        // The reserved label goes to the first tied woman in input (ballot) order.
        assert_eq!(elected(&d), ids(&[("w1", true), ("w2", false)]));
        let mut swapped = d.clone();
        swapped.candidates.swap(1, 2);
        assert_eq!(elected(&swapped), ids(&[("w2", true), ("w1", false)]));
        // A drawing recorded for the tie anyway decides the label, and is not refused.
        let mut drawn = d.clone();
        drawn.lots = vec![Lots {
            tied: vec!["w1".into(), "w2".into()],
            winners: vec!["w2".into()],
        }];
        assert_eq!(elected(&drawn), ids(&[("w2", true), ("w1", false)]));
    }

    #[test]
    fn res_08_a_man_with_as_many_votes_makes_the_reserved_draw_matter_only_without_room() {
        // 3 mandates, 1 reserved: the tied women and the man with equal votes all fit.
        let roomy = district(
            3,
            vec![
                c("w1", Sex::Female, 100),
                c("m1", Sex::Male, 100),
                c("w2", Sex::Female, 100),
                c("m2", Sex::Male, 10),
            ],
        );
        assert_eq!(
            elected(&roomy),
            ids(&[("w1", true), ("m1", false), ("w2", false)])
        );
        // 2 mandates: one of the three is left out, so the draw decides.
        let mut tight = roomy.clone();
        tight.seats = 2;
        let Outcome::LotsRequired(req) = allocate_district(&tight).unwrap().outcome else {
            panic!("expected lots");
        };
        assert_eq!(req.phase, TiePhase::Reserved);
        assert_eq!(req.tied, ["w1", "w2"]);
    }

    #[test]
    fn res_08_equal_votes_for_the_last_open_mandate_require_lots() {
        let d = district(
            3,
            vec![
                c("w1", Sex::Female, 500),
                c("m1", Sex::Male, 300),
                c("m2", Sex::Male, 200),
                c("w2", Sex::Female, 200),
                c("m3", Sex::Male, 200),
            ],
        );
        let report = allocate_district(&d).unwrap();
        let Outcome::LotsRequired(req) = report.outcome else {
            panic!("expected lots");
        };
        assert_eq!(req.phase, TiePhase::Open);
        assert_eq!(req.tied, ["m2", "w2", "m3"]);
        assert_eq!(req.seats_in_question, 1);
        let mut again = d.clone();
        again.lots = vec![Lots {
            tied: vec!["m2".into(), "w2".into(), "m3".into()],
            winners: vec!["m3".into()],
        }];
        assert_eq!(
            elected(&again),
            ids(&[("w1", true), ("m1", false), ("m3", false)])
        );
    }

    #[test]
    fn a_tie_inside_the_seats_needs_no_lots() {
        let d = district(
            3,
            vec![
                c("w1", Sex::Female, 100),
                c("m1", Sex::Male, 100),
                c("m2", Sex::Male, 100),
                c("m3", Sex::Male, 10),
            ],
        );
        assert_eq!(
            elected(&d),
            ids(&[("w1", true), ("m1", false), ("m2", false)])
        );
    }

    #[test]
    fn input_errors_name_their_field() {
        let mut d = district(2, vec![c("a", Sex::Male, 1), c("a", Sex::Female, 2)]);
        assert_eq!(
            allocate_district(&d).unwrap_err().field(),
            Some("candidates[1].id")
        );
        d.candidates[1].id = "b".into();
        d.reserved_for_women = Some(3);
        assert_eq!(
            allocate_district(&d).unwrap_err().field(),
            Some("reserved_for_women")
        );
        d.reserved_for_women = None;
        d.lots = vec![Lots {
            tied: vec!["a".into(), "zz".into()],
            winners: vec!["a".into()],
        }];
        let err = allocate_district(&d).unwrap_err();
        assert_eq!(err.field(), Some("lots[0].tied"));
        assert_eq!(err.code(), "unknown_id");
    }
}
