//! Media accreditation (CMP-01…CMP-03) on both engines, through the use cases of
//! `shailoo_app::media`: an outlet's application read from its price-list file until CAL-03,
//! the CMP-02 check listing each breach with its rows, accreditation refused on a breach,
//! refusal and revocation with a reason, the reference price following the rule parameter in
//! force, who may enter and decide, and a stored row that does not parse.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::date;
use serde_json::json;
use shailoo_app::audit::AuditAction;
use shailoo_app::media::{self, MediaDecision, MediaStatus, OutletDraft, Text};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_app::{AuditStore, MediaStore, SetupStore, params, verify_audit};
use shailoo_domain::ErrorCode;
use shailoo_domain::media::{MediaKind, PriceFindingCode};
use shailoo_domain::params::Coded;
use shailoo_domain::time::from_bishkek;
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    cmp_01_an_outlet_applies_with_its_price_list_and_the_cec_accredits_it,
    cmp_02_a_price_breach_is_listed_with_its_rows_and_the_outlet_is_refused,
    cmp_01_applications_close_at_the_end_of_cal_03,
    cmp_03_a_revoked_outlet_carries_no_campaign_material,
    cmp_02_the_reference_price_follows_the_rule_parameter_in_force,
    a_stored_outlet_that_does_not_parse_is_corrupt,
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

async fn fixture(ctx: &Ctx) -> Db {
    let db = ctx.db().await;
    db.import_setup(&setup(), &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    db
}

/// Prices of the 2024 election (called 6 September): airtime at 1500 for all, as in June.
const FAIR: &str = "period,service,unit,buyer,price,charged_on\n\
    election,airtime_prime,minute,all,1500,\n\
    election,page_a3,page,all,12000.50,\n\
    earlier,airtime_prime,minute,,1500,2024-06-01\n\
    earlier,page_a3,page,,12000.50,2024-07-15\n";

/// Dearer for one party, and above June's price.
const UNFAIR: &str = "period,service,unit,buyer,price,charged_on\n\
    election,airtime_prime,minute,ata-jurt,1500,\n\
    election,airtime_prime,minute,emgek,1800,\n\
    earlier,airtime_prime,minute,,1500,2024-06-01\n";

fn draft(name: &str, csv: &str) -> OutletDraft {
    OutletDraft {
        name: Text::parse(name).unwrap(),
        kind: MediaKind::Tv,
        contact: Some(Text::parse("Бишкек, Жибек Жолу 1").unwrap()),
        prices: shailoo_formats::read_media_prices("media_prices.csv", csv.as_bytes().to_vec())
            .unwrap(),
    }
}

async fn cmp_01_an_outlet_applies_with_its_price_list_and_the_cec_accredits_it(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let before = db.audit_head().await.unwrap().map_or(0, |h| h.0);
    let o = media::file(
        &db,
        &cec("cec.clerk"),
        &e,
        draft("ЭлТР", FAIR),
        at(9, 20, 10),
    )
    .await
    .unwrap();
    assert_eq!(o.status, MediaStatus::Applied);
    assert_eq!(db.media_outlet(&e, o.id).await.unwrap().as_ref(), Some(&o));
    // Who entered it does not decide it; a TEC does neither.
    let err = media::decide(
        &db,
        &cec("cec.clerk"),
        &e,
        o.id,
        MediaDecision::Accredit,
        at(9, 21, 10),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MediaOwnApplication);
    let tec = Actor::User {
        username: Username::parse("tec.member").unwrap(),
        role: Role::TecMember,
        commission: mid("tec-bishkek"),
    };
    let err = media::file(&db, &tec, &e, draft("Ош ТВ", FAIR), at(9, 20, 10))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let o = media::decide(
        &db,
        &cec("cec.chair"),
        &e,
        o.id,
        MediaDecision::Accredit,
        at(9, 21, 10),
    )
    .await
    .unwrap();
    assert!(o.may_carry_campaign());
    // The public registry: the outlet, its price list, no finding, nobody's account.
    let registry = media::registry(&db, &e, None).await.unwrap();
    assert_eq!(registry.len(), 1);
    assert_eq!(registry[0].prices, o.prices);
    assert!(registry[0].findings.is_empty());
    let json = serde_json::to_string(&registry).unwrap();
    assert!(!json.contains("cec.chair") && !json.contains("cec.clerk"));
    let after = db.audit_head().await.unwrap().map_or(0, |h| h.0);
    assert_eq!(after - before, 2);
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn cmp_02_a_price_breach_is_listed_with_its_rows_and_the_outlet_is_refused(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let o = media::file(
        &db,
        &cec("cec.clerk"),
        &e,
        draft("Апрель ТВ", UNFAIR),
        at(9, 20, 10),
    )
    .await
    .unwrap();
    let shown = media::outlet(&db, &e, o.id).await.unwrap();
    let found: Vec<(&str, Vec<u64>)> = shown
        .findings
        .iter()
        .map(|f| (f.code.code(), f.lines.clone()))
        .collect();
    assert_eq!(
        found,
        [
            ("CMP-02.unequal_price", vec![2, 3]),
            ("CMP-02.above_earlier_price", vec![3, 4]),
        ]
    );
    let err = media::decide(
        &db,
        &cec("cec.chair"),
        &e,
        o.id,
        MediaDecision::Accredit,
        at(9, 21, 10),
    )
    .await
    .unwrap_err();
    assert_eq!(
        (err.code(), err.rule()),
        (ErrorCode::MediaPriceBreaches, Some("CMP-02"))
    );
    assert_eq!(
        db.media_outlet(&e, o.id).await.unwrap().unwrap().status,
        MediaStatus::Applied
    );
    let refusal = MediaDecision::Refuse {
        reason: Text::parse("CMP-02: airtime dearer for one party and above June's price").unwrap(),
    };
    let o = media::decide(
        &db,
        &cec("cec.chair"),
        &e,
        o.id,
        refusal.clone(),
        at(9, 21, 11),
    )
    .await
    .unwrap();
    assert_eq!(o.status, MediaStatus::Refused);
    let err = media::decide(&db, &cec("cec.chair"), &e, o.id, refusal, at(9, 21, 12))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MediaAlreadyDecided);
    let refused = media::registry(&db, &e, Some(MediaStatus::Refused))
        .await
        .unwrap();
    assert_eq!(refused.len(), 1);
    assert!(refused[0].reason.is_some());
    assert!(
        media::registry(&db, &e, Some(MediaStatus::Accredited))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn cmp_01_applications_close_at_the_end_of_cal_03(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    // CAL-03: 27 September 2024, end of day.
    media::file(
        &db,
        &cec("cec.clerk"),
        &e,
        draft("ЭлТР", FAIR),
        at(9, 27, 23),
    )
    .await
    .unwrap();
    let err = media::file(
        &db,
        &cec("cec.clerk"),
        &e,
        draft("Late TV", FAIR),
        at(9, 28, 0),
    )
    .await
    .unwrap_err();
    assert_eq!(
        (err.code(), err.rule()),
        (ErrorCode::ActionClosed, Some("CAL-03"))
    );
    assert_eq!(media::registry(&db, &e, None).await.unwrap().len(), 1);
    // An application without election prices is none (CMP-01).
    let empty = "period,service,unit,buyer,price,charged_on\n\
        earlier,airtime_prime,minute,,1500,2024-06-01\n";
    let err = media::file(
        &db,
        &cec("cec.clerk"),
        &e,
        draft("Empty", empty),
        at(9, 20, 0),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MediaNoPrices);
}

async fn cmp_03_a_revoked_outlet_carries_no_campaign_material(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let o = media::file(
        &db,
        &cec("cec.clerk"),
        &e,
        draft("ЭлТР", FAIR),
        at(9, 20, 10),
    )
    .await
    .unwrap();
    let revoke = MediaDecision::Revoke {
        reason: Text::parse("Campaign material without the payer's name").unwrap(),
    };
    let err = media::decide(
        &db,
        &cec("cec.chair"),
        &e,
        o.id,
        revoke.clone(),
        at(9, 21, 10),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MediaNotAccredited);
    media::decide(
        &db,
        &cec("cec.chair"),
        &e,
        o.id,
        MediaDecision::Accredit,
        at(9, 21, 10),
    )
    .await
    .unwrap();
    let o = media::decide(&db, &cec("cec.chair"), &e, o.id, revoke, at(11, 1, 10))
        .await
        .unwrap();
    assert_eq!(o.status, MediaStatus::Revoked);
    assert!(!o.may_carry_campaign());
    assert_eq!(
        db.media_outlet(&e, o.id).await.unwrap().unwrap(),
        o,
        "read back as decided"
    );
}

async fn cmp_02_the_reference_price_follows_the_rule_parameter_in_force(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    // 1800 in June, 1200 in August; 1500 now: above the last price, not above the highest.
    let csv = "period,service,unit,buyer,price,charged_on\n\
        election,airtime_prime,minute,all,1500,\n\
        earlier,airtime_prime,minute,,1800,2024-06-01\n\
        earlier,airtime_prime,minute,,1200,2024-08-01\n";
    let o = media::file(
        &db,
        &cec("cec.clerk"),
        &e,
        draft("ЭлТР", csv),
        at(9, 20, 10),
    )
    .await
    .unwrap();
    assert!(
        media::outlet(&db, &e, o.id)
            .await
            .unwrap()
            .findings
            .is_empty()
    );
    params::set(
        &db,
        &Actor::System,
        &e,
        json!({"media_reference_price": "latest"})
            .as_object()
            .unwrap(),
        at(9, 20, 11),
    )
    .await
    .unwrap();
    let shown = media::outlet(&db, &e, o.id).await.unwrap();
    assert_eq!(
        shown.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        [PriceFindingCode::AboveEarlierPrice]
    );
    assert_eq!(shown.findings[0].lines, [2, 4]);
}

async fn a_stored_outlet_that_does_not_parse_is_corrupt(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let o = media::file(
        &db,
        &cec("cec.clerk"),
        &e,
        draft("ЭлТР", FAIR),
        at(9, 20, 10),
    )
    .await
    .unwrap();
    ctx.raw("UPDATE media_outlets SET filed_by = 'nobody'")
        .await;
    assert_eq!(
        media::outlet(&db, &e, o.id).await.unwrap_err().code(),
        ErrorCode::DbCorrupt
    );
    // What the domain could not hold at all, the engine refuses.
    assert!(
        ctx.raw_fails("UPDATE media_outlets SET kind = 'pigeon'")
            .await
    );
    assert!(
        ctx.raw_fails("UPDATE media_prices SET price_tyiyn = -1")
            .await
    );
    assert!(
        ctx.raw_fails("UPDATE media_outlets SET status = 'refused'")
            .await
    );
}
