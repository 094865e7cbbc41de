//! Candidates (талапкер / кандидат), parties (саясий партия / политическая партия) and their
//! nominations (көрсөтүү / выдвижение), rules CAN-01…CAN-10, with the ballots they make (RES-02).
//!
//! * [`eligibility`]: the rule core, who may stand (CAN-01…CAN-05) and how a city list may be
//!   composed (CAN-06), as pure functions of facts;
//! * [`party`]: a registered party as the rules need it;
//! * [`registry`]: what the state registries answer through Tunduk (CAN-08), with the evidence
//!   of each answer, and a candidate's identity: a PIN plus the civil registry's answer, never
//!   typed by a filer;
//! * [`nomination`]: a city party list or an aiyl district nomination (CAN-03), its entries and
//!   their statuses, and what makes two submissions the same one;
//! * [`checks`]: the automated checks of CAN-08, each ending pass / fail (naming the rule) /
//!   could not check (a registry down or slow: never a verdict about the person);
//! * [`transitions`]: the nomination workflow as a state machine of consuming transitions
//!   (draft → submitted → registered / refused; registered → cancelled; withdrawals;
//!   replacements), each asking the calendar (CAN-07, CAN-09);
//! * [`ballot`]: the ballot content of a contest, fixed once registration closes (RES-02).

pub mod ballot;
pub mod checks;
pub mod eligibility;
pub mod nomination;
pub mod party;
pub mod registry;
pub mod transitions;

pub use crate::ids::{CandidateId, PartyId};
pub use eligibility::{
    CandidateCheck, CandidateCode, CandidateFacts, CandidateOutcome, ListCode, ListFinding,
    MultipleCandidacy, Nominator, PartyMembership, check_candidate, check_party_list,
    multiple_candidacies,
};
pub use party::{Party, PartyRegistrationNumber};

#[cfg(test)]
#[allow(
    clippy::too_many_lines,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
mod tests;
