//! The Talapker pages: the elections, an election's candidates (filtered by council, district,
//! party, status and name: the pages "per council, district and party" are this listing with
//! its filter), one candidate with the history of their nomination and its public documents
//! (photo, program), and a council's ballots.

use super::api::{BallotDto, ballot_dto};
use super::views::{CandidateRow, Filters, Names, nominator};
use crate::AppState;
use crate::kit::format::{fmt_instant, name};
use crate::kit::forms::non_empty;
use crate::kit::input::Query;
use crate::kit::page::Choice;
use crate::kit::pager::{Pager, page_of};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, Refusal, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shailoo_app::CouncilFilter;
use shailoo_app::candidates::{self, CandidateFilter, NominationId, PublicStatus};
use shailoo_domain::candidate::PartyId;
use shailoo_domain::candidate::ballot::Ballot;
use shailoo_domain::params::Coded;
use shailoo_domain::protocol::Contest;
use shailoo_domain::{CandidateId, CouncilId, DistrictId, ElectionId, ErrorCode};
use std::collections::HashMap;

struct ElectionRow {
    id: String,
    name: String,
}

#[derive(Template)]
#[template(path = "candidates/templates/talapker_home.html")]
struct HomeTemplate {
    ctx: PageCtx,
    elections: Vec<ElectionRow>,
}

/// `GET /talapker`: the elections whose candidates are published.
pub(super) async fn home(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let lang = ctx.lang;
    let elections = state.store.elections().await.or_page(lang)?;
    let t = HomeTemplate {
        elections: elections
            .iter()
            .map(|e| ElectionRow {
                id: e.id.to_string(),
                name: name(&e.name, lang),
            })
            .collect(),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

async fn election(state: &AppState, ctx: &PageCtx, id: &str) -> Result<ElectionId, PageFail> {
    let lang = ctx.lang;
    let id = ElectionId::parse(id).map_err(|_| PageFail::not_found(lang))?;
    state
        .store
        .election(&id)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    Ok(id)
}

#[derive(Template)]
#[template(path = "candidates/templates/talapker.html")]
struct ListTemplate {
    ctx: PageCtx,
    election: String,
    /// What the listing is of: the council, district and party chosen.
    heading: String,
    name: String,
    district: String,
    councils: Vec<Choice>,
    parties: Vec<Choice>,
    statuses: Vec<Choice>,
    rows: Vec<CandidateRow>,
    /// The chosen council's ballots page.
    ballots: Option<String>,
    pager: Pager,
}

/// `GET /talapker/{election}?council=&district=&party=&status=&name=&page=`. A malformed
/// filter is ignored (the form offers only valid ones), as on the other public listings.
pub(super) async fn candidates(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let election = election(&state, &ctx, &id).await?;
    let get = |k: &str| non_empty(q.get(k).map(String::as_str));
    let filters = Filters {
        council: get("council").and_then(|c| CouncilId::parse(&c).ok()),
        district: get("district").and_then(|d| DistrictId::parse(&d).ok()),
        party: get("party").and_then(|p| PartyId::parse(&p).ok()),
        status: get("status").and_then(|s| PublicStatus::parse(&s)),
        name: get("name"),
    };
    let (council, district, party, status) = (
        filters.council.clone(),
        filters.district.clone(),
        filters.party.clone(),
        filters.status,
    );
    let filter = filters.into_filter(page_of(&q));
    let page = candidates::public_candidates(state.store.as_ref(), &election, &filter)
        .await
        .or_page(lang)?;
    let names = Names::of(state.store.as_ref(), &page.items)
        .await
        .or_page(lang)?;
    let (councils, chosen) = council_choices(&state, lang, &election, council.as_ref()).await?;
    let parties = party_choices(&state, lang, party.as_ref()).await?;
    let statuses = status_choices(lang, status);
    let mut heading = Vec::new();
    if let Some(c) = &chosen {
        heading.push(c.clone());
    }
    if let Some(d) = &district {
        heading.push(lang.t_args("talapker-district", &[("district", d.to_string())]));
    }
    if let Some(p) = &party {
        heading.push(names.party(p, lang));
    }
    let t = ListTemplate {
        election: election.to_string(),
        heading: heading.join(" · "),
        name: filter.name.clone().unwrap_or_default(),
        district: district.map(|d| d.to_string()).unwrap_or_default(),
        councils,
        parties,
        statuses,
        rows: page
            .items
            .iter()
            .map(|c| CandidateRow::new(c, &names, lang))
            .collect(),
        ballots: council
            .filter(|_| chosen.is_some())
            .map(|c| format!("/talapker/{election}/ballots/{c}")),
        pager: Pager::new(&ctx, page.page, page.per_page, page.total),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

/// The councils the election elects, to choose from, and the chosen one's name.
async fn council_choices(
    state: &AppState,
    lang: Lang,
    election: &ElectionId,
    council: Option<&CouncilId>,
) -> Result<(Vec<Choice>, Option<String>), PageFail> {
    let in_election = state
        .store
        .election(election)
        .await
        .or_page(lang)?
        .map(|e| e.councils)
        .unwrap_or_default();
    let all = state
        .store
        .councils(&CouncilFilter {
            page: shailoo_app::PageRequest {
                page: 1,
                per_page: shailoo_app::PageRequest::MAX_PER_PAGE,
            },
            ..CouncilFilter::default()
        })
        .await
        .or_page(lang)?;
    let chosen = all
        .items
        .iter()
        .find(|c| Some(&c.id) == council)
        .map(|c| name(&c.name, lang));
    let councils = all
        .items
        .iter()
        .filter(|c| in_election.contains(&c.id))
        .map(|c| Choice {
            value: c.id.to_string(),
            label: name(&c.name, lang),
            selected: Some(&c.id) == council,
        })
        .collect();
    Ok((councils, chosen))
}

/// The registered parties, to choose from.
async fn party_choices(
    state: &AppState,
    lang: Lang,
    party: Option<&PartyId>,
) -> Result<Vec<Choice>, PageFail> {
    Ok(state
        .store
        .parties()
        .await
        .or_page(lang)?
        .iter()
        .map(|p| Choice {
            value: p.id.to_string(),
            label: name(&p.name, lang),
            selected: Some(&p.id) == party,
        })
        .collect())
}

/// The public statuses, to choose from.
fn status_choices(lang: Lang, status: Option<PublicStatus>) -> Vec<Choice> {
    PublicStatus::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: lang.t(&format!("talapker-status-{}", s.as_str())),
            selected: status == Some(*s),
        })
        .collect()
}

struct HistoryRow {
    at: String,
    status: String,
    detail: String,
}

struct DocumentRow {
    href: String,
    kind: String,
}

#[derive(Template)]
#[template(path = "candidates/templates/talapker_candidate.html")]
struct CandidateTemplate {
    ctx: PageCtx,
    election: String,
    row: CandidateRow,
    council_href: String,
    nominator: String,
    history: Vec<HistoryRow>,
    documents: Vec<DocumentRow>,
    /// The nomination's election fund (CMP-04), when it has one.
    fund: Option<crate::funds::FundPanel>,
}

/// `GET /talapker/{election}/candidates/{nomination}/{candidate}`.
pub(super) async fn candidate(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, nomination, candidate)): Path<(String, String, String)>,
) -> PageResult {
    let lang = ctx.lang;
    let election = election(&state, &ctx, &id).await?;
    let nomination = NominationId::parse(&nomination).map_err(|_| PageFail::not_found(lang))?;
    let candidate = CandidateId::parse(&candidate).map_err(|_| PageFail::not_found(lang))?;
    let filter = CandidateFilter {
        candidate: Some(candidate.clone()),
        ..CandidateFilter::default()
    };
    let found = candidates::public_candidates(state.store.as_ref(), &election, &filter)
        .await
        .or_page(lang)?
        .items
        .into_iter()
        .find(|c| c.nomination == nomination)
        .ok_or_else(|| PageFail::not_found(lang))?;
    let names = Names::of(state.store.as_ref(), std::slice::from_ref(&found))
        .await
        .or_page(lang)?;
    let history = candidates::history(state.store.as_ref(), &election, nomination)
        .await
        .or_page(lang)?
        .into_iter()
        .filter(|h| h.candidate.is_none() || h.candidate.as_ref() == Some(&candidate))
        .map(|h| HistoryRow {
            at: fmt_instant(h.at),
            status: lang
                .try_t(&format!("talapker-history-{}", h.status))
                .unwrap_or_else(|| h.status.clone()),
            detail: history_detail(lang, h.detail.as_deref(), h.note.as_deref()),
        })
        .collect();
    let documents = candidates::public_documents(state.store.as_ref(), &election, nomination)
        .await
        .or_page(lang)?
        .into_iter()
        .filter(|d| d.candidate.as_ref() == Some(&candidate))
        .map(|d| DocumentRow {
            href: format!("/talapker/{election}/documents/{nomination}/{}", d.digest),
            kind: lang.t(&format!("talapker-document-{}", d.kind.as_str())),
        })
        .collect();
    let fund = crate::funds::panel(&state, &ctx, &election, nomination).await?;
    let t = CandidateTemplate {
        fund,
        election: election.to_string(),
        council_href: format!("/talapker/{election}?council={}", found.council),
        nominator: nominator(&found, &names, lang),
        row: CandidateRow::new(&found, &names, lang),
        history,
        documents,
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

/// A history entry's detail in words: a ground or a reason by its rule, else as stored.
fn history_detail(lang: crate::kit::Lang, detail: Option<&str>, note: Option<&str>) -> String {
    let detail = detail.map(|d| {
        shailoo_domain::candidate::nomination::Ground::from_code(d)
            .map(|g| format!("{} ({})", lang.t(g.message_key()), g.rule()))
            .or_else(|| {
                shailoo_domain::candidate::nomination::CancellationReason::from_code(d)
                    .map(|r| format!("{} ({})", lang.t(r.message_key()), r.rule()))
            })
            .unwrap_or_else(|| d.to_owned())
    });
    [detail, note.map(str::to_owned)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" — ")
}

/// `GET /talapker/{election}/documents/{nomination}/{digest}`: a photo or a program of a filed
/// nomination; anything else (a consent, a party's decision) is not found here.
pub(super) async fn document(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, nomination, digest)): Path<(String, String, String)>,
) -> Result<Response, PageFail> {
    let lang = ctx.lang;
    let election = election(&state, &ctx, &id).await?;
    let nomination = NominationId::parse(&nomination).map_err(|_| PageFail::not_found(lang))?;
    let (_, doc) =
        candidates::public_document(state.store.as_ref(), &election, nomination, &digest)
            .await
            .or_page(lang)?
            .ok_or_else(|| PageFail::not_found(lang))?;
    let format = doc.format();
    let mut res = doc.bytes().to_vec().into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "candidates/templates/ballots.html")]
struct BallotsTemplate {
    ctx: PageCtx,
    election: String,
    council_id: String,
    council: String,
    /// Each ballot under its heading (the party lists, or the district).
    ballots: Vec<(String, BallotDto)>,
    /// Why there is no ballot yet (registration open, the order not set).
    message: Option<String>,
}

/// `GET /talapker/{election}/ballots/{council}`: the council's ballots once registration has
/// closed (RES-02), else why not yet.
pub(super) async fn ballots(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, council)): Path<(String, String)>,
) -> PageResult {
    let lang = ctx.lang;
    let election = election(&state, &ctx, &id).await?;
    let council = CouncilId::parse(&council).map_err(|_| PageFail::not_found(lang))?;
    let found = state
        .store
        .council(&council)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let (ballots, message) =
        match candidates::ballots(state.store.as_ref(), &election, &council, state.now()).await {
            Ok(b) => (
                b.iter()
                    .map(|b| {
                        let dto = ballot_dto(b, lang);
                        let heading = match &dto.district {
                            Some(d) => lang.t_args("talapker-district", &[("district", d.clone())]),
                            None => lang.t("talapker-party-lists"),
                        };
                        (heading, dto)
                    })
                    .collect(),
                None,
            ),
            Err(e @ shailoo_app::candidates::CandidacyError::Ballot(_)) => {
                (Vec::new(), Some(e.message(lang)))
            }
            Err(e) => return Err(PageFail::refused(lang, &e)),
        };
    let t = BallotsTemplate {
        election: election.to_string(),
        council_id: council.to_string(),
        council: format!(
            "{} ({})",
            name(&found.name, lang),
            lang.t(&format!("kind-{}", found.kind.as_str()))
        ),
        ballots,
        message,
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

/// The proof of one ballot as `shailoo_print` lays it out: its lines, against all last.
fn ballot_proof(
    b: &Ballot,
    lang: Lang,
    print_lang: shailoo_print::Lang,
    election: &str,
    council: &str,
) -> shailoo_print::BallotProof {
    let dto = ballot_dto(b, lang);
    let mut lines: Vec<shailoo_print::BallotLine> = dto
        .lines
        .iter()
        .map(|l| shailoo_print::BallotLine {
            number: l.number,
            label: l.label.clone(),
            detail: [l.birth_year.map(|y| y.to_string()), l.nominated_by.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    if dto.against_all {
        lines.push(shailoo_print::BallotLine {
            number: u32::try_from(lines.len())
                .unwrap_or(u32::MAX)
                .saturating_add(1),
            label: lang.t("talapker-against-all"),
            detail: String::new(),
        });
    }
    shailoo_print::BallotProof {
        lang: print_lang,
        title: lang.t("ballot-proof-title"),
        proof: lang.t("ballot-proof-mark"),
        instruction: lang.t("ballot-proof-instruction"),
        election: election.to_owned(),
        council: council.to_owned(),
        contest: match &dto.district {
            Some(d) => lang.t_args("talapker-district", &[("district", d.clone())]),
            None => lang.t("talapker-party-lists"),
        },
        lines,
    }
}

/// The PDFs of `proofs`, rendered off the async threads (Typst is CPU-bound).
async fn render_proofs(
    lang: Lang,
    council: &CouncilId,
    proofs: Vec<shailoo_print::BallotProof>,
) -> Result<Vec<Vec<u8>>, PageFail> {
    let rendered = tokio::task::spawn_blocking(move || {
        proofs
            .iter()
            .map(shailoo_print::render_ballot)
            .collect::<Result<Vec<_>, _>>()
    })
    .await;
    match rendered {
        Ok(Ok(p)) => Ok(p),
        Ok(Err(e)) => {
            tracing::error!(error = %e, council = %council, "ballot proof rendering failed");
            Err(PageFail::new(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                e.code(),
            ))
        }
        Err(e) => {
            tracing::error!(error = %e, council = %council, "ballot proof rendering panicked");
            let code = ErrorCode::PrintFailed;
            Err(PageFail::new(lang, StatusCode::INTERNAL_SERVER_ERROR, code))
        }
    }
}

/// `GET /talapker/{election}/ballots/{council}/proof.pdf?lang=ky|ru|en`: the proof of the
/// council's ballots (one page per contest: the city ballot, or each district's), laid out by
/// `shailoo_print` with Typst as the voter lists are; 409 while registration is open.
pub(super) async fn proof(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((id, council)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageFail> {
    let lang = ctx.lang;
    let election = election(&state, &ctx, &id).await?;
    let council = CouncilId::parse(&council).map_err(|_| PageFail::not_found(lang))?;
    let store = state.store.as_ref();
    let found = store
        .council(&council)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let election_name = store
        .election(&election)
        .await
        .or_page(lang)?
        .map_or_else(|| election.to_string(), |e| name(&e.name, lang));
    let ballots = candidates::ballots(store, &election, &council, state.now())
        .await
        .or_page(lang)?;
    let print_lang = shailoo_print::Lang::parse(lang.code())
        .map_err(|e| PageFail::new(lang, StatusCode::BAD_REQUEST, e.code()))?;
    // An aiyl council's district is chosen with `?district=` (the first otherwise).
    let wanted = q.get("district");
    let council_name = name(&found.name, lang);
    let proofs: Vec<shailoo_print::BallotProof> = ballots
        .iter()
        .filter(|b| match (&b.contest, wanted) {
            (Contest::District { district }, Some(w)) => district.as_str() == w,
            _ => true,
        })
        .take(1)
        .map(|b| ballot_proof(b, lang, print_lang, &election_name, &council_name))
        .collect();
    let pdfs = render_proofs(lang, &council, proofs).await?;
    let Some(pdf) = pdfs.into_iter().next() else {
        return Err(PageFail::not_found(lang));
    };
    let disposition = format!("inline; filename=\"ballot-{council}-{}.pdf\"", lang.code());
    let mut res = pdf.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
