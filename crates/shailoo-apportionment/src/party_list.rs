//! City councils: the threshold, the Hare quota and the largest remainders (RES-06, RES-07,
//! RES-09).
//!
//! A city council is elected from closed party lists in one district covering the city (TER-04,
//! CAN-03). The allocation:
//!
//! 1. RES-06: a list takes part only with `votes × 100 ≥ threshold% × base`: the base is the
//!    voters who *took part* (valid, invalid and "against all" alike; the 2024 law), or, when
//!    the input's `threshold_base` says `valid_votes`, the valid votes (the lists' votes and
//!    "against all"). The comparison is inclusive and exact. A list with no votes never takes
//!    part.
//! 2. RES-07: the quota is `T / S` (`T` the votes of the qualifying lists, `S` the seats), kept
//!    as a fraction. Each list gets `floor(votes × S / T)` whole seats; its remainder is
//!    `votes × S mod T` over the common denominator `T`, so remainders compare as integers.
//! 3. RES-07: the seats left go one each to the largest remainders. Equal remainders at the cut
//!    are returned as a tie (RES-08).
//! 4. RES-09: when `candidates` is given, a list never gets more seats than that (the number of
//!    its candidates still standing, after withdrawals and deregistrations). By default
//!    (`unfilled_list_seats`: `next_largest_remainders`) the seats it cannot fill go to the next
//!    largest remainders; if more seats are left than lists with candidates, the ranking is gone
//!    through again, and seats for which no qualifying list has a candidate stay unfilled. With
//!    `vacant`, the seats are allocated as if every list were long enough, and those a list
//!    cannot fill stay vacant. With no list over the threshold the election is failed.
//!
//! Seats go down each closed list in order, skipping withdrawn candidates; that is the caller's
//! job, which only needs the count this module returns.
//!
//! Hare with largest remainders is *not* house-monotone: one more seat in the council can cost a
//! list a seat (the Alabama paradox). What does hold, and is tested: each list gets the floor or
//! the ceiling of its exact quota, and a list loses at most one seat when the council grows by
//! one.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::error::{Problem, SeatsInputError};
use crate::explain::{RankedRemainder, Step};
use crate::fraction::Fraction;
use crate::lots::{Lots, LotsBook, LotsRequired, TiePhase, validate_entries};
use crate::pick::{Pick, Ranked, pick_top, rank};
use crate::{FailureReason, Outcome, Report};

/// RES-06: the threshold in 2024, in percent of the voters who took part.
pub const DEFAULT_THRESHOLD_PERCENT: u32 = 5;

fn default_threshold() -> u32 {
    DEFAULT_THRESHOLD_PERCENT
}

/// RES-06: what the threshold is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdBase {
    /// The voters who took part in voting (the 2024 law): the default.
    #[default]
    VotersWhoTookPart,
    /// The valid votes: the lists' votes and "against all".
    ValidVotes,
}

/// RES-09: where the seats go that a list is too short to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnfilledListSeats {
    /// To the lists with the next largest remainders: the default.
    #[default]
    NextLargestRemainders,
    /// They stay vacant.
    Vacant,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// One party list's result at the polls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListVotes {
    pub id: String,
    pub votes: u64,
    /// RES-09: the number of candidates still standing on the list, if it limits the seats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidates: Option<u64>,
}

/// A city council election to allocate (`"kind": "party_list"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyListInput {
    /// The council's seats (TER-01), at least 1.
    pub seats: u64,
    /// RES-04: voters who took part; the base of the threshold (RES-06).
    pub took_part: u64,
    /// RES-06: 5 unless given; at most 100.
    #[serde(default = "default_threshold")]
    pub threshold_percent: u32,
    /// RES-06: what the threshold is a share of; the voters who took part unless given.
    #[serde(default, skip_serializing_if = "is_default")]
    pub threshold_base: ThresholdBase,
    /// RES-09: where the seats go that a list is too short to fill; the next largest
    /// remainders unless given.
    #[serde(default, skip_serializing_if = "is_default")]
    pub unfilled_list_seats: UnfilledListSeats,
    pub lists: Vec<ListVotes>,
    /// RES-02: votes "against all".
    pub against_all: u64,
    /// RES-08: recorded drawings of lots, if a previous run asked for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<Lots>,
}

/// A list's seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListSeats {
    pub id: String,
    pub votes: u64,
    /// Whether the list passed the threshold (RES-06).
    pub qualified: bool,
    pub seats: u64,
}

/// A completed city council allocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyListAllocation {
    /// Every list of the input, in input order.
    pub lists: Vec<ListSeats>,
    /// RES-09: seats that no qualifying list had a candidate for, and with
    /// [`UnfilledListSeats::Vacant`] the seats the lists were too short to fill.
    pub unfilled: u64,
    pub against_all: u64,
}

impl PartyListAllocation {
    /// The seats of the list `id` (0 for an unknown id).
    pub fn seats_of(&self, id: &str) -> u64 {
        self.lists
            .iter()
            .find(|l| l.id == id)
            .map_or(0, |l| l.seats)
    }

    /// The seats given out, which is the council size less `unfilled`.
    pub fn total_seats(&self) -> u64 {
        self.lists.iter().map(|l| l.seats).sum()
    }
}

impl PartyListInput {
    /// Checks the input contract; each error names its field.
    pub fn validate(&self) -> Result<(), SeatsInputError> {
        if self.seats == 0 {
            return Err(SeatsInputError::invalid("seats", Problem::ZeroSeats));
        }
        if self.threshold_percent > 100 {
            return Err(SeatsInputError::invalid(
                "threshold_percent",
                Problem::PercentOver100,
            ));
        }
        let mut ids = HashSet::new();
        for (i, list) in self.lists.iter().enumerate() {
            if list.id.is_empty() {
                return Err(SeatsInputError::invalid(
                    format!("lists[{i}].id"),
                    Problem::EmptyId,
                ));
            }
            if !ids.insert(list.id.as_str()) {
                return Err(SeatsInputError::invalid(
                    format!("lists[{i}].id"),
                    Problem::DuplicateId(list.id.clone()),
                ));
            }
        }
        // RES-05: the votes of the lists and "against all" are among the voters who took part.
        let list_votes: u128 = self.lists.iter().map(|l| u128::from(l.votes)).sum();
        if list_votes + u128::from(self.against_all) > u128::from(self.took_part) {
            return Err(SeatsInputError::invalid(
                "took_part",
                Problem::VotesExceedTookPart {
                    list_votes,
                    against_all: self.against_all,
                    took_part: self.took_part,
                },
            ));
        }
        validate_entries(&self.lots, &ids)
    }
}

impl PartyListInput {
    /// RES-06: the number the threshold is a share of. Validation bounds the valid votes by
    /// `took_part`, a `u64`.
    pub fn threshold_base_votes(&self) -> u64 {
        match self.threshold_base {
            ThresholdBase::VotersWhoTookPart => self.took_part,
            ThresholdBase::ValidVotes => self
                .lists
                .iter()
                .map(|l| l.votes)
                .fold(self.against_all, u64::saturating_add),
        }
    }
}

/// RES-06: whether a list takes part in the allocation (exact, inclusive; no votes, no part).
pub fn passes_threshold(votes: u64, threshold_percent: u32, base: u64) -> bool {
    votes > 0 && u128::from(votes) * 100 >= u128::from(threshold_percent) * u128::from(base)
}

/// The least number of votes that passes the threshold: `ceil(threshold% × base / 100)`.
fn minimum_votes(threshold_percent: u32, base: u64) -> u64 {
    let product = u128::from(threshold_percent) * u128::from(base);
    // At most base, since threshold_percent ≤ 100 (validated).
    u64::try_from(product.div_ceil(100)).unwrap_or(base)
}

/// Allocates the seats of a city council (RES-06, RES-07, RES-09), returning ties as
/// [`Outcome::LotsRequired`] (RES-08).
pub fn allocate_party_list(
    input: &PartyListInput,
) -> Result<Report<PartyListAllocation>, SeatsInputError> {
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

/// Per-list working state.
struct Entry {
    qualified: bool,
    seats: u64,
    /// `votes × S mod T`: the remainder over the common denominator `T`.
    remainder: u64,
    /// The most seats the allocation may give the list: its candidates when the seats it
    /// cannot fill pass on (RES-09), none when they stay vacant.
    cap: Option<u64>,
}

impl Entry {
    fn has_room(&self) -> bool {
        self.cap.is_none_or(|c| self.seats < c)
    }

    fn room(&self) -> u64 {
        self.cap.map_or(u64::MAX, |c| c.saturating_sub(self.seats))
    }
}

fn allocate(
    input: &PartyListInput,
    book: &mut LotsBook<'_>,
    steps: &mut Vec<Step>,
) -> Result<Outcome<PartyListAllocation>, SeatsInputError> {
    let mut entries = qualify(input, steps);
    // Validation bounds the sum of votes by took_part, a u64.
    let total: u64 = input
        .lists
        .iter()
        .zip(&entries)
        .filter(|(_, e)| e.qualified)
        .map(|(l, _)| l.votes)
        .sum();
    if total == 0 {
        steps.push(Step::NoListQualified);
        return Ok(Outcome::Failed(FailureReason::NoListPassedThreshold));
    }
    steps.push(Step::Quota {
        total_votes: total,
        seats: input.seats,
        quota: Fraction::new(total, input.seats),
    });
    let given = whole_seats(input, &mut entries, total, steps);
    let mut remainders = Remainders {
        input,
        entries: &mut entries,
        seat_number: 0,
    };
    let remaining = match remainders.allocate(input.seats - given, book, steps)? {
        Ok(remaining) => remaining,
        Err(required) => return Ok(Outcome::LotsRequired(required)),
    };
    let vacant = leave_vacant(input, &mut entries, steps);
    let lists: Vec<ListSeats> = input
        .lists
        .iter()
        .zip(&entries)
        .map(|(list, e)| ListSeats {
            id: list.id.clone(),
            votes: list.votes,
            qualified: e.qualified,
            seats: e.seats,
        })
        .collect();
    for l in lists.iter().filter(|l| l.qualified) {
        steps.push(Step::ListSeats {
            list: l.id.clone(),
            seats: l.seats,
        });
    }
    if remaining > 0 {
        steps.push(Step::UnfilledSeats { seats: remaining });
    }
    Ok(Outcome::Completed(PartyListAllocation {
        lists,
        unfilled: remaining + vacant,
        against_all: input.against_all,
    }))
}

/// RES-06: the threshold, and which lists pass it; each list's cap (RES-09).
fn qualify(input: &PartyListInput, steps: &mut Vec<Step>) -> Vec<Entry> {
    steps.push(Step::AgainstAll {
        votes: input.against_all,
    });
    let base = input.threshold_base_votes();
    steps.push(Step::Threshold {
        threshold_percent: input.threshold_percent,
        base: input.threshold_base,
        base_votes: base,
        minimum_votes: minimum_votes(input.threshold_percent, base),
    });
    input
        .lists
        .iter()
        .map(|list| {
            let qualified = passes_threshold(list.votes, input.threshold_percent, base);
            steps.push(Step::ListThreshold {
                list: list.id.clone(),
                votes: list.votes,
                passed: qualified,
            });
            Entry {
                qualified,
                seats: 0,
                remainder: 0,
                cap: match input.unfilled_list_seats {
                    UnfilledListSeats::NextLargestRemainders => list.candidates,
                    UnfilledListSeats::Vacant => None,
                },
            }
        })
        .collect()
}

/// RES-07: whole seats, `floor(votes × S / T)`, up to a list's cap; the remainder `votes × S
/// mod T` fits a u64 as it is < T. The seats given.
fn whole_seats(
    input: &PartyListInput,
    entries: &mut [Entry],
    total: u64,
    steps: &mut Vec<Step>,
) -> u64 {
    let seats = input.seats;
    let mut given: u64 = 0;
    for (list, entry) in input.lists.iter().zip(entries.iter_mut()) {
        if !entry.qualified {
            continue;
        }
        let product = u128::from(list.votes) * u128::from(seats);
        let total = u128::from(total);
        // votes ≤ total, so whole ≤ seats and remainder < total: both fit a u64.
        let whole = u64::try_from(product / total).unwrap_or(seats);
        entry.remainder = u64::try_from(product % total).unwrap_or(0);
        steps.push(Step::WholeSeats {
            list: list.id.clone(),
            votes: list.votes,
            whole_seats: whole,
            remainder: Fraction::new(entry.remainder, seats),
        });
        entry.seats = match entry.cap {
            Some(candidates) if candidates < whole => {
                steps.push(Step::CandidatesCap {
                    list: list.id.clone(),
                    entitled: whole,
                    candidates,
                });
                candidates
            }
            _ => whole,
        };
        given += entry.seats;
    }
    given
}

/// RES-07 and RES-09: the seats left after the whole seats, one each to the largest
/// remainders among the qualified lists with room, round after round.
struct Remainders<'a, 'i> {
    input: &'i PartyListInput,
    entries: &'a mut [Entry],
    /// The last remainder seat given (they are numbered from 1).
    seat_number: u64,
}

impl<'i> Remainders<'_, 'i> {
    /// Gives out `remaining` seats: the seats no list has room for (`Ok`), or the tie at the
    /// cut that needs lots drawn.
    fn allocate(
        &mut self,
        mut remaining: u64,
        book: &mut LotsBook<'_>,
        steps: &mut Vec<Step>,
    ) -> Result<Result<u64, LotsRequired>, SeatsInputError> {
        let mut ranked_once = false;
        while remaining > 0 {
            let mut eligible = self.eligible();
            if eligible.is_empty() {
                break;
            }
            rank(&mut eligible);
            if !ranked_once {
                ranked_once = true;
                steps.push(self.ranking(&eligible, remaining));
            }
            let count = eligible.len() as u64;
            if remaining >= count {
                remaining -= self.full_rounds(&eligible, remaining, steps);
                continue;
            }
            // Fewer seats than lists: the cut falls inside the ranking. `remaining < count`,
            // which is a vector length, so the conversion cannot fail.
            let k = usize::try_from(remaining).unwrap_or(eligible.len());
            let chosen = match pick_top(&eligible, k, TiePhase::Remainder, book, steps)? {
                Pick::Chosen(chosen) => chosen,
                Pick::Lots(required) => return Ok(Err(required)),
            };
            for index in chosen {
                self.give(index, steps);
            }
            remaining = 0;
        }
        Ok(Ok(remaining))
    }

    /// The qualified lists with room for a seat, with their remainders.
    fn eligible(&self) -> Vec<Ranked<'i>> {
        let input: &'i PartyListInput = self.input;
        input
            .lists
            .iter()
            .zip(self.entries.iter())
            .enumerate()
            .filter(|(_, (_, e))| e.qualified && e.has_room())
            .map(|(index, (list, e))| Ranked {
                index,
                id: &list.id,
                value: e.remainder,
            })
            .collect()
    }

    /// The first ranking of the remainders, and the lists whose candidates ran out.
    fn ranking(&self, eligible: &[Ranked<'_>], remaining: u64) -> Step {
        let seats = self.input.seats;
        Step::RemaindersRanked {
            remaining_seats: remaining,
            ranking: eligible
                .iter()
                .map(|r| RankedRemainder {
                    list: r.id.to_owned(),
                    remainder: Fraction::new(r.value, seats),
                })
                .collect(),
            exhausted: self
                .input
                .lists
                .iter()
                .zip(self.entries.iter())
                .filter(|(_, e)| e.qualified && !e.has_room())
                .map(|(list, _)| list.id.clone())
                .collect(),
        }
    }

    /// Every list with room takes a seat this round, so no tie can matter; several rounds at
    /// once, up to the first list that runs out of candidates. The seats given.
    fn full_rounds(
        &mut self,
        eligible: &[Ranked<'_>],
        remaining: u64,
        steps: &mut Vec<Step>,
    ) -> u64 {
        let count = eligible.len() as u64;
        let room = eligible
            .iter()
            .map(|r| self.entries[r.index].room())
            .min()
            .unwrap_or(1);
        let each = (remaining / count).min(room).max(1);
        if each == 1 {
            for r in eligible {
                self.give(r.index, steps);
            }
        } else {
            self.seat_number += each * count;
            steps.push(Step::RemainderRound {
                lists: eligible.iter().map(|r| r.id.to_owned()).collect(),
                seats_each: each,
            });
            for r in eligible {
                self.entries[r.index].seats += each;
            }
        }
        each * count
    }

    /// One remainder seat to the list at `index`.
    fn give(&mut self, index: usize, steps: &mut Vec<Step>) {
        self.seat_number += 1;
        let entry = &mut self.entries[index];
        entry.seats += 1;
        steps.push(Step::RemainderSeat {
            seat: self.seat_number,
            list: self.input.lists[index].id.clone(),
            remainder: Fraction::new(entry.remainder, self.input.seats),
        });
    }
}

/// RES-09 with vacant seats: the seats a list cannot fill are left empty. How many.
fn leave_vacant(input: &PartyListInput, entries: &mut [Entry], steps: &mut Vec<Step>) -> u64 {
    let mut vacant = 0;
    for (list, entry) in input.lists.iter().zip(entries.iter_mut()) {
        if let Some(candidates) = list.candidates
            && entry.seats > candidates
        {
            steps.push(Step::SeatsLeftVacant {
                list: list.id.clone(),
                entitled: entry.seats,
                candidates,
            });
            vacant += entry.seats - candidates;
            entry.seats = candidates;
        }
    }
    vacant
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on unexpected outcomes"
)]
mod tests {
    use super::*;

    fn list(id: &str, votes: u64) -> ListVotes {
        ListVotes {
            id: id.to_owned(),
            votes,
            candidates: None,
        }
    }

    fn input(seats: u64, took_part: u64, lists: Vec<ListVotes>) -> PartyListInput {
        PartyListInput {
            seats,
            took_part,
            threshold_percent: DEFAULT_THRESHOLD_PERCENT,
            threshold_base: ThresholdBase::default(),
            unfilled_list_seats: UnfilledListSeats::default(),
            lists,
            against_all: 0,
            lots: Vec::new(),
        }
    }

    fn completed(input: &PartyListInput) -> PartyListAllocation {
        match allocate_party_list(input).unwrap().outcome {
            Outcome::Completed(a) => a,
            other => panic!("expected completed, got {other:?}"),
        }
    }

    /// RES-12 with synthetic sub-threshold lists (their names and the split of the 13,746
    /// other ballots are invented; the five seated lists and the totals are the CEC's).
    pub(crate) fn bishkek_2024() -> PartyListInput {
        PartyListInput {
            seats: 51,
            took_part: 131_613,
            threshold_percent: 5,
            threshold_base: ThresholdBase::default(),
            unfilled_list_seats: UnfilledListSeats::default(),
            lists: vec![
                list("zhany_kuch", 37_903),
                list("emgek", 28_647),
                list("yntymak", 18_613),
                list("adilet", 17_858),
                list("el_umutu", 14_514),
                list("other_1", 2_500),
                list("other_2", 1_800),
                list("other_3", 700),
            ],
            against_all: 8_746,
            lots: Vec::new(),
        }
    }

    #[test]
    fn res_12_bishkek_2024_reproduced() {
        let a = completed(&bishkek_2024());
        let seats: Vec<(&str, u64)> = a.lists.iter().map(|l| (l.id.as_str(), l.seats)).collect();
        assert_eq!(
            seats,
            [
                ("zhany_kuch", 17),
                ("emgek", 12),
                ("yntymak", 8),
                ("adilet", 8),
                ("el_umutu", 6),
                ("other_1", 0),
                ("other_2", 0),
                ("other_3", 0),
            ]
        );
        assert_eq!(a.unfilled, 0);
        let report = allocate_party_list(&bishkek_2024()).unwrap();
        assert!(report.explanation.contains(&Step::Quota {
            total_votes: 117_535,
            seats: 51,
            quota: Fraction::new(117_535, 51),
        }));
        // The two remaining seats: Adilet (remainder ≈ 0.75 quota), then Zhany Kuch (≈ 0.45).
        let remainder_seats: Vec<&str> = report
            .explanation
            .iter()
            .filter_map(|s| match s {
                Step::RemainderSeat { list, .. } => Some(list.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(remainder_seats, ["adilet", "zhany_kuch"]);
    }

    #[test]
    fn res_06_threshold_is_inclusive_of_five_percent_of_turnout() {
        // 5% of 1,000 who took part is exactly 50 votes: 50 passes, 49 does not, although 49
        // is more than 5% of the 900 valid list votes (the base is turnout, not valid votes).
        let mut i = input(
            10,
            1_000,
            vec![list("a", 801), list("b", 50), list("c", 49)],
        );
        i.against_all = 100;
        let a = completed(&i);
        assert!(a.lists[1].qualified);
        assert!(!a.lists[2].qualified);
        assert_eq!(a.lists[2].seats, 0);
        assert!(passes_threshold(50, 5, 1_000));
        assert!(!passes_threshold(49, 5, 1_000));
        // Exact with a fractional threshold: 5% of 1,001 = 50.05, so 50 fails, 51 passes.
        assert!(!passes_threshold(50, 5, 1_001));
        assert!(passes_threshold(51, 5, 1_001));
        assert_eq!(minimum_votes(5, 1_001), 51);
        assert_eq!(minimum_votes(5, 131_613), 6_581);
    }

    #[test]
    fn res_06_threshold_percent_is_configurable() {
        let mut i = input(10, 1_000, vec![list("a", 940), list("b", 60)]);
        i.threshold_percent = 7;
        let a = completed(&i);
        assert_eq!((a.seats_of("a"), a.seats_of("b")), (10, 0));
    }

    #[test]
    fn res_06_threshold_base_valid_votes() {
        // 1,000 took part, 900 valid (800 + 50 + 50 against all... + invalid 100): 5% of the
        // valid 900 is 45 votes, so b's 49 passes on valid votes but not on turnout.
        let mut i = input(10, 1_000, vec![list("a", 801), list("b", 49)]);
        i.against_all = 50;
        assert!(!completed(&i).lists[1].qualified);
        i.threshold_base = ThresholdBase::ValidVotes;
        assert_eq!(i.threshold_base_votes(), 900);
        let report = allocate_party_list(&i).unwrap();
        assert!(report.outcome.completed().unwrap().lists[1].qualified);
        assert!(report.explanation.contains(&Step::Threshold {
            threshold_percent: 5,
            base: ThresholdBase::ValidVotes,
            base_votes: 900,
            minimum_votes: 45,
        }));
        assert!(report.explanation_text().contains("of the 900 valid votes"));
    }

    #[test]
    fn res_07_hare_quota_and_largest_remainders() {
        // T = 100, S = 7: quotas 3.15, 2.45, 1.4; whole 3+2+1 = 6; last seat to b (0.45).
        let a = completed(&input(
            7,
            100,
            vec![list("a", 45), list("b", 35), list("c", 20)],
        ));
        assert_eq!(
            (a.seats_of("a"), a.seats_of("b"), a.seats_of("c")),
            (3, 3, 1)
        );
    }

    #[test]
    fn res_07_against_all_counts_in_turnout_but_gets_no_seat() {
        let mut i = input(5, 1_000, vec![list("a", 600), list("b", 100)]);
        i.against_all = 300;
        let report = allocate_party_list(&i).unwrap();
        let a = report.outcome.completed().unwrap();
        assert_eq!(a.total_seats(), 5);
        assert_eq!(a.against_all, 300);
        assert_eq!(report.explanation[0], Step::AgainstAll { votes: 300 });
    }

    #[test]
    fn res_08_equal_remainders_require_lots() {
        // T = 300, S = 4: b and c both have 1.33 → remainders equal; 1 seat in question.
        let i = input(4, 300, vec![list("a", 100), list("b", 100), list("c", 100)]);
        let report = allocate_party_list(&i).unwrap();
        match report.outcome {
            Outcome::LotsRequired(req) => {
                assert_eq!(req.phase, TiePhase::Remainder);
                assert_eq!(req.tied, ["a", "b", "c"]);
                assert_eq!(req.seats_in_question, 1);
            }
            other => panic!("expected lots, got {other:?}"),
        }
        let mut with_lots = i.clone();
        with_lots.lots = vec![Lots {
            tied: vec!["c".into(), "a".into(), "b".into()],
            winners: vec!["b".into()],
        }];
        let a = completed(&with_lots);
        assert_eq!(
            (a.seats_of("a"), a.seats_of("b"), a.seats_of("c")),
            (1, 2, 1)
        );
    }

    #[test]
    fn res_08_lots_that_do_not_match_the_tie_are_errors() {
        let i = input(4, 300, vec![list("a", 100), list("b", 100), list("c", 100)]);
        // Wrong number of winners for the tie that occurs.
        let mut two = i.clone();
        two.lots = vec![Lots {
            tied: vec!["a".into(), "b".into(), "c".into()],
            winners: vec!["a".into(), "b".into()],
        }];
        let err = allocate_party_list(&two).unwrap_err();
        assert_eq!(err.field(), Some("lots[0].winners"));
        // A drawing for a tie that does not occur, on an otherwise tie-free allocation.
        let mut stray = input(7, 100, vec![list("a", 45), list("b", 35), list("c", 20)]);
        stray.lots = vec![Lots {
            tied: vec!["a".into(), "b".into()],
            winners: vec!["a".into()],
        }];
        let err = allocate_party_list(&stray).unwrap_err();
        assert_eq!(err.field(), Some("lots[0]"));
        assert_eq!(err.code(), "no_matching_tie");
        // A winner who was not tied.
        let mut stranger = i;
        stranger.lots = vec![Lots {
            tied: vec!["a".into(), "b".into()],
            winners: vec!["c".into()],
        }];
        assert_eq!(
            allocate_party_list(&stranger).unwrap_err().code(),
            "winner_not_tied"
        );
    }

    #[test]
    fn res_09_list_exhaustion_passes_seats_to_next_largest_remainders() {
        // a is entitled to 3 whole seats (3.15) but has 2 candidates; the freed seat and the
        // remainder seat go down the ranking: b (0.45), then c (0.4).
        let mut i = input(7, 100, vec![list("a", 45), list("b", 35), list("c", 20)]);
        i.lists[0].candidates = Some(2);
        let report = allocate_party_list(&i).unwrap();
        let a = report.outcome.completed().unwrap();
        assert_eq!(
            (a.seats_of("a"), a.seats_of("b"), a.seats_of("c")),
            (2, 3, 2)
        );
        assert!(report.explanation.contains(&Step::CandidatesCap {
            list: "a".into(),
            entitled: 3,
            candidates: 2,
        }));
        let exhausted = report.explanation.iter().find_map(|s| match s {
            Step::RemaindersRanked { exhausted, .. } => Some(exhausted.clone()),
            _ => None,
        });
        assert_eq!(exhausted, Some(vec!["a".to_owned()]));
        assert!(
            report
                .explanation_text()
                .contains("left out, no candidates left")
        );
    }

    #[test]
    fn res_09_seats_a_short_list_cannot_fill_stay_vacant_when_so_configured() {
        // As above, but the seat a cannot fill stays empty: the others keep their Hare seats.
        let mut i = input(7, 100, vec![list("a", 45), list("b", 35), list("c", 20)]);
        i.lists[0].candidates = Some(2);
        i.unfilled_list_seats = UnfilledListSeats::Vacant;
        let report = allocate_party_list(&i).unwrap();
        let a = report.outcome.completed().unwrap();
        assert_eq!(
            (a.seats_of("a"), a.seats_of("b"), a.seats_of("c")),
            (2, 3, 1)
        );
        assert_eq!(a.unfilled, 1);
        assert!(report.explanation.contains(&Step::SeatsLeftVacant {
            list: "a".into(),
            entitled: 3,
            candidates: 2,
        }));
        assert!(report.explanation_text().contains("1 seat stays vacant"));
    }

    #[test]
    fn res_09_more_freed_seats_than_lists_go_round_again() {
        // a would take 9 of 10 seats but has 1 candidate; b and c share the other 9.
        let mut i = input(
            10,
            1_000,
            vec![list("a", 900), list("b", 60), list("c", 40)],
        );
        i.threshold_percent = 1;
        i.lists[0].candidates = Some(1);
        let a = completed(&i);
        assert_eq!(a.seats_of("a"), 1);
        assert_eq!(a.seats_of("b") + a.seats_of("c"), 9);
        assert_eq!(a.unfilled, 0);
    }

    #[test]
    fn res_09_seats_stay_unfilled_when_every_list_is_exhausted() {
        let mut i = input(10, 100, vec![list("a", 60), list("b", 40)]);
        i.lists[0].candidates = Some(3);
        i.lists[1].candidates = Some(2);
        let report = allocate_party_list(&i).unwrap();
        let a = report.outcome.completed().unwrap();
        assert_eq!((a.seats_of("a"), a.seats_of("b"), a.unfilled), (3, 2, 5));
        assert!(
            report
                .explanation
                .contains(&Step::UnfilledSeats { seats: 5 })
        );
    }

    #[test]
    fn res_09_no_list_over_the_threshold_fails() {
        let mut i = input(10, 1_000, vec![list("a", 40), list("b", 30)]);
        i.against_all = 900;
        let report = allocate_party_list(&i).unwrap();
        assert_eq!(
            report.outcome,
            Outcome::Failed(FailureReason::NoListPassedThreshold)
        );
        assert_eq!(report.explanation.last(), Some(&Step::NoListQualified));
    }

    #[test]
    fn input_errors_name_their_field() {
        let mut i = input(0, 100, vec![list("a", 60)]);
        assert_eq!(allocate_party_list(&i).unwrap_err().field(), Some("seats"));
        i.seats = 5;
        i.lists.push(list("a", 10));
        assert_eq!(
            allocate_party_list(&i).unwrap_err().field(),
            Some("lists[1].id")
        );
        i.lists[1].id = "b".into();
        i.lists[1].votes = 41;
        assert_eq!(
            allocate_party_list(&i).unwrap_err().field(),
            Some("took_part")
        );
        i.lists[1].votes = 40;
        i.threshold_percent = 101;
        assert_eq!(
            allocate_party_list(&i).unwrap_err().field(),
            Some("threshold_percent")
        );
    }

    #[test]
    fn explanation_renders_in_english() {
        let report = allocate_party_list(&bishkek_2024()).unwrap();
        let text = report.explanation_text();
        assert!(text.contains(
            "Hare quota (RES-07): 117535 votes of the qualifying lists / 51 seats = 2304 31/51 votes per seat."
        ));
        assert!(text.contains("a list needs at least 6581 votes"));
        assert!(text.contains("Remaining seat 1 goes to list adilet"));
    }
}
