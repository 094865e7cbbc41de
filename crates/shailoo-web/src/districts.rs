//! Electoral districts of aiyl councils (DIS-01…DIS-05, CAL-05): the TEC's draft editor, the
//! CEC's review, the published schemes and their open data.
//!
//! The editor works without JavaScript: one form assigns every unit to a district number and
//! gives each district its mandates; its buttons "Check", "Propose automatically", "Save draft"
//! and "Submit" all post the whole form back, and the page re-renders with the figures of
//! DIS-01 (voters per mandate, deviation from the norm, green / amber / red against the 15% or
//! 20% limit), DIS-03 (contiguity, every unit once, seats adding up) and DIS-04 (reserved
//! mandates), keeping what the user typed. The picture is an SVG drawn here, on the server:
//! the units at their points, the borders as lines, each unit coloured by its district, with a
//! title, a description and the table of units beside it for those who cannot see it.
//!
//! The geometry we hold is one point per unit (synthetic, km from the council's centre), so the
//! GeoJSON export has Point features only.

use crate::AppState;
use crate::kit::PageCtx;
use crate::kit::calendar::closed_message;
use crate::kit::fail::store_status;
use crate::kit::format::fmt_instant;
use crate::kit::forms::check_csrf;
use crate::kit::i18n::Lang;
use crate::kit::{ApiError, ApiLang, ErrorBody};
use crate::kit::{PageFail, PageResult};
use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Serialize;
use shailoo_app::districts::{
    self as app, CouncilDistricting, DistrictError, DistrictingUnit, SchemeRecord, SchemeStatus,
};
use shailoo_app::{Actor, StoreError};
use shailoo_domain::CouncilId;
use shailoo_domain::district::{District, DistrictId, SchemeFinding, SchemeReport, UnitId};
use shailoo_domain::params::Coded;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use utoipa::ToSchema;

/// The page routes; merged into the pages router (language cookie and state come from there).
fn routes() -> Router<AppState> {
    Router::new()
        .route("/districts", get(public_list))
        .route("/districts/review", get(review))
        .route(
            "/councils/{id}/districts",
            get(editor_get).post(editor_post),
        )
        .route("/councils/{id}/districts/decision", post(decision))
        .route("/councils/{id}/districts/approved", get(approved_page))
        .route("/open-data/councils/{id}/districts.csv", get(open_csv))
        .route(
            "/open-data/councils/{id}/districts.geojson",
            get(open_geojson),
        )
}

// --- helpers ---

fn district_fail(lang: Lang, e: DistrictError) -> PageFail {
    match e {
        DistrictError::Store(e) => {
            crate::kit::fail::log(&e);
            PageFail::new(lang, store_status(&e), e.code())
        }
        DistrictError::UnknownCouncil(_)
        | DistrictError::NotAiyl(_)
        | DistrictError::NoElection(_)
        | DistrictError::NoScheme => PageFail::new(lang, StatusCode::NOT_FOUND, "not_found"),
        DistrictError::Forbidden => PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden"),
        other => PageFail::new(lang, StatusCode::UNPROCESSABLE_ENTITY, other.code()),
    }
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

fn with_status(status: StatusCode, mut r: Response) -> Response {
    if r.status().is_success() {
        *r.status_mut() = status;
    }
    r
}

async fn load(state: &AppState, lang: Lang, id: &str) -> Result<CouncilDistricting, PageFail> {
    let id = CouncilId::parse(id)
        .map_err(|_| PageFail::new(lang, StatusCode::NOT_FOUND, "not_found"))?;
    app::council_districting(state.store.as_ref(), &id)
        .await
        .map_err(|e| district_fail(lang, e))
}

/// A localized message for a refused or failed use case.
fn district_message(lang: Lang, e: &DistrictError) -> String {
    match e {
        DistrictError::Transition(app::TransitionError::Calendar(c)) => closed_message(lang, c),
        DistrictError::Transition(app::TransitionError::Invalid { errors }) => {
            lang.t_args("districts-error-invalid", &[("count", errors.to_string())])
        }
        DistrictError::Transition(app::TransitionError::EmptyComment) => {
            lang.t("districts-error-comment")
        }
        DistrictError::Transition(app::TransitionError::NotAllowed { from, .. }) => lang.t_args(
            "districts-error-step",
            &[("status", lang.t(&format!("districts-status-{from}")))],
        ),
        DistrictError::Store(StoreError::Duplicate { .. }) => lang.t("districts-error-conflict"),
        DistrictError::NoUnits(_) => lang.t("districts-no-units"),
        DistrictError::Forbidden => lang.error("forbidden"),
        DistrictError::Store(s) => lang.error(s.code()),
        other => lang.t_args(
            "districts-error-other",
            &[("code", other.code().to_owned())],
        ),
    }
}

fn district_status(e: &DistrictError) -> StatusCode {
    match e {
        DistrictError::Forbidden => StatusCode::FORBIDDEN,
        DistrictError::Store(StoreError::Duplicate { .. }) => StatusCode::CONFLICT,
        DistrictError::Store(s) => store_status(s),
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A fixed seed per council, so that "Propose automatically" gives the same scheme every time
/// (FNV-1a of the council id).
fn seed_of(council: &CouncilId) -> u64 {
    council
        .as_str()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// Colours of districts on the picture: distinct, and readable with black labels.
const PALETTE: [&str; 12] = [
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5",
    "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f",
];
const UNASSIGNED: &str = "#ffffff";

fn colour(n: u32) -> &'static str {
    if n == 0 {
        UNASSIGNED
    } else {
        PALETTE[(n as usize - 1) % PALETTE.len()]
    }
}

/// The scheme drawn as the unit adjacency graph: units at their points, borders as lines, each
/// unit a circle in its district's colour with the district number inside. Returned as markup
/// (every text escaped here).
fn svg(
    units: &[DistrictingUnit],
    district_of: &HashMap<&UnitId, u32>,
    lang: Lang,
    id: &str,
) -> String {
    const W: f64 = 640.0;
    const H: f64 = 440.0;
    const PAD: f64 = 28.0;
    if units.is_empty() {
        return String::new();
    }
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for u in units {
        x0 = x0.min(u.x_km);
        x1 = x1.max(u.x_km);
        y0 = y0.min(u.y_km);
        y1 = y1.max(u.y_km);
    }
    let scale = ((W - 2.0 * PAD) / (x1 - x0).max(0.1)).min((H - 2.0 * PAD) / (y1 - y0).max(0.1));
    // Centred in the frame; north is up (y grows downwards in SVG).
    let dx = (W - 2.0 * PAD - (x1 - x0) * scale) / 2.0;
    let dy = (H - 2.0 * PAD - (y1 - y0) * scale) / 2.0;
    let at = |u: &DistrictingUnit| {
        (
            PAD + dx + (u.x_km - x0) * scale,
            H - PAD - dy - (u.y_km - y0) * scale,
        )
    };
    let index: HashMap<&UnitId, &DistrictingUnit> = units.iter().map(|u| (&u.id, u)).collect();
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" width=\"100%\" \
         role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" class=\"scheme-map\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>\
         <rect x=\"0\" y=\"0\" width=\"{W}\" height=\"{H}\" fill=\"#f8fafc\" stroke=\"#d0d7de\"/>",
        esc(&lang.t("districts-map-title")),
        esc(&lang.t("districts-map-desc"))
    );
    out.push_str("<g stroke-linecap=\"round\">");
    for u in units {
        for n in &u.neighbors {
            if n <= &u.id {
                continue;
            }
            let Some(v) = index.get(n) else { continue };
            let (a, b) = (at(u), at(v));
            let same = district_of.get(&u.id).filter(|d| **d > 0)
                == district_of.get(n).filter(|d| **d > 0)
                && district_of.get(&u.id).is_some_and(|d| *d > 0);
            // Borders inside a district are drawn bold in grey, borders between districts thin
            // and dashed: the districts' outlines show without any polygon.
            let style = if same {
                "stroke=\"#57606a\" stroke-width=\"3\""
            } else {
                "stroke=\"#8c959f\" stroke-width=\"1\" stroke-dasharray=\"4 3\""
            };
            let _ = write!(
                out,
                "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" {style}/>",
                a.0, a.1, b.0, b.1
            );
        }
    }
    out.push_str("</g>");
    for (i, u) in units.iter().enumerate() {
        let (x, y) = at(u);
        let d = district_of.get(&u.id).copied().unwrap_or(0);
        // The unit's № of the table beside the picture, small, next to its circle.
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" font-family=\"sans-serif\" \
             fill=\"#57606a\" aria-hidden=\"true\">{}</text>",
            x + 13.0,
            y - 9.0,
            i + 1
        );
        let label = if d == 0 {
            "–".to_owned()
        } else {
            d.to_string()
        };
        let stroke = if u.remote {
            "stroke-dasharray=\"3 2\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<g><title>{} — {}: {} · {}: {}</title>\
             <circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"11\" fill=\"{}\" stroke=\"#1b1f24\" stroke-width=\"1.5\" {stroke}/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" font-family=\"sans-serif\" fill=\"#1b1f24\">{}</text></g>",
            esc(&u.label(lang.code())),
            esc(&lang.t("districts-col-district")),
            esc(&label),
            esc(&lang.t("districts-col-voters")),
            u.voters,
            colour(d),
            y + 4.0,
            esc(&label),
        );
    }
    out.push_str("</svg>");
    out
}

/// Why the proposer found no valid scheme, in the reader's language (DIS-01, DIS-03, DIS-05).
fn no_scheme_reason(lang: Lang, e: &shailoo_districting::NoValidScheme) -> String {
    use shailoo_districting::NoValidScheme as N;
    let args: Vec<(&'static str, String)> = match e {
        N::UnitTooLarge {
            unit,
            voters,
            max_seats,
            limit_percent,
            ..
        } => vec![
            ("unit", unit.to_string()),
            ("voters", voters.to_string()),
            ("seats", max_seats.to_string()),
            ("limit", limit_percent.to_string()),
        ],
        N::IsolatedPart {
            units,
            limit_percent,
            ..
        } => vec![
            (
                "units",
                units
                    .iter()
                    .map(UnitId::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("limit", limit_percent.to_string()),
        ],
        N::NotFound {
            districts,
            best_max_deviation_bp,
            limit_percent,
        } => vec![
            ("districts", districts.to_string()),
            ("deviation", pct(*best_max_deviation_bp)),
            ("limit", limit_percent.to_string()),
        ],
        _ => Vec::new(),
    };
    lang.t_args(&format!("districts-propose-{}", e.code()), &args)
}

// --- figures of a scheme ---

/// One district's figures as the page shows them.
pub struct DistrictRow {
    pub number: u32,
    pub seats: String,
    pub remote: bool,
    pub voters: String,
    pub per_mandate: String,
    pub deviation: String,
    /// `ok`, `near` or `over`: the class and the words beside the colour.
    pub level: &'static str,
    pub level_text: String,
    pub contiguous: String,
    pub reserved: String,
    pub colour: &'static str,
    pub units: String,
}

/// A council's totals and the findings, localized.
pub struct Totals {
    pub seats_council: u32,
    pub seats_districts: u64,
    pub voters: u64,
    pub norm: String,
    pub reserved: u64,
    pub valid: bool,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

fn finding_text(lang: Lang, f: &SchemeFinding) -> String {
    let what = lang.t(f.code().message_key());
    let subject = match f {
        SchemeFinding::UnknownUnit { district, unit } => format!("{district}: {unit}"),
        SchemeFinding::UnitUnassigned { unit } | SchemeFinding::DuplicateUnit { unit } => {
            unit.to_string()
        }
        SchemeFinding::UnitInSeveralDistricts { unit, .. } => unit.to_string(),
        SchemeFinding::EmptyDistrict { district }
        | SchemeFinding::DuplicateDistrict { district }
        | SchemeFinding::RemoteWithoutRemoteUnit { district } => district.to_string(),
        SchemeFinding::NotContiguous { district, parts } => format!("{district} ({parts})"),
        SchemeFinding::SeatsSum {
            council_seats,
            district_seats,
        } => format!("{district_seats} ≠ {council_seats}"),
        SchemeFinding::DeviationExceeded {
            district,
            deviation_bp,
            limit_percent,
        } => format!("{district}: {} > {limit_percent}%", pct(*deviation_bp)),
        SchemeFinding::MagnitudeOutOfRange {
            district,
            seats,
            min,
            max,
        } => format!("{district}: {seats} ∉ {min}…{max}"),
        SchemeFinding::UnknownNeighbor { unit, neighbor }
        | SchemeFinding::AsymmetricAdjacency { unit, neighbor } => format!("{unit} → {neighbor}"),
        SchemeFinding::NoVoters => String::new(),
    };
    if subject.is_empty() {
        format!("{} {what}", f.code().code())
    } else {
        format!("{} {what} — {subject}", f.code().code())
    }
}

fn pct(bp: i64) -> String {
    let sign = if bp < 0 { "−" } else { "+" };
    format!("{sign}{}.{:02}%", bp.abs() / 100, bp.abs() % 100)
}

/// Green within 2/3 of the limit, amber up to the limit, red beyond (DIS-01).
fn level(bp: Option<i64>, limit_percent: u8) -> &'static str {
    let Some(bp) = bp else { return "over" };
    let limit = i64::from(limit_percent) * 100;
    if bp.abs() * 3 <= limit * 2 {
        "ok"
    } else if bp.abs() <= limit {
        "near"
    } else {
        "over"
    }
}

fn figures(
    lang: Lang,
    units: &[DistrictingUnit],
    districts: &[District],
    seats_input: &BTreeMap<u32, String>,
    report: &SchemeReport,
) -> (Vec<DistrictRow>, Totals) {
    let labels: HashMap<&UnitId, String> = units
        .iter()
        .map(|u| (&u.id, u.label(lang.code())))
        .collect();
    let mut rows = Vec::new();
    for d in districts {
        let number: u32 = d.id.as_str().parse().unwrap_or(0);
        let summary = report.districts.iter().find(|s| s.id == d.id);
        let parts = report.errors.iter().find_map(|f| match f {
            SchemeFinding::NotContiguous { district, parts } if district == &d.id => Some(*parts),
            _ => None,
        });
        let (voters, per_mandate, deviation, lvl, reserved) = match summary {
            Some(s) => (
                s.voters.to_string(),
                s.voters_per_mandate
                    .map(|r| format!("{:.1}", r.numerator as f64 / r.denominator as f64))
                    .unwrap_or_else(|| "—".to_owned()),
                s.deviation_bp.map(pct).unwrap_or_else(|| "—".to_owned()),
                if d.units.is_empty() {
                    "over"
                } else {
                    level(s.deviation_bp, s.limit_percent)
                },
                s.reserved_for_women.to_string(),
            ),
            None => (
                "0".to_owned(),
                "—".to_owned(),
                "—".to_owned(),
                "over",
                "—".to_owned(),
            ),
        };
        let limit = summary.map_or(15, |s| s.limit_percent);
        rows.push(DistrictRow {
            number,
            seats: seats_input.get(&number).cloned().unwrap_or_else(|| {
                // An empty field rather than a 0 nobody typed.
                if d.seats == 0 {
                    String::new()
                } else {
                    d.seats.to_string()
                }
            }),
            remote: d.remote,
            voters,
            per_mandate,
            deviation,
            level: lvl,
            // Words only where there is a figure to qualify.
            level_text: if summary.and_then(|s| s.deviation_bp).is_some() && !d.units.is_empty() {
                lang.t_args(
                    &format!("districts-level-{lvl}"),
                    &[("limit", limit.to_string())],
                )
            } else {
                String::new()
            },
            contiguous: match parts {
                None if d.units.is_empty() => "—".to_owned(),
                None => lang.t("districts-contiguous-yes"),
                Some(p) => lang.t_args("districts-contiguous-no", &[("parts", p.to_string())]),
            },
            reserved,
            colour: colour(number),
            units: d
                .units
                .iter()
                .map(|u| labels.get(u).cloned().unwrap_or_else(|| u.to_string()))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let totals = Totals {
        seats_council: 0,
        seats_districts: districts.iter().map(|d| u64::from(d.seats)).sum(),
        voters: report.council_voters,
        norm: format!(
            "{:.1}",
            report.norm.numerator as f64 / report.norm.denominator.max(1) as f64
        ),
        reserved: report.reserved_total,
        valid: report.is_valid(),
        errors: report
            .errors
            .iter()
            .map(|f| finding_text(lang, f))
            .collect(),
        warnings: report
            .warnings
            .iter()
            .map(|f| finding_text(lang, f))
            .collect(),
    };
    (rows, totals)
}

// --- the editor ---

/// What the editor form holds: the district of every unit, the number of districts, and per
/// district the mandates (as typed) and the remote claim.
#[derive(Debug, Clone, Default)]
struct EditorInput {
    count: u32,
    assignment: HashMap<UnitId, u32>,
    seats: BTreeMap<u32, String>,
    remote: BTreeSet<u32>,
}

/// The most districts the form offers (a council has at most 101 seats, DIS-05).
const MAX_DISTRICTS: u32 = 40;

impl EditorInput {
    fn from_districts(districts: &[District]) -> EditorInput {
        let mut input = EditorInput::default();
        for d in districts {
            let Ok(n) = d.id.as_str().parse::<u32>() else {
                continue;
            };
            input.count = input.count.max(n);
            input.seats.insert(n, d.seats.to_string());
            if d.remote {
                input.remote.insert(n);
            }
            for u in &d.units {
                input.assignment.insert(u.clone(), n);
            }
        }
        input
    }

    fn parse(fields: &[(String, String)]) -> EditorInput {
        let mut input = EditorInput::default();
        for (k, v) in fields {
            if k == "count" {
                input.count = v.trim().parse::<u32>().unwrap_or(0).min(MAX_DISTRICTS);
            } else if let Some(unit) = k.strip_prefix("unit.") {
                if let (Ok(u), Ok(n)) = (UnitId::parse(unit), v.trim().parse::<u32>())
                    && (1..=MAX_DISTRICTS).contains(&n)
                {
                    input.assignment.insert(u, n);
                }
            } else if let Some(n) = k.strip_prefix("seats.") {
                if let Ok(n) = n.parse::<u32>() {
                    input.seats.insert(n, v.trim().to_owned());
                }
            } else if let Some(n) = k.strip_prefix("remote.")
                && let Ok(n) = n.parse::<u32>()
            {
                input.remote.insert(n);
            }
        }
        let used = input.assignment.values().copied().max().unwrap_or(0);
        input.count = input.count.max(used);
        input
    }

    /// The districts 1..=count in the order of the units (a bad mandate count reads as 0,
    /// which DIS-05 then reports).
    fn districts(&self, units: &[DistrictingUnit]) -> Vec<District> {
        (1..=self.count)
            .filter_map(|n| Some((n, DistrictId::parse(&n.to_string()).ok()?)))
            .map(|(n, id)| District {
                id,
                units: units
                    .iter()
                    .filter(|u| self.assignment.get(&u.id) == Some(&n))
                    .map(|u| u.id.clone())
                    .collect(),
                seats: self
                    .seats
                    .get(&n)
                    .and_then(|s| s.parse::<u32>().ok())
                    .unwrap_or(0),
                remote: self.remote.contains(&n),
            })
            .collect()
    }
}

pub struct UnitView {
    pub id: String,
    pub index: usize,
    pub label: String,
    pub voters: u64,
    pub remote: bool,
    pub neighbors: String,
    pub options: Vec<(u32, bool)>,
    pub unassigned: bool,
    pub colour: &'static str,
}

#[derive(Template)]
#[template(path = "districts_editor.html")]
struct EditorTemplate {
    ctx: PageCtx,
    council_id: String,
    council_name: String,
    election_name: String,
    status: String,
    version: u32,
    comment: Option<String>,
    deadline: String,
    count: u32,
    units: Vec<UnitView>,
    rows: Vec<DistrictRow>,
    totals: Totals,
    svg: String,
    checked: bool,
    message: Option<String>,
    notice: Option<String>,
    may_edit: bool,
    is_cec: bool,
    submitted: bool,
}

/// What the editor says besides the form: whether to show the findings, an error or a notice,
/// and the CAL-05 deadline.
struct Feedback {
    checked: bool,
    message: Option<String>,
    notice: Option<String>,
    deadline: String,
}

fn editor_page(
    state: &AppState,
    ctx: PageCtx,
    c: &CouncilDistricting,
    actor: &Actor,
    input: &EditorInput,
    fb: Feedback,
) -> Response {
    let Feedback {
        checked,
        message,
        notice,
        deadline,
    } = fb;
    let lang = ctx.lang;
    let districts = input.districts(&c.units);
    let report = c.check(&districts, &state.config.rule_parameters);
    let (rows, mut totals) = figures(lang, &c.units, &districts, &input.seats, &report);
    totals.seats_council = c.council.seats.get();
    let district_of: HashMap<&UnitId, u32> =
        input.assignment.iter().map(|(u, n)| (u, *n)).collect();
    let position: HashMap<&UnitId, usize> = c
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (&u.id, i + 1))
        .collect();
    let units = c
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let d = district_of.get(&u.id).copied().unwrap_or(0);
            UnitView {
                id: u.id.to_string(),
                index: i + 1,
                label: u.label(lang.code()),
                voters: u.voters,
                remote: u.remote,
                neighbors: u
                    .neighbors
                    .iter()
                    .map(|n| {
                        position
                            .get(n)
                            .map_or_else(|| n.to_string(), |p| p.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                options: (1..=input.count.max(1)).map(|n| (n, n == d)).collect(),
                unassigned: d == 0,
                colour: colour(d),
            }
        })
        .collect();
    let status = c.scheme.as_ref().map(|s| s.status);
    let may_draft = c.may_draft(actor);
    let t = EditorTemplate {
        council_id: c.council.id.to_string(),
        council_name: c.council.name.get(lang.code()).to_owned(),
        election_name: c.election.name.get(lang.code()).to_owned(),
        status: lang.t(&format!(
            "districts-status-{}",
            status.map_or("none", SchemeStatus::as_str)
        )),
        version: c.scheme.as_ref().map_or(0, |s| s.version),
        comment: c.scheme.as_ref().and_then(|s| s.comment.clone()),
        deadline,
        count: input.count,
        units,
        rows,
        totals,
        svg: svg(&c.units, &district_of, lang, "scheme"),
        checked,
        message,
        notice,
        may_edit: may_draft
            && !matches!(
                status,
                Some(SchemeStatus::Submitted | SchemeStatus::Approved)
            ),
        is_cec: actor.is_cec_admin(),
        submitted: status == Some(SchemeStatus::Submitted),
        ctx,
    };
    render(&t)
}

async fn deadline_text(state: &AppState, lang: Lang, c: &CouncilDistricting) -> String {
    match app::election_calendar(state.store.as_ref(), &c.election).await {
        Ok(cal) => match cal
            .window(shailoo_domain::calendar::Action::SubmitDistrictScheme)
            .1
        {
            Some(t) => format!("{} (CAL-05)", fmt_instant(t)),
            None => "—".to_owned(),
        },
        Err(e) => lang.t_args("districts-error-other", &[("code", e.code().to_owned())]),
    }
}

/// A first layout for an empty form: as many districts as about 5 mandates each (2024 had
/// 1,259 districts for 5,391 seats), every unit still to be assigned.
fn initial_input(c: &CouncilDistricting) -> EditorInput {
    match &c.scheme {
        Some(s) if !s.districts.is_empty() => EditorInput::from_districts(&s.districts),
        _ => EditorInput {
            count: c.council.seats.get().div_ceil(5).clamp(1, MAX_DISTRICTS),
            ..EditorInput::default()
        },
    }
}

async fn editor_get(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let c = load(&state, lang, &id).await?;
    let actor = staff.actor();
    if !c.may_view(&actor) {
        return Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden"));
    }
    let notice = q
        .get("done")
        .filter(|d| matches!(d.as_str(), "saved" | "submitted"))
        .map(|d| lang.t(&format!("districts-notice-{d}")));
    let input = initial_input(&c);
    let deadline = deadline_text(&state, lang, &c).await;
    let checked = c.scheme.is_some();
    let fb = Feedback {
        checked,
        message: None,
        notice,
        deadline,
    };
    Ok(editor_page(&state, ctx, &c, &actor, &input, fb))
}

async fn editor_post(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> PageResult {
    let lang = ctx.lang;
    let Form(fields) =
        form.map_err(|_| PageFail::new(lang, StatusCode::BAD_REQUEST, "bad_form"))?;
    let staff = ctx.require_staff()?.clone();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    check_csrf(lang, &staff, field("csrf"))?;
    let c = load(&state, lang, &id).await?;
    let actor = staff.actor();
    if !c.may_view(&actor) {
        return Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden"));
    }
    let mut input = EditorInput::parse(&fields);
    let action = field("action").unwrap_or("check");
    let deadline = deadline_text(&state, lang, &c).await;
    let params = &state.config.rule_parameters;
    let now = state.now();
    match action {
        "propose" => {
            let proposal_input = shailoo_districting::ProposalInput {
                seats: c.council.seats,
                units: c.units.iter().map(DistrictingUnit::to_domain).collect(),
                districts: None,
                magnitude: None,
                seed: None,
            };
            let (message, status) =
                match shailoo_districting::propose(&proposal_input, params, seed_of(&c.council.id))
                {
                    Ok(p) => {
                        let mut next = EditorInput::default();
                        for (i, d) in p.districts.iter().enumerate() {
                            let n = u32::try_from(i + 1).unwrap_or(MAX_DISTRICTS);
                            next.count = n;
                            next.seats.insert(n, d.seats.to_string());
                            if d.remote {
                                next.remote.insert(n);
                            }
                            for u in &d.units {
                                next.assignment.insert(u.clone(), n);
                            }
                        }
                        input = next;
                        (None, StatusCode::OK)
                    }
                    Err(e) => (
                        Some(lang.t_args(
                            "districts-propose-failed",
                            &[("reason", no_scheme_reason(lang, &e))],
                        )),
                        StatusCode::UNPROCESSABLE_ENTITY,
                    ),
                };
            Ok(with_status(
                status,
                editor_page(
                    &state,
                    ctx,
                    &c,
                    &actor,
                    &input,
                    Feedback {
                        checked: true,
                        message,
                        notice: None,
                        deadline,
                    },
                ),
            ))
        }
        "save" | "submit" => {
            let districts = input.districts(&c.units);
            let saved = app::save_draft(state.store.as_ref(), &c, &actor, districts, now).await;
            let result = match (saved, action) {
                (Ok(_), "save") => Ok("saved"),
                (Ok(record), _) => {
                    let mut after = c.clone();
                    after.scheme = Some(record);
                    app::submit(state.store.as_ref(), &after, &actor, params, now)
                        .await
                        .map(|_| "submitted")
                }
                (Err(e), _) => Err(e),
            };
            match result {
                Ok(done) => Ok(Redirect::to(&format!(
                    "/councils/{}/districts?done={done}",
                    c.council.id
                ))
                .into_response()),
                Err(e) => {
                    // A refusal is the user's business; a failing store is the operator's.
                    if let DistrictError::Store(s) = &e
                        && !matches!(s, StoreError::Duplicate { .. })
                    {
                        crate::kit::fail::log(s);
                    }
                    let status = district_status(&e);
                    let message = district_message(lang, &e);
                    // Reload: a save may have gone through before a submission was refused.
                    let c = load(&state, lang, &id).await?;
                    Ok(with_status(
                        status,
                        editor_page(
                            &state,
                            ctx,
                            &c,
                            &actor,
                            &input,
                            Feedback {
                                checked: true,
                                message: Some(message),
                                notice: None,
                                deadline,
                            },
                        ),
                    ))
                }
            }
        }
        _ => Ok(editor_page(
            &state,
            ctx,
            &c,
            &actor,
            &input,
            Feedback {
                checked: true,
                message: None,
                notice: None,
                deadline,
            },
        )),
    }
}

// --- the CEC's review ---

pub struct ReviewRow {
    pub council_id: String,
    pub council_name: String,
    pub version: u32,
    pub author: String,
    pub submitted_at: String,
    pub districts: usize,
}

#[derive(Template)]
#[template(path = "districts_review.html")]
struct ReviewTemplate {
    ctx: PageCtx,
    rows: Vec<ReviewRow>,
    message: Option<String>,
    notice: Option<String>,
}

async fn review_page(
    state: &AppState,
    ctx: PageCtx,
    message: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageFail> {
    let lang = ctx.lang;
    let schemes = state
        .store
        .district_schemes(Some(SchemeStatus::Submitted))
        .await
        .map_err(|e| district_fail(lang, e.into()))?;
    let mut rows = Vec::new();
    for s in schemes {
        let name = match state.store.council(&s.council).await {
            Ok(Some(c)) => c.name.get(lang.code()).to_owned(),
            _ => s.council.to_string(),
        };
        rows.push(ReviewRow {
            council_id: s.council.to_string(),
            council_name: name,
            version: s.version,
            author: s.author.clone(),
            submitted_at: s.submitted_at.map(fmt_instant).unwrap_or_default(),
            districts: s.districts.len(),
        });
    }
    Ok(render(&ReviewTemplate {
        ctx,
        rows,
        message,
        notice,
    }))
}

async fn review(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    if !staff.actor().is_cec_admin() {
        return Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden"));
    }
    let notice = q
        .get("done")
        .filter(|d| matches!(d.as_str(), "approved" | "returned"))
        .map(|d| lang.t(&format!("districts-notice-{d}")));
    review_page(&state, ctx, None, notice).await
}

#[derive(Debug, serde::Deserialize)]
struct DecisionInput {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    action: String,
    #[serde(default)]
    comment: String,
}

async fn decision(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    form: Result<Form<DecisionInput>, FormRejection>,
) -> PageResult {
    let lang = ctx.lang;
    let Form(input) = form.map_err(|_| PageFail::new(lang, StatusCode::BAD_REQUEST, "bad_form"))?;
    let staff = ctx.require_staff()?.clone();
    check_csrf(lang, &staff, input.csrf.as_deref())?;
    let actor = staff.actor();
    if !actor.is_cec_admin() {
        return Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden"));
    }
    let c = load(&state, lang, &id).await?;
    let now = state.now();
    let store = state.store.as_ref();
    let result = match input.action.as_str() {
        "approve" => app::approve(store, &c, &actor, now)
            .await
            .map(|_| "approved"),
        "return" => app::return_scheme(store, &c, &actor, &input.comment, now)
            .await
            .map(|_| "returned"),
        _ => return Err(PageFail::new(lang, StatusCode::BAD_REQUEST, "bad_form")),
    };
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/districts/review?done={done}")).into_response()),
        Err(e) => {
            let status = district_status(&e);
            let message = district_message(lang, &e);
            review_page(&state, ctx, Some(message), None)
                .await
                .map(|r| with_status(status, r))
        }
    }
}

// --- public pages ---

pub struct PublicRow {
    pub council_id: String,
    pub council_name: String,
    pub districts: usize,
    pub seats: u32,
    pub reserved: u32,
    pub approved_at: String,
}

#[derive(Template)]
#[template(path = "districts_list.html")]
struct ListTemplate {
    ctx: PageCtx,
    rows: Vec<PublicRow>,
}

async fn public_list(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let lang = ctx.lang;
    let schemes = state
        .store
        .district_schemes(Some(SchemeStatus::Approved))
        .await
        .map_err(|e| district_fail(lang, e.into()))?;
    let params = &state.config.rule_parameters;
    let mut rows = Vec::new();
    for s in schemes {
        let name = match state.store.council(&s.council).await {
            Ok(Some(c)) => c.name.get(lang.code()).to_owned(),
            _ => s.council.to_string(),
        };
        rows.push(PublicRow {
            council_id: s.council.to_string(),
            council_name: name,
            districts: s.districts.len(),
            seats: s.districts.iter().map(|d| d.seats).sum(),
            reserved: s
                .districts
                .iter()
                .map(|d| shailoo_domain::district::reserved_for_women(d.seats, params))
                .sum(),
            approved_at: s.decided_at.map(fmt_instant).unwrap_or_default(),
        });
    }
    Ok(render(&ListTemplate { ctx, rows }))
}

/// A council with its approved scheme (404 when none is approved).
async fn approved(
    state: &AppState,
    lang: Lang,
    id: &str,
) -> Result<(CouncilDistricting, SchemeRecord), PageFail> {
    let c = load(state, lang, id).await?;
    match c.scheme.clone() {
        Some(s) if s.status == SchemeStatus::Approved => Ok((c, s)),
        _ => Err(PageFail::new(lang, StatusCode::NOT_FOUND, "not_found")),
    }
}

#[derive(Template)]
#[template(path = "districts_approved.html")]
struct ApprovedTemplate {
    ctx: PageCtx,
    council_id: String,
    council_name: String,
    election_name: String,
    approved_at: String,
    rows: Vec<DistrictRow>,
    totals: Totals,
    svg: String,
}

async fn approved_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let lang = ctx.lang;
    let (c, s) = approved(&state, lang, &id).await?;
    let report = c.check(&s.districts, &state.config.rule_parameters);
    let (rows, mut totals) = figures(lang, &c.units, &s.districts, &BTreeMap::new(), &report);
    totals.seats_council = c.council.seats.get();
    let district_of: HashMap<&UnitId, u32> = s
        .districts
        .iter()
        .flat_map(|d| {
            let n = d.id.as_str().parse::<u32>().unwrap_or(0);
            d.units.iter().map(move |u| (u, n))
        })
        .collect();
    Ok(render(&ApprovedTemplate {
        council_id: c.council.id.to_string(),
        council_name: c.council.name.get(lang.code()).to_owned(),
        election_name: c.election.name.get(lang.code()).to_owned(),
        approved_at: s.decided_at.map(fmt_instant).unwrap_or_default(),
        rows,
        totals,
        svg: svg(&c.units, &district_of, lang, "approved"),
        ctx,
    }))
}

// --- open data ---

/// One unit of a published district.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeUnitDto {
    #[schema(example = "4012-kara-suu")]
    pub id: String,
    pub settlement: Option<String>,
    pub station: Option<u32>,
    pub voters: u64,
    pub remote: bool,
    /// Where the unit is drawn: km east and north of the council's centre (synthetic; no real
    /// geometry is held).
    pub x_km: f64,
    pub y_km: f64,
}

/// One district of an approved scheme (DIS-02) with its reserved mandates (DIS-04).
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeDistrictDto {
    #[schema(example = "1")]
    pub id: String,
    pub seats: u32,
    pub reserved_for_women: u32,
    /// The 20% allowance is claimed (DIS-01).
    pub remote: bool,
    pub voters: u64,
    /// Signed deviation of voters per mandate from the norm, percent with 2 decimals.
    pub deviation_percent: Option<f64>,
    pub units: Vec<SchemeUnitDto>,
}

/// The approved district scheme of an aiyl council.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeDto {
    pub council: String,
    pub election: String,
    pub version: u32,
    /// RFC 3339 instant of the CEC's approval.
    pub approved_at: Option<String>,
    pub seats: u32,
    pub council_voters: u64,
    /// DIS-04: reserved mandates of the whole council.
    pub reserved_for_women: u64,
    pub districts: Vec<SchemeDistrictDto>,
}

fn scheme_dto(c: &CouncilDistricting, s: &SchemeRecord, state: &AppState) -> SchemeDto {
    let report = c.check(&s.districts, &state.config.rule_parameters);
    let units: HashMap<&UnitId, &DistrictingUnit> = c.units.iter().map(|u| (&u.id, u)).collect();
    SchemeDto {
        council: c.council.id.to_string(),
        election: c.election.id.to_string(),
        version: s.version,
        approved_at: s.decided_at.map(|t| t.to_string()),
        seats: c.council.seats.get(),
        council_voters: report.council_voters,
        reserved_for_women: report.reserved_total,
        districts: s
            .districts
            .iter()
            .map(|d| {
                let summary = report.districts.iter().find(|x| x.id == d.id);
                SchemeDistrictDto {
                    id: d.id.to_string(),
                    seats: d.seats,
                    reserved_for_women: summary.map_or(0, |x| x.reserved_for_women),
                    remote: d.remote,
                    voters: summary.map_or(0, |x| x.voters),
                    deviation_percent: summary
                        .and_then(|x| x.deviation_bp)
                        .map(|bp| bp as f64 / 100.0),
                    units: d
                        .units
                        .iter()
                        .filter_map(|u| units.get(u))
                        .map(|u| SchemeUnitDto {
                            id: u.id.to_string(),
                            settlement: u.settlement.as_ref().map(ToString::to_string),
                            station: u.station.map(|s| s.get()),
                            voters: u.voters,
                            remote: u.remote,
                            x_km: u.x_km,
                            y_km: u.y_km,
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// The approved district scheme of an aiyl council (DIS-02), with each district's units,
/// mandates and reserved mandates (DIS-04).
#[utoipa::path(get, path = "/api/v1/councils/{id}/districts", tag = "councils",
    params(("id" = String, Path, description = "Aiyl council id"), crate::kit::LangQuery),
    responses(
        (status = 200, description = "The approved scheme", body = SchemeDto),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such aiyl council, or no approved scheme", body = ErrorBody),
    ))]
pub async fn api_districts(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
) -> Result<Json<SchemeDto>, ApiError> {
    let id = CouncilId::parse(&id).map_err(|_| ApiError::bad(lang, "bad_id", "id"))?;
    let c = app::council_districting(state.store.as_ref(), &id)
        .await
        .map_err(|e| match e {
            DistrictError::Store(e) => ApiError::store(lang, e),
            _ => ApiError::not_found(lang),
        })?;
    match &c.scheme {
        Some(s) if s.status == SchemeStatus::Approved => Ok(Json(scheme_dto(&c, s, &state))),
        _ => Err(ApiError::not_found(lang)),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// One row per unit of the approved scheme, with its district's figures.
async fn open_csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = id.strip_suffix(".csv").unwrap_or(&id).to_owned();
    let (c, s) = approved(&state, ctx.lang, &id).await?;
    let dto = scheme_dto(&c, &s, &state);
    let mut out = String::from(
        "council,election,district,district_seats,district_reserved_for_women,district_remote,\
         district_voters,district_deviation_percent,unit,settlement,station,unit_voters,unit_remote\n",
    );
    for d in &dto.districts {
        for u in &d.units {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{}",
                csv_field(&dto.council),
                csv_field(&dto.election),
                csv_field(&d.id),
                d.seats,
                d.reserved_for_women,
                d.remote,
                d.voters,
                d.deviation_percent
                    .map(|p| format!("{p:.2}"))
                    .unwrap_or_default(),
                csv_field(&u.id),
                csv_field(u.settlement.as_deref().unwrap_or_default()),
                u.station.map(|s| s.to_string()).unwrap_or_default(),
                u.voters,
                u.remote,
            );
        }
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"districts.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

/// The units of the approved scheme as GeoJSON Point features with their district. The points
/// are the synthetic drawing positions (km east/north of the council's centre), not WGS 84:
/// the data hold no real geometry, which a foreign member of the collection says.
async fn open_geojson(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = id.strip_suffix(".geojson").unwrap_or(&id).to_owned();
    let (c, s) = approved(&state, ctx.lang, &id).await?;
    let dto = scheme_dto(&c, &s, &state);
    let features: Vec<serde_json::Value> = dto
        .districts
        .iter()
        .flat_map(|d| {
            d.units.iter().map(move |u| {
                serde_json::json!({
                    "type": "Feature",
                    "id": u.id,
                    "geometry": {"type": "Point", "coordinates": [u.x_km, u.y_km]},
                    "properties": {
                        "unit": u.id,
                        "district": d.id,
                        "district_seats": d.seats,
                        "district_reserved_for_women": d.reserved_for_women,
                        "settlement": u.settlement,
                        "station": u.station,
                        "voters": u.voters,
                        "remote": u.remote,
                    }
                })
            })
        })
        .collect();
    let body = serde_json::json!({
        "type": "FeatureCollection",
        "council": dto.council,
        "election": dto.election,
        "coordinates_note": "Points only: synthetic drawing positions in km east and north of \
            the council's centre, not WGS 84 longitude/latitude; no unit boundaries are held.",
        "features": features,
    });
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        body.to_string(),
    )
        .into_response())
}

pub(crate) fn feature() -> crate::features::Feature {
    crate::features::Feature {
        name: "districts",
        pages: routes(),
        api: utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(api_districts)),
    }
}
