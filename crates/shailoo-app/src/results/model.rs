//! The types of the results capability: what identifies a protocol, the changes the use cases
//! ask for, the stored records, a council's result and [`ResultsError`] with its codes.

use crate::audit::{AuditAction, AuditEvent};
use crate::store::StoreError;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_apportionment::{Lots, LotsRequired};
use shailoo_domain::calendar::{ActionClosed, CalendarError};
use shailoo_domain::district::DistrictId;
use shailoo_domain::params::RuleParameters;
use shailoo_domain::protocol::{BallotOption, Contest, Protocol};
use shailoo_domain::results::{History, Resolution, ResultStatus, StepError};
use shailoo_domain::{CouncilId, ElectionId, ErrorCode, StationNumber};

/// The stable text of a contest, as stored and in subjects: `party_list` or `district/<id>`.
pub fn contest_key(contest: &Contest) -> String {
    match contest {
        Contest::PartyList => "party_list".to_owned(),
        Contest::District { district } => format!("district/{district}"),
    }
}

/// [`contest_key`] read back.
pub fn parse_contest_key(text: &str) -> Option<Contest> {
    if text == "party_list" {
        return Some(Contest::PartyList);
    }
    let id = text.strip_prefix("district/")?;
    DistrictId::parse(id)
        .ok()
        .map(|district| Contest::District { district })
}

/// One protocol: a station's count of one contest of one council in one election.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProtocolKey {
    pub election: ElectionId,
    pub council: CouncilId,
    pub station: StationNumber,
    pub contest: Contest,
}

impl ProtocolKey {
    /// The key of a protocol as entered.
    pub fn of(election: &ElectionId, council: &CouncilId, protocol: &Protocol) -> ProtocolKey {
        ProtocolKey {
            election: election.clone(),
            council: council.clone(),
            station: protocol.station,
            contest: protocol.contest.clone(),
        }
    }

    /// The audit subject: `{election}/protocols/{station}/{council}/{contest}`.
    pub fn subject(&self) -> String {
        format!(
            "{}/protocols/{}/{}/{}",
            self.election,
            self.station,
            self.council,
            contest_key(&self.contest)
        )
    }
}

/// A step asked of a protocol; each runs one method of the domain's [`History`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// An operator's entry (double entry).
    Enter { protocol: Protocol },
    /// The TEC decides a difference.
    Resolve { resolution: Resolution },
    /// The TEC accepts, commenting on any warning.
    Accept { comment: Option<String> },
    /// The TEC returns the protocol to the PEC.
    Return { reason: String },
    /// A correction of an accepted protocol: a new version.
    Correct { reason: String },
    /// Entered and accepted at once from a file (`shailoo results import`).
    Import { protocol: Protocol, note: String },
}

impl Change {
    /// The audit action of the change.
    pub fn action(&self) -> AuditAction {
        match self {
            Change::Enter { .. } => AuditAction::ProtocolEntered,
            Change::Resolve { .. } => AuditAction::ProtocolDifferenceResolved,
            Change::Accept { .. } => AuditAction::ProtocolAccepted,
            Change::Return { .. } => AuditAction::ProtocolReturned,
            Change::Correct { .. } => AuditAction::ProtocolCorrected,
            Change::Import { .. } => AuditAction::ProtocolImported,
        }
    }

    /// The protocol the change carries, if any.
    pub fn protocol(&self) -> Option<&Protocol> {
        match self {
            Change::Enter { protocol } | Change::Import { protocol, .. } => Some(protocol),
            _ => None,
        }
    }
}

/// What a writer needs beside the stored history: the contest's ballot options and the rule
/// parameters in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeFacts {
    pub options: Vec<BallotOption>,
    pub params: RuleParameters,
}

/// One change of a batch ([`ResultsStore::change_protocols`](super::ResultsStore::change_protocols)):
/// what [`ResultsStore::change_protocol`](super::ResultsStore::change_protocol) takes, as one
/// value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolChange {
    pub key: ProtocolKey,
    pub change: Change,
    /// Who takes the step (the audit name).
    pub by: String,
    pub facts: ChangeFacts,
    pub event: AuditEvent,
}

/// The pure step a writer runs under its lock, on the history it read there (a new one when
/// the protocol was never entered).
pub fn apply(
    history: History,
    change: &Change,
    by: &str,
    facts: &ChangeFacts,
) -> Result<History, StepError> {
    match change {
        Change::Enter { protocol } => {
            history.enter(by, protocol.clone(), &facts.options, &facts.params)
        }
        Change::Resolve { resolution } => history.resolve(by, *resolution),
        Change::Accept { comment } => history.accept(by, comment.as_deref()),
        Change::Return { reason } => history.return_to_pec(reason),
        Change::Correct { reason } => history.correct(reason),
        Change::Import { protocol, note } => {
            history.import(by, protocol.clone(), &facts.options, &facts.params, note)
        }
    }
}

/// A stored protocol with its versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolRecord {
    pub key: ProtocolKey,
    pub history: History,
    pub updated_at: Timestamp,
}

/// A preliminary count of an automatic ballot-counting box (RES-01): kept apart from the
/// protocols, never counted, always labelled preliminary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreliminaryCount {
    pub council: CouncilId,
    pub protocol: Protocol,
}

/// A council's result, as determined (stored) or as it stands (computed live).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilResult {
    pub council: CouncilId,
    pub status: ResultStatus,
    /// Voters who took part, over the accepted protocols (for an aiyl council: of every
    /// district).
    pub took_part: u64,
    /// The protocols counted and expected (home stations × contests).
    pub protocols_accepted: u64,
    pub protocols_expected: u64,
    /// A city council's options in ballot order, "against all" last (with no seats).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub options: Vec<OptionResult>,
    /// An aiyl council's districts.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub districts: Vec<DistrictResult>,
    /// RES-08: the ties the commission must draw lots for.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub lots_required: Vec<LotsRequired>,
    /// The allocation's steps, in English (each contest's, one per line).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub explanation: Vec<String>,
    /// The same steps as data, for a page to word them in its language (i15-scan-map).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub steps: Vec<ExplainedStep>,
}

/// One step of a contest's allocation: the contest (an aiyl council's district, `None` for
/// the party lists) and the step, whose code and parameters a translator words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainedStep {
    pub district: Option<shailoo_domain::district::DistrictId>,
    pub step: shailoo_apportionment::Step,
}

/// One ballot option's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionResult {
    /// The party or candidate id; `against_all` for that line.
    pub id: String,
    pub name: String,
    pub votes: u64,
    /// Seats won; `None` for "against all" and while the result is incomplete.
    pub seats: Option<u64>,
    /// RES-10: an elected candidate who took a mandate reserved for women.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub reserved: bool,
}

/// One aiyl district's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictResult {
    pub district: DistrictId,
    pub status: ResultStatus,
    pub seats: u32,
    pub took_part: u64,
    pub options: Vec<OptionResult>,
}

/// A stored determination: the commission's act, with the drawings of lots it recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Determination {
    pub election: ElectionId,
    pub result: CouncilResult,
    pub lots: Vec<Lots>,
    pub by: String,
    pub at: Timestamp,
    /// Determined after CAL-17 as the law sets it (possible only where the CEC moved the
    /// deadline): shown as late.
    pub late: bool,
}

/// Why a results use case refused or failed. Nothing was changed when it is returned.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    #[error("unknown council {0}")]
    UnknownCouncil(CouncilId),
    #[error("unknown polling station {0}")]
    UnknownStation(StationNumber),
    /// The station does not hold this contest of this council.
    #[error("polling station {station} does not hold the contest {contest} of council {council}")]
    ContestNotHeld {
        station: StationNumber,
        council: CouncilId,
        contest: String,
    },
    /// authz refused.
    #[error("not allowed for this account")]
    Forbidden,
    /// CAL-16/CAL-17: protocols are entered after voting closes, results determined by CAL-17.
    #[error(transparent)]
    Calendar(#[from] ActionClosed),
    #[error("the election's calendar is invalid: {0}")]
    CalendarInvalid(#[from] CalendarError),
    /// A step of the workflow refused it (RES-04, RES-05).
    #[error(transparent)]
    Step(#[from] StepError),
    /// The contest's ballot cannot be read (registration still open, …): the code of the
    /// ballot's own error.
    #[error("the ballot of this contest is not fixed: {0}")]
    BallotUnavailable(ErrorCode),
    /// Not every protocol of the council is accepted.
    #[error("{missing} protocols of the council are not accepted yet")]
    Incomplete { missing: u64 },
    /// A recorded drawing of lots does not fit the count (RES-08).
    #[error("the drawing of lots does not fit the count: {0}")]
    BadLots(String),
    // i15-scan-map: the scan of a signed protocol.
    /// No file was sent.
    #[error("no scan of the protocol was attached")]
    ScanMissing,
    #[error("the scan is larger than the limit")]
    ScanTooLarge,
    /// Not a JPEG, PNG or PDF by its bytes and structure.
    #[error("the scan is not a JPEG, PNG or PDF")]
    ScanNotRecognised,
}

impl ResultsError {
    /// The refusal's stable code: the store's and the workflow step's own, or the results'.
    pub fn code(&self) -> ErrorCode {
        use shailoo_domain::calendar::Action;
        match self {
            ResultsError::Store(e) => e.code(),
            ResultsError::Step(e) => e.code(),
            ResultsError::UnknownElection(_) => ErrorCode::UnknownElection,
            ResultsError::UnknownCouncil(_) => ErrorCode::UnknownCouncil,
            ResultsError::UnknownStation(_) => ErrorCode::UnknownStation,
            ResultsError::ContestNotHeld { .. } => ErrorCode::ResultsContestNotHeld,
            ResultsError::Forbidden => ErrorCode::Forbidden,
            ResultsError::Calendar(
                ActionClosed::Closed { action, .. } | ActionClosed::NotYetOpen { action, .. },
            ) => {
                if *action == Action::DetermineResults {
                    ErrorCode::ResultsDeterminationClosed
                } else {
                    ErrorCode::ResultsEntryClosed
                }
            }
            ResultsError::CalendarInvalid(_) => ErrorCode::CalendarInvalid,
            ResultsError::BallotUnavailable(_) => ErrorCode::ResultsBallotUnavailable,
            ResultsError::Incomplete { .. } => ErrorCode::ResultsIncomplete,
            ResultsError::BadLots(_) => ErrorCode::ResultsBadLots,
            ResultsError::ScanMissing => ErrorCode::ResultsScanMissing,
            ResultsError::ScanTooLarge => ErrorCode::ResultsScanTooLarge,
            ResultsError::ScanNotRecognised => ErrorCode::ResultsScanNotRecognised,
        }
    }
}

impl From<crate::setup::ElectionCalendarError> for ResultsError {
    fn from(e: crate::setup::ElectionCalendarError) -> Self {
        use crate::setup::ElectionCalendarError as E;
        match e {
            E::Store(e) => ResultsError::Store(e),
            E::UnknownElection(id) => ResultsError::UnknownElection(id),
            E::Invalid(e) => ResultsError::CalendarInvalid(e),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn contest_keys_round_trip() {
        for c in [
            Contest::PartyList,
            Contest::District {
                district: DistrictId::parse("3").unwrap(),
            },
        ] {
            assert_eq!(parse_contest_key(&contest_key(&c)), Some(c));
        }
        assert_eq!(parse_contest_key("district/"), None);
        assert_eq!(parse_contest_key("city"), None);
    }
}
