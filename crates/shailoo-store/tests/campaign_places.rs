//! Places for printed campaign material (i16-badges, CAL-06) on both engines, through the use
//! cases of `shailoo_app::campaign_places`: the TEC records a station's place (audited,
//! replaced when recorded again), a PEC or another TEC may not, recording closes when voting
//! opens; after CAL-06 the stations still without a place stand out, counted per TEC; the
//! public listing; a stored row that does not parse.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::date;
use shailoo_app::audit::AuditAction;
use shailoo_app::campaign_places::{self, PlaceDescription};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_app::{AuditStore, SetupStore, verify_audit};
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{ErrorCode, StationNumber};
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    cal_06_the_tec_records_places_and_the_missing_stand_out_after_the_deadline,
    cal_06_only_the_tec_above_a_station_records_its_place_until_voting_opens,
    a_stored_place_that_does_not_parse_is_corrupt,
);

fn at(m: i8, d: i8, h: i8) -> Timestamp {
    from_bishkek(
        date(2024, m, d),
        jiff::civil::Time::new(h, 0, 0, 0).unwrap(),
    )
}

fn member(name: &str, role: Role, commission: &str) -> Actor {
    Actor::User {
        username: Username::parse(name).unwrap(),
        role,
        commission: mid(commission),
    }
}

fn num(n: u32) -> StationNumber {
    StationNumber::new(n).unwrap()
}

fn text(s: &str) -> PlaceDescription {
    PlaceDescription::parse(s).unwrap()
}

async fn fixture(ctx: &Ctx) -> Db {
    let db = ctx.db().await;
    db.import_setup(&setup(), &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    db
}

async fn cal_06_the_tec_records_places_and_the_missing_stand_out_after_the_deadline(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let tec = member("tec.bishkek", Role::TecMember, "tec-bishkek");
    let cec = member("cec.admin", Role::CecAdmin, "cec");
    let before = db.audit_head().await.unwrap().map_or(0, |h| h.0);
    let place = campaign_places::record_place(
        &db,
        &tec,
        &e,
        num(2001),
        text("Доска объявлений у входа в школу № 5"),
        at(10, 1, 10),
    )
    .await
    .unwrap();
    assert_eq!(place.recorded_by, "tec.bishkek");

    // Before CAL-06 (11 October 2024) nothing stands out.
    let board = campaign_places::board(&db, &tec, &e, at(10, 11, 12))
        .await
        .unwrap();
    assert!(!board.overdue);
    assert_eq!(board.stations.len(), 2);
    assert_eq!(board.missing().count(), 0);
    // After it, station 2002 stands out, for the TEC and in the CEC's counts.
    let board = campaign_places::board(&db, &tec, &e, at(10, 12, 9))
        .await
        .unwrap();
    assert!(board.overdue);
    let missing: Vec<u32> = board.missing().map(|s| s.station.get()).collect();
    assert_eq!(missing, vec![2002]);
    let overview = campaign_places::board(&db, &cec, &e, at(10, 12, 9))
        .await
        .unwrap();
    let counts = overview.per_tec();
    let bishkek = &counts[&mid("tec-bishkek")];
    assert_eq!(
        (bishkek.stations, bishkek.with_place, bishkek.missing),
        (2, 1, 1)
    );

    // Provided late, recorded all the same: the station no longer stands out. Recorded again,
    // the place is replaced, each audited.
    campaign_places::record_place(
        &db,
        &tec,
        &e,
        num(2002),
        text("Стенд у дома культуры"),
        at(10, 14, 9),
    )
    .await
    .unwrap();
    campaign_places::record_place(
        &db,
        &cec,
        &e,
        num(2002),
        text("Стенд у мэрии"),
        at(10, 15, 9),
    )
    .await
    .unwrap();
    let board = campaign_places::board(&db, &tec, &e, at(10, 16, 9))
        .await
        .unwrap();
    assert_eq!(board.missing().count(), 0);
    let public = campaign_places::public_places(&db, &e).await.unwrap();
    let listed: Vec<(u32, &str)> = public
        .iter()
        .map(|p| (p.station.get(), p.description.as_str()))
        .collect();
    assert_eq!(
        listed,
        vec![
            (2001, "Доска объявлений у входа в школу № 5"),
            (2002, "Стенд у мэрии")
        ]
    );
    let entries = db.audit_entries(before, 10).await.unwrap();
    assert_eq!(entries.len(), 3);
    assert!(
        entries
            .iter()
            .all(|e| e.event.known_action() == Some(AuditAction::CampaignPlaceRecorded))
    );
    assert_eq!(entries[2].event.subject, "local-2024/campaign-places/2002");
    assert!(entries[2].event.before_digest.is_some());
    assert!(entries[0].event.before_digest.is_none());
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn cal_06_only_the_tec_above_a_station_records_its_place_until_voting_opens(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let tec = member("tec.bishkek", Role::TecMember, "tec-bishkek");
    let before = db.audit_head().await.unwrap().map_or(0, |h| h.0);
    for actor in [
        member("pec.2001", Role::PecMember, "pec-2001"),
        member("tec.osh", Role::TecMember, "tec-osh"),
    ] {
        let err =
            campaign_places::record_place(&db, &actor, &e, num(2001), text("x"), at(10, 1, 10))
                .await
                .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Forbidden);
    }
    let err = campaign_places::board(
        &db,
        &member("pec.2001", Role::PecMember, "pec-2001"),
        &e,
        at(10, 1, 10),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    // Another TEC's board holds none of these stations.
    let other = campaign_places::board(
        &db,
        &member("tec.osh", Role::TecMember, "tec-osh"),
        &e,
        at(10, 1, 10),
    )
    .await
    .unwrap();
    assert!(other.stations.is_empty());
    let err = campaign_places::record_place(&db, &tec, &e, num(9999), text("x"), at(10, 1, 10))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnknownStation);
    // Voting opens at 08:00 on 17 November: the calendar closes the records.
    campaign_places::record_place(&db, &tec, &e, num(2001), text("x"), at(11, 17, 7))
        .await
        .unwrap();
    let err = campaign_places::record_place(&db, &tec, &e, num(2002), text("x"), at(11, 17, 9))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ActionClosed);
    assert_eq!(err.rule(), Some("CAL-16"));
    let after = db.audit_head().await.unwrap().map_or(0, |h| h.0);
    assert_eq!(after - before, 1);
}

async fn a_stored_place_that_does_not_parse_is_corrupt(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let tec = member("tec.bishkek", Role::TecMember, "tec-bishkek");
    campaign_places::record_place(&db, &tec, &e, num(2001), text("x"), at(10, 1, 10))
        .await
        .unwrap();
    ctx.raw("UPDATE campaign_places SET recorded_at = 'yesterday'")
        .await;
    assert_eq!(
        campaign_places::public_places(&db, &e)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::DbCorrupt
    );
    assert!(
        ctx.raw_fails("UPDATE campaign_places SET description = ''")
            .await
    );
    assert!(
        ctx.raw_fails("UPDATE campaign_places SET station = 4242")
            .await
    );
}
