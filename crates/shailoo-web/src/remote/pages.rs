//! `/remote-voting`: the applications with filters, the counts per remote-voting station, and
//! the forms to file, decide and set a station's places.
//!
//! Every POST carries the session's CSRF token. Refusals (closed calendar, full station, voter
//! not on a list…) re-render the page with the reason in the reader's language; a refused
//! permission is the 403 error page.

use crate::AppState;
use crate::kit::format::fmt_instant;
use crate::kit::forms::{election_of, station_number};
use crate::kit::input::{Form, Query};
use crate::kit::page::{Choice, Feedback};
use crate::kit::session::Staff;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shailoo_app::StoreError;
use shailoo_app::authz::{self, Power, Target};
use shailoo_app::remote::{
    self as app, ApplicationFilter, ApplicationStatus, Decision, RemoteApplication,
    RemoteStationCount, RemoteVotingError,
};
use shailoo_app::setup;
use shailoo_app::users::Actor;
use shailoo_domain::territory::Election;
use shailoo_domain::{ElectionId, ErrorCode, Pin, StationNumber};
use std::collections::HashMap;

struct CountRow {
    station: String,
    applied: u64,
    approved: u64,
    capacity: u64,
}

struct AppRow {
    id: i64,
    pin: String,
    station: String,
    status: String,
    status_label: String,
    reason: String,
    filed: String,
    /// Approve and reject are offered only to who may decide for the station
    /// ([`Power::DecideRemoteApplication`] over its commission).
    may_decide: bool,
    /// Cancel: the decider, or who files on voters' behalf.
    may_cancel: bool,
}

#[derive(Template)]
#[template(path = "remote/templates/remote_voting.html")]
struct RemoteTemplate {
    ctx: PageCtx,
    election: String,
    notice: Option<String>,
    message: Option<String>,
    counts: Vec<CountRow>,
    rows: Vec<AppRow>,
    stations: Vec<Choice>,
    statuses: Vec<Choice>,
    pin: String,
    is_cec: bool,
}

/// The account, if remote voting is its business ([`Power::ViewRemoteApplications`]): PEC
/// members see nothing here, remote voting is decided above the precinct.
fn tec_or_cec(lang: Lang, staff: &Staff) -> Result<Actor, PageFail> {
    let actor = staff.actor();
    if authz::holds(&actor, Power::ViewRemoteApplications) {
        Ok(actor)
    } else {
        Err(PageFail::forbidden(lang))
    }
}

/// A row with the buttons the member may press: `may` says whether they may decide for the
/// application's station, and whether they may file (and so cancel) there.
fn app_row(lang: Lang, a: &RemoteApplication, may: StationPowers) -> AppRow {
    let pending = a.status == ApplicationStatus::Applied;
    AppRow {
        id: a.id,
        pin: a.pin.as_str().to_owned(),
        station: a.remote_station.to_string(),
        status: a.status.as_str().to_owned(),
        status_label: lang.t(&format!("remote-status-{}", a.status.as_str())),
        reason: a.reason.clone().unwrap_or_default(),
        filed: format!("{} · {}", fmt_instant(a.filed_at), a.filed_by),
        may_decide: pending && may.decides,
        may_cancel: a.status.is_live() && (may.decides || may.files),
    }
}

/// What a member may do at one remote-voting station.
#[derive(Debug, Clone, Copy, Default)]
struct StationPowers {
    decides: bool,
    files: bool,
}

/// For each remote-voting station of `apps`, whether `actor` may decide its applications and
/// file (or cancel) there.
async fn deciding(
    state: &AppState,
    actor: &Actor,
    apps: &[RemoteApplication],
) -> Result<HashMap<StationNumber, StationPowers>, StoreError> {
    let mut powers = HashMap::new();
    for a in apps {
        if let std::collections::hash_map::Entry::Vacant(slot) = powers.entry(a.remote_station) {
            let chain = setup::station_chain(&*state.store, a.remote_station).await?;
            let within = Target::Within(&chain);
            slot.insert(StationPowers {
                decides: authz::allowed(actor, Power::DecideRemoteApplication, within),
                files: authz::allowed(actor, Power::FileRemoteApplication, within),
            });
        }
    }
    Ok(powers)
}

fn count_row(c: &RemoteStationCount) -> CountRow {
    CountRow {
        station: c.station.to_string(),
        applied: c.applied,
        approved: c.approved,
        capacity: c.capacity,
    }
}

/// The remote stations to filter by, each with its approved applications and capacity.
fn station_choices(counts: &[RemoteStationCount], selected: Option<StationNumber>) -> Vec<Choice> {
    counts
        .iter()
        .map(|c| Choice {
            value: c.station.to_string(),
            label: format!("№ {} ({}/{})", c.station, c.approved, c.capacity),
            selected: selected == Some(c.station),
        })
        .collect()
}

/// The page of `election`, filtered by `q` (`status`, `station`, `pin`).
async fn render_page(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    q: &HashMap<String, String>,
    feedback: Feedback,
) -> PageResult {
    let lang = ctx.lang;
    let filter = ApplicationFilter {
        status: q.get("status").and_then(|s| ApplicationStatus::parse(s)),
        station: station_number(q.get("station").map(String::as_str)),
        pin: q.get("pin").and_then(|p| Pin::parse(p.trim()).ok()),
        within: None,
    };
    let actor = ctx.require_staff()?.actor();
    let store = &state.store;
    let capacity = shailoo_app::remote::default_capacity(store.as_ref(), election)
        .await
        .or_page(lang)?;
    let counts = store
        .remote_station_counts(election, capacity)
        .await
        .or_page(lang)?;
    let apps = app::applications(&**store, &actor, election, &filter)
        .await
        .or_page(lang)?;
    let decides = deciding(state, &actor, &apps).await.or_page(lang)?;
    let stations = station_choices(&counts, filter.station);
    let statuses = ApplicationStatus::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: lang.t(&format!("remote-status-{}", s.as_str())),
            selected: filter.status == Some(*s),
        })
        .collect();
    let t = RemoteTemplate {
        election: election.to_string(),
        notice: feedback.notice,
        message: feedback.message,
        counts: counts.iter().map(count_row).collect(),
        rows: apps
            .iter()
            .map(|a| {
                let may = decides.get(&a.remote_station).copied().unwrap_or_default();
                app_row(lang, a, may)
            })
            .collect(),
        stations,
        statuses,
        pin: q.get("pin").cloned().unwrap_or_default(),
        is_cec: ctx
            .staff
            .as_ref()
            .is_some_and(|s| s.may(Power::SetRemoteCapacity)),
        ctx,
    };
    Ok(render(feedback.status, &t))
}

/// After a step: back to the page with the notice, or the page again with the refusal (403 and
/// the unknown application are the error page).
async fn answer(
    state: &AppState,
    ctx: PageCtx,
    election: &Election,
    q: &HashMap<String, String>,
    done: Result<&str, RemoteVotingError>,
) -> PageResult {
    let lang = ctx.lang;
    match done {
        Ok(done) => {
            let to = format!("/remote-voting?election={}&done={done}", election.id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ RemoteVotingError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(RemoteVotingError::UnknownApplication(_)) => Err(PageFail::not_found(lang)),
        Err(e) => render_page(state, ctx, &election.id, q, Feedback::of(lang, &e)).await,
    }
}

/// `GET /remote-voting?election=&status=&station=&pin=&done=`.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    tec_or_cec(lang, ctx.require_staff()?)?;
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let notice = q.get("done").map(|d| lang.t(&format!("remote-done-{d}")));
    render_page(&state, ctx, &election.id, &q, Feedback::ok(notice)).await
}

#[derive(Deserialize)]
pub(super) struct FileInput {
    csrf: Option<String>,
    election: Option<String>,
    pin: Option<String>,
    station: Option<String>,
}

/// `POST /remote-voting`: TEC staff file an application on a voter's behalf.
pub(super) async fn file(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(input): Form<FileInput>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = tec_or_cec(lang, ctx.require_staff_csrf(input.csrf.as_deref())?)?;
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let pin_text = input.pin.unwrap_or_default();
    let q = HashMap::from([("pin".to_owned(), pin_text.clone())]);
    let refused = |key: &str| Feedback::refused(StatusCode::UNPROCESSABLE_ENTITY, lang.t(key));
    let Ok(pin) = Pin::parse(pin_text.trim()) else {
        let feedback = refused("remote-error-bad_pin");
        return render_page(&state, ctx, &election.id, &q, feedback).await;
    };
    let Some(station) = station_number(input.station.as_deref()) else {
        let feedback = refused("error-remote_not_remote_station");
        return render_page(&state, ctx, &election.id, &q, feedback).await;
    };
    let filed = app::file(
        &*state.store,
        &actor,
        &election.id,
        &pin,
        station,
        state.now(),
    )
    .await;
    answer(&state, ctx, &election, &q, filed.map(|_| "filed")).await
}

#[derive(Deserialize)]
pub(super) struct DecisionInput {
    csrf: Option<String>,
    election: Option<String>,
    action: Option<String>,
    reason: Option<String>,
}

/// `POST /remote-voting/{id}/decision`: approve, reject (with a reason) or cancel.
pub(super) async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(input): Form<DecisionInput>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = tec_or_cec(lang, ctx.require_staff_csrf(input.csrf.as_deref())?)?;
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let (decision, done) = match input.action.as_deref() {
        Some("approve") => (
            Decision::Approve {
                default_capacity: shailoo_app::remote::default_capacity(
                    state.store.as_ref(),
                    &election.id,
                )
                .await
                .or_page(lang)?,
            },
            "approved",
        ),
        Some("reject") => (
            Decision::Reject {
                reason: input.reason.unwrap_or_default(),
            },
            "rejected",
        ),
        Some("cancel") => (Decision::Cancel, "cancelled"),
        _ => {
            let code = ErrorCode::BadForm;
            return Err(PageFail::new(lang, StatusCode::UNPROCESSABLE_ENTITY, code));
        }
    };
    let decided = app::decide(
        &*state.store,
        &actor,
        &election.id,
        id,
        decision,
        state.now(),
    )
    .await;
    answer(
        &state,
        ctx,
        &election,
        &HashMap::new(),
        decided.map(|_| done),
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct CapacityInput {
    csrf: Option<String>,
    election: Option<String>,
    station: Option<String>,
    capacity: Option<String>,
}

/// `POST /remote-voting/capacity`: the CEC sets a station's places.
pub(super) async fn capacity(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(input): Form<CapacityInput>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff_csrf(input.csrf.as_deref())?.actor();
    if !authz::holds(&actor, Power::SetRemoteCapacity) {
        return Err(PageFail::forbidden(lang));
    }
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let q = HashMap::new();
    let station = station_number(input.station.as_deref());
    let value = input.capacity.and_then(|c| c.trim().parse::<u64>().ok());
    let (Some(station), Some(value)) = (station, value) else {
        let m = lang.t("remote-error-bad_capacity");
        let feedback = Feedback::refused(StatusCode::UNPROCESSABLE_ENTITY, m);
        return render_page(&state, ctx, &election.id, &q, feedback).await;
    };
    let set = app::set_capacity(
        &*state.store,
        &actor,
        &election.id,
        station,
        value,
        state.now(),
    );
    match set.await {
        Ok(()) => answer(&state, ctx, &election, &q, Ok("capacity")).await,
        Err(e) => render_page(&state, ctx, &election.id, &q, Feedback::of(lang, &e)).await,
    }
}
