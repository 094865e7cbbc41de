//! The JSON contract of `shailoo districts propose --input FILE.json` and
//! `shailoo districts check --input FILE.json`.
//!
//! Propose reads a council's units:
//!
//! ```json
//! {"seats": 21, "units": [{"id": "u1", "voters": 1234, "remote": false, "neighbors": ["u2"]}],
//!  "districts": 4, "magnitude": {"min": 1, "max": 11}, "seed": 7}
//! ```
//!
//! (`districts`, `magnitude` and `seed` optional; `remote` and `neighbors` default to false and
//! none; adjacency is read as symmetric, as the domain's check reads it). Check reads a scheme
//! in the domain's [`Scheme`] form. Malformed input is an [`InputError`] naming the field; the
//! CLI exits with code 2 on it.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shailoo_domain::SeatCount;
use shailoo_domain::district::{Scheme, Unit};

/// What to design a scheme for: an aiyl council's seats and its units with their borders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalInput {
    /// The council's seats (DIS-03: the districts' mandates add up to them).
    pub seats: SeatCount,
    /// Whole settlements or station areas (DIS-03), with voters and neighbours.
    pub units: Vec<Unit>,
    /// The number of districts wanted; when absent the proposer picks one (see
    /// [`crate::propose`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub districts: Option<u32>,
    /// Mandates per district wanted, within the DIS-05 limits of the parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub magnitude: Option<MagnitudeRange>,
    /// The search seed; the CLI's `--seed` overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// An inclusive range of mandates per district (DIS-05).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MagnitudeRange {
    pub min: u32,
    pub max: u32,
}

/// Input that is not the contract's JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The text is not JSON at all.
    #[error("input is not valid JSON: {message} (line {line}, column {column})")]
    Syntax {
        message: String,
        line: usize,
        column: usize,
    },
    /// JSON without the expected shape: a missing or unknown field, a wrong type, 0 seats…
    #[error("`{field}`: {message}")]
    Schema { field: String, message: String },
}

impl InputError {
    /// A stable code for clients that translate.
    pub fn code(&self) -> &'static str {
        match self {
            InputError::Syntax { .. } => "syntax",
            InputError::Schema { .. } => "schema",
        }
    }

    /// The field at fault (`.` for the whole document), if the error is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            InputError::Syntax { .. } => None,
            InputError::Schema { field, .. } => Some(field),
        }
    }
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, InputError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| InputError::Syntax {
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    })?;
    serde_path_to_error::deserialize(value).map_err(|e| InputError::Schema {
        field: e.path().to_string(),
        message: e.into_inner().to_string(),
    })
}

/// Parses the input of `districts propose`.
pub fn parse_proposal_input(text: &str) -> Result<ProposalInput, InputError> {
    parse(text)
}

/// Parses the input of `districts check`: a scheme as the domain reads it.
pub fn parse_scheme(text: &str) -> Result<Scheme, InputError> {
    parse(text)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses_and_errors_name_the_field() {
        let input = parse_proposal_input(
            r#"{"seats": 21, "units": [{"id": "u1", "voters": 1234, "remote": false, "neighbors": ["u2"]}], "districts": 4}"#,
        )
        .unwrap();
        assert_eq!(input.seats.get(), 21);
        assert_eq!(input.districts, Some(4));
        let e = parse_proposal_input(r#"{"seats": 21, "units": [{"id": "u1", "voters": -1}]}"#)
            .unwrap_err();
        assert_eq!(e.field(), Some("units[0].voters"));
        let e = parse_proposal_input(r#"{"seats": 0, "units": []}"#).unwrap_err();
        assert_eq!(e.field(), Some("seats"));
        let e = parse_proposal_input(r#"{"seats": 5, "units": [], "district": 2}"#).unwrap_err();
        assert_eq!(e.code(), "schema");
        assert!(matches!(parse_scheme("{"), Err(InputError::Syntax { .. })));
    }
}
