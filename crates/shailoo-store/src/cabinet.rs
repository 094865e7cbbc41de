//! [`shailoo_app::CabinetStore`] on both engines.

use crate::Db;
use async_trait::async_trait;
use shailoo_app::CabinetStore;

#[async_trait]
impl CabinetStore for Db {}
