//! The public results log: every accepted protocol version of an election, in the order the
//! commissions accepted them, as a hash chain that anyone may download and check.
//!
//! The store appends an entry in the very transaction that accepts a version
//! ([`ResultsStore::change_protocol`](super::ResultsStore::change_protocol)), so no accepted
//! protocol exists without its entry and no entry without its protocol. The chain is per
//! election: entry `seq` (1, 2, …) carries the hash of entry `seq - 1` ([`GENESIS_HASH`] for
//! the first) and its own, [`entry_hash`].
//!
//! The commission signs the log with its Ed25519 key by signing checkpoints of its head, with
//! the audit log's checkpoint format ([`crate::audit::checkpoint`], log name
//! [`LOG_NAME`]): a signature over the hash of entry `n` covers every entry up to `n`, as a
//! signature over each would, while the key stays off the servers that accept protocols.
//! `shailoo results export` signs a checkpoint of the head as it stands and keeps it with the
//! earlier ones; `shailoo verify` checks each against the downloaded log.
//!
//! # The hash of an entry
//!
//! BLAKE3 over these fields, each preceded by its length in bytes as a little-endian `u64`
//! (so no two field lists collide): the text `shailoo-results-log/1`; `seq` as a little-endian
//! `i64`; the previous entry's hash (64 lowercase hex digits); the election id; the council
//! id; `version` as a little-endian `u32`; the instant of acceptance (RFC 3339, UTC, as
//! written in the entry); the protocol as compact JSON with its fields in the order of the
//! file. The hash is written as 64 lowercase hex digits.

use crate::audit::checkpoint::{
    Checkpoint, CheckpointProblem, LogName, SignedCheckpoint, SystemLabel,
};
use crate::audit::{AuditAction, AuditEvent, GENESIS_HASH, LogHead};
use crate::authz::{self, Power, Target};
use crate::signing::{PublicKey, Signer};
use crate::store::StoreError;
use crate::users::Actor;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_domain::protocol::Protocol;
use shailoo_domain::{CouncilId, ElectionId};

/// The name checkpoints of the results log carry (never to pass for the audit log's).
pub const LOG_NAME: &str = "results";

/// The first field of every hashed entry: the format of the log.
pub const FORMAT: &str = "shailoo-results-log/1";

/// The log's name as a checkpoint states it.
pub fn log_name() -> LogName {
    LogName::parse(LOG_NAME).unwrap_or_else(|_| unreachable!("a valid log name"))
}

/// One entry: one accepted version of one protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    /// 1, 2, … per election.
    pub seq: i64,
    pub election: ElectionId,
    pub council: CouncilId,
    /// The protocol's version (a correction is version 2, …).
    pub version: u32,
    pub accepted_at: Timestamp,
    pub protocol: Protocol,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry's fields (see the module documentation).
pub fn entry_hash(
    seq: i64,
    prev_hash: &str,
    election: &ElectionId,
    council: &CouncilId,
    version: u32,
    accepted_at: Timestamp,
    protocol: &Protocol,
) -> String {
    let mut hasher = blake3::Hasher::new();
    let mut field = |bytes: &[u8]| {
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(FORMAT.as_bytes());
    field(&seq.to_le_bytes());
    field(prev_hash.as_bytes());
    field(election.as_str().as_bytes());
    field(council.as_str().as_bytes());
    field(&version.to_le_bytes());
    field(accepted_at.to_string().as_bytes());
    // A protocol's JSON cannot fail: plain numbers, ids and enums.
    field(&serde_json::to_vec(protocol).unwrap_or_default());
    hasher.finalize().to_hex().to_string()
}

impl LogEntry {
    /// The entry following `prev` (the head of the election's log), hashed.
    pub fn next(
        prev: &LogHead,
        election: &ElectionId,
        council: &CouncilId,
        version: u32,
        accepted_at: Timestamp,
        protocol: &Protocol,
    ) -> LogEntry {
        let seq = prev.seq + 1;
        // Whole seconds, as RFC 3339 round-trips them in every reader.
        let accepted_at = Timestamp::from_second(accepted_at.as_second()).unwrap_or(accepted_at);
        LogEntry {
            seq,
            election: election.clone(),
            council: council.clone(),
            version,
            accepted_at,
            protocol: protocol.clone(),
            prev_hash: prev.hash.clone(),
            hash: entry_hash(
                seq,
                &prev.hash,
                election,
                council,
                version,
                accepted_at,
                protocol,
            ),
        }
    }

    /// The hash its fields give.
    pub fn computed_hash(&self) -> String {
        entry_hash(
            self.seq,
            &self.prev_hash,
            &self.election,
            &self.council,
            self.version,
            self.accepted_at,
            &self.protocol,
        )
    }

    pub fn head(&self) -> LogHead {
        LogHead {
            seq: self.seq,
            hash: self.hash.clone(),
        }
    }
}

/// The empty log's head.
pub fn genesis() -> LogHead {
    LogHead {
        seq: 0,
        hash: GENESIS_HASH.to_owned(),
    }
}

/// The first thing wrong with a downloaded log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogProblem {
    #[error("log entry {found} is out of sequence: entry {expected} was expected")]
    Sequence { expected: i64, found: i64 },
    #[error("log entry {seq} belongs to election {found}, not {expected}")]
    Election {
        seq: i64,
        expected: ElectionId,
        found: ElectionId,
    },
    #[error("log entry {seq} does not follow entry {}: its previous hash differs", .seq - 1)]
    Chain { seq: i64 },
    #[error("log entry {seq} was altered: its hash is not the hash of its fields")]
    Hash { seq: i64 },
    #[error("the log has no signed checkpoint")]
    Unsigned,
    #[error("checkpoint {index}: {problem}")]
    Checkpoint {
        index: usize,
        problem: CheckpointProblem,
    },
    #[error("checkpoint {index} is of the {found} log, not the results log")]
    NotResultsLog { index: usize, found: String },
    #[error(
        "entries {} to {last} are signed by no checkpoint (the last signs entry {signed})",
        .signed + 1
    )]
    UnsignedTail { signed: i64, last: i64 },
}

/// Checks a downloaded log: each entry in sequence, of `election`, chained to the one before
/// and hashed over its fields; each checkpoint signed by `key` over an entry of this log; the
/// newest entry signed by a checkpoint. Returns the head.
pub fn verify_log(
    election: &ElectionId,
    entries: &[LogEntry],
    checkpoints: &[SignedCheckpoint],
    key: &PublicKey,
) -> Result<LogHead, LogProblem> {
    let mut head = genesis();
    for e in entries {
        if e.seq != head.seq + 1 {
            return Err(LogProblem::Sequence {
                expected: head.seq + 1,
                found: e.seq,
            });
        }
        if &e.election != election {
            return Err(LogProblem::Election {
                seq: e.seq,
                expected: election.clone(),
                found: e.election.clone(),
            });
        }
        if e.prev_hash != head.hash {
            return Err(LogProblem::Chain { seq: e.seq });
        }
        if e.computed_hash() != e.hash {
            return Err(LogProblem::Hash { seq: e.seq });
        }
        head = e.head();
    }
    if checkpoints.is_empty() {
        return Err(LogProblem::Unsigned);
    }
    let mut signed = 0;
    for (i, c) in checkpoints.iter().enumerate() {
        let index = i + 1;
        if c.checkpoint.log.as_str() != LOG_NAME {
            return Err(LogProblem::NotResultsLog {
                index,
                found: c.checkpoint.log.to_string(),
            });
        }
        let problem = |problem| LogProblem::Checkpoint { index, problem };
        c.verify_signature(Some(key)).map_err(problem)?;
        let seq = c.checkpoint.seq;
        let entry = usize::try_from(seq - 1)
            .ok()
            .and_then(|i| entries.get(i))
            .map(|e| (e.seq, e.hash.as_str()));
        check_entry(&c.checkpoint, &head, entry).map_err(problem)?;
        signed = signed.max(seq);
    }
    if signed < head.seq {
        return Err(LogProblem::UnsignedTail {
            signed,
            last: head.seq,
        });
    }
    Ok(head)
}

/// [`Checkpoint::check_log`] on an entry of this log.
fn check_entry(
    c: &Checkpoint,
    head: &LogHead,
    entry: Option<(i64, &str)>,
) -> Result<(), CheckpointProblem> {
    if c.seq > head.seq {
        return Err(CheckpointProblem::Truncated {
            signed: c.seq,
            found: head.seq,
        });
    }
    let found = if c.seq == 0 {
        GENESIS_HASH
    } else {
        match entry {
            Some((seq, hash)) if seq == c.seq => hash,
            _ => return Err(CheckpointProblem::Missing { seq: c.seq }),
        }
    };
    if found == c.hash {
        Ok(())
    } else {
        Err(CheckpointProblem::Rewritten {
            seq: c.seq,
            signed: c.hash.clone(),
            found: found.to_owned(),
        })
    }
}

/// What the log needs from a database; the appending itself is part of
/// [`ResultsStore::change_protocol`](super::ResultsStore::change_protocol).
#[async_trait::async_trait]
pub trait ResultsLogStore: Send + Sync {
    /// The election's log from entry `from` on (1-based), at most `limit` entries, in order.
    async fn results_log(
        &self,
        election: &ElectionId,
        from: i64,
        limit: i64,
    ) -> Result<Vec<LogEntry>, StoreError>;

    /// The head of the election's log as stored ([`genesis`] while empty).
    async fn results_log_head(&self, election: &ElectionId) -> Result<LogHead, StoreError>;

    /// Keeps a signed checkpoint of the election's log, with `event`.
    async fn record_log_checkpoint(
        &self,
        election: &ElectionId,
        checkpoint: &SignedCheckpoint,
        event: AuditEvent,
    ) -> Result<(), StoreError>;

    /// The election's checkpoints, oldest first.
    async fn log_checkpoints(
        &self,
        election: &ElectionId,
    ) -> Result<Vec<SignedCheckpoint>, StoreError>;
}

/// Signs a checkpoint of the election's log at `head` (the entry the caller read last) and
/// keeps it ([`Power::PublishResults`]: the operator with the commission's key).
pub async fn sign_log<S: ResultsLogStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    head: &LogHead,
    system: SystemLabel,
    signer: &Signer,
    now: Timestamp,
) -> Result<SignedCheckpoint, super::ResultsError> {
    authz::authorize(actor, Power::PublishResults, Target::Nationwide)
        .map_err(|_| super::ResultsError::Forbidden)?;
    let signed = Checkpoint::new(log_name(), system, head, now).sign(signer);
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::ResultsLogCheckpointed,
        format!("{election}/results/log"),
        now,
    )
    .after(&signed.to_json());
    store
        .record_log_checkpoint(election, &signed, event)
        .await?;
    Ok(signed)
}

/// The counted protocols a log gives: the latest version of each (council, station, contest),
/// in the order of council id, station and contest key (the order of the open data).
pub fn counted_of(entries: &[LogEntry]) -> Vec<(CouncilId, Protocol)> {
    let mut latest: std::collections::BTreeMap<(String, u32, String), (u32, &LogEntry)> =
        std::collections::BTreeMap::new();
    for e in entries {
        let key = (
            e.council.to_string(),
            e.protocol.station.get(),
            super::contest_key(&e.protocol.contest),
        );
        let newer = latest.get(&key).is_none_or(|(v, _)| e.version >= *v);
        if newer {
            latest.insert(key, (e.version, e));
        }
    }
    latest
        .into_values()
        .map(|(_, e)| (e.council.clone(), e.protocol.clone()))
        .collect()
}

/// Reads the whole log of an election, page by page.
pub async fn whole_log<S: ResultsLogStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<Vec<LogEntry>, StoreError> {
    const PAGE: i64 = 10_000;
    let mut out: Vec<LogEntry> = Vec::new();
    loop {
        let from = out.last().map_or(1, |e| e.seq + 1);
        let got = store.results_log(election, from, PAGE).await?;
        let n = got.len();
        out.extend(got);
        if (n as i64) < PAGE {
            return Ok(out);
        }
    }
}
