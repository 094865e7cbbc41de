//! The append-only audit log, chained by hash.
//!
//! Each entry records who did what to which subject, when, and digests of the subject before and
//! after. Its hash covers those fields and the previous entry's hash, so altering or removing any
//! stored row breaks the chain at that row; [`verify_chain`] names the first broken entry.
//!
//! Every writer of the store appends its entry in its own transaction; [`AuditStore`] is the
//! sub-port that reads the log back, for [`verify_audit`] and the look-up index.
//!
//! The chain cannot show on its own that nothing was cut off its end, or that the whole of it
//! was not rewritten and rehashed, by someone who controls the database: [`checkpoint`]s signed
//! with a key the database never holds anchor it outside.

mod action;
pub mod checkpoint;

pub use action::AuditAction;

use crate::store::StoreError;
use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The hash the first entry chains to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a use case asks to be recorded; the store adds sequence number and hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Who: a username, or `system` for the CLI acting on the operator's behalf.
    pub actor: String,
    /// What: a member of the closed set; the log stores its exact string.
    pub action: AuditAction,
    /// Which: the public id of the thing changed.
    pub subject: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub at: Timestamp,
}

/// An entry's event as the log holds it: every field as stored, the action as its text. The
/// verifier hashes what is stored, so an entry whose action this version does not know (an
/// entry altered in the database, or written by a later version) still reads, and is judged
/// by its hash like any other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedEvent {
    pub actor: String,
    /// The stored string of an [`AuditAction`].
    pub action: String,
    pub subject: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub at: Timestamp,
}

/// A stored audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// 1, 2, 3, … without gaps.
    pub seq: i64,
    pub event: RecordedEvent,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEvent {
    pub fn new(
        actor: &str,
        action: AuditAction,
        subject: impl Into<String>,
        at: Timestamp,
    ) -> Self {
        AuditEvent {
            actor: actor.to_owned(),
            action,
            subject: subject.into(),
            before_digest: None,
            after_digest: None,
            at,
        }
    }

    pub fn before<T: Serialize>(mut self, value: &T) -> Self {
        self.before_digest = Some(digest(value));
        self
    }

    pub fn after<T: Serialize>(mut self, value: &T) -> Self {
        self.after_digest = Some(digest(value));
        self
    }

    /// Seals the event as entry `seq` after an entry whose hash is `prev_hash`.
    pub fn seal(self, seq: i64, prev_hash: &str) -> AuditEntry {
        RecordedEvent::from(self).seal(seq, prev_hash)
    }
}

impl From<AuditEvent> for RecordedEvent {
    fn from(e: AuditEvent) -> Self {
        RecordedEvent {
            actor: e.actor,
            action: e.action.as_str().to_owned(),
            subject: e.subject,
            before_digest: e.before_digest,
            after_digest: e.after_digest,
            at: e.at,
        }
    }
}

impl RecordedEvent {
    /// The action, if it is a member of [`AuditAction`].
    pub fn known_action(&self) -> Option<AuditAction> {
        AuditAction::parse(&self.action)
    }

    /// Seals the event as entry `seq` after an entry whose hash is `prev_hash`.
    pub fn seal(self, seq: i64, prev_hash: &str) -> AuditEntry {
        let hash = entry_hash(seq, prev_hash, &self);
        AuditEntry {
            seq,
            event: self,
            prev_hash: prev_hash.to_owned(),
            hash,
        }
    }
}

/// The BLAKE3 digest (hex) of a value's canonical JSON.
pub fn digest<T: Serialize>(value: &T) -> String {
    // serde_json of our own types cannot fail (no maps with non-string keys).
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    blake3::hash(&bytes).to_hex().to_string()
}

/// The hash of an entry: every field, length-prefixed so that no two field lists collide.
pub fn entry_hash(seq: i64, prev_hash: &str, event: &RecordedEvent) -> String {
    let mut hasher = blake3::Hasher::new();
    let mut field = |bytes: &[u8]| {
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(&seq.to_le_bytes());
    field(prev_hash.as_bytes());
    field(event.actor.as_bytes());
    field(event.action.as_bytes());
    field(event.subject.as_bytes());
    field(event.before_digest.as_deref().unwrap_or("-").as_bytes());
    field(event.after_digest.as_deref().unwrap_or("-").as_bytes());
    field(event.at.to_string().as_bytes());
    hasher.finalize().to_hex().to_string()
}

/// The newest entry of a verified log: its sequence number and hash ([`GENESIS_HASH`] at 0,
/// while the log is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogHead {
    pub seq: i64,
    pub hash: String,
}

/// The first entry at which the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at entry {seq}: {reason}")]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: ChainBreakReason,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreakReason {
    #[error("the entry's contents do not match its hash (altered)")]
    HashMismatch,
    #[error(
        "the entry does not chain to the previous entry's hash (an entry before it was removed or altered)"
    )]
    PrevHashMismatch,
    #[error("expected entry {expected} here (entries removed)")]
    Gap { expected: i64 },
    #[error(
        "the chain's head records {recorded} entries but {found} were found (entries removed at the end)"
    )]
    Truncated { recorded: i64, found: i64 },
}

/// Incremental verifier: feed entries in `seq` order, then [`ChainVerifier::finish`].
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_owned(),
        }
    }
}

impl ChainVerifier {
    /// How many entries verified so far (the `seq` of the last one).
    pub fn verified(&self) -> i64 {
        self.expected_seq - 1
    }

    pub fn push(&mut self, entry: &AuditEntry) -> Result<(), ChainBreak> {
        let fail = |reason| {
            Err(ChainBreak {
                seq: entry.seq,
                reason,
            })
        };
        if entry.seq != self.expected_seq {
            return Err(ChainBreak {
                seq: self.expected_seq.min(entry.seq),
                reason: ChainBreakReason::Gap {
                    expected: self.expected_seq,
                },
            });
        }
        if entry.prev_hash != self.prev_hash {
            return fail(ChainBreakReason::PrevHashMismatch);
        }
        if entry_hash(entry.seq, &entry.prev_hash, &entry.event) != entry.hash {
            return fail(ChainBreakReason::HashMismatch);
        }
        self.prev_hash.clone_from(&entry.hash);
        self.expected_seq += 1;
        Ok(())
    }

    /// Ends verification. `head` is the (count, last hash) the store keeps beside the log, so
    /// that removing the newest entries is detected too.
    pub fn finish(self, head: Option<(i64, &str)>) -> Result<i64, ChainBreak> {
        self.finish_at_head(head).map(|head| head.seq)
    }

    /// [`ChainVerifier::finish`], giving the newest entry's hash too.
    pub fn finish_at_head(self, head: Option<(i64, &str)>) -> Result<LogHead, ChainBreak> {
        let found = self.verified();
        if let Some((recorded, last_hash)) = head
            && (recorded != found || (found > 0 && last_hash != self.prev_hash))
        {
            return Err(ChainBreak {
                seq: found + 1,
                reason: ChainBreakReason::Truncated { recorded, found },
            });
        }
        Ok(LogHead {
            seq: found,
            hash: self.prev_hash,
        })
    }
}

/// Verifies a whole chain held in memory.
pub fn verify_chain<'a>(
    entries: impl IntoIterator<Item = &'a AuditEntry>,
    head: Option<(i64, &str)>,
) -> Result<i64, ChainBreak> {
    let mut verifier = ChainVerifier::default();
    for e in entries {
        verifier.push(e)?;
    }
    verifier.finish(head)
}

/// Reading the log back.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Up to `limit` entries with `seq > after`, in order.
    async fn audit_entries(&self, after: i64, limit: i64) -> Result<Vec<AuditEntry>, StoreError>;
    /// The count and last hash kept beside the log, if any entry exists.
    async fn audit_head(&self) -> Result<Option<(i64, String)>, StoreError>;
}

/// Verifies the whole audit chain of a store, page by page: the number of entries.
pub async fn verify_audit<S: AuditStore + ?Sized>(
    store: &S,
) -> Result<Result<i64, ChainBreak>, StoreError> {
    Ok(verified_audit_head(store).await?.map(|head| head.seq))
}

/// Verifies the whole audit chain of a store, page by page, and gives its newest entry.
///
/// The log is read to its end, then the head row: entries written meanwhile (a server keeps
/// running) are committed with the head just read, so they are read too, up to the head,
/// instead of making the head look ahead of the log.
pub async fn verified_audit_head<S: AuditStore + ?Sized>(
    store: &S,
) -> Result<Result<LogHead, ChainBreak>, StoreError> {
    let mut verifier = ChainVerifier::default();
    if let Err(broken) = verify_audit_pages(store, &mut verifier, i64::MAX).await? {
        return Ok(Err(broken));
    }
    // An empty log has a head row that records 0 entries.
    let (count, hash) = store
        .audit_head()
        .await?
        .unwrap_or_else(|| (0, GENESIS_HASH.to_owned()));
    if count > verifier.verified()
        && let Err(broken) = verify_audit_pages(store, &mut verifier, count).await?
    {
        return Ok(Err(broken));
    }
    Ok(verifier.finish_at_head(Some((count, &hash))))
}

/// Feeds the entries after those verified, up to `up_to`, to `verifier`.
async fn verify_audit_pages<S: AuditStore + ?Sized>(
    store: &S,
    verifier: &mut ChainVerifier,
    up_to: i64,
) -> Result<Result<(), ChainBreak>, StoreError> {
    const PAGE: i64 = 5_000;
    while verifier.verified() < up_to {
        let page = store
            .audit_entries(verifier.verified(), PAGE.min(up_to - verifier.verified()))
            .await?;
        if page.is_empty() {
            break;
        }
        for entry in &page {
            if let Err(broken) = verifier.push(entry) {
                return Ok(Err(broken));
            }
        }
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let e = AuditEvent::new(
                    "admin",
                    AuditAction::StationAdded,
                    format!("{seq}"),
                    Timestamp::UNIX_EPOCH,
                )
                .after(&seq)
                .seal(seq, &prev);
                prev.clone_from(&e.hash);
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        let head = (5, c[4].hash.as_str());
        assert_eq!(verify_chain(&c, Some(head)), Ok(5));
    }

    #[test]
    fn an_altered_entry_is_named() {
        let mut c = chain(5);
        c[2].event.subject = "forged".into();
        let err = verify_chain(&c, None).expect_err("altered");
        assert_eq!(err.seq, 3);
        assert_eq!(err.reason, ChainBreakReason::HashMismatch);
    }

    #[test]
    fn an_altered_action_is_named_even_when_no_action_has_that_name() {
        let mut c = chain(5);
        c[3].event.action = "forged".into();
        assert_eq!(c[3].event.known_action(), None);
        let err = verify_chain(&c, None).expect_err("altered");
        assert_eq!(err.seq, 4);
        assert_eq!(err.reason, ChainBreakReason::HashMismatch);
    }

    #[test]
    fn a_removed_entry_is_named() {
        let mut c = chain(5);
        c.remove(1);
        let err = verify_chain(&c, None).expect_err("gap");
        assert_eq!(err.seq, 2);
    }

    #[test]
    fn a_recomputed_entry_still_breaks_the_next_link() {
        let mut c = chain(5);
        c[1].event.subject = "forged".into();
        c[1].hash = entry_hash(2, &c[1].prev_hash, &c[1].event);
        let err = verify_chain(&c, None).expect_err("relinked");
        assert_eq!(err.seq, 3);
        assert_eq!(err.reason, ChainBreakReason::PrevHashMismatch);
    }

    #[test]
    fn removing_the_newest_entries_is_detected_through_the_head() {
        let c = chain(5);
        let head = (5, c[4].hash.as_str());
        let err = verify_chain(&c[..3], Some(head)).expect_err("truncated");
        assert_eq!(err.seq, 4);
    }
}
