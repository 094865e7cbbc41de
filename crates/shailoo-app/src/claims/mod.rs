//! Voter-list claims (VOT-08; тизмеге доо / заявление об уточнении списка избирателей): a voter
//! missing from the list or with wrong data claims, at the PEC (staff file it with a passport
//! copy) or online in the voter cabinet, until the end of CAL-11; the PEC accepts or rejects
//! with a reason; an accepted claim changes the list, and the change and its reason are kept.
//!
//! Two kinds of claim ([`ClaimRequest`]): an *inclusion* puts the voter on the list of the
//! station where the claim is filed, for that station's council (a voter missing from the lists,
//! or listed at the wrong station); a *correction* records corrected personal data, which the
//! lists and printouts show over the register's — the population register itself is never
//! edited (it belongs to the registry service, not to the commissions).
//!
//! This folder is the shape every capability with a workflow copies (candidates, results and
//! complaints will):
//! - `model.rs`: the types (the claim, its request and status, the decision, the error);
//! - `transitions.rs`: the state machine as pure functions over facts (Filed → Accepted /
//!   Rejected), drawn as a mermaid diagram, with tests named after the rule (VOT-08);
//! - `port.rs`: [`ClaimStore`], the sub-port `shailoo-store` implements in `src/claims.rs`:
//!   each writer opens its transaction, locks the audit head, reads the facts, calls the
//!   transition and writes its outcome with the audit entry;
//! - this file: the use cases, which check who acts (staff covering the station, or the voter
//!   in the cabinet for their own PIN) and the calendar, then call the port.
//!
//! Re-compiling the lists re-applies the accepted inclusions (the store does it inside the
//! compile's transaction), so a compile never undoes a PEC's decision.
//!
//! Who sees what: the commission of the claim's station (and those above it) decides; the
//! commission of the voter's home station (and those above it) sees the claim and what became
//! of it, read-only; nobody else sees it, nor the voter's claims made elsewhere.

mod model;
mod port;
pub mod transitions;

pub use model::{
    Amendment, Channel, Claim, ClaimDecision, ClaimDraft, ClaimError, ClaimFilter, ClaimId,
    ClaimKind, ClaimRequest, ClaimState, ClaimStatus, CopyFormat, CopyInfo, DataCorrection,
    Decided, Field, ListCorrection, MAX_COPY_BYTES, MAX_TEXT_CHARS, PassportCopy, Text,
};
pub use port::ClaimStore;

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::params::RuleParameterStore;
use crate::setup::{self, SetupStore};
use crate::store::StoreError;
use crate::users::Actor;
use crate::voters::{Placement, VoterListStore};
use jiff::Timestamp;
use shailoo_domain::calendar::{Action, Calendar, ClaimDecisionDue};
use shailoo_domain::params::RuleParameters;
use shailoo_domain::{CouncilId, ElectionId, Pin, StationNumber};

/// Refuses unless `actor` holds `power` over `station` ([`authz`]): its PEC, the TEC above it,
/// the CEC. An unknown station is covered by an `Anywhere` reach only.
async fn authorize_at<S: SetupStore + ?Sized>(
    store: &S,
    actor: &Actor,
    power: Power,
    station: StationNumber,
) -> Result<(), ClaimError> {
    let chain = setup::station_chain(store, station).await?;
    authz::authorize(actor, power, Target::Within(&chain)).map_err(|_| ClaimError::Forbidden)
}

/// The station a voter's claim goes to when the voter files it themself: the station of the
/// list they are on, or `None` when they are on no list (then the voter picks one).
pub async fn listed_station<S: VoterListStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    pin: &Pin,
) -> Result<Option<StationNumber>, ClaimError> {
    Ok(
        match store
            .voter_status(election, pin)
            .await?
            .map(|s| s.placement)
        {
            Some(Placement::OnList { station, .. }) => Some(station),
            _ => None,
        },
    )
}

/// The council whose list an inclusion at `station` puts the voter on.
pub async fn council_of_station<S: SetupStore + ?Sized>(
    store: &S,
    station: StationNumber,
) -> Result<Option<CouncilId>, StoreError> {
    Ok(store.station(station).await?.map(|s| s.council))
}

/// Files a claim at `now`, until the end of CAL-11: by staff whose commission covers the
/// station (at the PEC, on the voter's behalf), or by the voter themself in the cabinet, for
/// their own PIN only and at the station where they are listed (any station when unlisted).
pub async fn file<S: SetupStore + VoterListStore + ClaimStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    draft: ClaimDraft,
    copy: PassportCopy,
    now: Timestamp,
) -> Result<Claim, ClaimError> {
    match actor {
        Actor::Voter { pin } => {
            if *pin != draft.pin {
                return Err(ClaimError::Forbidden);
            }
            if let Some(listed) = listed_station(store, election, pin).await?
                && listed != draft.station
                && draft.request.kind() == ClaimKind::Correction
            {
                return Err(ClaimError::WrongStation { listed });
            }
        }
        _ => authorize_at(store, actor, Power::FileClaim, draft.station).await?,
    }
    setup::calendar(store, election)
        .await?
        .check(Action::FileVoterListClaim, now)?;
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::VoterListClaimFiled,
        election.as_str(),
        now,
    );
    store
        .file_claim(election, &draft, Channel::of(actor), &copy, event)
        .await
}

/// Decides claim `id` at `now`: staff whose commission covers the claim's station (its PEC, a
/// TEC above it, the CEC), until the lists are frozen — so that claims filed on the last day of
/// CAL-11 can still be decided.
pub async fn decide<S: SetupStore + ClaimStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ClaimId,
    decision: ClaimDecision,
    now: Timestamp,
) -> Result<Claim, ClaimError> {
    let found = store
        .claim(election, id)
        .await?
        .ok_or(ClaimError::UnknownClaim(id))?;
    authorize_at(store, actor, Power::DecideClaim, found.station).await?;
    if store.election(election).await?.is_none() {
        return Err(ClaimError::UnknownElection(election.clone()));
    }
    let event = AuditEvent::new(
        actor.audit_name(),
        decision.audit_action(),
        format!("{election}/claims/{id}"),
        now,
    );
    store.decide_claim(election, id, &decision, event).await
}

/// When the PEC must decide the claims of an election (CAL-19, *unsure*): the calendar with
/// the CEC's overrides and the rule parameters in force (`claim_decision_days`: 0 is the day of
/// filing; `claim_immediate_days_before_voting`: 1 is on V − 1 and V). The PEC's queue shows
/// each waiting claim's due time and the ones past it; a late decision is still taken (a
/// voter's claim is never dropped for the commission's delay), and the audit log dates it.
#[derive(Debug, Clone)]
pub struct DecisionDeadlines {
    calendar: Calendar,
    params: RuleParameters,
}

impl DecisionDeadlines {
    /// From an election's calendar and its parameters in force.
    pub fn new(calendar: Calendar, params: RuleParameters) -> Self {
        DecisionDeadlines { calendar, params }
    }

    /// When `claim` must be decided.
    pub fn due(&self, claim: &Claim) -> ClaimDecisionDue {
        self.calendar
            .claim_decision_due(claim.filed_at, &self.params)
    }

    /// Whether `claim` still waits for its decision after the time it was due by.
    pub fn is_overdue(&self, claim: &Claim, now: Timestamp) -> bool {
        claim.status == ClaimStatus::Filed
            && matches!(self.due(claim), ClaimDecisionDue::By(t) if now >= t)
    }
}

/// The decision deadlines of an election's claims (CAL-19), with its parameters in force.
pub async fn decision_deadlines<S: SetupStore + RuleParameterStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<DecisionDeadlines, ClaimError> {
    let calendar = setup::calendar(store, election).await?;
    let params = crate::params::parameters(store, election).await?;
    Ok(DecisionDeadlines::new(calendar, params))
}

/// The claims of one voter, newest first: what the voter cabinet shows (the caller has
/// authenticated the voter).
pub async fn claims_of_voter<S: ClaimStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    pin: &Pin,
) -> Result<Vec<Claim>, ClaimError> {
    let filter = ClaimFilter {
        pin: Some(*pin),
        ..ClaimFilter::default()
    };
    Ok(store.claims(election, &filter).await?)
}

/// Claims for staff, newest first: only those at stations the actor's commission covers.
pub async fn claims<S: ClaimStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    filter: &ClaimFilter,
) -> Result<Vec<Claim>, ClaimError> {
    let within =
        authz::listing_scope(actor, Power::ViewClaims).map_err(|_| ClaimError::Forbidden)?;
    let mut filter = filter.clone();
    if within.is_some() {
        filter.within = within;
    }
    Ok(store.claims(election, &filter).await?)
}

/// Whether `actor` holds `power` over the claim's station or over the voter's home station
/// (the home commission sees what happens to its voter).
async fn sees<S: SetupStore + ?Sized>(
    store: &S,
    actor: &Actor,
    power: Power,
    claim: &Claim,
) -> Result<bool, ClaimError> {
    for station in std::iter::once(claim.station).chain(claim.home_station) {
        let chain = setup::station_chain(store, station).await?;
        if authz::allowed(actor, power, Target::Within(&chain)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// One claim for staff whose commission covers its station or the voter's home station
/// ([`Power::ViewClaims`]).
pub async fn claim<S: SetupStore + ClaimStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ClaimId,
) -> Result<Claim, ClaimError> {
    let found = store
        .claim(election, id)
        .await?
        .ok_or(ClaimError::UnknownClaim(id))?;
    if !sees(store, actor, Power::ViewClaims, &found).await? {
        return Err(ClaimError::Forbidden);
    }
    Ok(found)
}

/// The passport copy of a claim, for staff whose commission covers the claim's station only
/// ([`Power::ViewPassportCopy`]).
pub async fn passport_copy<S: SetupStore + ClaimStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: ClaimId,
) -> Result<PassportCopy, ClaimError> {
    let found = store
        .claim(election, id)
        .await?
        .ok_or(ClaimError::UnknownClaim(id))?;
    authorize_at(store, actor, Power::ViewPassportCopy, found.station).await?;
    store
        .passport_copy(election, id)
        .await?
        .ok_or(ClaimError::UnknownClaim(id))
}

/// What staff see of one voter: where they stand, the claims and amendments their commission
/// may see, and the corrected data the lists show.
#[derive(Debug, Clone)]
pub struct VoterRecord {
    pub status: Option<crate::voters::VoterStatus>,
    /// Newest first: the claims at a station the actor covers or of which the actor covers the
    /// voter's home station; none made elsewhere.
    pub claims: Vec<Claim>,
    /// Oldest first: the amendments those claims made.
    pub amendments: Vec<Amendment>,
    pub correction: Option<ListCorrection>,
}

/// One voter for staff ([`Power::ViewAmendments`]): allowed when the actor covers the station
/// whose list holds the voter, or a claim of the voter (its station or the voter's home station
/// then); the claims and amendments shown are only those the actor covers.
pub async fn voter_record<S: SetupStore + VoterListStore + ClaimStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    pin: &Pin,
) -> Result<VoterRecord, ClaimError> {
    let mut claims = Vec::new();
    for c in claims_of_voter(store, election, pin).await? {
        if sees(store, actor, Power::ViewAmendments, &c).await? {
            claims.push(c);
        }
    }
    let status = store.voter_status(election, pin).await?;
    let covers_listing = match status.as_ref().and_then(|s| s.station()) {
        Some(s) => {
            let chain = setup::station_chain(store, s).await?;
            authz::allowed(actor, Power::ViewAmendments, Target::Within(&chain))
        }
        None => false,
    };
    if claims.is_empty() && !covers_listing {
        return Err(ClaimError::Forbidden);
    }
    let visible: std::collections::HashSet<ClaimId> = claims.iter().map(|c| c.id).collect();
    let amendments = store
        .amendments(election, pin)
        .await?
        .into_iter()
        .filter(|a| visible.contains(&a.claim))
        .collect();
    let correction = store
        .correction_of(election, pin)
        .await?
        .filter(|c| covers_listing || visible.contains(&c.claim));
    Ok(VoterRecord {
        status,
        claims,
        amendments,
        correction,
    })
}
