//! The candidates of an election as open data: `GET /open-data/elections/{election}/candidates.csv`
//! and `…/candidates.json`, every filed candidacy with what Talapker shows (the API's
//! [`CandidateDto`]), never a PIN, an address or a document.

use super::api::CandidateDto;
use crate::AppState;
use crate::kit::{OrRefused, PageCtx, PageFail, PageResult};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use shailoo_app::PageRequest;
use shailoo_app::candidates::{self, CandidateFilter};
use shailoo_domain::{ElectionId, ErrorCode};

/// Every public candidate of `election`, page by page in the store's order.
async fn all(state: &AppState, ctx: &PageCtx, id: &str) -> Result<Vec<CandidateDto>, PageFail> {
    let lang = ctx.lang;
    let election = ElectionId::parse(id).map_err(|_| PageFail::not_found(lang))?;
    state
        .store
        .election(&election)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let mut out = Vec::new();
    for page in 1.. {
        let filter = CandidateFilter {
            page: PageRequest {
                page,
                per_page: PageRequest::MAX_PER_PAGE,
            },
            ..CandidateFilter::default()
        };
        let found = candidates::public_candidates(state.store.as_ref(), &election, &filter)
            .await
            .or_page(lang)?;
        let last = found.items.len() < PageRequest::MAX_PER_PAGE as usize;
        out.extend(found.items.iter().map(CandidateDto::from));
        if last {
            break;
        }
    }
    Ok(out)
}

/// The CSV columns, in order.
const HEADER: [&str; 11] = [
    "candidate",
    "nomination",
    "council",
    "district",
    "party",
    "position",
    "name",
    "birth_year",
    "occupation",
    "status",
    "ground",
];

fn csv_of(rows: &[CandidateDto]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER)?;
    for c in rows {
        out.write_record([
            c.candidate.clone(),
            c.nomination.to_string(),
            c.council.clone(),
            c.district.clone().unwrap_or_default(),
            c.party.clone().unwrap_or_default(),
            c.position.map(|p| p.to_string()).unwrap_or_default(),
            c.name.clone(),
            c.birth_year.to_string(),
            c.occupation.clone().unwrap_or_default(),
            c.status.clone(),
            c.ground.clone().unwrap_or_default(),
        ])?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// `GET /open-data/elections/{election}/candidates.csv`.
pub(super) async fn csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let rows = all(&state, &ctx, &id).await?;
    let body = csv_of(&rows).map_err(|e| {
        tracing::error!(error = %e, "writing the candidates CSV failed");
        PageFail::new(
            ctx.lang,
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
        )
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"candidates.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// `GET /open-data/elections/{election}/candidates.json`.
pub(super) async fn json(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let rows = all(&state, &ctx, &id).await?;
    let body = serde_json::to_vec(&rows).map_err(|e| {
        tracing::error!(error = %e, "writing the candidates JSON failed");
        PageFail::new(
            ctx.lang,
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
        )
    })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
