//! `GET /api/v1/elections/{election}/results` (every council's progress and status) and `GET
//! /api/v1/elections/{election}/results/{council}` (one council's count per contest, with the
//! seats once allocated): what the public pages show, as JSON. Only accepted protocols count;
//! `official` says whether the TEC determined the result (RES-11).

use super::public::{self, Counted, Failed};
use crate::AppState;
use crate::kit::cache::{PublicCache, Rendered, Unanswered};
use crate::kit::format::name;
use crate::kit::{ApiError, ApiLang, ErrorBody, Lang, LangQuery, OrRefused};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use shailoo_app::results::AGAINST_ALL_ID;
use shailoo_app::results::open_data::ContestResults;
use shailoo_domain::protocol::Contest;
use shailoo_domain::{CouncilId, ElectionId, ErrorCode};
use utoipa::ToSchema;

/// An answer kept as the pages are (`kit::cache`): from memory until the store changes, with
/// its `ETag`.
type Cached = Result<Response, ApiError>;

fn json(body: &impl Serialize) -> Result<Rendered, Failed> {
    serde_json::to_vec(body)
        .map(Rendered::json)
        .map_err(|e| Unanswered::Render(e.to_string()))
}

/// A council's progress, as `/results` lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultsSummaryDto {
    pub council: String,
    /// In the language asked for (`?lang=`).
    pub name: String,
    /// `city` or `aiyl`.
    pub kind: String,
    /// `incomplete`, `completed`, `lots_required` or `failed`.
    pub status: String,
    /// The TEC determined the result (RES-11); before, the count is not final.
    pub official: bool,
    pub protocols_accepted: u64,
    pub protocols_expected: u64,
    /// Voters who took part, over the accepted protocols.
    pub took_part: u64,
    /// Voters on the lists (and the additional lists), over the accepted protocols.
    pub voters_listed: u64,
}

/// One ballot option's count.
#[derive(Debug, Serialize, ToSchema)]
pub struct OptionResultDto {
    /// The party's or the candidate's id (`against_all` for that line).
    pub id: String,
    pub name: String,
    pub votes: u64,
    /// Seats won; absent for "against all" and while the result is incomplete.
    pub seats: Option<u64>,
    /// RES-10: an elected candidate who took a mandate reserved for women.
    pub reserved: bool,
}

/// One contest: a city council's party lists, or an aiyl council's district.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContestResultDto {
    /// `party_list` or `district`.
    pub contest: String,
    pub district: Option<String>,
    /// The contest's mandates.
    pub seats: u32,
    /// `incomplete`, `completed`, `lots_required` or `failed`.
    pub status: String,
    pub took_part: u64,
    pub valid_ballots: u64,
    /// In ballot order; on a city ballot "against all" last (`against_all`, no seats).
    pub options: Vec<OptionResultDto>,
}

/// One council's results.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouncilResultDto {
    #[serde(flatten)]
    pub summary: ResultsSummaryDto,
    pub seats: u32,
    /// When the TEC determined the result (RFC 3339), if it did.
    pub determined_at: Option<String>,
    /// Determined after the deadline of CAL-17 (only where the CEC moved it).
    pub late: bool,
    pub contests: Vec<ContestResultDto>,
    /// The allocation's steps, in the language asked for (`?lang=`).
    pub explanation: Vec<String>,
}

fn summary(c: &Counted, lang: Lang) -> ResultsSummaryDto {
    let r = &c.results;
    ResultsSummaryDto {
        council: r.council.to_string(),
        name: name(&r.name, lang),
        kind: r.kind.as_str().to_owned(),
        status: r.status.as_str().to_owned(),
        official: r.determined.is_some(),
        protocols_accepted: r.protocols_accepted,
        protocols_expected: r.protocols_expected,
        took_part: r.took_part,
        voters_listed: c.listed,
    }
}

fn contest(c: &ContestResults, valid: u64, lang: Lang) -> ContestResultDto {
    let (kind, district) = match &c.contest {
        Contest::PartyList => ("party_list", None),
        Contest::District { district } => ("district", Some(district.to_string())),
    };
    let mut options: Vec<OptionResultDto> = c
        .options
        .iter()
        .map(|o| OptionResultDto {
            id: o.id.clone(),
            name: name(&o.name, lang),
            votes: o.votes,
            seats: o.seats,
            reserved: o.reserved,
        })
        .collect();
    if let Some(a) = c.against_all {
        options.push(OptionResultDto {
            id: AGAINST_ALL_ID.to_owned(),
            name: lang.t("results-public-against-all"),
            votes: a,
            seats: None,
            reserved: false,
        });
    }
    ContestResultDto {
        contest: kind.to_owned(),
        district,
        seats: c.seats,
        status: c.status.as_str().to_owned(),
        took_part: c.took_part,
        valid_ballots: valid,
        options,
    }
}

fn election_id(lang: Lang, id: &str) -> Result<ElectionId, ApiError> {
    ElectionId::parse(id).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "election"))
}

/// Every council of an election that has a ballot, with its progress and status.
#[utoipa::path(get, path = "/api/v1/elections/{election}/results", tag = "results",
    params(
        ("election" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id, e.g. `local-2024`"),
        LangQuery),
    responses(
        (status = 200, description = "The councils in the election's order", body = Vec<ResultsSummaryDto>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
    ))]
pub(super) async fn api_results(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    headers: HeaderMap,
    Path(election): Path<String>,
) -> Cached {
    let election = election_id(lang, &election)?;
    let version = state.public_cache.version(&state).await.or_api(lang)?;
    let key = PublicCache::api_key(lang, &format!("results {election}"));
    let make = async {
        let all = public::election(&state, version, &election).await?;
        json(&all.iter().map(|c| summary(c, lang)).collect::<Vec<_>>())
    };
    state
        .public_cache
        .answer(key, version, &headers, make)
        .await
        .map_err(|f| ApiError::refused(lang, &f))
}

/// One council's count per contest: votes per party list and "against all" (a city council)
/// or per district with the elected (an aiyl council), the seats once every protocol is
/// accepted, official once determined.
#[utoipa::path(get, path = "/api/v1/elections/{election}/results/{council}", tag = "results",
    params(
        ("election" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id"),
        ("council" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Council id"),
        LangQuery),
    responses(
        (status = 200, description = "The council's results", body = CouncilResultDto),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such election or council", body = ErrorBody),
        (status = 409, description = "The council's ballot is not fixed yet", body = ErrorBody),
    ))]
pub(super) async fn api_council_results(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    headers: HeaderMap,
    Path((election, council)): Path<(String, String)>,
) -> Cached {
    let election = election_id(lang, &election)?;
    let council =
        CouncilId::parse(&council).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "council"))?;
    let version = state.public_cache.version(&state).await.or_api(lang)?;
    let key = PublicCache::api_key(lang, &format!("results {election} {council}"));
    let make = async {
        let c = public::council(&state, version, &election, &council).await?;
        json(&council_dto(&c, lang))
    };
    state
        .public_cache
        .answer(key, version, &headers, make)
        .await
        .map_err(|f| ApiError::refused(lang, &f))
}

/// One council's results as the API gives them.
fn council_dto(c: &Counted, lang: Lang) -> CouncilResultDto {
    let r = &c.results;
    CouncilResultDto {
        summary: summary(c, lang),
        seats: r.seats,
        determined_at: r.determined.as_ref().map(|d| d.at.to_string()),
        late: r.determined.as_ref().is_some_and(|d| d.late),
        contests: r
            .contests
            .iter()
            .map(|k| contest(k, c.valid_of(&k.contest), lang))
            .collect(),
        explanation: super::explain::in_lang(lang, r),
    }
}
