//! `shailoo districts`: automatic design (`propose`) and checking (`check`) of aiyl council
//! district schemes (көп мандаттуу шайлоо округдары / многомандатные избирательные округа,
//! DIS-01, DIS-03, DIS-04, DIS-05), the units of generated councils (`units`), and
//! `shailoo bench districts`, which measures the proposer on all 231 aiyl councils of the
//! national demo data beside a recognised baseline, recursive bisection, given the same time.
//!
//! Exit codes: 0 done (a valid scheme), 1 no valid scheme or an invalid scheme (the reason or
//! the findings are printed), 2 malformed input naming the field, in the one shape of
//! [`super::malformed_input`].

use super::malformed_input;
use crate::DistrictsCommand;
use anyhow::{Context, Result, bail};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shailoo_districting::{
    NoValidScheme, Proposal, ProposalInput, parse_proposal_input, parse_scheme, propose,
};
use shailoo_domain::district::{District, DistrictId, Scheme, SchemeReport, Unit, check_scheme};
use shailoo_domain::params::RuleParameters;
use shailoo_formats::CouncilUnits;
use shailoo_generator::{
    Generator, Scale, district_units, district_units_counted, eligible_per_street,
};
use std::collections::VecDeque;
use std::io::Read;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The search seed when neither `--seed` nor the input gives one.
const DEFAULT_SEED: u64 = 2024;

pub fn run(command: DistrictsCommand) -> Result<ExitCode> {
    match command {
        DistrictsCommand::Propose {
            input,
            council,
            seed,
            data_seed,
            districts,
            exact_voters,
            params,
        } => {
            let params = super::parameters(&params)?;
            let mut proposal_input = match (input, council) {
                (Some(path), _) => match parse_proposal_input(&read_input(&path)?) {
                    Ok(i) => i,
                    Err(e) => return Ok(malformed_input(e.code(), e.field(), &e.to_string())),
                },
                (None, Some(id)) => {
                    generated_input(&generated_council(&id, data_seed, exact_voters)?)
                }
                (None, None) => bail!("give --input FILE.json or --council ID"),
            };
            if districts.is_some() {
                proposal_input.districts = districts;
            }
            let seed = seed.or(proposal_input.seed).unwrap_or(DEFAULT_SEED);
            print_proposal(propose(&proposal_input, &params, seed))
        }
        DistrictsCommand::Check { input, params } => {
            let params = super::parameters(&params)?;
            let scheme = match parse_scheme(&read_input(&input)?) {
                Ok(s) => s,
                Err(e) => return Ok(malformed_input(e.code(), e.field(), &e.to_string())),
            };
            print_check(&check_scheme(&scheme, &params))
        }
        DistrictsCommand::Units { council, data_seed } => {
            let Some(id) = council else {
                let generator = Generator::new(Scale::National, data_seed);
                for c in district_units(&generator) {
                    println!(
                        "{}\t{} seats\t{} units",
                        c.council,
                        c.seats.get(),
                        c.units.len()
                    );
                }
                return Ok(ExitCode::SUCCESS);
            };
            let input = generated_input(&generated_council(&id, data_seed, false)?);
            println!("{}", serde_json::to_string_pretty(&input)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The proposer's input for a council of the generated national dataset.
fn generated_input(c: &CouncilUnits) -> ProposalInput {
    ProposalInput {
        council: Some(c.council.clone()),
        seats: c.seats,
        units: c.domain_units(),
        districts: None,
        magnitude: None,
        seed: None,
    }
}

/// A proposal on stdout (exit 0); invalid input as the exit-2 shape; no valid scheme on
/// stdout with its reason (exit 1).
fn print_proposal(proposed: Result<Proposal, NoValidScheme>) -> Result<ExitCode> {
    match proposed {
        Ok(p) => {
            println!("{}", serde_json::to_string_pretty(&p)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(NoValidScheme::InvalidInput { field, problem }) => Ok(malformed_input(
            "invalid_input",
            Some(&field),
            &format!("`{field}`: {problem}"),
        )),
        Err(e) => {
            eprintln!("error: {e}");
            let body = serde_json::json!({"error": e, "message": e.to_string()});
            println!("{}", serde_json::to_string_pretty(&body)?);
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The report on stdout: exit 0 when the scheme is valid, else 1 naming the first error.
fn print_check(report: &SchemeReport) -> Result<ExitCode> {
    println!("{}", serde_json::to_string_pretty(report)?);
    if report.is_valid() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "the scheme is invalid: {} error(s), first {}",
        report.errors.len(),
        report
            .errors
            .first()
            .map(|f| shailoo_domain::params::Coded::code(&f.code()))
            .unwrap_or_default()
    );
    Ok(ExitCode::FAILURE)
}

fn read_input(path: &str) -> Result<String> {
    if path == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("reading standard input")?;
        Ok(s)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("reading {path}"))
    }
}

fn generated_council(id: &str, data_seed: u64, exact: bool) -> Result<CouncilUnits> {
    let generator = Generator::new(Scale::National, data_seed);
    let all = if exact {
        district_units_counted(&generator, &eligible_per_street(&generator))
    } else {
        district_units(&generator)
    };
    all.into_iter()
        .find(|c| c.council.as_str() == id)
        .with_context(|| {
            format!("there is no aiyl council {id:?} in the generated data (list them with `shailoo districts units`)")
        })
}

// ---- the benchmark ----

/// One council's result under one method.
struct Outcome {
    valid: bool,
    max_bp: i64,
    districts: usize,
    elapsed: Duration,
}

/// The proposer's results on every council: one outcome each, the reasons of the councils
/// without a valid scheme, and how many districts of each magnitude.
struct Proposals {
    outcomes: Vec<Outcome>,
    reasons: Vec<String>,
    magnitudes: [usize; 32],
}

fn proposals(councils: &[CouncilUnits], params: &RuleParameters, seed: u64) -> Proposals {
    let mut ours = Proposals {
        outcomes: Vec::with_capacity(councils.len()),
        reasons: Vec::new(),
        magnitudes: [0; 32],
    };
    for c in councils {
        let t = Instant::now();
        let result = propose(&generated_input(c), params, seed);
        let elapsed = t.elapsed();
        ours.outcomes.push(match result {
            Ok(p) => {
                for d in &p.districts {
                    ours.magnitudes[(d.seats as usize).min(31)] += 1;
                }
                Outcome {
                    valid: true,
                    max_bp: p.max_deviation_bp,
                    districts: p.len(),
                    elapsed,
                }
            }
            Err(e) => {
                ours.reasons.push(format!("{}: {e}", c.council));
                Outcome {
                    valid: false,
                    max_bp: 0,
                    districts: typical_districts(c),
                    elapsed,
                }
            }
        });
    }
    ours
}

/// The districts of the valid schemes, their magnitudes, and the councils without one.
fn print_summary(ours: &Proposals) {
    let districts: usize = ours
        .outcomes
        .iter()
        .filter(|o| o.valid)
        .map(|o| o.districts)
        .sum();
    println!();
    println!(
        "automatic design: {districts} districts in the valid schemes (2024: 1,259 for 231 councils); magnitudes {}",
        ours.magnitudes
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(m, n)| format!("{m}:{n}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    for r in &ours.reasons {
        println!("no valid scheme: {r}");
    }
}

/// `shailoo bench districts`: the proposer on every aiyl council of the national data, then
/// recursive bisection on the same councils with the same number of districts, each council
/// given the time the proposer took on it.
pub fn bench(seed: u64) -> Result<ExitCode> {
    let started = Instant::now();
    let generator = Generator::new(Scale::National, seed);
    let planned = started.elapsed();
    let started = Instant::now();
    let councils = district_units(&generator);
    let derived = started.elapsed();
    let units: usize = councils.iter().map(|c| c.units.len()).sum();
    println!(
        "national data (seed {seed}): planned in {:.2} s; {} aiyl councils, {units} units ({:.1} per council) with borders derived in {:.3} s",
        planned.as_secs_f64(),
        councils.len(),
        units as f64 / councils.len() as f64,
        derived.as_secs_f64()
    );
    let params = RuleParameters::default();

    let total = Instant::now();
    let ours = proposals(&councils, &params, seed);
    let ours_total = total.elapsed();

    let total = Instant::now();
    let mut baseline = Vec::with_capacity(councils.len());
    let mut rng = StdRng::seed_from_u64(seed);
    for (c, o) in councils.iter().zip(&ours.outcomes) {
        baseline.push(bisection_within(
            c,
            o.districts,
            o.elapsed,
            &params,
            &mut rng,
        ));
    }
    let baseline_total = total.elapsed();

    println!();
    println!(
        "{:<40} {:>7} {:>7} {:>8}  {:>6} {:>6} {:>6} {:>6}",
        "method", "valid", "share", "time s", "min", "median", "p90", "max"
    );
    println!(
        "{:<40} {:>7} {:>7} {:>8}  {:>27}",
        "", "", "", "", "(max deviation of valid schemes, %)"
    );
    report(
        "automatic design (shailoo-districting)",
        &ours.outcomes,
        ours_total,
    );
    report("recursive bisection, same time", &baseline, baseline_total);
    print_summary(&ours);
    Ok(ExitCode::SUCCESS)
}

fn report(name: &str, outcomes: &[Outcome], total: Duration) {
    let mut devs: Vec<i64> = outcomes
        .iter()
        .filter(|o| o.valid)
        .map(|o| o.max_bp)
        .collect();
    devs.sort_unstable();
    let pct = |q: usize| -> String {
        if devs.is_empty() {
            return "-".to_owned();
        }
        // Nearest-rank percentile.
        let rank = (q * devs.len()).div_ceil(100).clamp(1, devs.len());
        format!("{:.2}", devs[rank - 1] as f64 / 100.0)
    };
    println!(
        "{:<40} {:>3}/{:<3} {:>6.1}% {:>8.3}  {:>6} {:>6} {:>6} {:>6}",
        name,
        devs.len(),
        outcomes.len(),
        devs.len() as f64 * 100.0 / outcomes.len() as f64,
        total.as_secs_f64(),
        pct(0),
        pct(50),
        pct(90),
        pct(100)
    );
}

/// The district count the proposer aims at first (round(S × 1259 / 5391)), for councils where
/// it found nothing, so the baseline is still asked for a comparable scheme.
fn typical_districts(c: &CouncilUnits) -> usize {
    let (s, d) = shailoo_districting::TYPICAL_MAGNITUDE;
    let k = (c.seats.get() * d + s / 2) / s;
    (k as usize).clamp(1, c.units.len())
}

/// Recursive bisection, restarted from random roots until `budget` is spent (at least once);
/// the best valid scheme by largest deviation, or the attempt marked invalid.
fn bisection_within(
    c: &CouncilUnits,
    k: usize,
    budget: Duration,
    params: &RuleParameters,
    rng: &mut StdRng,
) -> Outcome {
    let units = c.domain_units();
    let graph = UnitGraph::new(&units);
    let started = Instant::now();
    let mut best: Option<i64> = None;
    loop {
        let all: Vec<usize> = (0..units.len()).collect();
        if let Some(parts) = bisect(&graph, all, c.seats.get(), k as u32, rng) {
            let scheme = Scheme {
                seats: c.seats,
                units: units.clone(),
                districts: parts
                    .iter()
                    .enumerate()
                    .map(|(i, (members, seats))| District {
                        id: DistrictId::parse(&(i + 1).to_string())
                            .expect("a number is a district id"),
                        units: members.iter().map(|&u| units[u].id.clone()).collect(),
                        seats: *seats,
                        remote: members.iter().any(|&u| units[u].remote),
                    })
                    .collect(),
            };
            let report = check_scheme(&scheme, params);
            if report.is_valid() {
                let max = report
                    .districts
                    .iter()
                    .filter_map(|d| d.deviation_bp)
                    .map(i64::abs)
                    .max()
                    .unwrap_or(0);
                best = Some(best.map_or(max, |b| b.min(max)));
            }
        }
        if started.elapsed() >= budget {
            break;
        }
    }
    Outcome {
        valid: best.is_some(),
        max_bp: best.unwrap_or(0),
        districts: k,
        elapsed: started.elapsed(),
    }
}

/// Units by index with symmetric borders.
struct UnitGraph {
    voters: Vec<u64>,
    adj: Vec<Vec<usize>>,
}

impl UnitGraph {
    fn new(units: &[Unit]) -> UnitGraph {
        let index: std::collections::HashMap<&str, usize> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.as_str(), i))
            .collect();
        let mut adj = vec![Vec::new(); units.len()];
        for (i, u) in units.iter().enumerate() {
            for nb in &u.neighbors {
                if let Some(&j) = index.get(nb.as_str()) {
                    adj[i].push(j);
                    adj[j].push(i);
                }
            }
        }
        for a in &mut adj {
            a.sort_unstable();
            a.dedup();
        }
        UnitGraph {
            voters: units.iter().map(|u| u.voters).collect(),
            adj,
        }
    }

    /// Breadth-first order of `members` from `root`, within `members`.
    fn bfs(&self, members: &[usize], root: usize, inside: &[bool]) -> Vec<usize> {
        let mut seen = vec![false; self.voters.len()];
        let mut order = Vec::with_capacity(members.len());
        let mut queue = VecDeque::from([root]);
        seen[root] = true;
        while let Some(i) = queue.pop_front() {
            order.push(i);
            for &j in &self.adj[i] {
                if inside[j] && !seen[j] {
                    seen[j] = true;
                    queue.push_back(j);
                }
            }
        }
        order
    }
}

/// Recursive bisection: split `members` (holding `seats` mandates, to become `k` districts)
/// into two connected parts of ⌊k/2⌋ and ⌈k/2⌉ districts, with seats in proportion to the
/// districts and voters in proportion to the seats, cutting a breadth-first order from a random
/// root where the voters come closest to the target and the rest stays connected.
fn bisect(
    g: &UnitGraph,
    members: Vec<usize>,
    seats: u32,
    k: u32,
    rng: &mut StdRng,
) -> Option<Vec<(Vec<usize>, u32)>> {
    if k == 1 {
        return Some(vec![(members, seats)]);
    }
    if members.len() < k as usize || seats < k {
        return None;
    }
    let k1 = k / 2;
    let k2 = k - k1;
    let s1 = ((seats * k1 + k / 2) / k).clamp(k1, seats - k2);
    let voters: u64 = members.iter().map(|&i| g.voters[i]).sum();
    let target = u128::from(voters) * u128::from(s1) / u128::from(seats);
    let mut inside = vec![false; g.voters.len()];
    for &i in &members {
        inside[i] = true;
    }
    let root = members[rng.random_range(0..members.len())];
    let order = g.bfs(&members, root, &inside);
    if order.len() != members.len() {
        return None;
    }
    // Cut positions by closeness of the prefix's voters to the target.
    let mut cum = Vec::with_capacity(order.len());
    let mut acc: u128 = 0;
    for &i in &order {
        acc += u128::from(g.voters[i]);
        cum.push(acc);
    }
    let mut cuts: Vec<usize> = (k1 as usize..=order.len() - k2 as usize).collect();
    cuts.sort_by_key(|&p| cum[p - 1].abs_diff(target));
    for p in cuts {
        let (left, right) = order.split_at(p);
        let mut in_right = vec![false; g.voters.len()];
        for &i in right {
            in_right[i] = true;
        }
        if g.bfs(right, right[0], &in_right).len() != right.len() {
            continue;
        }
        let mut a = bisect(g, left.to_vec(), s1, k1, rng)?;
        let b = bisect(g, right.to_vec(), seats - s1, k2, rng)?;
        a.extend(b);
        return Some(a);
    }
    None
}

/// The generator's units of aiyl councils as the store imports them (DIS-03), for `demo` and
/// `load`.
pub fn port_units(
    councils: &[CouncilUnits],
) -> Vec<shailoo_app::districts::CouncilDistrictingUnits> {
    councils
        .iter()
        .map(|c| shailoo_app::districts::CouncilDistrictingUnits {
            council: c.council.clone(),
            units: c
                .units
                .iter()
                .map(|u| shailoo_app::districts::DistrictingUnit {
                    id: u.id.clone(),
                    settlement: Some(u.settlement.clone()),
                    station: Some(u.station),
                    voters: u.voters,
                    remote: u.remote,
                    neighbors: u.neighbors.clone(),
                    x_km: u.x_km,
                    y_km: u.y_km,
                    name: None,
                })
                .collect(),
        })
        .collect()
}
