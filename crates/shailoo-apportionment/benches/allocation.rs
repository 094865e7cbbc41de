//! Allocation speed: one Bishkek-size city council, and the whole 2024 country at once (264
//! councils: 33 city councils by party list, 231 aiyl councils in 1,259 districts, TER-01,
//! TER-04), with synthetic votes from a tiny deterministic LCG (no randomness crate, same
//! numbers on every run).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use shailoo_apportionment::{
    CandidateVotes, DistrictInput, ListVotes, PartyListInput, Sex, allocate_district,
    allocate_party_list, run_json,
};

/// Numerical Recipes' 32-bit LCG: enough to vary the synthetic votes.
struct Lcg(u32);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        self.0 >> 8
    }

    fn below(&mut self, n: u32) -> u64 {
        u64::from(self.next() % n)
    }
}

fn bishkek() -> PartyListInput {
    let lists = [
        ("zhany_kuch", 37_903),
        ("emgek", 28_647),
        ("yntymak", 18_613),
        ("adilet", 17_858),
        ("el_umutu", 14_514),
        ("other_1", 2_500),
        ("other_2", 1_800),
        ("other_3", 700),
    ];
    PartyListInput {
        seats: 51,
        took_part: 131_613,
        threshold_percent: 5,
        threshold_base: Default::default(),
        unfilled_list_seats: Default::default(),
        lists: lists
            .iter()
            .map(|(id, votes)| ListVotes {
                id: (*id).to_owned(),
                votes: *votes,
                candidates: Some(51),
            })
            .collect(),
        against_all: 8_746,
        lots: Vec::new(),
    }
}

/// 33 city councils: Bishkek and Osh with 51 seats, the others 11 to 31; 4 to 12 lists each.
fn city_councils(rng: &mut Lcg) -> Vec<PartyListInput> {
    (0..33)
        .map(|i| {
            let seats = if i < 2 { 51 } else { [11, 21, 31][i % 3] };
            let lists: Vec<ListVotes> = (0..4 + rng.below(9))
                .map(|l| ListVotes {
                    id: format!("c{i}-l{l}"),
                    votes: 100 + rng.below(20_000),
                    candidates: Some(seats),
                })
                .collect();
            let against_all = rng.below(3_000);
            let took_part =
                lists.iter().map(|l| l.votes).sum::<u64>() + against_all + rng.below(500);
            PartyListInput {
                seats,
                took_part,
                threshold_percent: 5,
                threshold_base: Default::default(),
                unfilled_list_seats: Default::default(),
                lists,
                against_all,
                lots: Vec::new(),
            }
        })
        .collect()
}

/// 231 aiyl councils in 1,259 districts (104 councils of 6 districts, 127 of 5), 1 to 9
/// mandates each, about two candidates per mandate.
fn aiyl_districts(rng: &mut Lcg) -> Vec<DistrictInput> {
    let mut districts = Vec::new();
    for council in 0..231 {
        let count = if council < 104 { 6 } else { 5 };
        for d in 0..count {
            let seats = 1 + rng.below(9);
            let candidates = (0..2 * seats + rng.below(4))
                .map(|c| CandidateVotes {
                    id: format!("a{council}-d{d}-c{c}"),
                    sex: if rng.below(3) == 0 {
                        Sex::Female
                    } else {
                        Sex::Male
                    },
                    votes: rng.below(2_000),
                })
                .collect();
            districts.push(DistrictInput {
                seats,
                reserved_for_women: None,
                candidates,
                lots: Vec::new(),
            });
        }
    }
    districts
}

fn allocation(c: &mut Criterion) {
    let city = bishkek();
    c.bench_function("bishkek_51_seats", |b| {
        b.iter(|| allocate_party_list(black_box(&city)))
    });

    let json = r#"{"kind": "party_list", "seats": 51, "took_part": 131613, "against_all": 8746,
        "lists": [{"id": "zhany_kuch", "votes": 37903}, {"id": "emgek", "votes": 28647},
        {"id": "yntymak", "votes": 18613}, {"id": "adilet", "votes": 17858},
        {"id": "el_umutu", "votes": 14514}, {"id": "other_1", "votes": 2500},
        {"id": "other_2", "votes": 1800}, {"id": "other_3", "votes": 700}]}"#;
    c.bench_function("bishkek_51_seats_json", |b| {
        b.iter(|| run_json(black_box(json)))
    });

    let mut rng = Lcg(20_241_117);
    let cities = city_councils(&mut rng);
    let districts = aiyl_districts(&mut rng);
    assert_eq!(districts.len(), 1_259);
    c.bench_function("country_264_councils_1259_districts", |b| {
        b.iter(|| {
            let mut seats = 0usize;
            for input in &cities {
                let report = allocate_party_list(black_box(input));
                seats += report.map_or(0, |r| r.explanation.len());
            }
            for input in &districts {
                let report = allocate_district(black_box(input));
                seats += report.map_or(0, |r| r.explanation.len());
            }
            seats
        })
    });
}

criterion_group!(benches, allocation);
criterion_main!(benches);
