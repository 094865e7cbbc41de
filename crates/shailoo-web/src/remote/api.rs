//! `GET /api/v1/elections/{id}/remote-voting/stations`: applications and places per
//! remote-voting station, as aggregates (no PIN, no name), like the published 2024 figure of
//! 9,050 applications.

use crate::AppState;
use crate::kit::input::Json;
use crate::kit::{ApiError, ApiLang, ErrorBody, LangQuery, OrRefused};
use axum::extract::{Path, State};
use serde::Serialize;
use shailoo_domain::{ElectionId, ErrorCode};
use utoipa::ToSchema;

/// Applications and places of one remote-voting station (VOT-07).
#[derive(Debug, Serialize, ToSchema)]
pub struct RemoteStationCountDto {
    /// Station number.
    pub station: u32,
    /// The PEC that runs the station.
    pub commission: String,
    /// Applications awaiting the TEC's decision.
    pub applied: u64,
    /// Approved applications: voters on this station's list.
    pub approved: u64,
    /// Places: set by the CEC, or the configured default.
    pub capacity: u64,
}

/// Applications per remote-voting station of an election: awaiting decision, approved, and
/// places (VOT-07).
#[utoipa::path(get, path = "/api/v1/elections/{id}/remote-voting/stations", tag = "elections",
    params(("id" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id, e.g. `local-2024`"), LangQuery),
    responses(
        (status = 200, description = "One entry per remote-voting station, by number", body = Vec<RemoteStationCountDto>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
    ))]
pub(super) async fn api_station_counts(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
) -> Result<Json<Vec<RemoteStationCountDto>>, ApiError> {
    let id = ElectionId::parse(&id).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "id"))?;
    state
        .store
        .election(&id)
        .await
        .or_api(lang)?
        .ok_or_else(|| ApiError::not_found(lang))?;
    let capacity = shailoo_app::remote::default_capacity(state.store.as_ref(), &id)
        .await
        .or_api(lang)?;
    let counts = state
        .store
        .remote_station_counts(&id, capacity)
        .await
        .or_api(lang)?;
    Ok(Json(
        counts
            .into_iter()
            .map(|c| RemoteStationCountDto {
                station: c.station.get(),
                commission: c.commission.to_string(),
                applied: c.applied,
                approved: c.approved,
                capacity: c.capacity,
            })
            .collect(),
    ))
}
