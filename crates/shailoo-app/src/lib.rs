//! The use cases of shailoo and the storage port they need.
//!
//! The web server and the CLI call into this crate; a store crate implements [`Store`]. The
//! port is shaped by use cases (import a setup, add a station, open a session), not by tables,
//! so each backend owns its transactions. Every change of election data writes an entry of the
//! hash-chained audit log ([`audit`]) in the same transaction as the change.

pub mod access;
pub mod audit;
pub mod cabinet;
pub mod checkin;
pub mod claims;
pub mod districts;
pub mod lookup;
pub mod remote;
pub mod store;
pub mod users;
pub mod voters;

pub use access::AccessStore;
pub use audit::{AuditEntry, AuditEvent, ChainBreak};
pub use cabinet::CabinetStore;
pub use checkin::CheckInStore;
pub use claims::ClaimStore;
pub use districts::DistrictSchemeStore;
pub use lookup::VoterLookupStore;
pub use remote::RemoteVotingStore;
pub use store::{
    CalendarOverrideRecord, CommissionFilter, CouncilFilter, ImportSummary, Page, PageRequest,
    StationFilter, Store, StoreError, Totals, verify_audit,
};
pub use users::{Actor, NewUser, Role, Session, User, Username};
pub use voters::VoterListStore;
