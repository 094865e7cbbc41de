//! `/stations/{n}/accessibility`: the local government's survey of a station's premises, as
//! staff covering the station record it, and the surveys recorded before.

use crate::AppState;
use crate::access::{AccessView, FINDINGS, finding, may_survey};
use crate::kit::format::{fmt_date, fmt_instant};
use crate::kit::input::{Form, Query};
use crate::kit::page::Feedback;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::civil::Date;
use shailoo_app::access::{self as app, NewSurvey};
use shailoo_domain::ErrorCode;
use shailoo_domain::StationNumber;
use shailoo_domain::territory::{Accessibility, PollingStation};
use shailoo_domain::time::to_bishkek;
use std::collections::HashMap;

/// One checkbox of the form.
struct Check {
    field: &'static str,
    label: String,
    checked: bool,
}

/// One recorded survey as the history lists it.
struct SurveyRow {
    surveyed_on: String,
    surveyor: String,
    summary: String,
    note: String,
    recorded: String,
}

#[derive(Template)]
#[template(path = "access/templates/survey.html")]
struct SurveyTemplate {
    ctx: PageCtx,
    number: u32,
    address: String,
    current: AccessView,
    notice: Option<String>,
    message: Option<String>,
    checks: Vec<Check>,
    surveyed_on: String,
    today: String,
    surveyor: String,
    note: String,
    history: Vec<SurveyRow>,
}

/// What the form sent, to show it again after a refusal.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct SurveyInput {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    surveyed_on: String,
    #[serde(default)]
    surveyor: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    ramp: Option<String>,
    #[serde(default)]
    call_button: Option<String>,
    #[serde(default)]
    wide_doors: Option<String>,
    #[serde(default)]
    parking: Option<String>,
    #[serde(default)]
    ground_floor: Option<String>,
    #[serde(default)]
    tactile_signs: Option<String>,
    #[serde(default)]
    lighting: Option<String>,
}

impl SurveyInput {
    fn findings(&self) -> Accessibility {
        Accessibility {
            ramp: self.ramp.is_some(),
            call_button: self.call_button.is_some(),
            wide_doors: self.wide_doors.is_some(),
            parking: self.parking.is_some(),
            ground_floor: self.ground_floor.is_some(),
            tactile_signs: self.tactile_signs.is_some(),
            lighting: self.lighting.is_some(),
        }
    }
}

/// The station, for staff who may record its survey (the form and its history are theirs).
async fn covered_station(
    state: &AppState,
    ctx: &PageCtx,
    number: &str,
) -> Result<PollingStation, PageFail> {
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
    if !may_survey(&*state.store, &staff.actor(), &station)
        .await
        .or_page(lang)?
    {
        return Err(PageFail::forbidden(lang));
    }
    Ok(station)
}

/// The page: the station's findings, the form (empty, or as sent after a refusal) and the
/// history.
async fn render_page(
    state: &AppState,
    ctx: PageCtx,
    station: &PollingStation,
    input: Option<&SurveyInput>,
    feedback: Feedback,
) -> PageResult {
    let lang = ctx.lang;
    let address =
        shailoo_app::lookup::station_addresses(&*state.store, std::slice::from_ref(station))
            .await
            .or_page(lang)?
            .pop()
            .map_or_else(
                || station.address.get(lang.code()).to_owned(),
                |a| a.get(lang.code()).to_owned(),
            );
    let history = state
        .store
        .access_surveys(station.number)
        .await
        .or_page(lang)?
        .into_iter()
        .map(|s| SurveyRow {
            surveyed_on: fmt_date(s.survey.surveyed_on),
            surveyor: s.survey.surveyor,
            summary: AccessView::new(lang, &s.survey.findings).summary,
            note: s.survey.note.unwrap_or_default(),
            recorded: format!("{} · {}", fmt_instant(s.recorded_at), s.recorded_by),
        })
        .collect();
    let today = to_bishkek(state.now()).date().to_string();
    let shown = input.map_or(station.accessibility, SurveyInput::findings);
    let t = SurveyTemplate {
        number: station.number.get(),
        address,
        current: AccessView::new(lang, &station.accessibility),
        notice: feedback.notice,
        message: feedback.message,
        checks: FINDINGS
            .iter()
            .map(|f| Check {
                field: f,
                label: lang.t(&format!("access-{f}")),
                checked: finding(&shown, f),
            })
            .collect(),
        surveyed_on: input.map_or_else(|| today.clone(), |i| i.surveyed_on.clone()),
        today,
        surveyor: input.map(|i| i.surveyor.clone()).unwrap_or_default(),
        note: input.map(|i| i.note.clone()).unwrap_or_default(),
        history,
        ctx,
    };
    Ok(render(feedback.status, &t))
}

/// `GET /stations/{n}/accessibility[?done=recorded]`.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(number): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let station = covered_station(&state, &ctx, &number).await?;
    let notice = q
        .get("done")
        .filter(|d| d.as_str() == "recorded")
        .map(|_| ctx.t("access-done-recorded"));
    render_page(&state, ctx, &station, None, Feedback::ok(notice)).await
}

/// The survey's day from the form (`YYYY-MM-DD`, as `<input type="date">` sends it).
fn parse_day(lang: Lang, s: &str) -> Result<Date, Feedback> {
    s.trim().parse::<Date>().map_err(|_| {
        Feedback::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.t("access-error-bad-date"),
        )
    })
}

/// `POST /stations/{n}/accessibility`: records a survey (CSRF, covering staff), then back to
/// the page with a notice; a refusal shows the form again as it was sent.
pub(super) async fn record(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(number): Path<String>,
    Form(input): Form<SurveyInput>,
) -> PageResult {
    let lang = ctx.lang;
    let station = covered_station(&state, &ctx, &number).await?;
    let staff = ctx.require_staff_csrf(input.csrf.as_deref())?.clone();
    let surveyed_on = match parse_day(lang, &input.surveyed_on) {
        Ok(d) => d,
        Err(feedback) => return render_page(&state, ctx, &station, Some(&input), feedback).await,
    };
    let survey = NewSurvey {
        station: station.number,
        surveyed_on,
        surveyor: input.surveyor.clone(),
        findings: input.findings(),
        note: Some(input.note.clone()),
    };
    match app::record_survey(&*state.store, &staff.actor(), survey, state.now()).await {
        Ok(_) => {
            let to = format!("/stations/{}/accessibility?done=recorded", station.number);
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ app::AccessError::Forbidden(_)) => Err(PageFail::refused(lang, &e)),
        Err(e) => {
            let feedback = Feedback::of(lang, &e);
            render_page(&state, ctx, &station, Some(&input), feedback).await
        }
    }
}
