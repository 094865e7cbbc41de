//! `GET /register`: the latest imports, where the lists stand, which steps the calendar allows
//! now, and the job running; `POST /register/compile` ("compile now", a job) and
//! `POST /register/steps` (publish, post, freeze through [`voters::take_step`]).

use crate::AppState;
use crate::kit::format::fmt_instant;
use crate::kit::forms::election_of;
use crate::kit::input::{Form, Query};
use crate::kit::page::Feedback;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use crate::register::jobs::{Job, JobKind, Outcome, Phase, run_compile};
use crate::register::require;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use serde::Deserialize;
use shailoo_app::authz::Power;
use shailoo_app::voters::{self, ImportRecord, ListState, ListStep};
use shailoo_domain::ErrorCode;
use shailoo_domain::calendar::{Action, Calendar};
use std::collections::HashMap;

struct ImportRow {
    id: i64,
    source: String,
    at: String,
    actor: String,
    records: u64,
    added: u64,
    changed: u64,
    removed: u64,
    unchanged: u64,
    duplicates: u64,
}

impl ImportRow {
    fn new(i: ImportRecord) -> ImportRow {
        ImportRow {
            id: i.import_id,
            source: i.source,
            at: fmt_instant(i.imported_at),
            actor: i.actor,
            records: i.records,
            added: i.added,
            changed: i.changed,
            removed: i.removed,
            unchanged: i.unchanged,
            duplicates: i.duplicate_pins,
        }
    }
}

struct ListView {
    compiled_at: String,
    register_import: String,
    eligible: u64,
    ineligible: u64,
    published_at: Option<String>,
    posted_at: Option<String>,
    /// "late: due by …" when the posting missed the end of CAL-04.
    posted_late: Option<String>,
    frozen_at: Option<String>,
}

impl ListView {
    fn new(lang: Lang, l: ListState, due: Option<Timestamp>) -> ListView {
        ListView {
            compiled_at: l.compiled_at.map(fmt_instant).unwrap_or_default(),
            register_import: l
                .register_import
                .map_or_else(|| lang.t("register-import-none"), |i| format!("#{i}")),
            eligible: l.eligible,
            ineligible: l.ineligible,
            published_at: l.published_at.map(fmt_instant),
            posted_at: l.posted_at.map(fmt_instant),
            posted_late: match (l.posted_at, due) {
                (Some(at), Some(due)) if at >= due => Some(lang.t_args(
                    "register-late",
                    &[("at", fmt_instant(due)), ("rule", "CAL-04".to_owned())],
                )),
                _ => None,
            },
            frozen_at: l.frozen_at.map(fmt_instant),
        }
    }
}

/// One step of the lists and what the calendar says of it now.
struct StepView {
    value: &'static str,
    label: String,
    window: String,
    open: bool,
    done: Option<String>,
}

/// The running (or latest) job, as the status page shows it.
struct JobLine {
    id: u64,
    running: bool,
    text: String,
    percent: Option<u64>,
}

#[derive(Template)]
#[template(path = "register/templates/register.html")]
struct RegisterTemplate {
    ctx: PageCtx,
    election: String,
    election_name: String,
    notice: Option<String>,
    message: Option<String>,
    can_act: bool,
    persons: u64,
    imports: Vec<ImportRow>,
    lists: Option<ListView>,
    councils: usize,
    steps: Vec<StepView>,
    job: Option<JobLine>,
}

/// "from 23.09.2024 00:00 (CAL-02)", "until … (CAL-16)", for an action's window.
fn window_text(lang: Lang, calendar: &Calendar, action: Action) -> String {
    let (opens, closes) = calendar.window(action);
    let mut parts = Vec::new();
    if let (Some(at), Some(bound)) = (opens, action.opens()) {
        parts.push(lang.t_args(
            "register-window-from",
            &[("at", fmt_instant(at)), ("rule", bound.rule().to_owned())],
        ));
    }
    if let (Some(at), Some(bound)) = (closes, action.closes()) {
        parts.push(lang.t_args(
            "register-window-until",
            &[("at", fmt_instant(at)), ("rule", bound.rule().to_owned())],
        ));
    }
    parts.join(", ")
}

/// When the preliminary lists had to be posted at the stations: the end of CAL-04.
fn posting_due(calendar: &Calendar) -> Option<Timestamp> {
    calendar.get("CAL-04").map(|d| d.closes_at())
}

/// Publication, posting and freezing: their windows, whether they are open now, and when
/// they were taken.
fn steps(
    lang: Lang,
    calendar: &Calendar,
    list: Option<&ListState>,
    now: Timestamp,
) -> Vec<StepView> {
    let done_at = |step: ListStep| list.and_then(|l| l.step_at(step)).map(fmt_instant);
    let publish_window = window_text(lang, calendar, Action::PublishPreliminaryVoterLists);
    let post_window = match posting_due(calendar) {
        Some(due) => format!(
            "{}, {}",
            publish_window,
            lang.t_args(
                "register-window-due",
                &[("at", fmt_instant(due)), ("rule", "CAL-04".to_owned())]
            )
        ),
        None => publish_window.clone(),
    };
    let publish_open = calendar
        .check(Action::PublishPreliminaryVoterLists, now)
        .is_ok();
    vec![
        StepView {
            value: ListStep::Published.as_str(),
            label: lang.t("register-step-published"),
            window: publish_window,
            open: publish_open,
            done: done_at(ListStep::Published),
        },
        StepView {
            value: ListStep::Posted.as_str(),
            label: lang.t("register-step-posted"),
            window: post_window,
            open: publish_open,
            done: done_at(ListStep::Posted),
        },
        StepView {
            value: ListStep::Frozen.as_str(),
            label: lang.t("register-step-frozen"),
            window: window_text(lang, calendar, Action::FinalizeVoterLists),
            open: calendar.check(Action::FinalizeVoterLists, now).is_ok(),
            done: done_at(ListStep::Frozen),
        },
    ]
}

fn job_line(lang: Lang, job: &Job) -> JobLine {
    let p = job.snapshot();
    let source = [("source", p.source.clone())];
    let what = match job.kind {
        JobKind::Preview => lang.t_args("register-job-preview", &source),
        JobKind::Import => lang.t_args("register-job-import", &source),
        JobKind::Compile => lang.t("register-job-compile"),
    };
    let state = match &p.outcome {
        None => lang.t(p.phase.key()),
        Some(Outcome::Failed(_)) => lang.t("register-job-failed"),
        Some(Outcome::Previewed(_)) => lang.t("register-job-awaits-confirmation"),
        Some(_) => lang.t("register-job-done"),
    };
    JobLine {
        id: job.id,
        running: p.outcome.is_none(),
        text: format!("{what}: {state}"),
        percent: p.percent(),
    }
}

/// The status page of the election `wanted` (the first when none).
pub(super) async fn render_page(
    state: &AppState,
    ctx: PageCtx,
    wanted: Option<&str>,
    feedback: Feedback,
) -> PageResult {
    let lang = ctx.lang;
    let election = election_of(state, lang, wanted).await?;
    let store = &*state.store;
    let imports = store.register_imports(10).await.or_page(lang)?;
    let list = store.voter_list_state(&election.id).await.or_page(lang)?;
    let councils = store
        .list_counts(&election.id, voters::CountBy::Council)
        .await
        .or_page(lang)?
        .len();
    let persons = store.register_count().await.or_page(lang)?;
    let calendar = voters::calendar_of(store, &election.id)
        .await
        .or_page(lang)?;
    let due = posting_due(&calendar);
    let t = RegisterTemplate {
        election: election.id.to_string(),
        election_name: election.name.get(lang.code()).to_owned(),
        notice: feedback.notice,
        message: feedback.message,
        can_act: ctx
            .staff
            .as_ref()
            .is_some_and(|s| s.may(Power::ImportRegister)),
        persons,
        imports: imports.into_iter().map(ImportRow::new).collect(),
        steps: steps(lang, &calendar, list.as_ref(), state.now()),
        lists: list
            .filter(|l| l.compiled_at.is_some())
            .map(|l| ListView::new(lang, l, due)),
        councils,
        job: state.register_jobs.current().map(|j| job_line(lang, &j)),
        ctx,
    };
    Ok(render(feedback.status, &t))
}

/// `GET /register?election=&done=`: every staff member may look.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    require(lang, ctx.require_staff()?, Power::ViewRegister)?;
    let notice = q
        .get("done")
        .filter(|d| ["published", "posted", "posted_late", "frozen"].contains(&d.as_str()))
        .map(|d| lang.t(&format!("register-done-{d}")));
    let wanted = q.get("election").map(String::as_str);
    render_page(&state, ctx, wanted, Feedback::ok(notice)).await
}

#[derive(Deserialize)]
pub(super) struct ActionInput {
    csrf: Option<String>,
    election: Option<String>,
    step: Option<String>,
}

/// `POST /register/compile`: compile the lists now, as a job.
pub(super) async fn compile_now(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(input): Form<ActionInput>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff_csrf(input.csrf.as_deref())?;
    require(lang, staff, Power::CompileLists)?;
    let actor = staff.actor();
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let now = state.now();
    let running = match state
        .register_jobs
        .start(JobKind::Compile, actor.audit_name(), now)
    {
        Ok(r) => r,
        Err(_busy) => {
            let m = lang.error(ErrorCode::RegisterJobRunning);
            let feedback = Feedback::refused(StatusCode::CONFLICT, m);
            return render_page(&state, ctx, Some(election.id.as_str()), feedback).await;
        }
    };
    let id = running.job.id;
    running.job.update(|p| {
        p.compile = true;
        p.election = Some(election.id.clone());
        p.phase = Phase::Compiling;
    });
    tokio::spawn(run_compile(state.store.clone(), running, election.id, now));
    Ok(Redirect::to(&format!("/register/jobs/{id}")).into_response())
}

/// `POST /register/steps`: publish, post or freeze the lists, as the calendar allows.
pub(super) async fn step(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(input): Form<ActionInput>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff_csrf(input.csrf.as_deref())?;
    let step = match input.step.as_deref() {
        Some("published") => Some(ListStep::Published),
        Some("posted") => Some(ListStep::Posted),
        Some("frozen") => Some(ListStep::Frozen),
        _ => None,
    };
    // Who may take no step hears that first, whatever the form says.
    require(
        lang,
        staff,
        step.map_or(Power::PublishLists, ListStep::power),
    )?;
    let actor = staff.actor();
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let Some(step) = step else {
        let code = ErrorCode::BadForm;
        return Err(PageFail::new(lang, StatusCode::UNPROCESSABLE_ENTITY, code));
    };
    let taken = voters::take_step(
        &*state.store,
        &election.id,
        step,
        actor.audit_name(),
        state.now(),
    );
    match taken.await {
        Ok(outcome) => {
            let done = if outcome.late.is_some() {
                "posted_late"
            } else {
                step.as_str()
            };
            let to = format!("/register?election={}&done={done}", election.id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            let wanted = Some(election.id.as_str());
            render_page(&state, ctx, wanted, Feedback::of(lang, &e)).await
        }
    }
}
