//! `GET /api/v1/voters/{pin}/station`: where a PIN votes, as JSON.

use crate::AppState;
use crate::access::AccessibilityDto;
use crate::kit::client::ClientIp;
use crate::kit::fail::no_store;
use crate::kit::format::fmt_time;
use crate::kit::forms::non_empty;
use crate::kit::input::{InputRejection, Query};
use crate::kit::rate_limit::{Decision, set_retry_after};
use crate::kit::{ApiError, ApiLang, ErrorBody, Lang, OrRefused};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use shailoo_app::lookup::{LookupOutcome, StationInfo, VoterStation};
use shailoo_domain::territory::{Election, LocalizedName};
use shailoo_domain::{ElectionId, ErrorCode, Pin};
use utoipa::{IntoParams, ToSchema};

// The wire types borrow from the index: an answer is serialized straight from the shared
// station and council records, without copying a dozen strings per request first.

#[derive(Debug, Serialize, ToSchema)]
pub struct LocalizedDto<'a> {
    pub ky: &'a str,
    pub ru: &'a str,
    pub en: &'a str,
}

impl<'a> From<&'a LocalizedName> for LocalizedDto<'a> {
    fn from(n: &'a LocalizedName) -> Self {
        LocalizedDto {
            ky: &n.ky,
            ru: &n.ru,
            en: &n.en,
        }
    }
}

/// A commission, by id and name, with the phone voters call.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommissionRefDto<'a> {
    #[schema(example = "pec-1001")]
    pub id: &'a str,
    pub name: LocalizedDto<'a>,
    /// E.164; null when the setup gives none.
    #[schema(example = "+996700001001")]
    pub phone: Option<String>,
}

/// A council, by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouncilRefDto<'a> {
    #[schema(example = "bishkek-city")]
    pub id: &'a str,
    pub name: LocalizedDto<'a>,
}

/// A polling station: number, address and whether its premises suit voters with disabilities.
#[derive(Debug, Serialize, ToSchema)]
pub struct StationRefDto<'a> {
    #[schema(example = 1001)]
    pub number: u32,
    /// The full address: the city, or the raion, aiyl aimak and village, then the street.
    pub address: LocalizedDto<'a>,
    pub accessibility: AccessibilityDto,
}

/// A remote-voting station with its PEC.
#[derive(Debug, Serialize, ToSchema)]
pub struct RemoteStationDto<'a> {
    #[schema(example = 9001)]
    pub number: u32,
    /// The full address, as for the home station.
    pub address: LocalizedDto<'a>,
    pub accessibility: AccessibilityDto,
    pub commission: CommissionRefDto<'a>,
}

/// When the polls are open on voting day (CAL-16), Bishkek time (UTC+6).
#[derive(Debug, Serialize, ToSchema)]
pub struct VotingHoursDto {
    #[schema(example = "2024-11-17")]
    pub day: String,
    #[schema(example = "08:00")]
    pub opens: String,
    #[schema(example = "20:00")]
    pub closes: String,
}

/// An electoral district of an aiyl council (the approved scheme's number) and its mandates.
#[derive(Debug, Serialize, ToSchema)]
pub struct DistrictDto<'a> {
    #[schema(example = "3")]
    pub number: &'a str,
    #[schema(example = 2)]
    pub seats: u32,
}

/// Where a voter votes. Nothing about the person.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoterStationDto<'a> {
    #[schema(example = "local-2024")]
    pub election: &'a str,
    /// The home polling station, serving the voter's address.
    pub station: StationRefDto<'a>,
    /// The PEC running the home station.
    pub commission: CommissionRefDto<'a>,
    /// The voter's council.
    pub council: CouncilRefDto<'a>,
    /// The remote-voting station after an approved application (VOT-07), where the voter
    /// then votes instead; null otherwise.
    pub remote_voting_station: Option<RemoteStationDto<'a>>,
    /// Voting day's hours (CAL-16, with the CEC's overrides); null if the calendar is invalid.
    pub voting_hours: Option<VotingHoursDto>,
    /// The voter's electoral district, for an aiyl council with an approved district scheme;
    /// null otherwise.
    pub district: Option<DistrictDto<'a>>,
}

impl<'a> VoterStationDto<'a> {
    fn new(election: &'a Election, v: &'a VoterStation) -> Self {
        let commission = |s: &'a StationInfo| CommissionRefDto {
            id: s.commission.as_str(),
            name: (&s.commission_name).into(),
            phone: s.commission_phone.map(|p| p.e164()),
        };
        VoterStationDto {
            election: election.id.as_str(),
            station: StationRefDto {
                number: v.station.number.get(),
                address: v.station.address.full().into(),
                accessibility: (&v.station.accessibility).into(),
            },
            commission: commission(&v.station),
            council: CouncilRefDto {
                id: v.council.id.as_str(),
                name: (&v.council.name).into(),
            },
            remote_voting_station: v
                .remote_voting_station
                .as_deref()
                .map(|s| RemoteStationDto {
                    number: s.number.get(),
                    address: s.address.full().into(),
                    accessibility: (&s.accessibility).into(),
                    commission: commission(s),
                }),
            voting_hours: v.hours.map(|h| VotingHoursDto {
                day: h.day.to_string(),
                opens: fmt_time(h.opens),
                closes: fmt_time(h.closes),
            }),
            district: v.district.as_deref().map(|d| DistrictDto {
                number: d.id.as_str(),
                seats: d.seats,
            }),
        }
    }

    /// The JSON body, serialized in one buffer sized for a typical answer.
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(1024);
        match serde_json::to_writer(&mut body, &self) {
            Ok(()) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            Err(e) => {
                tracing::error!(error = %e, "serializing a look-up answer failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VoterStationQuery {
    /// An election id; the latest election by default.
    #[param(pattern = "^([a-z0-9.-]{1,64})?$")]
    pub election: Option<String>,
    /// `ky`, `ru` or `en`: the language of error messages.
    #[allow(
        dead_code,
        reason = "documented for OpenAPI; ApiLang reads it from the raw query"
    )]
    pub lang: Option<String>,
}

/// Where and when the voter with this PIN votes (VOT-09): the polling station (and whether
/// its premises suit voters with disabilities), its PEC with its phone, the council, the
/// voting hours and, for an aiyl council with an approved scheme, the electoral district.
///
/// Rate-limited per client address (429 with `Retry-After`); every request counts, malformed
/// ones included.
#[utoipa::path(get, path = "/api/v1/voters/{pin}/station", tag = "voters",
    params(
        ("pin" = String, Path, pattern = "^[12](?:(?:0[1-9]|1[0-9]|2[0-9])(?:0[1-9]|1[0-2])|30(?:0[13-9]|1[0-2])|31(?:0[13578]|1[02]))[0-9]{4}[0-9]{5}$", description = "The voter's PIN: 14 digits, the second to ninth a date of birth DDMMYYYY that exists (29 February only in a leap year); spaces are ignored"),
        VoterStationQuery,
    ),
    responses(
        (status = 200, description = "The voter's station and council", body = VoterStationDto),
        (status = 400, description = "Malformed PIN (`pin_wrong_length`, `pin_not_a_digit`, \
            `pin_bad_sex_digit`, `pin_bad_birth_date`; `field` is `pin`) or election id", body = ErrorBody),
        (status = 404, description = "The PIN is on no voter list (`voter_not_found`), or no \
            such election (`unknown_election`)", body = ErrorBody),
        (status = 429, description = "Too many look-ups from this address (`rate_limited`); \
            see `Retry-After`", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    ))]
pub(super) async fn voter_station(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    ClientIp(ip): ClientIp,
    Path(pin): Path<String>,
    q: Result<Query<VoterStationQuery>, InputRejection>,
) -> Response {
    if let Decision::Limited { retry_after } = state.lookup.ip.check_ip(ip) {
        let mut r = ApiError::new(lang, StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited)
            .into_response();
        set_retry_after(&mut r, retry_after);
        return no_store(r);
    }
    let response = answer(&state, lang, &pin, q)
        .await
        .unwrap_or_else(IntoResponse::into_response);
    no_store(response)
}

async fn answer(
    state: &AppState,
    lang: Lang,
    pin: &str,
    q: Result<Query<VoterStationQuery>, InputRejection>,
) -> Result<Response, ApiError> {
    let pin = Pin::parse(pin).map_err(|e| ApiError::bad(lang, e.code(), "pin"))?;
    let Query(q) = q.map_err(InputRejection::into_api)?;
    let election = q
        .election
        .as_deref()
        .and_then(|s| non_empty(Some(s)))
        .map(|s| {
            ElectionId::parse(&s).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "election"))
        })
        .transpose()?;
    match state
        .lookup
        .find(election.as_ref(), &pin)
        .await
        .or_api(lang)?
    {
        LookupOutcome::Found { election, station } => {
            Ok(VoterStationDto::new(&election, &station).into_response())
        }
        LookupOutcome::NotOnList { .. } => Err(ApiError::new(
            lang,
            StatusCode::NOT_FOUND,
            ErrorCode::VoterNotFound,
        )),
        LookupOutcome::UnknownElection => Err(ApiError::new(
            lang,
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownElection,
        )),
        LookupOutcome::NoElection => Err(ApiError::not_found(lang)),
    }
}
