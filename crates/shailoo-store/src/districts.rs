//! [`shailoo_app::DistrictSchemeStore`] on both engines.

use crate::Db;
use async_trait::async_trait;
use shailoo_app::DistrictSchemeStore;

#[async_trait]
impl DistrictSchemeStore for Db {}
