//! Criterion benchmark of [`propose`] on a 6 × 5 grid council of 30 units and 31 seats, with
//! and without a requested number of districts. The national figures (231 councils beside a
//! baseline) come from `shailoo bench districts`.

use criterion::{Criterion, criterion_group, criterion_main};
use shailoo_districting::{ProposalInput, propose};
use shailoo_domain::SeatCount;
use shailoo_domain::district::{Unit, UnitId};
use shailoo_domain::params::RuleParameters;
use std::hint::black_box;

fn grid_council(districts: Option<u32>) -> ProposalInput {
    let (w, h) = (6usize, 5usize);
    let id = |i: usize| UnitId::parse(&format!("u{i}")).expect("a valid id");
    let units = (0..w * h)
        .map(|i| {
            let mut neighbors = Vec::new();
            if i % w + 1 < w {
                neighbors.push(id(i + 1));
            }
            if i + w < w * h {
                neighbors.push(id(i + w));
            }
            Unit {
                id: id(i),
                // Uneven, deterministic sizes between 400 and 2,000 voters.
                voters: 400 + (i as u64 * 7_919) % 1_600,
                remote: false,
                neighbors,
            }
        })
        .collect();
    ProposalInput {
        council: None,
        seats: SeatCount::new(31).expect("31 seats"),
        units,
        districts,
        magnitude: None,
        seed: None,
    }
}

fn bench(c: &mut Criterion) {
    let params = RuleParameters::default();
    for (name, input) in [
        ("propose 30 units, 7 districts", grid_council(Some(7))),
        ("propose 30 units, default count", grid_council(None)),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| propose(black_box(&input), &params, 1).expect("a valid scheme"))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
