//! The types of violation reports (CMP-07): what is reported and through which intake, the
//! evidence (a photo or a video, checked by its bytes and kept once per BLAKE3 digest), the
//! report with its history of status updates, its public view (what the reporter follows with
//! the tracking code: never the contact), the statistics, and [`ViolationError`].

use crate::claims::CopyFormat;
use crate::store::StoreError;
use crate::users::{Filer, Username};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use shailoo_domain::text::{Lines, check};
use shailoo_domain::violation::{Category, Intake, Status, TrackingCode};
use shailoo_domain::{CommissionId, ElectionId, ErrorCode, StationNumber};

/// The longest text a report's field takes, in characters.
pub const MAX_TEXT_CHARS: usize = 4_000;

/// The largest photo or video a report takes: 20 MB.
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;

/// Text of a report: trimmed, not empty, at most [`MAX_TEXT_CHARS`], no control or
/// bidirectional formatting character (line breaks allowed).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReportText(String);

impl ReportText {
    pub fn parse(s: &str) -> Result<ReportText, ViolationError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(ViolationError::EmptyText);
        }
        if t.chars().count() > MAX_TEXT_CHARS || check(t, Lines::Many).is_err() {
            return Err(ViolationError::BadText);
        }
        Ok(ReportText(t.to_owned()))
    }
    /// `None` for a blank field.
    pub fn optional(s: &str) -> Result<Option<ReportText>, ViolationError> {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            ReportText::parse(s).map(Some)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ReportText {
    type Error = ViolationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ReportText::parse(&s)
    }
}

impl From<ReportText> for String {
    fn from(t: ReportText) -> String {
        t.0
    }
}

/// The formats a report's evidence may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceFormat {
    Jpeg,
    Png,
    /// An ISO base media file (MP4, MOV: what phones record).
    Mp4,
    WebM,
}

impl EvidenceFormat {
    pub const ALL: [EvidenceFormat; 4] = [
        EvidenceFormat::Jpeg,
        EvidenceFormat::Png,
        EvidenceFormat::Mp4,
        EvidenceFormat::WebM,
    ];
    pub fn content_type(self) -> &'static str {
        match self {
            EvidenceFormat::Jpeg => "image/jpeg",
            EvidenceFormat::Png => "image/png",
            EvidenceFormat::Mp4 => "video/mp4",
            EvidenceFormat::WebM => "video/webm",
        }
    }
    pub fn from_content_type(s: &str) -> Option<EvidenceFormat> {
        Self::ALL.into_iter().find(|f| f.content_type() == s)
    }

    /// The format the bytes are built as: an image as a claim's passport copy is checked
    /// (its header and its end), a video by its container's first box (`ftyp` of an ISO
    /// media file, the EBML header of WebM). The server never plays a video: the group that
    /// opens it does.
    fn of(bytes: &[u8]) -> Option<EvidenceFormat> {
        if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
            let size = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
            return (8..=bytes.len())
                .contains(&size)
                .then_some(EvidenceFormat::Mp4);
        }
        if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) && bytes.len() > 16 {
            return Some(EvidenceFormat::WebM);
        }
        for (copy, format) in [
            (CopyFormat::Jpeg, EvidenceFormat::Jpeg),
            (CopyFormat::Png, EvidenceFormat::Png),
        ] {
            if copy.check(bytes).is_ok() {
                return Some(format);
            }
        }
        None
    }
}

/// A photo or a video of a report, recognised by its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    format: EvidenceFormat,
    digest: String,
    bytes: Vec<u8>,
}

impl Evidence {
    /// Checks size and type; `None` for an empty upload (no file chosen).
    pub fn parse(bytes: Vec<u8>) -> Result<Option<Evidence>, ViolationError> {
        if bytes.is_empty() {
            return Ok(None);
        }
        if bytes.len() > MAX_EVIDENCE_BYTES {
            return Err(ViolationError::EvidenceTooLarge);
        }
        let format = EvidenceFormat::of(&bytes).ok_or(ViolationError::EvidenceNotRecognised)?;
        Ok(Some(Evidence {
            format,
            digest: blake3::hash(&bytes).to_hex().to_string(),
            bytes,
        }))
    }
    /// Evidence read back from storage (checked when it was stored).
    pub fn from_stored(format: EvidenceFormat, bytes: Vec<u8>) -> Evidence {
        Evidence {
            format,
            digest: blake3::hash(&bytes).to_hex().to_string(),
            bytes,
        }
    }
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    pub fn info(&self) -> EvidenceInfo {
        EvidenceInfo {
            format: self.format,
            digest: self.digest.clone(),
            size: self.bytes.len() as u64,
        }
    }
}

/// What a report shows of its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceInfo {
    pub format: EvidenceFormat,
    /// BLAKE3, hex.
    pub digest: String,
    pub size: u64,
}

/// Where the violation happened: a polling station, a place in words, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub station: Option<StationNumber>,
    pub location: Option<ReportText>,
}

/// A report as taken in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViolationDraft {
    pub intake: Intake,
    pub text: ReportText,
    pub place: Place,
    /// How to reach the reporter (a phone, an e-mail): staff only, never public.
    pub contact: Option<ReportText>,
    pub evidence: Option<Evidence>,
    /// The gateway's message id (messaging) or the e-mail's Message-ID: a message delivered
    /// twice is one report.
    pub external_id: Option<String>,
}

/// A report's number, from 1 per database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ViolationId(u32);

impl ViolationId {
    pub fn new(n: i64) -> Option<ViolationId> {
        u32::try_from(n)
            .ok()
            .filter(|n| *n >= 1 && *n < (1 << 25))
            .map(ViolationId)
    }
    pub fn get(self) -> u32 {
        self.0
    }
}

impl std::fmt::Display for ViolationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One step of a report's history: what the reporter reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Update {
    pub status: Status,
    /// The note for the reporter (the measures taken, the reason of a dismissal).
    pub note: Option<ReportText>,
    pub by: Filer,
    pub at: Timestamp,
}

/// A violation report with its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationReport {
    pub id: ViolationId,
    /// The secret half of the tracking code (never shown but in the code).
    pub secret: u32,
    pub election: ElectionId,
    pub intake: Intake,
    pub text: ReportText,
    pub place: Place,
    pub contact: Option<ReportText>,
    pub evidence: Option<EvidenceInfo>,
    pub category: Option<Category>,
    /// The territory: the commission whose rapid-response group handles it (a TEC, or the
    /// CEC for what no TEC covers).
    pub territory: Option<CommissionId>,
    /// The region (oblast, or Bishkek and Osh) of the territory, for the statistics.
    pub region: Option<String>,
    pub assigned_to: Option<Username>,
    pub received_at: Timestamp,
    pub received_by: Filer,
    /// Oldest first; the first is `received`.
    pub updates: Vec<Update>,
}

impl ViolationReport {
    pub fn status(&self) -> Status {
        self.updates.last().map_or(Status::Received, |u| u.status)
    }
    pub fn tracking_code(&self) -> Option<TrackingCode> {
        TrackingCode::new(self.id.get(), self.secret)
    }
    /// What the reporter and the public see: no contact, no staff names.
    pub fn public(&self) -> PublicViolation {
        PublicViolation {
            intake: self.intake,
            received_at: self.received_at,
            category: self.category,
            status: self.status(),
            place: self.place.clone(),
            updates: self
                .updates
                .iter()
                .map(|u| PublicUpdate {
                    status: u.status,
                    note: u.note.clone(),
                    at: u.at,
                })
                .collect(),
        }
    }
}

/// A report as its tracking code shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicViolation {
    pub intake: Intake,
    pub received_at: Timestamp,
    pub category: Option<Category>,
    pub status: Status,
    pub place: Place,
    pub updates: Vec<PublicUpdate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicUpdate {
    pub status: Status,
    pub note: Option<ReportText>,
    pub at: Timestamp,
}

/// Which reports a staff listing shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViolationFilter {
    pub status: Option<Status>,
    pub category: Option<Category>,
    /// Reports of this territory and those with none yet (the CEC's triage sees all).
    pub within: Option<CommissionId>,
}

/// One cell of the statistics: reports received on a day, of a category (`None`: not yet
/// triaged) in a region (`None`: no territory yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatRow {
    pub day: Date,
    pub category: Option<Category>,
    pub region: Option<String>,
    pub count: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ViolationError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    #[error("unknown violation report {0}")]
    UnknownReport(ViolationId),
    #[error("not a tracking code")]
    BadTrackingCode,
    #[error("a text field is empty")]
    EmptyText,
    #[error("a text field is too long or holds a control character")]
    BadText,
    #[error("unknown polling station {0}")]
    UnknownStation(StationNumber),
    #[error("a report names a polling station or a place")]
    PlaceRequired,
    #[error("a report without a station needs a territory")]
    TerritoryRequired,
    #[error("unknown commission {0}")]
    UnknownCommission(CommissionId),
    #[error("the rapid-response group is the territory's commission's members")]
    AssigneeNotInGroup,
    #[error("a report in status {from:?} cannot become {to:?} (CMP-07)")]
    StatusNotAllowed { from: Status, to: Status },
    #[error("who took a report does not close it")]
    OwnReport,
    #[error("the photo or video is larger than 20 MB")]
    EvidenceTooLarge,
    #[error("the file is not a JPEG, PNG, MP4 or WebM")]
    EvidenceNotRecognised,
    #[error("unknown value {0:?}")]
    UnknownCode(String),
    #[error("the message is not signed with the gateway's secret")]
    BadSignature,
    #[error("not allowed for this account")]
    Forbidden,
}

impl ViolationError {
    pub fn code(&self) -> ErrorCode {
        use ViolationError as E;
        match self {
            E::Store(e) => e.code(),
            E::UnknownElection(_) => ErrorCode::UnknownElection,
            E::UnknownReport(_) => ErrorCode::ViolationUnknown,
            E::BadTrackingCode => ErrorCode::ViolationBadTrackingCode,
            E::EmptyText => ErrorCode::ViolationEmptyText,
            E::BadText => ErrorCode::ViolationBadText,
            E::UnknownStation(_) => ErrorCode::ViolationUnknownStation,
            E::PlaceRequired => ErrorCode::ViolationPlaceRequired,
            E::TerritoryRequired => ErrorCode::ViolationTerritoryRequired,
            E::UnknownCommission(_) => ErrorCode::ViolationUnknownCommission,
            E::AssigneeNotInGroup => ErrorCode::ViolationAssigneeNotInGroup,
            E::StatusNotAllowed { .. } => ErrorCode::ViolationStatusNotAllowed,
            E::OwnReport => ErrorCode::ViolationOwnReport,
            E::EvidenceTooLarge => ErrorCode::ViolationEvidenceTooLarge,
            E::EvidenceNotRecognised => ErrorCode::ViolationEvidenceNotRecognised,
            E::UnknownCode(_) => ErrorCode::ViolationUnknownValue,
            E::BadSignature => ErrorCode::ViolationBadSignature,
            E::Forbidden => ErrorCode::Forbidden,
        }
    }

    /// The rule a refusal applies, when it names one.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            ViolationError::StatusNotAllowed { .. } | ViolationError::OwnReport => Some("CMP-07"),
            _ => None,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn cmp_07_evidence_is_checked_by_its_bytes_and_size() {
        let mut mp4 = vec![0, 0, 0, 24];
        mp4.extend_from_slice(b"ftypisom");
        mp4.extend_from_slice(&[0; 40]);
        let e = Evidence::parse(mp4).unwrap().unwrap();
        assert_eq!(e.info().format, EvidenceFormat::Mp4);
        assert_eq!(Evidence::parse(Vec::new()).unwrap(), None);
        assert!(matches!(
            Evidence::parse(b"<html>not a video</html>".to_vec()),
            Err(ViolationError::EvidenceNotRecognised)
        ));
        assert!(matches!(
            Evidence::parse(vec![0; MAX_EVIDENCE_BYTES + 1]),
            Err(ViolationError::EvidenceTooLarge)
        ));
        let mut webm = vec![0x1A, 0x45, 0xDF, 0xA3];
        webm.extend_from_slice(&[0; 30]);
        assert_eq!(
            Evidence::parse(webm).unwrap().unwrap().info().format,
            EvidenceFormat::WebM
        );
    }
}
