//! `POST /cabinet/claims`: the voter files a claim about the list (VOT-08) with a passport
//! copy, until CAL-11; the PEC of the station decides.

use crate::AppState;
use crate::cabinet::home::{cabinet_page, voter_election};
use crate::cabinet::{adapters, require_voter};
use crate::claims::parse_claim;
use crate::kit::forms::{MultipartForm, station_number};
use crate::kit::input::Multipart;
use crate::kit::page::Feedback;
use crate::kit::{OrRefused, PageCtx, PageFail, PageResult};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use shailoo_app::claims;
use shailoo_app::users::Actor;

/// `POST /cabinet/claims` (multipart).
pub(super) async fn file(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let form = MultipartForm::read(lang, multipart, "passport").await?;
    let session = require_voter(&state, lang, &headers, form.field("csrf")).await?;
    let (election, _) = voter_election(&state, lang, &session.pin).await?;
    let Some(election) = election else {
        return Err(PageFail::not_found(lang));
    };
    let store = &*state.store;
    // The claim goes to the station the voter is listed at; else the one they chose.
    let listed = claims::listed_station(store, &election.id, &session.pin)
        .await
        .or_page(lang)?;
    let station = listed.or_else(|| station_number(form.field("station")));
    let (draft, copy) = match parse_claim(lang, &form, Some(session.pin), station) {
        Ok(parsed) => parsed,
        Err(feedback) => return cabinet_page(&state, ctx, &session, feedback).await,
    };
    let actor = Actor::Voter { pin: session.pin };
    match claims::file(store, &actor, &election.id, draft, copy, state.now()).await {
        Ok(_) => Ok(Redirect::to("/cabinet?done=claim_filed").into_response()),
        Err(e) => cabinet_page(&state, ctx, &session, Feedback::for_voter(lang, &e)).await,
    }
}
