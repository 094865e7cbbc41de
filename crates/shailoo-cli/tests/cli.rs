//! The `shailoo` binary as a user runs it: exit codes, output shapes and error messages.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn shailoo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shailoo"))
        .args(args)
        .env_remove("SHAILOO_DB")
        .env("SHAILOO_LOG", "warn")
        .output()
        .expect("the binary runs")
}

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

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn calendar_json_prints_the_2024_deadlines() {
    let out = shailoo(&[
        "calendar",
        "--called",
        "2024-09-06",
        "--voting-day",
        "2024-11-17",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let deadlines: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let list = deadlines.as_array().unwrap();
    let cal07 = list.iter().find(|d| d["id"] == "CAL-07").unwrap();
    assert_eq!(
        cal07,
        &serde_json::json!({"id": "CAL-07", "name": "city_nomination_closes", "date": "2024-10-07", "time": "18:00"})
    );
    let cal11 = list.iter().find(|d| d["id"] == "CAL-11").unwrap();
    assert_eq!(cal11["date"], "2024-11-01");
    assert!(cal11["time"].is_null());
}

#[test]
fn calendar_refuses_bad_dates_clearly() {
    let out = shailoo(&[
        "calendar",
        "--called",
        "2024-13-06",
        "--voting-day",
        "2024-11-17",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--called"), "{}", stderr(&out));

    let out = shailoo(&[
        "calendar",
        "--called",
        "2024-11-17",
        "--voting-day",
        "2024-09-06",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("voting day"), "{}", stderr(&out));
}

#[test]
fn seats_reproduces_bishkek_2024_from_stdin() {
    let input = r#"{"kind": "party_list", "seats": 51, "took_part": 131613,
        "lists": [{"id": "zhany-kuch", "votes": 37903}, {"id": "emgek", "votes": 28647},
                  {"id": "yntymak", "votes": 18613}, {"id": "adilet", "votes": 17858},
                  {"id": "el-umutu", "votes": 14514}, {"id": "other", "votes": 4000}],
        "against_all": 8746}"#;
    let out = shailoo_stdin(&["seats", "--input", "-"], input);
    assert!(out.status.success(), "{}", stderr(&out));
    let result: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(result["status"], "completed");
    let seats: Vec<(String, u64)> = result["seats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_owned(),
                s["seats"].as_u64().unwrap(),
            )
        })
        .collect();
    for (id, expected) in [
        ("zhany-kuch", 17),
        ("emgek", 12),
        ("yntymak", 8),
        ("adilet", 8),
        ("el-umutu", 6),
        ("other", 0),
    ] {
        assert!(
            seats.contains(&(id.to_owned(), expected)),
            "{id}: {seats:?}"
        );
    }
}

#[test]
fn seats_names_the_bad_field_and_exits_2() {
    let out = shailoo_stdin(
        &["seats", "--input", "-"],
        r#"{"kind": "district_plurality", "seats": 3, "candidates": [{"id": "c1", "sex": "x", "votes": 1}]}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    // The one exit-2 shape: nothing on standard output, one JSON line on standard error.
    assert!(out.stdout.is_empty());
    let body: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(body["error"]["field"], "candidates[0].sex");
    assert_eq!(body["error"]["code"], "schema");
    assert!(body["error"]["message"].is_string());
}

#[test]
fn an_unknown_database_scheme_is_a_clear_error() {
    let out = shailoo(&["migrate", "--db", "mysql://localhost/x"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("unsupported database URL"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_unreachable_postgres_is_a_clear_error() {
    let out = shailoo(&[
        "migrate",
        "--db",
        "postgres://nobody:secret@127.0.0.1:1/none",
    ]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("database unavailable"), "{err}");
    assert!(
        !err.contains("secret"),
        "the password is not printed: {err}"
    );
}

#[test]
fn generate_load_add_user_and_verify_the_audit_chain() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let out = shailoo(&[
        "generate",
        "--scale",
        "small",
        "--seed",
        "7",
        "--out",
        data.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(data.join("register.csv").exists());

    let out = shailoo(&["load", "--db", &db, "--data", data.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("register:"), "{}", stdout(&out));

    // Loading the same setup twice changes nothing and says why.
    let out = shailoo(&["load", "--db", &db, "--data", data.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));

    let mut add = Command::new(env!("CARGO_BIN_EXE_shailoo"));
    add.args([
        "user",
        "add",
        "--db",
        &db,
        "--username",
        "cec.admin",
        "--name",
        "Admin",
        "--role",
        "cec_admin",
        "--commission",
        "cec",
    ])
    .env("SHAILOO_PASSWORD", "a-long-enough-password");
    let out = add.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    // A role at the wrong level of the hierarchy is refused.
    let mut add = Command::new(env!("CARGO_BIN_EXE_shailoo"));
    add.args([
        "user",
        "add",
        "--db",
        &db,
        "--username",
        "wrong",
        "--name",
        "W",
        "--role",
        "pec_member",
        "--commission",
        "cec",
    ])
    .env("SHAILOO_PASSWORD", "a-long-enough-password");
    let out = add.output().unwrap();
    assert!(!out.status.success());

    let out = shailoo(&["audit", "verify", "--db", &db]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        // setup, districting units (issue 5), register, user
        stdout(&out).contains("audit chain intact: 4 entries"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_malformed_register_row_aborts_the_load_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let out = shailoo(&[
        "generate",
        "--scale",
        "small",
        "--seed",
        "7",
        "--out",
        data.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let register = data.join("register.csv");
    let text = std::fs::read_to_string(&register).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[100] = lines[100].replacen(|c: char| c.is_ascii_digit(), "x", 1);
    std::fs::write(&register, lines.join("\n") + "\n").unwrap();

    let out = shailoo(&["load", "--db", &db, "--data", data.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("line 101"), "{err}");
    assert!(err.contains("nothing of it was stored"), "{err}");
}

#[test]
fn every_subcommand_explains_itself() {
    let out = shailoo(&["--help"]);
    let help = stdout(&out);
    for command in [
        "serve", "demo", "migrate", "generate", "load", "calendar", "user", "audit", "seats",
    ] {
        assert!(help.contains(command), "{command} missing from --help");
    }
}
