//! `shailoo rules set|show` as the CEC's operator runs them, and `seats` and `districts` with
//! `--election` applying the parameters in force: one generated election loaded into SQLite.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn shailoo(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shailoo"))
        .args(args)
        .env("SHAILOO_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The one exit-2 shape; returns its `error` object.
fn exit_2(o: &Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(2), "{}", err(o));
    assert!(o.stdout.is_empty(), "{}", out(o));
    let body: serde_json::Value = serde_json::from_str(err(o).trim()).unwrap();
    body["error"].clone()
}

/// 1 October 2024 in Bishkek: the 2024 election is called, voting has not opened.
const OPEN: &str = "2024-10-01T10:00:00+06:00";

#[test]
fn rules_set_and_show_and_the_commands_that_apply_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let o = shailoo(
        &[
            "generate",
            "--scale",
            "small",
            "--seed",
            "7",
            "--out",
            data.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", err(&o));
    let o = shailoo(
        &["load", "--db", &db, "--data", data.to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", err(&o));

    let set = |file: &str, at: &str| {
        shailoo(
            &["rules", "set", "--db", &db, "--file", "-", "--at", at],
            Some(file),
        )
    };
    let show = || {
        let o = shailoo(&["rules", "show", "--db", &db, "--format", "json"], None);
        assert!(o.status.success(), "{}", err(&o));
        let rows: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
        rows
    };
    let row = |rows: &serde_json::Value, key: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .unwrap()
            .clone()
    };

    // Set two parameters.
    let o = set(
        r#"{"threshold_percent": 7, "max_deviation_percent": 20}"#,
        OPEN,
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("threshold_percent: 5 -> 7"), "{}", out(&o));
    let rows = show();
    let threshold = row(&rows, "threshold_percent");
    assert_eq!(threshold["value"], "7");
    assert_eq!(threshold["default"], "5");
    assert_eq!(threshold["set_by"], "system");
    assert_eq!(threshold["set_at"], "2024-10-01T04:00:00Z");
    assert_eq!(
        row(&rows, "voter_min_age")["set_by"],
        serde_json::Value::Null
    );
    assert_eq!(
        row(&rows, "appeal_filing_days")["applied_by"],
        serde_json::json!([])
    );

    // A misspelt key and a bad value: both named, nothing stored.
    let o = set(r#"{"treshold_percent": 6, "voter_min_age": "old"}"#, OPEN);
    let e = exit_2(&o);
    assert_eq!(e["field"], "treshold_percent");
    assert_eq!(e["code"], "param_unknown_key");
    assert!(
        e["message"].as_str().unwrap().contains("voter_min_age"),
        "{e}"
    );
    // Values no rule can work with, and a parameter no part of shailoo applies yet.
    assert_eq!(
        exit_2(&set(r#"{"threshold_percent": 150}"#, OPEN))["field"],
        "threshold_percent"
    );
    assert_eq!(
        exit_2(&set(r#"{"appeal_filing_days": 5}"#, OPEN))["code"],
        "param_not_applied"
    );
    assert_eq!(exit_2(&set("[1]", OPEN))["code"], "param_not_an_object");
    // Once voting has opened, the rules of the count are fixed.
    let o = set(r#"{"threshold_percent": 6}"#, "2024-11-17T08:00:00+06:00");
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("closed"), "{}", err(&o));
    assert_eq!(row(&show(), "threshold_percent")["value"], "7");

    // `seats --election`: the threshold in force (7%) applies; b's 60 of 1,000 fail it.
    let city = r#"{"kind": "party_list", "seats": 10, "took_part": 1000, "against_all": 0,
        "lists": [{"id": "a", "votes": 940}, {"id": "b", "votes": 60}]}"#;
    let seats_of_b = |o: &Output| {
        assert!(o.status.success(), "{}", err(o));
        let v: serde_json::Value = serde_json::from_str(&out(o)).unwrap();
        v["seats"][1]["seats"].as_u64().unwrap()
    };
    let election = "local-2024";
    assert_eq!(
        seats_of_b(&shailoo(&["seats", "--input", "-"], Some(city))),
        1
    );
    assert_eq!(
        seats_of_b(&shailoo(
            &["seats", "--input", "-", "--db", &db, "--election", election],
            Some(city)
        )),
        0
    );
    // An input that says otherwise is refused, naming the field.
    let conflicting = city.replace("\"seats\": 10", "\"seats\": 10, \"threshold_percent\": 5");
    let o = shailoo(
        &["seats", "--input", "-", "--db", &db, "--election", election],
        Some(&conflicting),
    );
    assert_eq!(exit_2(&o)["field"], "threshold_percent");

    // `districts check --election`: 18% from the norm passes at the 20% in force.
    let scheme = r#"{"seats": 4, "units": [
        {"id": "a", "voters": 2360, "neighbors": ["b"]}, {"id": "b", "voters": 1640, "neighbors": ["a"]}],
        "districts": [{"id": "1", "units": ["a"], "seats": 2}, {"id": "2", "units": ["b"], "seats": 2}]}"#;
    let o = shailoo(&["districts", "check", "--input", "-"], Some(scheme));
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let o = shailoo(
        &[
            "districts",
            "check",
            "--input",
            "-",
            "--db",
            &db,
            "--election",
            election,
        ],
        Some(scheme),
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));

    let o = shailoo(&["audit", "verify", "--db", &db], None);
    assert!(o.status.success(), "{}", err(&o));
}
