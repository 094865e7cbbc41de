//! The commissions' side of the registry: `/complaints`, the working list of the complaints a
//! member's commission (and those below it) hears now, with the clocks, and the paper intake
//! form; `/complaints/{election}/{id}`, one case with the complainant and the forms of its
//! next step (assign, decide with the document, appeal on paper, the court's act). A complaint
//! appealed to the court leaves the TEC's and PEC's lists (its step has no commission); the
//! CEC's list keeps it until the court's act is recorded.

use crate::AppState;
use crate::complaints::form::{self, Fields, Refused};
use crate::complaints::registry::filter_of;
use crate::complaints::views::{CaseView, Row, StepView, choices, history, link_attachments};
use crate::kit::forms::{MultipartForm, check_csrf, election_of};
use crate::kit::input::{Form, Multipart, Query};
use crate::kit::page::{Choice, Feedback};
use crate::kit::session::Staff;
use crate::kit::{OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use shailoo_app::authz::Power;
use shailoo_app::complaints::{
    self as app, ComplainantKind, Complaint, ComplaintError, ComplaintId, ComplaintStatus, Outcome,
};
use shailoo_app::users::{Actor, Username};
use shailoo_domain::ElectionId;
use shailoo_domain::complaint::{Level, Subject};
use std::collections::HashMap;

/// The intake form's values, to show them again after a refusal.
#[derive(Default)]
pub(crate) struct IntakeValues {
    pub commission: String,
    pub subject: String,
    pub act_on: String,
    pub station: String,
    pub nomination: String,
    pub claim: String,
    pub complainant_kind: String,
    pub complainant_name: String,
    pub contact: String,
    pub summary: String,
}

impl IntakeValues {
    pub(crate) fn of(f: &impl Fields) -> IntakeValues {
        let v = |k: &str| f.value(k).to_owned();
        IntakeValues {
            commission: v("commission"),
            subject: v("subject"),
            act_on: v("act_on"),
            station: v("station"),
            nomination: v("nomination"),
            claim: v("claim"),
            complainant_kind: v("complainant_kind"),
            complainant_name: v("complainant_name"),
            contact: v("contact"),
            summary: v("summary"),
        }
    }
}

#[derive(Template)]
#[template(path = "complaints/templates/staff_list.html")]
struct ListTemplate {
    ctx: PageCtx,
    election: String,
    case_base: &'static str,
    notice: Option<String>,
    message: Option<String>,
    rows: Vec<Row>,
    overdue: usize,
    may_file: bool,
    form: IntakeValues,
    subjects: Vec<Choice>,
    kinds: Vec<Choice>,
    levels: Vec<Choice>,
    statuses: Vec<Choice>,
}

fn codes<const N: usize>(all: [&'static str; N]) -> Vec<&'static str> {
    all.to_vec()
}

async fn list_page(
    state: &AppState,
    ctx: PageCtx,
    staff: &Staff,
    election: &ElectionId,
    q: &HashMap<String, String>,
    feedback: Feedback,
    form: Option<IntakeValues>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = staff.actor();
    let filter = filter_of(q);
    let found = app::complaints(&*state.store, &actor, election, &filter)
        .await
        .or_page(lang)?;
    let now = state.now();
    let public: Vec<_> = found.iter().map(Complaint::public).collect();
    let form = form.unwrap_or_else(|| IntakeValues {
        commission: match &actor {
            Actor::User { commission, .. } => commission.to_string(),
            _ => String::new(),
        },
        subject: "decision".into(),
        complainant_kind: "voter".into(),
        ..IntakeValues::default()
    });
    let t = ListTemplate {
        election: election.to_string(),
        case_base: "/complaints",
        notice: feedback.notice,
        message: feedback.message,
        overdue: app::overdue(&found, now).len(),
        rows: public.iter().map(|c| Row::new(lang, c, now)).collect(),
        may_file: ctx
            .staff
            .as_ref()
            .is_some_and(|s| s.may(Power::FileComplaint)),
        subjects: choices(
            lang,
            "complaints-subject-",
            &codes(Subject::ALL.map(Subject::code)),
            Some(form.subject.as_str()),
        ),
        kinds: choices(
            lang,
            "complaints-kind-",
            &codes(ComplainantKind::ALL.map(ComplainantKind::code)),
            Some(form.complainant_kind.as_str()),
        ),
        levels: choices(
            lang,
            "complaints-level-",
            &codes(Level::ALL.map(Level::code)),
            filter.level.map(Level::code),
        ),
        statuses: choices(
            lang,
            "complaints-status-",
            &codes(ComplaintStatus::ALL.map(ComplaintStatus::code)),
            filter.status.map(ComplaintStatus::code),
        ),
        form,
        ctx,
    };
    Ok(render(feedback.status, &t))
}

/// `GET /complaints?election=&level=&status=&subject=&station=&done=`.
pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let notice = q
        .get("done")
        .filter(|d| d.as_str() == "filed")
        .map(|_| lang.t("complaints-done-filed"));
    list_page(
        &state,
        ctx,
        &staff,
        &election.id,
        &q,
        Feedback::ok(notice),
        None,
    )
    .await
}

/// `POST /complaints` (multipart, with the optional document handed in): a complaint handed
/// in on paper, entered by staff of a commission covering the commission complained of. The
/// document is stored with the complaint or not at all.
pub(super) async fn file(
    State(state): State<AppState>,
    ctx: PageCtx,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let input = MultipartForm::read(lang, multipart, "document").await?;
    check_csrf(lang, &staff, input.field("csrf"))?;
    let election = election_of(&state, lang, input.field("election")).await?;
    let values = IntakeValues::of(&input);
    let none = HashMap::new();
    let draft = match form::complaint_with_document(lang, &input, None) {
        Ok(d) => d,
        Err(Refused { status, message }) => {
            let fb = Feedback::refused(status, message);
            return list_page(&state, ctx, &staff, &election.id, &none, fb, Some(values)).await;
        }
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
        Ok(c) => {
            let to = format!("/complaints/{}/{}?done=filed", election.id, c.id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ ComplaintError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(e) => {
            let fb = Feedback::of(lang, &e);
            list_page(&state, ctx, &staff, &election.id, &none, fb, Some(values)).await
        }
    }
}

#[derive(Template)]
#[template(path = "complaints/templates/staff_case.html")]
struct CaseTemplate {
    ctx: PageCtx,
    notice: Option<String>,
    message: Option<String>,
    case: CaseView,
    complainant: String,
    contact: String,
    steps: Vec<StepView>,
    assigned: String,
    may_assign: bool,
    may_decide: bool,
    may_appeal: bool,
    to_court: bool,
    may_court_act: bool,
    outcomes: Vec<Choice>,
}

fn ids(ctx: &PageCtx, election: &str, id: &str) -> Result<(ElectionId, ComplaintId), PageFail> {
    let lang = ctx.lang;
    let election = ElectionId::parse(election).map_err(|_| PageFail::not_found(lang))?;
    let id = ComplaintId::parse(id).map_err(|_| PageFail::not_found(lang))?;
    Ok((election, id))
}

async fn case_page(
    state: &AppState,
    ctx: PageCtx,
    staff: &Staff,
    (election, id): (&ElectionId, ComplaintId),
    feedback: Feedback,
) -> PageResult {
    let lang = ctx.lang;
    let actor = staff.actor();
    let c = match app::complaint(&*state.store, &actor, election, id).await {
        Ok(c) => c,
        Err(ComplaintError::UnknownComplaint(_)) => return Err(PageFail::not_found(lang)),
        Err(e) => return Err(PageFail::refused(lang, &e)),
    };
    let public = c.public();
    let step = c.current();
    let may = |p: Power| ctx.staff.as_ref().is_some_and(|s| s.may(p));
    let open = step.decision.is_none();
    let in_court = step.level == Level::Court;
    let own = step.filed_by.is(&actor);
    let base = format!("/registry/complaints/{election}/{id}");
    let mut steps = history(lang, &public, &base, state.now());
    link_attachments(&mut steps, &c, &format!("/complaints/{election}/{id}"));
    let t = CaseTemplate {
        notice: feedback.notice,
        message: feedback.message,
        case: CaseView::new(lang, &public),
        complainant: c.complainant.name.to_string(),
        contact: c
            .complainant
            .contact
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        steps,
        assigned: step
            .assigned_to
            .as_ref()
            .map(|u| u.to_string())
            .unwrap_or_default(),
        may_assign: open && !in_court && may(Power::AssignComplaint),
        may_decide: open && !in_court && !own && may(Power::DecideComplaint),
        may_appeal: !open && step.level.next().is_some() && may(Power::FileComplaint),
        to_court: step.level.next() == Some(Level::Court),
        may_court_act: open && in_court && may(Power::RecordCourtAct),
        outcomes: choices(
            lang,
            "complaints-outcome-",
            &codes(Outcome::ALL.map(Outcome::code)),
            None,
        ),
        ctx,
    };
    Ok(render(feedback.status, &t))
}

/// `GET /complaints/{election}/{id}`: one case for staff covering a commission that heard it.
pub(super) async fn case(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let (election, id) = ids(&ctx, &election, &id)?;
    let notice = q
        .get("done")
        .filter(|d| {
            matches!(
                d.as_str(),
                "filed" | "assigned" | "decided" | "appealed" | "court_act"
            )
        })
        .map(|d| lang.t(&format!("complaints-done-{d}")));
    case_page(&state, ctx, &staff, (&election, id), Feedback::ok(notice)).await
}

/// After a step: the case with the notice, or again with the refusal (403 is the error page).
async fn answer(
    state: &AppState,
    ctx: PageCtx,
    staff: &Staff,
    (election, id): (&ElectionId, ComplaintId),
    done: Result<&str, Feedback>,
) -> PageResult {
    match done {
        Ok(done) => {
            let to = format!("/complaints/{election}/{id}?done={done}");
            Ok(Redirect::to(&to).into_response())
        }
        Err(fb) if fb.status == StatusCode::FORBIDDEN => Err(PageFail::new(
            ctx.lang,
            StatusCode::FORBIDDEN,
            shailoo_domain::ErrorCode::Forbidden,
        )),
        Err(fb) => case_page(state, ctx, staff, (election, id), fb).await,
    }
}

fn refused(r: Refused) -> Feedback {
    Feedback::refused(r.status, r.message)
}

/// `POST /complaints/{election}/{id}/assign`: a member of the commission hearing it.
pub(super) async fn assign(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    Form(input): Form<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx
        .require_staff_csrf(input.get("csrf").map(String::as_str))?
        .clone();
    let (election, id) = ids(&ctx, &election, &id)?;
    let to = input.get("member").map(|m| m.trim()).unwrap_or_default();
    let done = match Username::parse(to) {
        Err(_) => Err(Feedback::of(lang, &ComplaintError::AssigneeNotMember)),
        Ok(to) => app::assign(
            &*state.store,
            &staff.actor(),
            &election,
            id,
            to,
            state.now(),
        )
        .await
        .map(|_| "assigned")
        .map_err(|e| Feedback::of(lang, &e)),
    };
    answer(&state, ctx, &staff, (&election, id), done).await
}

/// `POST /complaints/{election}/{id}/decision` (multipart, with the decision's document).
pub(super) async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let f = MultipartForm::read(lang, multipart, "document").await?;
    check_csrf(lang, &staff, f.field("csrf"))?;
    let (election, id) = ids(&ctx, &election, &id)?;
    let done = match form::decision(lang, &f) {
        Err(r) => Err(refused(r)),
        Ok(d) => app::decide(&*state.store, &staff.actor(), &election, id, d, state.now())
            .await
            .map(|_| "decided")
            .map_err(|e| Feedback::of(lang, &e)),
    };
    answer(&state, ctx, &staff, (&election, id), done).await
}

/// `POST /complaints/{election}/{id}/appeal`: an appeal handed in on paper to the commission
/// above (for the court, entered by the CEC's staff).
pub(super) async fn appeal(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    Form(input): Form<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx
        .require_staff_csrf(input.get("csrf").map(String::as_str))?
        .clone();
    let (election, id) = ids(&ctx, &election, &id)?;
    let done = match form::appeal(lang, &input) {
        Err(r) => Err(refused(r)),
        Ok(a) => app::appeal(&*state.store, &staff.actor(), &election, id, a, state.now())
            .await
            .map(|_| "appealed")
            .map_err(|e| Feedback::of(lang, &e)),
    };
    answer(&state, ctx, &staff, (&election, id), done).await
}

/// `POST /complaints/{election}/{id}/court-act` (multipart, with the act): the CEC records it.
pub(super) async fn court_act(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let f = MultipartForm::read(lang, multipart, "document").await?;
    check_csrf(lang, &staff, f.field("csrf"))?;
    let (election, id) = ids(&ctx, &election, &id)?;
    let done = match form::decision(lang, &f) {
        Err(r) => Err(refused(r)),
        Ok(d) => {
            app::record_court_act(&*state.store, &staff.actor(), &election, id, d, state.now())
                .await
                .map(|_| "court_act")
                .map_err(|e| Feedback::of(lang, &e))
        }
    };
    answer(&state, ctx, &staff, (&election, id), done).await
}

/// `GET /complaints/{election}/{id}/documents/{digest}`: a document the filer handed in, for
/// staff covering a commission that heard the case (the use case asks).
pub(super) async fn attachment(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id, digest)): Path<(String, String, String)>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let (election, id) = ids(&ctx, &election, &id)?;
    app::attachment(&*state.store, &staff.actor(), &election, id, &digest)
        .await
        .map(|doc| super::registry::private_download(id, &doc))
        .map_err(|e| super::registry::missing(lang, e))
}
