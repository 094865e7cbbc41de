//! [`shailoo_app::RemoteVotingStore`] on both engines.

use crate::Db;
use async_trait::async_trait;
use shailoo_app::RemoteVotingStore;

#[async_trait]
impl RemoteVotingStore for Db {}
