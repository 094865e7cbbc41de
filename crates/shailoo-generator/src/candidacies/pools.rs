//! The persons candidates are drawn from, sampled while the register streams past once: for
//! each (council, [`Need`], sex) the persons of that kind living in the council's territory
//! with the smallest keys, where a person's key is a hash of the seed and the PIN.
//!
//! So the draw is a uniform random sample, the same whatever order the register comes in,
//! and it holds only as many persons as the plan needs (a bounded heap per bucket, records
//! copied only when they enter it): the pass adds a few percent to writing the register.

use super::plan::{Need, PrePlan, Source};
use crate::plan::Plan;
use jiff::ToSpan;
use jiff::civil::Date;
use shailoo_domain::params::RuleParameters;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::{Council, CouncilKind};
use shailoo_domain::voter::{VoterCheck, has_reached_age};
use shailoo_domain::{CouncilId, Sex, StationNumber};
use shailoo_formats::RegisterRow;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

/// Persons kept per (council, designed need, sex): designed faults are few per council.
const DESIGNED_PER_BUCKET: usize = 3;

/// A sampled person: the key decides; the PIN breaks (impossible) ties.
struct Sampled {
    key: u64,
    record: RegisterRecord,
}

impl PartialEq for Sampled {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Sampled {}
impl PartialOrd for Sampled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Sampled {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.key, self.record.pin).cmp(&(other.key, other.record.pin))
    }
}

/// One bucket: the `capacity` persons with the smallest keys seen so far (a max-heap).
#[derive(Default)]
struct Bucket {
    capacity: usize,
    heap: BinaryHeap<Sampled>,
}

/// The sampler fed by the register pass ([`Pools::observe`]), then drained by the fill.
pub(crate) struct Pools {
    seed: u64,
    /// Council index per street of the plan (`u32::MAX`: a street of no council).
    council_of_street: Vec<u32>,
    buckets: Vec<Bucket>,
    limits: Limits,
}

/// The last birth dates of an adult (VOT-02) and of a candidate (CAN-01) on voting day, and
/// the last registration date that makes a member of the community (VOT-04).
struct Limits {
    adult: Date,
    candidate: Date,
    registered: Date,
}

impl Limits {
    fn of(voting_day: Date, params: &RuleParameters) -> Limits {
        // The latest birth date that has reached `years` on voting day, by the domain's rule
        // (a leap-day birthday cannot fall on these boundaries, so a date comparison is exact).
        let last_born = |years: u8| {
            let mut d = voting_day
                .checked_sub(i64::from(years).years())
                .unwrap_or(voting_day);
            while !has_reached_age(d, years, voting_day, params.leap_day_birthday) {
                d = d.yesterday().unwrap_or(d);
            }
            while let Ok(next) = d.tomorrow()
                && has_reached_age(next, years, voting_day, params.leap_day_birthday)
            {
                d = next;
            }
            d
        };
        Limits {
            adult: last_born(params.voter_min_age),
            candidate: last_born(params.candidate_min_age),
            registered: VoterCheck::new(voting_day, params).registration_deadline(),
        }
    }
}

fn bucket_index(council: usize, need: Need, sex: Sex) -> usize {
    (council * Need::COUNT + need.index()) * 2 + usize::from(sex == Sex::Male)
}

/// SplitMix64's finaliser: a well-mixed key from the seed and the PIN.
pub(crate) fn mix(seed: u64, pin: u64) -> u64 {
    let mut z = seed ^ pin.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The buckets, each with the capacity `plan` needs of it (see [`Pools::new`]).
fn sized_buckets(councils: &[Council], plan: &PrePlan) -> Vec<Bucket> {
    let mut buckets: Vec<Bucket> = (0..councils.len() * Need::COUNT * 2)
        .map(|_| Bucket::default())
        .collect();
    for n in &plan.lists {
        for e in &n.entries {
            if let Source::Draw { need, sex } = e.source {
                buckets[bucket_index(n.council, need, sex)].capacity += 1;
            }
        }
    }
    for (c, t) in plan.aiyl.iter().enumerate() {
        for sex in [Sex::Female, Sex::Male] {
            buckets[bucket_index(c, Need::Clean, sex)].capacity +=
                (t.normal + t.documents) as usize;
        }
    }
    for (c, council) in councils.iter().enumerate() {
        let needs: &[Need] = match council.kind {
            // Registered and pending lists take failing candidates of any profile.
            CouncilKind::City => &Need::FAULTS[..6],
            CouncilKind::Aiyl => &[
                Need::Profile(1),
                Need::Profile(2),
                Need::Profile(3),
                Need::Profile(4),
                Need::Profile(5),
                Need::Profile(6),
                Need::Newcomer,
                Need::UnderAge,
            ],
        };
        for &need in needs {
            for sex in [Sex::Female, Sex::Male] {
                buckets[bucket_index(c, need, sex)].capacity += DESIGNED_PER_BUCKET;
            }
        }
    }
    buckets
}

/// The council (its index in the setup) of each street of the plan, `u32::MAX` for none.
fn council_of_street(generator_plan: &Plan) -> Vec<u32> {
    let setup = &generator_plan.setup;
    let index: HashMap<&CouncilId, usize> = setup
        .councils
        .iter()
        .enumerate()
        .map(|(i, c)| (&c.id, i))
        .collect();
    let council_of_station: HashMap<StationNumber, u32> = setup
        .stations
        .iter()
        .filter_map(|s| index.get(&s.council).map(|&i| (s.number, i as u32)))
        .collect();
    generator_plan
        .areas
        .iter()
        .map(|a| {
            council_of_station
                .get(&a.station)
                .copied()
                .unwrap_or(u32::MAX)
        })
        .collect()
}

impl Pools {
    /// Buckets sized for `plan`: as many clean persons per council and sex as its city lists
    /// need, as many of each sex as its aiyl nominations (whose sexes the districts decide),
    /// and a few of each designed kind wherever a floating fault may go.
    pub(crate) fn new(generator_plan: &Plan, plan: &PrePlan, seed: u64) -> Pools {
        Pools {
            seed,
            council_of_street: council_of_street(generator_plan),
            buckets: sized_buckets(&generator_plan.setup.councils, plan),
            limits: Limits::of(crate::VOTING_DAY, &RuleParameters::default()),
        }
    }

    /// What a person can be drawn as, if anything: the kinds are disjoint, so no person can
    /// be drawn twice. Called for every person of the register, so the rules' dates are
    /// compared directly ([`Limits`]).
    fn need_of(&self, row: &RegisterRow<'_>, serial: u64) -> Option<Need> {
        let l = &self.limits;
        // VOT-01, VOT-03, VOT-05 and 18 years (VOT-02): every kind is a voter but for VOT-04.
        if !row.citizen
            || !row.biometrics
            || row.court_incapable
            || row.imprisoned
            || row.birth_date > l.adult
        {
            return None;
        }
        let of_age = row.birth_date <= l.candidate;
        let profile = (1..=6).contains(&serial);
        let in_time = row.residence_stamp || row.address_registered_on <= l.registered;
        match (in_time, profile, of_age) {
            // A newcomer fails VOT-04 (and so CAN-01's community test) alone.
            (false, false, true) => Some(Need::Newcomer),
            (false, _, _) | (true, true, false) => None,
            (true, true, true) => Some(Need::Profile(serial as u8)),
            (true, false, true) => Some(Need::Clean),
            (true, false, false) => Some(Need::UnderAge),
        }
    }

    /// Offers one person of the register, on street `street` of the plan.
    pub(crate) fn observe(&mut self, street: usize, row: &RegisterRow<'_>) {
        let Some(&council) = self.council_of_street.get(street) else {
            return;
        };
        if council == u32::MAX {
            return;
        }
        let pin = row.pin.as_u64();
        let Some(need) = self.need_of(row, pin % 100) else {
            return;
        };
        let bucket = &mut self.buckets[bucket_index(council as usize, need, row.sex)];
        if bucket.capacity == 0 {
            return;
        }
        let key = mix(self.seed, pin);
        if bucket.heap.len() == bucket.capacity {
            match bucket.heap.peek() {
                Some(top) if (key, row.pin) < (top.key, top.record.pin) => {
                    bucket.heap.pop();
                }
                _ => return,
            }
        }
        bucket.heap.push(Sampled {
            key,
            record: row.to_record(),
        });
    }

    /// The sampled persons, by bucket, smallest key first.
    pub(crate) fn drain(self) -> Drawn {
        Drawn {
            buckets: self
                .buckets
                .into_iter()
                .map(|b| {
                    let mut v: Vec<RegisterRecord> = b
                        .heap
                        .into_sorted_vec()
                        .into_iter()
                        .map(|s| s.record)
                        .collect();
                    // Taken from the end: reverse so the smallest key comes first.
                    v.reverse();
                    v
                })
                .collect(),
        }
    }
}

/// The sampled persons, taken one by one.
pub(crate) struct Drawn {
    buckets: Vec<Vec<RegisterRecord>>,
}

impl Drawn {
    /// The next person of a bucket, if any is left.
    pub(crate) fn take(&mut self, council: usize, need: Need, sex: Sex) -> Option<RegisterRecord> {
        self.buckets
            .get_mut(bucket_index(council, need, sex))
            .and_then(Vec::pop)
    }

    pub(crate) fn has(&self, council: usize, need: Need, sex: Sex) -> bool {
        self.buckets
            .get(bucket_index(council, need, sex))
            .is_some_and(|b| !b.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_limits_are_the_2024_ones() {
        let l = Limits::of(crate::VOTING_DAY, &RuleParameters::default());
        // VOT-02 (18), CAN-01 (21) on 2024-11-17, the birthday itself counting; VOT-04 V − 60.
        assert_eq!(l.adult, date(2006, 11, 17));
        assert_eq!(l.candidate, date(2003, 11, 17));
        assert_eq!(l.registered, date(2024, 9, 18));
    }
}
