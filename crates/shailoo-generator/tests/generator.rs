//! The generator's promises: the 2024 national figures, determinism, consistent persons, and
//! files that the strict readers of `shailoo-formats` read back as the generated data.
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

use jiff::civil::date;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::{CouncilKind, TerritoryKind};
use shailoo_domain::{Pin, Sex, StationNumber, TerritoryId};
use shailoo_formats::{RegisterReader, files, read_district_units, read_setup};
use shailoo_generator::{
    AIYL_SEATS, CITY_SEATS, ELIGIBLE_SHARE, Generator, Manifest, NATIONAL_REGULAR_STATIONS,
    NATIONAL_REMOTE_STATIONS, Scale, district_units, write_dataset,
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
        serde_json::from_slice(&std::fs::read(dir.path().join(files::MANIFEST)).unwrap()).unwrap();
    assert_eq!(manifest["scale"], "small");
    assert_eq!(manifest["seed"], 7);
    assert_eq!(
        serde_json::from_value::<Manifest>(manifest).unwrap(),
        summary
    );

    let dataset = read_setup(dir.path()).unwrap();
    assert_eq!(dataset, g.dataset());
    let election = dataset.election().unwrap();
    assert_eq!(election.id.as_str(), "local-2024");
    assert_eq!(election.voting_day, date(2024, 11, 17));
    assert_eq!(election.decree_number, "256");

    let read: Vec<RegisterRecord> = RegisterReader::open(&dir.path().join(files::REGISTER))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let generated: Vec<RegisterRecord> = g.persons().collect();
    assert_eq!(read, generated);

    assert_eq!(
        read_district_units(dir.path()).unwrap(),
        Some(district_units(&g))
    );
}
