//! The `shailoo` binary as a user runs it: exit codes, output shapes and error messages.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
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
    // setup, districting units (issue 5), register, the candidacies (issue 14: parties,
    // schemes, every step of every nomination), user
    let entries: u64 = stdout(&out)
        .split("audit chain intact: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", stdout(&out)));
    assert!(entries > 4 + 39, "{}", stdout(&out));
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

/// A loaded small dataset (3 audit entries) in a temp directory.
fn loaded_database() -> (tempfile::TempDir, String) {
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
    let out = shailoo(&["load", "--db", &db, "--data", data.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    (dir, db)
}

#[test]
fn audit_keygen_writes_a_key_only_its_owner_reads_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("commission.pem");
    let out = shailoo(&["audit", "keygen", "--out", key.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let private = std::fs::read_to_string(&key).unwrap();
    assert!(
        private.starts_with("-----BEGIN PRIVATE KEY-----"),
        "{private}"
    );
    let public = std::fs::read_to_string(dir.path().join("commission.pem.pub")).unwrap();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"), "{public}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let out = shailoo(&["audit", "keygen", "--out", key.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not overwritten"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&key).unwrap(), private);
}

#[test]
fn audit_checkpoint_without_a_key_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_shailoo"))
        .args(["audit", "checkpoint", "--db", &db])
        .env_remove("SHAILOO_AUDIT_KEY")
        .env("SHAILOO_LOG", "warn")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("SHAILOO_AUDIT_KEY") && err.contains("shailoo audit keygen --out"),
        "{err}"
    );
}

/// Issue 12: delete the newest audit rows and set the head row back, and the chain alone says
/// intact; a checkpoint signed before says what was removed.
#[test]
fn audit_verify_with_a_checkpoint_fails_on_a_log_truncated_with_its_head_set_back() {
    let (dir, db) = loaded_database();
    let key = dir.path().join("k.pem");
    let public = dir.path().join("k.pem.pub");
    let checkpoint = dir.path().join("checkpoint.json");
    let path = |p: &std::path::Path| p.to_str().unwrap().to_owned();
    assert!(
        shailoo(&["audit", "keygen", "--out", &path(&key)])
            .status
            .success()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_shailoo"))
        .args([
            "audit",
            "checkpoint",
            "--db",
            &db,
            "--out",
            &path(&checkpoint),
        ])
        .env("SHAILOO_AUDIT_KEY", &key)
        .env("SHAILOO_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&checkpoint).unwrap()).unwrap();
    // Everything the load wrote: setup, units, register and the candidacies' entries.
    let seq = file["seq"].as_u64().unwrap();
    assert!(seq > 3, "{file}");

    let verify = |extra: &[&str]| {
        let mut args = vec!["audit", "verify", "--db", &db];
        args.extend_from_slice(extra);
        shailoo(&args)
    };
    let pinned = [
        "--checkpoint",
        &path(&checkpoint),
        "--public-key",
        &path(&public),
    ];
    let out = verify(&pinned);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("holds; signed by") && stdout(&out).contains("--public-key"),
        "{}",
        stdout(&out)
    );

    let sqlite = dir.path().join("t.db");
    rusqlite::Connection::open(&sqlite)
        .unwrap()
        .execute_batch(
            "DELETE FROM audit_log WHERE seq > 1; \
             UPDATE audit_head SET count = 1, \
             last_hash = (SELECT hash FROM audit_log WHERE seq = 1) WHERE id = 1;",
        )
        .unwrap();
    let out = verify(&[]);
    assert!(out.status.success(), "the chain alone cannot see the cut");
    let out = verify(&pinned);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains(&format!(
            "entries 2 to {seq} were removed (the log was truncated)"
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn audit_verify_names_a_checkpoint_it_cannot_read_and_a_key_it_was_not_signed_with() {
    let (dir, db) = loaded_database();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    assert!(
        shailoo(&["audit", "keygen", "--out", &path("k.pem")])
            .status
            .success()
    );
    assert!(
        shailoo(&["audit", "keygen", "--out", &path("other.pem")])
            .status
            .success()
    );
    let out = shailoo(&["audit", "checkpoint", "--db", &db, "--key", &path("k.pem")]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(path("c.json"), &out.stdout).unwrap();

    // Signed by k.pem, checked against another published key: refused, naming both keys.
    let out = shailoo(&[
        "audit",
        "verify",
        "--db",
        &db,
        "--checkpoint",
        &path("c.json"),
        "--public-key",
        &path("other.pem.pub"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not by the trusted key"),
        "{}",
        stderr(&out)
    );

    // A checkpoint whose seq was edited: not this signature's statement any more.
    let text = std::fs::read_to_string(path("c.json")).unwrap();
    std::fs::write(path("edited.json"), {
        let seq: serde_json::Value = serde_json::from_str(&text).unwrap();
        let seq = seq["seq"].as_u64().unwrap();
        text.replace(&format!("\"seq\": {seq}"), &format!("\"seq\": {}", seq - 1))
    })
    .unwrap();
    let out = shailoo(&[
        "audit",
        "verify",
        "--db",
        &db,
        "--checkpoint",
        &path("edited.json"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("signature does not verify"),
        "{}",
        stderr(&out)
    );

    // Malformed: exit 2 with the field named.
    std::fs::write(
        path("bad.json"),
        text.replace("\"hash\": \"", "\"hash\": \"X"),
    )
    .unwrap();
    let out = shailoo(&[
        "audit",
        "verify",
        "--db",
        &db,
        "--checkpoint",
        &path("bad.json"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("field `hash`"), "{}", stderr(&out));
}
