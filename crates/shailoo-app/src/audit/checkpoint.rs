//! Signed checkpoints: a hash-chained log anchored outside the database it protects.
//!
//! The chain proves that the stored entries belong together, but not that none were cut off
//! its end: whoever controls the database can delete the newest entries and set the head row
//! back, or rewrite the whole history and recompute every hash after the change. A checkpoint
//! is a statement signed (Ed25519, [`crate::signing`]) with a key the database never holds:
//! "entry `seq` of the `log` of the election system `system` had hash `hash`, at time `at`".
//! The log must hold that entry with that hash for ever after (it may grow): if it holds fewer
//! entries, it was truncated; if entry `seq` has another hash, its history was rewritten.
//!
//! # What is signed
//!
//! The UTF-8 text of six lines, each ending in a line feed, nothing else:
//!
//! ```text
//! shailoo-checkpoint/1
//! log audit
//! system CEC of the Kyrgyz Republic: local council elections 2024
//! seq 1234
//! hash 4c1e…(the entry's hash, 64 lowercase hex digits)
//! at 2024-11-17T14:00:00Z
//! ```
//!
//! No field can hold a line break ([`SystemLabel`] refuses control characters), so the text
//! has one reading, and anyone can rebuild it with `printf` and check the signature with
//! `openssl pkeyutl -verify -rawin` (README, "Audit checkpoints").
//!
//! # The file
//!
//! JSON, published as it is: the six fields (`format` is the first line), the signer's
//! public key and the signature, both lowercase hex:
//!
//! ```json
//! {
//!   "format": "shailoo-checkpoint/1",
//!   "log": "audit",
//!   "system": "CEC of the Kyrgyz Republic: local council elections 2024",
//!   "seq": 1234,
//!   "hash": "4c1e…",
//!   "at": "2024-11-17T14:00:00Z",
//!   "public_key": "…64 hex digits…",
//!   "signature": "…128 hex digits…"
//! }
//! ```
//!
//! A checkpoint carrying its own key proves only that *someone* signed it: whoever rewrote the
//! log could sign a fresh checkpoint with a key of their own. It proves something when the key
//! is known to be the commission's (published beforehand, pinned with `--public-key`):
//! [`SignedCheckpoint::verify_signature`] says which of the two it trusted ([`Trust`]).
//!
//! The log is named in the statement so that other logs (the results' protocols) can be
//! checkpointed with the same types and keys without one log's checkpoint passing for another's.
//!
//! [`sign_audit_log`] and [`confirm_in_audit_log`] apply this to the audit log of a store.

use super::{AuditEntry, ChainBreak, GENESIS_HASH, LogHead};
use super::{AuditStore, verified_audit_head};
use crate::signing::{KeyError, PublicKey, Signature, Signer};
use crate::store::StoreError;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The first line of the signed text and the `format` of the file.
pub const FORMAT: &str = "shailoo-checkpoint/1";

/// Which log a checkpoint speaks of: 1 to 32 of `a-z`, `0-9`, `-`, `_`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogName(String);

impl LogName {
    /// The audit log ([`crate::audit`]).
    pub fn audit() -> LogName {
        LogName("audit".to_owned())
    }

    pub fn parse(name: &str) -> Result<LogName, String> {
        let ok = (1..=32).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if ok {
            Ok(LogName(name.to_owned()))
        } else {
            Err(format!(
                "{name:?} is not a log name (1 to 32 of a-z, 0-9, - and _)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LogName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The election system a checkpoint speaks of, as people call it ("CEC of the Kyrgyz Republic:
/// local council elections 2024"): 1 to 200 characters, no control or bidirectional-formatting
/// characters (which would let one text read two ways), no space at either end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemLabel(String);

impl SystemLabel {
    pub fn parse(label: &str) -> Result<SystemLabel, String> {
        let chars = label.chars().count();
        if !(1..=200).contains(&chars) {
            return Err(format!(
                "a system label has 1 to 200 characters, not {chars}"
            ));
        }
        if label.trim() != label {
            return Err("a system label neither begins nor ends with a space".to_owned());
        }
        if let Some(c) = label.chars().find(|&c| c.is_control() || is_bidi_format(c)) {
            return Err(format!(
                "a system label holds no control or text-direction characters (found U+{:04X})",
                u32::from(c)
            ));
        }
        Ok(SystemLabel(label.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SystemLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Unicode's Bidi_Control characters.
fn is_bidi_format(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What a checkpoint states: entry `seq` of `log` of `system` had `hash` at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub log: LogName,
    pub system: SystemLabel,
    /// 0 for an empty log (then `hash` is [`GENESIS_HASH`]).
    pub seq: i64,
    /// The entry's hash, 64 lowercase hex digits.
    pub hash: String,
    /// Whole seconds: the statement is for people to read.
    pub at: Timestamp,
}

/// A checkpoint, the public key of its signer and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    pub checkpoint: Checkpoint,
    pub public_key: PublicKey,
    pub signature: Signature,
}

/// Which key a checkpoint's signature was verified with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// The key the verifier gave (`--public-key`), which the checkpoint carries too.
    Pinned(PublicKey),
    /// The key the checkpoint carries, nothing else: the signature is sound, but only a
    /// comparison with the commission's published key shows whose it is.
    Carried(PublicKey),
}

/// Why a checkpoint does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointProblem {
    #[error(
        "it was signed by key {carried}, not by the trusted key {pinned} given with --public-key"
    )]
    NotThePinnedKey {
        pinned: PublicKey,
        carried: PublicKey,
    },
    #[error(
        "its signature does not verify with key {key}: the checkpoint was changed after it was \
         signed, or that key did not sign it"
    )]
    BadSignature { key: PublicKey },
    #[error(
        "the log holds {found} entries, but the checkpoint signed entry {signed}: entries {} to \
         {signed} were removed (the log was truncated)", .found + 1
    )]
    Truncated { signed: i64, found: i64 },
    #[error(
        "entry {seq} has hash {found}, but the checkpoint signed hash {signed}: the log up to \
         entry {seq} was rewritten (or the checkpoint is another database's)"
    )]
    Rewritten {
        seq: i64,
        signed: String,
        found: String,
    },
    #[error("entry {seq}, which the checkpoint signed, is missing from the log")]
    Missing { seq: i64 },
}

/// A checkpoint file that cannot be read as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointFileError {
    #[error("not a checkpoint file (JSON with the fields of {FORMAT}): {0}")]
    Json(String),
    #[error("a checkpoint of format {0:?}, but this shailoo reads {FORMAT:?}")]
    Format(String),
    #[error("field `{field}`: {reason}")]
    Field { field: &'static str, reason: String },
}

/// The file's fields as written; parsed into [`SignedCheckpoint`] field by field.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckpointFile {
    format: String,
    log: String,
    system: String,
    seq: i64,
    hash: String,
    at: String,
    public_key: String,
    signature: String,
}

impl Checkpoint {
    /// A checkpoint of a verified log's newest entry, at `at` (cut to whole seconds).
    pub fn new(log: LogName, system: SystemLabel, head: &LogHead, at: Timestamp) -> Checkpoint {
        Checkpoint {
            log,
            system,
            seq: head.seq,
            hash: head.hash.clone(),
            at: Timestamp::from_second(at.as_second()).unwrap_or(at),
        }
    }

    /// The exact text that is signed (see the module's documentation).
    pub fn message(&self) -> String {
        format!(
            "{FORMAT}\nlog {}\nsystem {}\nseq {}\nhash {}\nat {}\n",
            self.log, self.system, self.seq, self.hash, self.at
        )
    }

    pub fn sign(self, signer: &Signer) -> SignedCheckpoint {
        let signature = signer.sign(self.message().as_bytes());
        SignedCheckpoint {
            checkpoint: self,
            public_key: signer.public_key(),
            signature,
        }
    }

    /// Whether a log whose verified chain ends at `head` still holds what this checkpoint
    /// signed. `entry` is the log's entry `seq` as read back (needed only when the log has
    /// grown past it).
    pub fn check_log(
        &self,
        head: &LogHead,
        entry: Option<&AuditEntry>,
    ) -> Result<(), CheckpointProblem> {
        if self.seq > head.seq {
            return Err(CheckpointProblem::Truncated {
                signed: self.seq,
                found: head.seq,
            });
        }
        let found = if self.seq == head.seq {
            head.hash.as_str()
        } else if self.seq == 0 {
            GENESIS_HASH
        } else {
            match entry {
                Some(e) if e.seq == self.seq => e.hash.as_str(),
                _ => return Err(CheckpointProblem::Missing { seq: self.seq }),
            }
        };
        if found == self.hash {
            Ok(())
        } else {
            Err(CheckpointProblem::Rewritten {
                seq: self.seq,
                signed: self.hash.clone(),
                found: found.to_owned(),
            })
        }
    }
}

impl SignedCheckpoint {
    /// Checks the signature: with `pinned` when given (the checkpoint must carry that key),
    /// else with the key the checkpoint carries. Says which key it trusted.
    pub fn verify_signature(&self, pinned: Option<&PublicKey>) -> Result<Trust, CheckpointProblem> {
        if let Some(pinned) = pinned
            && *pinned != self.public_key
        {
            return Err(CheckpointProblem::NotThePinnedKey {
                pinned: *pinned,
                carried: self.public_key,
            });
        }
        self.public_key
            .verify(self.checkpoint.message().as_bytes(), &self.signature)
            .map_err(|_| CheckpointProblem::BadSignature {
                key: self.public_key,
            })?;
        Ok(match pinned {
            Some(key) => Trust::Pinned(*key),
            None => Trust::Carried(self.public_key),
        })
    }

    /// The file's text: pretty JSON ending in a line feed.
    pub fn to_json(&self) -> String {
        let c = &self.checkpoint;
        let file = CheckpointFile {
            format: FORMAT.to_owned(),
            log: c.log.to_string(),
            system: c.system.to_string(),
            seq: c.seq,
            hash: c.hash.clone(),
            at: c.at.to_string(),
            public_key: self.public_key.to_hex(),
            signature: self.signature.to_hex(),
        };
        // Strings and integers only: serialization cannot fail.
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a checkpoint file; the error names the field that is wrong. The signature is
    /// not checked here ([`SignedCheckpoint::verify_signature`]).
    pub fn from_json(text: &str) -> Result<SignedCheckpoint, CheckpointFileError> {
        let file: CheckpointFile =
            serde_json::from_str(text).map_err(|e| CheckpointFileError::Json(e.to_string()))?;
        if file.format != FORMAT {
            return Err(CheckpointFileError::Format(file.format));
        }
        let field = |field: &'static str| {
            move |reason: String| CheckpointFileError::Field { field, reason }
        };
        let key = |e: KeyError| e.to_string();
        if file.seq < 0 {
            return Err(field("seq")("a sequence number is 0 or more".to_owned()));
        }
        let hash_ok = file.hash.len() == 64
            && file
                .hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hash_ok {
            return Err(field("hash")(
                "an entry hash is 64 lowercase hex digits".to_owned(),
            ));
        }
        let at = file
            .at
            .parse::<Timestamp>()
            .map_err(|e| field("at")(format!("not an instant like 2024-11-17T14:00:00Z: {e}")))?;
        Ok(SignedCheckpoint {
            checkpoint: Checkpoint {
                log: LogName::parse(&file.log).map_err(field("log"))?,
                system: SystemLabel::parse(&file.system).map_err(field("system"))?,
                seq: file.seq,
                hash: file.hash,
                at,
            },
            public_key: PublicKey::from_hex(&file.public_key)
                .map_err(|e| field("public_key")(key(e)))?,
            signature: Signature::from_hex(&file.signature)
                .map_err(|e| field("signature")(key(e)))?,
        })
    }
}

/// Verifies the audit log of `store` and signs a checkpoint of its newest entry. A broken
/// chain is not signed: its break is returned instead.
pub async fn sign_audit_log<S: AuditStore + ?Sized>(
    store: &S,
    signer: &Signer,
    system: SystemLabel,
    at: Timestamp,
) -> Result<Result<SignedCheckpoint, ChainBreak>, StoreError> {
    Ok(verified_audit_head(store)
        .await?
        .map(|head| Checkpoint::new(LogName::audit(), system, &head, at).sign(signer)))
}

/// Whether the audit log of `store`, whose chain verified up to `head`
/// ([`verified_audit_head`]), still holds what `checkpoint` signed. The signature is checked
/// apart ([`SignedCheckpoint::verify_signature`]).
pub async fn confirm_in_audit_log<S: AuditStore + ?Sized>(
    store: &S,
    checkpoint: &Checkpoint,
    head: &LogHead,
) -> Result<Result<(), CheckpointProblem>, StoreError> {
    let entry = if 0 < checkpoint.seq && checkpoint.seq < head.seq {
        store
            .audit_entries(checkpoint.seq - 1, 1)
            .await?
            .into_iter()
            .next()
    } else {
        None
    };
    Ok(checkpoint.check_log(head, entry.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{AuditAction, AuditEvent};

    fn signer(seed: u8) -> Signer {
        Signer::from_secret_bytes(&[seed; 32])
    }

    /// A log of `n` entries, as the store seals them.
    fn log(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let e = AuditEvent::new(
                    "admin",
                    AuditAction::StationAdded,
                    seq.to_string(),
                    Timestamp::UNIX_EPOCH,
                )
                .seal(seq, &prev);
                prev.clone_from(&e.hash);
                e
            })
            .collect()
    }

    fn head(log: &[AuditEntry]) -> LogHead {
        log.last().map_or(
            LogHead {
                seq: 0,
                hash: GENESIS_HASH.to_owned(),
            },
            |e| LogHead {
                seq: e.seq,
                hash: e.hash.clone(),
            },
        )
    }

    fn checkpoint_of(log: &[AuditEntry]) -> Checkpoint {
        Checkpoint::new(
            LogName::audit(),
            SystemLabel::parse("Бишкек: test election").expect("label"),
            &head(log),
            "2024-11-17T14:00:00.123Z".parse().expect("instant"),
        )
    }

    #[test]
    fn the_signed_text_is_the_documented_six_lines() {
        let c = checkpoint_of(&log(3));
        assert_eq!(
            c.message(),
            format!(
                "shailoo-checkpoint/1\nlog audit\nsystem Бишкек: test election\nseq 3\nhash {}\nat 2024-11-17T14:00:00Z\n",
                log(3)[2].hash
            )
        );
    }

    #[test]
    fn a_signed_checkpoint_verifies_after_a_round_trip_through_its_file() {
        let signed = checkpoint_of(&log(3)).sign(&signer(1));
        let read = SignedCheckpoint::from_json(&signed.to_json()).expect("reads back");
        assert_eq!(read, signed);
        let key = signer(1).public_key();
        assert_eq!(read.verify_signature(None), Ok(Trust::Carried(key)));
        assert_eq!(read.verify_signature(Some(&key)), Ok(Trust::Pinned(key)));
    }

    #[test]
    fn changing_any_signed_field_breaks_the_signature() {
        let signed = checkpoint_of(&log(3)).sign(&signer(1));
        let other = log(2);
        type Tamper = fn(&mut Checkpoint, &[AuditEntry]);
        let tamperings: [(&str, Tamper); 5] = [
            ("seq", |c, _| c.seq = 2),
            ("hash", |c, other| c.hash.clone_from(&other[1].hash)),
            ("at", |c, _| c.at = Timestamp::UNIX_EPOCH),
            ("system", |c, _| {
                c.system = SystemLabel::parse("another election").expect("label")
            }),
            ("log", |c, _| {
                c.log = LogName::parse("protocols").expect("name")
            }),
        ];
        for (field, tamper) in tamperings {
            let mut forged = signed.clone();
            tamper(&mut forged.checkpoint, &other);
            assert_eq!(
                forged.verify_signature(None),
                Err(CheckpointProblem::BadSignature {
                    key: signer(1).public_key()
                }),
                "{field}"
            );
        }
    }

    #[test]
    fn a_checkpoint_re_signed_with_another_key_fails_against_the_pinned_key() {
        let commission = signer(1).public_key();
        // Whoever rewrote the log signs a checkpoint of their own: sound, but not the
        // commission's.
        let forged = checkpoint_of(&log(2)).sign(&signer(9));
        assert!(matches!(
            forged.verify_signature(None),
            Ok(Trust::Carried(k)) if k == signer(9).public_key()
        ));
        assert_eq!(
            forged.verify_signature(Some(&commission)),
            Err(CheckpointProblem::NotThePinnedKey {
                pinned: commission,
                carried: signer(9).public_key()
            })
        );
    }

    #[test]
    fn a_key_swapped_into_a_signed_checkpoint_does_not_verify() {
        let mut forged = checkpoint_of(&log(3)).sign(&signer(1));
        forged.public_key = signer(9).public_key();
        assert_eq!(
            forged.verify_signature(Some(&signer(9).public_key())),
            Err(CheckpointProblem::BadSignature {
                key: signer(9).public_key()
            })
        );
    }

    #[test]
    fn the_log_it_was_taken_of_and_a_log_grown_since_hold_the_checkpoint() {
        let entries = log(5);
        let c = checkpoint_of(&entries[..3]);
        assert_eq!(c.check_log(&head(&entries[..3]), None), Ok(()));
        assert_eq!(c.check_log(&head(&entries), Some(&entries[2])), Ok(()));
        let empty = checkpoint_of(&[]);
        assert_eq!(empty.check_log(&head(&entries), None), Ok(()));
    }

    #[test]
    fn a_log_shorter_than_the_checkpoint_was_truncated() {
        let entries = log(5);
        let c = checkpoint_of(&entries);
        assert_eq!(
            c.check_log(&head(&entries[..3]), None),
            Err(CheckpointProblem::Truncated {
                signed: 5,
                found: 3
            })
        );
        let message = c
            .check_log(&head(&entries[..3]), None)
            .expect_err("truncated")
            .to_string();
        assert!(message.contains("entries 4 to 5 were removed"), "{message}");
    }

    #[test]
    fn another_hash_at_the_signed_entry_is_a_rewritten_history() {
        let entries = log(5);
        let c = checkpoint_of(&entries[..3]);
        // The same length, other contents: rehashed from entry 2 on.
        let mut rewritten = log(1);
        let mut prev = rewritten[0].hash.clone();
        for seq in 2..=5 {
            let e = AuditEvent::new(
                "forger",
                AuditAction::StationAdded,
                "x",
                Timestamp::UNIX_EPOCH,
            )
            .seal(seq, &prev);
            prev.clone_from(&e.hash);
            rewritten.push(e);
        }
        let err = c
            .check_log(&head(&rewritten), Some(&rewritten[2]))
            .expect_err("rewritten");
        assert!(
            matches!(&err, CheckpointProblem::Rewritten { seq: 3, found, .. } if *found == rewritten[2].hash),
            "{err:?}"
        );
        assert_eq!(
            c.check_log(&head(&rewritten), None),
            Err(CheckpointProblem::Missing { seq: 3 })
        );
    }

    #[test]
    fn malformed_files_name_what_is_wrong() {
        let good: serde_json::Value =
            serde_json::from_str(&checkpoint_of(&log(1)).sign(&signer(1)).to_json()).expect("json");
        let with = |field: &str, value: serde_json::Value| {
            let mut v = good.clone();
            v[field] = value;
            SignedCheckpoint::from_json(&v.to_string()).expect_err(field)
        };
        assert!(matches!(
            SignedCheckpoint::from_json("{\"format\": 1"),
            Err(CheckpointFileError::Json(_))
        ));
        assert_eq!(
            with("format", "shailoo-checkpoint/9".into()),
            CheckpointFileError::Format("shailoo-checkpoint/9".into())
        );
        let field_of = |e: CheckpointFileError| match e {
            CheckpointFileError::Field { field, .. } => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field_of(with("seq", (-1).into())), "seq");
        assert_eq!(field_of(with("hash", "ABC".into())), "hash");
        assert_eq!(field_of(with("at", "yesterday".into())), "at");
        assert_eq!(field_of(with("log", "Audit Log".into())), "log");
        assert_eq!(field_of(with("system", "two\nlines".into())), "system");
        assert_eq!(
            field_of(with("system", "\u{202E}noitcele".into())),
            "system"
        );
        assert_eq!(field_of(with("public_key", "00".into())), "public_key");
        assert_eq!(field_of(with("signature", "00".into())), "signature");
        let mut extra = good.clone();
        extra["note"] = "unsigned text".into();
        assert!(matches!(
            SignedCheckpoint::from_json(&extra.to_string()),
            Err(CheckpointFileError::Json(m)) if m.contains("note")
        ));
    }
}
