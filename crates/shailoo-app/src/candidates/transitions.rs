//! The steps of a nomination on the facts the store reads under its write lock: pure
//! functions around the domain's state machine (`shailoo_domain::candidate::transitions`, whose
//! mermaid diagram is the workflow), adding what only stored data can tell:
//!
//! * opening: the council is elected in this election, the party is registered, the district
//!   is one of the council's approved scheme (CAN-03), the party has no other list for the
//!   council;
//! * CAN-05 across nominations: a person newly put on a nomination, and every candidate of a
//!   submitted one, holds no live candidacy elsewhere in the election (the store's
//!   `candidacies` table, whose primary key `(election, pin)` makes it hold whatever writes);
//! * CAN-07: drafts are edited only while the nomination window is open (the domain checks it
//!   at submission);
//! * CAN-09: the TEC registers on the latest check results only when every standing candidate
//!   has been checked, and refuses (or excludes) on a ground the registries answer only when a
//!   failed check shows it: never a verdict about a person without evidence.
//!
//! Each returns the nomination after the step and the status history it adds ([`Outcome`]);
//! nothing else is written.

use super::model::{
    Candidacy, CandidacyError, CandidateDetails, Change, Decision, DocumentKind, DraftEdit,
    HistoryEntry, NominationId, NominationRecord, registry_check, shows,
};
use jiff::Timestamp;
use shailoo_domain::ElectionId;
use shailoo_domain::candidate::checks::check_list_composition;
use shailoo_domain::candidate::eligibility::ListCode;
use shailoo_domain::candidate::nomination::{
    Cancellation, EntryStatus, Ground, Nomination, NominationKind, NominationStatus, Rules,
    SubmissionContent, WithdrawnBy,
};
use shailoo_domain::candidate::registry::CandidateIdentity;
use shailoo_domain::candidate::transitions::{Draft, NominationState, Submission, TransitionError};
use shailoo_domain::candidate::{CandidateCode, CandidateId, Party};
use shailoo_domain::district::DistrictId;
use shailoo_domain::params::Coded;
use shailoo_domain::pin::Pin;
use shailoo_domain::territory::Council;
use std::collections::BTreeMap;

/// What the store reads before opening a nomination.
#[derive(Debug, Clone)]
pub struct OpeningFacts {
    pub council: Council,
    /// The council is elected in the election.
    pub electing: bool,
    /// The nominating party, if the kind names one and it is registered.
    pub party: Option<Party>,
    /// The districts of the council's approved scheme for the election (aiyl councils).
    pub districts: Vec<DistrictId>,
    /// A list of the same party for the same council that is a draft or live.
    pub open_list: Option<NominationId>,
}

/// Opens a draft of `kind` (CAN-03), with its first candidate when given (a district
/// nomination has exactly one; a self-nominee's is themself from the start).
pub fn open(
    election: &ElectionId,
    kind: NominationKind,
    facts: &OpeningFacts,
    first: Option<(
        CandidateId,
        &shailoo_domain::candidate::registry::CandidateIdentity,
    )>,
    holders: &[Candidacy],
    rules: &Rules<'_>,
    now: Timestamp,
) -> Result<Draft, CandidacyError> {
    if !facts.electing {
        return Err(CandidacyError::CouncilNotInElection(
            facts.council.id.clone(),
        ));
    }
    if let Some(p) = kind.party()
        && facts.party.as_ref().map(|x| &x.id) != Some(p)
    {
        return Err(CandidacyError::UnknownParty(p.clone()));
    }
    match &kind {
        NominationKind::District { district, .. } if !facts.districts.contains(district) => {
            return Err(CandidacyError::UnknownDistrict(district.clone()));
        }
        NominationKind::CityList { .. } => {
            if let Some(open) = facts.open_list {
                return Err(CandidacyError::ListAlreadyOpen(open));
            }
        }
        NominationKind::District { .. } => {}
    }
    rules.calendar.check(kind.nominate_action(), now)?;
    let draft = Draft::new(election.clone(), &facts.council, kind, now)?;
    match first {
        None => Ok(draft),
        Some((candidate, identity)) => {
            not_held_elsewhere(None, &candidate, identity.pin(), holders)?;
            Ok(draft.add(candidate, identity.clone(), rules, now)?)
        }
    }
}

/// CAN-05: `pin` holds no live candidacy in a nomination other than `this` one.
fn not_held_elsewhere(
    this: Option<NominationId>,
    candidate: &CandidateId,
    pin: Pin,
    holders: &[Candidacy],
) -> Result<(), CandidacyError> {
    if holders
        .iter()
        .any(|h| h.pin == pin && Some(h.nomination) != this)
    {
        return Err(refused(candidate, CandidateCode::MultipleCandidacies));
    }
    Ok(())
}

fn refused(candidate: &CandidateId, code: CandidateCode) -> CandidacyError {
    match Ground::candidate(code) {
        Some(ground) => CandidacyError::Transition(TransitionError::Candidate {
            candidate: candidate.clone(),
            ground,
        }),
        // Only pending findings have no ground; none is passed here.
        None => CandidacyError::Transition(TransitionError::Empty),
    }
}

/// What a change did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The nomination after the step (the same as before for a repeat).
    pub record: NominationRecord,
    /// The status history the step adds.
    pub history: Vec<HistoryEntry>,
    /// An idempotent repeat (the same submission again): nothing to write, nothing to audit.
    pub repeated: bool,
}

/// What the store reads before a change, besides the stored nomination.
#[derive(Debug, Clone)]
pub struct ChangeFacts {
    /// The live candidacies of the persons concerned: the standing candidates and a person
    /// newly put on the nomination.
    pub holders: Vec<Candidacy>,
    /// The id the next candidate put on this nomination gets.
    pub next_candidate: CandidateId,
}

/// Applies `change` to the stored `record` by `by` at `now` (see the module documentation).
pub fn apply(
    record: &NominationRecord,
    change: &Change,
    facts: &ChangeFacts,
    rules: &Rules<'_>,
    by: &str,
    now: Timestamp,
) -> Result<Outcome, CandidacyError> {
    let state = NominationState::from_record(record.nomination.clone());
    let mut details = record.details.clone();
    let id = record.id;
    let step = Step {
        record,
        facts,
        rules,
        now,
    };
    let next: NominationState = match change {
        Change::Edit(edit) => step.edit(state, edit, &mut details)?,
        Change::Submit { seen } => match step.submit(state, seen)? {
            Some(next) => next,
            None => {
                return Ok(Outcome {
                    record: record.clone(),
                    history: Vec::new(),
                    repeated: true,
                });
            }
        },
        Change::Decide(decision) => step.decide(state, decision)?,
        Change::Replace {
            old,
            identity,
            details: d,
        } => step.replace(state, old, (identity, d), &mut details)?,
        Change::Withdraw { candidate, by } => step.withdraw(state, candidate.as_ref(), *by)?,
        Change::Cancel {
            candidate,
            cancellation,
        } => step.cancel(state, candidate.as_ref(), cancellation)?,
    };
    let after = next.into_record();
    let history = history(&record.nomination, &after, by, now);
    // Details of candidates no longer on the nomination (taken off a draft) go with them.
    details.retain(|c, _| after.entry(c).is_some());
    Ok(Outcome {
        record: NominationRecord {
            id,
            reference: record.reference.clone(),
            nomination: after,
            filed_by: record.filed_by.clone(),
            details,
            checks: record.checks.clone(),
        },
        history,
        repeated: false,
    })
}

/// What every step of [`apply`] reads: the stored record, the facts read with it, the rules
/// and the time.
struct Step<'a, 'r> {
    record: &'a NominationRecord,
    facts: &'a ChangeFacts,
    rules: &'a Rules<'r>,
    now: Timestamp,
}

impl Step<'_, '_> {
    /// The filer edits the draft while the nomination window is open (CAN-07).
    fn edit(
        &self,
        state: NominationState,
        edit: &DraftEdit,
        details: &mut BTreeMap<CandidateId, CandidateDetails>,
    ) -> Result<NominationState, CandidacyError> {
        let NominationState::Draft(draft) = state else {
            return Err(not_allowed(&self.record.nomination, "edited"));
        };
        let nomination = &self.record.nomination;
        self.rules
            .calendar
            .check(nomination.kind.nominate_action(), self.now)?;
        let id = self.record.id;
        Ok(NominationState::Draft(edit_draft(
            draft, edit, id, self.facts, details, self.rules, self.now,
        )?))
    }

    /// The filer submits what they reviewed; `None` for the same content submitted again.
    fn submit(
        &self,
        state: NominationState,
        seen: &SubmissionContent,
    ) -> Result<Option<NominationState>, CandidacyError> {
        let id = self.record.id;
        for (_, e) in self.record.nomination.standing() {
            not_held_elsewhere(Some(id), &e.candidate, e.pin(), &self.facts.holders)?;
        }
        Ok(match state.submit(seen, self.rules, self.now)? {
            Submission::New(s) => Some(NominationState::Submitted(s)),
            Submission::Repeated(_) => None,
        })
    }

    /// The TEC registers on the latest check results, or refuses on a ground they show
    /// (CAN-09).
    fn decide(
        &self,
        state: NominationState,
        decision: &Decision,
    ) -> Result<NominationState, CandidacyError> {
        let (record, rules, now) = (self.record, self.rules, self.now);
        let NominationState::Submitted(s) = state else {
            return Err(not_allowed(&record.nomination, "decided"));
        };
        Ok(match decision {
            Decision::Register { excluded } => {
                let report = record
                    .latest_report()
                    .ok_or(CandidacyError::ChecksPending)?;
                for (candidate, ground) in excluded {
                    backed(record, Some(candidate), *ground, rules)?;
                }
                NominationState::Registered(s.register(&report, excluded, rules, now)?)
            }
            Decision::Refuse { ground } => {
                backed(record, None, *ground, rules)?;
                NominationState::Refused(s.refuse(*ground, rules, now)?)
            }
        })
    }

    /// The filer replaces candidate `old` of a filed list by a new person (CAN-05 for them).
    fn replace(
        &self,
        state: NominationState,
        old: &CandidateId,
        (identity, d): (&CandidateIdentity, &CandidateDetails),
        details: &mut BTreeMap<CandidateId, CandidateDetails>,
    ) -> Result<NominationState, CandidacyError> {
        let NominationState::Submitted(s) = state else {
            return Err(not_allowed(&self.record.nomination, "changed"));
        };
        let candidate = self.facts.next_candidate.clone();
        let holders = &self.facts.holders;
        not_held_elsewhere(Some(self.record.id), &candidate, identity.pin(), holders)?;
        let next = s.replace(
            old,
            candidate.clone(),
            identity.clone(),
            self.rules,
            self.now,
        )?;
        set_details(details, candidate, d.clone());
        Ok(NominationState::Submitted(next))
    }

    /// The nomination, or one candidate of a list, is withdrawn.
    fn withdraw(
        &self,
        state: NominationState,
        candidate: Option<&CandidateId>,
        by: WithdrawnBy,
    ) -> Result<NominationState, CandidacyError> {
        let (rules, now) = (self.rules, self.now);
        Ok(match (state, candidate) {
            (NominationState::Submitted(s), None) => {
                NominationState::Withdrawn(s.withdraw(by, rules, now)?)
            }
            (NominationState::Submitted(s), Some(c)) => {
                NominationState::Submitted(s.withdraw_candidate(c, by, rules, now)?)
            }
            (NominationState::Registered(r), None) => {
                NominationState::Withdrawn(r.withdraw(by, rules, now)?)
            }
            (NominationState::Registered(r), Some(c)) => {
                NominationState::Registered(r.withdraw_candidate(c, by, rules, now)?)
            }
            (other, _) => return Err(not_allowed(other.record(), "withdrawn")),
        })
    }

    /// The commission cancels the registration, or one candidate's on a list.
    fn cancel(
        &self,
        state: NominationState,
        candidate: Option<&CandidateId>,
        cancellation: &Cancellation,
    ) -> Result<NominationState, CandidacyError> {
        let NominationState::Registered(r) = state else {
            return Err(not_allowed(&self.record.nomination, "cancelled"));
        };
        if cancellation.note.chars().count() > super::model::MAX_NOTE_CHARS {
            return Err(CandidacyError::TextTooLong);
        }
        let (rules, now) = (self.rules, self.now);
        Ok(match candidate {
            None => NominationState::Cancelled(r.cancel(cancellation.clone(), rules, now)?),
            Some(c) => NominationState::Registered(r.cancel_candidate(
                c,
                cancellation.clone(),
                rules,
                now,
            )?),
        })
    }
}

fn not_allowed(n: &Nomination, step: &'static str) -> CandidacyError {
    CandidacyError::Transition(TransitionError::NotAllowed {
        from: n.status.code(),
        step,
    })
}

fn set_details(
    details: &mut std::collections::BTreeMap<CandidateId, CandidateDetails>,
    candidate: CandidateId,
    d: CandidateDetails,
) {
    if d == CandidateDetails::default() {
        details.remove(&candidate);
    } else {
        details.insert(candidate, d);
    }
}

fn edit_draft(
    draft: Draft,
    edit: &DraftEdit,
    id: NominationId,
    facts: &ChangeFacts,
    details: &mut std::collections::BTreeMap<CandidateId, CandidateDetails>,
    rules: &Rules<'_>,
    now: Timestamp,
) -> Result<Draft, CandidacyError> {
    Ok(match edit {
        DraftEdit::Add {
            identity,
            details: d,
        } => {
            let candidate = facts.next_candidate.clone();
            not_held_elsewhere(Some(id), &candidate, identity.pin(), &facts.holders)?;
            let next = draft.add(candidate.clone(), identity.clone(), rules, now)?;
            set_details(details, candidate, d.clone());
            next
        }
        DraftEdit::Remove { candidate } => draft.remove(candidate, now)?,
        DraftEdit::Reorder { order } => draft.reorder(order, now)?,
        DraftEdit::Details {
            candidate,
            details: d,
        } => {
            if draft.record().entry(candidate).is_none() {
                return Err(TransitionError::UnknownCandidate(candidate.clone()).into());
            }
            // Details are no part of what is submitted: the draft itself is unchanged.
            set_details(details, candidate.clone(), d.clone());
            draft
        }
    })
}

/// CAN-09, CAN-08: a refusal or an exclusion on `ground` is backed by the evidence: a ground
/// the registries answer needs that check's latest result failing with it (for the candidate
/// excluded, or for some standing candidate of a refused nomination); a list's ground needs the
/// list's composition failing with it now. Grounds the TEC finds by reading the documents
/// (CAN-08 deficient documents), and the system's own (CAN-05, CAN-07), need no registry.
fn backed(
    record: &NominationRecord,
    candidate: Option<&CandidateId>,
    ground: Ground,
    rules: &Rules<'_>,
) -> Result<(), CandidacyError> {
    let shown = if let Some(list) = ground.as_list() {
        list_fails(&record.nomination, list, rules)
    } else if registry_check(ground).is_some() {
        let standing: Vec<&CandidateId> = match candidate {
            Some(c) => vec![c],
            None => record
                .nomination
                .standing()
                .map(|(_, e)| &e.candidate)
                .collect(),
        };
        standing
            .into_iter()
            .any(|c| shows(&record.checks_of(c), ground))
    } else {
        true
    };
    if shown {
        Ok(())
    } else {
        Err(CandidacyError::GroundNotShown(ground))
    }
}

fn list_fails(n: &Nomination, code: ListCode, rules: &Rules<'_>) -> bool {
    let ground = Ground::list(code);
    check_list_composition(n, rules)
        .iter()
        .any(|r| r.outcome == shailoo_domain::candidate::checks::CheckOutcome::Fail { ground })
}

/// Where a document of `kind` may go on `n`: a candidate's document to a candidate of it, a
/// nomination's to the nomination (a party's decision to a party's nomination only); only
/// while the nomination is a draft or submitted.
pub fn document_slot(
    n: &Nomination,
    candidate: Option<&CandidateId>,
    kind: DocumentKind,
) -> Result<(), CandidacyError> {
    if !matches!(
        n.status,
        NominationStatus::Draft | NominationStatus::Submitted
    ) {
        return Err(not_allowed(n, "given documents"));
    }
    match (kind.of_candidate(), candidate) {
        (Some(true), None) | (Some(false), Some(_)) => {
            return Err(CandidacyError::DocumentMisplaced);
        }
        _ => {}
    }
    if kind == DocumentKind::PartyDecision && n.kind.party().is_none() {
        return Err(CandidacyError::DocumentMisplaced);
    }
    if let Some(c) = candidate
        && !n.entry(c).is_some_and(|e| e.is_standing())
    {
        return Err(TransitionError::UnknownCandidate(c.clone()).into());
    }
    Ok(())
}

/// The status history of a step from `before` to `after`: the nomination's new status, and
/// each candidate's (a replacement filed, an exclusion, a withdrawal, a cancellation). Edits of
/// a draft have no status history (their audit entries record them).
pub fn history(
    before: &Nomination,
    after: &Nomination,
    by: &str,
    at: Timestamp,
) -> Vec<HistoryEntry> {
    let row =
        |candidate: Option<CandidateId>, status: &str, detail: Option<String>, note| HistoryEntry {
            candidate,
            status: status.to_owned(),
            detail,
            note,
            by: by.to_owned(),
            at,
        };
    let mut rows = Vec::new();
    if before.status != after.status {
        let (detail, note) = match &after.status {
            NominationStatus::Refused { ground } => (Some(ground.code().to_owned()), None),
            NominationStatus::Cancelled { cancellation } => (
                Some(cancellation.reason.code().to_owned()),
                Some(cancellation.note.clone()),
            ),
            NominationStatus::Withdrawn { by } => (Some(withdrawn_by(*by).to_owned()), None),
            _ => (None, None),
        };
        rows.push(row(None, after.status.code(), detail, note));
    }
    for e in &after.entries {
        let old = before.entry(&e.candidate).map(|b| &b.status);
        if old == Some(&e.status) {
            continue;
        }
        let (status, detail, note) = match &e.status {
            // A candidate newly standing on a filed nomination: a replacement.
            EntryStatus::Standing
                if old.is_none()
                    && e.filed_at.is_some()
                    && before.status != NominationStatus::Draft =>
            {
                ("filed", None, None)
            }
            EntryStatus::Standing => continue,
            EntryStatus::Excluded { ground } => ("excluded", Some(ground.code().to_owned()), None),
            EntryStatus::Withdrawn { by, .. } => {
                ("withdrawn", Some(withdrawn_by(*by).to_owned()), None)
            }
            EntryStatus::Replaced { by, .. } => ("replaced", Some(by.to_string()), None),
            EntryStatus::Cancelled { cancellation, .. } => (
                "cancelled",
                Some(cancellation.reason.code().to_owned()),
                Some(cancellation.note.clone()),
            ),
        };
        rows.push(row(Some(e.candidate.clone()), status, detail, note));
    }
    rows
}

fn withdrawn_by(by: shailoo_domain::candidate::nomination::WithdrawnBy) -> &'static str {
    match by {
        shailoo_domain::candidate::nomination::WithdrawnBy::Nominator => "nominator",
        shailoo_domain::candidate::nomination::WithdrawnBy::Candidate => "candidate",
    }
}
