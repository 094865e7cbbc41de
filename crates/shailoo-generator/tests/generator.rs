//! The generator's promises: the 2024 national figures, determinism, consistent persons, and
//! strict readers that round-trip what the writer produced.
#![allow(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

use jiff::civil::date;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::{CouncilKind, TerritoryKind};
use shailoo_domain::{Pin, Sex, StationNumber, TerritoryId};
use shailoo_generator::{
    AIYL_SEATS, CITY_SEATS, ELIGIBLE_SHARE, FormatError, Generator, NATIONAL_REGULAR_STATIONS,
    NATIONAL_REMOTE_STATIONS, REGISTER_COLUMNS, RegisterReader, RowError, RowErrorKind, Scale,
    read_setup, write_dataset,
};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

fn national() -> &'static Generator {
    static GENERATOR: OnceLock<Generator> = OnceLock::new();
    GENERATOR.get_or_init(|| Generator::new(Scale::National, 2024))
}

fn small() -> Generator {
    Generator::new(Scale::Small, 7)
}

/// The test's own reading of VOT-01…VOT-05, independent of the generator's.
fn eligible(p: &RegisterRecord) -> bool {
    let adult = p.birth_date <= date(2006, 11, 17);
    let community = p.residence_stamp || p.address_registered_on <= date(2024, 9, 18);
    p.citizen && adult && p.biometrics && community && !p.court_incapable && !p.imprisoned
}

#[test]
fn small_setup_passes_the_domain_check() {
    let g = small();
    let setup = g.setup();
    setup.check().unwrap();
    assert_eq!(setup.stations.len(), 20);
    assert_eq!(setup.stations.iter().filter(|s| s.remote_voting).count(), 1);
    let councils: Vec<_> = setup.councils.iter().map(|c| c.kind).collect();
    assert!(councils.contains(&CouncilKind::City) && councils.contains(&CouncilKind::Aiyl));
    assert!((4_000..=6_000).contains(&g.person_count()));
}

#[test]
fn ter_01_03_national_setup_has_the_2024_counts() {
    let setup = national().setup();
    setup.check().unwrap();
    let city: Vec<_> = setup
        .councils
        .iter()
        .filter(|c| c.kind == CouncilKind::City)
        .collect();
    let aiyl: Vec<_> = setup
        .councils
        .iter()
        .filter(|c| c.kind == CouncilKind::Aiyl)
        .collect();
    assert_eq!(setup.councils.len(), 264);
    assert_eq!(city.len(), 33);
    assert_eq!(aiyl.len(), 231);
    assert_eq!(city.iter().map(|c| c.seats.get()).sum::<u32>(), CITY_SEATS);
    assert_eq!(aiyl.iter().map(|c| c.seats.get()).sum::<u32>(), AIYL_SEATS);
    let allowed = [7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 31];
    assert!(aiyl.iter().all(|c| allowed.contains(&c.seats.get())));
    let seats = |id: &str| {
        setup
            .councils
            .iter()
            .find(|c| c.id.as_str() == id)
            .unwrap()
            .seats
            .get()
    };
    assert_eq!(seats("bishkek-city"), 51);
    assert_eq!(seats("osh-city"), 51);

    let remote = setup.stations.iter().filter(|s| s.remote_voting).count() as u32;
    assert_eq!(remote, NATIONAL_REMOTE_STATIONS);
    assert_eq!(
        setup.stations.len() as u32 - remote,
        NATIONAL_REGULAR_STATIONS
    );
    let in_council = |id: &str| {
        setup
            .stations
            .iter()
            .filter(|s| s.council.as_str() == id)
            .count()
    };
    assert_eq!(in_council("bishkek-city"), 268);
    assert_eq!(in_council("osh-city"), 102);
    let mut remote_councils: Vec<&str> = setup
        .stations
        .iter()
        .filter(|s| s.remote_voting)
        .map(|s| s.council.as_str())
        .collect();
    remote_councils.sort_unstable();
    assert_eq!(
        remote_councils,
        [
            "batken-city",
            "bishkek-city",
            "bishkek-city",
            "bishkek-city",
            "bishkek-city",
            "jalal-abad-city",
            "karakol-city",
            "naryn-city",
            "osh-city",
            "talas-city"
        ]
    );

    let top: Vec<(&str, &str, &str, &str)> = setup
        .territories
        .iter()
        .filter(|t| t.parent.is_none())
        .map(|t| {
            (
                t.id.as_str(),
                t.name.ky.as_str(),
                t.name.ru.as_str(),
                t.name.en.as_str(),
            )
        })
        .collect();
    assert_eq!(top.len(), 9);
    for expected in [
        ("bishkek", "Бишкек шаары", "город Бишкек", "Bishkek City"),
        ("osh", "Ош шаары", "город Ош", "Osh City"),
        (
            "batken",
            "Баткен облусу",
            "Баткенская область",
            "Batken Region",
        ),
        (
            "jalal-abad",
            "Жалал-Абад облусу",
            "Джалал-Абадская область",
            "Jalal-Abad Region",
        ),
        (
            "issyk-kul",
            "Ысык-Көл облусу",
            "Иссык-Кульская область",
            "Issyk-Kul Region",
        ),
        ("naryn", "Нарын облусу", "Нарынская область", "Naryn Region"),
        ("osh-region", "Ош облусу", "Ошская область", "Osh Region"),
        ("talas", "Талас облусу", "Таласская область", "Talas Region"),
        ("chui", "Чүй облусу", "Чуйская область", "Chui Region"),
    ] {
        assert!(top.contains(&expected), "{expected:?} missing");
    }
    let raions = setup
        .territories
        .iter()
        .filter(|t| t.kind == TerritoryKind::Raion)
        .count();
    assert_eq!(raions, 40);
    let tec = |id: &str| setup.commissions.iter().any(|c| c.id.as_str() == id);
    assert!(tec("cec") && tec("tec-bishkek") && tec("tec-osh") && tec("tec-chui-alamudun"));
    // Every station has its own PEC named after its number, under a TEC.
    for s in &setup.stations {
        assert_eq!(s.commission.as_str(), format!("pec-{}", s.number));
    }
}

#[test]
fn national_settlements_and_stations_are_realistic() {
    let g = national();
    let setup = g.setup_ref();
    // 2–8 settlements per aiyl aimak.
    let mut per_parent: HashMap<&TerritoryId, usize> = HashMap::new();
    for t in setup
        .territories
        .iter()
        .filter(|t| t.kind == TerritoryKind::Settlement)
    {
        *per_parent.entry(t.parent.as_ref().unwrap()).or_default() += 1;
    }
    for t in setup
        .territories
        .iter()
        .filter(|t| t.kind == TerritoryKind::AiylAimak)
    {
        assert!(
            (2..=8).contains(&per_parent[&t.id]),
            "{} has {}",
            t.id,
            per_parent[&t.id]
        );
    }
    // Stations of 500–3,000 voters.
    let sizes = g.station_persons();
    assert_eq!(sizes.len() as u32, NATIONAL_REGULAR_STATIONS);
    for (number, persons) in &sizes {
        let voters = *persons as f64 * ELIGIBLE_SHARE;
        assert!(
            (500.0..=3_000.0).contains(&voters),
            "station {number}: {voters} voters"
        );
    }
    // VOT-11: about 4.3 M persons, 1.62 M city and 2.514 M aiyl voters.
    let total = g.person_count() as f64;
    assert!((4.25e6..4.35e6).contains(&total), "{total}");
    let city: HashSet<StationNumber> = setup
        .stations
        .iter()
        .filter(|s| s.council.as_str().ends_with("-city"))
        .map(|s| s.number)
        .collect();
    let city_voters: f64 = sizes
        .iter()
        .filter(|(n, _)| city.contains(n))
        .map(|(_, p)| *p as f64 * ELIGIBLE_SHARE)
        .sum();
    let aiyl_voters = total * ELIGIBLE_SHARE - city_voters;
    assert!((city_voters - 1.62e6).abs() < 0.02e6, "{city_voters}");
    assert!((aiyl_voters - 2.514e6).abs() < 0.02e6, "{aiyl_voters}");
}

#[test]
fn station_areas_cover_each_street_once_and_each_regular_station() {
    let small = small();
    for g in [&small, national()] {
        let dataset = g.dataset();
        let mut seen = HashSet::new();
        for a in &dataset.station_areas {
            assert!(
                seen.insert((a.settlement.clone(), a.street.clone())),
                "{a:?} twice"
            );
        }
        let served: HashSet<StationNumber> =
            dataset.station_areas.iter().map(|a| a.station).collect();
        for s in &dataset.setup.stations {
            assert_eq!(
                served.contains(&s.number),
                !s.remote_voting,
                "station {}",
                s.number
            );
        }
    }
}

fn check_persons(g: &Generator, limit: usize) -> (usize, usize) {
    let areas: HashSet<(&TerritoryId, &str)> = g
        .station_areas()
        .iter()
        .map(|a| (&a.settlement, a.street.as_str()))
        .collect();
    let mut pins = HashSet::new();
    let (mut count, mut eligible_count) = (0, 0);
    for p in g.persons().take(limit) {
        let parsed = Pin::parse(p.pin.as_str()).unwrap();
        assert_eq!(parsed.sex(), p.sex, "{p:?}");
        assert_eq!(parsed.birth_date(), p.birth_date, "{p:?}");
        assert!(pins.insert(p.pin), "VOT-06: duplicate PIN {}", p.pin);
        assert!(
            areas.contains(&(&p.settlement, p.street.as_str())),
            "{p:?} has no station"
        );
        assert!(!p.surname.is_empty() && !p.given_name.is_empty() && !p.house.is_empty());
        count += 1;
        eligible_count += usize::from(eligible(&p));
    }
    (count, eligible_count)
}

#[test]
fn vot_10_every_pin_parses_and_matches_sex_and_birth_date() {
    let g = small();
    let (count, _) = check_persons(&g, usize::MAX);
    assert_eq!(count as u64, g.person_count());
    // The first 100,000 persons of the national register too.
    let (count, _) = check_persons(national(), 100_000);
    assert_eq!(count, 100_000);
}

#[test]
fn vot_11_eligible_share_is_that_of_2024() {
    let target = 4_135_039.0 / 4.3e6;
    let (count, eligible_count) = check_persons(&small(), usize::MAX);
    let share = eligible_count as f64 / count as f64;
    assert!((share - target).abs() < 0.012, "small: {share}");
    let (count, eligible_count) = check_persons(national(), 200_000);
    let share = eligible_count as f64 / count as f64;
    assert!((share - target).abs() < 0.005, "national sample: {share}");
    assert!((ELIGIBLE_SHARE - target).abs() < 0.002);
}

#[test]
fn vot_01_05_every_reason_for_ineligibility_occurs() {
    let persons: Vec<RegisterRecord> = national().persons().take(200_000).collect();
    let v = date(2024, 11, 17);
    let has = |f: &dyn Fn(&RegisterRecord) -> bool| persons.iter().any(f);
    assert!(has(&|p| !p.citizen));
    assert!(has(&|p| !p.biometrics));
    assert!(has(&|p| p.court_incapable));
    assert!(has(&|p| p.imprisoned));
    assert!(has(
        &|p| !p.residence_stamp && p.address_registered_on > date(2024, 9, 18)
    ));
    assert!(has(
        &|p| p.residence_stamp && p.address_registered_on > date(2024, 9, 18)
    ));
    // Minors, some turning 18 just after voting day, and adults who just turned 18.
    assert!(has(
        &|p| p.birth_date > date(2006, 11, 17) && p.birth_date <= date(2006, 12, 17)
    ));
    assert!(has(&|p| p.birth_date > date(2006, 12, 17)));
    assert!(has(
        &|p| p.birth_date <= date(2006, 11, 17) && p.birth_date > date(2006, 10, 17)
    ));
    assert!(
        persons
            .iter()
            .all(|p| p.birth_date < v && p.address_registered_on < v)
    );
}

#[test]
fn names_are_sex_specific_and_in_cyrillic() {
    let persons: Vec<RegisterRecord> = national().persons().take(50_000).collect();
    let cyrillic = |s: &str| {
        s.chars().all(|c| {
            matches!(
                c,
                'А'..='я' | 'ё' | 'Ё' | 'ң' | 'Ң' | 'ө' | 'Ө' | 'ү' | 'Ү' | ' ' | '-'
            )
        })
    };
    for p in &persons {
        assert!(cyrillic(&p.surname) && cyrillic(&p.given_name), "{p:?}");
        let patronymic = p.patronymic.as_deref().unwrap_or("");
        assert!(cyrillic(patronymic), "{p:?}");
        match p.sex {
            Sex::Female => {
                assert!(
                    !p.surname.ends_with("ов") && !p.surname.ends_with("ев"),
                    "{p:?}"
                );
                assert!(
                    patronymic.is_empty()
                        || ["на", "кызы", "кизи"]
                            .iter()
                            .any(|e| patronymic.ends_with(e)),
                    "{p:?}"
                );
            }
            Sex::Male => {
                assert!(
                    !p.surname.ends_with("ова") && !p.surname.ends_with("ева"),
                    "{p:?}"
                );
                assert!(
                    patronymic.is_empty()
                        || ["ич", "уулу", "угли"]
                            .iter()
                            .any(|e| patronymic.ends_with(e)),
                    "{p:?}"
                );
            }
        }
    }
    // Several ethnic naming traditions are present.
    assert!(
        persons
            .iter()
            .any(|p| p.patronymic.as_deref().is_some_and(|x| x.ends_with("уулу")))
    );
    assert!(
        persons.iter().any(|p| p.surname == "Иванов"
            || p.surname == "Иванова"
            || p.surname.ends_with("енко"))
    );
}

#[test]
fn persons_sample_takes_every_nth() {
    let g = small();
    let all: Vec<RegisterRecord> = g.persons().collect();
    let sample: Vec<RegisterRecord> = g.persons_sample(100).collect();
    assert_eq!(sample.len(), all.len().div_ceil(100));
    assert_eq!(sample[1], all[100]);
}

fn read_all(dir: &Path) -> Vec<u8> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    let mut bytes = Vec::new();
    for name in names {
        bytes.extend_from_slice(name.as_encoded_bytes());
        bytes.extend(std::fs::read(dir.join(name)).unwrap());
    }
    bytes
}

#[test]
fn same_seed_same_bytes_different_seed_different_data() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    write_dataset(&Generator::new(Scale::Small, 7), a.path(), |_| {}).unwrap();
    write_dataset(&Generator::new(Scale::Small, 7), b.path(), |_| {}).unwrap();
    write_dataset(&Generator::new(Scale::Small, 8), c.path(), |_| {}).unwrap();
    assert_eq!(read_all(a.path()), read_all(b.path()));
    let register = |d: &tempfile::TempDir| std::fs::read(d.path().join("register.csv")).unwrap();
    let stations = |d: &tempfile::TempDir| std::fs::read(d.path().join("stations.csv")).unwrap();
    assert_ne!(register(&a), register(&c));
    assert_ne!(stations(&a), stations(&c));
    // The national setup is deterministic as well.
    assert_eq!(
        Generator::new(Scale::National, 2024).dataset(),
        national().dataset()
    );
}

#[test]
fn round_trip_write_then_read_gives_the_generated_data() {
    let dir = tempfile::tempdir().unwrap();
    let g = small();
    let mut last = 0;
    let summary = write_dataset(&g, dir.path(), |rows| last = rows).unwrap();
    assert_eq!(last, g.person_count());
    assert_eq!(summary.counts.persons, g.person_count());
    assert_eq!(summary.counts.stations, 20);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["scale"], "small");
    assert_eq!(manifest["seed"], 7);

    let dataset = read_setup(dir.path()).unwrap();
    assert_eq!(dataset, g.dataset());
    let election = dataset.election().unwrap();
    assert_eq!(election.id.as_str(), "local-2024");
    assert_eq!(election.voting_day, date(2024, 11, 17));
    assert_eq!(election.decree_number, "256");

    let read: Vec<RegisterRecord> = RegisterReader::open(&dir.path().join("register.csv"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let generated: Vec<RegisterRecord> = g.persons().collect();
    assert_eq!(read, generated);
}

// ---- strict readers: one test per kind of error ----

const GOOD_ROW: &str = "21502199000123,Асанов,Бакыт,Нурланович,male,1990-02-15,true,true,bishkek.centre,Манас көчөсү,\"12, кв. 3\",2010-05-01,true,false,false";

fn register_error(content: &str) -> RowError {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.csv");
    std::fs::write(&path, content).unwrap();
    match RegisterReader::open(&path) {
        Err(FormatError::Row(e)) => e,
        Err(other) => panic!("unexpected error {other}"),
        Ok(reader) => {
            let results: Vec<_> = reader.collect();
            results.into_iter().find_map(Result::err).expect("an error")
        }
    }
}

/// The file with a header, one good row, then `bad` as line 3.
fn with_bad_row(bad: &str) -> RowError {
    register_error(&format!(
        "{}\n{GOOD_ROW}\n{bad}\n",
        REGISTER_COLUMNS.join(",")
    ))
}

fn replace_field(i: usize, value: &str) -> String {
    let header = REGISTER_COLUMNS.join(",");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.csv");
    std::fs::write(&path, format!("{header}\n{GOOD_ROW}\n")).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_path(&path).unwrap();
    let record = reader.records().next().unwrap().unwrap();
    let mut fields: Vec<String> = record.iter().map(str::to_owned).collect();
    fields[i] = value.to_owned();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&fields).unwrap();
    String::from_utf8(w.into_inner().unwrap())
        .unwrap()
        .trim_end()
        .to_owned()
}

fn column(name: &str) -> usize {
    REGISTER_COLUMNS.iter().position(|c| *c == name).unwrap()
}

#[test]
fn reader_accepts_the_good_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.csv");
    std::fs::write(
        &path,
        format!("{}\n{GOOD_ROW}\n", REGISTER_COLUMNS.join(",")),
    )
    .unwrap();
    let records: Vec<_> = RegisterReader::open(&path)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].house, "12, кв. 3");
    assert_eq!(records[0].patronymic.as_deref(), Some("Нурланович"));
}

#[test]
fn reader_rejects_an_empty_file_as_missing_header() {
    let e = register_error("");
    assert_eq!(
        (e.line, e.column, e.reason.clone()),
        (1, None, RowErrorKind::MissingHeader)
    );
    assert_eq!(e.file, "register.csv");
}

#[test]
fn reader_rejects_a_file_without_header() {
    let e = register_error(&format!("{GOOD_ROW}\n"));
    assert_eq!(e.line, 1);
    assert_eq!(e.column, Some("pin"));
    assert!(
        matches!(
            e.reason,
            RowErrorKind::WrongHeader {
                expected: "pin",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn reader_rejects_a_wrong_column_count() {
    let e = with_bad_row("21502199000124,Асанов,Бакыт");
    assert_eq!(e.line, 3);
    assert_eq!(
        e.reason,
        RowErrorKind::WrongColumnCount {
            expected: 15,
            found: 3
        }
    );
}

#[test]
fn reader_rejects_a_malformed_pin() {
    let e = with_bad_row(&replace_field(column("pin"), "2150219900012"));
    assert_eq!((e.line, e.column), (3, Some("pin")));
    assert!(matches!(e.reason, RowErrorKind::MalformedPin(_)), "{e}");
    assert!(
        e.to_string().contains("register.csv, line 3, column pin"),
        "{e}"
    );
}

#[test]
fn reader_rejects_a_bad_date() {
    let e = with_bad_row(&replace_field(
        column("address_registered_on"),
        "2010-02-30",
    ));
    assert_eq!((e.line, e.column), (3, Some("address_registered_on")));
    assert!(matches!(e.reason, RowErrorKind::BadDate { .. }), "{e}");
}

#[test]
fn reader_rejects_an_unknown_enum_value() {
    let e = with_bad_row(&replace_field(column("sex"), "M"));
    assert_eq!((e.line, e.column), (3, Some("sex")));
    assert!(matches!(e.reason, RowErrorKind::UnknownValue { .. }), "{e}");
}

#[test]
fn reader_rejects_a_bad_boolean() {
    let e = with_bad_row(&replace_field(column("biometrics"), "yes"));
    assert_eq!((e.line, e.column), (3, Some("biometrics")));
    assert!(matches!(e.reason, RowErrorKind::BadBool { .. }), "{e}");
}

#[test]
fn reader_rejects_a_bad_id() {
    let e = with_bad_row(&replace_field(column("settlement"), "Bishkek Centre"));
    assert_eq!((e.line, e.column), (3, Some("settlement")));
    assert!(matches!(e.reason, RowErrorKind::BadId(_)), "{e}");
}

#[test]
fn reader_rejects_an_empty_required_value() {
    let e = with_bad_row(&replace_field(column("surname"), ""));
    assert_eq!(
        (e.line, e.column, e.reason.clone()),
        (3, Some("surname"), RowErrorKind::Empty)
    );
}

#[test]
fn vot_10_reader_rejects_a_pin_contradicting_the_row() {
    let e = with_bad_row(&replace_field(column("sex"), "female"));
    assert_eq!((e.line, e.column), (3, Some("sex")));
    assert!(
        matches!(e.reason, RowErrorKind::ContradictsPin { .. }),
        "{e}"
    );
    let e = with_bad_row(&replace_field(column("birth_date"), "1990-02-16"));
    assert_eq!((e.line, e.column), (3, Some("birth_date")));
}

#[test]
fn reader_rejects_invalid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.csv");
    let row = replace_field(column("surname"), "QQQ");
    let (before, after) = row.split_once("QQQ").unwrap();
    let mut bytes = format!("{}\n{before}", REGISTER_COLUMNS.join(",")).into_bytes();
    bytes.push(0xff);
    bytes.extend_from_slice(after.as_bytes());
    bytes.push(b'\n');
    std::fs::write(&path, bytes).unwrap();
    let e = RegisterReader::open(&path)
        .unwrap()
        .find_map(Result::err)
        .unwrap();
    assert_eq!(
        (e.line, e.column, e.reason),
        (2, Some("surname"), RowErrorKind::NotUtf8)
    );
}

#[test]
fn reader_counts_lines_across_quoted_newlines() {
    let multiline = replace_field(column("house"), "12\nкв. 3");
    let e = with_bad_row(&format!(
        "{multiline}\n{}",
        replace_field(column("pin"), "x")
    ));
    assert_eq!((e.line, e.column), (5, Some("pin")));
}

#[test]
fn read_setup_rejects_bad_rows_and_inconsistent_areas() {
    let dir = tempfile::tempdir().unwrap();
    write_dataset(&small(), dir.path(), |_| {}).unwrap();
    let path = dir.path().join("territories.csv");
    let original = std::fs::read_to_string(&path).unwrap();
    let broken = original.replacen(",settlement,", ",village,", 1);
    std::fs::write(&path, &broken).unwrap();
    let e = read_setup(dir.path()).unwrap_err();
    let row = e.row().unwrap();
    assert_eq!(
        (row.file.as_str(), row.column),
        ("territories.csv", Some("kind"))
    );
    assert_eq!(
        row.line,
        1 + 1
            + broken
                .lines()
                .skip(1)
                .position(|l| l.contains(",village,"))
                .unwrap() as u64
    );
    std::fs::write(&path, &original).unwrap();

    let areas = dir.path().join("station_areas.csv");
    let content = std::fs::read_to_string(&areas).unwrap();
    let second = content.lines().nth(1).unwrap();
    std::fs::write(&areas, format!("{content}{second}\n")).unwrap();
    let e = read_setup(dir.path()).unwrap_err();
    assert!(matches!(e, FormatError::BadArea { .. }), "{e}");
}
