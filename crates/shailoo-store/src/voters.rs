//! [`shailoo_app::VoterListStore`] on both engines.

use crate::Db;
use async_trait::async_trait;
use shailoo_app::VoterListStore;

#[async_trait]
impl VoterListStore for Db {}
