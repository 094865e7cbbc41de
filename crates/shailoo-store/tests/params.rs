//! The rule parameters of an election on both engines: set by the CEC all or nothing, with an
//! append-only history and one audit entry per setting, fixed once voting opens, and read by
//! every consumer. One rule test per applied parameter, named after its rule: the parameter is
//! changed through `shailoo_app::params::set`, as the page and `shailoo rules set` change it,
//! and the consumer's behaviour changes with it.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::{Date, date};
use serde_json::{Value, json};
use shailoo_app::AuditAction;
use shailoo_app::districts::{CouncilDistrictingUnits, DistrictSchemeStore, DistrictingUnit};
use shailoo_app::params::{self, RulesError};
use shailoo_app::remote::{self, Decision, RemoteVotingError, RemoteVotingStore};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_app::voters;
use shailoo_app::{AuditStore, SetupStore, StoreError, verify_audit};
use shailoo_domain::district::{District, DistrictId, SchemeCode, SchemeFinding};
use shailoo_domain::pin::Sex;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::{Election, StationArea};
use shailoo_domain::voter::IneligibilityReason;
use shailoo_domain::{
    CommissionId, CouncilId, ElectionId, ErrorCode, Pin, StationNumber, TerritoryId,
};
use shailoo_generator::{Generator, Scale, district_units};
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    rule_parameters_are_set_all_or_nothing_with_history_and_audit,
    rule_parameters_are_set_by_the_cec_until_voting_opens,
    a_stored_parameter_that_does_not_parse_is_corrupt,
    vot_02_voter_min_age_in_force_is_applied_by_the_list_compiler,
    vot_02_leap_day_birthday_in_force_is_applied_by_the_list_compiler,
    vot_04_registration_days_in_force_are_applied_by_the_list_compiler,
    vot_07_remote_station_capacity_in_force_is_applied_to_approvals,
    dis_01_deviation_limits_in_force_are_applied_to_schemes,
    dis_04_reserve_in_force_is_applied_to_schemes,
    dis_05_magnitude_limits_in_force_are_applied_to_schemes,
    res_06_threshold_and_its_base_in_force_are_applied_to_seats,
    res_09_unfilled_list_seats_in_force_are_applied_to_seats,
    dis_04_reserve_in_force_is_applied_to_district_seats,
);

// ---------------------------------------------------------------------------------------------
// Fixtures

/// 1 October 2024: the 2024 election is called, voting has not opened.
fn open() -> Timestamp {
    "2024-10-01T06:00:00Z".parse().unwrap()
}

/// A by-election with voting on 28 February 2026, a day that a person born on 29 February
/// reaches an age on or not, depending on VOT-02's leap-day parameter.
fn by_election() -> Election {
    Election {
        id: ElectionId::parse("by-2026").unwrap(),
        name: name("Шайлоо 2026", "Выборы 2026", "By-election 2026"),
        decree_number: "1".into(),
        decree_date: date(2025, 12, 20),
        called_on: date(2025, 12, 20),
        voting_day: date(2026, 2, 28),
        councils: vec![CouncilId::parse("bishkek-city").unwrap()],
    }
}

async fn fixture(ctx: &Ctx) -> Db {
    let db = ctx.db().await;
    let mut setup = setup();
    setup.elections.push(by_election());
    // The street of `person`, served by station 2001: its people are of the community.
    let areas = [StationArea {
        station: StationNumber::new(2001).unwrap(),
        settlement: TerritoryId::parse("bishkek").unwrap(),
        street: "Чүй".into(),
        street_ru: None,
        street_en: None,
    }];
    db.import_setup(&setup, &areas, event(AuditAction::SetupImported))
        .await
        .unwrap();
    db
}

async fn set_at(
    db: &Db,
    election: &ElectionId,
    changes: Value,
    at: Timestamp,
) -> Result<Vec<params::Changed>, RulesError> {
    params::set(
        db,
        &Actor::System,
        election,
        changes.as_object().unwrap(),
        at,
    )
    .await
}

async fn set(db: &Db, changes: Value) {
    set_at(db, &election(), changes, open()).await.unwrap();
}

async fn audit_count(db: &Db) -> i64 {
    db.audit_head().await.unwrap().map_or(0, |(n, _)| n)
}

/// A citizen with biometrics and an old address in Bishkek, born on `born`.
fn person(born: Date, registered: Date) -> RegisterRecord {
    RegisterRecord {
        pin: Pin::compose(Sex::Male, born, 17),
        surname: "Асанов".into(),
        given_name: "Бакыт".into(),
        patronymic: None,
        sex: Sex::Male,
        birth_date: born,
        citizen: true,
        biometrics: true,
        settlement: TerritoryId::parse("bishkek").unwrap(),
        street: "Чүй".into(),
        house: "1".into(),
        address_registered_on: registered,
        residence_stamp: false,
        court_incapable: false,
        imprisoned: false,
    }
}

/// Whether the compiler of `election`, built from the store, gives the person this reason.
async fn has_reason(
    db: &Db,
    election: &ElectionId,
    who: &RegisterRecord,
    reason: IneligibilityReason,
) -> bool {
    let compiler = voters::compiler_for(db, election).await.unwrap();
    compiler.assess(who, false).reasons.contains(reason)
}

// ---------------------------------------------------------------------------------------------
// Setting

async fn rule_parameters_are_set_all_or_nothing_with_history_and_audit(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let before = audit_count(&db).await;
    let changed = set_at(
        &db,
        &election(),
        json!({"threshold_percent": 7, "threshold_base": "valid_votes", "voter_min_age": 18}),
        open(),
    )
    .await
    .unwrap();
    // The unchanged voter_min_age is not a change.
    let keys: Vec<&str> = changed.iter().map(|c| c.key).collect();
    assert_eq!(keys, ["threshold_percent", "threshold_base"]);
    assert_eq!(
        (changed[0].before.as_str(), changed[0].after.as_str()),
        ("5", "7")
    );
    assert_eq!(audit_count(&db).await, before + 1);
    let entries = db.audit_entries(before, 10).await.unwrap();
    assert_eq!(
        entries[0].event.action,
        AuditAction::RuleParametersSet.as_str()
    );
    assert_eq!(entries[0].event.subject, "local-2024");
    assert!(entries[0].event.before_digest.is_some() && entries[0].event.after_digest.is_some());

    let in_force = params::in_force(&db, &election()).await.unwrap();
    assert_eq!(in_force.parameters.threshold_percent, 7);
    assert_eq!(in_force.set["threshold_percent"].by, "system");
    assert_eq!(in_force.set["threshold_percent"].at, open());
    assert!(!in_force.set.contains_key("voter_min_age"));
    assert_eq!(in_force.history.len(), 2);
    assert_eq!(in_force.history[0].before, json!(5));
    assert_eq!(in_force.history[0].after, json!(7));
    // The other election keeps its defaults.
    let other = params::in_force(&db, &by_election().id).await.unwrap();
    assert_eq!(other.parameters.threshold_percent, 5);
    assert!(other.history.is_empty());

    // A misspelt key, a bad value and an impossible value together: every problem is named,
    // nothing is stored.
    let refused = set_at(
        &db,
        &election(),
        json!({"treshold_percent": 6, "voter_min_age": "old", "threshold_percent": 6}),
        open(),
    )
    .await
    .unwrap_err();
    let RulesError::Changes(problems) = &refused else {
        panic!("{refused:?}")
    };
    let named: Vec<Option<&str>> = problems.iter().map(|p| p.key()).collect();
    assert_eq!(named, [Some("treshold_percent"), Some("voter_min_age")]);
    let invalid = set_at(
        &db,
        &election(),
        json!({"threshold_percent": 101, "threshold_base": "voters_who_took_part"}),
        open(),
    )
    .await
    .unwrap_err();
    assert_eq!(invalid.code(), ErrorCode::ParamInvalid);
    let not_applied = set_at(&db, &election(), json!({"appeal_filing_days": 5}), open())
        .await
        .unwrap_err();
    assert!(matches!(&not_applied, RulesError::NotApplied(k) if k == &["appeal_filing_days"]));
    assert_eq!(
        params::in_force(&db, &election()).await.unwrap(),
        in_force,
        "a refused setting stores nothing"
    );
    // Setting what is in force already changes nothing and writes no entry.
    assert!(
        set_at(&db, &election(), json!({"threshold_percent": 7}), open())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(audit_count(&db).await, before + 1);
    // Back to the default: a change like any other, and the history keeps both.
    set(&db, json!({"threshold_percent": 5})).await;
    let again = params::in_force(&db, &election()).await.unwrap();
    assert_eq!(again.parameters.threshold_percent, 5);
    assert_eq!(again.history.len(), 3);
    assert!(again.set.contains_key("threshold_percent"));
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn rule_parameters_are_set_by_the_cec_until_voting_opens(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let tec = Actor::User {
        username: Username::parse("tec.one").unwrap(),
        role: Role::TecMember,
        commission: CommissionId::parse("tec-bishkek").unwrap(),
    };
    let cec = Actor::User {
        username: Username::parse("cec.admin").unwrap(),
        role: Role::CecAdmin,
        commission: CommissionId::parse("cec").unwrap(),
    };
    let changes = json!({"threshold_percent": 6});
    let changes = changes.as_object().unwrap();
    let refused = params::set(&db, &tec, &election(), changes, open()).await;
    assert!(matches!(refused, Err(RulesError::Forbidden)), "{refused:?}");
    params::set(&db, &cec, &election(), changes, open())
        .await
        .unwrap();
    let by = params::in_force(&db, &election()).await.unwrap().set["threshold_percent"].clone();
    assert_eq!(by.by, "cec.admin");
    // 17 November 2024, 08:00 Bishkek: voting opens, the rules of the count are fixed.
    let voting: Timestamp = "2024-11-17T02:00:00Z".parse().unwrap();
    let closed = params::set(&db, &cec, &election(), changes, voting).await;
    assert_eq!(closed.unwrap_err().code(), ErrorCode::ActionClosed);
    let unknown = set_at(&db, &ElectionId::parse("none").unwrap(), json!({}), open()).await;
    assert!(matches!(unknown, Err(RulesError::UnknownElection(_))));
}

async fn a_stored_parameter_that_does_not_parse_is_corrupt(ctx: Ctx) {
    let db = fixture(&ctx).await;
    ctx.raw(
        "INSERT INTO rule_parameter_changes (election, seq, key, before_value, after_value, \
         set_by, set_at) VALUES ('local-2024', 1, 'tie_break', '\"drawing_of_lots\"', \
         '\"coin\"', 'system', '2024-10-01T06:00:00Z')",
    )
    .await;
    let read = params::in_force(&db, &election()).await;
    assert!(matches!(read, Err(StoreError::Corrupt(_))), "{read:?}");
    // And the table refuses a row for an election that does not exist.
    assert!(
        ctx.raw_fails(
            "INSERT INTO rule_parameter_changes (election, seq, key, before_value, after_value, \
             set_by, set_at) VALUES ('nowhere', 1, 'threshold_percent', '5', '6', 'system', \
             '2024-10-01T06:00:00Z')"
        )
        .await
    );
}

// ---------------------------------------------------------------------------------------------
// Voter lists (VOT-02, VOT-04)

async fn vot_02_voter_min_age_in_force_is_applied_by_the_list_compiler(ctx: Ctx) {
    let db = fixture(&ctx).await;
    // 18 on 17 November 2024, and not 21.
    let young = person(date(2006, 1, 1), date(2010, 1, 1));
    let under = IneligibilityReason::UnderAge;
    assert!(!has_reason(&db, &election(), &young, under).await);
    set(&db, json!({"voter_min_age": 21})).await;
    assert!(has_reason(&db, &election(), &young, under).await);
}

async fn vot_02_leap_day_birthday_in_force_is_applied_by_the_list_compiler(ctx: Ctx) {
    let db = fixture(&ctx).await;
    // Born 29 February 2008: 18 on 28 February 2026 by default, only on 1 March otherwise.
    let leapling = person(date(2008, 2, 29), date(2010, 1, 1));
    let by = by_election().id;
    let under = IneligibilityReason::UnderAge;
    assert!(!has_reason(&db, &by, &leapling, under).await);
    let in_january: Timestamp = "2026-01-10T06:00:00Z".parse().unwrap();
    set_at(&db, &by, json!({"leap_day_birthday": "march1"}), in_january)
        .await
        .unwrap();
    assert!(has_reason(&db, &by, &leapling, under).await);
}

async fn vot_04_registration_days_in_force_are_applied_by_the_list_compiler(ctx: Ctx) {
    let db = fixture(&ctx).await;
    // Registered 45 days before voting day, without a residence stamp.
    let newcomer = person(date(1980, 5, 5), date(2024, 10, 3));
    let late = IneligibilityReason::RegisteredTooLate;
    assert!(has_reason(&db, &election(), &newcomer, late).await);
    set(&db, json!({"registration_days_before_voting": 30})).await;
    assert!(!has_reason(&db, &election(), &newcomer, late).await);
}

// ---------------------------------------------------------------------------------------------
// Remote voting (VOT-07)

async fn vot_07_remote_station_capacity_in_force_is_applied_to_approvals(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let (a, b) = ("20101199000123", "11502199900007");
    ctx.raw(&format!(
        "INSERT INTO voter_list_entries (election, pin, council, home_station, station) VALUES \
         ('local-2024', '{a}', 'bishkek-city', 2001, 2001), \
         ('local-2024', '{b}', 'bishkek-city', 2001, 2001)"
    ))
    .await;
    assert_eq!(
        remote::default_capacity(&db, &election()).await.unwrap(),
        1_000
    );
    set(&db, json!({"remote_station_capacity": 1})).await;
    let capacity = remote::default_capacity(&db, &election()).await.unwrap();
    assert_eq!(capacity, 1);
    let remote_station = StationNumber::new(2002).unwrap();
    let mut ids = Vec::new();
    for who in [a, b] {
        let filed = remote::file(
            &db,
            &Actor::System,
            &election(),
            &pin(who),
            remote_station,
            open(),
        )
        .await
        .unwrap();
        ids.push(filed.id);
    }
    let approve = Decision::Approve {
        default_capacity: capacity,
    };
    remote::decide(
        &db,
        &Actor::System,
        &election(),
        ids[0],
        approve.clone(),
        open(),
    )
    .await
    .unwrap();
    let full = remote::decide(&db, &Actor::System, &election(), ids[1], approve, open()).await;
    assert!(
        matches!(full, Err(RemoteVotingError::Full { .. })),
        "{full:?}"
    );
    let counts = db
        .remote_station_counts(&election(), capacity)
        .await
        .unwrap();
    assert_eq!(counts[0].capacity, 1);
}

// ---------------------------------------------------------------------------------------------
// District schemes (DIS-01, DIS-04, DIS-05)

/// The small generated dataset with the units of its aiyl councils; returns the store, the
/// election and the first aiyl council with at least two units.
async fn districting(ctx: &Ctx) -> (Db, ElectionId, CouncilId) {
    let db = ctx.db().await;
    let generator = Generator::new(Scale::Small, 2024);
    let data = generator.dataset();
    db.import_setup(
        &data.setup,
        &data.station_areas,
        event(AuditAction::SetupImported),
    )
    .await
    .unwrap();
    let units: Vec<CouncilDistrictingUnits> = district_units(&generator)
        .iter()
        .map(|c| CouncilDistrictingUnits {
            council: c.council.clone(),
            units: c
                .units
                .iter()
                .map(|u| DistrictingUnit {
                    id: u.id.clone(),
                    settlement: Some(u.settlement.clone()),
                    station: Some(u.station),
                    voters: u.voters,
                    remote: u.remote,
                    neighbors: u.neighbors.clone(),
                    x_km: u.x_km,
                    y_km: u.y_km,
                    name: None,
                })
                .collect(),
        })
        .collect();
    db.import_district_units(&units, event(AuditAction::DistrictUnitsImported))
        .await
        .unwrap();
    let council = units
        .iter()
        .find(|c| c.units.len() >= 2)
        .unwrap()
        .council
        .clone();
    let election = data.setup.elections[0].id.clone();
    (db, election, council)
}

/// The council as one district of all its units (deviation 0).
fn one_district(ctx: &shailoo_app::districts::CouncilDistricting) -> Vec<District> {
    vec![District {
        id: DistrictId::parse("1").unwrap(),
        units: ctx.units.iter().map(|u| u.id.clone()).collect(),
        seats: ctx.council.seats.get(),
        remote: false,
    }]
}

fn codes(findings: &[SchemeFinding]) -> Vec<SchemeCode> {
    findings.iter().map(SchemeFinding::code).collect()
}

async fn dis_01_deviation_limits_in_force_are_applied_to_schemes(ctx: Ctx) {
    let (db, election, council) = districting(&ctx).await;
    let load = || shailoo_app::districts::council_districting(&db, &council);
    let c = load().await.unwrap();
    // Two districts: the first unit alone with one mandate, the rest with the others.
    let first = c.units[0].id.clone();
    let two = vec![
        District {
            id: DistrictId::parse("1").unwrap(),
            units: vec![first.clone()],
            seats: 1,
            remote: true,
        },
        District {
            id: DistrictId::parse("2").unwrap(),
            units: c.units[1..].iter().map(|u| u.id.clone()).collect(),
            seats: c.council.seats.get() - 1,
            remote: false,
        },
    ];
    let deviations: Vec<i64> = c
        .check(&two)
        .districts
        .iter()
        .map(|d| d.deviation_bp.unwrap().abs())
        .collect();
    assert!(
        deviations.iter().all(|d| *d > 0) && deviations[1] < 10_000,
        "the generated units are uneven: {deviations:?}"
    );
    let exceeded = |r: &shailoo_domain::district::SchemeReport, id: &str| {
        r.errors.iter().any(|f| matches!(f, SchemeFinding::DeviationExceeded { district, .. } if district.as_str() == id))
    };
    // max_deviation_percent: district 2 (not remote) against 100% and against 0%.
    set_at(
        &db,
        &election,
        json!({"max_deviation_percent": 100}),
        open(),
    )
    .await
    .unwrap();
    assert!(!exceeded(&load().await.unwrap().check(&two), "2"));
    set_at(&db, &election, json!({"max_deviation_percent": 0}), open())
        .await
        .unwrap();
    assert!(exceeded(&load().await.unwrap().check(&two), "2"));
    // max_deviation_percent_remote: district 1 with its unit marked remote.
    ctx.raw(&format!(
        "UPDATE district_units SET remote = {} WHERE id = '{first}'",
        if ctx.engine == Engine::Postgres {
            "TRUE"
        } else {
            "1"
        }
    ))
    .await;
    let remote_limit = |r: &shailoo_domain::district::SchemeReport| r.districts[0].limit_percent;
    assert_eq!(remote_limit(&load().await.unwrap().check(&two)), 20);
    set_at(
        &db,
        &election,
        json!({"max_deviation_percent_remote": 0}),
        open(),
    )
    .await
    .unwrap();
    let report = load().await.unwrap().check(&two);
    assert_eq!(remote_limit(&report), 0);
    assert!(exceeded(&report, "1"));
}

async fn dis_04_reserve_in_force_is_applied_to_schemes(ctx: Ctx) {
    let (db, election, council) = districting(&ctx).await;
    let load = || shailoo_app::districts::council_districting(&db, &council);
    let c = load().await.unwrap();
    let seats = c.council.seats.get();
    let whole = one_district(&c);
    let reserved = |c: &shailoo_app::districts::CouncilDistricting| c.check(&whole).reserved_total;
    assert_eq!(reserved(&c), u64::from((3 * seats).div_ceil(10)));
    // reserved_share
    set_at(
        &db,
        &election,
        json!({"reserved_share": {"numerator": 1, "denominator": 2}}),
        open(),
    )
    .await
    .unwrap();
    assert_eq!(
        reserved(&load().await.unwrap()),
        u64::from(seats.div_ceil(2))
    );
    // reserved_rounding
    set_at(
        &db,
        &election,
        json!({"reserved_share": {"numerator": 3, "denominator": 10}, "reserved_rounding": "down"}),
        open(),
    )
    .await
    .unwrap();
    assert_eq!(reserved(&load().await.unwrap()), u64::from(3 * seats / 10));
}

async fn dis_05_magnitude_limits_in_force_are_applied_to_schemes(ctx: Ctx) {
    let (db, election, council) = districting(&ctx).await;
    let load = || shailoo_app::districts::council_districting(&db, &council);
    let c = load().await.unwrap();
    let seats = c.council.seats.get();
    let whole = one_district(&c);
    let out_of_range = |c: &shailoo_app::districts::CouncilDistricting| {
        codes(&c.check(&whole).errors).contains(&SchemeCode::MagnitudeOutOfRange)
    };
    assert!(!out_of_range(&c));
    // district_max_seats
    set_at(
        &db,
        &election,
        json!({"district_max_seats": seats - 1}),
        open(),
    )
    .await
    .unwrap();
    assert!(out_of_range(&load().await.unwrap()));
    // district_min_seats
    set_at(
        &db,
        &election,
        json!({"district_max_seats": null, "district_min_seats": seats + 1}),
        open(),
    )
    .await
    .unwrap();
    let c = load().await.unwrap();
    assert!(out_of_range(&c));
    assert_eq!(c.params.district_min_seats, seats + 1);
}

// ---------------------------------------------------------------------------------------------
// Seats (RES-06, RES-09, DIS-04), through the input that `shailoo seats --election` builds

async fn seats(db: &Db, input: Value) -> Value {
    let mut input = input;
    let params = params::parameters(db, &election()).await.unwrap();
    params::seats_input(&params, &mut input).unwrap();
    shailoo_apportionment::run_json(&input.to_string()).unwrap()
}

fn seats_of(out: &Value, id: &str) -> u64 {
    out["seats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == id)
        .unwrap()["seats"]
        .as_u64()
        .unwrap()
}

async fn res_06_threshold_and_its_base_in_force_are_applied_to_seats(ctx: Ctx) {
    let db = fixture(&ctx).await;
    // 1,000 took part, 850 valid: b's 48 votes are 4.8% of turnout and 5.6% of the valid
    // votes, below 6% of either.
    let city = json!({"kind": "party_list", "seats": 10, "took_part": 1000, "against_all": 2,
        "lists": [{"id": "a", "votes": 800}, {"id": "b", "votes": 48}]});
    assert_eq!(seats_of(&seats(&db, city.clone()).await, "b"), 0);
    // threshold_base
    set(&db, json!({"threshold_base": "valid_votes"})).await;
    assert!(seats_of(&seats(&db, city.clone()).await, "b") > 0);
    // threshold_percent
    set(&db, json!({"threshold_percent": 6})).await;
    assert_eq!(seats_of(&seats(&db, city).await, "b"), 0);
}

async fn res_09_unfilled_list_seats_in_force_are_applied_to_seats(ctx: Ctx) {
    let db = fixture(&ctx).await;
    // a wins 3 whole seats of 7 but has 2 candidates.
    let city = json!({"kind": "party_list", "seats": 7, "took_part": 100, "against_all": 0,
        "lists": [{"id": "a", "votes": 45, "candidates": 2}, {"id": "b", "votes": 35},
                  {"id": "c", "votes": 20}]});
    let out = seats(&db, city.clone()).await;
    assert_eq!(
        (seats_of(&out, "c"), out["unfilled"].as_u64()),
        (2, Some(0))
    );
    set(&db, json!({"unfilled_list_seats": "vacant"})).await;
    let out = seats(&db, city).await;
    assert_eq!(
        (seats_of(&out, "c"), out["unfilled"].as_u64()),
        (1, Some(1))
    );
}

async fn dis_04_reserve_in_force_is_applied_to_district_seats(ctx: Ctx) {
    let db = fixture(&ctx).await;
    // 5 mandates: 2 reserved by default, 3 with half reserved.
    let district = json!({"kind": "district_plurality", "seats": 5, "candidates": [
        {"id": "m1", "sex": "male", "votes": 90}, {"id": "m2", "sex": "male", "votes": 80},
        {"id": "m3", "sex": "male", "votes": 70}, {"id": "m4", "sex": "male", "votes": 60},
        {"id": "w1", "sex": "female", "votes": 20}, {"id": "w2", "sex": "female", "votes": 10},
        {"id": "w3", "sex": "female", "votes": 5}]});
    let women = |out: &Value| {
        out["elected"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["sex"] == "female")
            .count()
    };
    assert_eq!(women(&seats(&db, district.clone()).await), 2);
    set(
        &db,
        json!({"reserved_share": {"numerator": 1, "denominator": 2}}),
    )
    .await;
    assert_eq!(women(&seats(&db, district.clone()).await), 3);
    set(&db, json!({"reserved_rounding": "down"})).await;
    assert_eq!(women(&seats(&db, district).await), 2);
}
