//! The complaints registry (CMP-05, CMP-06; даттануулардын реестри / реестр жалоб): complaints
//! to a PEC, a TEC or the CEC about a decision, an action or an inaction, the decisions on
//! them and the appeals up the chain PEC → TEC → CEC → court, each step with its legal clock.
//!
//! - Filing: online by the complainant signed in (a voter in the cabinet, as voter or
//!   candidate; a party's representative, for the party), or on paper by staff of a commission
//!   covering the commission complained of (`Power::FileComplaint`). The clock
//!   (`shailoo_domain::complaint`) comes from the election's calendar with the CEC's overrides
//!   and the rule parameters in force; a late filing is refused naming CMP-06.
//! - Hearing: only the commission complained of assigns a member and decides
//!   (`Power::AssignComplaint`, `Power::DecideComplaint`, asked over that commission alone, so
//!   that a TEC never decides in a PEC's place and the appeal keeps its level); a decision
//!   carries its document. Who filed a complaint or an appeal never decides it nor is assigned
//!   it (`transitions::apply`).
//! - Appeal: by the complainant online, or on paper by staff of the commission appealed to;
//!   after the CEC, to the court, whose act the CEC records (`Power::RecordCourtAct`).
//! - Reading: staff covering the commission see the complainant; the public registry
//!   ([`PublicComplaint`]) never does. Overdue steps stand out ([`Complaint::is_overdue`]).
//!
//! The folder follows the capability template of `claims/`: `model.rs`, `transitions.rs`
//! (the pure workflow), `port.rs` ([`ComplaintStore`]) and this file, the use cases.

mod model;
mod port;
pub mod transitions;

pub use model::{
    About, AppealDraft, Channel, Complainant, ComplainantKind, Complaint, ComplaintDraft,
    ComplaintError, ComplaintFilter, ComplaintId, ComplaintStatus, Decision, DecisionDraft,
    Document, DocumentInfo, Filer, Forum, MAX_TEXT_CHARS, Outcome, PublicComplaint, PublicDecision,
    PublicStep, Step, Text,
};
pub use port::ComplaintStore;

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::params::RuleParameterStore;
use crate::setup::{self, ElectionCalendarError, SetupStore};
use crate::users::{Actor, Username};
use jiff::Timestamp;
use serde::Serialize;
use shailoo_domain::complaint::Level;
use shailoo_domain::{CommissionId, ElectionId};
use std::collections::BTreeMap;
use transitions::{Change, Clocks};

impl From<ElectionCalendarError> for ComplaintError {
    fn from(e: ElectionCalendarError) -> Self {
        match e {
            ElectionCalendarError::Store(e) => ComplaintError::Store(e),
            ElectionCalendarError::UnknownElection(id) => ComplaintError::UnknownElection(id),
            ElectionCalendarError::Invalid(e) => ComplaintError::CalendarInvalid(e),
        }
    }
}

/// The clocks of an election: its calendar with the CEC's overrides, and its rule parameters
/// in force (CMP-06's `appeal_*`).
pub async fn clocks<S: SetupStore + RuleParameterStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<Clocks, ComplaintError> {
    let calendar = setup::calendar(store, election).await?;
    let params = crate::params::parameters(store, election).await?;
    Ok(Clocks { calendar, params })
}

/// Refuses unless `actor` holds `power` over `commission` and the commissions above it.
async fn authorize_over<S: SetupStore + ?Sized>(
    store: &S,
    actor: &Actor,
    power: Power,
    commission: &CommissionId,
) -> Result<(), ComplaintError> {
    let chain = store.commission_chain(commission).await?;
    authz::authorize(actor, power, Target::Within(&chain)).map_err(|_| ComplaintError::Forbidden)
}

/// Refuses unless `actor` holds `power` as a member of `commission` itself: hearing a
/// complaint is the addressed commission's, not a commission above it (which hears the
/// appeal). A `Below` reach over a one-commission chain holds only for its own members.
fn authorize_at_itself(
    actor: &Actor,
    power: Power,
    commission: &CommissionId,
) -> Result<(), ComplaintError> {
    let only = [commission.clone()];
    authz::authorize(actor, power, Target::Within(&only)).map_err(|_| ComplaintError::Forbidden)
}

async fn found<S: ComplaintStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    id: ComplaintId,
) -> Result<Complaint, ComplaintError> {
    store
        .complaint(election, id)
        .await?
        .ok_or(ComplaintError::UnknownComplaint(id))
}

fn subject(election: &ElectionId, id: ComplaintId) -> String {
    format!("{election}/complaints/{id}")
}

/// Files a complaint at `now`: online by a voter (as voter or candidate) or a party's
/// representative (for the party), or on paper by staff covering the commission complained
/// of. The clock decides whether it is in time (CMP-06).
pub async fn file<S: SetupStore + RuleParameterStore + ComplaintStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    draft: ComplaintDraft,
    now: Timestamp,
) -> Result<Complaint, ComplaintError> {
    use ComplainantKind as K;
    let channel = match (actor, draft.complainant.kind) {
        (Actor::Voter { .. }, K::Voter | K::Candidate) => Channel::Online,
        (Actor::Representative { .. }, K::Party) => Channel::Online,
        (Actor::Voter { .. } | Actor::Representative { .. }, _) => {
            return Err(ComplaintError::Forbidden);
        }
        (Actor::User { .. } | Actor::System, _) => {
            authorize_over(store, actor, Power::FileComplaint, &draft.commission).await?;
            Channel::Paper
        }
    };
    let clocks = clocks(store, election).await?;
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::ComplaintFiled,
        election.as_str(),
        now,
    );
    store
        .file_complaint(election, &draft, channel, &Filer::of(actor), &clocks, event)
        .await
}

async fn change<S: SetupStore + RuleParameterStore + ComplaintStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ComplaintId,
    change: Change,
    action: AuditAction,
    now: Timestamp,
) -> Result<Complaint, ComplaintError> {
    let clocks = clocks(store, election).await?;
    let event = AuditEvent::new(actor.audit_name(), action, subject(election, id), now);
    store
        .change_complaint(election, id, &change, &Filer::of(actor), &clocks, event)
        .await
}

/// The commission hearing the current step, or `InCourt`.
fn heard_by(complaint: &Complaint) -> Result<&CommissionId, ComplaintError> {
    complaint
        .current()
        .forum
        .commission()
        .ok_or(ComplaintError::InCourt)
}

/// Assigns the current step to a member of the commission hearing it (its own members only).
pub async fn assign<S: SetupStore + RuleParameterStore + ComplaintStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ComplaintId,
    to: Username,
    now: Timestamp,
) -> Result<Complaint, ComplaintError> {
    let complaint = found(store, election, id).await?;
    authorize_at_itself(actor, Power::AssignComplaint, heard_by(&complaint)?)?;
    change(
        store,
        actor,
        election,
        id,
        Change::Assign { to },
        AuditAction::ComplaintAssigned,
        now,
    )
    .await
}

/// Decides the current step, with its document: the commission hearing it, never who filed
/// the complaint or the appeal. A late decision is still taken; the registry shows it late.
pub async fn decide<S: SetupStore + RuleParameterStore + ComplaintStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ComplaintId,
    decision: DecisionDraft,
    now: Timestamp,
) -> Result<Complaint, ComplaintError> {
    let complaint = found(store, election, id).await?;
    authorize_at_itself(actor, Power::DecideComplaint, heard_by(&complaint)?)?;
    change(
        store,
        actor,
        election,
        id,
        Change::Decide(decision),
        AuditAction::ComplaintDecided,
        now,
    )
    .await
}

/// Appeals the decision of the current step to the next level (CMP-06): by the complainant
/// who filed online, or on paper by staff of the commission appealed to (for the court, the
/// CEC's staff, who record the court's act later).
pub async fn appeal<S: SetupStore + RuleParameterStore + ComplaintStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ComplaintId,
    appeal: AppealDraft,
    now: Timestamp,
) -> Result<Complaint, ComplaintError> {
    let complaint = found(store, election, id).await?;
    match actor {
        Actor::Voter { .. } | Actor::Representative { .. } => {
            if !complaint.filer().is(actor) {
                return Err(ComplaintError::NotTheComplainant);
            }
        }
        Actor::User { .. } | Actor::System => {
            let step = complaint.current();
            match (step.level.next(), step.forum.commission()) {
                (Some(Level::Court), _) => {
                    authz::authorize(actor, Power::RecordCourtAct, Target::Nationwide)
                        .map_err(|_| ComplaintError::Forbidden)?;
                }
                (Some(_), Some(commission)) => {
                    let chain = store.commission_chain(commission).await?;
                    // The commission above the one that decided: its chain without the first.
                    let above = chain.get(1..).unwrap_or(&[]);
                    authz::authorize(actor, Power::FileComplaint, Target::Within(above))
                        .map_err(|_| ComplaintError::Forbidden)?;
                }
                _ => return Err(ComplaintError::NoFurtherAppeal),
            }
        }
    }
    change(
        store,
        actor,
        election,
        id,
        Change::Appeal(appeal),
        AuditAction::ComplaintAppealed,
        now,
    )
    .await
}

/// Records the court's act on an appeal to it (the CEC).
pub async fn record_court_act<S: SetupStore + RuleParameterStore + ComplaintStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ComplaintId,
    act: DecisionDraft,
    now: Timestamp,
) -> Result<Complaint, ComplaintError> {
    authz::authorize(actor, Power::RecordCourtAct, Target::Nationwide)
        .map_err(|_| ComplaintError::Forbidden)?;
    found(store, election, id).await?;
    change(
        store,
        actor,
        election,
        id,
        Change::CourtAct(act),
        AuditAction::ComplaintCourtActRecorded,
        now,
    )
    .await
}

/// Whether `actor` covers a commission that heard some step of the complaint.
async fn covers<S: SetupStore + ?Sized>(
    store: &S,
    actor: &Actor,
    complaint: &Complaint,
) -> Result<bool, ComplaintError> {
    for step in &complaint.steps {
        let chain = match step.forum.commission() {
            Some(c) => store.commission_chain(c).await?,
            None => Vec::new(),
        };
        if authz::allowed(actor, Power::ViewComplaints, Target::Within(&chain)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// One complaint with its complainant: for staff covering a commission that heard it
/// ([`Power::ViewComplaints`]), and for its own complainant signed in.
pub async fn complaint<S: SetupStore + ComplaintStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ComplaintId,
) -> Result<Complaint, ComplaintError> {
    let complaint = found(store, election, id).await?;
    if complaint.filer().is(actor) || covers(store, actor, &complaint).await? {
        Ok(complaint)
    } else {
        Err(ComplaintError::Forbidden)
    }
}

/// Complaints for staff, newest first: those whose current step a commission in the actor's
/// reach hears.
pub async fn complaints<S: ComplaintStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    filter: &ComplaintFilter,
) -> Result<Vec<Complaint>, ComplaintError> {
    let within = authz::listing_scope(actor, Power::ViewComplaints)
        .map_err(|_| ComplaintError::Forbidden)?;
    let mut filter = filter.clone();
    filter.within = within;
    Ok(store.complaints(election, &filter).await?)
}

/// The public registry (CMP-05), newest first: no complainant's personal data.
pub async fn public_complaints<S: ComplaintStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    filter: &ComplaintFilter,
) -> Result<Vec<PublicComplaint>, ComplaintError> {
    let mut filter = filter.clone();
    filter.within = None;
    Ok(store
        .complaints(election, &filter)
        .await?
        .iter()
        .map(Complaint::public)
        .collect())
}

/// One complaint of the public registry, with its history.
pub async fn public_complaint<S: ComplaintStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    id: ComplaintId,
) -> Result<PublicComplaint, ComplaintError> {
    Ok(found(store, election, id).await?.public())
}

/// A decision's or court act's document, public as the decision is: only a document of a
/// step of this complaint.
pub async fn document<S: ComplaintStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    id: ComplaintId,
    digest: &str,
) -> Result<Document, ComplaintError> {
    let complaint = found(store, election, id).await?;
    let attached = complaint
        .steps
        .iter()
        .filter_map(|s| s.decision.as_ref())
        .any(|d| d.document.digest == digest);
    if !attached {
        return Err(ComplaintError::DocumentMissing);
    }
    store
        .complaint_document(digest)
        .await?
        .ok_or(ComplaintError::DocumentMissing)
}

/// A document the filer handed in with the complaint or one of its appeals: for the
/// complainant signed in and for staff covering a commission that heard it (as
/// [`complaint()`]), never the public; only a document of this complaint.
pub async fn attachment<S: SetupStore + ComplaintStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ComplaintId,
    digest: &str,
) -> Result<Document, ComplaintError> {
    let complaint = complaint(store, actor, election, id).await?;
    if !complaint.attachments().any(|a| a.digest == digest) {
        return Err(ComplaintError::DocumentMissing);
    }
    store
        .complaint_document(digest)
        .await?
        .ok_or(ComplaintError::DocumentMissing)
}

/// The steps undecided past their decision due at `now` (CMP-06), oldest due first.
pub fn overdue(complaints: &[Complaint], now: Timestamp) -> Vec<&Complaint> {
    let mut late: Vec<&Complaint> = complaints.iter().filter(|c| c.is_overdue(now)).collect();
    late.sort_by_key(|c| c.current().clock.map(|k| k.decision_due.instant()));
    late
}

/// The registry's statistics (CMP-05): complaints by the level now hearing them, by subject,
/// by status, and decisions by outcome (every step's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Statistics {
    pub total: u64,
    pub by_level: BTreeMap<&'static str, u64>,
    pub by_subject: BTreeMap<&'static str, u64>,
    pub by_status: BTreeMap<&'static str, u64>,
    pub by_outcome: BTreeMap<&'static str, u64>,
    /// Undecided past their decision due.
    pub overdue: u64,
}

/// Counts `complaints` at `now`.
pub fn statistics(complaints: &[Complaint], now: Timestamp) -> Statistics {
    let mut s = Statistics::default();
    for c in complaints {
        s.total += 1;
        *s.by_level.entry(c.current().level.code()).or_default() += 1;
        *s.by_subject.entry(c.subject.code()).or_default() += 1;
        *s.by_status.entry(c.status().code()).or_default() += 1;
        for d in c.steps.iter().filter_map(|st| st.decision.as_ref()) {
            *s.by_outcome.entry(d.outcome.code()).or_default() += 1;
        }
        if c.is_overdue(now) {
            s.overdue += 1;
        }
    }
    s
}

/// The same counts over the public registry's view of the complaints (what the public
/// statistics count: `statistics` of the complaints they were made from).
pub fn public_statistics(complaints: &[PublicComplaint], now: Timestamp) -> Statistics {
    let mut s = Statistics::default();
    for c in complaints {
        s.total += 1;
        if let Some(step) = c.steps.last() {
            *s.by_level.entry(step.level.code()).or_default() += 1;
            if step.decision.is_none() && step.clock.is_some_and(|k| k.is_overdue(now)) {
                s.overdue += 1;
            }
        }
        *s.by_subject.entry(c.subject.code()).or_default() += 1;
        *s.by_status.entry(c.status.code()).or_default() += 1;
        for d in c.steps.iter().filter_map(|st| st.decision.as_ref()) {
            *s.by_outcome.entry(d.outcome.code()).or_default() += 1;
        }
    }
    s
}

/// The complaints `actor` filed themself (a voter or a representative online), newest first,
/// with every step: what the complainant follows in their cabinet.
pub async fn own_complaints<S: ComplaintStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
) -> Result<Vec<Complaint>, ComplaintError> {
    Ok(store
        .complaints(election, &ComplaintFilter::default())
        .await?
        .into_iter()
        .filter(|c| c.filer().is(actor))
        .collect())
}
