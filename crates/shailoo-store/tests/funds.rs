//! Election funds (CMP-04) on both engines, through the use cases of `shailoo_app::funds`:
//! entries and a bank statement kept by the party's representative, a statement breaking a
//! donor rule refused whole with its line named and nothing stored, the ceiling following the
//! rule parameters in force, the reports with their lateness, and who keeps which fund.

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
use shailoo_app::candidates::{self, NominationId};
use shailoo_app::funds::{self, FundError, Source};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_app::{AuditStore, FundStore, SetupStore, params, verify_audit};
use shailoo_domain::candidate::{Party, PartyId, PartyRegistrationNumber};
use shailoo_domain::funds::{DonorKind, Movement, MovementKind, Report};
use shailoo_domain::media::Money;
use shailoo_domain::params::Coded;
use shailoo_domain::time::from_bishkek;
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    cmp_04_a_fund_is_kept_and_reported_with_its_lateness,
    cmp_04_a_statement_breaking_a_donor_rule_is_refused_whole,
    cmp_04_the_ceiling_follows_the_rule_parameters_in_force,
    cmp_04_only_the_nominator_or_the_tec_keeps_a_fund,
);

fn at(m: i8, d: i8, h: i8) -> Timestamp {
    from_bishkek(
        date(2024, m, d),
        jiff::civil::Time::new(h, 0, 0, 0).unwrap(),
    )
}

fn party(id: &str) -> PartyId {
    PartyId::parse(id).unwrap()
}

fn rep(p: &str) -> Actor {
    Actor::Representative {
        username: Username::parse(&format!("rep.{p}")).unwrap(),
        party: party(p),
    }
}

fn nomination() -> NominationId {
    NominationId::new(1).unwrap()
}

/// The setup, two parties and Ata-Jurt's list for Bishkek, submitted.
async fn fixture(ctx: &Ctx) -> Db {
    let db = ctx.db().await;
    db.import_setup(&setup(), &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    for (id, n) in [("ata-jurt", "1001-ПП"), ("emgek", "1002-ПП")] {
        let p = Party {
            id: party(id),
            name: name(id, id, id),
            registration_number: PartyRegistrationNumber::parse(n).unwrap(),
        };
        candidates::add_party(&db, &Actor::System, p, at(9, 10, 9))
            .await
            .unwrap();
    }
    ctx.raw(
        "INSERT INTO nominations (id, election, council, kind, party, status, version, \
         candidates_made, filed_by, created_at, updated_at, submitted_at) VALUES (1, \
         'local-2024', 'bishkek-city', 'city_list', 'ata-jurt', 'submitted', 1, 0, \
         'rep.ata-jurt', '2024-09-20T03:00:00Z', '2024-09-20T03:00:00Z', \
         '2024-09-20T03:00:00Z')",
    )
    .await;
    db
}

fn income(line: u64, som: u64, kind: DonorKind, donor: &str) -> Movement {
    Movement {
        line,
        on: date(2024, 10, 1),
        amount: Money::from_tyiyn(som * 100),
        kind: MovementKind::Income {
            donor_kind: kind,
            donor: donor.into(),
        },
    }
}

fn expense(line: u64, som: u64) -> Movement {
    Movement {
        line,
        on: date(2024, 10, 2),
        amount: Money::from_tyiyn(som * 100),
        kind: MovementKind::Expense {
            purpose: "posters".into(),
        },
    }
}

async fn audit_count(db: &Db) -> i64 {
    db.audit_head().await.unwrap().map_or(0, |(n, _)| n)
}

async fn cmp_04_a_fund_is_kept_and_reported_with_its_lateness(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let a = rep("ata-jurt");
    let start = audit_count(&db).await;
    funds::add_movements(
        &db,
        &a,
        &e,
        nomination(),
        vec![income(0, 500_000, DonorKind::Own, "ata-jurt")],
        Source::Entry,
        at(10, 1, 9),
    )
    .await
    .unwrap();
    let fund = funds::add_movements(
        &db,
        &a,
        &e,
        nomination(),
        vec![
            income(2, 20_000, DonorKind::Person, "21001199000123"),
            expense(3, 150_000),
        ],
        Source::Statement,
        at(10, 2, 9),
    )
    .await
    .unwrap();
    assert_eq!(fund.income(), Money::from_tyiyn(52_000_000));
    assert_eq!(fund.expenses(), Money::from_tyiyn(15_000_000));
    assert_eq!(
        fund.movements
            .iter()
            .map(|m| (m.movement.line, m.statement_line))
            .collect::<Vec<_>>(),
        [(1, None), (2, Some(2)), (3, Some(3))]
    );
    // The first report is due at the end of 7 November: submitted on the 9th, 2 days late.
    let fund = funds::submit_report(&db, &a, &e, nomination(), Report::First, at(11, 9, 10))
        .await
        .unwrap();
    assert_eq!(fund.report(Report::First).unwrap().late_days, Some(2));
    let twice = funds::submit_report(&db, &a, &e, nomination(), Report::First, at(11, 9, 11))
        .await
        .unwrap_err();
    assert!(matches!(twice, FundError::ReportAlreadySubmitted(_)));
    // Read back, and summarised for the public: the final report overdue after 27 November.
    assert_eq!(db.fund(&e, nomination()).await.unwrap().unwrap(), fund);
    let s = funds::summaries(&db, &e, at(11, 28, 12)).await.unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(
        s[0].income_by_donor,
        [
            (DonorKind::Own, Money::from_tyiyn(50_000_000)),
            (DonorKind::Person, Money::from_tyiyn(2_000_000))
        ]
    );
    assert!(s[0].reports.iter().all(|r| r.is_late()));
    assert!(s[0].reports[1].overdue);
    assert_eq!(audit_count(&db).await - start, 3);
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn cmp_04_a_statement_breaking_a_donor_rule_is_refused_whole(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let start = audit_count(&db).await;
    let err = funds::add_movements(
        &db,
        &rep("ata-jurt"),
        &e,
        nomination(),
        vec![
            income(2, 1_000, DonorKind::Own, "ata-jurt"),
            income(3, 10, DonorKind::Anonymous, ""),
            expense(4, 100),
        ],
        Source::Statement,
        at(10, 1, 9),
    )
    .await
    .unwrap_err();
    let FundError::Breach(b) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(b[0].finding.code.code(), "CMP-04.forbidden_donor");
    assert_eq!(b[0].statement_lines, [3]);
    assert_eq!(err.rule(), Some("CMP-04"));
    let fund = db.fund(&e, nomination()).await.unwrap().unwrap();
    assert!(fund.movements.is_empty());
    assert_eq!(audit_count(&db).await, start);
}

async fn cmp_04_the_ceiling_follows_the_rule_parameters_in_force(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let a = rep("ata-jurt");
    let big = || vec![income(0, 2_000_000, DonorKind::Own, "ata-jurt")];
    // No ceiling by default.
    funds::add_movements(
        &db,
        &a,
        &e,
        nomination(),
        big(),
        Source::Entry,
        at(9, 20, 9),
    )
    .await
    .unwrap();
    params::set(
        &db,
        &Actor::System,
        &e,
        json!({"fund_ceiling_som": 3_000_000}).as_object().unwrap(),
        at(9, 20, 10),
    )
    .await
    .unwrap();
    let err = funds::add_movements(
        &db,
        &a,
        &e,
        nomination(),
        big(),
        Source::Entry,
        at(9, 21, 9),
    )
    .await
    .unwrap_err();
    let FundError::Breach(b) = err else {
        panic!("refused")
    };
    assert_eq!(b[0].finding.code.code(), "CMP-04.above_ceiling");
    assert!(b[0].statement_lines.is_empty());
}

async fn cmp_04_only_the_nominator_or_the_tec_keeps_a_fund(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let entry = || vec![income(0, 100, DonorKind::Own, "x")];
    let other = funds::add_movements(
        &db,
        &rep("emgek"),
        &e,
        nomination(),
        entry(),
        Source::Entry,
        at(10, 1, 9),
    )
    .await
    .unwrap_err();
    assert!(matches!(other, FundError::Forbidden));
    let pec = Actor::User {
        username: Username::parse("pec.member").unwrap(),
        role: Role::PecMember,
        commission: mid("pec-2001"),
    };
    assert!(matches!(
        funds::add_movements(
            &db,
            &pec,
            &e,
            nomination(),
            entry(),
            Source::Entry,
            at(10, 1, 9)
        )
        .await,
        Err(FundError::Forbidden)
    ));
    let tec = Actor::User {
        username: Username::parse("tec.member").unwrap(),
        role: Role::TecMember,
        commission: mid("tec-bishkek"),
    };
    funds::add_movements(
        &db,
        &tec,
        &e,
        nomination(),
        entry(),
        Source::Entry,
        at(10, 1, 9),
    )
    .await
    .unwrap();
    let unknown = funds::add_movements(
        &db,
        &tec,
        &e,
        NominationId::new(42).unwrap(),
        entry(),
        Source::Entry,
        at(10, 1, 9),
    )
    .await
    .unwrap_err();
    assert!(matches!(unknown, FundError::UnknownNomination(_)));
}
