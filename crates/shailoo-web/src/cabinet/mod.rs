//! The voter cabinet on the portal (`/cabinet`; шайлоочунун жеке кабинети / личный кабинет
//! избирателя): sign-in with PIN + passport number + a one-time code by SMS, then the voter's
//! station and council, their remote-voting application (VOT-07: apply online until CAL-12,
//! cancel), and their voter-list claims (VOT-08).
//!
//! * The passport registry and the SMS gateway are the ports of `shailoo_app::cabinet`, given
//!   to [`crate::AppState::with_voter_cabinet`]; without them every cabinet page is a localized
//!   503 "not available".
//! * Before a session exists the forms use a double-submit CSRF token (`cabinet_csrf` cookie +
//!   hidden field, as the staff log-in); the challenge token travels in the `shailoo_voter_challenge`
//!   cookie. The session cookie `shailoo_voter` is `HttpOnly`, `SameSite=Strict` and `Secure`
//!   when configured; every form of a session echoes the session's CSRF token.
//! * Codes are limited per PIN and per client address ([`CabinetConfig`], GCRA from
//!   [`crate::kit::rate_limit`]), counted before the registry is asked, so wrong guesses cost as much
//!   as right ones. A limited client gets 429 with `Retry-After` and a localized page.
//! * Logs carry no PIN and no code: at most the look-up's keyed [`crate::lookup::pin_tag`].
//!
//! * `sign_in.rs`: the two sign-in steps and signing out; `home.rs`: the cabinet itself;
//!   `remote.rs`: applying for remote voting and cancelling; `claims.rs`: filing a claim.

mod claims;
mod home;
mod remote;
mod sign_in;

pub(crate) use home::voter_election;

use crate::AppState;
use crate::features::{Access, Feature};
use crate::kit::i18n::cookie;
use crate::kit::rate_limit::{KeyedLimiter, RateLimit};
use crate::kit::session::same_secret;
use crate::kit::{Lang, OrRefused, PageFail, Refusal};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use rand::RngCore;
use serde::Deserialize;
use shailoo_app::StoreError;
use shailoo_app::cabinet::{
    self as app, CabinetError, Fresh, PassportRegistry, SmsGateway, VoterSession,
};
use shailoo_domain::{ErrorCode, Pin};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;

/// The session cookie.
pub const VOTER_COOKIE: &str = "shailoo_voter";
/// The challenge token between the two sign-in steps.
pub const CHALLENGE_COOKIE: &str = "shailoo_voter_challenge";
/// The double-submit CSRF token of the forms before a session exists.
pub const CSRF_COOKIE: &str = "cabinet_csrf";

/// Rate limits of the cabinet's code requests.
#[derive(Debug, Clone)]
pub struct CabinetConfig {
    /// Codes per PIN: 3 at once, then one every 5 minutes (3 per 15 minutes).
    pub per_pin: RateLimit,
    /// Sign-in attempts per client address: 10 at once, then one every 90 s (10 per 15
    /// minutes; a family or an office behind one address still gets through).
    pub per_ip: RateLimit,
    /// Keys each limiter remembers at most.
    pub max_tracked_keys: usize,
}

impl Default for CabinetConfig {
    fn default() -> Self {
        CabinetConfig {
            per_pin: RateLimit {
                burst: 3,
                period: Duration::from_secs(300),
            },
            per_ip: RateLimit {
                burst: 10,
                period: Duration::from_secs(90),
            },
            max_tracked_keys: 100_000,
        }
    }
}

/// The two ports the cabinet needs.
type Adapters = (Arc<dyn PassportRegistry>, Arc<dyn SmsGateway>);

/// The adapters and the limiters, shared by all requests.
pub(crate) struct CabinetService {
    adapters: Option<Adapters>,
    per_pin: KeyedLimiter<Pin>,
    per_ip: KeyedLimiter<Option<IpAddr>>,
}

impl CabinetService {
    pub(crate) fn new(config: &CabinetConfig, adapters: Option<Adapters>) -> Arc<Self> {
        Arc::new(CabinetService {
            adapters,
            per_pin: KeyedLimiter::new(config.per_pin, config.max_tracked_keys),
            per_ip: KeyedLimiter::new(config.per_ip, config.max_tracked_keys),
        })
    }

    pub(crate) fn is_configured(&self) -> bool {
        self.adapters.is_some()
    }
}

/// Cabinet pages are personal: no answer of the cabinet is ever cached. Only the claim route
/// accepts a body larger than axum's default (a passport copy).
pub(crate) fn feature() -> Feature {
    use Access::{Public, Voter};
    Feature::new("cabinet")
        .get("/cabinet", Public, home::home)
        .post("/cabinet/sign-in", Public, sign_in::sign_in)
        .post("/cabinet/code", Public, sign_in::code)
        .post("/cabinet/sign-out", Voter, sign_in::sign_out)
        .post("/cabinet/remote-voting", Voter, remote::apply)
        .post("/cabinet/remote-voting/{id}/cancel", Voter, remote::cancel)
        .post_upload(
            "/cabinet/claims",
            Voter,
            crate::claims::CLAIM_BODY_LIMIT,
            claims::file,
        )
        .layer_pages(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// What the sign-in steps answer to a refusal.
impl Refusal for CabinetError {
    fn status(&self) -> StatusCode {
        match self {
            CabinetError::Store(e) => e.status(),
            CabinetError::Registry(_) | CabinetError::Sms(_) => StatusCode::SERVICE_UNAVAILABLE,
            CabinetError::NotConfirmed | CabinetError::WrongCode { .. } => StatusCode::UNAUTHORIZED,
            CabinetError::TooManyAttempts | CabinetError::CodeExpired => StatusCode::GONE,
            CabinetError::NoPhone | CabinetError::BadCode => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            CabinetError::Store(e) => Some(e),
            _ => None,
        }
    }

    /// Outages of the registry or the gateway: one "try later", whatever failed.
    fn message(&self, lang: Lang) -> String {
        match self {
            CabinetError::WrongCode { attempts_left } => {
                lang.t_args("cabinet-wrong-code", &[("left", attempts_left.to_string())])
            }
            CabinetError::Registry(_) | CabinetError::Sms(_) => lang.t("cabinet-try-later"),
            other => lang.error(other.code()),
        }
    }
}

fn fresh() -> Fresh {
    Fresh::draw(|b| rand::rng().fill_bytes(b))
}

/// The adapters, or the 503 page when the deployment has none.
pub(crate) fn adapters(state: &AppState, lang: Lang) -> Result<Adapters, PageFail> {
    state.cabinet.adapters.clone().ok_or_else(|| {
        PageFail::new(
            lang,
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::CabinetUnavailable,
        )
    })
}

/// The signed-in voter of the request, if any.
pub(crate) async fn current(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
) -> Result<Option<VoterSession>, PageFail> {
    let Some(token) = cookie(headers, VOTER_COOKIE) else {
        return Ok(None);
    };
    app::current_voter(&*state.store, &token, state.now())
        .await
        .or_page(lang)
}

/// The signed-in voter after checking the form's CSRF token; else back to the sign-in form.
pub(crate) async fn require_voter(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    csrf: Option<&str>,
) -> Result<VoterSession, PageFail> {
    let Some(session) = current(state, lang, headers).await? else {
        return Err(PageFail::redirect("/cabinet"));
    };
    if same_secret(csrf.unwrap_or_default(), &session.csrf_token) {
        Ok(session)
    } else {
        Err(PageFail::new(
            lang,
            StatusCode::FORBIDDEN,
            ErrorCode::CsrfFailed,
        ))
    }
}

/// A form that carries only its CSRF token.
#[derive(Debug, Default, Deserialize)]
struct CsrfInput {
    #[serde(default)]
    csrf: Option<String>,
}
