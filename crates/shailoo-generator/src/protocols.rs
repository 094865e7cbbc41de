//! The PEC results protocols of a generated election (`protocols.jsonl`, issue 15): one per
//! regular polling station and contest, consistent with the generated lists and ballots and
//! passing every control check (RES-05).
//!
//! - A city council's station counts its party-list contest: the voters on the list are the
//!   eligible persons of the station's area (as the compiled lists count them); the options
//!   are the council's registered lists (by party id), with "against all".
//! - An aiyl council's station counts each district of the council's scheme whose units it
//!   serves, with the eligible persons of those units; the options are the district's
//!   registered candidates, each named `{nomination}-1` after its nomination's id in
//!   `nominations.csv` (a district nomination has one candidate): the id `shailoo load` gives
//!   it, since a loaded nomination keeps the files' id as its reference.
//! - The arithmetic: turnout 30–70 % of the list; 0–4 % of the ballots issued outside the
//!   station (found in the mobile boxes); every issued ballot found; 1–3 % invalid; against
//!   all 1–4 % of the valid; the rest shared among the options by random weights, by largest
//!   remainders, so that every sum is exact.
//! - Bishkek at national scale: the protocols add up to RES-12's published totals (131,613
//!   took part; Zhany Kuch 37,903, Emgek 28,647, Yntymak 18,613, Adilet 17,858, El Umutu 14,514),
//!   spread over the stations by their voters, with Uluu-Zhurt 5,112 and the other lists under
//!   the threshold, 3,987 against all and 4,979 invalid.
//!
//! Random stream 6 of the seed.

use crate::Generator;
use crate::parties::{BISHKEK_WINNERS, ULUU_ZHURT};
use crate::units::district_units_counted;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shailoo_domain::candidate::PartyId;
use shailoo_domain::candidate::nomination::NominationKind;
use shailoo_domain::district::DistrictId;
use shailoo_domain::protocol::{BallotOption, Contest, OptionVotes, Protocol};
use shailoo_domain::territory::{Council, CouncilKind};
use shailoo_domain::{CouncilId, StationNumber};
use shailoo_formats::{Candidacies, CouncilScheme, CouncilUnits, NominationStage, ProtocolLine};
use std::collections::{BTreeMap, HashMap};

/// RES-12: Bishkek 2024.
const BISHKEK: &str = "bishkek-city";
const BISHKEK_TOOK_PART: u64 = 131_613;
const BISHKEK_VOTES: [u64; 5] = [37_903, 28_647, 18_613, 17_858, 14_514];
const BISHKEK_ULUU_ZHURT_AND_OTHERS: u64 = 5_112;
const BISHKEK_AGAINST_ALL: u64 = 3_987;
const BISHKEK_INVALID: u64 = 4_979;

/// Splits `total` in proportion to `weights` (which sum to more than 0), by largest
/// remainders (ties to the earlier): the parts add up to `total` exactly, and none exceeds its
/// weight when `total` does not exceed their sum.
pub(crate) fn split(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<(u64, u128)> = weights
        .iter()
        .map(|w| {
            let p = u128::from(total) * u128::from(*w);
            ((p / sum) as u64, p % sum)
        })
        .collect();
    let mut parts: Vec<u64> = exact.iter().map(|e| e.0).collect();
    let left = total - parts.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| exact[*b].1.cmp(&exact[*a].1).then(a.cmp(b)));
    for i in order.into_iter().take(left as usize) {
        parts[i] += 1;
    }
    parts
}

fn n32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One station's count of one contest, before it is a protocol: the voters on the list, who
/// took part, the invalid ballots, "against all" (party lists) and the options' votes.
struct Count {
    list: u64,
    took_part: u64,
    invalid: u64,
    against_all: Option<u64>,
    votes: Vec<(BallotOption, u64)>,
}

impl Count {
    fn protocol(self, station: StationNumber, contest: Contest, rng: &mut ChaCha8Rng) -> Protocol {
        let outside = self.took_part * rng.random_range(0..=4) / 100;
        let cancelled = self.list.saturating_sub(self.took_part) * rng.random_range(5..=15) / 100;
        let valid = self.took_part - self.invalid;
        Protocol {
            station,
            contest,
            voters_on_list: n32(self.list),
            voters_on_additional_lists: 0,
            ballots_received: n32(self.took_part + cancelled),
            ballots_issued_at_station: n32(self.took_part - outside),
            ballots_issued_outside: n32(outside),
            voters_took_part: n32(self.took_part),
            ballots_cancelled: n32(cancelled),
            ballots_in_mobile_boxes: n32(outside),
            ballots_in_stationary_boxes: n32(self.took_part - outside),
            valid_ballots: n32(valid),
            invalid_ballots: n32(self.invalid),
            votes: self
                .votes
                .into_iter()
                .map(|(option, votes)| OptionVotes {
                    option,
                    votes: n32(votes),
                })
                .collect(),
            against_all: self.against_all.map(n32),
        }
    }
}

/// A random count of `list` voters among `options` (with "against all" for a party list).
fn random_count(
    list: u64,
    options: &[BallotOption],
    party_list: bool,
    rng: &mut ChaCha8Rng,
) -> Count {
    let took_part = list * rng.random_range(30..=70) / 100;
    let invalid = took_part * rng.random_range(1..=3) / 100;
    let valid = took_part - invalid;
    let against_all = party_list.then(|| valid * rng.random_range(1..=4) / 100);
    let weights: Vec<u64> = options
        .iter()
        .map(|_| {
            let w: u64 = rng.random_range(1..=100);
            w * w // a few strong options, as in real results
        })
        .collect();
    let parts = split(valid - against_all.unwrap_or(0), &weights);
    Count {
        list,
        took_part,
        invalid,
        against_all,
        votes: options.iter().cloned().zip(parts).collect(),
    }
}

/// Bishkek's counts adding up to RES-12, or `None` when the council's lists cannot hold them
/// (the small scale) or a named list is not registered.
fn bishkek_counts(lists: &[u64], options: &[BallotOption]) -> Option<Vec<Count>> {
    let voters: u64 = lists.iter().sum();
    if voters < 2 * BISHKEK_TOOK_PART {
        return None;
    }
    let index = |p: &str| {
        options
            .iter()
            .position(|o| matches!(o, BallotOption::Party(id) if id.as_str() == p))
    };
    let named: Vec<usize> = BISHKEK_WINNERS
        .iter()
        .map(|p| index(p))
        .collect::<Option<_>>()?;
    let others: Vec<usize> = (0..options.len()).filter(|i| !named.contains(i)).collect();
    // Uluu-Zhurt takes most of what the other lists share.
    let other_weights: Vec<u64> = others
        .iter()
        .map(|i| if Some(*i) == index(ULUU_ZHURT) { 8 } else { 1 })
        .collect();
    let others_votes = split(BISHKEK_ULUU_ZHURT_AND_OTHERS, &other_weights);
    // The components: each option, against all, invalid; their totals sum to the turnout.
    let mut remaining: Vec<u64> = vec![0; options.len()];
    for (i, v) in named.iter().zip(BISHKEK_VOTES) {
        remaining[*i] = v;
    }
    for (i, v) in others.iter().zip(others_votes) {
        remaining[*i] = v;
    }
    remaining.push(BISHKEK_AGAINST_ALL);
    remaining.push(BISHKEK_INVALID);
    let took = split(BISHKEK_TOOK_PART, lists);
    let mut out = Vec::with_capacity(lists.len());
    for (list, took_part) in lists.iter().zip(took) {
        // Each station's turnout shared among what is left of each component, so that the
        // last station takes exactly the rest.
        let parts = split(took_part, &remaining);
        for (r, p) in remaining.iter_mut().zip(&parts) {
            *r -= p;
        }
        let invalid = parts[options.len() + 1];
        out.push(Count {
            list: *list,
            took_part,
            invalid,
            against_all: Some(parts[options.len()]),
            votes: options.iter().cloned().zip(parts).collect(),
        });
    }
    Some(out)
}

/// The registered options of each contest, in the order of the nominations: each city
/// council's lists, each aiyl district's candidates.
#[derive(Default)]
struct RegisteredOptions<'a> {
    lists: HashMap<&'a CouncilId, Vec<BallotOption>>,
    candidates: HashMap<(&'a CouncilId, &'a DistrictId), Vec<BallotOption>>,
}

impl<'a> RegisteredOptions<'a> {
    fn of(candidacies: &'a Candidacies) -> Self {
        let mut options = RegisteredOptions::default();
        for n in &candidacies.nominations {
            if !matches!(n.stage, NominationStage::Registered { .. }) {
                continue;
            }
            match &n.kind {
                NominationKind::CityList { party } => options
                    .lists
                    .entry(&n.council)
                    .or_default()
                    .push(BallotOption::Party(party.clone())),
                NominationKind::District { district, .. } => options
                    .candidates
                    .entry((&n.council, district))
                    .or_default()
                    .push(BallotOption::Candidate(n.id.candidate(1))),
            }
        }
        options
    }
}

/// The protocols of a generated election, in the order of the setup's councils, then station,
/// then contest. `eligible` is [`crate::eligible_per_street`]'s count.
pub fn protocols(
    generator: &Generator,
    eligible: &[u32],
    candidacies: &Candidacies,
    schemes: &[CouncilScheme],
) -> Vec<ProtocolLine> {
    let plan = &generator.plan;
    let mut rng = ChaCha8Rng::seed_from_u64(generator.seed);
    rng.set_stream(6);
    // Voters per regular station.
    let mut per_station: HashMap<StationNumber, u64> = HashMap::new();
    for (area, n) in plan.areas.iter().zip(eligible) {
        *per_station.entry(area.station).or_default() += u64::from(*n);
    }
    let options = RegisteredOptions::of(candidacies);
    let units = district_units_counted(generator, eligible);
    let mut out = Vec::new();
    for council in &plan.setup.councils {
        let protocols = match council.kind {
            CouncilKind::City => {
                city_protocols(generator, council, &per_station, &options, &mut rng)
            }
            CouncilKind::Aiyl => {
                let (Some(scheme), Some(units)) = (
                    schemes.iter().find(|s| s.council == council.id),
                    units.iter().find(|u| u.council == council.id),
                ) else {
                    continue;
                };
                aiyl_protocols(council, scheme, units, &options, &mut rng)
            }
        };
        out.extend(protocols.into_iter().map(|protocol| ProtocolLine {
            council: council.id.clone(),
            protocol,
        }));
    }
    out
}

/// A city council's protocols: each regular station's party-list count (Bishkek's adding up
/// to RES-12 where the scale holds them).
fn city_protocols(
    generator: &Generator,
    council: &Council,
    per_station: &HashMap<StationNumber, u64>,
    options: &RegisteredOptions<'_>,
    rng: &mut ChaCha8Rng,
) -> Vec<Protocol> {
    let stations: Vec<StationNumber> = generator
        .plan
        .setup
        .stations
        .iter()
        .filter(|s| s.council == council.id && !s.remote_voting)
        .map(|s| s.number)
        .collect();
    let voters: Vec<u64> = stations
        .iter()
        .map(|s| per_station.get(s).copied().unwrap_or(0))
        .collect();
    let lists = options.lists.get(&council.id).cloned().unwrap_or_default();
    let counts = (council.id.as_str() == BISHKEK)
        .then(|| bishkek_counts(&voters, &lists))
        .flatten()
        .unwrap_or_else(|| {
            voters
                .iter()
                .map(|v| random_count(*v, &lists, true, rng))
                .collect()
        });
    stations
        .into_iter()
        .zip(counts)
        .map(|(station, count)| count.protocol(station, Contest::PartyList, rng))
        .collect()
}

/// An aiyl council's protocols: each station's count of each district of the scheme whose
/// units it serves, with the voters of those units.
fn aiyl_protocols(
    council: &Council,
    scheme: &CouncilScheme,
    units: &CouncilUnits,
    options: &RegisteredOptions<'_>,
    rng: &mut ChaCha8Rng,
) -> Vec<Protocol> {
    let unit_of: HashMap<_, _> = units.units.iter().map(|u| (&u.id, u)).collect();
    // (station, district index) → voters.
    let mut held: BTreeMap<(StationNumber, usize), u64> = BTreeMap::new();
    for (i, d) in scheme.districts.iter().enumerate() {
        for unit in d.units.iter().filter_map(|u| unit_of.get(u)) {
            *held.entry((unit.station, i)).or_default() += unit.voters;
        }
    }
    held.into_iter()
        .map(|((station, i), voters)| {
            let district = &scheme.districts[i].id;
            let candidates = options
                .candidates
                .get(&(&council.id, district))
                .cloned()
                .unwrap_or_default();
            let count = random_count(voters, &candidates, false, rng);
            let contest = Contest::District {
                district: district.clone(),
            };
            count.protocol(station, contest, rng)
        })
        .collect()
}

/// The party ids of RES-12's Bishkek winners, for tests.
pub fn bishkek_winners() -> Vec<PartyId> {
    BISHKEK_WINNERS
        .iter()
        .filter_map(|p| PartyId::parse(p).ok())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    /// RES-12: whatever the stations' sizes, Bishkek's protocols add up to the published totals.
    #[test]
    fn res_12_bishkek_adds_up_to_the_2024_totals() {
        let mut options: Vec<BallotOption> = BISHKEK_WINNERS
            .iter()
            .map(|p| BallotOption::Party(PartyId::parse(p).unwrap()))
            .collect();
        options.insert(2, BallotOption::Party(PartyId::parse(ULUU_ZHURT).unwrap()));
        let lists: Vec<u64> = (0..400).map(|i| 800 + (i * 37) % 1500).collect();
        let counts = bishkek_counts(&lists, &options).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let protocols: Vec<Protocol> = counts
            .into_iter()
            .zip(1..)
            .map(|(c, n)| c.protocol(StationNumber::new(n).unwrap(), Contest::PartyList, &mut rng))
            .collect();
        let params = shailoo_domain::params::RuleParameters::default();
        for p in &protocols {
            let r = shailoo_domain::protocol::check(p, &params);
            assert!(r.errors.is_empty(), "{:?}", r.errors);
        }
        let t = shailoo_domain::results::aggregate(&protocols);
        use shailoo_domain::protocol::Line;
        assert_eq!(t.line(Line::VotersTookPart), 131_613);
        for (party, votes) in bishkek_winners().into_iter().zip(BISHKEK_VOTES) {
            assert_eq!(t.votes_of(&BallotOption::Party(party)), votes);
        }
        assert_eq!(t.votes_of(&options[2]), 5_112);
        assert_eq!(t.line(Line::AgainstAll), 3_987);
        assert_eq!(t.line(Line::InvalidBallots), 4_979);
        // Too few voters (the small scale): the random count instead.
        assert!(bishkek_counts(&[1000], &options).is_none());
    }

    #[test]
    fn split_is_exact_and_within_the_weights() {
        assert_eq!(split(10, &[1, 1, 1]), [4, 3, 3]);
        assert_eq!(split(0, &[5, 7]), [0, 0]);
        assert_eq!(split(7, &[0, 0]), [0, 0]);
        let parts = split(131_613, &[400_000, 300_000, 1]);
        assert_eq!(parts.iter().sum::<u64>(), 131_613);
        assert!(parts[2] <= 1);
    }
}
