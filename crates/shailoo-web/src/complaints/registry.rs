//! The public registry of complaints (CMP-05): every complaint of an election with its
//! filters and a search, the statistics by level, subject, status and outcome, each case's
//! history with the decisions' documents. Only what `PublicComplaint` holds is shown: the
//! kind of complainant, never their name, contact, PIN or account.

use crate::AppState;
use crate::complaints::views::{CaseView, Row, StepView, choices, history};
use crate::kit::client::ClientIp;
use crate::kit::forms::{election_of, non_empty, station_number};
use crate::kit::input::Query;
use crate::kit::page::Choice;
use crate::kit::rate_limit::{client_key, set_retry_after};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shailoo_app::complaints::{
    self as app, ComplaintError, ComplaintFilter, ComplaintId, ComplaintStatus, Document,
    PublicComplaint, Statistics,
};
use shailoo_domain::complaint::{Level, Subject};
use shailoo_domain::{CommissionId, ElectionId, ErrorCode};
use std::collections::HashMap;

/// The filters of a listing as the query gives them; a value that does not parse filters
/// nothing (a page is forgiving; the API refuses it).
pub(crate) fn filter_of(q: &HashMap<String, String>) -> ComplaintFilter {
    let get = |k: &str| non_empty(q.get(k).map(String::as_str));
    ComplaintFilter {
        commission: get("commission").and_then(|c| CommissionId::parse(&c).ok()),
        level: get("level").and_then(|l| Level::from_code(&l)),
        subject: get("subject").and_then(|s| Subject::from_code(&s)),
        status: get("status").and_then(|s| ComplaintStatus::from_code(&s)),
        station: station_number(q.get("station").map(String::as_str)),
        within: None,
    }
}

/// Whether a complaint matches the search: its number, or words of its summary (any case).
pub(crate) fn matches(c: &PublicComplaint, search: Option<&str>) -> bool {
    let Some(s) = search else { return true };
    if c.id.to_string() == s.trim_start_matches('#') {
        return true;
    }
    c.summary
        .as_str()
        .to_lowercase()
        .contains(&s.to_lowercase())
}

/// A count of the statistics, labelled.
pub(crate) struct Count {
    pub label: String,
    pub count: u64,
}

fn counts(
    lang: Lang,
    prefix: &str,
    m: &std::collections::BTreeMap<&'static str, u64>,
) -> Vec<Count> {
    m.iter()
        .map(|(k, v)| Count {
            label: lang.t(&format!("{prefix}{k}")),
            count: *v,
        })
        .collect()
}

/// The statistics as the page shows them.
pub(crate) struct StatsView {
    pub total: u64,
    pub overdue: u64,
    pub by_level: Vec<Count>,
    pub by_subject: Vec<Count>,
    pub by_status: Vec<Count>,
    pub by_outcome: Vec<Count>,
    pub by_commission: Vec<Count>,
}

fn stats_view(lang: Lang, s: &Statistics, found: &[PublicComplaint]) -> StatsView {
    let mut by_commission: std::collections::BTreeMap<String, u64> = Default::default();
    for c in found {
        if let Some(step) = c.steps.last() {
            *by_commission
                .entry(crate::complaints::views::forum_label(
                    lang,
                    step.level,
                    &step.forum,
                ))
                .or_default() += 1;
        }
    }
    StatsView {
        total: s.total,
        overdue: s.overdue,
        by_level: counts(lang, "complaints-level-", &s.by_level),
        by_subject: counts(lang, "complaints-subject-", &s.by_subject),
        by_status: counts(lang, "complaints-status-", &s.by_status),
        by_outcome: counts(lang, "complaints-outcome-", &s.by_outcome),
        by_commission: by_commission
            .into_iter()
            .map(|(label, count)| Count { label, count })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "complaints/templates/registry.html")]
struct RegistryTemplate {
    ctx: PageCtx,
    election: String,
    case_base: &'static str,
    rows: Vec<Row>,
    stats: StatsView,
    levels: Vec<Choice>,
    statuses: Vec<Choice>,
    subjects: Vec<Choice>,
    search: String,
    commission: String,
    station: String,
}

/// `GET /registry/complaints?election=&level=&status=&subject=&commission=&station=&q=`.
/// Counts a search by the client at `ip`: past [`super::SEARCH_LIMIT`], the 429 page with
/// `Retry-After`.
fn search_limited(state: &AppState, lang: Lang, ip: Option<std::net::IpAddr>) -> Option<Response> {
    let wait = state
        .complaints
        .search
        .check(&ip.map(client_key))
        .retry_after()?;
    metrics::counter!("shailoo_complaints_rate_limited_total", "by" => "search").increment(1);
    let mut r = PageFail::new(
        lang,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::ComplaintSearchRateLimited,
    )
    .into_response();
    set_retry_after(&mut r, wait);
    Some(r)
}

/// A search (`q=`) counts against [`super::SEARCH_LIMIT`] per client address; past it, 429
/// with `Retry-After` and the reason in the reader's language, before anything is read.
pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let search = non_empty(q.get("q").map(String::as_str));
    if search.is_some()
        && let Some(limited) = search_limited(&state, lang, ip)
    {
        return Ok(limited);
    }
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let filter = filter_of(&q);
    let all = app::public_complaints(&*state.store, &election.id, &filter)
        .await
        .or_page(lang)?;
    let found: Vec<PublicComplaint> = all
        .into_iter()
        .filter(|c| matches(c, search.as_deref()))
        .collect();
    let now = state.now();
    let full = app::public_statistics(&found, now);
    let codes = |all: &[&'static str]| all.to_vec();
    let t = RegistryTemplate {
        election: election.id.to_string(),
        case_base: "/registry/complaints",
        rows: found.iter().map(|c| Row::new(lang, c, now)).collect(),
        stats: stats_view(lang, &full, &found),
        levels: choices(
            lang,
            "complaints-level-",
            &codes(&Level::ALL.map(Level::code)),
            filter.level.map(Level::code),
        ),
        statuses: choices(
            lang,
            "complaints-status-",
            &codes(&ComplaintStatus::ALL.map(ComplaintStatus::code)),
            filter.status.map(ComplaintStatus::code),
        ),
        subjects: choices(
            lang,
            "complaints-subject-",
            &codes(&Subject::ALL.map(Subject::code)),
            filter.subject.map(Subject::code),
        ),
        search: search.unwrap_or_default(),
        commission: filter.commission.map(|c| c.to_string()).unwrap_or_default(),
        station: filter.station.map(|s| s.to_string()).unwrap_or_default(),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

#[derive(Template)]
#[template(path = "complaints/templates/public_case.html")]
struct CaseTemplate {
    ctx: PageCtx,
    case: CaseView,
    steps: Vec<StepView>,
}

fn ids(lang: Lang, election: &str, id: &str) -> Result<(ElectionId, ComplaintId), PageFail> {
    let election = ElectionId::parse(election).map_err(|_| PageFail::not_found(lang))?;
    let id = ComplaintId::parse(id).map_err(|_| PageFail::not_found(lang))?;
    Ok((election, id))
}

pub(super) fn missing(lang: Lang, e: ComplaintError) -> PageFail {
    match e {
        ComplaintError::UnknownComplaint(_)
        | ComplaintError::UnknownElection(_)
        | ComplaintError::DocumentMissing => PageFail::not_found(lang),
        e => PageFail::refused(lang, &e),
    }
}

/// `GET /registry/complaints/{election}/{id}`: one case with its history.
pub(super) async fn case(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
) -> PageResult {
    let lang = ctx.lang;
    let (election, id) = ids(lang, &election, &id)?;
    let c = app::public_complaint(&*state.store, &election, id)
        .await
        .map_err(|e| missing(lang, e))?;
    let base = format!("/registry/complaints/{election}/{id}");
    let t = CaseTemplate {
        case: CaseView::new(lang, &c),
        steps: history(lang, &c, &base, state.now()),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

/// `GET /registry/complaints/{election}/{id}/documents/{digest}`: a decision's document, public
/// as the decision is.
pub(super) async fn document(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id, digest)): Path<(String, String, String)>,
) -> PageResult {
    let lang = ctx.lang;
    let (election, id) = ids(lang, &election, &id)?;
    let doc = app::document(&*state.store, &election, id, &digest)
        .await
        .map_err(|e| missing(lang, e))?;
    Ok(attachment(id, &doc))
}

/// A filer's document as a download: as [`attachment`], and never kept by a cache (it may
/// hold personal data).
pub(super) fn private_download(id: ComplaintId, doc: &Document) -> Response {
    let mut res = attachment(id, doc);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

/// A document as a download: never rendered inline, `nosniff`.
fn attachment(id: ComplaintId, doc: &Document) -> Response {
    let info = doc.info();
    let disposition = format!(
        "attachment; filename=\"complaint-{id}-{}.{}\"",
        &info.digest[..12.min(info.digest.len())],
        info.format.extension()
    );
    let mut res = doc.bytes().to_vec().into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(info.format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}
