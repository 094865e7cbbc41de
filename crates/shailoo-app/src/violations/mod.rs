//! Violation reports to the rapid-response groups (CMP-07; шайлоо мыйзамын бузуу тууралуу
//! кабар / сообщение о нарушении).
//!
//! - Intake: the hotline 1255's operators and the TECs enter what they are told by phone, by
//!   e-mail (pasted, with the message's Message-ID so that one forwarded twice is one report)
//!   or in person (`Power::TakeViolationReport`, [`take`]); anyone through the public web form
//!   with a photo or video; a WhatsApp Business-style gateway through the signed webhook
//!   ([`report_publicly`], whose web side checks the signature and the rate limits).
//! - Triage: a category and the territory, whose commission's rapid-response group handles
//!   the report (`Power::HandleViolationReport` over the territory): by default the TEC of
//!   the station named. Then assignment to a member of that commission, and the outcome
//!   (resolved, referred, dismissed) with a note the reporter reads. Who took a report in
//!   never closes it (`transitions::apply`).
//! - Following: the reporter gets a tracking code ([`TrackingCode`]: the number and a secret
//!   the caller draws) and reads the status and the notes with it ([`track`]), never the
//!   contact or the staff names.
//! - Statistics: reports per day, category and region ([`stats`]), public.
//!
//! The folder follows the capability template: `model.rs`, `transitions.rs`, `port.rs` and
//! this file, the use cases.

mod model;
mod port;
pub mod transitions;

pub use model::{
    Evidence, EvidenceFormat, EvidenceInfo, MAX_EVIDENCE_BYTES, MAX_TEXT_CHARS, Place,
    PublicUpdate, PublicViolation, ReportText, StatRow, Update, ViolationDraft, ViolationError,
    ViolationFilter, ViolationId, ViolationReport,
};
pub use port::ViolationStore;

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::setup::SetupStore;
use crate::users::{Actor, Filer, Username};
use jiff::Timestamp;
use shailoo_domain::violation::{Category, Intake, Status, TrackingCode};
use shailoo_domain::{CommissionId, ElectionId};
use transitions::Change;

async fn known_election<S: SetupStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<(), ViolationError> {
    store
        .election(election)
        .await?
        .map(|_| ())
        .ok_or_else(|| ViolationError::UnknownElection(election.clone()))
}

/// Takes a report from the hotline 1255, an e-mail or a visit: staff holding
/// `TakeViolationReport` over the station named (over some commission, for a place only).
pub async fn take<S: SetupStore + ViolationStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    draft: ViolationDraft,
    secret: u32,
    now: Timestamp,
) -> Result<ViolationReport, ViolationError> {
    if matches!(draft.intake, Intake::WebForm | Intake::Messaging) {
        return Err(ViolationError::Forbidden);
    }
    // A report naming a station is taken by whoever covers it (the CEC's hotline anywhere, a
    // TEC in its area); one naming a place only, by any holder of the power.
    let allowed = match draft.place.station {
        Some(s) => {
            let chain = match store.station(s).await? {
                Some(station) => store.commission_chain(&station.commission).await?,
                None => Vec::new(),
            };
            authz::allowed(actor, Power::TakeViolationReport, Target::Within(&chain))
        }
        None => authz::holds(actor, Power::TakeViolationReport),
    };
    if !allowed {
        return Err(ViolationError::Forbidden);
    }
    known_election(store, election).await?;
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::ViolationReported,
        election.as_str(),
        now,
    );
    store
        .file_violation(election, &draft, secret, &Filer::of(actor), event)
        .await
}

/// Takes a report from the public web form or the messaging gateway: no account, so the
/// audit names the channel (`public`, `gateway`).
pub async fn report_publicly<S: SetupStore + ViolationStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    draft: ViolationDraft,
    secret: u32,
    now: Timestamp,
) -> Result<ViolationReport, ViolationError> {
    let by = match draft.intake {
        Intake::WebForm => "public",
        Intake::Messaging => "gateway",
        _ => return Err(ViolationError::Forbidden),
    };
    known_election(store, election).await?;
    let event = AuditEvent::new(by, AuditAction::ViolationReported, election.as_str(), now);
    store
        .file_violation(election, &draft, secret, &Filer::System, event)
        .await
}

async fn found<S: ViolationStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    id: ViolationId,
) -> Result<ViolationReport, ViolationError> {
    store
        .violation(id)
        .await?
        .filter(|r| r.election == *election)
        .ok_or(ViolationError::UnknownReport(id))
}

/// Refuses unless `actor` handles reports over `commission` (the CEC everywhere).
async fn authorize_over<S: SetupStore + ?Sized>(
    store: &S,
    actor: &Actor,
    commission: Option<&CommissionId>,
) -> Result<(), ViolationError> {
    let chain = match commission {
        Some(c) => store.commission_chain(c).await?,
        None => Vec::new(),
    };
    authz::authorize(actor, Power::HandleViolationReport, Target::Within(&chain))
        .map_err(|_| ViolationError::Forbidden)
}

async fn change<S: ViolationStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ViolationId,
    change: Change,
    action: AuditAction,
    now: Timestamp,
) -> Result<ViolationReport, ViolationError> {
    let subject = format!("{election}/violations/{id}");
    let event = AuditEvent::new(actor.audit_name(), action, subject, now);
    store
        .change_violation(election, id, &change, &Filer::of(actor), event)
        .await
}

/// Gives a report its category and territory (`None`: the TEC of the station named). The
/// territory's group, or the CEC's, triages.
pub async fn triage<S: SetupStore + ViolationStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ViolationId,
    category: Category,
    territory: Option<CommissionId>,
    now: Timestamp,
) -> Result<ViolationReport, ViolationError> {
    let report = found(store, election, id).await?;
    let over = match (&territory, report.place.station) {
        (Some(t), _) => Some(t.clone()),
        (None, Some(s)) => store.station(s).await?.map(|s| s.commission),
        (None, None) => return Err(ViolationError::TerritoryRequired),
    };
    authorize_over(store, actor, over.as_ref()).await?;
    let c = Change::Triage {
        category,
        territory,
    };
    change(
        store,
        actor,
        election,
        id,
        c,
        AuditAction::ViolationTriaged,
        now,
    )
    .await
}

/// Assigns a triaged report to a member of its territory's rapid-response group.
pub async fn assign<S: SetupStore + ViolationStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ViolationId,
    to: Username,
    now: Timestamp,
) -> Result<ViolationReport, ViolationError> {
    let report = found(store, election, id).await?;
    authorize_over(store, actor, report.territory.as_ref()).await?;
    let c = Change::Assign { to };
    change(
        store,
        actor,
        election,
        id,
        c,
        AuditAction::ViolationAssigned,
        now,
    )
    .await
}

/// Closes a report: resolved, referred or dismissed, with the note the reporter reads.
pub async fn close<S: SetupStore + ViolationStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ViolationId,
    status: Status,
    note: ReportText,
    now: Timestamp,
) -> Result<ViolationReport, ViolationError> {
    if !status.is_final() {
        return Err(ViolationError::UnknownCode(status.code().to_owned()));
    }
    let report = found(store, election, id).await?;
    authorize_over(store, actor, report.territory.as_ref()).await?;
    let c = Change::Close { status, note };
    change(
        store,
        actor,
        election,
        id,
        c,
        AuditAction::ViolationClosed,
        now,
    )
    .await
}

/// What the reporter reads with their tracking code; a code with a wrong secret finds
/// nothing, as an unknown number does.
pub async fn track<S: ViolationStore + ?Sized>(
    store: &S,
    code: &str,
) -> Result<(ElectionId, PublicViolation), ViolationError> {
    let code = TrackingCode::parse(code).map_err(|_| ViolationError::BadTrackingCode)?;
    let id = ViolationId::new(i64::from(code.number)).ok_or(ViolationError::BadTrackingCode)?;
    let report = store
        .violation(id)
        .await?
        .filter(|r| r.tracking_code() == Some(code))
        .ok_or(ViolationError::UnknownReport(id))?;
    Ok((report.election.clone(), report.public()))
}

/// A report for staff handling it (with the contact): over its territory, or anywhere for
/// one not yet triaged.
pub async fn report<S: SetupStore + ViolationStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ViolationId,
) -> Result<ViolationReport, ViolationError> {
    let report = found(store, election, id).await?;
    let covered = match &report.territory {
        Some(t) => authorize_over(store, actor, Some(t)).await.is_ok(),
        None => authz::holds(actor, Power::HandleViolationReport),
    };
    if !covered {
        return Err(ViolationError::Forbidden);
    }
    Ok(report)
}

/// The public statistics: reports per day, category and region.
pub async fn stats<S: SetupStore + ViolationStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<Vec<StatRow>, ViolationError> {
    known_election(store, election).await?;
    Ok(store.violation_stats(election).await?)
}
