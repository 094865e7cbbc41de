//! [`shailoo_app::ResultsStore`] on both engines.
//!
//! A protocol is one `protocols` row (what is locked, listed and summed: `counted` holds the
//! latest accepted version's protocol) and one `protocol_versions` row per version, whose body
//! is the domain's `Version` as JSON. The writer is a [`Tx`] read as its steps: it locks the
//! audit head (so two operators entering the same protocol at once queue, and the second sees
//! the first's entry), reads the versions (`protocol_history`), runs the app's pure `apply`,
//! and writes the protocol row (`put_protocol_row`); at the end of the transaction only the
//! current versions (`put_versions`: a correction's new one is inserted; an accepted version
//! is never written again) and the chains' entries, and commits. A refused step writes
//! nothing.
//!
//! The import's group commit ([`ResultsStore::change_protocols`]) runs the same step for each
//! change of a batch in one transaction, each between a `SAVEPOINT` and its `RELEASE` (a
//! refused change rolls back to its savepoint, and the next proceeds). The versions and the
//! rows every step appends to the two chains, the audit log's and the public results log's,
//! are held in [`Appends`] and written once at the end as multi-row `INSERT`s with one update
//! of the audit head, and the batch's histories are read ahead in one statement per 64
//! (`protocol_histories`): a protocol of a batch then costs three statements (the savepoint,
//! its row, the release) and a share of one durable commit.
//!
//! The scans of signed protocols (i15-scan-map) are `protocol_scan_files` (once per BLAKE3
//! digest) and `protocol_scans` (which version of which protocol each is attached to); a scan
//! is attached under the same lock, to the version the app's `scan_version` names.

use crate::rows::{corrupt, station_number};
use crate::{Db, Tx, WritePool, db_err, multi_row};
use async_trait::async_trait;
use jiff::Timestamp;
use shailoo_app::audit::{AuditEntry, AuditEvent};
use shailoo_app::claims::CopyFormat;
use shailoo_app::results::log::LogEntry;
use shailoo_app::results::scan::{AttachedScan, ProtocolScan, ScanInfo, scan_version};
use shailoo_app::results::{
    Change, ChangeFacts, Determination, PreliminaryCount, ProtocolChange, ProtocolKey,
    ProtocolRecord, ResultsError, apply, contest_key, parse_contest_key,
};
use shailoo_app::{Entity, LogHead, ResultsStore, StoreError};
use shailoo_domain::protocol::Protocol;
use shailoo_domain::results::{History, Version};
use shailoo_domain::{CouncilId, ElectionId, StationNumber};
use std::collections::HashMap;

const VERSIONS: &str = "SELECT version, body FROM protocol_versions \
     WHERE election = $1 AND council = $2 AND station = $3 AND contest = $4 ORDER BY version";

const PROTOCOL_ROW: &str = "SELECT updated_at FROM protocols \
     WHERE election = $1 AND council = $2 AND station = $3 AND contest = $4";

const INSERT_PROTOCOL: &str = "INSERT INTO protocols (election, council, station, contest, \
     current_version, stage, counted_version, counted, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

const UPDATE_PROTOCOL: &str = "UPDATE protocols SET current_version = $5, stage = $6, \
     counted_version = $7, counted = $8, updated_at = $9 \
     WHERE election = $1 AND council = $2 AND station = $3 AND contest = $4";

const INSERT_VERSIONS: &str = "INSERT INTO protocol_versions (election, council, station, \
     contest, version, reason, stage, body)";

const UPSERT_VERSION_TAIL: &str = "ON CONFLICT (election, council, station, contest, version) \
     DO UPDATE SET stage = excluded.stage, body = excluded.body";

const COUNCIL_VERSIONS: &str = "SELECT v.station, v.contest, v.version, v.body, p.updated_at \
     FROM protocol_versions v JOIN protocols p ON p.election = v.election \
     AND p.council = v.council AND p.station = v.station AND p.contest = v.contest \
     WHERE v.election = $1 AND v.council = $2 ORDER BY v.station, v.contest, v.version";

const COUNTED: &str = "SELECT council, counted FROM protocols \
     WHERE election = $1 AND ($2 = '' OR council = $2) AND counted IS NOT NULL \
     ORDER BY council, station, contest";

const UPSERT_RESULT: &str = "INSERT INTO council_results (election, council, status, body, \
     determined_by, determined_at) VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (election, council) DO UPDATE SET status = excluded.status, \
     body = excluded.body, determined_by = excluded.determined_by, \
     determined_at = excluded.determined_at";

const RESULT: &str = "SELECT body FROM council_results WHERE election = $1 AND council = $2";

const UPSERT_PRELIMINARY: &str = "INSERT INTO preliminary_counts (election, council, station, \
     contest, body) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (election, council, station, contest) DO UPDATE SET body = excluded.body";

const PRELIMINARY: &str = "SELECT body FROM preliminary_counts \
     WHERE election = $1 AND council = $2 ORDER BY station, contest";

const INSERT_SCAN_FILE: &str = "INSERT INTO protocol_scan_files (digest, content_type, size, \
     bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (digest) DO NOTHING";

const INSERT_SCAN: &str = "INSERT INTO protocol_scans (election, council, station, contest, \
     version, digest, attached_by, attached_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
     ON CONFLICT (election, council, station, contest, version, digest) DO NOTHING";

const STATION_SCANS: &str = "SELECT s.contest, s.version, s.digest, f.content_type, f.size, \
     s.attached_by, s.attached_at FROM protocol_scans s \
     JOIN protocol_scan_files f ON f.digest = s.digest \
     WHERE s.election = $1 AND s.council = $2 AND s.station = $3 \
     ORDER BY s.contest, s.version, s.attached_at, s.digest";

const COUNTED_SCAN: &str = "SELECT f.bytes FROM protocol_scans s \
     JOIN protocols p ON p.election = s.election AND p.council = s.council \
     AND p.station = s.station AND p.contest = s.contest AND p.counted_version = s.version \
     JOIN protocol_scan_files f ON f.digest = s.digest \
     WHERE s.election = $1 AND s.digest = $2 LIMIT 1";

/// A row of [`STATION_SCANS`].
type ScanRow = (String, i64, String, String, i64, String, String);

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(e.to_string()))
}

fn parse<T: serde::de::DeserializeOwned>(
    table: &str,
    key: &str,
    body: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|e| corrupt(table, key, e))
}

/// A reference the database refused (an unknown station or council in the election).
fn write_err(e: sqlx::Error, key: &ProtocolKey) -> StoreError {
    let foreign = e
        .as_database_error()
        .is_some_and(|d| d.kind() == sqlx::error::ErrorKind::ForeignKeyViolation);
    if foreign {
        StoreError::unknown(Entity::Station, key.subject())
    } else {
        db_err(e)
    }
}

fn history_of(key: &str, rows: Vec<(i64, String)>) -> Result<History, StoreError> {
    let mut versions = Vec::with_capacity(rows.len());
    for (number, body) in rows {
        let v: Version = parse("protocol_versions", key, &body)?;
        if i64::from(v.number) != number {
            return Err(corrupt("protocol_versions", key, "version number differs"));
        }
        versions.push(v);
    }
    Ok(History { versions })
}

fn instant(table: &str, key: &str, text: &str) -> Result<Timestamp, StoreError> {
    text.parse()
        .map_err(|e| corrupt(table, key, format!("instant {text:?}: {e}")))
}

#[async_trait]
impl ResultsStore for Db {
    async fn change_protocol(
        &self,
        key: &ProtocolKey,
        change: &Change,
        by: &str,
        facts: &ChangeFacts,
        event: AuditEvent,
    ) -> Result<ProtocolRecord, ResultsError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let mut appends = Appends::after(head);
        let record = tx
            .protocol_step(key, change, by, facts, event, &mut appends)
            .await?;
        tx.write_appends(appends).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn change_protocols(
        &self,
        changes: &[ProtocolChange],
    ) -> Result<Vec<Result<ProtocolRecord, ResultsError>>, StoreError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let mut appends = Appends::after(head);
        let keys: Vec<&ProtocolKey> = changes.iter().map(|c| &c.key).collect();
        appends.histories = tx.protocol_histories(&keys).await?;
        let mut outcomes = Vec::with_capacity(changes.len());
        for c in changes {
            tx.execute_plain("SAVEPOINT protocol").await?;
            let step = tx
                .protocol_step(
                    &c.key,
                    &c.change,
                    &c.by,
                    &c.facts,
                    c.event.clone(),
                    &mut appends,
                )
                .await;
            match step {
                Ok(record) => {
                    tx.execute_plain("RELEASE SAVEPOINT protocol").await?;
                    outcomes.push(Ok(record));
                }
                // The database itself failed (or holds what does not parse): the batch is
                // rolled back whole. A missing or taken reference refuses this change only.
                Err(ResultsError::Store(
                    e @ (StoreError::Backend(_)
                    | StoreError::Unavailable(_)
                    | StoreError::Corrupt(_)
                    | StoreError::BadUrl(_)),
                )) => return Err(e),
                Err(refused) => {
                    tx.execute_plain("ROLLBACK TO SAVEPOINT protocol").await?;
                    tx.execute_plain("RELEASE SAVEPOINT protocol").await?;
                    outcomes.push(Err(refused));
                }
            }
        }
        tx.write_appends(appends).await?;
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn protocol(&self, key: &ProtocolKey) -> Result<Option<ProtocolRecord>, StoreError> {
        let contest = contest_key(&key.contest);
        let subject = key.subject();
        let station = i64::from(key.station.get());
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_read().await?;
            let row: Option<String> = sqlx::query_scalar(PROTOCOL_ROW)
                .bind(key.election.as_str())
                .bind(key.council.as_str())
                .bind(station)
                .bind(&contest)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
            let Some(updated_at) = row else {
                return Ok(None);
            };
            let rows: Vec<(i64, String)> = sqlx::query_as(VERSIONS)
                .bind(key.election.as_str())
                .bind(key.council.as_str())
                .bind(station)
                .bind(&contest)
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
            tx.commit().await.map_err(db_err)?;
            Ok(Some(ProtocolRecord {
                key: key.clone(),
                history: history_of(&subject, rows)?,
                updated_at: instant("protocols", &subject, &updated_at)?,
            }))
        })
    }

    async fn council_protocols(
        &self,
        election: &ElectionId,
        council: &CouncilId,
    ) -> Result<Vec<ProtocolRecord>, StoreError> {
        let rows: Vec<(i64, String, i64, String, String)> = on_db!(self, |pool, d| {
            sqlx::query_as(COUNCIL_VERSIONS)
                .bind(election.as_str())
                .bind(council.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        let mut out: Vec<ProtocolRecord> = Vec::new();
        for (station, contest, number, body, updated_at) in rows {
            let where_ = format!("{election}/{council}/{station}/{contest}");
            let station = station_number("protocols", &where_, station)?;
            let contest = parse_contest_key(&contest)
                .ok_or_else(|| corrupt("protocols", &where_, "contest"))?;
            let version: Version = parse("protocol_versions", &where_, &body)?;
            if i64::from(version.number) != number {
                return Err(corrupt(
                    "protocol_versions",
                    &where_,
                    "version number differs",
                ));
            }
            match out.last_mut() {
                Some(last) if last.key.station == station && last.key.contest == contest => {
                    last.history.versions.push(version);
                }
                _ => out.push(ProtocolRecord {
                    key: ProtocolKey {
                        election: election.clone(),
                        council: council.clone(),
                        station,
                        contest,
                    },
                    history: History {
                        versions: vec![version],
                    },
                    updated_at: instant("protocols", &where_, &updated_at)?,
                }),
            }
        }
        Ok(out)
    }

    async fn counted_protocols(
        &self,
        election: &ElectionId,
        council: Option<&CouncilId>,
    ) -> Result<Vec<(CouncilId, Protocol)>, StoreError> {
        let rows: Vec<(String, String)> = on_db!(self, |pool, d| {
            sqlx::query_as(COUNTED)
                .bind(election.as_str())
                .bind(council.map_or("", CouncilId::as_str))
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter()
            .map(|(council, body)| {
                let id =
                    CouncilId::parse(&council).map_err(|e| corrupt("protocols", &council, e))?;
                let protocol: Protocol = parse("protocols", &council, &body)?;
                Ok((id, protocol))
            })
            .collect()
    }

    async fn record_determination(
        &self,
        council: &CouncilId,
        determination: &Determination,
        event: AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        tx.put_determination(council, determination).await?;
        tx.append_audit(head, event).await?;
        tx.commit().await
    }

    async fn determination(
        &self,
        election: &ElectionId,
        council: &CouncilId,
    ) -> Result<Option<Determination>, StoreError> {
        let body: Option<String> = on_db!(self, |pool, d| {
            sqlx::query_scalar(RESULT)
                .bind(election.as_str())
                .bind(council.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        body.map(|b| parse("council_results", council.as_str(), &b))
            .transpose()
    }

    async fn import_preliminary(
        &self,
        election: &ElectionId,
        counts: &[PreliminaryCount],
        event: AuditEvent,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        tx.put_preliminary_counts(election, counts).await?;
        tx.append_audit(head, event).await?;
        tx.commit().await?;
        Ok(counts.len() as u64)
    }

    async fn preliminary(
        &self,
        election: &ElectionId,
        council: &CouncilId,
    ) -> Result<Vec<PreliminaryCount>, StoreError> {
        let rows: Vec<String> = on_db!(self, |pool, d| {
            sqlx::query_scalar(PRELIMINARY)
                .bind(election.as_str())
                .bind(council.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.iter()
            .map(|b| parse("preliminary_counts", council.as_str(), b))
            .collect()
    }

    async fn attach_scan(
        &self,
        key: &ProtocolKey,
        scan: &ProtocolScan,
        by: &str,
        event: AuditEvent,
    ) -> Result<AttachedScan, ResultsError> {
        self.attach_scan_tx(key, scan, by, event).await
    }

    async fn station_scans(
        &self,
        election: &ElectionId,
        council: &CouncilId,
        station: StationNumber,
    ) -> Result<Vec<AttachedScan>, StoreError> {
        let rows: Vec<ScanRow> = on_db!(self, |pool, d| {
            sqlx::query_as(STATION_SCANS)
                .bind(election.as_str())
                .bind(council.as_str())
                .bind(i64::from(station.get()))
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        let where_ = format!("{election}/{council}/{station}");
        rows.into_iter().map(|r| scan_of(&where_, r)).collect()
    }

    async fn counted_scan(
        &self,
        election: &ElectionId,
        digest: &str,
    ) -> Result<Option<ProtocolScan>, StoreError> {
        let bytes: Option<Vec<u8>> = on_db!(self, |pool, d| {
            sqlx::query_scalar(COUNTED_SCAN)
                .bind(election.as_str())
                .bind(digest)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        let Some(bytes) = bytes else {
            return Ok(None);
        };
        let scan = ProtocolScan::from_stored(bytes)
            .map_err(|e| corrupt("protocol_scan_files", digest, e.to_string()))?;
        if scan.info().digest != digest {
            return Err(corrupt("protocol_scan_files", digest, "digest differs"));
        }
        Ok(Some(scan))
    }
}

/// The scans of signed protocols (i15-scan-map).
impl Db {
    async fn attach_scan_tx(
        &self,
        key: &ProtocolKey,
        scan: &ProtocolScan,
        by: &str,
        event: AuditEvent,
    ) -> Result<AttachedScan, ResultsError> {
        let at = event.at;
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let history = tx.protocol_history(key).await?;
        let version = scan_version(history.as_ref())?;
        tx.put_scan(key, version, scan, by, at).await?;
        tx.append_audit(head, event).await?;
        tx.commit().await?;
        Ok(AttachedScan {
            contest: key.contest.clone(),
            version,
            scan: scan.info(),
            by: by.to_owned(),
            at,
        })
    }
}

fn scan_of(where_: &str, row: ScanRow) -> Result<AttachedScan, StoreError> {
    let (contest, version, digest, content_type, size, by, at) = row;
    let contest =
        parse_contest_key(&contest).ok_or_else(|| corrupt("protocol_scans", where_, "contest"))?;
    Ok(AttachedScan {
        contest,
        version: u32::try_from(version)
            .map_err(|e| corrupt("protocol_scans", where_, e.to_string()))?,
        scan: ScanInfo {
            format: CopyFormat::from_content_type(&content_type).ok_or_else(|| {
                corrupt("protocol_scan_files", &digest, "content type".to_owned())
            })?,
            size: u64::try_from(size)
                .map_err(|e| corrupt("protocol_scan_files", &digest, e.to_string()))?,
            digest,
        },
        by,
        at: instant("protocol_scans", where_, &at)?,
    })
}

/// What a writing transaction writes at its end, held until then: the current version of
/// each protocol it changed (with the history as it now stands, which a later change of the
/// same protocol in the transaction reads instead of the table), the audit entries sealed
/// after the head it locked, and the results log's entries after each election's head (read
/// at its first append). A step adds its rows only once its own write succeeded, so a change
/// rolled back to its savepoint leaves nothing here.
pub(crate) struct Appends {
    audit_head: (i64, String),
    audit: Vec<AuditEntry>,
    log_heads: HashMap<ElectionId, LogHead>,
    log: Vec<LogEntry>,
    /// The histories known in the transaction: read ahead for a batch (`None`: never
    /// entered), or as a step of the transaction left them.
    histories: HashMap<ProtocolKey, Option<History>>,
    /// Each changed protocol's current version, one row per (protocol, version number).
    versions: Vec<(ProtocolKey, Version)>,
    version_rows: HashMap<(ProtocolKey, u32), usize>,
}

impl Appends {
    pub(crate) fn after(audit_head: (i64, String)) -> Appends {
        Appends {
            audit_head,
            audit: Vec::new(),
            log_heads: HashMap::new(),
            log: Vec::new(),
            histories: HashMap::new(),
            versions: Vec::new(),
            version_rows: HashMap::new(),
        }
    }

    fn seal(&mut self, event: AuditEvent) {
        let entry = event.seal(self.audit_head.0 + 1, &self.audit_head.1);
        self.audit_head = (entry.seq, entry.hash.clone());
        self.audit.push(entry);
    }

    fn push_log(&mut self, entry: LogEntry) {
        self.log_heads.insert(entry.election.clone(), entry.head());
        self.log.push(entry);
    }

    /// The protocol's history as this step left it, and its current version to be written
    /// (over the same version an earlier step of the transaction left).
    fn push_history(&mut self, key: &ProtocolKey, history: &History) {
        let current = history.current().clone();
        match self.version_rows.entry((key.clone(), current.number)) {
            std::collections::hash_map::Entry::Occupied(row) => {
                self.versions[*row.get()].1 = current;
            }
            std::collections::hash_map::Entry::Vacant(row) => {
                row.insert(self.versions.len());
                self.versions.push((key.clone(), current));
            }
        }
        self.histories.insert(key.clone(), Some(history.clone()));
    }
}

/// The steps of the results' writers.
impl Tx {
    /// One change of a protocol, as [`ResultsStore::change_protocol`] describes it, in the
    /// caller's transaction (under the audit head's lock); its chain entries go to `appends`.
    async fn protocol_step(
        &mut self,
        key: &ProtocolKey,
        change: &Change,
        by: &str,
        facts: &ChangeFacts,
        event: AuditEvent,
        appends: &mut Appends,
    ) -> Result<ProtocolRecord, ResultsError> {
        let at = event.at;
        let stored = match appends.histories.get(key) {
            Some(known) => known.clone(),
            None => self.protocol_history(key).await?,
        };
        let existed = stored.is_some();
        let was_counted = stored.as_ref().and_then(|h| h.counted().map(|(n, _)| n));
        let next = apply(stored.unwrap_or_default(), change, by, facts)?;
        self.put_protocol_row(key, &next, existed, at).await?;
        // i15-public: a newly accepted version enters the public log with its acceptance.
        let log_entry = match next.counted() {
            Some((version, protocol)) if Some(version) != was_counted => {
                let head = match appends.log_heads.get(&key.election) {
                    Some(head) => head.clone(),
                    None => self.results_log_head(&key.election).await?,
                };
                Some(LogEntry::next(
                    &head,
                    &key.election,
                    &key.council,
                    version,
                    at,
                    protocol,
                ))
            }
            _ => None,
        };
        appends.push_history(key, &next);
        if let Some(entry) = log_entry {
            appends.push_log(entry);
        }
        appends.seal(event.after(&next));
        Ok(ProtocolRecord {
            key: key.clone(),
            history: next,
            updated_at: at,
        })
    }

    /// Writes what the transaction appended to the audit log (and its head) and to the
    /// results log.
    pub(crate) async fn write_appends(&mut self, appends: Appends) -> Result<(), StoreError> {
        self.put_versions(&appends.versions).await?;
        if !appends.audit.is_empty() {
            self.insert_audit_entries(&appends.audit).await?;
        }
        self.insert_results_log(&appends.log).await
    }

    /// A statement without parameters or rows (savepoints).
    async fn execute_plain(&mut self, sql: &'static str) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(sql).execute(&mut **t).await.map_err(db_err)?;
        });
        Ok(())
    }

    /// A scan's file, once per digest, and its link to `version` of the protocol.
    async fn put_scan(
        &mut self,
        key: &ProtocolKey,
        version: u32,
        scan: &ProtocolScan,
        by: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let info = scan.info();
        let size = i64::try_from(info.size).map_err(|e| StoreError::Backend(e.to_string()))?;
        on_tx!(self, |t, d| {
            sqlx::query(INSERT_SCAN_FILE)
                .bind(&info.digest)
                .bind(info.format.content_type())
                .bind(size)
                .bind(scan.bytes())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
            sqlx::query(INSERT_SCAN)
                .bind(key.election.as_str())
                .bind(key.council.as_str())
                .bind(i64::from(key.station.get()))
                .bind(contest_key(&key.contest))
                .bind(i64::from(version))
                .bind(&info.digest)
                .bind(by)
                .bind(at.to_string())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    /// The protocol's versions, read under the write lock; `None` when it was never entered.
    async fn protocol_history(&mut self, key: &ProtocolKey) -> Result<Option<History>, StoreError> {
        let contest = contest_key(&key.contest);
        let rows: Vec<(i64, String)> = on_tx!(self, |t, d| {
            sqlx::query_as(VERSIONS)
                .bind(key.election.as_str())
                .bind(key.council.as_str())
                .bind(i64::from(key.station.get()))
                .bind(&contest)
                .fetch_all(&mut **t)
                .await
                .map_err(db_err)?
        });
        if rows.is_empty() {
            return Ok(None);
        }
        history_of(&key.subject(), rows).map(Some)
    }

    /// The histories of many protocols in one statement per 64 (`None`: never entered), under
    /// the write lock: what a batch reads ahead instead of one read per change.
    async fn protocol_histories(
        &mut self,
        keys: &[&ProtocolKey],
    ) -> Result<HashMap<ProtocolKey, Option<History>>, StoreError> {
        type Row = (String, String, i64, String, i64, String);
        let mut known: HashMap<ProtocolKey, Option<History>> = HashMap::with_capacity(keys.len());
        let mut by_text: HashMap<(&str, &str, i64, String), &ProtocolKey> =
            HashMap::with_capacity(keys.len());
        for k in keys {
            known.insert((*k).clone(), None);
            let text = (
                k.election.as_str(),
                k.council.as_str(),
                i64::from(k.station.get()),
                contest_key(&k.contest),
            );
            by_text.insert(text, k);
        }
        let mut versions: HashMap<&ProtocolKey, Vec<(i64, String)>> = HashMap::new();
        let unique: Vec<_> = by_text.keys().cloned().collect();
        for chunk in multi_row::chunks(&unique) {
            let sql = format!(
                "SELECT v.election, v.council, v.station, v.contest, v.version, v.body \
                 FROM protocol_versions v JOIN ({}) AS k ON v.election = k.column1 \
                 AND v.council = k.column2 AND v.station = k.column3 AND v.contest = k.column4 \
                 ORDER BY v.election, v.council, v.station, v.contest, v.version",
                multi_row::values(4, chunk.len())
            );
            let rows: Vec<Row> = on_tx!(self, |t, d| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
                for (election, council, station, contest) in chunk {
                    q = q
                        .bind(*election)
                        .bind(*council)
                        .bind(*station)
                        .bind(contest.as_str());
                }
                q.fetch_all(&mut **t).await.map_err(db_err)?
            });
            for (election, council, station, contest, number, body) in rows {
                let text = (election.as_str(), council.as_str(), station, contest);
                if let Some(key) = by_text.get(&text) {
                    versions.entry(*key).or_default().push((number, body));
                }
            }
        }
        for (key, rows) in versions {
            known.insert(key.clone(), Some(history_of(&key.subject(), rows)?));
        }
        Ok(known)
    }

    /// The protocol's row: its current version and stage, and the latest accepted version's
    /// protocol (what is summed), inserted the first time and updated after. An unknown
    /// station or council in the election is `UnknownReference`.
    async fn put_protocol_row(
        &mut self,
        key: &ProtocolKey,
        history: &History,
        existed: bool,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let current = history.current();
        let counted = history.counted();
        let counted_version = counted.map(|(n, _)| i64::from(n));
        let counted_body = counted.map(|(_, p)| json(p)).transpose()?;
        let sql = if existed {
            UPDATE_PROTOCOL
        } else {
            INSERT_PROTOCOL
        };
        on_tx!(self, |t, d| {
            sqlx::query(sql)
                .bind(key.election.as_str())
                .bind(key.council.as_str())
                .bind(i64::from(key.station.get()))
                .bind(contest_key(&key.contest))
                .bind(i64::from(current.number))
                .bind(current.stage.as_str())
                .bind(counted_version)
                .bind(counted_body)
                .bind(at.to_string())
                .execute(&mut **t)
                .await
                .map_err(|e| write_err(e, key))?;
        });
        Ok(())
    }

    /// The changed protocols' current versions, each inserted or written over, in multi-row
    /// statements; the versions before them are never written again (an accepted one stays as
    /// it was accepted).
    async fn put_versions(
        &mut self,
        versions: &[(ProtocolKey, Version)],
    ) -> Result<(), StoreError> {
        let mut bodies = Vec::with_capacity(versions.len());
        for (_, v) in versions {
            bodies.push(json(v)?);
        }
        for (chunk, bodies) in multi_row::chunks(versions).zip(multi_row::chunks(&bodies)) {
            let sql = format!(
                "{} {UPSERT_VERSION_TAIL}",
                multi_row::insert_sql(INSERT_VERSIONS, 8, chunk.len())
            );
            on_tx!(self, |t, d| {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for ((key, v), body) in chunk.iter().zip(bodies) {
                    q = q
                        .bind(key.election.as_str())
                        .bind(key.council.as_str())
                        .bind(i64::from(key.station.get()))
                        .bind(contest_key(&key.contest))
                        .bind(i64::from(v.number))
                        .bind(v.reason.as_deref())
                        .bind(v.stage.as_str())
                        .bind(body.as_str());
                }
                q.execute(&mut **t).await.map_err(db_err)?;
            });
        }
        Ok(())
    }

    /// A council's determination, over an earlier one.
    async fn put_determination(
        &mut self,
        council: &CouncilId,
        determination: &Determination,
    ) -> Result<(), StoreError> {
        let body = json(determination)?;
        on_tx!(self, |t, d| {
            sqlx::query(UPSERT_RESULT)
                .bind(determination.election.as_str())
                .bind(council.as_str())
                .bind(determination.result.status.as_str())
                .bind(&body)
                .bind(&determination.by)
                .bind(determination.at.to_string())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        Ok(())
    }

    /// The preliminary counts, each over the earlier count of its station and contest.
    async fn put_preliminary_counts(
        &mut self,
        election: &ElectionId,
        counts: &[PreliminaryCount],
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            for c in counts {
                sqlx::query(UPSERT_PRELIMINARY)
                    .bind(election.as_str())
                    .bind(c.council.as_str())
                    .bind(i64::from(c.protocol.station.get()))
                    .bind(contest_key(&c.protocol.contest))
                    .bind(json(c)?)
                    .execute(&mut **t)
                    .await
                    .map_err(db_err)?;
            }
        });
        Ok(())
    }
}
