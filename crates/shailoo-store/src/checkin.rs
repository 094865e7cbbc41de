//! [`shailoo_app::CheckInStore`] on both engines.

use crate::Db;
use async_trait::async_trait;
use shailoo_app::CheckInStore;

#[async_trait]
impl CheckInStore for Db {}
