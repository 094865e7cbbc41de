//! `GET|POST /login` and `POST /logout`.
//!
//! The log-in form has no session yet, so it uses a *double-submit* token: `GET /login` sets a
//! random `login_csrf` cookie (`HttpOnly`, `SameSite=Strict`) and puts the same value in a
//! hidden field; `POST /login` requires both to be present and equal. A cross-site page can
//! neither read the cookie nor make the browser send it (Strict), so it cannot forge a log-in.

use crate::AppState;
use crate::kit::client::ClientIp;
use crate::kit::i18n::cookie;
use crate::kit::input::{Form, Query};
use crate::kit::session::{SESSION_COOKIE, add_cookie, random_token, same_secret, token_hash};
use crate::kit::{OrRefused, PageCtx, PageResult, Refusal, render};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::SignedDuration;
use serde::Deserialize;
use shailoo_app::accounts;
use shailoo_app::{Session, User, Username};
use shailoo_domain::ErrorCode;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::LazyLock;
use url::{Position, Url};

const LOGIN_CSRF_COOKIE: &str = "login_csrf";

#[derive(Template)]
#[template(path = "accounts/templates/login.html")]
struct LoginTemplate {
    ctx: PageCtx,
    username: String,
    next: String,
    login_csrf: String,
    error: Option<String>,
}

/// Where to go after log-in: a path of this site, or `/`.
///
/// `next` is read the way a browser reads a `Location` (the WHATWG URL parser of the `url`
/// crate: tabs and line breaks dropped, `\` taken for `/`), so that `/\t/evil.example`, which a
/// browser follows to `//evil.example`, is refused like `//evil.example` itself. The answer is
/// the parsed path and query, percent-encoded: always a valid header value, so the redirect
/// cannot fail after the session is open.
fn safe_next(next: Option<&str>) -> String {
    static BASE: LazyLock<Option<Url>> =
        LazyLock::new(|| Url::parse("http://shailoo.invalid/").ok());
    let same_site = |base: &Url| {
        let next = next.filter(|n| n.starts_with('/'))?;
        let url = base.join(next).ok()?;
        let path = &url[Position::BeforePath..Position::AfterQuery];
        (url.origin() == base.origin() && !path.starts_with("//")).then(|| path.to_owned())
    };
    BASE.as_ref()
        .and_then(same_site)
        .unwrap_or_else(|| "/".to_owned())
}

/// The form (again), with a new double-submit token in its cookie.
fn login_page(
    state: &AppState,
    ctx: PageCtx,
    status: StatusCode,
    username: String,
    next: String,
    error: Option<String>,
) -> Response {
    let token = random_token();
    let page = LoginTemplate {
        ctx,
        username,
        next,
        login_csrf: token.clone(),
        error,
    };
    let mut r = render(status, &page);
    add_cookie(
        &mut r,
        LOGIN_CSRF_COOKIE,
        &token,
        3600,
        state.config.secure_cookies,
    );
    r
}

/// `GET /login?next=`.
pub(super) async fn login_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let next = safe_next(q.get("next").map(String::as_str));
    login_page(&state, ctx, StatusCode::OK, String::new(), next, None)
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct LoginInput {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// Why a log-in was refused: the form's status and the message's code.
type Refused = (StatusCode, ErrorCode);

/// The user whose name and password these are. The attempt is claimed from the throttle before
/// anything is asked, so that attempts sent in parallel cannot all be checked; only a right
/// password gives it back.
async fn authenticate(
    state: &AppState,
    ip: Option<IpAddr>,
    username: &str,
    password: String,
) -> Result<User, Refused> {
    let claim = state
        .throttle
        .claim(username, ip, state.now())
        .map_err(|_| (StatusCode::TOO_MANY_REQUESTS, ErrorCode::Throttled))?;
    let user = match Username::parse(username) {
        Ok(name) => match state.store.user(&name).await {
            Ok(user) => user,
            Err(e) => {
                // Not a guess: the password was never checked.
                state.throttle.release(claim);
                crate::kit::fail::log(&e);
                return Err((e.status(), e.error_code()));
            }
        },
        Err(_) => None,
    };
    match check_login(user, password).await {
        Some(user) => {
            state.throttle.succeeded(claim);
            Ok(user)
        }
        // The claimed attempt stays counted as a failure.
        None => Err((StatusCode::UNAUTHORIZED, ErrorCode::WrongCredentials)),
    }
}

/// Checks a log-in off the async runtime (Argon2 is slow on purpose). `None` when the user is
/// unknown or the password wrong; an unknown user costs as much as a wrong password
/// ([`accounts::check_login`]).
async fn check_login(user: Option<User>, password: String) -> Option<User> {
    tokio::task::spawn_blocking(move || {
        let ok = accounts::check_login(user.as_ref(), &password);
        user.filter(|_| ok)
    })
    .await
    .ok()
    .flatten()
}

/// A new session for `user`; its token goes into the cookie.
async fn open_session(state: &AppState, user: &User) -> Result<String, Refused> {
    let token = random_token();
    let session = Session {
        token_hash: token_hash(&token),
        username: user.username.clone(),
        csrf_token: random_token(),
        expires_at: state.now() + SignedDuration::from_hours(state.config.session_hours),
    };
    state.store.create_session(&session).await.map_err(|e| {
        crate::kit::fail::log(&e);
        (e.status(), e.error_code())
    })?;
    Ok(token)
}

/// The user and a new session's token, or why not (a wrong password is logged with the
/// address it came from).
async fn log_in(
    state: &AppState,
    username: &str,
    password: String,
    ip: Option<IpAddr>,
) -> Result<(User, String), Refused> {
    match authenticate(state, ip, username, password).await {
        Ok(user) => open_session(state, &user).await.map(|token| (user, token)),
        Err(refused) => {
            if refused.1 == ErrorCode::WrongCredentials {
                tracing::info!(username = %username, ?ip, "failed log-in");
            }
            Err(refused)
        }
    }
}

/// `POST /login`.
pub(super) async fn login_submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(input): Form<LoginInput>,
) -> Response {
    let lang = ctx.lang;
    let next = safe_next(input.next.as_deref());
    let username = input.username.trim().to_owned();
    // Double-submit check: the hidden field must equal the cookie set with the form.
    let cookie_token = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    let outcome = if same_secret(&input.csrf, &cookie_token) {
        log_in(&state, &username, input.password, ip).await
    } else {
        Err((StatusCode::FORBIDDEN, ErrorCode::CsrfFailed))
    };
    let (user, token) = match outcome {
        Ok(ok) => ok,
        Err((status, code)) => {
            let error = Some(lang.error(code));
            return login_page(&state, ctx, status, username, next, error);
        }
    };
    tracing::info!(username = %user.username, "logged in");
    let secure = state.config.secure_cookies;
    let mut r = Redirect::to(&next).into_response();
    let max_age = state.config.session_hours * 3600;
    add_cookie(&mut r, SESSION_COOKIE, &token, max_age, secure);
    add_cookie(&mut r, LOGIN_CSRF_COOKIE, "", 0, secure);
    r
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct LogoutInput {
    #[serde(default)]
    csrf: Option<String>,
}

/// `POST /logout`.
pub(super) async fn logout(
    State(state): State<AppState>,
    ctx: PageCtx,
    form: Form<LogoutInput>,
) -> PageResult {
    let lang = ctx.lang;
    let Form(input) = form;
    let staff = ctx.require_staff_csrf(input.csrf.as_deref())?;
    state
        .store
        .delete_session(&staff.session.token_hash)
        .await
        .or_page(lang)?;
    let mut r = Redirect::to("/").into_response();
    add_cookie(&mut r, SESSION_COOKIE, "", 0, state.config.secure_cookies);
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_followed_after_log_in() {
        for (next, to) in [
            ("/stations/new", "/stations/new"),
            ("/claims?q=a b&page=2#top", "/claims?q=a%20b&page=2"),
            ("/claims?q=Асан", "/claims?q=%D0%90%D1%81%D0%B0%D0%BD"),
            ("/\t/evil.example", "/"),
            ("/\n/evil.example", "/"),
            ("/\r\n/evil.example", "/"),
            ("//evil.example", "/"),
            ("/\\evil.example", "/"),
            ("/.//evil.example", "/"),
            ("https://evil.example/", "/"),
            ("javascript:alert(1)", "/"),
            ("evil.example", "/"),
            ("", "/"),
        ] {
            assert_eq!(safe_next(Some(next)), to, "{next:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
