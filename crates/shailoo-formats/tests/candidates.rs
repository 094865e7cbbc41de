//! The candidacy files (`parties.csv`, `nominations.csv`, `candidates.csv`) and
//! `district_schemes.json` of the hand-written fixture: read into domain types, and every kind
//! of bad input refused with the file, the line and the column named.
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

use jiff::civil::date;
use shailoo_domain::candidate::nomination::{Ground, NominationKind};
use shailoo_domain::candidate::{CandidateCode, Nominator, PartyId};
use shailoo_domain::{DistrictId, Pin};
use shailoo_formats::{
    FormatError, NominationStage, files, read_candidacies, read_district_schemes,
};
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dataset")
}

fn copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

fn ground(code: CandidateCode) -> Ground {
    Ground::candidate(code).unwrap()
}

#[test]
fn the_fixture_reads_into_domain_types() {
    let c = read_candidacies(&fixture()).unwrap().unwrap();
    assert_eq!(c.parties.len(), 3);
    assert_eq!(c.parties[0].name.ru, "Политическая партия «Жаны Куч»");
    assert_eq!(c.parties[2].registration_number.as_str(), "0918-3302-ПП");

    let n = &c.nominations;
    assert_eq!(
        n[0].kind,
        NominationKind::CityList {
            party: PartyId::parse("zhany-kuch").unwrap()
        }
    );
    assert_eq!(
        n[0].stage,
        NominationStage::Registered {
            filed_on: date(2024, 9, 20),
            decided_on: date(2024, 9, 27)
        }
    );
    assert_eq!(
        n[1].stage,
        NominationStage::Submitted {
            filed_on: date(2024, 10, 5)
        }
    );
    assert_eq!(
        n[2].stage,
        NominationStage::Draft {
            refused_at_filing: Some(ground(CandidateCode::MultipleCandidacies))
        }
    );
    assert_eq!(
        n[3].kind,
        NominationKind::District {
            district: DistrictId::parse("1").unwrap(),
            nominator: Nominator::SelfNominated
        }
    );
    assert_eq!(
        n[4].stage,
        NominationStage::Refused {
            filed_on: date(2024, 10, 2),
            decided_on: date(2024, 10, 9),
            ground: ground(CandidateCode::NotCitizen)
        }
    );

    assert_eq!(c.candidates.len(), 5);
    assert_eq!(c.candidates[0].occupation, "Мугалим, №12 орто мектеби");
    assert_eq!(c.candidates[3].pin, Pin::parse("20101200600002").unwrap());
    assert_eq!(
        c.candidates[3].ground,
        Some(ground(CandidateCode::UnderAge))
    );
    let grouped = c.by_nomination();
    assert_eq!(grouped.len(), 5);
    assert!(
        grouped
            .iter()
            .all(|(n, rows)| rows.len() == 1 && rows[0].nomination == n.id)
    );

    let schemes = read_district_schemes(&fixture()).unwrap().unwrap();
    assert_eq!(schemes[0].districts.len(), 2);
    assert!(schemes[0].districts[1].remote);
}

#[test]
fn a_directory_without_candidacy_files_has_none_and_one_with_some_must_have_all() {
    let dir = copy();
    for name in [files::PARTIES, files::NOMINATIONS, files::CANDIDATES] {
        std::fs::remove_file(dir.path().join(name)).unwrap();
    }
    std::fs::remove_file(dir.path().join(files::DISTRICT_SCHEMES)).unwrap();
    assert!(read_candidacies(dir.path()).unwrap().is_none());
    assert!(read_district_schemes(dir.path()).unwrap().is_none());

    std::fs::copy(
        fixture().join(files::PARTIES),
        dir.path().join(files::PARTIES),
    )
    .unwrap();
    let e = read_candidacies(dir.path()).unwrap_err();
    assert!(
        matches!(&e, FormatError::Io { file, .. } if file == files::NOMINATIONS),
        "{e}"
    );
}

/// Replaces the first occurrence of `from` in `file` with `to` and reads the candidacies.
fn edited(file: &str, from: &str, to: &str) -> FormatError {
    let dir = copy();
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    read_candidacies(dir.path()).unwrap_err()
}

#[track_caller]
fn assert_row(e: &FormatError, file: &str, line: u64, column: &str, code: &str) {
    let row = e.row().unwrap_or_else(|| panic!("not a row error: {e}"));
    assert_eq!(
        (row.file.as_str(), row.line, row.column, row.reason.code()),
        (file, line, Some(column), code),
        "{e}"
    );
}

#[test]
fn a_malformed_party_row_is_named() {
    let cases = [
        (
            "1234-3301-ПП",
            "1234 3301",
            "registration_number",
            "party_registration_number_bad_character",
        ),
        ("zhany-kuch,", "Zhany Kuch,", "id", "bad_id"),
        ("zhany-kuch,", "self,", "id", "inapplicable_value"),
        ("«Жаңы Күч» саясий партиясы,", ",", "name_ky", "empty_value"),
        (
            "2045-3301-ПП",
            "1234-3301-ПП",
            "registration_number",
            "duplicate_value",
        ),
        ("\nemgek,", "\nzhany-kuch,", "id", "duplicate_value"),
    ];
    for (from, to, column, code) in cases {
        let e = edited(files::PARTIES, from, to);
        let line = if from.contains("2045") || from.starts_with('\n') {
            3
        } else {
            2
        };
        assert_row(&e, files::PARTIES, line, column, code);
    }
}

#[test]
fn a_malformed_nomination_row_is_named() {
    let line2 = "bishkek-city.zhany-kuch,bishkek-city,city_list,,zhany-kuch,registered,,2024-09-20,2024-09-27";
    let cases: [(&str, &str, &str); 14] = [
        // kind, district and nominator agree (CAN-03, TER-04).
        (
            "city_list,,zhany-kuch,registered",
            "party_list,,zhany-kuch,registered",
            "kind",
        ),
        (
            "city_list,,zhany-kuch,registered",
            "city_list,1,zhany-kuch,registered",
            "district",
        ),
        (
            "city_list,,zhany-kuch,registered",
            "city_list,,self,registered",
            "nominator",
        ),
        (
            "city_list,,zhany-kuch,registered",
            "district,,zhany-kuch,registered",
            "district",
        ),
        (
            "city_list,,zhany-kuch,registered",
            "city_list,,Zhany Kuch,registered",
            "nominator",
        ),
        // status, ground and dates agree.
        ("registered,,", "elected,,", "status"),
        ("registered,,", "registered,CAN-01_under_age,", "ground"),
        ("registered,,", "registered,CAN-99_whatever,", "ground"),
        ("registered,,", "refused,,", "ground"),
        ("2024-09-20,2024-09-27", ",2024-09-27", "filed_on"),
        ("2024-09-20,2024-09-27", "2024-09-20,", "decided_on"),
        (
            "2024-09-20,2024-09-27",
            "2024-09-28,2024-09-27",
            "decided_on",
        ),
        (
            "2024-09-20,2024-09-27",
            "2024-09-20,27.09.2024",
            "decided_on",
        ),
        (
            "bishkek-city.zhany-kuch,bishkek-city",
            "Bishkek list,bishkek-city",
            "id",
        ),
    ];
    for (from, to, column) in cases {
        let dir = copy();
        let path = dir.path().join(files::NOMINATIONS);
        let text = std::fs::read_to_string(&path).unwrap();
        let bad = line2.replacen(from, to, 1);
        assert_ne!(bad, line2, "{from}");
        std::fs::write(&path, text.replacen(line2, &bad, 1)).unwrap();
        let e = read_candidacies(dir.path()).unwrap_err();
        let row = e.row().unwrap_or_else(|| panic!("{to}: {e}"));
        assert_eq!(
            (row.file.as_str(), row.line, row.column),
            (files::NOMINATIONS, 2, Some(column)),
            "{to}: {e}"
        );
    }
    // A draft has no dates, a pending nomination no decision.
    let e = edited(
        files::NOMINATIONS,
        "draft,CAN-05_multiple_candidacies,,",
        "draft,CAN-05_multiple_candidacies,2024-10-01,",
    );
    assert_row(&e, files::NOMINATIONS, 4, "filed_on", "inapplicable_value");
    let e = edited(
        files::NOMINATIONS,
        "submitted,,2024-10-05,",
        "submitted,,2024-10-05,2024-10-06",
    );
    assert_row(
        &e,
        files::NOMINATIONS,
        3,
        "decided_on",
        "inapplicable_value",
    );
}

#[test]
fn nominations_are_checked_against_the_parties_and_each_other() {
    let e = edited(
        files::NOMINATIONS,
        ",emgek,submitted",
        ",ata-meken,submitted",
    );
    assert_row(&e, files::NOMINATIONS, 3, "nominator", "unknown_reference");
    let e = edited(
        files::NOMINATIONS,
        ",emgek,submitted",
        ",zhany-kuch,submitted",
    );
    assert_row(&e, files::NOMINATIONS, 3, "nominator", "inconsistent_value");
    let e = edited(
        files::NOMINATIONS,
        "bishkek-city.emgek,",
        "bishkek-city.zhany-kuch,",
    );
    assert_row(&e, files::NOMINATIONS, 3, "id", "duplicate_value");
}

#[test]
fn a_malformed_candidate_row_is_named() {
    let cases = [
        (
            "bishkek-city.zhany-kuch,1,21502199000123",
            "bishkek-city.zhany-kuch,1,2150219900012",
            "pin",
            "pin_wrong_length",
        ),
        (
            "bishkek-city.zhany-kuch,1,",
            "bishkek-city.zhany-kuch,one,",
            "position",
            "bad_number",
        ),
        (
            "bishkek-city.zhany-kuch,1,",
            "bishkek-city.zhany-kuch,0,",
            "position",
            "inconsistent_value",
        ),
        (
            "bishkek-city.zhany-kuch,1,",
            "bishkek-city.zhany-kuch,2,",
            "position",
            "inconsistent_value",
        ),
        (
            "bishkek-city.zhany-kuch,1,",
            "osh-city.zhany-kuch,1,",
            "nomination",
            "unknown_reference",
        ),
        (
            "\"Мугалим, №12 орто мектеби\",",
            ",",
            "occupation",
            "empty_value",
        ),
        (
            "\"Мугалим, №12 орто мектеби\",",
            "Мугалим,CAN-01_too_young",
            "ground",
            "unknown_value",
        ),
    ];
    for (from, to, column, code) in cases {
        let e = edited(files::CANDIDATES, from, to);
        assert_row(&e, files::CANDIDATES, 2, column, code);
    }
}

#[test]
fn candidates_are_grouped_by_nomination_in_list_order() {
    // A second candidate of a district nomination.
    let dir = copy();
    let path = dir.path().join(files::CANDIDATES);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("chui-alamudun.ak-suu.n2,2,21502199000123,Фермер,\n");
    std::fs::write(&path, &text).unwrap();
    let e = read_candidacies(dir.path()).unwrap_err();
    assert_row(&e, files::CANDIDATES, 7, "position", "inconsistent_value");

    // A nomination's rows split by another's.
    let text = std::fs::read_to_string(fixture().join(files::CANDIDATES)).unwrap();
    std::fs::write(
        &path,
        format!("{text}bishkek-city.zhany-kuch,1,11708198500001,Дарыгер,\n"),
    )
    .unwrap();
    let e = read_candidacies(dir.path()).unwrap_err();
    assert_row(&e, files::CANDIDATES, 7, "nomination", "inconsistent_value");

    // A nomination without candidates.
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("bishkek-city.emgek,"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, without).unwrap();
    let e = read_candidacies(dir.path()).unwrap_err();
    assert_row(&e, files::NOMINATIONS, 3, "id", "inconsistent_value");
}

#[test]
fn a_wrong_header_or_column_count_is_named() {
    let e = edited(
        files::NOMINATIONS,
        "filed_on,decided_on",
        "filed,decided_on",
    );
    assert_row(&e, files::NOMINATIONS, 1, "filed_on", "wrong_header");
    let e = edited(files::CANDIDATES, "Дарыгер,", "Дарыгер,,");
    let row = e.row().unwrap();
    assert_eq!((row.line, row.reason.code()), (3, "wrong_column_count"));
}

#[test]
fn bad_schemes_are_refused_naming_the_place() {
    let dir = copy();
    let path = dir.path().join(files::DISTRICT_SCHEMES);
    let text = std::fs::read_to_string(&path).unwrap();
    for (bad, needle) in [
        (
            text.replacen("\"id\":\"2\"", "\"id\":\"1\"", 1),
            "[0].districts[1].id",
        ),
        (
            format!("[{0},{0}]", &text[1..text.len() - 1]),
            "[1].council",
        ),
        (
            text.replacen("\"seats\":4", "\"mandates\":4", 1),
            "mandates",
        ),
    ] {
        std::fs::write(&path, bad).unwrap();
        let e = read_district_schemes(dir.path()).unwrap_err();
        assert!(
            matches!(&e, FormatError::Json { file, message } if file == files::DISTRICT_SCHEMES && message.contains(needle)),
            "{e}"
        );
    }
}
