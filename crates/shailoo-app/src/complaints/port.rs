//! What the complaint use cases need from a database: [`ComplaintStore`], implemented by
//! `shailoo-store` in `src/complaints.rs`. Its writers call the pure functions of
//! [`transitions`](super::transitions) inside their write transaction, on the facts read there.

use super::model::{
    Channel, Complaint, ComplaintDraft, ComplaintError, ComplaintFilter, ComplaintId, Document,
    Filer,
};
use super::transitions::{Change, Clocks};
use crate::audit::AuditEvent;
use crate::store::StoreError;
use async_trait::async_trait;
use shailoo_domain::ElectionId;

/// What this capability needs from a database.
#[async_trait]
pub trait ComplaintStore: Send + Sync {
    /// Files a complaint: under the write lock, reads the [`FilingFacts`] (the commission's
    /// level, the station's commission chain, whether the nomination and the claim named
    /// exist, the next number), runs [`transitions::file`] and stores the complaint with its
    /// first step. The audit entry's subject becomes `{election}/complaints/{id}`.
    ///
    /// [`FilingFacts`]: super::transitions::FilingFacts
    /// [`transitions::file`]: super::transitions::file
    async fn file_complaint(
        &self,
        election: &ElectionId,
        draft: &ComplaintDraft,
        channel: Channel,
        by: &Filer,
        clocks: &Clocks,
        event: AuditEvent,
    ) -> Result<Complaint, ComplaintError>;

    /// Takes a step on complaint `id`: under the write lock, reads the complaint and the
    /// [`ChangeFacts`] the change needs (the assignee's commission, the commission above),
    /// runs [`transitions::apply`] and writes the changed or added step (with a decision's
    /// document, stored once per digest) and the audit entry, before and after.
    ///
    /// [`ChangeFacts`]: super::transitions::ChangeFacts
    /// [`transitions::apply`]: super::transitions::apply
    async fn change_complaint(
        &self,
        election: &ElectionId,
        id: ComplaintId,
        change: &Change,
        by: &Filer,
        clocks: &Clocks,
        event: AuditEvent,
    ) -> Result<Complaint, ComplaintError>;

    async fn complaint(
        &self,
        election: &ElectionId,
        id: ComplaintId,
    ) -> Result<Option<Complaint>, StoreError>;

    /// Complaints, newest first, at most 500.
    async fn complaints(
        &self,
        election: &ElectionId,
        filter: &ComplaintFilter,
    ) -> Result<Vec<Complaint>, StoreError>;

    /// A document of a decision or court act, by its digest.
    async fn complaint_document(&self, digest: &str) -> Result<Option<Document>, StoreError>;
}
