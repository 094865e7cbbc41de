//! `/candidacies`: a party's authorised representative at work (staff pages scoped to the own
//! party, `Reach::OwnParty`): the party's nominations in an election, opening a city list
//! (until CAL-07 18:00) or a district nomination in an aiyl council (until CAL-09 18:00), and
//! each nomination's editor (`filing.rs`).

use super::filing::{self, Filer, StepInput, StepRefused, upload_step};
use crate::AppState;
use crate::kit::forms::{MultipartForm, election_of};
use crate::kit::input::{Form, Multipart, Query};
use crate::kit::page::Choice;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shailoo_app::candidates::{self, NominationFilter, NominationId, Stage};
use shailoo_app::setup::CouncilFilter;
use shailoo_app::{Actor, PageRequest};
use shailoo_domain::candidate::Nominator;
use shailoo_domain::candidate::nomination::NominationKind;
use shailoo_domain::territory::CouncilKind;
use shailoo_domain::{CouncilId, DistrictId, ElectionId};
use std::collections::HashMap;

struct NominationRow {
    href: String,
    heading: String,
    stage: &'static str,
    stage_text: String,
    candidates: usize,
}

#[derive(Template)]
#[template(path = "candidates/templates/party.html")]
struct PartyTemplate {
    ctx: PageCtx,
    election: String,
    rows: Vec<NominationRow>,
    cities: Vec<Choice>,
    aiyl: Vec<Choice>,
    /// Why opening was refused, beside the opening forms.
    message: Option<String>,
    status: StatusCode,
}

/// `GET /candidacies?election=`: the party's nominations and the forms that open one.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    ctx.require_staff()?;
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    render_page(&state, ctx, &election.id, None).await
}

async fn councils(
    state: &AppState,
    lang: Lang,
    kind: CouncilKind,
) -> Result<Vec<Choice>, PageFail> {
    let filter = CouncilFilter {
        kind: Some(kind),
        page: PageRequest {
            page: 1,
            per_page: PageRequest::MAX_PER_PAGE,
        },
        ..CouncilFilter::default()
    };
    Ok(state
        .store
        .councils(&filter)
        .await
        .or_page(lang)?
        .items
        .into_iter()
        .map(|c| Choice {
            value: c.id.to_string(),
            label: crate::kit::format::name(&c.name, lang),
            selected: false,
        })
        .collect())
}

async fn render_page(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    refused: Option<(StatusCode, String)>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let store = state.store.as_ref();
    let records = candidates::nominations(store, &actor, election, &NominationFilter::default())
        .await
        .or_page(lang)?;
    let mut rows = Vec::with_capacity(records.len());
    for r in &records {
        let stage = Stage::of(&r.nomination.status);
        rows.push(NominationRow {
            href: format!("/candidacies/{election}/{}", r.id),
            heading: filing::heading(store, lang, r).await?,
            stage: stage.as_str(),
            stage_text: lang.t(&format!("filing-stage-{}", stage.as_str())),
            candidates: r.nomination.standing().count(),
        });
    }
    let (status, message) = match refused {
        Some((s, m)) => (s, Some(m)),
        None => (StatusCode::OK, None),
    };
    let t = PartyTemplate {
        election: election.to_string(),
        rows,
        cities: councils(state, lang, CouncilKind::City).await?,
        aiyl: councils(state, lang, CouncilKind::Aiyl).await?,
        message,
        status,
        ctx,
    };
    Ok(render(t.status, &t))
}

#[derive(Deserialize)]
pub(super) struct OpenInput {
    csrf: Option<String>,
    election: Option<String>,
    council: Option<String>,
    /// Empty: a city list; else the aiyl district.
    district: Option<String>,
}

/// `POST /candidacies/open`: opens a draft for the representative's party: the city list of
/// the council, or its nominee in one district of an aiyl council.
pub(super) async fn open(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(input): Form<OpenInput>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff_csrf(input.csrf.as_deref())?.actor();
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let Actor::Representative { party, .. } = &actor else {
        return Err(PageFail::forbidden(lang));
    };
    let unprocessable = |key: &str| Some((StatusCode::UNPROCESSABLE_ENTITY, lang.t(key)));
    let Ok(council) = CouncilId::parse(input.council.as_deref().unwrap_or_default()) else {
        let refused = unprocessable("filing-error-council");
        return render_page(&state, ctx, &election.id, refused).await;
    };
    let kind = match input.district.as_deref().map(str::trim) {
        None | Some("") => NominationKind::CityList {
            party: party.clone(),
        },
        Some(d) => match DistrictId::parse(d) {
            Ok(district) => NominationKind::District {
                district,
                nominator: Nominator::Party(party.clone()),
            },
            Err(_) => {
                let refused = unprocessable("filing-error-district");
                return render_page(&state, ctx, &election.id, refused).await;
            }
        },
    };
    let r = filing::runner(&state);
    let opened = candidates::open_nomination(
        state.store.as_ref(),
        r.registries(),
        &actor,
        &election.id,
        &council,
        kind,
        None,
        state.now(),
    )
    .await;
    match opened {
        Ok(record) => {
            let to = format!("/candidacies/{}/{}?done=opened", election.id, record.id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ candidates::CandidacyError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(e) => {
            let f = crate::kit::page::Feedback::of(lang, &e);
            let refused = Some((f.status, f.message.unwrap_or_default()));
            render_page(&state, ctx, &election.id, refused).await
        }
    }
}

#[derive(Template)]
#[template(path = "candidates/templates/filing.html")]
struct FilingTemplate {
    ctx: PageCtx,
    notice: Option<String>,
    editor: filing::EditorView,
}

fn filer(ctx: &PageCtx, election: &ElectionId, id: NominationId) -> Result<Filer, PageFail> {
    let staff = ctx.require_staff()?;
    Ok(Filer {
        actor: staff.actor(),
        csrf: staff.session.csrf_token.clone(),
        base: format!("/candidacies/{election}/{id}"),
        voter: false,
    })
}

async fn editor_page(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    id: NominationId,
    notice: Option<String>,
    refused: Option<StepRefused>,
) -> PageResult {
    let lang = ctx.lang;
    let status = refused.as_ref().map_or(StatusCode::OK, |r| r.status);
    let filer = filer(&ctx, election, id)?;
    let editor = filing::editor(state, lang, &filer, election, id, refused).await?;
    let t = FilingTemplate {
        ctx,
        notice,
        editor,
    };
    Ok(render(status, &t))
}

/// `GET /candidacies/{election}/{id}?done=`: one nomination's editor.
pub(super) async fn nomination(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    ctx.require_staff()?;
    let (election, id) = filing::path_ids(&state, lang, &election, &id).await?;
    let notice = q
        .get("done")
        .and_then(|d| lang.try_t(&format!("filing-done-{d}")));
    editor_page(&state, ctx, &election, id, notice, None).await
}

/// `POST /candidacies/{election}/{id}/edit`: one step of the editor (`action`).
pub(super) async fn edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    Form(input): Form<StepInput>,
) -> PageResult {
    let lang = ctx.lang;
    ctx.require_staff_csrf(input.csrf.as_deref())?;
    let (election, id) = filing::path_ids(&state, lang, &election, &id).await?;
    if input.action.as_deref() == Some("withdraw") {
        return Err(PageFail::bad_form(lang));
    }
    let step = input.step(lang);
    take(&state, ctx, &election, id, step).await
}

/// `POST /candidacies/{election}/{id}/withdraw`: withdraws the nomination, or one candidate of
/// a list (`candidate`).
pub(super) async fn withdraw(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    Form(mut input): Form<StepInput>,
) -> PageResult {
    let lang = ctx.lang;
    ctx.require_staff_csrf(input.csrf.as_deref())?;
    let (election, id) = filing::path_ids(&state, lang, &election, &id).await?;
    input.action = Some("withdraw".to_owned());
    let step = input.step(lang);
    take(&state, ctx, &election, id, step).await
}

/// `POST /candidacies/{election}/{id}/documents` (multipart): attaches a document.
pub(super) async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    let form = MultipartForm::read(lang, multipart, "document").await?;
    ctx.require_staff_csrf(form.field("csrf"))?;
    let (election, id) = filing::path_ids(&state, lang, &election, &id).await?;
    let step = upload_step(lang, &form);
    take(&state, ctx, &election, id, step).await
}

async fn take(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    id: NominationId,
    step: Result<filing::Step, StepRefused>,
) -> PageResult {
    let lang = ctx.lang;
    let filer = filer(&ctx, election, id)?;
    let refused = match step {
        Err(r) => r,
        Ok(step) => match filing::apply(state, &filer, election, id, step).await {
            Ok(done) => {
                let to = format!("{}?done={done}", filer.base);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => filing::refused_step(lang, filer.voter, e)?,
        },
    };
    editor_page(state, ctx, election, id, None, Some(refused)).await
}
