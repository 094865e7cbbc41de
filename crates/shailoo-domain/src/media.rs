//! Media in the campaign (CMP-01…CMP-03; массалык маалымат каражаттары / средства массовой
//! информации): an outlet's price list for paid airtime, print space or online publication,
//! and the CMP-02 check of it.
//!
//! CMP-02 (seed): the same price for every party and candidate, and no higher than the
//! outlet's price in the six months before the election was called. An outlet states, with
//! its application (CMP-01, until CAL-03), its election prices per service (a buyer of `all`,
//! or a party or candidate named) and the prices it charged for the same services in the six
//! months before the calling, each with its date. [`check_prices`] lists every breach with the
//! lines of the file concerned:
//! - `CMP-02.unequal_price`: one service, different prices for different buyers;
//! - `CMP-02.above_earlier_price`: an election price above the earlier price (which one, when
//!   the outlet charged several, is the parameter `media_reference_price`, *unsure*);
//! - `CMP-02.no_earlier_price` (warning): no earlier price to compare with;
//! - `CMP-02.earlier_price_outside_window`: an earlier price dated outside the six months
//!   before the calling, which proves nothing and is not used.
//!
//! Money is whole tyiyn (1 som = 100 tyiyn), never a float.

use crate::params::{ReferencePrice, RuleParameters, Severity, coded_enum};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The rule of the price check.
pub const RULE: &str = "CMP-02";

/// How many months before the calling the earlier prices are taken from (CMP-02, seed).
pub const EARLIER_PRICE_MONTHS: i64 = 6;

/// What kind of outlet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Tv,
    Radio,
    Print,
    Online,
}

impl MediaKind {
    pub const ALL: [MediaKind; 4] = [
        MediaKind::Tv,
        MediaKind::Radio,
        MediaKind::Print,
        MediaKind::Online,
    ];
    pub fn code(self) -> &'static str {
        match self {
            MediaKind::Tv => "tv",
            MediaKind::Radio => "radio",
            MediaKind::Print => "print",
            MediaKind::Online => "online",
        }
    }
    pub fn from_code(code: &str) -> Option<MediaKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// An amount of money in tyiyn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(u64);

/// Text that is not an amount of som written `1500` or `1500.50`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an amount of som written like 1500 or 1500.50")]
pub struct BadMoney(pub String);

impl Money {
    pub const fn from_tyiyn(tyiyn: u64) -> Money {
        Money(tyiyn)
    }
    pub fn tyiyn(self) -> u64 {
        self.0
    }

    /// Parses som with at most two decimals (`1500`, `1500.5`, `1500.50`); no sign, no
    /// thousands separator, no exponent.
    pub fn parse(s: &str) -> Result<Money, BadMoney> {
        let bad = || BadMoney(s.to_owned());
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || fraction.len() > 2
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || (s.contains('.') && fraction.is_empty())
        {
            return Err(bad());
        }
        let som: u64 = whole.parse().map_err(|_| bad())?;
        let tyiyn: u64 = match fraction.len() {
            0 => 0,
            1 => u64::from(fraction.as_bytes()[0] - b'0') * 10,
            _ => fraction.parse().map_err(|_| bad())?,
        };
        som.checked_mul(100)
            .and_then(|t| t.checked_add(tyiyn))
            .map(Money)
            .ok_or_else(bad)
    }
}

impl fmt::Display for Money {
    /// `1500.00`: what [`Money::parse`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// Who a price is for: every party and candidate, or one named.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Buyer {
    /// Written `all`.
    All,
    /// A party (by id) or a candidate (by name), as the outlet wrote it.
    Named(String),
}

impl Buyer {
    pub fn parse(s: &str) -> Buyer {
        if s == "all" {
            Buyer::All
        } else {
            Buyer::Named(s.to_owned())
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Buyer::All => "all",
            Buyer::Named(n) => n,
        }
    }
}

/// A price of the election price list: one line of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionPrice {
    /// The line of the file (the header is line 1).
    pub line: u64,
    /// What is sold: `airtime_prime`, `page_a3`, `banner_day`… as the outlet names it.
    pub service: String,
    /// Per what: `minute`, `page`, `day`…
    pub unit: String,
    pub buyer: Buyer,
    pub price: Money,
}

/// A price charged in the six months before the calling: one line of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierPrice {
    pub line: u64,
    pub service: String,
    pub unit: String,
    pub price: Money,
    pub charged_on: Date,
}

/// An outlet's price list: its election prices and its earlier prices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceList {
    pub election: Vec<ElectionPrice>,
    pub earlier: Vec<EarlierPrice>,
}

coded_enum! {
    /// What the CMP-02 check finds.
    pub enum PriceFindingCode {
        UnequalPrice = (
            "CMP-02.unequal_price",
            "CMP-02",
            "check-cmp-02-unequal-price",
            "The same service has different prices for different parties or candidates"
        ),
        AboveEarlierPrice = (
            "CMP-02.above_earlier_price",
            "CMP-02",
            "check-cmp-02-above-earlier-price",
            "The election price is higher than the price of the six months before the calling"
        ),
        NoEarlierPrice = (
            "CMP-02.no_earlier_price",
            "CMP-02",
            "check-cmp-02-no-earlier-price",
            "No price of the six months before the calling to compare the election price with"
        ),
        EarlierPriceOutsideWindow = (
            "CMP-02.earlier_price_outside_window",
            "CMP-02",
            "check-cmp-02-earlier-price-outside-window",
            "An earlier price is not dated within the six months before the calling"
        ),
    }
}

impl PriceFindingCode {
    /// A breach blocks accreditation; a warning asks for a second look.
    pub fn severity(self) -> Severity {
        match self {
            PriceFindingCode::NoEarlierPrice => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One finding of the CMP-02 check, with the lines of the file concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceFinding {
    pub code: PriceFindingCode,
    pub severity: Severity,
    pub service: String,
    pub unit: String,
    /// The lines concerned, ascending.
    pub lines: Vec<u64>,
    /// The election price above the reference (`above_earlier_price`).
    pub price: Option<Money>,
    /// The earlier price it is compared with (`above_earlier_price`).
    pub reference: Option<Money>,
}

impl PriceFinding {
    fn new(code: PriceFindingCode, service: &str, unit: &str, mut lines: Vec<u64>) -> Self {
        lines.sort_unstable();
        lines.dedup();
        PriceFinding {
            code,
            severity: code.severity(),
            service: service.to_owned(),
            unit: unit.to_owned(),
            lines,
            price: None,
            reference: None,
        }
    }

    pub fn is_breach(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The first day of the window of earlier prices: six months before the calling.
pub fn window_start(called_on: Date) -> Date {
    called_on
        .checked_sub(jiff::Span::new().months(EARLIER_PRICE_MONTHS))
        .unwrap_or(Date::MIN)
}

/// The CMP-02 check of `list` for an election called on `called_on`: every finding, by
/// service and unit, then code.
pub fn check_prices(
    list: &PriceList,
    called_on: Date,
    params: &RuleParameters,
) -> Vec<PriceFinding> {
    let mut findings = Vec::new();
    let earlier = earlier_in_window(list, called_on, &mut findings);
    let mut election: BTreeMap<(&str, &str), Vec<&ElectionPrice>> = BTreeMap::new();
    for p in &list.election {
        election
            .entry((p.service.as_str(), p.unit.as_str()))
            .or_default()
            .push(p);
    }
    for ((service, unit), prices) in &election {
        let reference = earlier.get(&(*service, *unit)).and_then(|e| {
            match params.media_reference_price {
                ReferencePrice::Highest => e.iter().max_by_key(|p| p.price),
                // The last charged; on one day, the highest of that day.
                ReferencePrice::Latest => e.iter().max_by_key(|p| (p.charged_on, p.price)),
            }
        });
        findings.extend(check_service(service, unit, prices, reference.copied()));
    }
    findings.sort_by(|a, b| {
        (&a.service, &a.unit, a.code, &a.lines).cmp(&(&b.service, &b.unit, b.code, &b.lines))
    });
    findings
}

/// The earlier prices within the window, by service and unit; one outside it is a finding.
fn earlier_in_window<'a>(
    list: &'a PriceList,
    called_on: Date,
    findings: &mut Vec<PriceFinding>,
) -> BTreeMap<(&'a str, &'a str), Vec<&'a EarlierPrice>> {
    let from = window_start(called_on);
    let mut earlier: BTreeMap<(&str, &str), Vec<&EarlierPrice>> = BTreeMap::new();
    for e in &list.earlier {
        if e.charged_on >= from && e.charged_on < called_on {
            earlier
                .entry((e.service.as_str(), e.unit.as_str()))
                .or_default()
                .push(e);
        } else {
            findings.push(PriceFinding::new(
                PriceFindingCode::EarlierPriceOutsideWindow,
                &e.service,
                &e.unit,
                vec![e.line],
            ));
        }
    }
    earlier
}

/// The findings of one service and unit: unequal election prices, and the election prices
/// against the `reference` earlier price (none is a warning).
fn check_service(
    service: &str,
    unit: &str,
    prices: &[&ElectionPrice],
    reference: Option<&EarlierPrice>,
) -> Vec<PriceFinding> {
    let mut findings = Vec::new();
    let mut distinct: Vec<Money> = prices.iter().map(|p| p.price).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() > 1 {
        findings.push(PriceFinding::new(
            PriceFindingCode::UnequalPrice,
            service,
            unit,
            prices.iter().map(|p| p.line).collect(),
        ));
    }
    let Some(r) = reference else {
        findings.push(PriceFinding::new(
            PriceFindingCode::NoEarlierPrice,
            service,
            unit,
            prices.iter().map(|p| p.line).collect(),
        ));
        return findings;
    };
    let above: Vec<&&ElectionPrice> = prices.iter().filter(|p| p.price > r.price).collect();
    if let Some(max) = above.iter().map(|p| p.price).max() {
        let mut lines: Vec<u64> = above.iter().map(|p| p.line).collect();
        lines.push(r.line);
        let mut f = PriceFinding::new(PriceFindingCode::AboveEarlierPrice, service, unit, lines);
        f.price = Some(max);
        f.reference = Some(r.price);
        findings.push(f);
    }
    findings
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::params::Coded;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn price(line: u64, service: &str, buyer: &str, som: u64) -> ElectionPrice {
        ElectionPrice {
            line,
            service: service.into(),
            unit: "minute".into(),
            buyer: Buyer::parse(buyer),
            price: Money::from_tyiyn(som * 100),
        }
    }

    fn earlier(line: u64, service: &str, som: u64, on: Date) -> EarlierPrice {
        EarlierPrice {
            line,
            service: service.into(),
            unit: "minute".into(),
            price: Money::from_tyiyn(som * 100),
            charged_on: on,
        }
    }

    const CALLED: Date = date(2024, 9, 6);

    fn codes(f: &[PriceFinding]) -> Vec<&'static str> {
        f.iter().map(|f| f.code.code()).collect()
    }

    #[test]
    fn cmp_02_one_price_for_all_not_above_the_earlier_one_passes() {
        let list = PriceList {
            election: vec![price(2, "airtime_prime", "all", 1500)],
            earlier: vec![earlier(3, "airtime_prime", 1500, date(2024, 5, 1))],
        };
        assert_eq!(check_prices(&list, CALLED, &RuleParameters::default()), []);
    }

    #[test]
    fn cmp_02_different_prices_for_different_buyers_are_a_breach_naming_the_lines() {
        let list = PriceList {
            election: vec![
                price(2, "airtime_prime", "ata-jurt", 1000),
                price(3, "airtime_prime", "emgek", 1200),
                price(4, "banner", "all", 100),
            ],
            earlier: vec![
                earlier(5, "airtime_prime", 1500, date(2024, 5, 1)),
                earlier(6, "banner", 100, date(2024, 8, 1)),
            ],
        };
        let f = check_prices(&list, CALLED, &RuleParameters::default());
        assert_eq!(codes(&f), ["CMP-02.unequal_price"]);
        assert_eq!(f[0].lines, [2, 3]);
        assert!(f[0].is_breach());
        assert_eq!(f[0].code.rule(), "CMP-02");
    }

    #[test]
    fn cmp_02_a_price_above_the_earlier_one_is_a_breach_with_both_lines() {
        let list = PriceList {
            election: vec![price(2, "airtime_prime", "all", 2000)],
            earlier: vec![
                earlier(3, "airtime_prime", 1500, date(2024, 4, 1)),
                earlier(4, "airtime_prime", 1800, date(2024, 6, 1)),
            ],
        };
        let f = check_prices(&list, CALLED, &RuleParameters::default());
        assert_eq!(codes(&f), ["CMP-02.above_earlier_price"]);
        assert_eq!(f[0].lines, [2, 4]);
        assert_eq!(
            (f[0].price, f[0].reference),
            (
                Some(Money::from_tyiyn(200_000)),
                Some(Money::from_tyiyn(180_000))
            )
        );
    }

    #[test]
    fn cmp_02_which_earlier_price_counts_is_a_parameter() {
        // Charged 1800 in June, then 1200 in August; the election price is 1500.
        let list = PriceList {
            election: vec![price(2, "airtime_prime", "all", 1500)],
            earlier: vec![
                earlier(3, "airtime_prime", 1800, date(2024, 6, 1)),
                earlier(4, "airtime_prime", 1200, date(2024, 8, 1)),
            ],
        };
        assert_eq!(check_prices(&list, CALLED, &RuleParameters::default()), []);
        let latest = RuleParameters {
            media_reference_price: ReferencePrice::Latest,
            ..RuleParameters::default()
        };
        let f = check_prices(&list, CALLED, &latest);
        assert_eq!(codes(&f), ["CMP-02.above_earlier_price"]);
        assert_eq!(f[0].lines, [2, 4]);
    }

    #[test]
    fn cmp_02_only_prices_of_the_six_months_before_the_calling_count() {
        assert_eq!(window_start(CALLED), date(2024, 3, 6));
        let list = PriceList {
            election: vec![price(2, "airtime_prime", "all", 1500)],
            earlier: vec![
                earlier(3, "airtime_prime", 2000, date(2024, 3, 5)),
                earlier(4, "airtime_prime", 2000, date(2024, 9, 6)),
            ],
        };
        let f = check_prices(&list, CALLED, &RuleParameters::default());
        assert_eq!(
            codes(&f),
            [
                "CMP-02.no_earlier_price",
                "CMP-02.earlier_price_outside_window",
                "CMP-02.earlier_price_outside_window"
            ]
        );
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!((f[1].lines.clone(), f[2].lines.clone()), (vec![3], vec![4]));
    }

    #[test]
    fn money_reads_som_with_at_most_two_decimals() {
        assert_eq!(Money::parse("1500"), Ok(Money::from_tyiyn(150_000)));
        assert_eq!(Money::parse("1500.5"), Ok(Money::from_tyiyn(150_050)));
        assert_eq!(Money::parse("0.05"), Ok(Money::from_tyiyn(5)));
        for bad in ["", "-1", "1,5", "1.555", "1.", ".5", "1e3", " 1", "1 000"] {
            assert!(Money::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Money::parse("999999999999999999999").is_err());
    }

    proptest! {
        #[test]
        fn money_reads_back_what_it_writes(t in 0u64..10_000_000_000_000) {
            let m = Money::from_tyiyn(t);
            prop_assert_eq!(Money::parse(&m.to_string()), Ok(m));
        }

        #[test]
        fn cmp_02_a_list_priced_once_for_all_at_or_below_its_earlier_price_has_no_breach(
            prices in proptest::collection::vec((0u64..5, 1u64..10_000, 0u64..10_000), 1..20)
        ) {
            // Each service priced once for all, at most its earlier price.
            let mut list = PriceList::default();
            let mut seen = std::collections::BTreeSet::new();
            for (i, (service, before, cut)) in prices.iter().enumerate() {
                if !seen.insert(*service) { continue; }
                let name = format!("s{service}");
                let line = 2 * i as u64 + 2;
                list.earlier.push(earlier(line, &name, *before, date(2024, 7, 1)));
                list.election.push(price(line + 1, &name, "all", before.saturating_sub(*cut)));
            }
            let f = check_prices(&list, CALLED, &RuleParameters::default());
            prop_assert!(f.iter().all(|f| !f.is_breach()), "{:?}", f);
        }
    }
}
