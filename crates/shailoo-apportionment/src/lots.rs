//! Drawings of lots (RES-08): the ties this crate returns, and the recorded outcomes it accepts.
//!
//! The crate never breaks a tie that decides a seat. It returns [`LotsRequired`] naming the tied
//! ids and the number of seats in question among them, and only where the drawing changes who
//! is elected (women tied for a reserved mandate who are all elected anyway get none: see
//! [`crate::district`]); the commission draws lots and the caller re-submits the same input
//! with a [`Lots`] entry:
//!
//! ```json
//! "lots": [{"tied": ["b", "c"], "winners": ["c"]}]
//! ```
//!
//! An entry applies to the tie whose set of tied ids equals its `tied` (in any order), and must
//! name exactly as many `winners` as there are seats in question. Entries are used in order,
//! once each, so an allocation with two ties among the same ids takes two entries. An entry that
//! matches no tie of a completed allocation is an error: a recorded drawing that does not fit
//! the count points to a mistake in one or the other. (A drawing recorded for women tied for a
//! reserved mandate who are all elected anyway fits: it decides which of them holds the
//! reserved label.)

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::error::{Problem, SeatsInputError};

/// The recorded outcome of one drawing of lots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lots {
    /// The ids that were tied (order irrelevant).
    pub tied: Vec<String>,
    /// The ids among them that won the seats in question.
    pub winners: Vec<String>,
}

/// Which step of the allocation a tie arose in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TiePhase {
    /// Equal remainders at the cut of the largest-remainder seats (RES-07, RES-08).
    Remainder,
    /// Equal votes among women at the cut of the reserved mandates (RES-10).
    Reserved,
    /// Equal votes at the cut of the open mandates of a district (RES-10).
    Open,
}

impl std::fmt::Display for TiePhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TiePhase::Remainder => "largest-remainder",
            TiePhase::Reserved => "reserved-mandate",
            TiePhase::Open => "open-mandate",
        })
    }
}

/// A tie that decides a seat: the commission must draw lots (RES-08).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotsRequired {
    pub phase: TiePhase,
    /// The tied ids, in input order.
    pub tied: Vec<String>,
    /// How many of them get a seat.
    pub seats_in_question: u64,
}

/// Checks each entry on its own: at least two distinct tied ids that exist in the contest;
/// distinct winners among them, at least one and fewer than the tied.
pub(crate) fn validate_entries(
    lots: &[Lots],
    known: &HashSet<&str>,
) -> Result<(), SeatsInputError> {
    for (i, entry) in lots.iter().enumerate() {
        let tied: HashSet<&str> = entry.tied.iter().map(String::as_str).collect();
        if tied.len() < 2 || tied.len() != entry.tied.len() {
            return Err(SeatsInputError::invalid(
                format!("lots[{i}].tied"),
                Problem::TooFewTied,
            ));
        }
        if let Some(unknown) = entry.tied.iter().find(|id| !known.contains(id.as_str())) {
            return Err(SeatsInputError::invalid(
                format!("lots[{i}].tied"),
                Problem::UnknownId(unknown.clone()),
            ));
        }
        if let Some(stranger) = entry.winners.iter().find(|w| !tied.contains(w.as_str())) {
            return Err(SeatsInputError::invalid(
                format!("lots[{i}].winners"),
                Problem::WinnerNotTied(stranger.clone()),
            ));
        }
        let winners: HashSet<&str> = entry.winners.iter().map(String::as_str).collect();
        if winners.is_empty() || winners.len() != entry.winners.len() || winners.len() >= tied.len()
        {
            return Err(SeatsInputError::invalid(
                format!("lots[{i}].winners"),
                Problem::BadWinners,
            ));
        }
    }
    Ok(())
}

/// The caller's recorded drawings, consumed as the allocation meets its ties.
pub(crate) struct LotsBook<'a> {
    entries: &'a [Lots],
    used: Vec<bool>,
}

impl<'a> LotsBook<'a> {
    pub(crate) fn new(entries: &'a [Lots]) -> Self {
        LotsBook {
            entries,
            used: vec![false; entries.len()],
        }
    }

    /// The winners recorded for a tie among `tied` over `seats` seats, or `None` if no drawing
    /// is recorded yet. An entry for these ids with the wrong number of winners is an error.
    pub(crate) fn resolve(
        &mut self,
        tied: &[&str],
        seats: u64,
    ) -> Result<Option<&'a [String]>, SeatsInputError> {
        let wanted: HashSet<&str> = tied.iter().copied().collect();
        let found = self.entries.iter().enumerate().find(|(i, entry)| {
            !self.used[*i]
                && entry.tied.len() == wanted.len()
                && entry.tied.iter().all(|id| wanted.contains(id.as_str()))
        });
        let Some((i, entry)) = found else {
            return Ok(None);
        };
        let got = entry.winners.len() as u64;
        if got != seats {
            return Err(SeatsInputError::invalid(
                format!("lots[{i}].winners"),
                Problem::WrongWinnerCount {
                    expected: seats,
                    got,
                },
            ));
        }
        self.used[i] = true;
        Ok(Some(&entry.winners))
    }

    /// After a completed (or failed) allocation every entry must have been used.
    pub(crate) fn finish(&self) -> Result<(), SeatsInputError> {
        match self.used.iter().position(|used| !used) {
            Some(i) => Err(SeatsInputError::invalid(
                format!("lots[{i}]"),
                Problem::NoMatchingTie,
            )),
            None => Ok(()),
        }
    }
}
