//! `GET /elections/{id}/turnout`: the public turnout by hour and station.

use crate::AppState;
use crate::kit::{OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shailoo_app::checkin::{self as app, Turnout};
use shailoo_domain::{ElectionId, ErrorCode};

#[derive(Template)]
#[template(path = "checkin/templates/turnout.html")]
struct TurnoutTemplate {
    ctx: PageCtx,
    turnout: Turnout,
}

pub(super) async fn turnout_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let lang = ctx.lang;
    let id = ElectionId::parse(&id)
        .map_err(|_| PageFail::new(lang, StatusCode::BAD_REQUEST, ErrorCode::BadId))?;
    let turnout = app::turnout(state.store.as_ref(), &id)
        .await
        .or_page(lang)?;
    Ok(render(StatusCode::OK, &TurnoutTemplate { ctx, turnout }))
}
