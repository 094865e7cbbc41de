//! `/stations/{n}/check-in`: the PEC member's page that checks voters in on voting day.

use crate::AppState;
use crate::checkin::{election_for, outcome_message};
use crate::kit::input::Form;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, Refusal, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shailoo_app::StoreError;
use shailoo_app::authz::{self, Power, Target};
use shailoo_app::checkin::{self as app, CheckInError, CheckInOutcome};
use shailoo_app::users::Actor;
use shailoo_domain::{ElectionId, ErrorCode, Pin, StationNumber};
use shailoo_print::{Lang as PrintLang, StationList, Variant, numbered};

#[derive(Template)]
#[template(path = "checkin/templates/checkin.html")]
struct CheckInTemplate {
    ctx: PageCtx,
    title: String,
    station: u32,
    election: String,
    /// `(is_success, message)` of the last attempt.
    result: Option<(bool, String)>,
    /// The voter of the last attempt on this station's list: `(row, name)`, as the printed
    /// list numbers and names them, so that the PEC finds the line to sign.
    voter: Option<(u32, String)>,
    turnout: Option<app::StationTurnout>,
    hours: [i8; 6],
    /// How many of `hours` have passed: only those show a figure.
    passed: usize,
}

#[derive(Debug, Deserialize)]
pub(super) struct CheckInForm {
    #[serde(default)]
    pin: String,
    csrf: Option<String>,
    election: Option<String>,
}

/// The signed-in staff member, if their commission covers the station's PEC (the form's CSRF
/// token is checked after that, by the caller).
async fn staff_for_station(
    state: &AppState,
    ctx: &PageCtx,
    number: &str,
) -> Result<(Actor, StationNumber), PageFail> {
    let lang = ctx.lang;
    let number = StationNumber::parse(number)
        .map_err(|_| PageFail::new(lang, StatusCode::BAD_REQUEST, ErrorCode::BadStationNumber))?;
    let staff = ctx.require_staff()?;
    let station = state
        .store
        .station(number)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let chain = state
        .store
        .commission_chain(&station.commission)
        .await
        .or_page(lang)?;
    let actor = staff.actor();
    if !authz::allowed(&actor, Power::CheckInVoters, Target::Within(&chain)) {
        return Err(PageFail::forbidden(lang));
    }
    Ok((actor, number))
}

/// The voter's row and name on the station's list (the printed list's numbering, the same in
/// every language), for staff covering the station; `None` when the lists are not compiled
/// or the PIN is not on this list.
async fn list_row(
    state: &AppState,
    actor: &Actor,
    election: &ElectionId,
    station: StationNumber,
    pin: &Pin,
) -> Option<(u32, String)> {
    let roll = shailoo_app::voters::station_roll(state.store.as_ref(), actor, election, station)
        .await
        .map_err(|e| tracing::debug!(error = %e, "no list row for the check-in page"))
        .ok()?;
    // The numbering is the same in every language; the name is the register's.
    let list = StationList::from_roll(&roll, PrintLang::Ky, Variant::Signatures, state.now());
    numbered(&list)
        .into_iter()
        .find(|(_, v)| v.pin == *pin)
        .map(|(n, v)| (n, v.full_name()))
}

/// The page, with the station's turnout so far. A store failure is the error page, never a
/// page that looks as if there were no election or no turnout.
async fn page(
    state: &AppState,
    ctx: PageCtx,
    station: StationNumber,
    election: Option<ElectionId>,
    result: Option<(bool, String)>,
    voter: Option<(u32, String)>,
) -> Result<CheckInTemplate, PageFail> {
    let turnout = match &election {
        Some(e) => match state.store.turnout(e, Some(station)).await {
            Ok(mut v) => v.pop(),
            // A named election that does not exist has no turnout to show.
            Err(StoreError::UnknownReference { .. }) => None,
            Err(e) => return Err(PageFail::refused(ctx.lang, &e)),
        },
        None => None,
    };
    let passed = match &election {
        Some(e) => state
            .store
            .election(e)
            .await
            .or_page(ctx.lang)?
            .map_or(0, |e| app::hours_passed(e.voting_day, state.now())),
        None => 0,
    };
    Ok(CheckInTemplate {
        title: ctx
            .lang
            .t_args("checkin-title", &[("station", station.to_string())]),
        ctx,
        station: station.get(),
        election: election.map(|e| e.to_string()).unwrap_or_default(),
        result,
        voter,
        turnout,
        hours: app::TURNOUT_HOURS,
        passed,
    })
}

/// `GET /stations/{n}/check-in`.
pub(super) async fn page_get(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(number): Path<String>,
) -> PageResult {
    let (_, station) = staff_for_station(&state, &ctx, &number).await?;
    let election = election_for(&state, None).await.or_page(ctx.lang)?;
    let t = page(&state, ctx, station, election, None, None).await?;
    Ok(render(StatusCode::OK, &t))
}

/// What an attempt shows: the page's status, the line about the outcome, and the voter's row
/// on this station's list when they are on it.
type Attempt = (StatusCode, (bool, String), Option<(u32, String)>);

/// The [`Attempt`] at checking `pin` in; `Err` for the refusals that are the error page.
async fn check_in(
    state: &AppState,
    lang: Lang,
    actor: &Actor,
    election: &ElectionId,
    station: StationNumber,
    pin: &str,
) -> Result<Attempt, PageFail> {
    let Ok(pin) = Pin::parse(pin) else {
        return Ok((
            StatusCode::BAD_REQUEST,
            (false, lang.t("checkin-bad-pin")),
            None,
        ));
    };
    let checked = app::check_in(
        state.store.as_ref(),
        actor,
        election,
        station,
        &pin,
        state.now(),
    );
    match checked.await {
        Ok(outcome) => {
            let (status, message) = outcome_message(lang, &outcome);
            // A page answers 200 to a success; refusals keep their status.
            let status = if status == StatusCode::CREATED {
                StatusCode::OK
            } else {
                status
            };
            let here = match outcome {
                CheckInOutcome::CheckedIn => true,
                CheckInOutcome::AlreadyVoted { station: at, .. } => at == station,
                _ => false,
            };
            let voter = if here {
                list_row(state, actor, election, station, &pin).await
            } else {
                None
            };
            Ok((
                status,
                (outcome == CheckInOutcome::CheckedIn, message),
                voter,
            ))
        }
        Err(e @ CheckInError::Calendar(_)) => Ok((e.status(), (false, e.message(lang)), None)),
        Err(e) => Err(PageFail::refused(lang, &e)),
    }
}

/// `POST /stations/{n}/check-in`.
pub(super) async fn page_post(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(number): Path<String>,
    form: Form<CheckInForm>,
) -> PageResult {
    let lang = ctx.lang;
    let Form(input) = form;
    let (actor, station) = staff_for_station(&state, &ctx, &number).await?;
    ctx.require_staff_csrf(input.csrf.as_deref())?;
    let election = election_for(&state, input.election.as_deref())
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::new(lang, StatusCode::NOT_FOUND, ErrorCode::UnknownElection))?;
    let (status, result, voter) =
        check_in(&state, lang, &actor, &election, station, &input.pin).await?;
    let t = page(&state, ctx, station, Some(election), Some(result), voter).await?;
    Ok(render(status, &t))
}
