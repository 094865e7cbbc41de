//! The public results log (issue 15) on both engines: every accepted protocol version is
//! appended, chained, in the transaction that accepts it (an entry, a return or a difference
//! appends nothing); checkpoints signed with the commission's key are kept and read back; the
//! log read back verifies, and an altered entry or an unsigned tail does not.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::{date, time};
use shailoo_app::audit::checkpoint::SystemLabel;
use shailoo_app::results::log::{self, LogProblem, ResultsLogStore};
use shailoo_app::results::{self, CouncilContext, ProtocolKey};
use shailoo_app::signing::Signer;
use shailoo_app::users::{Actor, Role, Username};
use shailoo_app::{AuditAction, AuditStore, SetupStore, verify_audit};
use shailoo_domain::candidate::PartyId;
use shailoo_domain::candidate::ballot::{Ballot, BallotLabel, BallotLine};
use shailoo_domain::protocol::{BallotOption, Contest, OptionVotes, Protocol};
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{CouncilId, StationNumber};
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    every_accepted_version_is_appended_to_the_chained_log_with_its_acceptance,
    signed_checkpoints_are_kept_and_the_log_verifies_until_altered,
);

fn evening() -> Timestamp {
    from_bishkek(date(2024, 11, 17), time(20, 30, 0, 0))
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

fn tec() -> Actor {
    member("tec1", Role::TecMember, "tec-bishkek")
}

fn protocol(a: u32, b: u32) -> Protocol {
    let valid = a + b + 10;
    Protocol {
        station: StationNumber::new(2001).unwrap(),
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

fn key() -> ProtocolKey {
    ProtocolKey {
        election: election(),
        council: council(),
        station: StationNumber::new(2001).unwrap(),
        contest: Contest::PartyList,
    }
}

async fn world(ctx: &Ctx) -> (Db, CouncilContext) {
    let db = ctx.db().await;
    db.import_setup(&setup(), &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    let mut c = results::council_context(&db, &election(), &council(), evening())
        .await
        .unwrap();
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

/// Enters `p` twice (double entry) and accepts it.
async fn accepted(db: &Db, c: &CouncilContext, p: Protocol) {
    for n in [1, 2] {
        let op = member(&format!("op{n}"), Role::PecMember, "pec-2001");
        results::enter(db, c, &op, p.clone(), evening())
            .await
            .unwrap();
    }
    results::accept(db, c, &tec(), &key(), None, evening())
        .await
        .unwrap();
}

async fn every_accepted_version_is_appended_to_the_chained_log_with_its_acceptance(ctx: Ctx) {
    let (db, c) = world(&ctx).await;
    assert_eq!(
        db.results_log_head(&election()).await.unwrap(),
        log::genesis()
    );
    // An entry awaiting its second operator is not in the log.
    let op = member("op1", Role::PecMember, "pec-2001");
    results::enter(&db, &c, &op, protocol(300, 290), evening())
        .await
        .unwrap();
    assert!(db.results_log(&election(), 1, 10).await.unwrap().is_empty());
    let op2 = member("op2", Role::PecMember, "pec-2001");
    results::enter(&db, &c, &op2, protocol(300, 290), evening())
        .await
        .unwrap();
    results::accept(&db, &c, &tec(), &key(), None, evening())
        .await
        .unwrap();
    let entries = db.results_log(&election(), 1, 10).await.unwrap();
    assert_eq!(entries.len(), 1);
    let first = &entries[0];
    assert_eq!((first.seq, first.version), (1, 1));
    assert_eq!(first.protocol, protocol(300, 290));
    assert_eq!(first.council, council());
    assert_eq!(first.prev_hash, log::genesis().hash);
    assert_eq!(first.hash, first.computed_hash());
    // A correction is entered again; it joins the log once accepted, as version 2.
    results::correct(&db, &c, &tec(), &key(), "line 12".into(), evening())
        .await
        .unwrap();
    assert_eq!(db.results_log(&election(), 1, 10).await.unwrap().len(), 1);
    accepted(&db, &c, protocol(301, 289)).await;
    let entries = log::whole_log(&db, &election()).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!((entries[1].seq, entries[1].version), (2, 2));
    assert_eq!(entries[1].prev_hash, entries[0].hash);
    assert_eq!(
        db.results_log_head(&election()).await.unwrap(),
        entries[1].head()
    );
    // The counted protocols of the log are the latest version of each.
    assert_eq!(log::counted_of(&entries), [(council(), protocol(301, 289))]);
    assert_eq!(
        ctx.raw_text("SELECT CAST(COUNT(*) AS TEXT) FROM results_log")
            .await,
        "2"
    );
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn signed_checkpoints_are_kept_and_the_log_verifies_until_altered(ctx: Ctx) {
    let (db, c) = world(&ctx).await;
    accepted(&db, &c, protocol(300, 290)).await;
    let signer = Signer::from_secret_bytes(&[7; 32]);
    let system = || SystemLabel::parse("shailoo test").unwrap();
    let entries = log::whole_log(&db, &election()).await.unwrap();
    let head = entries.last().unwrap().head();
    let signed = log::sign_log(
        &db,
        &Actor::System,
        &election(),
        &head,
        system(),
        &signer,
        evening(),
    )
    .await
    .unwrap();
    let kept = db.log_checkpoints(&election()).await.unwrap();
    assert_eq!(kept, std::slice::from_ref(&signed));
    let public = signer.public_key();
    assert_eq!(
        log::verify_log(&election(), &entries, &kept, &public),
        Ok(head.clone())
    );
    // The checkpoint has its audit entry.
    let audit = db.audit_entries(0, 1000).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.event.action == AuditAction::ResultsLogCheckpointed.as_str())
    );
    // Staff cannot sign: the key is the operator's at the command line.
    let refused = log::sign_log(
        &db,
        &tec(),
        &election(),
        &head,
        system(),
        &signer,
        evening(),
    )
    .await;
    assert!(refused.is_err());

    // An altered vote: the entry's hash no longer holds.
    let mut altered = entries.clone();
    altered[0].protocol.votes[0].votes += 1;
    assert_eq!(
        log::verify_log(&election(), &altered, &kept, &public),
        Err(LogProblem::Hash { seq: 1 })
    );
    // Another key: the checkpoint does not verify.
    let other = Signer::from_secret_bytes(&[8; 32]).public_key();
    assert!(matches!(
        log::verify_log(&election(), &entries, &kept, &other),
        Err(LogProblem::Checkpoint { index: 1, .. })
    ));
    // A protocol accepted after the checkpoint: the tail is unsigned until the next one.
    results::correct(&db, &c, &tec(), &key(), "recount".into(), evening())
        .await
        .unwrap();
    accepted(&db, &c, protocol(299, 291)).await;
    let entries = log::whole_log(&db, &election()).await.unwrap();
    assert_eq!(
        log::verify_log(&election(), &entries, &kept, &public),
        Err(LogProblem::UnsignedTail { signed: 1, last: 2 })
    );
    let head = entries.last().unwrap().head();
    log::sign_log(
        &db,
        &Actor::System,
        &election(),
        &head,
        system(),
        &signer,
        evening(),
    )
    .await
    .unwrap();
    let kept = db.log_checkpoints(&election()).await.unwrap();
    assert_eq!(kept.len(), 2);
    assert_eq!(
        log::verify_log(&election(), &entries, &kept, &public),
        Ok(head)
    );
}
