//! "Where do I vote?" by PIN (VOT-09, VOT-10): the portal page `/lookup`, the JSON API
//! `GET /api/v1/voters/{pin}/station`, and the shared machinery of SMS 119 ([`crate::sms`]):
//! the look-up index, the rate limits and the privacy rules.
//!
//! * Answers come from [`shailoo_app::lookup::VoterLookup`], a read-through in-memory index of
//!   the voter lists kept current against the store's audit version (see that module). A
//!   maintenance task, started by the first look-up and ended when the application is dropped,
//!   refreshes it every [`LookupConfig::index_refresh`].
//! * Every look-up is counted against the client's address ([`crate::rate_limit`]) before the
//!   PIN is even parsed, so malformed guesses cost as much as real ones. A limited client gets
//!   429 with `Retry-After`.
//! * Privacy: an answer names the station, its PEC and the council, never anything about the
//!   person (the store query does not even read the person). Responses are `no-store`. Logs
//!   carry at most [`pin_tag`], a keyed hash prefix that changes with every process start, and
//!   the request trace omits PIN-bearing paths and queries ([`redacted_span`]).

use crate::AppState;
use crate::kit::PageCtx;
use crate::kit::fail::no_store;
use crate::kit::i18n::Lang;
use crate::kit::page::error_page;
use crate::kit::rate_limit::{
    Decision, IpLimiter, KeyedLimiter, RateLimit, client_ip, parse_ip_list,
};
use crate::kit::{ApiError, ApiLang, ErrorBody};
use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use shailoo_app::lookup::{LookupOutcome, Refreshed, StationInfo, VoterLookup, VoterStation};
use shailoo_app::{Store, StoreError};
use shailoo_domain::territory::{Election, LocalizedName};
use shailoo_domain::{ElectionId, Pin, PinError};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use utoipa::{IntoParams, ToSchema};

/// Settings of the look-up: rate limits, who is exempt, the SMS gateway's credentials, the
/// index. The defaults are what production should run with.
#[derive(Debug, Clone)]
pub struct LookupConfig {
    /// Per client address, portal and API together: a burst of 30, then one every 2 s
    /// (30/minute). Walking the 10^5 serials of one birthday takes 2.3 days per address.
    pub per_ip: RateLimit,
    /// Per SMS sender: a burst of 10, then one every 6 minutes (10/hour).
    pub per_sender: RateLimit,
    /// Addresses that are never limited (the limiter still runs and answers "exempt"): the
    /// benchmark client, monitoring probes. The CLI reads `SHAILOO_RATE_LIMIT_EXEMPT`.
    pub exempt: Vec<IpAddr>,
    /// Reverse proxies whose `X-Forwarded-For` is believed, by the look-up limits and the log-in
    /// throttle alike. Empty: the TCP peer is the client. The CLI reads `SHAILOO_TRUSTED_PROXIES`.
    pub trusted_proxies: Vec<IpAddr>,
    /// When set, the SMS endpoints require it (`?token=` or `Authorization: Bearer`), and only
    /// the per-sender limit applies. When unset (development), anyone may call them and the
    /// per-address limit applies on top, so they are no way around it.
    pub sms_gateway_token: Option<String>,
    /// Serve look-ups from the in-memory index (otherwise one database query each).
    pub index: bool,
    /// How often the index checks the store's version.
    pub index_refresh: Duration,
    /// Keys each limiter remembers at most (per address, per sender).
    pub max_tracked_keys: usize,
    /// Senders whose language choice (Russian) is remembered at most.
    pub sms_language_memory: usize,
}

impl Default for LookupConfig {
    fn default() -> Self {
        LookupConfig {
            per_ip: RateLimit {
                burst: 30,
                period: Duration::from_secs(2),
            },
            per_sender: RateLimit {
                burst: 10,
                period: Duration::from_secs(360),
            },
            exempt: Vec::new(),
            trusted_proxies: Vec::new(),
            sms_gateway_token: None,
            index: true,
            index_refresh: Duration::from_secs(1),
            max_tracked_keys: 200_000,
            sms_language_memory: 100_000,
        }
    }
}

/// A list of addresses that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("rate-limit exemption list: {0}")]
pub struct BadAddressList(String);

impl LookupConfig {
    /// Adds the addresses of a comma- or space-separated list to [`LookupConfig::exempt`].
    pub fn exempting(mut self, list: &str) -> Result<Self, BadAddressList> {
        self.exempt
            .extend(parse_ip_list(list).map_err(BadAddressList)?);
        Ok(self)
    }

    /// Adds the comma-separated addresses of `list` to [`LookupConfig::trusted_proxies`] (the
    /// log-in throttle believes the same proxies).
    pub fn trusting(mut self, list: &str) -> Result<Self, BadAddressList> {
        self.trusted_proxies
            .extend(parse_ip_list(list).map_err(BadAddressList)?);
        Ok(self)
    }

    /// Sets [`LookupConfig::sms_gateway_token`] (a blank token is none).
    pub fn with_sms_gateway_token(mut self, token: Option<String>) -> Self {
        self.sms_gateway_token = token.filter(|t| !t.trim().is_empty());
        self
    }
}

/// Everything look-ups share across requests: the index and the limiters.
pub struct LookupService {
    pub index: Arc<VoterLookup>,
    pub ip: IpLimiter,
    pub senders: KeyedLimiter<String>,
    pub sms_languages: crate::sms::SmsLanguages,
    pub config: LookupConfig,
    maintenance: AtomicBool,
}

impl LookupService {
    pub fn new(store: Arc<dyn Store>, config: &LookupConfig) -> Arc<Self> {
        Arc::new(LookupService {
            index: Arc::new(VoterLookup::new(store, config.index)),
            ip: IpLimiter::new(
                config.per_ip,
                config.max_tracked_keys,
                config.exempt.clone(),
                config.trusted_proxies.clone(),
            ),
            senders: KeyedLimiter::new(config.per_sender, config.max_tracked_keys),
            sms_languages: crate::sms::SmsLanguages::new(config.sms_language_memory),
            config: config.clone(),
            maintenance: AtomicBool::new(false),
        })
    }

    /// Looks a PIN up, starting the index's maintenance on first use.
    pub async fn find(
        &self,
        election: Option<&ElectionId>,
        pin: &Pin,
    ) -> Result<LookupOutcome, StoreError> {
        self.start_maintenance();
        let outcome = self.index.find(election, pin).await;
        tracing::debug!(
            pin = %pin_tag(pin),
            outcome = match &outcome {
                Ok(LookupOutcome::Found { .. }) => "found",
                Ok(LookupOutcome::NotOnList { .. }) => "not_on_list",
                Ok(_) => "no_election",
                Err(_) => "error",
            },
            "voter look-up"
        );
        outcome
    }

    /// Spawns the task that keeps the index current. It holds only a weak reference, so it
    /// ends when the application (and with it the index) is dropped.
    fn start_maintenance(&self) {
        // A plain load first: the swap (a write to a shared cache line) happens once, not per
        // request.
        if !self.config.index
            || self.maintenance.load(Ordering::Acquire)
            || self.maintenance.swap(true, Ordering::AcqRel)
        {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.maintenance.store(false, Ordering::Release);
            return;
        };
        let weak = Arc::downgrade(&self.index);
        let every = self.config.index_refresh;
        runtime.spawn(async move {
            loop {
                let Some(index) = weak.upgrade() else { break };
                match index.refresh().await {
                    Ok(Refreshed::Rebuilt {
                        version,
                        entries,
                        took,
                    }) => {
                        tracing::info!(
                            version,
                            entries,
                            ms = took.as_millis() as u64,
                            "voter look-up index built"
                        );
                        // Far below 2^53: exact as f64.
                        metrics::gauge!("shailoo_lookup_index_entries").set(entries as f64);
                        metrics::counter!("shailoo_lookup_index_builds_total").increment(1);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "voter look-up index refresh failed; answering from the database");
                    }
                }
                drop(index);
                tokio::time::sleep(every).await;
            }
        });
    }
}

/// A short, unlinkable tag of a PIN for logs: the first 8 hex digits of a BLAKE3 hash keyed
/// with a random key drawn at process start. It lets an operator see that two log lines are
/// about the same PIN, within one process's lifetime; unlike an unkeyed hash, it cannot be
/// reversed by hashing every possible PIN.
pub fn pin_tag(pin: &Pin) -> String {
    tag(pin.as_str())
}

pub(crate) fn tag(value: &str) -> String {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    let key = KEY.get_or_init(rand::random);
    let hash = blake3::keyed_hash(key, value.as_bytes());
    hash.to_hex()[..8].to_owned()
}

/// The request span of the trace layer, without PINs, senders or SMS texts: for the look-up
/// paths, the PIN segment is replaced and the query left out. The URI is only formatted when
/// the span is enabled (debug level), so the hot path pays nothing for the redaction.
pub fn redacted_span<B>(req: &Request<B>) -> tracing::Span {
    tracing::debug_span!(
        "request",
        method = %req.method(),
        uri = %RedactedUri(req.uri()),
        version = ?req.version()
    )
}

/// A URI as logs may show it.
struct RedactedUri<'a>(&'a axum::http::Uri);

impl std::fmt::Display for RedactedUri<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = self.0.path();
        if path.starts_with("/api/v1/voters/") {
            f.write_str("/api/v1/voters/{pin}/station")
        } else if path.starts_with("/lookup")
            || path.starts_with("/sms/")
            || path.starts_with("/api/v1/sms/")
        {
            f.write_str(path)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// The client's address as the limiter sees it.
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_ip(
            parts,
            &state.lookup.config.trusted_proxies,
        )))
    }
}

fn retry_after_header(after: Duration) -> HeaderMap {
    let mut h = HeaderMap::new();
    // Whole seconds, rounded up: retrying at the announced time must succeed.
    let secs = after.as_secs() + u64::from(after.subsec_nanos() > 0);
    if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
        h.insert(header::RETRY_AFTER, v);
    }
    h
}

/// The localized explanation of a malformed PIN, as precise as the parser's verdict.
pub fn pin_problem(lang: Lang, e: &PinError) -> String {
    match e {
        PinError::WrongLength(0) => lang.t("lookup-pin-empty"),
        PinError::WrongLength(n) => {
            lang.t_args("lookup-pin-wrong-length", &[("count", n.to_string())])
        }
        PinError::NotADigit(c) => lang.t_args("lookup-pin-not-a-digit", &[("char", c.to_string())]),
        PinError::BadSexDigit(c) => {
            lang.t_args("lookup-pin-bad-sex-digit", &[("digit", c.to_string())])
        }
        PinError::BadBirthDate(d) => {
            lang.t_args("lookup-pin-bad-birth-date", &[("date", d.clone())])
        }
        PinError::UnknownSex(_) => lang.error(e.code()),
    }
}

/// The last day to file a claim about the voter list (CAL-11), `dd.mm.yyyy`, with the CEC's
/// overrides applied.
pub(crate) async fn claims_deadline(state: &AppState, election: &Election) -> Option<String> {
    crate::kit::calendar::deadline_date(state, election, "CAL-11").await
}

/// "Not on any list": check the PIN, or file a claim at the PEC by CAL-11.
pub async fn not_found_message(state: &AppState, lang: Lang, election: &Election) -> String {
    match claims_deadline(state, election).await {
        Some(date) => lang.t_args("lookup-not-found", &[("date", date)]),
        None => lang.t("lookup-not-found-undated"),
    }
}

// --- the page ---

pub struct StationView {
    pub number: u32,
    pub address: String,
    pub commission: String,
}

pub struct ResultView {
    pub station: StationView,
    pub council: String,
    pub remote: Option<StationView>,
    pub election: String,
}

fn station_view(s: &StationInfo, lang: Lang) -> StationView {
    StationView {
        number: s.number.get(),
        address: s.address.get(lang.code()).to_owned(),
        commission: s.commission_name.get(lang.code()).to_owned(),
    }
}

#[derive(Template)]
#[template(path = "lookup.html")]
struct LookupTemplate {
    ctx: PageCtx,
    pin: String,
    election: Option<String>,
    error: Option<String>,
    result: Option<ResultView>,
}

fn render(status: StatusCode, t: &LookupTemplate) -> Response {
    match t.render() {
        Ok(html) => no_store((status, Html(html)).into_response()),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// `GET /lookup[?pin=…&election=…]`: the form, and the answer when a PIN was sent.
async fn lookup_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientAddr(ip): ClientAddr,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = ctx.lang;
    let election_param = q
        .get("election")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let mut page = LookupTemplate {
        pin: q.get("pin").cloned().unwrap_or_default(),
        election: election_param.clone(),
        error: None,
        result: None,
        ctx,
    };
    // Showing the empty form is not a look-up and costs nothing.
    if !q.contains_key("pin") {
        return render(StatusCode::OK, &page);
    }
    if let Decision::Limited { retry_after } = state.lookup.ip.check_ip(ip) {
        page.error = Some(lang.t_args(
            "lookup-rate-limited",
            &[("seconds", retry_after.as_secs().max(1).to_string())],
        ));
        let mut r = render(StatusCode::TOO_MANY_REQUESTS, &page);
        r.headers_mut().extend(retry_after_header(retry_after));
        return r;
    }
    let pin = match Pin::parse(&page.pin) {
        Ok(pin) => pin,
        Err(e) => {
            page.error = Some(pin_problem(lang, &e));
            return render(StatusCode::BAD_REQUEST, &page);
        }
    };
    let election = match election_param.as_deref().map(ElectionId::parse).transpose() {
        Ok(e) => e,
        Err(_) => return error_page(lang, StatusCode::NOT_FOUND, "unknown_election"),
    };
    match state.lookup.find(election.as_ref(), &pin).await {
        Ok(LookupOutcome::Found { election, station }) => {
            page.result = Some(ResultView {
                station: station_view(&station.station, lang),
                council: station.council.name.get(lang.code()).to_owned(),
                remote: station
                    .remote_voting_station
                    .as_deref()
                    .map(|s| station_view(s, lang)),
                election: election.name.get(lang.code()).to_owned(),
            });
            render(StatusCode::OK, &page)
        }
        Ok(LookupOutcome::NotOnList { election }) => {
            page.error = Some(not_found_message(&state, lang, &election).await);
            render(StatusCode::NOT_FOUND, &page)
        }
        Ok(LookupOutcome::UnknownElection) => {
            error_page(lang, StatusCode::NOT_FOUND, "unknown_election")
        }
        Ok(LookupOutcome::NoElection) => error_page(lang, StatusCode::NOT_FOUND, "not_found"),
        Err(e) => {
            crate::kit::fail::log(&e);
            error_page(lang, crate::kit::fail::store_status(&e), e.code())
        }
    }
}

/// The page, the gateway-facing SMS endpoint, and the API (look-up and SMS webhook).
pub(crate) fn feature() -> crate::features::Feature {
    crate::features::Feature {
        name: "lookup",
        pages: Router::new()
            .route("/lookup", get(lookup_page))
            .route("/sms/119", get(crate::sms::kannel)),
        api: utoipa_axum::router::OpenApiRouter::new()
            .routes(utoipa_axum::routes!(voter_station))
            .routes(utoipa_axum::routes!(crate::sms::webhook)),
    }
}

// --- the API ---

// The wire types borrow from the index: an answer is serialized straight from the shared
// station and council records, without copying a dozen strings per request first.

#[derive(Debug, Serialize, ToSchema)]
pub struct LocalizedDto<'a> {
    pub ky: &'a str,
    pub ru: &'a str,
    pub en: &'a str,
}

impl<'a> From<&'a LocalizedName> for LocalizedDto<'a> {
    fn from(n: &'a LocalizedName) -> Self {
        LocalizedDto {
            ky: &n.ky,
            ru: &n.ru,
            en: &n.en,
        }
    }
}

/// A commission, by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommissionRefDto<'a> {
    #[schema(example = "pec-1001")]
    pub id: &'a str,
    pub name: LocalizedDto<'a>,
}

/// A council, by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouncilRefDto<'a> {
    #[schema(example = "bishkek-city")]
    pub id: &'a str,
    pub name: LocalizedDto<'a>,
}

/// A polling station: number and address.
#[derive(Debug, Serialize, ToSchema)]
pub struct StationRefDto<'a> {
    #[schema(example = 1001)]
    pub number: u32,
    pub address: LocalizedDto<'a>,
}

/// A remote-voting station with its PEC.
#[derive(Debug, Serialize, ToSchema)]
pub struct RemoteStationDto<'a> {
    #[schema(example = 9001)]
    pub number: u32,
    pub address: LocalizedDto<'a>,
    pub commission: CommissionRefDto<'a>,
}

/// Where a voter votes. Nothing about the person.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoterStationDto<'a> {
    #[schema(example = "local-2024")]
    pub election: &'a str,
    /// The home polling station, serving the voter's address.
    pub station: StationRefDto<'a>,
    /// The PEC running the home station.
    pub commission: CommissionRefDto<'a>,
    /// The voter's council.
    pub council: CouncilRefDto<'a>,
    /// The remote-voting station after an approved application (VOT-07), where the voter
    /// then votes instead; null otherwise.
    pub remote_voting_station: Option<RemoteStationDto<'a>>,
}

impl<'a> VoterStationDto<'a> {
    fn new(election: &'a Election, v: &'a VoterStation) -> Self {
        let commission = |s: &'a StationInfo| CommissionRefDto {
            id: s.commission.as_str(),
            name: (&s.commission_name).into(),
        };
        VoterStationDto {
            election: election.id.as_str(),
            station: StationRefDto {
                number: v.station.number.get(),
                address: (&v.station.address).into(),
            },
            commission: commission(&v.station),
            council: CouncilRefDto {
                id: v.council.id.as_str(),
                name: (&v.council.name).into(),
            },
            remote_voting_station: v
                .remote_voting_station
                .as_deref()
                .map(|s| RemoteStationDto {
                    number: s.number.get(),
                    address: (&s.address).into(),
                    commission: commission(s),
                }),
        }
    }

    /// The JSON body, serialized in one buffer sized for a typical answer.
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(1024);
        match serde_json::to_writer(&mut body, &self) {
            Ok(()) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            Err(e) => {
                tracing::error!(error = %e, "serializing a look-up answer failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VoterStationQuery {
    /// An election id; the latest election by default.
    pub election: Option<String>,
    /// `ky`, `ru` or `en`: the language of error messages.
    #[allow(
        dead_code,
        reason = "documented for OpenAPI; ApiLang reads it from the raw query"
    )]
    pub lang: Option<String>,
}

/// Where the voter with this PIN votes (VOT-09): the polling station, its PEC and the council.
///
/// Rate-limited per client address (429 with `Retry-After`); every request counts, malformed
/// ones included.
#[utoipa::path(get, path = "/api/v1/voters/{pin}/station", tag = "voters",
    params(
        ("pin" = String, Path, description = "The voter's PIN: 14 digits (spaces are ignored)"),
        VoterStationQuery,
    ),
    responses(
        (status = 200, description = "The voter's station and council", body = VoterStationDto),
        (status = 400, description = "Malformed PIN (`pin_wrong_length`, `pin_not_a_digit`, \
            `pin_bad_sex_digit`, `pin_bad_birth_date`; `field` is `pin`) or election id", body = ErrorBody),
        (status = 404, description = "The PIN is on no voter list (`voter_not_found`), or no \
            such election (`unknown_election`)", body = ErrorBody),
        (status = 429, description = "Too many look-ups from this address (`rate_limited`); \
            see `Retry-After`", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    ))]
pub async fn voter_station(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    ClientAddr(ip): ClientAddr,
    Path(pin): Path<String>,
    q: Result<Query<VoterStationQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Decision::Limited { retry_after } = state.lookup.ip.check_ip(ip) {
        return no_store(
            (
                retry_after_header(retry_after),
                ApiError::new(lang, StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            )
                .into_response(),
        );
    }
    let response = answer(&state, lang, &pin, q)
        .await
        .unwrap_or_else(IntoResponse::into_response);
    no_store(response)
}

async fn answer(
    state: &AppState,
    lang: Lang,
    pin: &str,
    q: Result<Query<VoterStationQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let pin = Pin::parse(pin).map_err(|e| ApiError::bad(lang, e.code(), "pin"))?;
    let q = q
        .map(|Query(q)| q)
        .map_err(|_| ApiError::bad(lang, "bad_parameter", "query"))?;
    let election = q
        .election
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| ElectionId::parse(s).map_err(|_| ApiError::bad(lang, "bad_id", "election")))
        .transpose()?;
    match state
        .lookup
        .find(election.as_ref(), &pin)
        .await
        .map_err(|e| ApiError::store(lang, e))?
    {
        LookupOutcome::Found { election, station } => {
            Ok(VoterStationDto::new(&election, &station).into_response())
        }
        LookupOutcome::NotOnList { .. } => Err(ApiError::new(
            lang,
            StatusCode::NOT_FOUND,
            "voter_not_found",
        )),
        LookupOutcome::UnknownElection => Err(ApiError::new(
            lang,
            StatusCode::NOT_FOUND,
            "unknown_election",
        )),
        LookupOutcome::NoElection => Err(ApiError::not_found(lang)),
    }
}
