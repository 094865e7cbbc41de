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
//! none; adjacency is read as symmetric, as the domain's check reads it). Check reads a scheme:
//! the same `seats` and `units`, and `"districts": [{"id": "1", "units": ["u1"], "seats": 5,
//! "remote": false}]`.
//!
//! Both accept a council object exactly as `district_units.json` holds it (`docs/data-formats.md`):
//! its `council` id, and in each unit its `settlement`, `station`, `persons`, `x_km` and `y_km`
//! (the design does not use them; they are parsed, so a malformed one is named). Any other field
//! is refused with its path (`units[3].neighbours`): a misspelt field read as absent would turn
//! into a wrong answer (no borders: "not contiguous") far from its cause. Malformed input is an
//! [`InputError`] naming the field; the CLI exits with code 2 on it.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use shailoo_domain::district::{District, Scheme, Unit, UnitId};
use shailoo_domain::{CouncilId, SeatCount, StationNumber, TerritoryId};

/// What to design a scheme for: an aiyl council's seats and its units with their borders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalInput {
    /// The council, when the input is a council object of `district_units.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub council: Option<CouncilId>,
    /// The council's seats (DIS-03: the districts' mandates add up to them).
    pub seats: SeatCount,
    /// Whole settlements or station areas (DIS-03), with voters and neighbours.
    #[serde(deserialize_with = "units")]
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

/// A unit as the contract reads it: the domain's fields, and the descriptive fields of a
/// `district_units.json` unit, read and set aside.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitInput {
    id: UnitId,
    voters: u64,
    #[serde(default)]
    remote: bool,
    #[serde(default)]
    neighbors: Vec<UnitId>,
    #[serde(default, rename = "settlement")]
    _settlement: Option<TerritoryId>,
    #[serde(default, rename = "station")]
    _station: Option<StationNumber>,
    #[serde(default, rename = "persons")]
    _persons: Option<u64>,
    #[serde(default, rename = "x_km")]
    _x_km: Option<f64>,
    #[serde(default, rename = "y_km")]
    _y_km: Option<f64>,
}

fn units<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Unit>, D::Error> {
    let units = Vec::<UnitInput>::deserialize(deserializer)?;
    Ok(units
        .into_iter()
        .map(|u| Unit {
            id: u.id,
            voters: u.voters,
            remote: u.remote,
            neighbors: u.neighbors,
        })
        .collect())
}

/// The input of `districts check`: a scheme, optionally as a council object of
/// `district_units.json` with its districts added.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemeInput {
    #[serde(default, rename = "council")]
    _council: Option<CouncilId>,
    seats: SeatCount,
    #[serde(deserialize_with = "units")]
    units: Vec<Unit>,
    districts: Vec<District>,
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

/// Parses the input of `districts check`: a scheme as the domain reads it, or a council object
/// of `district_units.json` with `districts`.
pub fn parse_scheme(text: &str) -> Result<Scheme, InputError> {
    let input: SchemeInput = parse(text)?;
    Ok(Scheme {
        seats: input.seats,
        units: input.units,
        districts: input.districts,
    })
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

    /// The council object of `docs/data-formats.md`, as `district_units.json` holds it.
    const COUNCIL: &str = r#"{"council": "chui-alamudun.orto-moinok", "seats": 7, "units": [
        {"id": "7006-orto-moinok", "settlement": "chui-alamudun.orto-moinok.orto-moinok",
         "station": 7006, "persons": 241, "voters": 232, "remote": false,
         "neighbors": ["7007-jany-moinok"], "x_km": 0.0, "y_km": 0.0},
        {"id": "7007-jany-moinok", "settlement": "chui-alamudun.orto-moinok.jany-moinok",
         "station": 7007, "persons": 250, "voters": 240, "remote": true,
         "neighbors": ["7006-orto-moinok"], "x_km": 1.5, "y_km": -2.25}]}"#;

    #[test]
    fn dis_03_a_council_of_district_units_json_is_read_as_it_stands() {
        let input = parse_proposal_input(COUNCIL).unwrap();
        assert_eq!(
            input.council.as_ref().map(CouncilId::as_str),
            Some("chui-alamudun.orto-moinok")
        );
        assert_eq!(input.seats.get(), 7);
        assert_eq!(input.units.len(), 2);
        assert!(input.units[1].remote);
        assert_eq!(input.units[0].neighbors[0].as_str(), "7007-jany-moinok");

        let mut scheme: serde_json::Value = serde_json::from_str(COUNCIL).unwrap();
        scheme["districts"] = serde_json::json!([
            {"id": "1", "units": ["7006-orto-moinok", "7007-jany-moinok"], "seats": 7}]);
        let scheme = parse_scheme(&scheme.to_string()).unwrap();
        assert_eq!(scheme.units.len(), 2);
        assert_eq!(scheme.districts[0].seats, 7);
    }

    #[test]
    fn dis_03_an_unknown_or_malformed_field_is_named() {
        let misspelt = COUNCIL.replacen("\"neighbors\"", "\"neighbours\"", 1);
        let e = parse_proposal_input(&misspelt).unwrap_err();
        assert_eq!(e.field(), Some("units[0].neighbours"), "{e}");
        assert!(e.to_string().contains("neighbours"), "{e}");
        let e = parse_scheme(&misspelt).unwrap_err();
        assert_eq!(e.field(), Some("units[0].neighbours"), "{e}");
        let bad_station = COUNCIL.replacen("7006,", "\"seven\",", 1);
        let e = parse_proposal_input(&bad_station).unwrap_err();
        assert_eq!(e.field(), Some("units[0].station"), "{e}");
        let e = parse_scheme(
            r#"{"seats": 1, "units": [], "districts": [{"id": "1", "units": [], "seats": 1, "remot": true}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("districts[0].remot"), "{e}");
    }
}
