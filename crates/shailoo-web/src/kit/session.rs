//! Staff sessions and the secrets around them: the session cookie, the signed-in staff member
//! of a request ([`current_staff`]; pages get it through [`crate::kit::page::PageCtx`]), random
//! tokens, constant-time comparison, and `Set-Cookie` values.
//!
//! * The session cookie holds 32 random bytes (hex); the store keeps only their BLAKE3 hash, so
//!   a leaked database does not yield live sessions. The cookie is `HttpOnly`,
//!   `SameSite=Strict`, and `Secure` when configured.
//! * Every form of a session carries the session's synchronizer token (`csrf_token`); a POST
//!   with a missing or wrong token is refused with 403 before anything else happens.

use crate::AppState;
use crate::kit::i18n::cookie;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use rand::RngCore;
use shailoo_app::{Actor, Session, StoreError, User};

pub(crate) const SESSION_COOKIE: &str = "session";

/// 32 random bytes as hex: session tokens and CSRF tokens.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the store keeps of a session token.
pub(crate) fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

/// Compares two secrets without leaking where they differ (BLAKE3 hashes compare in constant
/// time).
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    !a.is_empty() && blake3::hash(a.as_bytes()) == blake3::hash(b.as_bytes())
}

/// Adds one of our cookies to a response: `HttpOnly`, `SameSite=Strict`, `Secure` when
/// configured; a `max_age_secs` of 0 deletes it.
pub(crate) fn add_cookie(
    r: &mut Response,
    name: &str,
    value: &str,
    max_age_secs: i64,
    secure: bool,
) {
    let mut c =
        format!("{name}={value}; Path=/; Max-Age={max_age_secs}; SameSite=Strict; HttpOnly");
    if secure {
        c.push_str("; Secure");
    }
    if let Ok(v) = HeaderValue::from_str(&c) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// A logged-in staff member.
#[derive(Debug, Clone)]
pub(crate) struct Staff {
    pub user: User,
    pub session: Session,
}

impl Staff {
    pub(crate) fn actor(&self) -> Actor {
        Actor::from_user(&self.user)
    }
}

/// The staff member whose live session cookie came with the request, if any.
pub(crate) async fn current_staff(
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
