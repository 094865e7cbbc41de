//! The complaints registry as open data: `GET /open-data/elections/{election}/complaints.csv`
//! (one row per step: the complaint's facts, then the step's level, forum, clock and decision)
//! and `…/complaints.json` (the API's [`ComplaintDto`]s). No complainant's name or contact.

use super::api::{ComplaintDto, StepDto};
use crate::AppState;
use crate::kit::{OrRefused, PageCtx, PageFail, PageResult};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use shailoo_app::complaints::{self as app, ComplaintFilter};
use shailoo_domain::{ElectionId, ErrorCode};

async fn all(state: &AppState, ctx: &PageCtx, id: &str) -> Result<Vec<ComplaintDto>, PageFail> {
    let lang = ctx.lang;
    let election = ElectionId::parse(id).map_err(|_| PageFail::not_found(lang))?;
    state
        .store
        .election(&election)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let found = app::public_complaints(&*state.store, &election, &ComplaintFilter::default())
        .await
        .or_page(lang)?;
    let now = state.now();
    Ok(found.iter().map(|c| ComplaintDto::new(c, now)).collect())
}

/// The CSV columns, in order.
const HEADER: [&str; 20] = [
    "complaint",
    "subject",
    "act_on",
    "station",
    "nomination",
    "claim",
    "complainant",
    "channel",
    "status",
    "step",
    "level",
    "commission",
    "court",
    "filed_at",
    "filing_deadline",
    "decision_due",
    "outcome",
    "decision_number",
    "decided_at",
    "document_digest",
];

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn row(c: &ComplaintDto, s: &StepDto) -> [String; 20] {
    let d = s.decision.as_ref();
    [
        c.id.to_string(),
        c.subject.clone(),
        opt(c.act_on.clone()),
        opt(c.station),
        opt(c.nomination),
        opt(c.claim),
        c.complainant.clone(),
        c.channel.clone(),
        c.status.clone(),
        s.seq.to_string(),
        s.level.clone(),
        opt(s.commission.clone()),
        opt(s.court.clone()),
        s.filed_at.clone(),
        opt(s.filing_deadline.clone()),
        opt(s.decision_due.clone()),
        opt(d.map(|d| d.outcome.clone())),
        opt(d.map(|d| d.number.clone())),
        opt(d.map(|d| d.decided_at.clone())),
        opt(d.map(|d| d.document_digest.clone())),
    ]
}

fn csv_of(rows: &[ComplaintDto]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER)?;
    for c in rows {
        for s in &c.steps {
            out.write_record(row(c, s))?;
        }
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

fn failed(ctx: &PageCtx, what: &dyn std::fmt::Display) -> PageFail {
    tracing::error!(error = %what, "writing the complaints open data failed");
    PageFail::new(
        ctx.lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
    )
}

/// `GET /open-data/elections/{election}/complaints.csv`.
pub(super) async fn csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let rows = all(&state, &ctx, &id).await?;
    let body = csv_of(&rows).map_err(|e| failed(&ctx, &e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"complaints.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// `GET /open-data/elections/{election}/complaints.json`.
pub(super) async fn json(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let rows = all(&state, &ctx, &id).await?;
    let body = serde_json::to_vec(&rows).map_err(|e| failed(&ctx, &e))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
