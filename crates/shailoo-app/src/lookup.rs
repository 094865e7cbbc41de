//! The voter look-up port: "where do I vote?" by PIN, for the portal, the API and SMS 119
//! (VOT-09). Implemented by `shailoo-store` in `src/lookup.rs`.

use async_trait::async_trait;

/// What look-ups need from a database.
#[async_trait]
pub trait VoterLookupStore: Send + Sync {}
