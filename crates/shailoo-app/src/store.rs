//! The storage port: what the use cases need from a database, at use-case granularity.
//!
//! [`Store`] is the umbrella a database implements: one narrow sub-port per capability, each in
//! the module of its use cases ([`SetupStore`](crate::setup::SetupStore),
//! [`AccountStore`](crate::accounts::AccountStore), [`AuditStore`](crate::audit::AuditStore),
//! [`VoterListStore`](crate::voters::VoterListStore), [`ClaimStore`](crate::claims::ClaimStore)…).
//! A use case is generic over the sub-ports it really uses, so that its signature says what it
//! needs; the web and the CLI hold an `Arc<dyn Store>`, which satisfies every one of them.
//!
//! Implemented by `shailoo-store` on SQLite and PostgreSQL; one contract test suite runs against
//! both. Every mutating method writes its audit entry in the same transaction as the change and
//! either does all of its work or none of it.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use shailoo_domain::ErrorCode;
use shailoo_domain::territory::SetupError;
use std::fmt;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or opened.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The URL names no engine we support, or is malformed.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
    /// A unique key is taken: nothing was changed.
    #[error("{entity} {key} already exists")]
    Duplicate { entity: Entity, key: String },
    /// A reference names something that does not exist: nothing was changed.
    #[error("unknown {entity} {key}")]
    UnknownReference { entity: Entity, key: String },
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

/// What a [`StoreError::Duplicate`] or [`StoreError::UnknownReference`] is about: a closed set,
/// so that callers match on a variant and never on prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Territory,
    Council,
    Commission,
    /// A polling station (by number).
    Station,
    /// A (settlement, street) served by a station.
    StationArea,
    Election,
    /// A council's place in an election.
    ElectionCouncil,
    User,
    /// A staff session.
    Session,
    /// A person of the population register (by PIN).
    Person,
    DistrictingUnit,
    /// The districting units of a council, imported once.
    CouncilUnits,
    DistrictScheme,
    /// The version of a district scheme that a save expected (someone saved in between).
    DistrictSchemeVersion,
    District,
    /// A unit's place in a district.
    DistrictUnit,
    CabinetChallenge,
    VoterSession,
    /// A political party (by id or registration number).
    Party,
    /// A nomination (by number).
    Nomination,
}

impl Entity {
    /// The entity as messages and logs name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Territory => "territory",
            Entity::Council => "council",
            Entity::Commission => "commission",
            Entity::Station => "polling station",
            Entity::StationArea => "station area",
            Entity::Election => "election",
            Entity::ElectionCouncil => "election council",
            Entity::User => "user",
            Entity::Session => "session",
            Entity::Person => "PIN",
            Entity::DistrictingUnit => "districting unit",
            Entity::CouncilUnits => "districting units of council",
            Entity::DistrictScheme => "district scheme",
            Entity::DistrictSchemeVersion => "district scheme version",
            Entity::District => "district",
            Entity::DistrictUnit => "district unit",
            Entity::CabinetChallenge => "cabinet challenge",
            Entity::VoterSession => "voter session",
            Entity::Party => "party",
            Entity::Nomination => "nomination",
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl StoreError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::Unavailable(_) => ErrorCode::DbUnavailable,
            StoreError::BadUrl(_) => ErrorCode::DbBadUrl,
            StoreError::Duplicate { entity, .. } => match entity {
                Entity::Station => ErrorCode::DuplicateStationNumber,
                Entity::User => ErrorCode::DuplicateUser,
                Entity::Party => ErrorCode::DuplicateParty,
                _ => ErrorCode::Duplicate,
            },
            StoreError::UnknownReference { entity, .. } => match entity {
                Entity::Council => ErrorCode::UnknownCouncil,
                Entity::Commission => ErrorCode::UnknownCommission,
                Entity::Territory => ErrorCode::UnknownTerritory,
                Entity::Election => ErrorCode::UnknownElection,
                _ => ErrorCode::UnknownReference,
            },
            StoreError::Invalid(e) => e.code(),
            StoreError::Corrupt(_) => ErrorCode::DbCorrupt,
            StoreError::Backend(_) => ErrorCode::DbError,
        }
    }

    /// `UnknownReference` to `entity` with this key.
    pub fn unknown(entity: Entity, key: impl ToString) -> StoreError {
        StoreError::UnknownReference {
            entity,
            key: key.to_string(),
        }
    }

    /// `Duplicate` of `entity` with this key.
    pub fn duplicate(entity: Entity, key: impl ToString) -> StoreError {
        StoreError::Duplicate {
            entity,
            key: key.to_string(),
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

/// The whole port: every sub-port, and what concerns the database as a whole. A new capability
/// adds its sub-port here (a supertrait in the capability's own module), so that capabilities
/// evolve without touching each other.
#[async_trait]
pub trait Store:
    crate::setup::SetupStore
    + crate::accounts::AccountStore
    + crate::audit::AuditStore
    + crate::voters::VoterListStore
    + crate::lookup::VoterLookupStore
    + crate::districts::DistrictSchemeStore
    + crate::checkin::CheckInStore
    + crate::remote::RemoteVotingStore
    + crate::claims::ClaimStore
    + crate::cabinet::CabinetStore
    + crate::access::AccessStore
    + crate::params::RuleParameterStore
    + crate::candidates::CandidateStore
    + crate::complaints::ComplaintStore
    + crate::media::MediaStore
    + crate::media::BadgeStore
    + crate::campaign_places::CampaignPlaceStore
    + crate::results::ResultsStore
    + crate::funds::FundStore
    + crate::violations::ViolationStore
    + crate::results::ResultsLogStore
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
}
