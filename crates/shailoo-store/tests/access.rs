//! The accessibility port ([`shailoo_app::AccessStore`]) on both engines: a survey replaces a
//! station's findings with its audit entry in one transaction and is kept beside the earlier
//! ones; the directory groups every station by council and region. Also what the setup's new
//! columns keep: a commission's phone and the translated street names of the station areas.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::date;
use shailoo_app::AuditAction;
use shailoo_app::AuditEvent;
use shailoo_app::access::{AccessStore, NewSurvey};
use shailoo_app::store::StoreError;
use shailoo_app::voters::VoterListStore;
use shailoo_app::{AuditStore, SetupStore};
use shailoo_domain::StationNumber;
use shailoo_domain::territory::{Accessibility, StationArea};
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    a_survey_replaces_the_findings_and_is_audited_and_kept,
    a_survey_of_an_unknown_station_changes_nothing,
    the_directory_names_council_and_region_of_every_station,
    commission_phones_and_street_names_are_kept,
);

fn num(n: u32) -> StationNumber {
    StationNumber::new(n).unwrap()
}

async fn fixture(ctx: &Ctx) -> Db {
    let db = ctx.db().await;
    let areas = [StationArea {
        station: num(2001),
        settlement: tid("bishkek"),
        street: "Чүй проспекти".into(),
        street_ru: Some("проспект Чуй".into()),
        street_en: None,
    }];
    db.import_setup(&setup(), &areas, event(AuditAction::SetupImported))
        .await
        .unwrap();
    db
}

fn tid(s: &str) -> shailoo_domain::TerritoryId {
    shailoo_domain::TerritoryId::parse(s).unwrap()
}

fn survey(station: u32, day: i8, findings: Accessibility) -> NewSurvey {
    NewSurvey {
        station: num(station),
        surveyed_on: date(2024, 10, day),
        surveyor: "Бишкек шаарынын мэриясы".into(),
        findings,
        note: Some("кире бериште тепкич".into()),
    }
}

fn at(s: &str) -> AuditEvent {
    AuditEvent::new(
        "tec.one",
        AuditAction::StationAccessSurveyed,
        "stations/2001",
        s.parse::<Timestamp>().unwrap(),
    )
}

async fn a_survey_replaces_the_findings_and_is_audited_and_kept(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let before = db.audit_head().await.unwrap().unwrap().0;
    let lit = Accessibility {
        call_button: true,
        lighting: true,
        ..Accessibility::default()
    };
    let first = db
        .record_access_survey(&survey(2001, 1, lit), at("2024-10-02T04:00:00Z"))
        .await
        .unwrap();
    assert_eq!(first.id, 1);
    assert_eq!(first.recorded_by, "tec.one");
    let station = db.station(num(2001)).await.unwrap().unwrap();
    assert_eq!(station.accessibility, lit);

    let all = Accessibility {
        ramp: true,
        ground_floor: true,
        wide_doors: true,
        parking: true,
        tactile_signs: true,
        ..lit
    };
    let second = db
        .record_access_survey(&survey(2001, 9, all), at("2024-10-10T04:00:00Z"))
        .await
        .unwrap();
    assert_eq!(second.id, 2);
    assert!(
        db.station(num(2001))
            .await
            .unwrap()
            .unwrap()
            .accessibility
            .is_accessible()
    );
    // Both surveys are kept, newest first, exactly as recorded.
    let kept = db.access_surveys(num(2001)).await.unwrap();
    assert_eq!(kept, vec![second.clone(), first]);
    assert!(db.access_surveys(num(2002)).await.unwrap().is_empty());
    // One audit entry each, naming the station.
    let entries = db.audit_entries(before, 10).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.event.known_action()
        == Some(AuditAction::StationAccessSurveyed)
        && e.event.subject == "stations/2001"
        && e.event.before_digest.is_some()
        && e.event.after_digest.is_some()));
    assert!(shailoo_app::verify_audit(&db).await.unwrap().is_ok());
}

async fn a_survey_of_an_unknown_station_changes_nothing(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let head = db.audit_head().await.unwrap();
    let err = db
        .record_access_survey(
            &survey(7777, 1, Accessibility::default()),
            at("2024-10-02T04:00:00Z"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::UnknownReference { .. }),
        "{err:?}"
    );
    assert_eq!(db.audit_head().await.unwrap(), head);
}

async fn the_directory_names_council_and_region_of_every_station(ctx: Ctx) {
    let db = fixture(&ctx).await;
    db.record_access_survey(
        &survey(2002, 3, Accessibility::default()),
        at("2024-10-04T04:00:00Z"),
    )
    .await
    .unwrap();
    let d = db.access_directory().await.unwrap();
    let numbers: Vec<u32> = d.stations.iter().map(|s| s.number.get()).collect();
    assert_eq!(numbers, vec![2001, 2002]);
    assert!(d.stations.iter().all(|s| s.region.as_str() == "bishkek"
        && s.council.as_str() == "bishkek-city"
        && s.council_name.en == "Bishkek City Council"));
    assert_eq!(d.stations[0].surveyed_on, None);
    assert_eq!(d.stations[1].surveyed_on, Some(date(2024, 10, 3)));
    assert!(d.stations[1].remote_voting);
    assert_eq!(d.regions.len(), 1);
    assert_eq!(d.regions[0].name.ru, "город Бишкек");
}

async fn commission_phones_and_street_names_are_kept(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let cec = db.commission(&mid("cec")).await.unwrap().unwrap();
    assert_eq!(
        cec.phone.map(|p| p.e164()).as_deref(),
        Some("+996312626246")
    );
    let tec = db.commission(&mid("tec-bishkek")).await.unwrap().unwrap();
    assert_eq!(tec.phone, None);
    let areas = db.served_areas().await.unwrap();
    assert_eq!(areas.len(), 1);
    assert_eq!(
        ctx.raw_text("SELECT street_ru FROM station_areas").await,
        "проспект Чуй"
    );
    assert_eq!(
        ctx.raw_text("SELECT COALESCE(street_en, 'none') FROM station_areas")
            .await,
        "none"
    );
}
