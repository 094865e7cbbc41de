//! [`shailoo_app::AuditStore`] on both engines: reading the hash-chained log back. Writers
//! append their entries themselves (`append_audit!` in `lib.rs`), in their own transactions.

use crate::rows::AuditRow;
use crate::{Db, db_err};
use async_trait::async_trait;
use shailoo_app::audit::AuditEntry;
use shailoo_app::{AuditStore, StoreError};

#[async_trait]
impl AuditStore for Db {
    async fn audit_entries(&self, after: i64, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<AuditRow> = on_db!(self, |pool, d| {
            sqlx::query_as(
                "SELECT seq, actor, action, subject, before_digest, after_digest, at, prev_hash, \
                 hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after)
            .bind(limit.max(0))
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        rows.into_iter().map(AuditRow::into_domain).collect()
    }

    /// `None` while the log is empty. A missing head row is corruption: the migration creates
    /// it and nothing deletes it.
    async fn audit_head(&self) -> Result<Option<(i64, String)>, StoreError> {
        let row: Option<(i64, String)> = on_db!(self, |pool, d| {
            sqlx::query_as("SELECT count, last_hash FROM audit_head WHERE id = 1")
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
        });
        match row {
            None => Err(StoreError::Corrupt(
                "the audit_head row is missing".to_owned(),
            )),
            Some((0, _)) => Ok(None),
            Some(head) => Ok(Some(head)),
        }
    }
}
