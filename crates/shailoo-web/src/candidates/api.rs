//! `GET /api/v1/elections/{election}/candidates` (filters `council`, `district`, `party`,
//! `status`, `name`; paged) and `GET /api/v1/elections/{election}/ballots/{council}` (the city
//! ballot, or one ballot per district of an aiyl council). Public: what Talapker shows, never
//! a PIN, an address or a document.

use super::views::{Filters, status_code};
use crate::AppState;
use crate::kit::api::{ApiResult, id, page_request};
use crate::kit::forms::non_empty;
use crate::kit::input::{Json, Query};
use crate::kit::{ApiError, ApiLang, ErrorBody, Lang, LangQuery, OrRefused};
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use shailoo_app::candidates::{self, PublicCandidate, PublicStatus};
use shailoo_domain::candidate::PartyId;
use shailoo_domain::candidate::ballot::{Ballot, BallotLabel};
use shailoo_domain::protocol::{BallotOption, Contest};
use shailoo_domain::{CouncilId, DistrictId, ElectionId, ErrorCode};
use utoipa::{IntoParams, ToSchema};

/// A candidate as the public sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateDto {
    /// The candidate's id within the nomination (`n42-1`).
    pub candidate: String,
    /// The nomination (a party's city list, or one aiyl district nomination).
    pub nomination: i64,
    pub council: String,
    /// The aiyl district; absent on a city list.
    pub district: Option<String>,
    /// The nominating party's id; absent for a self-nominee.
    pub party: Option<String>,
    /// The position on a city list, while standing on it.
    pub position: Option<u32>,
    /// Surname, given name and patronymic, as the civil registry has them.
    pub name: String,
    pub birth_year: i16,
    pub occupation: Option<String>,
    /// `pending`, `registered`, `refused`, `cancelled`, `withdrawn` or `replaced`.
    pub status: String,
    /// A refusal's legal ground or a cancellation's reason (`CAN-02_imprisoned`).
    pub ground: Option<String>,
}

impl From<&PublicCandidate> for CandidateDto {
    fn from(c: &PublicCandidate) -> CandidateDto {
        let (status, ground) = status_code(&c.status);
        CandidateDto {
            candidate: c.candidate.to_string(),
            nomination: c.nomination.get(),
            council: c.council.to_string(),
            district: c.district.as_ref().map(ToString::to_string),
            party: c.party.as_ref().map(ToString::to_string),
            position: c.position,
            name: c.name.to_string(),
            birth_year: c.birth_year,
            occupation: c.occupation.as_ref().map(|o| o.as_str().to_owned()),
            status: status.to_owned(),
            ground: ground.map(str::to_owned),
        }
    }
}

/// A page of candidates.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidatePage {
    pub items: Vec<CandidateDto>,
    /// Matches in all pages.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidateQuery {
    /// A council of the election.
    #[param(pattern = "^([a-z0-9.-]{1,64})?$")]
    pub council: Option<String>,
    /// An aiyl district of the council's scheme (its own numbering: any text).
    #[param(pattern = "^([^\\x00-\\x1f\\x7f-\\x9f]{1,64})?$")]
    pub district: Option<String>,
    /// The nominating party's id.
    #[param(pattern = "^([a-z0-9.-]{1,64})?$")]
    pub party: Option<String>,
    /// `pending`, `registered`, `refused`, `cancelled`, `withdrawn` or `replaced`.
    #[param(value_type = Option<String>, pattern = "^(pending|registered|refused|cancelled|withdrawn|replaced)?$")]
    pub status: Option<String>,
    /// Part of the name, any case.
    pub name: Option<String>,
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

/// The filters of a query, each checked: 400 naming the malformed one.
pub(super) fn filters(lang: Lang, q: &CandidateQuery) -> Result<Filters, ApiError> {
    let status = non_empty(q.status.as_deref())
        .map(|s| {
            PublicStatus::parse(&s)
                .ok_or_else(|| ApiError::bad(lang, ErrorCode::BadParameter, "status"))
        })
        .transpose()?;
    Ok(Filters {
        council: id(lang, q.council.clone(), "council", CouncilId::parse)?,
        district: id(lang, q.district.clone(), "district", DistrictId::parse)?,
        party: id(lang, q.party.clone(), "party", PartyId::parse)?,
        status,
        name: non_empty(q.name.as_deref()),
    })
}

pub(super) async fn election(
    state: &AppState,
    lang: Lang,
    id: &str,
) -> Result<ElectionId, ApiError> {
    let id =
        ElectionId::parse(id).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "election"))?;
    state
        .store
        .election(&id)
        .await
        .or_api(lang)?
        .ok_or_else(|| ApiError::not_found(lang))?;
    Ok(id)
}

/// The candidates of an election (Talapker): filed nominations only, never a draft.
#[utoipa::path(get, path = "/api/v1/elections/{election}/candidates", tag = "candidates",
    params(("election" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id, e.g. `local-2024`"), CandidateQuery),
    responses(
        (status = 200, description = "A page of candidates, by council, nomination and list position", body = CandidatePage),
        (status = 400, description = "A malformed parameter, named in `field`", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
    ))]
pub(super) async fn api_candidates(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(election_id): Path<String>,
    Query(q): Query<CandidateQuery>,
) -> ApiResult<CandidatePage> {
    let election = election(&state, lang, &election_id).await?;
    let filter = filters(lang, &q)?.into_filter(page_request(lang, q.page, q.per_page)?);
    let page = candidates::public_candidates(state.store.as_ref(), &election, &filter)
        .await
        .or_api(lang)?;
    Ok(Json(CandidatePage {
        items: page.items.iter().map(CandidateDto::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// One line of a ballot.
#[derive(Debug, Serialize, ToSchema)]
pub struct BallotLineDto {
    /// The printed number, from 1.
    pub number: u32,
    /// The party of a city ballot's line.
    pub party: Option<String>,
    /// The candidate of an aiyl district ballot's line.
    pub candidate: Option<String>,
    /// What the line says, in the language asked for (`?lang=`).
    pub label: String,
    /// The candidate's year of birth (district ballots).
    pub birth_year: Option<i16>,
    /// The nominating party's name (district ballots); absent for a self-nominee.
    pub nominated_by: Option<String>,
}

/// The content of one contest's ballot, fixed once registration closes (RES-02).
#[derive(Debug, Serialize, ToSchema)]
pub struct BallotDto {
    pub council: String,
    /// `party_list` (a city council) or `district` (an aiyl council's district).
    pub contest: String,
    pub district: Option<String>,
    /// In ballot order.
    pub lines: Vec<BallotLineDto>,
    /// RES-02: the last line of a city ballot is "against all".
    pub against_all: bool,
}

pub(super) fn ballot_dto(b: &Ballot, lang: Lang) -> BallotDto {
    let (contest, district) = match &b.contest {
        Contest::PartyList => ("party_list", None),
        Contest::District { district } => ("district", Some(district.to_string())),
    };
    BallotDto {
        council: b.council.to_string(),
        contest: contest.to_owned(),
        district,
        lines: b
            .lines
            .iter()
            .map(|l| {
                let (party, candidate) = match &l.option {
                    BallotOption::Party(p) => (Some(p.to_string()), None),
                    BallotOption::Candidate(c) => (None, Some(c.to_string())),
                };
                let (label, birth_year, nominated_by) = match &l.label {
                    BallotLabel::Party { name } => {
                        (crate::kit::format::name(name, lang), None, None)
                    }
                    BallotLabel::Candidate {
                        name,
                        birth_year,
                        nominated_by,
                    } => (
                        name.to_string(),
                        Some(*birth_year),
                        nominated_by
                            .as_ref()
                            .map(|n| crate::kit::format::name(n, lang)),
                    ),
                };
                BallotLineDto {
                    number: l.number,
                    party,
                    candidate,
                    label,
                    birth_year,
                    nominated_by,
                }
            })
            .collect(),
        against_all: b.against_all,
    }
}

/// The ballots of a council: the city ballot (parties in the TEC's order, then "against
/// all"), or one per district of an aiyl council (its registered candidates). 409 while
/// registration is still open.
#[utoipa::path(get, path = "/api/v1/elections/{election}/ballots/{council}", tag = "candidates",
    params(
        ("election" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id"),
        ("council" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Council id"),
        LangQuery),
    responses(
        (status = 200, description = "The council's ballots, one per contest", body = Vec<BallotDto>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such election or council", body = ErrorBody),
        (status = 409, description = "Registration is still open, or the ballot order is not set", body = ErrorBody),
    ))]
pub(super) async fn api_ballots(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path((election_id, council)): Path<(String, String)>,
) -> ApiResult<Vec<BallotDto>> {
    let election = election(&state, lang, &election_id).await?;
    let council =
        CouncilId::parse(&council).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "council"))?;
    let ballots = candidates::ballots(state.store.as_ref(), &election, &council, state.now())
        .await
        .or_api(lang)?;
    Ok(Json(ballots.iter().map(|b| ballot_dto(b, lang)).collect()))
}
