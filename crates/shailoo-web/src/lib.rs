//! The web face of shailoo: server-rendered HTML pages in Kyrgyz, Russian and English, a JSON
//! API under `/api/v1` described by OpenAPI, staff log-in with sessions and CSRF protection,
//! `/healthz` and Prometheus `/metrics`.
//!
//! The application is a value: [`router`] turns an [`AppState`] into an axum `Router`, which
//! tests drive with `oneshot` or bind to port 0, and [`serve`] runs it until a shutdown future
//! resolves. Nothing here reads the environment or holds a global, except the Prometheus
//! recorder, which the `metrics` crate only allows once per process (see [`metrics_handle`]).
//!
//! Each capability is a folder (`setup/`, `claims/`, `districts/`…) on the shared kit
//! (`kit/`: page context, failures, forms, formatting); `features.rs` lists them, and the router
//! and the OpenAPI document are built from that list. ARCHITECTURE.md has the map.

mod access;
mod accounts;
mod cabinet;
// i16-badges: places for campaign material (CAL-06).
mod campaign_places;
mod candidates;
mod checkin;
mod claims;
mod complaints;
mod districts;
mod features;
mod kit;
mod lookup;
mod media;
mod ops;
mod print;
mod register;
mod remote;
mod results;
pub mod rules;
mod setup;
// Election funds and violation reports (CMP-04, CMP-07).
mod funds;
mod violations;

use crate::kit::input::Json;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use jiff::Timestamp;
use metrics_exporter_prometheus::PrometheusHandle;
use shailoo_app::Store;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use accounts::{LoginThrottle, ThrottleLimits};
pub use cabinet::CabinetConfig;
pub use features::{Access, DeclaredRoute, MenuEntry, Verb};
// The cache of public answers (issue 15, "fast under load").
pub use kit::cache::CacheConfig;
pub use kit::fail::VOTER_ERROR_CODES;
pub use kit::i18n::{self, Lang};
pub use kit::rate_limit;
pub use lookup::{BadAddressList, LookupConfig, sms};
pub use ops::metrics_handle;
pub use violations::ViolationsConfig;

/// "Now", injectable so that tests can fix the time the calendar and sessions see.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// Settings the composition root (the CLI) decides; the web crate reads no environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark cookies `Secure` (only sent over HTTPS). On behind a TLS-terminating proxy; off for
    /// plain-HTTP development and tests.
    pub secure_cookies: bool,
    /// How long a staff session lasts.
    pub session_hours: i64,
    /// Voter look-up (portal, API, SMS 119): rate limits, exemptions, the index.
    pub lookup: LookupConfig,
    /// The voter cabinet's rate limits (its adapters go to [`AppState::with_voter_cabinet`]).
    pub cabinet: CabinetConfig,
    /// Whether `/metrics` is served on the public address too. Off when the operator serves
    /// [`metrics_router`] on an address of its own (`shailoo serve --metrics-addr`).
    pub public_metrics: bool,
    /// Violation reports: the messaging webhook's secret and the public intake's limits.
    pub violations: ViolationsConfig,
    /// The cache of public answers (issue 15): how long a read of the store's version is
    /// reused, and how much memory the answers may take.
    pub public_cache: CacheConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secure_cookies: false,
            session_hours: 12,
            lookup: LookupConfig::default(),
            cabinet: CabinetConfig::default(),
            public_metrics: true,
            violations: ViolationsConfig::default(),
            public_cache: CacheConfig::default(),
        }
    }
}

/// Everything a request handler needs. Cheap to clone: all shared parts are behind `Arc`s.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub metrics: PrometheusHandle,
    pub throttle: Arc<LoginThrottle>,
    pub config: Arc<Config>,
    pub clock: Clock,
    /// The look-up index and its rate limiters, shared by the page, the API and SMS 119.
    pub(crate) lookup: Arc<lookup::LookupService>,
    /// The voter cabinet's adapters (none: the cabinet answers 503) and rate limiters.
    pub(crate) cabinet: Arc<cabinet::CabinetService>,
    /// The register page's background jobs (import, compile): one at a time.
    pub(crate) register_jobs: Arc<register::RegisterJobs>,
    /// The candidate registries (CAN-08) with their bounded concurrency: filing a candidate by
    /// PIN and the checks need them (none: those steps answer 503).
    pub(crate) candidate_checks: Option<Arc<shailoo_app::candidates::CheckRunner>>,
    /// The complaints registry's limit on online filings.
    pub(crate) complaints: Arc<complaints::ComplaintLimits>,
    /// The rate limiters of the public violation-report intake.
    pub(crate) violations: Arc<violations::ViolationService>,
    /// The public answers served from memory until the store changes (issue 15,
    /// `kit::cache`), and the computed results they are made from.
    pub(crate) public_cache: Arc<kit::cache::PublicCache>,
    pub(crate) results_cache: Arc<results::ResultsCache>,
    /// i16-badges: the CEC's key that signs journalists' badges (none: issuing answers 503,
    /// and the verification page says it has no key).
    pub(crate) badge_signer: Option<Arc<shailoo_app::signing::Signer>>,
}

impl AppState {
    /// A state with the system clock, the process-wide Prometheus recorder and a fresh throttle.
    pub fn new(store: Arc<dyn Store>, config: Config) -> Self {
        AppState {
            lookup: lookup::LookupService::new(store.clone(), &config.lookup),
            cabinet: cabinet::CabinetService::new(&config.cabinet, None),
            violations: violations::ViolationService::new(&config.violations),
            public_cache: kit::cache::PublicCache::new(&config.public_cache),
            results_cache: results::ResultsCache::new(),
            store,
            metrics: metrics_handle(),
            throttle: Arc::new(LoginThrottle::default()),
            config: Arc::new(config),
            clock: Arc::new(Timestamp::now),
            register_jobs: Arc::new(register::RegisterJobs::new(std::env::temp_dir())),
            candidate_checks: None,
            complaints: complaints::ComplaintLimits::new(),
            badge_signer: None,
        }
    }

    /// i16-badges: signs journalists' badges with `signer`, the CEC's badge key, whose public
    /// half the verification page and the revocation list publish.
    pub fn with_badge_signer(mut self, signer: shailoo_app::signing::Signer) -> Self {
        self.badge_signer = Some(Arc::new(signer));
        self
    }

    /// Gives the candidacy pages the candidate registries (`shailoo-registries` has the Tunduk
    /// adapter and its test doubles): a candidate is identified and checked through them.
    pub fn with_candidate_registries(
        mut self,
        registries: shailoo_app::candidates::CandidateRegistries,
    ) -> Self {
        self.candidate_checks = Some(Arc::new(shailoo_app::candidates::CheckRunner::new(
            registries,
            shailoo_app::candidates::DEFAULT_CONCURRENCY,
        )));
        self
    }

    /// Replaces the clock (tests fix "now" to a day of the 2024 calendar).
    pub fn with_clock(mut self, clock: impl Fn() -> Timestamp + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Opens the voter cabinet with the passport registry and the SMS gateway it needs
    /// (`shailoo-registries` has the HTTP adapters and their test doubles).
    pub fn with_voter_cabinet(
        mut self,
        registry: Arc<dyn shailoo_app::cabinet::PassportRegistry>,
        sms: Arc<dyn shailoo_app::cabinet::SmsGateway>,
    ) -> Self {
        self.cabinet = cabinet::CabinetService::new(&self.config.cabinet, Some((registry, sms)));
        self
    }

    /// Whether the voter cabinet has its adapters.
    pub fn voter_cabinet_configured(&self) -> bool {
        self.cabinet.is_configured()
    }

    pub(crate) fn now(&self) -> Timestamp {
        (self.clock)()
    }
}

/// The whole application: the pages and the API of every feature (`features::all`), the
/// stylesheet, and the layers every response gets.
pub fn router(state: AppState) -> Router {
    let (pages, api) = features::routes();
    let (api, spec) = api.split_for_parts();
    let api = api.route(
        "/api/v1/openapi.json",
        get(move || async move { Json(spec) }),
    );
    let pages = if state.config.public_metrics {
        pages.merge(ops::metrics_route())
    } else {
        pages
    };
    let pages = pages
        .route("/static/style.css", get(kit::page::stylesheet))
        .layer(axum::middleware::from_fn(kit::i18n::remember_language));
    Router::new()
        .merge(pages)
        .merge(api)
        .with_state(state.clone())
        .fallback(kit::fail::fallback)
        // The gate of each declared route reads the state from here (`kit::access`).
        .layer(axum::Extension(state.clone()))
        // A request that may write makes the public cache read the store's version again.
        .layer(axum::middleware::from_fn_with_state(
            state,
            kit::cache::forget_after_writes,
        ))
        .layer(axum::middleware::from_fn(ops::track_requests))
        .layer(TraceLayer::new_for_http().make_span_with(lookup::redacted_span::<axum::body::Body>))
        // Defence in depth for a site that loads nothing from elsewhere and runs no script.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
}

/// `/metrics` and `/healthz` alone, for an address that only the operator's Prometheus reaches
/// (with [`Config::public_metrics`] off, the public router no longer serves `/metrics`).
pub fn metrics_router(state: AppState) -> Router {
    ops::metrics_route()
        .merge(ops::healthz_route())
        .with_state(state)
        .layer(TraceLayer::new_for_http().make_span_with(lookup::redacted_span::<axum::body::Body>))
}

/// Serves [`metrics_router`] on a listener already bound, until `shutdown` resolves.
pub async fn serve_metrics_on(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(addr = ?listener.local_addr().ok(), "shailoo metrics listening");
    axum::serve(listener, metrics_router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Every route of every feature with who may use it ([`Access`]) and its staff-menu entry:
/// what the router serves, besides the stylesheet and the OpenAPI document.
pub fn declared_routes() -> Vec<DeclaredRoute> {
    features::declared().to_vec()
}

/// The OpenAPI document of `/api/v1`, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    features::routes().1.into_openapi()
}

/// Serves the application on `addr` until `shutdown` resolves, then lets requests in flight
/// finish. The peer address is made available to handlers (the log-in throttle counts per IP).
pub async fn serve(
    state: AppState,
    addr: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(state, listener, shutdown).await
}

/// Like [`serve`], on a listener already bound (tests bind port 0 and read the address).
pub async fn serve_on(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(addr = ?listener.local_addr().ok(), "shailoo web listening");
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
