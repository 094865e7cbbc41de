//! `/media`: the CEC's page of media applications: every outlet with its price list and the
//! CMP-02 findings, the form on which staff enter a written application with its price list
//! file (until CAL-03), and the decisions (accredit, refuse with a reason, revoke).

use crate::AppState;
use crate::kit::forms::{FileTooLarge, MultipartForm, check_csrf, election_of};
use crate::kit::input::{Form, Multipart, Query};
use crate::kit::page::{Choice, Feedback};
use crate::kit::session::Staff;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, Refusal, render};
use crate::media::views::OutletView;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use shailoo_app::authz::Power;
use shailoo_app::media::{self as app, MediaDecision, MediaError, OutletDraft, OutletId, Text};
use shailoo_domain::media::MediaKind;
use shailoo_domain::{ElectionId, ErrorCode};
use shailoo_formats::media_prices::MEDIA_PRICES;
use shailoo_formats::{FormatError, read_media_prices};
use std::collections::HashMap;

#[derive(Default)]
struct FormValues {
    name: String,
    kind: String,
    contact: String,
}

#[derive(Template)]
#[template(path = "media/templates/staff.html")]
struct StaffTemplate {
    ctx: PageCtx,
    election: String,
    notice: Option<String>,
    message: Option<String>,
    outlets: Vec<OutletView>,
    kinds: Vec<Choice>,
    form: FormValues,
    may_decide: bool,
    /// i16-badges: the link to an outlet's journalists' badges.
    may_badge: bool,
    public_base: &'static str,
}

async fn render_page(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    feedback: Feedback,
    form: Option<FormValues>,
) -> PageResult {
    let lang = ctx.lang;
    let outlets = app::registry(&*state.store, election, None)
        .await
        .or_page(lang)?;
    let form = form.unwrap_or_default();
    let t = StaffTemplate {
        election: election.to_string(),
        notice: feedback.notice,
        message: feedback.message,
        outlets: outlets.iter().map(|o| OutletView::new(lang, o)).collect(),
        kinds: MediaKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.code().to_owned(),
                label: lang.t(&format!("media-kind-{}", k.code())),
                selected: form.kind == k.code(),
            })
            .collect(),
        form,
        may_decide: ctx
            .staff
            .as_ref()
            .is_some_and(|s| s.may(Power::DecideMediaAccreditation)),
        may_badge: ctx
            .staff
            .as_ref()
            .is_some_and(|s| s.may(Power::IssueMediaBadges)),
        public_base: "/registry/media",
        ctx,
    };
    Ok(render(feedback.status, &t))
}

/// `GET /media?election=&done=&outlet=`.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    ctx.require_staff()?;
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let outlet = q.get("outlet").cloned().unwrap_or_default();
    let notice = q
        .get("done")
        .filter(|d| matches!(d.as_str(), "filed" | "accredit" | "refuse" | "revoke"))
        .map(|d| lang.t_args(&format!("media-done-{d}"), &[("outlet", outlet.clone())]));
    render_page(&state, ctx, &election.id, Feedback::ok(notice), None).await
}

fn refused(lang: Lang, e: &MediaError) -> Feedback {
    Feedback::of(lang, e)
}

/// The application the form asks for, or why not: the price list file is read whole, and a
/// malformed row refuses it naming the line and the column.
fn draft(lang: Lang, f: &MultipartForm) -> Result<OutletDraft, Feedback> {
    let bytes = match f.file() {
        Some(Ok(b)) if !b.is_empty() => b.to_vec(),
        Some(Err(FileTooLarge)) => {
            return Err(Feedback::refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                lang.t("media-prices-too-large"),
            ));
        }
        _ => {
            return Err(Feedback::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang.t("media-prices-missing"),
            ));
        }
    };
    let prices = read_media_prices(MEDIA_PRICES, bytes).map_err(|e| {
        let message = match &e {
            FormatError::Row(row) => crate::register::row_failure(lang, row),
            _ => lang.error(ErrorCode::BadForm),
        };
        Feedback::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.t_args("media-prices-malformed", &[("detail", message)]),
        )
    })?;
    let kind = MediaKind::from_code(f.get("kind").trim()).ok_or_else(|| {
        Feedback::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.error(ErrorCode::BadForm),
        )
    })?;
    let contact = match f.get("contact").trim() {
        "" => None,
        c => Some(Text::parse(c).map_err(|e| refused(lang, &e))?),
    };
    Ok(OutletDraft {
        name: Text::parse(f.get("name")).map_err(|e| refused(lang, &e))?,
        kind,
        contact,
        prices,
    })
}

/// `POST /media` (multipart): the CEC's staff enter a written application.
pub(super) async fn file(
    State(state): State<AppState>,
    ctx: PageCtx,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    let staff: Staff = ctx.require_staff()?.clone();
    let f = MultipartForm::read(lang, multipart, "prices").await?;
    check_csrf(lang, &staff, f.field("csrf"))?;
    let election = election_of(&state, lang, f.field("election")).await?;
    let values = FormValues {
        name: f.get("name").to_owned(),
        kind: f.get("kind").to_owned(),
        contact: f.get("contact").to_owned(),
    };
    let draft = match draft(lang, &f) {
        Ok(d) => d,
        Err(fb) => return render_page(&state, ctx, &election.id, fb, Some(values)).await,
    };
    match app::file(
        &*state.store,
        &staff.actor(),
        &election.id,
        draft,
        state.now(),
    )
    .await
    {
        Ok(o) => {
            let to = format!("/media?election={}&done=filed&outlet={}", election.id, o.id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ MediaError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(e) => render_page(&state, ctx, &election.id, refused(lang, &e), Some(values)).await,
    }
}

/// `POST /media/{election}/{id}/decision`: accredit, refuse or revoke (with the reason).
pub(super) async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    Form(input): Form<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx
        .require_staff_csrf(input.get("csrf").map(String::as_str))?
        .clone();
    let election = ElectionId::parse(&election).map_err(|_| PageFail::not_found(lang))?;
    let id = OutletId::parse(&id).map_err(|_| PageFail::not_found(lang))?;
    let action = input.get("decision").map_or("", |d| d.trim());
    let reason = || Text::parse(input.get("reason").map_or("", String::as_str));
    let decision = match action {
        "accredit" => Ok(MediaDecision::Accredit),
        "refuse" => reason().map(|reason| MediaDecision::Refuse { reason }),
        "revoke" => reason().map(|reason| MediaDecision::Revoke { reason }),
        _ => return Err(PageFail::bad_form(lang)),
    };
    let done = match decision {
        Ok(d) => app::decide(&*state.store, &staff.actor(), &election, id, d, state.now()).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => {
            let to = format!("/media?election={election}&done={action}&outlet={id}");
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (MediaError::Forbidden | MediaError::OwnApplication)) => {
            Err(PageFail::new(lang, e.status(), e.code()))
        }
        Err(MediaError::UnknownOutlet(_)) => Err(PageFail::not_found(lang)),
        Err(e) => render_page(&state, ctx, &election, refused(lang, &e), None).await,
    }
}
