//! The CEC's side of the results: the national dashboard `/protocols/dashboard` (the use case
//! `results::dashboard::dashboard`) per region and council, with the observers' flags — the
//! stations whose official count differs from the box's preliminary count beyond the margin
//! (a rule parameter, on `/rules`), and each council's turnout/vote-share fingerprint (Klimek
//! et al. 2012) drawn as a 10 × 10 grid with its outlying stations; and the upload of the
//! ballot-counting boxes' preliminary counts (`/protocols/preliminary`, JSON, RES-01), always
//! labelled preliminary and never counted.

use super::views::{contest_label, field_label};
use crate::AppState;
use crate::kit::format::{name, percent};
use crate::kit::forms::{MultipartForm, election_of};
use crate::kit::input::{Multipart, Query};
use crate::kit::page::Feedback;
use crate::kit::{Lang, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use shailoo_app::results::dashboard::{self, CouncilFigures};
use shailoo_app::results::{self, PreliminaryCount, ResultsError};
use shailoo_domain::forensics::BINS;
use std::collections::HashMap;

/// The largest preliminary file taken (the whole country's boxes fit many times over).
pub(super) const PRELIMINARY_LIMIT: usize = 64 * 1024 * 1024;

struct RegionRow {
    name: String,
    councils: u64,
    reported: String,
    turnout: String,
    determined: u64,
    failed: u64,
}

struct GapRow {
    station: u32,
    contest: String,
    fields: String,
}

struct CouncilRow {
    name: String,
    region: String,
    reported: String,
    turnout: String,
    warnings: u64,
    returned: u64,
    differing: u64,
    status: String,
    late: bool,
    gaps: Vec<GapRow>,
    /// The fingerprint's grid, top row the highest leader's share; each cell's station count.
    grid: Vec<Vec<u32>>,
    outliers: String,
    points: usize,
}

#[derive(Template)]
#[template(path = "results/templates/dashboard.html")]
struct DashboardTemplate {
    ctx: PageCtx,
    election: String,
    margin_text: String,
    regions: Vec<RegionRow>,
    councils: Vec<CouncilRow>,
}

/// `GET /protocols/dashboard?election=`.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let d = dashboard::dashboard(state.store.as_ref(), &actor, &election.id)
        .await
        .map_err(|e| PageFail::refused(lang, &e))?;
    let region_names: HashMap<_, _> = d
        .regions
        .iter()
        .map(|r| (r.region.clone(), name(&r.name, lang)))
        .collect();
    let share = |part: u64, whole: u64| percent(lang, part, whole).unwrap_or_else(|| "—".into());
    let t = DashboardTemplate {
        election: election.id.to_string(),
        margin_text: lang.t_args(
            "dashboard-margin",
            &[("margin", d.margin_percent.to_string())],
        ),
        regions: d
            .regions
            .iter()
            .map(|r| RegionRow {
                name: name(&r.name, lang),
                councils: r.councils,
                reported: format!("{} / {}", r.reported, r.stations),
                turnout: share(r.took_part, r.listed),
                determined: r.determined,
                failed: r.failed,
            })
            .collect(),
        councils: d
            .councils
            .iter()
            .map(|c| council_row(lang, c, region_names.get(&c.region)))
            .collect(),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

fn council_row(lang: Lang, c: &CouncilFigures, region: Option<&String>) -> CouncilRow {
    let f = &c.fingerprint;
    // Rows from the highest share down, columns by turnout: the paper's picture.
    let grid = (0..BINS)
        .rev()
        .map(|v| (0..BINS).map(|t| f.histogram[t][v]).collect())
        .collect();
    CouncilRow {
        name: name(&c.name, lang),
        region: region.cloned().unwrap_or_default(),
        reported: format!("{} / {}", c.reported, c.stations),
        turnout: percent(lang, c.took_part, c.listed).unwrap_or_else(|| "—".into()),
        warnings: c.warnings,
        returned: c.returned,
        differing: c.differing,
        status: c.determined.map_or_else(
            || lang.t("protocols-status-not-determined"),
            |s| {
                lang.t(&format!(
                    "protocols-status-{}",
                    s.as_str().replace('_', "-")
                ))
            },
        ),
        late: c.late,
        gaps: c
            .gaps
            .iter()
            .map(|g| GapRow {
                station: g.station.get(),
                contest: contest_label(lang, &g.contest),
                fields: g
                    .differences
                    .iter()
                    .map(|d| {
                        format!(
                            "{}: {} / {}",
                            field_label(lang, None, &d.field),
                            d.first.unwrap_or(0),
                            d.second.unwrap_or(0)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            })
            .collect(),
        grid,
        outliers: f
            .outliers
            .iter()
            .map(|s| format!("№ {s}"))
            .collect::<Vec<_>>()
            .join(", "),
        points: f.points.len(),
    }
}

#[derive(Template)]
#[template(path = "results/templates/preliminary.html")]
struct PreliminaryTemplate {
    ctx: PageCtx,
    election: String,
    notice: Option<String>,
    message: Option<String>,
}

/// `GET /protocols/preliminary?election=&imported=`.
pub(super) async fn preliminary_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    ctx.require_staff()?;
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let notice = q
        .get("imported")
        .and_then(|n| n.parse::<u64>().ok())
        .map(|n| lang.t_args("preliminary-imported", &[("count", n.to_string())]));
    let t = PreliminaryTemplate {
        election: election.id.to_string(),
        notice,
        message: None,
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

/// `POST /protocols/preliminary` (multipart: `csrf`, `election`, `file`): a JSON array of
/// `{"council", "protocol"}`, all or nothing.
pub(super) async fn preliminary_upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    let form = MultipartForm::read(lang, multipart, "file").await?;
    let actor = ctx.require_staff_csrf(form.field("csrf"))?.actor();
    let election = election_of(&state, lang, form.field("election")).await?;
    let refuse = |ctx: PageCtx, status: StatusCode, message: String| {
        let t = PreliminaryTemplate {
            election: election.id.to_string(),
            notice: None,
            message: Some(message),
            ctx,
        };
        Ok(render(status, &t))
    };
    let bytes = match form.file() {
        None => {
            let m = lang.t("preliminary-file-required");
            return refuse(ctx, StatusCode::UNPROCESSABLE_ENTITY, m);
        }
        Some(Err(_)) => {
            let m = lang.t("preliminary-file-too-large");
            return refuse(ctx, StatusCode::PAYLOAD_TOO_LARGE, m);
        }
        Some(Ok(b)) => b,
    };
    let counts: Vec<PreliminaryCount> = match serde_json::from_slice(bytes) {
        Ok(c) => c,
        Err(e) => {
            let m = lang.t_args(
                "preliminary-bad-json",
                &[
                    ("line", e.line().to_string()),
                    ("column", e.column().to_string()),
                ],
            );
            return refuse(ctx, StatusCode::UNPROCESSABLE_ENTITY, m);
        }
    };
    let store = state.store.as_ref();
    match results::import_preliminary(store, &actor, &election.id, counts, state.now()).await {
        Ok(n) => {
            let to = format!(
                "/protocols/preliminary?election={}&imported={n}",
                election.id
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ ResultsError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(e) => {
            let f = Feedback::of(lang, &e);
            refuse(ctx, f.status, f.message.unwrap_or_default())
        }
    }
}
