//! [`shailoo_app::AccountStore`] on both engines: staff accounts and their sessions.

use crate::rows::{SessionRow, UserRow};
use crate::{Db, WritePool, db_err, insert_err};
use async_trait::async_trait;
use jiff::Timestamp;
use shailoo_app::audit::AuditEvent;
use shailoo_app::users::{NewUser, Session, User, Username};
use shailoo_app::{AccountStore, Entity, StoreError};

const COMMISSION_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM commissions WHERE id = $1";

#[async_trait]
impl AccountStore for Db {
    /// The account's `created_at` is the event's time, so the log and the row agree.
    async fn add_user(&self, user: &NewUser, event: AuditEvent) -> Result<(), StoreError> {
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_write().await?;
            let head = lock_head!(tx, d);
            if !exists!(&mut *tx, COMMISSION_EXISTS, user.commission.as_str()) {
                return Err(StoreError::unknown(Entity::Commission, &user.commission));
            }
            sqlx::query(
                "INSERT INTO users (username, display_name, role, commission, password_hash, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(user.username.as_str())
            .bind(user.display_name.as_str())
            .bind(user.role.as_str())
            .bind(user.commission.as_str())
            .bind(user.password_hash.as_str())
            .bind(event.at.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| insert_err(e, Entity::User, &user.username))?;
            append_audit!(tx, head, event);
            tx.commit().await.map_err(db_err)
        })
    }

    async fn user(&self, username: &Username) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = on_db!(self, |pool, d| {
            sqlx::query_as(
                "SELECT username, display_name, role, commission, party, password_hash, \
                 created_at FROM users WHERE username = $1",
            )
            .bind(username.as_str())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        row.map(UserRow::into_domain).transpose()
    }

    /// Sessions are not election data: they are not audited (every log-in would be an entry).
    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        on_db!(self, |pool, d| {
            if !exists!(
                pool,
                "SELECT CAST(1 AS BIGINT) FROM users WHERE username = $1",
                session.username.as_str()
            ) {
                return Err(StoreError::unknown(Entity::User, &session.username));
            }
            sqlx::query(
                "INSERT INTO sessions (token_hash, username, csrf_token, expires_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(session.token_hash.as_str())
            .bind(session.username.as_str())
            .bind(session.csrf_token.as_str())
            .bind(session.expires_at.to_string())
            .execute(pool)
            .await
            .map(|_| ())
            .map_err(|e| insert_err(e, Entity::Session, "token"))
        })
    }

    /// Expiry is compared in Rust on the parsed timestamp: the stored text has a variable
    /// number of fraction digits, so comparing strings in SQL would be wrong.
    async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<Session>, StoreError> {
        let row: Option<SessionRow> = on_db!(self, |pool, d| {
            sqlx::query_as(
                "SELECT token_hash, username, csrf_token, expires_at FROM sessions \
                 WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        Ok(row
            .map(SessionRow::into_domain)
            .transpose()?
            .filter(|s| s.expires_at > now))
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        on_db!(self, |pool, d| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await
                .map(|_| ())
                .map_err(db_err)
        })
    }
}
