//! `POST /register/import`: the extract uploaded as a multipart form and **streamed** to a
//! temporary file (the national extract is hundreds of megabytes: it is never held in memory),
//! then compared with the register by a background job that stores nothing: its page shows
//! the difference and the button that confirms it (`job_page.rs`).
//!
//! The form's parts come in its order: `csrf`, `election`, `compile`, then `file`. The token
//! must come before the file, so that no byte of a forged upload is stored.

use crate::AppState;
use crate::kit::forms::{check_csrf, election_of};
use crate::kit::input::{self, InputRejection, Multipart, SmallTextError};
use crate::kit::page::Feedback;
use crate::kit::session::Staff;
use crate::kit::{Lang, PageCtx, PageFail, PageResult};
use crate::register::jobs::{
    Failure, ImportJob, Job, JobKind, Outcome, Phase, RegisterJobs, Running, run_import,
};
use crate::register::pages::render_page;
use crate::register::require;
use axum::extract::State;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use shailoo_app::authz::Power;
use shailoo_app::voters::ImportMode;
use shailoo_domain::{ElectionId, ErrorCode};
use tokio::io::AsyncWriteExt;

/// A text field of the form, at most 1 KiB (a token, an id, a checkbox), held to the text
/// rule like every other field ([`crate::kit::input`]).
async fn small_text(lang: Lang, field: Field<'_>) -> Result<String, PageFail> {
    input::small_text(field, 1024).await.map_err(|e| match e {
        SmallTextError::Body(e) => upload_fail(lang, &e),
        SmallTextError::TooLong => {
            PageFail::new(lang, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::BadForm)
        }
        SmallTextError::Bad(e) => PageFail::bad_text(lang, &e),
    })
}

/// The status and code of a broken upload: too large, or cut off / malformed.
fn upload_error(e: &MultipartError) -> (StatusCode, ErrorCode) {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::RegisterUploadTooLarge,
        )
    } else {
        (StatusCode::BAD_REQUEST, ErrorCode::RegisterUploadFailed)
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
) -> Result<tempfile::TempPath, (StatusCode, ErrorCode)> {
    let internal = |e: std::io::Error| {
        tracing::error!(error = %e, "spooling a register upload failed");
        (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
    };
    let (file, path) = tempfile::Builder::new()
        .prefix("shailoo-register-")
        .suffix(".csv")
        .tempfile_in(jobs.dir())
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

/// What the form sent: the token checked, the election named, whether to compile, and the
/// file received into a job that has started.
#[derive(Default)]
struct Upload {
    csrf_ok: bool,
    election: Option<String>,
    compile: bool,
    received: Option<(Running, tempfile::TempPath)>,
}

/// Why reading the form stopped: a failure page, or a job already running (the status page
/// says so, for the election named so far).
enum Stop {
    Fail(PageFail),
    Busy,
}

impl From<PageFail> for Stop {
    fn from(f: PageFail) -> Stop {
        Stop::Fail(f)
    }
}

/// Starts the preview job and streams the file into it. `None` when no file was chosen: the
/// browser then sends an empty, nameless part (the job is ended as failed).
async fn receive_file(
    state: &AppState,
    lang: Lang,
    staff: &Staff,
    field: &mut Field<'_>,
    upload_total: Option<u64>,
) -> Result<Option<(Running, tempfile::TempPath)>, Stop> {
    let has_name = field.file_name().is_some_and(|n| !n.trim().is_empty());
    let source = source_name(field.file_name());
    let actor = staff.actor();
    let Ok(running) = state
        .register_jobs
        .start(JobKind::Preview, actor.audit_name(), state.now())
    else {
        return Err(Stop::Busy);
    };
    running.job.update(|p| {
        p.source = source;
        p.upload_total = upload_total;
    });
    match receive(&state.register_jobs, &running.job, field).await {
        Ok(_) if !has_name && running.job.snapshot().uploaded == 0 => {
            running.finish(Outcome::Failed(Failure::Upload(ErrorCode::RegisterNoFile)));
            Ok(None)
        }
        Ok(path) => Ok(Some((running, path))),
        Err((status, code)) => {
            running.finish(Outcome::Failed(Failure::Upload(code)));
            Err(PageFail::new(lang, status, code).into())
        }
    }
}

/// Reads the parts of the form in order, streaming the (first) file into a new job.
async fn read_upload(
    state: &AppState,
    lang: Lang,
    staff: &Staff,
    mut multipart: Multipart,
    upload_total: Option<u64>,
    form: &mut Upload,
) -> Result<(), Stop> {
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(()),
            Err(e) => {
                if let Some((running, _)) = form.received.take() {
                    running.finish(Outcome::Failed(Failure::Upload(upload_error(&e).1)));
                }
                return Err(upload_fail(lang, &e).into());
            }
        };
        match field.name().unwrap_or_default() {
            "csrf" => {
                let token = small_text(lang, field).await?;
                check_csrf(lang, staff, Some(&token))?;
                form.csrf_ok = true;
            }
            "election" => form.election = Some(small_text(lang, field).await?),
            "compile" => form.compile = !small_text(lang, field).await?.is_empty(),
            "file" if form.received.is_none() => {
                if !form.csrf_ok {
                    return Err(
                        PageFail::new(lang, StatusCode::FORBIDDEN, ErrorCode::CsrfFailed).into(),
                    );
                }
                form.received = receive_file(state, lang, staff, &mut field, upload_total).await?;
            }
            // Unknown fields (and a second file) are read and ignored.
            _ => while let Ok(Some(_)) = field.chunk().await {},
        }
    }
}

/// `POST /register/import`.
pub(super) async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    multipart: Result<Multipart, InputRejection>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    require(lang, &staff, Power::ImportRegister)?;
    let Ok(multipart) = multipart else {
        let code = ErrorCode::RegisterNotMultipart;
        return Err(PageFail::new(
            lang,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code,
        ));
    };
    let upload_total = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut form = Upload::default();
    match read_upload(&state, lang, &staff, multipart, upload_total, &mut form).await {
        Ok(()) => {}
        Err(Stop::Fail(f)) => return Err(f),
        Err(Stop::Busy) => {
            let m = lang.error(ErrorCode::RegisterJobRunning);
            let feedback = Feedback::refused(StatusCode::CONFLICT, m);
            return render_page(&state, ctx, form.election.as_deref(), feedback).await;
        }
    }
    if !form.csrf_ok {
        return Err(PageFail::new(
            lang,
            StatusCode::FORBIDDEN,
            ErrorCode::CsrfFailed,
        ));
    }
    let Some((running, path)) = form.received else {
        let m = lang.error(ErrorCode::RegisterNoFile);
        let feedback = Feedback::refused(StatusCode::UNPROCESSABLE_ENTITY, m);
        return render_page(&state, ctx, form.election.as_deref(), feedback).await;
    };
    let target = if form.compile {
        match election_of(&state, lang, form.election.as_deref()).await {
            Ok(e) => Some(e.id),
            Err(f) => {
                running.finish(Outcome::Failed(Failure::Refused(
                    ErrorCode::UnknownElection,
                )));
                return Err(f);
            }
        }
    } else {
        None
    };
    Ok(start(&state, running, path, target))
}

/// Starts the import of the received file (and the compile, with an election) in the
/// background; the job's page follows it.
fn start(
    state: &AppState,
    running: Running,
    path: tempfile::TempPath,
    target: Option<ElectionId>,
) -> Response {
    let id = running.job.id;
    running.job.update(|p| {
        p.compile = target.is_some();
        p.election = target.clone();
        p.phase = Phase::Importing;
    });
    tracing::info!(job = id, actor = %running.job.actor, "register preview started");
    let job = ImportJob {
        file: path,
        election: target,
        mode: ImportMode::Preview,
        at: state.now(),
    };
    tokio::spawn(run_import(state.store.clone(), running, job));
    Redirect::to(&format!("/register/jobs/{id}")).into_response()
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
}
