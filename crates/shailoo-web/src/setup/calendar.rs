//! An election's calendar (CAL-01…CAL-19): every deadline with its state now and the actions
//! open now, and the CEC admin's form that moves a deadline (the app's `override_deadline`
//! checks it against the whole calendar inside the store's write transaction).

use crate::AppState;
use crate::kit::calendar::election_calendar;
use crate::kit::format::{fmt_date, fmt_time};
use crate::kit::input::Form;
use crate::kit::page::Choice;
use crate::kit::session::Staff;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, Refusal, render};
use crate::setup::views::ElectionView;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::civil::{Date, Time};
use serde::Deserialize;
use shailoo_app::authz::{self, Power, Target};
use shailoo_app::setup::{self, OverrideError};
use shailoo_app::{Actor, CalendarOverrideRecord, DecisionNumber, StoreError};
use shailoo_domain::ElectionId;
use shailoo_domain::ErrorCode;
use shailoo_domain::calendar::{Anchor, Calendar, DeadlineState, RULES, Rule};
use shailoo_domain::territory::Election;

/// `GET /calendar`: the first election's calendar.
pub(super) async fn calendar_redirect(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let elections = state.store.elections().await.or_page(ctx.lang)?;
    let first = elections
        .first()
        .ok_or_else(|| PageFail::not_found(ctx.lang))?;
    Ok(Redirect::to(&format!("/elections/{}/calendar", first.id)).into_response())
}

pub(crate) struct DeadlineRow {
    pub id: String,
    pub title: String,
    pub date: String,
    pub date_iso: String,
    pub time: String,
    pub state: String,
    pub state_class: &'static str,
    /// "changed by CEC decision № …" for a deadline the CEC moved.
    pub overridden: Option<String>,
}

pub(crate) struct ActionRow {
    pub name: String,
}

#[derive(Template)]
#[template(path = "setup/templates/calendar.html")]
struct CalendarTemplate {
    ctx: PageCtx,
    election: ElectionView,
    rows: Vec<DeadlineRow>,
    open: Vec<ActionRow>,
    now: String,
}

/// The election the path names (404 otherwise).
async fn load_election(state: &AppState, lang: Lang, id: &str) -> Result<Election, PageFail> {
    let id = ElectionId::parse(id).map_err(|_| PageFail::not_found(lang))?;
    state
        .store
        .election(&id)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))
}

/// The deadlines in the order they fall: by day, then by the instant each closes (a rule that
/// ends at 18:00 before one open until midnight), then by rule id. The rule ids follow the law's
/// order, not time: in 2024 CAL-18 (16 September) comes before CAL-02, CAL-06 after CAL-07.
fn deadline_rows(
    calendar: &Calendar,
    overrides: &[CalendarOverrideRecord],
    now: jiff::Timestamp,
    lang: Lang,
) -> Vec<DeadlineRow> {
    let mut statuses = calendar.status_at(now);
    statuses.sort_by_key(|s| (s.deadline.date, s.closes_at, rule_number(s.deadline.id)));
    statuses
        .iter()
        .map(|s| {
            let d = &s.deadline;
            let (state_key, class) = match s.state {
                DeadlineState::Past => ("state-past", "past"),
                DeadlineState::Current => ("state-current", "current"),
                DeadlineState::Upcoming => ("state-upcoming", "upcoming"),
            };
            DeadlineRow {
                id: d.id.to_owned(),
                title: lang.t(d.message_key),
                date: fmt_date(d.date),
                date_iso: d.date.to_string(),
                time: match (d.opens_at, d.time) {
                    (Some(o), Some(c)) => format!("{}–{}", fmt_time(o), fmt_time(c)),
                    (None, Some(c)) => fmt_time(c),
                    _ => lang.t("calendar-end-of-day"),
                },
                state: lang.t(state_key),
                state_class: class,
                overridden: d.overridden.then(|| {
                    match overrides
                        .iter()
                        .find(|o| o.rule_id == d.id)
                        .and_then(|o| o.decision.as_ref())
                    {
                        Some(n) => {
                            lang.t_args("calendar-overridden-by", &[("decision", n.to_string())])
                        }
                        None => lang.t("calendar-overridden"),
                    }
                }),
            }
        })
        .collect()
}

/// The number of a rule id (`CAL-07` → 7), so that CAL-10 sorts after CAL-9.
fn rule_number(id: &str) -> u32 {
    id.rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u32::MAX)
}

/// `GET /elections/{id}/calendar`.
pub(super) async fn calendar_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let lang = ctx.lang;
    let election = load_election(&state, lang, &id).await?;
    let calendar = election_calendar(&state, &election).await.or_page(lang)?;
    let overrides = state
        .store
        .calendar_overrides(&election.id)
        .await
        .or_page(lang)?;
    let now = state.now();
    let open = calendar
        .open_actions(now)
        .iter()
        .map(|a| ActionRow {
            name: lang.t(a.message_key()),
        })
        .collect();
    let local = shailoo_domain::time::to_bishkek(now);
    let t = CalendarTemplate {
        election: ElectionView::new(&election, lang),
        rows: deadline_rows(&calendar, &overrides, now, lang),
        open,
        now: format!("{} {}", fmt_date(local.date()), fmt_time(local.time())),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

// --- the override (CEC admin) ---

#[derive(Debug, Default, Deserialize)]
pub(super) struct OverrideInput {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    decision: String,
}

#[derive(Default)]
pub(crate) struct OverrideErrors {
    pub rule: Option<String>,
    pub date: Option<String>,
    pub time: Option<String>,
    pub decision: Option<String>,
}

#[derive(Template)]
#[template(path = "setup/templates/override_form.html")]
struct OverrideTemplate {
    ctx: PageCtx,
    election: ElectionView,
    rules: Vec<Choice>,
    date: String,
    time: String,
    decision: String,
    errors: OverrideErrors,
}

fn rule_choices(lang: Lang, selected: &str) -> Vec<Choice> {
    RULES
        .iter()
        .filter(|r| r.anchor != Anchor::Undated)
        .map(|r| Choice {
            value: r.id.to_owned(),
            label: format!("{} — {}", r.id, lang.t(r.message_key)),
            selected: r.id == selected,
        })
        .collect()
}

/// The account, if it may move deadlines ([`Power::OverrideDeadline`]; 403 otherwise). The use
/// case asks again; this keeps the form itself from those who may not use it.
fn cec_admin(lang: Lang, staff: &Staff) -> Result<Actor, PageFail> {
    let actor = staff.actor();
    authz::authorize(&actor, Power::OverrideDeadline, Target::Nationwide)
        .map_err(|_| PageFail::forbidden(lang))?;
    Ok(actor)
}

/// `GET /elections/{id}/calendar/override`.
pub(super) async fn override_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    cec_admin(ctx.lang, ctx.require_staff()?)?;
    let election = load_election(&state, ctx.lang, &id).await?;
    let t = OverrideTemplate {
        election: ElectionView::new(&election, ctx.lang),
        rules: rule_choices(ctx.lang, ""),
        date: String::new(),
        time: String::new(),
        decision: String::new(),
        errors: OverrideErrors::default(),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

/// The override the form asks for, or what is wrong with each field. A deadline moves only by
/// a decision of the CEC: its number is required.
fn parse_override(
    lang: Lang,
    input: &OverrideInput,
) -> Result<(&'static Rule, Date, Option<Time>, DecisionNumber), OverrideErrors> {
    let mut errors = OverrideErrors::default();
    let rule =
        shailoo_domain::calendar::rule(input.rule.trim()).filter(|r| r.anchor != Anchor::Undated);
    if rule.is_none() {
        errors.rule = Some(lang.error(ErrorCode::UnknownRule));
    }
    let date = input.date.trim().parse::<Date>().ok();
    if date.is_none() {
        errors.date = Some(lang.error(ErrorCode::BadDate));
    }
    let time = match input.time.trim() {
        "" => Some(None),
        t => t.parse::<Time>().ok().map(Some),
    };
    if time.is_none() {
        errors.time = Some(lang.error(ErrorCode::BadTime));
    }
    let decision = DecisionNumber::parse(&input.decision);
    if let Err(e) = decision {
        errors.decision = Some(lang.error(e.code()));
    }
    match (rule, date, time, decision) {
        (Some(rule), Some(date), Some(time), Ok(decision)) => Ok((rule, date, time, decision)),
        _ => Err(errors),
    }
}

impl Refusal for OverrideError {
    fn status(&self) -> StatusCode {
        match self {
            OverrideError::Store(e) => e.status(),
            OverrideError::Forbidden => StatusCode::FORBIDDEN,
            OverrideError::UnknownElection(_) => StatusCode::NOT_FOUND,
            OverrideError::Calendar(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
    fn error_code(&self) -> ErrorCode {
        self.code()
    }
    fn store_error(&self) -> Option<&StoreError> {
        match self {
            OverrideError::Store(e) => Some(e),
            _ => None,
        }
    }
}

/// `POST /elections/{id}/calendar/override`.
pub(super) async fn override_submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    form: Form<OverrideInput>,
) -> PageResult {
    let lang = ctx.lang;
    let Form(input) = form;
    let actor = cec_admin(lang, ctx.require_staff_csrf(input.csrf.as_deref())?)?;
    let election = load_election(&state, lang, &id).await?;
    let (status, errors) = match parse_override(lang, &input) {
        Err(errors) => (StatusCode::BAD_REQUEST, errors),
        Ok((rule, date, time, decision)) => {
            let record = CalendarOverrideRecord {
                rule_id: rule.id.to_owned(),
                date,
                time,
                decision: Some(decision),
            };
            // Checked against the whole calendar and stored in one transaction (the app's use
            // case): a date outside the election's span, or a window that would close before
            // it opens, is refused beside the date.
            match setup::override_deadline(
                &*state.store,
                &actor,
                &election.id,
                &record,
                state.now(),
            )
            .await
            {
                Ok(()) => {
                    let to = format!("/elections/{}/calendar", election.id);
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(OverrideError::Forbidden) => return Err(PageFail::forbidden(lang)),
                Err(e) => {
                    crate::kit::fail::log(&e);
                    (
                        e.status(),
                        OverrideErrors {
                            date: Some(e.message(lang)),
                            ..OverrideErrors::default()
                        },
                    )
                }
            }
        }
    };
    let t = OverrideTemplate {
        election: ElectionView::new(&election, lang),
        rules: rule_choices(lang, input.rule.trim()),
        date: input.date,
        time: input.time,
        decision: input.decision,
        errors,
        ctx,
    };
    Ok(render(status, &t))
}
