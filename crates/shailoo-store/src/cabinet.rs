//! [`shailoo_app::CabinetStore`] on both engines.
//!
//! The audited writers (a code issued, a challenge locked, a sign-in, a sign-out) follow the
//! house pattern: write transaction, audit head lock, change, audit entry, commit. Claiming an
//! attempt is one conditional `UPDATE … WHERE attempts < max RETURNING …`, atomic on both
//! engines without a transaction, so parallel guesses cannot claim more than `max` attempts
//! between them. Rows store hashes of tokens and codes only.

use crate::rows::{corrupt, timestamp};
use crate::{Db, WritePool, db_err, insert_err};
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use shailoo_app::CabinetStore;
use shailoo_app::audit::AuditEvent;
use shailoo_app::cabinet::{AttemptClaim, CabinetChallenge, VoterSession};
use shailoo_app::{Entity, StoreError};
use shailoo_domain::Pin;
use shailoo_domain::identity::Msisdn;

const CHALLENGES: &str = "cabinet_challenges";
const SESSIONS: &str = "voter_sessions";

const CHALLENGE_COLUMNS: &str =
    "id_hash, pin, phone, code_hash, salt, attempts, created_at, expires_at";

type ChallengeRow = (String, String, String, String, String, i64, String, String);

type SessionRow = (String, String, String, String, String);

/// Rows that ended this long ago are deleted when a new challenge is stored. Far beyond any
/// lifetime (5 minutes, 2 hours), so the text comparison's sub-second imprecision is harmless.
const FORGET_AFTER: SignedDuration = SignedDuration::from_hours(24);

fn challenge(row: ChallengeRow) -> Result<CabinetChallenge, StoreError> {
    let (id_hash, pin, phone, code_hash, salt, attempts, created_at, expires_at) = row;
    // A prefix of the hash names the row; the PIN stays out of messages.
    let key = id_hash.get(..8).unwrap_or("?").to_owned();
    Ok(CabinetChallenge {
        pin: Pin::parse(&pin).map_err(|e| corrupt(CHALLENGES, &key, format!("pin: {e}")))?,
        phone: Msisdn::parse(&phone)
            .map_err(|e| corrupt(CHALLENGES, &key, format!("phone: {e}")))?,
        code_hash,
        salt,
        attempts: u32::try_from(attempts)
            .map_err(|_| corrupt(CHALLENGES, &key, format!("attempts {attempts}")))?,
        created_at: timestamp(CHALLENGES, &key, "created_at", &created_at)?,
        expires_at: timestamp(CHALLENGES, &key, "expires_at", &expires_at)?,
        id_hash,
    })
}

fn session(row: SessionRow) -> Result<VoterSession, StoreError> {
    let (token_hash, pin, csrf_token, created_at, last_seen_at) = row;
    let key = token_hash.get(..8).unwrap_or("?").to_owned();
    Ok(VoterSession {
        pin: Pin::parse(&pin).map_err(|e| corrupt(SESSIONS, &key, format!("pin: {e}")))?,
        csrf_token,
        created_at: timestamp(SESSIONS, &key, "created_at", &created_at)?,
        last_seen_at: timestamp(SESSIONS, &key, "last_seen_at", &last_seen_at)?,
        token_hash,
    })
}

#[async_trait]
impl CabinetStore for Db {
    async fn create_cabinet_challenge(
        &self,
        c: &CabinetChallenge,
        event: AuditEvent,
    ) -> Result<(), StoreError> {
        let cutoff = (c.created_at - FORGET_AFTER).to_string();
        let session_cutoff = (c.created_at - FORGET_AFTER).to_string();
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_write().await?;
            let head = lock_head!(tx, d);
            sqlx::query("DELETE FROM cabinet_challenges WHERE expires_at < $1")
                .bind(cutoff.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query("DELETE FROM voter_sessions WHERE created_at < $1")
                .bind(session_cutoff.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO cabinet_challenges (id_hash, pin, phone, code_hash, salt, attempts, \
                 created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(c.id_hash.as_str())
            .bind(c.pin.as_str())
            .bind(c.phone.e164())
            .bind(c.code_hash.as_str())
            .bind(c.salt.as_str())
            .bind(i64::from(c.attempts))
            .bind(c.created_at.to_string())
            .bind(c.expires_at.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| insert_err(e, Entity::CabinetChallenge, "token"))?;
            append_audit!(tx, head, event);
            tx.commit().await.map_err(db_err)?;
            Ok(())
        })
    }

    async fn claim_code_attempt(
        &self,
        id_hash: &str,
        max: u32,
    ) -> Result<Option<AttemptClaim>, StoreError> {
        let claim_sql = format!(
            "UPDATE cabinet_challenges SET attempts = attempts + 1 \
             WHERE id_hash = $1 AND attempts < $2 RETURNING {CHALLENGE_COLUMNS}"
        );
        let read_sql =
            format!("SELECT {CHALLENGE_COLUMNS} FROM cabinet_challenges WHERE id_hash = $1");
        on_db!(self, |pool, d| {
            let claimed: Option<ChallengeRow> =
                sqlx::query_as(sqlx::AssertSqlSafe(claim_sql.clone()))
                    .bind(id_hash)
                    .bind(i64::from(max))
                    .fetch_optional(pool)
                    .await
                    .map_err(db_err)?;
            if let Some(row) = claimed {
                return Ok(Some(AttemptClaim::Claimed(challenge(row)?)));
            }
            let found: Option<ChallengeRow> = sqlx::query_as(sqlx::AssertSqlSafe(read_sql.clone()))
                .bind(id_hash)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?;
            found
                .map(|row| challenge(row).map(AttemptClaim::Exhausted))
                .transpose()
        })
    }

    async fn lock_cabinet_challenge(
        &self,
        id_hash: &str,
        event: AuditEvent,
    ) -> Result<(), StoreError> {
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_write().await?;
            let head = lock_head!(tx, d);
            let deleted = sqlx::query("DELETE FROM cabinet_challenges WHERE id_hash = $1")
                .bind(id_hash)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            // Already gone (a parallel request locked it): nothing to record twice.
            if deleted.rows_affected() == 0 {
                return Ok(());
            }
            append_audit!(tx, head, event);
            tx.commit().await.map_err(db_err)?;
            Ok(())
        })
    }

    async fn open_voter_session(
        &self,
        challenge_id_hash: &str,
        s: &VoterSession,
        event: AuditEvent,
    ) -> Result<bool, StoreError> {
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_write().await?;
            let head = lock_head!(tx, d);
            let consumed = sqlx::query("DELETE FROM cabinet_challenges WHERE id_hash = $1")
                .bind(challenge_id_hash)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            if consumed.rows_affected() != 1 {
                return Ok(false);
            }
            sqlx::query(
                "INSERT INTO voter_sessions (token_hash, pin, csrf_token, created_at, \
                 last_seen_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(s.token_hash.as_str())
            .bind(s.pin.as_str())
            .bind(s.csrf_token.as_str())
            .bind(s.created_at.to_string())
            .bind(s.last_seen_at.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| insert_err(e, Entity::VoterSession, "token"))?;
            append_audit!(tx, head, event);
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }

    async fn voter_session(&self, token_hash: &str) -> Result<Option<VoterSession>, StoreError> {
        let row: Option<SessionRow> = on_db!(self, |pool, d| {
            sqlx::query_as(
                "SELECT token_hash, pin, csrf_token, created_at, last_seen_at \
                 FROM voter_sessions WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        row.map(session).transpose()
    }

    /// Not audited: a session's last request is no election data (as staff sessions).
    async fn touch_voter_session(&self, token_hash: &str, at: Timestamp) -> Result<(), StoreError> {
        on_db!(self, |pool, d| {
            sqlx::query("UPDATE voter_sessions SET last_seen_at = $2 WHERE token_hash = $1")
                .bind(token_hash)
                .bind(at.to_string())
                .execute(pool)
                .await
                .map(|_| ())
                .map_err(db_err)
        })
    }

    async fn close_voter_session(
        &self,
        token_hash: &str,
        event: AuditEvent,
    ) -> Result<bool, StoreError> {
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_write().await?;
            let head = lock_head!(tx, d);
            let deleted = sqlx::query("DELETE FROM voter_sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            if deleted.rows_affected() == 0 {
                return Ok(false);
            }
            append_audit!(tx, head, event);
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }
}
