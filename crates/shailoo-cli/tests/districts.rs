//! `shailoo districts propose|check|units` as a user runs them: the JSON contract of issue 5
//! and the exit codes (0 valid, 1 no valid scheme or an invalid scheme, 2 malformed input).

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

#[test]
fn propose_on_malformed_input_exits_2_naming_the_field() {
    let out = shailoo_stdin(
        &["districts", "propose", "--input", "-"],
        r#"{"seats": 5, "units": [{"id": "a", "voters": "many"}]}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("units[0].voters"), "{}", stderr(&out));
    let out = shailoo_stdin(
        &["districts", "propose", "--input", "-"],
        r#"{"seats": 5, "units": [{"id": "a", "voters": 5, "neighbors": ["x"]}]}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("units[0].neighbors[0]"),
        "{}",
        stderr(&out)
    );
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
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("districts[0].seats"),
        "{}",
        stderr(&out)
    );
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
