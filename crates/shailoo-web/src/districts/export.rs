//! The open data of an approved scheme: one CSV row per unit with its district's figures
//! (written by the `csv` crate), and GeoJSON Point features (serde_json).
//!
//! The geometry we hold is one point per unit (synthetic, km from the council's centre), so
//! the GeoJSON has Point features only, and says so.

use crate::AppState;
use crate::districts::api::{SchemeDistrictDto, SchemeDto, SchemeUnitDto, scheme_dto};
use crate::districts::approved;
use crate::kit::{PageCtx, PageFail, PageResult};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;
use shailoo_domain::ErrorCode;

/// One row of the CSV: a unit with its district's figures.
#[derive(Serialize)]
struct CsvRow<'a> {
    council: &'a str,
    election: &'a str,
    district: &'a str,
    district_seats: u32,
    district_reserved_for_women: u32,
    district_remote: bool,
    district_voters: u64,
    /// Percent with two decimals; empty when there is no deviation to state.
    district_deviation_percent: String,
    unit: &'a str,
    settlement: &'a str,
    station: Option<u32>,
    unit_voters: u64,
    unit_remote: bool,
}

impl CsvRow<'_> {
    /// The header, written even when there is no row.
    const HEADER: [&'static str; 13] = [
        "council",
        "election",
        "district",
        "district_seats",
        "district_reserved_for_women",
        "district_remote",
        "district_voters",
        "district_deviation_percent",
        "unit",
        "settlement",
        "station",
        "unit_voters",
        "unit_remote",
    ];

    fn new<'a>(s: &'a SchemeDto, d: &'a SchemeDistrictDto, u: &'a SchemeUnitDto) -> CsvRow<'a> {
        CsvRow {
            council: &s.council,
            election: &s.election,
            district: &d.id,
            district_seats: d.seats,
            district_reserved_for_women: d.reserved_for_women,
            district_remote: d.remote,
            district_voters: d.voters,
            district_deviation_percent: d
                .deviation_percent
                .map(|p| format!("{p:.2}"))
                .unwrap_or_default(),
            unit: &u.id,
            settlement: u.settlement.as_deref().unwrap_or_default(),
            station: u.station,
            unit_voters: u.voters,
            unit_remote: u.remote,
        }
    }
}

/// The scheme as CSV: the header, then one row per unit.
fn csv_of(dto: &SchemeDto) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    out.write_record(CsvRow::HEADER)?;
    for d in &dto.districts {
        for u in &d.units {
            out.serialize(CsvRow::new(dto, d, u))?;
        }
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// `GET /open-data/councils/{id}/districts.csv`.
pub(super) async fn open_csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = id.strip_suffix(".csv").unwrap_or(&id).to_owned();
    let (c, s) = approved(&state, ctx.lang, &id).await?;
    let body = csv_of(&scheme_dto(&c, &s)).map_err(|e| {
        tracing::error!(error = %e, "writing the districts CSV failed");
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
                "attachment; filename=\"districts.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// `GET /open-data/councils/{id}/districts.geojson`: the units as Point features with their
/// district. The points are the synthetic drawing positions (km east/north of the council's
/// centre), not WGS 84: the data hold no real geometry, which a foreign member says.
pub(super) async fn open_geojson(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = id.strip_suffix(".geojson").unwrap_or(&id).to_owned();
    let (c, s) = approved(&state, ctx.lang, &id).await?;
    let dto = scheme_dto(&c, &s);
    let features: Vec<serde_json::Value> = dto
        .districts
        .iter()
        .flat_map(|d| {
            d.units.iter().map(move |u| {
                serde_json::json!({
                    "type": "Feature",
                    "id": u.id,
                    "geometry": {"type": "Point", "coordinates": [u.x_km, u.y_km]},
                    "properties": {
                        "unit": u.id,
                        "district": d.id,
                        "district_seats": d.seats,
                        "district_reserved_for_women": d.reserved_for_women,
                        "settlement": u.settlement,
                        "station": u.station,
                        "voters": u.voters,
                        "remote": u.remote,
                    }
                })
            })
        })
        .collect();
    let body = serde_json::json!({
        "type": "FeatureCollection",
        "council": dto.council,
        "election": dto.election,
        "coordinates_note": "Points only: synthetic drawing positions in km east and north of \
            the council's centre, not WGS 84 longitude/latitude; no unit boundaries are held.",
        "features": features,
    });
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        body.to_string(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dto(settlement: &str) -> SchemeDto {
        SchemeDto {
            council: "c".into(),
            election: "e".into(),
            version: 1,
            approved_at: None,
            seats: 5,
            council_voters: 10,
            reserved_for_women: 2,
            districts: vec![SchemeDistrictDto {
                id: "1".into(),
                seats: 5,
                reserved_for_women: 2,
                remote: false,
                voters: 10,
                deviation_percent: None,
                units: vec![SchemeUnitDto {
                    id: "u".into(),
                    settlement: Some(settlement.into()),
                    station: None,
                    voters: 10,
                    remote: true,
                    x_km: 0.0,
                    y_km: 0.0,
                }],
            }],
        }
    }

    #[test]
    fn the_header_names_the_fields_of_a_row_in_their_order() {
        let mut w = csv::Writer::from_writer(Vec::new());
        let d = dto("s");
        w.serialize(CsvRow::new(&d, &d.districts[0], &d.districts[0].units[0]))
            .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
        assert_eq!(text.lines().next(), Some(CsvRow::HEADER.join(",").as_str()));
    }

    #[test]
    fn fields_with_commas_and_quotes_are_quoted_and_empty_ones_stay_empty() {
        let text = csv_of(&dto("a, \"b\"")).map(String::from_utf8);
        let Ok(Ok(text)) = text else {
            panic!("a CSV");
        };
        assert_eq!(
            text.lines().nth(1),
            Some("c,e,1,5,2,false,10,,u,\"a, \"\"b\"\"\",,10,true")
        );
    }
}
