//! The types of election funds (CMP-04): a fund (one per city party list and per aiyl
//! district nomination), its movements and its reports, the public summary with the
//! lateness of each report, and [`FundError`] with its stable codes.

use crate::candidates::NominationId;
use crate::store::StoreError;
use crate::users::Filer;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::CalendarError;
use shailoo_domain::candidate::PartyId;
use shailoo_domain::funds::{DonorKind, FundFinding, Movement, MovementKind, Report};
use shailoo_domain::media::Money;
use shailoo_domain::params::Coded;
use shailoo_domain::{CouncilId, DistrictId, ElectionId, ErrorCode};

/// How a movement came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Typed in, one movement.
    Entry,
    /// A line of an imported bank statement.
    Statement,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Entry => "entry",
            Source::Statement => "statement",
        }
    }
    pub fn from_code(s: &str) -> Option<Source> {
        [Source::Entry, Source::Statement]
            .into_iter()
            .find(|x| x.code() == s)
    }
}

/// Movements to add to a fund at once, and how they came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub movements: Vec<Movement>,
    pub source: Source,
}

/// A movement as the fund keeps it: `movement.line` is its number in the fund (1, 2, …), the
/// order the donor rules are checked in after the date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundMovement {
    pub movement: Movement,
    pub source: Source,
    /// The line of the bank statement it came from.
    pub statement_line: Option<u64>,
    pub entered_by: Filer,
    pub entered_at: Timestamp,
}

/// A report as submitted, with how many days late it came (`None`: in time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiledReport {
    pub report: Report,
    pub submitted_at: Timestamp,
    pub submitted_by: Filer,
    pub late_days: Option<u32>,
}

/// A fund: whose, its movements and its reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fund {
    pub election: ElectionId,
    pub nomination: NominationId,
    pub council: CouncilId,
    /// The nominating party; `None` for a self-nominee.
    pub party: Option<PartyId>,
    /// The aiyl district; `None` for a city list.
    pub district: Option<DistrictId>,
    /// The candidate of a district nomination (surname and given name).
    pub holder: Option<String>,
    /// By number.
    pub movements: Vec<FundMovement>,
    pub reports: Vec<FiledReport>,
}

/// Where a report stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportState {
    pub report: Report,
    /// The end of its last day.
    pub due: Timestamp,
    pub submitted_at: Option<Timestamp>,
    /// Days late of a report submitted late.
    pub late_days: Option<u32>,
    /// Not submitted, and its last day is over.
    pub overdue: bool,
}

impl ReportState {
    /// Whether the report is flagged: submitted late, or missing past its due date.
    pub fn is_late(&self) -> bool {
        self.late_days.is_some() || self.overdue
    }
}

/// What the public sees of a fund: totals, income by kind of donor, the reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundSummary {
    pub nomination: NominationId,
    pub council: CouncilId,
    pub party: Option<PartyId>,
    pub district: Option<DistrictId>,
    pub holder: Option<String>,
    pub income: Money,
    pub expenses: Money,
    /// Each kind of donor that gave, with its total.
    pub income_by_donor: Vec<(DonorKind, Money)>,
    pub reports: Vec<ReportState>,
}

impl Fund {
    pub fn income(&self) -> Money {
        self.total(true)
    }
    pub fn expenses(&self) -> Money {
        self.total(false)
    }
    fn total(&self, incoming: bool) -> Money {
        let t = self
            .movements
            .iter()
            .filter(|m| matches!(m.movement.kind, MovementKind::Income { .. }) == incoming)
            .map(|m| m.movement.amount.tyiyn())
            .fold(0u64, u64::saturating_add);
        Money::from_tyiyn(t)
    }
    pub fn report(&self, report: Report) -> Option<&FiledReport> {
        self.reports.iter().find(|r| r.report == report)
    }
}

/// A breach that refused an entry or a statement: the finding, with the lines of the
/// statement (or the entry: no line) concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    pub finding: FundFinding,
    /// The statement lines among the finding's lines.
    pub statement_lines: Vec<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum FundError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    #[error("invalid calendar: {0}")]
    CalendarInvalid(CalendarError),
    #[error("no filed nomination {0} in this election")]
    UnknownNomination(NominationId),
    /// The entry or the statement breaks a donor rule or the ceiling (CMP-04): nothing stored.
    #[error("refused by the fund rules (CMP-04): {}", .0.iter().map(|b| b.finding.code.code()).collect::<Vec<_>>().join(", "))]
    Breach(Vec<Breach>),
    /// A bank statement that does not read (the web names the line and column).
    #[error("the bank statement does not read: {0}")]
    BadStatement(String),
    #[error("a movement is malformed: {0}")]
    BadMovement(&'static str),
    #[error("the {0:?} report was already submitted")]
    ReportAlreadySubmitted(Report),
    /// The final report covers the campaign: not before voting day.
    #[error("the final report is submitted after voting day")]
    ReportTooEarly,
    #[error("not allowed for this account")]
    Forbidden,
}

impl From<crate::setup::ElectionCalendarError> for FundError {
    fn from(e: crate::setup::ElectionCalendarError) -> Self {
        use crate::setup::ElectionCalendarError as E;
        match e {
            E::Store(e) => FundError::Store(e),
            E::UnknownElection(id) => FundError::UnknownElection(id),
            E::Invalid(e) => FundError::CalendarInvalid(e),
        }
    }
}

impl FundError {
    pub fn code(&self) -> ErrorCode {
        use FundError as E;
        match self {
            E::Store(e) => e.code(),
            E::UnknownElection(_) => ErrorCode::UnknownElection,
            E::CalendarInvalid(e) => e.code(),
            E::UnknownNomination(_) => ErrorCode::FundUnknownNomination,
            E::Breach(_) => ErrorCode::FundRuleBreach,
            E::BadStatement(_) => ErrorCode::FundBadStatement,
            E::BadMovement(_) => ErrorCode::FundBadMovement,
            E::ReportAlreadySubmitted(_) => ErrorCode::FundReportAlreadySubmitted,
            E::ReportTooEarly => ErrorCode::FundReportTooEarly,
            E::Forbidden => ErrorCode::Forbidden,
        }
    }

    /// The rule a refusal applies, when it names one.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            FundError::Breach(_) | FundError::ReportTooEarly => Some("CMP-04"),
            _ => None,
        }
    }
}
