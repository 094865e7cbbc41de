//! Voting-day check-in: a voter receives one ballot, at one station, once (VOT-06), and turnout by hour.
//! Implemented by `shailoo-store` in `src/checkin.rs`.

use async_trait::async_trait;

/// What this capability needs from a database.
#[async_trait]
pub trait CheckInStore: Send + Sync {}
