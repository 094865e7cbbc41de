//! Candidates and parties ("Electronic candidate", CAN-01…CAN-10): the use cases that file,
//! check, decide and publish nominations, on the rules of `shailoo_domain::candidate`.
//!
//! Who does what ([`authz`]): the CEC registers the parties ([`add_party`]) and accredits
//! their representatives ([`add_representative`]: accounts scoped to one party); a party's
//! representative prepares the party's nominations (a closed list for a city council until
//! CAL-07 18:00, district nominees for an aiyl council until CAL-09 18:00: [`open_nomination`],
//! [`add_candidate`], [`remove_candidate`], [`reorder`], [`set_details`], [`attach_document`],
//! [`submit`]), replaces and withdraws ([`replace_candidate`], [`withdraw`]); a voter signed in
//! to the cabinet nominates themself in a district of their own community (the same use cases,
//! `Actor::Voter`); the council's TEC decides ([`decide`]: register, or refuse naming the legal
//! ground, within `candidacy_decision_days` and before CAL-08 / CAL-10), re-runs the checks
//! that could not check ([`run_checks`]), cancels a registration ([`cancel_registration`])
//! and sets the order of a city ballot ([`set_ballot_order`]). Filers never decide: no role
//! holds both powers. The public reads candidates ([`public_candidates`]), their history
//! ([`history`]), photos and programs ([`public_document`]) and the ballots ([`ballots`]),
//! never a PIN, an address or a personal document.
//!
//! Personal data is never typed: a candidate is a PIN, identified by the civil registry's
//! answer ([`identify`]). On filing, the registry checks (CAN-08) run through the ports of
//! [`registries`] with bounded concurrency ([`CheckRunner`]); each ends pass, fail (naming the
//! rule) or could not check (a registry down or slow: never a verdict), with its evidence,
//! and the system's own (CAN-05, CAN-06, CAN-07) beside them. Every step asks the calendar and
//! writes its audit entry in the same transaction as the change.
//!
//! The folder follows the capability template (claims): `model.rs` the types and
//! [`CandidacyError`], `transitions.rs` the steps on stored facts around the domain's state
//! machine, `port.rs` [`CandidateStore`], `runner.rs` the registry calls, `registries.rs` the
//! five registry ports; this file the use cases.

mod model;
mod port;
pub mod registries;
mod runner;
pub mod transitions;

pub use model::{
    Candidacy, CandidacyError, CandidateDetails, CandidateFilter, Change, CheckRun, Decision,
    Document, DocumentInfo, DocumentKind, DraftEdit, HistoryEntry, MAX_DOCUMENT_BYTES,
    MAX_NOTE_CHARS, MAX_OCCUPATION_CHARS, MAX_PROGRAM_CHARS, NominationFilter, NominationId,
    NominationRecord, Occupation, ProgramText, PublicCandidate, PublicStatus, RuleSet, Stage,
    StoredCheck, candidate_id,
};
pub use port::CandidateStore;
pub use registries::{
    CandidateRegistries, CitizenshipRegistry, CivilRegistry, CriminalRecordRegistry,
    EducationRegistry, PartyMembershipRegistry, RegistryError, RegistryResult, into_reply,
};
pub use runner::{Asked, CheckRunner, DEFAULT_CONCURRENCY};

use crate::accounts::hash_password;
use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, NominationListing, Power, Target};
use crate::districts::{DistrictSchemeStore, SchemeStatus};
use crate::params::RuleParameterStore;
use crate::setup::{self, CommissionFilter, SetupStore};
use crate::store::{Page, StoreError};
use crate::users::{Actor, NewUser, Role, User, Username};
use jiff::Timestamp;
use shailoo_domain::calendar::Action;
use shailoo_domain::candidate::ballot::{Ballot, BallotSource, city_ballot, district_ballots};
use shailoo_domain::candidate::checks::{CheckContext, check_entry, check_list_composition};
use shailoo_domain::candidate::nomination::{
    Cancellation, Entry, Nomination, NominationKind, SubmissionContent, WithdrawnBy,
};
use shailoo_domain::candidate::registry::CandidateIdentity;
use shailoo_domain::candidate::transitions::decision_due as domain_decision_due;
use shailoo_domain::candidate::{CandidateId, Nominator, Party, PartyId};
use shailoo_domain::territory::{CommissionLevel, CouncilKind};
use shailoo_domain::{CouncilId, ElectionId, NominationReference, Pin, TerritoryId};
use std::collections::HashSet;

// --- parties and representatives ---

/// Registers a party ([`Power::ManageParties`]: the CEC).
pub async fn add_party<S: CandidateStore + ?Sized>(
    store: &S,
    actor: &Actor,
    party: Party,
    now: Timestamp,
) -> Result<Party, CandidacyError> {
    authz::authorize(actor, Power::ManageParties, Target::Nationwide)
        .map_err(|_| CandidacyError::Forbidden)?;
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::PartyAdded,
        party.id.as_str(),
        now,
    )
    .after(&party);
    store.add_party(&party, event).await?;
    Ok(party)
}

/// A representative's account as the CEC asks for it: the password in clear, hashed here.
#[derive(Debug, Clone)]
pub struct NewRepresentative {
    pub username: Username,
    pub display_name: String,
    pub party: PartyId,
    pub password: String,
}

/// Accredits a party's authorised representative ([`Power::AddPartyRepresentative`]: the
/// CEC): an account of role [`Role::PartyRepresentative`] belonging to the CEC's commission
/// and scoped to the party. The audit entry records who, for which party: never the password
/// or its hash.
pub async fn add_representative<S: SetupStore + CandidateStore + ?Sized>(
    store: &S,
    actor: &Actor,
    account: NewRepresentative,
    now: Timestamp,
) -> Result<User, CandidacyError> {
    authz::authorize(actor, Power::AddPartyRepresentative, Target::Nationwide)
        .map_err(|_| CandidacyError::Forbidden)?;
    let cec = match actor {
        Actor::User { commission, .. } => commission.clone(),
        _ => store
            .commissions(&CommissionFilter {
                level: Some(CommissionLevel::Cec),
                ..CommissionFilter::default()
            })
            .await?
            .items
            .into_iter()
            .next()
            .map(|c| c.id)
            .ok_or_else(|| StoreError::unknown(crate::store::Entity::Commission, "the CEC"))?,
    };
    if store.party(&account.party).await?.is_none() {
        return Err(CandidacyError::UnknownParty(account.party));
    }
    let user = NewUser {
        password_hash: hash_password(&account.password)?,
        username: account.username,
        display_name: account.display_name,
        role: Role::PartyRepresentative,
        commission: cec,
    };
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::PartyRepresentativeAdded,
        user.username.as_str(),
        now,
    )
    .after(&(user.username.as_str(), account.party.as_str()));
    store
        .add_representative(&user, &account.party, event)
        .await?;
    Ok(User {
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        commission: user.commission,
        party: Some(account.party),
        password_hash: user.password_hash,
        created_at: now,
    })
}

// --- who may act on a nomination ---

/// The election's rules in force: its calendar with the CEC's overrides and its rule
/// parameters.
pub async fn rules<S: SetupStore + RuleParameterStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<RuleSet, CandidacyError> {
    Ok(RuleSet {
        calendar: setup::calendar(store, election).await?,
        params: crate::params::parameters(store, election).await?,
    })
}

/// Refuses unless `actor` may use `power` on a nomination of `kind` for `council`: staff over
/// the council's TEC, a representative for their own party; a voter only on their own
/// self-nomination (or, withdrawing, their own candidacy), which `own` says.
async fn authorize<S: SetupStore + ?Sized>(
    store: &S,
    actor: &Actor,
    power: Power,
    council: &CouncilId,
    kind: &NominationKind,
    own: bool,
) -> Result<(), CandidacyError> {
    let allowed = match actor {
        Actor::Voter { .. } => {
            own && matches!(
                power,
                Power::FileNomination | Power::WithdrawNomination | Power::ViewNominations
            )
        }
        Actor::User { .. } => {
            let chain = setup::council_chain(store, council).await?;
            authz::allowed(
                actor,
                power,
                Target::Nomination {
                    chain: &chain,
                    party: kind.party(),
                },
            )
        }
        _ => authz::allowed(
            actor,
            power,
            Target::Nomination {
                chain: &[],
                party: kind.party(),
            },
        ),
    };
    if allowed {
        Ok(())
    } else {
        Err(CandidacyError::Forbidden)
    }
}

/// Whether the voter `pin` is the candidate of this nomination: their own self-nomination, or
/// (for withdrawing themself) their own district candidacy.
fn voters_own(record: &NominationRecord, pin: &Pin, self_nominated_only: bool) -> bool {
    let n = &record.nomination;
    let is_self = matches!(
        n.kind,
        NominationKind::District {
            nominator: Nominator::SelfNominated,
            ..
        }
    );
    let district = matches!(n.kind, NominationKind::District { .. });
    (is_self || (district && !self_nominated_only)) && n.entries.iter().any(|e| e.pin() == *pin)
}

async fn load<S: CandidateStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    id: NominationId,
) -> Result<NominationRecord, CandidacyError> {
    store
        .nomination(election, id)
        .await?
        .ok_or(CandidacyError::UnknownNomination(id))
}

/// Loads a nomination for `actor` using `power` on it.
async fn load_for<S: SetupStore + CandidateStore + ?Sized>(
    store: &S,
    actor: &Actor,
    power: Power,
    election: &ElectionId,
    id: NominationId,
) -> Result<NominationRecord, CandidacyError> {
    let record = load(store, election, id).await?;
    let own = match actor {
        Actor::Voter { pin } => voters_own(&record, pin, power != Power::WithdrawNomination),
        _ => false,
    };
    authorize(
        store,
        actor,
        power,
        &record.nomination.council,
        &record.nomination.kind,
        own,
    )
    .await?;
    Ok(record)
}

fn subject(election: &ElectionId, id: NominationId) -> String {
    format!("{election}/nominations/{id}")
}

// --- filing ---

/// The civil registry's identity of `pin` (CAN-08: a candidate is a PIN; name, sex, birth
/// date and residence come from the registry, never from the filer).
pub async fn identify(
    registries: &CandidateRegistries,
    pin: Pin,
) -> Result<CandidateIdentity, CandidacyError> {
    let answer = registries.civil.person(&pin).await?;
    Ok(CandidateIdentity::from_answer(pin, answer)?)
}

/// Whether a settlement lies in the territory of `council`.
async fn in_territory<S: SetupStore + ?Sized>(
    store: &S,
    settlement: &TerritoryId,
    territory: &TerritoryId,
) -> Result<bool, StoreError> {
    Ok(store
        .territory_chain(settlement)
        .await?
        .iter()
        .any(|t| &t.id == territory))
}

/// Opens a nomination as a draft (until CAL-07 / CAL-09 18:00): a party's list for a city
/// council or a party's nominee in an aiyl district, by its representative
/// ([`Power::FileNomination`]); a self-nomination in an aiyl district, by the voter in the
/// cabinet for themself only, in the council of their registered residence. `first` is the
/// first candidate (a district nomination's only one; a self-nominee's own PIN).
#[allow(
    clippy::too_many_arguments,
    reason = "who, where, for which contest, whom, when"
)]
pub async fn open_nomination<S>(
    store: &S,
    registries: &CandidateRegistries,
    actor: &Actor,
    election: &ElectionId,
    council: &CouncilId,
    kind: NominationKind,
    first: Option<(Pin, CandidateDetails)>,
    now: Timestamp,
) -> Result<NominationRecord, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    open(
        store, registries, actor, election, council, kind, None, first, now,
    )
    .await
}

/// [`open_nomination`] of a nomination loaded from files (`shailoo load`), which keeps the
/// files' id as its `reference`: its candidates are `{reference}-{k}`, the ids the files'
/// protocols name them by.
#[allow(
    clippy::too_many_arguments,
    reason = "who, where, for which contest, as which reference, whom, when"
)]
pub async fn open_loaded_nomination<S>(
    store: &S,
    registries: &CandidateRegistries,
    actor: &Actor,
    election: &ElectionId,
    council: &CouncilId,
    kind: NominationKind,
    reference: &NominationReference,
    first: Option<(Pin, CandidateDetails)>,
    now: Timestamp,
) -> Result<NominationRecord, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    let reference = Some(reference);
    open(
        store, registries, actor, election, council, kind, reference, first, now,
    )
    .await
}

#[allow(clippy::too_many_arguments, reason = "the arguments of both openers")]
async fn open<S>(
    store: &S,
    registries: &CandidateRegistries,
    actor: &Actor,
    election: &ElectionId,
    council: &CouncilId,
    kind: NominationKind,
    reference: Option<&NominationReference>,
    first: Option<(Pin, CandidateDetails)>,
    now: Timestamp,
) -> Result<NominationRecord, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    let own = match actor {
        Actor::Voter { pin } => {
            if !matches!(
                kind,
                NominationKind::District {
                    nominator: Nominator::SelfNominated,
                    ..
                }
            ) {
                return Err(CandidacyError::Forbidden);
            }
            if first.as_ref().map(|(p, _)| p) != Some(pin) {
                return Err(CandidacyError::NotTheVoter);
            }
            true
        }
        _ => false,
    };
    authorize(store, actor, Power::FileNomination, council, &kind, own).await?;
    let rules = rules(store, election).await?;
    rules.calendar.check(kind.nominate_action(), now)?;
    let first = match first {
        Some((pin, details)) => Some((identify(registries, pin).await?, details)),
        None => None,
    };
    if let (Actor::Voter { .. }, Some((identity, _))) = (actor, &first) {
        let found = store
            .council(council)
            .await?
            .ok_or_else(|| CandidacyError::UnknownCouncil(council.clone()))?;
        // A self-nominee chooses the council: it must be their own community's (CAN-01).
        let home = identity.record().residence.as_ref().map(|r| &r.settlement);
        let inside = match home {
            Some(s) => in_territory(store, s, &found.territory).await?,
            None => false,
        };
        if !inside {
            return Err(CandidacyError::NotOwnCommunity);
        }
    }
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::NominationOpened,
        election.as_str(),
        now,
    );
    store
        .open_nomination(
            election,
            council,
            &kind,
            reference,
            first.as_ref().map(|(i, d)| (i, d)),
            &rules,
            event,
        )
        .await
}

/// Runs `change` on nomination `id` for `actor` holding `power` on it.
async fn change<S>(
    store: &S,
    actor: &Actor,
    power: Power,
    election: &ElectionId,
    id: NominationId,
    change: Change,
    now: Timestamp,
) -> Result<(NominationRecord, bool), CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    load_for(store, actor, power, election, id).await?;
    authorized_change(store, actor, election, id, change, now).await
}

/// Runs `change` on nomination `id` for `actor`, who was authorized for it.
async fn authorized_change<S>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
    change: Change,
    now: Timestamp,
) -> Result<(NominationRecord, bool), CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    let rules = rules(store, election).await?;
    let event = AuditEvent::new(
        actor.audit_name(),
        change.audit_action(),
        subject(election, id),
        now,
    );
    store
        .change_nomination(election, id, &change, &rules, event)
        .await
}

/// Adds a candidate by PIN at the end of a draft list (CAN-01 age, CAN-05 and CAN-06 length
/// at the door), identified by the civil registry.
#[allow(clippy::too_many_arguments, reason = "who, where, whom, what, when")]
pub async fn add_candidate<S>(
    store: &S,
    registries: &CandidateRegistries,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
    pin: Pin,
    details: CandidateDetails,
    now: Timestamp,
) -> Result<NominationRecord, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    if let Actor::Voter { pin: own } = actor
        && *own != pin
    {
        return Err(CandidacyError::NotTheVoter);
    }
    // Who may file is asked before the registry is: a stranger learns nothing of a PIN.
    load_for(store, actor, Power::FileNomination, election, id).await?;
    let identity = identify(registries, pin).await?;
    let edit = Change::Edit(DraftEdit::Add { identity, details });
    Ok(authorized_change(store, actor, election, id, edit, now)
        .await?
        .0)
}

/// Takes a candidate off a draft.
pub async fn remove_candidate<S>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
    candidate: CandidateId,
    now: Timestamp,
) -> Result<NominationRecord, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    let edit = Change::Edit(DraftEdit::Remove { candidate });
    Ok(
        change(store, actor, Power::FileNomination, election, id, edit, now)
            .await?
            .0,
    )
}

/// Puts a draft list in a new order (every candidate id once).
pub async fn reorder<S>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
    order: Vec<CandidateId>,
    now: Timestamp,
) -> Result<NominationRecord, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    let edit = Change::Edit(DraftEdit::Reorder { order });
    Ok(
        change(store, actor, Power::FileNomination, election, id, edit, now)
            .await?
            .0,
    )
}

/// Sets a candidate's public details (occupation, program) on a draft.
pub async fn set_details<S>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
    candidate: CandidateId,
    details: CandidateDetails,
    now: Timestamp,
) -> Result<NominationRecord, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    let edit = Change::Edit(DraftEdit::Details { candidate, details });
    Ok(
        change(store, actor, Power::FileNomination, election, id, edit, now)
            .await?
            .0,
    )
}

/// Attaches a document (PDF/JPEG/PNG as its kind allows, at most 5 MB) to a draft or
/// submitted nomination or one of its candidates, while its nomination window is open.
pub async fn attach_document<S>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
    candidate: Option<CandidateId>,
    document: Document,
    now: Timestamp,
) -> Result<DocumentInfo, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    let record = load_for(store, actor, Power::FileNomination, election, id).await?;
    setup::calendar(store, election)
        .await?
        .check(record.nomination.kind.nominate_action(), now)?;
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::NominationDocumentAttached,
        subject(election, id),
        now,
    );
    store
        .attach_document(election, id, candidate.as_ref(), &document, event)
        .await
}

/// What a submission did.
#[derive(Debug)]
pub struct Filed {
    /// The nomination, with the results of the checks run on filing.
    pub record: NominationRecord,
    /// The same content was already filed: nothing changed (a double submit).
    pub repeated: bool,
    /// The checks could not be recorded (the database failed after filing): the submission
    /// stands, and [`run_checks`] runs them.
    pub checks_failed: Option<CandidacyError>,
}

/// Submits a draft whose content is still `seen` (until CAL-07 / CAL-09 18:00; CAN-05 across
/// the election, CAN-06 composition), then runs its checks (CAN-08). Submitting the same
/// content again is answered with the stored nomination and changes nothing.
pub async fn submit<S>(
    store: &S,
    runner: &CheckRunner,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
    seen: SubmissionContent,
    now: Timestamp,
) -> Result<Filed, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    let (record, changed) = change(
        store,
        actor,
        Power::FileNomination,
        election,
        id,
        Change::Submit { seen },
        now,
    )
    .await?;
    if !changed {
        return Ok(Filed {
            record,
            repeated: true,
            checks_failed: None,
        });
    }
    let everyone = record
        .nomination
        .standing()
        .map(|(_, e)| e.candidate.clone())
        .collect();
    Ok(checked(store, runner, actor, record, everyone, now).await)
}

/// Replaces a candidate of a submitted list (until CAL-07), in the same position, and checks
/// the new candidate; CAN-09's ten days run again from the replacement.
#[allow(
    clippy::too_many_arguments,
    reason = "who, where, whom, by whom, what, when"
)]
pub async fn replace_candidate<S>(
    store: &S,
    runner: &CheckRunner,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
    old: CandidateId,
    pin: Pin,
    details: CandidateDetails,
    now: Timestamp,
) -> Result<Filed, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    load_for(store, actor, Power::FileNomination, election, id).await?;
    let identity = identify(runner.registries(), pin).await?;
    let replace = Change::Replace {
        old,
        identity,
        details,
    };
    let (record, _) = authorized_change(store, actor, election, id, replace, now).await?;
    let new = record.unchecked();
    Ok(checked(store, runner, actor, record, new, now).await)
}

/// Withdraws a nomination (`candidate: None`) or one candidate of a list: by the nominator
/// ([`Power::WithdrawNomination`], or a self-nominee in the cabinet), or a district's candidate
/// themself; until `withdrawal_days_before_voting` days before voting.
pub async fn withdraw<S>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
    candidate: Option<CandidateId>,
    now: Timestamp,
) -> Result<NominationRecord, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    let record = load_for(store, actor, Power::WithdrawNomination, election, id).await?;
    let by = match (actor, &record.nomination.kind) {
        (
            Actor::Voter { .. },
            NominationKind::District {
                nominator: Nominator::Party(_),
                ..
            },
        ) => WithdrawnBy::Candidate,
        _ => WithdrawnBy::Nominator,
    };
    let withdrawal = Change::Withdraw { candidate, by };
    Ok(change(
        store,
        actor,
        Power::WithdrawNomination,
        election,
        id,
        withdrawal,
        now,
    )
    .await?
    .0)
}

// --- the TEC ---

/// Registers or refuses a submitted nomination (CAN-09; [`Power::DecideNomination`], the
/// council's TEC), within `candidacy_decision_days` of the latest filing and before CAL-08 /
/// CAL-10. Registration needs every check of every remaining candidate passed; a refusal (or
/// an exclusion from a list) on a ground the registries answer needs a failed check showing it.
pub async fn decide<S>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
    decision: Decision,
    now: Timestamp,
) -> Result<NominationRecord, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    Ok(change(
        store,
        actor,
        Power::DecideNomination,
        election,
        id,
        Change::Decide(decision),
        now,
    )
    .await?
    .0)
}

/// Cancels a registration (`candidate: None`) or one registered candidate of a list, with its
/// reason and a note naming the decision (CAN-09; [`Power::CancelRegistration`]), until voting
/// closes.
pub async fn cancel_registration<S>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
    candidate: Option<CandidateId>,
    cancellation: Cancellation,
    now: Timestamp,
) -> Result<NominationRecord, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    let cancel = Change::Cancel {
        candidate,
        cancellation,
    };
    Ok(change(
        store,
        actor,
        Power::CancelRegistration,
        election,
        id,
        cancel,
        now,
    )
    .await?
    .0)
}

/// Runs the registry checks again for the candidates of a submitted nomination whose latest
/// results could not check, or who have none ([`Power::RecheckNomination`], the TEC): all
/// their registries are asked anew, and the new run supersedes their earlier results. Within
/// the registration window of the nomination.
pub async fn run_checks<S>(
    store: &S,
    runner: &CheckRunner,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
    now: Timestamp,
) -> Result<NominationRecord, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    let record = load_for(store, actor, Power::RecheckNomination, election, id).await?;
    setup::calendar(store, election)
        .await?
        .check(record.nomination.kind.register_action(), now)?;
    let unchecked = record.unchecked();
    check(store, runner, actor, &record, unchecked, now).await
}

/// A filed `record` with the checks of `candidates` run on it; a failure to run them leaves
/// the filing standing.
async fn checked<S>(
    store: &S,
    runner: &CheckRunner,
    actor: &Actor,
    record: NominationRecord,
    candidates: Vec<CandidateId>,
    now: Timestamp,
) -> Filed
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    match check(store, runner, actor, &record, candidates, now).await {
        Ok(record) => Filed {
            record,
            repeated: false,
            checks_failed: None,
        },
        Err(e) => Filed {
            record,
            repeated: false,
            checks_failed: Some(e),
        },
    }
}

/// The registered party that nominates `n`, if a party does.
async fn nominating_party<S: CandidateStore + ?Sized>(
    store: &S,
    n: &Nomination,
) -> Result<Option<Party>, CandidacyError> {
    match n.kind.party() {
        Some(p) => Ok(Some(
            store
                .party(p)
                .await?
                .ok_or_else(|| CandidacyError::UnknownParty(p.clone()))?,
        )),
        None => Ok(None),
    }
}

/// CAN-01 community: which of the candidates' settlements lie in the council's `territory`.
async fn settlements_inside<S: SetupStore + ?Sized>(
    store: &S,
    entries: &[&Entry],
    territory: &TerritoryId,
) -> Result<HashSet<TerritoryId>, CandidacyError> {
    let mut inside = HashSet::new();
    for e in entries {
        if let Some(r) = &e.identity.record().residence
            && !inside.contains(&r.settlement)
            && in_territory(store, &r.settlement, territory).await?
        {
            inside.insert(r.settlement.clone());
        }
    }
    Ok(inside)
}

/// CAN-05: which of the candidates' PINs hold a live candidacy in another nomination.
async fn standing_elsewhere<S: CandidateStore + ?Sized>(
    store: &S,
    record: &NominationRecord,
    entries: &[&Entry],
) -> Result<HashSet<Pin>, CandidacyError> {
    let pins: Vec<Pin> = entries.iter().map(|e| e.pin()).collect();
    Ok(store
        .candidacies(&record.nomination.election, &pins)
        .await?
        .into_iter()
        .filter(|c| c.nomination != record.id)
        .map(|c| c.pin)
        .collect())
}

/// Checks `candidates` of a submitted `record` (CAN-08) and records the run.
async fn check<S>(
    store: &S,
    runner: &CheckRunner,
    actor: &Actor,
    record: &NominationRecord,
    candidates: Vec<CandidateId>,
    now: Timestamp,
) -> Result<NominationRecord, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    let n = &record.nomination;
    let rules = rules(store, &n.election).await?;
    let council = store
        .council(&n.council)
        .await?
        .ok_or_else(|| CandidacyError::UnknownCouncil(n.council.clone()))?;
    let party = nominating_party(store, n).await?;
    let entries: Vec<&Entry> = n
        .standing()
        .map(|(_, e)| e)
        .filter(|e| candidates.contains(&e.candidate))
        .collect();
    let inside = settlements_inside(store, &entries, &council.territory).await?;
    let elsewhere = standing_elsewhere(store, record, &entries).await?;
    let asked: Vec<Asked> = entries
        .iter()
        .map(|e| Asked {
            candidate: e.candidate.clone(),
            pin: e.pin(),
            party_nominee: party.is_some(),
        })
        .collect();
    let answers = runner.answers(&asked, now).await;
    // The context borrows closures that are not `Sync`: it lives in this block, between two
    // awaits, so that the use case's future stays `Send`.
    let run = {
        let in_council_territory = |t: &TerritoryId| inside.contains(t);
        let candidacy_elsewhere = |p: &Pin| elsewhere.contains(p);
        let ctx = CheckContext {
            rules: rules.rules(council.seats),
            party: party.as_ref(),
            in_council_territory: &in_council_territory,
            candidacy_elsewhere: &candidacy_elsewhere,
        };
        let reports = entries
            .iter()
            .zip(&answers)
            .map(|(e, a)| check_entry(n, e, a, &ctx))
            .collect::<Result<Vec<_>, _>>()?;
        CheckRun {
            entries: reports,
            list: check_list_composition(n, &ctx.rules),
            checked_at: now,
        }
    };
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::NominationChecksRecorded,
        subject(&n.election, record.id),
        now,
    );
    store
        .record_checks(&n.election, record.id, n.version, &run, event)
        .await
}

/// CAN-09: when the TEC must have decided on a nomination (the end of the
/// `candidacy_decision_days`-th day after the latest filing, never after CAL-08 / CAL-10);
/// `None` before it is filed.
pub fn decision_due(record: &NominationRecord, rules: &RuleSet) -> Option<Timestamp> {
    // The seats play no part in the time limits.
    let seats = shailoo_domain::SeatCount::new(1).ok()?;
    domain_decision_due(&record.nomination, &rules.rules(seats))
}

// --- reading ---

/// One nomination, for whoever may see it beyond the public: the council's TEC and the CEC,
/// the party's representatives, the self-nominee ([`Power::ViewNominations`]).
pub async fn nomination<S: SetupStore + CandidateStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
) -> Result<NominationRecord, CandidacyError> {
    load_for(store, actor, Power::ViewNominations, election, id).await
}

/// The nominations `actor` may see, newest first, at most 500: the TEC's queue (with
/// `stage: Submitted`), a party's nominations for its representative.
pub async fn nominations<S: CandidateStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    filter: &NominationFilter,
) -> Result<Vec<NominationRecord>, CandidacyError> {
    let mut filter = filter.clone();
    match authz::nomination_listing(actor, Power::ViewNominations)
        .map_err(|_| CandidacyError::Forbidden)?
    {
        NominationListing::All => {}
        NominationListing::Below(c) => filter.within = Some(c),
        NominationListing::Party(p) => {
            if filter.party.as_ref().is_some_and(|f| f != &p) {
                return Ok(Vec::new());
            }
            filter.party = Some(p);
        }
    }
    Ok(store.nominations(election, &filter).await?)
}

/// The self-nominations of the voter signed in to the cabinet in `council` (drafts too),
/// newest first: what their cabinet shows and lets them continue.
pub async fn own_nominations<S: CandidateStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    council: &CouncilId,
) -> Result<Vec<NominationRecord>, CandidacyError> {
    let Actor::Voter { pin } = actor else {
        return Err(CandidacyError::Forbidden);
    };
    let mut own: Vec<NominationRecord> = store
        .council_nominations(election, council, false)
        .await?
        .into_iter()
        .filter(|r| voters_own(r, pin, true))
        .collect();
    own.sort_by_key(|r| std::cmp::Reverse(r.id.get()));
    Ok(own)
}

/// A nomination's documents, for whoever may see the nomination.
pub async fn documents<S: SetupStore + CandidateStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
) -> Result<Vec<DocumentInfo>, CandidacyError> {
    load_for(store, actor, Power::ViewNominations, election, id).await?;
    Ok(store.documents(election, id).await?)
}

/// One document of a nomination, for whoever may see the nomination.
pub async fn document<S: SetupStore + CandidateStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: NominationId,
    digest: &str,
) -> Result<(DocumentInfo, Document), CandidacyError> {
    load_for(store, actor, Power::ViewNominations, election, id).await?;
    store
        .document(election, id, digest)
        .await?
        .ok_or(CandidacyError::UnknownNomination(id))
}

/// A public document (a photo or a program) of a filed nomination, for anyone; `None` for
/// anything else, so a personal document never leaks through this door.
pub async fn public_document<S: CandidateStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    id: NominationId,
    digest: &str,
) -> Result<Option<(DocumentInfo, Document)>, CandidacyError> {
    let Some(record) = store.nomination(election, id).await? else {
        return Ok(None);
    };
    if Stage::of(&record.nomination.status) == Stage::Draft {
        return Ok(None);
    }
    Ok(store
        .document(election, id, digest)
        .await?
        .filter(|(info, _)| info.kind.is_public()))
}

/// The public documents of a filed nomination (photos and programs).
pub async fn public_documents<S: CandidateStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    id: NominationId,
) -> Result<Vec<DocumentInfo>, CandidacyError> {
    match store.nomination(election, id).await? {
        Some(r) if Stage::of(&r.nomination.status) != Stage::Draft => Ok(store
            .documents(election, id)
            .await?
            .into_iter()
            .filter(|d| d.kind.is_public())
            .collect()),
        _ => Ok(Vec::new()),
    }
}

/// A filed nomination's status history, oldest first: public (a draft has none).
pub async fn history<S: CandidateStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    id: NominationId,
) -> Result<Vec<HistoryEntry>, CandidacyError> {
    Ok(store.history(election, id).await?)
}

/// The candidates the public may see (Talapker and `/api/v1/elections/{election}/candidates`).
pub async fn public_candidates<S: CandidateStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    filter: &CandidateFilter,
) -> Result<Page<PublicCandidate>, CandidacyError> {
    Ok(store.public_candidates(election, filter).await?)
}

// --- ballots ---

/// Sets the order of the parties on a city council's ballot (RES-02: the TEC's drawing of
/// lots; [`Power::SetBallotOrder`]), from the close of city registration until voting opens.
/// The order must name each party with a registered list once.
pub async fn set_ballot_order<S>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    council: &CouncilId,
    order: Vec<PartyId>,
    now: Timestamp,
) -> Result<Vec<PartyId>, CandidacyError>
where
    S: SetupStore + RuleParameterStore + CandidateStore + ?Sized,
{
    let found = store
        .council(council)
        .await?
        .ok_or_else(|| CandidacyError::UnknownCouncil(council.clone()))?;
    let chain = setup::council_chain(store, council).await?;
    authz::authorize(actor, Power::SetBallotOrder, Target::Within(&chain))
        .map_err(|_| CandidacyError::Forbidden)?;
    let calendar = setup::calendar(store, election).await?;
    calendar.check(Action::SetBallotOrder, now)?;
    // The order is checked against the registered lists as the ballot is fixed from them.
    let registered: Vec<_> = store
        .council_nominations(election, council, true)
        .await?
        .into_iter()
        .map(|r| r.nomination)
        .collect();
    let parties = store.parties().await?;
    let source = BallotSource {
        election,
        council: &found,
        nominations: &registered,
        parties: &parties,
        calendar: &calendar,
    };
    city_ballot(&source, &order, now)?;
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::BallotOrderSet,
        format!("{election}/ballots/{council}"),
        now,
    )
    .after(&order);
    store
        .set_ballot_order(election, council, &order, event)
        .await?;
    Ok(order)
}

/// The ballots of a council, fixed from its registered nominations once registration closes
/// (RES-02): the city ballot in the order the TEC set, with "against all"; one ballot per
/// district of an aiyl council's approved scheme, in the order of `aiyl_ballot_order`.
pub async fn ballots<S>(
    store: &S,
    election: &ElectionId,
    council: &CouncilId,
    now: Timestamp,
) -> Result<Vec<Ballot>, CandidacyError>
where
    S: SetupStore + RuleParameterStore + DistrictSchemeStore + CandidateStore + ?Sized,
{
    let found = store
        .council(council)
        .await?
        .ok_or_else(|| CandidacyError::UnknownCouncil(council.clone()))?;
    let rules = rules(store, election).await?;
    let registered: Vec<_> = store
        .council_nominations(election, council, true)
        .await?
        .into_iter()
        .map(|r| r.nomination)
        .collect();
    let parties = store.parties().await?;
    let source = BallotSource {
        election,
        council: &found,
        nominations: &registered,
        parties: &parties,
        calendar: &rules.calendar,
    };
    Ok(match found.kind {
        CouncilKind::City => {
            let order = store
                .ballot_order(election, council)
                .await?
                .unwrap_or_default();
            vec![city_ballot(&source, &order, now)?]
        }
        CouncilKind::Aiyl => {
            let districts: Vec<_> = store
                .district_scheme(council, election)
                .await?
                .filter(|s| s.status == SchemeStatus::Approved)
                .map(|s| s.districts.into_iter().map(|d| d.id).collect())
                .unwrap_or_default();
            district_ballots(&source, &districts, &rules.params, now)?
        }
    })
}

#[cfg(test)]
#[allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
mod tests;
