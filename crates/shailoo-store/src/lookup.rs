//! [`shailoo_app::VoterLookupStore`] on both engines.

use crate::Db;
use async_trait::async_trait;
use shailoo_app::VoterLookupStore;

#[async_trait]
impl VoterLookupStore for Db {}
