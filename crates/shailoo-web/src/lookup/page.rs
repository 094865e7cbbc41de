//! `GET /lookup[?pin=…&election=…]`: the portal's "where do I vote?" form and its answer.

use crate::AppState;
use crate::kit::client::ClientIp;
use crate::kit::fail::no_store;
use crate::kit::page::error_page;
use crate::kit::rate_limit::{Decision, set_retry_after};
use crate::kit::{Lang, PageCtx, PageFail};
use crate::lookup::{not_found_message, pin_problem};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shailoo_app::lookup::{LookupOutcome, StationInfo};
use shailoo_domain::{ElectionId, ErrorCode, Pin};
use std::collections::HashMap;

pub(crate) struct StationView {
    pub number: u32,
    pub address: String,
    pub commission: String,
}

pub(crate) struct ResultView {
    pub station: StationView,
    pub council: String,
    pub remote: Option<StationView>,
    pub election: String,
}

pub(crate) fn station_view(s: &StationInfo, lang: Lang) -> StationView {
    StationView {
        number: s.number.get(),
        address: s.address.get(lang.code()).to_owned(),
        commission: s.commission_name.get(lang.code()).to_owned(),
    }
}

#[derive(Template)]
#[template(path = "lookup/templates/lookup.html")]
struct LookupTemplate {
    ctx: PageCtx,
    pin: String,
    election: Option<String>,
    error: Option<String>,
    result: Option<ResultView>,
}

/// Answers about a PIN are never cached.
fn render(status: StatusCode, t: &LookupTemplate) -> Response {
    no_store(crate::kit::render(status, t))
}

/// `GET /lookup[?pin=…&election=…]`: the form, and the answer when a PIN was sent.
pub(super) async fn lookup_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = ctx.lang;
    let election_param = q
        .get("election")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let mut page = LookupTemplate {
        pin: q.get("pin").cloned().unwrap_or_default(),
        election: election_param.clone(),
        error: None,
        result: None,
        ctx,
    };
    // Showing the empty form is not a look-up and costs nothing.
    if !q.contains_key("pin") {
        return render(StatusCode::OK, &page);
    }
    if let Decision::Limited { retry_after } = state.lookup.ip.check_ip(ip) {
        page.error = Some(lang.t_args(
            "lookup-rate-limited",
            &[("seconds", retry_after.as_secs().max(1).to_string())],
        ));
        let mut r = render(StatusCode::TOO_MANY_REQUESTS, &page);
        set_retry_after(&mut r, retry_after);
        return r;
    }
    let pin = match Pin::parse(&page.pin) {
        Ok(pin) => pin,
        Err(e) => {
            page.error = Some(pin_problem(lang, &e));
            return render(StatusCode::BAD_REQUEST, &page);
        }
    };
    let election = match election_param.as_deref().map(ElectionId::parse).transpose() {
        Ok(e) => e,
        Err(_) => return error_page(lang, StatusCode::NOT_FOUND, ErrorCode::UnknownElection),
    };
    match state.lookup.find(election.as_ref(), &pin).await {
        Ok(LookupOutcome::Found { election, station }) => {
            page.result = Some(ResultView {
                station: station_view(&station.station, lang),
                council: station.council.name.get(lang.code()).to_owned(),
                remote: station
                    .remote_voting_station
                    .as_deref()
                    .map(|s| station_view(s, lang)),
                election: election.name.get(lang.code()).to_owned(),
            });
            render(StatusCode::OK, &page)
        }
        Ok(LookupOutcome::NotOnList { election }) => {
            page.error = Some(not_found_message(&state, lang, &election).await);
            render(StatusCode::NOT_FOUND, &page)
        }
        Ok(LookupOutcome::UnknownElection) => {
            error_page(lang, StatusCode::NOT_FOUND, ErrorCode::UnknownElection)
        }
        Ok(LookupOutcome::NoElection) => {
            error_page(lang, StatusCode::NOT_FOUND, ErrorCode::NotFound)
        }
        Err(e) => PageFail::refused(lang, &e).into_response(),
    }
}
