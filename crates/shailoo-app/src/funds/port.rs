//! What the fund use cases need from a database: [`FundStore`], implemented by
//! `shailoo-store` in `src/funds.rs`. Its writers call the pure functions of
//! [`transitions`](super::transitions) inside their write transaction, on the fund read there.

use super::model::{Batch, Fund, FundError};
use super::transitions::FundClock;
use crate::audit::AuditEvent;
use crate::candidates::NominationId;
use crate::store::StoreError;
use crate::users::Filer;
use async_trait::async_trait;
use shailoo_domain::ElectionId;
use shailoo_domain::funds::Report;

#[async_trait]
pub trait FundStore: Send + Sync {
    /// Adds movements to the fund of `nomination` (a filed one of `election`): under the write
    /// lock, reads the fund, runs [`transitions::admit`](super::transitions::admit) with the
    /// rules of `clock`, and stores all of them with the audit entry, or nothing.
    async fn add_fund_movements(
        &self,
        election: &ElectionId,
        nomination: NominationId,
        batch: Batch,
        by: &Filer,
        clock: &FundClock,
        event: AuditEvent,
    ) -> Result<Fund, FundError>;

    /// Submits a report: under the write lock, reads the fund, runs
    /// [`transitions::submit`](super::transitions::submit), stores it with the audit entry.
    async fn submit_fund_report(
        &self,
        election: &ElectionId,
        nomination: NominationId,
        report: Report,
        by: &Filer,
        clock: &FundClock,
        event: AuditEvent,
    ) -> Result<Fund, FundError>;

    /// The fund of a filed nomination (`None`: no such nomination, or a draft).
    async fn fund(
        &self,
        election: &ElectionId,
        nomination: NominationId,
    ) -> Result<Option<Fund>, StoreError>;

    /// The funds of every filed nomination of the election, by nomination.
    async fn funds(&self, election: &ElectionId) -> Result<Vec<Fund>, StoreError>;
}
