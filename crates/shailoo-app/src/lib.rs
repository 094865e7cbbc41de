//! The use cases of shailoo and the storage ports they need.
//!
//! The web server and the CLI call into this crate; a store crate implements [`Store`], the
//! umbrella of one narrow sub-port per capability ([`SetupStore`], [`AccountStore`],
//! [`AuditStore`], [`VoterListStore`], [`ClaimStore`]…). Ports are shaped by use cases (import a
//! setup, add a station, decide a claim), not by tables, so each backend owns its transactions.
//! Use cases are functions generic over the sub-ports they use. Who may do what over which
//! commissions is stated once, in [`authz`]. Every change of election data writes an entry of
//! the hash-chained audit log ([`audit`]) in the same transaction as the change.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod authz;
pub mod cabinet;
// i16-badges: places for campaign material (CAL-06).
pub mod campaign_places;
pub mod candidates;
pub mod checkin;
pub mod claims;
pub mod complaints;
pub mod districts;
#[cfg(test)]
mod fake;
pub mod funds;
pub mod lookup;
pub mod media;
pub mod params;
pub mod remote;
pub mod results;
pub mod setup;
pub mod signing;
pub mod store;
pub mod users;
pub mod violations;
pub mod voters;

pub use access::AccessStore;
pub use accounts::AccountStore;
pub use audit::{
    AuditAction, AuditEntry, AuditEvent, AuditStore, ChainBreak, LogHead, RecordedEvent,
    verified_audit_head, verify_audit,
};
pub use cabinet::CabinetStore;
pub use campaign_places::CampaignPlaceStore;
pub use candidates::CandidateStore;
pub use checkin::CheckInStore;
pub use claims::ClaimStore;
pub use complaints::ComplaintStore;
pub use districts::DistrictSchemeStore;
pub use funds::FundStore;
pub use lookup::VoterLookupStore;
pub use media::{BadgeStore, MediaStore};
pub use params::RuleParameterStore;
pub use remote::RemoteVotingStore;
pub use results::ResultsStore;
pub use setup::{
    CalendarOverrideRecord, CommissionFilter, CouncilFilter, DecisionNumber, ImportSummary,
    SetupStore, StationFilter, Totals,
};
pub use store::{Entity, Page, PageRequest, Store, StoreError};
pub use users::{Actor, NewUser, Role, Session, User, Username};
pub use violations::ViolationStore;
pub use voters::VoterListStore;
