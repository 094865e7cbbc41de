//! `GET /api/v1/councils/{id}/districts`: the approved district scheme of an aiyl council as
//! JSON, the shape the open-data exports are made from.

use crate::AppState;
use crate::districts::app;
use crate::kit::input::Json;
use crate::kit::{ApiError, ApiLang, ErrorBody, LangQuery, OrRefused};
use axum::extract::{Path, State};
use serde::Serialize;
use shailoo_app::districts::{CouncilDistricting, DistrictingUnit, SchemeRecord, SchemeStatus};
use shailoo_domain::CouncilId;
use shailoo_domain::ErrorCode;
use shailoo_domain::district::UnitId;
use std::collections::HashMap;
use utoipa::ToSchema;

/// One unit of a published district.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeUnitDto {
    #[schema(example = "4012-kara-suu")]
    pub id: String,
    pub settlement: Option<String>,
    pub station: Option<u32>,
    pub voters: u64,
    pub remote: bool,
    /// Where the unit is drawn: km east and north of the council's centre (synthetic; no real
    /// geometry is held).
    pub x_km: f64,
    pub y_km: f64,
}

/// One district of an approved scheme (DIS-02) with its reserved mandates (DIS-04).
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeDistrictDto {
    #[schema(example = "1")]
    pub id: String,
    pub seats: u32,
    pub reserved_for_women: u32,
    /// The 20% allowance is claimed (DIS-01).
    pub remote: bool,
    pub voters: u64,
    /// Signed deviation of voters per mandate from the norm, percent with 2 decimals.
    pub deviation_percent: Option<f64>,
    pub units: Vec<SchemeUnitDto>,
}

/// The approved district scheme of an aiyl council.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeDto {
    pub council: String,
    pub election: String,
    pub version: u32,
    /// RFC 3339 instant of the CEC's approval.
    pub approved_at: Option<String>,
    pub seats: u32,
    pub council_voters: u64,
    /// DIS-04: reserved mandates of the whole council.
    pub reserved_for_women: u64,
    pub districts: Vec<SchemeDistrictDto>,
}

pub(super) fn scheme_dto(c: &CouncilDistricting, s: &SchemeRecord) -> SchemeDto {
    let report = c.check(&s.districts);
    let units: HashMap<&UnitId, &DistrictingUnit> = c.units.iter().map(|u| (&u.id, u)).collect();
    SchemeDto {
        council: c.council.id.to_string(),
        election: c.election.id.to_string(),
        version: s.version,
        approved_at: s.decided_at.map(|t| t.to_string()),
        seats: c.council.seats.get(),
        council_voters: report.council_voters,
        reserved_for_women: report.reserved_total,
        districts: s
            .districts
            .iter()
            .map(|d| {
                let summary = report.districts.iter().find(|x| x.id == d.id);
                SchemeDistrictDto {
                    id: d.id.to_string(),
                    seats: d.seats,
                    reserved_for_women: summary.map_or(0, |x| x.reserved_for_women),
                    remote: d.remote,
                    voters: summary.map_or(0, |x| x.voters),
                    deviation_percent: summary
                        .and_then(|x| x.deviation_bp)
                        .map(|bp| bp as f64 / 100.0),
                    units: d
                        .units
                        .iter()
                        .filter_map(|u| units.get(u))
                        .map(|u| SchemeUnitDto {
                            id: u.id.to_string(),
                            settlement: u.settlement.as_ref().map(ToString::to_string),
                            station: u.station.map(|s| s.get()),
                            voters: u.voters,
                            remote: u.remote,
                            x_km: u.x_km,
                            y_km: u.y_km,
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// The approved district scheme of an aiyl council (DIS-02), with each district's units,
/// mandates and reserved mandates (DIS-04).
#[utoipa::path(get, path = "/api/v1/councils/{id}/districts", tag = "councils",
    params(("id" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Aiyl council id"), LangQuery),
    responses(
        (status = 200, description = "The approved scheme", body = SchemeDto),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such aiyl council, or no approved scheme", body = ErrorBody),
    ))]
pub(super) async fn api_districts(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
) -> Result<Json<SchemeDto>, ApiError> {
    let id = CouncilId::parse(&id).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "id"))?;
    // A council that is not there to district is "not found" too (DistrictError's Refusal).
    let c = app::council_districting(state.store.as_ref(), &id)
        .await
        .or_api(lang)?;
    match &c.scheme {
        Some(s) if s.status == SchemeStatus::Approved => Ok(Json(scheme_dto(&c, s))),
        _ => Err(ApiError::not_found(lang)),
    }
}
