//! The voter register port (Tizme): register imports, compiled voter lists, publication.
//! Implemented by `shailoo-store` in `src/voters.rs`.

use async_trait::async_trait;

/// What the voter-list use cases need from a database.
#[async_trait]
pub trait VoterListStore: Send + Sync {}
