//! The voter register for CEC staff (Тизме / реестр): importing the population register extract,
//! compiling the voter lists, and taking them through publication (CAL-02), posting at the
//! stations (due by CAL-04) and freezing (after CAL-12). The web face of
//! `shailoo_app::voters`, as `shailoo register` is its command-line face.
//!
//! * `GET /register`: the latest imports with their counts, where the lists stand, which steps
//!   the calendar allows now (window and rule id), and the job running. Every staff member may
//!   look; only CEC admins act (403 otherwise); the public is sent to the log-in page.
//! * `POST /register/import`: a multipart form whose file is **streamed** to a temporary file
//!   (the national extract is hundreds of megabytes: it is never held in memory; this route
//!   alone accepts bodies up to [`UPLOAD_LIMIT`]), then imported by a background job, like
//!   `shailoo register import [--compile]`: all or nothing, a bad row names its line.
//! * `POST /register/compile`: "compile now", also a job. `POST /register/steps`: publish,
//!   post, freeze through [`voters::take_step`], which asks the calendar.
//! * `GET /register/jobs/{id}`: a job's progress, refreshing itself every two seconds with
//!   `<meta http-equiv="refresh">` while it runs (the CSP forbids scripts), then its summary or
//!   its failure.
//!
//! One job at a time: a second start while one runs is refused with 409. Jobs live in memory
//! ([`RegisterJobs`]); what an import did is kept by the store anyway (the register's history
//! and the audit log, written by the use cases with the staff member as actor).

use crate::AppState;
use crate::kit::PageCtx;
use crate::kit::calendar::closed_message;
use crate::kit::fail::store_status;
use crate::kit::format::fmt_instant;
use crate::kit::forms::{check_csrf, election_of};
use crate::kit::i18n::Lang;
use crate::kit::session::Staff;
use crate::kit::{PageFail, PageResult};
use askama::Template;
use axum::Router;
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use shailoo_app::voters::{
    self, CompileProgress, CompileReport, EmptyExtract, ImportOptions, ImportReport, ListStep,
    StreamedImportError, VoterListError,
};
use shailoo_app::{Store, StoreError};
use shailoo_domain::ElectionId;
use shailoo_domain::calendar::{Action, Calendar};
use shailoo_domain::register::RegisterRecord;
use shailoo_generator::{FormatError, RegisterReader, RowError, RowErrorKind};
use std::collections::{HashMap, VecDeque};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::io::AsyncWriteExt;

/// The largest upload `POST /register/import` accepts: the national extract (4.3 million
/// persons) is about 800 MB; 4 GiB leaves room without accepting anything.
pub const UPLOAD_LIMIT: usize = 4 << 30;
/// Finished jobs kept for their pages.
const KEPT_JOBS: usize = 20;

/// The page routes; merged into the pages router.
fn routes() -> Router<AppState> {
    Router::new()
        .route("/register", get(page))
        .route(
            "/register/import",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/register/compile", post(compile_now))
        .route("/register/steps", post(step))
        .route("/register/jobs/{id}", get(job_page))
}

impl AppState {
    /// Spools register uploads into `dir` instead of the system's temporary directory (tests
    /// check that nothing is left behind).
    pub fn with_upload_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.register_jobs = Arc::new(RegisterJobs::new(dir.into()));
        self
    }
}

// --- jobs ---

/// The background jobs of the register page: at most one runs; the last [`KEPT_JOBS`] are kept
/// in memory for their pages (a restart forgets them, not what they did).
pub(crate) struct RegisterJobs {
    /// Where uploads are spooled.
    dir: PathBuf,
    inner: Mutex<JobsInner>,
}

#[derive(Default)]
struct JobsInner {
    next_id: u64,
    running: Option<u64>,
    jobs: VecDeque<Arc<Job>>,
}

impl RegisterJobs {
    pub(crate) fn new(dir: PathBuf) -> Self {
        RegisterJobs {
            dir,
            inner: Mutex::new(JobsInner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, JobsInner> {
        // A poisoned lock only means a request panicked mid-update; the list is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a job, or returns the one running.
    fn start(
        self: &Arc<Self>,
        kind: JobKind,
        actor: &str,
        at: Timestamp,
    ) -> Result<Running, Arc<Job>> {
        let mut inner = self.lock();
        if let Some(id) = inner.running
            && let Some(job) = inner.jobs.iter().find(|j| j.id == id)
        {
            return Err(job.clone());
        }
        inner.next_id += 1;
        let job = Arc::new(Job {
            id: inner.next_id,
            kind,
            actor: actor.to_owned(),
            started_at: at,
            progress: Mutex::new(Progress::default()),
        });
        inner.running = Some(job.id);
        inner.jobs.push_back(job.clone());
        while inner.jobs.len() > KEPT_JOBS {
            inner.jobs.pop_front();
        }
        Ok(Running {
            jobs: self.clone(),
            job,
        })
    }

    fn get(&self, id: u64) -> Option<Arc<Job>> {
        self.lock().jobs.iter().find(|j| j.id == id).cloned()
    }

    /// The job running, else the latest one.
    fn current(&self) -> Option<Arc<Job>> {
        let inner = self.lock();
        inner
            .running
            .and_then(|id| inner.jobs.iter().find(|j| j.id == id))
            .or_else(|| inner.jobs.back())
            .cloned()
    }
}

/// The running job's slot. Dropping it ends the job: one that has no outcome yet (the upload
/// was cut off, the task panicked) is marked interrupted, so the slot never stays taken.
struct Running {
    jobs: Arc<RegisterJobs>,
    job: Arc<Job>,
}

impl Running {
    fn finish(self, outcome: Outcome) {
        self.job.update(|p| p.outcome = Some(outcome));
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.job.update(|p| {
            if p.outcome.is_none() {
                p.outcome = Some(Outcome::Failed(Failure::Interrupted));
            }
        });
        let mut inner = self.jobs.lock();
        if inner.running == Some(self.job.id) {
            inner.running = None;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobKind {
    Import,
    Compile,
}

struct Job {
    id: u64,
    kind: JobKind,
    actor: String,
    started_at: Timestamp,
    progress: Mutex<Progress>,
}

impl Job {
    fn update(&self, f: impl FnOnce(&mut Progress)) {
        f(&mut self.progress.lock().unwrap_or_else(|p| p.into_inner()));
    }

    fn snapshot(&self) -> Progress {
        self.progress
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Phase {
    /// The file is arriving.
    #[default]
    Uploading,
    /// Rows are parsed (and assessed, when compiling) and stored.
    Importing,
    /// The new register is compared with the old one and committed.
    Committing,
    /// The lists are compiled from the stored register.
    Compiling,
}

impl Phase {
    fn key(self) -> &'static str {
        match self {
            Phase::Uploading => "register-phase-uploading",
            Phase::Importing => "register-phase-importing",
            Phase::Committing => "register-phase-committing",
            Phase::Compiling => "register-phase-compiling",
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Progress {
    phase: Phase,
    /// The uploaded file's name (the import's source in the history and the audit log).
    source: String,
    compile: bool,
    election: Option<ElectionId>,
    /// The request's length, when the client sent one (the file is a little smaller).
    upload_total: Option<u64>,
    /// Bytes of the file received.
    uploaded: u64,
    /// Bytes of the file parsed.
    bytes: u64,
    /// Rows parsed, copies of duplicated PINs included.
    rows: u64,
    /// Compiling from the stored register: persons assessed, of how many (0: unknown).
    assessed: u64,
    persons: u64,
    outcome: Option<Outcome>,
}

impl Progress {
    /// Per cent done of the current phase, when it can be measured.
    fn percent(&self) -> Option<u64> {
        let of = |done: u64, total: u64| (total > 0).then(|| (done.min(total) * 100) / total);
        match (&self.outcome, self.phase) {
            (Some(Outcome::Failed(_)), _) => None,
            (Some(_), _) => Some(100),
            (None, Phase::Uploading) => self.upload_total.and_then(|t| of(self.uploaded, t)),
            (None, Phase::Importing) => of(self.bytes, self.uploaded),
            (None, Phase::Compiling) => of(self.assessed, self.persons),
            (None, Phase::Committing) => None,
        }
    }
}

#[derive(Debug, Clone)]
enum Outcome {
    Imported(ImportReport),
    Compiled(CompileReport),
    Failed(Failure),
}

/// Why a job stopped. Nothing was imported or changed in every case: the store's transaction
/// was never committed.
#[derive(Debug, Clone)]
enum Failure {
    /// A row (or the header) of the extract is bad.
    BadRow(RowError),
    /// A use case refused, or the store failed (an error code).
    Refused(&'static str),
    /// The upload failed (an error code).
    Upload(&'static str),
    /// The job ended without an outcome: the upload was cut off, or the job broke.
    Interrupted,
}

impl Failure {
    fn from_voters(e: &VoterListError) -> Failure {
        if let VoterListError::Store(s) = e {
            crate::kit::fail::log(s);
        }
        Failure::Refused(e.code())
    }

    fn from_format(e: FormatError) -> Failure {
        match e {
            FormatError::Row(row) => Failure::BadRow(row),
            other => {
                tracing::error!(error = %other, "reading an uploaded register failed");
                Failure::Refused("internal")
            }
        }
    }
}

/// Streams an uploaded extract into one import (and compile, with an election): all of it or
/// nothing, through [`voters::import_register`] like `shailoo register import`.
async fn import(
    store: &dyn Store,
    job: &Arc<Job>,
    file: PathBuf,
    election: Option<ElectionId>,
    at: Timestamp,
) -> Result<ImportReport, Failure> {
    let compile = match &election {
        Some(e) => Some(Arc::new(
            voters::compiler_for(store, e)
                .await
                .map_err(|e| Failure::from_voters(&e))?,
        )),
        None => None,
    };
    let progress = job.snapshot();
    let size = progress.uploaded;
    let reader = tokio::task::spawn_blocking(move || RegisterReader::open(&file))
        .await
        .map_err(|_| Failure::Interrupted)?
        .map_err(Failure::from_format)?;
    let options = ImportOptions {
        source: progress.source.clone(),
        actor: job.actor.clone(),
        at,
        compile,
    };
    job.update(|p| p.phase = Phase::Importing);
    let source =
        move |sink: &mut dyn FnMut(Result<RegisterRecord, RowError>, u64) -> ControlFlow<()>| {
            let mut reader = reader;
            while let Some(record) = reader.next() {
                if sink(record, reader.bytes_read()).is_break() {
                    return;
                }
            }
        };
    // About 180 bytes a row in the national extract: sizes the PIN set once.
    let report = voters::import_register(
        store,
        options,
        size / 180,
        EmptyExtract::Import,
        source,
        |done| {
            job.update(|p| {
                p.rows = done.records;
                p.bytes = done.bytes;
            });
        },
    )
    .await
    .map_err(|e| match e {
        StreamedImportError::BadRow(row) => Failure::BadRow(row),
        StreamedImportError::Refused(e) => Failure::from_voters(&e),
        StreamedImportError::ReaderStopped => Failure::Interrupted,
    })?;
    job.update(|p| {
        p.phase = Phase::Committing;
        p.bytes = size;
    });
    report.ok_or(Failure::Interrupted)
}

/// The import job: runs [`import`], removes the temporary file, records the outcome.
async fn run_import(
    store: Arc<dyn Store>,
    running: Running,
    file: tempfile::TempPath,
    election: Option<ElectionId>,
    at: Timestamp,
) {
    let outcome = match import(&*store, &running.job, file.to_path_buf(), election, at).await {
        Ok(report) => Outcome::Imported(report),
        Err(f) => Outcome::Failed(f),
    };
    if let Err(e) = file.close() {
        tracing::warn!(error = %e, "could not remove an uploaded register file");
    }
    running.finish(outcome);
}

async fn run_compile(store: Arc<dyn Store>, running: Running, election: ElectionId, at: Timestamp) {
    running.job.update(|p| p.phase = Phase::Compiling);
    let job = Arc::clone(&running.job);
    let progress = move |c: CompileProgress| {
        job.update(|p| {
            p.assessed = c.assessed;
            p.persons = c.persons;
        });
    };
    let compiled =
        voters::compile_with_progress(&*store, &election, &running.job.actor, at, &progress);
    let outcome = match compiled.await {
        Ok(report) => Outcome::Compiled(report),
        Err(e) => Outcome::Failed(Failure::from_voters(&e)),
    };
    running.finish(outcome);
}

// --- shared page plumbing (as in remote.rs) ---

/// The register and the lists are the CEC's: other staff only look.
fn require_cec(lang: Lang, staff: &Staff) -> Result<(), PageFail> {
    if staff.actor().is_cec_admin() {
        Ok(())
    } else {
        Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden"))
    }
}

/// A refusal in the reader's language; the calendar's names its rule (CAL-02, CAL-12).
fn refusal(lang: Lang, e: &VoterListError) -> String {
    match e {
        VoterListError::Calendar(c) => closed_message(lang, c),
        other => lang.error(other.code()),
    }
}

fn status_of(e: &VoterListError) -> StatusCode {
    match e {
        VoterListError::Store(s) => store_status(s),
        VoterListError::UnknownElection(_) => StatusCode::NOT_FOUND,
        VoterListError::Calendar(_)
        | VoterListError::Frozen { .. }
        | VoterListError::NotCompiled(_)
        | VoterListError::NotPublished(_)
        | VoterListError::AlreadyDone { .. } => StatusCode::CONFLICT,
        // Refusals the register page's steps do not meet (an invalid calendar, a station).
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

fn render(t: &impl Template, status: StatusCode) -> PageResult {
    Ok(crate::kit::render(status, t))
}

// --- the status page ---

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
#[template(path = "register.html")]
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

fn job_line(lang: Lang, job: &Job) -> JobLine {
    let p = job.snapshot();
    let what = match job.kind {
        JobKind::Import => lang.t_args("register-job-import", &[("source", p.source.clone())]),
        JobKind::Compile => lang.t("register-job-compile"),
    };
    let state = match &p.outcome {
        None => lang.t(p.phase.key()),
        Some(Outcome::Failed(_)) => lang.t("register-job-failed"),
        Some(_) => lang.t("register-job-done"),
    };
    JobLine {
        id: job.id,
        running: p.outcome.is_none(),
        text: format!("{what}: {state}"),
        percent: p.percent(),
    }
}

async fn render_page(
    state: &AppState,
    ctx: PageCtx,
    wanted: Option<&str>,
    status: StatusCode,
    notice: Option<String>,
    message: Option<String>,
) -> PageResult {
    let lang = ctx.lang;
    let election = election_of(state, lang, wanted).await?;
    let store = &*state.store;
    let sf = |e: StoreError| PageFail::refused(lang, &e);
    let imports = store.register_imports(10).await.map_err(sf)?;
    let list = store.voter_list_state(&election.id).await.map_err(sf)?;
    let councils = store
        .list_counts(&election.id, voters::CountBy::Council)
        .await
        .map_err(sf)?
        .len();
    let persons = store.register_count().await.map_err(sf)?;
    let calendar = voters::calendar_of(store, &election.id)
        .await
        .map_err(|e| match e {
            VoterListError::Store(s) => PageFail::refused(lang, &s),
            other => PageFail::new(lang, status_of(&other), other.code()),
        })?;
    let now = state.now();
    let due = posting_due(&calendar);
    let done_at = |step: ListStep| list.as_ref().and_then(|l| l.step_at(step)).map(fmt_instant);
    let publish_window = window_text(lang, &calendar, Action::PublishPreliminaryVoterLists);
    let post_window = match due {
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
    let steps = vec![
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
            window: window_text(lang, &calendar, Action::FinalizeVoterLists),
            open: calendar.check(Action::FinalizeVoterLists, now).is_ok(),
            done: done_at(ListStep::Frozen),
        },
    ];
    let lists = list.filter(|l| l.compiled_at.is_some()).map(|l| ListView {
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
    });
    let t = RegisterTemplate {
        election: election.id.to_string(),
        election_name: election.name.get(lang.code()).to_owned(),
        notice,
        message,
        can_act: ctx.staff.as_ref().is_some_and(|s| s.is_cec_admin),
        persons,
        imports: imports
            .into_iter()
            .map(|i| ImportRow {
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
            })
            .collect(),
        lists,
        councils,
        steps,
        job: state.register_jobs.current().map(|j| job_line(lang, &j)),
        ctx,
    };
    render(&t, status)
}

async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    ctx.require_staff()?;
    let notice = q
        .get("done")
        .filter(|d| ["published", "posted", "posted_late", "frozen"].contains(&d.as_str()))
        .map(|d| lang.t(&format!("register-done-{d}")));
    let wanted = q.get("election").map(String::as_str);
    render_page(&state, ctx, wanted, StatusCode::OK, notice, None).await
}

// --- upload ---

/// A text field of the form, at most 1 KiB (a token, an id, a checkbox).
async fn small_text(lang: Lang, mut field: Field<'_>) -> Result<String, PageFail> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| upload_fail(lang, &e))? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > 1024 {
            return Err(PageFail::new(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_form",
            ));
        }
    }
    String::from_utf8(bytes)
        .map_err(|_| PageFail::new(lang, StatusCode::UNPROCESSABLE_ENTITY, "bad_form"))
}

/// The status and code of a broken upload: too large, or cut off / malformed.
fn upload_error(e: &MultipartError) -> (StatusCode, &'static str) {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        (StatusCode::PAYLOAD_TOO_LARGE, "register_upload_too_large")
    } else {
        (StatusCode::BAD_REQUEST, "register_upload_failed")
    }
}

fn upload_fail(lang: Lang, e: &MultipartError) -> PageFail {
    let (status, code) = upload_error(e);
    tracing::debug!(error = %e, "register upload failed");
    PageFail::new(lang, status, code)
}

/// The file's name as the history shows it: the last path component, printable, bounded.
fn source_name(file_name: Option<&str>) -> String {
    let name = file_name
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim();
    let clean: String = name.chars().filter(|c| !c.is_control()).take(120).collect();
    if clean.is_empty() {
        "upload.csv".to_owned()
    } else {
        clean
    }
}

/// Streams the file field to a new temporary file, counting the bytes into the job.
async fn receive(
    jobs: &RegisterJobs,
    job: &Job,
    field: &mut Field<'_>,
) -> Result<tempfile::TempPath, (StatusCode, &'static str)> {
    let internal = |e: std::io::Error| {
        tracing::error!(error = %e, "spooling a register upload failed");
        (StatusCode::INTERNAL_SERVER_ERROR, "internal")
    };
    let (file, path) = tempfile::Builder::new()
        .prefix("shailoo-register-")
        .suffix(".csv")
        .tempfile_in(&jobs.dir)
        .map_err(internal)?
        .into_parts();
    let mut out = tokio::io::BufWriter::with_capacity(1 << 20, tokio::fs::File::from_std(file));
    while let Some(chunk) = field.chunk().await.map_err(|e| upload_error(&e))? {
        out.write_all(&chunk).await.map_err(internal)?;
        job.update(|p| p.uploaded += chunk.len() as u64);
    }
    out.flush().await.map_err(internal)?;
    out.into_inner().sync_all().await.map_err(internal)?;
    Ok(path)
}

/// `POST /register/import`: the multipart form `csrf`, `election`, `compile`, then `file`
/// (the token must come before the file, as the form puts it, so that no byte of a forged
/// upload is stored).
async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    require_cec(lang, &staff)?;
    let Ok(mut multipart) = multipart else {
        return Err(PageFail::new(
            lang,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "register_not_multipart",
        ));
    };
    let upload_total = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut csrf_ok = false;
    let mut election: Option<String> = None;
    let mut compile = false;
    let mut received: Option<(Running, tempfile::TempPath)> = None;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                if let Some((running, _)) = received {
                    running.finish(Outcome::Failed(Failure::Upload(upload_error(&e).1)));
                }
                return Err(upload_fail(lang, &e));
            }
        };
        match field.name().unwrap_or_default() {
            "csrf" => {
                let token = small_text(lang, field).await?;
                check_csrf(lang, &staff, Some(&token))?;
                csrf_ok = true;
            }
            "election" => election = Some(small_text(lang, field).await?),
            "compile" => compile = !small_text(lang, field).await?.is_empty(),
            "file" if received.is_none() => {
                if !csrf_ok {
                    return Err(PageFail::new(lang, StatusCode::FORBIDDEN, "csrf_failed"));
                }
                let has_name = field.file_name().is_some_and(|n| !n.trim().is_empty());
                let source = source_name(field.file_name());
                let running = match state.register_jobs.start(
                    JobKind::Import,
                    staff.actor().audit_name(),
                    state.now(),
                ) {
                    Ok(r) => r,
                    Err(_busy) => {
                        let m = lang.error("register_job_running");
                        return render_page(
                            &state,
                            ctx,
                            election.as_deref(),
                            StatusCode::CONFLICT,
                            None,
                            Some(m),
                        )
                        .await;
                    }
                };
                running.job.update(|p| {
                    p.source = source;
                    p.upload_total = upload_total;
                });
                match receive(&state.register_jobs, &running.job, &mut field).await {
                    Ok(path) => {
                        if !has_name && running.job.snapshot().uploaded == 0 {
                            // No file was chosen: the browser sends an empty, nameless part.
                            running.finish(Outcome::Failed(Failure::Upload("register_no_file")));
                        } else {
                            received = Some((running, path));
                        }
                    }
                    Err((status, code)) => {
                        running.finish(Outcome::Failed(Failure::Upload(code)));
                        return Err(PageFail::new(lang, status, code));
                    }
                }
            }
            // Unknown fields (and a second file) are read and ignored.
            _ => while let Ok(Some(_)) = field.chunk().await {},
        }
    }
    if !csrf_ok {
        return Err(PageFail::new(lang, StatusCode::FORBIDDEN, "csrf_failed"));
    }
    let Some((running, path)) = received else {
        let m = lang.error("register_no_file");
        return render_page(
            &state,
            ctx,
            election.as_deref(),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(m),
        )
        .await;
    };
    let target = if compile {
        match election_of(&state, lang, election.as_deref()).await {
            Ok(e) => Some(e.id),
            Err(f) => {
                running.finish(Outcome::Failed(Failure::Refused("unknown_election")));
                return Err(f);
            }
        }
    } else {
        None
    };
    let id = running.job.id;
    running.job.update(|p| {
        p.compile = target.is_some();
        p.election = target.clone();
        p.phase = Phase::Importing;
    });
    tracing::info!(job = id, actor = %running.job.actor, "register import started");
    tokio::spawn(run_import(
        state.store.clone(),
        running,
        path,
        target,
        state.now(),
    ));
    Ok(Redirect::to(&format!("/register/jobs/{id}")).into_response())
}

// --- compile now, steps ---

#[derive(Deserialize)]
struct ActionInput {
    csrf: Option<String>,
    election: Option<String>,
    step: Option<String>,
}

async fn compile_now(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(input): Form<ActionInput>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    check_csrf(lang, &staff, input.csrf.as_deref())?;
    require_cec(lang, &staff)?;
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let now = state.now();
    let running = match state
        .register_jobs
        .start(JobKind::Compile, staff.actor().audit_name(), now)
    {
        Ok(r) => r,
        Err(_busy) => {
            let m = lang.error("register_job_running");
            return render_page(
                &state,
                ctx,
                Some(election.id.as_str()),
                StatusCode::CONFLICT,
                None,
                Some(m),
            )
            .await;
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

async fn step(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(input): Form<ActionInput>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    check_csrf(lang, &staff, input.csrf.as_deref())?;
    require_cec(lang, &staff)?;
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let step = match input.step.as_deref() {
        Some("published") => ListStep::Published,
        Some("posted") => ListStep::Posted,
        Some("frozen") => ListStep::Frozen,
        _ => {
            return Err(PageFail::new(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_form",
            ));
        }
    };
    let actor = staff.actor();
    match voters::take_step(
        &*state.store,
        &election.id,
        step,
        actor.audit_name(),
        state.now(),
    )
    .await
    {
        Ok(outcome) => {
            let done = if outcome.late.is_some() {
                "posted_late"
            } else {
                step.as_str()
            };
            Ok(
                Redirect::to(&format!("/register?election={}&done={done}", election.id))
                    .into_response(),
            )
        }
        Err(e) => {
            if let VoterListError::Store(s) = &e {
                crate::kit::fail::log(s);
            }
            let m = refusal(lang, &e);
            render_page(
                &state,
                ctx,
                Some(election.id.as_str()),
                status_of(&e),
                None,
                Some(m),
            )
            .await
        }
    }
}

// --- the job page ---

struct CountLine {
    label: String,
    value: u64,
}

#[derive(Template)]
#[template(path = "register_job.html")]
struct JobTemplate {
    ctx: PageCtx,
    id: u64,
    title: String,
    started: String,
    running: bool,
    phase: String,
    percent: Option<u64>,
    /// "12345 rows; 3.1 MB of 10.0 MB read (31 %)".
    detail: Option<String>,
    /// "File received: 10.0 MB", once the upload is complete.
    received: Option<String>,
    counts: Vec<CountLine>,
    reasons: Vec<CountLine>,
    failure: Option<String>,
    nothing_changed: String,
}

fn megabytes(bytes: u64) -> String {
    // One decimal, integer arithmetic.
    let tenths = bytes / 100_000;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// A bad row in the reader's language: where, and why.
fn row_failure(lang: Lang, e: &RowError) -> String {
    let reason = match &e.reason {
        RowErrorKind::MalformedPin(p) => lang.error(p.code()),
        RowErrorKind::WrongHeader { expected, found } => lang.t_args(
            "register-row-wrong_header",
            &[
                ("expected", (*expected).to_owned()),
                ("found", found.clone()),
            ],
        ),
        RowErrorKind::WrongColumnCount { expected, found } => lang.t_args(
            "register-row-wrong_column_count",
            &[
                ("expected", expected.to_string()),
                ("found", found.to_string()),
            ],
        ),
        RowErrorKind::BadDate { value }
        | RowErrorKind::BadBool { value }
        | RowErrorKind::BadNumber { value } => lang.t_args(
            &format!("register-row-{}", e.reason.code()),
            &[("value", value.clone())],
        ),
        RowErrorKind::UnknownValue { value, allowed } => lang.t_args(
            "register-row-unknown_value",
            &[("value", value.clone()), ("allowed", (*allowed).to_owned())],
        ),
        RowErrorKind::ContradictsPin { from_pin, in_row } => lang.t_args(
            "register-row-contradicts_pin",
            &[("from_pin", from_pin.clone()), ("in_row", in_row.clone())],
        ),
        RowErrorKind::BadId(id) => {
            lang.t_args("register-row-bad_id", &[("detail", id.to_string())])
        }
        RowErrorKind::Syntax(detail) => {
            lang.t_args("register-row-csv_syntax", &[("detail", detail.clone())])
        }
        other => lang.t(&format!("register-row-{}", other.code())),
    };
    let place = match e.column {
        Some(column) => lang.t_args(
            "register-row-at-column",
            &[("line", e.line.to_string()), ("column", column.to_owned())],
        ),
        None => lang.t_args("register-row-at", &[("line", e.line.to_string())]),
    };
    format!("{place}: {reason}")
}

fn compile_counts(lang: Lang, c: &CompileReport) -> (Vec<CountLine>, Vec<CountLine>) {
    let counts = vec![
        CountLine {
            label: lang.t("register-col-eligible"),
            value: c.eligible,
        },
        CountLine {
            label: lang.t("register-col-ineligible"),
            value: c.ineligible,
        },
    ];
    let reasons = c
        .by_reason
        .iter()
        .map(|(code, n)| CountLine {
            label: code.clone(),
            value: *n,
        })
        .collect();
    (counts, reasons)
}

async fn job_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    // A failure may quote a row of the register (personal data): the CEC's eyes only.
    require_cec(lang, &staff)?;
    let job = id
        .parse::<u64>()
        .ok()
        .and_then(|id| state.register_jobs.get(id))
        .ok_or_else(|| PageFail::new(lang, StatusCode::NOT_FOUND, "not_found"))?;
    let p = job.snapshot();
    let title = match job.kind {
        JobKind::Import if p.compile => lang.t_args(
            "register-job-import-compile",
            &[("source", p.source.clone())],
        ),
        JobKind::Import => lang.t_args("register-job-import", &[("source", p.source.clone())]),
        JobKind::Compile => lang.t("register-job-compile"),
    };
    let percent = p.percent();
    let pct = percent.map(|n| format!(" ({n} %)")).unwrap_or_default();
    let detail = match (&p.outcome, p.phase) {
        (None, Phase::Uploading) => Some(match p.upload_total {
            Some(total) => lang.t_args(
                "register-progress-upload",
                &[
                    ("done", megabytes(p.uploaded)),
                    ("total", megabytes(total)),
                    ("percent", pct),
                ],
            ),
            None => lang.t_args(
                "register-progress-upload-open",
                &[("done", megabytes(p.uploaded))],
            ),
        }),
        (None, Phase::Importing | Phase::Committing) => Some(lang.t_args(
            "register-progress-import",
            &[
                ("rows", p.rows.to_string()),
                ("done", megabytes(p.bytes)),
                ("total", megabytes(p.uploaded)),
                ("percent", pct),
            ],
        )),
        (None, Phase::Compiling) if p.persons > 0 => Some(lang.t_args(
            "register-progress-compile",
            &[
                ("done", p.assessed.to_string()),
                ("total", p.persons.to_string()),
                ("percent", pct),
            ],
        )),
        _ => None,
    };
    let (phase, counts, reasons, failure) = match &p.outcome {
        None => (lang.t(p.phase.key()), Vec::new(), Vec::new(), None),
        Some(Outcome::Imported(r)) => {
            let mut counts = vec![
                ("register-col-records", r.records),
                ("register-col-persons", r.persons),
                ("register-col-added", r.added),
                ("register-col-changed", r.changed),
                ("register-col-removed", r.removed),
                ("register-col-unchanged", r.unchanged),
                ("register-col-duplicates", r.duplicate_pins),
            ]
            .into_iter()
            .map(|(key, value)| CountLine {
                label: lang.t(key),
                value,
            })
            .collect::<Vec<_>>();
            let mut reasons = Vec::new();
            if let Some(c) = &r.compiled {
                let (more, why) = compile_counts(lang, c);
                counts.extend(more);
                reasons = why;
            }
            let done = lang.t_args("register-job-imported", &[("id", r.import_id.to_string())]);
            (done, counts, reasons, None)
        }
        Some(Outcome::Compiled(c)) => {
            let (counts, reasons) = compile_counts(lang, c);
            (lang.t("register-job-compiled"), counts, reasons, None)
        }
        Some(Outcome::Failed(f)) => {
            let text = match f {
                Failure::BadRow(row) => row_failure(lang, row),
                Failure::Refused(code) | Failure::Upload(code) => lang.error(code),
                Failure::Interrupted => lang.error("register_job_interrupted"),
            };
            (
                lang.t("register-job-failed"),
                Vec::new(),
                Vec::new(),
                Some(text),
            )
        }
    };
    let nothing_changed = match job.kind {
        JobKind::Import => lang.t("register-nothing-imported"),
        JobKind::Compile => lang.t("register-nothing-compiled"),
    };
    let received = (job.kind == JobKind::Import && p.phase != Phase::Uploading).then(|| {
        lang.t_args(
            "register-upload-received",
            &[("size", megabytes(p.uploaded))],
        )
    });
    let t = JobTemplate {
        id: job.id,
        received,
        title,
        started: format!("{} · {}", fmt_instant(job.started_at), job.actor),
        running: p.outcome.is_none(),
        phase,
        percent,
        detail,
        counts,
        reasons,
        failure,
        nothing_changed,
        ctx,
    };
    render(&t, StatusCode::OK)
}

pub(crate) fn feature() -> crate::features::Feature {
    crate::features::Feature {
        name: "register",
        pages: routes(),
        api: utoipa_axum::router::OpenApiRouter::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_names_keep_only_the_file_name() {
        assert_eq!(source_name(Some("C:\\data\\register.csv")), "register.csv");
        assert_eq!(
            source_name(Some("/tmp/x/register-2024.csv")),
            "register-2024.csv"
        );
        assert_eq!(source_name(Some("  ")), "upload.csv");
        assert_eq!(source_name(None), "upload.csv");
        assert_eq!(source_name(Some("a\u{7}b.csv")), "ab.csv");
    }

    #[test]
    fn a_compile_job_measures_its_progress_once_the_register_size_is_known() {
        let mut p = Progress {
            phase: Phase::Compiling,
            ..Progress::default()
        };
        assert_eq!(p.percent(), None);
        p.persons = 4_000;
        p.assessed = 1_000;
        assert_eq!(p.percent(), Some(25));
        p.assessed = 4_000;
        assert_eq!(p.percent(), Some(100));
    }

    #[test]
    fn one_job_at_a_time_and_the_slot_is_freed_when_a_job_ends() {
        let jobs = Arc::new(RegisterJobs::new(std::env::temp_dir()));
        let at = Timestamp::UNIX_EPOCH;
        let first = jobs
            .start(JobKind::Import, "admin", at)
            .unwrap_or_else(|_| panic!("the first job starts"));
        let busy = jobs.start(JobKind::Compile, "admin", at);
        assert!(matches!(busy, Err(ref j) if j.id == first.job.id));
        let id = first.job.id;
        // Dropped without an outcome (an upload cut off): marked interrupted, slot freed.
        drop(first);
        let job = jobs.get(id).unwrap_or_else(|| panic!("kept"));
        assert!(matches!(
            job.snapshot().outcome,
            Some(Outcome::Failed(Failure::Interrupted))
        ));
        let second = jobs
            .start(JobKind::Compile, "admin", at)
            .unwrap_or_else(|_| panic!("the slot is free"));
        assert_eq!(second.job.id, id + 1);
        second.finish(Outcome::Compiled(CompileReport::default()));
        assert_eq!(jobs.current().map(|j| j.id), Some(id + 1));
        assert_eq!(
            jobs.get(id + 1).and_then(|j| j.snapshot().percent()),
            Some(100)
        );
    }

    #[test]
    fn progress_is_measured_in_bytes() {
        let mut p = Progress {
            upload_total: Some(1000),
            uploaded: 250,
            ..Progress::default()
        };
        assert_eq!(p.percent(), Some(25));
        p.phase = Phase::Importing;
        p.uploaded = 1000;
        p.bytes = 999;
        assert_eq!(p.percent(), Some(99));
        p.phase = Phase::Committing;
        assert_eq!(p.percent(), None);
        assert_eq!(megabytes(3_160_000), "3.1");
    }
}
