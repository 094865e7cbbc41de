//! The district-scheme port: districting units of aiyl councils, draft schemes, submission to
//! the CEC by CAL-05, approval or return, publication (DIS-01…DIS-05).
//! Implemented by `shailoo-store` in `src/districts.rs`.

use async_trait::async_trait;

/// What the district-scheme use cases need from a database.
#[async_trait]
pub trait DistrictSchemeStore: Send + Sync {}
