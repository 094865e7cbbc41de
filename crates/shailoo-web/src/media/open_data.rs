//! The media registry as open data: `GET /open-data/elections/{election}/media.csv` (one row
//! per price, with its outlet and whether a CMP-02 breach concerns it) and `…/media.json`
//! (the API's [`OutletDto`]s, findings included).

use super::api::OutletDto;
use crate::AppState;
use crate::kit::{OrRefused, PageCtx, PageFail, PageResult};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use shailoo_app::media as app;
use shailoo_domain::{ElectionId, ErrorCode};

async fn all(state: &AppState, ctx: &PageCtx, id: &str) -> Result<Vec<OutletDto>, PageFail> {
    let lang = ctx.lang;
    let election = ElectionId::parse(id).map_err(|_| PageFail::not_found(lang))?;
    state
        .store
        .election(&election)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let outlets = app::registry(&*state.store, &election, None)
        .await
        .or_page(lang)?;
    Ok(outlets.iter().map(OutletDto::from).collect())
}

const HEADER: [&str; 13] = [
    "outlet",
    "name",
    "kind",
    "status",
    "line",
    "period",
    "service",
    "unit",
    "buyer",
    "price",
    "charged_on",
    "breach",
    "finding_codes",
];

fn csv_of(rows: &[OutletDto]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER)?;
    for o in rows {
        for p in &o.prices {
            let codes: Vec<&str> = o
                .findings
                .iter()
                .filter(|f| f.lines.contains(&p.line))
                .map(|f| f.code.as_str())
                .collect();
            let breach = o
                .findings
                .iter()
                .any(|f| f.severity == "error" && f.lines.contains(&p.line));
            out.write_record([
                o.id.to_string(),
                o.name.clone(),
                o.kind.clone(),
                o.status.clone(),
                p.line.to_string(),
                p.period.clone(),
                p.service.clone(),
                p.unit.clone(),
                p.buyer.clone().unwrap_or_default(),
                p.price.clone(),
                p.charged_on.clone().unwrap_or_default(),
                breach.to_string(),
                codes.join(" "),
            ])?;
        }
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

fn failed(ctx: &PageCtx, what: &dyn std::fmt::Display) -> PageFail {
    tracing::error!(error = %what, "writing the media open data failed");
    PageFail::new(
        ctx.lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
    )
}

/// `GET /open-data/elections/{election}/media.csv`.
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
                "attachment; filename=\"media.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// `GET /open-data/elections/{election}/media.json`.
pub(super) async fn json(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let rows = all(&state, &ctx, &id).await?;
    let body = serde_json::to_vec(&rows).map_err(|e| failed(&ctx, &e))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
