//! The types of voter-list claims (VOT-08): what a claim asks for, its passport copy, where it
//! stands, the PEC's decision, the amendment history it leaves, and why a claim use case
//! refuses. Plain data: the life of a claim is in [`transitions`](super::transitions).

use crate::audit::AuditAction;
use crate::setup::ElectionCalendarError;
use crate::store::StoreError;
use crate::users::Actor;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::{ActionClosed, CalendarError};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::{CommissionId, CouncilId, ElectionId, ErrorCode, Pin, StationNumber};
use std::fmt;

/// The largest passport copy accepted: 5 MB, enough for a phone photo or a scanned page.
pub const MAX_COPY_BYTES: usize = 5 * 1024 * 1024;

/// Longest free text (a statement, a note, a reason, a corrected field), in characters.
pub const MAX_TEXT_CHARS: usize = 500;

/// The number of a claim: 1, 2, 3… per database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClaimId(i64);

impl ClaimId {
    pub fn new(n: i64) -> Option<ClaimId> {
        (n >= 1).then_some(ClaimId(n))
    }
    /// Parses a claim number as written in a URL or a form.
    pub fn parse(s: &str) -> Result<ClaimId, ClaimError> {
        s.trim()
            .parse::<i64>()
            .ok()
            .and_then(ClaimId::new)
            .ok_or(ClaimError::BadClaimId)
    }
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for ClaimId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A non-empty, trimmed line of text of at most [`MAX_TEXT_CHARS`] characters: a rejection's
/// reason, an acceptance's note, a corrected name or street.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Text(String);

impl Text {
    pub fn parse(s: &str) -> Result<Text, ClaimError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(ClaimError::EmptyText);
        }
        if t.chars().count() > MAX_TEXT_CHARS || t.chars().any(char::is_control) {
            return Err(ClaimError::TextTooLong);
        }
        Ok(Text(t.to_owned()))
    }
    /// `None` for a blank field of a form, the parsed text otherwise.
    pub fn optional(s: &str) -> Result<Option<Text>, ClaimError> {
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
    type Error = ClaimError;
    fn try_from(s: String) -> Result<Text, ClaimError> {
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

/// The two kinds of claim, for filters and the one-open-claim rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// Тизмеге киргизүү / включение в список.
    Inclusion,
    /// Маалыматтарды оңдоо / исправление сведений.
    Correction,
}

impl ClaimKind {
    pub const ALL: [ClaimKind; 2] = [ClaimKind::Inclusion, ClaimKind::Correction];
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Inclusion => "inclusion",
            ClaimKind::Correction => "correction",
        }
    }
    pub fn parse(s: &str) -> Option<ClaimKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A field of the list that a correction can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Surname,
    GivenName,
    Patronymic,
    BirthDate,
    Street,
    House,
    /// The station whose list holds the voter (changed by an inclusion).
    Station,
    /// The voter's council (changed by an inclusion).
    Council,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Surname,
        Field::GivenName,
        Field::Patronymic,
        Field::BirthDate,
        Field::Street,
        Field::House,
        Field::Station,
        Field::Council,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Surname => "surname",
            Field::GivenName => "given_name",
            Field::Patronymic => "patronymic",
            Field::BirthDate => "birth_date",
            Field::Street => "street",
            Field::House => "house",
            Field::Station => "station",
            Field::Council => "council",
        }
    }
    pub fn parse(s: &str) -> Option<Field> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Corrected personal data: only the fields the voter says are wrong, at least one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataCorrection {
    surname: Option<Text>,
    given_name: Option<Text>,
    patronymic: Option<Text>,
    birth_date: Option<Date>,
    street: Option<Text>,
    house: Option<Text>,
}

impl DataCorrection {
    /// A correction of the given fields; refused when none is given.
    pub fn new(
        surname: Option<Text>,
        given_name: Option<Text>,
        patronymic: Option<Text>,
        birth_date: Option<Date>,
        street: Option<Text>,
        house: Option<Text>,
    ) -> Result<DataCorrection, ClaimError> {
        let c = DataCorrection {
            surname,
            given_name,
            patronymic,
            birth_date,
            street,
            house,
        };
        if c.values().is_empty() {
            return Err(ClaimError::EmptyCorrection);
        }
        Ok(c)
    }

    pub fn surname(&self) -> Option<&Text> {
        self.surname.as_ref()
    }
    pub fn given_name(&self) -> Option<&Text> {
        self.given_name.as_ref()
    }
    pub fn patronymic(&self) -> Option<&Text> {
        self.patronymic.as_ref()
    }
    pub fn birth_date(&self) -> Option<Date> {
        self.birth_date
    }
    pub fn street(&self) -> Option<&Text> {
        self.street.as_ref()
    }
    pub fn house(&self) -> Option<&Text> {
        self.house.as_ref()
    }

    /// The corrected fields with their new values as text (dates in ISO form).
    pub fn values(&self) -> Vec<(Field, String)> {
        let text = |f: Field, v: &Option<Text>| v.as_ref().map(|t| (f, t.as_str().to_owned()));
        [
            text(Field::Surname, &self.surname),
            text(Field::GivenName, &self.given_name),
            text(Field::Patronymic, &self.patronymic),
            self.birth_date.map(|d| (Field::BirthDate, d.to_string())),
            text(Field::Street, &self.street),
            text(Field::House, &self.house),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// This correction laid over an earlier one: its fields win, the others stay.
    pub fn over(&self, earlier: &DataCorrection) -> DataCorrection {
        let pick = |a: &Option<Text>, b: &Option<Text>| a.clone().or_else(|| b.clone());
        DataCorrection {
            surname: pick(&self.surname, &earlier.surname),
            given_name: pick(&self.given_name, &earlier.given_name),
            patronymic: pick(&self.patronymic, &earlier.patronymic),
            birth_date: self.birth_date.or(earlier.birth_date),
            street: pick(&self.street, &earlier.street),
            house: pick(&self.house, &earlier.house),
        }
    }

    /// The register's record as the lists show it: corrected where this correction says so.
    pub fn apply(&self, record: &RegisterRecord) -> RegisterRecord {
        let mut out = record.clone();
        if let Some(v) = &self.surname {
            out.surname = v.as_str().to_owned();
        }
        if let Some(v) = &self.given_name {
            out.given_name = v.as_str().to_owned();
        }
        if let Some(v) = &self.patronymic {
            out.patronymic = Some(v.as_str().to_owned());
        }
        if let Some(v) = self.birth_date {
            out.birth_date = v;
        }
        if let Some(v) = &self.street {
            out.street = v.as_str().to_owned();
        }
        if let Some(v) = &self.house {
            out.house = v.as_str().to_owned();
        }
        out
    }
}

/// What a claim asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClaimRequest {
    /// Put the voter on the list of the claim's station, for that station's council.
    Inclusion,
    /// Show these corrected data on the list.
    Correction(DataCorrection),
}

impl ClaimRequest {
    pub fn kind(&self) -> ClaimKind {
        match self {
            ClaimRequest::Inclusion => ClaimKind::Inclusion,
            ClaimRequest::Correction(_) => ClaimKind::Correction,
        }
    }
}

/// Where the claim was filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// At the PEC, by staff on the voter's behalf.
    Commission,
    /// Online, by the voter in the voter cabinet.
    Cabinet,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Commission => "commission",
            Channel::Cabinet => "cabinet",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        [Channel::Commission, Channel::Cabinet]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
    /// The channel an actor files through.
    pub fn of(actor: &Actor) -> Channel {
        match actor {
            Actor::Voter { .. } => Channel::Cabinet,
            _ => Channel::Commission,
        }
    }
}

/// A claim as filed: whose, at which station (whose PEC decides, and where an inclusion puts
/// the voter), what for, and the voter's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimDraft {
    pub pin: Pin,
    pub station: StationNumber,
    pub request: ClaimRequest,
    pub statement: Option<Text>,
}

/// The recognised formats of a passport copy, by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CopyFormat {
    Jpeg,
    Png,
    Pdf,
}

impl CopyFormat {
    pub const ALL: [CopyFormat; 3] = [CopyFormat::Jpeg, CopyFormat::Png, CopyFormat::Pdf];
    pub fn content_type(self) -> &'static str {
        match self {
            CopyFormat::Jpeg => "image/jpeg",
            CopyFormat::Png => "image/png",
            CopyFormat::Pdf => "application/pdf",
        }
    }
    pub fn from_content_type(s: &str) -> Option<CopyFormat> {
        Self::ALL.into_iter().find(|f| f.content_type() == s)
    }
    pub fn extension(self) -> &'static str {
        match self {
            CopyFormat::Jpeg => "jpg",
            CopyFormat::Png => "png",
            CopyFormat::Pdf => "pdf",
        }
    }
    /// Whether `bytes`, which begin like this format, are built like it: an image whose header
    /// gives its width and height (read by `imagesize`) and that ends as the format ends (a
    /// JPEG's end-of-image marker, a PNG's chunks walked from `IHDR` to `IEND`), or a PDF with
    /// its version line and, in its last kilobyte, `startxref` and `%%EOF` (what a PDF reader
    /// looks for first). Magic bytes alone are what a forgery copies; this is what it does not
    /// have. It does not decode the picture: a malformed body inside a well-formed frame is the
    /// PEC's to see when it opens the copy.
    pub fn check(self, bytes: &[u8]) -> Result<(), ClaimError> {
        let ok = match self {
            CopyFormat::Jpeg => {
                has_dimensions(bytes, imagesize::ImageType::Jpeg)
                    && trim_end_padding(bytes).ends_with(&[0xFF, 0xD9])
            }
            CopyFormat::Png => {
                has_dimensions(bytes, imagesize::ImageType::Png) && png_chunks_end_at_iend(bytes)
            }
            CopyFormat::Pdf => pdf_is_framed(bytes),
        };
        if ok {
            Ok(())
        } else {
            Err(ClaimError::CopyMalformed)
        }
    }

    /// The format the bytes are, whatever the file was called.
    pub fn sniff(bytes: &[u8]) -> Option<CopyFormat> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(CopyFormat::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(CopyFormat::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(CopyFormat::Pdf)
        } else {
            None
        }
    }
}

/// Whether `imagesize` reads the header as `kind` with a non-zero width and height.
fn has_dimensions(bytes: &[u8], kind: imagesize::ImageType) -> bool {
    imagesize::image_type(bytes).is_ok_and(|t| t == kind)
        && imagesize::blob_size(bytes).is_ok_and(|s| s.width > 0 && s.height > 0)
}

/// `bytes` without the zero bytes and white space some scanners append after the end.
fn trim_end_padding(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| *b != 0 && !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

/// A PNG after its 8-byte signature is a sequence of chunks (length, type, data, CRC), the
/// first `IHDR`, the last `IEND`, ending exactly at the end of the file.
fn png_chunks_end_at_iend(bytes: &[u8]) -> bool {
    let mut at = 8;
    let mut first = true;
    while let Some(header) = bytes.get(at..at + 8) {
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        if first && kind != b"IHDR" {
            return false;
        }
        first = false;
        let Some(next) = at.checked_add(12).and_then(|n| n.checked_add(len)) else {
            return false;
        };
        if next > bytes.len() {
            return false;
        }
        if kind == b"IEND" {
            return next == bytes.len();
        }
        at = next;
    }
    false
}

/// `%PDF-d.d` first, and `startxref` followed by `%%EOF` in the last 1024 bytes.
fn pdf_is_framed(bytes: &[u8]) -> bool {
    let version = bytes
        .get(5..8)
        .is_some_and(|v| v[0].is_ascii_digit() && v[1] == b'.' && v[2].is_ascii_digit());
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).rposition(|w| w == needle);
    match (find(tail, b"startxref"), find(tail, b"%%EOF")) {
        (Some(xref), Some(eof)) => version && xref < eof,
        _ => false,
    }
}

/// A passport copy, checked: a JPEG, PNG or PDF by its magic bytes *and* its structure
/// ([`CopyFormat::check`]), at most [`MAX_COPY_BYTES`], with its BLAKE3 digest.
#[derive(Clone, PartialEq, Eq)]
pub struct PassportCopy {
    format: CopyFormat,
    bytes: Vec<u8>,
    digest: String,
}

impl PassportCopy {
    pub fn parse(bytes: Vec<u8>) -> Result<PassportCopy, ClaimError> {
        PassportCopy::parse_within(bytes, MAX_COPY_BYTES)
    }

    /// A file checked as a copy is, at most `limit` bytes (a protocol's photo may be larger
    /// than a passport copy).
    pub fn parse_within(bytes: Vec<u8>, limit: usize) -> Result<PassportCopy, ClaimError> {
        let copy = PassportCopy::sniffed(bytes, limit)?;
        copy.format.check(&copy.bytes)?;
        Ok(copy)
    }

    /// A copy read back from storage: recognised by its magic bytes only, since it was checked
    /// when it was filed (copies filed before the structural check are still served; the store
    /// compares the digest).
    pub fn from_stored(bytes: Vec<u8>) -> Result<PassportCopy, ClaimError> {
        PassportCopy::sniffed(bytes, MAX_COPY_BYTES)
    }

    /// A file read back from storage that was checked within `limit` bytes when stored.
    pub fn from_stored_within(bytes: Vec<u8>, limit: usize) -> Result<PassportCopy, ClaimError> {
        PassportCopy::sniffed(bytes, limit)
    }

    fn sniffed(bytes: Vec<u8>, limit: usize) -> Result<PassportCopy, ClaimError> {
        if bytes.is_empty() {
            return Err(ClaimError::CopyMissing);
        }
        if bytes.len() > limit {
            return Err(ClaimError::CopyTooLarge);
        }
        let format = CopyFormat::sniff(&bytes).ok_or(ClaimError::CopyNotRecognised)?;
        let digest = blake3::hash(&bytes).to_hex().to_string();
        Ok(PassportCopy {
            format,
            bytes,
            digest,
        })
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
    pub fn info(&self) -> CopyInfo {
        CopyInfo {
            format: self.format,
            digest: self.digest.clone(),
            size: u64::try_from(self.bytes.len()).unwrap_or(u64::MAX),
        }
    }
}

impl fmt::Debug for PassportCopy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the bytes: a passport is personal data.
        write!(f, "PassportCopy({:?}, {})", self.format, self.digest)
    }
}

/// What is known of a stored copy without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyInfo {
    pub format: CopyFormat,
    pub digest: String,
    pub size: u64,
}

/// Who decided and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decided {
    pub by: String,
    pub at: Timestamp,
}

/// Where a claim stands. A rejection always has its reason; only a decided claim has a
/// decider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ClaimStatus {
    Filed,
    Accepted {
        decided: Decided,
        note: Option<Text>,
    },
    Rejected {
        decided: Decided,
        reason: Text,
    },
}

impl ClaimStatus {
    pub fn state(&self) -> ClaimState {
        match self {
            ClaimStatus::Filed => ClaimState::Filed,
            ClaimStatus::Accepted { .. } => ClaimState::Accepted,
            ClaimStatus::Rejected { .. } => ClaimState::Rejected,
        }
    }
    pub fn decided(&self) -> Option<&Decided> {
        match self {
            ClaimStatus::Filed => None,
            ClaimStatus::Accepted { decided, .. } | ClaimStatus::Rejected { decided, .. } => {
                Some(decided)
            }
        }
    }
    /// The reason of a rejection or the note of an acceptance.
    pub fn text(&self) -> Option<&Text> {
        match self {
            ClaimStatus::Filed => None,
            ClaimStatus::Accepted { note, .. } => note.as_ref(),
            ClaimStatus::Rejected { reason, .. } => Some(reason),
        }
    }
}

/// The state of a claim without its details, for filters and storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimState {
    Filed,
    Accepted,
    Rejected,
}

impl ClaimState {
    pub const ALL: [ClaimState; 3] = [
        ClaimState::Filed,
        ClaimState::Accepted,
        ClaimState::Rejected,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimState::Filed => "filed",
            ClaimState::Accepted => "accepted",
            ClaimState::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<ClaimState> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// One claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub id: ClaimId,
    pub election: ElectionId,
    pub pin: Pin,
    /// The station whose PEC decides; where an inclusion puts the voter.
    pub station: StationNumber,
    /// The voter's home station when the claim was filed: the station whose list held them,
    /// or else the one serving their registered address (`None`: neither). Its commission and
    /// those above it see the claim and what became of it, without deciding it.
    pub home_station: Option<StationNumber>,
    pub request: ClaimRequest,
    pub statement: Option<Text>,
    pub channel: Channel,
    pub filed_by: String,
    pub filed_at: Timestamp,
    pub copy: CopyInfo,
    pub status: ClaimStatus,
}

/// What the PEC decides about a filed claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum ClaimDecision {
    /// Changes the list; the note is kept with the change.
    Accept { note: Option<Text> },
    /// Changes nothing; the reason is kept and shown to the voter.
    Reject { reason: Text },
}

impl ClaimDecision {
    pub fn audit_action(&self) -> AuditAction {
        match self {
            ClaimDecision::Accept { .. } => AuditAction::VoterListClaimAccepted,
            ClaimDecision::Reject { .. } => AuditAction::VoterListClaimRejected,
        }
    }
    /// The decision a staff form posts: `accept` with an optional note, or `reject` with a
    /// reason that must not be blank.
    pub fn parse(decision: &str, text: &str) -> Result<ClaimDecision, ClaimError> {
        match decision {
            "accept" => Ok(ClaimDecision::Accept {
                note: Text::optional(text)?,
            }),
            "reject" => Ok(ClaimDecision::Reject {
                reason: Text::parse(text).map_err(|e| match e {
                    ClaimError::EmptyText => ClaimError::ReasonRequired,
                    other => other,
                })?,
            }),
            _ => Err(ClaimError::BadDecision),
        }
    }
}

/// One changed field of a list entry: the amendment history (VOT-08: "the change and its
/// reason are kept").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    pub claim: ClaimId,
    pub election: ElectionId,
    pub pin: Pin,
    pub field: Field,
    /// `None`: the voter was on no list (an inclusion), or the field was empty.
    pub before: Option<String>,
    pub after: String,
    pub by: String,
    pub at: Timestamp,
    /// The acceptance's note, when the PEC gave one.
    pub note: Option<String>,
}

/// The corrected data of one voter, as the lists and printouts show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCorrection {
    pub election: ElectionId,
    pub pin: Pin,
    /// The latest accepted correction claim.
    pub claim: ClaimId,
    pub data: DataCorrection,
}

/// Filters of the claim list.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub station: Option<StationNumber>,
    pub state: Option<ClaimState>,
    pub kind: Option<ClaimKind>,
    pub pin: Option<Pin>,
    /// Only claims at stations whose PEC is this commission or below it, or of voters whose
    /// home station is (the home commission follows its voters). Applied by the store, before
    /// the 500-row cap, so that a PEC sees its own claims however many there are elsewhere.
    pub within: Option<CommissionId>,
}

/// Why a claim use case refused or failed. Nothing was changed when it is returned.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    /// CAL-11 is over (or CAL-02 has not begun).
    #[error(transparent)]
    Calendar(#[from] ActionClosed),
    #[error("the election's calendar is invalid: {0}")]
    CalendarInvalid(#[from] CalendarError),
    #[error("the voter lists of {election} are final since {frozen_at}; they can no longer change")]
    Frozen {
        election: ElectionId,
        frozen_at: Timestamp,
    },
    #[error("not a claim number")]
    BadClaimId,
    #[error("unknown claim {0}")]
    UnknownClaim(ClaimId),
    #[error("the PIN is not in the population register; the registry office must add it first")]
    NotInRegister,
    #[error("unknown polling station {0}")]
    UnknownStation(StationNumber),
    /// A remote-voting station, or one of a council that does not hold this election.
    #[error("station {0} keeps no list of this election that a claim can change")]
    StationNotForClaims(StationNumber),
    #[error("the voter is already on the list of station {0}")]
    AlreadyListed(StationNumber),
    #[error("the voter is listed at station {listed}: a claim goes to that station's PEC")]
    WrongStation { listed: StationNumber },
    /// VOT-04: an inclusion goes to the station whose area holds the registered address.
    #[error(
        "the voter's registered address is in the area of station {0}: an inclusion puts a \
         voter on that station's list only"
    )]
    AddressServedElsewhere(StationNumber),
    /// VOT-04: the registered address lies outside the area of the claim's station.
    #[error("the voter's registered address lies outside the area of station {0}")]
    AddressOutsideArea(StationNumber),
    /// VOT-04: the lists hold the voter for another council; no claim moves them across.
    #[error(
        "the voter is on the list of council {listed}: a claim never moves a voter to another \
         council's list"
    )]
    OtherCouncil { listed: CouncilId },
    /// One person never both files and decides: the filer may not decide their own claim.
    #[error("the one who filed a claim may not decide it")]
    OwnClaim,
    #[error("the voter already has an open claim of this kind")]
    AlreadyOpen,
    #[error("the claim is already decided")]
    AlreadyDecided,
    #[error("a correction names at least one corrected field")]
    EmptyCorrection,
    #[error("a text field is empty")]
    EmptyText,
    #[error("a text field is too long or holds control characters")]
    TextTooLong,
    #[error("a rejection needs a reason")]
    ReasonRequired,
    #[error("unknown decision: use accept or reject")]
    BadDecision,
    #[error("a passport copy is required")]
    CopyMissing,
    #[error("the passport copy is larger than 5 MB")]
    CopyTooLarge,
    #[error("the passport copy is not a JPEG, PNG or PDF file")]
    CopyNotRecognised,
    /// Begins like a JPEG, PNG or PDF but is not built like one.
    #[error("the passport copy is damaged: it begins like a JPEG, PNG or PDF but is not one")]
    CopyMalformed,
    #[error("not allowed for this account")]
    Forbidden,
}

impl ClaimError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            ClaimError::Store(e) => e.code(),
            ClaimError::UnknownElection(_) => ErrorCode::UnknownElection,
            ClaimError::Calendar(e) => e.code(),
            ClaimError::CalendarInvalid(e) => e.code(),
            ClaimError::Frozen { .. } => ErrorCode::VoterListsFrozen,
            ClaimError::BadClaimId => ErrorCode::ClaimBadId,
            ClaimError::UnknownClaim(_) => ErrorCode::ClaimUnknown,
            ClaimError::NotInRegister => ErrorCode::ClaimNotInRegister,
            ClaimError::UnknownStation(_) => ErrorCode::ClaimUnknownStation,
            ClaimError::StationNotForClaims(_) => ErrorCode::ClaimStationNotForClaims,
            ClaimError::AlreadyListed(_) => ErrorCode::ClaimAlreadyListed,
            ClaimError::WrongStation { .. } => ErrorCode::ClaimWrongStation,
            ClaimError::AddressServedElsewhere(_) => ErrorCode::ClaimAddressServedElsewhere,
            ClaimError::AddressOutsideArea(_) => ErrorCode::ClaimAddressOutsideArea,
            ClaimError::OtherCouncil { .. } => ErrorCode::ClaimOtherCouncil,
            ClaimError::OwnClaim => ErrorCode::ClaimOwnClaim,
            ClaimError::AlreadyOpen => ErrorCode::ClaimAlreadyOpen,
            ClaimError::AlreadyDecided => ErrorCode::ClaimAlreadyDecided,
            ClaimError::EmptyCorrection => ErrorCode::ClaimEmptyCorrection,
            ClaimError::EmptyText => ErrorCode::ClaimEmptyText,
            ClaimError::TextTooLong => ErrorCode::ClaimTextTooLong,
            ClaimError::ReasonRequired => ErrorCode::ClaimReasonRequired,
            ClaimError::BadDecision => ErrorCode::ClaimBadDecision,
            ClaimError::CopyMissing => ErrorCode::ClaimCopyMissing,
            ClaimError::CopyTooLarge => ErrorCode::ClaimCopyTooLarge,
            ClaimError::CopyNotRecognised => ErrorCode::ClaimCopyNotRecognised,
            ClaimError::CopyMalformed => ErrorCode::ClaimCopyMalformed,
            ClaimError::Forbidden => ErrorCode::Forbidden,
        }
    }
}

impl From<ElectionCalendarError> for ClaimError {
    fn from(e: ElectionCalendarError) -> Self {
        match e {
            ElectionCalendarError::Store(e) => ClaimError::Store(e),
            ElectionCalendarError::UnknownElection(id) => ClaimError::UnknownElection(id),
            ElectionCalendarError::Invalid(e) => ClaimError::CalendarInvalid(e),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    const JPEG: &[u8] = include_bytes!("../../tests/data/passport.jpg");
    const PNG: &[u8] = include_bytes!("../../tests/data/passport.png");
    const PDF: &[u8] = include_bytes!("../../tests/data/passport.pdf");

    #[test]
    fn vot_08_a_passport_copy_is_recognised_by_its_bytes_not_its_name() {
        let jpeg = PassportCopy::parse(JPEG.to_vec()).unwrap();
        assert_eq!(jpeg.format(), CopyFormat::Jpeg);
        assert_eq!(jpeg.digest(), blake3::hash(JPEG).to_hex().as_str());
        let png = PassportCopy::parse(PNG.to_vec()).unwrap();
        assert_eq!(png.format(), CopyFormat::Png);
        let pdf = PassportCopy::parse(PDF.to_vec()).unwrap();
        assert_eq!(pdf.format().content_type(), "application/pdf");
        assert!(matches!(
            PassportCopy::parse(b"just text, called passport.jpg".to_vec()),
            Err(ClaimError::CopyNotRecognised)
        ));
        assert!(matches!(
            PassportCopy::parse(Vec::new()),
            Err(ClaimError::CopyMissing)
        ));
    }

    #[test]
    fn vot_08_a_passport_copy_that_only_begins_like_an_image_or_a_pdf_is_refused() {
        // What the review filed: any bytes after a JPEG's first three.
        let forged = [
            vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2],
            b"\xFF\xD8\xFFthis is not a photo of a passport".to_vec(),
            b"\x89PNG\r\n\x1a\n....".to_vec(),
            b"%PDF-1.7\n".to_vec(),
            b"%PDF-1.7\nnot a document %%EOF".to_vec(),
        ];
        for bytes in forged {
            assert!(
                matches!(
                    PassportCopy::parse(bytes.clone()),
                    Err(ClaimError::CopyMalformed)
                ),
                "{bytes:?}"
            );
        }
        // A real file cut short loses its end: refused; the same bytes read back from storage
        // (checked when they were filed) are still served.
        for real in [JPEG, PNG, PDF] {
            let cut = real[..real.len() - 20].to_vec();
            assert!(matches!(
                PassportCopy::parse(cut.clone()),
                Err(ClaimError::CopyMalformed)
            ));
            assert!(PassportCopy::from_stored(cut).is_ok());
        }
        // A PNG whose chunks run past the end, or that does not start with its header chunk.
        let mut long = PNG.to_vec();
        long[8..12].copy_from_slice(&1000u32.to_be_bytes());
        assert!(PassportCopy::parse(long).is_err());
        let mut headless = PNG.to_vec();
        headless[12..16].copy_from_slice(b"IDAT");
        assert!(PassportCopy::parse(headless).is_err());
        // Padding a scanner appends after the end is fine.
        let mut padded = JPEG.to_vec();
        padded.extend_from_slice(&[0, 0, b'\n']);
        assert!(PassportCopy::parse(padded).is_ok());
    }

    #[test]
    fn vot_08_a_passport_copy_is_at_most_5_mb() {
        // The sample PDF with a comment line of padding after its header.
        let mut big = PDF[..9].to_vec();
        big.push(b'%');
        let tail = &PDF[9..];
        big.resize(MAX_COPY_BYTES - tail.len() - 1, b' ');
        big.push(b'\n');
        big.extend_from_slice(tail);
        assert_eq!(big.len(), MAX_COPY_BYTES);
        assert!(PassportCopy::parse(big.clone()).is_ok());
        big.push(b' ');
        assert!(matches!(
            PassportCopy::parse(big),
            Err(ClaimError::CopyTooLarge)
        ));
    }

    #[test]
    fn vot_08_a_rejection_needs_a_reason_and_an_acceptance_may_carry_a_note() {
        assert!(matches!(
            ClaimDecision::parse("reject", "   "),
            Err(ClaimError::ReasonRequired)
        ));
        assert_eq!(
            ClaimDecision::parse("reject", " not a resident ").unwrap(),
            ClaimDecision::Reject {
                reason: Text::parse("not a resident").unwrap()
            }
        );
        assert_eq!(
            ClaimDecision::parse("accept", "").unwrap(),
            ClaimDecision::Accept { note: None }
        );
        assert!(matches!(
            ClaimDecision::parse("maybe", "x"),
            Err(ClaimError::BadDecision)
        ));
    }

    #[test]
    fn a_correction_names_a_field_and_overlays_the_register() {
        assert!(matches!(
            DataCorrection::new(None, None, None, None, None, None),
            Err(ClaimError::EmptyCorrection)
        ));
        let first = DataCorrection::new(
            Some(Text::parse("Асанова").unwrap()),
            None,
            None,
            None,
            Some(Text::parse("Манас көчөсү").unwrap()),
            None,
        )
        .unwrap();
        let second = DataCorrection::new(
            Some(Text::parse("Усенова").unwrap()),
            None,
            None,
            Some(jiff::civil::date(1980, 5, 18)),
            None,
            None,
        )
        .unwrap();
        let merged = second.over(&first);
        assert_eq!(merged.surname().map(Text::as_str), Some("Усенова"));
        assert_eq!(merged.street().map(Text::as_str), Some("Манас көчөсү"));
        assert_eq!(
            merged.values().iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            vec![Field::Surname, Field::BirthDate, Field::Street]
        );
    }

    #[test]
    fn kinds_states_fields_and_ids_round_trip() {
        for k in ClaimKind::ALL {
            assert_eq!(ClaimKind::parse(k.as_str()), Some(k));
        }
        for s in ClaimState::ALL {
            assert_eq!(ClaimState::parse(s.as_str()), Some(s));
        }
        for f in Field::ALL {
            assert_eq!(Field::parse(f.as_str()), Some(f));
        }
        assert!(ClaimId::parse("0").is_err());
        assert_eq!(ClaimId::parse("12").unwrap().get(), 12);
    }
}
