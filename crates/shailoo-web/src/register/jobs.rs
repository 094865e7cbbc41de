//! The register page's background jobs: at most one import or compile runs; the last
//! [`KEPT_JOBS`] are kept in memory for their pages (a restart forgets them, not what they did:
//! the register's history and the audit log are the store's). An import streams the uploaded
//! extract through [`voters::import_register`], all of it or nothing, like
//! `shailoo register import`.

use jiff::Timestamp;
use shailoo_app::Store;
use shailoo_app::voters::{
    self, CompileProgress, CompileReport, EmptyExtract, ImportOptions, ImportReport,
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
    /// Where uploads are spooled.
    pub(super) fn dir(&self) -> &std::path::Path {
        &self.dir
    }

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
    /// A use case refused, or the store failed (an error code).
    Refused(ErrorCode),
    /// The upload failed (an error code).
    Upload(ErrorCode),
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
                Failure::Refused(ErrorCode::Internal)
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
pub(super) async fn run_import(
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
        Err(e) => Outcome::Failed(Failure::from_voters(&e)),
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
