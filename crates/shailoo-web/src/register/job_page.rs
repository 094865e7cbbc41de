//! `GET /register/jobs/{id}`: a job's page. While the job runs the page refreshes itself every
//! two seconds with `<meta http-equiv="refresh">` (the CSP forbids scripts). A finished preview
//! shows the difference of the uploaded extract and, while its file is kept, the form that
//! confirms it (`POST /register/jobs/{id}/confirm`, `confirm.rs`), with the override of the
//! removal limit when the extract removes more than it allows.

use crate::AppState;
use crate::kit::format::{fmt_instant, ineligibility};
use crate::kit::{Lang, PageCtx, PageFail, PageResult, Refusal, render};
use crate::register::jobs::{Failure, JobKind, Outcome, Phase, Progress};
use crate::register::require;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shailoo_app::authz::Power;
use shailoo_app::voters::{CompileReport, ImportReport};
use shailoo_domain::ErrorCode;
use shailoo_domain::params::REMOVAL_LIMIT_KEY;
use shailoo_formats::{RowError, RowErrorKind};

struct CountLine {
    label: String,
    value: u64,
}

/// The confirmation form of a preview whose file is still kept.
struct ConfirmView {
    /// The difference confirmed (empty for an import into an empty register).
    difference: String,
    /// The removal goes beyond the limit: the checkbox that overrides it, by name.
    override_key: Option<&'static str>,
    override_label: String,
}

#[derive(Template)]
#[template(path = "register/templates/job.html")]
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
    /// A preview: what it means, the removal-limit warning, and the form while it may be
    /// confirmed (else why not).
    previewed: Option<String>,
    over_limit: Option<String>,
    confirm: Option<ConfirmView>,
    preview_gone: Option<String>,
}

fn megabytes(bytes: u64) -> String {
    // One decimal, integer arithmetic.
    let tenths = bytes / 100_000;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// A bad row in the reader's language: where, and why.
pub(crate) fn row_failure(lang: Lang, e: &RowError) -> String {
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
        | RowErrorKind::BadNumber { value }
        | RowErrorKind::BadMoney { value }
        | RowErrorKind::UnknownSettlement { value }
        | RowErrorKind::BadPhone { value } => lang.t_args(
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
        RowErrorKind::ForbiddenCharacter(c) => lang.t_args(
            "register-row-forbidden_character",
            &[("character", c.code_point().to_string())],
        ),
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
            label: ineligibility(lang, code),
            value: *n,
        })
        .collect();
    (counts, reasons)
}

/// How far the running job is, in words (`None` when it cannot be measured).
fn detail(lang: Lang, p: &Progress) -> Option<String> {
    let pct = p.percent().map(|n| format!(" ({n} %)")).unwrap_or_default();
    match (&p.outcome, p.phase) {
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
    }
}

/// The counts of an import (with its compile's, if any).
fn import_counts(lang: Lang, r: &ImportReport) -> (Vec<CountLine>, Vec<CountLine>) {
    let mut counts = [
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
    (counts, reasons)
}

/// The difference a preview shows: the register before and after, and each kind of change.
fn difference_counts(lang: Lang, r: &ImportReport) -> Vec<CountLine> {
    let mut counts: Vec<CountLine> = [
        ("register-col-persons-before", r.persons_before),
        ("register-col-added", r.added),
        ("register-col-changed", r.changed),
        ("register-col-removed", r.removed),
        ("register-col-unchanged", r.unchanged),
        ("register-col-persons-after", r.persons),
        ("register-col-records", r.records),
        ("register-col-duplicates", r.duplicate_pins),
    ]
    .into_iter()
    .map(|(key, value)| CountLine {
        label: lang.t(key),
        value,
    })
    .collect();
    if let Some(n) = r.no_station_area {
        counts.push(CountLine {
            label: lang.t("register-col-no-station-area"),
            value: n,
        });
    }
    counts
}

/// "This extract removes 215079 of the 215079 persons …, more than … (name): …".
fn over_limit(lang: Lang, r: &ImportReport) -> Option<String> {
    r.removal_over_limit.then(|| {
        lang.t_args(
            "register-over-limit",
            &[
                ("removed", r.removed.to_string()),
                ("persons", r.persons_before.to_string()),
                ("limit", r.removal_limit_percent.to_string()),
                ("key", REMOVAL_LIMIT_KEY.to_owned()),
            ],
        )
    })
}

/// Where the job stands (its phase, or how it ended), its counts and reasons, and why it
/// failed.
type Ending = (String, Vec<CountLine>, Vec<CountLine>, Option<String>);

/// The [`Ending`] of a job's progress.
fn ending(lang: Lang, p: &Progress) -> Ending {
    match &p.outcome {
        None => (lang.t(p.phase.key()), Vec::new(), Vec::new(), None),
        Some(Outcome::Previewed(r)) => (
            lang.t("register-job-previewed"),
            difference_counts(lang, r),
            Vec::new(),
            None,
        ),
        Some(Outcome::Imported(r)) => {
            let (counts, reasons) = import_counts(lang, r);
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
                Failure::Voters(e) => e.message(lang),
                Failure::Refused(code) | Failure::Upload(code) => lang.error(*code),
                Failure::Interrupted => lang.error(ErrorCode::RegisterJobInterrupted),
            };
            let failed = lang.t("register-job-failed");
            (failed, Vec::new(), Vec::new(), Some(text))
        }
    }
}

/// The job's title: what it does, with the file's name.
fn title(lang: Lang, kind: JobKind, p: &Progress) -> String {
    let source = [("source", p.source.clone())];
    match kind {
        JobKind::Preview if p.compile => lang.t_args("register-job-preview-compile", &source),
        JobKind::Preview => lang.t_args("register-job-preview", &source),
        JobKind::Import if p.compile => lang.t_args("register-job-import-compile", &source),
        JobKind::Import => lang.t_args("register-job-import", &source),
        JobKind::Compile => lang.t("register-job-compile"),
    }
}

/// What a finished preview shows: its help, a removal over the limit, and the confirmation
/// form while it may still be confirmed (else why not).
#[derive(Default)]
struct Preview {
    previewed: Option<String>,
    over: Option<String>,
    confirm: Option<ConfirmView>,
    preview_gone: Option<String>,
}

fn preview(state: &AppState, lang: Lang, id: u64, p: &Progress) -> Preview {
    let mut v = Preview::default();
    if let Some(Outcome::Previewed(r)) = &p.outcome {
        v.previewed = Some(lang.t("register-preview-help"));
        v.over = over_limit(lang, r);
        if state.register_jobs.awaits_confirmation(id, state.now()) {
            v.confirm = Some(ConfirmView {
                difference: r
                    .difference
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                override_key: r.removal_over_limit.then_some(REMOVAL_LIMIT_KEY),
                override_label: lang.t_args(
                    "register-override",
                    &[
                        ("key", REMOVAL_LIMIT_KEY.to_owned()),
                        ("limit", r.removal_limit_percent.to_string()),
                        ("removed", r.removed.to_string()),
                    ],
                ),
            });
        } else {
            v.preview_gone = Some(lang.error(ErrorCode::RegisterPreviewGone));
        }
    }
    v
}

/// `GET /register/jobs/{id}`: a job's progress, refreshing itself while it runs, then its
/// summary or its failure.
pub(super) async fn job_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let lang = ctx.lang;
    // A failure may quote a row of the register (personal data): the CEC's eyes only.
    require(lang, ctx.require_staff()?, Power::ViewRegisterJobs)?;
    let job = id
        .parse::<u64>()
        .ok()
        .and_then(|id| state.register_jobs.get(id))
        .ok_or_else(|| PageFail::not_found(lang))?;
    let p = job.snapshot();
    let title = title(lang, job.kind, &p);
    let (phase, counts, reasons, failure) = ending(lang, &p);
    let nothing_changed = match job.kind {
        JobKind::Preview | JobKind::Import => lang.t("register-nothing-imported"),
        JobKind::Compile => lang.t("register-nothing-compiled"),
    };
    let Preview {
        previewed,
        over,
        confirm,
        preview_gone,
    } = preview(&state, lang, job.id, &p);
    let received = (job.kind != JobKind::Compile && p.phase != Phase::Uploading).then(|| {
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
        percent: p.percent(),
        detail: detail(lang, &p),
        counts,
        reasons,
        failure,
        nothing_changed,
        previewed,
        over_limit: over,
        confirm,
        preview_gone,
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_megabytes_with_one_decimal() {
        assert_eq!(megabytes(3_160_000), "3.1");
        assert_eq!(megabytes(0), "0.0");
    }
}
