//! The step-by-step explanation of an allocation, as localizable data.
//!
//! A [`Step`] is a stable `code` (its serde tag, also [`Step::code`]) with numeric and id
//! parameters: a translator renders it in Kyrgyz or Russian from the code, never by parsing
//! English. `Display` gives the English rendering used by the CLI.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::fraction::Fraction;
use crate::lots::TiePhase;
use crate::party_list::ThresholdBase;

/// A list and its remainder, in a ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedRemainder {
    pub list: String,
    /// The remainder in votes: the list's votes less its whole seats times the quota.
    pub remainder: Fraction,
}

/// One step of an allocation. Serialized as `{"code": "quota", ...parameters}` (and read
/// back so, as a stored determination keeps its steps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Step {
    /// RES-02: the "against all" votes; counted among those who took part, never seated.
    AgainstAll { votes: u64 },
    /// RES-06: the threshold, as the least whole number of votes that reaches it, and what it
    /// is a share of (`base`, `base_votes` of them).
    Threshold {
        threshold_percent: u32,
        base: ThresholdBase,
        base_votes: u64,
        minimum_votes: u64,
    },
    /// RES-06: one list measured against the threshold.
    ListThreshold {
        list: String,
        votes: u64,
        passed: bool,
    },
    /// RES-09: no list passed; the election is failed.
    NoListQualified,
    /// RES-07: the Hare quota, votes of the qualifying lists over seats.
    Quota {
        total_votes: u64,
        seats: u64,
        quota: Fraction,
    },
    /// RES-07: a list's whole seats (votes ÷ quota, rounded down) and remainder in votes.
    WholeSeats {
        list: String,
        votes: u64,
        whole_seats: u64,
        remainder: Fraction,
    },
    /// RES-09: a list entitled to more whole seats than it has candidates keeps only as many as
    /// it has candidates.
    CandidatesCap {
        list: String,
        entitled: u64,
        candidates: u64,
    },
    /// RES-07: the lists still able to take a seat, by remainder, largest first; RES-09: the
    /// qualifying lists left out because they have no candidate left.
    RemaindersRanked {
        remaining_seats: u64,
        ranking: Vec<RankedRemainder>,
        exhausted: Vec<String>,
    },
    /// RES-07: one remaining seat goes to a list for its remainder.
    RemainderSeat {
        seat: u64,
        list: String,
        remainder: Fraction,
    },
    /// RES-09: more seats are left than lists with candidates to fill them, so each such list
    /// takes `seats_each` more, going down the remainder ranking again.
    RemainderRound { lists: Vec<String>, seats_each: u64 },
    /// RES-09 (seats left vacant): a list won more seats than it has candidates; the seats it
    /// cannot fill stay vacant.
    SeatsLeftVacant {
        list: String,
        entitled: u64,
        candidates: u64,
    },
    /// RES-08: a recorded drawing of lots decided a tie.
    LotsApplied {
        phase: TiePhase,
        tied: Vec<String>,
        winners: Vec<String>,
        seats: u64,
    },
    /// RES-08: women tie for the last reserved mandate, but every one of them is elected
    /// however the tie would be drawn, so no lots are drawn: the reserved mandate is recorded
    /// for the first of them in input (ballot) order, `reserved`.
    ReservedTieAllElected {
        tied: Vec<String>,
        reserved: Vec<String>,
    },
    /// RES-08: a tie decides a seat; a drawing of lots is required.
    LotsRequired {
        phase: TiePhase,
        tied: Vec<String>,
        seats: u64,
    },
    /// The seats a list ends with.
    ListSeats { list: String, seats: u64 },
    /// RES-09: seats left over when no list (or candidate) is left to take them.
    UnfilledSeats { seats: u64 },
    /// DIS-04: the mandates of a district reserved for women.
    ReservedMandates {
        seats: u64,
        reserved: u64,
        /// True when the default `ceil(30% × seats)` applied, false when the input gave it.
        by_default: bool,
    },
    /// RES-10: fewer women run than mandates are reserved; the rest go to the others.
    FewerWomenThanReserved {
        reserved: u64,
        women_running: u64,
        moved_to_open: u64,
    },
    /// RES-10: a reserved mandate goes to a woman.
    ReservedSeat {
        seat: u64,
        candidate: String,
        votes: u64,
    },
    /// RES-10: an open mandate goes to a candidate of either sex.
    OpenSeat {
        seat: u64,
        candidate: String,
        sex: crate::district::Sex,
        votes: u64,
    },
}

impl Step {
    /// The stable code of the step (its serialized `code`).
    pub fn code(&self) -> &'static str {
        match self {
            Step::AgainstAll { .. } => "against_all",
            Step::Threshold { .. } => "threshold",
            Step::ListThreshold { .. } => "list_threshold",
            Step::NoListQualified => "no_list_qualified",
            Step::Quota { .. } => "quota",
            Step::WholeSeats { .. } => "whole_seats",
            Step::CandidatesCap { .. } => "candidates_cap",
            Step::RemaindersRanked { .. } => "remainders_ranked",
            Step::RemainderSeat { .. } => "remainder_seat",
            Step::RemainderRound { .. } => "remainder_round",
            Step::SeatsLeftVacant { .. } => "seats_left_vacant",
            Step::LotsApplied { .. } => "lots_applied",
            Step::ReservedTieAllElected { .. } => "reserved_tie_all_elected",
            Step::LotsRequired { .. } => "lots_required",
            Step::ListSeats { .. } => "list_seats",
            Step::UnfilledSeats { .. } => "unfilled_seats",
            Step::ReservedMandates { .. } => "reserved_mandates",
            Step::FewerWomenThanReserved { .. } => "fewer_women_than_reserved",
            Step::ReservedSeat { .. } => "reserved_seat",
            Step::OpenSeat { .. } => "open_seat",
        }
    }
}

/// The English rendering of a list of steps, one per line.
pub fn to_text(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        out.push_str(&step.to_string());
        out.push('\n');
    }
    out
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl fmt::Display for Step {
    #[expect(
        clippy::too_many_lines,
        reason = "one sentence per kind of step: a flat match read as a table of wordings"
    )]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::AgainstAll { votes } => write!(
                f,
                "Against all: {votes} vote{} (counted among the voters who took part; never seated).",
                plural(*votes)
            ),
            Step::Threshold {
                threshold_percent,
                base,
                base_votes,
                minimum_votes,
            } => write!(
                f,
                "Threshold (RES-06): {threshold_percent}% of the {base_votes} {}; a list needs at least {minimum_votes} vote{}.",
                match base {
                    ThresholdBase::VotersWhoTookPart => "voters who took part",
                    ThresholdBase::ValidVotes => "valid votes",
                },
                plural(*minimum_votes)
            ),
            Step::ListThreshold {
                list,
                votes,
                passed,
            } => write!(
                f,
                "List {list}: {votes} vote{}, {}.",
                plural(*votes),
                if *passed {
                    "passes the threshold"
                } else {
                    "below the threshold: takes no part in the allocation"
                }
            ),
            Step::NoListQualified => {
                f.write_str("No list passed the threshold: the election is failed (RES-09).")
            }
            Step::Quota {
                total_votes,
                seats,
                quota,
            } => write!(
                f,
                "Hare quota (RES-07): {total_votes} votes of the qualifying lists / {seats} seat{} = {quota} votes per seat.",
                plural(*seats)
            ),
            Step::WholeSeats {
                list,
                votes,
                whole_seats,
                remainder,
            } => write!(
                f,
                "List {list}: {votes} votes / quota = {whole_seats} whole seat{}, remainder {remainder} votes.",
                plural(*whole_seats)
            ),
            Step::CandidatesCap {
                list,
                entitled,
                candidates,
            } => write!(
                f,
                "List {list} is entitled to {entitled} whole seats but has only {candidates} candidate{}: it keeps {candidates}, the rest go to the next largest remainders (RES-09).",
                plural(*candidates)
            ),
            Step::RemaindersRanked {
                remaining_seats,
                ranking,
                exhausted,
            } => {
                write!(
                    f,
                    "{remaining_seats} seat{} remain{}; remainders ranked:",
                    plural(*remaining_seats),
                    if *remaining_seats == 1 { "s" } else { "" }
                )?;
                for (i, r) in ranking.iter().enumerate() {
                    let sep = if i == 0 { " " } else { ", " };
                    write!(f, "{sep}{}. {} ({})", i + 1, r.list, r.remainder)?;
                }
                if !exhausted.is_empty() {
                    write!(
                        f,
                        "; left out, no candidates left (RES-09): {}",
                        exhausted.join(", ")
                    )?;
                }
                f.write_str(".")
            }
            Step::RemainderSeat {
                seat,
                list,
                remainder,
            } => write!(
                f,
                "Remaining seat {seat} goes to list {list} (remainder {remainder})."
            ),
            Step::RemainderRound { lists, seats_each } => write!(
                f,
                "More seats remain than lists with candidates left: {} each take{} {seats_each} more seat{} (RES-09).",
                lists.join(", "),
                if lists.len() == 1 { "s" } else { "" },
                plural(*seats_each)
            ),
            Step::SeatsLeftVacant {
                list,
                entitled,
                candidates,
            } => write!(
                f,
                "List {list} won {entitled} seat{} but has only {candidates} candidate{}: {} seat{} stay{} vacant (RES-09).",
                plural(*entitled),
                plural(*candidates),
                entitled - candidates,
                plural(entitled - candidates),
                if entitled - candidates == 1 { "s" } else { "" }
            ),
            Step::LotsApplied {
                phase,
                tied,
                winners,
                seats,
            } => write!(
                f,
                "Tie for {seats} {phase} seat{} among {}: decided by the recorded drawing of lots for {} (RES-08).",
                plural(*seats),
                tied.join(", "),
                winners.join(", ")
            ),
            Step::ReservedTieAllElected { tied, reserved } => write!(
                f,
                "Tie for the last reserved mandate{} among {}: all of them are elected however lots would fall, so none are drawn; the reserved mandate{} {} recorded for {}, first in the order of the ballot (RES-08).",
                plural(reserved.len() as u64),
                tied.join(", "),
                plural(reserved.len() as u64),
                if reserved.len() == 1 { "is" } else { "are" },
                reserved.join(", ")
            ),
            Step::LotsRequired { phase, tied, seats } => write!(
                f,
                "Tie for {seats} {phase} seat{} among {}: the commission must draw lots (RES-08).",
                plural(*seats),
                tied.join(", ")
            ),
            Step::ListSeats { list, seats } => {
                write!(f, "List {list}: {seats} seat{}.", plural(*seats))
            }
            Step::UnfilledSeats { seats } => write!(
                f,
                "{seats} seat{} left unfilled: no candidates left to take {} (RES-09).",
                plural(*seats),
                if *seats == 1 { "it" } else { "them" }
            ),
            Step::ReservedMandates {
                seats,
                reserved,
                by_default,
            } => write!(
                f,
                "{reserved} of {seats} mandate{} reserved for women ({}, DIS-04).",
                plural(*seats),
                if *by_default {
                    "at least 30%, rounded up"
                } else {
                    "as given"
                }
            ),
            Step::FewerWomenThanReserved {
                reserved,
                women_running,
                moved_to_open,
            } => write!(
                f,
                "Only {women_running} wom{} run{} for {reserved} reserved mandate{}: {moved_to_open} go{} to the other candidates (RES-10).",
                if *women_running == 1 { "an" } else { "en" },
                if *women_running == 1 { "s" } else { "" },
                plural(*reserved),
                if *moved_to_open == 1 { "es" } else { "" }
            ),
            Step::ReservedSeat {
                seat,
                candidate,
                votes,
            } => write!(
                f,
                "Mandate {seat} (reserved for women): {candidate}, {votes} vote{}.",
                plural(*votes)
            ),
            Step::OpenSeat {
                seat,
                candidate,
                sex,
                votes,
            } => write!(
                f,
                "Mandate {seat}: {candidate} ({sex}), {votes} vote{}.",
                plural(*votes)
            ),
        }
    }
}
