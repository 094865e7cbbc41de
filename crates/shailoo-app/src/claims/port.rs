//! What the claim use cases need from a database: [`ClaimStore`], implemented by
//! `shailoo-store` in `src/claims.rs`. Its writers call the pure checks and transitions of
//! [`transitions`](super::transitions) inside their write transaction, on the facts read there.

use super::model::{
    Amendment, Channel, Claim, ClaimDecision, ClaimDraft, ClaimError, ClaimFilter, ClaimId,
    ListCorrection, PassportCopy,
};
use crate::audit::AuditEvent;
use crate::store::StoreError;
use async_trait::async_trait;
use shailoo_domain::{ElectionId, Pin, StationNumber};

/// What this capability needs from a database.
#[async_trait]
pub trait ClaimStore: Send + Sync {
    /// Files a claim: under the write lock, reads the [`FilingFacts`] and runs
    /// [`transitions::file`] on them (the election exists, its lists are not frozen, the PIN is
    /// in the register, the station keeps a list of this election, an inclusion's voter is not
    /// listed there already, no open claim of this kind), then stores the claim and the copy
    /// with its digest. The audit entry's subject becomes `{election}/claims/{id}`.
    ///
    /// [`FilingFacts`]: super::transitions::FilingFacts
    /// [`transitions::file`]: super::transitions::file
    async fn file_claim(
        &self,
        election: &ElectionId,
        draft: &ClaimDraft,
        channel: Channel,
        copy: &PassportCopy,
        event: AuditEvent,
    ) -> Result<Claim, ClaimError>;

    /// Decides a filed claim: under the write lock, refuses once the lists are frozen, reads
    /// the claim ([`Filed::from_stored`]) and the [`VoterFacts`], takes [`Filed::decide`] and
    /// writes its outcome: the claim's status, the list change (an inclusion puts the voter on
    /// the station's list and off the ineligible rows; a correction stores the corrected data),
    /// one amendment row per changed field, and the audit entry, in one transaction.
    ///
    /// [`Filed::from_stored`]: super::transitions::Filed::from_stored
    /// [`Filed::decide`]: super::transitions::Filed::decide
    /// [`VoterFacts`]: super::transitions::VoterFacts
    async fn decide_claim(
        &self,
        election: &ElectionId,
        id: ClaimId,
        decision: &ClaimDecision,
        event: AuditEvent,
    ) -> Result<Claim, ClaimError>;

    async fn claim(&self, election: &ElectionId, id: ClaimId) -> Result<Option<Claim>, StoreError>;

    /// Claims, newest first, at most 500.
    async fn claims(
        &self,
        election: &ElectionId,
        filter: &ClaimFilter,
    ) -> Result<Vec<Claim>, StoreError>;

    /// The passport copy of a claim.
    async fn passport_copy(
        &self,
        election: &ElectionId,
        id: ClaimId,
    ) -> Result<Option<PassportCopy>, StoreError>;

    /// The amendment history of one voter, oldest first.
    async fn amendments(
        &self,
        election: &ElectionId,
        pin: &Pin,
    ) -> Result<Vec<Amendment>, StoreError>;

    /// The corrected data of one voter, if a correction was accepted.
    async fn correction_of(
        &self,
        election: &ElectionId,
        pin: &Pin,
    ) -> Result<Option<ListCorrection>, StoreError>;

    /// The corrected data of the voters listed at `station` (all stations when `None`), in
    /// PIN order: what the lists and printouts show over the register.
    async fn list_corrections(
        &self,
        election: &ElectionId,
        station: Option<StationNumber>,
    ) -> Result<Vec<ListCorrection>, StoreError>;
}
