//! `GET /api/v1/elections/{election}/media`: every outlet of an election with its status, its
//! price list and each CMP-02 finding with its rule, code and the lines of the file concerned
//! (`status` narrows to one status).

use crate::AppState;
use crate::complaints::election_exists;
use crate::kit::api::ApiResult;
use crate::kit::input::{Json, Query};
use crate::kit::{ApiError, ApiLang, ErrorBody, OrRefused};
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use shailoo_app::media::{self as app, MediaStatus, PublicOutlet};
use shailoo_domain::ErrorCode;
use shailoo_domain::media::PriceFinding;
use shailoo_domain::params::Coded;
use utoipa::{IntoParams, ToSchema};

/// A row of the price list, with its line in the file.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriceDto {
    pub line: u64,
    /// `election` or `earlier` (charged in the six months before the calling).
    pub period: String,
    pub service: String,
    pub unit: String,
    /// For an election price: `all`, or the party or candidate it is for.
    pub buyer: Option<String>,
    /// Som with two decimals (`1500.00`).
    pub price: String,
    /// For an earlier price, the day it was charged.
    pub charged_on: Option<String>,
}

/// A CMP-02 finding.
#[derive(Debug, Serialize, ToSchema)]
pub struct FindingDto {
    /// `CMP-02`.
    pub rule: String,
    /// `CMP-02.unequal_price`, `CMP-02.above_earlier_price`, `CMP-02.no_earlier_price` or
    /// `CMP-02.earlier_price_outside_window`.
    pub code: String,
    /// A breach (`error`, blocks accreditation) or a `warning`.
    pub severity: String,
    pub service: String,
    pub unit: String,
    /// The lines of the file concerned.
    pub lines: Vec<u64>,
    pub price: Option<String>,
    pub reference: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutletDto {
    /// The application's number: the outlet's tracking number.
    pub id: i64,
    pub name: String,
    /// `tv`, `radio`, `print` or `online`.
    pub kind: String,
    pub contact: Option<String>,
    /// `applied`, `accredited`, `refused` or `revoked`.
    pub status: String,
    /// Why refused or revoked.
    pub reason: Option<String>,
    pub decided_at: Option<String>,
    pub prices: Vec<PriceDto>,
    pub findings: Vec<FindingDto>,
}

fn finding(f: &PriceFinding) -> FindingDto {
    FindingDto {
        rule: f.code.rule().to_owned(),
        code: f.code.code().to_owned(),
        severity: if f.is_breach() { "error" } else { "warning" }.to_owned(),
        service: f.service.clone(),
        unit: f.unit.clone(),
        lines: f.lines.clone(),
        price: f.price.map(|p| p.to_string()),
        reference: f.reference.map(|p| p.to_string()),
    }
}

impl From<&PublicOutlet> for OutletDto {
    fn from(o: &PublicOutlet) -> OutletDto {
        let mut prices: Vec<PriceDto> = o
            .prices
            .election
            .iter()
            .map(|p| PriceDto {
                line: p.line,
                period: "election".into(),
                service: p.service.clone(),
                unit: p.unit.clone(),
                buyer: Some(p.buyer.as_str().to_owned()),
                price: p.price.to_string(),
                charged_on: None,
            })
            .chain(o.prices.earlier.iter().map(|p| PriceDto {
                line: p.line,
                period: "earlier".into(),
                service: p.service.clone(),
                unit: p.unit.clone(),
                buyer: None,
                price: p.price.to_string(),
                charged_on: Some(p.charged_on.to_string()),
            }))
            .collect();
        prices.sort_by_key(|p| p.line);
        OutletDto {
            id: o.id.get(),
            name: o.name.to_string(),
            kind: o.kind.code().to_owned(),
            contact: o.contact.as_ref().map(ToString::to_string),
            status: o.status.code().to_owned(),
            reason: o.reason.as_ref().map(ToString::to_string),
            decided_at: o.decided_at.map(|t| t.to_string()),
            prices,
            findings: o.findings.iter().map(finding).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MediaQuery {
    /// Only outlets of this status.
    #[param(value_type = Option<String>, pattern = "^(applied|accredited|refused|revoked)?$")]
    pub status: Option<String>,
    /// `ky`, `ru` or `en`: the language of error messages.
    #[allow(
        dead_code,
        reason = "documented for OpenAPI; ApiLang reads it from the raw query"
    )]
    pub lang: Option<String>,
}

/// The outlets of an election in number order, with status, price list and CMP-02 findings.
#[utoipa::path(get, path = "/api/v1/elections/{election}/media", tag = "media",
    params(("election" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id, e.g. `local-2024`"), MediaQuery),
    responses(
        (status = 200, description = "The outlets, by number", body = Vec<OutletDto>),
        (status = 400, description = "A malformed parameter, named in `field`", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
    ))]
pub(super) async fn api_media(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(election): Path<String>,
    Query(q): Query<MediaQuery>,
) -> ApiResult<Vec<OutletDto>> {
    let election = election_exists(&state, lang, &election).await?;
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            MediaStatus::from_code(s)
                .ok_or_else(|| ApiError::bad(lang, ErrorCode::BadParameter, "status"))?,
        ),
    };
    let outlets = app::registry(state.store.as_ref(), &election, status)
        .await
        .or_api(lang)?;
    Ok(Json(outlets.iter().map(OutletDto::from).collect()))
}
