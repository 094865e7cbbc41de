//! The voter cabinet: a voter signs in with PIN + passport number + a one-time code sent by SMS,
//! then sees their entry, files claims (VOT-08) and remote-voting applications (VOT-07) online.
//! The passport check and the SMS delivery go through the ports below; `shailoo-registries`
//! implements them over HTTP. Implemented by `shailoo-store` in `src/cabinet.rs`.

use async_trait::async_trait;

/// What this capability needs from a database.
#[async_trait]
pub trait CabinetStore: Send + Sync {}
