//! What a fund admits, pure: new movements are checked with the fund's earlier ones against
//! the donor rules and the ceiling (CMP-04), and refused whole if they bring a breach; a
//! report is submitted once, the final one not before voting day, its lateness counted.

use super::model::{Breach, FiledReport, Fund, FundError, FundMovement, ReportState, Source};
use crate::users::Filer;
use jiff::Timestamp;
use shailoo_domain::calendar::Calendar;
use shailoo_domain::funds::{
    FundRules, Movement, MovementKind, Report, check_fund, lateness, report_due,
};
use shailoo_domain::params::RuleParameters;
use shailoo_domain::time::to_bishkek;

/// The calendar and parameters of the election, which a fund's rules and dates come from.
#[derive(Debug, Clone)]
pub struct FundClock {
    pub calendar: Calendar,
    pub params: RuleParameters,
}

/// Numbers `new` after the fund's movements and checks them all: refused with every finding
/// that names a new movement (their statement lines, for a statement), or the new movements
/// as the fund keeps them.
pub fn admit(
    fund: &Fund,
    new: Vec<Movement>,
    source: Source,
    by: &Filer,
    at: Timestamp,
    rules: &FundRules,
) -> Result<Vec<FundMovement>, FundError> {
    if new.is_empty() {
        return Err(FundError::BadMovement("no movement"));
    }
    for m in &new {
        if m.amount.tyiyn() == 0 {
            return Err(FundError::BadMovement("an amount of zero"));
        }
        if let MovementKind::Expense { purpose } = &m.kind
            && purpose.trim().is_empty()
        {
            return Err(FundError::BadMovement("an expense without its purpose"));
        }
    }
    let first = fund.movements.len() as u64 + 1;
    let added: Vec<FundMovement> = new
        .into_iter()
        .zip(first..)
        .map(|(m, seq)| FundMovement {
            statement_line: (source == Source::Statement).then_some(m.line),
            movement: Movement { line: seq, ..m },
            source,
            entered_by: by.clone(),
            entered_at: at,
        })
        .collect();
    let all: Vec<Movement> = fund
        .movements
        .iter()
        .chain(&added)
        .map(|m| m.movement.clone())
        .collect();
    let line_of = |seq: u64| {
        added
            .iter()
            .find(|m| m.movement.line == seq)
            .and_then(|m| m.statement_line)
    };
    let breaches: Vec<Breach> = check_fund(&all, rules)
        .into_iter()
        .filter(|f| f.lines.iter().any(|l| *l >= first))
        .map(|finding| Breach {
            statement_lines: finding.lines.iter().filter_map(|l| line_of(*l)).collect(),
            finding,
        })
        .collect();
    if breaches.is_empty() {
        Ok(added)
    } else {
        Err(FundError::Breach(breaches))
    }
}

/// Submits `report` at `at`: once; the final one from voting day on. A late one is taken and
/// flagged with its days late.
pub fn submit(
    fund: &Fund,
    report: Report,
    by: &Filer,
    at: Timestamp,
    clock: &FundClock,
) -> Result<FiledReport, FundError> {
    if fund.report(report).is_some() {
        return Err(FundError::ReportAlreadySubmitted(report));
    }
    if report == Report::Final && to_bishkek(at).date() < clock.calendar.voting_day() {
        return Err(FundError::ReportTooEarly);
    }
    Ok(FiledReport {
        report,
        submitted_at: at,
        submitted_by: by.clone(),
        late_days: lateness(report, at, &clock.calendar, &clock.params),
    })
}

/// Where each of a fund's two reports stands at `now`.
pub fn report_states(fund: &Fund, clock: &FundClock, now: Timestamp) -> Vec<ReportState> {
    [Report::First, Report::Final]
        .into_iter()
        .map(|report| {
            let due = report_due(report, &clock.calendar, &clock.params);
            let filed = fund.report(report);
            ReportState {
                report,
                due,
                submitted_at: filed.map(|f| f.submitted_at),
                late_days: filed.and_then(|f| f.late_days),
                overdue: filed.is_none() && now >= due,
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::candidates::NominationId;
    use jiff::civil::date;
    use shailoo_domain::funds::DonorKind;
    use shailoo_domain::media::Money;
    use shailoo_domain::params::Coded;
    use shailoo_domain::time::from_bishkek;
    use shailoo_domain::{CouncilId, ElectionId};

    fn fund() -> Fund {
        Fund {
            election: ElectionId::parse("local-2024").unwrap(),
            nomination: NominationId::new(1).unwrap(),
            council: CouncilId::parse("bishkek").unwrap(),
            party: None,
            district: None,
            holder: None,
            movements: Vec::new(),
            reports: Vec::new(),
        }
    }

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

    #[test]
    fn cmp_04_a_statement_with_a_forbidden_donor_is_refused_whole_naming_its_line() {
        let rules = FundRules::of(&RuleParameters::default());
        let statement = vec![
            income(2, 1000, DonorKind::Own, "party"),
            income(3, 50, DonorKind::Foreign, "ACME (KZ)"),
        ];
        let Err(FundError::Breach(b)) = admit(
            &fund(),
            statement,
            Source::Statement,
            &Filer::System,
            Timestamp::UNIX_EPOCH,
            &rules,
        ) else {
            panic!("refused");
        };
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].finding.code.code(), "CMP-04.forbidden_donor");
        assert_eq!(b[0].statement_lines, [3]);
    }

    #[test]
    fn cmp_04_a_donor_limit_counts_the_earlier_movements_too() {
        let params = RuleParameters {
            fund_max_donation_person_som: Some(1000),
            ..RuleParameters::default()
        };
        let rules = FundRules::of(&params);
        let mut f = fund();
        let by = Filer::System;
        let at = Timestamp::UNIX_EPOCH;
        let first = vec![income(0, 800, DonorKind::Person, "21001199000123")];
        f.movements = admit(&f, first, Source::Entry, &by, at, &rules).unwrap();
        assert_eq!(f.movements[0].movement.line, 1);
        let again = vec![income(0, 300, DonorKind::Person, "21001199000123")];
        assert!(matches!(
            admit(&f, again, Source::Entry, &by, at, &rules),
            Err(FundError::Breach(_))
        ));
    }

    #[test]
    fn cmp_04_reports_are_flagged_late_or_overdue() {
        let calendar = Calendar::statutory(date(2024, 9, 6), date(2024, 11, 17)).unwrap();
        let clock = FundClock {
            calendar,
            params: RuleParameters::default(),
        };
        let at = |m, d| from_bishkek(date(2024, m, d), jiff::civil::Time::midnight());
        let mut f = fund();
        assert!(matches!(
            submit(&f, Report::Final, &Filer::System, at(11, 10), &clock),
            Err(FundError::ReportTooEarly)
        ));
        let first = submit(&f, Report::First, &Filer::System, at(11, 10), &clock).unwrap();
        assert_eq!(first.late_days, Some(3));
        f.reports.push(first);
        let states = report_states(&f, &clock, at(11, 29));
        assert!(states[0].is_late() && states[1].overdue);
        assert!(matches!(
            submit(&f, Report::First, &Filer::System, at(11, 11), &clock),
            Err(FundError::ReportAlreadySubmitted(Report::First))
        ));
    }
}
