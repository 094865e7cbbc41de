//! The proposer against the rules it implements (DIS-01, DIS-03, DIS-04, DIS-05): every
//! proposal passes the domain's check, impossible councils get a reason, and on small councils
//! the proposal is as good as an exhaustive search.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use proptest::prelude::*;
use shailoo_districting::{MagnitudeRange, NoValidScheme, Proposal, ProposalInput, propose};
use shailoo_domain::SeatCount;
use shailoo_domain::district::{Unit, UnitId, check_scheme, reserved_for_women};
use shailoo_domain::params::RuleParameters;
use std::collections::BTreeSet;

fn uid(s: &str) -> UnitId {
    UnitId::parse(s).unwrap()
}

fn unit(id: &str, voters: u64, neighbors: &[&str]) -> Unit {
    Unit {
        id: uid(id),
        voters,
        remote: false,
        neighbors: neighbors.iter().map(|n| uid(n)).collect(),
    }
}

/// A `w × h` grid of units `r{row}c{col}`, voters from `voters` row by row; `keep(i, j)` says
/// whether the border between units `i` and `j` (by index) exists.
fn grid(w: usize, h: usize, voters: &[u64], keep: impl Fn(usize, usize) -> bool) -> Vec<Unit> {
    let id = |i: usize| format!("r{}c{}", i / w, i % w);
    (0..w * h)
        .map(|i| {
            let (r, c) = (i / w, i % w);
            let mut neighbors = Vec::new();
            if c + 1 < w && keep(i, i + 1) {
                neighbors.push(uid(&id(i + 1)));
            }
            if r + 1 < h && keep(i, i + w) {
                neighbors.push(uid(&id(i + w)));
            }
            Unit {
                id: uid(&id(i)),
                voters: voters[i],
                remote: false,
                neighbors,
            }
        })
        .collect()
}

fn input(seats: u32, units: Vec<Unit>, districts: Option<u32>) -> ProposalInput {
    ProposalInput {
        council: None,
        seats: SeatCount::new(seats).unwrap(),
        units,
        districts,
        magnitude: None,
        seed: None,
    }
}

fn params() -> RuleParameters {
    RuleParameters::default()
}

/// Everything a proposal must be, checked independently of the proposer.
fn assert_valid(input: &ProposalInput, p: &Proposal) {
    let report = check_scheme(&p.scheme(input), &params());
    assert!(report.is_valid(), "{:?}", report.errors);
    let seats: u32 = p.districts.iter().map(|d| d.seats).sum();
    assert_eq!(seats, input.seats.get());
    let mut seen = BTreeSet::new();
    for d in &p.districts {
        assert_eq!(d.reserved_for_women, reserved_for_women(d.seats, &params()));
        for u in &d.units {
            assert!(seen.insert(u.clone()), "{u} twice");
        }
        assert!(d.deviation_percent.abs() <= if d.remote { 20.0 } else { 15.0 });
    }
    assert_eq!(seen.len(), input.units.len());
    if let Some(k) = input.districts {
        assert_eq!(p.districts.len(), k as usize);
    }
    let max = p
        .districts
        .iter()
        .map(|d| d.deviation_percent.abs())
        .fold(0.0, f64::max);
    assert_eq!(max, p.max_deviation_percent);
}

/// A village of 12 units of uneven size on a 4 × 3 grid.
fn village() -> ProposalInput {
    let voters = [
        900, 1200, 700, 1500, 800, 1100, 1300, 600, 1000, 1400, 950, 1050,
    ];
    input(21, grid(4, 3, &voters, |_, _| true), Some(4))
}

#[test]
fn dis_03_a_proposal_passes_the_domain_check_with_the_requested_districts() {
    let input = village();
    let p = propose(&input, &params(), 1).unwrap();
    assert_valid(&input, &p);
    assert_eq!(p.districts.len(), 4);
    assert!(p.max_deviation_percent < 5.0, "{}", p.max_deviation_percent);
}

#[test]
fn dis_03_the_same_seed_gives_the_same_scheme() {
    let input = village();
    let a = propose(&input, &params(), 7).unwrap();
    let b = propose(&input, &params(), 7).unwrap();
    assert_eq!(a, b);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

#[test]
fn dis_03_without_a_request_the_number_of_districts_follows_the_typical_magnitude() {
    let mut input = village();
    input.districts = None;
    let p = propose(&input, &params(), 1).unwrap();
    assert_valid(&input, &p);
    // 21 seats × 1,259 / 5,391 ≈ 4.9 → 5 districts.
    assert_eq!(p.districts.len(), 5);
}

#[test]
fn dis_01_a_village_larger_than_any_district_allows_is_named() {
    // 11 seats, 1000 voters each in 10 small units and one of 9000: V = 19000, norm ≈ 1727;
    // a district of at most 3 mandates holds at most 3 × 1727 × 1.15 ≈ 5959 voters.
    let mut units: Vec<Unit> = (0..10)
        .map(|i| {
            let next = format!("u{}", i + 1);
            unit(&format!("u{i}"), 1000, &[next.as_str()])
        })
        .collect();
    units.push(unit("u10", 9000, &[]));
    let mut input = input(11, units, None);
    input.magnitude = Some(MagnitudeRange { min: 1, max: 3 });
    let e = propose(&input, &params(), 1).unwrap_err();
    assert_eq!(e.code(), "unit_too_large");
    match &e {
        NoValidScheme::UnitTooLarge {
            unit,
            voters,
            max_seats,
            limit_percent,
            max_voters,
        } => {
            assert_eq!(
                (unit.as_str(), *voters, *max_seats, *limit_percent),
                ("u10", 9000, 3, 15)
            );
            assert_eq!(*max_voters, 19_000 * 3 * 115 / (100 * 11));
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("unit u10 alone holds 9000 voters"));
}

#[test]
fn dis_03_disconnected_units_are_a_reason_when_the_parts_cannot_stand_alone() {
    // Two parts; one district requested.
    let units = vec![
        unit("a1", 1000, &["a2"]),
        unit("a2", 1000, &[]),
        unit("b1", 1000, &["b2"]),
        unit("b2", 1000, &[]),
    ];
    let e = propose(&input(4, units.clone(), Some(1)), &params(), 1).unwrap_err();
    assert!(
        matches!(
            e,
            NoValidScheme::DistrictCount {
                requested: Some(1),
                parts: 2,
                ..
            }
        ),
        "{e:?}"
    );
    // Two parts with two districts: each part is a district.
    let ok = propose(&input(4, units, Some(2)), &params(), 1).unwrap();
    assert_eq!(ok.districts.len(), 2);
    // A hamlet of 100 voters without any border: no whole number of mandates represents it.
    let units = vec![
        unit("a1", 3000, &["a2"]),
        unit("a2", 3000, &[]),
        unit("h", 100, &[]),
    ];
    let e = propose(&input(11, units, None), &params(), 1).unwrap_err();
    match e {
        NoValidScheme::IsolatedPart { units, voters, .. } => {
            assert_eq!((units, voters), (vec![uid("h")], 100));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn dis_03_a_requested_number_of_districts_that_cannot_be_met_is_named() {
    let e = propose(&input(21, village().units, Some(13)), &params(), 1).unwrap_err();
    assert!(
        matches!(
            e,
            NoValidScheme::DistrictCount {
                requested: Some(13),
                possible_max: 12,
                ..
            }
        ),
        "{e:?}"
    );
    let mut i = village();
    i.magnitude = Some(MagnitudeRange { min: 6, max: 11 });
    i.districts = Some(4); // 4 × 6 = 24 > 21
    let e = propose(&i, &params(), 1).unwrap_err();
    assert_eq!(e.code(), "district_count");
}

#[test]
fn dis_05_a_requested_magnitude_range_is_honoured() {
    let mut i = village();
    i.districts = None;
    i.magnitude = Some(MagnitudeRange { min: 3, max: 4 });
    let p = propose(&i, &params(), 3).unwrap();
    assert_valid(&i, &p);
    assert!(p.districts.iter().all(|d| (3..=4).contains(&d.seats)));
    i.magnitude = Some(MagnitudeRange { min: 30, max: 40 });
    assert_eq!(
        propose(&i, &params(), 3).unwrap_err().code(),
        "magnitude_range"
    );
}

#[test]
fn dis_01_a_remote_unit_gives_its_district_the_wider_allowance() {
    // Two units of 1180 and 820 voters, 2 seats, 2 districts: ±18% each. Valid only if both
    // districts are remote.
    let mut units = vec![unit("a", 1180, &["b"]), unit("b", 820, &[])];
    let e = propose(&input(2, units.clone(), Some(2)), &params(), 1).unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert!(e.to_string().contains("18.00%"), "{e}");
    units[0].remote = true;
    units[1].remote = true;
    let i = input(2, units, Some(2));
    let p = propose(&i, &params(), 1).unwrap();
    assert_valid(&i, &p);
    assert!(p.districts.iter().all(|d| d.remote));
    assert_eq!(p.max_deviation_percent, 18.0);
}

#[test]
fn dis_01_inputs_without_voters_or_with_broken_references_are_refused() {
    let e = propose(
        &input(5, vec![unit("a", 0, &[]), unit("b", 0, &["a"])], None),
        &params(),
        1,
    )
    .unwrap_err();
    assert_eq!(e, NoValidScheme::NoVoters);
    let e = propose(&input(5, vec![unit("a", 10, &["x"])], None), &params(), 1).unwrap_err();
    assert!(
        matches!(&e, NoValidScheme::InvalidInput { field, .. } if field == "units[0].neighbors[0]"),
        "{e:?}"
    );
    let e = propose(
        &input(5, vec![unit("a", 10, &[]), unit("a", 10, &[])], None),
        &params(),
        1,
    )
    .unwrap_err();
    assert!(
        matches!(&e, NoValidScheme::InvalidInput { field, .. } if field == "units[1].id"),
        "{e:?}"
    );
}

#[test]
fn dis_04_every_district_carries_its_reserved_mandates() {
    let p = propose(&village(), &params(), 11).unwrap();
    let total: u64 = p
        .districts
        .iter()
        .map(|d| u64::from(reserved_for_women(d.seats, &params())))
        .sum();
    assert_eq!(p.reserved_total, total);
    let json = serde_json::to_value(&p).unwrap();
    assert!(json["districts"][0]["reserved_for_women"].is_u64());
    assert!(json["max_deviation_percent"].is_number());
    assert!(json["cut_edges"].is_u64());
}

// ---- optimality against exhaustive search on small councils ----

/// The smallest achievable largest deviation, in exact terms (num, den), over every partition
/// of the units into `k` connected districts and every magnitude split.
fn exhaustive_optimum(units: &[Unit], seats: u32, k: usize) -> Option<(u128, u128)> {
    let n = units.len();
    let index = |id: &UnitId| units.iter().position(|u| &u.id == id).unwrap();
    let mut adj = vec![vec![false; n]; n];
    for (i, u) in units.iter().enumerate() {
        for nb in &u.neighbors {
            let j = index(nb);
            adj[i][j] = true;
            adj[j][i] = true;
        }
    }
    let total: u64 = units.iter().map(|u| u.voters).sum();
    let mut best: Option<(u128, u128)> = None;
    let mut labels = vec![0usize; n];
    // Restricted growth strings enumerate set partitions once each.
    fn rec(
        i: usize,
        used: usize,
        k: usize,
        labels: &mut Vec<usize>,
        visit: &mut dyn FnMut(&[usize]),
    ) {
        let n = labels.len();
        if i == n {
            if used == k {
                visit(labels);
            }
            return;
        }
        if k - used > n - i {
            return;
        }
        for l in 0..(used + 1).min(k) {
            labels[i] = l;
            rec(i + 1, used.max(l + 1), k, labels, visit);
        }
    }
    let mut visit = |labels: &[usize]| {
        // Contiguity of every district.
        for d in 0..k {
            let members: Vec<usize> = (0..n).filter(|&i| labels[i] == d).collect();
            let mut seen = vec![members[0]];
            let mut stack = vec![members[0]];
            while let Some(i) = stack.pop() {
                for &j in &members {
                    if adj[i][j] && !seen.contains(&j) {
                        seen.push(j);
                        stack.push(j);
                    }
                }
            }
            if seen.len() != members.len() {
                return;
            }
        }
        let voters: Vec<u64> = (0..k)
            .map(|d| {
                (0..n)
                    .filter(|&i| labels[i] == d)
                    .map(|i| units[i].voters)
                    .sum()
            })
            .collect();
        // Every magnitude split.
        let mut m = vec![1u32; k];
        loop {
            if m.iter().sum::<u32>() == seats {
                let worst = voters
                    .iter()
                    .zip(&m)
                    .map(|(&v, &mm)| {
                        let a = u128::from(v) * u128::from(seats);
                        let b = u128::from(total) * u128::from(mm);
                        (a.abs_diff(b), b)
                    })
                    .max_by(|x, y| (x.0 * y.1).cmp(&(y.0 * x.1)))
                    .unwrap();
                if best.is_none_or(|b| worst.0 * b.1 < b.0 * worst.1) {
                    best = Some(worst);
                }
            }
            // Next vector in 1..=seats^k.
            let mut pos = 0;
            loop {
                if pos == k {
                    return;
                }
                m[pos] += 1;
                if m[pos] <= seats {
                    break;
                }
                m[pos] = 1;
                pos += 1;
            }
        }
    };
    rec(0, 0, k, &mut labels, &mut visit);
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// DIS-01: on councils small enough to enumerate, the largest deviation of the proposal is
    /// the smallest achievable one.
    #[test]
    fn dis_01_on_small_councils_the_largest_deviation_is_optimal(
        voters in prop::collection::vec(200u64..3000, 6),
        edges in prop::collection::vec(any::<bool>(), 7),
        seats in 5u32..12,
        k in 2usize..4,
        seed in any::<u64>(),
    ) {
        // A 3 × 2 grid (7 borders), always keeping a spanning path so it is connected.
        let all = [(0, 1), (1, 2), (3, 4), (4, 5), (0, 3), (1, 4), (2, 5)];
        let path = [(0, 1), (1, 2), (2, 5), (4, 5), (3, 4)];
        let keep = |i: usize, j: usize| {
            let e = all.iter().position(|&x| x == (i, j)).unwrap();
            edges[e] || path.contains(&(i, j))
        };
        let units = grid(3, 2, &voters, keep);
        let optimum = exhaustive_optimum(&units, seats, k);
        let input = input(seats, units, Some(k as u32));
        match propose(&input, &params(), seed) {
            Ok(p) => {
                assert_valid(&input, &p);
                let (num, den) = optimum.unwrap();
                // Compare in basis points as the proposal reports them.
                let bp = ((num * 20_000 + den) / (2 * den)) as i64;
                prop_assert_eq!(p.max_deviation_bp, bp);
            }
            Err(e) => {
                // Only acceptable when the optimum itself is beyond 15%.
                let (num, den) = optimum.unwrap();
                prop_assert!(num * 100 > 15 * den, "{e:?} but the optimum is {num}/{den}");
            }
        }
    }

    /// DIS-03: on random connected grids, a proposal is always valid, or a reason is given;
    /// never a bad scheme.
    #[test]
    fn dis_03_random_grids_give_a_valid_scheme_or_a_reason(
        w in 1usize..7,
        h in 1usize..7,
        voters in prop::collection::vec(0u64..4000, 36),
        cut in prop::collection::vec(0u8..4, 72),
        seats in 1u32..40,
        districts in prop::option::of(1u32..10),
        seed in any::<u64>(),
    ) {
        // Borders removed at random (one in four), but never on the first row or column, so
        // the grid stays connected through them ("comb").
        let keep = |i: usize, j: usize| {
            let (r, c) = (i / w, i % w);
            r == 0 && j == i + 1 || c == 0 && j == i + w || cut[(i * 2 + usize::from(j == i + w)) % 72] != 0
        };
        let units = grid(w, h, &voters[..w * h], keep);
        let input = input(seats, units, districts);
        match propose(&input, &params(), seed) {
            Ok(p) => assert_valid(&input, &p),
            Err(e) => prop_assert!(
                !matches!(e, NoValidScheme::CheckRejected { .. } | NoValidScheme::InvalidInput { .. }),
                "{e:?}"
            ),
        }
    }
}
