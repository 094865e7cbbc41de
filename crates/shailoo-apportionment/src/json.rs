//! The JSON contract of `shailoo seats --input FILE.json`.
//!
//! Input, one of:
//!
//! ```json
//! {"kind": "party_list", "seats": 51, "took_part": 131613, "threshold_percent": 5,
//!  "lists": [{"id": "a", "votes": 37903, "candidates": 51}], "against_all": 8746,
//!  "lots": [{"tied": ["b", "c"], "winners": ["c"]}]}
//! {"kind": "district_plurality", "seats": 5, "reserved_for_women": 2,
//!  "candidates": [{"id": "c1", "sex": "female", "votes": 120}], "lots": []}
//! ```
//!
//! (`threshold_percent`, `candidates` of a list, `reserved_for_women` and `lots` are optional;
//! unknown fields are rejected so that a misspelt optional field is not silently ignored.)
//!
//! Output: `{"kind", "status": "completed", "seats": [...] | "elected": [...], "unfilled",
//! "explanation": [...]}`, or `"status": "lots_required"` with `"phase"`, `"tied"` and
//! `"seats_in_question"`, or `"status": "failed"` with a `"reason"` code. Every explanation
//! step is `{"code": ..., parameters}` (see [`Step`]).
//!
//! Malformed input is a [`SeatsInputError`] naming the field; the CLI exits with code 2 on it.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::district::{DistrictInput, Elected, allocate_district};
use crate::error::{Problem, SeatsInputError};
use crate::explain::Step;
use crate::lots::{LotsRequired, TiePhase};
use crate::party_list::{ListSeats, PartyListInput, allocate_party_list};
use crate::{FailureReason, Outcome, Report};

/// A parsed seats input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeatsInput {
    PartyList(PartyListInput),
    DistrictPlurality(DistrictInput),
}

/// Which kind of contest an output is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    PartyList,
    DistrictPlurality,
}

/// The result of `shailoo seats`, serialized as the output contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeatsOutput {
    pub kind: Kind,
    #[serde(flatten)]
    pub status: Status,
    pub explanation: Vec<Step>,
}

/// The outcome part of [`SeatsOutput`], tagged by `status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    Completed {
        /// Party lists: every list with its seats.
        #[serde(skip_serializing_if = "Option::is_none")]
        seats: Option<Vec<ListSeats>>,
        /// Party lists: the "against all" votes, reported though never seated.
        #[serde(skip_serializing_if = "Option::is_none")]
        against_all: Option<u64>,
        /// Districts: the elected candidates, in order of election.
        #[serde(skip_serializing_if = "Option::is_none")]
        elected: Option<Vec<Elected>>,
        unfilled: u64,
    },
    LotsRequired {
        phase: TiePhase,
        tied: Vec<String>,
        seats_in_question: u64,
    },
    Failed {
        reason: FailureReason,
    },
}

/// Parses the input text, naming the offending field on error.
pub fn parse_input(input: &str) -> Result<SeatsInput, SeatsInputError> {
    let value: Value = serde_json::from_str(input).map_err(|e| SeatsInputError::Syntax {
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    })?;
    let Value::Object(mut map) = value else {
        return Err(SeatsInputError::Schema {
            field: ".".into(),
            message: "expected a JSON object".into(),
        });
    };
    let kind = match map.remove("kind") {
        Some(Value::String(kind)) => kind,
        Some(_) => {
            return Err(SeatsInputError::Schema {
                field: "kind".into(),
                message: "expected a string".into(),
            });
        }
        None => {
            return Err(SeatsInputError::Schema {
                field: ".".into(),
                message: "missing field `kind`".into(),
            });
        }
    };
    let rest = Value::Object(map);
    match kind.as_str() {
        "party_list" => Ok(SeatsInput::PartyList(typed(rest)?)),
        "district_plurality" => Ok(SeatsInput::DistrictPlurality(typed(rest)?)),
        _ => Err(SeatsInputError::invalid("kind", Problem::UnknownKind(kind))),
    }
}

fn typed<T: DeserializeOwned>(value: Value) -> Result<T, SeatsInputError> {
    serde_path_to_error::deserialize(value).map_err(|e| SeatsInputError::Schema {
        field: e.path().to_string(),
        message: e.into_inner().to_string(),
    })
}

impl SeatsInput {
    /// Allocates the seats.
    pub fn allocate(&self) -> Result<SeatsOutput, SeatsInputError> {
        match self {
            SeatsInput::PartyList(input) => {
                let report = allocate_party_list(input)?;
                Ok(output(Kind::PartyList, report, |a| Status::Completed {
                    seats: Some(a.lists),
                    against_all: Some(a.against_all),
                    elected: None,
                    unfilled: a.unfilled,
                }))
            }
            SeatsInput::DistrictPlurality(input) => {
                let report = allocate_district(input)?;
                Ok(output(Kind::DistrictPlurality, report, |a| {
                    Status::Completed {
                        seats: None,
                        against_all: None,
                        elected: Some(a.elected),
                        unfilled: a.unfilled,
                    }
                }))
            }
        }
    }
}

fn output<T>(kind: Kind, report: Report<T>, completed: impl FnOnce(T) -> Status) -> SeatsOutput {
    let status = match report.outcome {
        Outcome::Completed(a) => completed(a),
        Outcome::LotsRequired(LotsRequired {
            phase,
            tied,
            seats_in_question,
        }) => Status::LotsRequired {
            phase,
            tied,
            seats_in_question,
        },
        Outcome::Failed(reason) => Status::Failed { reason },
    };
    SeatsOutput {
        kind,
        status,
        explanation: report.explanation,
    }
}

impl SeatsOutput {
    /// The result and its explanation in English, for the CLI.
    pub fn to_text(&self) -> String {
        let mut out = crate::explain::to_text(&self.explanation);
        out.push('\n');
        match &self.status {
            Status::Completed {
                seats,
                elected,
                unfilled,
                ..
            } => {
                out.push_str("Result: completed.\n");
                for l in seats.iter().flatten() {
                    out.push_str(&format!("  {}: {} seat(s)\n", l.id, l.seats));
                }
                for e in elected.iter().flatten() {
                    let reserved = if e.reserved { ", reserved mandate" } else { "" };
                    out.push_str(&format!(
                        "  {} ({}, {} votes{reserved})\n",
                        e.id, e.sex, e.votes
                    ));
                }
                if *unfilled > 0 {
                    out.push_str(&format!("  unfilled: {unfilled}\n"));
                }
            }
            Status::LotsRequired {
                phase,
                tied,
                seats_in_question,
            } => out.push_str(&format!(
                "Result: lots required for {seats_in_question} {phase} seat(s) among {}. Re-submit with \"lots\": [{{\"tied\": [...], \"winners\": [...]}}].\n",
                tied.join(", ")
            )),
            Status::Failed { reason } => out.push_str(&format!("Result: failed: {reason}.\n")),
        }
        out
    }
}

/// Parses and allocates.
pub fn run(input: &str) -> Result<SeatsOutput, SeatsInputError> {
    parse_input(input)?.allocate()
}

/// Parses and allocates, returning the output contract as JSON.
pub fn run_json(input: &str) -> Result<Value, SeatsInputError> {
    let output = run(input)?;
    // The output types have string keys and u64 numbers only, which JSON always represents.
    Ok(serde_json::to_value(output).expect("seats output always serializes to JSON"))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::too_many_lines,
    reason = "tests fail loudly on unexpected outcomes, and read as one scenario each"
)]
mod tests {
    use serde_json::json;

    use super::*;

    const BISHKEK: &str = r#"{"kind": "party_list", "seats": 51, "took_part": 131613,
        "threshold_percent": 5, "against_all": 8746, "lists": [
        {"id": "zhany_kuch", "votes": 37903}, {"id": "emgek", "votes": 28647},
        {"id": "yntymak", "votes": 18613}, {"id": "adilet", "votes": 17858},
        {"id": "el_umutu", "votes": 14514}, {"id": "other_1", "votes": 2500},
        {"id": "other_2", "votes": 1800}, {"id": "other_3", "votes": 700}]}"#;

    #[test]
    fn res_12_bishkek_through_the_json_contract() {
        let out = run_json(BISHKEK).unwrap();
        assert_eq!(out["status"], "completed");
        assert_eq!(out["kind"], "party_list");
        let seats: Vec<(String, u64)> = out["seats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["id"].as_str().unwrap().to_owned(),
                    l["seats"].as_u64().unwrap(),
                )
            })
            .filter(|(_, s)| *s > 0)
            .collect();
        assert_eq!(
            seats,
            [
                ("zhany_kuch".to_owned(), 17),
                ("emgek".to_owned(), 12),
                ("yntymak".to_owned(), 8),
                ("adilet".to_owned(), 8),
                ("el_umutu".to_owned(), 6)
            ]
        );
        assert_eq!(out["against_all"], 8746);
        let quota = out["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == "quota")
            .unwrap();
        assert_eq!(
            *quota,
            json!({"code": "quota", "total_votes": 117535, "seats": 51,
                   "quota": {"numerator": 117535, "denominator": 51}})
        );
    }

    #[test]
    fn district_output_shape() {
        let out = run_json(
            r#"{"kind": "district_plurality", "seats": 2, "candidates": [
                {"id": "c1", "sex": "male", "votes": 120},
                {"id": "c2", "sex": "female", "votes": 30},
                {"id": "c3", "sex": "male", "votes": 90}]}"#,
        )
        .unwrap();
        assert_eq!(out["status"], "completed");
        assert_eq!(
            out["elected"],
            json!([{"id": "c2", "sex": "female", "votes": 30, "reserved": true},
                   {"id": "c1", "sex": "male", "votes": 120, "reserved": false}])
        );
        assert_eq!(
            out["explanation"][0],
            json!({"code": "reserved_mandates", "seats": 2, "reserved": 1, "by_default": true})
        );
    }

    #[test]
    fn lots_round_trip_through_json() {
        let input = r#"{"kind": "district_plurality", "seats": 1, "candidates": [
                {"id": "a", "sex": "female", "votes": 7},
                {"id": "b", "sex": "female", "votes": 7}]}"#;
        let out = run_json(input).unwrap();
        assert_eq!(out["status"], "lots_required");
        assert_eq!(out["phase"], "reserved");
        assert_eq!(out["tied"], json!(["a", "b"]));
        assert_eq!(out["seats_in_question"], 1);
        let again = input.replace(
            "\"candidates\"",
            r#""lots": [{"tied": ["b", "a"], "winners": ["b"]}], "candidates""#,
        );
        let out = run_json(&again).unwrap();
        assert_eq!(out["status"], "completed");
        assert_eq!(out["elected"][0]["id"], "b");
    }

    #[test]
    fn failed_output_has_a_reason_code() {
        let out = run_json(
            r#"{"kind": "party_list", "seats": 3, "took_part": 100, "against_all": 99,
                "lists": [{"id": "a", "votes": 1}]}"#,
        )
        .unwrap();
        assert_eq!(out["status"], "failed");
        assert_eq!(out["reason"], "no_list_passed_threshold");
    }

    fn field_of(input: &str) -> String {
        run_json(input)
            .unwrap_err()
            .field()
            .unwrap_or("")
            .to_owned()
    }

    #[test]
    fn malformed_input_names_the_field() {
        assert!(matches!(
            run_json("{not json").unwrap_err(),
            SeatsInputError::Syntax { .. }
        ));
        assert_eq!(field_of("[1, 2]"), ".");
        assert_eq!(field_of(r#"{"seats": 3}"#), ".");
        assert_eq!(field_of(r#"{"kind": "mayor"}"#), "kind");
        let pl = |body: &str| format!(r#"{{"kind": "party_list", {body}}}"#);
        assert_eq!(
            field_of(&pl(
                r#""seats": -1, "took_part": 1, "against_all": 0, "lists": []"#
            )),
            "seats"
        );
        assert_eq!(
            field_of(&pl(
                r#""seats": 0, "took_part": 1, "against_all": 0, "lists": []"#
            )),
            "seats"
        );
        let missing = run_json(&pl(r#""seats": 3, "against_all": 0, "lists": []"#)).unwrap_err();
        assert!(missing.to_string().contains("took_part"), "{missing}");
        assert_eq!(
            field_of(&pl(
                r#""seats": 3, "took_part": 9, "against_all": 0, "lists": [{"id": "a", "votes": 1.5}]"#
            )),
            "lists[0].votes"
        );
        assert_eq!(
            field_of(&pl(
                r#""seats": 3, "took_part": 9, "against_all": 0, "lists": [{"id": "a", "votes": 1, "colour": "red"}]"#
            )),
            "lists[0].colour"
        );
        assert_eq!(
            field_of(&pl(
                r#""seats": 3, "took_part": 9, "against_all": 0, "lists": [{"id": "a", "votes": 1}, {"id": "a", "votes": 2}]"#
            )),
            "lists[1].id"
        );
        assert_eq!(
            field_of(&pl(
                r#""seats": 3, "took_part": 9, "against_all": 1, "lists": [{"id": "a", "votes": 9}]"#
            )),
            "took_part"
        );
        let d = |body: &str| format!(r#"{{"kind": "district_plurality", {body}}}"#);
        assert_eq!(
            field_of(&d(
                r#""seats": 3, "candidates": [{"id": "a", "sex": "x", "votes": 1}]"#
            )),
            "candidates[0].sex"
        );
        assert_eq!(
            field_of(&d(
                r#""seats": 3, "reserved_for_women": 4, "candidates": []"#
            )),
            "reserved_for_women"
        );
        assert_eq!(
            field_of(&d(
                r#""seats": 1, "candidates": [], "lots": [{"tied": ["a"], "winners": []}]"#
            )),
            "lots[0].tied"
        );
    }

    #[test]
    fn text_rendering_for_the_cli() {
        let text = run(BISHKEK).unwrap().to_text();
        assert!(text.contains("Result: completed."));
        assert!(text.contains("  zhany_kuch: 17 seat(s)"));
    }
}
