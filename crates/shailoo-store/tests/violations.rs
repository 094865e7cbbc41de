//! Violation reports (CMP-07) on both engines, through the use cases of
//! `shailoo_app::violations`: a report taken by the hotline, triaged to the station's TEC,
//! assigned, closed by someone else and followed with its tracking code, every step audited;
//! a message delivered twice is one report; evidence kept once per digest; the reach of the
//! territory; the statistics by day, category and region.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::date;
use shailoo_app::audit::AuditAction;
use shailoo_app::users::{Actor, NewUser, Role, Username};
use shailoo_app::violations::{
    self, Evidence, Place, ReportText, ViolationDraft, ViolationError, ViolationFilter,
};
use shailoo_app::{AccountStore, AuditStore, SetupStore, ViolationStore, verify_audit};
use shailoo_domain::StationNumber;
use shailoo_domain::time::from_bishkek;
use shailoo_domain::violation::{Category, Intake, Status};
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    cmp_07_a_report_goes_from_the_hotline_to_its_outcome_and_the_reporter_follows_it,
    cmp_07_a_message_delivered_twice_is_one_report_and_evidence_is_kept_once,
    cmp_07_only_the_territorys_group_handles_a_report,
    cmp_07_statistics_count_reports_by_day_category_and_region,
    cmp_07_a_refused_report_stores_nothing,
);

fn at(m: i8, d: i8, h: i8) -> Timestamp {
    from_bishkek(
        date(2024, m, d),
        jiff::civil::Time::new(h, 0, 0, 0).unwrap(),
    )
}

fn user(name: &str, role: Role, commission: &str) -> Actor {
    Actor::User {
        username: Username::parse(name).unwrap(),
        role,
        commission: mid(commission),
    }
}

fn operator() -> Actor {
    user("cec.operator", Role::CecAdmin, "cec")
}
fn group() -> Actor {
    user("tec.group", Role::TecMember, "tec-bishkek")
}
fn pec_member() -> Actor {
    user("pec.member", Role::PecMember, "pec-2001")
}

async fn fixture(ctx: &Ctx) -> Db {
    let db = ctx.db().await;
    db.import_setup(&setup(), &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    for actor in [operator(), group(), pec_member()] {
        let Actor::User {
            username,
            role,
            commission,
        } = actor
        else {
            unreachable!()
        };
        let new = NewUser {
            username,
            display_name: "Member".into(),
            role,
            commission,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        };
        db.add_user(&new, event(AuditAction::UserAdded))
            .await
            .unwrap();
    }
    db
}

fn text(s: &str) -> ReportText {
    ReportText::parse(s).unwrap()
}

fn draft(intake: Intake, station: Option<u32>, location: Option<&str>) -> ViolationDraft {
    ViolationDraft {
        intake,
        text: text("Someone hands out flour for votes"),
        place: Place {
            station: station.map(|s| StationNumber::new(s).unwrap()),
            location: location.map(text),
        },
        contact: Some(text("+996 555 123 456")),
        evidence: None,
        external_id: None,
    }
}

fn mp4(tag: u8) -> Vec<u8> {
    let mut v = vec![0, 0, 0, 24];
    v.extend_from_slice(b"ftypisom");
    v.extend_from_slice(&[tag; 64]);
    v
}

async fn audit_count(db: &Db) -> i64 {
    db.audit_head().await.unwrap().map_or(0, |(n, _)| n)
}

async fn cmp_07_a_report_goes_from_the_hotline_to_its_outcome_and_the_reporter_follows_it(
    ctx: Ctx,
) {
    let db = fixture(&ctx).await;
    let e = election();
    let start = audit_count(&db).await;
    let r = violations::take(
        &db,
        &operator(),
        &e,
        draft(Intake::Hotline1255, Some(2001), None),
        0x1234_5678,
        at(11, 17, 9),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), Status::Received);
    let code = r.tracking_code().unwrap().to_string();

    // The reporter reads it with the code, and nothing of the contact.
    let (election_of, seen) = violations::track(&db, &code).await.unwrap();
    assert_eq!(election_of, e);
    assert_eq!(seen.status, Status::Received);
    assert!(!serde_json::to_string(&seen).unwrap().contains("555"));
    // A code with another secret finds nothing.
    let forged = shailoo_domain::violation::TrackingCode::new(r.id.get(), 1)
        .unwrap()
        .to_string();
    assert!(matches!(
        violations::track(&db, &forged).await,
        Err(ViolationError::UnknownReport(_))
    ));
    assert!(matches!(
        violations::track(&db, "V-NOPE").await,
        Err(ViolationError::BadTrackingCode)
    ));

    // Triage: the station's TEC by default, with its region.
    let r = violations::triage(
        &db,
        &group(),
        &e,
        r.id,
        Category::VoteBuying,
        None,
        at(11, 17, 10),
    )
    .await
    .unwrap();
    assert_eq!(r.territory, Some(mid("tec-bishkek")));
    assert_eq!(r.region.as_deref(), Some("bishkek"));
    // Assigned to a member of that TEC, not a PEC's.
    let wrong = violations::assign(
        &db,
        &group(),
        &e,
        r.id,
        Username::parse("pec.member").unwrap(),
        at(11, 17, 10),
    )
    .await
    .unwrap_err();
    assert!(matches!(wrong, ViolationError::AssigneeNotInGroup));
    let r = violations::assign(
        &db,
        &group(),
        &e,
        r.id,
        Username::parse("tec.group").unwrap(),
        at(11, 17, 11),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), Status::Assigned);
    // The operator who took it does not close it; the group does.
    let own = violations::close(
        &db,
        &operator(),
        &e,
        r.id,
        Status::Resolved,
        text("x"),
        at(11, 17, 12),
    )
    .await
    .unwrap_err();
    assert!(matches!(own, ViolationError::OwnReport));
    let r = violations::close(
        &db,
        &group(),
        &e,
        r.id,
        Status::Referred,
        text("Handed to the police, case 77"),
        at(11, 17, 13),
    )
    .await
    .unwrap();
    // Closed stays closed.
    let again = violations::close(
        &db,
        &group(),
        &e,
        r.id,
        Status::Dismissed,
        text("x"),
        at(11, 17, 14),
    )
    .await
    .unwrap_err();
    assert_eq!(again.rule(), Some("CMP-07"));

    let (_, seen) = violations::track(&db, &code.to_lowercase()).await.unwrap();
    assert_eq!(seen.status, Status::Referred);
    assert_eq!(seen.updates.len(), 4);
    assert_eq!(
        seen.updates[3].note.as_ref().map(ReportText::as_str),
        Some("Handed to the police, case 77")
    );
    assert_eq!(db.violation(r.id).await.unwrap().unwrap(), r);
    assert_eq!(audit_count(&db).await - start, 4);
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn cmp_07_a_message_delivered_twice_is_one_report_and_evidence_is_kept_once(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let mut d = draft(Intake::Messaging, None, Some("Osh bazaar, gate 3"));
    d.external_id = Some("wamid.HBgL123".into());
    d.evidence = Evidence::parse(mp4(1)).unwrap();
    let first = violations::report_publicly(&db, &e, d.clone(), 7, at(11, 16, 9))
        .await
        .unwrap();
    let second = violations::report_publicly(&db, &e, d, 8, at(11, 16, 9))
        .await
        .unwrap();
    assert_eq!(first, second);
    // The same video in another report is stored once.
    let mut web = draft(Intake::WebForm, Some(2002), None);
    web.evidence = Evidence::parse(mp4(1)).unwrap();
    let third = violations::report_publicly(&db, &e, web, 9, at(11, 16, 10))
        .await
        .unwrap();
    assert_eq!(third.evidence, first.evidence);
    assert_eq!(
        ctx.raw_text("SELECT CAST(COUNT(*) AS TEXT) FROM violation_evidence")
            .await,
        "1"
    );
    let digest = first.evidence.unwrap().digest;
    let stored = db.violation_evidence(&digest).await.unwrap().unwrap();
    assert_eq!(stored.bytes(), mp4(1).as_slice());
    // A hotline intake through the public door is refused.
    assert!(matches!(
        violations::report_publicly(
            &db,
            &e,
            draft(Intake::Hotline1255, Some(2001), None),
            1,
            at(11, 16, 11)
        )
        .await,
        Err(ViolationError::Forbidden)
    ));
}

async fn cmp_07_only_the_territorys_group_handles_a_report(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let r = violations::report_publicly(
        &db,
        &e,
        draft(Intake::WebForm, None, Some("a village square")),
        3,
        at(11, 10, 9),
    )
    .await
    .unwrap();
    // Without a station, the territory is named.
    let none = violations::triage(
        &db,
        &group(),
        &e,
        r.id,
        Category::Damage,
        None,
        at(11, 10, 9),
    )
    .await
    .unwrap_err();
    assert!(matches!(none, ViolationError::TerritoryRequired));
    // A PEC member holds no such power.
    let pec = violations::triage(
        &db,
        &pec_member(),
        &e,
        r.id,
        Category::Damage,
        Some(mid("tec-bishkek")),
        at(11, 10, 9),
    )
    .await
    .unwrap_err();
    assert!(matches!(pec, ViolationError::Forbidden));
    let r = violations::triage(
        &db,
        &operator(),
        &e,
        r.id,
        Category::Damage,
        Some(mid("tec-bishkek")),
        at(11, 10, 10),
    )
    .await
    .unwrap();
    // The TEC's listing shows it; staff read the contact, the public never.
    let listed = db
        .violations(
            &e,
            &ViolationFilter {
                within: Some(mid("tec-bishkek")),
                ..ViolationFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), [r.id]);
    let seen = violations::report(&db, &group(), &e, r.id).await.unwrap();
    assert!(seen.contact.is_some());
    assert!(matches!(
        violations::report(&db, &pec_member(), &e, r.id).await,
        Err(ViolationError::Forbidden)
    ));
}

async fn cmp_07_statistics_count_reports_by_day_category_and_region(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    for (h, station) in [(9, 2001), (10, 2002), (23, 2001)] {
        let r = violations::take(
            &db,
            &operator(),
            &e,
            draft(Intake::Email, Some(station), None),
            1,
            at(11, 17, h),
        )
        .await
        .unwrap();
        if h < 23 {
            violations::triage(
                &db,
                &group(),
                &e,
                r.id,
                Category::PressureOnVoters,
                None,
                at(11, 17, h),
            )
            .await
            .unwrap();
        }
    }
    let stats = violations::stats(&db, &e).await.unwrap();
    let cells: Vec<(String, Option<Category>, Option<String>, u64)> = stats
        .into_iter()
        .map(|s| (s.day.to_string(), s.category, s.region, s.count))
        .collect();
    assert_eq!(
        cells,
        [
            ("2024-11-17".into(), None, None, 1),
            (
                "2024-11-17".into(),
                Some(Category::PressureOnVoters),
                Some("bishkek".into()),
                2
            ),
        ]
    );
}

async fn cmp_07_a_refused_report_stores_nothing(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let start = audit_count(&db).await;
    let unknown = violations::take(
        &db,
        &operator(),
        &e,
        draft(Intake::Hotline1255, Some(9999), None),
        1,
        at(11, 17, 9),
    )
    .await
    .unwrap_err();
    assert!(matches!(unknown, ViolationError::UnknownStation(_)));
    let nowhere = violations::take(
        &db,
        &operator(),
        &e,
        draft(Intake::Hotline1255, None, None),
        1,
        at(11, 17, 9),
    )
    .await
    .unwrap_err();
    assert!(matches!(nowhere, ViolationError::PlaceRequired));
    assert!(matches!(
        violations::take(
            &db,
            &pec_member(),
            &e,
            draft(Intake::Hotline1255, Some(2001), None),
            1,
            at(11, 17, 9)
        )
        .await,
        Err(ViolationError::Forbidden)
    ));
    assert_eq!(audit_count(&db).await, start);
    assert!(
        db.violations(&e, &ViolationFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    // The database refuses a report without a place, whatever writes.
    assert!(
        ctx.raw_fails(
            "INSERT INTO violation_reports (id, secret, election, intake, text, received_at, \
             received_by, status) VALUES (99, 1, 'local-2024', 'email', 'x', 'x', 'system', \
             'received')"
        )
        .await
    );
}
