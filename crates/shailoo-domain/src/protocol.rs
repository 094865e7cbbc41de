//! The results protocol (шайлоонун жыйынтыктары жөнүндө протокол / протокол об итогах
//! голосования) of one polling station for one contest, its lines (RES-04), and the control
//! checks a commission runs before accepting it (RES-05).
//!
//! [`check`] accumulates every finding, as the abacus project does: an **error** blocks
//! acceptance (the numbers cannot all be true), a **warning** needs a look and a comment from the
//! commission (the numbers are possible but unusual). Each has a stable code whose doc comment
//! cites the rule it implements, and a message key; clients translate, they never match prose.

use crate::candidate::{CandidateId, PartyId};
use crate::district::DistrictId;
use crate::ids::StationNumber;
use crate::params::{Coded, RuleParameters, Severity, coded_enum};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The contest a protocol counts (TER-04, CAN-03).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Contest {
    /// A city council: party lists, with an "against all" line (RES-02).
    PartyList,
    /// An aiyl council district: candidates.
    District { district: DistrictId },
}

/// A line of the ballot that can receive votes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BallotOption {
    Party(PartyId),
    Candidate(CandidateId),
}

/// The votes of one ballot option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionVotes {
    pub option: BallotOption,
    pub votes: u32,
}

/// A PEC protocol for one contest (RES-04). Counts at one station fit in `u32`; sums are taken
/// in `u64` so no check can overflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protocol {
    pub station: StationNumber,
    pub contest: Contest,
    /// Voters on the list (шайлоочулардын тизмесине киргизилген / включённых в список).
    pub voters_on_list: u32,
    /// Voters on additional lists (кошумча тизме / дополнительный список).
    pub voters_on_additional_lists: u32,
    /// Ballots received by the PEC.
    pub ballots_received: u32,
    /// Ballots issued to voters at the station.
    pub ballots_issued_at_station: u32,
    /// Ballots issued for voting outside the station (mobile boxes).
    pub ballots_issued_outside: u32,
    /// Voters who took part in voting (the RES-06 threshold base).
    pub voters_took_part: u32,
    /// Cancelled (unused) ballots (жокко чыгарылган / погашенные).
    pub ballots_cancelled: u32,
    /// Ballots found in mobile (portable) boxes.
    pub ballots_in_mobile_boxes: u32,
    /// Ballots found in stationary boxes.
    pub ballots_in_stationary_boxes: u32,
    /// Valid ballots (жарактуу / действительные).
    pub valid_ballots: u32,
    /// Invalid ballots (жараксыз / недействительные).
    pub invalid_ballots: u32,
    /// Votes per party (party list) or candidate (district), in ballot order.
    pub votes: Vec<OptionVotes>,
    /// Votes "against all" (баарына каршы / против всех): party lists only (RES-02).
    pub against_all: Option<u32>,
}

/// The numeric lines of a protocol, to name the lines a finding concerns (and to build forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Line {
    VotersOnList,
    VotersOnAdditionalLists,
    BallotsReceived,
    BallotsIssuedAtStation,
    BallotsIssuedOutside,
    VotersTookPart,
    BallotsCancelled,
    BallotsInMobileBoxes,
    BallotsInStationaryBoxes,
    ValidBallots,
    InvalidBallots,
    /// The votes per option, as a whole.
    Votes,
    AgainstAll,
}

impl Line {
    /// Every line, in the order of the form.
    pub const ALL: [Line; 13] = [
        Line::VotersOnList,
        Line::VotersOnAdditionalLists,
        Line::BallotsReceived,
        Line::BallotsIssuedAtStation,
        Line::BallotsIssuedOutside,
        Line::VotersTookPart,
        Line::BallotsCancelled,
        Line::BallotsInMobileBoxes,
        Line::BallotsInStationaryBoxes,
        Line::ValidBallots,
        Line::InvalidBallots,
        Line::Votes,
        Line::AgainstAll,
    ];

    /// The Fluent key of the line's label.
    pub fn message_key(self) -> &'static str {
        match self {
            Line::VotersOnList => "protocol-line-voters-on-list",
            Line::VotersOnAdditionalLists => "protocol-line-voters-on-additional-lists",
            Line::BallotsReceived => "protocol-line-ballots-received",
            Line::BallotsIssuedAtStation => "protocol-line-ballots-issued-at-station",
            Line::BallotsIssuedOutside => "protocol-line-ballots-issued-outside",
            Line::VotersTookPart => "protocol-line-voters-took-part",
            Line::BallotsCancelled => "protocol-line-ballots-cancelled",
            Line::BallotsInMobileBoxes => "protocol-line-ballots-in-mobile-boxes",
            Line::BallotsInStationaryBoxes => "protocol-line-ballots-in-stationary-boxes",
            Line::ValidBallots => "protocol-line-valid-ballots",
            Line::InvalidBallots => "protocol-line-invalid-ballots",
            Line::Votes => "protocol-line-votes",
            Line::AgainstAll => "protocol-line-against-all",
        }
    }

    /// An English default label.
    pub fn default_text(self) -> &'static str {
        match self {
            Line::VotersOnList => "Voters on the list",
            Line::VotersOnAdditionalLists => "Voters on additional lists",
            Line::BallotsReceived => "Ballots received",
            Line::BallotsIssuedAtStation => "Ballots issued at the polling station",
            Line::BallotsIssuedOutside => "Ballots issued for voting outside the polling station",
            Line::VotersTookPart => "Voters who took part in voting",
            Line::BallotsCancelled => "Cancelled ballots",
            Line::BallotsInMobileBoxes => "Ballots found in mobile boxes",
            Line::BallotsInStationaryBoxes => "Ballots found in stationary boxes",
            Line::ValidBallots => "Valid ballots",
            Line::InvalidBallots => "Invalid ballots",
            Line::Votes => "Votes per option",
            Line::AgainstAll => "Votes against all",
        }
    }
}

impl Protocol {
    /// The value of a single numeric line; `Votes` is their sum, `AgainstAll` 0 when absent.
    pub fn line(&self, line: Line) -> u64 {
        u64::from(match line {
            Line::VotersOnList => self.voters_on_list,
            Line::VotersOnAdditionalLists => self.voters_on_additional_lists,
            Line::BallotsReceived => self.ballots_received,
            Line::BallotsIssuedAtStation => self.ballots_issued_at_station,
            Line::BallotsIssuedOutside => self.ballots_issued_outside,
            Line::VotersTookPart => self.voters_took_part,
            Line::BallotsCancelled => self.ballots_cancelled,
            Line::BallotsInMobileBoxes => self.ballots_in_mobile_boxes,
            Line::BallotsInStationaryBoxes => self.ballots_in_stationary_boxes,
            Line::ValidBallots => self.valid_ballots,
            Line::InvalidBallots => self.invalid_ballots,
            Line::Votes => return self.option_votes(),
            Line::AgainstAll => self.against_all.unwrap_or(0),
        })
    }

    /// Voters on the main and additional lists.
    pub fn voters_on_lists(&self) -> u64 {
        u64::from(self.voters_on_list) + u64::from(self.voters_on_additional_lists)
    }

    /// Ballots issued, at and outside the station.
    pub fn ballots_issued(&self) -> u64 {
        u64::from(self.ballots_issued_at_station) + u64::from(self.ballots_issued_outside)
    }

    /// Ballots found in the boxes, mobile and stationary.
    pub fn ballots_found(&self) -> u64 {
        u64::from(self.ballots_in_mobile_boxes) + u64::from(self.ballots_in_stationary_boxes)
    }

    /// The sum of the votes per option (without against all).
    pub fn option_votes(&self) -> u64 {
        self.votes.iter().map(|v| u64::from(v.votes)).sum()
    }
}

coded_enum! {
    /// The codes of the protocol checks.
    pub enum ProtocolCode {
        /// RES-05 (error): ballots received = issued (at the station + outside) + cancelled.
        ReceivedBalance = (
            "RES-05.received_balance", "RES-05", "check-res-05-received-balance",
            "Ballots received must equal ballots issued (at and outside the station) plus cancelled ballots."
        ),
        /// RES-05 (error): ballots found in the boxes (mobile + stationary) ≤ ballots issued.
        FoundExceedsIssued = (
            "RES-05.found_exceeds_issued", "RES-05", "check-res-05-found-exceeds-issued",
            "More ballots were found in the boxes than were issued."
        ),
        /// RES-05 (error): valid + invalid ballots = ballots found in the boxes.
        ValidInvalidBalance = (
            "RES-05.valid_invalid_balance", "RES-05", "check-res-05-valid-invalid-balance",
            "Valid plus invalid ballots must equal the ballots found in the boxes."
        ),
        /// RES-05 (error): the votes per option, with against all, = valid ballots. On an aiyl
        /// ballot with more than one mark allowed (RES-03 parameter), valid ≤ votes ≤ marks × valid.
        VotesBalance = (
            "RES-05.votes_balance", "RES-05", "check-res-05-votes-balance",
            "The votes per option (with votes against all) must add up to the valid ballots."
        ),
        /// RES-05 (error): voters who took part ≤ voters on the lists (main + additional).
        TookPartExceedsLists = (
            "RES-05.took_part_exceeds_lists", "RES-05", "check-res-05-took-part-exceeds-lists",
            "More voters took part than there are voters on the lists."
        ),
        /// RES-04 / RES-02 (error): a party-list protocol has no "against all" line.
        AgainstAllMissing = (
            "RES-04.against_all_missing", "RES-04", "check-res-04-against-all-missing",
            "A party-list protocol must give the votes against all."
        ),
        /// RES-04 / RES-02 (error): a district protocol gives votes against all, which its
        /// ballot does not have.
        AgainstAllNotOnBallot = (
            "RES-04.against_all_not_on_ballot", "RES-04", "check-res-04-against-all-not-on-ballot",
            "This ballot has no line against all."
        ),
        /// RES-04 (error): an option appears twice.
        DuplicateOption = (
            "RES-04.duplicate_option", "RES-04", "check-res-04-duplicate-option",
            "A party or candidate appears twice in the protocol."
        ),
        /// RES-04 / CAN-03 (error): a candidate in a party-list contest or a party in a district.
        OptionKindMismatch = (
            "RES-04.option_kind_mismatch", "RES-04", "check-res-04-option-kind-mismatch",
            "A party-list protocol lists parties only, a district protocol candidates only."
        ),
        /// RES-05 (warning): voters who took part ≠ ballots issued; each voter receives one ballot.
        TookPartDiffersFromIssued = (
            "RES-05.took_part_differs_from_issued", "RES-05", "check-res-05-took-part-differs-from-issued",
            "The number of voters who took part differs from the number of ballots issued."
        ),
        /// RES-05 (warning): fewer ballots were found than issued (ballots taken away).
        BallotsMissing = (
            "RES-05.ballots_missing", "RES-05", "check-res-05-ballots-missing",
            "Fewer ballots were found in the boxes than were issued."
        ),
        /// RES-05 (warning): more ballots in the mobile boxes than were issued outside.
        MobileExceedsIssuedOutside = (
            "RES-05.mobile_exceeds_issued_outside", "RES-05", "check-res-05-mobile-exceeds-issued-outside",
            "More ballots were found in the mobile boxes than were issued for voting outside the station."
        ),
        /// RES-05 (warning): turnout over 100% of the main list (possible only through
        /// additional lists).
        TurnoutOverMainList = (
            "RES-05.turnout_over_main_list", "RES-05", "check-res-05-turnout-over-main-list",
            "More voters took part than there are voters on the main list."
        ),
        /// RES-05 (warning): turnout above the configured share of the lists (95% by default).
        TurnoutHigh = (
            "RES-05.turnout_high", "RES-05", "check-res-05-turnout-high",
            "Turnout is unusually high."
        ),
        /// RES-05 (warning): every valid vote went to one option of several.
        AllVotesToOneOption = (
            "RES-05.all_votes_to_one_option", "RES-05", "check-res-05-all-votes-to-one-option",
            "All votes went to one option."
        ),
    }
}

impl ProtocolCode {
    pub fn severity(self) -> Severity {
        use ProtocolCode as C;
        match self {
            C::ReceivedBalance
            | C::FoundExceedsIssued
            | C::ValidInvalidBalance
            | C::VotesBalance
            | C::TookPartExceedsLists
            | C::AgainstAllMissing
            | C::AgainstAllNotOnBallot
            | C::DuplicateOption
            | C::OptionKindMismatch => Severity::Error,
            C::TookPartDiffersFromIssued
            | C::BallotsMissing
            | C::MobileExceedsIssuedOutside
            | C::TurnoutOverMainList
            | C::TurnoutHigh
            | C::AllVotesToOneOption => Severity::Warning,
        }
    }

    /// The lines the finding concerns, for highlighting on the form.
    pub fn lines(self) -> &'static [Line] {
        use Line as L;
        use ProtocolCode as C;
        match self {
            C::ReceivedBalance => &[
                L::BallotsReceived,
                L::BallotsIssuedAtStation,
                L::BallotsIssuedOutside,
                L::BallotsCancelled,
            ],
            C::FoundExceedsIssued | C::BallotsMissing => &[
                L::BallotsInMobileBoxes,
                L::BallotsInStationaryBoxes,
                L::BallotsIssuedAtStation,
                L::BallotsIssuedOutside,
            ],
            C::ValidInvalidBalance => &[
                L::ValidBallots,
                L::InvalidBallots,
                L::BallotsInMobileBoxes,
                L::BallotsInStationaryBoxes,
            ],
            C::VotesBalance => &[L::Votes, L::AgainstAll, L::ValidBallots],
            C::TookPartExceedsLists | C::TurnoutHigh => &[
                L::VotersTookPart,
                L::VotersOnList,
                L::VotersOnAdditionalLists,
            ],
            C::TurnoutOverMainList => &[L::VotersTookPart, L::VotersOnList],
            C::AgainstAllMissing | C::AgainstAllNotOnBallot => &[L::AgainstAll],
            C::DuplicateOption | C::OptionKindMismatch | C::AllVotesToOneOption => &[L::Votes],
            C::TookPartDiffersFromIssued => &[
                L::VotersTookPart,
                L::BallotsIssuedAtStation,
                L::BallotsIssuedOutside,
            ],
            C::MobileExceedsIssuedOutside => &[L::BallotsInMobileBoxes, L::BallotsIssuedOutside],
        }
    }
}

/// The findings of the checks, in the order of [`ProtocolCode::ALL`].
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckResult {
    pub errors: Vec<ProtocolCode>,
    pub warnings: Vec<ProtocolCode>,
}

impl CheckResult {
    /// No errors: the commission may accept the protocol (commenting on any warnings).
    pub fn is_acceptable(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn has(&self, code: ProtocolCode) -> bool {
        self.errors.contains(&code) || self.warnings.contains(&code)
    }

    fn flag(&mut self, failed: bool, code: ProtocolCode) {
        if failed {
            match code.severity() {
                Severity::Error => self.errors.push(code),
                Severity::Warning => self.warnings.push(code),
            }
        }
    }
}

/// Runs every RES-05 control check (and the RES-04 form checks) on one protocol.
pub fn check(p: &Protocol, params: &RuleParameters) -> CheckResult {
    let mut r = CheckResult::default();
    let f = Figures::of(p);
    check_balances(p, params, &f, &mut r);
    check_options(p, &f, &mut r);
    check_warnings(p, params, &f, &mut r);
    r
}

/// The totals the checks compare.
struct Figures {
    issued: u64,
    found: u64,
    lists: u64,
    took_part: u64,
    valid: u64,
    party_list: bool,
    /// "Against all" votes where the ballot has the line (party lists), else 0.
    against_all: u32,
    /// Votes for the options and against all.
    votes: u64,
}

impl Figures {
    fn of(p: &Protocol) -> Figures {
        let party_list = matches!(p.contest, Contest::PartyList);
        let against_all = if party_list {
            p.against_all.unwrap_or(0)
        } else {
            0
        };
        Figures {
            issued: p.ballots_issued(),
            found: p.ballots_found(),
            lists: p.voters_on_lists(),
            took_part: u64::from(p.voters_took_part),
            valid: u64::from(p.valid_ballots),
            party_list,
            against_all,
            votes: p.option_votes() + u64::from(against_all),
        }
    }
}

/// The ballots balance: received, issued, found, valid and invalid, votes.
fn check_balances(p: &Protocol, params: &RuleParameters, f: &Figures, r: &mut CheckResult) {
    use ProtocolCode as C;
    r.flag(
        u64::from(p.ballots_received) != f.issued + u64::from(p.ballots_cancelled),
        C::ReceivedBalance,
    );
    r.flag(f.found > f.issued, C::FoundExceedsIssued);
    r.flag(
        f.valid + u64::from(p.invalid_ballots) != f.found,
        C::ValidInvalidBalance,
    );
    let balanced = if f.party_list {
        f.votes == f.valid
    } else {
        // RES-03: a valid aiyl ballot carries 1..=marks marks (1 by default: equality).
        let marks = u64::from(params.aiyl_ballot_marks.max(1));
        f.valid <= f.votes && f.votes <= f.valid * marks
    };
    r.flag(!balanced, C::VotesBalance);
    r.flag(f.took_part > f.lists, C::TookPartExceedsLists);
}

/// The options fit the ballot (RES-04): "against all" where it is printed and only there, each
/// option once, parties on a party-list ballot and candidates on an aiyl one.
fn check_options(p: &Protocol, f: &Figures, r: &mut CheckResult) {
    use ProtocolCode as C;
    r.flag(
        f.party_list && p.against_all.is_none(),
        C::AgainstAllMissing,
    );
    r.flag(
        !f.party_list && p.against_all.is_some(),
        C::AgainstAllNotOnBallot,
    );
    let mut seen = HashSet::with_capacity(p.votes.len());
    r.flag(
        !p.votes.iter().all(|v| seen.insert(&v.option)),
        C::DuplicateOption,
    );
    r.flag(
        p.votes.iter().any(|v| match v.option {
            BallotOption::Party(_) => !f.party_list,
            BallotOption::Candidate(_) => f.party_list,
        }),
        C::OptionKindMismatch,
    );
}

/// Warnings: possible, but the commission must explain them.
fn check_warnings(p: &Protocol, params: &RuleParameters, f: &Figures, r: &mut CheckResult) {
    use ProtocolCode as C;
    r.flag(f.took_part != f.issued, C::TookPartDiffersFromIssued);
    r.flag(f.found < f.issued, C::BallotsMissing);
    r.flag(
        p.ballots_in_mobile_boxes > p.ballots_issued_outside,
        C::MobileExceedsIssuedOutside,
    );
    r.flag(
        f.took_part > u64::from(p.voters_on_list),
        C::TurnoutOverMainList,
    );
    r.flag(
        f.lists > 0 && f.took_part * 100 > u64::from(params.turnout_warning_percent) * f.lists,
        C::TurnoutHigh,
    );
    let options = p.votes.len() + usize::from(f.party_list && p.against_all.is_some());
    let receiving = p.votes.iter().filter(|v| v.votes > 0).count() + usize::from(f.against_all > 0);
    r.flag(
        options >= 2 && f.votes > 0 && receiving == 1,
        C::AllVotesToOneOption,
    );
}

/// The English default text of every finding of a result, errors first: for logs and tests.
pub fn describe(result: &CheckResult) -> Vec<&'static str> {
    result
        .errors
        .iter()
        .chain(&result.warnings)
        .map(|c| c.default_text())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use ProtocolCode as C;
    use proptest::prelude::*;

    fn party(s: &str) -> BallotOption {
        BallotOption::Party(PartyId::parse(s).unwrap())
    }

    fn candidate(s: &str) -> BallotOption {
        BallotOption::Candidate(CandidateId::parse(s).unwrap())
    }

    /// A consistent city protocol: 1000 on the list, 600 took part, 10 outside, 5 taken away.
    fn city() -> Protocol {
        Protocol {
            station: StationNumber::new(1001).unwrap(),
            contest: Contest::PartyList,
            voters_on_list: 1000,
            voters_on_additional_lists: 20,
            ballots_received: 1020,
            ballots_issued_at_station: 590,
            ballots_issued_outside: 10,
            voters_took_part: 600,
            ballots_cancelled: 420,
            ballots_in_mobile_boxes: 10,
            ballots_in_stationary_boxes: 585,
            valid_ballots: 580,
            invalid_ballots: 15,
            votes: vec![
                OptionVotes {
                    option: party("zhany-kuch"),
                    votes: 300,
                },
                OptionVotes {
                    option: party("emgek"),
                    votes: 200,
                },
                OptionVotes {
                    option: party("yntymak"),
                    votes: 60,
                },
            ],
            against_all: Some(20),
        }
    }

    fn aiyl() -> Protocol {
        Protocol {
            contest: Contest::District {
                district: DistrictId::parse("3").unwrap(),
            },
            votes: vec![
                OptionVotes {
                    option: candidate("c-1"),
                    votes: 400,
                },
                OptionVotes {
                    option: candidate("c-2"),
                    votes: 180,
                },
            ],
            against_all: None,
            ..city()
        }
    }

    fn run(p: &Protocol) -> CheckResult {
        check(p, &RuleParameters::default())
    }

    #[test]
    fn a_consistent_protocol_has_no_errors() {
        let r = run(&city());
        assert!(r.is_acceptable(), "{:?}", describe(&r));
        // 5 ballots were taken away: a warning, not an error.
        assert_eq!(r.warnings, [C::BallotsMissing]);
        assert!(run(&aiyl()).is_acceptable());
    }

    /// A change to a protocol, in a table of cases.
    type Change = fn(&mut Protocol);

    /// One change to a consistent protocol, and the error it must produce.
    #[test]
    fn res_05_each_control_check_catches_its_imbalance() {
        let table: [(&str, Change, ProtocolCode); 9] = [
            (
                "received +1",
                |p| p.ballots_received += 1,
                C::ReceivedBalance,
            ),
            (
                "cancelled −1",
                |p| p.ballots_cancelled -= 1,
                C::ReceivedBalance,
            ),
            (
                "issued outside +1",
                |p| p.ballots_issued_outside += 1,
                C::ReceivedBalance,
            ),
            (
                "stationary box +6",
                |p| p.ballots_in_stationary_boxes += 6,
                C::FoundExceedsIssued,
            ),
            (
                "invalid +1",
                |p| p.invalid_ballots += 1,
                C::ValidInvalidBalance,
            ),
            (
                "mobile box −1",
                |p| p.ballots_in_mobile_boxes -= 1,
                C::ValidInvalidBalance,
            ),
            ("a party +1", |p| p.votes[1].votes += 1, C::VotesBalance),
            (
                "against all −1",
                |p| p.against_all = Some(19),
                C::VotesBalance,
            ),
            (
                "took part > lists",
                |p| p.voters_took_part = 1021,
                C::TookPartExceedsLists,
            ),
        ];
        for (what, change, code) in table {
            let mut p = city();
            change(&mut p);
            let r = run(&p);
            assert!(r.errors.contains(&code), "{what}: {:?}", r.errors);
        }
    }

    #[test]
    fn res_05_took_part_equal_to_the_lists_is_allowed() {
        let mut p = city();
        p.voters_took_part = 1020;
        let r = run(&p);
        assert!(!r.errors.contains(&C::TookPartExceedsLists));
        assert!(r.warnings.contains(&C::TurnoutHigh));
        assert!(r.warnings.contains(&C::TurnoutOverMainList));
    }

    #[test]
    fn res_02_against_all_is_a_party_list_line_only() {
        let mut p = city();
        p.against_all = None;
        p.votes[0].votes += 20;
        assert_eq!(run(&p).errors, [C::AgainstAllMissing]);
        let mut a = aiyl();
        a.against_all = Some(0);
        assert_eq!(run(&a).errors, [C::AgainstAllNotOnBallot]);
    }

    #[test]
    fn res_04_options_are_unique_and_of_the_contest_kind() {
        let mut p = city();
        p.votes[2].option = party("zhany-kuch");
        assert_eq!(run(&p).errors, [C::DuplicateOption]);
        let mut p = city();
        p.votes[2].option = candidate("c-1");
        assert_eq!(run(&p).errors, [C::OptionKindMismatch]);
        let mut a = aiyl();
        a.votes[1].option = party("emgek");
        assert_eq!(run(&a).errors, [C::OptionKindMismatch]);
    }

    #[test]
    fn res_03_aiyl_votes_equal_valid_ballots_with_one_mark() {
        let mut a = aiyl();
        a.votes[0].votes += 1;
        assert_eq!(run(&a).errors, [C::VotesBalance]);
        // With two marks allowed, 581 marks on 580 valid ballots are possible; 1161 are not.
        let two = RuleParameters {
            aiyl_ballot_marks: 2,
            ..RuleParameters::default()
        };
        assert!(check(&a, &two).is_acceptable());
        a.votes[0].votes = 1161 - 180;
        assert_eq!(check(&a, &two).errors, [C::VotesBalance]);
        a.votes[0].votes = 1160 - 180;
        assert!(check(&a, &two).is_acceptable());
        // Fewer marks than valid ballots is never possible.
        a.votes[0].votes = 399;
        assert_eq!(check(&a, &two).errors, [C::VotesBalance]);
    }

    #[test]
    fn res_05_warnings_for_unusual_but_possible_numbers() {
        let mut p = city();
        p.voters_took_part = 601;
        assert_eq!(
            run(&p).warnings,
            [C::TookPartDiffersFromIssued, C::BallotsMissing]
        );

        let mut p = city();
        p.ballots_in_mobile_boxes = 11;
        p.ballots_in_stationary_boxes = 584;
        assert_eq!(
            run(&p).warnings,
            [C::BallotsMissing, C::MobileExceedsIssuedOutside]
        );

        let mut p = city();
        for v in &mut p.votes {
            v.votes = 0;
        }
        p.votes[0].votes = 580;
        p.against_all = Some(0);
        assert_eq!(
            run(&p).warnings,
            [C::BallotsMissing, C::AllVotesToOneOption]
        );
        // With one candidate on the ballot, all votes to them is not unusual.
        let mut a = aiyl();
        a.votes.truncate(1);
        a.votes[0].votes = 580;
        assert!(!run(&a).has(C::AllVotesToOneOption));
    }

    #[test]
    fn res_05_turnout_share_warning_is_the_parameter() {
        let mut p = city();
        // 600 of 1020 = 58.8%.
        let at_58 = RuleParameters {
            turnout_warning_percent: 58,
            ..RuleParameters::default()
        };
        let at_59 = RuleParameters {
            turnout_warning_percent: 59,
            ..RuleParameters::default()
        };
        assert!(check(&p, &at_58).warnings.contains(&C::TurnoutHigh));
        assert!(!check(&p, &at_59).warnings.contains(&C::TurnoutHigh));
        // Exactly 95% of the lists (main + additional) is not over 95%; one voter more is.
        p.voters_on_list = 580;
        p.voters_on_additional_lists = 20;
        p.voters_took_part = 570;
        assert!(!run(&p).has(C::TurnoutHigh));
        p.voters_took_part = 571;
        assert!(run(&p).has(C::TurnoutHigh));
    }

    #[test]
    fn codes_keys_and_serde_agree() {
        for c in ProtocolCode::ALL {
            assert!(c.code().starts_with(c.rule()), "{c}");
            let key = format!(
                "check-{}",
                c.code().to_ascii_lowercase().replace(['.', '_'], "-")
            );
            assert_eq!(c.message_key(), key);
            assert_eq!(
                serde_json::to_value(c).unwrap(),
                serde_json::Value::String(c.code().into())
            );
            assert!(!c.lines().is_empty());
        }
        let r = CheckResult {
            errors: vec![C::ReceivedBalance],
            warnings: vec![C::TurnoutHigh],
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"errors":["RES-05.received_balance"],"warnings":["RES-05.turnout_high"]}"#
        );
        let p: Protocol = serde_json::from_value(serde_json::to_value(city()).unwrap()).unwrap();
        assert_eq!(p, city());
    }

    /// A consistent protocol from free parameters; `tight` puts the inequalities at their bounds.
    fn consistent(
        votes: Vec<u32>,
        against: u32,
        invalid: u32,
        mobile_share: u32,
        missing: u32,
        cancelled: u32,
        spare_voters: u32,
    ) -> Protocol {
        let valid: u32 = votes.iter().sum::<u32>() + against;
        let found = valid + invalid;
        let mobile = found * mobile_share / 100;
        let issued = found + missing;
        let outside = mobile; // no mobile warning
        Protocol {
            station: StationNumber::new(1).unwrap(),
            contest: Contest::PartyList,
            voters_on_list: issued + spare_voters,
            voters_on_additional_lists: 0,
            ballots_received: issued + cancelled,
            ballots_issued_at_station: issued - outside,
            ballots_issued_outside: outside,
            voters_took_part: issued,
            ballots_cancelled: cancelled,
            ballots_in_mobile_boxes: mobile,
            ballots_in_stationary_boxes: found - mobile,
            valid_ballots: valid,
            invalid_ballots: invalid,
            votes: votes
                .iter()
                .enumerate()
                .map(|(i, v)| OptionVotes {
                    option: party(&format!("p{i}")),
                    votes: *v,
                })
                .collect(),
            against_all: Some(against),
        }
    }

    fn arb_protocol() -> impl Strategy<Value = Protocol> {
        (
            prop::collection::vec(0u32..2000, 1..8),
            0u32..200,
            0u32..100,
            0u32..=100,
            0u32..3,
            0u32..1000,
            0u32..2000,
        )
            .prop_map(|(v, a, i, m, miss, c, spare)| consistent(v, a, i, m, miss, c, spare))
    }

    /// The lines an "equation" check covers, with the error a ±1 change must produce.
    const EQUATIONS: [(Line, ProtocolCode); 10] = [
        (Line::BallotsReceived, C::ReceivedBalance),
        (Line::BallotsCancelled, C::ReceivedBalance),
        (Line::BallotsIssuedAtStation, C::ReceivedBalance),
        (Line::BallotsIssuedOutside, C::ReceivedBalance),
        (Line::BallotsInMobileBoxes, C::ValidInvalidBalance),
        (Line::BallotsInStationaryBoxes, C::ValidInvalidBalance),
        (Line::ValidBallots, C::ValidInvalidBalance),
        (Line::InvalidBallots, C::ValidInvalidBalance),
        (Line::Votes, C::VotesBalance),
        (Line::AgainstAll, C::VotesBalance),
    ];

    fn nudge(p: &mut Protocol, line: Line, up: bool) -> bool {
        let field = match line {
            Line::VotersOnList => &mut p.voters_on_list,
            Line::VotersOnAdditionalLists => &mut p.voters_on_additional_lists,
            Line::BallotsReceived => &mut p.ballots_received,
            Line::BallotsIssuedAtStation => &mut p.ballots_issued_at_station,
            Line::BallotsIssuedOutside => &mut p.ballots_issued_outside,
            Line::VotersTookPart => &mut p.voters_took_part,
            Line::BallotsCancelled => &mut p.ballots_cancelled,
            Line::BallotsInMobileBoxes => &mut p.ballots_in_mobile_boxes,
            Line::BallotsInStationaryBoxes => &mut p.ballots_in_stationary_boxes,
            Line::ValidBallots => &mut p.valid_ballots,
            Line::InvalidBallots => &mut p.invalid_ballots,
            Line::Votes => &mut p.votes[0].votes,
            Line::AgainstAll => match p.against_all.as_mut() {
                Some(a) => a,
                None => return false,
            },
        };
        let next = if up {
            field.checked_add(1)
        } else {
            field.checked_sub(1)
        };
        match next {
            Some(n) => {
                *field = n;
                true
            }
            None => false,
        }
    }

    proptest! {
        #[test]
        fn res_05_a_consistent_protocol_never_yields_errors(p in arb_protocol()) {
            let r = run(&p);
            prop_assert!(r.is_acceptable(), "{:?}", r.errors);
        }

        #[test]
        fn res_05_changing_one_line_by_one_yields_the_matching_error(
            p in arb_protocol(), which in 0usize..EQUATIONS.len(), up in any::<bool>()
        ) {
            let (line, code) = EQUATIONS[which];
            let mut q = p.clone();
            if nudge(&mut q, line, up) {
                let r = run(&q);
                prop_assert!(r.errors.contains(&code), "{:?} {}: {:?}", line, up, r.errors);
            }
        }

        /// At the bound (nobody else on the list, every ballot found), one more voter or ballot
        /// than allowed yields the inequality's error.
        #[test]
        fn res_05_inequalities_at_their_bounds(
            votes in prop::collection::vec(0u32..2000, 1..8), against in 0u32..200,
        ) {
            let p = consistent(votes, against, 0, 0, 0, 0, 0);
            let mut more_took_part = p.clone();
            more_took_part.voters_took_part += 1;
            prop_assert!(run(&more_took_part).errors.contains(&C::TookPartExceedsLists));
            let mut fewer_on_list = p.clone();
            if nudge(&mut fewer_on_list, Line::VotersOnList, false) {
                prop_assert!(run(&fewer_on_list).errors.contains(&C::TookPartExceedsLists));
            }
            let mut more_found = p.clone();
            more_found.ballots_in_stationary_boxes += 1;
            prop_assert!(run(&more_found).errors.contains(&C::FoundExceedsIssued));
        }
    }
}
