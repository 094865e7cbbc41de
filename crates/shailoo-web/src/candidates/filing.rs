//! Preparing and filing a nomination ("Electronic candidate"): one editor for the party's
//! representative (`/candidacies/…`, staff pages scoped to the own party) and the
//! self-nominee in the cabinet (`/cabinet/candidacy/…`), the same steps on the same use
//! cases: add a candidate by PIN (name, birth date, sex and residence come from the civil
//! registry, never typed), remove, move up or down, set the public details, attach documents,
//! submit (a double submit changes nothing), replace a candidate of a filed list, withdraw.
//!
//! A refused step shows the page again with the refusal beside the form it came from, naming
//! the rule (CAN-01…CAN-07, CAL-07 / CAL-09). Whoever may do what is the use cases' answer
//! (`shailoo_app::candidates`): a representative acts on the own party's nominations only, a
//! voter on their own self-nomination only.

use crate::AppState;
use crate::kit::format::name;
use crate::kit::forms::{FileTooLarge, MultipartForm};
use crate::kit::page::{Choice, Feedback};
use crate::kit::{Lang, OrRefused, PageFail};
use axum::http::StatusCode;
use serde::Deserialize;
use shailoo_app::candidates::{
    self, CandidacyError, CandidateDetails, CheckRunner, Document, DocumentInfo, DocumentKind,
    NominationId, NominationRecord, Occupation, ProgramText, Stage,
};
use shailoo_app::{Actor, Store};
use shailoo_domain::candidate::nomination::{NominationKind, SubmissionContent};
use shailoo_domain::candidate::{CandidateId, Nominator};
use shailoo_domain::{ElectionId, Pin};
use std::sync::Arc;

use super::views::status_text;

/// The body limit of a document upload: the largest document and the form around it.
pub(super) const DOCUMENT_BODY_LIMIT: usize = candidates::MAX_DOCUMENT_BYTES + 64 * 1024;

/// Who uses the editor, and where its forms go.
pub(crate) struct Filer {
    pub actor: Actor,
    /// The CSRF token the forms echo: the staff session's or the voter session's.
    pub csrf: String,
    /// The path the editor's forms post under (`/candidacies/{election}/{id}` or
    /// `/cabinet/candidacy/{election}/{id}`).
    pub base: String,
    /// A voter reads their own wording of a refusal.
    pub voter: bool,
}

/// One step of the editor, parsed from its form.
pub(crate) enum Step {
    Add {
        pin: Pin,
        details: CandidateDetails,
    },
    Remove(CandidateId),
    Move {
        candidate: CandidateId,
        up: bool,
    },
    Details(CandidateId, CandidateDetails),
    Replace {
        old: CandidateId,
        pin: Pin,
        details: CandidateDetails,
    },
    Submit {
        seen: Vec<CandidateId>,
    },
    Withdraw(Option<CandidateId>),
    Attach {
        candidate: Option<CandidateId>,
        document: Document,
    },
}

impl Step {
    /// The notice key after the step (`filing-done-<key>`).
    fn done(&self) -> &'static str {
        match self {
            Step::Add { .. } => "added",
            Step::Remove(_) => "removed",
            Step::Move { .. } => "moved",
            Step::Details(..) => "details",
            Step::Replace { .. } => "replaced",
            Step::Submit { .. } => "submitted",
            Step::Withdraw(_) => "withdrawn",
            Step::Attach { .. } => "attached",
        }
    }
}

/// The editor's input of a step: which form (`action`), and its fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct StepInput {
    pub csrf: Option<String>,
    pub action: Option<String>,
    pub candidate: Option<String>,
    pub pin: Option<String>,
    pub occupation: Option<String>,
    pub program: Option<String>,
    /// The candidate ids in the order the filer saw them (submit).
    pub seen: Option<String>,
}

/// A refused step: the refusal and the form it belongs beside.
pub(crate) struct StepRefused {
    pub status: StatusCode,
    pub message: String,
    pub field: String,
}

impl StepRefused {
    fn of(lang: Lang, voter: bool, e: &CandidacyError, field: &str) -> StepRefused {
        let feedback = if voter {
            Feedback::for_voter(lang, e)
        } else {
            Feedback::of(lang, e)
        };
        StepRefused {
            status: feedback.status,
            message: feedback.message.unwrap_or_default(),
            field: field.to_owned(),
        }
    }

    fn input(lang: Lang, key: &str, field: &str) -> StepRefused {
        StepRefused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: lang.t(key),
            field: field.to_owned(),
        }
    }
}

/// The public details a form gives (blank fields: none).
fn details(
    lang: Lang,
    occupation: Option<&str>,
    program: Option<&str>,
    field: &str,
) -> Result<CandidateDetails, StepRefused> {
    let refused = |e: CandidacyError| StepRefused::of(lang, false, &e, field);
    Ok(CandidateDetails {
        occupation: Occupation::parse(occupation.unwrap_or_default()).map_err(refused)?,
        program: ProgramText::parse(program.unwrap_or_default()).map_err(refused)?,
    })
}

fn pin_of(lang: Lang, s: Option<&str>, field: &str) -> Result<Pin, StepRefused> {
    s.unwrap_or_default()
        .trim()
        .parse::<Pin>()
        .map_err(|_| StepRefused::input(lang, "filing-error-pin", field))
}

fn candidate_of(lang: Lang, s: Option<&str>) -> Result<CandidateId, StepRefused> {
    CandidateId::parse(s.unwrap_or_default().trim())
        .map_err(|_| StepRefused::input(lang, "filing-error-candidate", "form"))
}

impl StepInput {
    /// The step the form asks for, or why it cannot be taken, beside its field.
    pub(crate) fn step(&self, lang: Lang) -> Result<Step, StepRefused> {
        let action = self.action.as_deref().unwrap_or_default();
        let (occupation, program) = (self.occupation.as_deref(), self.program.as_deref());
        Ok(match action {
            "add" => Step::Add {
                pin: pin_of(lang, self.pin.as_deref(), "pin")?,
                details: details(lang, occupation, program, "pin")?,
            },
            "remove" => Step::Remove(candidate_of(lang, self.candidate.as_deref())?),
            "up" | "down" => Step::Move {
                candidate: candidate_of(lang, self.candidate.as_deref())?,
                up: action == "up",
            },
            "details" => {
                let c = candidate_of(lang, self.candidate.as_deref())?;
                let field = format!("details-{c}");
                Step::Details(c, details(lang, occupation, program, &field)?)
            }
            "replace" => {
                let old = candidate_of(lang, self.candidate.as_deref())?;
                let field = format!("replace-{old}");
                Step::Replace {
                    pin: pin_of(lang, self.pin.as_deref(), &field)?,
                    details: details(lang, occupation, program, &field)?,
                    old,
                }
            }
            "submit" => Step::Submit {
                seen: self
                    .seen
                    .as_deref()
                    .unwrap_or_default()
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .filter_map(|s| CandidateId::parse(s).ok())
                    .collect(),
            },
            "withdraw" => Step::Withdraw(match self.candidate.as_deref() {
                None | Some("") => None,
                Some(c) => Some(candidate_of(lang, Some(c))?),
            }),
            _ => return Err(StepRefused::input(lang, "filing-error-action", "form")),
        })
    }
}

/// The document a multipart upload carries, or why it is refused.
pub(crate) fn upload_step(lang: Lang, form: &MultipartForm) -> Result<Step, StepRefused> {
    let refused = |e: CandidacyError| StepRefused::of(lang, false, &e, "document");
    let kind = DocumentKind::parse(form.get("kind"))
        .ok_or_else(|| StepRefused::input(lang, "filing-error-kind", "document"))?;
    let bytes = match form.file() {
        Some(Ok(b)) => b.to_vec(),
        Some(Err(FileTooLarge)) => return Err(refused(CandidacyError::DocumentTooLarge)),
        None => return Err(refused(CandidacyError::DocumentMissing)),
    };
    let document = Document::parse(kind, bytes).map_err(refused)?;
    let candidate = match form.get("candidate").trim() {
        "" => None,
        c => Some(candidate_of(lang, Some(c)).map_err(|mut r| {
            r.field = "document".to_owned();
            r
        })?),
    };
    Ok(Step::Attach {
        candidate,
        document,
    })
}

/// The check runner; in a deployment without candidate registries one whose every question
/// answers "unavailable" (`CandidateRegistries::not_configured`), so that what asks no registry
/// works, what asks one ends as could-not-check, and authorization still answers first.
pub(crate) fn runner(state: &AppState) -> Arc<CheckRunner> {
    static NOT_CONFIGURED: std::sync::LazyLock<Arc<CheckRunner>> = std::sync::LazyLock::new(|| {
        Arc::new(CheckRunner::new(
            shailoo_app::candidates::CandidateRegistries::not_configured(),
            1,
        ))
    });
    state
        .candidate_checks
        .clone()
        .unwrap_or_else(|| NOT_CONFIGURED.clone())
}

/// Takes `step` on nomination `id` for `filer`; the notice key of what was done.
pub(crate) async fn apply(
    state: &AppState,
    filer: &Filer,
    election: &ElectionId,
    id: NominationId,
    step: Step,
) -> Result<&'static str, (CandidacyError, String)> {
    let done = step.done();
    let store = state.store.as_ref();
    let (actor, now) = (&filer.actor, state.now());
    fn at(field: &'static str) -> impl Fn(CandidacyError) -> (CandidacyError, String) {
        move |e| (e, field.to_owned())
    }
    match step {
        Step::Add { pin, details } => add(state, filer, election, id, pin, details).await?,
        Step::Remove(c) => {
            candidates::remove_candidate(store, actor, election, id, c, now)
                .await
                .map_err(at("form"))?;
        }
        Step::Move { candidate, up } => {
            let record = candidates::nomination(store, actor, election, id)
                .await
                .map_err(at("form"))?;
            let order = moved(&record, &candidate, up);
            candidates::reorder(store, actor, election, id, order, now)
                .await
                .map_err(at("form"))?;
        }
        Step::Details(c, details) => {
            let field = format!("details-{c}");
            candidates::set_details(store, actor, election, id, c, details, now)
                .await
                .map_err(|e| (e, field))?;
        }
        Step::Replace { old, pin, details } => {
            replace(state, filer, election, id, (old, pin, details)).await?;
        }
        Step::Submit { seen } => submit(state, filer, election, id, seen).await?,
        Step::Withdraw(c) => {
            candidates::withdraw(store, actor, election, id, c, now)
                .await
                .map_err(at("withdraw"))?;
        }
        Step::Attach {
            candidate,
            document,
        } => {
            candidates::attach_document(store, actor, election, id, candidate, document, now)
                .await
                .map_err(at("document"))?;
        }
    }
    Ok(done)
}

/// Adds the candidate of `pin`, as the civil registry identifies them.
async fn add(
    state: &AppState,
    filer: &Filer,
    election: &ElectionId,
    id: NominationId,
    pin: Pin,
    details: CandidateDetails,
) -> Result<(), (CandidacyError, String)> {
    let at = |e: CandidacyError| (e, "pin".to_owned());
    let runner = runner(state);
    candidates::add_candidate(
        state.store.as_ref(),
        runner.registries(),
        &filer.actor,
        election,
        id,
        pin,
        details,
        state.now(),
    )
    .await
    .map_err(at)?;
    Ok(())
}

/// Replaces `old` on a filed list by the person of `pin`, checked at once.
async fn replace(
    state: &AppState,
    filer: &Filer,
    election: &ElectionId,
    id: NominationId,
    (old, pin, details): (CandidateId, Pin, CandidateDetails),
) -> Result<(), (CandidacyError, String)> {
    let field = format!("replace-{old}");
    let at = |e: CandidacyError| (e, field.clone());
    let runner = runner(state);
    let store = state.store.as_ref();
    let now = state.now();
    let filed = candidates::replace_candidate(
        store,
        &runner,
        &filer.actor,
        election,
        id,
        old,
        pin,
        details,
        now,
    )
    .await
    .map_err(at)?;
    log_unchecked(&filed);
    Ok(())
}

/// Submits what the filer saw: the standing candidates in the order the page showed them. A
/// list changed meanwhile (in another tab) is refused by the workflow as changed.
async fn submit(
    state: &AppState,
    filer: &Filer,
    election: &ElectionId,
    id: NominationId,
    seen: Vec<CandidateId>,
) -> Result<(), (CandidacyError, String)> {
    let at = |e: CandidacyError| (e, "submit".to_owned());
    let store = state.store.as_ref();
    let runner = runner(state);
    let record = candidates::nomination(store, &filer.actor, election, id)
        .await
        .map_err(at)?;
    let content = record.nomination.content();
    let pins: std::collections::HashMap<&CandidateId, Pin> =
        content.candidates.iter().map(|(c, p)| (c, *p)).collect();
    let seen = SubmissionContent {
        candidates: seen
            .iter()
            .filter_map(|c| pins.get(c).map(|p| (c.clone(), *p)))
            .collect(),
        ..content.clone()
    };
    let filed = candidates::submit(
        store,
        &runner,
        &filer.actor,
        election,
        id,
        seen,
        state.now(),
    )
    .await
    .map_err(at)?;
    log_unchecked(&filed);
    Ok(())
}

/// The checks of a filing that could not be recorded are the TEC's to run again; the filing
/// stands.
fn log_unchecked(filed: &candidates::Filed) {
    if let Some(e) = &filed.checks_failed {
        tracing::warn!(error = %e, "the checks of a filing could not be recorded");
    }
}

/// The standing candidates' order with `candidate` moved one place up or down.
fn moved(record: &NominationRecord, candidate: &CandidateId, up: bool) -> Vec<CandidateId> {
    let mut order: Vec<CandidateId> = record
        .nomination
        .standing()
        .map(|(_, e)| e.candidate.clone())
        .collect();
    if let Some(i) = order.iter().position(|c| c == candidate) {
        let j = if up { i.checked_sub(1) } else { Some(i + 1) };
        if let Some(j) = j.filter(|j| *j < order.len()) {
            order.swap(i, j);
        }
    }
    order
}

// --- the editor's view ---

pub(crate) struct CandidateView {
    pub id: String,
    pub position: String,
    pub name: String,
    pub birth_year: i16,
    pub occupation: String,
    pub program: String,
    pub status: String,
    pub standing: bool,
    pub first: bool,
    pub last: bool,
}

pub(crate) struct DocumentView {
    pub kind: String,
    pub candidate: String,
    pub size_kb: u64,
}

/// The editor of one nomination, as its template shows it.
pub(crate) struct EditorView {
    pub id: String,
    pub election: String,
    pub base: String,
    pub csrf: String,
    pub heading: String,
    pub stage: &'static str,
    pub stage_text: String,
    /// A draft: candidates may be added (a list), removed, moved, detailed, and it may be filed.
    pub draft: bool,
    /// A city list: more than one candidate, in order.
    pub list: bool,
    /// A filed list not yet decided: its candidates may be replaced.
    pub replaceable: bool,
    /// Filed or registered: may be withdrawn.
    pub withdrawable: bool,
    pub candidates: Vec<CandidateView>,
    pub documents: Vec<DocumentView>,
    pub kinds: Vec<Choice>,
    /// The standing candidates' ids in order: what a submission says it saw.
    pub seen: String,
    /// The refusal and the form it belongs beside (`pin`, `details-<id>`, `document`…).
    pub message: Option<String>,
    pub field: String,
}

impl EditorView {
    /// Whether the refusal belongs beside the form `field`.
    pub fn refused_at(&self, field: &str) -> bool {
        self.message.is_some() && self.field == field
    }
    /// The refusal, for the form it belongs beside.
    pub fn refusal(&self) -> &str {
        self.message.as_deref().unwrap_or_default()
    }
    /// A refusal that belongs beside no form of the page shows above them.
    pub fn refused_elsewhere(&self) -> bool {
        let placed = ["pin", "document", "submit", "withdraw"].contains(&self.field.as_str())
            || self.field.starts_with("details-")
            || self.field.starts_with("replace-");
        self.message.is_some() && !placed
    }
}

/// The heading of a nomination: its council, its contest and its nominator.
pub(crate) async fn heading(
    store: &dyn Store,
    lang: Lang,
    record: &NominationRecord,
) -> Result<String, PageFail> {
    let n = &record.nomination;
    let council = store
        .council(&n.council)
        .await
        .or_page(lang)?
        .map_or_else(|| n.council.to_string(), |c| name(&c.name, lang));
    let (contest, party) = match &n.kind {
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
    let nominator = match party {
        Some(p) => store
            .party(p)
            .await
            .or_page(lang)?
            .map_or_else(|| p.to_string(), |party| name(&party.name, lang)),
        None => lang.t("talapker-self-nominated"),
    };
    Ok(format!(
        "№ {}: {council} · {contest} · {nominator}",
        record.id
    ))
}

/// The editor of `id` for `filer`, with the refusal of a step if there was one.
pub(crate) async fn editor(
    state: &AppState,
    lang: Lang,
    filer: &Filer,
    election: &ElectionId,
    id: NominationId,
    refused: Option<StepRefused>,
) -> Result<EditorView, PageFail> {
    let store = state.store.as_ref();
    let record = candidates::nomination(store, &filer.actor, election, id)
        .await
        .or_page(lang)?;
    let documents = candidates::documents(store, &filer.actor, election, id)
        .await
        .or_page(lang)?;
    let stage = Stage::of(&record.nomination.status);
    let list = matches!(record.nomination.kind, NominationKind::CityList { .. });
    let standing: Vec<String> = record
        .nomination
        .standing()
        .map(|(_, e)| e.candidate.to_string())
        .collect();
    let (message, field) = match refused {
        Some(r) => (Some(r.message), r.field),
        None => (None, String::new()),
    };
    Ok(EditorView {
        id: id.to_string(),
        election: election.to_string(),
        base: filer.base.clone(),
        csrf: filer.csrf.clone(),
        heading: heading(store, lang, &record).await?,
        stage: stage.as_str(),
        stage_text: lang.t(&format!("filing-stage-{}", stage.as_str())),
        draft: stage == Stage::Draft,
        list,
        replaceable: list && stage == Stage::Submitted,
        withdrawable: matches!(stage, Stage::Submitted | Stage::Registered),
        candidates: candidate_views(lang, &record, &standing),
        documents: document_views(lang, &record, &documents),
        kinds: DocumentKind::ALL
            .into_iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: lang.t(&format!("talapker-document-{}", k.as_str())),
                selected: false,
            })
            .collect(),
        seen: standing.join(","),
        message,
        field,
    })
}

fn candidate_views(
    lang: Lang,
    record: &NominationRecord,
    standing: &[String],
) -> Vec<CandidateView> {
    let positions: std::collections::HashMap<&CandidateId, u32> = record
        .nomination
        .standing()
        .map(|(p, e)| (&e.candidate, p))
        .collect();
    record
        .nomination
        .entries
        .iter()
        .map(|e| {
            let details = record.details_of(&e.candidate);
            let id = e.candidate.to_string();
            let civil = e.identity.record();
            CandidateView {
                position: positions
                    .get(&e.candidate)
                    .map(u32::to_string)
                    .unwrap_or_default(),
                name: civil.name.to_string(),
                birth_year: civil.birth_date.year(),
                occupation: details
                    .occupation
                    .map(|o| o.as_str().to_owned())
                    .unwrap_or_default(),
                program: details
                    .program
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default(),
                status: record
                    .nomination
                    .candidate_status(&e.candidate)
                    .map(|s| status_text(&s, lang))
                    .unwrap_or_default(),
                standing: e.is_standing(),
                first: standing.first() == Some(&id),
                last: standing.last() == Some(&id),
                id,
            }
        })
        .collect()
}

fn document_views(
    lang: Lang,
    record: &NominationRecord,
    documents: &[DocumentInfo],
) -> Vec<DocumentView> {
    documents
        .iter()
        .map(|d| DocumentView {
            kind: lang.t(&format!("talapker-document-{}", d.kind.as_str())),
            candidate: d
                .candidate
                .as_ref()
                .and_then(|c| {
                    record
                        .nomination
                        .entries
                        .iter()
                        .find(|e| &e.candidate == c)
                        .map(|e| e.identity.record().name.to_string())
                })
                .unwrap_or_default(),
            size_kb: d.size.div_ceil(1024),
        })
        .collect()
}

/// The status of a refused step for its page: what the use case said, or the input's.
pub(crate) fn refused_step(
    lang: Lang,
    voter: bool,
    (e, field): (CandidacyError, String),
) -> Result<StepRefused, PageFail> {
    match e {
        CandidacyError::Forbidden => Err(PageFail::refused(lang, &e)),
        CandidacyError::UnknownNomination(_) => Err(PageFail::not_found(lang)),
        e => Ok(StepRefused::of(lang, voter, &e, &field)),
    }
}

/// The election and nomination named by a path, or 404.
pub(crate) async fn path_ids(
    state: &AppState,
    lang: Lang,
    election: &str,
    id: &str,
) -> Result<(ElectionId, NominationId), PageFail> {
    let election = crate::kit::forms::election_of(state, lang, Some(election)).await?;
    let id = NominationId::parse(id).map_err(|_| PageFail::not_found(lang))?;
    Ok((election.id, id))
}
