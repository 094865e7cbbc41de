//! `shailoo bench`: measurements on national-scale data from the project's own generator.
//! Figures go to BENCHMARKS.md together with the command that produced them.

use anyhow::Result;
use shailoo_domain::params::RuleParameters;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::voter::{CommunityFacts, VoterCheck};
use shailoo_domain::{CouncilId, TerritoryId};
use shailoo_generator::{Generator, Scale, VOTING_DAY};
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Instant;

/// Voter eligibility (VOT-01…VOT-06, VOT-10) over the whole national register on one core.
pub fn eligibility(seed: u64) -> Result<ExitCode> {
    let started = Instant::now();
    let generator = Generator::new(Scale::National, seed);
    let persons: Vec<RegisterRecord> = generator.persons().collect();
    println!(
        "generated {} persons in memory in {:.1} s",
        persons.len(),
        started.elapsed().as_secs_f64()
    );

    // The council whose community each settlement belongs to, through the stations serving it.
    let setup = generator.setup_ref();
    let station_council: HashMap<_, _> = setup
        .stations
        .iter()
        .map(|s| (s.number, &s.council))
        .collect();
    let settlement_council: HashMap<&TerritoryId, &CouncilId> = generator
        .station_areas()
        .iter()
        .filter_map(|a| station_council.get(&a.station).map(|c| (&a.settlement, *c)))
        .collect();

    let check = VoterCheck::new(VOTING_DAY, &RuleParameters::default());
    // Three passes; the best is reported, as the machine is shared.
    let mut best = f64::INFINITY;
    let mut eligible = 0u64;
    for _ in 0..3 {
        let started = Instant::now();
        eligible = 0;
        for person in &persons {
            let facts = if settlement_council.contains_key(&person.settlement) {
                CommunityFacts::INSIDE
            } else {
                CommunityFacts::OUTSIDE
            };
            if check.assess(person, facts).is_eligible() {
                eligible += 1;
            }
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    let n = persons.len() as f64;
    println!(
        "eligibility: {} persons, {} eligible ({:.1} %), best of 3: {:.3} s = {:.1} million records/s on one core",
        persons.len(),
        eligible,
        eligible as f64 * 100.0 / n,
        best,
        n / best / 1e6
    );
    Ok(ExitCode::SUCCESS)
}
