//! Journalists' badges (i16-badges, CMP-01) on both engines, through the use cases of
//! `shailoo_app::media`: a badge issued to an accredited outlet's journalist, signed so that
//! its payload verifies with the CEC's public key, audited; refused for an outlet that is not
//! accredited, to a TEC, without a key and after CAL-17; revoked with a reason, by itself or
//! with its outlet's accreditation, and then on the public revocation list; a stored row that
//! does not parse.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::date;
use shailoo_app::audit::AuditAction;
use shailoo_app::media::{
    self, BadgeClaims, BadgeStatus, MediaDecision, OutletDraft, OutletId, RevokedFor, Text,
};
use shailoo_app::signing::Signer;
use shailoo_app::users::{Actor, Role, Username};
use shailoo_app::{AuditStore, SetupStore, verify_audit};
use shailoo_domain::ErrorCode;
use shailoo_domain::media::MediaKind;
use shailoo_domain::time::from_bishkek;
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    cmp_01_an_accredited_outlets_journalist_gets_a_signed_badge,
    cmp_01_a_revoked_badge_or_outlet_is_on_the_revocation_list,
    cmp_01_badges_are_issued_until_the_end_of_cal_17,
    a_stored_badge_that_does_not_parse_is_corrupt,
);

fn at(m: i8, d: i8, h: i8) -> Timestamp {
    from_bishkek(
        date(2024, m, d),
        jiff::civil::Time::new(h, 0, 0, 0).unwrap(),
    )
}

fn cec(name: &str) -> Actor {
    Actor::User {
        username: Username::parse(name).unwrap(),
        role: Role::CecAdmin,
        commission: mid("cec"),
    }
}

fn key() -> Signer {
    Signer::from_secret_bytes(&[42; 32])
}

fn text(s: &str) -> Text {
    Text::parse(s).unwrap()
}

const FAIR: &str = "period,service,unit,buyer,price,charged_on\n\
    election,airtime_prime,minute,all,1500,\n\
    earlier,airtime_prime,minute,,1500,2024-06-01\n";

/// The setup and two outlets: `ЭлТР` accredited, `Ош ТВ` still applied.
async fn fixture(ctx: &Ctx) -> (Db, OutletId, OutletId) {
    let db = ctx.db().await;
    db.import_setup(&setup(), &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    let e = election();
    let mut ids = Vec::new();
    for name in ["ЭлТР", "Ош ТВ"] {
        let draft = OutletDraft {
            name: text(name),
            kind: MediaKind::Tv,
            contact: None,
            prices: shailoo_formats::read_media_prices(
                "media_prices.csv",
                FAIR.as_bytes().to_vec(),
            )
            .unwrap(),
        };
        let o = media::file(&db, &cec("cec.clerk"), &e, draft, at(9, 20, 10))
            .await
            .unwrap();
        ids.push(o.id);
    }
    media::decide(
        &db,
        &cec("cec.chair"),
        &e,
        ids[0],
        MediaDecision::Accredit,
        at(9, 21, 10),
    )
    .await
    .unwrap();
    (db, ids[0], ids[1])
}

async fn cmp_01_an_accredited_outlets_journalist_gets_a_signed_badge(ctx: Ctx) {
    let (db, accredited, applied) = fixture(&ctx).await;
    let e = election();
    let signer = key();
    let before = db.audit_head().await.unwrap().map_or(0, |h| h.0);
    let badge = media::issue_badge(
        &db,
        &cec("cec.clerk"),
        &e,
        accredited,
        text("Айгүл Өмүрбекова"),
        Some(&signer),
        at(10, 1, 11),
    )
    .await
    .unwrap();
    assert_eq!(badge.status, BadgeStatus::Issued);
    assert_eq!(badge.outlet_name.as_str(), "ЭлТР");
    // The payload verifies with the public key alone, and says what the badge says.
    let claims = BadgeClaims::verify(&badge.payload, &signer.public_key()).unwrap();
    assert_eq!(claims, BadgeClaims::of(&badge));
    assert_eq!(claims.name, "Айгүл Өмүрбекова");
    assert_eq!(claims.issued_at, at(10, 1, 11).as_second());
    assert!(
        BadgeClaims::verify(
            &badge.payload,
            &Signer::from_secret_bytes(&[1; 32]).public_key()
        )
        .is_err()
    );
    // Read back as stored.
    let (outlet, badges) = media::badges(&db, &cec("cec.chair"), &e, accredited)
        .await
        .unwrap();
    assert_eq!(outlet.id, accredited);
    assert_eq!(badges, vec![badge.clone()]);
    let (printed, _) = media::badge(&db, &cec("cec.chair"), &e, badge.id)
        .await
        .unwrap();
    assert_eq!(printed, badge);
    // Audited, in the chain.
    let entries = db.audit_entries(before, 10).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].event.known_action(),
        Some(AuditAction::MediaBadgeIssued)
    );
    assert_eq!(
        entries[0].event.subject,
        format!("{e}/media/badges/{}", badge.id)
    );

    // An outlet still waiting gets none; a TEC issues none; nor does a server without a key.
    let err = media::issue_badge(
        &db,
        &cec("cec.clerk"),
        &e,
        applied,
        text("Бакыт"),
        Some(&signer),
        at(10, 1, 11),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MediaBadgeOutletNotAccredited);
    assert_eq!(err.rule(), Some("CMP-01"));
    let tec = Actor::User {
        username: Username::parse("tec.member").unwrap(),
        role: Role::TecMember,
        commission: mid("tec-bishkek"),
    };
    let err = media::issue_badge(
        &db,
        &tec,
        &e,
        accredited,
        text("X"),
        Some(&signer),
        at(10, 1, 11),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let err = media::issue_badge(
        &db,
        &cec("cec.clerk"),
        &e,
        accredited,
        text("X"),
        None,
        at(10, 1, 11),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MediaBadgeNoKey);
    let err = media::issue_badge(
        &db,
        &cec("cec.clerk"),
        &e,
        OutletId::new(99).unwrap(),
        text("X"),
        Some(&signer),
        at(10, 1, 11),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MediaUnknownOutlet);
    // Nothing of the refusals was stored.
    let after = db.audit_head().await.unwrap().map_or(0, |h| h.0);
    assert_eq!(after - before, 1);
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn cmp_01_a_revoked_badge_or_outlet_is_on_the_revocation_list(ctx: Ctx) {
    let (db, accredited, _) = fixture(&ctx).await;
    let e = election();
    let signer = key();
    let mut ids = Vec::new();
    for name in ["Айгүл", "Нурлан"] {
        let b = media::issue_badge(
            &db,
            &cec("cec.clerk"),
            &e,
            accredited,
            text(name),
            Some(&signer),
            at(10, 1, 11),
        )
        .await
        .unwrap();
        ids.push(b.id);
    }
    assert!(media::revoked_badges(&db, &e).await.unwrap().is_empty());
    let revoked = media::revoke_badge(
        &db,
        &cec("cec.chair"),
        &e,
        ids[0],
        text("lost"),
        at(10, 2, 9),
    )
    .await
    .unwrap();
    assert_eq!(revoked.status, BadgeStatus::Revoked);
    assert_eq!(revoked.reason.as_ref().map(Text::as_str), Some("lost"));
    let list = media::revoked_badges(&db, &e).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].badge, list[0].revoked_for),
        (ids[0], RevokedFor::Badge)
    );
    let err = media::revoke_badge(
        &db,
        &cec("cec.chair"),
        &e,
        ids[0],
        text("again"),
        at(10, 2, 9),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MediaBadgeAlreadyRevoked);

    // The outlet's accreditation revoked: its other badge is revoked with it.
    media::decide(
        &db,
        &cec("cec.chair"),
        &e,
        accredited,
        MediaDecision::Revoke {
            reason: text("CMP-03"),
        },
        at(10, 3, 9),
    )
    .await
    .unwrap();
    let list = media::revoked_badges(&db, &e).await.unwrap();
    let pairs: Vec<_> = list.iter().map(|r| (r.badge, r.revoked_for)).collect();
    assert_eq!(
        pairs,
        vec![(ids[0], RevokedFor::Badge), (ids[1], RevokedFor::Outlet)]
    );
    let (badge, outlet_status) = media::badge(&db, &cec("cec.chair"), &e, ids[1])
        .await
        .unwrap();
    assert_eq!(badge.status, BadgeStatus::Issued);
    assert_eq!(badge.effective_status(outlet_status), BadgeStatus::Revoked);
    // An unknown election has no list.
    assert_eq!(
        media::revoked_badges(&db, &shailoo_domain::ElectionId::parse("nope").unwrap())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::UnknownElection
    );
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn cmp_01_badges_are_issued_until_the_end_of_cal_17(ctx: Ctx) {
    let (db, accredited, _) = fixture(&ctx).await;
    let e = election();
    let signer = key();
    // CAL-17 (results determined) is 8 December 2024.
    let b = media::issue_badge(
        &db,
        &cec("cec.clerk"),
        &e,
        accredited,
        text("Айгүл"),
        Some(&signer),
        at(12, 8, 20),
    )
    .await
    .unwrap();
    let err = media::issue_badge(
        &db,
        &cec("cec.clerk"),
        &e,
        accredited,
        text("Нурлан"),
        Some(&signer),
        at(12, 9, 10),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ActionClosed);
    assert_eq!(err.rule(), Some("CAL-17"));
    let err = media::revoke_badge(
        &db,
        &cec("cec.chair"),
        &e,
        b.id,
        text("late"),
        at(12, 9, 10),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ActionClosed);
}

async fn a_stored_badge_that_does_not_parse_is_corrupt(ctx: Ctx) {
    let (db, accredited, _) = fixture(&ctx).await;
    let e = election();
    let b = media::issue_badge(
        &db,
        &cec("cec.clerk"),
        &e,
        accredited,
        text("Айгүл"),
        Some(&key()),
        at(10, 1, 11),
    )
    .await
    .unwrap();
    ctx.raw("UPDATE media_badges SET issued_by = 'nobody'")
        .await;
    assert_eq!(
        media::badge(&db, &cec("cec.chair"), &e, b.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::DbCorrupt
    );
    // What the domain could not hold at all, the engine refuses.
    assert!(
        ctx.raw_fails("UPDATE media_badges SET status = 'lost'")
            .await
    );
    assert!(
        ctx.raw_fails("UPDATE media_badges SET status = 'revoked'")
            .await
    );
}
