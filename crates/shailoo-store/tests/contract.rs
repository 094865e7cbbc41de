//! The contract of the storage port, written once and run on both engines.
//!
//! Each `async fn` below takes a [`Ctx`] (a fresh, empty database) and is run twice by the
//! `contract!` macro: on SQLite (a new file in a temp directory) and on PostgreSQL (a new
//! database created through the admin URL in `SHAILOO_TEST_POSTGRES_URL`, dropped afterwards).
//!
//! Without `SHAILOO_TEST_POSTGRES_URL` the PostgreSQL half prints a notice and passes, unless
//! `CI` is set: then it fails, because CI must prove both engines. Start a server with
//! `scripts/postgres-test-server.sh`, which prints the URL to use.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::{date, time};
use shailoo_app::audit::{AuditAction, AuditEvent, ChainBreakReason};
use shailoo_app::setup::OverrideError;
use shailoo_app::users::{NewUser, Role, Session, Username};
use shailoo_app::voters::{
    Confirmation, ImportBatch, ImportMode, ImportOptions, ImportReport, VoterListError,
    VoterListStore,
};
use shailoo_app::{
    AccountStore, AuditStore, CalendarOverrideRecord, CommissionFilter, CouncilFilter,
    DecisionNumber, Entity, PageRequest, SetupStore, StationFilter, Store, StoreError,
    verify_audit,
};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::{
    Accessibility, Commission, CommissionLevel, Council, CouncilKind, Election, LocalizedName,
    PollingStation, Setup, SetupError, StationArea, Territory, TerritoryKind,
};
use shailoo_domain::{
    CommissionId, CouncilId, ElectionId, ErrorCode, Pin, SeatCount, Sex, StationNumber, TerritoryId,
};
use shailoo_store::Db;
use std::str::FromStr;
use std::time::{Duration, Instant};

#[macro_use]
mod harness;
use harness::*;

contract!(
    migrating_twice_is_idempotent,
    a_setup_reads_back_equal,
    a_duplicate_station_number_changes_nothing,
    a_station_naming_unknown_references_changes_nothing,
    import_setup_is_all_or_nothing,
    filters_and_paging,
    search_is_case_insensitive_in_cyrillic,
    names_sort_in_kyrgyz_alphabet_order,
    calendar_overrides_are_set_and_replaced,
    users_and_sessions,
    register_import_stores_every_record_verbatim,
    register_import_dropped_without_finish_stores_nothing,
    register_import_with_a_pin_pushed_twice_stores_nothing,
    register_import_of_100k_records,
    audit_chain_verifies,
    audit_chain_detects_an_altered_entry,
    audit_chain_detects_a_removed_middle_entry,
    audit_chain_detects_a_removed_last_entry,
    concurrent_writers_never_fork_the_chain,
    a_corrupt_row_is_reported_not_hidden,
    the_server_connection_commits_durably,
);

// ---------------------------------------------------------------------------------------------
// Fixtures

fn name(ky: &str, ru: &str, en: &str) -> LocalizedName {
    LocalizedName {
        ky: ky.into(),
        ru: ru.into(),
        en: en.into(),
    }
}

fn tid(s: &str) -> TerritoryId {
    TerritoryId::parse(s).unwrap()
}
fn cid(s: &str) -> CouncilId {
    CouncilId::parse(s).unwrap()
}
fn mid(s: &str) -> CommissionId {
    CommissionId::parse(s).unwrap()
}
fn num(n: u32) -> StationNumber {
    StationNumber::new(n).unwrap()
}

fn territory(id: &str, kind: TerritoryKind, parent: Option<&str>, n: LocalizedName) -> Territory {
    Territory {
        id: tid(id),
        kind,
        name: n,
        parent: parent.map(tid),
    }
}

fn commission(
    id: &str,
    level: CommissionLevel,
    parent: Option<&str>,
    territory: &str,
    n: LocalizedName,
) -> Commission {
    Commission {
        id: mid(id),
        level,
        parent: parent.map(mid),
        territory: tid(territory),
        name: n,
        phone: None,
    }
}

fn station(
    number: u32,
    pec: &str,
    council: &str,
    territory: &str,
    address: &str,
) -> PollingStation {
    PollingStation {
        number: num(number),
        commission: mid(pec),
        council: cid(council),
        territory: tid(territory),
        address: name(address, address, address),
        accessibility: Accessibility::default(),
        remote_voting: false,
    }
}

/// A small but complete setup: two regions, Bishkek, three councils, CEC → TECs → PECs,
/// four stations (one for remote voting) and one election.
fn sample_setup() -> Setup {
    use CommissionLevel::*;
    use TerritoryKind::*;
    let territories = vec![
        territory(
            "chui",
            Region,
            None,
            name("Чүй облусу", "Чуйская область", "Chui Region"),
        ),
        territory(
            "chui-alamudun",
            Raion,
            Some("chui"),
            name("Аламүдүн району", "Аламудунский район", "Alamudun District"),
        ),
        territory(
            "alamudun-aa",
            AiylAimak,
            Some("chui-alamudun"),
            name(
                "Аламүдүн айыл аймагы",
                "Аламудунский айыльный аймак",
                "Alamudun AA",
            ),
        ),
        territory(
            "lebedinovka",
            Settlement,
            Some("alamudun-aa"),
            name("Лебединовка", "Лебединовка", "Lebedinovka"),
        ),
        territory(
            "bishkek",
            RepublicanCity,
            None,
            name("Бишкек шаары", "город Бишкек", "Bishkek City"),
        ),
        territory(
            "osh-region",
            Region,
            None,
            name("Ош облусу", "Ошская область", "Osh Region"),
        ),
        territory(
            "ozgon-raion",
            Raion,
            Some("osh-region"),
            name("Өзгөн району", "Узгенский район", "Uzgen District"),
        ),
        territory(
            "ozgon",
            City,
            Some("ozgon-raion"),
            name("Өзгөн шаары", "город Узген", "Uzgen City"),
        ),
    ];
    let councils = vec![
        Council {
            id: cid("bishkek-city"),
            kind: CouncilKind::City,
            territory: tid("bishkek"),
            name: name(
                "Бишкек шаардык кеңеши",
                "Бишкекский городской кенеш",
                "Bishkek City Council",
            ),
            seats: SeatCount::new(45).unwrap(),
        },
        Council {
            id: cid("alamudun-aiyl"),
            kind: CouncilKind::Aiyl,
            territory: tid("alamudun-aa"),
            name: name(
                "Аламүдүн айылдык кеңеши",
                "Аламудунский айыльный кенеш",
                "Alamudun Aiyl Council",
            ),
            seats: SeatCount::new(21).unwrap(),
        },
        Council {
            id: cid("ozgon-city"),
            kind: CouncilKind::City,
            territory: tid("ozgon"),
            name: name(
                "Өзгөн шаардык кеңеши",
                "Узгенский городской кенеш",
                "Uzgen City Council",
            ),
            seats: SeatCount::new(31).unwrap(),
        },
    ];
    let commissions = vec![
        commission("cec", Cec, None, "bishkek", name("БШК", "ЦИК", "CEC")),
        commission(
            "tec-bishkek",
            Tec,
            Some("cec"),
            "bishkek",
            name(
                "Бишкек шаардык ШК",
                "Бишкекская городская ТИК",
                "Bishkek City TEC",
            ),
        ),
        commission(
            "tec-chui",
            Tec,
            Some("cec"),
            "chui",
            name(
                "Чүй облустук ШК",
                "Чуйская областная ТИК",
                "Chui Region TEC",
            ),
        ),
        commission(
            "tec-osh",
            Tec,
            Some("cec"),
            "osh-region",
            name("Ош облустук ШК", "Ошская областная ТИК", "Osh Region TEC"),
        ),
        commission(
            "tec-ozgon",
            Tec,
            Some("cec"),
            "ozgon",
            name(
                "Өзгөн шаардык ШК",
                "Узгенская городская ТИК",
                "Uzgen City TEC",
            ),
        ),
        commission(
            "pec-1001",
            Pec,
            Some("tec-chui"),
            "lebedinovka",
            name("УШК 1001", "УИК 1001", "PEC 1001"),
        ),
        commission(
            "pec-2001",
            Pec,
            Some("tec-bishkek"),
            "bishkek",
            name("УШК 2001", "УИК 2001", "PEC 2001"),
        ),
        commission(
            "pec-2002",
            Pec,
            Some("tec-bishkek"),
            "bishkek",
            name("УШК 2002", "УИК 2002", "PEC 2002"),
        ),
        commission(
            "pec-3001",
            Pec,
            Some("tec-ozgon"),
            "ozgon",
            name("УШК 3001", "УИК 3001", "PEC 3001"),
        ),
    ];
    let mut remote = station(
        2002,
        "pec-2002",
        "bishkek-city",
        "bishkek",
        "Бишкек, Эркиндик бульвары 5",
    );
    remote.remote_voting = true;
    remote.accessibility = Accessibility {
        ramp: true,
        ground_floor: true,
        wide_doors: false,
        parking: true,
        tactile_signs: false,
        call_button: false,
        lighting: true,
    };
    let stations = vec![
        station(
            1001,
            "pec-1001",
            "alamudun-aiyl",
            "lebedinovka",
            "Лебединовка, Ленин көчөсү 1",
        ),
        station(
            2001,
            "pec-2001",
            "bishkek-city",
            "bishkek",
            "Бишкек, Чүй проспекти 10",
        ),
        remote,
        station(
            3001,
            "pec-3001",
            "ozgon-city",
            "ozgon",
            "Өзгөн, Манас көчөсү 3",
        ),
    ];
    let elections = vec![Election {
        id: ElectionId::parse("local-2024").unwrap(),
        name: name(
            "Жергиликтүү кеңештердин шайлоосу 2024",
            "Выборы в местные кенеши 2024",
            "Local council elections 2024",
        ),
        decree_number: "УП-123".into(),
        decree_date: date(2024, 9, 1),
        called_on: date(2024, 9, 2),
        voting_day: date(2024, 11, 17),
        councils: vec![cid("bishkek-city"), cid("alamudun-aiyl")],
    }];
    Setup {
        territories,
        councils,
        commissions,
        stations,
        elections,
    }
}

fn sample_areas() -> Vec<StationArea> {
    vec![
        StationArea {
            station: num(1001),
            settlement: tid("lebedinovka"),
            street: "Ленин көчөсү".into(),
            street_ru: None,
            street_en: None,
        },
        StationArea {
            station: num(2001),
            settlement: tid("bishkek"),
            street: "Чүй проспекти".into(),
            street_ru: None,
            street_en: None,
        },
    ]
}

fn event(action: AuditAction, subject: &str) -> AuditEvent {
    AuditEvent::new("system", action, subject, Timestamp::now())
}

async fn import_sample(store: &dyn Store) {
    store
        .import_setup(
            &sample_setup(),
            &sample_areas(),
            event(AuditAction::SetupImported, "local-2024"),
        )
        .await
        .expect("sample setup imports");
}

/// Persons with distinct PINs `first..first+n`.
fn persons(first: u32, n: u32) -> Vec<RegisterRecord> {
    (first..first + n)
        .map(|i| {
            let sex = if i % 2 == 0 { Sex::Female } else { Sex::Male };
            let birth = date(1950, 1, 1)
                .checked_add(jiff::Span::new().days(i64::from(i / 100_000)))
                .unwrap();
            RegisterRecord {
                pin: Pin::compose(sex, birth, i),
                surname: "Асанова".into(),
                given_name: "Айгүл".into(),
                patronymic: (i % 3 != 0).then(|| "Үсөновна".into()),
                sex,
                birth_date: birth,
                citizen: true,
                biometrics: i % 7 != 0,
                settlement: tid("lebedinovka"),
                street: "Ленин көчөсү".into(),
                house: format!("{}", i % 200 + 1),
                address_registered_on: date(2020, 3, 4),
                residence_stamp: true,
                court_incapable: false,
                imprisoned: i % 1000 == 999,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The contract

async fn migrating_twice_is_idempotent(ctx: Ctx) {
    let first = shailoo_store::migrate(&ctx.url)
        .await
        .expect("first migrate");
    assert!(!first.is_empty(), "a new database gets every migration");
    let second = shailoo_store::migrate(&ctx.url)
        .await
        .expect("second migrate");
    assert!(second.is_empty(), "nothing left to apply: {second:?}");
    let db = ctx.db().await;
    assert!(db.migrate().await.expect("third migrate").is_empty());
    db.ping().await.expect("ping");
    assert_eq!(
        db.engine(),
        match ctx.engine {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    );
    assert_eq!(db.audit_head().await.expect("head"), None);
}

async fn a_setup_reads_back_equal(ctx: Ctx) {
    let db = ctx.db().await;
    let setup = sample_setup();
    let summary = db
        .import_setup(
            &setup,
            &sample_areas(),
            event(AuditAction::SetupImported, "local-2024"),
        )
        .await
        .expect("import");
    assert_eq!(
        (
            summary.territories,
            summary.councils,
            summary.commissions,
            summary.stations
        ),
        (8, 3, 9, 4)
    );
    assert_eq!((summary.station_areas, summary.elections), (2, 1));

    for t in &setup.territories {
        assert_eq!(
            db.territory(&t.id).await.expect("territory").as_ref(),
            Some(t)
        );
    }
    assert_eq!(db.territory(&tid("nowhere")).await.expect("none"), None);
    let top: Vec<_> = db
        .territory_children(None)
        .await
        .expect("top")
        .into_iter()
        .map(|t| t.id)
        .collect();
    // Kyrgyz order: Бишкек, Ош, Чүй.
    assert_eq!(top, [tid("bishkek"), tid("osh-region"), tid("chui")]);
    let children = db
        .territory_children(Some(&tid("chui")))
        .await
        .expect("children");
    assert_eq!(children, [setup.territories[1].clone()]);

    for c in &setup.councils {
        assert_eq!(db.council(&c.id).await.expect("council").as_ref(), Some(c));
    }
    for c in &setup.commissions {
        assert_eq!(
            db.commission(&c.id).await.expect("commission").as_ref(),
            Some(c)
        );
    }
    for s in &setup.stations {
        assert_eq!(
            db.station(s.number).await.expect("station").as_ref(),
            Some(s)
        );
    }
    assert_eq!(db.station(num(9999)).await.expect("none"), None);
    assert_eq!(db.elections().await.expect("elections"), setup.elections);
    assert_eq!(
        db.election(&setup.elections[0].id)
            .await
            .expect("election")
            .as_ref(),
        Some(&setup.elections[0])
    );
    assert_eq!(
        db.commission_chain(&mid("pec-2001")).await.expect("chain"),
        [mid("pec-2001"), mid("tec-bishkek"), mid("cec")]
    );
    assert_eq!(
        db.commission_chain(&mid("cec")).await.expect("chain"),
        [mid("cec")]
    );
    assert!(
        db.commission_chain(&mid("pec-9"))
            .await
            .expect("chain")
            .is_empty()
    );
    // A village up to its region, itself first (a station's address names them).
    let t = &setup.territories;
    assert_eq!(
        db.territory_chain(&tid("lebedinovka"))
            .await
            .expect("chain"),
        [t[3].clone(), t[2].clone(), t[1].clone(), t[0].clone()]
    );
    assert_eq!(
        db.territory_chain(&tid("bishkek")).await.expect("chain"),
        [t[4].clone()]
    );
    assert!(
        db.territory_chain(&tid("nowhere"))
            .await
            .expect("chain")
            .is_empty()
    );

    let totals = db.totals().await.expect("totals");
    assert_eq!((totals.councils_city, totals.councils_aiyl), (2, 1));
    assert_eq!((totals.seats_city, totals.seats_aiyl), (76, 21));
    assert_eq!(totals.commissions, 9);
    assert_eq!((totals.stations_regular, totals.stations_remote), (3, 1));
    assert_eq!(totals.register_persons, 0);

    let entries = db.audit_entries(0, 10).await.expect("entries");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].event.action, "setup_imported");
    assert_eq!(
        db.audit_head().await.expect("head"),
        Some((1, entries[0].hash.clone()))
    );
}

/// Counts, top-level territories and audit head: what must not move when a change is refused.
async fn snapshot(db: &Db) -> (shailoo_app::Totals, usize, Option<(i64, String)>) {
    (
        db.totals().await.expect("totals"),
        db.territory_children(None).await.expect("top").len(),
        db.audit_head().await.expect("head"),
    )
}

async fn a_duplicate_station_number_changes_nothing(ctx: Ctx) {
    let db = ctx.db().await;
    import_sample(&db).await;
    let before = snapshot(&db).await;
    let mut dup = station(1001, "pec-2001", "bishkek-city", "bishkek", "elsewhere");
    dup.remote_voting = true;
    let err = db
        .add_station(&dup, event(AuditAction::StationAdded, "1001"))
        .await
        .expect_err("duplicate");
    assert!(
        matches!(&err, StoreError::Duplicate { entity: Entity::Station, key } if key == "1001"),
        "{err:?}"
    );
    assert_eq!(err.code(), ErrorCode::DuplicateStationNumber);
    assert_eq!(snapshot(&db).await, before);
    assert_eq!(
        db.station(num(1001)).await.expect("station"),
        Some(sample_setup().stations[0].clone())
    );

    // Importing the same setup again: every key exists, nothing changes.
    let err = db
        .import_setup(
            &sample_setup(),
            &[],
            event(AuditAction::SetupImported, "again"),
        )
        .await
        .expect_err("duplicate import");
    assert!(
        matches!(&err, StoreError::Duplicate { entity: Entity::Territory, key } if key == "chui"),
        "{err:?}"
    );
    assert_eq!(snapshot(&db).await, before);

    // A new station is fine and moves the counts and the head.
    db.add_station(
        &station(
            1002,
            "pec-1001",
            "alamudun-aiyl",
            "lebedinovka",
            "Лебединовка, Мира 2",
        ),
        event(AuditAction::StationAdded, "1002"),
    )
    .await
    .expect("add");
    assert_eq!(db.totals().await.expect("totals").stations_regular, 4);
    assert_eq!(db.audit_head().await.expect("head").map(|h| h.0), Some(2));
}

async fn a_station_naming_unknown_references_changes_nothing(ctx: Ctx) {
    let db = ctx.db().await;
    import_sample(&db).await;
    let before = snapshot(&db).await;
    let cases = [
        (
            station(5001, "pec-1001", "nowhere", "lebedinovka", "x"),
            Entity::Council,
            "nowhere",
        ),
        (
            station(5001, "pec-404", "bishkek-city", "bishkek", "x"),
            Entity::Commission,
            "pec-404",
        ),
        // A TEC cannot run a station.
        (
            station(5001, "tec-chui", "bishkek-city", "bishkek", "x"),
            Entity::Commission,
            "tec-chui",
        ),
        (
            station(5001, "pec-1001", "bishkek-city", "atlantis", "x"),
            Entity::Territory,
            "atlantis",
        ),
    ];
    for (s, entity_expected, key_expected) in cases {
        let err = db
            .add_station(&s, event(AuditAction::StationAdded, "5001"))
            .await
            .expect_err("unknown");
        assert!(
            matches!(&err, StoreError::UnknownReference { entity, key } if *entity == entity_expected && key == key_expected),
            "{err:?}"
        );
    }
    assert_eq!(
        db.add_station(
            &station(5001, "pec-1001", "nowhere", "lebedinovka", "x"),
            event(AuditAction::StationAdded, "b")
        )
        .await
        .expect_err("unknown")
        .code(),
        ErrorCode::UnknownCouncil
    );
    assert_eq!(snapshot(&db).await, before);
    assert_eq!(db.station(num(5001)).await.expect("none"), None);

    // In a setup, the same mistake is caught by the setup check.
    let mut setup = sample_setup();
    setup
        .stations
        .push(station(5001, "pec-1001", "nowhere", "lebedinovka", "x"));
    setup.territories.clear();
    let err = db
        .import_setup(&setup, &[], event(AuditAction::SetupImported, "x"))
        .await
        .expect_err("invalid");
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert_eq!(snapshot(&db).await, before);
}

async fn import_setup_is_all_or_nothing(ctx: Ctx) {
    let db = ctx.db().await;
    let empty = snapshot(&db).await;

    // Inconsistent: refused by the check before anything is written.
    let mut bad = sample_setup();
    bad.stations[1].council = cid("nowhere");
    let err = db
        .import_setup(&bad, &[], event(AuditAction::SetupImported, "x"))
        .await
        .expect_err("invalid");
    assert!(
        matches!(
            err,
            StoreError::Invalid(SetupError::StationUnknownCouncil { .. })
        ),
        "{err:?}"
    );
    assert_eq!(err.code(), ErrorCode::UnknownCouncil);
    assert_eq!(snapshot(&db).await, empty);

    // Consistent, but it fails at the very end (a street given to two stations): everything
    // written before that is rolled back.
    let mut areas = sample_areas();
    areas.push(StationArea {
        station: num(2002),
        settlement: tid("bishkek"),
        street: "Чүй проспекти".into(),
        street_ru: None,
        street_en: None,
    });
    let err = db
        .import_setup(
            &sample_setup(),
            &areas,
            event(AuditAction::SetupImported, "x"),
        )
        .await
        .expect_err("duplicate area");
    assert!(
        matches!(&err, StoreError::Duplicate { entity: Entity::StationArea, key } if key == "bishkek/Чүй проспекти"),
        "{err:?}"
    );
    assert_eq!(snapshot(&db).await, empty);
    assert_eq!(db.territory(&tid("chui")).await.expect("none"), None);
    assert!(db.elections().await.expect("elections").is_empty());

    // An area naming a station that exists nowhere.
    let areas = [StationArea {
        station: num(7777),
        settlement: tid("bishkek"),
        street: "x".into(),
        street_ru: None,
        street_en: None,
    }];
    let err = db
        .import_setup(
            &sample_setup(),
            &areas,
            event(AuditAction::SetupImported, "x"),
        )
        .await
        .expect_err("unknown station");
    assert!(
        matches!(&err, StoreError::UnknownReference { entity: Entity::Station, key } if key == "7777"),
        "{err:?}"
    );
    assert_eq!(snapshot(&db).await, empty);

    // And the good setup still imports afterwards.
    import_sample(&db).await;
    assert_eq!(db.totals().await.expect("totals").stations_remote, 1);
}

async fn filters_and_paging(ctx: Ctx) {
    let db = ctx.db().await;
    import_sample(&db).await;
    let ids = |page: shailoo_app::Page<Council>| {
        page.items
            .into_iter()
            .map(|c| c.id.to_string())
            .collect::<Vec<_>>()
    };

    let all = db.councils(&CouncilFilter::default()).await.expect("all");
    assert_eq!(all.total, 3);
    assert_eq!((all.page, all.per_page), (1, 50));
    assert_eq!(ids(all), ["alamudun-aiyl", "bishkek-city", "ozgon-city"]);

    let city = CouncilFilter {
        kind: Some(CouncilKind::City),
        ..Default::default()
    };
    assert_eq!(
        ids(db.councils(&city).await.expect("city")),
        ["bishkek-city", "ozgon-city"]
    );

    for (within, expected) in [
        ("chui", vec!["alamudun-aiyl"]),
        ("chui-alamudun", vec!["alamudun-aiyl"]),
        ("alamudun-aa", vec!["alamudun-aiyl"]),
        ("osh-region", vec!["ozgon-city"]),
        ("bishkek", vec!["bishkek-city"]),
        ("lebedinovka", vec![]),
        ("nowhere", vec![]),
    ] {
        let f = CouncilFilter {
            within: Some(tid(within)),
            ..Default::default()
        };
        let page = db.councils(&f).await.expect("within");
        assert_eq!(page.total as usize, expected.len(), "within {within}");
        assert_eq!(ids(page), expected, "within {within}");
    }
    let f = CouncilFilter {
        within: Some(tid("osh-region")),
        kind: Some(CouncilKind::Aiyl),
        ..Default::default()
    };
    assert_eq!(db.councils(&f).await.expect("both").total, 0);

    // Paging: 3 councils, 2 per page.
    let page = |n| CouncilFilter {
        page: PageRequest {
            page: n,
            per_page: 2,
        },
        ..Default::default()
    };
    let p1 = db.councils(&page(1)).await.expect("p1");
    let p2 = db.councils(&page(2)).await.expect("p2");
    let p3 = db.councils(&page(3)).await.expect("p3");
    assert_eq!((p1.total, p2.total, p3.total), (3, 3, 3));
    assert_eq!((p2.page, p2.per_page), (2, 2));
    assert_eq!(ids(p1), ["alamudun-aiyl", "bishkek-city"]);
    assert_eq!(ids(p2), ["ozgon-city"]);
    assert!(p3.items.is_empty());
    // Page 0 is page 1, and page sizes are capped.
    let p0 = db
        .councils(&CouncilFilter {
            page: PageRequest {
                page: 0,
                per_page: 10_000,
            },
            ..Default::default()
        })
        .await
        .expect("p0");
    assert_eq!((p0.page, p0.per_page, p0.items.len()), (1, 500, 3));

    // Commissions by level and parent.
    let tecs = db
        .commissions(&CommissionFilter {
            level: Some(CommissionLevel::Tec),
            ..Default::default()
        })
        .await
        .expect("tecs");
    assert_eq!(tecs.total, 4);
    let pecs = db
        .commissions(&CommissionFilter {
            parent: Some(mid("tec-bishkek")),
            ..Default::default()
        })
        .await
        .expect("pecs");
    assert_eq!(
        pecs.items.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["pec-2001", "pec-2002"]
    );
    let one = db
        .commissions(&CommissionFilter {
            parent: Some(mid("tec-bishkek")),
            page: PageRequest {
                page: 2,
                per_page: 1,
            },
            ..Default::default()
        })
        .await
        .expect("one");
    assert_eq!((one.total, one.items.len()), (2, 1));
    assert_eq!(one.items[0].id, mid("pec-2002"));

    // Stations, ordered by number.
    let numbers = |page: shailoo_app::Page<PollingStation>| {
        page.items
            .iter()
            .map(|s| s.number.get())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        numbers(db.stations(&StationFilter::default()).await.expect("all")),
        [1001, 2001, 2002, 3001]
    );
    let by_council = StationFilter {
        council: Some(cid("bishkek-city")),
        ..Default::default()
    };
    assert_eq!(
        numbers(db.stations(&by_council).await.expect("council")),
        [2001, 2002]
    );
    let by_pec = StationFilter {
        commission: Some(mid("pec-3001")),
        ..Default::default()
    };
    assert_eq!(numbers(db.stations(&by_pec).await.expect("pec")), [3001]);
    let remote = StationFilter {
        remote_voting: Some(true),
        ..Default::default()
    };
    assert_eq!(numbers(db.stations(&remote).await.expect("remote")), [2002]);
    let regular = StationFilter {
        remote_voting: Some(false),
        council: Some(cid("bishkek-city")),
        ..Default::default()
    };
    assert_eq!(
        numbers(db.stations(&regular).await.expect("regular")),
        [2001]
    );
    let by_number = StationFilter {
        query: Some("3001".into()),
        ..Default::default()
    };
    assert_eq!(
        numbers(db.stations(&by_number).await.expect("number")),
        [3001]
    );
    let paged = StationFilter {
        page: PageRequest {
            page: 2,
            per_page: 3,
        },
        ..Default::default()
    };
    let paged = db.stations(&paged).await.expect("paged");
    assert_eq!(paged.total, 4);
    assert_eq!(numbers(paged), [3001]);
}

async fn search_is_case_insensitive_in_cyrillic(ctx: Ctx) {
    let db = ctx.db().await;
    import_sample(&db).await;
    let councils = |q: &str| {
        let f = CouncilFilter {
            query: Some(q.to_owned()),
            ..Default::default()
        };
        let db = db.clone();
        async move {
            db.councils(&f)
                .await
                .expect("search")
                .items
                .into_iter()
                .map(|c| c.id.to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(councils("бишкек").await, ["bishkek-city"]);
    assert_eq!(councils("БИШКЕК").await, ["bishkek-city"]);
    assert_eq!(
        councils("Бишкекский").await,
        ["bishkek-city"],
        "Russian name"
    );
    assert_eq!(councils("bishkek").await, ["bishkek-city"], "English name");
    assert_eq!(councils("ӨЗГӨН").await, ["ozgon-city"], "Kyrgyz capitals");
    assert_eq!(councils("  өзгөн ").await, ["ozgon-city"], "trimmed");
    assert_eq!(councils("кеңеши").await.len(), 3);
    assert_eq!(councils("").await.len(), 3, "a blank query filters nothing");
    assert!(councils("%").await.is_empty(), "LIKE wildcards are literal");
    assert!(councils("_").await.is_empty(), "LIKE wildcards are literal");

    let f = CommissionFilter {
        query: Some("ЧҮЙ".into()),
        ..Default::default()
    };
    let found = db.commissions(&f).await.expect("commissions");
    assert_eq!(
        found
            .items
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        ["tec-chui"]
    );

    let f = StationFilter {
        query: Some("чүй ПРОСПЕКТИ".into()),
        ..Default::default()
    };
    let found = db.stations(&f).await.expect("stations");
    assert_eq!(
        found
            .items
            .iter()
            .map(|s| s.number.get())
            .collect::<Vec<_>>(),
        [2001]
    );
}

async fn names_sort_in_kyrgyz_alphabet_order(ctx: Ctx) {
    let db = ctx.db().await;
    import_sample(&db).await;
    // Code-point order would put Ө (U+04E8) after Ч (U+0427); the Kyrgyz alphabet puts it
    // right after О.
    let tecs = db
        .commissions(&CommissionFilter {
            level: Some(CommissionLevel::Tec),
            ..Default::default()
        })
        .await
        .expect("tecs");
    assert_eq!(
        tecs.items.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["tec-bishkek", "tec-osh", "tec-ozgon", "tec-chui"]
    );
}

fn first_again() -> CalendarOverrideRecord {
    CalendarOverrideRecord {
        rule_id: "CAL-07".into(),
        date: date(2024, 10, 1),
        time: None,
        decision: Some(DecisionNumber::parse("12/345-р").unwrap()),
    }
}

async fn calendar_overrides_are_set_and_replaced(ctx: Ctx) {
    let db = ctx.db().await;
    import_sample(&db).await;
    let election = ElectionId::parse("local-2024").unwrap();
    assert!(
        db.calendar_overrides(&election)
            .await
            .expect("none")
            .is_empty()
    );

    let first = first_again();
    db.set_calendar_override(
        &election,
        &first,
        event(AuditAction::CalendarOverrideSet, "local-2024/CAL-07"),
    )
    .await
    .expect("set");
    assert_eq!(
        db.calendar_overrides(&election).await.expect("one"),
        [first]
    );

    let replaced = CalendarOverrideRecord {
        rule_id: "CAL-07".into(),
        date: date(2024, 10, 3),
        time: Some(time(18, 0, 0, 0)),
        decision: Some(DecisionNumber::parse("№ 1024").unwrap()),
    };
    // One stored before decision numbers were kept reads back without one.
    let other = CalendarOverrideRecord {
        rule_id: "CAL-02".into(),
        date: date(2024, 9, 20),
        time: Some(time(9, 30, 15, 0)),
        decision: None,
    };
    db.set_calendar_override(
        &election,
        &replaced,
        event(AuditAction::CalendarOverrideSet, "local-2024/CAL-07"),
    )
    .await
    .expect("replace");
    db.set_calendar_override(
        &election,
        &other,
        event(AuditAction::CalendarOverrideSet, "local-2024/CAL-02"),
    )
    .await
    .expect("other");
    assert_eq!(
        db.calendar_overrides(&election).await.expect("two"),
        [other, replaced.clone()]
    );

    // A date before the election was called breaks the calendar: refused, nothing stored.
    let head = db.audit_head().await.expect("head");
    let broken = CalendarOverrideRecord {
        rule_id: "CAL-07".into(),
        date: date(2024, 1, 15),
        time: None,
        decision: Some(DecisionNumber::parse("13/1").unwrap()),
    };
    let err = db
        .set_calendar_override(
            &election,
            &broken,
            event(AuditAction::CalendarOverrideSet, "x"),
        )
        .await
        .expect_err("invalid calendar");
    assert_eq!(err.code(), ErrorCode::DeadlineBeforeCalling);
    assert_eq!(db.audit_head().await.expect("head"), head);
    assert_eq!(
        db.calendar_overrides(&election).await.expect("two").len(),
        2
    );

    let nowhere = ElectionId::parse("local-1999").unwrap();
    let err = db
        .set_calendar_override(
            &nowhere,
            &replaced,
            event(AuditAction::CalendarOverrideSet, "x"),
        )
        .await
        .expect_err("unknown election");
    assert!(
        matches!(&err, OverrideError::UnknownElection(id) if id == &nowhere),
        "{err:?}"
    );
    assert_eq!(err.code(), ErrorCode::UnknownElection);
    assert!(
        db.calendar_overrides(&nowhere)
            .await
            .expect("none")
            .is_empty()
    );
    // The replacement's entry says what it replaced.
    let entries = db.audit_entries(0, 100).await.expect("entries");
    let digests: Vec<_> = entries
        .iter()
        .rev()
        .take(2)
        .map(|e| e.event.before_digest.clone())
        .collect();
    assert_eq!(
        digests,
        [None, Some(shailoo_app::audit::digest(&first_again()))]
    );
    assert_eq!(db.audit_head().await.expect("head").map(|h| h.0), Some(4));
}

async fn users_and_sessions(ctx: Ctx) {
    let db = ctx.db().await;
    import_sample(&db).await;
    let username = Username::parse("tec.chui").unwrap();
    let new = NewUser {
        username: username.clone(),
        display_name: "Айгүл Асанова".into(),
        role: Role::TecMember,
        commission: mid("tec-chui"),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
    };
    let added = event(AuditAction::UserAdded, "tec.chui");
    db.add_user(&new, added.clone()).await.expect("add user");
    let user = db.user(&username).await.expect("user").expect("exists");
    assert_eq!(
        (
            &user.username,
            user.display_name.as_str(),
            user.role,
            &user.commission,
            user.password_hash.as_str()
        ),
        (
            &new.username,
            new.display_name.as_str(),
            new.role,
            &new.commission,
            new.password_hash.as_str()
        )
    );
    assert_eq!(user.created_at, added.at);
    assert_eq!(
        db.user(&Username::parse("nobody").unwrap())
            .await
            .expect("none"),
        None
    );

    let err = db
        .add_user(&new, event(AuditAction::UserAdded, "tec.chui"))
        .await
        .expect_err("dup");
    assert!(
        matches!(&err, StoreError::Duplicate { entity: Entity::User, key } if key == "tec.chui"),
        "{err:?}"
    );
    assert_eq!(err.code(), ErrorCode::DuplicateUser);
    let orphan = NewUser {
        username: Username::parse("orphan").unwrap(),
        commission: mid("tec-nowhere"),
        ..new.clone()
    };
    let err = db
        .add_user(&orphan, event(AuditAction::UserAdded, "orphan"))
        .await
        .expect_err("unknown");
    assert!(
        matches!(&err, StoreError::UnknownReference { entity: Entity::Commission, key } if key == "tec-nowhere"),
        "{err:?}"
    );
    assert_eq!(db.audit_head().await.expect("head").map(|h| h.0), Some(2));

    let now = Timestamp::now();
    let live = Session {
        token_hash: "a".repeat(64),
        username: username.clone(),
        csrf_token: "csrf-1".into(),
        expires_at: now + jiff::SignedDuration::from_hours(8),
    };
    let expired = Session {
        token_hash: "b".repeat(64),
        username: username.clone(),
        csrf_token: "csrf-2".into(),
        expires_at: now - jiff::SignedDuration::from_secs(1),
    };
    db.create_session(&live).await.expect("live");
    db.create_session(&expired).await.expect("expired");
    assert_eq!(
        db.session(&live.token_hash, now).await.expect("get"),
        Some(live.clone())
    );
    assert_eq!(
        db.session(&expired.token_hash, now).await.expect("get"),
        None
    );
    assert_eq!(db.session(&"c".repeat(64), now).await.expect("get"), None);
    // Expiry is exact: a session is gone at its expiry instant.
    assert_eq!(
        db.session(&live.token_hash, live.expires_at)
            .await
            .expect("get"),
        None
    );

    let err = db
        .create_session(&Session {
            username: Username::parse("ghost").unwrap(),
            token_hash: "d".repeat(64),
            ..live.clone()
        })
        .await
        .expect_err("unknown user");
    assert!(
        matches!(
            err,
            StoreError::UnknownReference {
                entity: Entity::User,
                ..
            }
        ),
        "{err:?}"
    );

    db.delete_session(&live.token_hash).await.expect("delete");
    assert_eq!(db.session(&live.token_hash, now).await.expect("get"), None);
    db.delete_session(&live.token_hash)
        .await
        .expect("deleting twice is fine");
    // Sessions are not audited.
    assert_eq!(db.audit_head().await.expect("head").map(|h| h.0), Some(2));
}

fn at() -> Timestamp {
    Timestamp::from_str("2024-09-23T03:00:00Z").expect("instant")
}

/// One register import without compiling (the path of `shailoo load` and `demo`), pushed in
/// batches as they are (no batcher dropping repeated PINs); a re-import with its previewed
/// difference confirmed.
async fn import_register(
    db: &Db,
    records: &[RegisterRecord],
    source: &str,
) -> Result<ImportReport, VoterListError> {
    let options = ImportOptions::apply(source, "system", at(), None, None);
    let preview = push_raw(db, options.clone().preview(), records).await?;
    let confirmation = preview.difference.map(|difference| Confirmation {
        difference,
        override_removal_limit: preview.removal_over_limit,
    });
    let options = ImportOptions {
        mode: ImportMode::Apply(confirmation),
        ..options
    };
    push_raw(db, options, records).await
}

async fn push_raw(
    db: &Db,
    options: ImportOptions,
    records: &[RegisterRecord],
) -> Result<ImportReport, VoterListError> {
    let mut import = db.begin_register_import(options).await?;
    for batch in records.chunks(1_000) {
        import
            .push(&ImportBatch {
                records: batch.to_vec(),
                assessed: Vec::new(),
            })
            .await?;
    }
    import.finish(&[]).await
}

async fn register_import_stores_every_record_verbatim(ctx: Ctx) {
    let db = ctx.db().await;
    let mut records = persons(0, 2_500);
    // Characters that need escaping in COPY text format, and a missing patronymic.
    records[7].street = "Tab\there, back\\slash, new\nline\r".into();
    records[7].patronymic = None;
    records[8].surname = "Vertical\u{b}tab and form\u{c}feed".into();
    let report = import_register(&db, &records, "extract-1")
        .await
        .expect("import");
    assert_eq!((report.persons, report.added), (2_500, 2_500));
    assert_eq!(db.register_count().await.expect("count"), 2_500);
    assert_eq!(db.totals().await.expect("totals").register_persons, 2_500);

    let pin = records[7].pin;
    let street = ctx
        .raw_text(&format!("SELECT street FROM persons WHERE pin = '{pin}'"))
        .await;
    assert_eq!(street, records[7].street);
    let birth = ctx
        .raw_text(&format!(
            "SELECT birth_date FROM persons WHERE pin = '{pin}'"
        ))
        .await;
    assert_eq!(birth, records[7].birth_date.to_string());
    let patronymic = ctx
        .raw_text(&format!(
            "SELECT COALESCE(patronymic, 'NULL') FROM persons WHERE pin = '{pin}'"
        ))
        .await;
    assert_eq!(patronymic, "NULL");

    let entries = db.audit_entries(0, 10).await.expect("entries");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].event.action, "register_imported");

    // The same extract again plus ten persons: the escaped rows read back as unchanged.
    let mut more = records.clone();
    more.extend(persons(2_500, 10));
    let report = import_register(&db, &more, "extract-2")
        .await
        .expect("import");
    assert_eq!(
        (
            report.added,
            report.changed,
            report.removed,
            report.unchanged
        ),
        (10, 0, 0, 2_500)
    );
    assert_eq!(db.register_count().await.expect("count"), 2_510);
    assert_eq!(verify_audit(&db).await.expect("verify"), Ok(2));
}

async fn register_import_dropped_without_finish_stores_nothing(ctx: Ctx) {
    let db = ctx.db().await;
    {
        let mut import = db
            .begin_register_import(ImportOptions::apply("x", "system", at(), None, None))
            .await
            .expect("begin");
        for records in [persons(0, 1_500), persons(1_500, 10)] {
            import
                .push(&ImportBatch {
                    records,
                    assessed: Vec::new(),
                })
                .await
                .expect("push");
        }
    }
    assert_eq!(db.register_count().await.expect("count"), 0);
    assert_eq!(db.audit_head().await.expect("head"), None);
    // The store is usable afterwards (the connection went back clean).
    let report = import_register(&db, &persons(0, 5), "x")
        .await
        .expect("import");
    assert_eq!(report.persons, 5);
}

async fn register_import_with_a_pin_pushed_twice_stores_nothing(ctx: Ctx) {
    let db = ctx.db().await;
    // The batcher keeps the first copy of a PIN (VOT-06); a caller that pushes one twice gets
    // an error naming it, and nothing is stored.
    let mut records = persons(0, 3_000);
    records[2_999] = records[1_234].clone();
    let dup = records[1_234].pin.to_string();
    let err = import_register(&db, &records, "x")
        .await
        .expect_err("duplicate PIN");
    assert!(
        matches!(&err, VoterListError::Store(StoreError::Duplicate { entity: Entity::Person, key }) if *key == dup),
        "{err:?}"
    );
    assert_eq!(db.register_count().await.expect("count"), 0);
    assert_eq!(db.audit_head().await.expect("head"), None);
}

async fn register_import_of_100k_records(ctx: Ctx) {
    let db = ctx.db().await;
    let records = persons(0, 100_000);
    let started = Instant::now();
    let n = import_register(&db, &records, "100k")
        .await
        .expect("import")
        .persons;
    let elapsed = started.elapsed();
    assert_eq!(n, 100_000);
    assert_eq!(db.register_count().await.expect("count"), 100_000);
    println!(
        "register load on {:?}: {n} rows in {:.2} s = {:.0} rows/s ({} build)",
        ctx.engine,
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
}

/// Four audited changes: import, station, override, user.
async fn four_changes(db: &Db) {
    import_sample(db).await;
    db.add_station(
        &station(
            1002,
            "pec-1001",
            "alamudun-aiyl",
            "lebedinovka",
            "Лебединовка, Мира 2",
        ),
        event(AuditAction::StationAdded, "1002"),
    )
    .await
    .expect("station");
    db.set_calendar_override(
        &ElectionId::parse("local-2024").unwrap(),
        &CalendarOverrideRecord {
            rule_id: "CAL-07".into(),
            date: date(2024, 10, 1),
            time: None,
            decision: Some(DecisionNumber::parse("12/345-р").unwrap()),
        },
        event(AuditAction::CalendarOverrideSet, "local-2024/CAL-07"),
    )
    .await
    .expect("override");
    db.add_user(
        &NewUser {
            username: Username::parse("admin").unwrap(),
            display_name: "Admin".into(),
            role: Role::CecAdmin,
            commission: mid("cec"),
            password_hash: "x".into(),
        },
        event(AuditAction::UserAdded, "admin").after(&"admin"),
    )
    .await
    .expect("user");
}

async fn audit_chain_verifies(ctx: Ctx) {
    let db = ctx.db().await;
    assert_eq!(verify_audit(&db).await.expect("verify"), Ok(0));
    four_changes(&db).await;
    assert_eq!(verify_audit(&db).await.expect("verify"), Ok(4));
    let entries = db.audit_entries(0, 100).await.expect("entries");
    assert_eq!(
        entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(
        entries
            .iter()
            .map(|e| e.event.action.as_str())
            .collect::<Vec<_>>(),
        [
            "setup_imported",
            "station_added",
            "calendar_override_set",
            "user_added"
        ]
    );
    assert!(entries[3].event.after_digest.is_some());
    assert_eq!(
        db.audit_entries(2, 1)
            .await
            .expect("page")
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        [3]
    );
    assert_eq!(
        db.audit_head().await.expect("head"),
        Some((4, entries[3].hash.clone()))
    );
    // The stored timestamp keeps its nanoseconds (the hash covers them).
    let reopened = Db::connect(&ctx.url).await.expect("reopen");
    assert_eq!(verify_audit(&reopened).await.expect("verify"), Ok(4));
}

async fn audit_chain_detects_an_altered_entry(ctx: Ctx) {
    let db = ctx.db().await;
    four_changes(&db).await;
    ctx.raw("UPDATE audit_log SET subject = 'forged' WHERE seq = 2")
        .await;
    let err = verify_audit(&db)
        .await
        .expect("verify runs")
        .expect_err("altered");
    assert_eq!(err.seq, 2);
    assert_eq!(err.reason, ChainBreakReason::HashMismatch);
}

async fn audit_chain_detects_a_removed_middle_entry(ctx: Ctx) {
    let db = ctx.db().await;
    four_changes(&db).await;
    ctx.raw("DELETE FROM audit_log WHERE seq = 3").await;
    let err = verify_audit(&db)
        .await
        .expect("verify runs")
        .expect_err("removed");
    assert_eq!(err.seq, 3);
    assert_eq!(err.reason, ChainBreakReason::Gap { expected: 3 });
}

async fn audit_chain_detects_a_removed_last_entry(ctx: Ctx) {
    let db = ctx.db().await;
    four_changes(&db).await;
    ctx.raw("DELETE FROM audit_log WHERE seq = 4").await;
    let err = verify_audit(&db)
        .await
        .expect("verify runs")
        .expect_err("truncated");
    assert_eq!(err.seq, 4);
    assert_eq!(
        err.reason,
        ChainBreakReason::Truncated {
            recorded: 4,
            found: 3
        }
    );
}

async fn concurrent_writers_never_fork_the_chain(ctx: Ctx) {
    let db = ctx.db().await;
    import_sample(&db).await;
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let number = 6000 + i;
                db.add_station(
                    &station(number, "pec-1001", "bishkek-city", "bishkek", "x"),
                    event(AuditAction::StationAdded, &number.to_string()),
                )
                .await
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task").expect("station");
    }
    assert_eq!(verify_audit(&db).await.expect("verify"), Ok(17));
    for n in 6000..6016 {
        assert!(db.station(num(n)).await.expect("read").is_some(), "{n}");
    }
}

async fn a_corrupt_row_is_reported_not_hidden(ctx: Ctx) {
    let db = ctx.db().await;
    import_sample(&db).await;
    // Values the schema lets through but the domain rejects.
    ctx.raw("UPDATE territories SET kind = 'planet' WHERE id = 'bishkek'")
        .await;
    ctx.raw("UPDATE elections SET voting_day = '17.11.2024' WHERE id = 'local-2024'")
        .await;
    let err = db.territory(&tid("bishkek")).await.expect_err("corrupt");
    assert!(
        matches!(&err, StoreError::Corrupt(m) if m.contains("bishkek") && m.contains("planet")),
        "{err:?}"
    );
    assert_eq!(err.code(), ErrorCode::DbCorrupt);
    assert!(matches!(
        db.territory_children(None).await,
        Err(StoreError::Corrupt(_))
    ));
    let err = db.elections().await.expect_err("corrupt");
    assert!(
        matches!(&err, StoreError::Corrupt(m) if m.contains("voting_day")),
        "{err:?}"
    );
    // Other rows still read.
    assert!(db.territory(&tid("chui")).await.expect("fine").is_some());
}

/// Issue 12: an acknowledged write (a check-in, and with it the one-ballot guarantee) must
/// survive a power cut. SQLite's server connections sync the write-ahead log at every commit
/// (`synchronous = FULL`, 2; NORMAL may lose the last commits). PostgreSQL's never run with
/// `synchronous_commit = off`, even when the database says so; a stricter level is kept.
async fn the_server_connection_commits_durably(ctx: Ctx) {
    match ctx.engine {
        Engine::Sqlite => {
            let db = ctx.db().await;
            let Db::Sqlite(pool) = &db else {
                panic!("an SQLite database")
            };
            // Two connections at once: every connection of the pool, not only the first.
            let mut first = pool.acquire().await.unwrap();
            let mut second = pool.acquire().await.unwrap();
            for conn in [&mut first, &mut second] {
                let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
                    .fetch_one(&mut **conn)
                    .await
                    .unwrap();
                assert_eq!(synchronous, 2, "synchronous = FULL");
                let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                    .fetch_one(&mut **conn)
                    .await
                    .unwrap();
                assert_eq!(mode, "wal");
            }
        }
        Engine::Postgres => {
            let setting = |db: Db| async move {
                let Db::Postgres(pool) = &db else {
                    panic!("a PostgreSQL database")
                };
                let value: String = sqlx::query_scalar("SHOW synchronous_commit")
                    .fetch_one(pool)
                    .await
                    .unwrap();
                db.close().await;
                value
            };
            let set = |level: &str| {
                format!(
                    "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = \
                     {level}', current_database()); END $$"
                )
            };
            ctx.raw(&set("off")).await;
            assert_eq!(ctx.raw_text("SHOW synchronous_commit").await, "off");
            assert_eq!(setting(ctx.db().await).await, "on");
            ctx.raw(&set("remote_apply")).await;
            assert_eq!(setting(ctx.db().await).await, "remote_apply");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// URLs (no database needed)

#[tokio::test]
async fn an_unknown_scheme_is_a_bad_url() {
    for url in ["mysql://x", "", "postgres:/x", "file:///tmp/x.db"] {
        let err = shailoo_store::connect(url).await.err().expect("refused");
        assert!(matches!(err, StoreError::BadUrl(_)), "{url}: {err:?}");
        assert_eq!(err.code(), ErrorCode::DbBadUrl);
    }
}

#[tokio::test]
async fn a_closed_postgres_port_is_unavailable_quickly() {
    // Bind a port, then free it: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let err = shailoo_store::connect(&format!("postgres://postgres:secret@127.0.0.1:{port}/x"))
        .await
        .err()
        .expect("refused");
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        matches!(&err, StoreError::Unavailable(m) if !m.contains("secret")),
        "{err:?}"
    );
    assert_eq!(err.code(), ErrorCode::DbUnavailable);
}

#[tokio::test]
async fn sqlite_in_a_missing_directory_is_unavailable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!(
        "sqlite://{}",
        dir.path().join("no/such/dir/shailoo.db").display()
    );
    let err = shailoo_store::connect(&url).await.err().expect("refused");
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
}

/// The journal mode of an SQLite database, as its pool's connection sees it.
async fn journal_mode(db: &Db) -> String {
    let Db::Sqlite(pool) = db else {
        panic!("an SQLite database")
    };
    sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .expect("journal mode")
}

#[tokio::test]
async fn a_sole_user_writes_through_the_rollback_journal_and_leaves_the_log_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("a.db").display());
    // A server ran on it first: the file is in write-ahead-log mode.
    Db::connect(&url).await.expect("open").close().await;
    let cli = Db::connect_sole(&url).await.expect("open alone");
    assert_eq!(journal_mode(&cli).await, "delete");
    // FULL: with the rollback journal, NORMAL could leave a corrupt file after a power cut.
    let Db::Sqlite(pool) = &cli else {
        panic!("an SQLite database")
    };
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(pool)
        .await
        .expect("synchronous");
    assert_eq!(synchronous, 2);
    import_sample(&cli).await;
    // Two full statements of rows and a shorter last one.
    let report = import_register(&cli, &persons(0, 130), "x")
        .await
        .expect("import");
    assert_eq!(report.added, 130);
    cli.close().await;

    let server = Db::connect(&url).await.expect("reopen");
    assert_eq!(journal_mode(&server).await, "wal");
    assert_eq!(server.register_count().await.expect("count"), 130);
    assert_eq!(verify_audit(&server).await.expect("verify"), Ok(2));
}

#[tokio::test]
async fn a_database_open_in_another_connection_keeps_its_log_under_a_sole_user() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("a.db").display());
    let server = Db::connect(&url).await.expect("server");
    server.ping().await.expect("the server holds a connection");
    let cli = Db::connect_sole(&url).await.expect("open alone");
    assert_eq!(journal_mode(&cli).await, "wal");
    import_sample(&cli).await;
    import_register(&cli, &persons(0, 10), "x")
        .await
        .expect("import");
    // The server reads what the command wrote, and the file stays in the log's mode.
    assert_eq!(server.register_count().await.expect("count"), 10);
    cli.close().await;
    assert_eq!(journal_mode(&server).await, "wal");
}

#[tokio::test]
async fn sqlite_urls_in_both_spellings_and_in_memory_work() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.db");
    for url in [
        format!("sqlite://{}", path.display()),
        format!("sqlite:{}", path.display()),
    ] {
        let store = shailoo_store::connect(&url).await.expect("connect");
        store.ping().await.expect("ping");
        assert_eq!(store.engine(), "sqlite");
    }
    assert!(path.exists(), "the file is created on first run");
    let store = shailoo_store::connect("sqlite::memory:")
        .await
        .expect("memory");
    import_sample(store.as_ref()).await;
    assert_eq!(verify_audit(store.as_ref()).await.expect("verify"), Ok(1));
    let mut import = store
        .begin_register_import(ImportOptions::apply("x", "system", at(), None, None))
        .await
        .expect("begin");
    import
        .push(&ImportBatch {
            records: persons(0, 10),
            assessed: Vec::new(),
        })
        .await
        .expect("push");
    drop(import);
    assert_eq!(store.register_count().await.expect("count"), 0);
}

#[tokio::test]
async fn timestamps_round_trip_through_text() {
    // The audit hash covers `at.to_string()`: parsing it back must give the same instant.
    let at = Timestamp::from_str("2024-11-17T08:00:00.123456789Z").unwrap();
    assert_eq!(Timestamp::from_str(&at.to_string()).unwrap(), at);
}
