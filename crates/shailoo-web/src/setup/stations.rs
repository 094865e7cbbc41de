//! Polling stations: the list with its filters, and one station with its PEC, council,
//! settlement, accessibility and, for staff covering it, the printable voter lists.

use crate::AppState;
use crate::access::AccessView;
use crate::kit::format::name;
use crate::kit::forms::non_empty;
use crate::kit::page::Choice;
use crate::kit::pager::{Pager, page_of};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use crate::setup::views::StationRow;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use shailoo_app::StationFilter;
use shailoo_domain::ErrorCode;
use shailoo_domain::StationNumber;
use shailoo_domain::territory::PollingStation;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "setup/templates/stations.html")]
struct StationsTemplate {
    ctx: PageCtx,
    q: String,
    remote: Vec<Choice>,
    stations: Vec<StationRow>,
    pager: Pager,
}

/// `GET /stations?q=&remote=yes|no&page=`.
pub(super) async fn stations(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let query = non_empty(q.get("q").map(String::as_str));
    let remote = match q.get("remote").map(String::as_str) {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    let filter = StationFilter {
        remote_voting: remote,
        query: query.clone(),
        page: page_of(&q),
        ..StationFilter::default()
    };
    let result = state.store.stations(&filter).await.or_page(lang)?;
    let choices = [
        ("yes", "stations-remote-only", Some(true)),
        ("no", "stations-regular-only", Some(false)),
    ]
    .iter()
    .map(|(v, key, r)| Choice {
        value: (*v).to_owned(),
        label: lang.t(key),
        selected: remote == *r,
    })
    .collect();
    let t = StationsTemplate {
        q: query.unwrap_or_default(),
        remote: choices,
        stations: result
            .items
            .iter()
            .map(|s| StationRow::new(s, lang))
            .collect(),
        pager: Pager::new(&ctx, result.page, result.per_page, result.total),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

pub(crate) struct StationView {
    pub number: u32,
    pub address: String,
    pub remote: bool,
    pub commission_id: String,
    pub commission: String,
    pub council_id: String,
    pub council: String,
    pub territory: String,
    /// Whether the premises suit voters with disabilities, and what they lack.
    pub access: AccessView,
}

#[derive(Template)]
#[template(path = "setup/templates/station.html")]
struct StationTemplate {
    ctx: PageCtx,
    station: StationView,
    added: bool,
    /// Links to the printable voter lists, for staff whose commission covers the station.
    print_links: bool,
    /// The link to record a survey of the premises, for staff who may.
    survey_link: bool,
}

/// The station with the names of what it refers to (its id where a name is missing).
async fn station_view(
    state: &AppState,
    lang: Lang,
    s: &PollingStation,
) -> Result<StationView, PageFail> {
    let store = &state.store;
    let commission = store.commission(&s.commission).await.or_page(lang)?;
    let council = store.council(&s.council).await.or_page(lang)?;
    let territory = store.territory(&s.territory).await.or_page(lang)?;
    Ok(StationView {
        number: s.number.get(),
        address: name(&s.address, lang),
        remote: s.remote_voting,
        commission_id: s.commission.to_string(),
        commission: commission.map_or_else(|| s.commission.to_string(), |c| name(&c.name, lang)),
        council_id: s.council.to_string(),
        council: council.map_or_else(|| s.council.to_string(), |c| name(&c.name, lang)),
        territory: territory.map_or_else(|| s.territory.to_string(), |t| name(&t.name, lang)),
        access: AccessView::new(lang, &s.accessibility),
    })
}

/// `GET /stations/{number}`.
pub(super) async fn station(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(number): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let number = StationNumber::parse(&number)
        .map_err(|_| PageFail::new(lang, StatusCode::BAD_REQUEST, ErrorCode::BadStationNumber))?;
    let s = state
        .store
        .station(number)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let view = station_view(&state, lang, &s).await?;
    let print_links = match ctx.staff() {
        Some(staff) => crate::print::may_print(state.store.as_ref(), &staff.actor(), &s)
            .await
            .or_page(lang)?,
        None => false,
    };
    let survey_link = match ctx.staff() {
        Some(staff) => crate::access::may_survey(state.store.as_ref(), &staff.actor(), &s)
            .await
            .or_page(lang)?,
        None => false,
    };
    let t = StationTemplate {
        station: view,
        added: q.contains_key("added"),
        print_links,
        survey_link,
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}
