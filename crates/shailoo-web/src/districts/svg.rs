//! The picture of a scheme: the unit adjacency graph, units at their points, borders as lines,
//! each unit a circle in its district's colour with the district number inside, and a title
//! and a description for screen readers. The geometry is computed here; the markup is a
//! template (`templates/scheme.svg`), so every text is escaped by askama.

use crate::districts::figures::colour;
use crate::kit::Lang;
use askama::Template;
use shailoo_app::districts::DistrictingUnit;
use shailoo_domain::district::UnitId;
use std::collections::HashMap;

const W: f64 = 640.0;
const H: f64 = 440.0;
const PAD: f64 = 28.0;

/// A border between two units: bold and grey inside a district, thin and dashed between
/// districts, so that the districts' outlines show without any polygon.
struct Border {
    x1: String,
    y1: String,
    x2: String,
    y2: String,
    inside: bool,
}

/// A unit on the picture.
struct Dot {
    /// Its № in the table beside the picture.
    index: usize,
    x: String,
    y: String,
    index_x: String,
    index_y: String,
    text_y: String,
    /// "unit — district: n · voters: v".
    title: String,
    fill: &'static str,
    remote: bool,
    /// The district number, or "–".
    label: String,
}

#[derive(Template)]
#[template(path = "districts/templates/scheme.svg")]
struct SchemeSvg<'a> {
    id: &'a str,
    title: String,
    desc: String,
    borders: Vec<Border>,
    dots: Vec<Dot>,
}

/// Where units are drawn: the bounding box of their points scaled into the frame and centred;
/// north is up (y grows downwards in SVG).
struct Frame {
    x0: f64,
    y0: f64,
    scale: f64,
    dx: f64,
    dy: f64,
}

impl Frame {
    fn of(units: &[DistrictingUnit]) -> Frame {
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for u in units {
            x0 = x0.min(u.x_km);
            x1 = x1.max(u.x_km);
            y0 = y0.min(u.y_km);
            y1 = y1.max(u.y_km);
        }
        let scale =
            ((W - 2.0 * PAD) / (x1 - x0).max(0.1)).min((H - 2.0 * PAD) / (y1 - y0).max(0.1));
        Frame {
            x0,
            y0,
            scale,
            dx: (W - 2.0 * PAD - (x1 - x0) * scale) / 2.0,
            dy: (H - 2.0 * PAD - (y1 - y0) * scale) / 2.0,
        }
    }

    fn at(&self, u: &DistrictingUnit) -> (f64, f64) {
        (
            PAD + self.dx + (u.x_km - self.x0) * self.scale,
            H - PAD - self.dy - (u.y_km - self.y0) * self.scale,
        )
    }
}

fn coord(v: f64) -> String {
    format!("{v:.1}")
}

fn borders(
    units: &[DistrictingUnit],
    district_of: &HashMap<&UnitId, u32>,
    frame: &Frame,
) -> Vec<Border> {
    let index: HashMap<&UnitId, &DistrictingUnit> = units.iter().map(|u| (&u.id, u)).collect();
    let district = |u: &UnitId| district_of.get(u).copied().filter(|d| *d > 0);
    let mut out = Vec::new();
    for u in units {
        for n in u.neighbors.iter().filter(|n| *n > &u.id) {
            let Some(v) = index.get(n) else { continue };
            let (a, b) = (frame.at(u), frame.at(v));
            out.push(Border {
                x1: coord(a.0),
                y1: coord(a.1),
                x2: coord(b.0),
                y2: coord(b.1),
                inside: district(&u.id).is_some() && district(&u.id) == district(n),
            });
        }
    }
    out
}

/// The picture as SVG markup (empty when the council has no units). `id` prefixes the ids of
/// its title and description, so that two pictures can share a page.
pub(super) fn svg(
    units: &[DistrictingUnit],
    district_of: &HashMap<&UnitId, u32>,
    lang: Lang,
    id: &str,
) -> String {
    if units.is_empty() {
        return String::new();
    }
    let frame = Frame::of(units);
    let district_col = lang.t("districts-col-district");
    let voters_col = lang.t("districts-col-voters");
    let dots = units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let (x, y) = frame.at(u);
            let d = district_of.get(&u.id).copied().unwrap_or(0);
            let label = if d == 0 {
                "–".to_owned()
            } else {
                d.to_string()
            };
            Dot {
                index: i + 1,
                x: coord(x),
                y: coord(y),
                index_x: coord(x + 13.0),
                index_y: coord(y - 9.0),
                text_y: coord(y + 4.0),
                title: format!(
                    "{} — {district_col}: {label} · {voters_col}: {}",
                    u.label(lang.code()),
                    u.voters
                ),
                fill: colour(d),
                remote: u.remote,
                label,
            }
        })
        .collect();
    let picture = SchemeSvg {
        id,
        title: lang.t("districts-map-title"),
        desc: lang.t("districts-map-desc"),
        borders: borders(units, district_of, &frame),
        dots,
    };
    picture.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "drawing a district scheme failed");
        String::new()
    })
}
