//! Election funds (CMP-04, *likely*; шайлоо фонду / избирательный фонд): each city party list
//! and each aiyl candidate keeps a fund on a special account; the donor rules and ceilings
//! apply to what comes in, and the fund reports twice: a first report no later than 10 days
//! before voting, a final report within 10 days after.
//!
//! The sources give no ceilings and no donor list for local elections (law-notes §8: NOT
//! FOUND), so every one is a rule parameter (`fund_*`), *unsure*, whose default restricts
//! nothing but what every Kyrgyz election law forbids (foreign and anonymous money,
//! `fund_refuse_foreign_and_anonymous`): the CEC sets the numbers of its own resolution.
//! [`check_fund`] lists every breach with the lines of the statement concerned; [`report_due`]
//! and [`lateness`] say when a report is due and how late one came.
//!
//! Money is whole tyiyn ([`Money`]); nothing here reads the clock.

use crate::calendar::Calendar;
use crate::media::Money;
use crate::params::{RuleParameters, coded_enum};
use crate::time::{from_bishkek, to_bishkek};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who gave money to a fund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DonorKind {
    /// The party or the candidate itself (its own funds).
    Own,
    /// A citizen of the Kyrgyz Republic.
    Person,
    /// A Kyrgyz legal entity.
    LegalEntity,
    /// A foreign state, citizen or organisation, or an international one.
    Foreign,
    /// No donor named.
    Anonymous,
}

impl DonorKind {
    pub const ALL: [DonorKind; 5] = [
        DonorKind::Own,
        DonorKind::Person,
        DonorKind::LegalEntity,
        DonorKind::Foreign,
        DonorKind::Anonymous,
    ];
    pub fn code(self) -> &'static str {
        match self {
            DonorKind::Own => "own",
            DonorKind::Person => "person",
            DonorKind::LegalEntity => "legal_entity",
            DonorKind::Foreign => "foreign",
            DonorKind::Anonymous => "anonymous",
        }
    }
    pub fn from_code(code: &str) -> Option<DonorKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One movement of a fund's account: a line of a bank statement, or an entry typed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    /// The line of the statement (the header is line 1); for an entry typed in, its number.
    pub line: u64,
    pub on: Date,
    pub amount: Money,
    pub kind: MovementKind,
}

/// Money in, from a donor, or out, for a purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "direction", rename_all = "snake_case")]
pub enum MovementKind {
    Income {
        donor_kind: DonorKind,
        /// The donor as the bank names them (a PIN, a registration number, a name); empty
        /// for an anonymous donation.
        donor: String,
    },
    Expense {
        purpose: String,
    },
}

coded_enum! {
    /// What the fund check finds.
    pub enum FundFindingCode {
        ForbiddenDonor = (
            "CMP-04.forbidden_donor",
            "CMP-04",
            "check-cmp-04-forbidden-donor",
            "Money from a foreign or anonymous donor"
        ),
        DonationAboveLimit = (
            "CMP-04.donation_above_limit",
            "CMP-04",
            "check-cmp-04-donation-above-limit",
            "A donor gave more than the limit for donors of its kind"
        ),
        AboveCeiling = (
            "CMP-04.above_ceiling",
            "CMP-04",
            "check-cmp-04-above-ceiling",
            "The fund received more than its ceiling"
        ),
        SpentMoreThanReceived = (
            "CMP-04.spent_more_than_received",
            "CMP-04",
            "check-cmp-04-spent-more-than-received",
            "The fund spent more than it had received"
        ),
    }
}

/// One breach of the fund rules, with the lines concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundFinding {
    pub code: FundFindingCode,
    /// Ascending.
    pub lines: Vec<u64>,
    /// The donor concerned (`donation_above_limit`, `forbidden_donor`).
    pub donor: Option<String>,
    /// The total that passed the limit, and the limit.
    pub amount: Option<Money>,
    pub limit: Option<Money>,
}

fn som(n: Option<u32>) -> Option<Money> {
    n.map(|s| Money::from_tyiyn(u64::from(s) * 100))
}

/// The fund rules in force, from the parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FundRules {
    pub ceiling: Option<Money>,
    pub max_donation_person: Option<Money>,
    pub max_donation_legal_entity: Option<Money>,
    pub refuse_foreign_and_anonymous: bool,
}

impl FundRules {
    pub fn of(params: &RuleParameters) -> FundRules {
        FundRules {
            ceiling: som(params.fund_ceiling_som),
            max_donation_person: som(params.fund_max_donation_person_som),
            max_donation_legal_entity: som(params.fund_max_donation_legal_entity_som),
            refuse_foreign_and_anonymous: params.fund_refuse_foreign_and_anonymous,
        }
    }
}

/// Checks a fund's movements (in date order, then line) against the rules: forbidden donors,
/// each donor's total against the limit of its kind, the income against the ceiling, and
/// spending beyond what was received. Findings in the order of the lines they first name.
pub fn check_fund(movements: &[Movement], rules: &FundRules) -> Vec<FundFinding> {
    let mut ordered: Vec<&Movement> = movements.iter().collect();
    ordered.sort_by_key(|m| (m.on, m.line));
    let mut run = FundRun::default();
    for m in ordered {
        match &m.kind {
            MovementKind::Income { donor_kind, donor } => run.income(m, *donor_kind, donor, rules),
            MovementKind::Expense { .. } => run.expense(m),
        }
    }
    let mut findings = run.findings;
    findings.extend(donations_above_limit(run.by_donor, rules));
    findings.sort_by_key(|f| (f.lines.first().copied(), f.code));
    findings
}

/// The running totals of [`check_fund`], movement by movement.
#[derive(Default)]
struct FundRun<'a> {
    findings: Vec<FundFinding>,
    /// Each donor's total and lines.
    by_donor: BTreeMap<(DonorKind, &'a str), (u64, Vec<u64>)>,
    received: u64,
    spent: u64,
    ceiling_passed: bool,
    overspent: bool,
}

impl<'a> FundRun<'a> {
    /// A donation: a forbidden donor at once, the ceiling once, the donor's total kept.
    fn income(&mut self, m: &Movement, kind: DonorKind, donor: &'a str, rules: &FundRules) {
        self.received = self.received.saturating_add(m.amount.tyiyn());
        if rules.refuse_foreign_and_anonymous
            && matches!(kind, DonorKind::Foreign | DonorKind::Anonymous)
        {
            self.findings.push(FundFinding {
                code: FundFindingCode::ForbiddenDonor,
                lines: vec![m.line],
                donor: Some(donor.to_owned()),
                amount: Some(m.amount),
                limit: None,
            });
        }
        let entry = self.by_donor.entry((kind, donor)).or_default();
        entry.0 = entry.0.saturating_add(m.amount.tyiyn());
        entry.1.push(m.line);
        if let Some(ceiling) = rules.ceiling
            && !self.ceiling_passed
            && self.received > ceiling.tyiyn()
        {
            self.ceiling_passed = true;
            self.findings.push(FundFinding {
                code: FundFindingCode::AboveCeiling,
                lines: vec![m.line],
                donor: None,
                amount: Some(Money::from_tyiyn(self.received)),
                limit: Some(ceiling),
            });
        }
    }

    /// A payment: the first that spends beyond what was received is a finding.
    fn expense(&mut self, m: &Movement) {
        self.spent = self.spent.saturating_add(m.amount.tyiyn());
        if self.spent > self.received && !self.overspent {
            self.overspent = true;
            self.findings.push(FundFinding {
                code: FundFindingCode::SpentMoreThanReceived,
                lines: vec![m.line],
                donor: None,
                amount: Some(Money::from_tyiyn(self.spent)),
                limit: Some(Money::from_tyiyn(self.received)),
            });
        }
    }
}

/// Each donor whose total passed the limit of its kind, with all its lines.
fn donations_above_limit(
    by_donor: BTreeMap<(DonorKind, &str), (u64, Vec<u64>)>,
    rules: &FundRules,
) -> impl Iterator<Item = FundFinding> {
    by_donor
        .into_iter()
        .filter_map(move |((kind, donor), (total, mut lines))| {
            let limit = match kind {
                DonorKind::Person => rules.max_donation_person,
                DonorKind::LegalEntity => rules.max_donation_legal_entity,
                _ => None,
            }?;
            (total > limit.tyiyn()).then(|| {
                lines.sort_unstable();
                FundFinding {
                    code: FundFindingCode::DonationAboveLimit,
                    lines,
                    donor: Some(donor.to_owned()),
                    amount: Some(Money::from_tyiyn(total)),
                    limit: Some(limit),
                }
            })
        })
}

/// The two reports of a fund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Report {
    /// No later than `fund_first_report_days_before_voting` days before voting (10).
    First,
    /// Within `fund_final_report_days_after_voting` days after voting (10).
    Final,
}

/// When a report is due: the end (00:00 Bishkek of the next day) of its last day.
pub fn report_due(report: Report, calendar: &Calendar, params: &RuleParameters) -> Timestamp {
    let v = calendar.voting_day();
    let last = match report {
        Report::First => v.checked_sub(
            jiff::Span::new().days(i64::from(params.fund_first_report_days_before_voting)),
        ),
        Report::Final => v.checked_add(
            jiff::Span::new().days(i64::from(params.fund_final_report_days_after_voting)),
        ),
    }
    .unwrap_or(v);
    let next = last.tomorrow().unwrap_or(Date::MAX);
    from_bishkek(next, Time::midnight())
}

/// How many days late a report submitted at `submitted_at` is (`None`: in time). A report
/// submitted on the day after the last day is 1 day late.
pub fn lateness(
    report: Report,
    submitted_at: Timestamp,
    calendar: &Calendar,
    params: &RuleParameters,
) -> Option<u32> {
    let due = report_due(report, calendar, params);
    if submitted_at < due {
        return None;
    }
    let last_day = to_bishkek(due).date();
    let day = to_bishkek(submitted_at).date();
    let days = (day - last_day).get_days();
    Some(u32::try_from(days).unwrap_or(0) + 1)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::params::Coded;
    use jiff::civil::date;

    fn income(line: u64, som: u64, kind: DonorKind, donor: &str) -> Movement {
        Movement {
            line,
            on: date(2024, 10, 20),
            amount: Money::from_tyiyn(som * 100),
            kind: MovementKind::Income {
                donor_kind: kind,
                donor: donor.into(),
            },
        }
    }

    fn expense(line: u64, som: u64) -> Movement {
        Movement {
            line,
            on: date(2024, 10, 21),
            amount: Money::from_tyiyn(som * 100),
            kind: MovementKind::Expense {
                purpose: "posters".into(),
            },
        }
    }

    fn codes(f: &[FundFinding]) -> Vec<&'static str> {
        f.iter().map(|f| f.code.code()).collect()
    }

    #[test]
    fn cmp_04_by_default_only_foreign_and_anonymous_money_is_refused() {
        let rules = FundRules::of(&RuleParameters::default());
        let statement = [
            income(2, 1_000_000, DonorKind::Person, "21001199000123"),
            income(3, 500, DonorKind::Anonymous, ""),
            income(4, 900, DonorKind::Foreign, "ACME Ltd (KZ)"),
            expense(5, 100),
        ];
        let f = check_fund(&statement, &rules);
        assert_eq!(
            codes(&f),
            ["CMP-04.forbidden_donor", "CMP-04.forbidden_donor"]
        );
        assert_eq!((f[0].lines.clone(), f[1].lines.clone()), (vec![3], vec![4]));
        assert_eq!(f[0].code.rule(), "CMP-04");
        let off = RuleParameters {
            fund_refuse_foreign_and_anonymous: false,
            ..RuleParameters::default()
        };
        assert_eq!(check_fund(&statement, &FundRules::of(&off)), []);
    }

    #[test]
    fn cmp_04_donor_limits_and_the_ceiling_are_parameters() {
        let params = RuleParameters {
            fund_max_donation_person_som: Some(100_000),
            fund_max_donation_legal_entity_som: Some(1_000_000),
            fund_ceiling_som: Some(1_500_000),
            ..RuleParameters::default()
        };
        let statement = [
            income(2, 60_000, DonorKind::Person, "21001199000123"),
            income(3, 60_000, DonorKind::Person, "21001199000123"),
            income(4, 900_000, DonorKind::LegalEntity, "01234567890123"),
            income(5, 600_000, DonorKind::Own, "party"),
            expense(6, 10),
        ];
        let f = check_fund(&statement, &FundRules::of(&params));
        assert_eq!(
            codes(&f),
            ["CMP-04.donation_above_limit", "CMP-04.above_ceiling"]
        );
        assert_eq!(f[0].lines, [2, 3]);
        assert_eq!(f[0].amount, Some(Money::from_tyiyn(12_000_000)));
        assert_eq!(f[1].lines, [5]);
    }

    #[test]
    fn cmp_04_spending_beyond_what_came_in_is_flagged_once() {
        let statement = [
            income(2, 100, DonorKind::Own, "candidate"),
            expense(3, 80),
            expense(4, 30),
            expense(5, 30),
        ];
        let f = check_fund(&statement, &FundRules::of(&RuleParameters::default()));
        assert_eq!(codes(&f), ["CMP-04.spent_more_than_received"]);
        assert_eq!(f[0].lines, [4]);
    }

    #[test]
    fn cmp_04_reports_are_due_ten_days_before_and_after_voting_and_lateness_is_counted() {
        let cal = Calendar::statutory(date(2024, 9, 6), date(2024, 11, 17)).unwrap();
        let p = RuleParameters::default();
        let at = |m, d, h| from_bishkek(date(2024, m, d), Time::new(h, 0, 0, 0).unwrap());
        assert_eq!(report_due(Report::First, &cal, &p), at(11, 8, 0));
        assert_eq!(report_due(Report::Final, &cal, &p), at(11, 28, 0));
        assert_eq!(lateness(Report::First, at(11, 7, 23), &cal, &p), None);
        assert_eq!(lateness(Report::First, at(11, 8, 0), &cal, &p), Some(1));
        assert_eq!(lateness(Report::Final, at(11, 30, 12), &cal, &p), Some(3));
        let later = RuleParameters {
            fund_final_report_days_after_voting: 20,
            ..RuleParameters::default()
        };
        assert_eq!(lateness(Report::Final, at(11, 30, 12), &cal, &later), None);
    }
}
