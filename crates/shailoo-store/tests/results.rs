//! Results (RES-01…RES-11, CAL-16, CAL-17) on both engines: double entry by two operators
//! (also concurrently), a difference resolved by the TEC, the control checks at acceptance,
//! returns and corrections as new versions, the calendar, who may do what, the determination
//! of the council's result and the preliminary counts kept apart. The use cases of
//! `shailoo_app::results` run over the store, as the pages and the CLI call them.
//!
//! The ballots themselves are the candidates' (tested in `candidates.rs`): the council's context
//! is read through `council_context` and given a ballot of two lists, as registration would
//! have fixed it.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::{date, time};
use shailoo_app::results::{
    self, CouncilContext, PreliminaryCount, ProtocolKey, ResultsError, ResultsStore,
};
use shailoo_app::setup::{self, CalendarOverrideRecord, DecisionNumber};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_app::{AuditAction, AuditStore, SetupStore, verify_audit};
use shailoo_domain::candidate::PartyId;
use shailoo_domain::candidate::ballot::{Ballot, BallotLabel, BallotLine};
use shailoo_domain::protocol::{BallotOption, Contest, OptionVotes, Protocol};
use shailoo_domain::results::{Resolution, ResultStatus, Stage};
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{CouncilId, ErrorCode, StationNumber};
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    res_04_double_entry_then_acceptance_with_history_and_audit,
    res_04_a_difference_is_shown_field_by_field_and_resolved_by_the_tec,
    res_05_an_error_blocks_acceptance_and_a_warning_needs_a_comment,
    res_04_a_correction_is_a_new_version_and_the_accepted_one_counts_meanwhile,
    res_04_two_operators_entering_concurrently,
    cal_16_protocols_are_entered_after_voting_closes_and_only_by_the_stations_pec,
    res_11_the_tec_determines_once_every_protocol_is_accepted_by_cal_17,
    res_01_preliminary_counts_are_kept_apart,
    // i15-scan-map: the scan of the signed protocol.
    res_04_a_scan_of_the_signed_protocol_is_kept_once_linked_to_its_version_and_public_once_counted,
);

/// An instant of 2024, Bishkek time.
fn at(month: i8, day: i8, h: i8, m: i8) -> Timestamp {
    from_bishkek(date(2024, month, day), time(h, m, 0, 0))
}

/// 20:30 on voting day, 17 November 2024.
fn evening() -> Timestamp {
    at(11, 17, 20, 30)
}

fn council() -> CouncilId {
    CouncilId::parse("bishkek-city").unwrap()
}

fn party(s: &str) -> BallotOption {
    BallotOption::Party(PartyId::parse(s).unwrap())
}

fn member(username: &str, role: Role, commission: &str) -> Actor {
    Actor::User {
        username: Username::parse(username).unwrap(),
        role,
        commission: mid(commission),
    }
}

fn op(n: u32) -> Actor {
    member(&format!("op{n}"), Role::PecMember, "pec-2001")
}

fn tec() -> Actor {
    member("tec1", Role::TecMember, "tec-bishkek")
}

/// A consistent protocol of station 2001: 600 issued, 600 found, 590 valid.
fn protocol(station: u32, a: u32, b: u32) -> Protocol {
    let valid = a + b + 10;
    Protocol {
        station: StationNumber::new(station).unwrap(),
        contest: Contest::PartyList,
        voters_on_list: 1000,
        voters_on_additional_lists: 0,
        ballots_received: valid + 5 + 100,
        ballots_issued_at_station: valid + 5,
        ballots_issued_outside: 0,
        voters_took_part: valid + 5,
        ballots_cancelled: 100,
        ballots_in_mobile_boxes: 0,
        ballots_in_stationary_boxes: valid + 5,
        valid_ballots: valid,
        invalid_ballots: 5,
        votes: vec![
            OptionVotes {
                option: party("a"),
                votes: a,
            },
            OptionVotes {
                option: party("b"),
                votes: b,
            },
        ],
        against_all: Some(10),
    }
}

fn key(station: u32) -> ProtocolKey {
    ProtocolKey {
        election: election(),
        council: council(),
        station: StationNumber::new(station).unwrap(),
        contest: Contest::PartyList,
    }
}

/// The council's context as the use cases read it, with a ballot of two lists.
async fn world(ctx: &Ctx) -> (Db, CouncilContext) {
    let db = ctx.db().await;
    db.import_setup(&setup(), &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    let mut c = results::council_context(&db, &election(), &council(), evening())
        .await
        .unwrap();
    // The home station, not the remote-voting one, is awaited.
    assert_eq!(
        c.facts.expected,
        [(StationNumber::new(2001).unwrap(), Contest::PartyList)]
    );
    assert!(c.tec_chain.contains(&mid("tec-bishkek")));
    let line = |number, p: &str| BallotLine {
        number,
        option: party(p),
        label: BallotLabel::Party {
            name: name(p, p, p),
        },
    };
    c.facts.ballots = vec![Ballot {
        election: election(),
        council: council(),
        contest: Contest::PartyList,
        lines: vec![line(1, "a"), line(2, "b")],
        against_all: true,
    }];
    (db, c)
}

fn code<T: std::fmt::Debug>(r: Result<T, ResultsError>) -> &'static str {
    r.unwrap_err().code().as_str()
}

async fn accepted(db: &Db, c: &CouncilContext, p: Protocol) {
    results::enter(db, c, &op(1), p.clone(), evening())
        .await
        .unwrap();
    results::enter(db, c, &op(2), p.clone(), evening())
        .await
        .unwrap();
    results::accept(
        db,
        c,
        &tec(),
        &ProtocolKey::of(&election(), &council(), &p),
        None,
        evening(),
    )
    .await
    .unwrap();
}

async fn res_04_double_entry_then_acceptance_with_history_and_audit(ctx: Ctx) {
    let (db, c) = world(&ctx).await;
    let p = protocol(2001, 300, 290);
    let first = results::enter(&db, &c, &op(1), p.clone(), evening())
        .await
        .unwrap();
    assert_eq!(first.history.current().stage.as_str(), "first_entered");
    // The same operator cannot be the second entry.
    assert_eq!(
        code(results::enter(&db, &c, &op(1), p.clone(), evening()).await),
        "results_same_operator"
    );
    let second = results::enter(&db, &c, &op(2), p.clone(), evening())
        .await
        .unwrap();
    assert_eq!(second.history.current().stage.as_str(), "entered");
    // Entered is not counted.
    assert!(
        db.counted_protocols(&election(), None)
            .await
            .unwrap()
            .is_empty()
    );
    // An operator never accepts (the PEC holds no such power).
    assert_eq!(
        code(results::accept(&db, &c, &op(3), &key(2001), None, evening()).await),
        "forbidden"
    );
    let done = results::accept(&db, &c, &tec(), &key(2001), None, evening())
        .await
        .unwrap();
    assert_eq!(done.history.current().stage.as_str(), "accepted");
    // Nothing is entered after acceptance.
    assert_eq!(
        code(results::enter(&db, &c, &op(3), p.clone(), evening()).await),
        "results_already_accepted"
    );
    let stored = db.protocol(&key(2001)).await.unwrap().unwrap();
    assert_eq!(stored.history, done.history);
    assert_eq!(
        db.council_protocols(&election(), &council()).await.unwrap(),
        [stored]
    );
    assert_eq!(
        db.counted_protocols(&election(), Some(&council()))
            .await
            .unwrap(),
        [(council(), p)]
    );
    // One audit entry per step that changed something, chained.
    assert!(verify_audit(&db).await.unwrap().is_ok());
    let actions: Vec<String> = db
        .audit_entries(0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event.action)
        .filter(|a| a.starts_with("protocol_"))
        .collect();
    assert_eq!(
        actions,
        ["protocol_entered", "protocol_entered", "protocol_accepted"]
    );
}

async fn res_04_a_difference_is_shown_field_by_field_and_resolved_by_the_tec(ctx: Ctx) {
    let (db, c) = world(&ctx).await;
    results::enter(&db, &c, &op(1), protocol(2001, 300, 290), evening())
        .await
        .unwrap();
    // The second operator reads 290 as 209: the votes of b, and so the balance lines, differ.
    let mut misread = protocol(2001, 300, 290);
    misread.votes[1].votes = 209;
    let r = results::enter(&db, &c, &op(2), misread, evening())
        .await
        .unwrap();
    let Stage::Differs { differences, .. } = &r.history.current().stage else {
        panic!("{:?}", r.history.current().stage)
    };
    assert_eq!(differences.len(), 1);
    assert_eq!(
        (differences[0].first, differences[0].second),
        (Some(290), Some(209))
    );
    // A third entry waits for the TEC.
    assert_eq!(
        code(results::enter(&db, &c, &op(3), protocol(2001, 300, 290), evening()).await),
        "results_awaiting_resolution"
    );
    let kept = results::resolve(
        &db,
        &c,
        &tec(),
        &key(2001),
        Resolution::KeepFirst,
        evening(),
    )
    .await
    .unwrap();
    let Stage::Entered { protocol: p, .. } = &kept.history.current().stage else {
        panic!()
    };
    assert_eq!(p, &protocol(2001, 300, 290));
    // Resolving again: there is nothing to resolve.
    assert_eq!(
        code(results::resolve(&db, &c, &tec(), &key(2001), Resolution::ReEnter, evening()).await),
        "results_no_difference"
    );
}

async fn res_05_an_error_blocks_acceptance_and_a_warning_needs_a_comment(ctx: Ctx) {
    let (db, c) = world(&ctx).await;
    let mut bad = protocol(2001, 300, 290);
    bad.ballots_received += 1; // RES-05.received_balance
    for n in [1, 2] {
        results::enter(&db, &c, &op(n), bad.clone(), evening())
            .await
            .unwrap();
    }
    let e = results::accept(&db, &c, &tec(), &key(2001), Some("ok".into()), evening())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ResultsChecksFailed);
    assert!(e.to_string().contains("ReceivedBalance"), "{e}");
    // Returned with its reason, then entered again with a warning (5 ballots missing).
    assert_eq!(
        code(results::return_protocol(&db, &c, &tec(), &key(2001), " ".into(), evening()).await),
        "results_reason_required"
    );
    let back = results::return_protocol(&db, &c, &tec(), &key(2001), "line 3".into(), evening())
        .await
        .unwrap();
    assert_eq!(back.history.current().stage.as_str(), "awaiting_entry");
    let mut warn = protocol(2001, 300, 290);
    warn.ballots_issued_at_station += 5;
    warn.ballots_cancelled -= 5;
    warn.voters_took_part += 5;
    for n in [1, 2] {
        results::enter(&db, &c, &op(n), warn.clone(), evening())
            .await
            .unwrap();
    }
    assert_eq!(
        code(results::accept(&db, &c, &tec(), &key(2001), None, evening()).await),
        "results_comment_required"
    );
    let ok = results::accept(
        &db,
        &c,
        &tec(),
        &key(2001),
        Some("five voters left with their ballots".into()),
        evening(),
    )
    .await
    .unwrap();
    let Stage::Accepted { comment, .. } = &ok.history.current().stage else {
        panic!()
    };
    assert_eq!(
        comment.as_deref(),
        Some("five voters left with their ballots")
    );
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn res_04_a_correction_is_a_new_version_and_the_accepted_one_counts_meanwhile(ctx: Ctx) {
    let (db, c) = world(&ctx).await;
    accepted(&db, &c, protocol(2001, 300, 290)).await;
    let v2 = results::correct(
        &db,
        &c,
        &tec(),
        &key(2001),
        "a typo in line 12".into(),
        evening(),
    )
    .await
    .unwrap();
    assert_eq!(v2.history.versions.len(), 2);
    assert_eq!(
        v2.history.current().reason.as_deref(),
        Some("a typo in line 12")
    );
    let counted = db.counted_protocols(&election(), None).await.unwrap();
    assert_eq!(
        counted[0].1,
        protocol(2001, 300, 290),
        "version 1 still counts"
    );
    accepted(&db, &c, protocol(2001, 301, 289)).await;
    let counted = db.counted_protocols(&election(), None).await.unwrap();
    assert_eq!(counted, [(council(), protocol(2001, 301, 289))]);
    let stored = db.protocol(&key(2001)).await.unwrap().unwrap();
    assert_eq!(stored.history.versions.len(), 2);
    assert_eq!(stored.history.counted().map(|(n, _)| n), Some(2));
    // Version 1 is kept as it was accepted, never edited.
    let Stage::Accepted { protocol: v1, .. } = &stored.history.versions[0].stage else {
        panic!()
    };
    assert_eq!(v1, &protocol(2001, 300, 290));
    assert_eq!(
        ctx.raw_text("SELECT CAST(COUNT(*) AS TEXT) FROM protocol_versions")
            .await,
        "2"
    );
}

async fn res_04_two_operators_entering_concurrently(ctx: Ctx) {
    let (db, c) = world(&ctx).await;
    let (db, c) = (std::sync::Arc::new(db), std::sync::Arc::new(c));
    // Two different operators at once: both entries are kept, in some order, and equal.
    let tasks: Vec<_> = [1, 2]
        .into_iter()
        .map(|n| {
            let (db, c) = (db.clone(), c.clone());
            tokio::spawn(async move {
                results::enter(&*db, &c, &op(n), protocol(2001, 300, 290), evening()).await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let stored = db.protocol(&key(2001)).await.unwrap().unwrap();
    assert_eq!(stored.history.current().stage.as_str(), "entered");
    // The same operator twice at once, at the remote-voting station: one entry is kept, the
    // other refused as the same operator.
    let remote_op = member("op9", Role::PecMember, "pec-2002");
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let (db, c, a) = (db.clone(), c.clone(), remote_op.clone());
            tokio::spawn(async move {
                results::enter(&*db, &c, &a, protocol(2002, 10, 10), evening()).await
            })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(match t.await.unwrap() {
            Ok(r) => r.history.current().stage.as_str(),
            Err(e) => e.code().as_str(),
        });
    }
    codes.sort_unstable();
    assert_eq!(codes, ["first_entered", "results_same_operator"]);
    assert!(verify_audit(&*db).await.unwrap().is_ok());
}

async fn cal_16_protocols_are_entered_after_voting_closes_and_only_by_the_stations_pec(ctx: Ctx) {
    let (db, c) = world(&ctx).await;
    let p = protocol(2001, 300, 290);
    assert_eq!(
        code(results::enter(&db, &c, &op(1), p.clone(), at(11, 17, 19, 59)).await),
        "results_entry_closed"
    );
    // Another PEC's member, a TEC member: not the station's operators.
    let other = member("op8", Role::PecMember, "pec-2002");
    assert_eq!(
        code(results::enter(&db, &c, &other, p.clone(), evening()).await),
        "forbidden"
    );
    assert_eq!(
        code(results::enter(&db, &c, &tec(), p.clone(), evening()).await),
        "forbidden"
    );
    // A station that does not exist, or does not hold the contest.
    assert_eq!(
        code(results::enter(&db, &c, &op(1), protocol(9999, 1, 1), evening()).await),
        "unknown_station"
    );
    let mut district = p.clone();
    district.contest = Contest::District {
        district: shailoo_domain::district::DistrictId::parse("1").unwrap(),
    };
    assert_eq!(
        code(results::enter(&db, &c, &op(1), district, evening()).await),
        "results_contest_not_held"
    );
    // An option not on the ballot, or one left out.
    let mut unknown = p.clone();
    unknown.votes[1].option = party("zz");
    assert_eq!(
        code(results::enter(&db, &c, &op(1), unknown, evening()).await),
        "results_unknown_option"
    );
    let mut missing = p.clone();
    missing.votes.pop();
    assert_eq!(
        code(results::enter(&db, &c, &op(1), missing, evening()).await),
        "results_missing_option"
    );
    // Nothing was stored by any refusal.
    assert!(db.protocol(&key(2001)).await.unwrap().is_none());
    // Entry closes with CAL-17 (8 December 2024).
    assert_eq!(
        code(results::enter(&db, &c, &op(1), p, at(12, 9, 0, 0)).await),
        "results_entry_closed"
    );
}

async fn res_11_the_tec_determines_once_every_protocol_is_accepted_by_cal_17(ctx: Ctx) {
    let (db, c) = world(&ctx).await;
    assert_eq!(
        code(results::determine(&db, &c, &tec(), vec![], evening()).await),
        "results_incomplete"
    );
    accepted(&db, &c, protocol(2001, 300, 290)).await;
    // The determination is stored with the Kyrgyz names (the official language).
    let live = results::council_result(&db, &c, &[], "ky").await.unwrap();
    assert_eq!(live.status, ResultStatus::Completed);
    assert_eq!(live.took_part, 605);
    // 300 : 290 of 45 seats: 23 and 22.
    let seats: Vec<Option<u64>> = live.options.iter().map(|o| o.seats).collect();
    assert_eq!(seats, [Some(23), Some(22), None]);
    // Only the TEC over the council determines.
    assert_eq!(
        code(results::determine(&db, &c, &op(1), vec![], evening()).await),
        "forbidden"
    );
    // After CAL-17 (8 December 2024) it is refused ...
    assert_eq!(
        code(results::determine(&db, &c, &tec(), vec![], at(12, 9, 10, 0)).await),
        "results_determination_closed"
    );
    // ... unless the CEC moved the deadline.
    let record = CalendarOverrideRecord {
        rule_id: "CAL-17".into(),
        date: date(2024, 12, 12),
        time: None,
        decision: Some(DecisionNumber::parse("12/345-р").unwrap()),
    };
    setup::override_deadline(
        &db,
        &member("cec1", Role::CecAdmin, "cec"),
        &election(),
        &record,
        at(12, 9, 9, 0),
    )
    .await
    .unwrap();
    let mut c = c;
    c.calendar = setup::calendar(&db, &election()).await.unwrap();
    let d = results::determine(&db, &c, &tec(), vec![], at(12, 9, 10, 0))
        .await
        .unwrap();
    assert_eq!(d.result, live);
    assert!(d.late, "after the statutory CAL-17: shown as late");
    assert_eq!(
        db.determination(&election(), &council()).await.unwrap(),
        Some(d)
    );
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn res_01_preliminary_counts_are_kept_apart(ctx: Ctx) {
    let (db, _c) = world(&ctx).await;
    let count = PreliminaryCount {
        council: council(),
        protocol: protocol(2001, 299, 291),
    };
    // The CEC imports; a TEC may not.
    assert_eq!(
        code(
            results::import_preliminary(&db, &tec(), &election(), vec![count.clone()], evening())
                .await
        ),
        "forbidden"
    );
    let n = results::import_preliminary(
        &db,
        &member("cec1", Role::CecAdmin, "cec"),
        &election(),
        vec![count.clone()],
        evening(),
    )
    .await
    .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        db.preliminary(&election(), &council()).await.unwrap(),
        [count]
    );
    // Never counted, never a protocol.
    assert!(
        db.counted_protocols(&election(), None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(db.protocol(&key(2001)).await.unwrap().is_none());
}

// i15-scan-map: the scan of the signed protocol.

/// The smallest PNG the checks accept: 1×1, `IHDR` first, `IEND` last.
fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend_from_slice(&13u32.to_be_bytes());
    b.extend_from_slice(b"IHDR");
    b.extend_from_slice(&1u32.to_be_bytes());
    b.extend_from_slice(&1u32.to_be_bytes());
    b.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    b.extend_from_slice(&0u32.to_be_bytes());
    b.extend_from_slice(b"IEND");
    b.extend_from_slice(&[0, 0, 0, 0]);
    b
}

/// A PDF framed as a reader expects: its version line, `startxref` and `%%EOF`.
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << >> endobj\nstartxref\n9\n%%EOF\n".to_vec()
}

async fn res_04_a_scan_of_the_signed_protocol_is_kept_once_linked_to_its_version_and_public_once_counted(
    ctx: Ctx,
) {
    use shailoo_app::results::scan::{self, ProtocolScan};
    let (db, c) = world(&ctx).await;
    let photo = ProtocolScan::parse(png()).unwrap();
    let digest = photo.info().digest;
    let station = StationNumber::new(2001).unwrap();
    // Nothing entered yet: nothing to attach it to.
    assert_eq!(
        code(scan::attach_scan(&db, &c, &op(1), &key(2001), &photo, evening()).await),
        "results_not_entered"
    );
    let p = protocol(2001, 300, 290);
    results::enter(&db, &c, &op(1), p.clone(), evening())
        .await
        .unwrap();
    // Only the station's PEC attaches its scan, and only while protocols are entered.
    let stranger = member("op9", Role::PecMember, "pec-2002");
    assert_eq!(
        code(scan::attach_scan(&db, &c, &stranger, &key(2001), &photo, evening()).await),
        "forbidden"
    );
    assert_eq!(
        code(scan::attach_scan(&db, &c, &op(1), &key(2001), &photo, at(11, 17, 19, 0)).await),
        "results_entry_closed"
    );
    let attached = scan::attach_scan(&db, &c, &op(1), &key(2001), &photo, evening())
        .await
        .unwrap();
    assert_eq!(
        (attached.version, attached.scan.digest.as_str()),
        (1, digest.as_str())
    );
    // The same photo again is kept once.
    scan::attach_scan(&db, &c, &op(2), &key(2001), &photo, evening())
        .await
        .unwrap();
    let listed = db
        .station_scans(&election(), &council(), station)
        .await
        .unwrap();
    assert_eq!(listed, std::slice::from_ref(&attached));
    // Not public before the TEC accepts the protocol.
    assert!(
        db.counted_scan(&election(), &digest)
            .await
            .unwrap()
            .is_none()
    );
    results::enter(&db, &c, &op(2), p.clone(), evening())
        .await
        .unwrap();
    results::accept(&db, &c, &tec(), &key(2001), None, evening())
        .await
        .unwrap();
    let public = db
        .counted_scan(&election(), &digest)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(public.bytes(), png().as_slice());
    assert!(
        db.counted_scan(
            &shailoo_domain::ElectionId::parse("other-2024").unwrap(),
            &digest
        )
        .await
        .unwrap()
        .is_none()
    );
    // An accepted version is never changed: a correction is a new version with its own scan.
    assert_eq!(
        code(scan::attach_scan(&db, &c, &op(1), &key(2001), &photo, evening()).await),
        "results_already_accepted"
    );
    results::correct(
        &db,
        &c,
        &tec(),
        &key(2001),
        "misread line 6".into(),
        evening(),
    )
    .await
    .unwrap();
    let paper = ProtocolScan::parse(pdf()).unwrap();
    let second = scan::attach_scan(&db, &c, &op(1), &key(2001), &paper, evening())
        .await
        .unwrap();
    assert_eq!(second.version, 2);
    // Version 1 still counts (and its scan with it) until version 2 is accepted.
    assert!(
        db.counted_scan(&election(), &digest)
            .await
            .unwrap()
            .is_some()
    );
    let pdf_digest = paper.info().digest;
    assert!(
        db.counted_scan(&election(), &pdf_digest)
            .await
            .unwrap()
            .is_none()
    );
    let versions: Vec<u32> = db
        .station_scans(&election(), &council(), station)
        .await
        .unwrap()
        .iter()
        .map(|a| a.version)
        .collect();
    assert_eq!(versions, [1, 2]);
    // Each attachment is audited, in the chain.
    assert!(verify_audit(&db).await.unwrap().is_ok());
    let attachments = db
        .audit_entries(0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event.action == AuditAction::ProtocolScanAttached.as_str())
        .count();
    assert_eq!(attachments, 3);
}
