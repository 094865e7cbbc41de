//! The storage port: what the use cases need from a database, at use-case granularity.
//!
//! Implemented by `shailoo-store` on SQLite and PostgreSQL; one contract test suite runs against
//! both. Every mutating method writes its audit entry in the same transaction as the change and
//! either does all of its work or none of it.

use crate::audit::{AuditEntry, AuditEvent};
use crate::users::{NewUser, Session, User, Username};
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};
use shailoo_domain::territory::{
    Commission, CommissionLevel, Council, CouncilKind, Election, PollingStation, Setup, SetupError,
    StationArea, Territory,
};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, StationNumber, TerritoryId};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or opened.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The URL names no engine we support, or is malformed.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
    /// A unique key is taken: nothing was changed.
    #[error("{what} {key} already exists")]
    Duplicate { what: &'static str, key: String },
    /// A reference names something that does not exist: nothing was changed.
    #[error("unknown {what} {key}")]
    UnknownReference { what: &'static str, key: String },
    /// The setup is inconsistent: nothing was changed.
    #[error(transparent)]
    Invalid(#[from] SetupError),
    /// A stored row does not parse back into a domain value: the data were altered outside
    /// shailoo or a migration is missing. Loud on purpose.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Backend(String),
}

impl StoreError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Unavailable(_) => "db_unavailable",
            StoreError::BadUrl(_) => "db_bad_url",
            StoreError::Duplicate { what, .. } => match *what {
                "polling station" => "duplicate_station_number",
                "user" => "duplicate_user",
                _ => "duplicate",
            },
            StoreError::UnknownReference { what, .. } => match *what {
                "council" => "unknown_council",
                "commission" => "unknown_commission",
                "territory" => "unknown_territory",
                "election" => "unknown_election",
                _ => "unknown_reference",
            },
            StoreError::Invalid(e) => e.code(),
            StoreError::Corrupt(_) => "db_corrupt",
            StoreError::Backend(_) => "db_error",
        }
    }
}

/// A page of a listing: 1-based page number and page size (capped by the store at 500).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            page: 1,
            per_page: 50,
        }
    }
}

impl PageRequest {
    pub const MAX_PER_PAGE: u32 = 500;
    pub fn limit(&self) -> i64 {
        i64::from(self.per_page.clamp(1, Self::MAX_PER_PAGE))
    }
    pub fn offset(&self) -> i64 {
        i64::from(self.page.max(1) - 1) * self.limit()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

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

/// The whole port. Capabilities with their own sub-ports (voter lists, look-up) add them as
/// supertraits, each in its own module, so that they evolve without touching this one.
#[async_trait]
pub trait Store:
    crate::voters::VoterListStore
    + crate::lookup::VoterLookupStore
    + crate::districts::DistrictSchemeStore
    + crate::checkin::CheckInStore
    + crate::remote::RemoteVotingStore
    + crate::claims::ClaimStore
    + crate::cabinet::CabinetStore
    + crate::access::AccessStore
    + Send
    + Sync
{
    /// Which engine: `sqlite` or `postgres`.
    fn engine(&self) -> &'static str;
    /// Cheap liveness check for `/healthz`.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Closes the store's connections when a command is done. SQLite then removes its
    /// write-ahead log (1.2 GB after a national import), which the next open would otherwise
    /// read through before anything else. Does nothing by default.
    async fn close(&self) {}

    // --- election setup ---

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
    /// The territory and its ancestors up to the top, itself first (a station's address
    /// names them: `shailoo_domain::address`). Empty for an unknown id.
    async fn territory_chain(&self, id: &TerritoryId) -> Result<Vec<Territory>, StoreError>;
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

    // --- population register ---

    // Register imports (the one bulk-load path) are `VoterListStore::begin_register_import`.
    async fn register_count(&self) -> Result<u64, StoreError>;

    // --- accounts and sessions ---

    async fn add_user(&self, user: &NewUser, event: AuditEvent) -> Result<(), StoreError>;
    async fn user(&self, username: &Username) -> Result<Option<User>, StoreError>;
    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;
    /// The session with this token hash, if it exists and has not expired at `now`.
    async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<Session>, StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    // --- audit log ---

    /// Up to `limit` entries with `seq > after`, in order.
    async fn audit_entries(&self, after: i64, limit: i64) -> Result<Vec<AuditEntry>, StoreError>;
    /// The count and last hash kept beside the log, if any entry exists.
    async fn audit_head(&self) -> Result<Option<(i64, String)>, StoreError>;
}

/// Verifies the whole audit chain of a store, page by page.
pub async fn verify_audit(store: &dyn Store) -> Result<Result<i64, crate::ChainBreak>, StoreError> {
    let mut verifier = crate::audit::ChainVerifier::default();
    let mut after = 0;
    loop {
        let page = store.audit_entries(after, 5_000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for entry in &page {
            if let Err(e) = verifier.push(entry) {
                return Ok(Err(e));
            }
        }
    }
    let head = store.audit_head().await?;
    Ok(verifier.finish(head.as_ref().map(|(n, h)| (*n, h.as_str()))))
}
