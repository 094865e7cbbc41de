//! The contract of the voter-register sub-port ([`shailoo_app::VoterListStore`]), run on both
//! engines with the harness of `contract.rs`: each `async fn` below gets a fresh, empty
//! database, on SQLite (a temp file) and on PostgreSQL (a database created through
//! `SHAILOO_TEST_POSTGRES_URL` and dropped afterwards).

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::date;
use shailoo_app::AuditAction;
use shailoo_app::audit::AuditEvent;
use shailoo_app::voters::{
    self, CountBy, ImportBatch, ImportBatcher, ImportOptions, ImportReport, ListStep, Placement,
    VoterListError, VoterListStore,
};
use shailoo_app::{AuditStore, SetupStore, verify_audit};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::voter::{IneligibilityReason, Reasons};
use shailoo_domain::{ElectionId, Pin, Sex, StationNumber, TerritoryId};
use shailoo_generator::{Generator, Scale};
use shailoo_store::Db;
use std::collections::HashMap;
use std::sync::Arc;

#[macro_use]
mod harness;
use harness::*;

contract!(
    import_and_compile_place_every_eligible_generated_person_at_the_station_of_its_street,
    reimport_records_added_changed_removed_and_unchanged,
    an_abandoned_import_stores_nothing,
    vot_06_each_pin_on_exactly_one_list,
    vot_04_address_outside_any_station_area_is_not_on_a_list,
    publication_follows_the_calendar_and_freezing_blocks_changes,
    vot_07_an_approved_remote_voter_is_on_the_remote_stations_printed_list_not_at_home,
    recompiling_one_election_keeps_the_lists_of_another,
    bulk_writes_leave_the_lists_keys_and_indexes_in_place,
);

// ---------------------------------------------------------------------------------------------
// Fixtures

const ELECTION: &str = "local-2024";

fn election_id() -> ElectionId {
    ElectionId::parse(ELECTION).unwrap()
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// 1 October 2024: the lists may be compiled (from CAL-01 until the end of CAL-12).
fn open() -> Timestamp {
    at("2024-10-01T06:00:00Z")
}

/// The small generated dataset's setup in a fresh store; returns the generator.
async fn small_setup(db: &Db) -> Generator {
    let generator = Generator::new(Scale::Small, 2024);
    let dataset = generator.dataset();
    db.import_setup(
        &dataset.setup,
        &dataset.station_areas,
        AuditEvent::new(
            "system",
            AuditAction::SetupImported,
            "small",
            Timestamp::now(),
        ),
    )
    .await
    .expect("the small setup imports");
    generator
}

/// Imports `records` (through the batcher, as the CLI does), compiling when asked.
async fn import(
    db: &Db,
    records: Vec<RegisterRecord>,
    source: &str,
    compile: bool,
) -> Result<ImportReport, VoterListError> {
    let compiler = if compile {
        Some(Arc::new(voters::compiler_for(db, &election_id()).await?))
    } else {
        None
    };
    let options = ImportOptions::apply(source, "system", open(), compiler, None);
    import_confirmed(db, options, &records).await
}

/// Persons on the small dataset's streets, with distinct PINs from `first`.
fn persons(generator: &Generator, first: u32, n: u32) -> Vec<RegisterRecord> {
    let areas = generator.station_areas();
    (first..first + n)
        .map(|i| {
            let area = &areas[i as usize % areas.len()];
            let sex = if i % 2 == 0 { Sex::Female } else { Sex::Male };
            let birth = date(1960, 1, 1);
            RegisterRecord {
                pin: Pin::compose(sex, birth, i),
                surname: "Асанова".into(),
                given_name: "Айгүл".into(),
                patronymic: (i % 3 != 0).then(|| "Үсөновна".into()),
                sex,
                birth_date: birth,
                citizen: true,
                biometrics: true,
                settlement: area.settlement.clone(),
                street: area.street.clone(),
                house: format!("{}", i % 200 + 1),
                address_registered_on: date(2020, 3, 4),
                residence_stamp: true,
                court_incapable: false,
                imprisoned: false,
            }
        })
        .collect()
}

/// (pin, station) of every list entry, and (pin, reasons) of every ineligible row.
async fn lists(ctx: &Ctx) -> (HashMap<String, i64>, HashMap<String, i64>) {
    let entries = ctx
        .raw_pairs("SELECT pin, station FROM voter_list_entries WHERE election = 'local-2024'")
        .await;
    let other = ctx
        .raw_pairs("SELECT pin, reasons FROM voter_ineligible WHERE election = 'local-2024'")
        .await;
    (entries.into_iter().collect(), other.into_iter().collect())
}

// ---------------------------------------------------------------------------------------------
// The contract

async fn import_and_compile_place_every_eligible_generated_person_at_the_station_of_its_street(
    ctx: Ctx,
) {
    let db = ctx.db().await;
    let generator = small_setup(&db).await;
    let station_of: HashMap<(TerritoryId, String), StationNumber> = generator
        .station_areas()
        .iter()
        .map(|a| ((a.settlement.clone(), a.street.clone()), a.station))
        .collect();
    let people: Vec<RegisterRecord> = generator.persons().collect();
    let report = import(&db, people.clone(), "register.csv", true)
        .await
        .expect("import");
    assert_eq!(report.import_id, 1);
    assert_eq!(report.added, people.len() as u64);
    assert_eq!(
        (report.changed, report.removed, report.unchanged),
        (0, 0, 0)
    );
    let compiled = report.compiled.expect("compiled");
    let (entries, other) = lists(&ctx).await;
    // The generator's own, independent reading of VOT-01…VOT-05 is the oracle.
    let mut eligible = 0;
    for p in &people {
        let expected = shailoo_generator::is_eligible(
            p.citizen,
            p.birth_date,
            p.biometrics,
            p.residence_stamp,
            p.address_registered_on,
            p.court_incapable,
            p.imprisoned,
        );
        let station = station_of[&(p.settlement.clone(), p.street.clone())];
        if expected {
            eligible += 1;
            assert_eq!(
                entries.get(p.pin.as_str()),
                Some(&i64::from(station.get())),
                "{} belongs at station {station}",
                p.pin
            );
            assert!(!other.contains_key(p.pin.as_str()));
        } else {
            assert!(
                !entries.contains_key(p.pin.as_str()),
                "{} is ineligible",
                p.pin
            );
            let bits = other[p.pin.as_str()];
            let reasons = Reasons::from_bits(u16::try_from(bits).unwrap()).unwrap();
            assert!(!reasons.is_empty());
        }
    }
    assert_eq!(
        entries.len() + other.len(),
        people.len(),
        "everyone is somewhere, once"
    );
    assert_eq!(compiled.eligible, eligible);
    assert_eq!(compiled.ineligible, (people.len() - entries.len()) as u64);

    // The port's view agrees.
    let state = db.voter_list_state(&election_id()).await.unwrap().unwrap();
    assert_eq!(state.eligible, eligible);
    assert_eq!(state.register_import, Some(1));
    let by_station = db
        .list_counts(&election_id(), CountBy::Station)
        .await
        .unwrap();
    assert_eq!(by_station.iter().map(|c| c.voters).sum::<u64>(), eligible);
    let by_council = db
        .list_counts(&election_id(), CountBy::Council)
        .await
        .unwrap();
    assert_eq!(by_council.iter().map(|c| c.voters).sum::<u64>(), eligible);
    let voter = people
        .iter()
        .find(|p| entries.contains_key(p.pin.as_str()))
        .unwrap();
    let status = db
        .voter_status(&election_id(), &voter.pin)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&status.person, voter);
    assert!(matches!(status.placement, Placement::OnList { .. }));
    let refused = people
        .iter()
        .find(|p| other.contains_key(p.pin.as_str()))
        .unwrap();
    let status = db
        .voter_status(&election_id(), &refused.pin)
        .await
        .unwrap()
        .unwrap();
    let Placement::NotOnList { reasons, .. } = status.placement else {
        panic!("{status:?}")
    };
    assert!(!reasons.is_empty());

    // A stand-alone compile from the stored register gives the same lists, and tells how far
    // it has got: from none to every person of the register.
    let heard = std::sync::Mutex::new(Vec::new());
    let progress = |p: voters::CompileProgress| heard.lock().unwrap().push(p);
    let again = voters::compile_with_progress(&db, &election_id(), "system", open(), &progress)
        .await
        .expect("compile");
    let heard = heard.into_inner().unwrap();
    let register = again.eligible + again.ineligible;
    assert_eq!(heard.first().map(|p| p.assessed), Some(0));
    assert_eq!(
        heard.last(),
        Some(&voters::CompileProgress {
            assessed: register,
            persons: register
        })
    );
    assert!(heard.windows(2).all(|w| w[0].assessed <= w[1].assessed));
    assert_eq!(again.eligible, compiled.eligible);
    assert_eq!(again.by_reason, compiled.by_reason);
    assert_eq!(lists(&ctx).await, (entries, other));

    let audit = db.audit_entries(0, 100).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.event.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "setup_imported",
            "register_imported",
            "voter_lists_compiled",
            "voter_lists_compiled"
        ]
    );
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn reimport_records_added_changed_removed_and_unchanged(ctx: Ctx) {
    let db = ctx.db().await;
    let generator = small_setup(&db).await;
    let first = persons(&generator, 0, 1_000);
    let report = import(&db, first.clone(), "extract-1.csv", false)
        .await
        .unwrap();
    assert_eq!((report.added, report.persons), (1_000, 1_000));

    // The newer extract: 10 persons gone, 5 changed (address, patronymic set and cleared,
    // a flag), 7 new.
    let mut second: Vec<RegisterRecord> = first[10..].to_vec();
    let moved_to = &generator.station_areas()[0];
    second[0].settlement = moved_to.settlement.clone();
    second[0].street = moved_to.street.clone();
    second[0].house = "99а".into();
    second[1].patronymic = None;
    second[2].patronymic = Some("Жаңы".into());
    second[3].imprisoned = true;
    second[4].biometrics = false;
    // Changed but equal: not a change.
    second[5].surname = second[5].surname.clone();
    assert!(first[12].patronymic.is_none(), "fixture: 12 % 3 == 0");
    second.extend(persons(&generator, 5_000, 7));
    let report = import(&db, second.clone(), "extract-2.csv", true)
        .await
        .unwrap();
    assert_eq!(report.import_id, 2);
    assert_eq!(
        (
            report.added,
            report.changed,
            report.removed,
            report.unchanged
        ),
        (7, 5, 10, 985)
    );
    assert_eq!(report.persons, 997);
    assert_eq!(db.register_count().await.unwrap(), 997);
    // The stored register is the new extract, field by field.
    for r in [&second[0], &second[1], &second[2], &second[996]] {
        let status = db
            .voter_status(&election_id(), &r.pin)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&status.person, r);
    }
    assert!(
        db.voter_status(&election_id(), &first[0].pin)
            .await
            .unwrap()
            .is_none()
    );
    // History per person, and per import.
    let history = db.register_history(&second[0].pin).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].import_id, history[0].kind.as_str()),
        (2, "changed")
    );
    assert_eq!(
        db.register_history(&first[0].pin).await.unwrap()[0].kind,
        "removed"
    );
    assert_eq!(
        db.register_history(&second[996].pin).await.unwrap()[0].kind,
        "added"
    );
    let imports = db.register_imports(10).await.unwrap();
    assert_eq!(
        imports.iter().map(|i| i.import_id).collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(imports[0].source, "extract-2.csv");
    assert_eq!((imports[0].added, imports[0].removed), (7, 10));
    // The lists follow the new extract.
    let compiled = report.compiled.unwrap();
    assert_eq!(compiled.eligible, 997 - 2);
    let status = db
        .voter_status(&election_id(), &second[3].pin)
        .await
        .unwrap()
        .unwrap();
    let Placement::NotOnList { reasons, .. } = status.placement else {
        panic!("{status:?}")
    };
    assert_eq!(
        reasons,
        Reasons::EMPTY.with(IneligibilityReason::Imprisoned)
    );
    // Each import wrote one audit entry with its counts, and the compile one more.
    let audit = db.audit_entries(0, 100).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.event.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "setup_imported",
            "register_imported",
            "register_imported",
            "voter_lists_compiled"
        ]
    );
    assert!(audit[2].event.after_digest.is_some());
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn an_abandoned_import_stores_nothing(ctx: Ctx) {
    let db = ctx.db().await;
    let generator = small_setup(&db).await;
    let first = persons(&generator, 0, 300);
    import(&db, first.clone(), "extract-1.csv", true)
        .await
        .unwrap();
    let before = lists(&ctx).await;
    let head = db.audit_head().await.unwrap();
    // As when the file has a bad row at line N: the CLI stops pushing and drops the session.
    for compile in [false, true] {
        let compiler = if compile {
            Some(Arc::new(
                voters::compiler_for(&db, &election_id()).await.unwrap(),
            ))
        } else {
            None
        };
        let options = ImportOptions::apply("bad.csv", "system", open(), compiler.clone(), None);
        let mut session = db.begin_register_import(options).await.unwrap();
        let mut batcher = ImportBatcher::new(compiler, 10_000, 0);
        for r in persons(&generator, 1_000, 50) {
            assert!(batcher.add(r).is_none());
        }
        let (batch, _) = batcher.finish();
        session.push(&batch).await.unwrap();
        drop(session);
    }
    assert_eq!(db.register_count().await.unwrap(), 300);
    assert_eq!(lists(&ctx).await, before);
    assert_eq!(db.audit_head().await.unwrap(), head);
    assert_eq!(db.register_imports(10).await.unwrap().len(), 1);

    // The first import into an empty register is all-or-nothing too.
    let fresh = ctx_fresh_db(&ctx).await;
    if let Some(db) = fresh {
        small_setup(&db).await;
        let options = ImportOptions::apply("bad.csv", "system", open(), None, None);
        let mut session = db.begin_register_import(options).await.unwrap();
        let batch = ImportBatch {
            records: persons(&generator, 0, 10),
            assessed: Vec::new(),
        };
        session.push(&batch).await.unwrap();
        drop(session);
        assert_eq!(db.register_count().await.unwrap(), 0);
    }
}

/// A second, empty SQLite store beside the test's (the PostgreSQL half covers the same path
/// with the first import of the other tests).
async fn ctx_fresh_db(ctx: &Ctx) -> Option<Db> {
    match ctx.engine {
        Engine::Sqlite => {
            let url = format!("{}-fresh", ctx.url);
            Some(Db::connect(&url).await.expect("fresh store"))
        }
        Engine::Postgres => None,
    }
}

async fn vot_06_each_pin_on_exactly_one_list(ctx: Ctx) {
    let db = ctx.db().await;
    let generator = small_setup(&db).await;
    let mut records = persons(&generator, 0, 50);
    // The same PIN three times (the copies differ: the register cannot say which is right),
    // and another twice.
    let mut copy = records[7].clone();
    copy.street = generator.station_areas()[1].street.clone();
    records.push(copy);
    records.push(records[7].clone());
    records.push(records[20].clone());
    let report = import(&db, records.clone(), "dups.csv", true)
        .await
        .unwrap();
    assert_eq!(report.records, 53);
    assert_eq!(report.persons, 50);
    assert_eq!(report.duplicate_pins, 2);
    let compiled = report.compiled.unwrap();
    assert_eq!((compiled.eligible, compiled.ineligible), (48, 2));
    assert_eq!(compiled.by_reason["VOT-06_duplicate_pin"], 2);
    let (entries, other) = lists(&ctx).await;
    assert_eq!(entries.len(), 48);
    for pin in [records[7].pin, records[20].pin] {
        assert!(!entries.contains_key(pin.as_str()));
        let reasons = Reasons::from_bits(u16::try_from(other[pin.as_str()]).unwrap()).unwrap();
        assert_eq!(
            reasons,
            Reasons::EMPTY.with(IneligibilityReason::DuplicatePin)
        );
    }
    let dups = db.register_duplicates().await.unwrap();
    let mut expected = vec![(records[7].pin, 3), (records[20].pin, 2)];
    expected.sort();
    assert_eq!(
        dups.iter().map(|d| (d.pin, d.copies)).collect::<Vec<_>>(),
        expected
    );
    // The stand-alone compile reads the duplicates back and agrees.
    let again = voters::compile(&db, &election_id(), "system", open())
        .await
        .unwrap();
    assert_eq!((again.eligible, again.ineligible), (48, 2));
    assert_eq!(lists(&ctx).await, (entries, other));
}

async fn vot_04_address_outside_any_station_area_is_not_on_a_list(ctx: Ctx) {
    let db = ctx.db().await;
    let generator = small_setup(&db).await;
    let mut records = persons(&generator, 0, 20);
    records[3].street = "Жок көчөсү".into();
    let report = import(&db, records.clone(), "x.csv", true).await.unwrap();
    assert_eq!(report.compiled.unwrap().eligible, 19);
    let status = db
        .voter_status(&election_id(), &records[3].pin)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        status.placement,
        Placement::NotOnList {
            reasons: Reasons::EMPTY.with(IneligibilityReason::AddressOutsideCommunity),
            council: None,
            home_station: None,
        }
    );
    assert_eq!(status.station(), None);
    let (entries, _) = lists(&ctx).await;
    assert!(!entries.contains_key(records[3].pin.as_str()));
}

async fn publication_follows_the_calendar_and_freezing_blocks_changes(ctx: Ctx) {
    let db = ctx.db().await;
    let generator = small_setup(&db).await;
    let e = election_id();
    let step = |s, when: &str| voters::take_step(&db, &e, s, "cec-admin", at(when));
    // Nothing to publish before a compile.
    assert!(matches!(
        step(ListStep::Published, "2024-09-24T10:00:00+06:00").await,
        Err(VoterListError::NotCompiled(_))
    ));
    import(&db, persons(&generator, 0, 100), "x.csv", true)
        .await
        .unwrap();
    // CAL-02 is 23 September 2024: the day before is refused, with the calendar's error.
    match step(ListStep::Published, "2024-09-22T23:59:00+06:00").await {
        Err(VoterListError::Calendar(closed)) => {
            assert_eq!(closed.rule(), "CAL-02");
            assert_eq!(closed.instant(), at("2024-09-23T00:00:00+06:00"));
            assert!(closed.to_string().contains("2024-09-23 00:00"), "{closed}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        step(ListStep::Posted, "2024-09-24T10:00:00+06:00").await,
        Err(VoterListError::NotPublished(_))
    ));
    let published = step(ListStep::Published, "2024-09-23T09:00:00+06:00")
        .await
        .unwrap();
    assert_eq!(
        published.state.published_at,
        Some(at("2024-09-23T09:00:00+06:00"))
    );
    assert!(matches!(
        step(ListStep::Published, "2024-09-24T09:00:00+06:00").await,
        Err(VoterListError::AlreadyDone { .. })
    ));
    let posted = step(ListStep::Posted, "2024-09-28T18:00:00+06:00")
        .await
        .unwrap();
    assert_eq!(posted.late, None);
    // Recompiling preliminary lists is allowed until they are frozen.
    voters::compile(&db, &e, "system", at("2024-10-01T10:00:00+06:00"))
        .await
        .unwrap();
    // CAL-12 closes at the end of 1 November 2024.
    match step(ListStep::Frozen, "2024-11-01T23:00:00+06:00").await {
        Err(VoterListError::Calendar(closed)) => assert_eq!(closed.rule(), "CAL-12"),
        other => panic!("{other:?}"),
    }
    let frozen = step(ListStep::Frozen, "2024-11-02T09:00:00+06:00")
        .await
        .unwrap();
    assert_eq!(
        frozen.state.frozen_at,
        Some(at("2024-11-02T09:00:00+06:00"))
    );
    let (entries, other) = lists(&ctx).await;
    // After freezing: no compile, no import that compiles; a plain import leaves the lists.
    assert!(matches!(
        voters::compile(&db, &e, "system", open()).await,
        Err(VoterListError::Frozen { .. })
    ));
    assert!(matches!(
        import(&db, persons(&generator, 0, 90), "y.csv", true).await,
        Err(VoterListError::Frozen { .. })
    ));
    assert_eq!(db.register_count().await.unwrap(), 100);
    import(&db, persons(&generator, 0, 90), "z.csv", false)
        .await
        .unwrap();
    assert_eq!(db.register_count().await.unwrap(), 90);
    assert_eq!(lists(&ctx).await, (entries, other));
    assert!(matches!(
        step(ListStep::Posted, "2024-11-03T09:00:00+06:00").await,
        Err(VoterListError::Frozen { .. })
    ));
    let audit = db.audit_entries(0, 100).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.event.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "setup_imported",
            "register_imported",
            "voter_lists_compiled",
            "voter_lists_published",
            "voter_lists_posted",
            "voter_lists_compiled",
            "voter_lists_frozen",
            "register_imported"
        ]
    );
    assert_eq!(audit[6].event.actor, "cec-admin");
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

/// `station_voters` and the `station_roll` use case behind the printed list: the station's
/// entries with the register data, a voter moved to another station (an approved remote-voting
/// application, VOT-07) on that station's list only, refusals before compiling and for staff
/// of another PEC.
async fn vot_07_an_approved_remote_voter_is_on_the_remote_stations_printed_list_not_at_home(
    ctx: Ctx,
) {
    use shailoo_app::users::{Actor, Role, Username};
    let db = ctx.db().await;
    let generator = small_setup(&db).await;
    let records = persons(&generator, 0, 200);
    import(&db, records.clone(), "p.csv", false).await.unwrap();
    let first = generator.station_areas()[0].station;
    let roll = voters::station_roll(&db, &Actor::System, &election_id(), first).await;
    assert!(
        matches!(roll, Err(VoterListError::NotCompiled(_))),
        "{roll:?}"
    );
    voters::compile(&db, &election_id(), "system", open())
        .await
        .unwrap();

    // The station with the most voters.
    let (entries, _) = lists(&ctx).await;
    let mut per_station: HashMap<i64, usize> = HashMap::new();
    for s in entries.values() {
        *per_station.entry(*s).or_default() += 1;
    }
    let (station_i64, _) = per_station
        .into_iter()
        .max_by_key(|(s, n)| (*n, -*s))
        .unwrap();
    let home = StationNumber::new(u32::try_from(station_i64).unwrap()).unwrap();
    let mut expected: Vec<&str> = entries
        .iter()
        .filter(|(_, s)| **s == station_i64)
        .map(|(p, _)| p.as_str())
        .collect();
    expected.sort_unstable();
    assert!(
        expected.len() >= 2,
        "the fixture puts several voters at {home}"
    );
    let listed = db.station_voters(&election_id(), home).await.unwrap();
    let pins: Vec<&str> = listed.iter().map(|v| v.person.pin.as_str()).collect();
    assert_eq!(
        pins, expected,
        "ordered by PIN, exactly the station's entries"
    );
    for v in &listed {
        let record = records.iter().find(|r| r.pin == v.person.pin).unwrap();
        assert_eq!(&v.person, record, "the register data come back whole");
        assert_eq!(v.home_station, home);
    }

    // An approved remote-voting application moves the entry's station (the remote store does
    // this; here plain SQL): the voter leaves the home list for the other station's.
    let moved = expected[0].to_owned();
    let other = generator
        .setup_ref()
        .stations
        .iter()
        .find(|s| s.number != home)
        .unwrap()
        .clone();
    ctx.raw(&format!(
        "UPDATE voter_list_entries SET station = {} WHERE election = '{ELECTION}' AND pin = '{moved}'",
        other.number.get()
    ))
    .await;
    let at_home = db.station_voters(&election_id(), home).await.unwrap();
    assert!(at_home.iter().all(|v| v.person.pin.as_str() != moved));
    assert_eq!(at_home.len(), expected.len() - 1);
    let away = db
        .station_voters(&election_id(), other.number)
        .await
        .unwrap();
    let found = away
        .iter()
        .find(|v| v.person.pin.as_str() == moved)
        .unwrap();
    assert_eq!(found.home_station, home);

    // The use case: names of the settlements, the station's council and PEC; staff of another
    // PEC are refused.
    let roll = voters::station_roll(&db, &Actor::System, &election_id(), home)
        .await
        .unwrap();
    assert_eq!(roll.voters.len(), expected.len() - 1);
    assert!(roll.commission.is_some() && roll.council.is_some());
    for v in &roll.voters {
        assert!(roll.settlements.contains_key(&v.person.settlement));
    }
    let stranger = Actor::User {
        username: Username::parse("pec.other").unwrap(),
        role: Role::PecMember,
        commission: other.commission.clone(),
    };
    let home_pec = db.station(home).await.unwrap().unwrap().commission;
    assert_ne!(home_pec, other.commission);
    let refused = voters::station_roll(&db, &stranger, &election_id(), home).await;
    assert!(
        matches!(refused, Err(VoterListError::Forbidden(_))),
        "{refused:?}"
    );
    let unknown = StationNumber::new(99_999).unwrap();
    let refused = voters::station_roll(&db, &Actor::System, &election_id(), unknown).await;
    assert!(
        matches!(refused, Err(VoterListError::UnknownStation(_))),
        "{refused:?}"
    );
}

async fn recompiling_one_election_keeps_the_lists_of_another(ctx: Ctx) {
    let db = ctx.db().await;
    let generator = small_setup(&db).await;
    import(&db, persons(&generator, 0, 200), "extract-1.csv", true)
        .await
        .unwrap();
    let before = lists(&ctx).await;
    // Lists of a second election in the same tables: a recompile of the first may not clear
    // the tables whole (TRUNCATE on PostgreSQL, an unqualified DELETE on SQLite).
    ctx.raw(
        "INSERT INTO voter_list_entries (election, pin, council, home_station, station) \
         SELECT 'other-2025', pin, council, home_station, station FROM voter_list_entries",
    )
    .await;
    ctx.raw(
        "INSERT INTO voter_ineligible (election, pin, reasons, council, home_station) \
         SELECT 'other-2025', pin, reasons, council, home_station FROM voter_ineligible",
    )
    .await;
    let other = |table: &'static str| {
        let ctx = &ctx;
        async move {
            ctx.raw_text(&format!(
                "SELECT CAST(COUNT(*) AS TEXT) FROM {table} WHERE election = 'other-2025'"
            ))
            .await
        }
    };
    let (entries, ineligible) = (
        other("voter_list_entries").await,
        other("voter_ineligible").await,
    );
    assert_eq!(entries, before.0.len().to_string());
    voters::compile(&db, &election_id(), "system", open())
        .await
        .unwrap();
    assert_eq!(lists(&ctx).await, before);
    assert_eq!(other("voter_list_entries").await, entries);
    assert_eq!(other("voter_ineligible").await, ineligible);
    // Alone again, the election's lists are cleared whole and come back the same.
    ctx.raw("DELETE FROM voter_list_entries WHERE election = 'other-2025'")
        .await;
    ctx.raw("DELETE FROM voter_ineligible WHERE election = 'other-2025'")
        .await;
    voters::compile(&db, &election_id(), "system", open())
        .await
        .unwrap();
    assert_eq!(lists(&ctx).await, before);
}

/// Imports and compiles drop the lists' station index (and on PostgreSQL their primary key)
/// for the bulk write and build them again: afterwards both are there, and the key refuses a
/// second entry for a voter.
async fn bulk_writes_leave_the_lists_keys_and_indexes_in_place(ctx: Ctx) {
    let db = ctx.db().await;
    let generator = small_setup(&db).await;
    let expected = vec![
        "voter_list_entries_pkey".to_owned(),
        "voter_list_entries_station".to_owned(),
    ];
    let second_entry = "INSERT INTO voter_list_entries (election, pin, council, home_station, \
                        station) SELECT election, pin, council, home_station, station \
                        FROM voter_list_entries LIMIT 1";
    import(&db, persons(&generator, 0, 200), "extract-1.csv", true)
        .await
        .unwrap();
    assert_eq!(ctx.indexes("voter_list_entries").await, expected);
    assert!(ctx.raw_fails(second_entry).await);
    voters::compile(&db, &election_id(), "system", open())
        .await
        .unwrap();
    assert_eq!(ctx.indexes("voter_list_entries").await, expected);
    assert!(ctx.raw_fails(second_entry).await);
}
