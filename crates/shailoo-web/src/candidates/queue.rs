//! `/candidacies/queue`: the TEC's queue of filed nominations (CAN-09), each candidate with
//! the result of every check and its evidence (the registry, the X-Road message id, when the
//! answer came, the digest of its body), the time left to decide, and the decision form:
//! register (leaving out a list's candidates whose check failed, on that failure's ground), or
//! refuse naming the legal ground. The use case asks the calendar (CAL-08 / CAL-10) and the
//! ten days of CAN-09, and refuses a ground no failed check shows; the filer never decides
//! ([`Power::DecideNomination`] is no filer's).

use crate::AppState;
use crate::kit::format::{fmt_instant, name};
use crate::kit::forms::election_of;
use crate::kit::input::{Form, Query};
use crate::kit::page::{Choice, Feedback};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shailoo_app::authz::{self, Power};
use shailoo_app::candidates::{
    self, CandidacyError, Decision, NominationFilter, NominationId, NominationRecord, Stage,
};
use shailoo_app::{Actor, Store};
use shailoo_domain::candidate::checks::CheckOutcome;
use shailoo_domain::candidate::nomination::{Ground, NominationKind};
use shailoo_domain::candidate::{CandidateId, Nominator, PartyId};
use shailoo_domain::params::Coded;
use shailoo_domain::territory::LocalizedName;
use shailoo_domain::{CouncilId, ElectionId, ErrorCode};
use std::collections::HashMap;

struct CheckRow {
    check: String,
    outcome: &'static str,
    text: String,
    evidence: String,
}

struct EntryRow {
    name: String,
    birth_year: i16,
    checks: Vec<CheckRow>,
}

struct NominationRow {
    id: String,
    council: String,
    contest: String,
    nominator: String,
    filed_by: String,
    due: String,
    entries: Vec<EntryRow>,
    /// The grounds shown by a failed check, to refuse on; every other ground the TEC may
    /// name on its own reading (documents: CAN-08).
    may_decide: bool,
    /// Some candidate's latest checks could not check (a registry did not answer), and
    /// `actor` may run them again.
    may_recheck: bool,
}

#[derive(Template)]
#[template(path = "candidates/templates/queue.html")]
struct QueueTemplate {
    ctx: PageCtx,
    election: String,
    notice: Option<String>,
    message: Option<String>,
    rows: Vec<NominationRow>,
    grounds: Vec<Choice>,
}

/// `GET /candidacies/queue?election=&done=`.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    ctx.require_staff()?;
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let notice = q
        .get("done")
        .and_then(|d| lang.try_t(&format!("queue-done-{d}")));
    render_page(&state, ctx, &election.id, Feedback::ok(notice)).await
}

pub(super) async fn render_page(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    feedback: Feedback,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let filter = NominationFilter {
        stage: Some(Stage::Submitted),
        ..NominationFilter::default()
    };
    let store = state.store.as_ref();
    let records = candidates::nominations(store, &actor, election, &filter)
        .await
        .or_page(lang)?;
    let t = QueueTemplate {
        election: election.to_string(),
        notice: feedback.notice,
        message: feedback.message,
        rows: queue_rows(store, lang, &actor, election, &records).await?,
        grounds: ground_choices(lang),
        ctx,
    };
    Ok(render(feedback.status, &t))
}

/// The rows of the queue: each filed nomination with its council's name, its nominator's, the
/// time left to decide and whether `actor` may decide it.
async fn queue_rows(
    store: &dyn Store,
    lang: Lang,
    actor: &Actor,
    election: &ElectionId,
    records: &[NominationRecord],
) -> Result<Vec<NominationRow>, PageFail> {
    let rules = candidates::rules(store, election).await.or_page(lang)?;
    let parties: HashMap<PartyId, LocalizedName> = store
        .parties()
        .await
        .or_page(lang)?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut councils: HashMap<CouncilId, String> = HashMap::new();
    let mut rows = Vec::new();
    for r in records {
        let c = &r.nomination.council;
        if !councils.contains_key(c) {
            let found = store.council(c).await.or_page(lang)?;
            let label = found.map_or_else(|| c.to_string(), |f| name(&f.name, lang));
            councils.insert(c.clone(), label);
        }
        let chain = shailoo_app::setup::council_chain(store, c)
            .await
            .or_page(lang)?;
        let may_decide = authz::allowed(
            actor,
            Power::DecideNomination,
            authz::Target::Nomination {
                chain: &chain,
                party: r.nomination.kind.party(),
            },
        );
        let may_recheck = !r.unchecked().is_empty()
            && authz::allowed(
                actor,
                Power::RecheckNomination,
                authz::Target::Nomination {
                    chain: &chain,
                    party: r.nomination.kind.party(),
                },
            );
        let council = councils.get(c).cloned().unwrap_or_default();
        rows.push(NominationRow {
            may_recheck,
            due: candidates::decision_due(r, &rules)
                .map(fmt_instant)
                .unwrap_or_default(),
            may_decide,
            ..row_of(lang, r, council, &parties)
        });
    }
    Ok(rows)
}

/// A nomination's row: its contest, its nominator in words and its candidates' checks.
fn row_of(
    lang: Lang,
    r: &NominationRecord,
    council: String,
    parties: &HashMap<PartyId, LocalizedName>,
) -> NominationRow {
    let (contest, nominator) = match &r.nomination.kind {
        NominationKind::CityList { party } => (lang.t("queue-city-list"), Some(party)),
        NominationKind::District {
            district,
            nominator,
        } => (
            lang.t_args("talapker-district", &[("district", district.to_string())]),
            match nominator {
                Nominator::Party(p) => Some(p),
                Nominator::SelfNominated => None,
            },
        ),
    };
    NominationRow {
        id: r.id.to_string(),
        council,
        contest,
        nominator: nominator.map_or_else(
            || lang.t("talapker-self-nominated"),
            |p| {
                parties
                    .get(p)
                    .map_or_else(|| p.to_string(), |n| name(n, lang))
            },
        ),
        filed_by: r.filed_by.clone(),
        due: String::new(),
        entries: entries(lang, r),
        may_decide: false,
        may_recheck: false,
    }
}

/// Every CAN-09 ground a refusal may name, with its rule and words.
fn ground_choices(lang: Lang) -> Vec<Choice> {
    Ground::all()
        .into_iter()
        .map(|g| Choice {
            value: g.code().to_owned(),
            label: format!("{} — {}", g.rule(), lang.t(g.message_key())),
            selected: false,
        })
        .collect()
}

/// Each standing candidate with the latest result of every check.
fn entries(lang: Lang, r: &NominationRecord) -> Vec<EntryRow> {
    r.nomination
        .standing()
        .map(|(_, e)| {
            let checks = r
                .checks_of(&e.candidate)
                .into_iter()
                .map(|c| {
                    let (outcome, text) = match &c.outcome {
                        CheckOutcome::Pass => ("pass", lang.t("queue-check-pass")),
                        CheckOutcome::Fail { ground } => (
                            "fail",
                            format!("{} ({})", lang.t(ground.message_key()), ground.rule()),
                        ),
                        CheckOutcome::CouldNotCheck { unanswered } => (
                            "could_not_check",
                            lang.t_args(
                                "queue-check-could-not",
                                &[("registry", lang.t(unanswered.registry.message_key()))],
                            ),
                        ),
                    };
                    let evidence = c.evidence.as_ref().map_or_else(String::new, |ev| {
                        format!(
                            "{} · {} · {} · {}",
                            lang.t(ev.registry.message_key()),
                            ev.request_id,
                            fmt_instant(ev.answered_at),
                            ev.digest.as_str()
                        )
                    });
                    CheckRow {
                        check: format!("{} {}", c.check.rule(), lang.t(c.check.message_key())),
                        outcome,
                        text,
                        evidence,
                    }
                })
                .collect();
            EntryRow {
                name: e.identity.record().name.to_string(),
                birth_year: e.identity.record().birth_date.year(),
                checks,
            }
        })
        .collect()
}

#[derive(Deserialize)]
pub(super) struct DecisionInput {
    csrf: Option<String>,
    /// `register` or `refuse`.
    decision: Option<String>,
    /// The ground of a refusal (CAN-09).
    ground: Option<String>,
}

/// `POST /candidacies/{election}/{id}/decision`: register (leaving out the list's candidates
/// whose check failed, each on its failure's ground) or refuse on the ground named.
pub(super) async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
    Form(input): Form<DecisionInput>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff_csrf(input.csrf.as_deref())?.actor();
    let election = election_of(&state, lang, Some(&election)).await?;
    let id = NominationId::parse(&id).map_err(|_| PageFail::not_found(lang))?;
    let store = state.store.as_ref();
    let decision = match input.decision.as_deref() {
        Some("register") => {
            let record = candidates::nomination(store, &actor, &election.id, id)
                .await
                .or_page(lang)?;
            Decision::Register {
                excluded: failed(&record),
            }
        }
        Some("refuse") => match input.ground.as_deref().and_then(Ground::from_code) {
            Some(ground) => Decision::Refuse { ground },
            None => {
                let m = lang.t("queue-error-ground-required");
                let feedback = Feedback::refused(StatusCode::UNPROCESSABLE_ENTITY, m);
                return render_page(&state, ctx, &election.id, feedback).await;
            }
        },
        _ => {
            return Err(PageFail::new(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::BadForm,
            ));
        }
    };
    let done = match &decision {
        Decision::Register { .. } => "registered",
        Decision::Refuse { .. } => "refused",
    };
    match candidates::decide(store, &actor, &election.id, id, decision, state.now()).await {
        Ok(_) => {
            let to = format!("/candidacies/queue?election={}&done={done}", election.id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ CandidacyError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(CandidacyError::UnknownNomination(_)) => Err(PageFail::not_found(lang)),
        Err(e) => render_page(&state, ctx, &election.id, Feedback::of(lang, &e)).await,
    }
}

/// The list candidates whose latest checks failed, each with the first failure's ground; a
/// district nomination leaves no one out (its candidate's failure is a refusal).
fn failed(record: &NominationRecord) -> Vec<(CandidateId, Ground)> {
    if !matches!(record.nomination.kind, NominationKind::CityList { .. }) {
        return Vec::new();
    }
    record
        .nomination
        .standing()
        .filter_map(|(_, e)| {
            record
                .checks_of(&e.candidate)
                .into_iter()
                .find_map(|c| match c.outcome {
                    CheckOutcome::Fail { ground } => Some((e.candidate.clone(), ground)),
                    _ => None,
                })
        })
        .collect()
}
