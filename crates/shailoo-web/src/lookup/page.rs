//! `GET /lookup[?pin=…&election=…]`: the portal's "where do I vote?" form and its answer.

use crate::AppState;
use crate::access::AccessView;
use crate::kit::client::ClientIp;
use crate::kit::fail::no_store;
use crate::kit::format::{fmt_date, fmt_time};
use crate::kit::input::Query;
use crate::kit::page::error_page;
use crate::kit::rate_limit::{Decision, set_retry_after};
use crate::kit::{Lang, PageCtx, PageFail};
use crate::lookup::{not_found_message, pin_problem};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shailoo_app::lookup::{DistrictInfo, LookupOutcome, StationInfo, VoterStation, VotingHours};
use shailoo_domain::territory::Election;
use shailoo_domain::{ElectionId, ErrorCode, Pin};
use std::collections::HashMap;

/// A station as the look-up page and the cabinet show it.
pub(crate) struct StationView {
    pub number: u32,
    pub address: String,
    pub commission: String,
    /// The PEC's phone: `(as shown, E.164 for the tel: link)`.
    pub phone: Option<(String, String)>,
    /// Whether the premises suit a voter with a disability.
    pub access: AccessView,
}

pub(crate) struct ResultView {
    pub station: StationView,
    pub council: String,
    pub remote: Option<StationView>,
    pub election: String,
    /// "17.11.2024, 08:00–20:00" (CAL-16, from the calendar).
    pub hours: Option<String>,
    /// "№ 3 (2 mandates)": the aiyl voter's electoral district.
    pub district: Option<String>,
}

pub(crate) fn station_view(s: &StationInfo, lang: Lang) -> StationView {
    StationView {
        number: s.number.get(),
        address: s.address.get(lang.code()).to_owned(),
        commission: s.commission_name.get(lang.code()).to_owned(),
        phone: s.commission_phone.map(|p| (p.display(), p.e164())),
        access: AccessView::new(lang, &s.accessibility),
    }
}

/// Voting day and hours, in the reader's words.
pub(crate) fn hours_text(lang: Lang, h: &VotingHours) -> String {
    lang.t_args(
        "lookup-hours-value",
        &[
            ("day", fmt_date(h.day)),
            ("opens", fmt_time(h.opens)),
            ("closes", fmt_time(h.closes)),
        ],
    )
}

/// The district with its mandates, in the reader's words.
pub(crate) fn district_text(lang: Lang, d: &DistrictInfo) -> String {
    lang.t_args(
        "lookup-district-value",
        &[
            ("district", d.id.to_string()),
            ("seats", d.seats.to_string()),
        ],
    )
}

/// Everything the answer shows about where and when the voter votes.
pub(crate) fn result_view(lang: Lang, election: &Election, v: &VoterStation) -> ResultView {
    ResultView {
        station: station_view(&v.station, lang),
        council: v.council.name.get(lang.code()).to_owned(),
        remote: v
            .remote_voting_station
            .as_deref()
            .map(|s| station_view(s, lang)),
        election: election.name.get(lang.code()).to_owned(),
        hours: v.hours.as_ref().map(|h| hours_text(lang, h)),
        district: v.district.as_deref().map(|d| district_text(lang, d)),
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
            page.result = Some(result_view(lang, &election, &station));
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
