//! A whole dataset directory (`tests/data/dataset`, written by hand after
//! `docs/data-formats.md`): the readers parse it into domain types, the writers reproduce it
//! byte for byte, and the setup reader refuses bad rows and inconsistent setups, naming the
//! file and the line.
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

use shailoo_domain::territory::{CouncilKind, SetupError};
use shailoo_domain::{StationNumber, TerritoryId};
use shailoo_formats::{
    FormatError, Manifest, RegisterReader, RegisterRow, RegisterWriter, files, read_candidacies,
    read_district_schemes, read_district_units, read_setup, write_candidacies,
    write_district_schemes, write_district_units, write_manifest, write_setup,
};
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/dataset")
}

/// A copy of the fixture to break.
fn copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

fn manifest(dir: &Path) -> Manifest {
    serde_json::from_slice(&std::fs::read(dir.join(files::MANIFEST)).unwrap()).unwrap()
}

#[test]
fn the_fixture_reads_into_domain_types() {
    let dataset = read_setup(&fixture()).unwrap();
    let setup = &dataset.setup;
    assert_eq!(setup.territories.len(), 7);
    assert_eq!(
        setup.councils.iter().map(|c| c.kind).collect::<Vec<_>>(),
        [CouncilKind::City, CouncilKind::Aiyl]
    );
    assert_eq!(setup.commissions.len(), 6);
    let remote = &setup.stations[2];
    assert_eq!(remote.number, StationNumber::parse("8002").unwrap());
    assert!(remote.remote_voting && remote.accessibility.tactile_signs);
    assert_eq!(
        remote.address.en,
        "\"Ala-Too\" House of Culture, 106 Chui Ave, Centre"
    );
    assert_eq!(dataset.station_areas.len(), 4);
    assert_eq!(dataset.station_areas[1].street, "Мектеп көчөсү");
    assert_eq!(
        dataset.station_areas[1].street_ru.as_deref(),
        Some("ул. Школьная")
    );
    // An untranslated street is printed in the register's form.
    assert_eq!(dataset.station_areas[3].street_ru, None);
    assert!(remote.accessibility.lighting && !remote.accessibility.call_button);
    assert!(setup.stations[0].accessibility.call_button);
    assert_eq!(
        setup.commissions[0].phone.map(|p| p.e164()).as_deref(),
        Some("+996312626246")
    );
    assert_eq!(setup.commissions[1].phone, None);
    let election = dataset.election().unwrap();
    assert_eq!(election.councils.len(), 2);

    let persons: Vec<_> = RegisterReader::open(&fixture().join(files::REGISTER))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(persons.len(), 4);
    assert_eq!(
        persons[3].settlement,
        TerritoryId::parse("chui-alamudun.ak-suu.tash-dobo").unwrap()
    );

    let units = read_district_units(&fixture()).unwrap().unwrap();
    assert_eq!(units[0].units.len(), 2);
    let domain = units[0].domain_units();
    assert!(domain[1].remote);
    assert_eq!(domain[0].neighbors, [domain[1].id.clone()]);

    let m = manifest(&fixture());
    assert_eq!(m.counts.persons, persons.len() as u64);
    assert_eq!(m.counts.station_areas, dataset.station_areas.len() as u64);
}

#[test]
fn writers_reproduce_the_fixture_byte_for_byte() {
    let source = fixture();
    let dataset = read_setup(&source).unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut written = write_setup(out.path(), &dataset.setup, &dataset.station_areas).unwrap();

    let mut register = RegisterWriter::create(&out.path().join(files::REGISTER)).unwrap();
    for person in RegisterReader::open(&source.join(files::REGISTER)).unwrap() {
        register
            .write(&RegisterRow::from(&person.unwrap()))
            .unwrap();
    }
    written.push(register.finish().unwrap());

    let candidacies = read_candidacies(&source).unwrap().unwrap();
    written.extend(write_candidacies(out.path(), &candidacies).unwrap());

    let units = read_district_units(&source).unwrap().unwrap();
    write_district_units(out.path(), &units).unwrap();
    let schemes = read_district_schemes(&source).unwrap().unwrap();
    write_district_schemes(out.path(), &schemes).unwrap();
    let manifest = manifest(&source);
    // The counts of the candidacy files are what they hold.
    let counts = manifest.counts.clone();
    assert_eq!(
        counts.clone().with_candidacies(&schemes, &candidacies),
        counts
    );
    // What the writers say they wrote is what the manifest lists.
    assert_eq!(written, manifest.files);
    write_manifest(out.path(), &manifest).unwrap();

    for name in [
        files::TERRITORIES,
        files::COUNCILS,
        files::COMMISSIONS,
        files::STATIONS,
        files::STATION_AREAS,
        files::ELECTION,
        files::REGISTER,
        files::PARTIES,
        files::NOMINATIONS,
        files::CANDIDATES,
        files::MANIFEST,
        files::DISTRICT_UNITS,
        files::DISTRICT_SCHEMES,
    ] {
        assert_eq!(
            std::fs::read_to_string(out.path().join(name)).unwrap(),
            std::fs::read_to_string(source.join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn read_setup_rejects_a_bad_row_naming_file_line_and_column() {
    let dir = copy();
    let path = dir.path().join(files::TERRITORIES);
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        original.replacen(",settlement,bishkek,", ",village,bishkek,", 1),
    )
    .unwrap();
    let e = read_setup(dir.path()).unwrap_err();
    let row = e.row().unwrap();
    assert_eq!(
        (row.file.as_str(), row.line, row.column),
        ("territories.csv", 3, Some("kind"))
    );
    assert_eq!(row.reason.code(), "unknown_value");
}

#[test]
fn a_commission_phone_that_is_not_a_kyrgyz_number_is_named() {
    let dir = copy();
    let path = dir.path().join(files::COMMISSIONS);
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, original.replacen("+996700008001", "62-62-46", 1)).unwrap();
    let e = read_setup(dir.path()).unwrap_err();
    let row = e.row().unwrap();
    assert_eq!(
        (row.file.as_str(), row.line, row.column),
        ("commissions.csv", 6, Some("phone"))
    );
    assert_eq!(row.reason.code(), "bad_phone");
}

fn append_area(line: &str) -> FormatError {
    let dir = copy();
    let path = dir.path().join(files::STATION_AREAS);
    let mut content = std::fs::read_to_string(&path).unwrap();
    content.push_str(line);
    content.push('\n');
    std::fs::write(&path, content).unwrap();
    read_setup(dir.path()).unwrap_err()
}

#[test]
fn read_setup_rejects_inconsistent_station_areas() {
    let cases = [
        (
            "8001,bishkek.centre,Манас көчөсү,,",
            "served by more than one station",
        ),
        (
            "8002,bishkek.centre,Чүй проспекти,,",
            "not a regular polling station",
        ),
        (
            "8003,bishkek.centre,Чүй проспекти,,",
            "not a regular polling station",
        ),
        (
            "8001,bishkek.south,Чүй проспекти,,",
            "not a territory of the setup",
        ),
    ];
    for (line, reason) in cases {
        let e = append_area(line);
        let FormatError::BadArea {
            file,
            line: at,
            message,
        } = &e
        else {
            panic!("{line}: {e}");
        };
        assert_eq!((file.as_str(), *at), ("station_areas.csv", 6), "{line}");
        assert!(message.contains(reason), "{line}: {message}");
    }
}

#[test]
fn read_setup_refuses_an_inconsistent_setup() {
    let dir = copy();
    let path = dir.path().join(files::STATIONS);
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        original.replacen(",pec-8001,bishkek-city,", ",pec-8001,osh-city,", 1),
    )
    .unwrap();
    let e = read_setup(dir.path()).unwrap_err();
    assert!(
        matches!(
            e,
            FormatError::Inconsistent(SetupError::StationUnknownCouncil { .. })
        ),
        "{e}"
    );
}

#[test]
fn a_missing_or_malformed_json_file_is_named() {
    let dir = copy();
    std::fs::remove_file(dir.path().join(files::ELECTION)).unwrap();
    let e = read_setup(dir.path()).unwrap_err();
    assert!(
        matches!(&e, FormatError::Io { file, .. } if file == "election.json"),
        "{e}"
    );

    // District units are optional, but when present they must parse.
    let units = dir.path().join(files::DISTRICT_UNITS);
    std::fs::remove_file(&units).unwrap();
    assert!(read_district_units(dir.path()).unwrap().is_none());
    std::fs::write(&units, "[{\"council\": 7}]").unwrap();
    let e = read_district_units(dir.path()).unwrap_err();
    assert!(
        matches!(&e, FormatError::Json { file, .. } if file == "district_units.json"),
        "{e}"
    );
}

#[test]
fn control_characters_are_refused_in_every_file_with_the_place_named() {
    let dir = copy();
    let path = dir.path().join(files::STATIONS);
    let original = std::fs::read_to_string(&path).unwrap();
    let first_row = original.lines().nth(1).unwrap();
    let bad_row = first_row.replacen(",", ",\u{202E}", 1);
    std::fs::write(&path, original.replacen(first_row, &bad_row, 1)).unwrap();
    let e = read_setup(dir.path()).unwrap_err();
    let row = e.row().unwrap();
    assert_eq!((row.file.as_str(), row.line), ("stations.csv", 2));
    assert_eq!(row.reason.code(), "forbidden_character");

    let dir = copy();
    let path = dir.path().join(files::ELECTION);
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        original.replacen("шайлоо 2024\"", "шайлоо 2024\\u0000\"", 1),
    )
    .unwrap();
    let e = read_setup(dir.path()).unwrap_err();
    let FormatError::Json { file, message } = &e else {
        panic!("{e}");
    };
    assert_eq!(file, "election.json");
    assert!(
        message.starts_with("/name/ky: a control character (U+0000)"),
        "{message}"
    );
}
