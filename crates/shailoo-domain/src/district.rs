//! District schemes of aiyl councils (шайлоо округдарынын схемасы / схема избирательных округов):
//! the checks a TEC's draft must pass before the CEC approves it (DIS-01, DIS-03, DIS-05), and the
//! women's reserve of each district (DIS-04).
//!
//! A scheme is read from JSON as the CLI and the web receive it:
//! `{"seats": 21, "units": [{"id": "u1", "voters": 1234, "remote": false, "neighbors": ["u2"]}],
//! "districts": [{"id": "1", "units": ["u1"], "seats": 5, "remote": false}]}`.
//! Units are whole settlements or polling-station areas; adjacency is given by the data and read
//! as symmetric. All arithmetic is exact integers: the deviation is compared as a cross product,
//! and shown in basis points only for display.

use crate::ids::SeatCount;
use crate::params::{RuleParameters, Severity, coded_enum};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;

pub use crate::ids::{DistrictId, UnitId};

/// A unit with its voters and the units it borders. Unknown fields are refused, so that a
/// misspelt `neighbours` is named instead of read as "no borders".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub id: UnitId,
    pub voters: u64,
    /// Hard to reach or remote (алыскы / отдаленный): the ground for a district's 20% allowance.
    #[serde(default)]
    pub remote: bool,
    #[serde(default)]
    pub neighbors: Vec<UnitId>,
}

/// A district as drafted: its units, its mandates and whether the wider allowance is claimed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct District {
    pub id: DistrictId,
    pub units: Vec<UnitId>,
    /// Mandates; a plain number so that 0 is reported as a finding, not a parse failure.
    pub seats: u32,
    /// Hard to reach or remote: deviation up to 20% instead of 15% (DIS-01). Claimed by the
    /// drafter; the claim stands only for a district that contains a remote unit.
    #[serde(default)]
    pub remote: bool,
}

/// A council's draft district scheme (DIS-02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    /// The council's seats.
    pub seats: SeatCount,
    pub units: Vec<Unit>,
    pub districts: Vec<District>,
}

/// An exact non-negative fraction, e.g. the norm of representation. Reduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ratio {
    pub numerator: u64,
    pub denominator: u64,
}

impl Ratio {
    /// `n / d` reduced; `None` if `d` is 0.
    pub fn new(n: u64, d: u64) -> Option<Ratio> {
        if d == 0 {
            return None;
        }
        let g = gcd(n, d);
        Some(Ratio {
            numerator: n / g,
            denominator: d / g,
        })
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// DIS-04: the mandates of a district of `m` mandates reserved for women: ceil(3/10 × m) by
/// default (1→1, 2→1, 3→1, 4→2, 5→2, 6→2, 7→3, …, 10→3, 11→4).
pub fn reserved_for_women(m: u32, params: &RuleParameters) -> u32 {
    params.reserved_share.of(m, params.reserved_rounding)
}

/// DIS-04: the reserved mandates of a whole council, the sum over its districts.
pub fn reserved_total<I: IntoIterator<Item = u32>>(
    district_seats: I,
    params: &RuleParameters,
) -> u64 {
    district_seats
        .into_iter()
        .map(|m| u64::from(reserved_for_women(m, params)))
        .sum()
}

coded_enum! {
    /// The codes of [`SchemeFinding`].
    pub enum SchemeCode {
        /// DIS-03: a unit id appears twice in the unit list.
        DuplicateUnit = (
            "DIS-03.duplicate_unit", "DIS-03", "district-dis-03-duplicate-unit",
            "A unit appears twice in the list of units."
        ),
        /// DIS-03: a district id appears twice.
        DuplicateDistrict = (
            "DIS-03.duplicate_district", "DIS-03", "district-dis-03-duplicate-district",
            "A district appears twice."
        ),
        /// DIS-03: a district names a unit the council does not have.
        UnknownUnit = (
            "DIS-03.unknown_unit", "DIS-03", "district-dis-03-unknown-unit",
            "A district names a unit that is not in the list of units."
        ),
        /// DIS-03: a unit names a neighbor the council does not have.
        UnknownNeighbor = (
            "DIS-03.unknown_neighbor", "DIS-03", "district-dis-03-unknown-neighbor",
            "A unit names a neighbor that is not in the list of units."
        ),
        /// DIS-03: a unit belongs to no district.
        UnitUnassigned = (
            "DIS-03.unit_unassigned", "DIS-03", "district-dis-03-unit-unassigned",
            "A unit belongs to no district."
        ),
        /// DIS-03: a unit is assigned more than once (to several districts, or twice to one).
        UnitInSeveralDistricts = (
            "DIS-03.unit_in_several_districts", "DIS-03", "district-dis-03-unit-in-several-districts",
            "A unit is assigned more than once."
        ),
        /// DIS-03: a district has no units.
        EmptyDistrict = (
            "DIS-03.empty_district", "DIS-03", "district-dis-03-empty-district",
            "A district has no units."
        ),
        /// DIS-03: a district's units do not form one connected territory.
        NotContiguous = (
            "DIS-03.not_contiguous", "DIS-03", "district-dis-03-not-contiguous",
            "A district is not contiguous."
        ),
        /// DIS-03: the districts' mandates do not add up to the council's seats.
        SeatsSum = (
            "DIS-03.seats_sum", "DIS-03", "district-dis-03-seats-sum",
            "The districts' mandates do not add up to the council's seats."
        ),
        /// DIS-01: the council has no voters, so there is no norm of representation.
        NoVoters = (
            "DIS-01.no_voters", "DIS-01", "district-dis-01-no-voters",
            "The council has no voters, so no norm of representation can be computed."
        ),
        /// DIS-01: a district's voters per mandate deviate from the norm of representation
        /// (өкүлчүлүктүн нормасы / норма представительства) by more than 15% (20% remote).
        DeviationExceeded = (
            "DIS-01.deviation_exceeded", "DIS-01", "district-dis-01-deviation-exceeded",
            "The district's voters per mandate deviate from the norm by more than allowed."
        ),
        /// DIS-01: the wider remote allowance is claimed for a district none of whose units is
        /// marked remote. DIS-01 gives the allowance to remote districts only, so the claim is
        /// an error, and the district is held to the ordinary limit.
        RemoteWithoutRemoteUnit = (
            "DIS-01.remote_without_remote_unit", "DIS-01", "district-dis-01-remote-without-remote-unit",
            "The district is marked remote but none of its units is."
        ),
        /// DIS-03 (warning): a unit names a neighbor that does not name it back; read as adjacent.
        AsymmetricAdjacency = (
            "DIS-03.asymmetric_adjacency", "DIS-03", "district-dis-03-asymmetric-adjacency",
            "A unit names a neighbor that does not name it back."
        ),
        /// DIS-05: a district's mandates are outside the allowed range (1 to the council's size).
        MagnitudeOutOfRange = (
            "DIS-05.magnitude_out_of_range", "DIS-05", "district-dis-05-magnitude-out-of-range",
            "The district's number of mandates is outside the allowed range."
        ),
    }
}

impl SchemeCode {
    pub fn severity(self) -> Severity {
        match self {
            SchemeCode::AsymmetricAdjacency => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One finding about a scheme, with what to show. Serialized with its code under `code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code")]
pub enum SchemeFinding {
    #[serde(rename = "DIS-03.duplicate_unit")]
    DuplicateUnit { unit: UnitId },
    #[serde(rename = "DIS-03.duplicate_district")]
    DuplicateDistrict { district: DistrictId },
    #[serde(rename = "DIS-03.unknown_unit")]
    UnknownUnit { district: DistrictId, unit: UnitId },
    #[serde(rename = "DIS-03.unknown_neighbor")]
    UnknownNeighbor { unit: UnitId, neighbor: UnitId },
    #[serde(rename = "DIS-03.unit_unassigned")]
    UnitUnassigned { unit: UnitId },
    #[serde(rename = "DIS-03.unit_in_several_districts")]
    UnitInSeveralDistricts {
        unit: UnitId,
        /// Every district listing it, in order, repeated if one lists it twice.
        districts: Vec<DistrictId>,
    },
    #[serde(rename = "DIS-03.empty_district")]
    EmptyDistrict { district: DistrictId },
    #[serde(rename = "DIS-03.not_contiguous")]
    NotContiguous {
        district: DistrictId,
        /// The number of separate pieces (at least 2).
        parts: u32,
    },
    #[serde(rename = "DIS-03.seats_sum")]
    SeatsSum {
        council_seats: u32,
        district_seats: u64,
    },
    #[serde(rename = "DIS-01.no_voters")]
    NoVoters,
    #[serde(rename = "DIS-01.deviation_exceeded")]
    DeviationExceeded {
        district: DistrictId,
        /// Signed deviation from the norm, in basis points (1/100 of a percent), for display.
        deviation_bp: i64,
        limit_percent: u8,
    },
    #[serde(rename = "DIS-01.remote_without_remote_unit")]
    RemoteWithoutRemoteUnit { district: DistrictId },
    #[serde(rename = "DIS-03.asymmetric_adjacency")]
    AsymmetricAdjacency { unit: UnitId, neighbor: UnitId },
    #[serde(rename = "DIS-05.magnitude_out_of_range")]
    MagnitudeOutOfRange {
        district: DistrictId,
        seats: u32,
        min: u32,
        max: u32,
    },
}

impl SchemeFinding {
    pub fn code(&self) -> SchemeCode {
        use SchemeCode as C;
        use SchemeFinding as F;
        match self {
            F::DuplicateUnit { .. } => C::DuplicateUnit,
            F::DuplicateDistrict { .. } => C::DuplicateDistrict,
            F::UnknownUnit { .. } => C::UnknownUnit,
            F::UnknownNeighbor { .. } => C::UnknownNeighbor,
            F::UnitUnassigned { .. } => C::UnitUnassigned,
            F::UnitInSeveralDistricts { .. } => C::UnitInSeveralDistricts,
            F::EmptyDistrict { .. } => C::EmptyDistrict,
            F::NotContiguous { .. } => C::NotContiguous,
            F::SeatsSum { .. } => C::SeatsSum,
            F::NoVoters => C::NoVoters,
            F::DeviationExceeded { .. } => C::DeviationExceeded,
            F::RemoteWithoutRemoteUnit { .. } => C::RemoteWithoutRemoteUnit,
            F::AsymmetricAdjacency { .. } => C::AsymmetricAdjacency,
            F::MagnitudeOutOfRange { .. } => C::MagnitudeOutOfRange,
        }
    }
}

/// The figures of one district, for the published scheme (DIS-02) and the review screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictSummary {
    pub id: DistrictId,
    pub voters: u64,
    pub seats: u32,
    pub remote: bool,
    /// Voters per mandate, exact; `None` for a district without mandates.
    pub voters_per_mandate: Option<Ratio>,
    /// Signed deviation from the norm in basis points, rounded half away from zero; `None` when
    /// there is no norm or no mandate.
    pub deviation_bp: Option<i64>,
    /// The allowed deviation for this district (15, or 20 for a remote district: one that
    /// claims the allowance and contains a remote unit).
    pub limit_percent: u8,
    /// DIS-04: mandates reserved for women.
    pub reserved_for_women: u32,
}

/// The result of checking a scheme: errors make it invalid; warnings need a look and a comment.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeReport {
    pub errors: Vec<SchemeFinding>,
    pub warnings: Vec<SchemeFinding>,
    /// The sum of the voters of every unit.
    pub council_voters: u64,
    /// DIS-01: the norm of representation, council voters / council seats, exact.
    pub norm: Ratio,
    pub districts: Vec<DistrictSummary>,
    /// DIS-04: reserved mandates of the whole council.
    pub reserved_total: u64,
}

impl SchemeReport {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    fn push(&mut self, f: SchemeFinding) {
        match f.code().severity() {
            Severity::Error => self.errors.push(f),
            Severity::Warning => self.warnings.push(f),
        }
    }
}

/// `diff × 10000 / den` rounded half away from zero.
fn basis_points(diff: i128, den: i128) -> i64 {
    let scaled = diff * 10_000;
    let q = (scaled.abs() * 2 + den) / (2 * den);
    let q = i64::try_from(q).unwrap_or(i64::MAX);
    if scaled < 0 { -q } else { q }
}

/// Checks a district scheme against DIS-01, DIS-03 and DIS-05 and computes the DIS-04 reserve.
/// Every problem is reported; nothing stops at the first.
pub fn check_scheme(scheme: &Scheme, params: &RuleParameters) -> SchemeReport {
    let mut report = SchemeReport {
        errors: Vec::new(),
        warnings: Vec::new(),
        council_voters: 0,
        norm: Ratio {
            numerator: 0,
            denominator: 1,
        },
        districts: Vec::with_capacity(scheme.districts.len()),
        reserved_total: 0,
    };
    let index = index_units(&scheme.units, &mut report);
    let adjacency = adjacency(&scheme.units, &index, &mut report);
    check_assignment(scheme, &index, &mut report);
    check_council_totals(scheme, &mut report);
    let council = CouncilFigures {
        units: &scheme.units,
        seats: scheme.seats.get(),
        voters: report.council_voters,
        params,
    };
    let mut marks = Marks::new(scheme.units.len());
    for (k, d) in scheme.districts.iter().enumerate() {
        let members = marks.members(k, d, &index);
        let parts = marks.parts(k, &members, &adjacency);
        let summary = check_district(d, &members, parts, &council, &mut report);
        report.reserved_total += u64::from(summary.reserved_for_women);
        report.districts.push(summary);
    }
    report
}

/// Each unit's position by its id (the first unit of an id; a later one is reported), and the
/// council's voters counted once per unit.
fn index_units<'a>(units: &'a [Unit], report: &mut SchemeReport) -> HashMap<&'a UnitId, usize> {
    let mut index: HashMap<&UnitId, usize> = HashMap::with_capacity(units.len());
    for (i, u) in units.iter().enumerate() {
        if index.contains_key(&u.id) {
            report.push(SchemeFinding::DuplicateUnit { unit: u.id.clone() });
        } else {
            index.insert(&u.id, i);
            report.council_voters = report.council_voters.saturating_add(u.voters);
        }
    }
    index
}

/// Whether the unit at `i` is the one its id names (not a duplicate, already reported).
fn is_indexed(index: &HashMap<&UnitId, usize>, i: usize, u: &Unit) -> bool {
    index.get(&u.id) == Some(&i)
}

/// Adjacency, read as symmetric: a border named from one side is still a border. Unknown
/// neighbours are reported, then borders named from one side only.
fn adjacency(
    units: &[Unit],
    index: &HashMap<&UnitId, usize>,
    report: &mut SchemeReport,
) -> Vec<Vec<usize>> {
    let mut adjacency: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    let mut named: HashSet<(usize, usize)> = HashSet::new();
    for (i, u) in units.iter().enumerate() {
        if !is_indexed(index, i, u) {
            continue;
        }
        for nb in &u.neighbors {
            match index.get(nb) {
                None => report.push(SchemeFinding::UnknownNeighbor {
                    unit: u.id.clone(),
                    neighbor: nb.clone(),
                }),
                Some(&j) => {
                    named.insert((i, j));
                    adjacency[i].push(j);
                    adjacency[j].push(i);
                }
            }
        }
    }
    for (i, u) in units.iter().enumerate() {
        if !is_indexed(index, i, u) {
            continue;
        }
        for nb in &u.neighbors {
            if let Some(&j) = index.get(nb)
                && i != j
                && !named.contains(&(j, i))
            {
                report.push(SchemeFinding::AsymmetricAdjacency {
                    unit: u.id.clone(),
                    neighbor: nb.clone(),
                });
            }
        }
    }
    adjacency
}

/// Every unit in exactly one district; district ids unique, no district empty.
fn check_assignment(scheme: &Scheme, index: &HashMap<&UnitId, usize>, report: &mut SchemeReport) {
    let mut assigned: Vec<Vec<&DistrictId>> = vec![Vec::new(); scheme.units.len()];
    let mut district_ids: HashSet<&DistrictId> = HashSet::new();
    for d in &scheme.districts {
        if !district_ids.insert(&d.id) {
            report.push(SchemeFinding::DuplicateDistrict {
                district: d.id.clone(),
            });
        }
        if d.units.is_empty() {
            report.push(SchemeFinding::EmptyDistrict {
                district: d.id.clone(),
            });
        }
        for u in &d.units {
            match index.get(u) {
                None => report.push(SchemeFinding::UnknownUnit {
                    district: d.id.clone(),
                    unit: u.clone(),
                }),
                Some(&i) => assigned[i].push(&d.id),
            }
        }
    }
    for (i, u) in scheme.units.iter().enumerate() {
        if !is_indexed(index, i, u) {
            continue;
        }
        match assigned[i].len() {
            0 => report.push(SchemeFinding::UnitUnassigned { unit: u.id.clone() }),
            1 => {}
            _ => report.push(SchemeFinding::UnitInSeveralDistricts {
                unit: u.id.clone(),
                districts: assigned[i].iter().map(|d| (*d).clone()).collect(),
            }),
        }
    }
}

/// The districts' seats add up to the council's; the norm of representation (DIS-01).
fn check_council_totals(scheme: &Scheme, report: &mut SchemeReport) {
    let council_seats = scheme.seats.get();
    let seat_sum: u64 = scheme.districts.iter().map(|d| u64::from(d.seats)).sum();
    if seat_sum != u64::from(council_seats) {
        report.push(SchemeFinding::SeatsSum {
            council_seats,
            district_seats: seat_sum,
        });
    }
    let total_voters = report.council_voters;
    match Ratio::new(total_voters, u64::from(council_seats)) {
        Some(norm) if total_voters > 0 => report.norm = norm,
        _ => report.push(SchemeFinding::NoVoters),
    }
}

/// What every district is measured against.
struct CouncilFigures<'a> {
    units: &'a [Unit],
    seats: u32,
    voters: u64,
    params: &'a RuleParameters,
}

/// Per-district marks, stamped with the district's position so the vectors are reused.
struct Marks {
    member_of: Vec<usize>,
    seen: Vec<usize>,
    queue: VecDeque<usize>,
}

impl Marks {
    fn new(units: usize) -> Marks {
        Marks {
            member_of: vec![usize::MAX; units],
            seen: vec![usize::MAX; units],
            queue: VecDeque::new(),
        }
    }

    /// The known units of district `k` (position `k` of the scheme), each once.
    fn members(&mut self, k: usize, d: &District, index: &HashMap<&UnitId, usize>) -> Vec<usize> {
        let mut members: Vec<usize> = Vec::with_capacity(d.units.len());
        for u in &d.units {
            if let Some(&i) = index.get(u)
                && self.member_of[i] != k
            {
                self.member_of[i] = k;
                members.push(i);
            }
        }
        members
    }

    /// DIS-03: how many connected parts district `k` has, by breadth-first search restricted
    /// to its `members`.
    fn parts(&mut self, k: usize, members: &[usize], adjacency: &[Vec<usize>]) -> u32 {
        let mut parts = 0u32;
        for &start in members {
            if self.seen[start] == k {
                continue;
            }
            parts += 1;
            self.seen[start] = k;
            self.queue.push_back(start);
            while let Some(i) = self.queue.pop_front() {
                for &j in &adjacency[i] {
                    if self.member_of[j] == k && self.seen[j] != k {
                        self.seen[j] = k;
                        self.queue.push_back(j);
                    }
                }
            }
        }
        parts
    }
}

/// One district against DIS-03 (its `parts`), DIS-05 and DIS-01, and its DIS-04 reserve.
fn check_district(
    d: &District,
    members: &[usize],
    parts: u32,
    council: &CouncilFigures<'_>,
    report: &mut SchemeReport,
) -> DistrictSummary {
    let params = council.params;
    let voters: u64 = members.iter().map(|&i| council.units[i].voters).sum();
    if parts > 1 {
        report.push(SchemeFinding::NotContiguous {
            district: d.id.clone(),
            parts,
        });
    }
    let min_seats = params.district_min_seats;
    let max_seats = params.district_max_seats.unwrap_or(council.seats);
    if d.seats < min_seats || d.seats > max_seats {
        report.push(SchemeFinding::MagnitudeOutOfRange {
            district: d.id.clone(),
            seats: d.seats,
            min: min_seats,
            max: max_seats,
        });
    }
    // The wider limit belongs to remote districts only: a claim without a remote unit is
    // refused and the district measured against the ordinary limit.
    let has_remote_unit = members.iter().any(|&i| council.units[i].remote);
    if d.remote && !has_remote_unit {
        report.push(SchemeFinding::RemoteWithoutRemoteUnit {
            district: d.id.clone(),
        });
    }
    let limit_percent = if d.remote && has_remote_unit {
        params.max_deviation_percent_remote
    } else {
        params.max_deviation_percent
    };
    let deviation_bp = check_deviation(d, voters, limit_percent, council, report);
    DistrictSummary {
        id: d.id.clone(),
        voters,
        seats: d.seats,
        remote: d.remote,
        voters_per_mandate: Ratio::new(voters, u64::from(d.seats)),
        deviation_bp,
        limit_percent,
        reserved_for_women: reserved_for_women(d.seats, params),
    }
}

/// DIS-01: |v/m − V/S| ≤ p% × V/S  ⇔  100 × |v·S − V·m| ≤ p × V·m. The deviation in basis
/// points; `None` without mandates or voters.
fn check_deviation(
    d: &District,
    voters: u64,
    limit_percent: u8,
    council: &CouncilFigures<'_>,
    report: &mut SchemeReport,
) -> Option<i64> {
    if d.seats == 0 || council.voters == 0 {
        return None;
    }
    let diff = i128::from(voters) * i128::from(council.seats)
        - i128::from(council.voters) * i128::from(d.seats);
    let den = i128::from(council.voters) * i128::from(d.seats);
    let bp = basis_points(diff, den);
    if diff.abs() * 100 > i128::from(limit_percent) * den {
        report.push(SchemeFinding::DeviationExceeded {
            district: d.id.clone(),
            deviation_bp: bp,
            limit_percent,
        });
    }
    Some(bp)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::params::{Coded, Fraction, Rounding};
    use proptest::prelude::*;

    /// A line of units u1 – u2 – … – uN, each with `voters`.
    fn line(voters: &[u64]) -> Vec<Unit> {
        let n = voters.len();
        (0..n)
            .map(|i| Unit {
                id: uid(&format!("u{}", i + 1)),
                voters: voters[i],
                remote: false,
                neighbors: [i.checked_sub(1), (i + 1 < n).then_some(i + 1)]
                    .into_iter()
                    .flatten()
                    .map(|j| uid(&format!("u{}", j + 1)))
                    .collect(),
            })
            .collect()
    }

    fn uid(s: &str) -> UnitId {
        UnitId::parse(s).unwrap()
    }

    fn district(id: &str, units: &[&str], seats: u32) -> District {
        District {
            id: DistrictId::parse(id).unwrap(),
            units: units.iter().map(|u| uid(u)).collect(),
            seats,
            remote: false,
        }
    }

    /// 4 units of 1000 voters, 4 seats, two districts of two units and two seats: exact norm.
    fn good() -> Scheme {
        Scheme {
            seats: SeatCount::new(4).unwrap(),
            units: line(&[1000, 1000, 1000, 1000]),
            districts: vec![
                district("1", &["u1", "u2"], 2),
                district("2", &["u3", "u4"], 2),
            ],
        }
    }

    fn codes(findings: &[SchemeFinding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.code().code()).collect()
    }

    fn check(s: &Scheme) -> SchemeReport {
        check_scheme(s, &RuleParameters::default())
    }

    #[test]
    fn a_balanced_contiguous_scheme_is_valid() {
        let r = check(&good());
        assert!(r.is_valid(), "{:?}", r.errors);
        assert!(r.warnings.is_empty());
        assert_eq!(r.norm, Ratio::new(1000, 1).unwrap());
        assert_eq!(r.districts[0].deviation_bp, Some(0));
        assert_eq!(r.reserved_total, 2);
    }

    #[test]
    fn dis_03_every_unit_in_exactly_one_district() {
        let mut s = good();
        s.districts[1].units = vec![uid("u2"), uid("u3"), uid("x")];
        let r = check(&s);
        // The voters still balance (u2 is counted in both), so only assignment is wrong.
        assert_eq!(
            codes(&r.errors),
            [
                "DIS-03.unknown_unit",
                "DIS-03.unit_in_several_districts", // u2, in unit order
                "DIS-03.unit_unassigned",           // u4
            ]
        );
        assert!(
            r.errors
                .contains(&SchemeFinding::UnitUnassigned { unit: uid("u4") })
        );
        assert!(r.errors.contains(&SchemeFinding::UnitInSeveralDistricts {
            unit: uid("u2"),
            districts: vec![
                DistrictId::parse("1").unwrap(),
                DistrictId::parse("2").unwrap()
            ],
        }));
    }

    #[test]
    fn dis_03_duplicates_and_empty_districts_are_errors() {
        let mut s = good();
        s.units.push(s.units[0].clone());
        s.districts.push(district("2", &[], 0));
        let r = check(&s);
        let c = codes(&r.errors);
        assert!(c.contains(&"DIS-03.duplicate_unit"));
        assert!(c.contains(&"DIS-03.duplicate_district"));
        assert!(c.contains(&"DIS-03.empty_district"));
        // The duplicate unit's voters are counted once.
        assert_eq!(r.council_voters, 4000);
    }

    #[test]
    fn dis_03_a_district_must_be_contiguous() {
        let mut s = good();
        s.districts = vec![
            district("1", &["u1", "u3"], 2),
            district("2", &["u2", "u4"], 2),
        ];
        let r = check(&s);
        assert_eq!(
            codes(&r.errors),
            ["DIS-03.not_contiguous", "DIS-03.not_contiguous"]
        );
        assert!(matches!(
            r.errors[0],
            SchemeFinding::NotContiguous { parts: 2, .. }
        ));
    }

    #[test]
    fn dis_03_adjacency_named_from_one_side_counts_but_is_warned() {
        let mut s = good();
        s.units[1].neighbors.retain(|n| n.as_str() != "u1");
        let r = check(&s);
        assert!(r.is_valid(), "{:?}", r.errors);
        assert_eq!(codes(&r.warnings), ["DIS-03.asymmetric_adjacency"]);
        s.units[0].neighbors.push(uid("nowhere"));
        assert_eq!(codes(&check(&s).errors), ["DIS-03.unknown_neighbor"]);
    }

    #[test]
    fn dis_03_seats_must_sum_to_the_council_size() {
        let mut s = good();
        s.districts[1].seats = 3;
        let r = check(&s);
        assert!(r.errors.contains(&SchemeFinding::SeatsSum {
            council_seats: 4,
            district_seats: 5
        }));
    }

    /// Norm 1000; a district of 2 mandates with `v` voters deviates by (v/2 − 1000)/1000.
    fn with_first_district_voters(v1: u64, v2: u64, remote: bool) -> SchemeReport {
        let mut s = Scheme {
            seats: SeatCount::new(4).unwrap(),
            units: line(&[v1, v2, 4000 - v1 - v2, 0]),
            districts: vec![
                district("1", &["u1", "u2"], 2),
                district("2", &["u3", "u4"], 2),
            ],
        };
        s.districts[0].remote = remote;
        s.units[0].remote = remote;
        check(&s)
    }

    #[test]
    fn dis_01_deviation_of_exactly_15_percent_is_allowed() {
        // District 1: 2300 voters / 2 = 1150 = +15%; district 2: 1700 / 2 = 850 = −15%.
        let r = with_first_district_voters(1150, 1150, false);
        assert!(r.is_valid(), "{:?}", r.errors);
        assert_eq!(r.districts[0].deviation_bp, Some(1500));
        assert_eq!(r.districts[1].deviation_bp, Some(-1500));
    }

    #[test]
    fn dis_01_deviation_just_over_15_percent_is_an_error() {
        // 2301 / 2 = 1150.5: +15.05%.
        let r = with_first_district_voters(1151, 1150, false);
        assert_eq!(
            codes(&r.errors),
            ["DIS-01.deviation_exceeded", "DIS-01.deviation_exceeded"]
        );
        assert_eq!(
            r.errors[0],
            SchemeFinding::DeviationExceeded {
                district: DistrictId::parse("1").unwrap(),
                deviation_bp: 1505,
                limit_percent: 15
            }
        );
    }

    #[test]
    fn dis_01_remote_districts_may_deviate_up_to_20_percent() {
        // District 1 (remote): 2400/2 = +20% allowed; district 2: 1600/2 = −20%, not remote.
        let r = with_first_district_voters(1200, 1200, true);
        assert_eq!(codes(&r.errors), ["DIS-01.deviation_exceeded"]);
        assert!(matches!(
            &r.errors[0],
            SchemeFinding::DeviationExceeded { district, limit_percent: 15, .. } if district.as_str() == "2"
        ));
        let over = with_first_district_voters(1201, 1200, true);
        assert!(over.errors.iter().any(|f| matches!(
            f,
            SchemeFinding::DeviationExceeded { district, limit_percent: 20, .. } if district.as_str() == "1"
        )));
    }

    #[test]
    fn dis_01_remote_claim_without_a_remote_unit_is_an_error_and_gets_no_allowance() {
        let mut s = good();
        s.districts[0].remote = true;
        let r = check(&s);
        assert!(!r.is_valid());
        assert_eq!(codes(&r.errors), ["DIS-01.remote_without_remote_unit"]);
        assert!(r.warnings.is_empty());
        assert_eq!(r.districts[0].limit_percent, 15);
        // District 1: +18%, within the remote allowance, but without a remote unit; district
        // 2: −18%, with one.
        let mut s = good();
        s.units[0].voters = 1180;
        s.units[1].voters = 1180;
        s.units[2].voters = 820;
        s.units[3].voters = 820;
        s.districts[0].remote = true;
        s.districts[1].remote = true;
        s.units[2].remote = true;
        let r = check(&s);
        assert_eq!(
            codes(&r.errors),
            [
                "DIS-01.remote_without_remote_unit",
                "DIS-01.deviation_exceeded"
            ]
        );
        assert_eq!(
            (r.districts[0].limit_percent, r.districts[1].limit_percent),
            (15, 20)
        );
    }

    #[test]
    fn dis_03_unknown_fields_of_a_scheme_are_named() {
        let err = serde_json::from_str::<Scheme>(
            r#"{"seats": 2, "units": [{"id": "a", "voters": 1, "neighbours": ["b"]}], "districts": []}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("neighbours"), "{err}");
        let err = serde_json::from_str::<District>(
            r#"{"id": "1", "units": [], "seats": 1, "remot": true}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("remot"), "{err}");
    }

    #[test]
    fn dis_01_a_council_without_voters_has_no_norm() {
        let mut s = good();
        for u in &mut s.units {
            u.voters = 0;
        }
        assert_eq!(codes(&check(&s).errors), ["DIS-01.no_voters"]);
    }

    #[test]
    fn dis_05_magnitude_between_1_and_the_council_size() {
        let mut s = good();
        s.districts[0].seats = 0;
        s.districts[1].seats = 4;
        let r = check(&s);
        assert!(r.errors.contains(&SchemeFinding::MagnitudeOutOfRange {
            district: DistrictId::parse("1").unwrap(),
            seats: 0,
            min: 1,
            max: 4
        }));
        assert!(
            !r.errors
                .iter()
                .any(|f| matches!(f, SchemeFinding::MagnitudeOutOfRange { seats: 4, .. }))
        );
        let capped = RuleParameters {
            district_max_seats: Some(3),
            ..RuleParameters::default()
        };
        let r = check_scheme(&s, &capped);
        assert!(r.errors.iter().any(|f| matches!(
            f,
            SchemeFinding::MagnitudeOutOfRange {
                seats: 4,
                max: 3,
                ..
            }
        )));
    }

    #[test]
    fn dis_04_reserved_mandates_are_ceil_of_30_percent() {
        let p = RuleParameters::default();
        let table = [
            (1, 1),
            (2, 1),
            (3, 1),
            (4, 2),
            (5, 2),
            (6, 2),
            (7, 3),
            (8, 3),
            (9, 3),
            (10, 3),
            (11, 4),
        ];
        for (m, reserved) in table {
            assert_eq!(reserved_for_women(m, &p), reserved, "{m} mandates");
        }
        assert_eq!(reserved_total([5, 5, 4, 7], &p), 9);
        let floor = RuleParameters {
            reserved_rounding: Rounding::Down,
            ..RuleParameters::default()
        };
        assert_eq!(reserved_for_women(5, &floor), 1);
        let share = RuleParameters {
            reserved_share: Fraction::new(1, 2),
            ..RuleParameters::default()
        };
        assert_eq!(reserved_for_women(5, &share), 3);
    }

    #[test]
    fn the_json_of_the_cli_is_read() {
        let json = r#"{"seats": 21, "units": [{"id": "u1", "voters": 1234, "remote": false, "neighbors": ["u2"]},
            {"id": "u2", "voters": 1000, "neighbors": ["u1"]}],
            "districts": [{"id":"1","units":["u1", "u2"],"seats":21,"remote":false}]}"#;
        let s: Scheme = serde_json::from_str(json).unwrap();
        let r = check(&s);
        assert!(r.is_valid(), "{:?}", r.errors);
        assert_eq!(r.reserved_total, 7);
        assert_eq!(r.norm, Ratio::new(2234, 21).unwrap());
        let out = serde_json::to_value(&r).unwrap();
        assert_eq!(out["districts"][0]["reserved_for_women"], 7);
        assert!(
            serde_json::from_str::<Scheme>(r#"{"seats": 0, "units": [], "districts": []}"#)
                .is_err()
        );
    }

    #[test]
    fn codes_keys_and_serde_agree() {
        for c in SchemeCode::ALL {
            assert!(c.code().starts_with(c.rule()));
            let key = format!(
                "district-{}",
                c.code().to_ascii_lowercase().replace(['_', '.'], "-")
            );
            assert_eq!(c.message_key(), key);
        }
        let d = || DistrictId::parse("1").unwrap();
        let samples = [
            SchemeFinding::NoVoters,
            SchemeFinding::NotContiguous {
                district: d(),
                parts: 2,
            },
            SchemeFinding::SeatsSum {
                council_seats: 1,
                district_seats: 2,
            },
            SchemeFinding::UnitUnassigned { unit: uid("u") },
            SchemeFinding::AsymmetricAdjacency {
                unit: uid("a"),
                neighbor: uid("b"),
            },
        ];
        for f in samples {
            let json = serde_json::to_value(&f).unwrap();
            assert_eq!(json["code"], f.code().code());
            assert_eq!(serde_json::from_value::<SchemeFinding>(json).unwrap(), f);
        }
    }

    proptest! {
        /// DIS-01 exact arithmetic: the check agrees with a direct comparison of the two
        /// rationals, v/m against (1 ± p/100)·V/S, evaluated over a common denominator.
        #[test]
        fn dis_01_deviation_check_is_exact(
            a in 1u64..100_000, b in 1u64..100_000, c in 1u64..100_000,
            m1 in 1u32..8, m2 in 1u32..8,
        ) {
            let seats = m1 + m2;
            let s = Scheme {
                seats: SeatCount::new(seats).unwrap(),
                units: line(&[a, b, c]),
                districts: vec![district("1", &["u1"], m1), district("2", &["u2", "u3"], m2)],
            };
            let r = check(&s);
            let total = u128::from(a + b + c);
            let s128 = u128::from(seats);
            for (v, m, id) in [(u128::from(a), u128::from(m1), "1"), (u128::from(b + c), u128::from(m2), "2")] {
                // v/m ≤ 1.15·V/S  ⇔  100·v·S ≤ 115·V·m, and v/m ≥ 0.85·V/S  ⇔  100·v·S ≥ 85·V·m.
                let within = 100 * v * s128 <= 115 * total * m && 100 * v * s128 >= 85 * total * m;
                let flagged = r.errors.iter().any(|f| matches!(f, SchemeFinding::DeviationExceeded { district, .. } if district.as_str() == id));
                prop_assert_eq!(flagged, !within);
            }
        }

        /// DIS-04: the reserve is at least 30% of the mandates and less than 30% plus one.
        #[test]
        fn dis_04_reserve_is_the_least_whole_number_at_or_above_30_percent(m in 0u32..200) {
            let r = reserved_for_women(m, &RuleParameters::default());
            prop_assert!(10 * r >= 3 * m);
            prop_assert!(r == 0 || 10 * (r - 1) < 3 * m);
        }
    }
}
