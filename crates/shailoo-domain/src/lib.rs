//! The election rules of shailoo, as pure types and functions.
//!
//! This crate knows nothing of SQL, HTTP, files, the clock or randomness: every input, including
//! "now", is passed in. A test over `cargo metadata` (`tests/purity.rs`) keeps it that way.
//! Rule ids (CAL-, VOT-, DIS-, CAN-, RES-) refer to `docs/domain-rules.md`.

pub mod address;
pub mod calendar;
pub mod candidate;
pub mod codes;
pub mod collation;
pub mod district;
pub mod identity;
pub mod ids;
pub mod params;
pub mod pin;
pub mod protocol;
pub mod register;
pub mod territory;
pub mod text;
pub mod time;
pub mod voter;

pub use codes::ErrorCode;
pub use ids::*;
pub use pin::{Pin, PinError, Sex};
