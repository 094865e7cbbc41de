//! Journalists' badges (журналисттин күбөлүгү / удостоверение журналиста) of an accredited
//! outlet (CMP-01): the badge, its status, and the payload of its QR code, signed with the
//! CEC's Ed25519 key so that station staff check it offline with the published public key.
//!
//! The payload is one line of ASCII, `SHB1.<claims>.<signature>`: the claims are the badge's
//! JSON (`e` election, `b` badge, `n` the journalist's name, `o` the outlet's name, `oi` its
//! number, `at` issued at, Unix seconds) in unpadded base64url, and the signature is Ed25519
//! over the bytes `SHB1.<claims>` (the text before the last dot), in unpadded base64url. The
//! browser's verification page checks exactly those bytes with WebCrypto.
//!
//! ```mermaid
//! stateDiagram-v2
//!     [*] --> issued: issue (outlet accredited)
//!     issued --> revoked: revoke (with a reason)
//! ```
//! A badge of an outlet whose accreditation is revoked counts as revoked too
//! ([`Badge::effective_status`]), and is on the public revocation list.

use super::model::{MediaError, MediaStatus, Outlet, OutletId, Text};
use crate::signing::{PublicKey, Signature, Signer};
use crate::users::Filer;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_domain::ElectionId;
use std::fmt;

/// The version prefix of a badge payload.
pub const PAYLOAD_PREFIX: &str = "SHB1";

/// A badge's number, from 1, per database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BadgeId(i64);

impl BadgeId {
    pub fn new(n: i64) -> Option<BadgeId> {
        (n >= 1).then_some(BadgeId(n))
    }
    pub fn parse(s: &str) -> Result<BadgeId, MediaError> {
        s.trim()
            .parse::<i64>()
            .ok()
            .and_then(BadgeId::new)
            .ok_or(MediaError::BadId)
    }
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for BadgeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where a badge stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadgeStatus {
    Issued,
    Revoked,
}

impl BadgeStatus {
    pub fn code(self) -> &'static str {
        match self {
            BadgeStatus::Issued => "issued",
            BadgeStatus::Revoked => "revoked",
        }
    }
    pub fn from_code(code: &str) -> Option<BadgeStatus> {
        [BadgeStatus::Issued, BadgeStatus::Revoked]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// A journalist's badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Badge {
    pub id: BadgeId,
    pub election: ElectionId,
    pub outlet: OutletId,
    /// The outlet's name when the badge was issued (what the badge shows).
    pub outlet_name: Text,
    /// The journalist's name as on their identity document.
    pub name: Text,
    pub status: BadgeStatus,
    /// Why revoked.
    pub reason: Option<Text>,
    pub issued_by: Filer,
    pub issued_at: Timestamp,
    pub revoked_by: Option<Filer>,
    pub revoked_at: Option<Timestamp>,
    /// The signed payload the QR code carries.
    pub payload: String,
}

/// Why a badge is on the revocation list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevokedFor {
    /// The badge itself was revoked.
    Badge,
    /// The outlet's accreditation was revoked.
    Outlet,
}

/// One entry of an election's public revocation list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RevokedBadge {
    pub badge: BadgeId,
    pub revoked_for: RevokedFor,
}

impl Badge {
    /// Revoked when the badge or its outlet's accreditation is.
    pub fn effective_status(&self, outlet: MediaStatus) -> BadgeStatus {
        if outlet == MediaStatus::Revoked {
            BadgeStatus::Revoked
        } else {
            self.status
        }
    }
}

/// What a badge's QR code says, signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeClaims {
    #[serde(rename = "e")]
    pub election: ElectionId,
    #[serde(rename = "b")]
    pub badge: BadgeId,
    #[serde(rename = "n")]
    pub name: String,
    #[serde(rename = "o")]
    pub outlet: String,
    #[serde(rename = "oi")]
    pub outlet_id: OutletId,
    /// Unix seconds (compact, and what JavaScript's `Date` takes times 1000).
    #[serde(rename = "at")]
    pub issued_at: i64,
}

/// A payload that is not a badge of this key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("not a shailoo badge payload")]
    Malformed,
    #[error("the badge's signature does not verify with the CEC's key")]
    BadSignature,
}

impl BadgeClaims {
    /// The claims of `badge`.
    pub fn of(badge: &Badge) -> BadgeClaims {
        BadgeClaims {
            election: badge.election.clone(),
            badge: badge.id,
            name: badge.name.to_string(),
            outlet: badge.outlet_name.to_string(),
            outlet_id: badge.outlet,
            issued_at: badge.issued_at.as_second(),
        }
    }

    /// The payload, signed by `signer`.
    pub fn sign(&self, signer: &Signer) -> String {
        // Serialising plain strings and integers cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        let message = format!("{PAYLOAD_PREFIX}.{}", URL_SAFE_NO_PAD.encode(json));
        let signature = signer.sign(message.as_bytes());
        format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    /// Reads a payload and checks its signature with `key`.
    pub fn verify(payload: &str, key: &PublicKey) -> Result<BadgeClaims, PayloadError> {
        let payload = payload.trim();
        let (message, signature) = payload.rsplit_once('.').ok_or(PayloadError::Malformed)?;
        let claims = message
            .strip_prefix(PAYLOAD_PREFIX)
            .and_then(|rest| rest.strip_prefix('.'))
            .ok_or(PayloadError::Malformed)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .ok()
            .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
            .map(|bytes| Signature::from_bytes(&bytes))
            .ok_or(PayloadError::Malformed)?;
        key.verify(message.as_bytes(), &signature)
            .map_err(|_| PayloadError::BadSignature)?;
        let json = URL_SAFE_NO_PAD
            .decode(claims)
            .map_err(|_| PayloadError::Malformed)?;
        serde_json::from_slice(&json).map_err(|_| PayloadError::Malformed)
    }
}

/// Issues badge `id` to `name` of `outlet` at `at`, signed with `signer`: only an accredited
/// outlet's journalists get one (CMP-01).
pub fn issue(
    outlet: &Outlet,
    id: BadgeId,
    name: Text,
    signer: &Signer,
    by: &Filer,
    at: Timestamp,
) -> Result<Badge, MediaError> {
    if outlet.status != MediaStatus::Accredited {
        return Err(MediaError::BadgeOutletNotAccredited);
    }
    // A badge is signed to the second, as its payload states it.
    let at = Timestamp::from_second(at.as_second()).unwrap_or(at);
    let mut badge = Badge {
        id,
        election: outlet.election.clone(),
        outlet: outlet.id,
        outlet_name: outlet.name.clone(),
        name,
        status: BadgeStatus::Issued,
        reason: None,
        issued_by: by.clone(),
        issued_at: at,
        revoked_by: None,
        revoked_at: None,
        payload: String::new(),
    };
    badge.payload = BadgeClaims::of(&badge).sign(signer);
    Ok(badge)
}

/// Revokes `badge` with `reason`.
pub fn revoke(badge: Badge, reason: Text, by: &Filer, at: Timestamp) -> Result<Badge, MediaError> {
    if badge.status == BadgeStatus::Revoked {
        return Err(MediaError::BadgeAlreadyRevoked);
    }
    Ok(Badge {
        status: BadgeStatus::Revoked,
        reason: Some(reason),
        revoked_by: Some(by.clone()),
        revoked_at: Some(at),
        ..badge
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use shailoo_domain::media::{MediaKind, PriceList};

    fn signer(seed: u8) -> Signer {
        Signer::from_secret_bytes(&[seed; 32])
    }

    fn outlet(status: MediaStatus) -> Outlet {
        Outlet {
            id: OutletId::new(3).unwrap(),
            election: ElectionId::parse("kenesh-2024").unwrap(),
            name: Text::parse("Кабар Ордо").unwrap(),
            kind: MediaKind::Online,
            contact: None,
            prices: PriceList::default(),
            status,
            reason: None,
            filed_by: Filer::System,
            filed_at: Timestamp::UNIX_EPOCH,
            decided_by: None,
            decided_at: None,
        }
    }

    fn badge() -> Badge {
        issue(
            &outlet(MediaStatus::Accredited),
            BadgeId::new(7).unwrap(),
            Text::parse("Айгүл Өмүрбекова").unwrap(),
            &signer(1),
            &Filer::System,
            "2024-11-01T04:00:00.5Z".parse().unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn cmp_01_a_badge_payload_round_trips_with_the_cec_key() {
        let badge = badge();
        assert!(badge.payload.starts_with("SHB1."), "{}", badge.payload);
        assert!(badge.payload.is_ascii());
        let claims = BadgeClaims::verify(&badge.payload, &signer(1).public_key()).unwrap();
        assert_eq!(claims, BadgeClaims::of(&badge));
        assert_eq!(claims.name, "Айгүл Өмүрбекова");
        assert_eq!(claims.outlet, "Кабар Ордо");
        assert_eq!(claims.issued_at, 1_730_433_600);
    }

    #[test]
    fn cmp_01_a_forged_or_altered_payload_is_refused() {
        let payload = badge().payload;
        assert_eq!(
            BadgeClaims::verify(&payload, &signer(2).public_key()),
            Err(PayloadError::BadSignature)
        );
        // Another name, the signature kept.
        let (message, signature) = payload.rsplit_once('.').unwrap();
        let mut claims = BadgeClaims::verify(&payload, &signer(1).public_key()).unwrap();
        claims.name = "Someone Else".into();
        let forged_claims = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
        let forged = format!("SHB1.{forged_claims}.{signature}");
        assert_ne!(message, format!("SHB1.{forged_claims}"));
        assert_eq!(
            BadgeClaims::verify(&forged, &signer(1).public_key()),
            Err(PayloadError::BadSignature)
        );
        for junk in ["", "SHB1", "SHB2.e30.AAAA", "hello.world", "SHB1.e30.!!"] {
            assert_eq!(
                BadgeClaims::verify(junk, &signer(1).public_key()),
                Err(PayloadError::Malformed),
                "{junk}"
            );
        }
    }

    #[test]
    fn cmp_01_only_an_accredited_outlet_gets_badges() {
        for status in [
            MediaStatus::Applied,
            MediaStatus::Refused,
            MediaStatus::Revoked,
        ] {
            let refused = issue(
                &outlet(status),
                BadgeId::new(1).unwrap(),
                Text::parse("A").unwrap(),
                &signer(1),
                &Filer::System,
                Timestamp::UNIX_EPOCH,
            );
            assert!(
                matches!(refused, Err(MediaError::BadgeOutletNotAccredited)),
                "{status:?}"
            );
        }
    }

    #[test]
    fn a_badge_is_revoked_once_and_with_its_outlet() {
        let badge = badge();
        assert_eq!(
            badge.effective_status(MediaStatus::Revoked),
            BadgeStatus::Revoked
        );
        assert_eq!(
            badge.effective_status(MediaStatus::Accredited),
            BadgeStatus::Issued
        );
        let reason = Text::parse("lost").unwrap();
        let revoked = revoke(badge, reason.clone(), &Filer::System, Timestamp::UNIX_EPOCH).unwrap();
        assert_eq!(revoked.status, BadgeStatus::Revoked);
        assert!(matches!(
            revoke(revoked, reason, &Filer::System, Timestamp::UNIX_EPOCH),
            Err(MediaError::BadgeAlreadyRevoked)
        ));
    }
}
