//! Polling stations: the list with its filters, and one station with its PEC, council,
//! settlement, accessibility and, for staff covering it, the printable voter lists.

use crate::AppState;
use crate::access::AccessView;
use crate::kit::format::name;
use crate::kit::forms::non_empty;
use crate::kit::input::Query;
use crate::kit::page::Choice;
use crate::kit::pager::{Pager, page_of};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use crate::setup::views::StationRow;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shailoo_app::{CommissionFilter, CouncilFilter, PageRequest, StationFilter, StoreError};
use shailoo_domain::ErrorCode;
use shailoo_domain::territory::PollingStation;
use shailoo_domain::{CommissionId, CouncilId, StationNumber};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "setup/templates/stations.html")]
struct StationsTemplate {
    ctx: PageCtx,
    q: String,
    remote: Vec<Choice>,
    councils: Vec<Choice>,
    stations: Vec<StationRow>,
    pager: Pager,
}

/// Every council to filter by, in the reader's alphabetical order.
async fn council_choices(
    state: &AppState,
    lang: Lang,
    selected: Option<&CouncilId>,
) -> Result<Vec<Choice>, PageFail> {
    let mut all_councils = Vec::new();
    for page in 1.. {
        let p = state
            .store
            .councils(&CouncilFilter {
                page: PageRequest {
                    page,
                    per_page: PageRequest::MAX_PER_PAGE,
                },
                ..CouncilFilter::default()
            })
            .await
            .or_page(lang)?;
        let last = p.items.len() < PageRequest::MAX_PER_PAGE as usize;
        all_councils.extend(p.items);
        if last {
            break;
        }
    }
    all_councils.sort_by(|a, b| a.name.get(lang.code()).cmp(b.name.get(lang.code())));
    Ok(all_councils
        .iter()
        .map(|c| Choice {
            value: c.id.to_string(),
            label: name(&c.name, lang),
            selected: selected == Some(&c.id),
        })
        .collect())
}

/// `GET /stations?q=&council=&remote=yes|no&page=`: the council's stations, as the API filters
/// them.
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
    let council = q
        .get("council")
        .and_then(|c| CouncilId::parse(c.trim()).ok());
    let filter = StationFilter {
        council: council.clone(),
        remote_voting: remote,
        query: query.clone(),
        page: page_of(&q),
        ..StationFilter::default()
    };
    let result = state.store.stations(&filter).await.or_page(lang)?;
    let councils = council_choices(&state, lang, council.as_ref()).await?;
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
        councils,
        stations: StationRow::all(&state, &result.items, lang)
            .await
            .or_page(lang)?,
        pager: Pager::new(&ctx, result.page, result.per_page, result.total),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

/// The stations a commission covers: its own, and those of the commissions right under it
/// (a TEC's PECs), by number; at most 500 per commission.
pub(crate) async fn stations_covered(
    state: &AppState,
    commission: &CommissionId,
) -> Result<Vec<PollingStation>, StoreError> {
    let all = PageRequest {
        page: 1,
        per_page: PageRequest::MAX_PER_PAGE,
    };
    let children = state
        .store
        .commissions(&CommissionFilter {
            parent: Some(commission.clone()),
            page: all,
            ..CommissionFilter::default()
        })
        .await?;
    let mut stations = Vec::new();
    for c in std::iter::once(commission).chain(children.items.iter().map(|c| &c.id)) {
        let filter = StationFilter {
            commission: Some(c.clone()),
            page: all,
            ..StationFilter::default()
        };
        stations.extend(state.store.stations(&filter).await?.items);
    }
    stations.sort_by_key(|s| s.number);
    Ok(stations)
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
    let address = shailoo_app::lookup::station_addresses(&**store, std::slice::from_ref(s))
        .await
        .or_page(lang)?
        .pop()
        .map_or_else(|| name(&s.address, lang), |a| a.get(lang.code()).to_owned());
    Ok(StationView {
        number: s.number.get(),
        address,
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
