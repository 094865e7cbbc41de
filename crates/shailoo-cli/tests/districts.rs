//! `shailoo districts propose|check|units` as a user runs them: the JSON contract of issue 5
//! and the exit codes (0 valid, 1 no valid scheme or an invalid scheme, 2 malformed input).

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn shailoo_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shailoo"))
        .args(args)
        .env("SHAILOO_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn shailoo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shailoo"))
        .args(args)
        .env("SHAILOO_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Eight units in a ring of 1,000 voters each, 16 seats.
fn ring(districts: Option<u32>) -> String {
    let units: Vec<serde_json::Value> = (0..8)
        .map(|i| {
            serde_json::json!({"id": format!("u{i}"), "voters": 1000, "remote": false,
                "neighbors": [format!("u{}", (i + 1) % 8)]})
        })
        .collect();
    let mut input = serde_json::json!({"seats": 16, "units": units});
    if let Some(k) = districts {
        input["districts"] = k.into();
    }
    input.to_string()
}

#[test]
fn dis_03_propose_prints_a_valid_scheme_in_the_documented_shape() {
    let out = shailoo_stdin(&["districts", "propose", "--input", "-"], &ring(Some(4)));
    assert!(out.status.success(), "{}", stderr(&out));
    let p = json(&out);
    let districts = p["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 4);
    let mut seats = 0;
    for d in districts {
        // Every unit holds exactly two norms (1,000 voters, 500 per mandate), so every
        // grouping has an exact split: the deviations are all 0.
        let units = d["units"].as_array().unwrap().len() as u64;
        let m = d["seats"].as_u64().unwrap();
        assert_eq!(m, 2 * units);
        assert_eq!(d["voters"], 1000 * units);
        assert_eq!(d["deviation_percent"], 0.0);
        // DIS-04: ceil(0.3 × m).
        assert_eq!(
            d["reserved_for_women"].as_u64().unwrap(),
            (3 * m).div_ceil(10)
        );
        assert!(d["id"].is_string());
        seats += m;
    }
    assert_eq!(seats, 16);
    assert_eq!(p["max_deviation_percent"], 0.0);
    // A ring cut into four arcs crosses exactly four borders.
    assert_eq!(p["cut_edges"], 4);

    // The same seed gives the same bytes.
    let again = shailoo_stdin(&["districts", "propose", "--input", "-"], &ring(Some(4)));
    assert_eq!(out.stdout, again.stdout);
}

#[test]
fn dis_01_propose_without_a_valid_scheme_exits_1_with_the_reason() {
    let input = r#"{"seats": 5, "units": [
        {"id": "big", "voters": 9000, "neighbors": ["small"]},
        {"id": "small", "voters": 1000}], "magnitude": {"min": 1, "max": 3}}"#;
    let out = shailoo_stdin(&["districts", "propose", "--input", "-"], input);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let body = json(&out);
    assert_eq!(body["error"]["code"], "unit_too_large");
    assert_eq!(body["error"]["unit"], "big");
    assert!(stderr(&out).contains("unit big alone holds 9000 voters"));
}

/// The one shape of an exit-2 answer: exit code 2, nothing on standard output, one line of
/// JSON on standard error; returns its `error` object.
fn exit_2(out: &Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = stderr(out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let body: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
    let error = body["error"].clone();
    assert!(error["code"].is_string(), "{err}");
    assert!(error["message"].is_string(), "{err}");
    error
}

#[test]
fn propose_on_malformed_input_exits_2_naming_the_field() {
    let out = shailoo_stdin(
        &["districts", "propose", "--input", "-"],
        r#"{"seats": 5, "units": [{"id": "a", "voters": "many"}]}"#,
    );
    assert_eq!(exit_2(&out)["field"], "units[0].voters");
    // A neighbour that is not a unit: found by the proposer, the same shape.
    let out = shailoo_stdin(
        &["districts", "propose", "--input", "-"],
        r#"{"seats": 5, "units": [{"id": "a", "voters": 5, "neighbors": ["x"]}]}"#,
    );
    let error = exit_2(&out);
    assert_eq!(error["field"], "units[0].neighbors[0]");
    assert_eq!(error["code"], "invalid_input");
    // Not JSON at all: no field.
    let out = shailoo_stdin(&["districts", "check", "--input", "-"], "{\"seats\": ");
    let error = exit_2(&out);
    assert_eq!(error["code"], "syntax");
    assert!(error["field"].is_null());
}

#[test]
fn dis_03_a_misspelt_unit_field_is_named_not_read_as_no_borders() {
    // `neighbours` instead of `neighbors`: without the check the units had no borders and the
    // answer was a contiguity error about a district that is contiguous.
    let units = r#""units": [{"id": "a", "voters": 1000, "neighbours": ["b"]},
        {"id": "b", "voters": 1000, "neighbors": ["a"]}]"#;
    let out = shailoo_stdin(
        &["districts", "propose", "--input", "-"],
        &format!(r#"{{"seats": 2, {units}, "districts": 1}}"#),
    );
    let error = exit_2(&out);
    assert_eq!(error["field"], "units[0].neighbours");
    assert!(
        error["message"].as_str().unwrap().contains("neighbours"),
        "{error}"
    );
    let out = shailoo_stdin(
        &["districts", "check", "--input", "-"],
        &format!(
            r#"{{"seats": 2, {units}, "districts": [{{"id": "1", "units": ["a", "b"], "seats": 2}}]}}"#
        ),
    );
    assert_eq!(exit_2(&out)["field"], "units[0].neighbours");
}

#[test]
fn dis_01_the_remote_allowance_without_a_remote_unit_is_an_error() {
    // District 1 holds +18% of the norm: within 20%, but none of its units is remote.
    let scheme = |remote_unit: bool| {
        format!(
            r#"{{"seats": 4, "units": [
            {{"id": "a", "voters": 2360, "remote": {remote_unit}, "neighbors": ["b"]}},
            {{"id": "b", "voters": 1640, "neighbors": ["a"]}}],
            "districts": [{{"id": "1", "units": ["a"], "seats": 2, "remote": true}},
                          {{"id": "2", "units": ["b"], "seats": 2, "remote": true}}]}}"#
        )
    };
    let out = shailoo_stdin(&["districts", "check", "--input", "-"], &scheme(false));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let codes: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"DIS-01.remote_without_remote_unit"),
        "{codes:?}"
    );
    assert_eq!(report["districts"][0]["limit_percent"], 15);
    assert_eq!(report["warnings"], serde_json::json!([]));
    // With a remote unit in district 1 only district 2's claim is refused.
    let out = shailoo_stdin(&["districts", "check", "--input", "-"], &scheme(true));
    let report = json(&out);
    assert_eq!(report["districts"][0]["limit_percent"], 20);
    let refused: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["code"] == "DIS-01.remote_without_remote_unit")
        .map(|e| e["district"].as_str().unwrap())
        .collect();
    assert_eq!(refused, ["2"]);
}

#[test]
fn dis_03_a_council_object_of_district_units_json_is_accepted_as_it_stands() {
    let dir = tempfile::tempdir().unwrap();
    let out = shailoo(&[
        "generate",
        "--scale",
        "small",
        "--seed",
        "7",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let all: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("district_units.json")).unwrap())
            .unwrap();
    let council = all
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["units"].as_array().unwrap().len() >= 2)
        .unwrap()
        .clone();
    assert!(council["units"][0]["x_km"].is_number());
    let out = shailoo_stdin(
        &["districts", "propose", "--input", "-"],
        &council.to_string(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let proposal = json(&out);
    let mut scheme = council.clone();
    scheme["districts"] = proposal["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| serde_json::json!({"id": d["id"], "units": d["units"], "seats": d["seats"], "remote": d["remote"]}))
        .collect();
    let out = shailoo_stdin(&["districts", "check", "--input", "-"], &scheme.to_string());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn dis_03_check_reports_findings_with_codes_and_exit_codes() {
    let valid = r#"{"seats": 2, "units": [
        {"id": "a", "voters": 1000, "neighbors": ["b"]}, {"id": "b", "voters": 1000}],
        "districts": [{"id": "1", "units": ["a"], "seats": 1}, {"id": "2", "units": ["b"], "seats": 1}]}"#;
    let out = shailoo_stdin(&["districts", "check", "--input", "-"], valid);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["errors"], serde_json::json!([]));

    let invalid = r#"{"seats": 2, "units": [
        {"id": "a", "voters": 1500, "neighbors": ["b"]}, {"id": "b", "voters": 500}],
        "districts": [{"id": "1", "units": ["a"], "seats": 1}, {"id": "2", "units": ["b"], "seats": 1}]}"#;
    let out = shailoo_stdin(&["districts", "check", "--input", "-"], invalid);
    assert_eq!(out.status.code(), Some(1));
    let codes: Vec<String> = json(&out)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        codes,
        ["DIS-01.deviation_exceeded", "DIS-01.deviation_exceeded"]
    );

    let out = shailoo_stdin(
        &["districts", "check", "--input", "-"],
        r#"{"seats": 2, "units": [], "districts": [{"id": "1", "units": [], "seats": "two"}]}"#,
    );
    assert_eq!(exit_2(&out)["field"], "districts[0].seats");
}

#[test]
fn dis_03_a_proposal_passes_check_and_generated_councils_can_be_proposed() {
    let out = shailoo_stdin(&["districts", "propose", "--input", "-"], &ring(None));
    assert!(out.status.success(), "{}", stderr(&out));
    let p = json(&out);
    // Feed the proposal back as a scheme: the check agrees.
    let input: serde_json::Value = serde_json::from_str(&ring(None)).unwrap();
    let scheme = serde_json::json!({
        "seats": 16,
        "units": input["units"],
        "districts": p["districts"].as_array().unwrap().iter().map(|d| serde_json::json!({
            "id": d["id"], "units": d["units"], "seats": d["seats"], "remote": d["remote"]
        })).collect::<Vec<_>>(),
    });
    let out = shailoo_stdin(&["districts", "check", "--input", "-"], &scheme.to_string());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // An aiyl council of the generated national data, by id.
    let list = shailoo(&["districts", "units"]);
    assert!(list.status.success());
    let first = String::from_utf8_lossy(&list.stdout)
        .lines()
        .next()
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_owned();
    let out = shailoo(&["districts", "propose", "--council", &first, "--seed", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(json(&out)["districts"].as_array().unwrap().len() >= 2);
    let out = shailoo(&["districts", "propose", "--council", "nowhere"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no aiyl council"), "{}", stderr(&out));
}
