//! Server-rendered HTML pages: public browsing of the election data and the staff forms.
//!
//! Pages work without JavaScript. Every string comes from the Fluent catalogues; names come
//! from `LocalizedName::get`. Handlers build small view structs of plain strings so that the
//! templates stay free of logic. Form errors re-render the form with the user's values and the
//! message beside the field.

use crate::AppState;
use crate::auth::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE, Staff};
use crate::error::{log_store_error, store_status};
use crate::i18n::{Lang, cookie, query_lang};
use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::SignedDuration;
use jiff::civil::{Date, Time};
use serde::Deserialize;
use shailoo_app::authz::{self, Power, Target};
use shailoo_app::setup::{
    self, AddStationError, OverrideError, StationDraft, StationField, StationProblem,
};
use shailoo_app::{
    Actor, CalendarOverrideRecord, CommissionFilter, CouncilFilter, PageRequest, Session,
    StationFilter, StoreError, Username,
};
use shailoo_domain::calendar::{Calendar, CalendarError, CalendarOverride, DeadlineState, RULES};
use shailoo_domain::territory::{
    Accessibility, CommissionLevel, CouncilKind, Election, LocalizedName, PollingStation,
};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, StationNumber, TerritoryId};
use std::collections::HashMap;

const STYLE: &str = include_str!("../static/style.css");

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/calendar", get(calendar_redirect))
        .route("/elections/{id}/calendar", get(calendar_page))
        .route(
            "/elections/{id}/calendar/override",
            get(override_form).post(override_submit),
        )
        .route("/councils", get(councils))
        .route("/councils/{id}", get(council))
        .route("/commissions", get(commissions))
        .route("/commissions/{id}", get(commission))
        .route("/stations", get(stations))
        .route("/stations/new", get(station_form).post(station_submit))
        .route("/stations/{number}", get(station))
        .route("/rules", get(crate::rules::page))
        .route("/login", get(login_form).post(login_submit))
        .route("/logout", post(logout))
        .route("/static/style.css", get(style))
        .merge(crate::districts::routes())
        .merge(crate::checkin::routes())
        .merge(crate::remote::routes())
        .merge(crate::cabinet::routes())
        .merge(crate::claims::routes())
        .merge(crate::register::routes())
        .merge(crate::print::routes())
        .layer(axum::middleware::from_fn(remember_language))
        .with_state(state)
}

/// `?lang=xx` on any page also sets the `lang` cookie, so the choice sticks on later pages.
async fn remember_language(req: Request, next: Next) -> Response {
    let chosen = query_lang(req.uri().query());
    let mut response = next.run(req).await;
    if let Some(lang) = chosen {
        let c = format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

// --- the context every page shares ---

/// The signed-in staff member as the header shows them.
#[derive(Debug, Clone)]
pub struct StaffView {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// [`Power::AddStation`] somewhere: the menu entry.
    pub can_add_station: bool,
    /// [`Power::OverrideDeadline`]: the CEC's own forms.
    pub is_cec_admin: bool,
    actor: Actor,
}

impl StaffView {
    /// Whether the member holds `power` over some commission (what a page offers).
    pub fn may(&self, power: Power) -> bool {
        authz::holds(&self.actor, power)
    }
}

/// What every page needs: language, the current URL (for the language switch), the staff
/// member if signed in, and the session's CSRF token for the log-out form.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    path: String,
    query: Vec<(String, String)>,
    pub staff: Option<StaffView>,
    pub csrf: String,
    staff_full: Option<Staff>,
}

impl PageCtx {
    /// A message of the page's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The current page in another language.
    pub fn lang_href(&self, code: &str) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.query.iter().filter(|(k, _)| k != "lang") {
            q.append_pair(k, v);
        }
        q.append_pair("lang", code);
        format!("{}?{}", self.path, q.finish())
    }

    pub fn is_lang(&self, code: &str) -> bool {
        self.lang.code() == code
    }

    /// The path and query, for `next=` after log-in.
    fn here(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.query {
            q.append_pair(k, v);
        }
        let q = q.finish();
        if q.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{q}", self.path)
        }
    }

    fn fail(&self, status: StatusCode, code: &'static str) -> PageFail {
        PageFail::Status {
            lang: self.lang,
            status,
            code,
        }
    }

    fn store_fail(&self, e: StoreError) -> PageFail {
        log_store_error(&e);
        self.fail(store_status(&e), e.code())
    }

    /// The staff member, or a redirect to the log-in page.
    fn require_staff(&self) -> Result<&Staff, PageFail> {
        self.staff_full.as_ref().ok_or_else(|| {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair("next", &self.here());
            PageFail::Redirect(format!("/login?{}", q.finish()))
        })
    }

    /// The staff member after checking the form's CSRF token (403 when missing or wrong).
    fn require_staff_csrf(&self, token: Option<&str>) -> Result<&Staff, PageFail> {
        let staff = self.require_staff()?;
        if auth::same_secret(token.unwrap_or_default(), &staff.session.csrf_token) {
            Ok(staff)
        } else {
            Err(self.fail(StatusCode::FORBIDDEN, "csrf_failed"))
        }
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = Lang::negotiate(parts);
        let query = url::form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        // A failing store must not take the public pages down with it: browse as anonymous.
        let staff = auth::current_staff(state, &parts.headers)
            .await
            .unwrap_or_else(|e| {
                log_store_error(&e);
                None
            });
        let view = staff.as_ref().map(|s| StaffView {
            username: s.user.username.to_string(),
            display_name: s.user.display_name.clone(),
            role: lang.t(&format!("role-{}", s.user.role.as_str())),
            can_add_station: authz::holds(&s.actor(), Power::AddStation),
            is_cec_admin: authz::holds(&s.actor(), Power::OverrideDeadline),
            actor: s.actor(),
        });
        Ok(PageCtx {
            lang,
            path: parts.uri.path().to_owned(),
            query,
            csrf: staff
                .as_ref()
                .map(|s| s.session.csrf_token.clone())
                .unwrap_or_default(),
            staff: view,
            staff_full: staff,
        })
    }
}

/// The client address, when the server was started with connect info (tests using `oneshot`
/// have none; the throttle then counts per username only). Behind a reverse proxy listed in
/// `LookupConfig::trusted_proxies`, the address the proxy forwarded: otherwise every log-in
/// would count against the proxy's own address and one attacker could lock everyone out.
pub struct ClientIp(Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(crate::rate_limit::client_ip(
            parts,
            &state.config.lookup.trusted_proxies,
        )))
    }
}

// --- failures ---

/// Why a page could not be shown.
pub enum PageFail {
    Status {
        lang: Lang,
        status: StatusCode,
        code: &'static str,
    },
    Redirect(String),
}

impl IntoResponse for PageFail {
    fn into_response(self) -> Response {
        match self {
            PageFail::Status { lang, status, code } => error_page(lang, status, code),
            PageFail::Redirect(to) => Redirect::to(&to).into_response(),
        }
    }
}

type PageResult = Result<Response, PageFail>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    ctx: PageCtx,
    status: u16,
    message: String,
}

/// A page that says what went wrong, in the reader's language.
pub fn error_page(lang: Lang, status: StatusCode, code: &str) -> Response {
    let ctx = PageCtx {
        lang,
        path: "/".to_owned(),
        query: Vec::new(),
        staff: None,
        csrf: String::new(),
        staff_full: None,
    };
    let t = ErrorTemplate {
        message: lang.error(code),
        status: status.as_u16(),
        ctx,
    };
    with_status(status, render(&t))
}

fn with_status(status: StatusCode, mut r: Response) -> Response {
    if r.status().is_success() {
        *r.status_mut() = status;
    }
    r
}

fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

// --- small helpers for views ---

fn fmt_date(d: Date) -> String {
    d.strftime("%d.%m.%Y").to_string()
}

fn fmt_time(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

fn name(n: &LocalizedName, lang: Lang) -> String {
    n.get(lang.code()).to_owned()
}

fn non_empty(s: Option<&String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Paging links that keep the other query parameters.
pub struct Pager {
    pub page: u32,
    pub pages: u32,
    pub total: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    fn new(ctx: &PageCtx, page: u32, per_page: u32, total: u64) -> Pager {
        let pages = u32::try_from(total.div_ceil(u64::from(per_page.max(1))))
            .unwrap_or(u32::MAX)
            .max(1);
        let href = |p: u32| {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in ctx.query.iter().filter(|(k, _)| k != "page") {
                q.append_pair(k, v);
            }
            q.append_pair("page", &p.to_string());
            format!("{}?{}", ctx.path, q.finish())
        };
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| href(page - 1)),
            next: (page < pages).then(|| href(page + 1)),
        }
    }
}

fn page_of(q: &HashMap<String, String>) -> PageRequest {
    PageRequest {
        page: q
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1),
        per_page: 25,
    }
}

/// An option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct CouncilRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub seats: u32,
}

pub struct CommissionRow {
    pub id: String,
    pub name: String,
    pub level: String,
}

pub struct StationRow {
    pub number: u32,
    pub address: String,
    pub remote: bool,
}

fn council_row(c: &shailoo_domain::territory::Council, lang: Lang) -> CouncilRow {
    CouncilRow {
        id: c.id.to_string(),
        name: name(&c.name, lang),
        kind: lang.t(&format!("kind-{}", c.kind.as_str())),
        seats: c.seats.get(),
    }
}

fn commission_row(c: &shailoo_domain::territory::Commission, lang: Lang) -> CommissionRow {
    CommissionRow {
        id: c.id.to_string(),
        name: name(&c.name, lang),
        level: lang.t(&format!("level-{}", c.level.as_str())),
    }
}

fn station_row(s: &PollingStation, lang: Lang) -> StationRow {
    StationRow {
        number: s.number.get(),
        address: name(&s.address, lang),
        remote: s.remote_voting,
    }
}

// --- home ---

pub struct ElectionView {
    pub id: String,
    pub name: String,
    pub decree_number: String,
    pub decree_date: String,
    pub decree_date_iso: String,
    pub voting_day: String,
    pub voting_day_iso: String,
}

fn election_view(e: &Election, lang: Lang) -> ElectionView {
    ElectionView {
        id: e.id.to_string(),
        name: name(&e.name, lang),
        decree_number: e.decree_number.clone(),
        decree_date: fmt_date(e.decree_date),
        decree_date_iso: e.decree_date.to_string(),
        voting_day: fmt_date(e.voting_day),
        voting_day_iso: e.voting_day.to_string(),
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate {
    ctx: PageCtx,
    elections: Vec<ElectionView>,
    totals: shailoo_app::Totals,
}

async fn home(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let elections = state
        .store
        .elections()
        .await
        .map_err(|e| ctx.store_fail(e))?;
    let totals = state.store.totals().await.map_err(|e| ctx.store_fail(e))?;
    Ok(render(&HomeTemplate {
        elections: elections
            .iter()
            .map(|e| election_view(e, ctx.lang))
            .collect(),
        totals,
        ctx,
    }))
}

// --- calendar ---

/// Why an election's calendar could not be built.
pub enum CalendarFail {
    Store(StoreError),
    Calendar(CalendarError),
}

/// The calendar of an election with the CEC's stored overrides applied.
pub async fn election_calendar(state: &AppState, e: &Election) -> Result<Calendar, CalendarFail> {
    let overrides = state
        .store
        .calendar_overrides(&e.id)
        .await
        .map_err(CalendarFail::Store)?;
    Calendar::for_election(e, &to_overrides(&overrides)).map_err(CalendarFail::Calendar)
}

fn to_overrides(records: &[CalendarOverrideRecord]) -> Vec<CalendarOverride> {
    records
        .iter()
        .map(|r| CalendarOverride {
            id: r.rule_id.clone(),
            date: r.date,
            time: r.time,
        })
        .collect()
}

async fn calendar_redirect(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let elections = state
        .store
        .elections()
        .await
        .map_err(|e| ctx.store_fail(e))?;
    let first = elections
        .first()
        .ok_or_else(|| ctx.fail(StatusCode::NOT_FOUND, "not_found"))?;
    Ok(Redirect::to(&format!("/elections/{}/calendar", first.id)).into_response())
}

pub struct DeadlineRow {
    pub id: String,
    pub title: String,
    pub date: String,
    pub date_iso: String,
    pub time: String,
    pub state: String,
    pub state_class: &'static str,
    pub overridden: bool,
}

pub struct ActionRow {
    pub name: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarTemplate {
    ctx: PageCtx,
    election: ElectionView,
    rows: Vec<DeadlineRow>,
    open: Vec<ActionRow>,
    now: String,
}

async fn load_election(state: &AppState, ctx: &PageCtx, id: &str) -> Result<Election, PageFail> {
    let id = ElectionId::parse(id).map_err(|_| ctx.fail(StatusCode::NOT_FOUND, "not_found"))?;
    state
        .store
        .election(&id)
        .await
        .map_err(|e| ctx.store_fail(e))?
        .ok_or_else(|| ctx.fail(StatusCode::NOT_FOUND, "not_found"))
}

fn calendar_fail(ctx: &PageCtx, e: CalendarFail) -> PageFail {
    match e {
        CalendarFail::Store(e) => ctx.store_fail(e),
        CalendarFail::Calendar(e) => {
            tracing::error!(error = %e, "stored calendar overrides are invalid");
            ctx.fail(StatusCode::INTERNAL_SERVER_ERROR, e.code())
        }
    }
}

async fn calendar_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let election = load_election(&state, &ctx, &id).await?;
    let calendar = election_calendar(&state, &election)
        .await
        .map_err(|e| calendar_fail(&ctx, e))?;
    let now = state.now();
    let lang = ctx.lang;
    let rows = calendar
        .status_at(now)
        .iter()
        .map(|s| {
            let d = &s.deadline;
            let (state_key, class) = match s.state {
                DeadlineState::Past => ("state-past", "past"),
                DeadlineState::Current => ("state-current", "current"),
                DeadlineState::Upcoming => ("state-upcoming", "upcoming"),
            };
            DeadlineRow {
                id: d.id.to_owned(),
                title: lang.t(d.message_key),
                date: fmt_date(d.date),
                date_iso: d.date.to_string(),
                time: match (d.opens_at, d.time) {
                    (Some(o), Some(c)) => format!("{}–{}", fmt_time(o), fmt_time(c)),
                    (None, Some(c)) => fmt_time(c),
                    _ => lang.t("calendar-end-of-day"),
                },
                state: lang.t(state_key),
                state_class: class,
                overridden: d.overridden,
            }
        })
        .collect();
    let open = calendar
        .open_actions(now)
        .iter()
        .map(|a| ActionRow {
            name: lang.t(a.message_key()),
        })
        .collect();
    let local = shailoo_domain::time::to_bishkek(now);
    Ok(render(&CalendarTemplate {
        election: election_view(&election, lang),
        rows,
        open,
        now: format!("{} {}", fmt_date(local.date()), fmt_time(local.time())),
        ctx,
    }))
}

// --- calendar override (CEC admin) ---

#[derive(Debug, Default, Deserialize)]
struct OverrideInput {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
}

#[derive(Default)]
pub struct OverrideErrors {
    pub rule: Option<String>,
    pub date: Option<String>,
    pub time: Option<String>,
}

#[derive(Template)]
#[template(path = "override_form.html")]
struct OverrideTemplate {
    ctx: PageCtx,
    election: ElectionView,
    rules: Vec<Choice>,
    date: String,
    time: String,
    errors: OverrideErrors,
}

fn rule_choices(lang: Lang, selected: &str) -> Vec<Choice> {
    RULES
        .iter()
        .filter(|r| r.anchor != shailoo_domain::calendar::Anchor::Undated)
        .map(|r| Choice {
            value: r.id.to_owned(),
            label: format!("{} — {}", r.id, lang.t(r.message_key)),
            selected: r.id == selected,
        })
        .collect()
}

fn require_cec_admin<'a>(ctx: &'a PageCtx, staff: &'a Staff) -> Result<Actor, PageFail> {
    let actor = staff.actor();
    match authz::authorize(&actor, Power::OverrideDeadline, Target::Nationwide) {
        Ok(()) => Ok(actor),
        Err(_) => Err(ctx.fail(StatusCode::FORBIDDEN, "forbidden")),
    }
}

async fn override_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let staff = ctx.require_staff()?;
    require_cec_admin(&ctx, staff)?;
    let election = load_election(&state, &ctx, &id).await?;
    Ok(render(&OverrideTemplate {
        election: election_view(&election, ctx.lang),
        rules: rule_choices(ctx.lang, ""),
        date: String::new(),
        time: String::new(),
        errors: OverrideErrors::default(),
        ctx,
    }))
}

async fn override_submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    form: Result<Form<OverrideInput>, FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| ctx.fail(StatusCode::BAD_REQUEST, "bad_form"))?;
    let staff = ctx.require_staff_csrf(input.csrf.as_deref())?;
    let actor = require_cec_admin(&ctx, staff)?;
    let election = load_election(&state, &ctx, &id).await?;

    let lang = ctx.lang;
    let mut errors = OverrideErrors::default();
    let rule = shailoo_domain::calendar::rule(input.rule.trim())
        .filter(|r| r.anchor != shailoo_domain::calendar::Anchor::Undated);
    if rule.is_none() {
        errors.rule = Some(lang.error("unknown_rule"));
    }
    let date = input.date.trim().parse::<Date>().ok();
    if date.is_none() {
        errors.date = Some(lang.error("bad_date"));
    }
    let time = match input.time.trim() {
        "" => Some(None),
        t => t.parse::<Time>().ok().map(Some),
    };
    if time.is_none() {
        errors.time = Some(lang.error("bad_time"));
    }
    let mut status = StatusCode::BAD_REQUEST;
    if let (Some(rule), Some(date), Some(time)) = (rule, date, time) {
        let record = CalendarOverrideRecord {
            rule_id: rule.id.to_owned(),
            date,
            time,
        };
        match setup::override_deadline(&*state.store, &actor, &election.id, &record, state.now())
            .await
        {
            Ok(()) => {
                return Ok(
                    Redirect::to(&format!("/elections/{}/calendar", election.id)).into_response(),
                );
            }
            Err(OverrideError::Forbidden) => {
                return Err(ctx.fail(StatusCode::FORBIDDEN, "forbidden"));
            }
            Err(e) => {
                status = match &e {
                    OverrideError::Store(e) => {
                        log_store_error(e);
                        store_status(e)
                    }
                    OverrideError::UnknownElection(_) => StatusCode::NOT_FOUND,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                errors.date = Some(lang.error(e.code()));
            }
        }
    }
    let page = OverrideTemplate {
        election: election_view(&election, lang),
        rules: rule_choices(lang, input.rule.trim()),
        date: input.date,
        time: input.time,
        errors,
        ctx,
    };
    Ok(with_status(status, render(&page)))
}

// --- councils ---

#[derive(Template)]
#[template(path = "councils.html")]
struct CouncilsTemplate {
    ctx: PageCtx,
    q: String,
    kinds: Vec<Choice>,
    regions: Vec<Choice>,
    rows: Vec<CouncilRow>,
    pager: Pager,
}

async fn councils(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let query = non_empty(q.get("q"));
    let kind = q.get("kind").and_then(|k| CouncilKind::parse(k));
    let region = q.get("region").and_then(|r| TerritoryId::parse(r).ok());
    let page = page_of(&q);
    let filter = CouncilFilter {
        kind,
        within: region.clone(),
        query: query.clone(),
        page,
    };
    let result = state
        .store
        .councils(&filter)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    let tops = state
        .store
        .territory_children(None)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    let kinds = [CouncilKind::City, CouncilKind::Aiyl]
        .iter()
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: lang.t(&format!("kind-{}", k.as_str())),
            selected: kind == Some(*k),
        })
        .collect();
    let regions = tops
        .iter()
        .map(|t| Choice {
            value: t.id.to_string(),
            label: name(&t.name, lang),
            selected: region.as_ref() == Some(&t.id),
        })
        .collect();
    Ok(render(&CouncilsTemplate {
        q: query.unwrap_or_default(),
        kinds,
        regions,
        rows: result.items.iter().map(|c| council_row(c, lang)).collect(),
        pager: Pager::new(&ctx, result.page, result.per_page, result.total),
        ctx,
    }))
}

#[derive(Template)]
#[template(path = "council.html")]
struct CouncilTemplate {
    ctx: PageCtx,
    council: CouncilRow,
    /// Aiyl councils are elected in districts (TER-04): link their scheme pages.
    aiyl: bool,
    territory: String,
    stations: Vec<StationRow>,
    pager: Pager,
}

async fn council(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let id = CouncilId::parse(&id).map_err(|_| ctx.fail(StatusCode::NOT_FOUND, "not_found"))?;
    let c = state
        .store
        .council(&id)
        .await
        .map_err(|e| ctx.store_fail(e))?
        .ok_or_else(|| ctx.fail(StatusCode::NOT_FOUND, "not_found"))?;
    let territory = state
        .store
        .territory(&c.territory)
        .await
        .map_err(|e| ctx.store_fail(e))?
        .map_or_else(|| c.territory.to_string(), |t| name(&t.name, lang));
    let stations = state
        .store
        .stations(&StationFilter {
            council: Some(id),
            page: page_of(&q),
            ..StationFilter::default()
        })
        .await
        .map_err(|e| ctx.store_fail(e))?;
    Ok(render(&CouncilTemplate {
        council: council_row(&c, lang),
        aiyl: c.kind == CouncilKind::Aiyl,
        territory,
        stations: stations
            .items
            .iter()
            .map(|s| station_row(s, lang))
            .collect(),
        pager: Pager::new(&ctx, stations.page, stations.per_page, stations.total),
        ctx,
    }))
}

// --- commissions ---

#[derive(Template)]
#[template(path = "commissions.html")]
struct CommissionsTemplate {
    ctx: PageCtx,
    q: String,
    levels: Vec<Choice>,
    /// Search results, or the CEC and its TECs when not searching.
    top: Vec<CommissionRow>,
    rows: Vec<CommissionRow>,
    searching: bool,
    pager: Pager,
}

async fn commissions(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let query = non_empty(q.get("q"));
    let level = q.get("level").and_then(|l| CommissionLevel::parse(l));
    let page = page_of(&q);
    let searching = query.is_some() || level.is_some();
    let levels = [
        CommissionLevel::Cec,
        CommissionLevel::Tec,
        CommissionLevel::Pec,
    ]
    .iter()
    .map(|l| Choice {
        value: l.as_str().to_owned(),
        label: lang.t(&format!("level-{}", l.as_str())),
        selected: level == Some(*l),
    })
    .collect();
    let (top, result) = if searching {
        let r = state
            .store
            .commissions(&CommissionFilter {
                level,
                parent: None,
                query: query.clone(),
                page,
            })
            .await
            .map_err(|e| ctx.store_fail(e))?;
        (Vec::new(), r)
    } else {
        // Browsing: the CEC at the top, its TECs below; each TEC's page lists its PECs.
        let cec = state
            .store
            .commissions(&CommissionFilter {
                level: Some(CommissionLevel::Cec),
                ..CommissionFilter::default()
            })
            .await
            .map_err(|e| ctx.store_fail(e))?;
        let r = state
            .store
            .commissions(&CommissionFilter {
                level: Some(CommissionLevel::Tec),
                parent: cec.items.first().map(|c| c.id.clone()),
                query: None,
                page,
            })
            .await
            .map_err(|e| ctx.store_fail(e))?;
        (
            cec.items.iter().map(|c| commission_row(c, lang)).collect(),
            r,
        )
    };
    Ok(render(&CommissionsTemplate {
        q: query.unwrap_or_default(),
        levels,
        top,
        rows: result
            .items
            .iter()
            .map(|c| commission_row(c, lang))
            .collect(),
        searching,
        pager: Pager::new(&ctx, result.page, result.per_page, result.total),
        ctx,
    }))
}

#[derive(Template)]
#[template(path = "commission.html")]
struct CommissionTemplate {
    ctx: PageCtx,
    commission: CommissionRow,
    territory: String,
    parent: Option<CommissionRow>,
    children: Vec<CommissionRow>,
    stations: Vec<StationRow>,
    pager: Pager,
}

async fn commission(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let id = CommissionId::parse(&id).map_err(|_| ctx.fail(StatusCode::NOT_FOUND, "not_found"))?;
    let c = state
        .store
        .commission(&id)
        .await
        .map_err(|e| ctx.store_fail(e))?
        .ok_or_else(|| ctx.fail(StatusCode::NOT_FOUND, "not_found"))?;
    let parent = match &c.parent {
        Some(p) => state
            .store
            .commission(p)
            .await
            .map_err(|e| ctx.store_fail(e))?
            .map(|p| commission_row(&p, lang)),
        None => None,
    };
    let territory = state
        .store
        .territory(&c.territory)
        .await
        .map_err(|e| ctx.store_fail(e))?
        .map_or_else(|| c.territory.to_string(), |t| name(&t.name, lang));
    let page = page_of(&q);
    let (children, stations, pager) = if c.level == CommissionLevel::Pec {
        let s = state
            .store
            .stations(&StationFilter {
                commission: Some(id),
                page,
                ..StationFilter::default()
            })
            .await
            .map_err(|e| ctx.store_fail(e))?;
        let pager = Pager::new(&ctx, s.page, s.per_page, s.total);
        (
            Vec::new(),
            s.items.iter().map(|s| station_row(s, lang)).collect(),
            pager,
        )
    } else {
        let ch = state
            .store
            .commissions(&CommissionFilter {
                parent: Some(id),
                page,
                ..CommissionFilter::default()
            })
            .await
            .map_err(|e| ctx.store_fail(e))?;
        let pager = Pager::new(&ctx, ch.page, ch.per_page, ch.total);
        (
            ch.items.iter().map(|c| commission_row(c, lang)).collect(),
            Vec::new(),
            pager,
        )
    };
    Ok(render(&CommissionTemplate {
        commission: commission_row(&c, lang),
        territory,
        parent,
        children,
        stations,
        pager,
        ctx,
    }))
}

// --- stations ---

#[derive(Template)]
#[template(path = "stations.html")]
struct StationsTemplate {
    ctx: PageCtx,
    q: String,
    remote: Vec<Choice>,
    stations: Vec<StationRow>,
    pager: Pager,
}

async fn stations(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let query = non_empty(q.get("q"));
    let remote = match q.get("remote").map(String::as_str) {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    let result = state
        .store
        .stations(&StationFilter {
            remote_voting: remote,
            query: query.clone(),
            page: page_of(&q),
            ..StationFilter::default()
        })
        .await
        .map_err(|e| ctx.store_fail(e))?;
    let choices = [
        ("yes", "stations-remote-only", Some(true)),
        ("no", "stations-regular-only", Some(false)),
    ]
    .iter()
    .map(|(v, key, r)| Choice {
        value: (*v).to_owned(),
        label: lang.t(key),
        selected: remote == *r,
    })
    .collect();
    Ok(render(&StationsTemplate {
        q: query.unwrap_or_default(),
        remote: choices,
        stations: result.items.iter().map(|s| station_row(s, lang)).collect(),
        pager: Pager::new(&ctx, result.page, result.per_page, result.total),
        ctx,
    }))
}

pub struct StationView {
    pub number: u32,
    pub address: String,
    pub remote: bool,
    pub commission_id: String,
    pub commission: String,
    pub council_id: String,
    pub council: String,
    pub territory: String,
    /// Localized labels of the accessibility features present.
    pub access: Vec<String>,
}

#[derive(Template)]
#[template(path = "station.html")]
struct StationTemplate {
    ctx: PageCtx,
    station: StationView,
    added: bool,
    /// Links to the printable voter lists, for staff whose commission covers the station.
    print_links: bool,
}

fn access_labels(a: &Accessibility, lang: Lang) -> Vec<String> {
    [
        (a.ramp, "access-ramp"),
        (a.ground_floor, "access-ground_floor"),
        (a.wide_doors, "access-wide_doors"),
        (a.parking, "access-parking"),
        (a.tactile_signs, "access-tactile_signs"),
    ]
    .iter()
    .filter(|(present, _)| *present)
    .map(|(_, key)| lang.t(key))
    .collect()
}

async fn station(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(number): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let number = StationNumber::parse(&number)
        .map_err(|_| ctx.fail(StatusCode::BAD_REQUEST, "bad_station_number"))?;
    let s = state
        .store
        .station(number)
        .await
        .map_err(|e| ctx.store_fail(e))?
        .ok_or_else(|| ctx.fail(StatusCode::NOT_FOUND, "not_found"))?;
    let commission = state
        .store
        .commission(&s.commission)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    let council = state
        .store
        .council(&s.council)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    let territory = state
        .store
        .territory(&s.territory)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    let view = StationView {
        number: s.number.get(),
        address: name(&s.address, lang),
        remote: s.remote_voting,
        commission_id: s.commission.to_string(),
        commission: commission.map_or_else(|| s.commission.to_string(), |c| name(&c.name, lang)),
        council_id: s.council.to_string(),
        council: council.map_or_else(|| s.council.to_string(), |c| name(&c.name, lang)),
        territory: territory.map_or_else(|| s.territory.to_string(), |t| name(&t.name, lang)),
        access: access_labels(&s.accessibility, lang),
    };
    let print_links = match &ctx.staff_full {
        Some(staff) => crate::print::may_print(state.store.as_ref(), &staff.actor(), &s)
            .await
            .map_err(|e| ctx.store_fail(e))?,
        None => false,
    };
    Ok(render(&StationTemplate {
        station: view,
        added: q.contains_key("added"),
        print_links,
        ctx,
    }))
}

// --- add a station (CEC admin; TEC member for the PECs under its TEC) ---

#[derive(Debug, Default, Deserialize)]
struct StationInput {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    number: String,
    #[serde(default)]
    commission: String,
    #[serde(default)]
    council: String,
    #[serde(default)]
    territory: String,
    #[serde(default)]
    address_ky: String,
    #[serde(default)]
    address_ru: String,
    #[serde(default)]
    address_en: String,
    #[serde(default)]
    remote: Option<String>,
    #[serde(default)]
    ramp: Option<String>,
    #[serde(default)]
    ground_floor: Option<String>,
    #[serde(default)]
    wide_doors: Option<String>,
    #[serde(default)]
    parking: Option<String>,
    #[serde(default)]
    tactile_signs: Option<String>,
}

#[derive(Default)]
pub struct StationErrors {
    pub number: Option<String>,
    pub commission: Option<String>,
    pub council: Option<String>,
    pub territory: Option<String>,
    pub address: Option<String>,
}

impl StationErrors {
    fn any(&self) -> bool {
        self.number.is_some()
            || self.commission.is_some()
            || self.council.is_some()
            || self.territory.is_some()
            || self.address.is_some()
    }
}

#[derive(Template)]
#[template(path = "station_form.html")]
struct StationFormTemplate {
    ctx: PageCtx,
    input: StationFormValues,
    errors: StationErrors,
}

/// The values of the form as typed, to show them again.
#[derive(Default)]
pub struct StationFormValues {
    pub number: String,
    pub commission: String,
    pub council: String,
    pub territory: String,
    pub address_ky: String,
    pub address_ru: String,
    pub address_en: String,
    pub remote: bool,
    pub ramp: bool,
    pub ground_floor: bool,
    pub wide_doors: bool,
    pub parking: bool,
    pub tactile_signs: bool,
}

impl From<&StationInput> for StationFormValues {
    fn from(i: &StationInput) -> Self {
        StationFormValues {
            number: i.number.clone(),
            commission: i.commission.clone(),
            council: i.council.clone(),
            territory: i.territory.clone(),
            address_ky: i.address_ky.clone(),
            address_ru: i.address_ru.clone(),
            address_en: i.address_en.clone(),
            remote: i.remote.is_some(),
            ramp: i.ramp.is_some(),
            ground_floor: i.ground_floor.is_some(),
            wide_doors: i.wide_doors.is_some(),
            parking: i.parking.is_some(),
            tactile_signs: i.tactile_signs.is_some(),
        }
    }
}

fn require_station_role(ctx: &PageCtx, staff: &Staff) -> Result<(), PageFail> {
    if authz::holds(&staff.actor(), Power::AddStation) {
        Ok(())
    } else {
        Err(ctx.fail(StatusCode::FORBIDDEN, "forbidden"))
    }
}

async fn station_form(ctx: PageCtx) -> PageResult {
    let staff = ctx.require_staff()?;
    require_station_role(&ctx, staff)?;
    Ok(render(&StationFormTemplate {
        input: StationFormValues::default(),
        errors: StationErrors::default(),
        ctx,
    }))
}

impl StationErrors {
    /// Shows a use case's problem beside its field.
    fn set(&mut self, problem: StationProblem, lang: Lang) {
        let message = Some(lang.error(problem.code()));
        match problem.field() {
            StationField::Number => self.number = message,
            StationField::Commission => self.commission = message,
            StationField::Council => self.council = message,
            StationField::Territory => self.territory = message,
        }
    }
}

/// The status of the worst problem: scope 403, a taken number 409, references 422.
fn problem_status(problems: &[StationProblem]) -> Option<StatusCode> {
    let rank = |p: &StationProblem| match p {
        StationProblem::Forbidden => (3, StatusCode::FORBIDDEN),
        StationProblem::NumberTaken => (2, StatusCode::CONFLICT),
        _ => (1, StatusCode::UNPROCESSABLE_ENTITY),
    };
    problems
        .iter()
        .map(rank)
        .max_by_key(|(r, _)| *r)
        .map(|(_, s)| s)
}

async fn station_submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    form: Result<Form<StationInput>, FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| ctx.fail(StatusCode::BAD_REQUEST, "bad_form"))?;
    let staff = ctx.require_staff_csrf(input.csrf.as_deref())?;
    require_station_role(&ctx, staff)?;
    let actor = staff.actor();
    let lang = ctx.lang;
    let mut errors = StationErrors::default();

    let number = StationNumber::parse(&input.number).ok();
    if number.is_none() {
        errors.number = Some(lang.error("bad_station_number"));
    }
    let commission = CommissionId::parse(input.commission.trim()).ok();
    if commission.is_none() {
        errors.commission = Some(lang.error("bad_id"));
    }
    let council = CouncilId::parse(input.council.trim()).ok();
    if council.is_none() {
        errors.council = Some(lang.error("bad_id"));
    }
    let territory = match input.territory.trim() {
        "" => Ok(None),
        t => TerritoryId::parse(t).map(Some),
    };
    if territory.is_err() {
        errors.territory = Some(lang.error("bad_id"));
    }
    let address = LocalizedName {
        ky: input.address_ky.trim().to_owned(),
        ru: input.address_ru.trim().to_owned(),
        en: input.address_en.trim().to_owned(),
    };
    if address.ky.is_empty() || address.ru.is_empty() || address.en.is_empty() {
        errors.address = Some(lang.error("required"));
    }

    let problems = match (number, commission, council, territory) {
        (Some(number), Some(commission), Some(council), Ok(territory)) if !errors.any() => {
            let draft = StationDraft {
                number,
                commission,
                council,
                territory,
                address,
                accessibility: Accessibility {
                    ramp: input.ramp.is_some(),
                    ground_floor: input.ground_floor.is_some(),
                    wide_doors: input.wide_doors.is_some(),
                    parking: input.parking.is_some(),
                    tactile_signs: input.tactile_signs.is_some(),
                },
                remote_voting: input.remote.is_some(),
            };
            match setup::add_station(&*state.store, &actor, draft, state.now()).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("/stations/{number}?added=1")).into_response());
                }
                Err(AddStationError::Refused(problems)) => problems,
                Err(AddStationError::Forbidden) => {
                    return Err(ctx.fail(StatusCode::FORBIDDEN, "forbidden"));
                }
                Err(AddStationError::Store(e)) => return Err(ctx.store_fail(e)),
            }
        }
        // Malformed fields: still say what is wrong with the references that did parse.
        (_, commission, council, _) => {
            setup::station_problems(&*state.store, &actor, commission.as_ref(), council.as_ref())
                .await
                .map_err(|e| ctx.store_fail(e))?
        }
    };
    for p in &problems {
        errors.set(*p, lang);
    }
    let status = problem_status(&problems).unwrap_or(StatusCode::BAD_REQUEST);
    let page = StationFormTemplate {
        input: StationFormValues::from(&input),
        errors,
        ctx,
    };
    Ok(with_status(status, render(&page)))
}

// --- log in / log out ---

#[derive(Template)]
#[template(path = "login.html")]
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

fn login_page(
    state: &AppState,
    ctx: PageCtx,
    status: StatusCode,
    username: String,
    next: String,
    error: Option<String>,
) -> Response {
    let token = auth::random_token();
    let cookie = auth::set_cookie(
        LOGIN_CSRF_COOKIE,
        &token,
        3600,
        true,
        state.config.secure_cookies,
    );
    let page = LoginTemplate {
        ctx,
        username,
        next,
        login_csrf: token,
        error,
    };
    let mut r = with_status(status, render(&page));
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

async fn login_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let next = safe_next(q.get("next"));
    login_page(&state, ctx, StatusCode::OK, String::new(), next, None)
}

#[derive(Debug, Default, Deserialize)]
struct LoginInput {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    form: Result<Form<LoginInput>, FormRejection>,
) -> Response {
    let lang = ctx.lang;
    let Ok(Form(input)) = form else {
        return error_page(lang, StatusCode::BAD_REQUEST, "bad_form");
    };
    let next = safe_next(input.next.as_ref());
    let username_typed = input.username.trim().to_owned();
    let reply = |ctx, status, code: &str| {
        login_page(
            &state,
            ctx,
            status,
            username_typed.clone(),
            next.clone(),
            Some(lang.error(code)),
        )
    };

    // Double-submit check: the hidden field must equal the cookie set with the form.
    let cookie_token = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if !auth::same_secret(&input.csrf, &cookie_token) {
        return reply(ctx, StatusCode::FORBIDDEN, "csrf_failed");
    }

    let now = state.now();
    let user_key = format!("user:{}", username_typed.to_lowercase());
    let mut keys = vec![user_key.clone()];
    if let Some(ip) = ip {
        keys.push(format!("ip:{ip}"));
    }
    if state.throttle.is_blocked(&keys, now) {
        return reply(ctx, StatusCode::TOO_MANY_REQUESTS, "throttled");
    }

    let user = match Username::parse(&username_typed) {
        Ok(name) => match state.store.user(&name).await {
            Ok(u) => u,
            Err(e) => {
                log_store_error(&e);
                return reply(ctx, store_status(&e), e.code());
            }
        },
        Err(_) => None,
    };
    let Some(user) = auth::check_login(user, input.password).await else {
        state.throttle.record_failure(&keys, now);
        tracing::info!(username = %username_typed, ?ip, "failed log-in");
        return reply(ctx, StatusCode::UNAUTHORIZED, "wrong_credentials");
    };

    let token = auth::random_token();
    let session = Session {
        token_hash: auth::token_hash(&token),
        username: user.username.clone(),
        csrf_token: auth::random_token(),
        expires_at: now + SignedDuration::from_hours(state.config.session_hours),
    };
    if let Err(e) = state.store.create_session(&session).await {
        log_store_error(&e);
        return reply(ctx, store_status(&e), e.code());
    }
    state.throttle.clear(&user_key);
    tracing::info!(username = %user.username, "logged in");
    let secure = state.config.secure_cookies;
    let mut r = Redirect::to(&next).into_response();
    for c in [
        auth::set_cookie(
            SESSION_COOKIE,
            &token,
            state.config.session_hours * 3600,
            true,
            secure,
        ),
        auth::set_cookie(LOGIN_CSRF_COOKIE, "", 0, true, secure),
    ] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    r
}

#[derive(Debug, Default, Deserialize)]
struct LogoutInput {
    #[serde(default)]
    csrf: Option<String>,
}

async fn logout(
    State(state): State<AppState>,
    ctx: PageCtx,
    form: Result<Form<LogoutInput>, FormRejection>,
) -> PageResult {
    let Form(input) = form.map_err(|_| ctx.fail(StatusCode::BAD_REQUEST, "bad_form"))?;
    let staff = ctx.require_staff_csrf(input.csrf.as_deref())?;
    state
        .store
        .delete_session(&staff.session.token_hash)
        .await
        .map_err(|e| ctx.store_fail(e))?;
    let mut r = Redirect::to("/").into_response();
    let c = auth::set_cookie(SESSION_COOKIE, "", 0, true, state.config.secure_cookies);
    if let Ok(v) = HeaderValue::from_str(&c) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}
