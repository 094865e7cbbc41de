//! The desk of the hotline 1255 and the rapid-response groups (`/violations/desk`): the
//! reports of the reader's territory (and those not yet triaged, which the CEC sorts), the
//! intake form for a call, an e-mail or a visit, and one report's page with its triage,
//! assignment and outcome forms and its evidence. Every POST carries the session's CSRF
//! token; the use cases ask `authz` about the report's territory.

use super::views::{self, UpdateRow, update_rows};
use crate::AppState;
use crate::kit::format::{fmt_instant, name};
use crate::kit::forms::{election_of, non_empty, station_number};
use crate::kit::input::{Form, Query};
use crate::kit::page::{Choice, Feedback};
use crate::kit::{OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use rand::Rng;
use serde::Deserialize;
use shailoo_app::authz::{self, Power};
use shailoo_app::users::{Actor, Username};
use shailoo_app::violations::{
    self, Place, ReportText, ViolationDraft, ViolationError, ViolationFilter, ViolationId,
    ViolationReport,
};
use shailoo_domain::violation::{Category, Intake, Status};
use shailoo_domain::{CommissionId, ElectionId};
use std::collections::HashMap;

struct ListRow {
    id: u32,
    received_at: String,
    intake: String,
    category: String,
    status: String,
    status_code: &'static str,
    place: String,
}

#[derive(Template)]
#[template(path = "violations/templates/desk.html")]
struct DeskTemplate {
    ctx: PageCtx,
    election: String,
    rows: Vec<ListRow>,
    intakes: Vec<Choice>,
    may_take: bool,
    message: Option<String>,
}

fn place(p: &Place) -> String {
    match (&p.station, &p.location) {
        (Some(s), Some(l)) => format!("№ {s}, {}", l.as_str()),
        (Some(s), None) => format!("№ {s}"),
        (None, Some(l)) => l.as_str().to_owned(),
        (None, None) => String::new(),
    }
}

/// The intakes staff enter: not the public form nor the gateway, which have their own doors.
const STAFF_INTAKES: [Intake; 4] = [
    Intake::Hotline1255,
    Intake::Email,
    Intake::InPerson,
    Intake::TrustLine,
];

/// `GET /violations/desk?election=&status=`.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let election = election_of(&state, ctx.lang, q.get("election").map(String::as_str)).await?;
    let status = q.get("status").and_then(|s| Status::from_code(s));
    render_desk(&state, ctx, &election.id, status, Feedback::ok(None)).await
}

/// A TEC sees its territory and what is still to be sorted; the CEC everything.
fn reach(actor: &Actor) -> Option<CommissionId> {
    let everywhere = authz::allowed(
        actor,
        Power::HandleViolationReport,
        authz::Target::Within(&[]),
    );
    match actor {
        Actor::User { commission, .. } if !everywhere => Some(commission.clone()),
        _ => None,
    }
}

async fn render_desk(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    status: Option<Status>,
    feedback: Feedback,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let filter = ViolationFilter {
        status,
        category: None,
        within: reach(&actor),
    };
    let reports = state
        .store
        .violations(election, &filter)
        .await
        .or_page(lang)?;
    let rows = reports
        .iter()
        .map(|r| ListRow {
            id: r.id.get(),
            received_at: fmt_instant(r.received_at),
            intake: views::intake(lang, r.intake),
            category: r
                .category
                .map(|c| views::category(lang, c))
                .unwrap_or_default(),
            status: views::status(lang, r.status()),
            status_code: r.status().code(),
            place: place(&r.place),
        })
        .collect();
    let t = DeskTemplate {
        election: election.to_string(),
        rows,
        intakes: STAFF_INTAKES
            .into_iter()
            .map(|i| Choice {
                value: i.code().to_owned(),
                label: views::intake(lang, i),
                selected: false,
            })
            .collect(),
        may_take: authz::holds(&actor, Power::TakeViolationReport),
        message: feedback.message,
        ctx,
    };
    Ok(render(feedback.status, &t))
}

#[derive(Deserialize)]
pub(super) struct IntakeInput {
    csrf: Option<String>,
    election: Option<String>,
    intake: Option<String>,
    text: Option<String>,
    station: Option<String>,
    location: Option<String>,
    contact: Option<String>,
    /// An e-mail's Message-ID.
    external_id: Option<String>,
}

fn intake_draft(input: &IntakeInput) -> Result<ViolationDraft, ViolationError> {
    let code = input.intake.clone().unwrap_or_default();
    let intake = Intake::from_code(&code)
        .filter(|i| STAFF_INTAKES.contains(i))
        .ok_or(ViolationError::UnknownCode(code))?;
    let station = match non_empty(input.station.as_deref()) {
        None => None,
        Some(s) => Some(station_number(Some(&s)).ok_or(ViolationError::UnknownCode(s))?),
    };
    Ok(ViolationDraft {
        intake,
        text: ReportText::parse(input.text.as_deref().unwrap_or_default())?,
        place: Place {
            station,
            location: ReportText::optional(input.location.as_deref().unwrap_or_default())?,
        },
        contact: ReportText::optional(input.contact.as_deref().unwrap_or_default())?,
        evidence: None,
        external_id: non_empty(input.external_id.as_deref())
            .filter(|_| intake == Intake::Email)
            .map(|m| format!("email:{m}")),
    })
}

/// `POST /violations/desk/intake`: the report, then its page with the tracking code to read
/// out to the caller.
pub(super) async fn intake(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(input): Form<IntakeInput>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff_csrf(input.csrf.as_deref())?.actor();
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let draft = match intake_draft(&input) {
        Ok(d) => d,
        Err(e) => {
            return render_desk(&state, ctx, &election.id, None, Feedback::of(lang, &e)).await;
        }
    };
    let secret: u32 = rand::rng().random();
    match violations::take(
        state.store.as_ref(),
        &actor,
        &election.id,
        draft,
        secret,
        state.now(),
    )
    .await
    {
        Ok(r) => {
            Ok(Redirect::to(&format!("/violations/desk/{}/{}", election.id, r.id)).into_response())
        }
        Err(e @ ViolationError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(e) => render_desk(&state, ctx, &election.id, None, Feedback::of(lang, &e)).await,
    }
}

#[derive(Template)]
#[template(path = "violations/templates/report.html")]
struct ReportTemplate {
    ctx: PageCtx,
    election: String,
    id: u32,
    code: String,
    intake: String,
    text: String,
    place: String,
    contact: String,
    received_at: String,
    received_by: String,
    category: String,
    territory: String,
    assigned_to: String,
    status: String,
    status_code: &'static str,
    evidence: Option<String>,
    categories: Vec<Choice>,
    closings: Vec<Choice>,
    updates: Vec<UpdateRow>,
    is_open: bool,
    message: Option<String>,
}

async fn parse_ids(
    ctx: &PageCtx,
    election: &str,
    id: &str,
) -> Result<(ElectionId, ViolationId), PageFail> {
    let lang = ctx.lang;
    let e = ElectionId::parse(election).map_err(|_| PageFail::not_found(lang))?;
    let id = id
        .parse::<i64>()
        .ok()
        .and_then(ViolationId::new)
        .ok_or_else(|| PageFail::not_found(lang))?;
    Ok((e, id))
}

/// `GET /violations/desk/{election}/{id}`.
pub(super) async fn report(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
) -> PageResult {
    let (election, id) = parse_ids(&ctx, &election, &id).await?;
    render_report(&state, ctx, &election, id, Feedback::ok(None)).await
}

/// The name of a report's territory in `lang` (its id when unknown).
async fn territory_name(
    state: &AppState,
    lang: crate::kit::Lang,
    territory: Option<&CommissionId>,
) -> Result<String, PageFail> {
    Ok(match territory {
        Some(t) => match state.store.commission(t).await.or_page(lang)? {
            Some(c) => name(&c.name, lang),
            None => t.to_string(),
        },
        None => String::new(),
    })
}

/// The outcomes a report may be closed with.
fn closings(lang: crate::kit::Lang) -> Vec<Choice> {
    [Status::Resolved, Status::Referred, Status::Dismissed]
        .into_iter()
        .map(|s| Choice {
            value: s.code().to_owned(),
            label: views::status(lang, s),
            selected: false,
        })
        .collect()
}

async fn render_report(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    id: ViolationId,
    feedback: Feedback,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let r: ViolationReport = violations::report(state.store.as_ref(), &actor, election, id)
        .await
        .map_err(|e| PageFail::refused(lang, &e))?;
    let territory = territory_name(state, lang, r.territory.as_ref()).await?;
    let t = ReportTemplate {
        election: election.to_string(),
        id: r.id.get(),
        code: r.tracking_code().map(|c| c.to_string()).unwrap_or_default(),
        intake: views::intake(lang, r.intake),
        text: r.text.as_str().to_owned(),
        place: place(&r.place),
        contact: r
            .contact
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        received_at: fmt_instant(r.received_at),
        received_by: r.received_by.to_string(),
        category: r
            .category
            .map(|c| views::category(lang, c))
            .unwrap_or_default(),
        territory,
        assigned_to: r
            .assigned_to
            .as_ref()
            .map(|u| u.to_string())
            .unwrap_or_default(),
        status: views::status(lang, r.status()),
        status_code: r.status().code(),
        evidence: r
            .evidence
            .as_ref()
            .map(|e| e.format.content_type().to_owned()),
        categories: views::category_choices(lang, r.category),
        closings: closings(lang),
        updates: update_rows(lang, &r.public().updates),
        is_open: !r.status().is_final(),
        message: feedback.message,
        ctx,
    };
    Ok(render(feedback.status, &t))
}

#[derive(Deserialize)]
pub(super) struct StepInput {
    csrf: Option<String>,
    category: Option<String>,
    territory: Option<String>,
    to: Option<String>,
    status: Option<String>,
    note: Option<String>,
}

/// Runs one step and shows the report again: with the step done, or with its refusal.
async fn step(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    id: ViolationId,
    result: Result<ViolationReport, ViolationError>,
) -> PageResult {
    let lang = ctx.lang;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/violations/desk/{election}/{id}")).into_response()),
        Err(e @ ViolationError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(e) => render_report(state, ctx, election, id, Feedback::of(lang, &e)).await,
    }
}

/// `POST /violations/desk/{election}/{id}/triage`: a category and the territory (blank: the
/// TEC of the station named).
pub(super) async fn triage(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    Form(input): Form<StepInput>,
) -> PageResult {
    let (election, id) = parse_ids(&ctx, &election, &id).await?;
    let actor = ctx.require_staff_csrf(input.csrf.as_deref())?.actor();
    let code = input.category.clone().unwrap_or_default();
    let result = match Category::from_code(&code) {
        None => Err(ViolationError::UnknownCode(code)),
        Some(category) => match non_empty(input.territory.as_deref()) {
            Some(t) => match CommissionId::parse(&t) {
                Ok(t) => {
                    violations::triage(
                        state.store.as_ref(),
                        &actor,
                        &election,
                        id,
                        category,
                        Some(t),
                        state.now(),
                    )
                    .await
                }
                Err(_) => Err(ViolationError::UnknownCode(t)),
            },
            None => {
                violations::triage(
                    state.store.as_ref(),
                    &actor,
                    &election,
                    id,
                    category,
                    None,
                    state.now(),
                )
                .await
            }
        },
    };
    step(&state, ctx, &election, id, result).await
}

/// `POST /violations/desk/{election}/{id}/assign`.
pub(super) async fn assign(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    Form(input): Form<StepInput>,
) -> PageResult {
    let (election, id) = parse_ids(&ctx, &election, &id).await?;
    let actor = ctx.require_staff_csrf(input.csrf.as_deref())?.actor();
    let to = input.to.clone().unwrap_or_default();
    let result = match Username::parse(to.trim()) {
        Ok(to) => {
            violations::assign(state.store.as_ref(), &actor, &election, id, to, state.now()).await
        }
        Err(_) => Err(ViolationError::AssigneeNotInGroup),
    };
    step(&state, ctx, &election, id, result).await
}

/// `POST /violations/desk/{election}/{id}/close`: resolved, referred or dismissed, with the
/// note the reporter reads.
pub(super) async fn close(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    Form(input): Form<StepInput>,
) -> PageResult {
    let (election, id) = parse_ids(&ctx, &election, &id).await?;
    let actor = ctx.require_staff_csrf(input.csrf.as_deref())?.actor();
    let code = input.status.clone().unwrap_or_default();
    let result = match (
        Status::from_code(&code).filter(|s| s.is_final()),
        ReportText::parse(input.note.as_deref().unwrap_or_default()),
    ) {
        (None, _) => Err(ViolationError::UnknownCode(code)),
        (_, Err(e)) => Err(e),
        (Some(status), Ok(note)) => {
            violations::close(
                state.store.as_ref(),
                &actor,
                &election,
                id,
                status,
                note,
                state.now(),
            )
            .await
        }
    };
    step(&state, ctx, &election, id, result).await
}

/// `GET /violations/desk/{election}/{id}/evidence`: the photo or video as an attachment
/// (`nosniff` is on every response), never rendered inline.
pub(super) async fn evidence(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
) -> PageResult {
    let lang = ctx.lang;
    let (election, id) = parse_ids(&ctx, &election, &id).await?;
    let actor = ctx.require_staff()?.actor();
    let r = violations::report(state.store.as_ref(), &actor, &election, id)
        .await
        .map_err(|e| PageFail::refused(lang, &e))?;
    let info = r.evidence.ok_or_else(|| PageFail::not_found(lang))?;
    let e = state
        .store
        .violation_evidence(&info.digest)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let disposition = format!(
        "attachment; filename=\"report-{id}-{}\"",
        &info.digest[..12]
    );
    Ok((
        [
            (header::CONTENT_TYPE, info.format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        e.bytes().to_vec(),
    )
        .into_response())
}
