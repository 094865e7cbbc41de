//! Signing in to the cabinet: PIN + passport number → the passport registry confirms them →
//! a one-time code by SMS → the code → a session; and signing out.
//!
//! Before a session exists the forms use a double-submit CSRF token (the `cabinet_csrf` cookie
//! and a hidden field, as the staff log-in). Every attempt counts against the client's address
//! before anything is parsed or asked, and every code request against the PIN.

use crate::AppState;
use crate::cabinet::{
    CHALLENGE_COOKIE, CSRF_COOKIE, CsrfInput, VOTER_COOKIE, adapters, app, fresh, require_voter,
};
use crate::kit::client::ClientIp;
use crate::kit::i18n::cookie;
use crate::kit::input::Form;
use crate::kit::rate_limit::{Decision, client_key, set_retry_after};
use crate::kit::session::{add_cookie, random_token, same_secret};
use crate::kit::{Lang, OrRefused, PageCtx, PageResult, Refusal, render};
use crate::lookup::{pin_problem, pin_tag};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shailoo_app::cabinet::CabinetError;
use shailoo_domain::ErrorCode;
use shailoo_domain::Pin;
use shailoo_domain::identity::PassportNumber;
use std::net::IpAddr;
use std::time::Duration;

#[derive(Template)]
#[template(path = "cabinet/templates/sign_in.html")]
struct SignInTemplate {
    ctx: PageCtx,
    csrf: String,
    pin: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "cabinet/templates/code.html")]
struct CodeTemplate {
    ctx: PageCtx,
    csrf: String,
    phone: String,
    code_sent: String,
    error: Option<String>,
}

impl CodeTemplate {
    fn new(ctx: PageCtx, csrf: String, phone: String, error: Option<String>) -> Self {
        let code_sent = ctx
            .lang
            .t_args("cabinet-code-sent", &[("phone", phone.clone())]);
        CodeTemplate {
            ctx,
            csrf,
            phone,
            code_sent,
            error,
        }
    }
}

/// Why the sign-in form is shown again: its status, the message, and when a limited client may
/// come back.
struct Again {
    status: StatusCode,
    message: Option<String>,
    retry_after: Option<Duration>,
}

impl Again {
    fn new(status: StatusCode, message: String) -> Again {
        Again {
            status,
            message: Some(message),
            retry_after: None,
        }
    }

    /// 429 with the minutes to wait; counted per limit (`ip` or `pin`) in the metrics.
    fn limited(lang: Lang, after: Duration, by: &'static str) -> Again {
        metrics::counter!("shailoo_cabinet_rate_limited_total", "by" => by).increment(1);
        let minutes = after.as_secs().div_ceil(60).max(1).to_string();
        Again {
            retry_after: Some(after),
            ..Again::new(
                StatusCode::TOO_MANY_REQUESTS,
                lang.t_args("cabinet-rate-limited", &[("minutes", minutes)]),
            )
        }
    }

    fn of(lang: Lang, e: &CabinetError) -> Again {
        Again::new(e.status(), e.message(lang))
    }
}

/// The sign-in form, with a new double-submit token in its cookie.
fn sign_in_page(state: &AppState, ctx: PageCtx, pin: String, again: Again) -> Response {
    let token = random_token();
    let page = SignInTemplate {
        ctx,
        csrf: token.clone(),
        pin,
        error: again.message,
    };
    let mut r = render(again.status, &page);
    add_cookie(
        &mut r,
        CSRF_COOKIE,
        &token,
        3600,
        state.config.secure_cookies,
    );
    if let Some(after) = again.retry_after {
        set_retry_after(&mut r, after);
    }
    r
}

/// The sign-in form as a visitor first sees it.
pub(super) fn first_sign_in_page(state: &AppState, ctx: PageCtx) -> Response {
    let again = Again {
        status: StatusCode::OK,
        message: None,
        retry_after: None,
    };
    sign_in_page(state, ctx, String::new(), again)
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct SignInInput {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pin: String,
    #[serde(default)]
    passport: String,
}

/// The PIN and passport number of the form, once the token, the limits and the parsers let
/// them through.
fn checked(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    ip: Option<IpAddr>,
    input: &SignInInput,
) -> Result<(Pin, PassportNumber), Again> {
    let cookie_token = cookie(headers, CSRF_COOKIE).unwrap_or_default();
    if !same_secret(&input.csrf, &cookie_token) {
        return Err(Again::new(
            StatusCode::FORBIDDEN,
            lang.error(ErrorCode::CsrfFailed),
        ));
    }
    // Every attempt counts against the address, before anything is parsed or asked.
    if let Decision::Limited { retry_after } = state.cabinet.per_ip.check(&ip.map(client_key)) {
        return Err(Again::limited(lang, retry_after, "ip"));
    }
    let unprocessable = |m| Again::new(StatusCode::UNPROCESSABLE_ENTITY, m);
    let pin = Pin::parse(input.pin.trim()).map_err(|e| unprocessable(pin_problem(lang, &e)))?;
    let passport =
        PassportNumber::parse(&input.passport).map_err(|e| unprocessable(lang.error(e.code())))?;
    if let Decision::Limited { retry_after } = state.cabinet.per_pin.check(&pin) {
        return Err(Again::limited(lang, retry_after, "pin"));
    }
    Ok((pin, passport))
}

/// Registry and gateway outages are the operator's business; a refusal the voter's.
#[expect(
    clippy::cognitive_complexity,
    reason = "one match of three log lines: the count is of the branches tracing's macros expand to"
)]
fn log_refusal(pin: &Pin, e: &CabinetError) {
    match e {
        CabinetError::Store(s) => crate::kit::fail::log(s),
        CabinetError::Registry(r) => {
            tracing::warn!(error = %r, code = %r.code(), "passport registry failed");
        }
        CabinetError::Sms(s) => tracing::warn!(error = %s, code = %s.code(), "SMS gateway failed"),
        other => {
            tracing::info!(pin = %pin_tag(pin), code = %other.code(), "cabinet sign-in refused");
        }
    }
}

/// `POST /cabinet/sign-in`: PIN + passport → registry → code by SMS → the code form.
pub(super) async fn sign_in(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: Form<SignInInput>,
) -> PageResult {
    let lang = ctx.lang;
    let (registry, sms) = adapters(&state, lang)?;
    let Form(input) = form;
    let typed_pin = input.pin.trim().to_owned();
    let (pin, passport) = match checked(&state, lang, &headers, ip, &input) {
        Ok(checked) => checked,
        Err(again) => return Ok(sign_in_page(&state, ctx, typed_pin, again)),
    };
    let now = state.now();
    let started = app::start_sign_in(
        &*state.store,
        registry.as_ref(),
        sms.as_ref(),
        &pin,
        &passport,
        now,
        fresh(),
    );
    match started.await {
        Ok(sent) => {
            tracing::info!(pin = %pin_tag(&pin), "cabinet code sent");
            let page = CodeTemplate::new(ctx, input.csrf, sent.phone.masked(), None);
            let mut r = render(StatusCode::OK, &page);
            let secs = (sent.expires_at - now).as_secs().max(1);
            let secure = state.config.secure_cookies;
            add_cookie(
                &mut r,
                CHALLENGE_COOKIE,
                &sent.challenge_token,
                secs,
                secure,
            );
            Ok(r)
        }
        Err(e) => {
            log_refusal(&pin, &e);
            Ok(sign_in_page(&state, ctx, typed_pin, Again::of(lang, &e)))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct CodeInput {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    /// The masked number, echoed to show it again after a wrong code.
    #[serde(default)]
    phone: String,
}

/// `POST /cabinet/code`: the code → a session → the cabinet.
pub(super) async fn code(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    form: Form<CodeInput>,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let Form(input) = form;
    if !same_secret(
        &input.csrf,
        &cookie(&headers, CSRF_COOKIE).unwrap_or_default(),
    ) {
        let again = Again::new(StatusCode::FORBIDDEN, lang.error(ErrorCode::CsrfFailed));
        return Ok(sign_in_page(&state, ctx, String::new(), again));
    }
    let secure = state.config.secure_cookies;
    let Some(challenge) = cookie(&headers, CHALLENGE_COOKIE) else {
        let again = Again::new(StatusCode::GONE, lang.error(ErrorCode::CabinetCodeExpired));
        return Ok(sign_in_page(&state, ctx, String::new(), again));
    };
    match app::verify_code(&*state.store, &challenge, &input.code, state.now(), fresh()).await {
        Ok(signed_in) => {
            let mut r = Redirect::to("/cabinet").into_response();
            let max_age = app::SESSION_ABSOLUTE.as_secs();
            add_cookie(&mut r, VOTER_COOKIE, &signed_in.token, max_age, secure);
            add_cookie(&mut r, CHALLENGE_COOKIE, "", 0, secure);
            add_cookie(&mut r, CSRF_COOKIE, "", 0, secure);
            Ok(r)
        }
        Err(e @ (CabinetError::WrongCode { .. } | CabinetError::BadCode)) => {
            // Only the masked form is echoed back; anything else typed there is dropped.
            let phone = if input.phone.starts_with("+996 *** ** ") && input.phone.len() <= 20 {
                input.phone
            } else {
                String::new()
            };
            let page = CodeTemplate::new(ctx, input.csrf, phone, Some(e.message(lang)));
            Ok(render(e.status(), &page))
        }
        Err(e) => {
            crate::kit::fail::log(&e);
            let mut r = sign_in_page(&state, ctx, String::new(), Again::of(lang, &e));
            add_cookie(&mut r, CHALLENGE_COOKIE, "", 0, secure);
            Ok(r)
        }
    }
}

/// `POST /cabinet/sign-out`.
pub(super) async fn sign_out(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    form: Form<CsrfInput>,
) -> PageResult {
    let lang = ctx.lang;
    let Form(input) = form;
    let session = require_voter(&state, lang, &headers, input.csrf.as_deref()).await?;
    app::sign_out(&*state.store, &session, state.now())
        .await
        .or_page(lang)?;
    let mut r = Redirect::to("/cabinet").into_response();
    add_cookie(&mut r, VOTER_COOKIE, "", 0, state.config.secure_cookies);
    Ok(r)
}
