//! The country map of the public results (issue 15: "a map of the country with each council's
//! turnout and leader, drawn from real geography shipped with the project"), i15-scan-map:
//! `GET /results/{election}/map` draws Kyrgyzstan's outline (Natural Earth) and a circle at
//! each council's seat (GeoNames coordinates), coloured by the option leading its count and
//! sized by its turnout, as inline SVG drawn on the server (no tile server, no script).
//!
//! The geography is `assets/geo/kg.json`, made by `scripts/geo/kg.sh` from registry packages
//! and committed. A council whose seat has no known coordinates (an aiyl council, or a town
//! GeoNames does not list) is not drawn but listed under the map; the table below the map
//! holds every council's figures, for readers who do not see the picture.

use super::public::{self, Counted};
use crate::AppState;
use crate::kit::cache::PublicCache;
use crate::kit::format::{name, percent};
use crate::kit::{Lang, PageCtx, PageFail, PageResult};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::Deserialize;
use shailoo_app::results::ResultsError;
use shailoo_domain::ElectionId;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

/// The geography shipped with the project (see `scripts/geo/kg.sh`).
#[derive(Debug, Deserialize)]
struct Geo {
    /// Outer rings of the country's outline, as `[longitude, latitude]`.
    outline: Vec<Vec<[f64; 2]>>,
    /// The seats of the councils whose coordinates are known.
    settlements: Vec<Seat>,
}

#[derive(Debug, Deserialize)]
struct Seat {
    council: String,
    name: String,
    lon: f64,
    lat: f64,
}

/// Parsed once; a unit test proves the shipped file parses, so `None` only if it was broken
/// after the build's tests (the map is then drawn without geography, every council listed).
static GEO: LazyLock<Option<Geo>> =
    LazyLock::new(|| serde_json::from_str(include_str!("../../assets/geo/kg.json")).ok());

const WIDTH: f64 = 800.0;
const MARGIN: f64 = 12.0;

/// An equirectangular projection fitted to the outline, its east-west scale shrunk by the
/// cosine of the middle latitude so the country keeps its shape.
struct Projection {
    west: f64,
    north: f64,
    x_scale: f64,
    y_scale: f64,
    height: f64,
}

impl Projection {
    fn fit(outline: &[Vec<[f64; 2]>]) -> Projection {
        let points = outline.iter().flatten();
        let (mut west, mut east, mut south, mut north) =
            (180.0_f64, -180.0_f64, 90.0_f64, -90.0_f64);
        for [lon, lat] in points {
            west = west.min(*lon);
            east = east.max(*lon);
            south = south.min(*lat);
            north = north.max(*lat);
        }
        if west >= east || south >= north {
            // No outline: Kyrgyzstan's bounding box.
            (west, east, south, north) = (69.2, 80.3, 39.1, 43.3);
        }
        let squash = ((south + north) / 2.0).to_radians().cos();
        let y_scale = (WIDTH - 2.0 * MARGIN) / ((east - west) * squash);
        Projection {
            west,
            north,
            x_scale: y_scale * squash,
            y_scale,
            height: (north - south) * y_scale + 2.0 * MARGIN,
        }
    }

    fn point(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            MARGIN + (lon - self.west) * self.x_scale,
            MARGIN + (self.north - lat) * self.y_scale,
        )
    }

    /// An SVG path of the rings.
    fn path(&self, rings: &[Vec<[f64; 2]>]) -> String {
        let mut d = String::new();
        for ring in rings {
            for (i, [lon, lat]) in ring.iter().enumerate() {
                let (x, y) = self.point(*lon, *lat);
                d.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }));
            }
            d.push('Z');
        }
        d
    }
}

/// Colours of the leaders, in the order of how many councils each leads; the rest share grey.
const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
];
const OTHER: &str = "#7f7f7f";

/// The option with the most votes over a council's contests (its first in ballot order on a
/// tie), by id and name; `None` before any vote is counted.
fn leader(c: &Counted, lang: Lang) -> Option<(String, String)> {
    let mut votes: Vec<(String, String, u64)> = Vec::new();
    for o in c.results.contests.iter().flat_map(|k| &k.options) {
        match votes.iter_mut().find(|(id, _, _)| *id == o.id) {
            Some(v) => v.2 += o.votes,
            None => votes.push((o.id.clone(), name(&o.name, lang), o.votes)),
        }
    }
    let top = votes.iter().map(|v| v.2).max().filter(|v| *v > 0)?;
    votes
        .into_iter()
        .find(|v| v.2 == top)
        .map(|(id, n, _)| (id, n))
}

struct Marker {
    council: String,
    x: String,
    y: String,
    r: String,
    colour: &'static str,
    /// No accepted protocol yet: drawn hollow.
    empty: bool,
    title: String,
}

struct Row {
    council: String,
    name: String,
    seat: Option<String>,
    turnout: String,
    leader: String,
    colour: &'static str,
    accepted: u64,
    expected: u64,
}

#[derive(Template)]
#[template(path = "results/templates/public_map.html")]
struct MapTemplate {
    ctx: PageCtx,
    election: String,
    election_name: String,
    width: String,
    height: String,
    outline: String,
    markers: Vec<Marker>,
    legend: Vec<(String, &'static str)>,
    rows: Vec<Row>,
    /// Councils not drawn: their seat's coordinates are unknown.
    unplaced: Vec<(String, String)>,
}

/// The leaders' colours, the most frequent leader first.
fn colours(
    leaders: &[Option<(String, String)>],
) -> (HashMap<String, &'static str>, Vec<(String, &'static str)>) {
    let mut count: Vec<(String, String, usize)> = Vec::new();
    for (id, n) in leaders.iter().flatten() {
        match count.iter_mut().find(|c| c.0 == *id) {
            Some(c) => c.2 += 1,
            None => count.push((id.clone(), n.clone(), 1)),
        }
    }
    count.sort_by_key(|c| std::cmp::Reverse(c.2));
    let mut by_id = HashMap::new();
    let mut legend = Vec::new();
    for (i, (id, n, _)) in count.into_iter().enumerate() {
        let colour = PALETTE.get(i).copied().unwrap_or(OTHER);
        by_id.insert(id, colour);
        if colour != OTHER {
            legend.push((n, colour));
        }
    }
    (by_id, legend)
}

/// Turnout as a share in ‰ (for the circle's size), `None` without voters on the lists.
fn turnout_permille(c: &Counted) -> Option<u64> {
    (c.listed > 0).then(|| c.results.took_part.saturating_mul(1000) / c.listed)
}

/// A marker's place and size: at the seat, its area growing with turnout (4 px at none, 14
/// px at all).
fn place(projection: &Projection, seat: &Seat, turnout_permille: Option<u64>) -> Marker {
    let (x, y) = projection.point(seat.lon, seat.lat);
    let share = turnout_permille.unwrap_or(0).min(1000) as f64 / 1000.0;
    Marker {
        council: String::new(),
        x: format!("{x:.1}"),
        y: format!("{y:.1}"),
        r: format!("{:.1}", 4.0 + 10.0 * share.sqrt()),
        colour: OTHER,
        empty: true,
        title: String::new(),
    }
}

/// The map page of an election's councils.
fn map_page(
    ctx: PageCtx,
    election: &ElectionId,
    election_name: String,
    councils: &[Counted],
) -> MapTemplate {
    let lang = ctx.lang;
    let geo = GEO.as_ref();
    let outline = geo.map_or(&[][..], |g| &g.outline[..]);
    let projection = Projection::fit(outline);
    let seats: HashMap<&str, &Seat> = geo
        .map(|g| {
            g.settlements
                .iter()
                .map(|s| (s.council.as_str(), s))
                .collect()
        })
        .unwrap_or_default();
    let leaders: Vec<Option<(String, String)>> = councils.iter().map(|c| leader(c, lang)).collect();
    let (colour_of, legend) = colours(&leaders);
    let (mut markers, mut rows, mut unplaced) = (Vec::new(), Vec::new(), Vec::new());
    for (c, lead) in councils.iter().zip(&leaders) {
        let r = &c.results;
        let council = r.council.to_string();
        let council_name = name(&r.name, lang);
        let colour = lead
            .as_ref()
            .and_then(|(id, _)| colour_of.get(id).copied())
            .unwrap_or(OTHER);
        let turnout = percent(lang, r.took_part, c.listed).unwrap_or_default();
        let leader_name = lead.as_ref().map(|(_, n)| n.clone()).unwrap_or_default();
        let seat = seats.get(council.as_str());
        match seat {
            Some(s) => markers.push(Marker {
                title: format!("{council_name}: {turnout} · {leader_name}"),
                council: council.clone(),
                colour,
                empty: lead.is_none(),
                ..place(&projection, s, turnout_permille(c))
            }),
            None => unplaced.push((council.clone(), council_name.clone())),
        }
        rows.push(Row {
            seat: seat.map(|s| s.name.clone()),
            council,
            name: council_name,
            turnout,
            leader: leader_name,
            colour,
            accepted: r.protocols_accepted,
            expected: r.protocols_expected,
        });
    }
    MapTemplate {
        election: election.to_string(),
        election_name,
        width: format!("{WIDTH:.0}"),
        height: format!("{:.0}", projection.height),
        outline: projection.path(outline),
        markers,
        legend,
        rows,
        unplaced,
        ctx,
    }
}

/// `GET /results/{election}/map`.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(election_id): Path<String>,
) -> PageResult {
    let lang = ctx.lang;
    let election_id = ElectionId::parse(&election_id).map_err(|_| PageFail::not_found(lang))?;
    let version = public::version(&state, lang).await?;
    let key = PublicCache::page_key(&ctx);
    let make = async {
        let found = state
            .store
            .election(&election_id)
            .await
            .map_err(|e| Arc::new(ResultsError::Store(e)))?
            .ok_or_else(|| Arc::new(ResultsError::UnknownElection(election_id.clone())))?;
        let councils = public::election(&state, version, &election_id).await?;
        public::html(&map_page(
            ctx,
            &election_id,
            name(&found.name, lang),
            &councils,
        ))
    };
    state
        .public_cache
        .answer(key, version, &headers, make)
        .await
        .map_err(|f| public::page_fail(lang, &f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_geography_parses_and_places_the_capital_inside_the_outline() {
        let geo = GEO.as_ref().expect("assets/geo/kg.json parses");
        assert!(geo.outline.iter().map(Vec::len).sum::<usize>() > 100);
        let bishkek = geo
            .settlements
            .iter()
            .find(|s| s.council == "bishkek-city")
            .expect("Bishkek's seat is known");
        let p = Projection::fit(&geo.outline);
        let (x, y) = p.point(bishkek.lon, bishkek.lat);
        // Bishkek lies in the north of the country, west of its middle.
        assert!(x > MARGIN && x < WIDTH / 2.0, "x = {x}");
        assert!(y > MARGIN && y < p.height / 2.0, "y = {y}");
        let osh = geo
            .settlements
            .iter()
            .find(|s| s.council == "osh-city")
            .expect("Osh");
        let (_, osh_y) = p.point(osh.lon, osh.lat);
        assert!(osh_y > y, "Osh is south of Bishkek");
    }
}
