//! `shailoo register` as an operator runs it: import (all or nothing, with the bad line named),
//! re-import as a dry run until its difference is confirmed (a large removal only with the
//! removal limit overridden by name), compile, the publication calendar, the lists final after
//! CAL-12, and the staff's "why not on the list?".

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn shailoo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shailoo"))
        .args(args)
        .env_remove("SHAILOO_DB")
        .env("SHAILOO_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = shailoo(args);
    assert!(
        out.status.success(),
        "shailoo {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fails(args: &[&str]) -> String {
    let out = shailoo(args);
    assert!(!out.status.success(), "shailoo {args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A small generated dataset, a copy of its setup with an empty register, and a database with
/// that setup loaded.
struct World {
    _dir: tempfile::TempDir,
    data: PathBuf,
    db: String,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("small");
        ok(&[
            "generate",
            "--scale",
            "small",
            "--seed",
            "7",
            "--out",
            data.to_str().unwrap(),
        ]);
        let setup = dir.path().join("setup");
        std::fs::create_dir(&setup).unwrap();
        // The setup without the candidacies: their candidates are persons of the register,
        // which this copy leaves empty.
        let candidacies = ["parties.csv", "nominations.csv", "candidates.csv"];
        for entry in std::fs::read_dir(&data).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap();
            if !candidacies.iter().any(|c| name == *c) {
                std::fs::copy(&path, setup.join(name)).unwrap();
            }
        }
        let header = lines(&data.join("register.csv"))[0].clone();
        std::fs::write(setup.join("register.csv"), format!("{header}\n")).unwrap();
        let db = format!("sqlite://{}", dir.path().join("shailoo.db").display());
        ok(&["load", "--db", &db, "--data", setup.to_str().unwrap()]);
        World {
            _dir: dir,
            data,
            db,
        }
    }

    fn register(&self) -> PathBuf {
        self.data.join("register.csv")
    }

    fn manifest(&self) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(self.data.join("manifest.json")).unwrap())
            .unwrap()
    }

    fn import_json(&self, file: &Path, extra: &[&str]) -> serde_json::Value {
        let mut args = vec![
            "register",
            "import",
            "--db",
            &self.db,
            file.to_str().unwrap(),
            "--json",
        ];
        args.extend_from_slice(extra);
        serde_json::from_str(&ok(&args)).unwrap()
    }

    fn status(&self) -> serde_json::Value {
        serde_json::from_str(&ok(&["register", "status", "--db", &self.db, "--json"])).unwrap()
    }
}

/// 1 October 2024, 12:00 in Bishkek: the lists may be compiled (until the end of CAL-12).
const OPEN: &str = "2024-10-01T12:00:00+06:00";

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn import_with_compile_puts_the_manifests_eligible_persons_on_the_lists() {
    let w = World::new();
    let report = w.import_json(&w.register(), &["--compile", "--at", OPEN]);
    let counts = &w.manifest()["counts"];
    assert_eq!(report["import_id"], 1);
    assert_eq!(report["added"], counts["persons"]);
    assert_eq!(report["persons"], counts["persons"]);
    assert_eq!(report["compiled"]["election"], "local-2024");
    // The generator's own count of eligible persons (VOT-01…VOT-05) is the oracle.
    assert_eq!(report["compiled"]["eligible"], counts["eligible_persons"]);
    let status = w.status();
    assert_eq!(status["state"]["eligible"], counts["eligible_persons"]);
    let on_lists: u64 = status["councils"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["voters"].as_u64().unwrap())
        .sum();
    assert_eq!(Some(on_lists), counts["eligible_persons"].as_u64());
    assert!(ok(&["audit", "verify", "--db", &w.db]).contains("intact"));
}

#[test]
fn a_bad_row_aborts_with_its_line_number_and_imports_nothing() {
    let w = World::new();
    let mut rows = lines(&w.register());
    // Line 5 of the file (the header is line 1): a PIN one digit short.
    rows[4] = rows[4][1..].to_owned();
    let bad = w.data.join("bad.csv");
    std::fs::write(&bad, rows.join("\n") + "\n").unwrap();
    let err = fails(&[
        "register",
        "import",
        "--db",
        &w.db,
        bad.to_str().unwrap(),
        "--compile",
        "--at",
        OPEN,
    ]);
    assert!(err.contains("line 5"), "{err}");
    assert!(err.contains("column pin"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    let status = w.status();
    assert_eq!(status["imports"], serde_json::json!([]));
    assert!(status["state"].is_null());
}

#[test]
fn a_reimport_counts_what_changed_and_why_answers_for_staff() {
    let w = World::new();
    w.import_json(&w.register(), &[]);
    let rows = lines(&w.register());
    let persons = rows.len() - 1;
    // The newer extract: the last three persons are gone, one person lost biometrics.
    let mut newer: Vec<String> = rows[..rows.len() - 3].to_vec();
    let changed_pin = newer[2].split(',').next().unwrap().to_owned();
    assert!(newer[2].contains(",true,true,"), "fixture: {}", newer[2]);
    newer[2] = newer[2].replacen(",true,true,", ",true,false,", 1);
    let file = w.data.join("register-2.csv");
    std::fs::write(&file, newer.join("\n") + "\n").unwrap();
    // A dry run first: the difference and its id, nothing stored.
    let dry = w.import_json(&file, &["--election", "local-2024", "--at", OPEN]);
    assert_eq!(dry["applied"], false);
    assert_eq!(
        (dry["changed"].as_u64(), dry["removed"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(w.status()["imports"].as_array().unwrap().len(), 1);
    let id = dry["difference"].as_str().unwrap();
    let report = w.import_json(
        &file,
        &["--election", "local-2024", "--at", OPEN, "--confirm", id],
    );
    assert_eq!(report["applied"], true);
    assert_eq!(report["import_id"], 2);
    assert_eq!(report["added"], 0);
    assert_eq!(report["changed"], 1);
    assert_eq!(report["removed"], 3);
    assert_eq!(report["unchanged"], persons - 4);
    assert_eq!(
        report["compiled"]["by_reason"]["VOT-03_no_biometrics"]
            .as_u64()
            .map(|n| n >= 1),
        Some(true)
    );

    let why = ok(&["register", "why", "--db", &w.db, &changed_pin]);
    assert!(why.contains("not on a list"), "{why}");
    assert!(why.contains("VOT-03_no_biometrics"), "{why}");
    assert!(why.contains("import #2"), "{why}");
    assert!(why.contains("changed"), "{why}");
    let voter_pin = newer[1].split(',').next().unwrap();
    let why = ok(&["register", "why", "--db", &w.db, voter_pin]);
    assert!(why.contains("on the list of station"), "{why}");
    let gone = rows.last().unwrap().split(',').next().unwrap();
    let out = shailoo(&["register", "why", "--db", &w.db, gone]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("not in the population register"));
}

#[test]
fn publication_follows_the_calendar_and_frozen_lists_stay_put() {
    let w = World::new();
    w.import_json(&w.register(), &[]);
    let err = fails(&[
        "register",
        "publish",
        "--db",
        &w.db,
        "--at",
        "2024-09-23T09:00:00+06:00",
    ]);
    assert!(err.contains("not been compiled"), "{err}");
    ok(&["register", "compile", "--db", &w.db, "--at", OPEN]);
    let err = fails(&[
        "register",
        "publish",
        "--db",
        &w.db,
        "--at",
        "2024-09-22T12:00:00+06:00",
    ]);
    assert!(err.contains("CAL-02"), "{err}");
    assert!(err.contains("2024-09-23 00:00"), "{err}");
    ok(&[
        "register",
        "publish",
        "--db",
        &w.db,
        "--at",
        "2024-09-23T09:00:00+06:00",
    ]);
    let late = ok(&[
        "register",
        "post",
        "--db",
        &w.db,
        "--at",
        "2024-10-02T09:00:00+06:00",
    ]);
    assert!(
        late.contains("warning: posting was due by 2024-09-29 00:00"),
        "{late}"
    );
    let err = fails(&[
        "register",
        "freeze",
        "--db",
        &w.db,
        "--at",
        "2024-11-01T12:00:00+06:00",
    ]);
    assert!(err.contains("CAL-12"), "{err}");
    ok(&[
        "register",
        "freeze",
        "--db",
        &w.db,
        "--at",
        "2024-11-02T09:00:00+06:00",
    ]);
    // Final by the calendar: neither compiled nor re-imported again, the rule named.
    let err = fails(&["register", "compile", "--db", &w.db]);
    assert!(err.contains("CAL-12"), "{err}");
    let err = fails(&[
        "register",
        "import",
        "--db",
        &w.db,
        w.register().to_str().unwrap(),
        "--compile",
    ]);
    assert!(err.contains("CAL-12"), "{err}");
    // Frozen by the click too, for an instant the calendar would allow.
    let err = fails(&["register", "compile", "--db", &w.db, "--at", OPEN]);
    assert!(err.contains("final"), "{err}");
    let status = w.status();
    assert_eq!(status["state"]["frozen_at"], "2024-11-02T03:00:00Z");
    assert_eq!(
        status["state"]["eligible"],
        w.manifest()["counts"]["eligible_persons"]
    );
    assert!(ok(&["audit", "verify", "--db", &w.db]).contains("intact"));
}

#[test]
fn print_writes_a_stations_pdf_and_all_writes_one_per_station() {
    let w = World::new();
    let out = tempfile::tempdir().unwrap();
    // A register of the first 60 persons: lists at a few stations, quick to render.
    let small = out.path().join("register-60.csv");
    std::fs::write(&small, lines(&w.register())[..61].join("\n") + "\n").unwrap();
    let stations: Vec<String> = lines(&w.data.join("stations.csv"))[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    let one = out.path().join("one.pdf");
    let one = one.to_str().unwrap();
    let all = out.path().join("all");
    let all_dir = all.to_str().unwrap();
    let print = |extra: &[&str]| -> Vec<String> {
        ["register", "print", "--db", w.db.as_str()]
            .iter()
            .chain(extra)
            .map(|s| (*s).to_owned())
            .collect()
    };
    fn strs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }

    // Before the lists are compiled, the operator is told what to do.
    let err = fails(&strs(&print(&["--station", &stations[0], "--out", one])));
    assert!(err.contains("shailoo register compile"), "{err}");

    w.import_json(&small, &["--compile", "--at", OPEN]);
    let said = ok(&strs(&print(&[
        "--station",
        &stations[0],
        "--variant",
        "signatures",
        "--lang",
        "ru",
        "--out",
        one,
    ])));
    assert!(said.contains("pages"), "{said}");
    assert!(std::fs::read(one).unwrap().starts_with(b"%PDF"));

    let said = ok(&strs(&print(&["--all", all_dir])));
    assert!(
        said.starts_with(&format!("{} stations", stations.len())),
        "{said}"
    );
    for n in &stations {
        let file = all.join(format!("station-{n}-posting.pdf"));
        assert!(
            std::fs::read(&file).unwrap().starts_with(b"%PDF"),
            "{file:?}"
        );
    }
    let err = fails(&strs(&print(&["--variant", "poster", "--all", all_dir])));
    assert!(err.contains("poster"), "{err}");
}

#[test]
fn vot_11_a_reimport_is_a_dry_run_until_confirmed_and_emptying_the_register_needs_the_override() {
    let w = World::new();
    w.import_json(&w.register(), &["--compile", "--at", OPEN]);
    let persons = w.manifest()["counts"]["persons"].as_u64().unwrap();
    // The review's extract: its header line alone.
    let header = w.data.join("header-only.csv");
    std::fs::write(&header, format!("{}\n", lines(&w.register())[0])).unwrap();
    let header = header.to_str().unwrap();
    let import = |extra: &[&str]| -> Vec<String> {
        [
            "register",
            "import",
            "--db",
            w.db.as_str(),
            header,
            "--at",
            OPEN,
        ]
        .iter()
        .chain(extra)
        .map(|s| (*s).to_owned())
        .collect()
    };
    fn strs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }

    let said = ok(&strs(&import(&[])));
    assert!(said.contains("dry run"), "{said}");
    assert!(said.contains(&format!("{persons} removed")), "{said}");
    assert!(
        said.contains(&format!(
            "removes {persons} of the {persons} persons in the register, more than the limit of \
             5 % (register_removal_limit_percent)"
        )),
        "{said}"
    );
    let id = said
        .split("--confirm ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    assert!(said.contains(&format!(
        "--confirm {id} --override register_removal_limit_percent"
    )));
    assert_eq!(w.status()["imports"].as_array().unwrap().len(), 1);

    // Confirmed without the override, or overriding something else: refused, nothing changed.
    let err = fails(&strs(&import(&["--confirm", &id])));
    assert!(err.contains("register_removal_limit_percent"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    let err = fails(&strs(&import(&[
        "--confirm",
        &id,
        "--override",
        "everything",
    ])));
    assert!(err.contains("register_removal_limit_percent"), "{err}");
    let err = fails(&strs(&import(&[
        "--override",
        "register_removal_limit_percent",
    ])));
    assert!(err.contains("--confirm"), "{err}");
    let err = fails(&strs(&import(&["--confirm", "not-an-id"])));
    assert!(err.contains("not the id of a difference"), "{err}");
    assert_eq!(w.status()["imports"].as_array().unwrap().len(), 1);
    assert_eq!(
        w.status()["state"]["eligible"],
        w.manifest()["counts"]["eligible_persons"]
    );

    // With the limit overridden by name: stored, the lists compiled again from it, audited.
    let said = ok(&strs(&import(&[
        "--confirm",
        &id,
        "--override",
        "register_removal_limit_percent",
    ])));
    assert!(said.contains("imported"), "{said}");
    assert!(said.contains("was overridden"), "{said}");
    let status = w.status();
    assert_eq!(status["imports"].as_array().unwrap().len(), 2);
    assert_eq!(status["state"]["eligible"], 0);
    assert!(ok(&["audit", "verify", "--db", &w.db]).contains("intact"));
}

#[test]
fn vot_04_a_settlement_the_setup_does_not_know_is_an_error_of_the_extract_at_its_line() {
    let w = World::new();
    let mut rows = lines(&w.register());
    // Line 7 (the header is line 1): a settlement the setup has not.
    let mut fields: Vec<&str> = rows[6].split(',').collect();
    fields[8] = "atlantis";
    rows[6] = fields.join(",");
    let bad = w.data.join("atlantis.csv");
    std::fs::write(&bad, rows.join("\n") + "\n").unwrap();
    let err = fails(&["register", "import", "--db", &w.db, bad.to_str().unwrap()]);
    assert!(err.contains("line 7, column settlement"), "{err}");
    assert!(err.contains("\"atlantis\" is not a settlement"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(w.status()["imports"], serde_json::json!([]));
}

#[test]
fn cal_12_on_voting_day_neither_a_compile_nor_a_reimport() {
    let w = World::new();
    w.import_json(&w.register(), &["--compile", "--at", OPEN]);
    let voting_day = "2024-11-17T10:00:00+06:00";
    let err = fails(&["register", "compile", "--db", &w.db, "--at", voting_day]);
    assert!(err.contains("CAL-12"), "{err}");
    let rows = lines(&w.register());
    let fewer = w.data.join("fewer.csv");
    std::fs::write(&fewer, rows[..rows.len() - 1].join("\n") + "\n").unwrap();
    let err = fails(&[
        "register",
        "import",
        "--db",
        &w.db,
        fewer.to_str().unwrap(),
        "--at",
        voting_day,
    ]);
    assert!(err.contains("CAL-12"), "{err}");
    assert_eq!(w.status()["imports"].as_array().unwrap().len(), 1);
}
