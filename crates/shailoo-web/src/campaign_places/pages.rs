//! The pages of the places for campaign material: the staff board (the TEC's stations or the
//! CEC's overview per TEC), the form's POST, and the public listing.

use crate::AppState;
use crate::kit::format::{fmt_instant, name};
use crate::kit::forms::election_of;
use crate::kit::input::{Form, Query};
use crate::kit::page::Feedback;
use crate::kit::{OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use shailoo_app::campaign_places::{self as app, Board, PlaceDescription, PlaceError};
use shailoo_domain::{CommissionId, ElectionId, StationNumber};
use std::collections::HashMap;

struct StationRow {
    number: u32,
    pec: String,
    description: Option<String>,
    recorded: Option<String>,
    missing: bool,
}

struct TecRow {
    id: String,
    name: String,
    stations: u64,
    with_place: u64,
    missing: u64,
}

#[derive(Template)]
#[template(path = "campaign_places/templates/board.html")]
struct BoardTemplate {
    ctx: PageCtx,
    election: String,
    /// CAL-06 and its deadline in words.
    intro: String,
    overdue: bool,
    notice: Option<String>,
    message: Option<String>,
    /// The CEC's counts per TEC (empty for a TEC member, who sees its own stations only).
    tecs: Vec<TecRow>,
    /// The stations standing out (after CAL-06).
    missing: Vec<StationRow>,
    /// The stations with their forms: a TEC's own, or the TEC the CEC opened.
    stations: Vec<StationRow>,
    tec: String,
}

fn row(board: &Board, s: &shailoo_app::campaign_places::StationPlace) -> StationRow {
    StationRow {
        number: s.station.get(),
        pec: s.pec.to_string(),
        description: s.place.as_ref().map(|p| p.description.to_string()),
        recorded: s.place.as_ref().map(|p| fmt_instant(p.recorded_at)),
        missing: board.stands_out(s),
    }
}

/// Whether the board reaches more than one TEC (the CEC's overview).
fn several_tecs(board: &Board) -> bool {
    board.per_tec().len() > 1
}

async fn tec_rows(state: &AppState, ctx: &PageCtx, board: &Board) -> Result<Vec<TecRow>, PageFail> {
    let mut rows = Vec::new();
    for (id, counts) in board.per_tec() {
        let found = state.store.commission(&id).await.or_page(ctx.lang)?;
        rows.push(TecRow {
            name: found.map_or_else(|| id.to_string(), |c| name(&c.name, ctx.lang)),
            id: id.to_string(),
            stations: counts.stations,
            with_place: counts.with_place,
            missing: counts.missing,
        });
    }
    Ok(rows)
}

async fn render_board(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    tec: Option<CommissionId>,
    feedback: Feedback,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let board = app::board(&*state.store, &staff.actor(), election, state.now())
        .await
        .or_page(lang)?;
    let overview = several_tecs(&board);
    let tecs = if overview {
        tec_rows(state, &ctx, &board).await?
    } else {
        Vec::new()
    };
    let shown = |s: &&shailoo_app::campaign_places::StationPlace| match (&tec, overview) {
        (Some(t), _) => s.tec.as_ref() == Some(t),
        (None, overview) => !overview,
    };
    let t = BoardTemplate {
        election: election.to_string(),
        intro: lang.t_args("places-intro", &[("due", fmt_instant(board.due))]),
        overdue: board.overdue,
        notice: feedback.notice,
        message: feedback.message,
        missing: board.missing().map(|s| row(&board, s)).collect(),
        stations: board
            .stations
            .iter()
            .filter(shown)
            .map(|s| row(&board, s))
            .collect(),
        tecs,
        tec: tec.map(|t| t.to_string()).unwrap_or_default(),
        ctx,
    };
    Ok(render(feedback.status, &t))
}

/// `GET /campaign-places?election=&tec=&done=`.
pub(super) async fn board(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    ctx.require_staff()?;
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let tec = q
        .get("tec")
        .filter(|t| !t.trim().is_empty())
        .map(|t| CommissionId::parse(t.trim()).map_err(|_| PageFail::not_found(lang)))
        .transpose()?;
    let notice = q
        .get("done")
        .and_then(|n| n.parse::<u32>().ok())
        .map(|n| lang.t_args("places-done", &[("station", n.to_string())]));
    render_board(&state, ctx, &election.id, tec, Feedback::ok(notice)).await
}

/// `POST /campaign-places/{election}/{station}`: records the station's place.
pub(super) async fn record(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, station)): Path<(String, String)>,
    Form(input): Form<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx
        .require_staff_csrf(input.get("csrf").map(String::as_str))?
        .clone();
    let election = ElectionId::parse(&election).map_err(|_| PageFail::not_found(lang))?;
    let station = station
        .parse::<u32>()
        .ok()
        .and_then(|n| StationNumber::new(n).ok())
        .ok_or_else(|| PageFail::not_found(lang))?;
    let tec = input
        .get("tec")
        .filter(|t| !t.trim().is_empty())
        .and_then(|t| CommissionId::parse(t.trim()).ok());
    let recorded =
        match PlaceDescription::parse(input.get("description").map_or("", String::as_str)) {
            Ok(d) => {
                app::record_place(
                    &*state.store,
                    &staff.actor(),
                    &election,
                    station,
                    d,
                    state.now(),
                )
                .await
            }
            Err(e) => Err(e),
        };
    match recorded {
        Ok(_) => {
            let tec = tec.map(|t| format!("&tec={t}")).unwrap_or_default();
            let to = format!(
                "/campaign-places?election={election}&done={station}{tec}#station-{station}"
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (PlaceError::Forbidden | PlaceError::UnknownStation(_))) => {
            Err(PageFail::refused(lang, &e))
        }
        Err(e) => render_board(&state, ctx, &election, tec, Feedback::of(lang, &e)).await,
    }
}

#[derive(Template)]
#[template(path = "campaign_places/templates/public.html")]
struct PublicTemplate {
    ctx: PageCtx,
    election: String,
    places: Vec<(u32, String)>,
}

/// `GET /registry/campaign-places?election=`: the places recorded, per station.
pub(super) async fn public(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let places = app::public_places(&*state.store, &election.id)
        .await
        .or_page(lang)?;
    let t = PublicTemplate {
        election: election.id.to_string(),
        places: places
            .into_iter()
            .map(|p| (p.station.get(), p.description.to_string()))
            .collect(),
        ctx,
    };
    Ok(render(axum::http::StatusCode::OK, &t))
}
