//! The read-only API of the election setup: elections and their calendars, councils,
//! commissions and polling stations (`/api/v1/elections`, `/councils`, `/commissions`,
//! `/stations`).

use crate::AppState;
use crate::access::AccessibilityDto;
use crate::kit::api::{id, page_request};
use crate::kit::calendar::election_calendar;
use crate::kit::forms::non_empty;
use crate::kit::input::{Json, Query};
use crate::kit::{ApiError, ApiLang, ApiResult, ErrorBody, Lang, LangQuery, OrRefused};
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use shailoo_app::{CommissionFilter, CouncilFilter, Page, StationFilter};
use shailoo_domain::calendar::Calendar;
use shailoo_domain::territory::{
    Commission, CommissionLevel, Council, CouncilKind, Election, LocalizedName, PollingStation,
};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, ErrorCode, StationNumber, TerritoryId};
use utoipa::{IntoParams, ToSchema};

// --- wire types ---

/// A name in the three interface languages.
#[derive(Debug, Serialize, ToSchema)]
pub struct NameDto {
    pub ky: String,
    pub ru: String,
    pub en: String,
}

impl From<&LocalizedName> for NameDto {
    fn from(n: &LocalizedName) -> Self {
        NameDto {
            ky: n.ky.clone(),
            ru: n.ru.clone(),
            en: n.en.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ElectionDto {
    #[schema(example = "local-2024")]
    pub id: String,
    pub name: NameDto,
    #[schema(example = "256")]
    pub decree_number: String,
    /// ISO 8601 date.
    #[schema(example = "2024-09-06", format = Date)]
    pub decree_date: String,
    #[schema(example = "2024-09-06", format = Date)]
    pub called_on: String,
    #[schema(example = "2024-11-17", format = Date)]
    pub voting_day: String,
    /// Ids of the councils elected.
    pub councils: Vec<String>,
}

impl From<&Election> for ElectionDto {
    fn from(e: &Election) -> Self {
        ElectionDto {
            id: e.id.to_string(),
            name: (&e.name).into(),
            decree_number: e.decree_number.clone(),
            decree_date: e.decree_date.to_string(),
            called_on: e.called_on.to_string(),
            voting_day: e.voting_day.to_string(),
            councils: e.councils.iter().map(ToString::to_string).collect(),
        }
    }
}

/// One deadline of an election's calendar: `id`, `name`, `date`, `time` exactly as the domain
/// serializes a deadline, plus its localized title.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineDto {
    #[schema(example = "CAL-07")]
    pub id: String,
    #[schema(example = "city_nomination_closes")]
    pub name: String,
    #[schema(example = "2024-10-07", format = Date)]
    pub date: String,
    /// `HH:MM` in Asia/Bishkek (UTC+6); null for a whole-day deadline (open until midnight).
    #[schema(example = "18:00")]
    pub time: Option<String>,
    /// The deadline's description in the language asked for.
    pub title: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CouncilDto {
    #[schema(example = "bishkek-city")]
    pub id: String,
    /// `city` (proportional, party lists) or `aiyl` (multi-mandate districts).
    #[schema(example = "city")]
    pub kind: String,
    pub territory: String,
    pub name: NameDto,
    #[schema(example = 45)]
    pub seats: u32,
}

impl From<&Council> for CouncilDto {
    fn from(c: &Council) -> Self {
        CouncilDto {
            id: c.id.to_string(),
            kind: c.kind.as_str().to_owned(),
            territory: c.territory.to_string(),
            name: (&c.name).into(),
            seats: c.seats.get(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommissionDto {
    pub id: String,
    /// `cec`, `tec` or `pec`.
    #[schema(example = "tec")]
    pub level: String,
    pub parent: Option<String>,
    pub territory: String,
    pub name: NameDto,
}

impl From<&Commission> for CommissionDto {
    fn from(c: &Commission) -> Self {
        CommissionDto {
            id: c.id.to_string(),
            level: c.level.as_str().to_owned(),
            parent: c.parent.as_ref().map(ToString::to_string),
            territory: c.territory.to_string(),
            name: (&c.name).into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StationDto {
    #[schema(example = 1001)]
    pub number: u32,
    /// The PEC that runs the station.
    pub commission: String,
    pub council: String,
    pub territory: String,
    pub address: NameDto,
    pub accessibility: AccessibilityDto,
    /// A station for remote voting.
    pub remote_voting: bool,
}

impl From<&PollingStation> for StationDto {
    fn from(s: &PollingStation) -> Self {
        let a = &s.accessibility;
        StationDto {
            number: s.number.get(),
            commission: s.commission.to_string(),
            council: s.council.to_string(),
            territory: s.territory.to_string(),
            address: (&s.address).into(),
            accessibility: a.into(),
            remote_voting: s.remote_voting,
        }
    }
}

macro_rules! page_dto {
    ($name:ident, $item:ty) => {
        /// A page of a listing.
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Matches in all pages.
            pub total: u64,
            pub page: u32,
            pub per_page: u32,
        }
        impl $name {
            fn from_page<T>(p: &Page<T>, f: impl Fn(&T) -> $item) -> Self {
                $name {
                    items: p.items.iter().map(f).collect(),
                    total: p.total,
                    page: p.page,
                    per_page: p.per_page,
                }
            }
        }
    };
}
page_dto!(CouncilPage, CouncilDto);
page_dto!(CommissionPage, CommissionDto);
page_dto!(StationPage, StationDto);

// --- parameters ---

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CouncilQuery {
    /// `city` or `aiyl`.
    #[param(value_type = Option<String>, pattern = "^(city|aiyl)?$")]
    pub kind: Option<String>,
    /// Part of a name in any language, case-insensitive.
    pub q: Option<String>,
    /// A territory id (region or city): councils inside it.
    #[param(pattern = "^([a-z0-9.-]{1,64})?$")]
    pub region: Option<String>,
    /// From 1 (a 32-bit integer).
    #[param(value_type = Option<i32>, minimum = 1)]
    pub page: Option<String>,
    /// 1 to 500; 50 by default.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub per_page: Option<String>,
    /// `ky`, `ru` or `en`: the language of error messages.
    #[allow(
        dead_code,
        reason = "documented for OpenAPI; ApiLang reads it from the raw query"
    )]
    pub lang: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommissionQuery {
    /// `cec`, `tec` or `pec`.
    #[param(pattern = "^(cec|tec|pec)?$")]
    pub level: Option<String>,
    /// The id of the parent commission: its direct children.
    #[param(pattern = "^([a-z0-9.-]{1,64})?$")]
    pub parent: Option<String>,
    /// Part of a name in any language, case-insensitive.
    pub q: Option<String>,
    /// From 1 (a 32-bit integer).
    #[param(value_type = Option<i32>, minimum = 1)]
    pub page: Option<String>,
    /// 1 to 500; 50 by default.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub per_page: Option<String>,
    /// `ky`, `ru` or `en`: the language of error messages.
    #[allow(
        dead_code,
        reason = "documented for OpenAPI; ApiLang reads it from the raw query"
    )]
    pub lang: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StationQuery {
    /// A station number or part of an address.
    pub q: Option<String>,
    /// A council id.
    #[param(pattern = "^([a-z0-9.-]{1,64})?$")]
    pub council: Option<String>,
    /// A commission id (the PEC running the station).
    #[param(pattern = "^([a-z0-9.-]{1,64})?$")]
    pub commission: Option<String>,
    /// `true` for remote-voting stations only, `false` for regular ones only.
    #[param(value_type = Option<bool>)]
    pub remote: Option<String>,
    /// From 1 (a 32-bit integer).
    #[param(value_type = Option<i32>, minimum = 1)]
    pub page: Option<String>,
    /// 1 to 500; 50 by default.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub per_page: Option<String>,
    /// `ky`, `ru` or `en`: the language of error messages.
    #[allow(
        dead_code,
        reason = "documented for OpenAPI; ApiLang reads it from the raw query"
    )]
    pub lang: Option<String>,
}

// --- handlers ---

/// All elections.
#[utoipa::path(get, path = "/api/v1/elections", tag = "elections",
    params(LangQuery),
    responses(
        (status = 200, description = "The elections", body = Vec<ElectionDto>),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    ))]
pub(super) async fn list_elections(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
) -> ApiResult<Vec<ElectionDto>> {
    let elections = state.store.elections().await.or_api(lang)?;
    Ok(Json(elections.iter().map(ElectionDto::from).collect()))
}

async fn election(state: &AppState, lang: Lang, id: &str) -> Result<Election, ApiError> {
    let id = ElectionId::parse(id).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "id"))?;
    state
        .store
        .election(&id)
        .await
        .or_api(lang)?
        .ok_or_else(|| ApiError::not_found(lang))
}

/// One election.
#[utoipa::path(get, path = "/api/v1/elections/{id}", tag = "elections",
    params(("id" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id, e.g. `local-2024`"), LangQuery),
    responses(
        (status = 200, description = "The election", body = ElectionDto),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
    ))]
pub(super) async fn get_election(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
) -> ApiResult<ElectionDto> {
    Ok(Json(ElectionDto::from(&election(&state, lang, &id).await?)))
}

/// The calendar of an election: every dated deadline, with the CEC's overrides applied.
#[utoipa::path(get, path = "/api/v1/elections/{id}/calendar", tag = "elections",
    params(("id" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id"), LangQuery),
    responses(
        (status = 200, description = "The deadlines, in rule order", body = Vec<DeadlineDto>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
        (status = 422, description = "The stored overrides make an invalid calendar", body = ErrorBody),
    ))]
pub(super) async fn get_calendar(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
) -> ApiResult<Vec<DeadlineDto>> {
    let election = election(&state, lang, &id).await?;
    let calendar = election_calendar(&state, &election).await.or_api(lang)?;
    Ok(Json(deadlines(&calendar, lang)))
}

fn deadlines(calendar: &Calendar, lang: Lang) -> Vec<DeadlineDto> {
    calendar
        .deadlines()
        .iter()
        .map(|d| {
            // Reuse the domain's own serialization so the wire form cannot differ from it.
            let json = serde_json::to_value(d.to_json()).unwrap_or_default();
            let field = |k: &str| json.get(k).and_then(|v| v.as_str()).map(str::to_owned);
            DeadlineDto {
                id: d.id.to_owned(),
                name: d.name.to_owned(),
                date: field("date").unwrap_or_else(|| d.date.to_string()),
                time: field("time"),
                title: Some(lang.t(d.message_key)),
            }
        })
        .collect()
}

/// Councils, filtered and paged.
#[utoipa::path(get, path = "/api/v1/councils", tag = "councils",
    params(CouncilQuery),
    responses(
        (status = 200, description = "A page of councils", body = CouncilPage),
        (status = 400, description = "A malformed parameter, named in `field`", body = ErrorBody),
    ))]
pub(super) async fn list_councils(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Query(q): Query<CouncilQuery>,
) -> ApiResult<CouncilPage> {
    let kind = non_empty(q.kind.as_deref())
        .map(|k| {
            CouncilKind::parse(&k)
                .ok_or_else(|| ApiError::bad(lang, ErrorCode::BadParameter, "kind"))
        })
        .transpose()?;
    let filter = CouncilFilter {
        kind,
        within: id(lang, q.region, "region", TerritoryId::parse)?,
        query: non_empty(q.q.as_deref()),
        page: page_request(lang, q.page, q.per_page)?,
    };
    let page = state.store.councils(&filter).await.or_api(lang)?;
    Ok(Json(CouncilPage::from_page(&page, |c| c.into())))
}

/// One council.
#[utoipa::path(get, path = "/api/v1/councils/{id}", tag = "councils",
    params(("id" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Council id"), LangQuery),
    responses(
        (status = 200, description = "The council", body = CouncilDto),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such council", body = ErrorBody),
    ))]
pub(super) async fn get_council(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
) -> ApiResult<CouncilDto> {
    let id = CouncilId::parse(&id).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "id"))?;
    let council = state
        .store
        .council(&id)
        .await
        .or_api(lang)?
        .ok_or_else(|| ApiError::not_found(lang))?;
    Ok(Json(CouncilDto::from(&council)))
}

/// Election commissions, filtered and paged.
#[utoipa::path(get, path = "/api/v1/commissions", tag = "commissions",
    params(CommissionQuery),
    responses(
        (status = 200, description = "A page of commissions", body = CommissionPage),
        (status = 400, description = "A malformed parameter, named in `field`", body = ErrorBody),
    ))]
pub(super) async fn list_commissions(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Query(q): Query<CommissionQuery>,
) -> ApiResult<CommissionPage> {
    let level = non_empty(q.level.as_deref())
        .map(|l| {
            CommissionLevel::parse(&l)
                .ok_or_else(|| ApiError::bad(lang, ErrorCode::BadParameter, "level"))
        })
        .transpose()?;
    let filter = CommissionFilter {
        level,
        parent: id(lang, q.parent, "parent", CommissionId::parse)?,
        query: non_empty(q.q.as_deref()),
        page: page_request(lang, q.page, q.per_page)?,
    };
    let page = state.store.commissions(&filter).await.or_api(lang)?;
    Ok(Json(CommissionPage::from_page(&page, |c| c.into())))
}

/// One commission.
#[utoipa::path(get, path = "/api/v1/commissions/{id}", tag = "commissions",
    params(("id" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Commission id"), LangQuery),
    responses(
        (status = 200, description = "The commission", body = CommissionDto),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such commission", body = ErrorBody),
    ))]
pub(super) async fn get_commission(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
) -> ApiResult<CommissionDto> {
    let id = CommissionId::parse(&id).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "id"))?;
    let commission = state
        .store
        .commission(&id)
        .await
        .or_api(lang)?
        .ok_or_else(|| ApiError::not_found(lang))?;
    Ok(Json(CommissionDto::from(&commission)))
}

/// Polling stations, filtered and paged.
#[utoipa::path(get, path = "/api/v1/stations", tag = "stations",
    params(StationQuery),
    responses(
        (status = 200, description = "A page of stations", body = StationPage),
        (status = 400, description = "A malformed parameter, named in `field`", body = ErrorBody),
    ))]
pub(super) async fn list_stations(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Query(q): Query<StationQuery>,
) -> ApiResult<StationPage> {
    let remote = match q.remote.as_deref() {
        None => None,
        Some("true" | "1") => Some(true),
        Some("false" | "0") => Some(false),
        Some(_) => return Err(ApiError::bad(lang, ErrorCode::BadParameter, "remote")),
    };
    let filter = StationFilter {
        council: id(lang, q.council, "council", CouncilId::parse)?,
        commission: id(lang, q.commission, "commission", CommissionId::parse)?,
        remote_voting: remote,
        query: non_empty(q.q.as_deref()),
        page: page_request(lang, q.page, q.per_page)?,
    };
    let page = state.store.stations(&filter).await.or_api(lang)?;
    Ok(Json(StationPage::from_page(&page, |s| s.into())))
}

/// One polling station, by its national number.
#[utoipa::path(get, path = "/api/v1/stations/{number}", tag = "stations",
    params(("number" = u32, Path, minimum = 1, maximum = 99999, description = "Polling station number, 1 to 99999"), LangQuery),
    responses(
        (status = 200, description = "The station", body = StationDto),
        (status = 400, description = "Not a station number (`bad_station_number`)", body = ErrorBody),
        (status = 404, description = "No such station", body = ErrorBody),
    ))]
pub(super) async fn get_station(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(number): Path<String>,
) -> ApiResult<StationDto> {
    let number = StationNumber::parse(&number)
        .map_err(|_| ApiError::bad(lang, ErrorCode::BadStationNumber, "number"))?;
    let station = state
        .store
        .station(number)
        .await
        .or_api(lang)?
        .ok_or_else(|| ApiError::not_found(lang))?;
    Ok(Json(StationDto::from(&station)))
}
