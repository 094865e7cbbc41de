//! `/accessibility`: which stations lack what, with counts per region and council, filtered by
//! region, council and a missing requirement; `/accessibility.csv`: the same stations as CSV
//! (written by the `csv` crate).

use crate::AppState;
use crate::access::{FINDINGS, finding, requirement_label};
use crate::kit::format::{fmt_date, percent};
use crate::kit::input::Query;
use crate::kit::page::Choice;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use shailoo_app::access::{AccessCounts, AccessDirectory, AccessOverview, OverviewFilter};
use shailoo_app::authz::{self, Power};
use shailoo_domain::territory::AccessRequirement;
use shailoo_domain::{CouncilId, ErrorCode, TerritoryId};
use std::collections::HashMap;

/// Stations listed on the page at most; the CSV has them all.
const MAX_ROWS: usize = 200;

#[derive(Debug, Default, Deserialize)]
pub(super) struct OverviewQuery {
    region: Option<String>,
    council: Option<String>,
    lacking: Option<String>,
}

impl OverviewQuery {
    fn filter(&self) -> OverviewFilter {
        fn some(s: &Option<String>) -> Option<&str> {
            s.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        OverviewFilter {
            region: some(&self.region).and_then(|s| TerritoryId::parse(s).ok()),
            council: some(&self.council).and_then(|s| CouncilId::parse(s).ok()),
            lacking: some(&self.lacking).and_then(AccessRequirement::parse),
        }
    }
}

/// One row of counts: a region, a council, or the total.
struct CountRow {
    /// The query narrowing the page to this row (empty for the total).
    href: String,
    name: String,
    stations: u64,
    accessible: String,
    /// Stations lacking each requirement, with the link listing them.
    lacking: Vec<(u64, String)>,
}

/// A table of counts.
struct CountTable {
    id: &'static str,
    caption: String,
    rows: Vec<CountRow>,
}

/// One station of the list.
struct StationRow {
    number: u32,
    council: String,
    lacking: String,
    surveyed_on: String,
}

#[derive(Template)]
#[template(path = "access/templates/overview.html")]
struct OverviewTemplate {
    ctx: PageCtx,
    requirements: Vec<String>,
    regions: Vec<Choice>,
    councils: Vec<Choice>,
    lacking: Vec<Choice>,
    csv_href: String,
    tables: Vec<CountTable>,
    stations: Vec<StationRow>,
    shown_of: Option<String>,
}

fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        q.append_pair(k, v);
    }
    q.finish()
}

fn count_row(lang: Lang, name: String, base: &[(&str, &str)], c: &AccessCounts) -> CountRow {
    let href = query_string(base);
    CountRow {
        name,
        stations: c.stations,
        accessible: format!(
            "{} ({})",
            c.accessible,
            percent(lang, c.accessible, c.stations).unwrap_or_default()
        ),
        lacking: AccessRequirement::ALL
            .iter()
            .zip(c.lacking)
            .map(|(r, n)| {
                let mut pairs = base.to_vec();
                pairs.push(("lacking", r.as_str()));
                (n, query_string(&pairs))
            })
            .collect(),
        href,
    }
}

/// The names of the regions and councils the directory holds.
struct Names {
    regions: HashMap<TerritoryId, String>,
    councils: HashMap<CouncilId, String>,
}

impl Names {
    fn of(lang: Lang, d: &AccessDirectory) -> Names {
        Names {
            regions: d
                .regions
                .iter()
                .map(|r| (r.id.clone(), r.name.get(lang.code()).to_owned()))
                .collect(),
            councils: d
                .stations
                .iter()
                .map(|s| {
                    (
                        s.council.clone(),
                        s.council_name.get(lang.code()).to_owned(),
                    )
                })
                .collect(),
        }
    }
    fn region(&self, id: &TerritoryId) -> String {
        self.regions
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
    fn council(&self, id: &CouncilId) -> String {
        self.councils
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

/// The pickers of the filter form: every region, the councils of the chosen region (all when
/// none is chosen), every requirement.
fn pickers(
    lang: Lang,
    d: &AccessDirectory,
    names: &Names,
    f: &OverviewFilter,
) -> (Vec<Choice>, Vec<Choice>, Vec<Choice>) {
    let mut regions: Vec<Choice> = d
        .regions
        .iter()
        .map(|r| Choice {
            value: r.id.to_string(),
            label: names.region(&r.id),
            selected: f.region.as_ref() == Some(&r.id),
        })
        .collect();
    regions.sort_by(|a, b| a.label.cmp(&b.label));
    let mut councils: Vec<Choice> = d
        .stations
        .iter()
        .filter(|s| f.region.as_ref().is_none_or(|r| *r == s.region))
        .map(|s| (s.council.clone(), s.council.clone()))
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_keys()
        .map(|c| Choice {
            label: names.council(&c),
            selected: f.council.as_ref() == Some(&c),
            value: c.to_string(),
        })
        .collect();
    councils.sort_by(|a, b| a.label.cmp(&b.label));
    let lacking = AccessRequirement::ALL
        .iter()
        .map(|r| Choice {
            value: r.as_str().to_owned(),
            label: requirement_label(lang, *r),
            selected: f.lacking == Some(*r),
        })
        .collect();
    (regions, councils, lacking)
}

/// Signed-in staff holding `ViewAccessOverview`; a visitor is sent to log in.
fn require_overview(ctx: &PageCtx) -> Result<(), PageFail> {
    let staff = ctx.require_staff()?;
    if authz::holds(&staff.actor(), Power::ViewAccessOverview) {
        Ok(())
    } else {
        Err(PageFail::forbidden(ctx.lang))
    }
}

/// `GET /accessibility?region=&council=&lacking=` (signed-in staff).
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<OverviewQuery>,
) -> PageResult {
    let lang = ctx.lang;
    require_overview(&ctx)?;
    let directory = state.store.access_directory().await.or_page(lang)?;
    let filter = q.filter();
    let overview = AccessOverview::of(&directory, &filter);
    let names = Names::of(lang, &directory);
    let (regions, councils, lacking) = pickers(lang, &directory, &names, &filter);
    let region = filter
        .region
        .as_ref()
        .map(|r| r.to_string())
        .unwrap_or_default();
    let council = filter
        .council
        .as_ref()
        .map(|c| c.to_string())
        .unwrap_or_default();
    let missing = filter.lacking.map(|r| r.as_str()).unwrap_or_default();
    let total_stations = overview.stations.len();
    let stations = station_rows(lang, &overview, &names);
    let t = OverviewTemplate {
        requirements: AccessRequirement::ALL
            .iter()
            .map(|r| requirement_label(lang, *r))
            .collect(),
        regions,
        councils,
        lacking,
        csv_href: format!(
            "/accessibility.csv?{}",
            query_string(&[
                ("region", &region),
                ("council", &council),
                ("lacking", missing)
            ])
        ),
        tables: count_tables(lang, &overview, &names, &filter, &region),
        shown_of: (total_stations > MAX_ROWS).then(|| {
            lang.t_args(
                "access-shown-of",
                &[
                    ("shown", MAX_ROWS.to_string()),
                    ("total", total_stations.to_string()),
                ],
            )
        }),
        stations,
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

/// The tables of counts: the whole country, by region, and (once a region or a council is
/// chosen: they are many, 264 in 2024) by council; empty ones left out.
fn count_tables(
    lang: Lang,
    overview: &AccessOverview,
    names: &Names,
    filter: &OverviewFilter,
    region: &str,
) -> Vec<CountTable> {
    let by_region: Vec<CountRow> = overview
        .by_region
        .iter()
        .map(|(id, c)| count_row(lang, names.region(id), &[("region", id.as_str())], c))
        .collect();
    let by_council = if filter.region.is_some() || filter.council.is_some() {
        let mut rows: Vec<CountRow> = overview
            .by_council
            .iter()
            .map(|(id, c)| {
                let base = [("region", region), ("council", id.as_str())];
                count_row(lang, names.council(id), &base, c)
            })
            .collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        rows
    } else {
        Vec::new()
    };
    [
        (
            "access-total",
            "access-total",
            vec![count_row(lang, lang.t("access-all"), &[], &overview.total)],
        ),
        ("access-regions", "access-by-region", by_region),
        ("access-councils", "access-by-council", by_council),
    ]
    .into_iter()
    .filter(|(_, _, rows)| !rows.is_empty())
    .map(|(id, caption, rows)| CountTable {
        id,
        caption: lang.t(caption),
        rows,
    })
    .collect()
}

/// The first [`MAX_ROWS`] stations of the overview, with what each lacks.
fn station_rows(lang: Lang, overview: &AccessOverview, names: &Names) -> Vec<StationRow> {
    overview
        .stations
        .iter()
        .take(MAX_ROWS)
        .map(|s| StationRow {
            number: s.number.get(),
            council: names.council(&s.council),
            lacking: s
                .accessibility
                .missing()
                .into_iter()
                .map(|r| requirement_label(lang, r))
                .collect::<Vec<_>>()
                .join(", "),
            surveyed_on: s.surveyed_on.map(fmt_date).unwrap_or_default(),
        })
        .collect()
}

/// `GET /accessibility.csv?region=&council=&lacking=` (signed-in staff): one row per station,
/// each finding as `true`/`false`, the missing requirements' codes joined by `;`.
pub(super) async fn csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<OverviewQuery>,
) -> PageResult {
    let lang = ctx.lang;
    require_overview(&ctx)?;
    let directory = state.store.access_directory().await.or_page(lang)?;
    let overview = AccessOverview::of(&directory, &q.filter());
    let body = write_csv(&overview).map_err(|e| {
        tracing::error!(error = %e, "writing the accessibility CSV failed");
        PageFail::new(lang, StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"accessibility.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

fn write_csv(overview: &AccessOverview) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["station", "region", "council", "remote_voting"];
    header.extend(FINDINGS);
    header.extend(["suits_disabled_voters", "missing", "surveyed_on"]);
    w.write_record(&header)?;
    for s in &overview.stations {
        let a = &s.accessibility;
        let bool_str = |b: bool| if b { "true" } else { "false" };
        let mut row = vec![
            s.number.to_string(),
            s.region.to_string(),
            s.council.to_string(),
            bool_str(s.remote_voting).to_owned(),
        ];
        row.extend(FINDINGS.iter().map(|f| bool_str(finding(a, f)).to_owned()));
        row.push(bool_str(a.is_accessible()).to_owned());
        row.push(
            a.missing()
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        );
        row.push(s.surveyed_on.map(|d| d.to_string()).unwrap_or_default());
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
