//! What the results use cases need from a database: [`ResultsStore`], implemented by
//! `shailoo-store` in `src/results.rs`. Its protocol writers run the pure step
//! [`apply`](super::model::apply) inside their write transaction, on the history read there:
//! one change per transaction ([`ResultsStore::change_protocol`], the pages), or a batch in one
//! transaction with one durable commit ([`ResultsStore::change_protocols`], the file import).

use super::model::{
    Change, ChangeFacts, Determination, PreliminaryCount, ProtocolChange, ProtocolKey,
    ProtocolRecord, ResultsError,
};
use super::scan::{AttachedScan, ProtocolScan};
use crate::audit::AuditEvent;
use crate::store::StoreError;
use async_trait::async_trait;
use shailoo_domain::protocol::Protocol;
use shailoo_domain::{CouncilId, ElectionId, StationNumber};

/// What this capability needs from a database.
#[async_trait]
pub trait ResultsStore: Send + Sync {
    /// Changes a protocol: under the write lock, reads its history (a new one when it was
    /// never entered), runs [`apply`](super::model::apply) as `by` with `facts`, and writes
    /// the new history and `event` (its after-digest the history written) in one transaction.
    /// A refused step writes nothing. An unknown election, council or station is
    /// `UnknownReference`.
    async fn change_protocol(
        &self,
        key: &ProtocolKey,
        change: &Change,
        by: &str,
        facts: &ChangeFacts,
        event: AuditEvent,
    ) -> Result<ProtocolRecord, ResultsError>;

    /// Group commit: each change as [`change_protocol`](Self::change_protocol) runs it, all in
    /// one transaction with one durable commit, each all-or-nothing within it (a savepoint): a
    /// refused change writes nothing and the others proceed. The outcomes come in the order of
    /// `changes`; a later change of the same protocol sees the earlier one. Nothing is
    /// committed until this returns `Ok`; an `Err` (the database failed) rolled the whole
    /// batch back, so none of it was accepted.
    async fn change_protocols(
        &self,
        changes: &[ProtocolChange],
    ) -> Result<Vec<Result<ProtocolRecord, ResultsError>>, StoreError>;

    async fn protocol(&self, key: &ProtocolKey) -> Result<Option<ProtocolRecord>, StoreError>;

    /// Every protocol of a council in the election, by station and contest.
    async fn council_protocols(
        &self,
        election: &ElectionId,
        council: &CouncilId,
    ) -> Result<Vec<ProtocolRecord>, StoreError>;

    /// The counted protocols (the latest accepted version of each) of one council, or of
    /// every council of the election (what a national re-tabulation reads, in one query), by
    /// council, station and contest.
    async fn counted_protocols(
        &self,
        election: &ElectionId,
        council: Option<&CouncilId>,
    ) -> Result<Vec<(CouncilId, Protocol)>, StoreError>;

    /// Records a council's determination, replacing an earlier one (a drawing of lots
    /// completes a `lots_required` one), with `event`.
    async fn record_determination(
        &self,
        council: &CouncilId,
        determination: &Determination,
        event: AuditEvent,
    ) -> Result<(), StoreError>;

    async fn determination(
        &self,
        election: &ElectionId,
        council: &CouncilId,
    ) -> Result<Option<Determination>, StoreError>;

    /// Keeps the preliminary counts of the ballot-counting boxes (RES-01), replacing those of
    /// the same station and contest, apart from the protocols; one audit entry for the file.
    async fn import_preliminary(
        &self,
        election: &ElectionId,
        counts: &[PreliminaryCount],
        event: AuditEvent,
    ) -> Result<u64, StoreError>;

    /// The preliminary counts of a council.
    async fn preliminary(
        &self,
        election: &ElectionId,
        council: &CouncilId,
    ) -> Result<Vec<PreliminaryCount>, StoreError>;

    // i15-scan-map: the scans of signed protocols.
    /// Attaches `scan` to the protocol's current version as `by`: under the write lock, reads
    /// the history and asks [`scan_version`](super::scan::scan_version) which version takes
    /// it, keeps the file once per digest, links it, and writes `event`, in one transaction.
    async fn attach_scan(
        &self,
        key: &ProtocolKey,
        scan: &ProtocolScan,
        by: &str,
        event: AuditEvent,
    ) -> Result<AttachedScan, ResultsError>;

    /// The scans attached to the protocols of one station of a council, every version, by
    /// contest, version and time of attachment.
    async fn station_scans(
        &self,
        election: &ElectionId,
        council: &CouncilId,
        station: StationNumber,
    ) -> Result<Vec<AttachedScan>, StoreError>;

    /// A scan's file by its digest, if it is attached to a counted (accepted) version of a
    /// protocol of the election: what the public may see.
    async fn counted_scan(
        &self,
        election: &ElectionId,
        digest: &str,
    ) -> Result<Option<ProtocolScan>, StoreError>;
}
