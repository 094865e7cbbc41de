//! Voter-list claims (VOT-08): a voter missing from the list or with wrong data claims, at the
//! PEC (staff file it with a passport copy) or online in the voter cabinet, until the end of
//! CAL-11; the PEC accepts or rejects with a reason; an accepted claim changes the list, and the
//! change and its reason are kept. Implemented by `shailoo-store` in `src/claims.rs`.

use async_trait::async_trait;

/// What this capability needs from a database.
#[async_trait]
pub trait ClaimStore: Send + Sync {}
