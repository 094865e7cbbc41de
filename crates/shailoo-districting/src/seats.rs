//! Exact deviations from the norm of representation and the best mandates for given district
//! voters (DIS-01, DIS-05).
//!
//! A district of `v` voters and `m` mandates in a council of `V` voters and `S` seats deviates
//! by `|v·S − V·m| / (V·m)` from the norm `V/S` (DIS-01). Deviations are kept as exact fractions
//! of integers and compared by cross-multiplication in `u128`, the same arithmetic as the
//! domain's check, so the search and the check cannot disagree by a rounding.

use std::cmp::Ordering;

/// A non-negative fraction `num / den`, `den > 0`, compared exactly.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frac {
    pub(crate) num: u128,
    pub(crate) den: u128,
}

impl Frac {
    pub(crate) const ZERO: Frac = Frac { num: 0, den: 1 };
}

impl PartialEq for Frac {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Frac {}
impl PartialOrd for Frac {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Frac {
    fn cmp(&self, other: &Self) -> Ordering {
        // For any council the input accepts (at most 10^12 voters, 101 seats) numerators and
        // denominators stay below 2^54 (excesses included), so the products stay below 2^108.
        (self.num * other.den).cmp(&(other.num * self.den))
    }
}

/// The council figures every deviation is measured against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Norm {
    /// Council voters `V` (> 0).
    pub(crate) voters: u64,
    /// Council seats `S` (> 0).
    pub(crate) seats: u32,
}

impl Norm {
    /// DIS-01: the deviation of a district of `v` voters and `m ≥ 1` mandates.
    pub(crate) fn deviation(self, v: u64, m: u32) -> Frac {
        let a = u128::from(v) * u128::from(self.seats);
        let b = u128::from(self.voters) * u128::from(m);
        Frac {
            num: a.abs_diff(b),
            den: b,
        }
    }

    /// The signed deviation in basis points, rounded half away from zero, as the domain
    /// reports it.
    pub(crate) fn deviation_bp(self, v: u64, m: u32) -> i64 {
        let a = i128::from(v) * i128::from(self.seats);
        let b = i128::from(self.voters) * i128::from(m);
        let scaled = (a - b) * 10_000;
        let q = (scaled.abs() * 2 + b) / (2 * b);
        let q = i64::try_from(q).unwrap_or(i64::MAX);
        if scaled < 0 { -q } else { q }
    }

    /// How far a deviation exceeds `limit_percent`, 0 when within (DIS-01).
    pub(crate) fn excess(dev: Frac, limit_percent: u8) -> Frac {
        let over = dev.num * 100;
        let allowed = u128::from(limit_percent) * dev.den;
        if over <= allowed {
            Frac::ZERO
        } else {
            Frac {
                num: over - allowed,
                den: dev.den * 100,
            }
        }
    }
}

/// DIS-01/DIS-05: mandates for districts of the given voters, each in `lo..=hi`, summing to the
/// council's seats, that minimise the largest deviation. `None` if the range cannot sum to the
/// seats.
///
/// Each district starts at its own best magnitude; then, while the sum is off, the one district
/// whose next step (down if the sum is too high, up if too low) deviates least takes it. A
/// district's deviation grows monotonically as its magnitude moves away from its best one, so
/// the steps taken are the smallest available and the result is a min-max optimum.
pub(crate) fn best_seats(voters: &[u64], norm: Norm, lo: u32, hi: u32, out: &mut Vec<u32>) -> bool {
    out.clear();
    let mut sum: u64 = 0;
    for &v in voters {
        // The exact quota v·S/V lies between floor and floor + 1.
        let q = u128::from(v) * u128::from(norm.seats) / u128::from(norm.voters);
        let floor = u32::try_from(q).unwrap_or(u32::MAX).clamp(lo, hi);
        let ceil = floor.saturating_add(1).clamp(lo, hi);
        let m = if norm.deviation(v, ceil) < norm.deviation(v, floor) {
            ceil
        } else {
            floor
        };
        out.push(m);
        sum += u64::from(m);
    }
    let target = u64::from(norm.seats);
    while sum != target {
        let down = sum > target;
        let mut pick: Option<(usize, Frac)> = None;
        for (i, (&v, &m)) in voters.iter().zip(out.iter()).enumerate() {
            let next = if down {
                if m <= lo {
                    continue;
                }
                m - 1
            } else {
                if m >= hi {
                    continue;
                }
                m + 1
            };
            let d = norm.deviation(v, next);
            if pick.is_none_or(|(_, best)| d < best) {
                pick = Some((i, d));
            }
        }
        let Some((i, _)) = pick else {
            return false;
        };
        if down {
            out[i] -= 1;
            sum -= 1;
        } else {
            out[i] += 1;
            sum += 1;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn max_dev(voters: &[u64], seats: &[u32], norm: Norm) -> Frac {
        voters
            .iter()
            .zip(seats)
            .map(|(&v, &m)| norm.deviation(v, m))
            .max()
            .unwrap_or(Frac::ZERO)
    }

    /// Every way to give `k` districts magnitudes in lo..=hi summing to `s`.
    fn all_splits(k: usize, s: u32, lo: u32, hi: u32) -> Vec<Vec<u32>> {
        if k == 0 {
            return if s == 0 { vec![vec![]] } else { vec![] };
        }
        let mut out = Vec::new();
        for m in lo..=hi.min(s) {
            for mut rest in all_splits(k - 1, s - m, lo, hi) {
                rest.insert(0, m);
                out.push(rest);
            }
        }
        out
    }

    #[test]
    fn dis_01_best_seats_is_the_min_max_optimum() {
        let cases: &[(&[u64], u32, u32, u32)] = &[
            (&[1000, 1000, 1000], 9, 1, 9),
            (&[1500, 900, 2300, 400], 13, 1, 13),
            (&[1500, 900, 2300, 400], 13, 2, 4),
            (&[10, 20, 30, 40, 50], 7, 1, 3),
            (&[3333, 1, 6666], 10, 1, 10),
        ];
        for &(voters, s, lo, hi) in cases {
            let norm = Norm {
                voters: voters.iter().sum(),
                seats: s,
            };
            let mut out = Vec::new();
            let ok = best_seats(voters, norm, lo, hi, &mut out);
            let splits = all_splits(voters.len(), s, lo, hi);
            assert_eq!(ok, !splits.is_empty());
            if ok {
                assert_eq!(out.iter().sum::<u32>(), s);
                let best = splits.iter().map(|m| max_dev(voters, m, norm)).min();
                assert_eq!(Some(max_dev(voters, &out, norm)), best, "{voters:?}");
            }
        }
    }

    #[test]
    fn dis_01_deviation_matches_the_domain_basis_points() {
        let norm = Norm {
            voters: 4000,
            seats: 4,
        };
        assert_eq!(norm.deviation_bp(1150, 1), 1500);
        assert_eq!(norm.deviation_bp(850, 1), -1500);
        assert_eq!(Norm::excess(norm.deviation(1150, 1), 15), Frac::ZERO);
        assert!(Norm::excess(norm.deviation(1151, 1), 15) > Frac::ZERO);
    }
}
