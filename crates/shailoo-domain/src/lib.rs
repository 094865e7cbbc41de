//! The election rules of shailoo, as pure types and functions.
//!
//! This crate knows nothing of SQL, HTTP, files, the clock or randomness: every input, including
//! "now", is passed in. A test over `cargo metadata` (`tests/purity.rs`) keeps it that way.
//! Rule ids (CAL-, VOT-, DIS-, CAN-, RES-, CMP-) refer to `docs/domain-rules.md`.

pub mod address;
pub mod calendar;
pub mod candidate;
pub mod codes;
pub mod collation;
pub mod complaint;
pub mod district;
// results: the CEC dashboard's flags (i15-entry)
pub mod forensics;
pub mod funds;
pub mod identity;
pub mod ids;
pub mod media;
pub mod params;
pub mod pin;
pub mod protocol;
pub mod register;
pub mod results;
pub mod territory;
pub mod text;
pub mod time;
pub mod violation;
pub mod voter;

pub use codes::ErrorCode;
pub use ids::*;
pub use pin::{Pin, PinError, Sex};
