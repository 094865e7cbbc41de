//! What the violation-report use cases need from a database: [`ViolationStore`], implemented
//! by `shailoo-store` in `src/violations.rs`. Its writers call the pure functions of
//! [`transitions`](super::transitions) inside their write transaction, on the facts read there.

use super::model::{
    Evidence, StatRow, ViolationDraft, ViolationError, ViolationFilter, ViolationId,
    ViolationReport,
};
use super::transitions::Change;
use crate::audit::AuditEvent;
use crate::store::StoreError;
use crate::users::Filer;
use async_trait::async_trait;
use shailoo_domain::ElectionId;

#[async_trait]
pub trait ViolationStore: Send + Sync {
    /// Takes a report in: under the write lock, returns the report already taken with the
    /// same `external_id` if there is one (a message delivered twice); else reads the
    /// [`FilingFacts`](super::transitions::FilingFacts), runs
    /// [`transitions::file`](super::transitions::file), stores the report, its evidence (once
    /// per digest) and the audit entry (subject `{election}/violations/{id}`).
    async fn file_violation(
        &self,
        election: &ElectionId,
        draft: &ViolationDraft,
        secret: u32,
        by: &Filer,
        event: AuditEvent,
    ) -> Result<ViolationReport, ViolationError>;

    /// Takes a step on report `id`: under the write lock, reads the report and the
    /// [`ChangeFacts`](super::transitions::ChangeFacts), runs
    /// [`transitions::apply`](super::transitions::apply) and writes the result with the audit
    /// entry, before and after.
    async fn change_violation(
        &self,
        election: &ElectionId,
        id: ViolationId,
        change: &Change,
        by: &Filer,
        event: AuditEvent,
    ) -> Result<ViolationReport, ViolationError>;

    /// A report by its number, in whichever election (the tracking code names no election).
    async fn violation(&self, id: ViolationId) -> Result<Option<ViolationReport>, StoreError>;

    /// Reports, newest first, at most 500.
    async fn violations(
        &self,
        election: &ElectionId,
        filter: &ViolationFilter,
    ) -> Result<Vec<ViolationReport>, StoreError>;

    /// Reports received per day, category and region.
    async fn violation_stats(&self, election: &ElectionId) -> Result<Vec<StatRow>, StoreError>;

    /// A report's photo or video, by its digest.
    async fn violation_evidence(&self, digest: &str) -> Result<Option<Evidence>, StoreError>;
}
