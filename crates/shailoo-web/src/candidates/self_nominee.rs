//! `/cabinet/candidacy`: a voter signed in to the cabinet (PIN + passport + one-time code)
//! nominates themself in a district of their own aiyl council (until CAL-09 18:00), attaches
//! the documents, files, and follows the status; withdraws. Their identity is the civil
//! registry's answer about their own PIN; the use cases refuse anyone else's
//! (`CandidacyError::NotTheVoter`) and a council that is not their community's (CAN-01).
//! The editor is the representatives' (`filing.rs`), posting under this path with the voter
//! session's CSRF token.

use super::filing::{self, Filer, StepInput, StepRefused, upload_step};
use crate::AppState;
use crate::cabinet::{current, require_voter};
use crate::kit::format::name;
use crate::kit::forms::MultipartForm;
use crate::kit::input::{Form, Multipart, Query};
use crate::kit::page::{Choice, Feedback};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shailoo_app::cabinet::VoterSession;
use shailoo_app::candidates::{self, CandidacyError, CandidateDetails, NominationId};
use shailoo_app::districts::SchemeStatus;
use shailoo_app::lookup::LookupOutcome;
use shailoo_app::users::Actor;
use shailoo_domain::candidate::Nominator;
use shailoo_domain::candidate::nomination::NominationKind;
use shailoo_domain::territory::CouncilKind;
use shailoo_domain::{CouncilId, DistrictId, ElectionId};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "candidates/templates/self_nominee.html")]
struct SelfNomineeTemplate {
    ctx: PageCtx,
    csrf: String,
    notice: Option<String>,
    message: Option<String>,
    /// Why the voter cannot nominate themself here (no aiyl council, no approved scheme).
    unavailable: Option<String>,
    council: String,
    districts: Vec<Choice>,
    editors: Vec<filing::EditorView>,
    /// No draft or live self-nomination: the form that opens one.
    may_open: bool,
}

/// Where the voter may stand: the election and their own council (an aiyl council's).
struct Community {
    election: ElectionId,
    council: CouncilId,
    council_name: String,
    own_district: Option<DistrictId>,
}

async fn community(
    state: &AppState,
    lang: Lang,
    session: &VoterSession,
) -> Result<Option<Community>, PageFail> {
    let outcome = state.lookup.find(None, &session.pin).await.or_page(lang)?;
    let LookupOutcome::Found { election, station } = outcome else {
        return Ok(None);
    };
    let council = state
        .store
        .council(&station.council.id)
        .await
        .or_page(lang)?;
    Ok(council
        .filter(|c| c.kind == CouncilKind::Aiyl)
        .map(|c| Community {
            election: election.id.clone(),
            council: c.id,
            council_name: name(&c.name, lang),
            own_district: station.district.as_ref().map(|d| d.id.clone()),
        }))
}

fn filer(session: &VoterSession, election: &ElectionId, id: NominationId) -> Filer {
    Filer {
        actor: Actor::Voter { pin: session.pin },
        csrf: session.csrf_token.clone(),
        base: format!("/cabinet/candidacy/{election}/{id}"),
        voter: true,
    }
}

/// `GET /cabinet/candidacy?done=`.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let Some(session) = current(&state, lang, &headers).await? else {
        return Err(PageFail::redirect("/cabinet"));
    };
    let notice = q
        .get("done")
        .and_then(|d| lang.try_t(&format!("filing-done-{d}")));
    render_page(&state, ctx, &session, Feedback::ok(notice), None).await
}

async fn render_page(
    state: &AppState,
    ctx: PageCtx,
    session: &VoterSession,
    feedback: Feedback,
    refused: Option<(NominationId, StepRefused)>,
) -> PageResult {
    let lang = ctx.lang;
    let mut t = SelfNomineeTemplate {
        csrf: session.csrf_token.clone(),
        notice: feedback.notice,
        message: feedback.message,
        unavailable: None,
        council: String::new(),
        districts: Vec::new(),
        editors: Vec::new(),
        may_open: false,
        ctx,
    };
    let status = refused.as_ref().map_or(feedback.status, |(_, r)| r.status);
    let Some(home) = community(state, lang, session).await? else {
        t.unavailable = Some(lang.t("self-nominee-no-aiyl"));
        return Ok(render(status, &t));
    };
    t.council = home.council_name.clone();
    let store = state.store.as_ref();
    let scheme = store
        .district_scheme(&home.council, &home.election)
        .await
        .or_page(lang)?
        .filter(|s| s.status == SchemeStatus::Approved);
    let Some(scheme) = scheme else {
        t.unavailable = Some(lang.t("self-nominee-no-scheme"));
        return Ok(render(status, &t));
    };
    t.districts = scheme
        .districts
        .iter()
        .map(|d| Choice {
            value: d.id.to_string(),
            label: lang.t_args("talapker-district", &[("district", d.id.to_string())]),
            selected: home.own_district.as_ref() == Some(&d.id),
        })
        .collect();
    let actor = Actor::Voter { pin: session.pin };
    let own = candidates::own_nominations(store, &actor, &home.election, &home.council)
        .await
        .or_page(lang)?;
    t.may_open = !own.iter().any(|r| {
        matches!(
            candidates::Stage::of(&r.nomination.status),
            candidates::Stage::Draft | candidates::Stage::Submitted | candidates::Stage::Registered
        )
    });
    let mut refused = refused;
    for r in &own {
        let mine = refused.take_if(|(id, _)| *id == r.id).map(|(_, s)| s);
        let f = filer(session, &home.election, r.id);
        t.editors
            .push(filing::editor(state, lang, &f, &home.election, r.id, mine).await?);
    }
    Ok(render(status, &t))
}

#[derive(Deserialize)]
pub(super) struct OpenInput {
    csrf: Option<String>,
    district: Option<String>,
    occupation: Option<String>,
}

/// `POST /cabinet/candidacy`: the voter nominates themself in the district chosen.
pub(super) async fn open(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Form(input): Form<OpenInput>,
) -> PageResult {
    let lang = ctx.lang;
    let session = require_voter(&state, lang, &headers, input.csrf.as_deref()).await?;
    let Some(home) = community(&state, lang, &session).await? else {
        return Err(PageFail::not_found(lang));
    };
    let refuse = |m: String| Feedback::refused(StatusCode::UNPROCESSABLE_ENTITY, m);
    let Ok(district) = DistrictId::parse(input.district.as_deref().unwrap_or_default().trim())
    else {
        let feedback = refuse(lang.t("filing-error-district"));
        return render_page(&state, ctx, &session, feedback, None).await;
    };
    let occupation =
        match candidates::Occupation::parse(input.occupation.as_deref().unwrap_or_default()) {
            Ok(o) => o,
            Err(e) => {
                return render_page(&state, ctx, &session, Feedback::for_voter(lang, &e), None)
                    .await;
            }
        };
    let details = CandidateDetails {
        occupation,
        program: None,
    };
    let kind = NominationKind::District {
        district,
        nominator: Nominator::SelfNominated,
    };
    let actor = Actor::Voter { pin: session.pin };
    let runner = filing::runner(&state);
    let opened = candidates::open_nomination(
        state.store.as_ref(),
        runner.registries(),
        &actor,
        &home.election,
        &home.council,
        kind,
        Some((session.pin, details)),
        state.now(),
    )
    .await;
    match opened {
        Ok(_) => Ok(Redirect::to("/cabinet/candidacy?done=opened").into_response()),
        Err(e @ CandidacyError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(e) => render_page(&state, ctx, &session, Feedback::for_voter(lang, &e), None).await,
    }
}

/// `POST /cabinet/candidacy/{election}/{id}/edit`: a step of the editor on the own
/// self-nomination.
pub(super) async fn edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path((election, id)): Path<(String, String)>,
    Form(input): Form<StepInput>,
) -> PageResult {
    let lang = ctx.lang;
    let session = require_voter(&state, lang, &headers, input.csrf.as_deref()).await?;
    if input.action.as_deref() == Some("withdraw") {
        return Err(PageFail::bad_form(lang));
    }
    let step = input.step(lang);
    take(&state, ctx, &session, (&election, &id), step).await
}

/// `POST /cabinet/candidacy/{election}/{id}/withdraw`: withdraws the own candidacy.
pub(super) async fn withdraw(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path((election, id)): Path<(String, String)>,
    Form(mut input): Form<StepInput>,
) -> PageResult {
    let lang = ctx.lang;
    let session = require_voter(&state, lang, &headers, input.csrf.as_deref()).await?;
    input.action = Some("withdraw".to_owned());
    input.candidate = None;
    let step = input.step(lang);
    take(&state, ctx, &session, (&election, &id), step).await
}

/// `POST /cabinet/candidacy/{election}/{id}/documents` (multipart).
pub(super) async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path((election, id)): Path<(String, String)>,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    let form = MultipartForm::read(lang, multipart, "document").await?;
    let session = require_voter(&state, lang, &headers, form.field("csrf")).await?;
    let step = upload_step(lang, &form);
    take(&state, ctx, &session, (&election, &id), step).await
}

async fn take(
    state: &AppState,
    ctx: PageCtx,
    session: &VoterSession,
    (election, id): (&str, &str),
    step: Result<filing::Step, StepRefused>,
) -> PageResult {
    let lang = ctx.lang;
    let (election, id) = filing::path_ids(state, lang, election, id).await?;
    let filer = filer(session, &election, id);
    let refused = match step {
        Err(r) => r,
        Ok(step) => match filing::apply(state, &filer, &election, id, step).await {
            Ok(done) => {
                let to = format!("/cabinet/candidacy?done={done}");
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => filing::refused_step(lang, filer.voter, e)?,
        },
    };
    render_page(state, ctx, session, Feedback::ok(None), Some((id, refused))).await
}
