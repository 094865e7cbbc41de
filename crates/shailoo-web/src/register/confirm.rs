//! `POST /register/jobs/{id}/confirm`: the CEC confirms the difference a preview showed, and
//! the kept extract is imported by a new job. The form names the difference it confirms (the
//! store computes it again and refuses a register or an extract that changed since), and a
//! removal beyond the limit is let through only by a checkbox whose value names the limit
//! ([`REMOVAL_LIMIT_KEY`]); the import's audit entry records both.

use crate::AppState;
use crate::kit::input::Form;
use crate::kit::{Lang, PageCtx, PageFail, PageResult};
use crate::register::jobs::{ImportJob, JobKind, Outcome, Phase, RegisterJobs, run_import};
use crate::register::require;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shailoo_app::authz::Power;
use shailoo_app::voters::{Confirmation, DifferenceId, ImportMode};
use shailoo_domain::ErrorCode;
use shailoo_domain::params::REMOVAL_LIMIT_KEY;

#[derive(Deserialize)]
pub(super) struct ConfirmInput {
    csrf: Option<String>,
    /// The difference the page showed; empty for an import into an empty register.
    difference: Option<String>,
    /// Present when the CEC overrides the removal limit: must name it.
    #[serde(rename = "override")]
    override_limit: Option<String>,
}

/// The difference the CEC confirms (none into an empty register), and whether it overrides
/// the removal limit, which the form must name.
fn confirmed(lang: Lang, input: &ConfirmInput) -> Result<(Option<DifferenceId>, bool), PageFail> {
    let difference = match input.difference.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(DifferenceId::parse(d).map_err(|e| PageFail::refused(lang, &e))?),
    };
    let override_removal_limit = match input.override_limit.as_deref() {
        None => false,
        Some(REMOVAL_LIMIT_KEY) => true,
        Some(_) => return Err(PageFail::bad_form(lang)),
    };
    Ok((difference, override_removal_limit))
}

/// `POST /register/jobs/{id}/confirm`.
pub(super) async fn confirm(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(input): Form<ConfirmInput>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff_csrf(input.csrf.as_deref())?;
    require(lang, staff, Power::ImportRegister)?;
    let preview = id.parse::<u64>().map_err(|_| PageFail::not_found(lang))?;
    let (difference, override_removal_limit) = confirmed(lang, &input)?;
    let now = state.now();
    let jobs = &state.register_jobs;
    removal_limit_guard(lang, jobs, preview, override_removal_limit)?;
    let Some(pending) = jobs.take_pending(preview, now) else {
        return Err(PageFail::new(
            lang,
            StatusCode::CONFLICT,
            ErrorCode::RegisterPreviewGone,
        ));
    };
    let actor = staff.actor();
    let running = match jobs.start(JobKind::Import, actor.audit_name(), now) {
        Ok(r) => r,
        Err(_busy) => {
            // Still waiting for its confirmation once the other job is done.
            jobs.keep(pending);
            return Err(PageFail::new(
                lang,
                StatusCode::CONFLICT,
                ErrorCode::RegisterJobRunning,
            ));
        }
    };
    let id = running.job.id;
    running.job.update(|p| {
        p.source = pending.source.clone();
        p.uploaded = pending.size;
        p.compile = pending.election.is_some();
        p.election = pending.election.clone();
        p.confirms = Some(preview);
        p.phase = Phase::Importing;
    });
    let confirmation = difference.map(|difference| Confirmation {
        difference,
        override_removal_limit,
    });
    tracing::info!(
        job = id,
        preview,
        actor = %running.job.actor,
        override_removal_limit,
        "register import confirmed"
    );
    let job = ImportJob {
        file: pending.file,
        election: pending.election,
        mode: ImportMode::Apply(confirmation),
        at: now,
    };
    tokio::spawn(run_import(state.store.clone(), running, job));
    Ok(Redirect::to(&format!("/register/jobs/{id}")).into_response())
}

/// Refuses a confirmation without the override of a preview whose extract removes more than
/// the limit. Checked before the extract is taken, so that the preview keeps waiting: the CEC
/// ticks the override and confirms again without uploading the file again. The import checks
/// the limit again against the register as it is then.
fn removal_limit_guard(
    lang: Lang,
    jobs: &RegisterJobs,
    preview: u64,
    override_removal_limit: bool,
) -> Result<(), PageFail> {
    let over = jobs
        .get(preview)
        .is_some_and(|job| match job.snapshot().outcome {
            Some(Outcome::Previewed(report)) => report.removal_over_limit,
            _ => false,
        });
    if over && !override_removal_limit {
        return Err(PageFail::new(
            lang,
            StatusCode::CONFLICT,
            ErrorCode::RegisterRemovalOverLimit,
        ));
    }
    Ok(())
}
