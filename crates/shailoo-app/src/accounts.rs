//! Staff accounts and their log-in sessions: the sub-port [`AccountStore`] (implemented by
//! `shailoo-store` in `src/accounts.rs`), Argon2id password hashing, and the use case that adds
//! an account ([`add_user`]). The account types and [`Actor`] are in [`users`](crate::users).

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::setup::SetupStore;
use crate::store::StoreError;
use crate::users::{Actor, NewUser, Role, Session, User, UserError, Username};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use async_trait::async_trait;
use jiff::Timestamp;
use shailoo_domain::CommissionId;
use shailoo_domain::territory::CommissionLevel;
use std::sync::OnceLock;

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

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error(transparent)]
    Weak(#[from] UserError),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// Hashes a staff password as an Argon2id PHC string. Refuses a password shorter than
/// [`MIN_PASSWORD_LEN`](crate::users::MIN_PASSWORD_LEN). Slow on purpose (tens of
/// milliseconds): a server calls it off its async runtime.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    crate::users::check_password_strength(password)?;
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches the PHC string `hash`. A malformed hash is a mismatch.
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// Whether `password` is the password of `user`. An unknown user (`None`) costs as much time
/// as a wrong password, so that timing does not tell which accounts exist. Slow on purpose.
pub fn check_login(user: Option<&User>, password: &str) -> bool {
    match user {
        Some(u) => verify_password(password, &u.password_hash),
        None => {
            verify_password(password, dummy_hash());
            false
        }
    }
}

/// A hash to verify against when the username does not exist.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(b"no such user, no such password")
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// An account as the operator asks for it: the password in clear, hashed by [`add_user`].
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub commission: CommissionId,
    pub password: String,
}

/// Why an account was not added. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("not allowed for this account")]
    Forbidden,
    #[error("there is no commission {0}")]
    UnknownCommission(CommissionId),
    /// A role belongs to one level of commissions (a PEC member to a PEC…).
    #[error(
        "role {} belongs to a {} commission, but {commission} is a {}",
        role.as_str(),
        role.level().as_str().to_uppercase(),
        level.as_str().to_uppercase()
    )]
    WrongLevel {
        role: Role,
        commission: CommissionId,
        level: CommissionLevel,
    },
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// A party's representative is accredited for a party
    /// ([`candidates::add_representative`](crate::candidates::add_representative)), never
    /// added as a bare account.
    #[error("a party's representative is added with the party they act for")]
    RepresentativeWithoutParty,
}

/// Adds a staff account at `now` ([`Power::AddUser`]: the operator at the command line only):
/// the commission must exist and be of
/// the role's level, and the password long enough; it is stored only hashed. The audit entry
/// (`user_added`) records who, with which role, where: never the password or its hash.
pub async fn add_user<S: SetupStore + AccountStore + ?Sized>(
    store: &S,
    actor: &Actor,
    account: NewAccount,
    now: Timestamp,
) -> Result<User, AccountError> {
    authz::authorize(actor, Power::AddUser, Target::Nationwide)
        .map_err(|_| AccountError::Forbidden)?;
    let commission = store
        .commission(&account.commission)
        .await?
        .ok_or_else(|| AccountError::UnknownCommission(account.commission.clone()))?;
    if account.role == Role::PartyRepresentative {
        return Err(AccountError::RepresentativeWithoutParty);
    }
    if commission.level != account.role.level() {
        return Err(AccountError::WrongLevel {
            role: account.role,
            commission: commission.id,
            level: commission.level,
        });
    }
    let user = NewUser {
        password_hash: hash_password(&account.password)?,
        username: account.username,
        display_name: account.display_name,
        role: account.role,
        commission: account.commission,
    };
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::UserAdded,
        user.username.as_str(),
        now,
    )
    .after(&(
        user.username.as_str(),
        user.role.as_str(),
        user.commission.as_str(),
    ));
    store.add_user(&user, event).await?;
    Ok(User {
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        commission: user.commission,
        party: None,
        password_hash: user.password_hash,
        created_at: now,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::fake::{FakeStore, at};
    use futures::executor::block_on;

    fn account(username: &str, role: Role, commission: &str) -> NewAccount {
        NewAccount {
            username: Username::parse(username).unwrap(),
            display_name: "Test".into(),
            role,
            commission: CommissionId::parse(commission).unwrap(),
            password: "correct horse battery".into(),
        }
    }

    #[test]
    fn a_hash_verifies_only_its_password() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a phc string"));
        assert!(matches!(
            hash_password("short"),
            Err(PasswordError::Weak(_))
        ));
    }

    #[test]
    fn the_operator_adds_an_account_hashed_and_audited() {
        let store = FakeStore::with_commissions();
        let user = block_on(add_user(
            &store,
            &Actor::System,
            account("tec.a", Role::TecMember, "tec-a"),
            at("2024-10-01T06:00:00Z"),
        ))
        .unwrap();
        let stored = block_on(store.user(&user.username)).unwrap().unwrap();
        assert!(verify_password(
            "correct horse battery",
            &stored.password_hash
        ));
        assert!(check_login(Some(&stored), "correct horse battery"));
        assert!(!check_login(Some(&stored), "wrong horse battery"));
        assert!(!check_login(None, "correct horse battery"));
        let events = store.events();
        assert_eq!(events.len(), 1);
        assert_eq!(
            (events[0].actor.as_str(), events[0].action),
            ("system", AuditAction::UserAdded)
        );
    }

    #[test]
    fn a_role_at_the_wrong_level_an_unknown_commission_or_a_short_password_adds_nothing() {
        let store = FakeStore::with_commissions();
        let now = at("2024-10-01T06:00:00Z");
        assert!(matches!(
            block_on(add_user(
                &store,
                &Actor::System,
                account("x.a", Role::PecMember, "cec"),
                now
            )),
            Err(AccountError::WrongLevel {
                role: Role::PecMember,
                level: CommissionLevel::Cec,
                ..
            })
        ));
        assert!(matches!(
            block_on(add_user(
                &store,
                &Actor::System,
                account("x.b", Role::TecMember, "tec-zz"),
                now
            )),
            Err(AccountError::UnknownCommission(_))
        ));
        let short = NewAccount {
            password: "short".into(),
            ..account("x.c", Role::CecAdmin, "cec")
        };
        assert!(matches!(
            block_on(add_user(&store, &Actor::System, short, now)),
            Err(AccountError::Password(PasswordError::Weak(_)))
        ));
        assert!(store.events().is_empty());
    }

    #[test]
    fn only_the_operator_adds_accounts() {
        let store = FakeStore::with_commissions();
        let admin = Actor::User {
            username: Username::parse("admin").unwrap(),
            role: Role::CecAdmin,
            commission: CommissionId::parse("cec").unwrap(),
        };
        assert!(matches!(
            block_on(add_user(
                &store,
                &admin,
                account("tec.b", Role::TecMember, "tec-b"),
                at("2024-10-01T06:00:00Z"),
            )),
            Err(AccountError::Forbidden)
        ));
        assert!(store.events().is_empty());
    }
}
