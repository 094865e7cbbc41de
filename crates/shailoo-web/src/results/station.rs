//! One polling station's results for the public (issue 15: "per station, with the protocol's
//! image"), i15-scan-map: `GET /results/{election}/{council}/stations/{station}` shows each
//! counted protocol of the station for the council (its RES-04 lines, the votes of every
//! option) with the scans of the signed paper attached to that version; `GET
//! /results/{election}/scans/{digest}` serves a scan; `GET
//! /api/v1/elections/{election}/results/{council}/stations/{station}` is the same as JSON.
//!
//! Only accepted versions are shown, and only their scans are served: a scan is addressed by
//! its BLAKE3 digest, so its bytes never change and it is cached for a year (`immutable`).

use super::public;
use super::views::{TYPED_LINES, contest_label};
use crate::AppState;
use crate::kit::PageResult;
use crate::kit::cache::MAX_AGE;
use crate::kit::cache::{PublicCache, Unanswered, Version};
use crate::kit::format::name;
use crate::kit::input::Json;
use crate::kit::{ApiError, ApiLang, ErrorBody, Lang, LangQuery, OrRefused, PageCtx, PageFail};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shailoo_app::results::open_data::CouncilResults;
use shailoo_app::results::scan::ScanInfo;
use shailoo_app::results::{AGAINST_ALL_ID, ResultsError};
use shailoo_domain::protocol::{BallotOption, Contest, Line, Protocol};
use shailoo_domain::{CouncilId, ElectionId, ErrorCode, StationNumber};
use std::sync::Arc;
use utoipa::ToSchema;

/// A scan never changes at its address: readers and caches keep it.
const SCAN_MAX_AGE: &str = "public, max-age=31536000, immutable";

/// One counted protocol of the station, with the scans of its version.
struct Counted {
    version: u32,
    protocol: Protocol,
    scans: Vec<ScanInfo>,
}

/// The station's counted protocols for the council, by contest, and the council's results
/// (for its name and the options' names).
async fn station_protocols(
    state: &AppState,
    version: Version,
    election: &ElectionId,
    council: &CouncilId,
    station: StationNumber,
) -> Result<(CouncilResults, Vec<Counted>), Arc<ResultsError>> {
    let counted = station_counted(state, election, council, station)
        .await
        .map_err(Arc::new)?;
    let results = public::council(state, version, election, council)
        .await?
        .results
        .clone();
    Ok((results, counted))
}

/// The station's counted protocols for the council, each with the scans of its version.
async fn station_counted(
    state: &AppState,
    election: &ElectionId,
    council: &CouncilId,
    station: StationNumber,
) -> Result<Vec<Counted>, ResultsError> {
    let store = state.store.as_ref();
    if store.station(station).await?.is_none() {
        return Err(ResultsError::UnknownStation(station));
    }
    let scans = store.station_scans(election, council, station).await?;
    let counted = store
        .council_protocols(election, council)
        .await?
        .into_iter()
        .filter(|r| r.key.station == station)
        .filter_map(|r| {
            let (version, protocol) = r.history.counted()?;
            let scans = scans
                .iter()
                .filter(|a| a.version == version && a.contest == r.key.contest)
                .map(|a| a.scan.clone())
                .collect();
            Some(Counted {
                version,
                protocol: protocol.clone(),
                scans,
            })
        })
        .collect();
    Ok(counted)
}

/// An option's id as the council's results name it.
fn option_id(option: &BallotOption) -> String {
    match option {
        BallotOption::Party(p) => p.to_string(),
        BallotOption::Candidate(c) => c.to_string(),
    }
}

/// The option's name in the council's results, else its id.
fn option_name(results: &CouncilResults, contest: &Contest, id: &str, lang: Lang) -> String {
    results
        .contests
        .iter()
        .filter(|c| &c.contest == contest)
        .flat_map(|c| &c.options)
        .find(|o| o.id == id)
        .map_or_else(|| id.to_owned(), |o| name(&o.name, lang))
}

fn scan_href(election: &ElectionId, digest: &str) -> String {
    format!("/results/{election}/scans/{digest}")
}

struct ScanView {
    href: String,
    image: bool,
    kind: &'static str,
    size_kb: u64,
}

struct ProtocolView {
    id: String,
    label: String,
    version: u32,
    lines: Vec<(String, u64)>,
    votes: Vec<(String, u64)>,
    scans: Vec<ScanView>,
}

#[derive(Template)]
#[template(path = "results/templates/public_station.html")]
struct StationTemplate {
    ctx: PageCtx,
    election: String,
    council: String,
    council_name: String,
    station: u32,
    protocols: Vec<ProtocolView>,
}

fn contest_id(contest: &Contest) -> String {
    match contest {
        Contest::PartyList => "party-list".to_owned(),
        Contest::District { district } => format!("district-{district}"),
    }
}

fn protocol_view(
    lang: Lang,
    election: &ElectionId,
    results: &CouncilResults,
    c: &Counted,
) -> ProtocolView {
    let p = &c.protocol;
    let lines = TYPED_LINES
        .iter()
        .map(|l| (lang.t(l.message_key()), p.line(*l)))
        .collect();
    let mut votes: Vec<(String, u64)> = p
        .votes
        .iter()
        .map(|v| {
            let id = option_id(&v.option);
            (
                option_name(results, &p.contest, &id, lang),
                u64::from(v.votes),
            )
        })
        .collect();
    if let Some(a) = p.against_all {
        votes.push((lang.t("results-public-against-all"), u64::from(a)));
    }
    ProtocolView {
        id: contest_id(&p.contest),
        label: contest_label(lang, &p.contest),
        version: c.version,
        lines,
        votes,
        scans: c
            .scans
            .iter()
            .map(|s| ScanView {
                href: scan_href(election, &s.digest),
                image: s.format.content_type().starts_with("image/"),
                kind: s.format.extension(),
                size_kb: s.size.div_ceil(1024),
            })
            .collect(),
    }
}

/// The path's ids, or 404.
fn ids(
    lang: Lang,
    (election, council, station): (String, String, String),
) -> Result<(ElectionId, CouncilId, StationNumber), PageFail> {
    let election = ElectionId::parse(&election).map_err(|_| PageFail::not_found(lang))?;
    let council = CouncilId::parse(&council).map_err(|_| PageFail::not_found(lang))?;
    let station = crate::kit::forms::station_number(Some(&station))
        .ok_or_else(|| PageFail::not_found(lang))?;
    Ok((election, council, station))
}

/// `GET /results/{election}/{council}/stations/{station}`.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(path): Path<(String, String, String)>,
) -> PageResult {
    let lang = ctx.lang;
    let (election, council, station) = ids(lang, path)?;
    let version = public::version(&state, lang).await?;
    let key = PublicCache::page_key(&ctx);
    let make = async {
        let (results, counted) =
            station_protocols(&state, version, &election, &council, station).await?;
        public::html(&StationTemplate {
            election: election.to_string(),
            council: council.to_string(),
            council_name: name(&results.name, lang),
            station: station.get(),
            protocols: counted
                .iter()
                .map(|c| protocol_view(lang, &election, &results, c))
                .collect(),
            ctx,
        })
    };
    match state
        .public_cache
        .answer(key, version, &headers, make)
        .await
    {
        Ok(page) => Ok(page),
        Err(f) => match f.as_ref() {
            Unanswered::Refused(e) if matches!(e.as_ref(), ResultsError::UnknownStation(_)) => {
                Err(PageFail::not_found(lang))
            }
            _ => Err(public::page_fail(lang, &f)),
        },
    }
}

/// `GET /results/{election}/scans/{digest}`: a scan of a counted protocol, as what it is
/// (JPEG, PNG or PDF, recognised by its bytes when attached), shown inline, `nosniff`.
pub(super) async fn scan_file(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, digest)): Path<(String, String)>,
) -> PageResult {
    let lang = ctx.lang;
    let election = ElectionId::parse(&election).map_err(|_| PageFail::not_found(lang))?;
    let well_formed = digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed || digest.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(PageFail::not_found(lang));
    }
    let scan = state
        .store
        .counted_scan(&election, &digest)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let info = scan.info();
    let mut res: Response = scan.bytes().to_vec().into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(info.format.content_type()),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(SCAN_MAX_AGE),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("\"{digest}\"")) {
        h.insert(header::ETAG, v);
    }
    let disposition = format!(
        "inline; filename=\"protocol-{}.{}\"",
        &digest[..12],
        info.format.extension()
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}

/// A scan of the signed paper protocol.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScanDto {
    /// BLAKE3 of the file, hex.
    pub digest: String,
    /// `image/jpeg`, `image/png` or `application/pdf`.
    pub content_type: String,
    pub size: u64,
    /// Where the file is served (immutable).
    pub href: String,
}

/// One RES-04 line of a protocol.
#[derive(Debug, Serialize, ToSchema)]
pub struct LineDto {
    /// The line's stable code, e.g. `voters_took_part`.
    pub line: String,
    pub value: u64,
}

/// One option's votes at the station.
#[derive(Debug, Serialize, ToSchema)]
pub struct StationVotesDto {
    /// The party's or the candidate's id (`against_all` for that line).
    pub id: String,
    pub name: String,
    pub votes: u64,
}

/// One counted protocol of the station.
#[derive(Debug, Serialize, ToSchema)]
pub struct StationProtocolDto {
    /// `party_list` or `district`.
    pub contest: String,
    pub district: Option<String>,
    /// The accepted version counted (a correction is a new version).
    pub version: u32,
    pub lines: Vec<LineDto>,
    pub votes: Vec<StationVotesDto>,
    pub scans: Vec<ScanDto>,
}

/// One station's counted protocols for a council.
#[derive(Debug, Serialize, ToSchema)]
pub struct StationResultsDto {
    pub council: String,
    pub name: String,
    pub station: u32,
    pub protocols: Vec<StationProtocolDto>,
}

fn protocol_dto(
    lang: Lang,
    election: &ElectionId,
    results: &CouncilResults,
    c: &Counted,
) -> StationProtocolDto {
    let p = &c.protocol;
    let (contest, district) = match &p.contest {
        Contest::PartyList => ("party_list", None),
        Contest::District { district } => ("district", Some(district.to_string())),
    };
    let mut votes: Vec<StationVotesDto> = p
        .votes
        .iter()
        .map(|v| {
            let id = option_id(&v.option);
            StationVotesDto {
                name: option_name(results, &p.contest, &id, lang),
                votes: u64::from(v.votes),
                id,
            }
        })
        .collect();
    if let Some(a) = p.against_all {
        votes.push(StationVotesDto {
            id: AGAINST_ALL_ID.to_owned(),
            name: lang.t("results-public-against-all"),
            votes: u64::from(a),
        });
    }
    StationProtocolDto {
        contest: contest.to_owned(),
        district,
        version: c.version,
        lines: TYPED_LINES
            .iter()
            .map(|l| LineDto {
                line: line_code(*l),
                value: p.line(*l),
            })
            .collect(),
        votes,
        scans: c
            .scans
            .iter()
            .map(|s| ScanDto {
                href: scan_href(election, &s.digest),
                digest: s.digest.clone(),
                content_type: s.format.content_type().to_owned(),
                size: s.size,
            })
            .collect(),
    }
}

/// A line's stable code: its message key without the `protocol-line-` prefix, in snake case.
fn line_code(line: Line) -> String {
    line.message_key()
        .trim_start_matches("protocol-line-")
        .replace('-', "_")
}

/// One station's counted protocols for a council: the RES-04 lines, the votes of each option
/// and the scans of the signed paper protocol.
#[utoipa::path(get, path = "/api/v1/elections/{election}/results/{council}/stations/{station}",
    tag = "results",
    params(
        ("election" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id"),
        ("council" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Council id"),
        ("station" = u32, Path, description = "Polling station number"),
        LangQuery),
    responses(
        (status = 200, description = "The station's counted protocols", body = StationResultsDto),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such election, council or station", body = ErrorBody),
        (status = 409, description = "The council's ballot is not fixed yet", body = ErrorBody),
    ))]
pub(super) async fn api_station_results(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path((election, council, station)): Path<(String, String, String)>,
) -> Result<([(HeaderName, &'static str); 1], Json<StationResultsDto>), ApiError> {
    let election = ElectionId::parse(&election)
        .map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "election"))?;
    let council =
        CouncilId::parse(&council).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "council"))?;
    let station = crate::kit::forms::station_number(Some(&station))
        .ok_or_else(|| ApiError::bad(lang, ErrorCode::BadId, "station"))?;
    let version = state.public_cache.version(&state).await.or_api(lang)?;
    let (results, counted) = station_protocols(&state, version, &election, &council, station)
        .await
        .or_api(lang)?;
    Ok((
        [(header::CACHE_CONTROL, MAX_AGE)],
        Json(StationResultsDto {
            council: council.to_string(),
            name: name(&results.name, lang),
            station: station.get(),
            protocols: counted
                .iter()
                .map(|c| protocol_dto(lang, &election, &results, c))
                .collect(),
        }),
    ))
}
