//! The public side: `GET /violations` (the form and the tracking form), `POST /violations`
//! (multipart: the text, a station number or a place, an optional contact, a photo or video),
//! `GET /violations/track?code=` and `GET /violations/stats/{election}`.

use super::views::{self, Gathered, UpdateRow, update_rows};
use crate::AppState;
use crate::kit::bars::{self, Datum};
use crate::kit::client::ClientIp;
use crate::kit::format::{fmt_instant, name};
use crate::kit::forms::{MultipartForm, non_empty, station_number};
use crate::kit::input::{Multipart, Query};
use crate::kit::page::{Choice, Feedback};
use crate::kit::rate_limit::{Decision, set_retry_after};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, Refusal, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rand::Rng;
use shailoo_app::violations::{self, Evidence, Place, ReportText, ViolationDraft, ViolationError};
use shailoo_domain::ElectionId;
use shailoo_domain::violation::Intake;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "violations/templates/public.html")]
struct FormTemplate {
    ctx: PageCtx,
    elections: Vec<Choice>,
    text: String,
    station: String,
    location: String,
    contact: String,
    message: Option<String>,
}

async fn election_choices(
    state: &AppState,
    lang: Lang,
    chosen: &str,
) -> Result<Vec<Choice>, PageFail> {
    let all = state.store.elections().await.or_page(lang)?;
    Ok(all
        .iter()
        .map(|e| Choice {
            value: e.id.to_string(),
            label: name(&e.name, lang),
            selected: e.id.as_str() == chosen,
        })
        .collect())
}

/// `GET /violations`.
pub(super) async fn form(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let elections = election_choices(&state, ctx.lang, "").await?;
    let t = FormTemplate {
        ctx,
        elections,
        text: String::new(),
        station: String::new(),
        location: String::new(),
        contact: String::new(),
        message: None,
    };
    Ok(render(StatusCode::OK, &t))
}

#[derive(Template)]
#[template(path = "violations/templates/filed.html")]
struct FiledTemplate {
    ctx: PageCtx,
    code: String,
}

/// The draft the form describes, or why not.
fn draft_of(form: &MultipartForm) -> Result<ViolationDraft, ViolationError> {
    let evidence = match form.file() {
        None => None,
        Some(Err(_)) => return Err(ViolationError::EvidenceTooLarge),
        Some(Ok(bytes)) => Evidence::parse(bytes.to_vec())?,
    };
    let station = match non_empty(form.field("station")) {
        None => None,
        Some(s) => Some(station_number(Some(&s)).ok_or(ViolationError::UnknownCode(s))?),
    };
    Ok(ViolationDraft {
        intake: Intake::WebForm,
        text: ReportText::parse(form.get("text"))?,
        place: Place {
            station,
            location: ReportText::optional(form.get("location"))?,
        },
        contact: ReportText::optional(form.get("contact"))?,
        evidence,
        external_id: None,
    })
}

/// `POST /violations`: counted per client address before anything is read further; the
/// reporter gets the tracking code on the page (never in a URL, which logs keep).
pub(super) async fn file(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    if let Decision::Limited { retry_after } = state.violations.per_ip.check(&ip) {
        metrics::counter!("shailoo_violations_rate_limited_total", "by" => "ip").increment(1);
        let mut r = again(
            &state,
            ctx,
            None,
            Feedback::refused(
                StatusCode::TOO_MANY_REQUESTS,
                lang.t("violation-rate-limited"),
            ),
        )
        .await?;
        set_retry_after(&mut r, retry_after);
        return Ok(r);
    }
    let form = MultipartForm::read(lang, multipart, "evidence").await?;
    let election =
        ElectionId::parse(form.get("election")).map_err(|_| PageFail::not_found(lang))?;
    let draft = match draft_of(&form) {
        Ok(d) => d,
        Err(e) => return again(&state, ctx, Some(&form), Feedback::of(lang, &e)).await,
    };
    let secret: u32 = rand::rng().random();
    match violations::report_publicly(state.store.as_ref(), &election, draft, secret, state.now())
        .await
    {
        Ok(report) => {
            let code = report
                .tracking_code()
                .map(|c| c.to_string())
                .unwrap_or_default();
            Ok(render(StatusCode::CREATED, &FiledTemplate { ctx, code }))
        }
        Err(e @ ViolationError::UnknownElection(_)) => Err(PageFail::refused(lang, &e)),
        Err(e) => again(&state, ctx, Some(&form), Feedback::of(lang, &e)).await,
    }
}

/// The form again, with what was typed and why it was refused.
async fn again(
    state: &AppState,
    ctx: PageCtx,
    form: Option<&MultipartForm>,
    feedback: Feedback,
) -> PageResult {
    let get = |k: &str| form.map(|f| f.get(k).to_owned()).unwrap_or_default();
    let elections = election_choices(state, ctx.lang, &get("election")).await?;
    let t = FormTemplate {
        ctx,
        elections,
        text: get("text"),
        station: get("station"),
        location: get("location"),
        contact: get("contact"),
        message: feedback.message,
    };
    Ok(render(feedback.status, &t))
}

#[derive(Template)]
#[template(path = "violations/templates/track.html")]
struct TrackTemplate {
    ctx: PageCtx,
    code: String,
    found: Option<Tracked>,
    message: Option<String>,
}

struct Tracked {
    status: String,
    status_code: &'static str,
    category: String,
    received_at: String,
    place: String,
    updates: Vec<UpdateRow>,
}

/// `GET /violations/track?code=`: the report's status and history; a wrong code says only
/// that no report has it.
pub(super) async fn track(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let code = non_empty(q.get("code").map(String::as_str)).unwrap_or_default();
    if code.is_empty() {
        let t = TrackTemplate {
            ctx,
            code,
            found: None,
            message: None,
        };
        return Ok(render(StatusCode::OK, &t));
    }
    let (status, found, message) = match violations::track(state.store.as_ref(), &code).await {
        Ok((_, r)) => {
            let place = match (&r.place.station, &r.place.location) {
                (Some(s), Some(l)) => format!("№ {s}, {}", l.as_str()),
                (Some(s), None) => format!("№ {s}"),
                (None, Some(l)) => l.as_str().to_owned(),
                (None, None) => String::new(),
            };
            let found = Tracked {
                status: views::status(lang, r.status),
                status_code: r.status.code(),
                category: r
                    .category
                    .map(|c| views::category(lang, c))
                    .unwrap_or_else(|| lang.t("violation-untriaged")),
                received_at: fmt_instant(r.received_at),
                place,
                updates: update_rows(lang, &r.updates),
            };
            (StatusCode::OK, Some(found), None)
        }
        Err(e) => (e.status(), None, Some(e.message(lang))),
    };
    let t = TrackTemplate {
        ctx,
        code,
        found,
        message,
    };
    Ok(crate::kit::fail::no_store(render(status, &t)))
}

#[derive(Template)]
#[template(path = "violations/templates/stats.html")]
struct StatsTemplate {
    ctx: PageCtx,
    election: String,
    election_name: String,
    chart: String,
    stats: Gathered,
}

/// `GET /violations/stats/{election}`: reports by category (chart and table), region and day.
pub(super) async fn stats(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let lang = ctx.lang;
    let election = ElectionId::parse(&id).map_err(|_| PageFail::not_found(lang))?;
    let e = state
        .store
        .election(&election)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let rows = violations::stats(state.store.as_ref(), &election)
        .await
        .or_page(lang)?;
    let stats = views::gather(&state, lang, &rows).await?;
    let data: Vec<Datum> = stats
        .by_category
        .iter()
        .map(|(label, _, n)| Datum {
            label: label.chars().take(14).collect(),
            value: *n,
            shown: n.to_string(),
            second: false,
        })
        .collect();
    let chart = bars::svg(
        "violations-chart",
        &lang.t("violation-stats-by-category"),
        "violations-by-category",
        &data,
    );
    let t = StatsTemplate {
        election: election.to_string(),
        election_name: name(&e.name, lang),
        chart,
        stats,
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}
