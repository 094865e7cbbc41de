//! `GET|POST /login` and `POST /logout`.
//!
//! The log-in form has no session yet, so it uses a *double-submit* token: `GET /login` sets a
//! random `login_csrf` cookie (`HttpOnly`, `SameSite=Strict`) and puts the same value in a
//! hidden field; `POST /login` requires both to be present and equal. A cross-site page can
//! neither read the cookie nor make the browser send it (Strict), so it cannot forge a log-in.

use crate::AppState;
use crate::kit::client::ClientIp;
use crate::kit::i18n::cookie;
use crate::kit::session::{SESSION_COOKIE, add_cookie, random_token, same_secret, token_hash};
use crate::kit::{OrRefused, PageCtx, PageFail, PageResult, Refusal, render};
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::SignedDuration;
use serde::Deserialize;
use shailoo_app::accounts;
use shailoo_app::{Session, User, Username};
use shailoo_domain::ErrorCode;
use std::collections::HashMap;

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

/// Only same-site paths after log-in: `/x` but not `//evil.example` (an open redirect).
fn safe_next(next: Option<&String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.clone(),
        _ => "/".to_owned(),
    }
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
    let next = safe_next(q.get("next"));
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

/// The user whose name and password these are, counting a failure against the throttle.
async fn authenticate(
    state: &AppState,
    keys: &[String],
    username: &str,
    password: String,
) -> Result<User, Refused> {
    let now = state.now();
    if state.throttle.is_blocked(keys, now) {
        return Err((StatusCode::TOO_MANY_REQUESTS, ErrorCode::Throttled));
    }
    let user = match Username::parse(username) {
        Ok(name) => state.store.user(&name).await.map_err(|e| {
            crate::kit::fail::log(&e);
            (e.status(), e.error_code())
        })?,
        Err(_) => None,
    };
    check_login(user, password).await.ok_or_else(|| {
        state.throttle.record_failure(keys, now);
        (StatusCode::UNAUTHORIZED, ErrorCode::WrongCredentials)
    })
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
    keys: &[String],
    username: &str,
    password: String,
    ip: Option<std::net::IpAddr>,
) -> Result<(User, String), Refused> {
    match authenticate(state, keys, username, password).await {
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
    form: Result<Form<LoginInput>, FormRejection>,
) -> Response {
    let lang = ctx.lang;
    let Ok(Form(input)) = form else {
        return PageFail::bad_form(lang).into_response();
    };
    let next = safe_next(input.next.as_ref());
    let username = input.username.trim().to_owned();
    // Double-submit check: the hidden field must equal the cookie set with the form.
    let cookie_token = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    let user_key = format!("user:{}", username.to_lowercase());
    let mut keys = vec![user_key.clone()];
    if let Some(ip) = ip {
        keys.push(format!("ip:{ip}"));
    }
    let outcome = if same_secret(&input.csrf, &cookie_token) {
        log_in(&state, &keys, &username, input.password, ip).await
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
    state.throttle.clear(&user_key);
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
    form: Result<Form<LogoutInput>, FormRejection>,
) -> PageResult {
    let lang = ctx.lang;
    let Form(input) = form.map_err(|_| PageFail::bad_form(lang))?;
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
