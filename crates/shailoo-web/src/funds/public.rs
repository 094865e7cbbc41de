//! `GET /funds/{election}`: the election's funds, each with its income, expenses and reports
//! (late ones flagged), and a chart of income beside expenses; and the open data,
//! `GET /open-data/elections/{election}/funds.csv` and `…/funds.json` (the API's [`FundDto`]).

use super::api::{FundDto, report_code};
use crate::AppState;
use crate::kit::bars::{self, Datum};
use crate::kit::format::{fmt_instant, name};
use crate::kit::{OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use shailoo_app::funds::{self, FundError, FundSummary, ReportState};
use shailoo_domain::candidate::PartyId;
use shailoo_domain::{ElectionId, ErrorCode};
use std::collections::HashMap;

pub(crate) struct ReportCell {
    pub(crate) text: String,
    pub(crate) late: bool,
}

struct Row {
    nomination: i64,
    holder: String,
    council: String,
    income: String,
    expenses: String,
    donors: String,
    reports: Vec<ReportCell>,
}

#[derive(Template)]
#[template(path = "funds/templates/funds.html")]
struct FundsTemplate {
    ctx: PageCtx,
    election: String,
    election_name: String,
    rows: Vec<Row>,
    chart: String,
    late: usize,
}

async fn summaries(
    state: &AppState,
    ctx: &PageCtx,
    id: &str,
) -> Result<(ElectionId, Vec<FundSummary>), PageFail> {
    let lang = ctx.lang;
    let election = ElectionId::parse(id).map_err(|_| PageFail::not_found(lang))?;
    match funds::summaries(state.store.as_ref(), &election, state.now()).await {
        Ok(all) => Ok((election, all)),
        Err(FundError::UnknownElection(_)) => Err(PageFail::not_found(lang)),
        Err(e) => Err(PageFail::refused(lang, &e)),
    }
}

/// The names of the parties, read once for a page of funds (not once per fund).
async fn party_names(
    state: &AppState,
    ctx: &PageCtx,
) -> Result<HashMap<PartyId, String>, PageFail> {
    Ok(state
        .store
        .parties()
        .await
        .or_page(ctx.lang)?
        .into_iter()
        .map(|p| (p.id, name(&p.name, ctx.lang)))
        .collect())
}

/// The name a fund goes by: the party's (and the district's candidate), or the candidate's.
fn holder(ctx: &PageCtx, parties: &HashMap<PartyId, String>, s: &FundSummary) -> String {
    let party = match &s.party {
        Some(p) => parties.get(p).cloned().unwrap_or_else(|| p.to_string()),
        None => ctx.t("fund-self-nominated"),
    };
    match (&s.holder, &s.district) {
        (Some(h), Some(d)) => format!("{h} ({party}, {} {d})", ctx.t("fund-district")),
        _ => party,
    }
}

/// A report's state in words: when it was submitted and how late, or overdue, or its date.
fn report_cell(ctx: &PageCtx, r: &ReportState) -> ReportCell {
    let what = ctx.t(&format!("fund-report-{}", report_code(r.report)));
    let text = match (r.submitted_at, r.late_days, r.overdue) {
        (Some(at), Some(d), _) => format!(
            "{what}: {} — {}",
            fmt_instant(at),
            ctx.lang
                .t_args("fund-days-late", &[("days", d.to_string())])
        ),
        (Some(at), None, _) => format!("{what}: {}", fmt_instant(at)),
        (None, _, true) => format!("{what}: {}", ctx.t("fund-overdue")),
        (None, _, false) => format!("{what}: {} {}", ctx.t("fund-due"), fmt_instant(r.due)),
    };
    ReportCell {
        text,
        late: r.is_late(),
    }
}

fn row_of(ctx: &PageCtx, s: &FundSummary, holder: String) -> Row {
    Row {
        nomination: s.nomination.get(),
        holder,
        council: s.council.to_string(),
        income: s.income.to_string(),
        expenses: s.expenses.to_string(),
        donors: s
            .income_by_donor
            .iter()
            .map(|(k, m)| format!("{}: {m}", ctx.t(&format!("fund-donor-{}", k.code()))))
            .collect::<Vec<_>>()
            .join("; "),
        reports: s.reports.iter().map(|r| report_cell(ctx, r)).collect(),
    }
}

/// A fund as the candidate portal shows it beside the candidate (i16-cases2): the totals,
/// the reports with late ones flagged, a two-bar chart, and the link to the election's funds.
pub(crate) struct FundPanel {
    pub(crate) income: String,
    pub(crate) expenses: String,
    pub(crate) reports: Vec<ReportCell>,
    pub(crate) chart: String,
    pub(crate) href: String,
}

/// The panel of `nomination`'s fund, `None` when it has none.
pub(crate) async fn panel(
    state: &AppState,
    ctx: &PageCtx,
    election: &ElectionId,
    nomination: shailoo_app::candidates::NominationId,
) -> Result<Option<FundPanel>, PageFail> {
    let summary = funds::public_summary(state.store.as_ref(), election, nomination, state.now())
        .await
        .map_err(|e| PageFail::refused(ctx.lang, &e))?;
    Ok(summary.map(|s| {
        let data = [
            Datum {
                label: ctx.t("fund-income"),
                value: s.income.tyiyn(),
                shown: s.income.to_string(),
                second: false,
            },
            Datum {
                label: ctx.t("fund-expenses"),
                value: s.expenses.tyiyn(),
                shown: s.expenses.to_string(),
                second: true,
            },
        ];
        FundPanel {
            income: s.income.to_string(),
            expenses: s.expenses.to_string(),
            reports: s.reports.iter().map(|r| report_cell(ctx, r)).collect(),
            chart: bars::svg(
                "fund-panel-chart",
                &ctx.t("fund-chart-title"),
                "fund-facts",
                &data,
            ),
            href: format!("/funds/{election}#fund-{}", s.nomination),
        }
    }))
}

/// `GET /funds/{election}`.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let lang = ctx.lang;
    let (election, all) = summaries(&state, &ctx, &id).await?;
    let e = state
        .store
        .election(&election)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let parties = party_names(&state, &ctx).await?;
    let mut rows = Vec::new();
    let mut data = Vec::new();
    for s in &all {
        let holder = holder(&ctx, &parties, s);
        let short: String = holder.chars().take(12).collect();
        data.push(Datum {
            label: short.clone(),
            value: s.income.tyiyn(),
            shown: (s.income.tyiyn() / 100).to_string(),
            second: false,
        });
        data.push(Datum {
            label: String::new(),
            value: s.expenses.tyiyn(),
            shown: (s.expenses.tyiyn() / 100).to_string(),
            second: true,
        });
        rows.push(row_of(&ctx, s, holder));
    }
    data.truncate(24);
    let chart = bars::svg("funds-chart", &ctx.t("fund-chart-title"), "funds", &data);
    let late = all
        .iter()
        .filter(|s| s.reports.iter().any(|r| r.is_late()))
        .count();
    let t = FundsTemplate {
        election: election.to_string(),
        election_name: name(&e.name, lang),
        rows,
        chart,
        late,
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

const HEADER: [&str; 12] = [
    "nomination",
    "council",
    "party",
    "district",
    "candidate",
    "income",
    "expenses",
    "first_report_submitted_at",
    "first_report_late_days",
    "final_report_submitted_at",
    "final_report_late_days",
    "late",
];

fn csv_of(rows: &[FundDto]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER)?;
    for f in rows {
        let report = |code: &str| f.reports.iter().find(|r| r.report == code);
        let cell = |code: &str| {
            report(code)
                .map(|r| {
                    (
                        r.submitted_at.clone().unwrap_or_default(),
                        r.late_days.map(|d| d.to_string()).unwrap_or_default(),
                    )
                })
                .unwrap_or_default()
        };
        let (first_at, first_late) = cell("first");
        let (final_at, final_late) = cell("final");
        out.write_record([
            f.nomination.to_string(),
            f.council.clone(),
            f.party.clone().unwrap_or_default(),
            f.district.clone().unwrap_or_default(),
            f.candidate.clone().unwrap_or_default(),
            f.income.clone(),
            f.expenses.clone(),
            first_at,
            first_late,
            final_at,
            final_late,
            f.reports.iter().any(|r| r.late).to_string(),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

fn internal(ctx: &PageCtx) -> PageFail {
    PageFail::new(
        ctx.lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
    )
}

/// `GET /open-data/elections/{election}/funds.csv`.
pub(super) async fn csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let (_, all) = summaries(&state, &ctx, &id).await?;
    let rows: Vec<FundDto> = all.iter().map(FundDto::from).collect();
    let body = csv_of(&rows).map_err(|e| {
        tracing::error!(error = %e, "writing the funds CSV failed");
        internal(&ctx)
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"funds.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// `GET /open-data/elections/{election}/funds.json`.
pub(super) async fn json(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let (_, all) = summaries(&state, &ctx, &id).await?;
    let rows: Vec<FundDto> = all.iter().map(FundDto::from).collect();
    let body = serde_json::to_vec(&rows).map_err(|e| {
        tracing::error!(error = %e, "writing the funds JSON failed");
        internal(&ctx)
    })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
