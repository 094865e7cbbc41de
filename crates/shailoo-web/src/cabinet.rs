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
//!   [`crate::rate_limit`]), counted before the registry is asked, so wrong guesses cost as much
//!   as right ones. A limited client gets 429 with `Retry-After` and a localized page.
//! * Logs carry no PIN and no code: at most the look-up's keyed [`crate::lookup::pin_tag`].

use crate::AppState;
use crate::kit::PageCtx;
use crate::kit::calendar::closed_message;
use crate::kit::client::ClientIp;
use crate::kit::fail::store_status;
use crate::kit::format::fmt_instant;
use crate::kit::forms::{FileTooLarge, MultipartForm};
use crate::kit::i18n::{Lang, cookie};
use crate::kit::rate_limit::{Decision, KeyedLimiter, RateLimit, client_key};
use crate::kit::render;
use crate::kit::session::{add_cookie, random_token, same_secret};
use crate::kit::{PageFail, PageResult};
use crate::lookup::{not_found_message, pin_tag};
use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rand::RngCore;
use serde::Deserialize;
use shailoo_app::StationFilter;
use shailoo_app::cabinet::{
    self as app, CabinetError, Fresh, PassportRegistry, SmsGateway, VoterSession,
};
use shailoo_app::claims::{
    self, Claim, ClaimDraft, ClaimError, ClaimKind, ClaimRequest, DataCorrection, PassportCopy,
    Text,
};
use shailoo_app::lookup::LookupOutcome;
use shailoo_app::remote::{self, ApplicationFilter, Decision as RemoteDecision, RemoteVotingError};
use shailoo_app::users::Actor;
use shailoo_domain::identity::{PassportError, PassportNumber};
use shailoo_domain::territory::Election;
use shailoo_domain::{Pin, StationNumber};
use std::collections::HashMap;
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
pub struct CabinetService {
    adapters: Option<Adapters>,
    per_pin: KeyedLimiter<Pin>,
    per_ip: KeyedLimiter<Option<IpAddr>>,
}

impl CabinetService {
    pub fn new(config: &CabinetConfig, adapters: Option<Adapters>) -> Arc<Self> {
        Arc::new(CabinetService {
            adapters,
            per_pin: KeyedLimiter::new(config.per_pin, config.max_tracked_keys),
            per_ip: KeyedLimiter::new(config.per_ip, config.max_tracked_keys),
        })
    }

    pub fn is_configured(&self) -> bool {
        self.adapters.is_some()
    }
}

/// The page routes; merged into the pages router.
/// Cabinet pages are personal: no answer of the cabinet is ever cached.
fn routes() -> Router<AppState> {
    Router::new()
        .route("/cabinet", get(home))
        .route("/cabinet/sign-in", post(sign_in))
        .route("/cabinet/code", post(code))
        .route("/cabinet/sign-out", post(sign_out))
        .route("/cabinet/remote-voting", post(apply_remote))
        .route("/cabinet/remote-voting/{id}/cancel", post(cancel_remote))
        .route(
            "/cabinet/claims",
            post(file_claim).layer(DefaultBodyLimit::max(CLAIM_BODY_LIMIT)),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// A claim's body: the passport copy and the text fields, with room for the multipart framing.
const CLAIM_BODY_LIMIT: usize = claims::MAX_COPY_BYTES + 64 * 1024;

// --- plumbing ---

fn fresh() -> Fresh {
    Fresh::draw(|b| rand::rng().fill_bytes(b))
}

/// The adapters, or the 503 page when the deployment has none.
fn adapters(state: &AppState, lang: Lang) -> Result<Adapters, PageFail> {
    state
        .cabinet
        .adapters
        .clone()
        .ok_or_else(|| PageFail::new(lang, StatusCode::SERVICE_UNAVAILABLE, "cabinet_unavailable"))
}

/// The signed-in voter of the request, if any.
async fn current(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
) -> Result<Option<VoterSession>, PageFail> {
    let Some(token) = cookie(headers, VOTER_COOKIE) else {
        return Ok(None);
    };
    app::current_voter(&*state.store, &token, state.now())
        .await
        .map_err(|e| PageFail::refused(lang, &e))
}

/// The signed-in voter after checking the form's CSRF token; else back to the sign-in form.
async fn require_voter(
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
        Err(PageFail::new(lang, StatusCode::FORBIDDEN, "csrf_failed"))
    }
}

fn passport_problem(lang: Lang, e: &PassportError) -> String {
    lang.error(e.code())
}

/// What a failed sign-in step tells the voter.
fn sign_in_message(lang: Lang, e: &CabinetError) -> String {
    match e {
        CabinetError::WrongCode { attempts_left } => {
            lang.t_args("cabinet-wrong-code", &[("left", attempts_left.to_string())])
        }
        // Outages of the registry or the gateway: one "try later", whatever failed.
        CabinetError::Registry(_) | CabinetError::Sms(_) => lang.t("cabinet-try-later"),
        other => lang.error(other.code()),
    }
}

fn sign_in_status(e: &CabinetError) -> StatusCode {
    match e {
        CabinetError::Store(e) => store_status(e),
        CabinetError::Registry(_) | CabinetError::Sms(_) => StatusCode::SERVICE_UNAVAILABLE,
        CabinetError::NotConfirmed | CabinetError::WrongCode { .. } => StatusCode::UNAUTHORIZED,
        CabinetError::TooManyAttempts | CabinetError::CodeExpired => StatusCode::GONE,
        CabinetError::NoPhone | CabinetError::BadCode => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

// --- the sign-in forms ---

#[derive(Template)]
#[template(path = "cabinet_sign_in.html")]
struct SignInTemplate {
    ctx: PageCtx,
    csrf: String,
    pin: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "cabinet_code.html")]
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

/// The sign-in form, with a new double-submit token in its cookie.
fn sign_in_page(
    state: &AppState,
    ctx: PageCtx,
    status: StatusCode,
    pin: String,
    error: Option<String>,
) -> Response {
    let token = random_token();
    let page = SignInTemplate {
        ctx,
        csrf: token.clone(),
        pin,
        error,
    };
    let mut r = render(status, &page);
    add_cookie(
        &mut r,
        CSRF_COOKIE,
        &token,
        3600,
        state.config.secure_cookies,
    );
    r
}

/// `GET /cabinet`: the cabinet of the signed-in voter, else the sign-in form.
async fn home(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    match current(&state, lang, &headers).await? {
        Some(session) => {
            let notice = q
                .get("done")
                .filter(|d| {
                    ["remote_filed", "remote_cancelled", "claim_filed"].contains(&d.as_str())
                })
                .map(|d| lang.t(&format!("cabinet-done-{d}")));
            cabinet_page(&state, ctx, &session, StatusCode::OK, notice, None).await
        }
        None => Ok(sign_in_page(
            &state,
            ctx,
            StatusCode::OK,
            String::new(),
            None,
        )),
    }
}

#[derive(Debug, Default, Deserialize)]
struct SignInInput {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pin: String,
    #[serde(default)]
    passport: String,
}

/// The sign-in form again with 429, the minutes to wait and `Retry-After`; counted per limit
/// (`ip` or `pin`) in the metrics.
fn limited(
    state: &AppState,
    ctx: PageCtx,
    typed_pin: String,
    after: Duration,
    by: &'static str,
) -> Response {
    metrics::counter!("shailoo_cabinet_rate_limited_total", "by" => by).increment(1);
    let lang = ctx.lang;
    let m = lang.t_args(
        "cabinet-rate-limited",
        &[("minutes", after.as_secs().div_ceil(60).max(1).to_string())],
    );
    let r = sign_in_page(
        state,
        ctx,
        StatusCode::TOO_MANY_REQUESTS,
        typed_pin,
        Some(m),
    );
    retry_after(r, after)
}

fn retry_after(mut r: Response, after: Duration) -> Response {
    let secs = after.as_secs() + u64::from(after.subsec_nanos() > 0);
    if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// `POST /cabinet/sign-in`: PIN + passport → registry → code by SMS → the code form.
async fn sign_in(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: Result<Form<SignInInput>, FormRejection>,
) -> PageResult {
    let lang = ctx.lang;
    let (registry, sms) = adapters(&state, lang)?;
    let Ok(Form(input)) = form else {
        return Err(PageFail::new(lang, StatusCode::BAD_REQUEST, "bad_form"));
    };
    let typed_pin = input.pin.trim().to_owned();
    if !same_secret(
        &input.csrf,
        &cookie(&headers, CSRF_COOKIE).unwrap_or_default(),
    ) {
        let m = lang.error("csrf_failed");
        return Ok(sign_in_page(
            &state,
            ctx,
            StatusCode::FORBIDDEN,
            typed_pin,
            Some(m),
        ));
    }
    // Every attempt counts against the address, before anything is parsed or asked.
    if let Decision::Limited { retry_after: after } =
        state.cabinet.per_ip.check(&ip.map(client_key))
    {
        return Ok(limited(&state, ctx, typed_pin, after, "ip"));
    }
    let pin = match Pin::parse(&typed_pin) {
        Ok(pin) => pin,
        Err(e) => {
            let m = crate::lookup::pin_problem(lang, &e);
            return Ok(sign_in_page(
                &state,
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                typed_pin,
                Some(m),
            ));
        }
    };
    let passport = match PassportNumber::parse(&input.passport) {
        Ok(p) => p,
        Err(e) => {
            let m = passport_problem(lang, &e);
            return Ok(sign_in_page(
                &state,
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                typed_pin,
                Some(m),
            ));
        }
    };
    if let Decision::Limited { retry_after: after } = state.cabinet.per_pin.check(&pin) {
        return Ok(limited(&state, ctx, typed_pin, after, "pin"));
    }
    let now = state.now();
    match app::start_sign_in(
        &*state.store,
        registry.as_ref(),
        sms.as_ref(),
        &pin,
        &passport,
        now,
        fresh(),
    )
    .await
    {
        Ok(sent) => {
            tracing::info!(pin = %pin_tag(&pin), "cabinet code sent");
            let page = CodeTemplate::new(ctx, input.csrf, sent.phone.masked(), None);
            let mut r = render(StatusCode::OK, &page);
            let secs = (sent.expires_at - now).as_secs().max(1);
            add_cookie(
                &mut r,
                CHALLENGE_COOKIE,
                &sent.challenge_token,
                secs,
                state.config.secure_cookies,
            );
            Ok(r)
        }
        Err(e) => {
            match &e {
                CabinetError::Store(s) => crate::kit::fail::log(s),
                CabinetError::Registry(r) => {
                    tracing::warn!(error = %r, code = r.code(), "passport registry failed")
                }
                CabinetError::Sms(s) => {
                    tracing::warn!(error = %s, code = s.code(), "SMS gateway failed")
                }
                other => {
                    tracing::info!(pin = %pin_tag(&pin), code = other.code(), "cabinet sign-in refused")
                }
            }
            let m = sign_in_message(lang, &e);
            Ok(sign_in_page(
                &state,
                ctx,
                sign_in_status(&e),
                typed_pin,
                Some(m),
            ))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct CodeInput {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    /// The masked number, echoed to show it again after a wrong code.
    #[serde(default)]
    phone: String,
}

/// `POST /cabinet/code`: the code → a session → the cabinet.
async fn code(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    form: Result<Form<CodeInput>, FormRejection>,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let Ok(Form(input)) = form else {
        return Err(PageFail::new(lang, StatusCode::BAD_REQUEST, "bad_form"));
    };
    if !same_secret(
        &input.csrf,
        &cookie(&headers, CSRF_COOKIE).unwrap_or_default(),
    ) {
        let m = lang.error("csrf_failed");
        return Ok(sign_in_page(
            &state,
            ctx,
            StatusCode::FORBIDDEN,
            String::new(),
            Some(m),
        ));
    }
    let secure = state.config.secure_cookies;
    let Some(challenge) = cookie(&headers, CHALLENGE_COOKIE) else {
        let m = lang.error("cabinet_code_expired");
        return Ok(sign_in_page(
            &state,
            ctx,
            StatusCode::GONE,
            String::new(),
            Some(m),
        ));
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
            let page = CodeTemplate::new(ctx, input.csrf, phone, Some(sign_in_message(lang, &e)));
            Ok(render(sign_in_status(&e), &page))
        }
        Err(e) => {
            if let CabinetError::Store(s) = &e {
                crate::kit::fail::log(s);
            }
            let m = sign_in_message(lang, &e);
            let mut r = sign_in_page(&state, ctx, sign_in_status(&e), String::new(), Some(m));
            add_cookie(&mut r, CHALLENGE_COOKIE, "", 0, secure);
            Ok(r)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct CsrfInput {
    #[serde(default)]
    csrf: Option<String>,
}

/// `POST /cabinet/sign-out`.
async fn sign_out(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    form: Result<Form<CsrfInput>, FormRejection>,
) -> PageResult {
    let lang = ctx.lang;
    let Ok(Form(input)) = form else {
        return Err(PageFail::new(lang, StatusCode::BAD_REQUEST, "bad_form"));
    };
    let session = require_voter(&state, lang, &headers, input.csrf.as_deref()).await?;
    app::sign_out(&*state.store, &session, state.now())
        .await
        .map_err(|e| PageFail::refused(lang, &e))?;
    let mut r = Redirect::to("/cabinet").into_response();
    add_cookie(&mut r, VOTER_COOKIE, "", 0, state.config.secure_cookies);
    Ok(r)
}

// --- the cabinet ---

struct StationView {
    number: u32,
    address: String,
    commission: String,
}

struct ApplicationView {
    id: i64,
    station: String,
    status: String,
    status_label: String,
    reason: String,
    filed: String,
    live: bool,
}

struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "cabinet.html")]
struct CabinetTemplate {
    ctx: PageCtx,
    csrf: String,
    notice: Option<String>,
    message: Option<String>,
    election: String,
    station: Option<StationView>,
    council: String,
    remote_station: Option<StationView>,
    not_on_list: Option<String>,
    applications: Vec<ApplicationView>,
    can_apply: bool,
    remote_choices: Vec<Choice>,
    remote_intro: String,
    claims: Vec<ClaimView>,
    /// The station a claim goes to: where the voter is listed (empty: they choose).
    claim_station: String,
    can_claim: bool,
    claims_intro: String,
}

struct ClaimView {
    kind: String,
    details: String,
    station: String,
    filed: String,
    status: String,
    status_label: String,
    /// The rejection's reason or the acceptance's note.
    text: String,
}

fn claim_view(lang: Lang, c: &Claim) -> ClaimView {
    let details = match &c.request {
        ClaimRequest::Inclusion => String::new(),
        ClaimRequest::Correction(d) => d
            .values()
            .iter()
            .map(|(f, v)| format!("{}: {v}", lang.t(&format!("claims-field-{}", f.as_str()))))
            .collect::<Vec<_>>()
            .join("; "),
    };
    let state = c.status.state();
    ClaimView {
        kind: lang.t(&format!("claims-kind-{}", c.request.kind().as_str())),
        details,
        station: c.station.to_string(),
        filed: fmt_instant(c.filed_at),
        status: state.as_str().to_owned(),
        status_label: lang.t(&format!("claims-status-{}", state.as_str())),
        text: c
            .status
            .text()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
    }
}

/// The voter's election: the one the look-up finds them in, or the latest.
async fn voter_election(
    state: &AppState,
    lang: Lang,
    pin: &Pin,
) -> Result<(Option<Election>, LookupOutcome), PageFail> {
    let outcome = state
        .lookup
        .find(None, pin)
        .await
        .map_err(|e| PageFail::refused(lang, &e))?;
    let election = match &outcome {
        LookupOutcome::Found { election, .. } | LookupOutcome::NotOnList { election } => {
            Some(Election::clone(election))
        }
        _ => None,
    };
    Ok((election, outcome))
}

/// The last day of CAL-12, `dd.mm.yyyy`.
async fn remote_deadline(state: &AppState, election: &Election) -> String {
    crate::kit::calendar::deadline_date(state, election, "CAL-12")
        .await
        .unwrap_or_default()
}

async fn cabinet_page(
    state: &AppState,
    ctx: PageCtx,
    session: &VoterSession,
    status: StatusCode,
    notice: Option<String>,
    message: Option<String>,
) -> PageResult {
    let lang = ctx.lang;
    let code = lang.code();
    let (election, outcome) = voter_election(state, lang, &session.pin).await?;
    let mut page = CabinetTemplate {
        csrf: session.csrf_token.clone(),
        notice,
        message,
        election: String::new(),
        station: None,
        council: String::new(),
        remote_station: None,
        not_on_list: None,
        applications: Vec::new(),
        can_apply: false,
        remote_choices: Vec::new(),
        remote_intro: String::new(),
        claims: Vec::new(),
        claim_station: String::new(),
        can_claim: false,
        claims_intro: String::new(),
        ctx,
    };
    let station_view = |s: &shailoo_app::lookup::StationInfo| StationView {
        number: s.number.get(),
        address: s.address.get(code).to_owned(),
        commission: s.commission_name.get(code).to_owned(),
    };
    match &outcome {
        LookupOutcome::Found { station, .. } => {
            page.station = Some(station_view(&station.station));
            page.council = station.council.name.get(code).to_owned();
            page.remote_station = station.remote_voting_station.as_deref().map(station_view);
        }
        LookupOutcome::NotOnList { election } => {
            page.not_on_list = Some(not_found_message(state, lang, election).await);
        }
        _ => page.not_on_list = Some(lang.t("cabinet-no-election")),
    }
    if let Some(election) = &election {
        page.election = election.name.get(code).to_owned();
        page.remote_intro = lang.t_args(
            "cabinet-remote-intro",
            &[("date", remote_deadline(state, election).await)],
        );
        let filter = ApplicationFilter {
            pin: Some(session.pin),
            ..ApplicationFilter::default()
        };
        let apps = state
            .store
            .remote_applications(&election.id, &filter)
            .await
            .map_err(|e| PageFail::refused(lang, &e))?;
        page.can_apply = page.station.is_some() && !apps.iter().any(|a| a.status.is_live());
        page.applications = apps
            .iter()
            .map(|a| ApplicationView {
                id: a.id,
                station: a.remote_station.to_string(),
                status: a.status.as_str().to_owned(),
                status_label: lang.t(&format!("remote-status-{}", a.status.as_str())),
                reason: a.reason.clone().unwrap_or_default(),
                filed: fmt_instant(a.filed_at),
                live: a.status.is_live(),
            })
            .collect();
        page.claims = claims::claims_of_voter(&*state.store, &election.id, &session.pin)
            .await
            .map_err(|e| claim_fail(lang, &e))?
            .iter()
            .map(|c| claim_view(lang, c))
            .collect();
        page.claim_station = claims::listed_station(&*state.store, &election.id, &session.pin)
            .await
            .map_err(|e| claim_fail(lang, &e))?
            .map(|s| s.to_string())
            .unwrap_or_default();
        page.can_claim = true;
        page.claims_intro = match crate::lookup::claims_deadline(state, election).await {
            Some(date) => lang.t_args("cabinet-claims-intro", &[("date", date)]),
            None => String::new(),
        };
        if page.can_apply {
            let stations = state
                .store
                .stations(&StationFilter {
                    remote_voting: Some(true),
                    page: shailoo_app::PageRequest {
                        page: 1,
                        per_page: 500,
                    },
                    ..StationFilter::default()
                })
                .await
                .map_err(|e| PageFail::refused(lang, &e))?;
            page.remote_choices = stations
                .items
                .iter()
                .map(|s| Choice {
                    value: s.number.to_string(),
                    label: format!("№ {} — {}", s.number, s.address.get(code)),
                })
                .collect();
        }
    }
    Ok(render(status, &page))
}

/// A refusal of a remote-voting step in the voter's language; the calendar's names CAL-12.
fn remote_refusal(lang: Lang, e: &RemoteVotingError) -> String {
    match e {
        RemoteVotingError::Calendar(c) => closed_message(lang, c),
        other => lang.error(other.code()),
    }
}

fn remote_status(e: &RemoteVotingError) -> StatusCode {
    match e {
        RemoteVotingError::Store(e) => store_status(e),
        RemoteVotingError::Forbidden => StatusCode::FORBIDDEN,
        RemoteVotingError::UnknownApplication(_) | RemoteVotingError::UnknownElection(_) => {
            StatusCode::NOT_FOUND
        }
        RemoteVotingError::AlreadyApplied
        | RemoteVotingError::Full { .. }
        | RemoteVotingError::WrongStatus(_)
        | RemoteVotingError::Frozen { .. }
        | RemoteVotingError::Calendar(_) => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

#[derive(Debug, Default, Deserialize)]
struct ApplyInput {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    station: Option<String>,
}

/// `POST /cabinet/remote-voting`: the voter applies online (VOT-07), until CAL-12.
async fn apply_remote(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    form: Result<Form<ApplyInput>, FormRejection>,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let Ok(Form(input)) = form else {
        return Err(PageFail::new(lang, StatusCode::BAD_REQUEST, "bad_form"));
    };
    let session = require_voter(&state, lang, &headers, input.csrf.as_deref()).await?;
    let (election, _) = voter_election(&state, lang, &session.pin).await?;
    let Some(election) = election else {
        return Err(PageFail::new(lang, StatusCode::NOT_FOUND, "not_found"));
    };
    let Some(station) = input
        .station
        .and_then(|s| s.trim().parse::<u32>().ok())
        .and_then(|n| StationNumber::new(n).ok())
    else {
        let m = lang.error("remote_not_remote_station");
        return cabinet_page(
            &state,
            ctx,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(m),
        )
        .await;
    };
    let actor = Actor::Voter { pin: session.pin };
    match remote::file(
        &*state.store,
        &actor,
        &election.id,
        &session.pin,
        station,
        state.now(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/cabinet?done=remote_filed").into_response()),
        Err(e) => {
            if let RemoteVotingError::Store(s) = &e {
                crate::kit::fail::log(s);
            }
            let m = remote_refusal(lang, &e);
            cabinet_page(&state, ctx, &session, remote_status(&e), None, Some(m)).await
        }
    }
}

/// `POST /cabinet/remote-voting/{id}/cancel`: the voter withdraws their own application.
async fn cancel_remote(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    form: Result<Form<CsrfInput>, FormRejection>,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let Ok(Form(input)) = form else {
        return Err(PageFail::new(lang, StatusCode::BAD_REQUEST, "bad_form"));
    };
    let session = require_voter(&state, lang, &headers, input.csrf.as_deref()).await?;
    let (election, _) = voter_election(&state, lang, &session.pin).await?;
    let Some(election) = election else {
        return Err(PageFail::new(lang, StatusCode::NOT_FOUND, "not_found"));
    };
    let actor = Actor::Voter { pin: session.pin };
    match remote::decide(
        &*state.store,
        &actor,
        &election.id,
        id,
        RemoteDecision::Cancel,
        state.now(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/cabinet?done=remote_cancelled").into_response()),
        // Someone else's application, or none: the same answer, no hint which.
        Err(RemoteVotingError::Forbidden | RemoteVotingError::UnknownApplication(_)) => {
            Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden"))
        }
        Err(e) => {
            if let RemoteVotingError::Store(s) = &e {
                crate::kit::fail::log(s);
            }
            let m = remote_refusal(lang, &e);
            cabinet_page(&state, ctx, &session, remote_status(&e), None, Some(m)).await
        }
    }
}

// --- claims (VOT-08) ---

fn claim_fail(lang: Lang, e: &ClaimError) -> PageFail {
    match e {
        ClaimError::Store(s) => PageFail::refused(lang, s),
        other => PageFail::new(lang, claim_status(other), other.code()),
    }
}

/// A refusal of a claim in the voter's language; the calendar's names CAL-11.
fn claim_refusal(lang: Lang, e: &ClaimError) -> String {
    match e {
        ClaimError::Calendar(c) => closed_message(lang, c),
        other => lang.error(other.code()),
    }
}

fn claim_status(e: &ClaimError) -> StatusCode {
    match e {
        ClaimError::Store(e) => store_status(e),
        ClaimError::Forbidden => StatusCode::FORBIDDEN,
        ClaimError::UnknownClaim(_) | ClaimError::UnknownElection(_) => StatusCode::NOT_FOUND,
        ClaimError::AlreadyOpen
        | ClaimError::AlreadyDecided
        | ClaimError::AlreadyListed(_)
        | ClaimError::Frozen { .. }
        | ClaimError::Calendar(_) => StatusCode::CONFLICT,
        ClaimError::CopyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ClaimError::CopyNotRecognised => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// The claim the voter asks for, or the first thing wrong with the form (translated).
fn parse_claim(
    lang: Lang,
    pin: Pin,
    listed: Option<StationNumber>,
    form: &MultipartForm,
) -> Result<(ClaimDraft, PassportCopy), (StatusCode, String)> {
    let msg = |e: ClaimError| (claim_status(&e), lang.error(e.code()));
    let bytes = match form.file() {
        Some(Ok(b)) => b.to_vec(),
        Some(Err(FileTooLarge)) => return Err(msg(ClaimError::CopyTooLarge)),
        None => return Err(msg(ClaimError::CopyMissing)),
    };
    let copy = PassportCopy::parse(bytes).map_err(msg)?;
    let station = match listed {
        Some(s) => s,
        None => form
            .get("station")
            .trim()
            .parse::<u32>()
            .ok()
            .and_then(|n| StationNumber::new(n).ok())
            .ok_or_else(|| {
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    lang.error("bad_station_number"),
                )
            })?,
    };
    let text = |name: &str| Text::optional(form.get(name)).map_err(msg);
    let request = match ClaimKind::parse(form.get("kind")) {
        Some(ClaimKind::Inclusion) => ClaimRequest::Inclusion,
        Some(ClaimKind::Correction) => {
            let birth_date = match form.get("birth_date").trim() {
                "" => None,
                d => Some(
                    d.parse::<jiff::civil::Date>()
                        .map_err(|_| (StatusCode::UNPROCESSABLE_ENTITY, lang.error("bad_date")))?,
                ),
            };
            ClaimRequest::Correction(
                DataCorrection::new(
                    text("surname")?,
                    text("given_name")?,
                    text("patronymic")?,
                    birth_date,
                    text("street")?,
                    text("house")?,
                )
                .map_err(msg)?,
            )
        }
        None => {
            return Err((StatusCode::UNPROCESSABLE_ENTITY, lang.error("bad_form")));
        }
    };
    Ok((
        ClaimDraft {
            pin,
            station,
            request,
            statement: text("statement")?,
        },
        copy,
    ))
}

/// `POST /cabinet/claims`: the voter files a claim about the list (VOT-08) with a passport
/// copy, until CAL-11; the PEC of the station decides.
async fn file_claim(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let Some(form) = MultipartForm::read(multipart, "passport").await else {
        return Err(PageFail::new(lang, StatusCode::BAD_REQUEST, "bad_form"));
    };
    let csrf = form.field("csrf");
    let session = require_voter(&state, lang, &headers, csrf).await?;
    let (election, _) = voter_election(&state, lang, &session.pin).await?;
    let Some(election) = election else {
        return Err(PageFail::new(lang, StatusCode::NOT_FOUND, "not_found"));
    };
    let listed = claims::listed_station(&*state.store, &election.id, &session.pin)
        .await
        .map_err(|e| claim_fail(lang, &e))?;
    let (draft, copy) = match parse_claim(lang, session.pin, listed, &form) {
        Ok(parsed) => parsed,
        Err((status, m)) => {
            return cabinet_page(&state, ctx, &session, status, None, Some(m)).await;
        }
    };
    let actor = Actor::Voter { pin: session.pin };
    match claims::file(
        &*state.store,
        &actor,
        &election.id,
        draft,
        copy,
        state.now(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/cabinet?done=claim_filed").into_response()),
        Err(e) => {
            if let ClaimError::Store(s) = &e {
                crate::kit::fail::log(s);
            }
            let m = claim_refusal(lang, &e);
            cabinet_page(&state, ctx, &session, claim_status(&e), None, Some(m)).await
        }
    }
}

pub(crate) fn feature() -> crate::features::Feature {
    crate::features::Feature {
        name: "cabinet",
        pages: routes(),
        api: utoipa_axum::router::OpenApiRouter::new(),
    }
}
