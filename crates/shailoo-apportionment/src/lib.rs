//! Seat allocation for Kyrgyz local councils: who gets the seats once the votes are counted.
//!
//! - City councils ([`party_list`]): the 5% threshold of the voters who took part (RES-06), the
//!   Hare quota with largest remainders (RES-07), lists that run out of candidates (RES-09).
//!   The threshold, its base and where a short list's seats go are fields of the input, so
//!   that the caller passes the election's rule parameters in force.
//! - Aiyl council districts ([`district`]): the women's reserve of each district (DIS-04) filled
//!   first, then plurality for the rest (RES-10).
//!
//! Invariants, stated as absences: this crate does no I/O, reads no clock, draws no random
//! number and uses no floating point. Every quotient is compared by exact integer
//! cross-multiplication (`u64` inputs, `u128` products). A tie that decides a seat is never
//! broken here: the result is [`Outcome::LotsRequired`], and the caller re-submits with the
//! recorded drawing of lots ([`Lots`], RES-08).
//!
//! Every result carries an explanation: a list of [`Step`]s, each a stable `code` with numeric
//! parameters, so that any front end can translate it; [`Step`]'s `Display` is the English
//! rendering used by the CLI.
//!
//! The JSON contract of `shailoo seats --input FILE.json` is in [`json`]: [`run_json`] (or the
//! typed [`run`]) takes the input text and returns the result, or a [`SeatsInputError`] naming
//! the offending field.
//!
//! Rule ids (RES-, DIS-) refer to `docs/domain-rules.md`.

pub mod district;
pub mod error;
pub mod explain;
pub mod fraction;
pub mod json;
pub mod lots;
pub mod party_list;
mod pick;

pub use district::{
    CandidateVotes, DistrictAllocation, DistrictInput, Elected, Sex, allocate_district,
    default_reserved_for_women,
};
pub use error::{Problem, SeatsInputError};
pub use explain::{RankedRemainder, Step};
pub use fraction::Fraction;
pub use json::{Kind, SeatsInput, SeatsOutput, Status, parse_input, run, run_json};
pub use lots::{Lots, LotsRequired, TiePhase};
pub use party_list::{
    DEFAULT_THRESHOLD_PERCENT, ListSeats, ListVotes, PartyListAllocation, PartyListInput,
    ThresholdBase, UnfilledListSeats, allocate_party_list, passes_threshold,
};

use serde::Serialize;

/// What an allocation ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    /// Every seat that could be filled is filled.
    Completed(T),
    /// A tie decides a seat: the commission draws lots (RES-08) and the caller re-submits the
    /// input with the drawing recorded in `lots`.
    LotsRequired(LotsRequired),
    /// The election cannot produce a council (RES-09: no list passed the threshold).
    Failed(FailureReason),
}

impl<T> Outcome<T> {
    /// The completed result, if any.
    pub fn completed(&self) -> Option<&T> {
        match self {
            Outcome::Completed(t) => Some(t),
            Outcome::LotsRequired(_) | Outcome::Failed(_) => None,
        }
    }
}

/// Why an allocation failed; a stable code (serialized in snake case) for the client to
/// translate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    /// RES-09: no list reached the threshold (RES-06), so no list takes part in the allocation.
    NoListPassedThreshold,
}

impl FailureReason {
    /// The stable code, as serialized.
    pub fn code(self) -> &'static str {
        match self {
            FailureReason::NoListPassedThreshold => "no_list_passed_threshold",
        }
    }
}

impl std::fmt::Display for FailureReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FailureReason::NoListPassedThreshold => {
                f.write_str("no list passed the threshold, so the election is failed (RES-09)")
            }
        }
    }
}

/// An outcome with the steps that led to it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Report<T> {
    pub outcome: Outcome<T>,
    pub explanation: Vec<Step>,
}

impl<T> Report<T> {
    /// The explanation in English, one step per line (for the CLI).
    pub fn explanation_text(&self) -> String {
        explain::to_text(&self.explanation)
    }
}
