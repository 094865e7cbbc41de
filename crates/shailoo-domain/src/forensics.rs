//! What observers look for in the counts (the CEC's results dashboard): a station whose official
//! protocol differs from its ballot-counting box's preliminary count (RES-01) beyond a margin,
//! and a council's turnout against vote-share "fingerprint" (Klimek, Yegorov, Hanel and Thurner,
//! "Statistical detection of systematic election irregularities", PNAS 109(41), 2012) with the
//! stations that lie apart from it.
//!
//! These are flags for a look, never findings: nothing here changes a count or a result. The
//! fingerprint's outliers are stations whose turnout and leader's share are both far above the
//! council's bulk (robust z-scores: the median and the median absolute deviation), or both at
//! least [`CORNER_PERCENT`] — the upper-right corner where ballot stuffing shows in the paper's
//! histograms.

use crate::ids::StationNumber;
use crate::protocol::{BallotOption, Line, Protocol};
use crate::results::{Difference, Field, compare};
use std::collections::BTreeMap;

/// The lines a ballot-counting box counts itself (it knows nothing of the voter lists or of
/// the ballots received and issued): the preliminary count is compared on these and on the
/// votes of each option.
const BOX_LINES: [Line; 3] = [Line::ValidBallots, Line::InvalidBallots, Line::AgainstAll];

/// The fields in which a station's official count differs from its box's preliminary count by
/// more than `margin_percent` of the official valid ballots (at least one ballot's worth of
/// base, so that an empty station is still compared). `first` of each difference is the
/// official figure, `second` the preliminary. Empty: within the margin.
pub fn preliminary_gaps(
    official: &Protocol,
    preliminary: &Protocol,
    margin_percent: u8,
) -> Vec<Difference> {
    let base = u64::from(official.valid_ballots).max(1);
    compare(official, preliminary)
        .into_iter()
        .filter(|d| match &d.field {
            Field::Line { line } => BOX_LINES.contains(line),
            Field::Option { .. } => true,
        })
        .filter(|d| {
            let gap = d.first.unwrap_or(0).abs_diff(d.second.unwrap_or(0));
            gap * 100 > u64::from(margin_percent) * base
        })
        .collect()
}

/// Both turnout and the leader's share at least this percent: the fingerprint's far corner.
pub const CORNER_PERCENT: f64 = 95.0;

/// A robust z-score at least this high on both axes makes a station an outlier.
pub const OUTLIER_Z: f64 = 3.5;

/// How many bins each axis of the fingerprint's histogram has (of 10 percentage points).
pub const BINS: usize = 10;

/// One station in the fingerprint: its turnout and the council leader's share of its valid
/// ballots, in percent.
#[derive(Debug, Clone, PartialEq)]
pub struct StationPoint {
    pub station: StationNumber,
    pub turnout_percent: f64,
    pub leader_percent: f64,
}

/// A council's turnout against vote-share fingerprint.
#[derive(Debug, Clone, PartialEq)]
pub struct Fingerprint {
    /// The option with the most votes over the council's counted protocols (`None`: no votes).
    pub leader: Option<BallotOption>,
    /// One point per counted protocol with voters on its lists and valid ballots.
    pub points: Vec<StationPoint>,
    /// `histogram[t][v]`: the stations with turnout in bin `t` and leader's share in bin `v`
    /// (each bin 10 points wide, 100 % in the last).
    pub histogram: [[u32; BINS]; BINS],
    /// The stations that lie apart, in station order.
    pub outliers: Vec<StationNumber>,
}

/// The fingerprint of a council's counted protocols (one contest each; an aiyl council's
/// districts have different candidates, so its leader is taken per option over all of them and
/// a station counts once per protocol).
pub fn fingerprint(protocols: &[Protocol]) -> Fingerprint {
    let mut totals: BTreeMap<&BallotOption, u64> = BTreeMap::new();
    for p in protocols {
        for v in &p.votes {
            *totals.entry(&v.option).or_default() += u64::from(v.votes);
        }
    }
    // The most votes; the first in option order on a tie, so the answer does not depend on
    // the protocols' order.
    let leader = totals
        .iter()
        .filter(|(_, n)| **n > 0)
        .fold(None::<(&BallotOption, u64)>, |best, (o, n)| match best {
            Some((_, m)) if m >= *n => best,
            _ => Some((o, *n)),
        })
        .map(|(o, _)| o.clone());
    let points: Vec<StationPoint> = protocols
        .iter()
        .filter(|p| p.voters_on_lists() > 0 && p.valid_ballots > 0)
        .map(|p| {
            let leader_votes = p
                .votes
                .iter()
                .filter(|v| Some(&v.option) == leader.as_ref())
                .map(|v| u64::from(v.votes))
                .sum::<u64>();
            StationPoint {
                station: p.station,
                turnout_percent: percent(u64::from(p.voters_took_part), p.voters_on_lists()),
                leader_percent: percent(leader_votes, u64::from(p.valid_ballots)),
            }
        })
        .collect();
    let mut histogram = [[0_u32; BINS]; BINS];
    for p in &points {
        histogram[bin(p.turnout_percent)][bin(p.leader_percent)] += 1;
    }
    Fingerprint {
        leader,
        outliers: outliers(&points),
        points,
        histogram,
    }
}

fn percent(part: u64, whole: u64) -> f64 {
    // Station counts fit in u32: exact in f64.
    (part as f64) * 100.0 / (whole as f64)
}

fn bin(percent: f64) -> usize {
    // 100 % (and any count above its base) goes to the last bin.
    ((percent / 10.0).floor().max(0.0) as usize).min(BINS - 1)
}

/// The median of a non-empty sorted slice.
fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Each value's robust z-score: its distance above the median in scaled median absolute
/// deviations (1.4826 makes it a standard deviation for normal data). A spread of zero
/// (most stations alike) gives no z-score at all.
fn robust_z(values: &[f64]) -> Vec<Option<f64>> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let m = median(&sorted);
    let mut deviations: Vec<f64> = values.iter().map(|v| (v - m).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    let mad = median(&deviations) * 1.4826;
    values
        .iter()
        .map(|v| (mad > 0.0).then(|| (v - m) / mad))
        .collect()
}

fn outliers(points: &[StationPoint]) -> Vec<StationNumber> {
    if points.is_empty() {
        return Vec::new();
    }
    let turnout: Vec<f64> = points.iter().map(|p| p.turnout_percent).collect();
    let share: Vec<f64> = points.iter().map(|p| p.leader_percent).collect();
    let (zt, zs) = (robust_z(&turnout), robust_z(&share));
    let mut out: Vec<StationNumber> = points
        .iter()
        .zip(zt.iter().zip(&zs))
        .filter(|(p, (t, s))| {
            let corner = p.turnout_percent >= CORNER_PERCENT && p.leader_percent >= CORNER_PERCENT;
            let far = t.is_some_and(|t| t >= OUTLIER_Z) && s.is_some_and(|s| s >= OUTLIER_Z);
            corner || far
        })
        .map(|(p, _)| p.station)
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::candidate::PartyId;
    use crate::protocol::{Contest, OptionVotes};
    use proptest::prelude::*;

    fn party(s: &str) -> BallotOption {
        BallotOption::Party(PartyId::parse(s).unwrap())
    }

    /// A city protocol: `on_list` voters, `took` took part, all valid, `a` for party a and the
    /// rest for party b.
    fn station(n: u32, on_list: u32, took: u32, a: u32) -> Protocol {
        Protocol {
            station: StationNumber::new(n).unwrap(),
            contest: Contest::PartyList,
            voters_on_list: on_list,
            voters_on_additional_lists: 0,
            ballots_received: on_list,
            ballots_issued_at_station: took,
            ballots_issued_outside: 0,
            voters_took_part: took,
            ballots_cancelled: on_list - took,
            ballots_in_mobile_boxes: 0,
            ballots_in_stationary_boxes: took,
            valid_ballots: took,
            invalid_ballots: 0,
            votes: vec![
                OptionVotes {
                    option: party("a"),
                    votes: a,
                },
                OptionVotes {
                    option: party("b"),
                    votes: took - a,
                },
            ],
            against_all: Some(0),
        }
    }

    #[test]
    fn res_01_a_preliminary_count_within_the_margin_is_no_flag_and_beyond_it_names_the_fields() {
        let official = station(1, 1000, 500, 300);
        // 4 votes moved of 500 valid: 0.8 %.
        let close = station(1, 1000, 500, 296);
        assert!(preliminary_gaps(&official, &close, 1).is_empty());
        // 30 moved: 6 % > 2 %, on both options; the lists are not the box's to count.
        let mut far = station(1, 1200, 500, 270);
        far.voters_on_list = 1200;
        let gaps = preliminary_gaps(&official, &far, 2);
        assert_eq!(
            gaps.iter().map(|d| &d.field).collect::<Vec<_>>(),
            [
                &Field::Option { option: party("a") },
                &Field::Option { option: party("b") }
            ]
        );
        assert_eq!((gaps[0].first, gaps[0].second), (Some(300), Some(270)));
        // A margin of 0 flags any difference of a counted field.
        assert_eq!(preliminary_gaps(&official, &close, 0).len(), 2);
    }

    #[test]
    fn klimek_a_normal_council_has_no_outliers_and_stuffed_stations_stand_out() {
        // 40 ordinary stations: turnout 40–59 %, leader's share 45–54 %.
        let mut ps: Vec<Protocol> = (0..40_u32)
            .map(|i| station(100 + i, 1000, 400 + (i * 5) % 200, 200 + (i * 7) % 50))
            .collect();
        let clean = fingerprint(&ps);
        assert_eq!(clean.leader, Some(party("b")));
        assert!(clean.outliers.is_empty(), "{:?}", clean.outliers);
        assert_eq!(clean.points.len(), 40);
        let binned: u32 = clean.histogram.iter().flatten().sum();
        assert_eq!(binned, 40);
        // Two stations with (almost) everyone voting for the leader, b.
        ps.push(station(900, 1000, 990, 5));
        ps.push(station(901, 1000, 1000, 0));
        let stuffed = fingerprint(&ps);
        assert_eq!(
            stuffed.outliers,
            [
                StationNumber::new(900).unwrap(),
                StationNumber::new(901).unwrap()
            ]
        );
        assert_eq!(stuffed.histogram[BINS - 1][BINS - 1], 2);
    }

    #[test]
    fn klimek_no_votes_no_leader_and_no_points() {
        let empty = fingerprint(&[]);
        assert_eq!(empty.leader, None);
        assert!(empty.points.is_empty() && empty.outliers.is_empty());
        let mut p = station(1, 0, 0, 0);
        p.valid_ballots = 0;
        assert!(fingerprint(&[p]).points.is_empty());
    }

    proptest! {
        /// The fingerprint does not depend on the order of the protocols, every point lies in
        /// the histogram once, and every percentage is within 0–100 for consistent counts.
        #[test]
        fn klimek_order_free_and_every_point_binned(
            rows in prop::collection::vec((1_u32..2000, 0_u32..=100, 0_u32..=100), 1..30)
        ) {
            let ps: Vec<Protocol> = rows
                .iter()
                .enumerate()
                .map(|(i, (list, t, a))| {
                    let took = list * t / 100;
                    station(1 + i as u32, *list, took, took * a / 100)
                })
                .collect();
            let f = fingerprint(&ps);
            let mut reversed = ps.clone();
            reversed.reverse();
            let g = fingerprint(&reversed);
            prop_assert_eq!(&f.leader, &g.leader);
            prop_assert_eq!(&f.outliers, &g.outliers);
            prop_assert_eq!(f.histogram, g.histogram);
            let binned: u32 = f.histogram.iter().flatten().sum();
            prop_assert_eq!(binned as usize, f.points.len());
            for p in &f.points {
                prop_assert!((0.0..=100.0).contains(&p.turnout_percent));
                prop_assert!((0.0..=100.0).contains(&p.leader_percent));
            }
        }
    }
}
