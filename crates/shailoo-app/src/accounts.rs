//! Staff accounts and their log-in sessions: the sub-port [`AccountStore`], implemented by
//! `shailoo-store` in `src/accounts.rs`. The account types and [`Actor`](crate::users::Actor)
//! are in [`users`](crate::users).

use crate::audit::AuditEvent;
use crate::store::StoreError;
use crate::users::{NewUser, Session, User, Username};
use async_trait::async_trait;
use jiff::Timestamp;

/// What the account use cases need from a database.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Adds an account; a taken username or an unknown commission changes nothing. The
    /// account's `created_at` is the event's time.
    async fn add_user(&self, user: &NewUser, event: AuditEvent) -> Result<(), StoreError>;
    async fn user(&self, username: &Username) -> Result<Option<User>, StoreError>;
    /// Sessions are not election data: they are not audited (every log-in would be an entry).
    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;
    /// The session with this token hash, if it exists and has not expired at `now`.
    async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<Session>, StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
}
