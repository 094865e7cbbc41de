//! The import's group commit (`ResultsStore::change_protocols`, `results::import_protocols`)
//! on both engines: a batch of protocol changes in one transaction, each all-or-nothing
//! behind its savepoint. A refused change in the middle (an unknown station the database
//! refuses, a protocol failing RES-05, one already accepted) writes nothing, and the others
//! are stored with one audit entry each and one public results log entry each, both chains
//! unbroken, also across a single change through the pages' path afterwards.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::{date, time};
use shailoo_app::results::log::{LogEntry, whole_log};
use shailoo_app::results::{
    self, Change, ChangeFacts, CouncilContext, ProtocolChange, ProtocolKey, ResultsError,
    ResultsStore,
};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_app::{AuditAction, AuditEvent, AuditStore, SetupStore, StoreError, verify_audit};
use shailoo_domain::candidate::PartyId;
use shailoo_domain::candidate::ballot::{Ballot, BallotLabel, BallotLine};
use shailoo_domain::protocol::{BallotOption, Contest, OptionVotes, Protocol};
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{CouncilId, ErrorCode, StationNumber};
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    res_import_a_batch_commits_together_and_a_refused_change_leaves_the_others,
    res_import_protocols_checks_each_and_the_chains_continue_after_the_batch,
    res_import_an_empty_batch_writes_nothing,
);

/// 20:30 on voting day, 17 November 2024.
fn evening() -> Timestamp {
    from_bishkek(date(2024, 11, 17), time(20, 30, 0, 0))
}

fn council() -> CouncilId {
    CouncilId::parse("bishkek-city").unwrap()
}

fn party(s: &str) -> BallotOption {
    BallotOption::Party(PartyId::parse(s).unwrap())
}

/// A consistent protocol of a station: `a` and `b` votes for the two lists, 10 against all.
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

/// A protocol failing RES-05 (one ballot received too many): an error, never accepted.
fn unbalanced(station: u32) -> Protocol {
    let mut p = protocol(station, 100, 100);
    p.ballots_received += 1;
    p
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

/// An import of `protocol` at `station` as the store takes it (the use case's checks done).
fn import(c: &CouncilContext, station: u32, protocol: Protocol) -> ProtocolChange {
    let key = key(station);
    ProtocolChange {
        event: AuditEvent::new(
            "system",
            AuditAction::ProtocolImported,
            key.subject(),
            evening(),
        )
        .before(&protocol),
        key,
        change: Change::Import {
            protocol,
            note: "imported from protocols.jsonl".into(),
        },
        by: "system".into(),
        facts: ChangeFacts {
            options: c.options(&Contest::PartyList).unwrap(),
            params: c.params.clone(),
        },
    }
}

/// The outcome's error code, or `ok`.
fn outcome<T>(r: &Result<T, ResultsError>) -> &'static str {
    r.as_ref().map_or_else(|e| e.code().as_str(), |_| "ok")
}

/// The public log's entries, checked to form one chain from the start.
async fn chained_log(db: &Db) -> Vec<LogEntry> {
    let entries = whole_log(db, &election()).await.unwrap();
    let mut prev = results::log::genesis();
    for e in &entries {
        assert_eq!(e.seq, prev.seq + 1);
        assert_eq!(
            e.prev_hash, prev.hash,
            "entry {} chains to the one before",
            e.seq
        );
        assert_eq!(
            e.computed_hash(),
            e.hash,
            "entry {} hashes its fields",
            e.seq
        );
        prev = e.head();
    }
    entries
}

/// The audit log's actions about protocols, in order.
async fn protocol_actions(db: &Db) -> Vec<String> {
    db.audit_entries(0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event.action)
        .filter(|a| a.starts_with("protocol_"))
        .collect()
}

async fn res_import_a_batch_commits_together_and_a_refused_change_leaves_the_others(ctx: Ctx) {
    let (db, c) = world(&ctx).await;
    // In the middle: a station the database does not know (its write fails and is rolled
    // back to the savepoint), a protocol failing RES-05, and the first one again.
    let batch = [
        import(&c, 2001, protocol(2001, 300, 290)),
        import(&c, 9999, protocol(9999, 1, 1)),
        import(&c, 2002, unbalanced(2002)),
        import(&c, 2002, protocol(2002, 40, 50)),
        import(&c, 2001, protocol(2001, 1, 1)),
    ];
    let outcomes = db.change_protocols(&batch).await.unwrap();
    let codes: Vec<&str> = outcomes.iter().map(outcome).collect();
    assert_eq!(
        [codes[0], codes[2], codes[3], codes[4]],
        [
            "ok",
            "results_checks_failed",
            "ok",
            "results_already_accepted"
        ]
    );
    assert!(
        matches!(
            outcomes[1],
            Err(ResultsError::Store(StoreError::UnknownReference { .. }))
        ),
        "{:?}",
        outcomes[1]
    );
    // Each accepted one is returned as stored.
    for (i, station) in [(0, 2001), (3, 2002)] {
        let stored = db.protocol(&key(station)).await.unwrap().unwrap();
        assert_eq!(outcomes[i].as_ref().unwrap().history, stored.history);
        assert_eq!(stored.history.current().stage.as_str(), "accepted");
    }
    // Nothing of the refused ones: no row, no version, no entry in either log.
    assert!(db.protocol(&key(9999)).await.unwrap().is_none());
    assert_eq!(
        ctx.raw_text("SELECT CAST(COUNT(*) AS TEXT) FROM protocols")
            .await,
        "2"
    );
    assert_eq!(
        ctx.raw_text("SELECT CAST(COUNT(*) AS TEXT) FROM protocol_versions")
            .await,
        "2"
    );
    assert_eq!(
        db.counted_protocols(&election(), None).await.unwrap(),
        [
            (council(), protocol(2001, 300, 290)),
            (council(), protocol(2002, 40, 50))
        ]
    );
    assert_eq!(
        protocol_actions(&db).await,
        ["protocol_imported", "protocol_imported"]
    );
    assert!(verify_audit(&db).await.unwrap().is_ok());
    let log = chained_log(&db).await;
    let logged: Vec<(u32, &Protocol)> = log
        .iter()
        .map(|e| (e.protocol.station.get(), &e.protocol))
        .collect();
    assert_eq!(
        logged,
        [
            (2001, &protocol(2001, 300, 290)),
            (2002, &protocol(2002, 40, 50))
        ]
    );
    // The head moved once per accepted change, and the next writer continues from it.
    assert_eq!(db.audit_head().await.unwrap().unwrap().0, 3);
    // A later batch reads the stored histories ahead: what was accepted stays so.
    let again = db
        .change_protocols(&[
            import(&c, 2002, protocol(2002, 1, 1)),
            import(&c, 2001, protocol(2001, 1, 1)),
        ])
        .await
        .unwrap();
    let codes: Vec<&str> = again.iter().map(outcome).collect();
    assert_eq!(
        codes,
        ["results_already_accepted", "results_already_accepted"]
    );
    assert_eq!(db.audit_head().await.unwrap().unwrap().0, 3);
    assert_eq!(chained_log(&db).await.len(), 2);
}

async fn res_import_protocols_checks_each_and_the_chains_continue_after_the_batch(ctx: Ctx) {
    let (db, c) = world(&ctx).await;
    // The use case refuses what its checks refuse before the store (a station of no such
    // contest), and the store what the workflow refuses; the rest are accepted.
    let outcomes = results::import_protocols(
        &db,
        vec![
            (&c, protocol(2001, 300, 290)),
            (&c, protocol(4242, 1, 1)),
            (&c, unbalanced(2002)),
            (&c, protocol(2002, 40, 50)),
        ],
        &Actor::System,
        "imported from protocols.jsonl",
        evening(),
    )
    .await
    .unwrap();
    let codes: Vec<&str> = outcomes.iter().map(outcome).collect();
    assert_eq!(
        codes,
        ["ok", "unknown_station", "results_checks_failed", "ok"]
    );
    assert_eq!(
        outcomes[1].as_ref().unwrap_err().code(),
        ErrorCode::UnknownStation
    );
    // Outside the calendar's window every protocol is refused, and nothing is written.
    let noon = from_bishkek(date(2024, 11, 17), time(12, 0, 0, 0));
    let early = results::import_protocols(
        &db,
        vec![(&c, protocol(2001, 1, 1))],
        &Actor::System,
        "x",
        noon,
    )
    .await
    .unwrap();
    assert_eq!(outcome(&early[0]), "results_entry_closed");
    // The pages' single path after the batch: a TEC corrects a protocol the batch accepted;
    // its new version, once accepted, continues both chains.
    let tec = Actor::User {
        username: Username::parse("tec1").unwrap(),
        role: Role::TecMember,
        commission: mid("tec-bishkek"),
    };
    results::correct(&db, &c, &tec, &key(2001), "line 12".into(), evening())
        .await
        .unwrap();
    for n in [1, 2] {
        let op = Actor::User {
            username: Username::parse(&format!("op{n}")).unwrap(),
            role: Role::PecMember,
            commission: mid("pec-2001"),
        };
        results::enter(&db, &c, &op, protocol(2001, 301, 289), evening())
            .await
            .unwrap();
    }
    results::accept(&db, &c, &tec, &key(2001), None, evening())
        .await
        .unwrap();
    assert_eq!(
        protocol_actions(&db).await,
        [
            "protocol_imported",
            "protocol_imported",
            "protocol_corrected",
            "protocol_entered",
            "protocol_entered",
            "protocol_accepted"
        ]
    );
    assert!(verify_audit(&db).await.unwrap().is_ok());
    let log = chained_log(&db).await;
    let versions: Vec<(u32, u32)> = log
        .iter()
        .map(|e| (e.protocol.station.get(), e.version))
        .collect();
    assert_eq!(versions, [(2001, 1), (2002, 1), (2001, 2)]);
}

async fn res_import_an_empty_batch_writes_nothing(ctx: Ctx) {
    let (db, _) = world(&ctx).await;
    let head = db.audit_head().await.unwrap();
    assert!(db.change_protocols(&[]).await.unwrap().is_empty());
    assert_eq!(db.audit_head().await.unwrap(), head);
    assert!(chained_log(&db).await.is_empty());
}
