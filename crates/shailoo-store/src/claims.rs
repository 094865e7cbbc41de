//! [`shailoo_app::ClaimStore`] on both engines.

use crate::Db;
use async_trait::async_trait;
use shailoo_app::ClaimStore;

#[async_trait]
impl ClaimStore for Db {}
