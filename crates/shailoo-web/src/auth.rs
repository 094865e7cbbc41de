//! Staff accounts on the web: log-in (the password check is `shailoo_app::accounts`'), session
//! cookies, CSRF tokens and the log-in throttle.
//!
//! * The session cookie holds 32 random bytes (hex); the store keeps only their BLAKE3 hash, so
//!   a leaked database does not yield live sessions. The cookie is `HttpOnly`,
//!   `SameSite=Strict`, and `Secure` when configured.
//! * Every form of a session carries the session's synchronizer token (`csrf_token`); a POST
//!   with a missing or wrong token is refused with 403 before anything else happens.
//! * The log-in form has no session yet, so it uses a *double-submit* token: `GET /login` sets
//!   a random `login_csrf` cookie (`HttpOnly`, `SameSite=Strict`) and puts the same value in a
//!   hidden field; `POST /login` requires both to be present and equal. A cross-site page can
//!   neither read the cookie nor make the browser send it (Strict), so it cannot forge a log-in.

use crate::AppState;
use crate::i18n::cookie;
use axum::http::HeaderMap;
use jiff::{SignedDuration, Timestamp};
use rand::RngCore;
use shailoo_app::accounts;
use shailoo_app::{Actor, Session, StoreError, User};
use std::collections::HashMap;
use std::sync::Mutex;

pub const SESSION_COOKIE: &str = "session";
pub const LOGIN_CSRF_COOKIE: &str = "login_csrf";

/// Checks a log-in off the async runtime. `None` when the user is unknown or the password wrong.
pub async fn check_login(user: Option<User>, password: String) -> Option<User> {
    tokio::task::spawn_blocking(move || {
        let ok = accounts::check_login(user.as_ref(), &password);
        user.filter(|_| ok)
    })
    .await
    .ok()
    .flatten()
}

/// 32 random bytes as hex: session tokens and CSRF tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the store keeps of a session token.
pub fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

/// Compares two secrets without leaking where they differ (BLAKE3 hashes compare in constant
/// time).
pub fn same_secret(a: &str, b: &str) -> bool {
    !a.is_empty() && blake3::hash(a.as_bytes()) == blake3::hash(b.as_bytes())
}

/// A `Set-Cookie` value for one of our cookies.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_secs: i64,
    http_only: bool,
    secure: bool,
) -> String {
    let mut c = format!("{name}={value}; Path=/; Max-Age={max_age_secs}; SameSite=Strict");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// A logged-in staff member.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: User,
    pub session: Session,
}

impl Staff {
    pub fn actor(&self) -> Actor {
        Actor::from_user(&self.user)
    }
}

/// The staff member whose live session cookie came with the request, if any.
pub async fn current_staff(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Staff>, StoreError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let Some(session) = state
        .store
        .session(&token_hash(&token), state.now())
        .await?
    else {
        return Ok(None);
    };
    let user = state.store.user(&session.username).await?;
    Ok(user.map(|user| Staff { user, session }))
}

/// Refuses log-in attempts after too many failures per username or per client address.
///
/// In memory on purpose: one server process, and a restart forgetting the counts is
/// acceptable (an attacker cannot cause restarts). Counts are kept per key as the times of
/// failures inside the window.
#[derive(Debug)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Vec<Timestamp>>>,
    /// Failures allowed inside the window; the next attempt is refused.
    pub max_failures: usize,
    pub window: SignedDuration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            failures: Mutex::new(HashMap::new()),
            max_failures: 5,
            window: SignedDuration::from_mins(15),
        }
    }
}

impl LoginThrottle {
    fn with_map<R>(&self, f: impl FnOnce(&mut HashMap<String, Vec<Timestamp>>) -> R) -> R {
        // A poisoned lock only means another request panicked mid-update; the counts are still
        // usable.
        let mut guard = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    fn prune(&self, map: &mut HashMap<String, Vec<Timestamp>>, now: Timestamp) {
        let since = now - self.window;
        map.retain(|_, times| {
            times.retain(|t| *t > since);
            !times.is_empty()
        });
    }

    /// Whether any of `keys` has used up its failures in the window ending at `now`.
    pub fn is_blocked(&self, keys: &[String], now: Timestamp) -> bool {
        self.with_map(|map| {
            self.prune(map, now);
            keys.iter()
                .any(|k| map.get(k).is_some_and(|t| t.len() >= self.max_failures))
        })
    }

    pub fn record_failure(&self, keys: &[String], now: Timestamp) {
        self.with_map(|map| {
            for k in keys {
                map.entry(k.clone()).or_default().push(now);
            }
        });
    }

    /// Forgets the failures of a key (the username after a successful log-in).
    pub fn clear(&self, key: &str) {
        self.with_map(|map| map.remove(key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_throttle_blocks_after_five_failures_until_the_window_passes() {
        let t = LoginThrottle::default();
        let keys = vec!["user:admin".to_owned()];
        let start = Timestamp::UNIX_EPOCH;
        for i in 0..5 {
            assert!(!t.is_blocked(&keys, start + SignedDuration::from_secs(i)));
            t.record_failure(&keys, start + SignedDuration::from_secs(i));
        }
        assert!(t.is_blocked(&keys, start + SignedDuration::from_mins(10)));
        assert!(!t.is_blocked(&["ip:1.2.3.4".to_owned()], start));
        assert!(!t.is_blocked(&keys, start + SignedDuration::from_mins(16)));
    }
}
