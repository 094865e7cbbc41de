//! Remote voting from the cabinet (VOT-07): the voter applies online until CAL-12, and may
//! withdraw their own application.

use crate::AppState;
use crate::cabinet::home::{cabinet_page, voter_election};
use crate::cabinet::{CsrfInput, adapters, require_voter};
use crate::kit::forms::station_number;
use crate::kit::input::Form;
use crate::kit::page::Feedback;
use crate::kit::{PageCtx, PageFail, PageResult};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shailoo_app::remote::{self, Decision, RemoteVotingError};
use shailoo_app::users::Actor;
use shailoo_domain::ErrorCode;

#[derive(Debug, Default, Deserialize)]
pub(super) struct ApplyInput {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    station: Option<String>,
}

/// `POST /cabinet/remote-voting`: the voter applies online (VOT-07), until CAL-12.
pub(super) async fn apply(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    form: Form<ApplyInput>,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let Form(input) = form;
    let session = require_voter(&state, lang, &headers, input.csrf.as_deref()).await?;
    let (election, _) = voter_election(&state, lang, &session.pin).await?;
    let Some(election) = election else {
        return Err(PageFail::not_found(lang));
    };
    let Some(station) = station_number(input.station.as_deref()) else {
        let m = lang.error(ErrorCode::RemoteNotRemoteStation);
        let feedback = Feedback::refused(StatusCode::UNPROCESSABLE_ENTITY, m);
        return cabinet_page(&state, ctx, &session, feedback).await;
    };
    let actor = Actor::Voter { pin: session.pin };
    let filed = remote::file(
        &*state.store,
        &actor,
        &election.id,
        &session.pin,
        station,
        state.now(),
    );
    match filed.await {
        Ok(_) => Ok(Redirect::to("/cabinet?done=remote_filed").into_response()),
        Err(e) => cabinet_page(&state, ctx, &session, Feedback::for_voter(lang, &e)).await,
    }
}

/// `POST /cabinet/remote-voting/{id}/cancel`: the voter withdraws their own application.
pub(super) async fn cancel(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    form: Form<CsrfInput>,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let Form(input) = form;
    let session = require_voter(&state, lang, &headers, input.csrf.as_deref()).await?;
    let (election, _) = voter_election(&state, lang, &session.pin).await?;
    let Some(election) = election else {
        return Err(PageFail::not_found(lang));
    };
    let actor = Actor::Voter { pin: session.pin };
    let now = state.now();
    match remote::decide(
        &*state.store,
        &actor,
        &election.id,
        id,
        Decision::Cancel,
        now,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/cabinet?done=remote_cancelled").into_response()),
        // Someone else's application, or none: the same answer, no hint which.
        Err(RemoteVotingError::Forbidden | RemoteVotingError::UnknownApplication(_)) => {
            Err(PageFail::forbidden(lang))
        }
        Err(e) => cabinet_page(&state, ctx, &session, Feedback::for_voter(lang, &e)).await,
    }
}
