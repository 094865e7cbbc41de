//! Remote voting (VOT-07): applications by CAL-12, TEC decisions, moving the voter to a remote-voting station for their own council.
//! Implemented by `shailoo-store` in `src/remote.rs`.

use async_trait::async_trait;

/// What this capability needs from a database.
#[async_trait]
pub trait RemoteVotingStore: Send + Sync {}
