//! Automatic design of aiyl council district schemes (көп мандаттуу шайлоо округдары /
//! многомандатные избирательные округа): given a council's units (whole settlements or
//! polling-station areas) with their voters and borders, [`propose`] returns a scheme that
//! satisfies every rule, or the reason none exists.
//!
//! The rules (`docs/domain-rules.md` §4): every unit in exactly one district, districts
//! contiguous, mandates summing to the council's seats (DIS-03); each district's voters per
//! mandate within 15% of the norm of representation, 20% for a remote district (DIS-01);
//! magnitudes within the DIS-05 limits; and the women's reserve of each district (DIS-04).
//!
//! Among valid schemes the proposal minimises the largest deviation from the norm, then the
//! next largest, and so on, then the number of borders between districts (compactness). The
//! search (see `search.rs`) is a seeded multi-start region growing followed by iterated local
//! search over boundary moves, with the mandates re-optimised exactly after every move; it
//! spends a fixed number of evaluations, so the same input and seed give the same scheme on
//! every machine. All decisions use exact integer arithmetic; percentages are for display.
//!
//! The crate is pure: no I/O, no clock, no system randomness (a SplitMix64 of its own). The
//! final scheme is always passed through the domain's [`check_scheme`], so that the proposer
//! and the check TECs and the CEC use can never disagree.

mod error;
mod graph;
mod input;
mod rng;
mod search;
mod seats;

pub use error::NoValidScheme;
pub use input::{InputError, MagnitudeRange, ProposalInput, parse_proposal_input, parse_scheme};

use graph::Graph;
use rng::SplitMix64;
use search::{Problem, Score, State};
use seats::{Frac, Norm};
use serde::{Deserialize, Serialize};
use shailoo_domain::district::{District, DistrictId, Scheme, SchemeFinding, UnitId, check_scheme};
use shailoo_domain::params::{Coded, RuleParameters};

/// The average magnitude of the 2024 aiyl districts: 5,391 seats in 1,259 districts (TER-01,
/// TER-04). Without a requested number of districts, the proposer aims at it; otherwise the
/// smallest deviation would always be one district for the whole council, which TER-04 rules
/// out for aiyl councils ("several multi-mandate districts").
pub const TYPICAL_MAGNITUDE: (u32, u32) = (5_391, 1_259);

/// Numbers of districts tried, nearest the typical first, when none is requested.
const DEFAULT_COUNT_TRIES: usize = 5;

/// A proposed scheme, in the JSON form `shailoo districts propose` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub districts: Vec<ProposedDistrict>,
    /// The largest |deviation| of a district from the norm, in percent rounded to 2 places,
    /// for display (DIS-01).
    pub max_deviation_percent: f64,
    /// The same in basis points (1/100 of a percent), rounded half away from zero, as the
    /// domain's check reports it.
    pub max_deviation_bp: i64,
    /// Borders between units of different districts: fewer is more compact.
    pub cut_edges: u32,
    /// DIS-01: council voters and the norm of representation, voters per mandate, exact.
    pub council_voters: u64,
    pub norm: shailoo_domain::district::Ratio,
    /// DIS-04: the women's reserved mandates of the whole council.
    pub reserved_total: u64,
    /// The seed the search used.
    pub seed: u64,
    /// The check's warnings (e.g. a border named from one side only), if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<SchemeFinding>,
}

/// One district of a [`Proposal`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposedDistrict {
    /// "1", "2", … numbered by the first of their units in input order.
    pub id: DistrictId,
    /// Its units, in input order.
    pub units: Vec<UnitId>,
    /// Mandates.
    pub seats: u32,
    pub voters: u64,
    /// Signed deviation of voters per mandate from the norm, percent rounded to 2 places.
    pub deviation_percent: f64,
    /// Contains a remote unit, so the 20% allowance applies (DIS-01).
    pub remote: bool,
    /// DIS-04: mandates reserved for women.
    pub reserved_for_women: u32,
}

impl Proposal {
    /// The proposal as a scheme in the domain's form, for the check and for storage.
    pub fn scheme(&self, input: &ProposalInput) -> Scheme {
        Scheme {
            seats: input.seats,
            units: input.units.clone(),
            districts: self
                .districts
                .iter()
                .map(|d| District {
                    id: d.id.clone(),
                    units: d.units.clone(),
                    seats: d.seats,
                    remote: d.remote,
                })
                .collect(),
        }
    }

    /// The number of districts.
    pub fn len(&self) -> usize {
        self.districts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.districts.is_empty()
    }
}

/// Proposes a district scheme for an aiyl council (DIS-01, DIS-03, DIS-04, DIS-05): every unit
/// in exactly one contiguous district, mandates summing to the council's seats, every district
/// within 15% of the norm (20% when it contains a remote unit), magnitudes within the
/// parameters' DIS-05 limits and the requested range, with the requested number of districts
/// (or, when none is requested, the number nearest [`TYPICAL_MAGNITUDE`] for which a valid
/// scheme is found, trying up to five). Deterministic for a seed.
///
/// Returns [`NoValidScheme`] with the reason when no scheme is valid or none was found; never
/// an invalid scheme: the result has passed [`check_scheme`] without errors.
pub fn propose(
    input: &ProposalInput,
    params: &RuleParameters,
    seed: u64,
) -> Result<Proposal, NoValidScheme> {
    let graph = Graph::build(&input.units)?;
    if graph.total_voters == 0 {
        return Err(NoValidScheme::NoVoters);
    }
    let norm = Norm {
        voters: graph.total_voters,
        seats: input.seats.get(),
    };
    let (lo, hi) = magnitude_range(input, params)?;
    let problem = Problem {
        graph: &graph,
        norm,
        lo,
        hi,
        limit: params.max_deviation_percent,
        limit_remote: params
            .max_deviation_percent_remote
            .max(params.max_deviation_percent),
    };
    check_unit_sizes(input, &problem)?;
    check_isolated_parts(input, &problem)?;
    let counts = district_counts(input, &problem)?;

    let mut rng = SplitMix64::new(seed);
    let mut closest: Option<(u32, State, Score)> = None;
    for k in counts {
        let per_part = districts_per_part(&graph, k);
        let (state, score) = problem.search(&per_part, &mut rng);
        if score.is_valid() {
            return finish(input, params, &problem, &state, seed);
        }
        if closest.as_ref().is_none_or(|(_, _, s)| score < *s) {
            closest = Some((k, state, score));
        }
    }
    Err(not_found(&problem, closest))
}

/// DIS-05's magnitudes, narrowed by the request: the fewest and the most mandates of a
/// district.
fn magnitude_range(
    input: &ProposalInput,
    params: &RuleParameters,
) -> Result<(u32, u32), NoValidScheme> {
    let seats = input.seats.get();
    let rule_min = params.district_min_seats.max(1);
    let rule_max = params.district_max_seats.unwrap_or(seats).min(seats);
    let (req_min, req_max) = input.magnitude.map_or((1, seats), |r| (r.min, r.max));
    let lo = rule_min.max(req_min);
    let hi = rule_max.min(req_max);
    if lo > hi {
        return Err(NoValidScheme::MagnitudeRange {
            requested_min: req_min,
            requested_max: req_max,
            rule_min,
            rule_max,
        });
    }
    Ok((lo, hi))
}

/// DIS-01/DIS-03: no unit too large for any district.
fn check_unit_sizes(input: &ProposalInput, problem: &Problem<'_>) -> Result<(), NoValidScheme> {
    let seats = input.seats.get();
    let (norm, hi) = (problem.norm, problem.hi);
    for unit in &input.units {
        let limit = if unit.remote {
            problem.limit_remote
        } else {
            problem.limit
        };
        // v/(hi·V/S) − 1 > L/100  ⇔  100·v·S > (100 + L)·V·hi.
        let capacity =
            u128::from(100 + u32::from(limit)) * u128::from(norm.voters) * u128::from(hi);
        if 100 * u128::from(unit.voters) * u128::from(seats) > capacity {
            let max_voters = capacity / (100 * u128::from(seats));
            return Err(NoValidScheme::UnitTooLarge {
                unit: unit.id.clone(),
                voters: unit.voters,
                max_seats: hi,
                limit_percent: limit,
                max_voters: u64::try_from(max_voters).unwrap_or(u64::MAX),
            });
        }
    }
    Ok(())
}

/// DIS-03: a part of the territory without a border to the rest forms districts alone, so it
/// must fit a whole number of mandates.
fn check_isolated_parts(input: &ProposalInput, problem: &Problem<'_>) -> Result<(), NoValidScheme> {
    let graph = problem.graph;
    if graph.parts.len() < 2 {
        return Ok(());
    }
    let (norm, seats) = (problem.norm, input.seats.get());
    for part in &graph.parts {
        let voters: u64 = part.iter().map(|&i| graph.voters[i as usize]).sum();
        let remote = part.iter().any(|&i| graph.remote[i as usize]);
        let limit = if remote {
            problem.limit_remote
        } else {
            problem.limit
        };
        let q = u128::from(voters) * u128::from(seats) / u128::from(norm.voters);
        let floor = u32::try_from(q).unwrap_or(u32::MAX).max(1);
        let fits = [floor, floor + 1]
            .iter()
            .any(|&m| Norm::excess(norm.deviation(voters, m), limit) == Frac::ZERO);
        if !fits {
            return Err(NoValidScheme::IsolatedPart {
                units: part
                    .iter()
                    .take(10)
                    .map(|&i| input.units[i as usize].id.clone())
                    .collect(),
                voters,
                limit_percent: limit,
            });
        }
    }
    Ok(())
}

/// DIS-03/DIS-05: the numbers of districts to try: the one requested if it is possible at
/// all, else those around the typical magnitude.
fn district_counts(
    input: &ProposalInput,
    problem: &Problem<'_>,
) -> Result<Vec<u32>, NoValidScheme> {
    let seats = input.seats.get();
    let (lo, hi) = (problem.lo, problem.hi);
    let n = problem.graph.len() as u32;
    let parts = problem.graph.parts.len() as u32;
    let possible_min = seats.div_ceil(hi).max(parts).max(1);
    let possible_max = n.min(seats / lo);
    let count_error = |requested| NoValidScheme::DistrictCount {
        requested,
        units: n,
        parts,
        seats,
        min_magnitude: lo,
        max_magnitude: hi,
        possible_min,
        possible_max,
    };
    match input.districts {
        Some(k) if k < possible_min || k > possible_max => Err(count_error(Some(k))),
        Some(k) => Ok(vec![k]),
        None if possible_min > possible_max => Err(count_error(None)),
        None => Ok(default_counts(seats, possible_min, possible_max)),
    }
}

/// The numbers of districts to try without a request: the one nearest the typical magnitude
/// first, then alternately one fewer and one more.
fn default_counts(seats: u32, min: u32, max: u32) -> Vec<u32> {
    let (typ_seats, typ_districts) = TYPICAL_MAGNITUDE;
    // round(S × 1259 / 5391)
    let k0 = (seats * typ_districts + typ_seats / 2) / typ_seats;
    let k0 = k0.clamp(min, max);
    let mut out = vec![k0];
    let mut step = 1;
    while out.len() < DEFAULT_COUNT_TRIES && (k0 >= min + step || k0 + step <= max) {
        if k0 >= min + step {
            out.push(k0 - step);
        }
        if k0 + step <= max && out.len() < DEFAULT_COUNT_TRIES {
            out.push(k0 + step);
        }
        step += 1;
    }
    out
}

/// Every part of the territory gets one district, the rest go by voters (largest remainder),
/// never more districts than a part has units.
fn districts_per_part(graph: &Graph, k: u32) -> Vec<u32> {
    let parts = &graph.parts;
    let mut out = vec![1u32; parts.len()];
    let voters: Vec<u64> = parts
        .iter()
        .map(|p| p.iter().map(|&i| graph.voters[i as usize]).sum())
        .collect();
    let total: u64 = voters.iter().sum::<u64>().max(1);
    let mut left = k.saturating_sub(parts.len() as u32);
    while left > 0 {
        // The part furthest below its share k·v/V, measured exactly as v·k − V·have.
        let pick = (0..parts.len())
            .filter(|&p| (out[p] as usize) < parts[p].len())
            .max_by_key(|&p| {
                let want = u128::from(voters[p]) * u128::from(k);
                let have = u128::from(total) * u128::from(out[p]);
                (want.saturating_sub(have), std::cmp::Reverse(p))
            });
        match pick {
            Some(p) => out[p] += 1,
            None => break,
        }
        left -= 1;
    }
    out
}

fn not_found(problem: &Problem<'_>, closest: Option<(u32, State, Score)>) -> NoValidScheme {
    let Some((k, state, _)) = closest else {
        return NoValidScheme::NotFound {
            districts: 0,
            best_max_deviation_bp: 0,
            limit_percent: problem.limit,
        };
    };
    let mut seats = Vec::new();
    let _ = problem.seats(&state, &mut seats);
    let worst = state
        .voters
        .iter()
        .zip(&seats)
        .zip(&state.remote)
        .map(|((&v, &m), &r)| (problem.norm.deviation_bp(v, m), r))
        .max_by_key(|(bp, _)| bp.abs());
    let (bp, remote) = worst.unwrap_or((0, 0));
    NoValidScheme::NotFound {
        districts: k,
        best_max_deviation_bp: bp,
        limit_percent: if remote > 0 {
            problem.limit_remote
        } else {
            problem.limit
        },
    }
}

/// The districts of a search state, numbered in order of their first unit; units in input
/// order.
fn numbered_districts(
    input: &ProposalInput,
    problem: &Problem<'_>,
    state: &State,
) -> Vec<District> {
    let k = state.voters.len();
    let mut seats = Vec::with_capacity(k);
    let _ = problem.seats(state, &mut seats);
    let mut number = vec![u32::MAX; k];
    let mut members: Vec<Vec<UnitId>> = Vec::with_capacity(k);
    let mut old_of_new: Vec<usize> = Vec::with_capacity(k);
    for (i, &d) in state.assign.iter().enumerate() {
        let d = d as usize;
        if number[d] == u32::MAX {
            number[d] = members.len() as u32;
            members.push(Vec::new());
            old_of_new.push(d);
        }
        members[number[d] as usize].push(input.units[i].id.clone());
    }
    members
        .into_iter()
        .enumerate()
        .map(|(new, units)| {
            let old = old_of_new[new];
            District {
                id: DistrictId::parse(&(new + 1).to_string())
                    .expect("a district number is a valid id"),
                units,
                seats: seats[old],
                remote: state.remote[old] > 0,
            }
        })
        .collect()
}

/// Numbers the districts, checks the scheme with the domain's check and fills in its figures.
fn finish(
    input: &ProposalInput,
    params: &RuleParameters,
    problem: &Problem<'_>,
    state: &State,
    seed: u64,
) -> Result<Proposal, NoValidScheme> {
    let districts = numbered_districts(input, problem, state);
    let scheme = Scheme {
        seats: input.seats,
        units: input.units.clone(),
        districts,
    };
    let report = check_scheme(&scheme, params);
    if !report.is_valid() {
        return Err(NoValidScheme::CheckRejected {
            codes: report
                .errors
                .iter()
                .map(|e| e.code().code().to_owned())
                .collect(),
        });
    }
    let mut max_bp = 0i64;
    let districts = scheme
        .districts
        .into_iter()
        .zip(&report.districts)
        .map(|(d, summary)| {
            let bp = summary.deviation_bp.unwrap_or(0);
            max_bp = max_bp.max(bp.abs());
            ProposedDistrict {
                id: d.id,
                units: d.units,
                seats: d.seats,
                voters: summary.voters,
                deviation_percent: bp as f64 / 100.0,
                remote: d.remote,
                reserved_for_women: summary.reserved_for_women,
            }
        })
        .collect();
    Ok(Proposal {
        districts,
        max_deviation_percent: max_bp as f64 / 100.0,
        max_deviation_bp: max_bp,
        cut_edges: state.cut,
        council_voters: report.council_voters,
        norm: report.norm,
        reserved_total: report.reserved_total,
        seed,
        warnings: report.warnings,
    })
}
