//! `shailoo results import|show` as an operator runs them on a generated and loaded election:
//! each protocol through the checks of the form, refusals named with their code on standard
//! error while the rest proceed, and a council's result in the documented JSON shape.
//!
//! `shailoo load` loads the candidacies and fixes the city ballots when registration closes, so
//! the generated city protocols count the loaded ballots' options exactly.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::process::{Command, Output};

fn shailoo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shailoo"))
        .args(args)
        .env_remove("SHAILOO_DB")
        .env("SHAILOO_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Voting day, after the polls closed.
const EVENING: &str = "2024-11-17T21:00:00+06:00";

#[test]
fn results_import_checks_each_protocol_and_show_prints_the_council() {
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
    let generated = data.join("protocols.jsonl");
    let text = std::fs::read_to_string(&generated).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty());

    // Before the polls close: every protocol refused by the calendar.
    let out = shailoo(&[
        "results",
        "import",
        "--db",
        &db,
        generated.to_str().unwrap(),
        "--at",
        "2024-11-17T19:00:00+06:00",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("results_entry_closed"),
        "{}",
        stderr(&out)
    );

    // The generated city protocols, with one malformed line among them: every city protocol
    // accepted, the malformed line refused with its code, one JSON line.
    let city: Vec<serde_json::Value> = lines
        .iter()
        .filter(|l| l["protocol"]["contest"]["kind"] == "party_list")
        .cloned()
        .collect();
    assert!(!city.is_empty());
    let council = city[0]["council"].as_str().unwrap().to_owned();
    let mut file = String::new();
    let mut took_part = 0;
    for l in &city {
        if l["council"] == council.as_str() {
            took_part += l["protocol"]["voters_took_part"].as_u64().unwrap();
        }
        file.push_str(&l.to_string());
        file.push('\n');
    }
    file.push_str("{\"council\": \"x\", \"protocol\": {\"station\": -1}}\n");
    let mine = dir.path().join("mine.jsonl");
    std::fs::write(&mine, &file).unwrap();
    let out = shailoo(&[
        "results",
        "import",
        "--db",
        &db,
        mine.to_str().unwrap(),
        "--at",
        EVENING,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let n = file.lines().count() - 1;
    assert!(
        stdout(&out).contains(&format!("{n} protocol(s) accepted, 1 refused")),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("malformed_protocol"),
        "{}",
        stderr(&out)
    );
    // Entered once: again, each is refused as accepted already.
    let out = shailoo(&[
        "results",
        "import",
        "--db",
        &db,
        mine.to_str().unwrap(),
        "--at",
        EVENING,
    ]);
    assert!(
        stderr(&out).contains("results_already_accepted"),
        "{}",
        stderr(&out)
    );

    // The council's result: every protocol in, the registered lists counted.
    let out = shailoo(&[
        "results",
        "show",
        "--db",
        &db,
        "--council",
        &council,
        "--format",
        "json",
        "--at",
        EVENING,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(shown["council"], council.as_str());
    assert_ne!(shown["status"], "incomplete", "{shown}");
    assert_eq!(shown["took_part"], took_part);
    let options = shown["options"].as_array().unwrap();
    assert!(options.len() > 1, "{shown}");
    let against_all = options.iter().find(|o| o["id"] == "against_all").unwrap();
    assert_eq!(against_all["seats"], serde_json::Value::Null);
    let out = shailoo(&[
        "results",
        "show",
        "--db",
        &db,
        "--council",
        &council,
        "--at",
        EVENING,
    ]);
    assert!(stdout(&out).contains(&council), "{}", stdout(&out));
    // An unknown council is the command's contract broken: exit 2, one line of JSON.
    let out = shailoo(&[
        "results",
        "show",
        "--db",
        &db,
        "--council",
        "nowhere",
        "--at",
        EVENING,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown_council"), "{}", stderr(&out));
    // Every change left its audit entry in the chain.
    let out = shailoo(&["audit", "verify", "--db", &db]);
    assert!(out.status.success(), "{}", stderr(&out));
}
