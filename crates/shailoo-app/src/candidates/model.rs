//! The types of candidacies as the use cases store and show them: a nomination with its
//! number, filer, candidates' public details and check results ([`NominationRecord`]); what a
//! filer or the TEC asks for ([`Change`]); documents recognised by their bytes and kept by
//! digest; the status history; the public view of a candidate (no PIN, no address, no
//! document but the photo and the program); and why a use case refuses ([`CandidacyError`]).
//! The rules are the domain's (`shailoo_domain::candidate`); the steps that combine them with
//! stored facts are in [`transitions`](super::transitions).

use crate::accounts::PasswordError;
use crate::audit::AuditAction;
use crate::candidates::RegistryError;
use crate::claims::CopyFormat;
use crate::setup::ElectionCalendarError;
use crate::store::StoreError;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::{Calendar, CalendarError};
use shailoo_domain::candidate::ballot::BallotError;
use shailoo_domain::candidate::checks::{
    Check, CheckInputError, CheckOutcome, CheckResult, EntryReport, NominationReport, ReportOutcome,
};
use shailoo_domain::candidate::nomination::{
    Cancellation, CandidateStatus, Ground, Nomination, NominationStatus, Rules, SubmissionContent,
    WithdrawnBy,
};
use shailoo_domain::candidate::registry::{CandidateIdentity, IdentityError, PersonName};
use shailoo_domain::candidate::transitions::TransitionError;
use shailoo_domain::candidate::{CandidateId, PartyId};
use shailoo_domain::params::{Coded, RuleParameters};
use shailoo_domain::{
    CouncilId, DistrictId, ElectionId, ErrorCode, NominationReference, Pin, SeatCount,
};
use std::collections::BTreeMap;
use std::fmt;

/// The largest document accepted: 5 MB, enough for a scanned page or a photo.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;
/// Longest occupation, in characters (one line).
pub const MAX_OCCUPATION_CHARS: usize = 200;
/// Longest program given as text, in characters.
pub const MAX_PROGRAM_CHARS: usize = 20_000;
/// Longest note of a cancellation, in characters.
pub const MAX_NOTE_CHARS: usize = 1_000;

/// The number of a nomination: 1, 2, 3… per database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NominationId(i64);

impl NominationId {
    pub fn new(n: i64) -> Option<NominationId> {
        (n >= 1).then_some(NominationId(n))
    }
    /// Parses a nomination number as written in a URL or a form.
    pub fn parse(s: &str) -> Result<NominationId, CandidacyError> {
        s.trim()
            .parse::<i64>()
            .ok()
            .and_then(NominationId::new)
            .ok_or(CandidacyError::BadNominationId)
    }
    pub fn get(self) -> i64 {
        self.0
    }
    /// The public id of the `k`-th candidate this nomination gave out (`12-3`): never reused,
    /// not even for a candidate taken off a draft, so an id always means one person.
    pub fn candidate(self, k: u32) -> CandidateId {
        // Digits and '-' only: always a valid id.
        CandidateId::parse(&format!("{}-{k}", self.0))
            .unwrap_or_else(|_| unreachable!("digits and '-' make a valid candidate id"))
    }
}

/// The id of the `k`-th candidate of nomination `id`, loaded with `reference` or not.
pub fn candidate_id(
    id: NominationId,
    reference: Option<&NominationReference>,
    k: u32,
) -> CandidateId {
    match reference {
        Some(r) => r.candidate(k),
        None => id.candidate(k),
    }
}

impl fmt::Display for NominationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A trimmed text without control characters (newlines allowed where `multiline`), of at most
/// `max` characters; blank is none.
fn text(s: &str, max: usize, multiline: bool) -> Result<Option<String>, CandidacyError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = |c: char| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'));
    if t.chars().count() > max || t.chars().any(bad) {
        return Err(CandidacyError::TextTooLong);
    }
    Ok(Some(t.to_owned()))
}

/// What a candidate does for a living, as the filer gives it (кесиби / род занятий): public.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Occupation(String);

impl Occupation {
    /// `None` for a blank field.
    pub fn parse(s: &str) -> Result<Option<Occupation>, CandidacyError> {
        Ok(text(s, MAX_OCCUPATION_CHARS, false)?.map(Occupation))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Occupation {
    type Error = CandidacyError;
    fn try_from(s: String) -> Result<Self, CandidacyError> {
        Occupation::parse(&s)?.ok_or(CandidacyError::TextTooLong)
    }
}
impl From<Occupation> for String {
    fn from(o: Occupation) -> String {
        o.0
    }
}

/// A candidate's (or a party list's) program as text: public.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProgramText(String);

impl ProgramText {
    /// `None` for a blank field.
    pub fn parse(s: &str) -> Result<Option<ProgramText>, CandidacyError> {
        Ok(text(s, MAX_PROGRAM_CHARS, true)?.map(ProgramText))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProgramText {
    type Error = CandidacyError;
    fn try_from(s: String) -> Result<Self, CandidacyError> {
        ProgramText::parse(&s)?.ok_or(CandidacyError::TextTooLong)
    }
}
impl From<ProgramText> for String {
    fn from(p: ProgramText) -> String {
        p.0
    }
}

/// What the filer says about a candidate besides what the registries say: public on Talapker.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateDetails {
    pub occupation: Option<Occupation>,
    pub program: Option<ProgramText>,
}

/// The kinds of document filed with a nomination (CAN-08: "documents filed electronically").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// The candidate's statement of consent to stand (арыз / заявление о согласии), signed.
    Consent,
    /// The party's decision to nominate (the list, or a district nominee).
    PartyDecision,
    /// The candidate's photograph: public.
    Photo,
    /// The election program as a PDF (the candidate's, or the party's for a list): public.
    Program,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 4] = [
        DocumentKind::Consent,
        DocumentKind::PartyDecision,
        DocumentKind::Photo,
        DocumentKind::Program,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Consent => "consent",
            DocumentKind::PartyDecision => "party_decision",
            DocumentKind::Photo => "photo",
            DocumentKind::Program => "program",
        }
    }
    pub fn parse(s: &str) -> Option<DocumentKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// The formats this kind may be filed in.
    pub fn formats(self) -> &'static [CopyFormat] {
        match self {
            DocumentKind::Consent | DocumentKind::PartyDecision => {
                &[CopyFormat::Pdf, CopyFormat::Jpeg, CopyFormat::Png]
            }
            DocumentKind::Photo => &[CopyFormat::Jpeg, CopyFormat::Png],
            DocumentKind::Program => &[CopyFormat::Pdf],
        }
    }
    /// Whether the public (Talapker) may see it: the photo and the program, never the rest.
    pub fn is_public(self) -> bool {
        matches!(self, DocumentKind::Photo | DocumentKind::Program)
    }
    /// Whether it belongs to one candidate (else to the whole nomination).
    pub fn of_candidate(self) -> Option<bool> {
        match self {
            DocumentKind::Consent | DocumentKind::Photo => Some(true),
            DocumentKind::PartyDecision => Some(false),
            // A candidate's program, or a list's.
            DocumentKind::Program => None,
        }
    }
}

/// A document as filed, checked: its format recognised by its bytes and allowed for its kind,
/// at most [`MAX_DOCUMENT_BYTES`], with its BLAKE3 digest (what it is stored by: the same
/// file filed twice is stored once).
#[derive(Clone, PartialEq, Eq)]
pub struct Document {
    kind: DocumentKind,
    format: CopyFormat,
    bytes: Vec<u8>,
    digest: String,
}

impl Document {
    pub fn parse(kind: DocumentKind, bytes: Vec<u8>) -> Result<Document, CandidacyError> {
        if bytes.is_empty() {
            return Err(CandidacyError::DocumentMissing);
        }
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(CandidacyError::DocumentTooLarge);
        }
        let format = CopyFormat::sniff(&bytes).ok_or(CandidacyError::DocumentNotRecognised)?;
        if !kind.formats().contains(&format) {
            return Err(CandidacyError::DocumentWrongType { kind, format });
        }
        let digest = blake3::hash(&bytes).to_hex().to_string();
        Ok(Document {
            kind,
            format,
            bytes,
            digest,
        })
    }
    pub fn kind(&self) -> DocumentKind {
        self.kind
    }
    pub fn format(&self) -> CopyFormat {
        self.format
    }
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    pub fn digest(&self) -> &str {
        &self.digest
    }
    pub fn size(&self) -> u64 {
        u64::try_from(self.bytes.len()).unwrap_or(u64::MAX)
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the bytes: a consent or a photo is personal data.
        write!(
            f,
            "Document({:?}, {:?}, {})",
            self.kind, self.format, self.digest
        )
    }
}

/// A stored document without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInfo {
    /// The candidate it belongs to; `None`: the whole nomination.
    pub candidate: Option<CandidateId>,
    pub kind: DocumentKind,
    pub format: CopyFormat,
    pub digest: String,
    pub size: u64,
    pub filed_by: String,
    pub filed_at: Timestamp,
}

/// The election's rules a step is judged by: its calendar with the CEC's overrides and its
/// rule parameters in force. The council's seats come from the store.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub calendar: Calendar,
    pub params: RuleParameters,
}

impl RuleSet {
    pub fn rules(&self, seats: SeatCount) -> Rules<'_> {
        Rules {
            calendar: &self.calendar,
            params: &self.params,
            seats,
        }
    }
}

/// An edit of a draft by its filer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftEdit {
    /// A candidate at the end of the list (the district's candidate), identified by the civil
    /// registry's answer for the PIN.
    Add {
        identity: CandidateIdentity,
        details: CandidateDetails,
    },
    Remove {
        candidate: CandidateId,
    },
    /// The list in a new order: every candidate id once.
    Reorder {
        order: Vec<CandidateId>,
    },
    /// A candidate's public details.
    Details {
        candidate: CandidateId,
        details: CandidateDetails,
    },
}

/// What the TEC decides about a submitted nomination (CAN-09).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// Registers it, leaving out these candidates of a list with their grounds.
    Register {
        excluded: Vec<(CandidateId, Ground)>,
    },
    /// Refuses it, naming the legal ground.
    Refuse { ground: Ground },
}

/// A change of a stored nomination: each runs one step of the domain's workflow
/// (`shailoo_domain::candidate::transitions`) on the facts the store reads under its lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The filer edits the draft (until CAL-07 / CAL-09 18:00).
    Edit(DraftEdit),
    /// The filer submits the draft they reviewed; the same content submitted again is a
    /// repeat, not an error (idempotent).
    Submit { seen: SubmissionContent },
    /// The TEC registers or refuses.
    Decide(Decision),
    /// The filer replaces a candidate of a filed list (until CAL-07).
    Replace {
        old: CandidateId,
        identity: CandidateIdentity,
        details: CandidateDetails,
    },
    /// The nominator (or a district's candidate) withdraws the nomination, or one candidate of
    /// a list.
    Withdraw {
        candidate: Option<CandidateId>,
        by: WithdrawnBy,
    },
    /// The commission cancels a registration (or one candidate's, on a list).
    Cancel {
        candidate: Option<CandidateId>,
        cancellation: Cancellation,
    },
}

impl Change {
    /// The audit action of the change.
    pub fn audit_action(&self) -> AuditAction {
        match self {
            Change::Edit(_) => AuditAction::NominationEdited,
            Change::Submit { .. } => AuditAction::NominationSubmitted,
            Change::Decide(Decision::Register { .. }) => AuditAction::NominationRegistered,
            Change::Decide(Decision::Refuse { .. }) => AuditAction::NominationRefused,
            Change::Replace { .. } => AuditAction::NominationCandidateReplaced,
            Change::Withdraw {
                candidate: None, ..
            } => AuditAction::NominationWithdrawn,
            Change::Withdraw { .. } => AuditAction::NominationCandidateWithdrawn,
            Change::Cancel {
                candidate: None, ..
            } => AuditAction::RegistrationCancelled,
            Change::Cancel { .. } => AuditAction::CandidateRegistrationCancelled,
        }
    }

    /// A person newly put on the nomination, whose candidacies elsewhere matter (CAN-05).
    pub fn new_person(&self) -> Option<Pin> {
        match self {
            Change::Edit(DraftEdit::Add { identity, .. }) | Change::Replace { identity, .. } => {
                Some(identity.pin())
            }
            _ => None,
        }
    }
}

/// One check's result as stored: which run it came from, about whom (`None`: the list's
/// composition), and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCheck {
    /// 1, 2, … per nomination: a re-run is a new run.
    pub run: u32,
    pub candidate: Option<CandidateId>,
    pub result: CheckResult,
    pub checked_at: Timestamp,
}

/// The results of one run of the checks, to be recorded: the candidates checked, and the
/// list's composition (city lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRun {
    pub entries: Vec<EntryReport>,
    pub list: Vec<CheckResult>,
    pub checked_at: Timestamp,
}

/// A live candidacy (CAN-05): who holds it, in which nomination, as which candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidacy {
    pub pin: Pin,
    pub nomination: NominationId,
    pub candidate: CandidateId,
}

/// A nomination as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NominationRecord {
    pub id: NominationId,
    /// The stable external id of a nomination loaded from files (`shailoo load`), which its
    /// candidates' ids are made of instead of the number ([`NominationRecord::candidate`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<NominationReference>,
    pub nomination: Nomination,
    /// Who opened it: the representative's username, `voter` (a self-nominee in the cabinet)
    /// or `system`.
    pub filed_by: String,
    /// The filer's details of each candidate that has any.
    pub details: BTreeMap<CandidateId, CandidateDetails>,
    /// The latest result of each check: per candidate, the results of the last run that
    /// checked them; the list's from the last run.
    pub checks: Vec<StoredCheck>,
}

impl NominationRecord {
    /// The id of the `k`-th candidate this nomination gives out: `{reference}-{k}` for a
    /// nomination loaded from files, `{number}-{k}` otherwise.
    pub fn candidate(&self, k: u32) -> CandidateId {
        candidate_id(self.id, self.reference.as_ref(), k)
    }
    pub fn details_of(&self, candidate: &CandidateId) -> CandidateDetails {
        self.details.get(candidate).cloned().unwrap_or_default()
    }

    /// The latest results of one candidate, in check order.
    pub fn checks_of(&self, candidate: &CandidateId) -> Vec<&CheckResult> {
        self.checks
            .iter()
            .filter(|c| c.candidate.as_ref() == Some(candidate))
            .map(|c| &c.result)
            .collect()
    }

    /// The report a registration is decided on: the latest results of every standing
    /// candidate, in list order, and of the list. `None` while a standing candidate has none
    /// (not checked yet: no decision without evidence).
    pub fn latest_report(&self) -> Option<NominationReport> {
        let entries = self
            .nomination
            .standing()
            .map(|(_, e)| {
                let results: Vec<CheckResult> =
                    self.checks_of(&e.candidate).into_iter().cloned().collect();
                (!results.is_empty()).then(|| EntryReport {
                    candidate: e.candidate.clone(),
                    results,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let list = self
            .checks
            .iter()
            .filter(|c| c.candidate.is_none())
            .map(|c| c.result.clone())
            .collect();
        Some(NominationReport { entries, list })
    }

    /// What the latest checks add up to; `None` while some standing candidate is unchecked.
    pub fn check_outcome(&self) -> Option<ReportOutcome> {
        self.latest_report().map(|r| r.outcome())
    }

    /// The standing candidates whose latest results have a check that could not check, or
    /// none at all: what a re-run asks the registries about again.
    pub fn unchecked(&self) -> Vec<CandidateId> {
        self.nomination
            .standing()
            .filter(|(_, e)| {
                let results = self.checks_of(&e.candidate);
                results.is_empty()
                    || results
                        .iter()
                        .any(|r| matches!(r.outcome, CheckOutcome::CouldNotCheck { .. }))
            })
            .map(|(_, e)| e.candidate.clone())
            .collect()
    }

    /// The live candidacies this nomination holds (CAN-05): its standing candidates while it
    /// is submitted or registered.
    pub fn candidacies(&self) -> Vec<Candidacy> {
        if !self.nomination.status.is_live() {
            return Vec::new();
        }
        self.nomination
            .standing()
            .map(|(_, e)| Candidacy {
                pin: e.pin(),
                nomination: self.id,
                candidate: e.candidate.clone(),
            })
            .collect()
    }
}

/// One step of a nomination's (or one candidate's) status history: public, as Talapker shows
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The candidate concerned; `None`: the whole nomination.
    pub candidate: Option<CandidateId>,
    /// The status entered: a nomination's (`submitted`, `registered`, `refused`, `cancelled`,
    /// `withdrawn`) or a candidate's (`filed`: a replacement; `excluded`, `withdrawn`,
    /// `replaced`, `cancelled`).
    pub status: String,
    /// The ground's or cancellation reason's code, who withdrew (`nominator`, `candidate`), or
    /// the replacing candidate.
    pub detail: Option<String>,
    /// A cancellation's note.
    pub note: Option<String>,
    pub by: String,
    pub at: Timestamp,
}

/// A nomination's status for filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Draft,
    Submitted,
    Registered,
    Refused,
    Cancelled,
    Withdrawn,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Draft,
        Stage::Submitted,
        Stage::Registered,
        Stage::Refused,
        Stage::Cancelled,
        Stage::Withdrawn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::Submitted => "submitted",
            Stage::Registered => "registered",
            Stage::Refused => "refused",
            Stage::Cancelled => "cancelled",
            Stage::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Stage> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn of(status: &NominationStatus) -> Stage {
        match status {
            NominationStatus::Draft => Stage::Draft,
            NominationStatus::Submitted => Stage::Submitted,
            NominationStatus::Registered => Stage::Registered,
            NominationStatus::Refused { .. } => Stage::Refused,
            NominationStatus::Cancelled { .. } => Stage::Cancelled,
            NominationStatus::Withdrawn { .. } => Stage::Withdrawn,
        }
    }
}

/// Filters of the staff listing of nominations (newest first, at most 500).
#[derive(Debug, Clone, Default)]
pub struct NominationFilter {
    pub council: Option<CouncilId>,
    pub party: Option<PartyId>,
    pub district: Option<DistrictId>,
    pub stage: Option<Stage>,
    /// Self-nominations only (`Some(true)`), party nominations only (`Some(false)`).
    pub self_nominated: Option<bool>,
    /// Only nominations of councils whose TEC is this commission or below it (applied before
    /// the cap).
    pub within: Option<shailoo_domain::CommissionId>,
}

/// A candidate's public status, as the API's `status` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicStatus {
    /// Filed, awaiting the TEC's decision.
    Pending,
    Registered,
    Refused,
    Cancelled,
    Withdrawn,
    Replaced,
}

impl PublicStatus {
    pub const ALL: [PublicStatus; 6] = [
        PublicStatus::Pending,
        PublicStatus::Registered,
        PublicStatus::Refused,
        PublicStatus::Cancelled,
        PublicStatus::Withdrawn,
        PublicStatus::Replaced,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PublicStatus::Pending => "pending",
            PublicStatus::Registered => "registered",
            PublicStatus::Refused => "refused",
            PublicStatus::Cancelled => "cancelled",
            PublicStatus::Withdrawn => "withdrawn",
            PublicStatus::Replaced => "replaced",
        }
    }
    pub fn parse(s: &str) -> Option<PublicStatus> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    /// `None` for a draft, which is never public.
    pub fn of(status: &CandidateStatus) -> Option<PublicStatus> {
        Some(match status {
            CandidateStatus::Draft => return None,
            CandidateStatus::Pending => PublicStatus::Pending,
            CandidateStatus::Registered => PublicStatus::Registered,
            CandidateStatus::Refused { .. } => PublicStatus::Refused,
            CandidateStatus::Cancelled { .. } => PublicStatus::Cancelled,
            CandidateStatus::Withdrawn => PublicStatus::Withdrawn,
            CandidateStatus::Replaced => PublicStatus::Replaced,
        })
    }
}

/// Filters of the public candidate listing (Talapker, `/api/v1/.../candidates`).
#[derive(Debug, Clone, Default)]
pub struct CandidateFilter {
    pub council: Option<CouncilId>,
    pub district: Option<DistrictId>,
    pub party: Option<PartyId>,
    pub status: Option<PublicStatus>,
    /// One candidate.
    pub candidate: Option<CandidateId>,
    /// Part of the name, any case.
    pub name: Option<String>,
    pub page: crate::store::PageRequest,
}

/// A candidate as the public sees them: never the PIN, the address or a personal document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicCandidate {
    pub candidate: CandidateId,
    pub nomination: NominationId,
    pub election: ElectionId,
    pub council: CouncilId,
    /// The aiyl district; `None` on a city list.
    pub district: Option<DistrictId>,
    /// The nominating party; `None` for a self-nominee.
    pub party: Option<PartyId>,
    /// The position on a city list, while standing on it.
    pub position: Option<u32>,
    pub name: PersonName,
    pub birth_year: i16,
    pub occupation: Option<Occupation>,
    pub status: CandidateStatus,
}

/// Why a candidacy use case refused or failed. Nothing was changed when it is returned.
#[derive(Debug, thiserror::Error)]
pub enum CandidacyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    #[error("the election's calendar is invalid: {0}")]
    CalendarInvalid(#[from] CalendarError),
    /// A step of the workflow refused: the calendar, a time limit, a rule at the door.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The civil registry's answer cannot identify the candidate (unknown PIN…).
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// The civil registry could not answer: try later (nothing is decided about the person).
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    CheckInput(#[from] CheckInputError),
    #[error(transparent)]
    Ballot(#[from] BallotError),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error("not a nomination number")]
    BadNominationId,
    #[error("unknown nomination {0}")]
    UnknownNomination(NominationId),
    #[error("unknown party {0}")]
    UnknownParty(PartyId),
    #[error("unknown council {0}")]
    UnknownCouncil(CouncilId),
    #[error("council {0} is not elected in this election")]
    CouncilNotInElection(CouncilId),
    /// Not a district of the council's approved scheme.
    #[error("district {0} is not a district of the council's approved scheme")]
    UnknownDistrict(DistrictId),
    /// One list per party and city council (a refused or withdrawn one may be filed anew).
    #[error("the party already has list {0} for this council")]
    ListAlreadyOpen(NominationId),
    /// A self-nominee files in a district of the council of their registered residence.
    #[error("a self-nominee stands in their own local community only")]
    NotOwnCommunity,
    /// A voter in the cabinet nominates themself, never someone else.
    #[error("a voter may nominate only themself")]
    NotTheVoter,
    /// Registration waits until every standing candidate has been checked.
    #[error("some candidates have not been checked yet")]
    ChecksPending,
    /// A refusal (or exclusion) on a ground the registries answer must rest on that check's
    /// failure: never a verdict about a person without the evidence.
    #[error("no failed check shows the ground {0}")]
    GroundNotShown(Ground),
    /// The nomination changed since the checks were started: their results were not kept.
    #[error("the nomination changed while it was checked; run the checks again")]
    ChangedWhileChecked,
    #[error("a document is required")]
    DocumentMissing,
    #[error("the document is larger than 5 MB")]
    DocumentTooLarge,
    #[error("the document is not a PDF, JPEG or PNG file")]
    DocumentNotRecognised,
    #[error("a {} is not accepted as {:?}", kind.as_str(), format)]
    DocumentWrongType {
        kind: DocumentKind,
        format: CopyFormat,
    },
    /// A candidate's document without the candidate, a party's decision on a self-nomination…
    #[error("this document does not belong there")]
    DocumentMisplaced,
    #[error("the text is too long or holds control characters")]
    TextTooLong,
    #[error("not allowed for this account")]
    Forbidden,
}

impl CandidacyError {
    /// A stable code for clients and translations. A candidate refused at the door by a rule
    /// is `candidacy_ineligible`: [`CandidacyError::ground`] names the rule.
    pub fn code(&self) -> ErrorCode {
        use CandidacyError as E;
        match self {
            E::Store(e) => e.code(),
            E::UnknownElection(_) => ErrorCode::UnknownElection,
            E::CalendarInvalid(e) => e.code(),
            E::Transition(TransitionError::Candidate { .. }) => ErrorCode::CandidacyIneligible,
            E::Transition(e) => e.code(),
            E::Identity(e) => e.code(),
            E::Registry(e) => e.code(),
            E::CheckInput(_) => ErrorCode::CandidacyCheckInput,
            E::Ballot(e) => e.code(),
            E::Password(PasswordError::Weak(e)) => e.code(),
            E::Password(PasswordError::Hash(_)) => ErrorCode::Internal,
            E::BadNominationId => ErrorCode::CandidacyBadId,
            E::UnknownNomination(_) => ErrorCode::CandidacyUnknownNomination,
            E::UnknownParty(_) => ErrorCode::CandidacyUnknownParty,
            E::UnknownCouncil(_) => ErrorCode::UnknownCouncil,
            E::CouncilNotInElection(_) => ErrorCode::CandidacyCouncilNotInElection,
            E::UnknownDistrict(_) => ErrorCode::CandidacyUnknownDistrict,
            E::ListAlreadyOpen(_) => ErrorCode::CandidacyListAlreadyOpen,
            E::NotOwnCommunity => ErrorCode::CandidacyNotOwnCommunity,
            E::NotTheVoter => ErrorCode::CandidacyNotTheVoter,
            E::ChecksPending => ErrorCode::CandidacyChecksPending,
            E::GroundNotShown(_) => ErrorCode::CandidacyGroundNotShown,
            E::ChangedWhileChecked => ErrorCode::CandidacyChangedWhileChecked,
            E::DocumentMissing => ErrorCode::CandidacyDocumentMissing,
            E::DocumentTooLarge => ErrorCode::CandidacyDocumentTooLarge,
            E::DocumentNotRecognised => ErrorCode::CandidacyDocumentNotRecognised,
            E::DocumentWrongType { .. } => ErrorCode::CandidacyDocumentWrongType,
            E::DocumentMisplaced => ErrorCode::CandidacyDocumentMisplaced,
            E::TextTooLong => ErrorCode::CandidacyTextTooLong,
            E::Forbidden => ErrorCode::Forbidden,
        }
    }

    /// The legal ground a refusal names (its rule is `ground.rule()`, its message
    /// `ground.message_key()`), with the candidate it concerns.
    pub fn ground(&self) -> Option<(Option<&CandidateId>, Ground)> {
        match self {
            CandidacyError::Transition(TransitionError::Candidate { candidate, ground }) => {
                Some((Some(candidate), *ground))
            }
            CandidacyError::GroundNotShown(g) => Some((None, *g)),
            _ => None,
        }
    }

    /// The rule the refusal applies, when it names one (`CAN-05`, `CAN-06`, `CAL-07`…).
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            CandidacyError::Transition(TransitionError::Candidate { ground, .. })
            | CandidacyError::GroundNotShown(ground) => Some(ground.rule()),
            CandidacyError::Transition(TransitionError::List(_)) => Some("CAN-06"),
            CandidacyError::Transition(TransitionError::Calendar(c)) => Some(match c {
                shailoo_domain::calendar::ActionClosed::NotYetOpen { rule, .. }
                | shailoo_domain::calendar::ActionClosed::Closed { rule, .. } => rule,
            }),
            CandidacyError::Transition(TransitionError::TimeLimit { limit, .. }) => {
                Some(limit.rule())
            }
            CandidacyError::NotOwnCommunity => Some("CAN-01"),
            CandidacyError::ListAlreadyOpen(_) | CandidacyError::UnknownDistrict(_) => {
                Some("CAN-03")
            }
            _ => None,
        }
    }
}

impl From<ElectionCalendarError> for CandidacyError {
    fn from(e: ElectionCalendarError) -> Self {
        match e {
            ElectionCalendarError::Store(e) => CandidacyError::Store(e),
            ElectionCalendarError::UnknownElection(id) => CandidacyError::UnknownElection(id),
            ElectionCalendarError::Invalid(e) => CandidacyError::CalendarInvalid(e),
        }
    }
}

impl From<shailoo_domain::calendar::ActionClosed> for CandidacyError {
    fn from(e: shailoo_domain::calendar::ActionClosed) -> Self {
        CandidacyError::Transition(TransitionError::Calendar(e))
    }
}

/// Whether a check's latest result failed with `ground`.
pub(crate) fn shows(results: &[&CheckResult], ground: Ground) -> bool {
    results
        .iter()
        .any(|r| r.outcome == CheckOutcome::Fail { ground })
}

/// The check whose evidence a ground needs, if it is one the registries answer (a ground the
/// TEC finds by reading the documents, or the system's own, needs none).
pub(crate) fn registry_check(ground: Ground) -> Option<Check> {
    ground
        .as_candidate()
        .and_then(Check::of)
        .filter(|c| c.registry().is_some())
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::too_many_lines,
    reason = "tests fail loudly, and a test reads as one scenario (the size limits are for production code)"
)]
mod tests {
    use super::*;
    use shailoo_domain::candidate::CandidateCode;

    #[test]
    fn can_08_a_document_is_recognised_by_its_bytes_and_allowed_for_its_kind() {
        let pdf = Document::parse(DocumentKind::Consent, b"%PDF-1.7\n".to_vec()).unwrap();
        assert_eq!(pdf.format(), CopyFormat::Pdf);
        assert_eq!(pdf.digest(), blake3::hash(b"%PDF-1.7\n").to_hex().as_str());
        let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 1];
        assert!(Document::parse(DocumentKind::Photo, jpeg.clone()).is_ok());
        assert!(matches!(
            Document::parse(DocumentKind::Program, jpeg),
            Err(CandidacyError::DocumentWrongType {
                kind: DocumentKind::Program,
                format: CopyFormat::Jpeg
            })
        ));
        assert!(matches!(
            Document::parse(DocumentKind::Photo, b"%PDF-1.4".to_vec()),
            Err(CandidacyError::DocumentWrongType { .. })
        ));
        assert!(matches!(
            Document::parse(DocumentKind::Consent, b"MZ not a document".to_vec()),
            Err(CandidacyError::DocumentNotRecognised)
        ));
        assert!(matches!(
            Document::parse(DocumentKind::Consent, Vec::new()),
            Err(CandidacyError::DocumentMissing)
        ));
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_DOCUMENT_BYTES + 1, b' ');
        assert!(matches!(
            Document::parse(DocumentKind::Program, big),
            Err(CandidacyError::DocumentTooLarge)
        ));
        assert!(DocumentKind::Photo.is_public() && DocumentKind::Program.is_public());
        assert!(!DocumentKind::Consent.is_public() && !DocumentKind::PartyDecision.is_public());
    }

    #[test]
    fn texts_are_trimmed_bounded_and_blank_is_none() {
        assert_eq!(Occupation::parse("  ").unwrap(), None);
        assert_eq!(
            Occupation::parse(" мугалим ").unwrap().unwrap().as_str(),
            "мугалим"
        );
        assert!(Occupation::parse("a\nb").is_err());
        assert!(ProgramText::parse("биринчи\nэкинчи").unwrap().is_some());
        assert!(Occupation::parse(&"x".repeat(MAX_OCCUPATION_CHARS + 1)).is_err());
    }

    #[test]
    fn candidate_ids_are_the_nomination_and_a_counter() {
        let id = NominationId::parse("12").unwrap();
        assert_eq!(id.candidate(3).as_str(), "12-3");
        assert!(NominationId::parse("0").is_err());
        assert!(NominationId::parse("x").is_err());
    }

    #[test]
    fn codes_round_trip_and_name_their_capability() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
        for s in PublicStatus::ALL {
            assert_eq!(PublicStatus::parse(s.as_str()), Some(s));
        }
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.as_str()), Some(k));
        }
        let ground = Ground::candidate(CandidateCode::NotCitizen).unwrap();
        let n = NominationId(1);
        let all = [
            CandidacyError::Transition(TransitionError::Candidate {
                candidate: n.candidate(1),
                ground,
            }),
            CandidacyError::BadNominationId,
            CandidacyError::UnknownNomination(n),
            CandidacyError::UnknownParty(PartyId::parse("p").unwrap()),
            CandidacyError::CouncilNotInElection(CouncilId::parse("c").unwrap()),
            CandidacyError::UnknownDistrict(DistrictId::parse("1").unwrap()),
            CandidacyError::ListAlreadyOpen(n),
            CandidacyError::NotOwnCommunity,
            CandidacyError::NotTheVoter,
            CandidacyError::ChecksPending,
            CandidacyError::GroundNotShown(ground),
            CandidacyError::ChangedWhileChecked,
            CandidacyError::DocumentMissing,
            CandidacyError::DocumentTooLarge,
            CandidacyError::DocumentNotRecognised,
            CandidacyError::DocumentWrongType {
                kind: DocumentKind::Photo,
                format: CopyFormat::Pdf,
            },
            CandidacyError::DocumentMisplaced,
            CandidacyError::TextTooLong,
            CandidacyError::CheckInput(CheckInputError::PartyMismatch),
        ];
        // Each refusal of our own has a code of its own capability (ErrorCode is closed, so
        // every code has its messages).
        for e in &all {
            assert!(e.code().as_str().starts_with("candidacy_"), "{}", e.code());
        }
        assert_eq!(
            all[0].ground().map(|(_, g)| g.rule()),
            Some("CAN-08"),
            "a refusal at the door names its rule"
        );
        let transitions = [
            TransitionError::OneCandidateOnly,
            TransitionError::Empty,
            TransitionError::BadOrder,
            TransitionError::Stale,
            TransitionError::ReportMismatch,
            TransitionError::ListsOnly,
            TransitionError::NotTheNominator,
            TransitionError::EmptyNote,
            TransitionError::List(Vec::new()),
            TransitionError::LastCandidate(n.candidate(1)),
            TransitionError::UnknownCandidate(n.candidate(1)),
            TransitionError::DuplicateId(n.candidate(1)),
        ];
        for e in transitions {
            let code = CandidacyError::Transition(e).code();
            assert!(code.as_str().starts_with("candidacy_"), "{code}");
        }
        for e in [
            IdentityError::UnknownPin(Pin::parse("11502199000123").unwrap()),
            IdentityError::AnswerForAnotherPin,
        ] {
            assert!(e.code().as_str().starts_with("candidate_"), "{}", e.code());
        }
    }
}
