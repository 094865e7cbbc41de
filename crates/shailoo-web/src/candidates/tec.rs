//! The TEC's other work on nominations besides deciding them (`queue.rs`): running again the
//! checks that could not check (a registry was down: never a verdict), cancelling a
//! registration with its reason and the decision's note (CAN-09), and setting the order of
//! the parties on a city ballot before the ballots are fixed (RES-02). Each step is a use case
//! of `shailoo_app::candidates` that asks the calendar and writes its audit entry.

use super::filing;
use crate::AppState;
use crate::kit::format::name;
use crate::kit::forms::election_of;
use crate::kit::input::{Form, Query};
use crate::kit::page::{Choice, Feedback};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shailoo_app::candidates::{self, CandidacyError, NominationFilter, NominationRecord, Stage};
use shailoo_domain::candidate::PartyId;
use shailoo_domain::candidate::nomination::{Cancellation, CancellationReason, NominationKind};
use shailoo_domain::params::Coded;
use shailoo_domain::{CouncilId, ElectionId, ErrorCode};
use std::collections::{BTreeMap, HashMap};

/// `POST /candidacies/{election}/{id}/checks`: runs again the checks of the candidates whose
/// latest results could not check; back to the queue.
pub(super) async fn recheck(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    Form(input): Form<CsrfInput>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff_csrf(input.csrf.as_deref())?.actor();
    let (election, id) = filing::path_ids(&state, lang, &election, &id).await?;
    let runner = filing::runner(&state);
    let store = state.store.as_ref();
    let done = candidates::run_checks(store, &runner, &actor, &election, id, state.now()).await;
    match done {
        Ok(_) => {
            let to = format!("/candidacies/queue?election={election}&done=rechecked");
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ CandidacyError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(CandidacyError::UnknownNomination(_)) => Err(PageFail::not_found(lang)),
        Err(e) => super::queue::render_page(&state, ctx, &election, Feedback::of(lang, &e)).await,
    }
}

#[derive(Deserialize)]
pub(super) struct CsrfInput {
    csrf: Option<String>,
}

struct RegisteredRow {
    id: String,
    heading: String,
    candidates: Vec<Choice>,
    list: bool,
}

#[derive(Template)]
#[template(path = "candidates/templates/registrations.html")]
struct RegistrationsTemplate {
    ctx: PageCtx,
    election: String,
    notice: Option<String>,
    message: Option<String>,
    rows: Vec<RegisteredRow>,
    reasons: Vec<Choice>,
}

/// `GET /candidacies/registrations?election=&done=`: the registered nominations of the
/// member's commissions, each with the form that cancels it or one of its candidates.
pub(super) async fn registrations(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    ctx.require_staff()?;
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let notice = q
        .get("done")
        .and_then(|d| lang.try_t(&format!("registrations-done-{d}")));
    registrations_page(&state, ctx, &election.id, Feedback::ok(notice)).await
}

async fn registered(
    state: &AppState,
    ctx: &PageCtx,
    election: &ElectionId,
) -> Result<Vec<NominationRecord>, PageFail> {
    let actor = ctx.require_staff()?.actor();
    let filter = NominationFilter {
        stage: Some(Stage::Registered),
        ..NominationFilter::default()
    };
    candidates::nominations(state.store.as_ref(), &actor, election, &filter)
        .await
        .or_page(ctx.lang)
}

async fn registrations_page(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    feedback: Feedback,
) -> PageResult {
    let lang = ctx.lang;
    let records = registered(state, &ctx, election).await?;
    let mut rows = Vec::with_capacity(records.len());
    for r in &records {
        rows.push(RegisteredRow {
            id: r.id.to_string(),
            heading: filing::heading(state.store.as_ref(), lang, r).await?,
            candidates: r
                .nomination
                .standing()
                .map(|(p, e)| Choice {
                    value: e.candidate.to_string(),
                    label: format!("{p}. {}", e.identity.record().name),
                    selected: false,
                })
                .collect(),
            list: matches!(r.nomination.kind, NominationKind::CityList { .. }),
        });
    }
    let t = RegistrationsTemplate {
        election: election.to_string(),
        notice: feedback.notice,
        message: feedback.message,
        rows,
        reasons: reason_choices(lang),
        ctx,
    };
    Ok(render(feedback.status, &t))
}

fn reason_choices(lang: Lang) -> Vec<Choice> {
    CancellationReason::ALL
        .iter()
        .map(|r| Choice {
            value: r.code().to_owned(),
            label: format!("{} — {}", r.rule(), lang.t(r.message_key())),
            selected: false,
        })
        .collect()
}

#[derive(Deserialize)]
pub(super) struct CancelInput {
    csrf: Option<String>,
    reason: Option<String>,
    note: Option<String>,
    /// One candidate of a list; empty: the whole registration.
    candidate: Option<String>,
}

/// `POST /candidacies/{election}/{id}/cancel`: cancels a registration (or one candidate's on a
/// list) with its reason and the note naming the commission's decision.
pub(super) async fn cancel(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    Form(input): Form<CancelInput>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff_csrf(input.csrf.as_deref())?.actor();
    let (election, id) = filing::path_ids(&state, lang, &election, &id).await?;
    let Some(reason) = input
        .reason
        .as_deref()
        .and_then(CancellationReason::from_code)
    else {
        let m = lang.t("registrations-error-reason");
        let feedback = Feedback::refused(StatusCode::UNPROCESSABLE_ENTITY, m);
        return registrations_page(&state, ctx, &election, feedback).await;
    };
    let candidate = match input.candidate.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(
            shailoo_domain::candidate::CandidateId::parse(c).map_err(|_| {
                PageFail::new(lang, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::BadForm)
            })?,
        ),
    };
    let cancellation = Cancellation {
        reason,
        note: input.note.unwrap_or_default(),
    };
    let store = state.store.as_ref();
    let done = candidates::cancel_registration(
        store,
        &actor,
        &election,
        id,
        candidate,
        cancellation,
        state.now(),
    )
    .await;
    match done {
        Ok(_) => {
            let to = format!("/candidacies/registrations?election={election}&done=cancelled");
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ CandidacyError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(CandidacyError::UnknownNomination(_)) => Err(PageFail::not_found(lang)),
        Err(e) => registrations_page(&state, ctx, &election, Feedback::of(lang, &e)).await,
    }
}

struct PartyRow {
    id: String,
    name: String,
    position: usize,
}

#[derive(Template)]
#[template(path = "candidates/templates/ballot_order.html")]
struct BallotOrderTemplate {
    ctx: PageCtx,
    election: String,
    notice: Option<String>,
    message: Option<String>,
    councils: Vec<Choice>,
    council: Option<String>,
    parties: Vec<PartyRow>,
}

/// `GET /candidacies/ballot-order?election=&council=&done=`: the city councils with registered
/// lists under the member's commissions; for the one chosen, its parties in the order set so
/// far (else in the order their lists were filed), each with its position to set.
pub(super) async fn ballot_order(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    ctx.require_staff()?;
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let notice = q
        .get("done")
        .and_then(|d| lang.try_t(&format!("ballot-order-done-{d}")));
    let council = q.get("council").and_then(|c| CouncilId::parse(c).ok());
    ballot_order_page(&state, ctx, &election.id, council, Feedback::ok(notice)).await
}

async fn ballot_order_page(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    council: Option<CouncilId>,
    feedback: Feedback,
) -> PageResult {
    let lang = ctx.lang;
    let store = state.store.as_ref();
    // The city lists registered under the member's commissions, by council.
    let mut lists: BTreeMap<CouncilId, Vec<PartyId>> = BTreeMap::new();
    for r in registered(state, &ctx, election).await? {
        if let NominationKind::CityList { party } = &r.nomination.kind {
            lists
                .entry(r.nomination.council.clone())
                .or_default()
                .push(party.clone());
        }
    }
    let mut councils = Vec::with_capacity(lists.len());
    for id in lists.keys() {
        let label = store
            .council(id)
            .await
            .or_page(lang)?
            .map_or_else(|| id.to_string(), |c| name(&c.name, lang));
        councils.push(Choice {
            value: id.to_string(),
            label,
            selected: council.as_ref() == Some(id),
        });
    }
    let parties = match council
        .as_ref()
        .and_then(|c| lists.remove(c).map(|l| (c, l)))
    {
        Some((c, listed)) => party_rows(state, lang, election, c, listed).await?,
        None => Vec::new(),
    };
    let t = BallotOrderTemplate {
        election: election.to_string(),
        notice: feedback.notice,
        message: feedback.message,
        councils,
        council: council.map(|c| c.to_string()),
        parties,
        ctx,
    };
    Ok(render(feedback.status, &t))
}

/// The parties of a council's registered lists in the order set so far (else in the order
/// their lists were filed), numbered.
async fn party_rows(
    state: &AppState,
    lang: Lang,
    election: &ElectionId,
    council: &CouncilId,
    mut listed: Vec<PartyId>,
) -> Result<Vec<PartyRow>, PageFail> {
    let store = state.store.as_ref();
    // The listing is newest first.
    listed.reverse();
    if let Some(set) = store.ballot_order(election, council).await.or_page(lang)? {
        listed.sort_by_key(|p| set.iter().position(|s| s == p).unwrap_or(usize::MAX));
    }
    let names: HashMap<PartyId, String> = store
        .parties()
        .await
        .or_page(lang)?
        .into_iter()
        .map(|p| (p.id, name(&p.name, lang)))
        .collect();
    Ok(listed
        .into_iter()
        .enumerate()
        .map(|(i, p)| PartyRow {
            name: names.get(&p).cloned().unwrap_or_else(|| p.to_string()),
            id: p.to_string(),
            position: i + 1,
        })
        .collect())
}

/// `POST /candidacies/{election}/ballots/{council}/order`: the position of each party
/// (`position.<party>`), the order of the city ballot (RES-02).
pub(super) async fn set_ballot_order(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, council)): Path<(String, String)>,
    Form(input): Form<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx
        .require_staff_csrf(input.get("csrf").map(String::as_str))?
        .actor();
    let election = election_of(&state, lang, Some(&election)).await?.id;
    let council = CouncilId::parse(&council).map_err(|_| PageFail::not_found(lang))?;
    let mut positions = Vec::new();
    for (key, value) in &input {
        let Some(party) = key.strip_prefix("position.") else {
            continue;
        };
        let (Ok(party), Ok(position)) = (PartyId::parse(party), value.trim().parse::<u32>()) else {
            let m = lang.t("ballot-order-error-position");
            let feedback = Feedback::refused(StatusCode::UNPROCESSABLE_ENTITY, m);
            return ballot_order_page(&state, ctx, &election, Some(council), feedback).await;
        };
        positions.push((position, party));
    }
    positions.sort();
    let order: Vec<PartyId> = positions.into_iter().map(|(_, p)| p).collect();
    let store = state.store.as_ref();
    match candidates::set_ballot_order(store, &actor, &election, &council, order, state.now()).await
    {
        Ok(_) => {
            let to =
                format!("/candidacies/ballot-order?election={election}&council={council}&done=set");
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ CandidacyError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(e) => {
            ballot_order_page(
                &state,
                ctx,
                &election,
                Some(council),
                Feedback::of(lang, &e),
            )
            .await
        }
    }
}
