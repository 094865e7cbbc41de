//! The scan or photo of a signed paper protocol (issue 15: "a scan or photo of the signed
//! paper protocol is attached"). A PEC operator attaches it at entry to the protocol's current
//! version ([`attach_scan`], [`Power::EnterProtocol`], within CAL-16/CAL-17); the public sees
//! the scans of each counted version beside its figures.
//!
//! A file is a JPEG, PNG or PDF by its bytes and its structure, checked as a claim's passport
//! copy is ([`PassportCopy`]), at most [`MAX_SCAN_BYTES`], and kept once per BLAKE3 digest:
//! the same photo attached twice is stored once, and its address never changes.

use super::model::{ProtocolKey, ResultsError};
use super::{ResultsPorts, station_holding};
use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::claims::{ClaimError, CopyFormat, PassportCopy};
use crate::users::Actor;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::Action;
use shailoo_domain::protocol::Contest;
use shailoo_domain::results::{History, Stage, StepError};
use std::fmt;

/// The largest scan accepted: a phone's photo of a two-page protocol at full resolution.
pub const MAX_SCAN_BYTES: usize = 10 * 1024 * 1024;

/// A scan or photo of a signed protocol, checked: JPEG, PNG or PDF, at most
/// [`MAX_SCAN_BYTES`], with its BLAKE3 digest.
#[derive(Clone, PartialEq, Eq)]
pub struct ProtocolScan(PassportCopy);

impl ProtocolScan {
    pub fn parse(bytes: Vec<u8>) -> Result<ProtocolScan, ResultsError> {
        PassportCopy::parse_within(bytes, MAX_SCAN_BYTES)
            .map(ProtocolScan)
            .map_err(|e| match e {
                ClaimError::CopyMissing => ResultsError::ScanMissing,
                ClaimError::CopyTooLarge => ResultsError::ScanTooLarge,
                _ => ResultsError::ScanNotRecognised,
            })
    }

    /// A scan read back from storage (checked when it was attached).
    pub fn from_stored(bytes: Vec<u8>) -> Result<ProtocolScan, ResultsError> {
        PassportCopy::from_stored_within(bytes, MAX_SCAN_BYTES)
            .map(ProtocolScan)
            .map_err(|_| ResultsError::ScanNotRecognised)
    }

    pub fn bytes(&self) -> &[u8] {
        self.0.bytes()
    }

    pub fn info(&self) -> ScanInfo {
        ScanInfo {
            format: self.0.format(),
            digest: self.0.digest().to_owned(),
            size: u64::try_from(self.0.bytes().len()).unwrap_or(u64::MAX),
        }
    }
}

impl fmt::Debug for ProtocolScan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ProtocolScan({:?}, {})",
            self.0.format(),
            self.0.digest()
        )
    }
}

/// What is known of a stored scan without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanInfo {
    pub format: CopyFormat,
    /// BLAKE3, hex: the scan's address.
    pub digest: String,
    pub size: u64,
}

/// A scan as attached to one version of a protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedScan {
    pub contest: Contest,
    pub version: u32,
    pub scan: ScanInfo,
    pub by: String,
    pub at: Timestamp,
}

/// The version a scan is attached to: the current one, once something was entered and until
/// it is accepted (an accepted version is never changed; a correction is a new version that
/// takes its own scan). Run by the store under its write lock, on the history read there.
pub fn scan_version(history: Option<&History>) -> Result<u32, ResultsError> {
    let current = history
        .filter(|h| !h.versions.is_empty())
        .map(History::current)
        .ok_or(ResultsError::Step(StepError::NotEntered))?;
    match current.stage {
        Stage::Accepted { .. } => Err(ResultsError::Step(StepError::AlreadyAccepted)),
        _ => Ok(current.number),
    }
}

/// A PEC operator attaches the scan of a protocol's signed paper to its current version
/// ([`Power::EnterProtocol`] over the station, while protocols are entered).
pub async fn attach_scan<S: ResultsPorts + ?Sized>(
    store: &S,
    ctx: &super::CouncilContext,
    actor: &Actor,
    key: &ProtocolKey,
    scan: &ProtocolScan,
    now: Timestamp,
) -> Result<AttachedScan, ResultsError> {
    let chain = station_holding(store, ctx, key.station, &key.contest).await?;
    authz::authorize(actor, Power::EnterProtocol, Target::Within(&chain))
        .map_err(|_| ResultsError::Forbidden)?;
    ctx.calendar.check(Action::EnterProtocols, now)?;
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::ProtocolScanAttached,
        key.subject(),
        now,
    )
    .after(&scan.info());
    store
        .attach_scan(key, scan, actor.audit_name(), event)
        .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    /// The smallest PNG a checker accepts: a 1×1 image, `IHDR` first and `IEND` last.
    fn png() -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        b.extend_from_slice(&13u32.to_be_bytes());
        b.extend_from_slice(b"IHDR");
        b.extend_from_slice(&1u32.to_be_bytes());
        b.extend_from_slice(&1u32.to_be_bytes());
        b.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        b.extend_from_slice(&0u32.to_be_bytes());
        b.extend_from_slice(b"IEND");
        b.extend_from_slice(&[0, 0, 0, 0]);
        b
    }

    #[test]
    fn a_scan_is_recognised_by_its_bytes_and_refused_otherwise() {
        let scan = ProtocolScan::parse(png()).unwrap();
        assert_eq!(scan.info().format, CopyFormat::Png);
        assert_eq!(
            scan.info().digest,
            blake3::hash(&png()).to_hex().to_string()
        );
        assert!(matches!(
            ProtocolScan::parse(Vec::new()),
            Err(ResultsError::ScanMissing)
        ));
        assert!(matches!(
            ProtocolScan::parse(b"GIF89a not one of ours".to_vec()),
            Err(ResultsError::ScanNotRecognised)
        ));
        // A forgery: PNG's magic bytes, then nothing a PNG is built of.
        let mut forged = b"\x89PNG\r\n\x1a\n".to_vec();
        forged.extend_from_slice(b"<script>alert(1)</script>");
        assert!(matches!(
            ProtocolScan::parse(forged),
            Err(ResultsError::ScanNotRecognised)
        ));
        let mut big = png();
        big.resize(MAX_SCAN_BYTES + 1, 0);
        assert!(matches!(
            ProtocolScan::parse(big),
            Err(ResultsError::ScanTooLarge)
        ));
    }

    #[test]
    fn a_scan_goes_to_the_current_version_until_it_is_accepted() {
        assert!(matches!(
            scan_version(None),
            Err(ResultsError::Step(StepError::NotEntered))
        ));
    }
}
