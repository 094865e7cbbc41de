//! The types of media accreditation: the outlet's application with its price list, its
//! status, the CEC's decision, the public view, and [`MediaError`] with its stable codes.

use crate::audit::AuditAction;
use crate::store::StoreError;
use crate::users::Filer;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::{ActionClosed, CalendarError};
use shailoo_domain::media::{MediaKind, PriceFinding, PriceList};
use shailoo_domain::text::{Lines, check};
use shailoo_domain::{ElectionId, ErrorCode};
use std::fmt;

/// The longest name, contact or reason, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// An outlet's number in the registry of an election's media, from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OutletId(i64);

impl OutletId {
    pub fn new(n: i64) -> Option<OutletId> {
        (n >= 1).then_some(OutletId(n))
    }
    pub fn parse(s: &str) -> Result<OutletId, MediaError> {
        s.trim()
            .parse::<i64>()
            .ok()
            .and_then(OutletId::new)
            .ok_or(MediaError::BadId)
    }
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for OutletId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Text of an application or a decision: trimmed, not empty, at most `MAX_TEXT_CHARS`, no
/// control or bidirectional formatting character (line breaks allowed).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Text(String);

impl Text {
    pub fn parse(s: &str) -> Result<Text, MediaError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(MediaError::EmptyText);
        }
        if t.chars().count() > MAX_TEXT_CHARS || check(t, Lines::Many).is_err() {
            return Err(MediaError::BadText);
        }
        Ok(Text(t.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Text {
    type Error = MediaError;
    fn try_from(s: String) -> Result<Text, MediaError> {
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

/// An outlet's written application (CMP-01), as the CEC's staff enter it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutletDraft {
    pub name: Text,
    pub kind: MediaKind,
    /// Its address, phone or e-mail (an organisation's, public).
    pub contact: Option<Text>,
    pub prices: PriceList,
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaStatus {
    /// Waiting for the CEC.
    Applied,
    /// Accredited: may carry campaign material (CMP-03).
    Accredited,
    /// Refused, with the reason.
    Refused,
    /// Accredited, then revoked for breaking election law, with the reason.
    Revoked,
}

impl MediaStatus {
    pub const ALL: [MediaStatus; 4] = [
        MediaStatus::Applied,
        MediaStatus::Accredited,
        MediaStatus::Refused,
        MediaStatus::Revoked,
    ];
    pub fn code(self) -> &'static str {
        match self {
            MediaStatus::Applied => "applied",
            MediaStatus::Accredited => "accredited",
            MediaStatus::Refused => "refused",
            MediaStatus::Revoked => "revoked",
        }
    }
    pub fn from_code(code: &str) -> Option<MediaStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The CEC's decision on an outlet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaDecision {
    Accredit,
    Refuse { reason: Text },
    Revoke { reason: Text },
}

impl MediaDecision {
    pub fn audit_action(&self) -> AuditAction {
        match self {
            MediaDecision::Accredit => AuditAction::MediaAccredited,
            MediaDecision::Refuse { .. } => AuditAction::MediaRefused,
            MediaDecision::Revoke { .. } => AuditAction::MediaRevoked,
        }
    }
}

/// An outlet in the registry of an election's media.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outlet {
    pub id: OutletId,
    pub election: ElectionId,
    pub name: Text,
    pub kind: MediaKind,
    pub contact: Option<Text>,
    pub prices: PriceList,
    pub status: MediaStatus,
    /// Why refused or revoked.
    pub reason: Option<Text>,
    pub filed_by: Filer,
    pub filed_at: Timestamp,
    pub decided_by: Option<Filer>,
    pub decided_at: Option<Timestamp>,
}

impl Outlet {
    /// CMP-03: only an accredited outlet carries campaign material.
    pub fn may_carry_campaign(&self) -> bool {
        self.status == MediaStatus::Accredited
    }

    /// What the public registry shows: everything but the accounts of who entered and decided.
    pub fn public(&self, findings: Vec<PriceFinding>) -> PublicOutlet {
        PublicOutlet {
            id: self.id,
            name: self.name.clone(),
            kind: self.kind,
            contact: self.contact.clone(),
            status: self.status,
            reason: self.reason.clone(),
            decided_at: self.decided_at,
            prices: self.prices.clone(),
            findings,
        }
    }
}

/// An outlet in the public registry, with its price list and the CMP-02 findings on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicOutlet {
    pub id: OutletId,
    pub name: Text,
    pub kind: MediaKind,
    pub contact: Option<Text>,
    pub status: MediaStatus,
    pub reason: Option<Text>,
    pub decided_at: Option<Timestamp>,
    pub prices: PriceList,
    pub findings: Vec<PriceFinding>,
}

/// Why a media step was refused. Codes are stable (`code()`, an [`ErrorCode`]).
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    #[error("the election's calendar is invalid: {0}")]
    CalendarInvalid(#[from] CalendarError),
    /// CMP-01: applications close at the end of CAL-03.
    #[error(transparent)]
    Calendar(#[from] ActionClosed),
    #[error("not an outlet number")]
    BadId,
    #[error("unknown outlet {0}")]
    UnknownOutlet(OutletId),
    /// CMP-01: an application states the outlet's prices.
    #[error("the price list has no election price")]
    NoPrices,
    /// CMP-02: the price list breaches the rule; the outlet files a corrected one.
    #[error("the price list breaches CMP-02 ({} findings)", .0.len())]
    PriceBreaches(Vec<PriceFinding>),
    #[error("the application is already decided")]
    AlreadyDecided,
    #[error("only an accredited outlet's accreditation is revoked")]
    NotAccredited,
    /// One person never both files and decides.
    #[error("the one who entered an application may not decide it")]
    OwnApplication,
    #[error("a text field is empty")]
    EmptyText,
    #[error("a text field is too long or holds a control character")]
    BadText,
    #[error("not allowed for this account")]
    Forbidden,
    // --- i16-badges: journalists' badges ---
    #[error("unknown badge {0}")]
    UnknownBadge(super::badge::BadgeId),
    /// CMP-01: only an accredited outlet's journalists get badges.
    #[error("the outlet is not accredited")]
    BadgeOutletNotAccredited,
    #[error("the badge is already revoked")]
    BadgeAlreadyRevoked,
    /// The server was started without the key that signs badges.
    #[error("no badge-signing key is configured")]
    NoBadgeKey,
}

impl MediaError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        use MediaError as E;
        match self {
            E::Store(e) => e.code(),
            E::UnknownElection(_) => ErrorCode::UnknownElection,
            E::CalendarInvalid(e) => e.code(),
            E::Calendar(e) => e.code(),
            E::BadId => ErrorCode::MediaBadId,
            E::UnknownOutlet(_) => ErrorCode::MediaUnknownOutlet,
            E::NoPrices => ErrorCode::MediaNoPrices,
            E::PriceBreaches(_) => ErrorCode::MediaPriceBreaches,
            E::AlreadyDecided => ErrorCode::MediaAlreadyDecided,
            E::NotAccredited => ErrorCode::MediaNotAccredited,
            E::OwnApplication => ErrorCode::MediaOwnApplication,
            E::EmptyText => ErrorCode::MediaEmptyText,
            E::BadText => ErrorCode::MediaBadText,
            E::Forbidden => ErrorCode::Forbidden,
            E::UnknownBadge(_) => ErrorCode::MediaBadgeUnknown,
            E::BadgeOutletNotAccredited => ErrorCode::MediaBadgeOutletNotAccredited,
            E::BadgeAlreadyRevoked => ErrorCode::MediaBadgeAlreadyRevoked,
            E::NoBadgeKey => ErrorCode::MediaBadgeNoKey,
        }
    }

    /// The rule a refusal applies, when it names one.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            MediaError::Calendar(e) => Some(e.rule()),
            MediaError::NoPrices => Some("CMP-01"),
            MediaError::PriceBreaches(_) => Some("CMP-02"),
            MediaError::NotAccredited | MediaError::BadgeOutletNotAccredited => Some("CMP-01"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_its_own_stable_code() {
        let errors = [
            MediaError::BadId,
            MediaError::UnknownOutlet(OutletId(1)),
            MediaError::NoPrices,
            MediaError::PriceBreaches(Vec::new()),
            MediaError::AlreadyDecided,
            MediaError::NotAccredited,
            MediaError::OwnApplication,
            MediaError::EmptyText,
            MediaError::BadText,
        ];
        let codes: Vec<&str> = errors.iter().map(|e| e.code().as_str()).collect();
        assert_eq!(
            codes,
            [
                "media_bad_id",
                "media_unknown_outlet",
                "media_no_prices",
                "media_price_breaches",
                "media_already_decided",
                "media_not_accredited",
                "media_own_application",
                "media_empty_text",
                "media_bad_text",
            ]
        );
        assert_eq!(errors[3].rule(), Some("CMP-02"));
    }
}
