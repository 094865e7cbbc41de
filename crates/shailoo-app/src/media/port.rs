//! What the media use cases need from a database: [`MediaStore`], implemented by
//! `shailoo-store` in `src/media.rs`, whose writers run the pure functions of
//! [`transitions`](super::transitions) under the write lock.

use super::model::{MediaDecision, MediaError, MediaStatus, Outlet, OutletDraft, OutletId};
use super::transitions::PriceRules;
use crate::audit::AuditEvent;
use crate::store::StoreError;
use crate::users::Filer;
use async_trait::async_trait;
use shailoo_domain::ElectionId;

#[async_trait]
pub trait MediaStore: Send + Sync {
    /// Files an application: under the write lock, takes the next number, runs
    /// [`transitions::file`](super::transitions::file) and stores the outlet with every price
    /// row. The audit entry's subject becomes `{election}/media/{id}`.
    async fn file_media_application(
        &self,
        election: &ElectionId,
        draft: &OutletDraft,
        by: &Filer,
        event: AuditEvent,
    ) -> Result<Outlet, MediaError>;

    /// Decides on an outlet: under the write lock, reads it, runs
    /// [`transitions::decide`](super::transitions::decide) and stores its status with the
    /// audit entry, before and after.
    async fn decide_media_outlet(
        &self,
        election: &ElectionId,
        id: OutletId,
        decision: &MediaDecision,
        rules: &PriceRules,
        by: &Filer,
        event: AuditEvent,
    ) -> Result<Outlet, MediaError>;

    async fn media_outlet(
        &self,
        election: &ElectionId,
        id: OutletId,
    ) -> Result<Option<Outlet>, StoreError>;

    /// The outlets of an election in number order, of one status when asked.
    async fn media_outlets(
        &self,
        election: &ElectionId,
        status: Option<MediaStatus>,
    ) -> Result<Vec<Outlet>, StoreError>;
}
