//! The check-in port ([`shailoo_app::CheckInStore`]) on both engines: one ballot per voter
//! across all stations (VOT-06), enforced by the database even under concurrent requests, the
//! audit entry of each check-in, and turnout by hour.
//!
//! Voter lists are filled with plain SQL, as the list compiler's output would be.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::{date, time};
use shailoo_app::AuditAction;
use shailoo_app::checkin::{CheckInOutcome, CheckInStore};
use shailoo_app::{AuditStore, SetupStore, verify_audit};
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{ElectionId, StationNumber};
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    a_voter_is_checked_in_once_and_refused_the_second_time,
    the_wrong_station_and_an_unlisted_pin_are_refused,
    vot_06_concurrent_check_ins_at_two_stations_give_one_ballot,
    each_check_in_is_audited_and_refusals_are_not,
    turnout_counts_voters_by_hour_and_station,
    turnout_per_council_counts_each_voter_for_their_own_council,
);

// ---------------------------------------------------------------------------------------------
// Fixtures

const HOME: &str = "20101199000123";
const REMOTE: &str = "11502199900007";
const ABSENT: &str = "20101199000124";

fn st(n: u32) -> StationNumber {
    StationNumber::new(n).unwrap()
}

/// An instant on voting day, Bishkek time.
fn at(h: i8, m: i8, s: i8) -> Timestamp {
    from_bishkek(date(2024, 11, 17), time(h, m, s, 0))
}

/// A migrated database with the setup, one voter at home (2001), one voting remotely (2002),
/// and `extra` more voters at 2001.
async fn fixture(ctx: &Ctx, extra: u32) -> Db {
    let db = ctx.db().await;
    db.import_setup(&setup(), &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    let mut sql = format!(
        "INSERT INTO voter_list_entries (election, pin, council, home_station, station) VALUES \
         ('local-2024', '{HOME}', 'bishkek-city', 2001, 2001), \
         ('local-2024', '{REMOTE}', 'bishkek-city', 2001, 2002)"
    );
    for i in 0..extra {
        sql.push_str(&format!(
            ", ('local-2024', '{}', 'bishkek-city', 2001, 2001)",
            extra_pin(i)
        ));
    }
    ctx.raw(&sql).await;
    db
}

fn extra_pin(i: u32) -> String {
    format!("202021985{:05}", i)
}

// ---------------------------------------------------------------------------------------------
// Tests

async fn a_voter_is_checked_in_once_and_refused_the_second_time(ctx: Ctx) {
    let db = fixture(&ctx, 0).await;
    let first = at(9, 15, 0);
    let outcome = db
        .check_in(&election(), &pin(HOME), st(2001), "pec-member", first)
        .await
        .unwrap();
    assert_eq!(outcome, CheckInOutcome::CheckedIn);
    let again = db
        .check_in(
            &election(),
            &pin(HOME),
            st(2001),
            "pec-member",
            at(11, 0, 0),
        )
        .await
        .unwrap();
    assert_eq!(
        again,
        CheckInOutcome::AlreadyVoted {
            station: st(2001),
            at: first
        }
    );
    assert_eq!(
        ctx.raw_text("SELECT by_user FROM check_ins").await,
        "pec-member"
    );
}

async fn the_wrong_station_and_an_unlisted_pin_are_refused(ctx: Ctx) {
    let db = fixture(&ctx, 0).await;
    let e = election();
    // The remote voter is on 2002's list only, not on their home station's any more.
    assert_eq!(
        db.check_in(&e, &pin(REMOTE), st(2001), "u", at(9, 0, 0))
            .await
            .unwrap(),
        CheckInOutcome::NotOnThisStationsList { station: st(2002) }
    );
    assert_eq!(
        db.check_in(&e, &pin(ABSENT), st(2001), "u", at(9, 0, 0))
            .await
            .unwrap(),
        CheckInOutcome::NotOnAnyList
    );
    let other = ElectionId::parse("local-2099").unwrap();
    assert_eq!(
        db.check_in(&other, &pin(HOME), st(2001), "u", at(9, 0, 0))
            .await
            .unwrap(),
        CheckInOutcome::NotOnAnyList
    );
    // Once they voted at 2002, the home station hears where and when.
    let voted = at(9, 30, 0);
    assert_eq!(
        db.check_in(&e, &pin(REMOTE), st(2002), "u", voted)
            .await
            .unwrap(),
        CheckInOutcome::CheckedIn
    );
    assert_eq!(
        db.check_in(&e, &pin(REMOTE), st(2001), "u", at(10, 0, 0))
            .await
            .unwrap(),
        CheckInOutcome::AlreadyVoted {
            station: st(2002),
            at: voted
        }
    );
}

async fn vot_06_concurrent_check_ins_at_two_stations_give_one_ballot(ctx: Ctx) {
    let db = fixture(&ctx, 0).await;
    let mut tasks = Vec::new();
    for i in 0..16_u32 {
        let db = db.clone();
        // Half the requests come from the voter's station, half from another one.
        let station = if i % 2 == 0 { 2001 } else { 2002 };
        tasks.push(tokio::spawn(async move {
            let outcome = db
                .check_in(
                    &election(),
                    &pin(HOME),
                    st(station),
                    &format!("member-{i}"),
                    at(9, 0, 0),
                )
                .await
                .unwrap();
            (station, outcome)
        }));
    }
    let mut checked_in = 0;
    for task in tasks {
        match task.await.unwrap() {
            (2001, CheckInOutcome::CheckedIn) => checked_in += 1,
            (_, CheckInOutcome::AlreadyVoted { station, .. }) => assert_eq!(station, st(2001)),
            // Before the ballot is issued, the other station may only hear "not on our list".
            (2002, CheckInOutcome::NotOnThisStationsList { station }) => {
                assert_eq!(station, st(2001))
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(checked_in, 1);
    assert_eq!(
        ctx.raw_text("SELECT CAST(COUNT(*) AS TEXT) FROM check_ins")
            .await,
        "1"
    );
    // Same PIN, same station, all at once: the primary key alone decides.
    let db2 = db.clone();
    let mut tasks = Vec::new();
    for i in 0..16_u32 {
        let db = db2.clone();
        tasks.push(tokio::spawn(async move {
            db.check_in(&election(), &pin(REMOTE), st(2002), "m", at(9, 0, i as i8))
                .await
                .unwrap()
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == CheckInOutcome::CheckedIn)
            .count(),
        1
    );
    assert!(outcomes.iter().all(|o| matches!(
        o,
        CheckInOutcome::CheckedIn | CheckInOutcome::AlreadyVoted { .. }
    )));
    assert_eq!(
        ctx.raw_text("SELECT CAST(COUNT(*) AS TEXT) FROM check_ins")
            .await,
        "2"
    );
}

async fn each_check_in_is_audited_and_refusals_are_not(ctx: Ctx) {
    let db = fixture(&ctx, 0).await;
    let before = db.audit_head().await.unwrap().unwrap().0;
    db.check_in(&election(), &pin(HOME), st(2001), "pec-member", at(9, 0, 0))
        .await
        .unwrap();
    db.check_in(&election(), &pin(HOME), st(2001), "pec-member", at(9, 1, 0))
        .await
        .unwrap();
    db.check_in(
        &election(),
        &pin(ABSENT),
        st(2001),
        "pec-member",
        at(9, 2, 0),
    )
    .await
    .unwrap();
    let entries = db.audit_entries(before, 10).await.unwrap();
    assert_eq!(entries.len(), 1);
    let entry = &entries[0].event;
    assert_eq!(entry.actor, "pec-member");
    assert_eq!(entry.action, "voter_checked_in");
    assert_eq!(entry.subject, "local-2024/2001");
    // The log proves the check-in without naming the voter.
    assert!(!entry.subject.contains(HOME));
    assert_eq!(verify_audit(&db).await.unwrap(), Ok(before + 1));
}

async fn turnout_counts_voters_by_hour_and_station(ctx: Ctx) {
    let db = fixture(&ctx, 6).await;
    let e = election();
    let times = [
        at(8, 0, 0),
        // Sub-second instants compare as instants: 09:59:59.5 is before 10:00.
        from_bishkek(date(2024, 11, 17), time(9, 59, 59, 500_000_000)),
        at(10, 0, 0),
        at(13, 59, 59),
        at(17, 30, 0),
        at(19, 59, 59),
    ];
    for (i, t) in times.iter().enumerate() {
        let outcome = db
            .check_in(&e, &pin(&extra_pin(i as u32)), st(2001), "m", *t)
            .await
            .unwrap();
        assert_eq!(outcome, CheckInOutcome::CheckedIn);
    }
    db.check_in(&e, &pin(REMOTE), st(2002), "m", at(11, 0, 0))
        .await
        .unwrap();
    let all = db.turnout(&e, None).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].station, st(2001));
    assert_eq!(all[0].by_hour, [2, 3, 4, 4, 5, 6]);
    assert_eq!(all[0].total, 6);
    assert_eq!(all[1].station, st(2002));
    assert_eq!(all[1].by_hour, [0, 1, 1, 1, 1, 1]);
    let one = db.turnout(&e, Some(st(2002))).await.unwrap();
    assert_eq!(one, vec![all[1].clone()]);
    let summed = shailoo_app::checkin::Turnout::from_stations(e.clone(), all);
    assert_eq!(summed.by_hour, [2, 4, 5, 5, 6, 7]);
    assert_eq!(summed.total, 7);
    let unknown = ElectionId::parse("local-2099").unwrap();
    assert!(db.turnout(&unknown, None).await.is_err());
}

async fn turnout_per_council_counts_each_voter_for_their_own_council(ctx: Ctx) {
    let db = fixture(&ctx, 3).await;
    // The remote voter votes at 2002 at 09:30, a home voter at 2001 at 11:00.
    db.check_in(&election(), &pin(REMOTE), st(2002), "pec", at(9, 30, 0))
        .await
        .unwrap();
    db.check_in(&election(), &pin(HOME), st(2001), "pec", at(11, 0, 0))
        .await
        .unwrap();
    let t = db.council_turnout(&election()).await.unwrap();
    assert_eq!(t.councils.len(), 1);
    let c = &t.councils[0];
    assert_eq!(c.council.as_str(), "bishkek-city");
    assert_eq!(c.name.en, "Bishkek City Council");
    assert_eq!(c.region.as_str(), "bishkek");
    // Five voters on the council's lists (two plus three), both check-ins counted for it,
    // the remote one too; cumulative by 10:00, 12:00, ….
    assert_eq!(c.listed, 5);
    assert_eq!(c.by_hour, [1, 2, 2, 2, 2, 2]);
    assert_eq!(c.total, 2);
    assert_eq!(t.regions.len(), 1);
    assert_eq!(t.regions[0].name.ky, "Бишкек шаары");
    let unknown = ElectionId::parse("local-2030").unwrap();
    assert!(db.council_turnout(&unknown).await.is_err());
}
