//! Results ("ESS", шайлоонун жыйынтыктары / итоги голосования): the life of one polling
//! station's protocol for one contest, from the operators' double entry to the commission's
//! acceptance, its corrections as new versions, and the aggregation of accepted protocols.
//!
//! ```mermaid
//! stateDiagram-v2
//!     [*] --> AwaitingEntry
//!     AwaitingEntry --> FirstEntered: enter (operator A)
//!     FirstEntered --> Entered: enter (operator B ≠ A), equal
//!     FirstEntered --> Differs: enter (operator B ≠ A), different
//!     Differs --> Entered: resolve (keep one)
//!     Differs --> AwaitingEntry: resolve (re-enter)
//!     Entered --> Accepted: accept (no error; warnings commented)
//!     Entered --> AwaitingEntry: return (reason)
//!     AwaitingEntry --> Accepted: import (no error)
//!     Accepted --> AwaitingEntry: correct (reason): a NEW version
//! ```
//!
//! A correction never edits an accepted version: it opens version n + 1 with its reason, and the
//! accepted version n keeps counting until n + 1 is accepted. The counts are exact integers.

use crate::codes::ErrorCode;
use crate::params::RuleParameters;
use crate::protocol::{BallotOption, CheckResult, Line, Protocol, ProtocolCode, check};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// A council's result, as `shailoo results show` and the public pages state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultStatus {
    /// Not every protocol of the council is accepted yet.
    Incomplete,
    /// Every seat that can be filled is allocated.
    Completed,
    /// RES-08: a tie decides a seat; the commission draws lots and records the drawing.
    LotsRequired,
    /// RES-09: no list passed the threshold.
    Failed,
}

impl ResultStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ResultStatus::Incomplete => "incomplete",
            ResultStatus::Completed => "completed",
            ResultStatus::LotsRequired => "lots_required",
            ResultStatus::Failed => "failed",
        }
    }
}

/// A field of the protocol form: a numeric line, or the votes of one ballot option.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Field {
    Line { line: Line },
    Option { option: BallotOption },
}

/// One field in which two entries of the same protocol differ. `None`: that entry does not
/// give the field (an option or "against all" left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub field: Field,
    pub first: Option<u64>,
    pub second: Option<u64>,
}

/// The lines compared one by one (the votes per option are compared option by option).
const COMPARED_LINES: [Line; 11] = [
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
];

/// Double entry: every field in which two entries differ, in the order of the form (lines,
/// "against all", then the options in the first entry's order and those only the second gives).
/// Empty when the entries are equal.
pub fn compare(first: &Protocol, second: &Protocol) -> Vec<Difference> {
    let mut out: Vec<Difference> = COMPARED_LINES
        .iter()
        .filter(|l| first.line(**l) != second.line(**l))
        .map(|l| Difference {
            field: Field::Line { line: *l },
            first: Some(first.line(*l)),
            second: Some(second.line(*l)),
        })
        .collect();
    if first.against_all != second.against_all {
        out.push(Difference {
            field: Field::Line {
                line: Line::AgainstAll,
            },
            first: first.against_all.map(u64::from),
            second: second.against_all.map(u64::from),
        });
    }
    let votes = |p: &Protocol| -> BTreeMap<BallotOption, u64> {
        p.votes
            .iter()
            .map(|v| (v.option.clone(), u64::from(v.votes)))
            .collect()
    };
    let (a, b) = (votes(first), votes(second));
    let order = first
        .votes
        .iter()
        .chain(second.votes.iter().filter(|v| !a.contains_key(&v.option)));
    let mut seen = HashSet::new();
    for v in order {
        if !seen.insert(&v.option) {
            continue;
        }
        let (x, y) = (a.get(&v.option).copied(), b.get(&v.option).copied());
        if x != y {
            out.push(Difference {
                field: Field::Option {
                    option: v.option.clone(),
                },
                first: x,
                second: y,
            });
        }
    }
    out
}

/// RES-04: a protocol gives the votes of exactly its ballot's options (each once; zero
/// written as zero). The first option it should not give, or the first it leaves out.
pub fn ballot_problem(protocol: &Protocol, options: &[BallotOption]) -> Option<StepError> {
    let known: HashSet<&BallotOption> = options.iter().collect();
    if let Some(v) = protocol.votes.iter().find(|v| !known.contains(&v.option)) {
        return Some(StepError::UnknownOption(v.option.clone()));
    }
    let given: HashSet<&BallotOption> = protocol.votes.iter().map(|v| &v.option).collect();
    options
        .iter()
        .find(|o| !given.contains(o))
        .map(|o| StepError::MissingOption(o.clone()))
}

/// One operator's entry of a protocol, with the control checks run on it (RES-05).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub operator: String,
    pub protocol: Protocol,
    pub checks: CheckResult,
}

/// Where a version of a protocol stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum Stage {
    /// Waiting for the operators; `returned` is the TEC's reason when it sent the protocol back.
    AwaitingEntry { returned: Option<String> },
    /// One operator has entered it; a second, different operator enters it again.
    FirstEntered { first: Entry },
    /// The two entries differ: the TEC keeps one or orders a re-entry.
    Differs {
        first: Entry,
        second: Entry,
        differences: Vec<Difference>,
    },
    /// Entered (two equal entries, or the one the TEC kept): waiting for the TEC.
    Entered {
        protocol: Protocol,
        checks: CheckResult,
        operators: Vec<String>,
    },
    /// Accepted by the TEC: it counts.
    Accepted {
        protocol: Protocol,
        checks: CheckResult,
        /// Required when the checks gave warnings (RES-05).
        comment: Option<String>,
        by: String,
        operators: Vec<String>,
    },
}

impl Stage {
    /// The stable name of the stage, as stored and shown.
    pub fn as_str(&self) -> &'static str {
        match self {
            Stage::AwaitingEntry { .. } => "awaiting_entry",
            Stage::FirstEntered { .. } => "first_entered",
            Stage::Differs { .. } => "differs",
            Stage::Entered { .. } => "entered",
            Stage::Accepted { .. } => "accepted",
        }
    }
}

/// One version of a protocol: the first, or a correction with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// 1, 2, …
    pub number: u32,
    /// Why this version replaces the previous one (`None` for the first).
    pub reason: Option<String>,
    pub stage: Stage,
}

/// Which entry the TEC keeps when two differ, or a new double entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    KeepFirst,
    KeepSecond,
    ReEnter,
}

/// Why a step of the workflow is refused. Each has a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum StepError {
    /// Double entry: the second entry must come from another operator.
    #[error("the second entry must be made by another operator than the first")]
    SameOperator,
    /// Both entries are in; the protocol waits for the TEC.
    #[error("this protocol is already entered and waits for the commission")]
    AlreadyEntered,
    /// The entries differ; the TEC resolves first.
    #[error("the two entries differ: the commission resolves the difference first")]
    AwaitingResolution,
    /// Accepted: only a correction (a new version) changes it.
    #[error("this protocol is accepted: a correction is a new version with a reason")]
    AlreadyAccepted,
    /// Nothing to resolve.
    #[error("there is no difference to resolve")]
    NoDifference,
    /// Nothing entered to accept or return.
    #[error("the protocol is not entered yet")]
    NotEntered,
    /// RES-05: an error blocks acceptance.
    #[error("the control checks found errors: {codes:?}")]
    ChecksFailed { codes: Vec<ProtocolCode> },
    /// RES-05: a warning needs a comment.
    #[error("the control checks gave warnings, which need a comment: {codes:?}")]
    CommentRequired { codes: Vec<ProtocolCode> },
    /// Only an accepted protocol is corrected.
    #[error("only an accepted protocol can be corrected")]
    NotAccepted,
    /// A correction and a return say why.
    #[error("a reason is required")]
    ReasonRequired,
    /// Who entered a protocol does not accept it or decide its difference.
    #[error("who entered the protocol does not decide on it")]
    DecidesOwnEntry,
    /// RES-04: an option that is not on the contest's ballot.
    #[error("{0:?} is not on this ballot")]
    UnknownOption(BallotOption),
    /// RES-04: an option of the ballot without its votes (write 0).
    #[error("the votes of {0:?} are missing")]
    MissingOption(BallotOption),
}

impl StepError {
    /// The refusal's stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            StepError::SameOperator => ErrorCode::ResultsSameOperator,
            StepError::AlreadyEntered => ErrorCode::ResultsAlreadyEntered,
            StepError::AwaitingResolution => ErrorCode::ResultsAwaitingResolution,
            StepError::AlreadyAccepted => ErrorCode::ResultsAlreadyAccepted,
            StepError::NoDifference => ErrorCode::ResultsNoDifference,
            StepError::NotEntered => ErrorCode::ResultsNotEntered,
            StepError::ChecksFailed { .. } => ErrorCode::ResultsChecksFailed,
            StepError::CommentRequired { .. } => ErrorCode::ResultsCommentRequired,
            StepError::NotAccepted => ErrorCode::ResultsNotAccepted,
            StepError::ReasonRequired => ErrorCode::ResultsReasonRequired,
            StepError::DecidesOwnEntry => ErrorCode::ResultsDecidesOwnEntry,
            StepError::UnknownOption(_) => ErrorCode::ResultsUnknownOption,
            StepError::MissingOption(_) => ErrorCode::ResultsMissingOption,
        }
    }

    /// The rule the refusal applies.
    pub fn rule(&self) -> &'static str {
        match self {
            StepError::ChecksFailed { .. } | StepError::CommentRequired { .. } => "RES-05",
            _ => "RES-04",
        }
    }
}

/// The versions of one protocol (one station, one contest), oldest first; never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub versions: Vec<Version>,
}

impl Default for History {
    fn default() -> Self {
        History::new()
    }
}

fn non_blank(text: &str) -> Result<String, StepError> {
    let t = text.trim();
    if t.is_empty() {
        Err(StepError::ReasonRequired)
    } else {
        Ok(t.to_owned())
    }
}

impl History {
    /// A protocol nobody has entered yet.
    pub fn new() -> Self {
        History {
            versions: vec![Version {
                number: 1,
                reason: None,
                stage: Stage::AwaitingEntry { returned: None },
            }],
        }
    }

    /// The version being worked on (the last).
    pub fn current(&self) -> &Version {
        self.versions
            .last()
            .unwrap_or_else(|| unreachable!("a history is never empty"))
    }

    fn set_stage(mut self, stage: Stage) -> Self {
        if let Some(last) = self.versions.last_mut() {
            last.stage = stage;
        }
        self
    }

    /// What counts: the protocol of the latest accepted version, if any.
    pub fn counted(&self) -> Option<(u32, &Protocol)> {
        self.versions.iter().rev().find_map(|v| match &v.stage {
            Stage::Accepted { protocol, .. } => Some((v.number, protocol)),
            _ => None,
        })
    }

    /// An operator's entry (double entry): the first is kept; the second, by another
    /// operator, either equals it (entered) or shows every difference (RES-04, RES-05).
    pub fn enter(
        self,
        operator: &str,
        protocol: Protocol,
        options: &[BallotOption],
        params: &RuleParameters,
    ) -> Result<History, StepError> {
        if let Some(problem) = ballot_problem(&protocol, options) {
            return Err(problem);
        }
        let checks = check(&protocol, params);
        let entry = Entry {
            operator: operator.to_owned(),
            protocol,
            checks,
        };
        let stage = match &self.current().stage {
            Stage::AwaitingEntry { .. } => Stage::FirstEntered { first: entry },
            Stage::FirstEntered { first } if first.operator == operator => {
                return Err(StepError::SameOperator);
            }
            Stage::FirstEntered { first } => {
                let differences = compare(&first.protocol, &entry.protocol);
                if differences.is_empty() {
                    Stage::Entered {
                        protocol: entry.protocol,
                        checks: entry.checks,
                        operators: vec![first.operator.clone(), entry.operator],
                    }
                } else {
                    Stage::Differs {
                        first: first.clone(),
                        second: entry,
                        differences,
                    }
                }
            }
            Stage::Differs { .. } => return Err(StepError::AwaitingResolution),
            Stage::Entered { .. } => return Err(StepError::AlreadyEntered),
            Stage::Accepted { .. } => return Err(StepError::AlreadyAccepted),
        };
        Ok(self.set_stage(stage))
    }

    /// The TEC resolves a difference: keeps one entry or orders both entered again.
    pub fn resolve(self, by: &str, resolution: Resolution) -> Result<History, StepError> {
        let Stage::Differs { first, second, .. } = &self.current().stage else {
            return Err(StepError::NoDifference);
        };
        if first.operator == by || second.operator == by {
            return Err(StepError::DecidesOwnEntry);
        }
        let operators = vec![first.operator.clone(), second.operator.clone()];
        let stage = match resolution {
            Resolution::KeepFirst | Resolution::KeepSecond => {
                let kept = if resolution == Resolution::KeepFirst {
                    first
                } else {
                    second
                };
                Stage::Entered {
                    protocol: kept.protocol.clone(),
                    checks: kept.checks.clone(),
                    operators,
                }
            }
            Resolution::ReEnter => Stage::AwaitingEntry { returned: None },
        };
        Ok(self.set_stage(stage))
    }

    /// The TEC accepts (RES-05): an error blocks, a warning needs a comment.
    pub fn accept(self, by: &str, comment: Option<&str>) -> Result<History, StepError> {
        let Stage::Entered {
            protocol,
            checks,
            operators,
        } = &self.current().stage
        else {
            return Err(match self.current().stage {
                Stage::Accepted { .. } => StepError::AlreadyAccepted,
                _ => StepError::NotEntered,
            });
        };
        if operators.iter().any(|o| o == by) {
            return Err(StepError::DecidesOwnEntry);
        }
        let comment = acceptable(checks, comment)?;
        let stage = Stage::Accepted {
            protocol: protocol.clone(),
            checks: checks.clone(),
            comment,
            by: by.to_owned(),
            operators: operators.clone(),
        };
        Ok(self.set_stage(stage))
    }

    /// The TEC returns an entered protocol to the PEC, saying why; it is entered again.
    pub fn return_to_pec(self, reason: &str) -> Result<History, StepError> {
        let reason = non_blank(reason)?;
        match self.current().stage {
            Stage::Entered { .. } | Stage::Differs { .. } => {
                Ok(self.set_stage(Stage::AwaitingEntry {
                    returned: Some(reason),
                }))
            }
            Stage::Accepted { .. } => Err(StepError::AlreadyAccepted),
            _ => Err(StepError::NotEntered),
        }
    }

    /// A correction of an accepted protocol: a new version, entered again from the start,
    /// while the accepted one keeps counting.
    pub fn correct(mut self, reason: &str) -> Result<History, StepError> {
        let reason = non_blank(reason)?;
        let current = self.current();
        if !matches!(current.stage, Stage::Accepted { .. }) {
            return Err(StepError::NotAccepted);
        }
        let number = current.number + 1;
        self.versions.push(Version {
            number,
            reason: Some(reason),
            stage: Stage::AwaitingEntry { returned: None },
        });
        Ok(self)
    }

    /// A protocol entered and accepted at once from a file (the same checks as the form:
    /// an error refuses it; warnings are accepted with `note` as the comment).
    pub fn import(
        self,
        by: &str,
        protocol: Protocol,
        options: &[BallotOption],
        params: &RuleParameters,
        note: &str,
    ) -> Result<History, StepError> {
        match self.current().stage {
            Stage::AwaitingEntry { .. } => {}
            Stage::Accepted { .. } => return Err(StepError::AlreadyAccepted),
            Stage::Differs { .. } => return Err(StepError::AwaitingResolution),
            Stage::FirstEntered { .. } | Stage::Entered { .. } => {
                return Err(StepError::AlreadyEntered);
            }
        }
        if let Some(problem) = ballot_problem(&protocol, options) {
            return Err(problem);
        }
        let checks = check(&protocol, params);
        let comment = acceptable(&checks, Some(note))?;
        let stage = Stage::Accepted {
            protocol,
            checks,
            comment,
            by: by.to_owned(),
            operators: vec![by.to_owned()],
        };
        Ok(self.set_stage(stage))
    }
}

/// RES-05's acceptance rule: no error; a comment when there are warnings (kept only then).
pub fn acceptable(
    checks: &CheckResult,
    comment: Option<&str>,
) -> Result<Option<String>, StepError> {
    if !checks.errors.is_empty() {
        return Err(StepError::ChecksFailed {
            codes: checks.errors.clone(),
        });
    }
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    match (checks.warnings.is_empty(), comment) {
        (true, _) => Ok(comment.map(str::to_owned)),
        (false, Some(c)) => Ok(Some(c.to_owned())),
        (false, None) => Err(StepError::CommentRequired {
            codes: checks.warnings.clone(),
        }),
    }
}

/// The sum of accepted protocols of one contest (or of any set of them): each line, the votes
/// of each option and "against all", and how many protocols. Exact `u64` sums.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub protocols: u64,
    /// In the order of [`Line::ALL`].
    pub lines: [u64; 13],
    pub votes: BTreeMap<BallotOption, u64>,
}

impl Totals {
    /// Adds one protocol.
    pub fn add(&mut self, p: &Protocol) {
        self.protocols += 1;
        for (sum, line) in self.lines.iter_mut().zip(Line::ALL) {
            *sum += p.line(line);
        }
        for v in &p.votes {
            *self.votes.entry(v.option.clone()).or_default() += u64::from(v.votes);
        }
    }

    /// Adds another sum (a district's to its council's, a council's to the country's).
    pub fn merge(&mut self, other: &Totals) {
        self.protocols += other.protocols;
        for (a, b) in self.lines.iter_mut().zip(other.lines) {
            *a += b;
        }
        for (option, votes) in &other.votes {
            *self.votes.entry(option.clone()).or_default() += votes;
        }
    }

    /// The sum of one line.
    pub fn line(&self, line: Line) -> u64 {
        Line::ALL
            .iter()
            .position(|l| *l == line)
            .map_or(0, |i| self.lines[i])
    }

    /// The votes of one option (0 when no protocol gave any).
    pub fn votes_of(&self, option: &BallotOption) -> u64 {
        self.votes.get(option).copied().unwrap_or(0)
    }
}

/// The totals of a set of protocols.
pub fn aggregate<'a>(protocols: impl IntoIterator<Item = &'a Protocol>) -> Totals {
    let mut t = Totals::default();
    for p in protocols {
        t.add(p);
    }
    t
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::candidate::{CandidateId, PartyId};
    use crate::ids::StationNumber;
    use crate::protocol::{Contest, OptionVotes};
    use proptest::prelude::*;

    fn party(s: &str) -> BallotOption {
        BallotOption::Party(PartyId::parse(s).unwrap())
    }

    fn options() -> Vec<BallotOption> {
        vec![party("a"), party("b"), party("c")]
    }

    /// A consistent city protocol: 600 ballots issued, 595 found, 580 valid.
    fn protocol(votes: [u32; 3], against: u32) -> Protocol {
        let valid: u32 = votes.iter().sum::<u32>() + against;
        Protocol {
            station: StationNumber::new(7).unwrap(),
            contest: Contest::PartyList,
            voters_on_list: 1000,
            voters_on_additional_lists: 0,
            ballots_received: valid + 100,
            ballots_issued_at_station: valid,
            ballots_issued_outside: 0,
            voters_took_part: valid,
            ballots_cancelled: 100,
            ballots_in_mobile_boxes: 0,
            ballots_in_stationary_boxes: valid,
            valid_ballots: valid,
            invalid_ballots: 0,
            votes: options()
                .into_iter()
                .zip(votes)
                .map(|(option, votes)| OptionVotes { option, votes })
                .collect(),
            against_all: Some(against),
        }
    }

    fn good() -> Protocol {
        protocol([300, 200, 60], 20)
    }

    fn params() -> RuleParameters {
        RuleParameters::default()
    }

    fn entered_once() -> History {
        History::new()
            .enter("op1", good(), &options(), &params())
            .unwrap()
    }

    #[test]
    fn res_04_double_entry_equal_entries_proceed() {
        let h = entered_once()
            .enter("op2", good(), &options(), &params())
            .unwrap();
        assert_eq!(h.current().stage.as_str(), "entered");
        assert!(h.counted().is_none(), "entered is not accepted");
    }

    #[test]
    fn res_04_double_entry_same_operator_twice_is_refused() {
        let e = entered_once().enter("op1", good(), &options(), &params());
        assert_eq!(e.unwrap_err().code(), ErrorCode::ResultsSameOperator);
    }

    #[test]
    fn res_04_double_entry_differences_are_field_by_field() {
        let mut other = good();
        other.valid_ballots += 1;
        other.votes[1].votes = 201;
        let h = entered_once()
            .enter("op2", other, &options(), &params())
            .unwrap();
        let Stage::Differs { differences, .. } = &h.current().stage else {
            panic!("{:?}", h.current().stage);
        };
        assert_eq!(
            differences,
            &[
                Difference {
                    field: Field::Line {
                        line: Line::ValidBallots
                    },
                    first: Some(580),
                    second: Some(581),
                },
                Difference {
                    field: Field::Option { option: party("b") },
                    first: Some(200),
                    second: Some(201),
                },
            ]
        );
        // Nobody enters a third time before the TEC decides.
        let third = h.clone().enter("op3", good(), &options(), &params());
        assert_eq!(third.unwrap_err(), StepError::AwaitingResolution);
        // An operator does not resolve their own difference.
        assert_eq!(
            h.clone().resolve("op2", Resolution::KeepFirst).unwrap_err(),
            StepError::DecidesOwnEntry
        );
        let kept = h.clone().resolve("tec", Resolution::KeepFirst).unwrap();
        let Stage::Entered { protocol, .. } = &kept.current().stage else {
            panic!()
        };
        assert_eq!(protocol, &good());
        let again = h.resolve("tec", Resolution::ReEnter).unwrap();
        assert_eq!(again.current().stage.as_str(), "awaiting_entry");
    }

    #[test]
    fn res_04_protocol_gives_exactly_the_ballot_options() {
        let mut p = good();
        p.votes.push(OptionVotes {
            option: party("zz"),
            votes: 0,
        });
        assert_eq!(
            History::new()
                .enter("op1", p, &options(), &params())
                .unwrap_err(),
            StepError::UnknownOption(party("zz"))
        );
        let mut p = good();
        p.votes.pop();
        assert_eq!(
            ballot_problem(&p, &options()),
            Some(StepError::MissingOption(party("c")))
        );
        let mut cand = good();
        cand.votes[0].option = BallotOption::Candidate(CandidateId::parse("1-1").unwrap());
        assert_eq!(
            ballot_problem(&cand, &options()).unwrap().code(),
            ErrorCode::ResultsUnknownOption
        );
    }

    #[test]
    fn res_05_errors_block_acceptance_warnings_need_a_comment() {
        // An error: the votes do not add up to the valid ballots.
        let mut bad = good();
        bad.votes[0].votes += 1;
        let h = History::new()
            .enter("op1", bad.clone(), &options(), &params())
            .unwrap()
            .enter("op2", bad, &options(), &params())
            .unwrap();
        let e = h.accept("tec", Some("fine")).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ResultsChecksFailed);
        assert_eq!(
            e,
            StepError::ChecksFailed {
                codes: vec![ProtocolCode::VotesBalance]
            }
        );
        // A warning: five ballots missing from the boxes.
        let mut warn = good();
        warn.ballots_issued_at_station += 5;
        warn.ballots_cancelled -= 5;
        warn.voters_took_part += 5;
        let h = History::new()
            .enter("op1", warn.clone(), &options(), &params())
            .unwrap()
            .enter("op2", warn, &options(), &params())
            .unwrap();
        assert_eq!(
            h.clone().accept("tec", Some("  ")).unwrap_err().code(),
            ErrorCode::ResultsCommentRequired
        );
        assert_eq!(
            h.clone().accept("op1", Some("x")).unwrap_err(),
            StepError::DecidesOwnEntry
        );
        let accepted = h
            .accept("tec", Some("five voters left with ballots"))
            .unwrap();
        let Stage::Accepted { comment, .. } = &accepted.current().stage else {
            panic!()
        };
        assert_eq!(comment.as_deref(), Some("five voters left with ballots"));
        assert!(accepted.counted().is_some());
        // An entry after acceptance is refused.
        assert_eq!(
            accepted
                .enter("op3", good(), &options(), &params())
                .unwrap_err(),
            StepError::AlreadyAccepted
        );
    }

    #[test]
    fn res_04_a_correction_is_a_new_version_with_a_reason() {
        let accepted = entered_once()
            .enter("op2", good(), &options(), &params())
            .unwrap()
            .accept("tec", None)
            .unwrap();
        assert_eq!(
            accepted.clone().correct(" ").unwrap_err(),
            StepError::ReasonRequired
        );
        let corrected = accepted.correct("a typo in line 9").unwrap();
        assert_eq!(corrected.versions.len(), 2);
        assert_eq!(corrected.current().number, 2);
        assert_eq!(
            corrected.current().reason.as_deref(),
            Some("a typo in line 9")
        );
        // Version 1 still counts, unchanged, until version 2 is accepted.
        assert_eq!(corrected.counted(), Some((1, &good())));
        let fixed = protocol([301, 199, 60], 20);
        let v2 = corrected
            .enter("op1", fixed.clone(), &options(), &params())
            .unwrap()
            .enter("op2", fixed.clone(), &options(), &params())
            .unwrap()
            .accept("tec", None)
            .unwrap();
        assert_eq!(v2.counted(), Some((2, &fixed)));
        assert_eq!(v2.versions[0].stage.as_str(), "accepted");
        // Only accepted protocols are corrected.
        assert_eq!(
            entered_once().correct("why").unwrap_err(),
            StepError::NotAccepted
        );
    }

    #[test]
    fn res_04_a_returned_protocol_is_entered_again() {
        let h = entered_once()
            .enter("op2", good(), &options(), &params())
            .unwrap();
        assert_eq!(
            h.clone().return_to_pec("").unwrap_err(),
            StepError::ReasonRequired
        );
        let back = h.return_to_pec("the signature is missing").unwrap();
        assert_eq!(
            back.current().stage,
            Stage::AwaitingEntry {
                returned: Some("the signature is missing".into())
            }
        );
        assert!(back.enter("op1", good(), &options(), &params()).is_ok());
    }

    #[test]
    fn res_05_import_refuses_an_error_and_comments_warnings() {
        let mut bad = good();
        bad.ballots_received += 1;
        let e = History::new()
            .import("cli", bad, &options(), &params(), "imported")
            .unwrap_err();
        assert_eq!(
            e,
            StepError::ChecksFailed {
                codes: vec![ProtocolCode::ReceivedBalance]
            }
        );
        let ok = History::new()
            .import("cli", good(), &options(), &params(), "imported")
            .unwrap();
        assert_eq!(ok.counted(), Some((1, &good())));
        assert_eq!(
            ok.import("cli", good(), &options(), &params(), "x")
                .unwrap_err(),
            StepError::AlreadyAccepted
        );
    }

    #[test]
    fn every_step_refusal_has_its_own_results_code() {
        let all = [
            StepError::SameOperator,
            StepError::AlreadyEntered,
            StepError::AwaitingResolution,
            StepError::AlreadyAccepted,
            StepError::NoDifference,
            StepError::NotEntered,
            StepError::ChecksFailed { codes: vec![] },
            StepError::CommentRequired { codes: vec![] },
            StepError::NotAccepted,
            StepError::ReasonRequired,
            StepError::DecidesOwnEntry,
            StepError::UnknownOption(party("x")),
            StepError::MissingOption(party("x")),
        ];
        let codes: HashSet<ErrorCode> = all.iter().map(StepError::code).collect();
        assert_eq!(codes.len(), all.len());
        assert!(codes.iter().all(|c| c.as_str().starts_with("results_")));
        assert_eq!(
            serde_json::to_value(StepError::SameOperator).unwrap()["code"],
            "same_operator"
        );
    }

    fn arb_protocol() -> impl Strategy<Value = Protocol> {
        (prop::array::uniform3(0u32..5000), 0u32..500).prop_map(|(v, a)| protocol(v, a))
    }

    proptest! {
        /// Two entries differ exactly where their fields differ; equal entries never differ.
        #[test]
        fn res_04_compare_is_empty_iff_equal(a in arb_protocol(), b in arb_protocol()) {
            prop_assert!(compare(&a, &a).is_empty());
            prop_assert_eq!(compare(&a, &b).is_empty(), a == b);
            // Symmetric: swapping the entries swaps the sides of every difference.
            let ab = compare(&a, &b);
            let ba = compare(&b, &a);
            prop_assert_eq!(ab.len(), ba.len());
            for (x, y) in ab.iter().zip(&ba) {
                prop_assert_eq!(&x.field, &y.field);
                prop_assert_eq!((x.first, x.second), (y.second, y.first));
            }
        }

        /// Aggregation is a sum: any split of the protocols, in any order, merges to the same
        /// totals, and the balance of consistent protocols holds for their totals.
        #[test]
        fn res_07_aggregation_is_additive_and_order_free(
            ps in prop::collection::vec(arb_protocol(), 0..20), cut in 0usize..20,
        ) {
            let whole = aggregate(&ps);
            let cut = cut.min(ps.len());
            let mut left = aggregate(&ps[..cut]);
            let right = aggregate(&ps[cut..]);
            left.merge(&right);
            prop_assert_eq!(&left, &whole);
            let reversed = aggregate(ps.iter().rev());
            prop_assert_eq!(&reversed, &whole);
            prop_assert_eq!(whole.protocols, ps.len() as u64);
            let option_votes: u64 = whole.votes.values().sum();
            prop_assert_eq!(option_votes, whole.line(Line::Votes));
            prop_assert_eq!(
                option_votes + whole.line(Line::AgainstAll),
                whole.line(Line::ValidBallots)
            );
        }
    }
}
