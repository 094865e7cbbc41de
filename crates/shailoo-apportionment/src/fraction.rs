//! Exact non-negative fractions, used to *report* quotas and remainders (never floats).
//!
//! Comparisons inside the allocation are done on integers with a common denominator; this type
//! only carries a value to the explanation, reduced to lowest terms.

use serde::{Deserialize, Serialize};

/// `numerator / denominator`, in lowest terms; the denominator is never zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fraction {
    pub numerator: u64,
    pub denominator: u64,
}

impl Fraction {
    /// The fraction `numerator / denominator` in lowest terms. A zero denominator (never passed
    /// by this crate) is stored as 1, so that no caller can make the type divide by zero.
    pub fn new(numerator: u64, denominator: u64) -> Self {
        let denominator = denominator.max(1);
        let g = gcd(numerator, denominator);
        Fraction {
            numerator: numerator / g,
            denominator: denominator / g,
        }
    }

    /// The whole part (`floor`).
    pub fn whole(self) -> u64 {
        self.numerator / self.denominator
    }

    /// The numerator of the fractional part, over the same denominator.
    pub fn fractional_numerator(self) -> u64 {
        self.numerator % self.denominator
    }
}

/// Greatest common divisor; `gcd(0, d) = d`, which is ≥ 1 for the denominators used here.
fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// A mixed number: `2304 35/51`, `7`, or `3/4`.
impl std::fmt::Display for Fraction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whole = self.whole();
        let rest = self.fractional_numerator();
        match (whole, rest) {
            (w, 0) => write!(f, "{w}"),
            (0, r) => write!(f, "{r}/{}", self.denominator),
            (w, r) => write!(f, "{w} {r}/{}", self.denominator),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduces_and_renders_mixed_numbers() {
        assert_eq!(Fraction::new(117_535, 51).to_string(), "2304 31/51");
        assert_eq!(Fraction::new(10, 4), Fraction::new(5, 2));
        assert_eq!(Fraction::new(8, 4).to_string(), "2");
        assert_eq!(Fraction::new(3, 4).to_string(), "3/4");
        assert_eq!(Fraction::new(0, 51).to_string(), "0");
        assert_eq!(Fraction::new(5, 0).denominator, 1);
    }
}
