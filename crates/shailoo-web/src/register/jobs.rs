//! The register page's background jobs: at most one preview, import or compile runs; the last
//! [`KEPT_JOBS`] are kept in memory for their pages (a restart forgets them, not what they did:
//! the register's history and the audit log are the store's). An upload streams the extract
//! through [`voters::import_register`] as a preview, which stores nothing and keeps the file
//! ([`Pending`]) until the CEC confirms the difference it showed; the confirmed import streams
//! the same file again, all of it or nothing, like `shailoo register import --confirm`.

use jiff::Timestamp;
use shailoo_app::Store;
use shailoo_app::voters::{
    self, CompileProgress, CompileReport, EmptyExtract, ImportMode, ImportOptions, ImportReport,
    StreamedImportError, VoterListError,
};
use shailoo_domain::ElectionId;
use shailoo_domain::ErrorCode;
use shailoo_domain::register::RegisterRecord;
use shailoo_formats::{FormatError, RegisterReader, RowError};
use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Finished jobs kept for their pages.
const KEPT_JOBS: usize = 20;

/// How long a previewed extract waits for its confirmation before its file is removed.
const PREVIEW_KEPT: jiff::SignedDuration = jiff::SignedDuration::from_hours(2);

/// A previewed extract waiting for the CEC's confirmation: the file stays on disk (the
/// national extract is hundreds of megabytes), and only the latest preview is kept; a newer
/// one, its confirmation or [`PREVIEW_KEPT`] removes it.
pub(super) struct Pending {
    /// The preview job whose page shows the difference.
    pub(super) job: u64,
    pub(super) file: tempfile::TempPath,
    pub(super) source: String,
    pub(super) size: u64,
    pub(super) election: Option<ElectionId>,
    pub(super) previewed_at: Timestamp,
}

/// The background jobs of the register page: at most one runs; the last [`KEPT_JOBS`] are kept
/// in memory for their pages (a restart forgets them, not what they did).
pub(crate) struct RegisterJobs {
    /// Where uploads are spooled.
    dir: PathBuf,
    inner: Mutex<JobsInner>,
    pending: Mutex<Option<Pending>>,
}

#[derive(Default)]
struct JobsInner {
    next_id: u64,
    running: Option<u64>,
    jobs: VecDeque<Arc<Job>>,
}

impl RegisterJobs {
    /// Where uploads are spooled.
    pub(super) fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    pub(crate) fn new(dir: PathBuf) -> Self {
        RegisterJobs {
            dir,
            inner: Mutex::new(JobsInner::default()),
            pending: Mutex::new(None),
        }
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, Option<Pending>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps a previewed extract for its confirmation (removing the one kept before).
    pub(super) fn keep(&self, pending: Pending) {
        let old = self.pending().replace(pending);
        drop(old);
    }

    /// Whether the preview of job `id` still waits for its confirmation at `now`.
    pub(super) fn awaits_confirmation(&self, id: u64, now: Timestamp) -> bool {
        self.expire(now);
        self.pending().as_ref().is_some_and(|p| p.job == id)
    }

    /// The previewed extract of job `id`, for its confirmation.
    pub(super) fn take_pending(&self, id: u64, now: Timestamp) -> Option<Pending> {
        self.expire(now);
        let mut pending = self.pending();
        if pending.as_ref().is_some_and(|p| p.job == id) {
            pending.take()
        } else {
            None
        }
    }

    /// Removes a preview left unconfirmed for [`PREVIEW_KEPT`].
    fn expire(&self, now: Timestamp) {
        let mut pending = self.pending();
        if pending
            .as_ref()
            .is_some_and(|p| now.duration_since(p.previewed_at) > PREVIEW_KEPT)
        {
            let old = pending.take();
            drop(pending);
            drop(old);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, JobsInner> {
        // A poisoned lock only means a request panicked mid-update; the list is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a job, or returns the one running.
    pub(super) fn start(
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

    pub(super) fn get(&self, id: u64) -> Option<Arc<Job>> {
        self.lock().jobs.iter().find(|j| j.id == id).cloned()
    }

    /// The job running, else the latest one.
    pub(super) fn current(&self) -> Option<Arc<Job>> {
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
pub(super) struct Running {
    jobs: Arc<RegisterJobs>,
    pub(super) job: Arc<Job>,
}

impl Running {
    pub(super) fn finish(self, outcome: Outcome) {
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
pub(super) enum JobKind {
    /// An upload read and compared with the register: stores nothing.
    Preview,
    /// A previewed extract imported on its confirmation.
    Import,
    Compile,
}

pub(super) struct Job {
    pub(super) id: u64,
    pub(super) kind: JobKind,
    pub(super) actor: String,
    pub(super) started_at: Timestamp,
    pub(super) progress: Mutex<Progress>,
}

impl Job {
    pub(super) fn update(&self, f: impl FnOnce(&mut Progress)) {
        f(&mut self.progress.lock().unwrap_or_else(|p| p.into_inner()));
    }

    pub(super) fn snapshot(&self) -> Progress {
        self.progress
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Phase {
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
    pub(super) fn key(self) -> &'static str {
        match self {
            Phase::Uploading => "register-phase-uploading",
            Phase::Importing => "register-phase-importing",
            Phase::Committing => "register-phase-committing",
            Phase::Compiling => "register-phase-compiling",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct Progress {
    pub(super) phase: Phase,
    /// The uploaded file's name (the import's source in the history and the audit log).
    pub(super) source: String,
    pub(super) compile: bool,
    pub(super) election: Option<ElectionId>,
    /// The request's length, when the client sent one (the file is a little smaller).
    pub(super) upload_total: Option<u64>,
    /// Bytes of the file received.
    pub(super) uploaded: u64,
    /// Bytes of the file parsed.
    pub(super) bytes: u64,
    /// Rows parsed, copies of duplicated PINs included.
    pub(super) rows: u64,
    /// Compiling from the stored register: persons assessed, of how many (0: unknown).
    pub(super) assessed: u64,
    pub(super) persons: u64,
    /// An import: the preview job whose difference it stores.
    pub(super) confirms: Option<u64>,
    pub(super) outcome: Option<Outcome>,
}

impl Progress {
    /// Per cent done of the current phase, when it can be measured.
    pub(super) fn percent(&self) -> Option<u64> {
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
pub(super) enum Outcome {
    /// The difference of an upload, nothing stored.
    Previewed(ImportReport),
    Imported(ImportReport),
    Compiled(CompileReport),
    Failed(Failure),
}

/// Why a job stopped. Nothing was imported or changed in every case: the store's transaction
/// was never committed.
#[derive(Debug, Clone)]
pub(super) enum Failure {
    /// A row (or the header) of the extract is bad.
    BadRow(RowError),
    /// A use case refused, or the store failed: said in the reader's language when the page
    /// is shown (a calendar refusal names its rule).
    Voters(Arc<VoterListError>),
    /// Refused before the use case ran (an error code).
    Refused(ErrorCode),
    /// The upload failed (an error code).
    Upload(ErrorCode),
    /// The job ended without an outcome: the upload was cut off, or the job broke.
    Interrupted,
}

impl Failure {
    fn from_voters(e: VoterListError) -> Failure {
        if let VoterListError::Store(s) = &e {
            crate::kit::fail::log(s);
        }
        Failure::Voters(Arc::new(e))
    }

    fn from_format(e: FormatError) -> Failure {
        match e {
            FormatError::Row(row) => Failure::BadRow(row),
            other => {
                tracing::error!(error = %other, "reading an uploaded register failed");
                Failure::Refused(ErrorCode::Internal)
            }
        }
    }
}

/// What the job streams: the file, its election to compile, and how (preview or apply).
pub(super) struct ImportJob {
    pub(super) file: tempfile::TempPath,
    pub(super) election: Option<ElectionId>,
    pub(super) mode: ImportMode,
    pub(super) at: Timestamp,
}

/// The reader of the uploaded file, which stops at a settlement the setup does not know.
async fn open_reader(store: &dyn Store, j: &ImportJob) -> Result<RegisterReader, Failure> {
    let known = store
        .territory_ids()
        .await
        .map_err(|e| Failure::from_voters(e.into()))?
        .into_iter()
        .collect();
    let file = j.file.to_path_buf();
    Ok(
        tokio::task::spawn_blocking(move || RegisterReader::open(&file))
            .await
            .map_err(|_| Failure::Interrupted)?
            .map_err(Failure::from_format)?
            .known_settlements(known),
    )
}

/// Streams an uploaded extract into one import (and compile, with an election, or when the
/// lists are compiled already) previewed or stored: all of it or nothing, through
/// [`voters::import_register`] like `shailoo register import`. A settlement the setup does not
/// know stops it at its line.
async fn import(store: &dyn Store, job: &Arc<Job>, j: &ImportJob) -> Result<ImportReport, Failure> {
    let plan = voters::plan_import(store, j.election.as_ref())
        .await
        .map_err(Failure::from_voters)?;
    let reader = open_reader(store, j).await?;
    let progress = job.snapshot();
    let size = progress.uploaded;
    let options = ImportOptions::new(
        progress.source.clone(),
        job.actor.clone(),
        j.at,
        plan,
        j.mode.clone(),
    );
    job.update(|p| {
        p.phase = Phase::Importing;
        p.compile = options.compile.is_some();
        p.election = options.compile.as_ref().map(|c| c.election().clone());
    });
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
        StreamedImportError::Refused(e) => Failure::from_voters(e),
        StreamedImportError::ReaderStopped => Failure::Interrupted,
    })?;
    job.update(|p| {
        p.phase = Phase::Committing;
        p.bytes = size;
    });
    report.ok_or(Failure::Interrupted)
}

/// The preview or import job: runs [`import`] and records the outcome. A preview's file is
/// kept for its confirmation ([`RegisterJobs::keep`]); otherwise it is removed.
pub(super) async fn run_import(store: Arc<dyn Store>, running: Running, j: ImportJob) {
    let preview = j.mode == ImportMode::Preview;
    let outcome = match import(&*store, &running.job, &j).await {
        Ok(report) if preview => {
            let p = running.job.snapshot();
            running.jobs.keep(Pending {
                job: running.job.id,
                file: j.file,
                source: p.source,
                size: p.uploaded,
                election: j.election,
                previewed_at: j.at,
            });
            running.finish(Outcome::Previewed(report));
            return;
        }
        Ok(report) => Outcome::Imported(report),
        Err(f) => Outcome::Failed(f),
    };
    if let Err(e) = j.file.close() {
        tracing::warn!(error = %e, "could not remove an uploaded register file");
    }
    running.finish(outcome);
}

pub(super) async fn run_compile(
    store: Arc<dyn Store>,
    running: Running,
    election: ElectionId,
    at: Timestamp,
) {
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
        Err(e) => Outcome::Failed(Failure::from_voters(e)),
    };
    running.finish(outcome);
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_preview_waits_for_its_confirmation_once_and_for_two_hours_at_most() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let jobs = RegisterJobs::new(dir.path().to_owned());
        let file = |name: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, b"pin\n").unwrap_or_else(|e| panic!("{e}"));
            tempfile::TempPath::try_from_path(path).unwrap_or_else(|e| panic!("{e}"))
        };
        let at = Timestamp::UNIX_EPOCH;
        let pending = |job, name| Pending {
            job,
            file: file(name),
            source: "register.csv".into(),
            size: 4,
            election: None,
            previewed_at: at,
        };
        jobs.keep(pending(1, "one.csv"));
        assert!(jobs.awaits_confirmation(1, at));
        // A newer preview replaces it, and its file is removed.
        jobs.keep(pending(2, "two.csv"));
        assert!(!jobs.awaits_confirmation(1, at));
        assert!(!dir.path().join("one.csv").exists());
        assert!(jobs.take_pending(1, at).is_none());
        // Confirmed once: taken, then gone.
        let taken = jobs.take_pending(2, at).map(|p| p.job);
        assert_eq!(taken, Some(2));
        assert!(jobs.take_pending(2, at).is_none());
        // Left unconfirmed for more than two hours: removed.
        jobs.keep(pending(3, "three.csv"));
        let later = at + PREVIEW_KEPT;
        assert!(jobs.awaits_confirmation(3, later));
        let too_late = later + jiff::SignedDuration::from_secs(1);
        assert!(!jobs.awaits_confirmation(3, too_late));
        assert!(!dir.path().join("three.csv").exists());
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
    }
}
