//! What the media use cases need from a database: [`MediaStore`], implemented by
//! `shailoo-store` in `src/media.rs`, whose writers run the pure functions of
//! [`transitions`](super::transitions) under the write lock.

use super::badge::{Badge, BadgeId, RevokedBadge};
use super::model::{MediaDecision, MediaError, MediaStatus, Outlet, OutletDraft, OutletId, Text};
use super::transitions::PriceRules;
use crate::audit::AuditEvent;
use crate::signing::Signer;
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

/// Journalists' badges (i16-badges), implemented by `shailoo-store` in `src/badges.rs`: the
/// writers run [`badge::issue`](super::badge::issue) and [`badge::revoke`](super::badge::revoke)
/// under the write lock, with the audit entry.
#[async_trait]
pub trait BadgeStore: Send + Sync {
    /// Issues a badge to `name` of outlet `outlet`: under the write lock, reads the outlet
    /// (accredited, of `election`), takes the next number, signs and stores the badge. The
    /// audit entry's subject becomes `{election}/media/badges/{id}`.
    async fn issue_media_badge(
        &self,
        election: &ElectionId,
        outlet: OutletId,
        name: Text,
        signer: &Signer,
        by: &Filer,
        event: AuditEvent,
    ) -> Result<Badge, MediaError>;

    /// Revokes a badge with its reason, audited before and after.
    async fn revoke_media_badge(
        &self,
        election: &ElectionId,
        id: BadgeId,
        reason: Text,
        by: &Filer,
        event: AuditEvent,
    ) -> Result<Badge, MediaError>;

    async fn media_badge(
        &self,
        election: &ElectionId,
        id: BadgeId,
    ) -> Result<Option<Badge>, StoreError>;

    /// An outlet's badges in number order.
    async fn media_badges(
        &self,
        election: &ElectionId,
        outlet: OutletId,
    ) -> Result<Vec<Badge>, StoreError>;

    /// The election's revoked badges, by themselves or with their outlet, in number order.
    async fn revoked_media_badges(
        &self,
        election: &ElectionId,
    ) -> Result<Vec<RevokedBadge>, StoreError>;
}
