//! A scheme's figures as the pages show them: per district the voters, voters per mandate,
//! the deviation from the norm with its level against the limit (DIS-01), contiguity (DIS-03)
//! and the reserved mandates (DIS-04); and the council's totals with the findings in words.

use crate::kit::Lang;
use shailoo_app::districts::DistrictingUnit;
use shailoo_domain::district::{District, SchemeFinding, SchemeReport, UnitId};
use shailoo_domain::params::Coded;
use std::collections::{BTreeMap, HashMap};

/// Colours of districts on the picture: distinct, and readable with black labels.
const PALETTE: [&str; 12] = [
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5",
    "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f",
];
const UNASSIGNED: &str = "#ffffff";

pub(super) fn colour(n: u32) -> &'static str {
    if n == 0 {
        UNASSIGNED
    } else {
        PALETTE[(n as usize - 1) % PALETTE.len()]
    }
}

/// One district's figures as the page shows them.
pub(crate) struct DistrictRow {
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
pub(crate) struct Totals {
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

pub(super) fn pct(bp: i64) -> String {
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

/// One district's row of the table.
fn district_row(
    lang: Lang,
    d: &District,
    report: &SchemeReport,
    seats_input: &BTreeMap<u32, String>,
    labels: &HashMap<&UnitId, String>,
) -> DistrictRow {
    let number: u32 = d.id.as_str().parse().unwrap_or(0);
    let summary = report.districts.iter().find(|s| s.id == d.id);
    let parts = report.errors.iter().find_map(|f| match f {
        SchemeFinding::NotContiguous { district, parts } if district == &d.id => Some(*parts),
        _ => None,
    });
    let dash = || "—".to_owned();
    let (voters, per_mandate, deviation, lvl, reserved) = match summary {
        Some(s) => (
            s.voters.to_string(),
            s.voters_per_mandate
                .map(|r| format!("{:.1}", r.numerator as f64 / r.denominator as f64))
                .unwrap_or_else(dash),
            s.deviation_bp.map(pct).unwrap_or_else(dash),
            if d.units.is_empty() {
                "over"
            } else {
                level(s.deviation_bp, s.limit_percent)
            },
            s.reserved_for_women.to_string(),
        ),
        None => ("0".to_owned(), dash(), dash(), "over", dash()),
    };
    let limit = summary.map_or(15, |s| s.limit_percent);
    DistrictRow {
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
            None if d.units.is_empty() => dash(),
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
    }
}

/// The rows of the districts and the council's totals (its seats are the caller's to set).
pub(super) fn figures(
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
    let rows = districts
        .iter()
        .map(|d| district_row(lang, d, report, seats_input, &labels))
        .collect();
    let findings = |list: &[SchemeFinding]| list.iter().map(|f| finding_text(lang, f)).collect();
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
        errors: findings(&report.errors),
        warnings: findings(&report.warnings),
    };
    (rows, totals)
}
