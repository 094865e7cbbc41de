//! What the candidacy use cases need from a database: [`CandidateStore`], implemented by
//! `shailoo-store` in `src/candidates.rs`. Its writers call the pure steps of
//! [`transitions`](super::transitions) inside their write transaction, on the facts read
//! there, and write the outcome with its status history and audit entry.

use super::model::{
    Candidacy, CandidacyError, CandidateDetails, CandidateFilter, Change, CheckRun, Document,
    DocumentInfo, HistoryEntry, NominationFilter, NominationId, NominationRecord, PublicCandidate,
    RuleSet,
};
use crate::audit::AuditEvent;
use crate::store::{Page, StoreError};
use crate::users::{NewUser, User};
use async_trait::async_trait;
use shailoo_domain::candidate::nomination::NominationKind;
use shailoo_domain::candidate::registry::CandidateIdentity;
use shailoo_domain::candidate::{CandidateId, Party, PartyId};
use shailoo_domain::{CouncilId, ElectionId, NominationReference, Pin};

/// What this capability needs from a database.
#[async_trait]
pub trait CandidateStore: Send + Sync {
    // --- parties and their representatives ---

    /// Registers a party; a taken id or registration number is `Duplicate` and changes nothing.
    async fn add_party(&self, party: &Party, event: AuditEvent) -> Result<(), StoreError>;

    /// The registered parties, by id.
    async fn parties(&self) -> Result<Vec<Party>, StoreError>;

    async fn party(&self, id: &PartyId) -> Result<Option<Party>, StoreError>;

    /// Adds the account of a party's representative (`user.role` is
    /// [`Role::PartyRepresentative`](crate::users::Role::PartyRepresentative)); an unknown
    /// party or commission is `UnknownReference`, a taken username `Duplicate`.
    async fn add_representative(
        &self,
        user: &NewUser,
        party: &PartyId,
        event: AuditEvent,
    ) -> Result<(), StoreError>;

    /// The representatives of a party, by username.
    async fn representatives(&self, party: &PartyId) -> Result<Vec<User>, StoreError>;

    // --- nominations ---

    /// Opens a draft: under the write lock, reads the
    /// [`OpeningFacts`](super::transitions::OpeningFacts) (and, with a first candidate, their
    /// live candidacies) and runs [`transitions::open`](super::transitions::open); stores it
    /// with the first candidate's details. The audit entry's subject becomes
    /// `{election}/nominations/{id}`. A nomination loaded from files keeps their
    /// `reference` (its candidates' ids are made of it); a second nomination with the same
    /// reference is a duplicate.
    #[allow(
        clippy::too_many_arguments,
        reason = "where, for which contest, whom, under which rules, with its audit entry"
    )]
    async fn open_nomination(
        &self,
        election: &ElectionId,
        council: &CouncilId,
        kind: &NominationKind,
        reference: Option<&NominationReference>,
        first: Option<(&CandidateIdentity, &CandidateDetails)>,
        rules: &RuleSet,
        event: AuditEvent,
    ) -> Result<NominationRecord, CandidacyError>;

    /// Changes a nomination: under the write lock, reads it, the council's seats and the
    /// [`ChangeFacts`](super::transitions::ChangeFacts), runs
    /// [`transitions::apply`](super::transitions::apply) and writes the outcome: the
    /// nomination and its candidates, their details, the live candidacies it holds (CAN-05:
    /// the primary key `(election, pin)` refuses a second one whatever writes), the status
    /// history and the audit entry. A repeated submission writes nothing and is answered with
    /// the stored nomination (`.1` is `false`).
    async fn change_nomination(
        &self,
        election: &ElectionId,
        id: NominationId,
        change: &Change,
        rules: &RuleSet,
        event: AuditEvent,
    ) -> Result<(NominationRecord, bool), CandidacyError>;

    /// Keeps a document (by its digest: a file filed twice is stored once) as a nomination's
    /// or a candidate's, replacing the one of the same kind there, after
    /// [`transitions::document_slot`](super::transitions::document_slot).
    async fn attach_document(
        &self,
        election: &ElectionId,
        id: NominationId,
        candidate: Option<&CandidateId>,
        document: &Document,
        event: AuditEvent,
    ) -> Result<DocumentInfo, CandidacyError>;

    /// Records a run of the checks of a submitted nomination whose version is still `version`
    /// (else [`CandidacyError::ChangedWhileChecked`], and nothing is kept), as run number one
    /// more than the last.
    async fn record_checks(
        &self,
        election: &ElectionId,
        id: NominationId,
        version: u32,
        run: &CheckRun,
        event: AuditEvent,
    ) -> Result<NominationRecord, CandidacyError>;

    /// Sets the order of the parties on a city council's ballot (RES-02: the commission's
    /// drawing of lots), replacing an earlier one.
    async fn set_ballot_order(
        &self,
        election: &ElectionId,
        council: &CouncilId,
        order: &[PartyId],
        event: AuditEvent,
    ) -> Result<(), CandidacyError>;

    async fn nomination(
        &self,
        election: &ElectionId,
        id: NominationId,
    ) -> Result<Option<NominationRecord>, StoreError>;

    /// Nominations, newest first, at most 500.
    async fn nominations(
        &self,
        election: &ElectionId,
        filter: &NominationFilter,
    ) -> Result<Vec<NominationRecord>, StoreError>;

    /// Every nomination of one council in the given stages (no cap): what ballots are fixed
    /// from.
    async fn council_nominations(
        &self,
        election: &ElectionId,
        council: &CouncilId,
        registered_only: bool,
    ) -> Result<Vec<NominationRecord>, StoreError>;

    /// The live candidacies of these persons in the election (CAN-05).
    async fn candidacies(
        &self,
        election: &ElectionId,
        pins: &[Pin],
    ) -> Result<Vec<Candidacy>, StoreError>;

    /// A nomination's documents, without their bytes.
    async fn documents(
        &self,
        election: &ElectionId,
        id: NominationId,
    ) -> Result<Vec<DocumentInfo>, StoreError>;

    /// A document of a nomination by its digest, checked against it.
    async fn document(
        &self,
        election: &ElectionId,
        id: NominationId,
        digest: &str,
    ) -> Result<Option<(DocumentInfo, Document)>, StoreError>;

    /// A nomination's status history, oldest first.
    async fn history(
        &self,
        election: &ElectionId,
        id: NominationId,
    ) -> Result<Vec<HistoryEntry>, StoreError>;

    /// Candidates the public may see (never a draft), by council, then party list and
    /// position or district and name.
    async fn public_candidates(
        &self,
        election: &ElectionId,
        filter: &CandidateFilter,
    ) -> Result<Page<PublicCandidate>, StoreError>;

    /// The order the commission set for a city ballot.
    async fn ballot_order(
        &self,
        election: &ElectionId,
        council: &CouncilId,
    ) -> Result<Option<Vec<PartyId>>, StoreError>;
}
