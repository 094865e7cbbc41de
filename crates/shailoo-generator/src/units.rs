//! Districting units of every aiyl council, with voters, remote flags, borders and a point to
//! draw each at: the input of automatic district design (DIS-03, issue 5).
//!
//! A unit is the part of one settlement that one polling station serves: a whole settlement
//! when a single station serves it, else one of its station areas (DIS-03 allows "whole
//! settlements / station areas"). In the national data this gives about 11 units per council,
//! against the about 5.5 districts per council of 2024 (1,259 for 231 councils).
//!
//! The generator has no real geography, so a synthetic, deterministic one is drawn from the
//! seed: each council's settlements are placed at pseudo-random points around its centre (the
//! first settlement), and two settlements border each other when they are neighbours in the
//! Gabriel graph of those points (connected, planar, and what "nearby" looks like on a map);
//! the two closest units of bordering settlements share the border. Inside a settlement the
//! station areas lie on a small grid in street order, each bordering the next. In mountain
//! aimaks (more often in Naryn and Batken) the settlements farther out than the median are
//! remote: their districts may claim the 20% allowance (DIS-01).
//!
//! Voters are the persons of the unit's streets times [`ELIGIBLE_SHARE`] (fast, for all
//! councils in well under a second), or counted exactly by streaming the register once
//! ([`eligible_per_street`], a few seconds in release for the national register).

use crate::Generator;
use crate::persons::{ELIGIBLE_SHARE, row_is_eligible};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shailoo_domain::district::UnitId;
use shailoo_domain::territory::CouncilKind;
use shailoo_domain::{CouncilId, StationNumber, TerritoryId};
use shailoo_formats::{CouncilUnits, DistrictUnit};
use std::collections::HashMap;

/// The share of aiyl aimaks in the mountains, by region id: remote settlements are drawn only
/// there. Illustrative, not statistics (none were found); Naryn and Batken are the most
/// mountainous regions.
const MOUNTAIN_SHARE: [(&str, f64); 7] = [
    ("naryn", 0.6),
    ("batken", 0.45),
    ("issyk-kul", 0.35),
    ("talas", 0.3),
    ("jalal-abad", 0.3),
    ("osh-region", 0.3),
    ("chui", 0.1),
];

/// Distance between neighbouring station areas of one settlement, km.
const AREA_SPACING_KM: f64 = 0.6;

/// Eligible persons per street of the plan (index-aligned with
/// [`Generator::station_areas`]), counted exactly by streaming the whole register once.
pub fn eligible_per_street(generator: &Generator) -> Vec<u32> {
    let mut stream = generator.persons();
    generator
        .plan
        .streets
        .iter()
        .map(|street| {
            let mut eligible = 0;
            for _ in 0..street.persons {
                if stream.next_row().is_some_and(|row| row_is_eligible(&row)) {
                    eligible += 1;
                }
            }
            eligible
        })
        .collect()
}

/// The districting units of every aiyl council, in the order of the setup's councils, with
/// voters estimated as persons × [`ELIGIBLE_SHARE`].
pub fn district_units(generator: &Generator) -> Vec<CouncilUnits> {
    derive(generator, None)
}

/// As [`district_units`], with voters counted from `eligible` (from [`eligible_per_street`]).
pub fn district_units_counted(generator: &Generator, eligible: &[u32]) -> Vec<CouncilUnits> {
    derive(generator, Some(eligible))
}

/// A run of consecutive streets of one settlement served by one station.
struct Piece {
    settlement: usize,
    station: StationNumber,
    persons: u64,
    eligible: u64,
}

fn derive(generator: &Generator, eligible: Option<&[u32]>) -> Vec<CouncilUnits> {
    let plan = &generator.plan;
    let setup = &plan.setup;
    let council_of_station: HashMap<StationNumber, usize> = {
        let index: HashMap<&CouncilId, usize> = setup
            .councils
            .iter()
            .enumerate()
            .map(|(i, c)| (&c.id, i))
            .collect();
        setup
            .stations
            .iter()
            .filter_map(|s| index.get(&s.council).map(|&i| (s.number, i)))
            .collect()
    };
    let territory: HashMap<&TerritoryId, usize> = setup
        .territories
        .iter()
        .enumerate()
        .map(|(i, t)| (&t.id, i))
        .collect();

    let pieces = pieces_by_council(generator, &council_of_station, eligible);

    // The geography has its own random stream: the plan used stream 0, the register 1.
    let mut rng = ChaCha8Rng::seed_from_u64(generator.seed);
    rng.set_stream(2);
    let mut out = Vec::new();
    for (c, council) in setup.councils.iter().enumerate() {
        if council.kind != CouncilKind::Aiyl || pieces[c].is_empty() {
            continue;
        }
        let region = region_of(setup, &territory, &council.territory);
        let mountain_share = MOUNTAIN_SHARE
            .iter()
            .find(|(id, _)| Some(*id) == region.as_deref())
            .map_or(0.2, |(_, share)| *share);
        let units = council_units(
            &pieces[c],
            &setup.territories,
            eligible.is_some(),
            mountain_share,
            &mut rng,
        );
        out.push(CouncilUnits {
            council: council.id.clone(),
            seats: council.seats,
            units,
        });
    }
    out
}

/// Each council's (settlement, station) pieces, with their persons and (when counted) their
/// voters on the lists. Streets of one settlement are consecutive, and stations take
/// consecutive streets, so every piece is one run.
fn pieces_by_council(
    generator: &Generator,
    council_of_station: &HashMap<StationNumber, usize>,
    eligible: Option<&[u32]>,
) -> Vec<Vec<Piece>> {
    let plan = &generator.plan;
    let mut pieces: Vec<Vec<Piece>> = (0..plan.setup.councils.len()).map(|_| Vec::new()).collect();
    let mut last: Option<(usize, usize, StationNumber)> = None;
    for (i, (street, area)) in plan.streets.iter().zip(&plan.areas).enumerate() {
        let Some(&council) = council_of_station.get(&area.station) else {
            continue;
        };
        let settlement = street.settlement as usize;
        let persons = u64::from(street.persons);
        let counted = eligible.map_or(0, |e| u64::from(e.get(i).copied().unwrap_or(0)));
        let list = &mut pieces[council];
        match (last, list.last_mut()) {
            (Some((c, s, st)), Some(p))
                if c == council && s == settlement && st == area.station =>
            {
                p.persons += persons;
                p.eligible += counted;
            }
            _ => list.push(Piece {
                settlement,
                station: area.station,
                persons,
                eligible: counted,
            }),
        }
        last = Some((council, settlement, area.station));
    }
    pieces
}

/// The region id above an aiyl aimak (aimak → raion → region).
fn region_of(
    setup: &shailoo_domain::territory::Setup,
    index: &HashMap<&TerritoryId, usize>,
    aimak: &TerritoryId,
) -> Option<String> {
    let mut at = *index.get(aimak)?;
    while let Some(parent) = &setup.territories[at].parent {
        at = *index.get(parent)?;
    }
    Some(setup.territories[at].id.as_str().to_owned())
}

fn council_units(
    pieces: &[Piece],
    territories: &[shailoo_domain::territory::Territory],
    counted: bool,
    mountain_share: f64,
    rng: &mut ChaCha8Rng,
) -> Vec<DistrictUnit> {
    // Settlements in order of first appearance; the first is the aimak's centre.
    let mut settlements: Vec<usize> = Vec::new();
    let mut of_settlement: Vec<Vec<usize>> = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        match settlements.iter().position(|&s| s == p.settlement) {
            Some(k) => of_settlement[k].push(i),
            None => {
                settlements.push(p.settlement);
                of_settlement.push(vec![i]);
            }
        }
    }
    let points = settlement_points(settlements.len(), rng);
    let remote_settlement = remote_settlements(&points, mountain_share, rng);
    let (xy, mut edges) = area_grid(pieces.len(), &of_settlement, &points, rng);
    edges.extend(settlement_borders(&of_settlement, &points, &xy));
    let ids: Vec<UnitId> = pieces
        .iter()
        .map(|p| {
            let slug = territories[p.settlement].id.as_str();
            let local = slug.rsplit('.').next().unwrap_or(slug);
            UnitId::parse(&format!("{}-{local}", p.station.get()))
                .expect("a station number and a 20-character slug make a valid unit id")
        })
        .collect();
    let mut neighbors: Vec<Vec<UnitId>> = vec![Vec::new(); pieces.len()];
    for (i, j) in edges {
        neighbors[i].push(ids[j].clone());
        neighbors[j].push(ids[i].clone());
    }
    pieces
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut nbs = std::mem::take(&mut neighbors[i]);
            nbs.sort();
            nbs.dedup();
            let k = settlements
                .iter()
                .position(|&s| s == p.settlement)
                .unwrap_or(0);
            DistrictUnit {
                id: ids[i].clone(),
                settlement: territories[p.settlement].id.clone(),
                station: p.station,
                persons: p.persons,
                voters: if counted {
                    p.eligible
                } else {
                    (p.persons as f64 * ELIGIBLE_SHARE).round() as u64
                },
                remote: remote_settlement[k],
                neighbors: nbs,
                x_km: (xy[i].0 * 1000.0).round() / 1000.0,
                y_km: (xy[i].1 * 1000.0).round() / 1000.0,
            }
        })
        .collect()
}

/// A point on the aimak's plane, in kilometres.
type Point = (f64, f64);

/// Settlement points: the centre at the origin, the others around it, kept apart.
fn settlement_points(s: usize, rng: &mut ChaCha8Rng) -> Vec<(f64, f64)> {
    let reach = 3.0 + 1.5 * s as f64;
    let mut points: Vec<(f64, f64)> = vec![(0.0, 0.0)];
    for _ in 1..s {
        let mut p = (0.0, 0.0);
        for _ in 0..30 {
            let angle = rng.random_range(0.0..std::f64::consts::TAU);
            let r = rng.random_range(2.0..reach);
            p = (r * angle.cos(), r * angle.sin());
            if points.iter().all(|q| dist2(p, *q) >= 1.5 * 1.5) {
                break;
            }
        }
        points.push(p);
    }
    points
}

/// In a mountain aimak, the farther half of the settlements (beyond the median distance from
/// the centre) is remote.
fn remote_settlements(
    points: &[(f64, f64)],
    mountain_share: f64,
    rng: &mut ChaCha8Rng,
) -> Vec<bool> {
    let mountain = rng.random_bool(mountain_share);
    if !(mountain && points.len() > 1) {
        return vec![false; points.len()];
    }
    let mut far: Vec<f64> = points[1..].iter().map(|p| dist2(*p, (0.0, 0.0))).collect();
    far.sort_by(f64::total_cmp);
    let median = far[far.len() / 2];
    points
        .iter()
        .enumerate()
        .map(|(i, p)| i > 0 && dist2(*p, (0.0, 0.0)) >= median)
        .collect()
}

/// Unit points: each settlement's areas on a small rotated grid, in snake order so that
/// consecutive areas (consecutive streets) border each other; the points and those borders.
fn area_grid(
    units: usize,
    of_settlement: &[Vec<usize>],
    points: &[(f64, f64)],
    rng: &mut ChaCha8Rng,
) -> (Vec<Point>, Vec<(usize, usize)>) {
    let mut xy = vec![(0.0, 0.0); units];
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for (k, members) in of_settlement.iter().enumerate() {
        let m = members.len();
        let cols = (m as f64).sqrt().ceil() as usize;
        let rows = m.div_ceil(cols);
        let theta = rng.random_range(0.0..std::f64::consts::PI);
        let (sin, cos) = theta.sin_cos();
        let mut cell = HashMap::new();
        for (j, &piece) in members.iter().enumerate() {
            let (row, col) = snake(j, cols);
            let dx = (col as f64 - (cols - 1) as f64 / 2.0) * AREA_SPACING_KM;
            let dy = (row as f64 - (rows - 1) as f64 / 2.0) * AREA_SPACING_KM;
            xy[piece] = (
                points[k].0 + dx * cos - dy * sin,
                points[k].1 + dx * sin + dy * cos,
            );
            cell.insert((row, col), piece);
        }
        for (j, &piece) in members.iter().enumerate() {
            let (row, col) = snake(j, cols);
            for next in [(row, col + 1), (row + 1, col)] {
                if let Some(&other) = cell.get(&next) {
                    edges.push((piece, other));
                }
            }
        }
    }
    (xy, edges)
}

/// Gabriel graph of the settlements: a and b border when no third settlement lies in the
/// circle whose diameter is ab; the border joins their two closest areas.
fn settlement_borders(
    of_settlement: &[Vec<usize>],
    points: &[(f64, f64)],
    xy: &[(f64, f64)],
) -> Vec<(usize, usize)> {
    let s = points.len();
    let mut edges = Vec::new();
    for a in 0..s {
        for b in a + 1..s {
            let d = dist2(points[a], points[b]);
            let blocked = (0..s).any(|c| {
                c != a && c != b && dist2(points[a], points[c]) + dist2(points[b], points[c]) < d
            });
            if blocked {
                continue;
            }
            let mut closest = (f64::INFINITY, 0, 0);
            for &i in &of_settlement[a] {
                for &j in &of_settlement[b] {
                    let d = dist2(xy[i], xy[j]);
                    if d < closest.0 {
                        closest = (d, i, j);
                    }
                }
            }
            edges.push((closest.1, closest.2));
        }
    }
    edges
}

/// The grid cell of the `j`-th area in snake order: left to right, then right to left.
fn snake(j: usize, cols: usize) -> (usize, usize) {
    let row = j / cols;
    let col = if row.is_multiple_of(2) {
        j % cols
    } else {
        cols - 1 - j % cols
    };
    (row, col)
}

fn dist2(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::Scale;
    use shailoo_domain::district::{District, DistrictId, Scheme, check_scheme};
    use shailoo_domain::params::RuleParameters;

    #[test]
    fn every_aiyl_council_has_connected_units_and_the_same_seed_gives_the_same_units() {
        let generator = Generator::new(Scale::National, 2024);
        let all = district_units(&generator);
        assert_eq!(all.len(), crate::AIYL_COUNCILS);
        let units: usize = all.iter().map(|c| c.units.len()).sum();
        // About 11 units per council, enough for the ~5.5 districts of 2024.
        assert!((2_000..4_000).contains(&units), "{units}");
        assert!(all.iter().any(|c| c.units.iter().any(|u| u.remote)));
        for c in &all {
            // One district holding every unit is contiguous iff the units are connected, and
            // the domain's check reads borders the same way as the proposer.
            let scheme = Scheme {
                seats: c.seats,
                units: c.domain_units(),
                districts: vec![District {
                    id: DistrictId::parse("1").unwrap(),
                    units: c.units.iter().map(|u| u.id.clone()).collect(),
                    seats: c.seats.get(),
                    remote: false,
                }],
            };
            let report = check_scheme(&scheme, &RuleParameters::default());
            assert!(report.is_valid(), "{}: {:?}", c.council, report.errors);
            assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        }
        assert_eq!(district_units(&Generator::new(Scale::National, 2024)), all);
    }

    #[test]
    fn counted_voters_come_from_the_register() {
        let generator = Generator::new(Scale::Small, 1);
        let eligible = eligible_per_street(&generator);
        assert_eq!(eligible.len(), generator.station_areas().len());
        let counted = district_units_counted(&generator, &eligible);
        let estimated = district_units(&generator);
        assert_eq!(counted.len(), estimated.len());
        for (c, e) in counted.iter().zip(&estimated) {
            let (vc, ve): (u64, u64) = (
                c.units.iter().map(|u| u.voters).sum(),
                e.units.iter().map(|u| u.voters).sum(),
            );
            let persons: u64 = c.units.iter().map(|u| u.persons).sum();
            assert!(vc <= persons);
            assert!(vc.abs_diff(ve) * 20 < ve.max(20), "{vc} vs {ve}");
        }
    }
}
