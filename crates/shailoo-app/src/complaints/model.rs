//! The types of the complaints registry: the complaint and its steps (its filing and each
//! appeal, each with its clock and decision), what is filed and decided, the public view, and
//! [`ComplaintError`] with its stable codes.

use crate::candidates::NominationId;
use crate::claims::{ClaimId, CopyFormat, PassportCopy};
use crate::store::StoreError;
pub use crate::users::Filer;
use crate::users::Username;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::CalendarError;
use shailoo_domain::complaint::{Clock, ClockError, Level, Subject, filing_deadline};
use shailoo_domain::params::RuleParameters;
use shailoo_domain::text::{Lines, check};
use shailoo_domain::time::to_bishkek;
use shailoo_domain::{CommissionId, ElectionId, ErrorCode, StationNumber};
use std::fmt;

/// The longest text a complaint's field takes, in characters.
pub const MAX_TEXT_CHARS: usize = 4_000;

/// A complaint's number in the registry, from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ComplaintId(i64);

impl ComplaintId {
    pub fn new(n: i64) -> Option<ComplaintId> {
        (n >= 1).then_some(ComplaintId(n))
    }
    /// Parses a complaint number as written in a URL or a form.
    pub fn parse(s: &str) -> Result<ComplaintId, ComplaintError> {
        s.trim()
            .parse::<i64>()
            .ok()
            .and_then(ComplaintId::new)
            .ok_or(ComplaintError::BadId)
    }
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for ComplaintId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Text typed into a complaint: trimmed, not empty, at most [`MAX_TEXT_CHARS`], with no control
/// or bidirectional formatting character (line breaks allowed).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Text(String);

impl Text {
    pub fn parse(s: &str) -> Result<Text, ComplaintError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(ComplaintError::EmptyText);
        }
        if t.chars().count() > MAX_TEXT_CHARS || check(t, Lines::Many).is_err() {
            return Err(ComplaintError::BadText);
        }
        Ok(Text(t.to_owned()))
    }
    /// `None` for a blank field, the parsed text otherwise.
    pub fn optional(s: &str) -> Result<Option<Text>, ComplaintError> {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            Text::parse(s).map(Some)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Text {
    type Error = ComplaintError;
    fn try_from(s: String) -> Result<Text, ComplaintError> {
        Text::parse(&s)
    }
}
impl From<Text> for String {
    fn from(t: Text) -> String {
        t.0
    }
}
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who complains (CMP-05: anyone with an interest in the election).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplainantKind {
    Voter,
    Candidate,
    Party,
    Observer,
}

impl ComplainantKind {
    pub const ALL: [ComplainantKind; 4] = [
        ComplainantKind::Voter,
        ComplainantKind::Candidate,
        ComplainantKind::Party,
        ComplainantKind::Observer,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ComplainantKind::Voter => "voter",
            ComplainantKind::Candidate => "candidate",
            ComplainantKind::Party => "party",
            ComplainantKind::Observer => "observer",
        }
    }
    pub fn from_code(code: &str) -> Option<ComplainantKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// The complainant as the complaint names them: personal data, shown to the commissions that
/// hear the complaint and never in the public registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complainant {
    pub kind: ComplainantKind,
    /// The person's full name, or the party's or observer organisation's name and its
    /// representative.
    pub name: Text,
    /// Where the decision is sent (address, phone or e-mail).
    pub contact: Option<Text>,
}

/// How the complaint reached the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Filed online by the complainant, signed in (the voter cabinet, a party's account).
    Online,
    /// Handed in on paper and entered by the commission's staff.
    Paper,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Paper => "paper",
        }
    }
    pub fn from_code(code: &str) -> Option<Channel> {
        [Channel::Online, Channel::Paper]
            .into_iter()
            .find(|c| c.code() == code)
    }
}

/// What the complaint names besides the commission (all optional, CMP-05).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct About {
    /// A polling station (its PEC's decision, action or protocol).
    pub station: Option<StationNumber>,
    /// A candidacy (a nomination's registration or refusal).
    pub nomination: Option<NominationId>,
    /// A voter-list claim (its decision).
    pub claim: Option<ClaimId>,
}

/// A complaint as filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintDraft {
    /// The commission whose decision, action or inaction it is about, which hears it.
    pub commission: CommissionId,
    pub subject: Subject,
    /// The day of the decision or action (none for an inaction).
    pub act_on: Option<Date>,
    pub about: About,
    pub complainant: Complainant,
    /// What is complained of and what is asked.
    pub summary: Text,
    /// The supporting document handed in with it (a scan or a PDF), kept with its first
    /// step; never serialized: the audit entry records its digest through the step.
    #[serde(skip)]
    pub document: Option<Document>,
}

/// How a commission (or the court) decided (чечим / решение).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Канааттандырылды / удовлетворить.
    Upheld,
    /// Жарым-жартылай / удовлетворить частично.
    PartlyUpheld,
    /// Четке кагылды / отказать.
    Rejected,
    /// Каралбай калтырылды / оставить без рассмотрения (late, not competent, withdrawn).
    NotConsidered,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Upheld,
        Outcome::PartlyUpheld,
        Outcome::Rejected,
        Outcome::NotConsidered,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Upheld => "upheld",
            Outcome::PartlyUpheld => "partly_upheld",
            Outcome::Rejected => "rejected",
            Outcome::NotConsidered => "not_considered",
        }
    }
    pub fn from_code(code: &str) -> Option<Outcome> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// The document of a decision or of a court's act: a PDF or a scan, recognised by its bytes
/// (as a claim's passport copy is) and kept once per BLAKE3 digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document(PassportCopy);

impl Document {
    pub fn parse(bytes: Vec<u8>) -> Result<Document, ComplaintError> {
        use crate::claims::ClaimError as C;
        PassportCopy::parse(bytes)
            .map(Document)
            .map_err(|e| match e {
                C::CopyMissing => ComplaintError::DocumentMissing,
                C::CopyTooLarge => ComplaintError::DocumentTooLarge,
                _ => ComplaintError::DocumentNotRecognised,
            })
    }
    /// A document read back from storage (checked when it was stored).
    pub fn from_stored(bytes: Vec<u8>) -> Result<Document, ComplaintError> {
        PassportCopy::from_stored(bytes)
            .map(Document)
            .map_err(|_| ComplaintError::DocumentNotRecognised)
    }
    pub fn bytes(&self) -> &[u8] {
        self.0.bytes()
    }
    pub fn info(&self) -> DocumentInfo {
        DocumentInfo {
            format: self.0.format(),
            digest: self.0.digest().to_owned(),
            size: self.0.bytes().len() as u64,
        }
    }
}

/// What the registry shows of a document: its format, digest and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInfo {
    pub format: CopyFormat,
    /// BLAKE3, hex.
    pub digest: String,
    pub size: u64,
}

/// A decision as taken: how, why, and its document (number and file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionDraft {
    pub outcome: Outcome,
    pub reasons: Text,
    /// The decision's (or the court act's) number.
    pub number: Text,
    pub document: Document,
}

/// A decision as stored on a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    pub reasons: Text,
    pub number: Text,
    pub document: DocumentInfo,
    pub decided_by: Filer,
    pub decided_at: Timestamp,
}

/// Who hears a step: a commission, or a court by its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Forum {
    Commission(CommissionId),
    Court(Text),
}

impl Forum {
    pub fn commission(&self) -> Option<&CommissionId> {
        match self {
            Forum::Commission(c) => Some(c),
            Forum::Court(_) => None,
        }
    }
}

/// One step of a complaint: its filing (the first) or an appeal, heard at one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// 1 for the complaint itself, 2… for each appeal.
    pub seq: u32,
    pub level: Level,
    pub forum: Forum,
    /// For an appeal, its grounds; for the complaint, `None` (its summary says it).
    pub grounds: Option<Text>,
    pub filed_by: Filer,
    pub filed_at: Timestamp,
    /// The commission's clock; `None` before a court, whose time limits are its own.
    pub clock: Option<Clock>,
    /// The member who prepares the decision.
    pub assigned_to: Option<Username>,
    pub decision: Option<Decision>,
    /// The document the filer handed in with the complaint or the appeal: it may hold
    /// personal data, so only the filer and the commissions' staff read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<DocumentInfo>,
}

/// Where a complaint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    /// Waiting for a member to take it.
    Filed,
    /// A member prepares the decision.
    Assigned,
    /// The level heard it; an appeal may follow.
    Decided,
    /// Appealed to the court, whose act is awaited.
    InCourt,
    /// The court's act is recorded: the registry follows it no further.
    Closed,
}

impl ComplaintStatus {
    pub const ALL: [ComplaintStatus; 5] = [
        ComplaintStatus::Filed,
        ComplaintStatus::Assigned,
        ComplaintStatus::Decided,
        ComplaintStatus::InCourt,
        ComplaintStatus::Closed,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ComplaintStatus::Filed => "filed",
            ComplaintStatus::Assigned => "assigned",
            ComplaintStatus::Decided => "decided",
            ComplaintStatus::InCourt => "in_court",
            ComplaintStatus::Closed => "closed",
        }
    }
    pub fn from_code(code: &str) -> Option<ComplaintStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A complaint with every step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    pub id: ComplaintId,
    pub election: ElectionId,
    pub subject: Subject,
    pub act_on: Option<Date>,
    pub about: About,
    pub complainant: Complainant,
    pub channel: Channel,
    pub summary: Text,
    /// The complaint first, then each appeal; never empty.
    pub steps: Vec<Step>,
}

impl Complaint {
    /// The step being heard now (or last heard).
    pub fn current(&self) -> &Step {
        // Every constructor pushes the first step; the store refuses a complaint without one.
        &self.steps[self.steps.len() - 1]
    }

    /// Who filed the complaint itself.
    pub fn filer(&self) -> &Filer {
        &self.steps[0].filed_by
    }

    pub fn filed_at(&self) -> Timestamp {
        self.steps[0].filed_at
    }

    pub fn status(&self) -> ComplaintStatus {
        let step = self.current();
        match (step.level, &step.decision, &step.assigned_to) {
            (Level::Court, Some(_), _) => ComplaintStatus::Closed,
            (Level::Court, None, _) => ComplaintStatus::InCourt,
            (_, Some(_), _) => ComplaintStatus::Decided,
            (_, None, Some(_)) => ComplaintStatus::Assigned,
            (_, None, None) => ComplaintStatus::Filed,
        }
    }

    /// Until when the decision of the current step may be appealed (CMP-06: the filing
    /// period runs from the day of the decision), or `None` when nothing is to appeal (not
    /// decided yet, or the court's act closed the case).
    pub fn appeal_deadline(&self, params: &RuleParameters) -> Option<Timestamp> {
        let step = self.current();
        step.level.next()?;
        let decided = step.decision.as_ref()?;
        Some(filing_deadline(
            to_bishkek(decided.decided_at).date(),
            params,
        ))
    }

    /// The filer's documents of the complaint and its appeals.
    pub fn attachments(&self) -> impl Iterator<Item = &DocumentInfo> {
        self.steps.iter().filter_map(|s| s.attachment.as_ref())
    }

    /// Whether the step being heard is undecided past its decision due (CMP-06).
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        let step = self.current();
        step.decision.is_none() && step.clock.is_some_and(|c| c.is_overdue(now))
    }

    /// What the public registry shows: no complainant's name, contact, PIN or account, and
    /// nobody's account name (CMP-05 makes the complaints and decisions public, not the
    /// persons).
    pub fn public(&self) -> PublicComplaint {
        PublicComplaint {
            id: self.id,
            election: self.election.clone(),
            subject: self.subject,
            act_on: self.act_on,
            about: self.about.clone(),
            complainant: self.complainant.kind,
            channel: self.channel,
            summary: self.summary.clone(),
            status: self.status(),
            steps: self
                .steps
                .iter()
                .map(|s| PublicStep {
                    seq: s.seq,
                    level: s.level,
                    forum: s.forum.clone(),
                    grounds: s.grounds.clone(),
                    filed_at: s.filed_at,
                    clock: s.clock,
                    attachment: s.attachment.is_some(),
                    decision: s.decision.as_ref().map(|d| PublicDecision {
                        outcome: d.outcome,
                        reasons: d.reasons.clone(),
                        number: d.number.clone(),
                        document: d.document.clone(),
                        decided_at: d.decided_at,
                    }),
                })
                .collect(),
        }
    }
}

/// A complaint in the public registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicComplaint {
    pub id: ComplaintId,
    pub election: ElectionId,
    pub subject: Subject,
    pub act_on: Option<Date>,
    pub about: About,
    /// Only what kind of complainant: no name, no contact.
    pub complainant: ComplainantKind,
    pub channel: Channel,
    pub summary: Text,
    pub status: ComplaintStatus,
    pub steps: Vec<PublicStep>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicStep {
    pub seq: u32,
    pub level: Level,
    pub forum: Forum,
    pub grounds: Option<Text>,
    pub filed_at: Timestamp,
    pub clock: Option<Clock>,
    /// Whether the filer handed in a document: that it exists is public, not its content.
    pub attachment: bool,
    pub decision: Option<PublicDecision>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicDecision {
    pub outcome: Outcome,
    pub reasons: Text,
    pub number: Text,
    pub document: DocumentInfo,
    pub decided_at: Timestamp,
}

/// What a listing asks for; absent fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplaintFilter {
    /// The commission hearing the current step.
    pub commission: Option<CommissionId>,
    /// The level of the current step.
    pub level: Option<Level>,
    pub subject: Option<Subject>,
    pub status: Option<ComplaintStatus>,
    pub station: Option<StationNumber>,
    /// Only complaints whose current step a commission at or below this one hears (set by
    /// the use case from the actor's reach, never by a caller).
    pub within: Option<CommissionId>,
}

/// An appeal as filed: against the decision of the current step, to the next level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealDraft {
    pub grounds: Text,
    /// The court, when the CEC's decision is appealed.
    pub court: Option<Text>,
    /// A supporting document handed in with the appeal.
    pub document: Option<Document>,
}

/// Why a complaint step was refused. Codes are stable (`code()`, an [`ErrorCode`]).
#[derive(Debug, thiserror::Error)]
pub enum ComplaintError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    #[error("the election's calendar is invalid: {0}")]
    CalendarInvalid(#[from] CalendarError),
    /// The clock refuses the filing (late: CMP-06), or the act's date does not fit.
    #[error(transparent)]
    Clock(#[from] ClockError),
    #[error("not a complaint number")]
    BadId,
    #[error("unknown complaint {0}")]
    UnknownComplaint(ComplaintId),
    #[error("unknown commission {0}")]
    UnknownCommission(CommissionId),
    #[error("unknown polling station {0}")]
    UnknownStation(StationNumber),
    /// The station named is not in the area of the commission complained of.
    #[error("station {0} is not in the area of the commission complained of")]
    StationOutsideCommission(StationNumber),
    #[error("unknown nomination {0}")]
    UnknownNomination(NominationId),
    #[error("unknown voter-list claim {0}")]
    UnknownClaim(ClaimId),
    /// One person never both files and decides (nor assigns to themself what they filed).
    #[error("the one who filed a complaint or an appeal may not decide it")]
    OwnComplaint,
    #[error("the member assigned is not a member of the commission that hears the complaint")]
    AssigneeNotMember,
    #[error("the step is already decided")]
    AlreadyDecided,
    #[error("the step is not decided yet: nothing to appeal")]
    NotDecided,
    /// CMP-06: the court's act ends what this registry follows.
    #[error("the court's act is the last step")]
    NoFurtherAppeal,
    #[error("an appeal to the court names the court")]
    CourtRequired,
    #[error("the step is heard by a commission: record its decision, not a court's act")]
    NotInCourt,
    #[error("the step is heard by a court: record the court's act")]
    InCourt,
    /// A complaint filed online is appealed online by its complainant (or on paper by staff).
    #[error("only the complainant appeals a decision on their complaint")]
    NotTheComplainant,
    #[error("a text field is empty")]
    EmptyText,
    #[error("a text field is too long or holds a control character")]
    BadText,
    #[error("a document is required")]
    DocumentMissing,
    #[error("the document is larger than 5 MB")]
    DocumentTooLarge,
    #[error("the document is not a PDF, JPEG or PNG file")]
    DocumentNotRecognised,
    #[error("unknown value {0:?}")]
    UnknownCode(String),
    #[error("not allowed for this account")]
    Forbidden,
}

impl ComplaintError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        use ComplaintError as E;
        match self {
            E::Store(e) => e.code(),
            E::UnknownElection(_) => ErrorCode::UnknownElection,
            E::CalendarInvalid(e) => e.code(),
            E::Clock(e) => e.code(),
            E::BadId => ErrorCode::ComplaintBadId,
            E::UnknownComplaint(_) => ErrorCode::ComplaintUnknown,
            E::UnknownCommission(_) => ErrorCode::UnknownCommission,
            E::UnknownStation(_) => ErrorCode::ComplaintUnknownStation,
            E::StationOutsideCommission(_) => ErrorCode::ComplaintStationOutsideCommission,
            E::UnknownNomination(_) => ErrorCode::ComplaintUnknownNomination,
            E::UnknownClaim(_) => ErrorCode::ComplaintUnknownClaim,
            E::OwnComplaint => ErrorCode::ComplaintOwn,
            E::AssigneeNotMember => ErrorCode::ComplaintAssigneeNotMember,
            E::AlreadyDecided => ErrorCode::ComplaintAlreadyDecided,
            E::NotDecided => ErrorCode::ComplaintNotDecided,
            E::NoFurtherAppeal => ErrorCode::ComplaintNoFurtherAppeal,
            E::CourtRequired => ErrorCode::ComplaintCourtRequired,
            E::NotInCourt => ErrorCode::ComplaintNotInCourt,
            E::InCourt => ErrorCode::ComplaintInCourt,
            E::NotTheComplainant => ErrorCode::ComplaintNotTheComplainant,
            E::EmptyText => ErrorCode::ComplaintEmptyText,
            E::BadText => ErrorCode::ComplaintBadText,
            E::DocumentMissing => ErrorCode::ComplaintDocumentMissing,
            E::DocumentTooLarge => ErrorCode::ComplaintDocumentTooLarge,
            E::DocumentNotRecognised => ErrorCode::ComplaintDocumentNotRecognised,
            E::UnknownCode(_) => ErrorCode::ComplaintUnknownValue,
            E::Forbidden => ErrorCode::Forbidden,
        }
    }

    /// The rule a refusal applies, when it names one.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            ComplaintError::Clock(e) => Some(e.rule()),
            ComplaintError::NoFurtherAppeal | ComplaintError::CourtRequired => Some("CMP-06"),
            ComplaintError::OwnComplaint => Some("CMP-05"),
            _ => None,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use shailoo_domain::complaint::ClockError;

    #[test]
    fn every_refusal_has_its_own_stable_code() {
        let errors = [
            ComplaintError::Clock(ClockError::FiledTooLate {
                act_on: jiff::civil::date(2024, 10, 1),
                days: 3,
                deadline: Timestamp::UNIX_EPOCH,
            }),
            ComplaintError::Clock(ClockError::ActDateRequired),
            ComplaintError::Clock(ClockError::ActInFuture {
                act_on: jiff::civil::date(2024, 10, 1),
            }),
            ComplaintError::Clock(ClockError::BeforeCalling {
                called_on: jiff::civil::date(2024, 10, 1),
            }),
            ComplaintError::BadId,
            ComplaintError::UnknownComplaint(ComplaintId(1)),
            ComplaintError::UnknownStation(StationNumber::new(1).unwrap()),
            ComplaintError::StationOutsideCommission(StationNumber::new(1).unwrap()),
            ComplaintError::UnknownNomination(NominationId::new(1).unwrap()),
            ComplaintError::UnknownClaim(ClaimId::new(1).unwrap()),
            ComplaintError::OwnComplaint,
            ComplaintError::AssigneeNotMember,
            ComplaintError::AlreadyDecided,
            ComplaintError::NotDecided,
            ComplaintError::NoFurtherAppeal,
            ComplaintError::CourtRequired,
            ComplaintError::NotInCourt,
            ComplaintError::InCourt,
            ComplaintError::NotTheComplainant,
            ComplaintError::EmptyText,
            ComplaintError::BadText,
            ComplaintError::DocumentMissing,
            ComplaintError::DocumentTooLarge,
            ComplaintError::DocumentNotRecognised,
            ComplaintError::UnknownCode("x".into()),
        ];
        let codes: Vec<&str> = errors.iter().map(|e| e.code().as_str()).collect();
        assert!(
            codes.iter().all(|c| c.starts_with("complaint_")),
            "{codes:?}"
        );
        let unique: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), codes.len());
        assert_eq!(errors[0].rule(), Some("CMP-06"));
    }

    #[test]
    fn text_refuses_empty_overlong_and_control_characters() {
        assert_eq!(Text::parse("  a  ").unwrap().as_str(), "a");
        assert!(matches!(Text::parse(" "), Err(ComplaintError::EmptyText)));
        assert!(matches!(
            Text::parse("a\u{202E}b"),
            Err(ComplaintError::BadText)
        ));
        assert!(Text::parse("line\r\nline").is_ok());
        assert!(matches!(
            Text::parse(&"я".repeat(MAX_TEXT_CHARS + 1)),
            Err(ComplaintError::BadText)
        ));
    }
}
