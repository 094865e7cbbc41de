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
    let n = file.lines().count() - 1;
    // In the middle of a batch, a copy of the last city protocol failing RES-05 (one ballot
    // received too many), before the protocol itself: refused alone, its batch accepted.
    let mut unbalanced = city[city.len() - 1].clone();
    let received = unbalanced["protocol"]["ballots_received"].as_u64().unwrap();
    unbalanced["protocol"]["ballots_received"] = (received + 1).into();
    let mut with_unbalanced: Vec<String> = file.lines().map(str::to_owned).collect();
    with_unbalanced.insert(n - 1, unbalanced.to_string());
    let file = with_unbalanced.join("\n") + "\n";
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
        "--batch",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("{n} protocol(s) accepted, 2 refused")),
        "{}",
        stdout(&out)
    );
    let refused: serde_json::Value = stderr(&out)
        .lines()
        .find(|l| l.contains("results_checks_failed"))
        .map(|l| serde_json::from_str(l).unwrap())
        .unwrap_or_else(|| panic!("{}", stderr(&out)));
    assert_eq!(refused["line"], n as u64);
    assert!(
        refused["checks"]
            .as_array()
            .unwrap()
            .contains(&"RES-05.received_balance".into()),
        "{refused}"
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

/// i15-public: a loaded nomination keeps its id in the files as its reference, so the
/// generated aiyl protocols, which name each district candidate `{nomination}-1`, count the
/// loaded ballots' options exactly: every generated protocol is accepted. Then the export
/// (open data, NIST ERR valid against the v2 schema, the signed log) verifies with no
/// database, and an altered copy fails naming its first difference.
#[test]
fn every_generated_protocol_is_accepted_and_the_export_verifies_until_altered() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let out = shailoo(&[
        "generate",
        "--scale",
        "small",
        "--seed",
        "11",
        "--out",
        data.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = shailoo(&["load", "--db", &db, "--data", data.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let generated = data.join("protocols.jsonl");
    let text = std::fs::read_to_string(&generated).unwrap();
    let total = text.lines().count();
    let aiyl = text
        .lines()
        .filter(|l| l.contains("\"kind\":\"district\""))
        .count();
    assert!(aiyl > 0, "the small scale generates aiyl protocols");
    let out = shailoo(&[
        "results",
        "import",
        "--db",
        &db,
        generated.to_str().unwrap(),
        "--at",
        EVENING,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("{total} protocol(s) accepted, 0 refused")),
        "{}",
        stdout(&out)
    );

    // The export, signed with a key of the commission.
    let key = dir.path().join("cec.key");
    let out = shailoo(&["audit", "keygen", "--out", key.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let export = dir.path().join("export");
    let out = shailoo(&[
        "results",
        "export",
        "--db",
        &db,
        "--out",
        export.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--at",
        EVENING,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let entries = std::fs::read_to_string(export.join("log/entries.jsonl")).unwrap();
    assert_eq!(
        entries.lines().count(),
        total,
        "one log entry per accepted protocol"
    );
    let protocols = std::fs::read_to_string(export.join("protocols.csv")).unwrap();
    assert_eq!(protocols.lines().count(), total + 1);

    // The NIST ERR report validates against the v2 schema.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/schemas/NIST_V2_election_results_reporting.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(export.join("err.json")).unwrap()).unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report["Status"], "unofficial-complete");

    // Verified with the commission's published key, and with the one in the directory.
    let public = format!("{}.pub", key.display());
    let out = shailoo(&["verify", export.to_str().unwrap(), "--public-key", &public]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("verified"), "{}", stdout(&out));
    let out = shailoo(&["verify", export.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Altered copies: each fails with exit code 1 naming its first difference.
    let altered = |file: &str, change: &dyn Fn(&str) -> String| {
        let copy = dir
            .path()
            .join(format!("altered-{}", file.replace('/', "-")));
        copy_dir(&export, &copy);
        let text = std::fs::read_to_string(copy.join(file)).unwrap();
        let changed = change(&text);
        assert_ne!(changed, text, "the alteration of {file} changes it");
        std::fs::write(copy.join(file), changed).unwrap();
        let out = shailoo(&["verify", copy.to_str().unwrap(), "--public-key", &public]);
        assert_eq!(out.status.code(), Some(1), "{file}: {}", stdout(&out));
        stderr(&out)
    };
    // A vote in the log: the entry's hash no longer holds.
    let said = altered("log/entries.jsonl", &|t| {
        let first = t.lines().next().unwrap();
        let v: serde_json::Value = serde_json::from_str(first).unwrap();
        let votes = v["protocol"]["votes"][0]["votes"].as_u64().unwrap();
        let changed = first.replacen(
            &format!("\"votes\":{votes}"),
            &format!("\"votes\":{}", votes + 1),
            1,
        );
        t.replacen(first, &changed, 1)
    });
    assert!(said.contains("log entry 1 was altered"), "{said}");
    // A sum in results.json.
    let said = altered("results.json", &|t| {
        let v: serde_json::Value = serde_json::from_str(t).unwrap();
        let took = v["councils"][0]["took_part"].as_u64().unwrap();
        t.replacen(
            &format!("\"took_part\": {took}"),
            &format!("\"took_part\": {}", took + 10),
            1,
        )
    });
    assert!(said.contains("voters took part by the log"), "{said}");
    // A count in the station CSV.
    let said = altered("votes.csv", &|t| {
        let line = t.lines().nth(1).unwrap();
        let (head, votes) = line.rsplit_once(',').unwrap();
        let n: u64 = votes.parse().unwrap();
        t.replacen(line, &format!("{head},{}", n + 1), 1)
    });
    assert!(said.contains("votes.csv line 2 differs"), "{said}");
    // A checkpoint signed by another key.
    let other = dir.path().join("other.key");
    let out = shailoo(&["audit", "keygen", "--out", other.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = shailoo(&[
        "verify",
        export.to_str().unwrap(),
        "--public-key",
        &format!("{}.pub", other.display()),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("checkpoint 1"), "{}", stderr(&out));
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
