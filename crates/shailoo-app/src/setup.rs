//! The election setup: territories, councils, commissions, polling stations, elections and
//! their calendars, as the CEC imports them; the stations added later; the CEC's overrides of
//! deadlines. [`SetupStore`] is the sub-port, implemented by `shailoo-store` in `src/setup.rs`.

use crate::audit::AuditEvent;
use crate::store::{Page, PageRequest, StoreError};
use async_trait::async_trait;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::{Calendar, CalendarError, CalendarOverride};
use shailoo_domain::territory::{
    Commission, CommissionLevel, Council, CouncilKind, Election, PollingStation, Setup,
    StationArea, Territory,
};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, StationNumber, TerritoryId};

/// Filters for councils. `query` matches any of the names, case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct CouncilFilter {
    pub kind: Option<CouncilKind>,
    /// Councils inside this territory (a region, a raion…), at any depth.
    pub within: Option<TerritoryId>,
    pub query: Option<String>,
    pub page: PageRequest,
}

#[derive(Debug, Clone, Default)]
pub struct CommissionFilter {
    pub level: Option<CommissionLevel>,
    pub parent: Option<CommissionId>,
    pub query: Option<String>,
    pub page: PageRequest,
}

/// Filters for stations. `query` matches the number or any address, case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct StationFilter {
    pub council: Option<CouncilId>,
    pub commission: Option<CommissionId>,
    pub remote_voting: Option<bool>,
    pub query: Option<String>,
    pub page: PageRequest,
}

/// What an import stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub territories: u64,
    pub councils: u64,
    pub commissions: u64,
    pub stations: u64,
    pub station_areas: u64,
    pub elections: u64,
}

/// Totals for the home page and `/metrics`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub councils_city: u64,
    pub councils_aiyl: u64,
    pub seats_city: u64,
    pub seats_aiyl: u64,
    pub commissions: u64,
    pub stations_regular: u64,
    pub stations_remote: u64,
    pub register_persons: u64,
}

/// A CEC decision that moves one deadline of an election's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarOverrideRecord {
    pub rule_id: String,
    pub date: Date,
    pub time: Option<Time>,
}

/// What the setup use cases need from a database.
#[async_trait]
pub trait SetupStore: Send + Sync {
    /// Stores a whole setup (all-or-nothing) after checking it. Keys that exist are an error.
    async fn import_setup(
        &self,
        setup: &Setup,
        areas: &[StationArea],
        event: AuditEvent,
    ) -> Result<ImportSummary, StoreError>;
    async fn totals(&self) -> Result<Totals, StoreError>;
    async fn elections(&self) -> Result<Vec<Election>, StoreError>;
    async fn election(&self, id: &ElectionId) -> Result<Option<Election>, StoreError>;
    async fn territory(&self, id: &TerritoryId) -> Result<Option<Territory>, StoreError>;
    /// The children of a territory (top level when `None`), ordered by name.
    async fn territory_children(
        &self,
        parent: Option<&TerritoryId>,
    ) -> Result<Vec<Territory>, StoreError>;
    async fn councils(&self, filter: &CouncilFilter) -> Result<Page<Council>, StoreError>;
    async fn council(&self, id: &CouncilId) -> Result<Option<Council>, StoreError>;
    async fn commissions(&self, filter: &CommissionFilter) -> Result<Page<Commission>, StoreError>;
    async fn commission(&self, id: &CommissionId) -> Result<Option<Commission>, StoreError>;
    /// The commission and its ancestors up to the CEC, itself first (for permission checks).
    async fn commission_chain(&self, id: &CommissionId) -> Result<Vec<CommissionId>, StoreError>;
    async fn stations(&self, filter: &StationFilter) -> Result<Page<PollingStation>, StoreError>;
    async fn station(&self, number: StationNumber) -> Result<Option<PollingStation>, StoreError>;
    /// Adds one station; a taken number or an unknown PEC, council or territory changes nothing.
    async fn add_station(
        &self,
        station: &PollingStation,
        event: AuditEvent,
    ) -> Result<(), StoreError>;
    async fn calendar_overrides(
        &self,
        election: &ElectionId,
    ) -> Result<Vec<CalendarOverrideRecord>, StoreError>;
    /// Sets (or replaces) the override of one deadline.
    async fn set_calendar_override(
        &self,
        election: &ElectionId,
        record: &CalendarOverrideRecord,
        event: AuditEvent,
    ) -> Result<(), StoreError>;
}

/// Why an election's calendar could not be had.
#[derive(Debug, thiserror::Error)]
pub enum ElectionCalendarError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    /// The stored overrides make no valid calendar (they were checked when set: a newer rule).
    #[error("the election's calendar is invalid: {0}")]
    Invalid(#[from] CalendarError),
}

/// The calendar of an election with the CEC's overrides.
pub async fn calendar<S: SetupStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<Calendar, ElectionCalendarError> {
    let found = store
        .election(election)
        .await?
        .ok_or_else(|| ElectionCalendarError::UnknownElection(election.clone()))?;
    calendar_of(store, &found).await
}

/// [`calendar`] of an election already read.
pub async fn calendar_of<S: SetupStore + ?Sized>(
    store: &S,
    election: &Election,
) -> Result<Calendar, ElectionCalendarError> {
    let overrides = store.calendar_overrides(&election.id).await?;
    Ok(Calendar::for_election(election, &to_overrides(&overrides))?)
}

/// The stored overrides as the domain's calendar takes them.
pub fn to_overrides(records: &[CalendarOverrideRecord]) -> Vec<CalendarOverride> {
    records
        .iter()
        .map(|r| CalendarOverride {
            id: r.rule_id.clone(),
            date: r.date,
            time: r.time,
        })
        .collect()
}
