//! Signed checkpoints of the audit log on both engines (issue 12): what the hash chain alone
//! cannot show — its newest entries deleted and the head row set back, or its whole history
//! rewritten and rehashed — a checkpoint signed before shows; an untouched log and a log that
//! grew since still hold it. And a log written before audit actions were a closed set still
//! verifies, and grows.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use shailoo_app::audit::checkpoint::{
    CheckpointProblem, SignedCheckpoint, SystemLabel, confirm_in_audit_log, sign_audit_log,
};
use shailoo_app::signing::Signer;
use shailoo_app::{AuditAction, AuditEvent, LogHead};
use shailoo_app::{AuditStore, SetupStore, verified_audit_head, verify_audit};
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    a_checkpoint_holds_for_the_untouched_log_and_for_a_log_that_grew,
    a_checkpoint_detects_the_newest_entries_deleted_and_the_head_set_back,
    a_checkpoint_detects_a_history_rewritten_and_rehashed,
    a_log_written_before_actions_were_typed_still_verifies_and_grows,
);

/// The commission's key: only the checkpoint file ever leaves the test, never the database.
fn commission() -> Signer {
    Signer::from_secret_bytes(&[42; 32])
}

/// The setup and `stations` more stations: `1 + stations` audited changes.
async fn audited_changes(db: &Db, first: u32, stations: u32) {
    if first == 0 {
        db.import_setup(&setup(), &[], event(AuditAction::SetupImported))
            .await
            .unwrap();
    }
    for n in first..first + stations {
        let address = name("Бишкек", "Бишкек", &format!("Bishkek {n}"));
        db.add_station(
            &station(3000 + n, "pec-2001", address, false),
            event(AuditAction::StationAdded),
        )
        .await
        .unwrap();
    }
}

async fn checkpoint(db: &Db) -> SignedCheckpoint {
    let label = SystemLabel::parse("test election").unwrap();
    sign_audit_log(db, &commission(), label, Timestamp::now())
        .await
        .unwrap()
        .expect("an intact chain is signed")
}

/// The log's head (its chain must verify) and whether it holds `signed`, as `audit verify
/// --checkpoint` asks, read through a store of its own.
async fn confirm(ctx: &Ctx, signed: &SignedCheckpoint) -> (LogHead, Result<(), CheckpointProblem>) {
    let db = ctx.db().await;
    let key = commission().public_key();
    signed
        .verify_signature(Some(&key))
        .expect("the commission's signature");
    let head = verified_audit_head(&db)
        .await
        .unwrap()
        .expect("the chain verifies");
    let held = confirm_in_audit_log(&db, &signed.checkpoint, &head)
        .await
        .unwrap();
    (head, held)
}

async fn a_checkpoint_holds_for_the_untouched_log_and_for_a_log_that_grew(ctx: Ctx) {
    let db = ctx.db().await;
    audited_changes(&db, 0, 3).await;
    let signed = checkpoint(&db).await;
    assert_eq!(signed.checkpoint.seq, 4);
    assert_eq!(confirm(&ctx, &signed).await.1, Ok(()));

    audited_changes(&db, 3, 2).await;
    let (head, held) = confirm(&ctx, &signed).await;
    assert_eq!(head.seq, 6);
    assert_eq!(held, Ok(()));
}

/// The finding as reported: delete the last rows, update the head row, and the chain alone
/// says intact.
async fn a_checkpoint_detects_the_newest_entries_deleted_and_the_head_set_back(ctx: Ctx) {
    let db = ctx.db().await;
    audited_changes(&db, 0, 4).await;
    let signed = checkpoint(&db).await;
    assert_eq!(signed.checkpoint.seq, 5);

    ctx.raw(
        "DELETE FROM audit_log WHERE seq > 3; \
         UPDATE audit_head SET count = 3, \
         last_hash = (SELECT hash FROM audit_log WHERE seq = 3) WHERE id = 1",
    )
    .await;
    assert_eq!(
        verify_audit(&db).await.unwrap(),
        Ok(3),
        "the chain alone cannot see the cut"
    );

    let (_, held) = confirm(&ctx, &signed).await;
    let problem = held.expect_err("the checkpoint sees the cut");
    assert_eq!(
        problem,
        CheckpointProblem::Truncated {
            signed: 5,
            found: 3
        }
    );
    assert!(
        problem.to_string().contains("entries 4 to 5 were removed"),
        "{problem}"
    );
}

/// Whoever controls the database rewrites entry 2 and recomputes every hash after it and the
/// head: the chain verifies, but the signed entry's hash differs.
async fn a_checkpoint_detects_a_history_rewritten_and_rehashed(ctx: Ctx) {
    let db = ctx.db().await;
    audited_changes(&db, 0, 3).await;
    let signed = checkpoint(&db).await;

    let mut prev = db.audit_entries(0, 1).await.unwrap()[0].hash.clone();
    for mut entry in db.audit_entries(1, 100).await.unwrap() {
        if entry.seq == 2 {
            entry.event.subject = "forged".into();
        }
        let resealed = entry.event.seal(entry.seq, &prev);
        ctx.raw(&format!(
            "UPDATE audit_log SET subject = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {}; \
             UPDATE audit_head SET last_hash = '{}' WHERE id = 1",
            resealed.event.subject, resealed.prev_hash, resealed.hash, resealed.seq, resealed.hash
        ))
        .await;
        prev = resealed.hash;
    }
    assert_eq!(
        verify_audit(&db).await.unwrap(),
        Ok(4),
        "a consistent forgery"
    );

    let (_, held) = confirm(&ctx, &signed).await;
    assert!(
        matches!(
            &held,
            Err(CheckpointProblem::Rewritten { seq: 4, found, signed: s })
                if *found == prev && *s == signed.checkpoint.hash
        ),
        "{held:?}"
    );
}

/// A log as shailoo wrote it while actions were free strings (every action of that time, a
/// retired one included, sealed by that code): each stored action is a member of
/// [`AuditAction`] with the very string stored, the typed event seals to the stored hash, the
/// chain verifies, and a typed write extends it.
async fn a_log_written_before_actions_were_typed_still_verifies_and_grows(ctx: Ctx) {
    let db = ctx.db().await;
    ctx.raw(include_str!("fixtures/audit_log_before_typed_actions.sql"))
        .await;
    assert_eq!(verify_audit(&db).await.unwrap(), Ok(29));

    let entries = db.audit_entries(0, 100).await.unwrap();
    assert_eq!(entries.len(), 29);
    assert!(
        entries
            .iter()
            .any(|e| e.event.known_action() == Some(AuditAction::RegisterLoaded))
    );
    for entry in &entries {
        let stored = &entry.event;
        let action = stored
            .known_action()
            .unwrap_or_else(|| panic!("{} is an AuditAction", stored.action));
        assert_eq!(action.as_str(), stored.action);
        let typed = AuditEvent {
            actor: stored.actor.clone(),
            action,
            subject: stored.subject.clone(),
            before_digest: stored.before_digest.clone(),
            after_digest: stored.after_digest.clone(),
            at: stored.at,
        };
        assert_eq!(typed.seal(entry.seq, &entry.prev_hash).hash, entry.hash);
    }

    audited_changes(&db, 0, 1).await;
    assert_eq!(verify_audit(&db).await.unwrap(), Ok(31));
}
