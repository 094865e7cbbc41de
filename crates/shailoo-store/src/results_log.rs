//! [`shailoo_app::results::ResultsLogStore`] on both engines, and the steps that append
//! accepted protocol versions to the public results log inside the accepting transaction
//! ([`Tx::results_log_head`], [`Tx::insert_results_log`], called by the results' writer under
//! the audit head's lock, so appends of one election queue and the chain never forks).

use crate::rows::corrupt;
use crate::{Db, Tx, db_err};
use async_trait::async_trait;
use jiff::Timestamp;
use shailoo_app::audit::AuditEvent;
use shailoo_app::audit::checkpoint::SignedCheckpoint;
use shailoo_app::results::log::{LogEntry, ResultsLogStore, genesis};
use shailoo_app::{LogHead, StoreError};
use shailoo_domain::ElectionId;
use shailoo_domain::protocol::Protocol;

const T: &str = "results_log";

const HEAD: &str = "SELECT seq, hash FROM results_log WHERE election = $1 \
     ORDER BY seq DESC LIMIT 1";

const INSERT_HEAD: &str = "INSERT INTO results_log (election, seq, council, version, \
     accepted_at, protocol, prev_hash, hash)";

const ENTRIES: &str = "SELECT election, seq, council, version, accepted_at, protocol, \
     prev_hash, hash FROM results_log WHERE election = $1 AND seq >= $2 ORDER BY seq LIMIT $3";

const CHECKPOINTS: &str = "SELECT body FROM results_log_checkpoints WHERE election = $1 \
     ORDER BY number";

const INSERT_CHECKPOINT: &str = "INSERT INTO results_log_checkpoints (election, number, body) \
     SELECT $1, COALESCE(MAX(number), 0) + 1, $2 FROM results_log_checkpoints \
     WHERE election = $1";

type EntryRow = (String, i64, String, i64, String, String, String, String);

fn entry_of(row: EntryRow) -> Result<LogEntry, StoreError> {
    let (election, seq, council, version, accepted_at, protocol, prev_hash, hash) = row;
    let key = format!("{election}/{seq}");
    let bad = |what: &str, e: String| corrupt(T, &key, format!("{what}: {e}"));
    Ok(LogEntry {
        seq,
        election: ElectionId::parse(&election).map_err(|e| bad("election", e.to_string()))?,
        council: shailoo_domain::CouncilId::parse(&council)
            .map_err(|e| bad("council", e.to_string()))?,
        version: u32::try_from(version).map_err(|e| bad("version", e.to_string()))?,
        accepted_at: accepted_at
            .parse::<Timestamp>()
            .map_err(|e| bad("accepted_at", e.to_string()))?,
        protocol: serde_json::from_str::<Protocol>(&protocol)
            .map_err(|e| bad("protocol", e.to_string()))?,
        prev_hash,
        hash,
    })
}

impl Tx {
    /// The head of an election's log, read in the writer's transaction (under the audit
    /// head's lock, so no other writer appends meanwhile).
    pub(crate) async fn results_log_head(
        &mut self,
        election: &ElectionId,
    ) -> Result<LogHead, StoreError> {
        let head: Option<(i64, String)> = on_tx!(self, |t, d| {
            sqlx::query_as(HEAD)
                .bind(election.as_str())
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?
        });
        Ok(head.map_or_else(genesis, |(seq, hash)| LogHead { seq, hash }))
    }

    /// Writes entries already chained after their election's head, in multi-row `INSERT`s.
    pub(crate) async fn insert_results_log(
        &mut self,
        entries: &[LogEntry],
    ) -> Result<(), StoreError> {
        let mut bodies = Vec::with_capacity(entries.len());
        for e in entries {
            bodies.push(
                serde_json::to_string(&e.protocol)
                    .map_err(|e| StoreError::Backend(e.to_string()))?,
            );
        }
        for (chunk, bodies) in
            crate::multi_row::chunks(entries).zip(crate::multi_row::chunks(&bodies))
        {
            let sql = crate::multi_row::insert_sql(INSERT_HEAD, 8, chunk.len());
            on_tx!(self, |t, d| {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (entry, body) in chunk.iter().zip(bodies) {
                    q = q
                        .bind(entry.election.as_str())
                        .bind(entry.seq)
                        .bind(entry.council.as_str())
                        .bind(i64::from(entry.version))
                        .bind(entry.accepted_at.to_string())
                        .bind(body.as_str())
                        .bind(entry.prev_hash.as_str())
                        .bind(entry.hash.as_str());
                }
                q.execute(&mut **t).await.map_err(db_err)?;
            });
        }
        Ok(())
    }
}

#[async_trait]
impl ResultsLogStore for Db {
    async fn results_log(
        &self,
        election: &ElectionId,
        from: i64,
        limit: i64,
    ) -> Result<Vec<LogEntry>, StoreError> {
        let rows: Vec<EntryRow> = on_db!(self, |pool, d| {
            sqlx::query_as(ENTRIES)
                .bind(election.as_str())
                .bind(from)
                .bind(limit)
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter().map(entry_of).collect()
    }

    async fn results_log_head(&self, election: &ElectionId) -> Result<LogHead, StoreError> {
        let head: Option<(i64, String)> = on_db!(self, |pool, d| {
            sqlx::query_as(HEAD)
                .bind(election.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        Ok(head.map_or_else(genesis, |(seq, hash)| LogHead { seq, hash }))
    }

    async fn record_log_checkpoint(
        &self,
        election: &ElectionId,
        checkpoint: &SignedCheckpoint,
        event: AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let body = checkpoint.to_json();
        on_tx!(&mut tx, |t, d| {
            sqlx::query(INSERT_CHECKPOINT)
                .bind(election.as_str())
                .bind(&body)
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        });
        tx.append_audit(head, event).await?;
        tx.commit().await
    }

    async fn log_checkpoints(
        &self,
        election: &ElectionId,
    ) -> Result<Vec<SignedCheckpoint>, StoreError> {
        let rows: Vec<String> = on_db!(self, |pool, d| {
            sqlx::query_scalar(CHECKPOINTS)
                .bind(election.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.iter()
            .map(|b| {
                SignedCheckpoint::from_json(b)
                    .map_err(|e| corrupt("results_log_checkpoints", election.as_str(), e))
            })
            .collect()
    }
}
