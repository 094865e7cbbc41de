//! Complaints and appeals (CMP-05, CMP-06; даттануу / жалоба): the levels a complaint climbs
//! and its legal clock.
//!
//! A complaint goes to the commission whose decision, action or inaction it is about (a PEC,
//! a TEC or the CEC); the decision on it can be appealed one level up, PEC → TEC → CEC →
//! court ([`Level::next`]). Each step has a clock ([`Clock`]), computed from the election's
//! calendar (its voting day, with the CEC's overrides) and its rule parameters:
//! - the *filing deadline*: the end of the (Bishkek) day `appeal_filing_days` after the act
//!   complained of (CMP-06, *likely*: 3 days); an inaction has none, it lasts;
//! - the *decision due*: the end of the day `appeal_decision_days` after the filing (CMP-06,
//!   *likely*: 3 days), or at once when filed on voting day or in the
//!   `appeal_immediate_days_after_voting` days after it (CMP-06, *unsure*, switched by
//!   `appeal_immediate_around_voting`). "At once" is read as: by the end of the day of filing.
//!   A due date never runs into that immediate period: a complaint still open when it begins
//!   is due then (as CAL-19 does for voter-list claims).
//!
//! A complaint filed after its filing deadline is refused, naming CMP-06 ([`ClockError`]); a
//! late decision is still taken (nobody's complaint is dropped for the commission's delay),
//! and shows as overdue until it is.
//!
//! Nothing here reads the clock: "now" is always a parameter.

use crate::calendar::Calendar;
use crate::codes::ErrorCode;
use crate::params::RuleParameters;
use crate::territory::CommissionLevel;
use crate::time::{from_bishkek, to_bishkek};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

/// The rule of the clocks and of the appeal chain.
pub const RULE: &str = "CMP-06";

/// Who hears a complaint: a commission of one level, or the court.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Участкалык шайлоо комиссиясы / участковая избирательная комиссия.
    Pec,
    /// Аймактык шайлоо комиссиясы / территориальная избирательная комиссия.
    Tec,
    /// Борбордук шайлоо комиссиясы / Центральная избирательная комиссия.
    Cec,
    /// Сот / суд: the court of first instance (in 2024 the Administrative Court of Bishkek).
    Court,
}

impl Level {
    /// Every level, from the lowest.
    pub const ALL: [Level; 4] = [Level::Pec, Level::Tec, Level::Cec, Level::Court];

    /// Where the decision of this level is appealed (CMP-06); the court is the last step
    /// this registry follows.
    pub fn next(self) -> Option<Level> {
        match self {
            Level::Pec => Some(Level::Tec),
            Level::Tec => Some(Level::Cec),
            Level::Cec => Some(Level::Court),
            Level::Court => None,
        }
    }

    /// The level of a commission.
    pub fn of(level: CommissionLevel) -> Level {
        match level {
            CommissionLevel::Pec => Level::Pec,
            CommissionLevel::Tec => Level::Tec,
            CommissionLevel::Cec => Level::Cec,
        }
    }

    /// The stable code (`pec`, `tec`, `cec`, `court`).
    pub fn code(self) -> &'static str {
        match self {
            Level::Pec => "pec",
            Level::Tec => "tec",
            Level::Cec => "cec",
            Level::Court => "court",
        }
    }

    pub fn from_code(code: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// What a complaint is about (CMP-05).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A decision of the commission (чечим / решение): dated.
    Decision,
    /// An action of the commission or its members (аракет / действие): dated.
    Action,
    /// An inaction (аракетсиздик / бездействие): it lasts, so it has no filing deadline.
    Inaction,
}

impl Subject {
    pub const ALL: [Subject; 3] = [Subject::Decision, Subject::Action, Subject::Inaction];

    pub fn code(self) -> &'static str {
        match self {
            Subject::Decision => "decision",
            Subject::Action => "action",
            Subject::Inaction => "inaction",
        }
    }

    pub fn from_code(code: &str) -> Option<Subject> {
        Subject::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the act complained of has a date the filing deadline runs from.
    pub fn is_dated(self) -> bool {
        !matches!(self, Subject::Inaction)
    }
}

/// When a complaint must be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "at", rename_all = "snake_case")]
pub enum DecisionDue {
    /// By this instant (00:00 Bishkek after the last day).
    By(Timestamp),
    /// At once (on and just after voting day): at the latest by this instant, the end of the
    /// day of filing.
    Immediately(Timestamp),
}

impl DecisionDue {
    /// The instant after which an undecided complaint is overdue.
    pub fn instant(self) -> Timestamp {
        match self {
            DecisionDue::By(t) | DecisionDue::Immediately(t) => t,
        }
    }

    pub fn is_immediate(self) -> bool {
        matches!(self, DecisionDue::Immediately(_))
    }
}

/// The legal clock of one step of a complaint (its filing or an appeal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// Until when it could be filed (`None`: an inaction, which lasts).
    pub filing_deadline: Option<Timestamp>,
    /// When the commission must decide it.
    pub decision_due: DecisionDue,
}

impl Clock {
    /// Whether, still undecided at `now`, the step is past its decision due.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        now >= self.decision_due.instant()
    }
}

/// Why a complaint or an appeal cannot be filed at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ClockError {
    /// CMP-06: the filing deadline after the act has passed.
    #[error(
        "the time to file ran out at {deadline} (CMP-06: {days} days after the act of {act_on})"
    )]
    #[serde(rename = "complaint_filed_too_late")]
    FiledTooLate {
        act_on: Date,
        days: u16,
        deadline: Timestamp,
    },
    /// A decision or an action is complained of with its date.
    #[error("a complaint about a decision or an action gives its date")]
    #[serde(rename = "complaint_act_date_required")]
    ActDateRequired,
    /// The act's date is after the filing.
    #[error("the act of {act_on} has not happened yet")]
    #[serde(rename = "complaint_act_in_future")]
    ActInFuture { act_on: Date },
    /// The election was not called yet on the day of the act or of the filing.
    #[error("the election is called on {called_on}; nothing before it is an act of this election")]
    #[serde(rename = "complaint_before_calling")]
    BeforeCalling { called_on: Date },
}

impl ClockError {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ClockError::FiledTooLate { .. } => ErrorCode::ComplaintFiledTooLate,
            ClockError::ActDateRequired => ErrorCode::ComplaintActDateRequired,
            ClockError::ActInFuture { .. } => ErrorCode::ComplaintActInFuture,
            ClockError::BeforeCalling { .. } => ErrorCode::ComplaintBeforeCalling,
        }
    }

    /// The rule applied.
    pub fn rule(&self) -> &'static str {
        match self {
            ClockError::FiledTooLate { .. } => RULE,
            _ => "CMP-05",
        }
    }
}

/// 00:00 Bishkek of the day after `day + days`: the end of a whole-day period.
fn end_of_day_after(day: Date, days: u16) -> Timestamp {
    let last = day
        .checked_add(jiff::Span::new().days(i64::from(days) + 1))
        .unwrap_or(Date::MAX);
    from_bishkek(last, Time::midnight())
}

/// The filing deadline of a complaint about an act of `act_on` (CMP-06).
pub fn filing_deadline(act_on: Date, params: &RuleParameters) -> Timestamp {
    end_of_day_after(act_on, params.appeal_filing_days)
}

/// The first day of the immediate period (voting day), and its last, when the rule is on.
fn immediate_period(voting_day: Date, params: &RuleParameters) -> Option<(Date, Date)> {
    params.appeal_immediate_around_voting.then(|| {
        let last = voting_day
            .checked_add(
                jiff::Span::new().days(i64::from(params.appeal_immediate_days_after_voting)),
            )
            .unwrap_or(Date::MAX);
        (voting_day, last)
    })
}

/// When a complaint filed at `filed_at` must be decided (CMP-06).
pub fn decision_due(
    calendar: &Calendar,
    filed_at: Timestamp,
    params: &RuleParameters,
) -> DecisionDue {
    let day = to_bishkek(filed_at).date();
    let immediate = immediate_period(calendar.voting_day(), params);
    if let Some((first, last)) = immediate
        && day >= first
        && day <= last
    {
        return DecisionDue::Immediately(end_of_day_after(day, 0));
    }
    let due = end_of_day_after(day, params.appeal_decision_days);
    match immediate {
        Some((first, _)) if day < first => {
            DecisionDue::By(due.min(from_bishkek(first, Time::midnight())))
        }
        _ => DecisionDue::By(due),
    }
}

/// The clock of a complaint (or an appeal) filed at `filed_at` about `subject` of `act_on`,
/// or why it may not be filed then: a dated act needs its date, which may be neither in the
/// future nor before the election was called; a filing after the deadline is refused (CMP-06).
pub fn clock(
    calendar: &Calendar,
    subject: Subject,
    act_on: Option<Date>,
    filed_at: Timestamp,
    params: &RuleParameters,
) -> Result<Clock, ClockError> {
    let called_on = calendar.called_on();
    let day = to_bishkek(filed_at).date();
    if day < called_on {
        return Err(ClockError::BeforeCalling { called_on });
    }
    let filing_deadline = match (subject.is_dated(), act_on) {
        (true, None) => return Err(ClockError::ActDateRequired),
        (_, Some(act_on)) if act_on > day => return Err(ClockError::ActInFuture { act_on }),
        (_, Some(act_on)) if act_on < called_on => {
            return Err(ClockError::BeforeCalling { called_on });
        }
        (true, Some(act_on)) => {
            let deadline = filing_deadline(act_on, params);
            if filed_at >= deadline {
                return Err(ClockError::FiledTooLate {
                    act_on,
                    days: params.appeal_filing_days,
                    deadline,
                });
            }
            Some(deadline)
        }
        (false, _) => None,
    };
    Ok(Clock {
        filing_deadline,
        decision_due: decision_due(calendar, filed_at, params),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn cal() -> Calendar {
        Calendar::statutory(date(2024, 9, 6), date(2024, 11, 17)).unwrap()
    }

    /// An instant, Bishkek time.
    fn at(y: i16, m: i8, d: i8, h: i8) -> Timestamp {
        from_bishkek(date(y, m, d), Time::new(h, 0, 0, 0).unwrap())
    }

    fn midnight(y: i16, m: i8, d: i8) -> Timestamp {
        at(y, m, d, 0)
    }

    #[test]
    fn cmp_06_appeals_go_pec_tec_cec_court_and_stop() {
        assert_eq!(Level::Pec.next(), Some(Level::Tec));
        assert_eq!(Level::Tec.next(), Some(Level::Cec));
        assert_eq!(Level::Cec.next(), Some(Level::Court));
        assert_eq!(Level::Court.next(), None);
        for l in Level::ALL {
            assert_eq!(Level::from_code(l.code()), Some(l));
        }
        assert_eq!(Level::of(CommissionLevel::Tec), Level::Tec);
    }

    #[test]
    fn cmp_06_filing_within_three_days_of_the_act_and_decided_within_three_days() {
        let p = RuleParameters::default();
        let c = clock(
            &cal(),
            Subject::Decision,
            Some(date(2024, 10, 10)),
            at(2024, 10, 13, 23),
            &p,
        )
        .unwrap();
        assert_eq!(c.filing_deadline, Some(midnight(2024, 10, 14)));
        assert_eq!(c.decision_due, DecisionDue::By(midnight(2024, 10, 17)));
        assert!(!c.is_overdue(at(2024, 10, 16, 23)));
        assert!(c.is_overdue(midnight(2024, 10, 17)));
    }

    #[test]
    fn cmp_06_a_late_filing_is_refused_naming_the_rule() {
        let p = RuleParameters::default();
        let err = clock(
            &cal(),
            Subject::Action,
            Some(date(2024, 10, 10)),
            midnight(2024, 10, 14),
            &p,
        )
        .unwrap_err();
        assert_eq!(
            err,
            ClockError::FiledTooLate {
                act_on: date(2024, 10, 10),
                days: 3,
                deadline: midnight(2024, 10, 14)
            }
        );
        assert_eq!(
            (err.code(), err.rule()),
            (ErrorCode::ComplaintFiledTooLate, "CMP-06")
        );
    }

    #[test]
    fn cmp_06_the_filing_days_are_a_parameter() {
        let p = RuleParameters {
            appeal_filing_days: 5,
            ..RuleParameters::default()
        };
        let c = clock(
            &cal(),
            Subject::Decision,
            Some(date(2024, 10, 10)),
            at(2024, 10, 15, 12),
            &p,
        )
        .unwrap();
        assert_eq!(c.filing_deadline, Some(midnight(2024, 10, 16)));
    }

    #[test]
    fn cmp_06_an_inaction_has_no_filing_deadline() {
        let c = clock(
            &cal(),
            Subject::Inaction,
            None,
            at(2024, 10, 20, 10),
            &RuleParameters::default(),
        )
        .unwrap();
        assert_eq!(c.filing_deadline, None);
        assert_eq!(c.decision_due, DecisionDue::By(midnight(2024, 10, 24)));
    }

    #[test]
    fn cmp_05_a_dated_act_needs_its_date_within_the_election() {
        let p = RuleParameters::default();
        let filed = at(2024, 10, 20, 10);
        assert_eq!(
            clock(&cal(), Subject::Decision, None, filed, &p),
            Err(ClockError::ActDateRequired)
        );
        assert_eq!(
            clock(&cal(), Subject::Action, Some(date(2024, 10, 21)), filed, &p),
            Err(ClockError::ActInFuture {
                act_on: date(2024, 10, 21)
            })
        );
        assert_eq!(
            clock(&cal(), Subject::Action, Some(date(2024, 9, 5)), filed, &p),
            Err(ClockError::BeforeCalling {
                called_on: date(2024, 9, 6)
            })
        );
        assert_eq!(
            clock(&cal(), Subject::Inaction, None, at(2024, 9, 5, 10), &p),
            Err(ClockError::BeforeCalling {
                called_on: date(2024, 9, 6)
            })
        );
    }

    #[test]
    fn cmp_06_on_and_just_after_voting_day_complaints_are_decided_at_once() {
        let p = RuleParameters::default();
        // Voting day and the day after: by the end of the day of filing.
        for (day, hour) in [(17, 21), (18, 3)] {
            let filed = at(2024, 11, day, hour);
            assert_eq!(
                decision_due(&cal(), filed, &p),
                DecisionDue::Immediately(midnight(2024, 11, day + 1))
            );
        }
        // Two days after, the ordinary clock again.
        assert_eq!(
            decision_due(&cal(), at(2024, 11, 19, 9), &p),
            DecisionDue::By(midnight(2024, 11, 23))
        );
        // Filed on V − 2: due when the immediate period begins, not after it.
        assert_eq!(
            decision_due(&cal(), at(2024, 11, 15, 9), &p),
            DecisionDue::By(midnight(2024, 11, 17))
        );
    }

    #[test]
    fn cmp_06_the_immediate_period_is_a_parameter() {
        let off = RuleParameters {
            appeal_immediate_around_voting: false,
            ..RuleParameters::default()
        };
        assert_eq!(
            decision_due(&cal(), at(2024, 11, 17, 21), &off),
            DecisionDue::By(midnight(2024, 11, 21))
        );
        let longer = RuleParameters {
            appeal_immediate_days_after_voting: 3,
            ..RuleParameters::default()
        };
        assert!(decision_due(&cal(), at(2024, 11, 20, 9), &longer).is_immediate());
        assert!(!decision_due(&cal(), at(2024, 11, 21, 9), &longer).is_immediate());
        let days = RuleParameters {
            appeal_decision_days: 1,
            ..RuleParameters::default()
        };
        assert_eq!(
            decision_due(&cal(), at(2024, 10, 1, 9), &days),
            DecisionDue::By(midnight(2024, 10, 3))
        );
    }
}
