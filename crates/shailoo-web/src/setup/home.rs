//! The home page: the elections and the totals of the setup.

use crate::AppState;
use crate::kit::{OrRefused, PageCtx, PageResult, render};
use crate::setup::views::ElectionView;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;

#[derive(Template)]
#[template(path = "setup/templates/home.html")]
struct HomeTemplate {
    ctx: PageCtx,
    elections: Vec<ElectionView>,
    totals: shailoo_app::Totals,
}

/// `GET /`.
pub(super) async fn home(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let lang = ctx.lang;
    let elections = state.store.elections().await.or_page(lang)?;
    let totals = state.store.totals().await.or_page(lang)?;
    let t = HomeTemplate {
        elections: elections
            .iter()
            .map(|e| ElectionView::new(e, lang))
            .collect(),
        totals,
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}
