//! `GET /api/v1/elections/{election}/funds`: every fund of an election (per city party list
//! and per aiyl district candidate) with its income, expenses, income by kind of donor and
//! its two reports with their lateness. What the public page and the open data show.

use crate::AppState;
use crate::kit::input::Json;
use crate::kit::{ApiError, ApiLang, ApiResult, ErrorBody};
use axum::extract::{Path, State};
use serde::Serialize;
use shailoo_app::funds::{self, FundError, FundSummary, ReportState};
use shailoo_domain::funds::Report;
use shailoo_domain::{ElectionId, ErrorCode};
use utoipa::ToSchema;

/// Income from one kind of donor.
#[derive(Debug, Serialize, ToSchema)]
pub struct DonorTotalDto {
    /// `own`, `person`, `legal_entity`, `foreign` or `anonymous`.
    pub donor_kind: String,
    /// Som, two decimals (`1500.00`).
    pub amount: String,
}

/// One of a fund's two reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundReportDto {
    /// `first` (no later than 10 days before voting) or `final` (within 10 days after).
    pub report: String,
    /// The end of its last day (RFC 3339).
    pub due: String,
    pub submitted_at: Option<String>,
    /// Days late of a report submitted late.
    pub late_days: Option<u32>,
    /// Not submitted, and its last day is over.
    pub overdue: bool,
    /// Submitted late or overdue.
    pub late: bool,
}

/// A fund as the public sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundDto {
    pub nomination: i64,
    pub council: String,
    /// The nominating party's id; absent for a self-nominee.
    pub party: Option<String>,
    /// The aiyl district; absent for a city list.
    pub district: Option<String>,
    /// The candidate of an aiyl district nomination.
    pub candidate: Option<String>,
    /// Som, two decimals.
    pub income: String,
    pub expenses: String,
    pub income_by_donor: Vec<DonorTotalDto>,
    pub reports: Vec<FundReportDto>,
}

pub(super) fn report_code(r: Report) -> &'static str {
    match r {
        Report::First => "first",
        Report::Final => "final",
    }
}

fn report_dto(r: &ReportState) -> FundReportDto {
    FundReportDto {
        report: report_code(r.report).to_owned(),
        due: r.due.to_string(),
        submitted_at: r.submitted_at.map(|t| t.to_string()),
        late_days: r.late_days,
        overdue: r.overdue,
        late: r.is_late(),
    }
}

impl From<&FundSummary> for FundDto {
    fn from(s: &FundSummary) -> FundDto {
        FundDto {
            nomination: s.nomination.get(),
            council: s.council.to_string(),
            party: s.party.as_ref().map(ToString::to_string),
            district: s.district.as_ref().map(ToString::to_string),
            candidate: s.holder.clone(),
            income: s.income.to_string(),
            expenses: s.expenses.to_string(),
            income_by_donor: s
                .income_by_donor
                .iter()
                .map(|(k, m)| DonorTotalDto {
                    donor_kind: k.code().to_owned(),
                    amount: m.to_string(),
                })
                .collect(),
            reports: s.reports.iter().map(report_dto).collect(),
        }
    }
}

/// The funds of an election.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundsDto {
    pub election: String,
    /// By nomination.
    pub items: Vec<FundDto>,
}

/// The election funds (CMP-04): per city party list and per aiyl district candidate.
#[utoipa::path(get, path = "/api/v1/elections/{election}/funds", tag = "funds",
    params(("election" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id, e.g. `local-2024`"), crate::kit::LangQuery),
    responses(
        (status = 200, description = "The funds, by nomination", body = FundsDto),
        (status = 400, description = "A malformed election id", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
    ))]
pub(super) async fn api_funds(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
) -> ApiResult<FundsDto> {
    let election =
        ElectionId::parse(&id).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "election"))?;
    let all = funds::summaries(state.store.as_ref(), &election, state.now())
        .await
        .map_err(|e| match e {
            FundError::UnknownElection(_) => ApiError::not_found(lang),
            e => ApiError::refused(lang, &e),
        })?;
    Ok(Json(FundsDto {
        election: election.to_string(),
        items: all.iter().map(FundDto::from).collect(),
    }))
}
