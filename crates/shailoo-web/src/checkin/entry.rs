//! `GET /check-in`: where a member's check-in starts, from the staff menu. It lists the
//! stations the member's commission covers (a PEC its own, a TEC those of its PECs), each
//! with its full address and a link to its check-in page; a station number typed into its
//! form leads to any other one the account may check in at (the CEC's).

use crate::AppState;
use crate::kit::forms::station_number;
use crate::kit::input::Query;
use crate::kit::{OrRefused, PageCtx, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use shailoo_app::authz::{self, Power};
use std::collections::HashMap;

pub(crate) struct StationLink {
    pub number: u32,
    pub address: String,
}

#[derive(Template)]
#[template(path = "checkin/templates/entry.html")]
struct EntryTemplate {
    ctx: PageCtx,
    stations: Vec<StationLink>,
    station: String,
}

/// `GET /check-in?station=`.
pub(super) async fn entry(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let typed = q.get("station").map(String::as_str);
    if let Some(n) = station_number(typed) {
        return Ok(Redirect::to(&format!("/stations/{n}/check-in")).into_response());
    }
    let actor = ctx.require_staff()?.actor();
    let stations = match authz::listing_scope(&actor, Power::CheckInVoters) {
        Ok(Some(commission)) => crate::setup::stations_covered(&state, &commission)
            .await
            .or_page(lang)?,
        // Everywhere (the CEC), or nowhere: the form alone.
        Ok(None) | Err(_) => Vec::new(),
    };
    let addresses = shailoo_app::lookup::station_addresses(&*state.store, &stations)
        .await
        .or_page(lang)?;
    let t = EntryTemplate {
        stations: stations
            .iter()
            .zip(addresses)
            .map(|(s, a)| StationLink {
                number: s.number.get(),
                address: a.get(lang.code()).to_owned(),
            })
            .collect(),
        station: typed.unwrap_or_default().to_owned(),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}
