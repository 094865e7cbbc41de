//! [`shailoo_app::RuleParameterStore`] on both engines: the append-only history of the rule
//! parameters the CEC set for an election (`rule_parameter_changes`, migration
//! `20261206000100_rule_parameters`).
//!
//! A setting writes its rows and its audit entry in one transaction, under the audit chain's
//! lock, which also serializes the `seq` numbers of an election's rows. Reading returns every
//! row oldest first; the application replays them over the defaults and parses the result
//! through the domain's types (a row that does not parse is `StoreError::Corrupt`).

use crate::rows::{corrupt, timestamp};
use crate::{Db, Tx, db_err};
use async_trait::async_trait;
use shailoo_app::StoreError;
use shailoo_app::audit::AuditEvent;
use shailoo_app::params::{ParameterChange, RuleParameterStore};
use shailoo_app::store::Entity;
use shailoo_domain::ElectionId;

const TABLE: &str = "rule_parameter_changes";

const ELECTION_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM elections WHERE id = $1";

const CHANGES: &str = "SELECT seq, key, before_value, after_value, set_by, set_at \
     FROM rule_parameter_changes WHERE election = $1 ORDER BY seq";

const LAST_SEQ: &str = "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) \
     FROM rule_parameter_changes WHERE election = $1";

const INSERT: &str = "INSERT INTO rule_parameter_changes \
     (election, seq, key, before_value, after_value, set_by, set_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

type ChangeRow = (i64, String, String, String, String, String);

fn json(key: &str, column: &str, text: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text).map_err(|e| corrupt(TABLE, key, format!("column {column}: {e}")))
}

fn change(election: &ElectionId, row: ChangeRow) -> Result<ParameterChange, StoreError> {
    let (seq, key, before, after, set_by, set_at) = row;
    let id = format!("{election}/{seq}");
    Ok(ParameterChange {
        before: json(&id, "before_value", &before)?,
        after: json(&id, "after_value", &after)?,
        set_at: timestamp(TABLE, &id, "set_at", &set_at)?,
        key,
        set_by,
    })
}

#[async_trait]
impl RuleParameterStore for Db {
    async fn rule_parameter_changes(
        &self,
        election: &ElectionId,
    ) -> Result<Vec<ParameterChange>, StoreError> {
        let rows: Vec<ChangeRow> = on_db!(self, |pool, d| {
            sqlx::query_as(CHANGES)
                .bind(election.as_str())
                .fetch_all(pool)
                .await
                .map_err(db_err)?
        });
        rows.into_iter().map(|r| change(election, r)).collect()
    }

    async fn record_rule_parameter_changes(
        &self,
        election: &ElectionId,
        changes: &[ParameterChange],
        event: AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        tx.require(ELECTION_EXISTS, Entity::Election, election.as_str())
            .await?;
        tx.append_parameter_changes(election, changes).await?;
        tx.append_audit(head, event).await?;
        tx.commit().await
    }
}

impl Tx {
    /// Appends `changes` to the election's history, numbered after its last row.
    async fn append_parameter_changes(
        &mut self,
        election: &ElectionId,
        changes: &[ParameterChange],
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            let mut seq: i64 = sqlx::query_scalar(LAST_SEQ)
                .bind(election.as_str())
                .fetch_one(&mut **t)
                .await
                .map_err(db_err)?;
            for c in changes {
                seq += 1;
                sqlx::query(INSERT)
                    .bind(election.as_str())
                    .bind(seq)
                    .bind(c.key.as_str())
                    .bind(c.before.to_string())
                    .bind(c.after.to_string())
                    .bind(c.set_by.as_str())
                    .bind(c.set_at.to_string())
                    .execute(&mut **t)
                    .await
                    .map_err(db_err)?;
            }
        });
        Ok(())
    }
}
