//! Keeping a fund's accounts (`Power::KeepFundAccounts`: a party's representative for its
//! own nominations, the TEC for a self-nominee): `GET /funds` lists the funds the reader may
//! keep, `GET /funds/{election}/{nomination}/accounts` shows one with its movements and the
//! forms to enter one, import the bank statement (CSV, `shailoo_formats::bank_statement`)
//! and submit a report. Every POST carries the session's CSRF token; refusals re-render the
//! page with the rule and the lines named.

use super::api::report_code;
use crate::AppState;
use crate::kit::format::fmt_instant;
use crate::kit::forms::{MultipartForm, check_csrf, election_of};
use crate::kit::input::{Form, Multipart, Query};
use crate::kit::page::{Choice, Feedback};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shailoo_app::candidates::NominationId;
use shailoo_app::funds::{self, Fund, FundError, ReportState, Source};
use shailoo_app::users::Actor;
use shailoo_domain::funds::{DonorKind, Movement, MovementKind, Report};
use shailoo_domain::media::Money;
use shailoo_domain::{ElectionId, ErrorCode};
use shailoo_formats::FormatError;
use shailoo_formats::bank_statement::{BANK_STATEMENT, read_bank_statement};
use std::collections::HashMap;

struct FundLink {
    href: String,
    label: String,
}

#[derive(Template)]
#[template(path = "funds/templates/desk.html")]
struct DeskTemplate {
    ctx: PageCtx,
    /// Every election, the one shown selected (i16-cases2: the desk is not only the first's).
    elections: Vec<Choice>,
    funds: Vec<FundLink>,
}

/// `GET /funds?election=`: the funds of the election chosen (the first by default) the reader
/// may keep (a representative's party's; a TEC's are refused on the page itself when not its
/// own).
pub(super) async fn desk(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let elections = state
        .store
        .elections()
        .await
        .or_page(lang)?
        .iter()
        .map(|e| Choice {
            value: e.id.to_string(),
            label: crate::kit::format::name(&e.name, lang),
            selected: e.id == election.id,
        })
        .collect();
    let all = state.store.funds(&election.id).await.or_page(lang)?;
    let funds = all
        .iter()
        .filter(|f| match &actor {
            Actor::Representative { party, .. } => f.party.as_ref() == Some(party),
            _ => true,
        })
        .map(|f| FundLink {
            href: format!("/funds/{}/{}/accounts", election.id, f.nomination),
            label: format!(
                "№ {} · {} · {}",
                f.nomination,
                f.council,
                f.holder
                    .clone()
                    .or_else(|| f.party.as_ref().map(ToString::to_string))
                    .unwrap_or_default()
            ),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &DeskTemplate {
            ctx,
            elections,
            funds,
        },
    ))
}

struct MovementRow {
    line: u64,
    on: String,
    direction: &'static str,
    amount: String,
    who: String,
    source: String,
}

#[derive(Template)]
#[template(path = "funds/templates/accounts.html")]
struct AccountsTemplate {
    ctx: PageCtx,
    election: String,
    nomination: i64,
    income: String,
    expenses: String,
    movements: Vec<MovementRow>,
    reports: Vec<(String, String)>,
    donor_kinds: Vec<(&'static str, String)>,
    notice: Option<String>,
    message: Option<String>,
}

fn ids(
    lang: Lang,
    election: &str,
    nomination: &str,
) -> Result<(ElectionId, NominationId), PageFail> {
    let e = ElectionId::parse(election).map_err(|_| PageFail::not_found(lang))?;
    let n = NominationId::parse(nomination).map_err(|_| PageFail::not_found(lang))?;
    Ok((e, n))
}

/// `GET /funds/{election}/{nomination}/accounts`.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, nomination)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let (election, nomination) = ids(ctx.lang, &election, &nomination)?;
    let notice = q
        .get("done")
        .filter(|d| ["entered", "imported", "submitted"].contains(&d.as_str()))
        .map(|d| ctx.t(&format!("fund-done-{d}")));
    render_page(&state, ctx, &election, nomination, Feedback::ok(notice)).await
}

async fn render_page(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    nomination: NominationId,
    feedback: Feedback,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let fund: Fund = funds::fund(state.store.as_ref(), &actor, election, nomination)
        .await
        .map_err(|e| PageFail::refused(lang, &e))?;
    let clock = funds::clock(state.store.as_ref(), election)
        .await
        .map_err(|e| PageFail::refused(lang, &e))?;
    let summary = funds::summary(&fund, &clock, state.now());
    let movements = movement_rows(&ctx, &fund);
    let reports = summary
        .reports
        .iter()
        .map(|r| report_row(&ctx, r))
        .collect();
    let t = AccountsTemplate {
        election: election.to_string(),
        nomination: nomination.get(),
        income: fund.income().to_string(),
        expenses: fund.expenses().to_string(),
        movements,
        reports,
        donor_kinds: DonorKind::ALL
            .into_iter()
            .map(|k| (k.code(), ctx.t(&format!("fund-donor-{}", k.code()))))
            .collect(),
        notice: feedback.notice,
        message: feedback.message,
        ctx,
    };
    Ok(render(feedback.status, &t))
}

fn movement_rows(ctx: &PageCtx, fund: &Fund) -> Vec<MovementRow> {
    fund.movements
        .iter()
        .map(|m| {
            let (direction, who) = match &m.movement.kind {
                MovementKind::Income { donor_kind, donor } => (
                    "in",
                    format!(
                        "{}: {donor}",
                        ctx.t(&format!("fund-donor-{}", donor_kind.code()))
                    ),
                ),
                MovementKind::Expense { purpose } => ("out", purpose.clone()),
            };
            MovementRow {
                line: m.movement.line,
                on: m.movement.on.to_string(),
                direction,
                amount: m.movement.amount.to_string(),
                who,
                source: match m.statement_line {
                    Some(l) => format!("{} {l}", ctx.t("fund-statement-line")),
                    None => ctx.t("fund-entry"),
                },
            }
        })
        .collect()
}

fn report_row(ctx: &PageCtx, r: &ReportState) -> (String, String) {
    let what = ctx.t(&format!("fund-report-{}", report_code(r.report)));
    let state = match (r.submitted_at, r.late_days, r.overdue) {
        (Some(at), Some(d), _) => format!(
            "{} — {}",
            fmt_instant(at),
            ctx.lang
                .t_args("fund-days-late", &[("days", d.to_string())])
        ),
        (Some(at), None, _) => fmt_instant(at),
        (None, _, true) => ctx.t("fund-overdue"),
        (None, _, false) => format!("{} {}", ctx.t("fund-due"), fmt_instant(r.due)),
    };
    (what, state)
}

/// The outcome of a step: back to the page with a notice, or the page with the refusal.
async fn after(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    nomination: NominationId,
    result: Result<Fund, FundError>,
    done: &str,
) -> PageResult {
    let lang = ctx.lang;
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/funds/{election}/{nomination}/accounts?done={done}"
        ))
        .into_response()),
        Err(e @ (FundError::Forbidden | FundError::UnknownNomination(_))) => {
            Err(PageFail::refused(lang, &e))
        }
        Err(e) => render_page(state, ctx, election, nomination, Feedback::of(lang, &e)).await,
    }
}

#[derive(Deserialize)]
pub(super) struct EntryInput {
    csrf: Option<String>,
    on: Option<String>,
    direction: Option<String>,
    amount: Option<String>,
    donor_kind: Option<String>,
    counterparty: Option<String>,
    purpose: Option<String>,
}

fn movement_of(input: &EntryInput) -> Result<Movement, FundError> {
    let field = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_owned();
    let on = field(&input.on)
        .parse()
        .map_err(|_| FundError::BadMovement("date"))?;
    let amount =
        Money::parse(&field(&input.amount)).map_err(|_| FundError::BadMovement("amount"))?;
    let kind = match field(&input.direction).as_str() {
        "in" => MovementKind::Income {
            donor_kind: DonorKind::from_code(&field(&input.donor_kind))
                .ok_or(FundError::BadMovement("donor_kind"))?,
            donor: field(&input.counterparty),
        },
        "out" => MovementKind::Expense {
            purpose: field(&input.purpose),
        },
        _ => return Err(FundError::BadMovement("direction")),
    };
    Ok(Movement {
        line: 0,
        on,
        amount,
        kind,
    })
}

/// `POST /funds/{election}/{nomination}/movements`: one income or expense typed in.
pub(super) async fn enter(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, nomination)): Path<(String, String)>,
    Form(input): Form<EntryInput>,
) -> PageResult {
    let (election, nomination) = ids(ctx.lang, &election, &nomination)?;
    let actor = ctx.require_staff_csrf(input.csrf.as_deref())?.actor();
    let result = match movement_of(&input) {
        Ok(m) => {
            funds::add_movements(
                state.store.as_ref(),
                &actor,
                &election,
                nomination,
                vec![m],
                Source::Entry,
                state.now(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    after(&state, ctx, &election, nomination, result, "entered").await
}

/// `POST /funds/{election}/{nomination}/statement` (multipart, `statement`): the whole bank
/// statement or nothing.
pub(super) async fn import(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, nomination)): Path<(String, String)>,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    let (election, nomination) = ids(lang, &election, &nomination)?;
    let form = MultipartForm::read(lang, multipart, "statement").await?;
    let staff = ctx.require_staff()?;
    check_csrf(lang, staff, form.field("csrf"))?;
    let actor = staff.actor();
    let result = match form.file() {
        None | Some(Ok([])) => Err(FundError::BadStatement(lang.t("fund-statement-missing"))),
        Some(Err(_)) => Err(FundError::BadStatement(lang.t("fund-statement-too-large"))),
        Some(Ok(bytes)) => match read_bank_statement(BANK_STATEMENT, bytes.to_vec()) {
            // The row and the column named, in the reader's language (as the register's).
            Err(FormatError::Row(row)) => Err(FundError::BadStatement(
                crate::register::row_failure(lang, &row),
            )),
            Err(_) => Err(FundError::BadStatement(lang.error(ErrorCode::BadForm))),
            Ok(movements) => {
                funds::add_movements(
                    state.store.as_ref(),
                    &actor,
                    &election,
                    nomination,
                    movements,
                    Source::Statement,
                    state.now(),
                )
                .await
            }
        },
    };
    after(&state, ctx, &election, nomination, result, "imported").await
}

#[derive(Deserialize)]
pub(super) struct ReportInput {
    csrf: Option<String>,
    report: Option<String>,
}

/// `POST /funds/{election}/{nomination}/reports`: the first or the final report, now.
pub(super) async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, nomination)): Path<(String, String)>,
    Form(input): Form<ReportInput>,
) -> PageResult {
    let lang = ctx.lang;
    let (election, nomination) = ids(lang, &election, &nomination)?;
    let actor = ctx.require_staff_csrf(input.csrf.as_deref())?.actor();
    let report = match input.report.as_deref() {
        Some("first") => Report::First,
        Some("final") => Report::Final,
        _ => return Err(PageFail::bad_form(lang)),
    };
    let result = funds::submit_report(
        state.store.as_ref(),
        &actor,
        &election,
        nomination,
        report,
        state.now(),
    )
    .await;
    after(&state, ctx, &election, nomination, result, "submitted").await
}
