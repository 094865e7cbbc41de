//! Voter eligibility speed (VOT-01…VOT-06, VOT-10): one million synthetic register records, about
//! a quarter of the 2024 register (VOT-11: 4.1 million voters), checked on one core. The records
//! vary by a tiny deterministic LCG (no randomness crate, the same batch on every run); about one
//! in ten fails some rule, as in a real extract.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::civil::{Date, date};
use shailoo_domain::params::RuleParameters;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::voter::{CommunityFacts, VoterCheck, assess_batch};
use shailoo_domain::{Pin, Sex, TerritoryId};

const RECORDS: usize = 1_000_000;
const VOTING_DAY: Date = date(2024, 11, 17);

/// Numerical Recipes' 32-bit LCG: enough to vary the synthetic records.
struct Lcg(u32);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        self.0 >> 8
    }
    /// True about once in `n` draws.
    fn one_in(&mut self, n: u32) -> bool {
        self.next().is_multiple_of(n)
    }
}

fn batch() -> (Vec<RegisterRecord>, Vec<CommunityFacts>) {
    let mut lcg = Lcg(2024);
    let settlement = TerritoryId::parse("kara-suu").expect("a valid slug");
    let base = date(1930, 1, 1);
    let mut records = Vec::with_capacity(RECORDS);
    let mut community = Vec::with_capacity(RECORDS);
    for i in 0..RECORDS {
        // Births from 1930 to 2012: some are under 18 on voting day.
        let birth = base
            .checked_add(jiff::Span::new().days(i64::from(lcg.next() % 30_000)))
            .expect("in range");
        let sex = if lcg.next().is_multiple_of(2) {
            Sex::Female
        } else {
            Sex::Male
        };
        let registered = date(2024, 1, 1)
            .checked_add(jiff::Span::new().days(i64::from(lcg.next() % 300)))
            .expect("in range");
        records.push(RegisterRecord {
            pin: Pin::compose(sex, birth, i as u32),
            surname: String::new(),
            given_name: String::new(),
            patronymic: None,
            sex: if lcg.one_in(10_000) { Sex::Female } else { sex },
            birth_date: birth,
            citizen: !lcg.one_in(200),
            biometrics: !lcg.one_in(50),
            settlement: settlement.clone(),
            street: String::new(),
            house: String::new(),
            address_registered_on: registered,
            residence_stamp: !lcg.next().is_multiple_of(4),
            court_incapable: lcg.one_in(1_000),
            imprisoned: lcg.one_in(1_000),
        });
        community.push(CommunityFacts {
            address_in_territory: !lcg.one_in(100),
        });
    }
    (records, community)
}

fn eligibility(c: &mut Criterion) {
    let (records, community) = batch();
    let check = VoterCheck::new(VOTING_DAY, &RuleParameters::default());
    let eligible = records
        .iter()
        .zip(&community)
        .filter(|(r, f)| check.assess(r, **f).is_eligible())
        .count();
    eprintln!("synthetic batch: {eligible} of {RECORDS} eligible");

    let mut group = c.benchmark_group("voter_eligibility");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.sample_size(10);
    group.bench_function("assess_1m_records", |b| {
        b.iter(|| {
            let mut eligible = 0usize;
            for (r, f) in records.iter().zip(&community) {
                eligible += usize::from(check.assess(black_box(r), *f).is_eligible());
            }
            black_box(eligible)
        })
    });
    group.bench_function("assess_batch_with_duplicates_1m_records", |b| {
        b.iter(|| {
            // VOT-06 needs the whole batch: this adds the duplicate-PIN pass (a hash map).
            let out = assess_batch(black_box(&records), &check, |_| CommunityFacts::INSIDE);
            black_box(out.len())
        })
    });
    group.finish();
}

criterion_group!(benches, eligibility);
criterion_main!(benches);
