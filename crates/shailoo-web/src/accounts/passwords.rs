//! Staff passwords: Argon2id PHC strings, hashed and verified off the async runtime, with a
//! dummy hash so that an unknown username costs as much as a wrong password.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use shailoo_app::User;
use shailoo_app::users::{UserError, check_password_strength};
use std::sync::OnceLock;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error(transparent)]
    Weak(#[from] UserError),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// Hashes a staff password as an Argon2id PHC string (for `shailoo user add`). Refuses a
/// password shorter than [`shailoo_app::users::MIN_PASSWORD_LEN`]. Slow on purpose (tens of
/// milliseconds): call it off the async runtime.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    check_password_strength(password)?;
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

/// A hash to verify against when the username does not exist, so that an unknown name takes as
/// long as a wrong password and does not reveal which accounts exist.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(b"no such user, no such password")
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Checks a log-in off the async runtime. `None` when the user is unknown or the password wrong.
pub async fn check_login(user: Option<User>, password: String) -> Option<User> {
    tokio::task::spawn_blocking(move || {
        let hash = user
            .as_ref()
            .map_or_else(|| dummy_hash().to_owned(), |u| u.password_hash.clone());
        let ok = verify_password(&password, &hash);
        user.filter(|_| ok)
    })
    .await
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a phc string"));
        assert!(matches!(
            hash_password("short"),
            Err(PasswordError::Weak(_))
        ));
    }
}
