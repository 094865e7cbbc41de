//! Adapters to external state systems over HTTP, behind the ports of `shailoo_app::cabinet` and
//! `shailoo_app::candidates`:
//!
//! * [`tunduk::TundukRegistry`]: the passport registry (ГРС, State Registration Service) over
//!   Tunduk, the Kyrgyz instance of X-Road, with the X-Road Message Protocol for REST
//!   (`GET {security server}/r1/{service id}/…` with the `X-Road-Client` header);
//! * [`candidates::TundukCandidateRegistries`]: the five registries a nomination is checked
//!   against (CAN-08: civil, citizenship, criminal record, education, party membership), over
//!   the same protocol, each answer kept with its evidence (X-Road message id, time, digest);
//! * [`kannel::KannelGateway`]: the Kannel SMS gateway's `sendsms` HTTP interface.
//!
//! With the `doubles` feature, [`doubles`] has local HTTP servers that speak the same protocols
//! (a seeded passport registry, the five candidate registries seeded so that chosen PINs fail
//! each rule, an SMS gateway with an outbox readable over HTTP) for tests, benchmarks and
//! `shailoo demo`. `docs/registries.md` describes the wire formats.
//!
//! Failures are typed so that people are told the truth: an unreachable or slow registry is
//! `RegistryError::Unavailable` / `Timeout` ("try later", "could not check"), never a "wrong
//! passport" or a verdict about a candidate.

pub mod candidates;
pub mod kannel;
pub mod tunduk;
mod xroad;

#[cfg(feature = "doubles")]
pub mod doubles;

pub use candidates::{CandidateRegistriesConfig, CandidateServices, TundukCandidateRegistries};
pub use kannel::{KannelConfig, KannelGateway};
pub use tunduk::{TundukConfig, TundukRegistry};
pub use xroad::{XRoadClientId, XRoadIdError, XRoadServiceId};

use shailoo_domain::ErrorCode;
use std::time::Duration;

/// How long an adapter waits for an answer by default: a voter is waiting at the form.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// An adapter that cannot be built from its settings.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{what}: {url:?} is not an http(s) URL")]
    BadUrl { what: &'static str, url: String },
    #[error(transparent)]
    XRoadId(#[from] XRoadIdError),
    #[error("the HTTP client could not be built: {0}")]
    Client(String),
}

impl ConfigError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            ConfigError::BadUrl { .. } => ErrorCode::RegistryBadUrl,
            ConfigError::XRoadId(e) => e.code(),
            ConfigError::Client(_) => ErrorCode::RegistryClient,
        }
    }
}

/// Parses a base URL, refusing anything but http and https, without a trailing slash.
fn base_url(what: &'static str, url: &str) -> Result<String, ConfigError> {
    let parsed = url::Url::parse(url).map_err(|_| ConfigError::BadUrl {
        what,
        url: url.to_owned(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(ConfigError::BadUrl {
            what,
            url: url.to_owned(),
        });
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// An HTTP client with rustls and the given timeout; no cookies, no redirects (a registry
/// that redirects is misconfigured, and following it could leak the PIN elsewhere).
fn http_client(timeout: Duration) -> Result<reqwest::Client, ConfigError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ConfigError::Client(e.to_string()))
}
