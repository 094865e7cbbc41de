//! Remote voting (VOT-07, CAL-12) on both engines: filing, approval moving the voter to the
//! remote-voting station for their own council, cancellation moving them back, capacity under
//! concurrent approvals, the calendar and the frozen lists. The use cases of
//! `shailoo_app::remote` run over the store, as the web pages call them.
//!
//! Voter lists are filled with plain SQL, as the list compiler's output would be.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use shailoo_app::AuditAction;
use shailoo_app::SetupStore;
use shailoo_app::lookup::VoterLookupStore;
use shailoo_app::remote::{
    self, ApplicationFilter, ApplicationStatus, Decision, RemoteVotingError, RemoteVotingStore,
};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_app::verify_audit;
use shailoo_domain::{ErrorCode, StationNumber};
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    vot_07_approved_voter_moves_to_the_remote_station_for_their_own_council,
    vot_07_cancel_moves_back,
    vot_07_capacity_is_respected_under_concurrent_approvals,
    vot_07_one_live_application_per_voter_on_a_list_at_a_remote_station,
    vot_07_rejection_keeps_the_voter_at_home_and_needs_a_reason,
    vot_07_frozen_lists_refuse_applications,
    cal_12_application_after_deadline_is_refused,
    vot_07_a_tec_sees_and_acts_on_the_applications_of_its_own_area_only,
);

// ---------------------------------------------------------------------------------------------
// Fixtures

const A: &str = "20101199000123";
const B: &str = "11502199900007";
const ABSENT: &str = "20101199000124";
const HOME: u32 = 2001;
const REMOTE: u32 = 2002;

fn number(n: u32) -> StationNumber {
    StationNumber::new(n).unwrap()
}

/// 1 October 2024, inside CAL-02…CAL-12.
fn open() -> Timestamp {
    "2024-10-01T06:00:00Z".parse().unwrap()
}

/// A migrated database with the setup and two voters at their home station.
async fn fixture(ctx: &Ctx) -> Db {
    let db = ctx.db().await;
    db.import_setup(&setup(), &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    ctx.raw(&format!(
        "INSERT INTO voter_list_entries (election, pin, council, home_station, station) VALUES \
         ('local-2024', '{A}', 'bishkek-city', {HOME}, {HOME}), \
         ('local-2024', '{B}', 'bishkek-city', {HOME}, {HOME})"
    ))
    .await;
    db
}

async fn file(db: &Db, who: &str) -> Result<i64, RemoteVotingError> {
    remote::file(
        db,
        &Actor::System,
        &election(),
        &pin(who),
        number(REMOTE),
        open(),
    )
    .await
    .map(|a| a.id)
}

async fn decide(db: &Db, id: i64, d: Decision) -> Result<ApplicationStatus, RemoteVotingError> {
    remote::decide(db, &Actor::System, &election(), id, d, open())
        .await
        .map(|a| a.status)
}

fn approve() -> Decision {
    Decision::Approve {
        default_capacity: 10,
    }
}

/// `(council, home_station, station)` of a voter, read back with plain SQL.
async fn entry(ctx: &Ctx, who: &str) -> String {
    ctx.raw_text(&format!(
        "SELECT council || ' ' || CAST(home_station AS TEXT) || ' ' || CAST(station AS TEXT) \
         FROM voter_list_entries WHERE election = 'local-2024' AND pin = '{who}'"
    ))
    .await
}

// ---------------------------------------------------------------------------------------------
// Tests

async fn vot_07_approved_voter_moves_to_the_remote_station_for_their_own_council(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let id = file(&db, A).await.unwrap();
    // Filing alone moves nobody.
    assert_eq!(entry(&ctx, A).await, "bishkek-city 2001 2001");
    assert_eq!(
        decide(&db, id, approve()).await.unwrap(),
        ApplicationStatus::Approved
    );
    assert_eq!(entry(&ctx, A).await, "bishkek-city 2001 2002");
    // The look-up answers the remote station, and the council stays the voter's own.
    let found = db
        .voter_station(&election(), &pin(A))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.votes_at().number.get(), REMOTE);
    assert_eq!(found.council.id.as_str(), "bishkek-city");
    let counts = db.remote_station_counts(&election(), 10).await.unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!(
        (
            counts[0].station.get(),
            counts[0].applied,
            counts[0].approved,
            counts[0].capacity
        ),
        (REMOTE, 0, 1, 10)
    );
    let shown = db
        .remote_application(&election(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shown.decided_by.as_deref(), Some("system"));
    // Filing and approval are both audited, and the chain holds.
    let actions = ctx
        .raw_pairs("SELECT action, seq FROM audit_log ORDER BY seq")
        .await;
    let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert!(names.ends_with(&["remote_voting_applied", "remote_voting_approved"]));
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn vot_07_cancel_moves_back(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let id = file(&db, A).await.unwrap();
    decide(&db, id, approve()).await.unwrap();
    assert_eq!(
        decide(&db, id, Decision::Cancel).await.unwrap(),
        ApplicationStatus::Cancelled
    );
    assert_eq!(entry(&ctx, A).await, "bishkek-city 2001 2001");
    // A cancelled application is not live: the voter may apply again.
    let again = file(&db, A).await.unwrap();
    assert_ne!(again, id);
    // Cancelling after CAL-12 is refused by the calendar and moves nobody.
    decide(&db, again, approve()).await.unwrap();
    let late: Timestamp = "2024-11-02T06:00:00Z".parse().unwrap();
    let refused = remote::decide(
        &db,
        &Actor::System,
        &election(),
        again,
        Decision::Cancel,
        late,
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::ActionClosed);
    assert_eq!(entry(&ctx, A).await, "bishkek-city 2001 2002");
    // Cancelling twice is refused.
    assert!(matches!(
        decide(&db, id, Decision::Cancel).await,
        Err(RemoteVotingError::WrongStatus(ApplicationStatus::Cancelled))
    ));
}

async fn vot_07_capacity_is_respected_under_concurrent_approvals(ctx: Ctx) {
    let db = fixture(&ctx).await;
    remote::set_capacity(&db, &Actor::System, &election(), number(REMOTE), 1, open())
        .await
        .unwrap();
    let a = file(&db, A).await.unwrap();
    let b = file(&db, B).await.unwrap();
    // Two connections pools, as two server processes would have.
    let (one, two) = (ctx.db().await, ctx.db().await);
    let (ra, rb) = tokio::join!(decide(&one, a, approve()), decide(&two, b, approve()));
    let outcomes = [ra, rb];
    let approved = outcomes.iter().filter(|r| r.is_ok()).count();
    let full = outcomes
        .iter()
        .filter(|r| matches!(r, Err(RemoteVotingError::Full { capacity: 1, .. })))
        .count();
    assert_eq!((approved, full), (1, 1), "{outcomes:?}");
    let moved = ctx
        .raw_text("SELECT CAST(COUNT(*) AS TEXT) FROM voter_list_entries WHERE station = 2002")
        .await;
    assert_eq!(moved, "1");
    let counts = db.remote_station_counts(&election(), 10).await.unwrap();
    assert_eq!(
        (counts[0].applied, counts[0].approved, counts[0].capacity),
        (1, 1, 1)
    );
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn vot_07_one_live_application_per_voter_on_a_list_at_a_remote_station(ctx: Ctx) {
    let db = fixture(&ctx).await;
    file(&db, A).await.unwrap();
    assert!(matches!(
        file(&db, A).await,
        Err(RemoteVotingError::AlreadyApplied)
    ));
    assert!(matches!(
        file(&db, ABSENT).await,
        Err(RemoteVotingError::NotOnList)
    ));
    let regular = remote::file(
        &db,
        &Actor::System,
        &election(),
        &pin(B),
        number(HOME),
        open(),
    )
    .await
    .unwrap_err();
    assert!(matches!(regular, RemoteVotingError::NotRemoteStation(_)));
    let listed = db
        .remote_applications(
            &election(),
            &ApplicationFilter {
                status: Some(ApplicationStatus::Applied),
                ..ApplicationFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].pin, pin(A));
}

async fn vot_07_rejection_keeps_the_voter_at_home_and_needs_a_reason(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let id = file(&db, A).await.unwrap();
    let blank = Decision::Reject {
        reason: "  ".into(),
    };
    assert!(matches!(
        decide(&db, id, blank).await,
        Err(RemoteVotingError::ReasonRequired)
    ));
    let reason = Decision::Reject {
        reason: "documents missing".into(),
    };
    assert_eq!(
        decide(&db, id, reason).await.unwrap(),
        ApplicationStatus::Rejected
    );
    assert_eq!(entry(&ctx, A).await, "bishkek-city 2001 2001");
    let shown = db
        .remote_application(&election(), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shown.reason.as_deref(), Some("documents missing"));
    assert!(matches!(
        decide(&db, id, approve()).await,
        Err(RemoteVotingError::WrongStatus(ApplicationStatus::Rejected))
    ));
}

async fn vot_07_frozen_lists_refuse_applications(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let id = file(&db, A).await.unwrap();
    ctx.raw(
        "INSERT INTO voter_list_state (election, compiled_at, eligible, ineligible, frozen_at) \
         VALUES ('local-2024', '2024-09-20T00:00:00Z', 2, 0, '2024-11-02T00:00:00Z')",
    )
    .await;
    assert!(matches!(
        file(&db, B).await,
        Err(RemoteVotingError::Frozen { .. })
    ));
    assert!(matches!(
        decide(&db, id, approve()).await,
        Err(RemoteVotingError::Frozen { .. })
    ));
    assert_eq!(entry(&ctx, A).await, "bishkek-city 2001 2001");
}

async fn cal_12_application_after_deadline_is_refused(ctx: Ctx) {
    let db = fixture(&ctx).await;
    // CAL-12 ends on 1 November 2024 at midnight in Bishkek (18:00 UTC).
    let last: Timestamp = "2024-11-01T17:59:59Z".parse().unwrap();
    let late: Timestamp = "2024-11-01T18:00:00Z".parse().unwrap();
    let refused = remote::file(
        &db,
        &Actor::System,
        &election(),
        &pin(A),
        number(REMOTE),
        late,
    )
    .await
    .unwrap_err();
    match &refused {
        RemoteVotingError::Calendar(c) => assert_eq!(c.rule(), "CAL-12"),
        other => panic!("expected the calendar's refusal, got {other:?}"),
    }
    assert_eq!(refused.code(), ErrorCode::ActionClosed);
    assert!(
        db.remote_applications(&election(), &ApplicationFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    remote::file(
        &db,
        &Actor::System,
        &election(),
        &pin(A),
        number(REMOTE),
        last,
    )
    .await
    .unwrap();
}

fn tec_member(tec: &str) -> Actor {
    Actor::User {
        username: Username::parse("tec.member").unwrap(),
        role: Role::TecMember,
        commission: mid(tec),
    }
}

/// Another TEC with a PEC and a remote-voting station of its own (9002): it files there, sees
/// only the applications to its station, and neither sees, cancels nor decides those of the
/// Bishkek TEC, which approved them; the Bishkek TEC sees the application of its voter to the
/// other TEC's station (its home TEC follows the voter) without deciding it.
async fn vot_07_a_tec_sees_and_acts_on_the_applications_of_its_own_area_only(ctx: Ctx) {
    let db = ctx.db().await;
    let mut s = setup();
    let mut tec = s.commissions[1].clone();
    tec.id = mid("tec-other");
    s.commissions.push(tec);
    let mut pec = pec("pec-9001", 9001);
    pec.parent = Some(mid("tec-other"));
    s.commissions.push(pec);
    let mut station = s.stations[1].clone();
    station.number = number(9002);
    station.commission = mid("pec-9001");
    s.stations.push(station);
    db.import_setup(&s, &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    ctx.raw(&format!(
        "INSERT INTO voter_list_entries (election, pin, council, home_station, station) VALUES \
         ('local-2024', '{A}', 'bishkek-city', {HOME}, {HOME}), \
         ('local-2024', '{B}', 'bishkek-city', {HOME}, {HOME})"
    ))
    .await;
    let approved = file(&db, A).await.unwrap();
    decide(&db, approved, approve()).await.unwrap();
    let other = tec_member("tec-other");
    let bishkek = tec_member("tec-bishkek");
    let seen = |actor: Actor| {
        let db = db.clone();
        async move {
            remote::applications(&db, &actor, &election(), &ApplicationFilter::default())
                .await
                .unwrap()
                .into_iter()
                .map(|a| a.id)
                .collect::<Vec<_>>()
        }
    };
    assert!(seen(other.clone()).await.is_empty());
    for decision in [Decision::Cancel, approve()] {
        assert!(matches!(
            remote::decide(&db, &other, &election(), approved, decision, open()).await,
            Err(RemoteVotingError::Forbidden)
        ));
    }
    assert!(matches!(
        remote::file(&db, &other, &election(), &pin(B), number(REMOTE), open()).await,
        Err(RemoteVotingError::Forbidden)
    ));
    assert_eq!(entry(&ctx, A).await, "bishkek-city 2001 2002");
    // At its own station it files, for any voter.
    let away = remote::file(&db, &other, &election(), &pin(B), number(9002), open())
        .await
        .unwrap()
        .id;
    assert_eq!(seen(other.clone()).await, vec![away]);
    assert_eq!(seen(bishkek.clone()).await, vec![away, approved]);
    assert!(matches!(
        remote::decide(&db, &bishkek, &election(), away, approve(), open()).await,
        Err(RemoteVotingError::Forbidden)
    ));
    // The store applies the scope itself, before its cap of 500 rows.
    let within = db
        .remote_applications(
            &election(),
            &ApplicationFilter {
                within: Some(mid("pec-9001")),
                ..ApplicationFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(within.len(), 1);
    // A PEC sees no application at all.
    assert!(matches!(
        remote::applications(
            &db,
            &Actor::User {
                username: Username::parse("pec.member").unwrap(),
                role: Role::PecMember,
                commission: mid("pec-2001"),
            },
            &election(),
            &ApplicationFilter::default()
        )
        .await,
        Err(RemoteVotingError::Forbidden)
    ));
}
