//! The complaints registry (CMP-05, CMP-06) on both engines, through the use cases of
//! `shailoo_app::complaints`: a complaint's path from its filing to the court's act with its
//! clock and every step audited, late filings refused with nothing stored, the clock following
//! the rule parameters in force, who may hear and who never decides, online filing by the
//! complainant, and the listings (staff reach, public view without personal data, statistics,
//! overdue).

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
use shailoo_app::complaints::{
    self, About, AppealDraft, Channel, Complainant, ComplainantKind, ComplaintDraft,
    ComplaintError, ComplaintFilter, ComplaintStatus, DecisionDraft, Document, Forum, Outcome,
    Text,
};
use shailoo_app::users::{Actor, NewUser, Role, Username};
use shailoo_app::{AccountStore, AuditStore, ComplaintStore, SetupStore, params, verify_audit};
use shailoo_domain::ErrorCode;
use shailoo_domain::complaint::{DecisionDue, Level, Subject};
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{Pin, StationNumber};
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    cmp_05_a_complaint_goes_from_filing_to_the_courts_act_with_every_step_audited,
    cmp_06_a_late_complaint_is_refused_and_nothing_is_stored,
    cmp_06_the_clock_follows_the_rule_parameters_in_force,
    cmp_05_only_the_commission_complained_of_hears_it_and_never_the_filer,
    cmp_05_a_complainant_files_online_and_alone_appeals_online,
    cmp_05_what_a_complaint_names_must_exist_in_the_commissions_area,
    cmp_05_listings_keep_to_the_reach_and_the_public_sees_no_personal_data,
    a_stored_complaint_that_does_not_parse_is_corrupt,
    cmp_05_a_document_handed_in_is_stored_with_its_filing_and_read_by_the_complainant_and_staff,
);

// ---------------------------------------------------------------------------------------------
// Fixtures

/// A Bishkek instant.
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

fn clerk() -> Actor {
    user("pec.clerk", Role::PecMember, "pec-2001")
}
fn chair() -> Actor {
    user("pec.chair", Role::PecMember, "pec-2001")
}
fn member() -> Actor {
    user("pec.member", Role::PecMember, "pec-2001")
}
fn other_pec() -> Actor {
    user("pec.other", Role::PecMember, "pec-2002")
}
fn tec() -> Actor {
    user("tec.member", Role::TecMember, "tec-bishkek")
}
fn tec_clerk() -> Actor {
    user("tec.clerk", Role::TecMember, "tec-bishkek")
}
fn cec() -> Actor {
    user("cec.lawyer", Role::CecAdmin, "cec")
}
fn cec_clerk() -> Actor {
    user("cec.clerk", Role::CecAdmin, "cec")
}

async fn fixture(ctx: &Ctx) -> Db {
    let db = ctx.db().await;
    db.import_setup(&setup(), &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    for actor in [
        clerk(),
        chair(),
        member(),
        other_pec(),
        tec(),
        tec_clerk(),
        cec(),
        cec_clerk(),
    ] {
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

fn text(s: &str) -> Text {
    Text::parse(s).unwrap()
}

/// A paper complaint to PEC 2001 about its decision of 10 October on station 2001.
fn draft() -> ComplaintDraft {
    ComplaintDraft {
        commission: mid("pec-2001"),
        subject: Subject::Decision,
        act_on: Some(date(2024, 10, 10)),
        about: About {
            station: Some(StationNumber::new(2001).unwrap()),
            ..About::default()
        },
        complainant: Complainant {
            kind: ComplainantKind::Observer,
            name: text("Таза шайлоо коалициясы, Айбек Токтогулов"),
            contact: Some(text("+996 700 000 001")),
        },
        summary: text("The PEC refused an observer access to the list"),
        document: None,
    }
}

fn pdf(n: u8) -> Document {
    let mut bytes = b"%PDF-1.4\n1 0 obj<<>>endobj\n".to_vec();
    bytes.push(b'0' + n);
    bytes.extend_from_slice(b"\nstartxref\n0\n%%EOF\n");
    Document::parse(bytes).unwrap()
}

fn decision(outcome: Outcome, number: &str, n: u8) -> DecisionDraft {
    DecisionDraft {
        outcome,
        reasons: text("Considered at the session of the commission"),
        number: text(number),
        document: pdf(n),
    }
}

fn appeal(court: Option<&str>) -> AppealDraft {
    AppealDraft {
        grounds: text("The decision ignores the observer's evidence"),
        court: court.map(text),
        document: None,
    }
}

async fn audit_count(db: &Db) -> i64 {
    db.audit_head().await.unwrap().map_or(0, |(n, _)| n)
}

// ---------------------------------------------------------------------------------------------
// Tests

async fn cmp_05_a_complaint_goes_from_filing_to_the_courts_act_with_every_step_audited(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let start = audit_count(&db).await;

    let c = complaints::file(&db, &clerk(), &e, draft(), at(10, 11, 10))
        .await
        .unwrap();
    assert_eq!(
        (c.channel, c.status()),
        (Channel::Paper, ComplaintStatus::Filed)
    );
    let clock = c.current().clock.unwrap();
    assert_eq!(clock.filing_deadline, Some(at(10, 14, 0)));
    assert_eq!(clock.decision_due, DecisionDue::By(at(10, 15, 0)));
    assert_eq!(db.complaint(&e, c.id).await.unwrap().as_ref(), Some(&c));

    let c = complaints::assign(
        &db,
        &chair(),
        &e,
        c.id,
        Username::parse("pec.member").unwrap(),
        at(10, 11, 11),
    )
    .await
    .unwrap();
    assert_eq!(c.status(), ComplaintStatus::Assigned);
    let c = complaints::decide(
        &db,
        &member(),
        &e,
        c.id,
        decision(Outcome::Rejected, "PEC-1", 1),
        at(10, 12, 10),
    )
    .await
    .unwrap();
    assert_eq!(c.status(), ComplaintStatus::Decided);

    // Appealed on paper at the TEC, decided there by another member.
    let c = complaints::appeal(&db, &tec_clerk(), &e, c.id, appeal(None), at(10, 14, 9))
        .await
        .unwrap();
    assert_eq!(c.current().level, Level::Tec);
    assert_eq!(c.current().forum, Forum::Commission(mid("tec-bishkek")));
    assert_eq!(
        c.current().clock.unwrap().decision_due,
        DecisionDue::By(at(10, 18, 0))
    );
    let c = complaints::decide(
        &db,
        &tec(),
        &e,
        c.id,
        decision(Outcome::Rejected, "TEC-7", 2),
        at(10, 15, 10),
    )
    .await
    .unwrap();
    // Then the CEC, then the court.
    let c = complaints::appeal(&db, &cec_clerk(), &e, c.id, appeal(None), at(10, 16, 9))
        .await
        .unwrap();
    assert_eq!(c.current().level, Level::Cec);
    let c = complaints::decide(
        &db,
        &cec(),
        &e,
        c.id,
        decision(Outcome::Rejected, "CEC-112", 3),
        at(10, 17, 10),
    )
    .await
    .unwrap();
    let c = complaints::appeal(
        &db,
        &cec_clerk(),
        &e,
        c.id,
        appeal(Some("Бишкек шаарынын административдик соту")),
        at(10, 18, 9),
    )
    .await
    .unwrap();
    assert_eq!(c.status(), ComplaintStatus::InCourt);
    let c = complaints::record_court_act(
        &db,
        &cec(),
        &e,
        c.id,
        decision(Outcome::PartlyUpheld, "3-123/24", 4),
        at(10, 25, 12),
    )
    .await
    .unwrap();
    assert_eq!(c.status(), ComplaintStatus::Closed);
    assert_eq!(c.steps.len(), 4);

    // Read back whole, on a new connection of the store.
    let again = db.complaint(&e, c.id).await.unwrap().unwrap();
    assert_eq!(again, c);
    // Every step one audit entry, chained.
    assert_eq!(audit_count(&db).await - start, 9);
    assert!(verify_audit(&db).await.unwrap().is_ok());
    // The court's act is public, with its document.
    let act = c.current().decision.as_ref().unwrap();
    let doc = complaints::document(&db, &e, c.id, &act.document.digest)
        .await
        .unwrap();
    assert_eq!(doc.bytes(), pdf(4).bytes());
    assert!(matches!(
        complaints::document(&db, &e, c.id, "0000").await,
        Err(ComplaintError::DocumentMissing)
    ));
    // Nothing follows the court's act here.
    let err = complaints::appeal(&db, &cec_clerk(), &e, c.id, appeal(None), at(10, 26, 9))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ComplaintNoFurtherAppeal);
}

async fn cmp_06_a_late_complaint_is_refused_and_nothing_is_stored(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let before = audit_count(&db).await;
    let err = complaints::file(&db, &clerk(), &e, draft(), at(10, 14, 0))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.rule()),
        (ErrorCode::ComplaintFiledTooLate, Some("CMP-06"))
    );
    assert_eq!(audit_count(&db).await, before);
    assert!(
        complaints::complaints(&db, &cec(), &e, &ComplaintFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    // An appeal out of time as well.
    let c = complaints::file(&db, &clerk(), &e, draft(), at(10, 11, 10))
        .await
        .unwrap();
    complaints::decide(
        &db,
        &member(),
        &e,
        c.id,
        decision(Outcome::Rejected, "1", 1),
        at(10, 11, 12),
    )
    .await
    .unwrap();
    let err = complaints::appeal(&db, &tec_clerk(), &e, c.id, appeal(None), at(10, 15, 0))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ComplaintFiledTooLate);
    assert_eq!(
        complaints::complaint(&db, &cec(), &e, c.id)
            .await
            .unwrap()
            .steps
            .len(),
        1
    );
}

async fn cmp_06_the_clock_follows_the_rule_parameters_in_force(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    params::set(
        &db,
        &Actor::System,
        &e,
        json!({"appeal_filing_days": 5, "appeal_decision_days": 1})
            .as_object()
            .unwrap(),
        at(10, 1, 9),
    )
    .await
    .unwrap();
    // Four days after the act: late by the default of 3 days, in time with 5.
    let c = complaints::file(&db, &clerk(), &e, draft(), at(10, 14, 12))
        .await
        .unwrap();
    let clock = c.current().clock.unwrap();
    assert_eq!(clock.filing_deadline, Some(at(10, 16, 0)));
    assert_eq!(clock.decision_due, DecisionDue::By(at(10, 16, 0)));
    // On voting day, at once (CMP-06's immediate period, on by default).
    let on_the_day = ComplaintDraft {
        subject: Subject::Action,
        act_on: Some(date(2024, 11, 17)),
        ..draft()
    };
    let c = complaints::file(&db, &clerk(), &e, on_the_day.clone(), at(11, 17, 15))
        .await
        .unwrap();
    assert_eq!(
        c.current().clock.unwrap().decision_due,
        DecisionDue::Immediately(at(11, 18, 0))
    );
    params::set(
        &db,
        &Actor::System,
        &e,
        json!({"appeal_immediate_around_voting": false})
            .as_object()
            .unwrap(),
        at(10, 2, 9),
    )
    .await
    .unwrap();
    let c = complaints::file(&db, &clerk(), &e, on_the_day, at(11, 17, 15))
        .await
        .unwrap();
    assert_eq!(
        c.current().clock.unwrap().decision_due,
        DecisionDue::By(at(11, 19, 0))
    );
}

async fn cmp_05_only_the_commission_complained_of_hears_it_and_never_the_filer(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    // Another PEC takes in no complaint about this one.
    let err = complaints::file(&db, &other_pec(), &e, draft(), at(10, 11, 10))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let c = complaints::file(&db, &clerk(), &e, draft(), at(10, 11, 10))
        .await
        .unwrap();
    let d = || decision(Outcome::Upheld, "1", 1);
    // The TEC and the CEC above do not decide in the PEC's place.
    for actor in [tec(), cec(), other_pec()] {
        let err = complaints::decide(&db, &actor, &e, c.id, d(), at(10, 12, 10))
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Forbidden, "{actor:?}");
    }
    // The member who filed it does not decide it, nor is assigned it.
    let err = complaints::decide(&db, &clerk(), &e, c.id, d(), at(10, 12, 10))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.rule()),
        (ErrorCode::ComplaintOwn, Some("CMP-05"))
    );
    let err = complaints::assign(
        &db,
        &chair(),
        &e,
        c.id,
        Username::parse("pec.clerk").unwrap(),
        at(10, 12, 10),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ComplaintOwn);
    // Nor is a member of another commission assigned.
    let err = complaints::assign(
        &db,
        &chair(),
        &e,
        c.id,
        Username::parse("tec.member").unwrap(),
        at(10, 12, 10),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ComplaintAssigneeNotMember);
    // The court's act is the CEC's to record, and only on a step in court.
    let err = complaints::record_court_act(&db, &tec(), &e, c.id, d(), at(10, 12, 10))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let err = complaints::record_court_act(&db, &cec(), &e, c.id, d(), at(10, 12, 10))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ComplaintNotInCourt);
    // An appeal before the decision: nothing to appeal; a PEC member does not take it in.
    let err = complaints::appeal(&db, &tec_clerk(), &e, c.id, appeal(None), at(10, 12, 10))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ComplaintNotDecided);
    complaints::decide(&db, &member(), &e, c.id, d(), at(10, 12, 11))
        .await
        .unwrap();
    let err = complaints::appeal(&db, &chair(), &e, c.id, appeal(None), at(10, 12, 12))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let err = complaints::decide(&db, &chair(), &e, c.id, d(), at(10, 12, 12))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ComplaintAlreadyDecided);
    // The database itself refuses a decision by the filer, whatever writes it.
    assert!(
        ctx.raw_fails("UPDATE complaint_steps SET decided_by = filed_by")
            .await
    );
}

async fn cmp_05_a_complainant_files_online_and_alone_appeals_online(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let voter = Actor::Voter {
        pin: Pin::parse("20101199000123").unwrap(),
    };
    let online = ComplaintDraft {
        complainant: Complainant {
            kind: ComplainantKind::Candidate,
            name: text("Асанов Бакыт"),
            contact: None,
        },
        ..draft()
    };
    let c = complaints::file(&db, &voter, &e, online.clone(), at(10, 11, 10))
        .await
        .unwrap();
    assert_eq!(c.channel, Channel::Online);
    // A voter files as a voter or candidate only; their own complaint they see.
    let as_party = ComplaintDraft {
        complainant: Complainant {
            kind: ComplainantKind::Party,
            ..online.complainant.clone()
        },
        ..online.clone()
    };
    let err = complaints::file(&db, &voter, &e, as_party, at(10, 11, 10))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
    assert_eq!(
        complaints::complaint(&db, &voter, &e, c.id)
            .await
            .unwrap()
            .id,
        c.id
    );
    let stranger = Actor::Voter {
        pin: Pin::parse("10101199000124").unwrap(),
    };
    assert_eq!(
        complaints::complaint(&db, &stranger, &e, c.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    complaints::decide(
        &db,
        &member(),
        &e,
        c.id,
        decision(Outcome::Rejected, "5", 1),
        at(10, 12, 9),
    )
    .await
    .unwrap();
    let err = complaints::appeal(&db, &stranger, &e, c.id, appeal(None), at(10, 12, 10))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ComplaintNotTheComplainant);
    let c = complaints::appeal(&db, &voter, &e, c.id, appeal(None), at(10, 12, 10))
        .await
        .unwrap();
    assert_eq!(c.current().level, Level::Tec);
    // The complainant filed the appeal: the TEC member who decides is someone else.
    complaints::decide(
        &db,
        &tec(),
        &e,
        c.id,
        decision(Outcome::Upheld, "6", 2),
        at(10, 13, 9),
    )
    .await
    .unwrap();
}

async fn cmp_05_what_a_complaint_names_must_exist_in_the_commissions_area(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let with = |about: About| ComplaintDraft { about, ..draft() };
    let cases = [
        (
            with(About {
                station: Some(StationNumber::new(9999).unwrap()),
                ..About::default()
            }),
            "complaint_unknown_station",
        ),
        (
            with(About {
                station: Some(StationNumber::new(2002).unwrap()),
                ..About::default()
            }),
            "complaint_station_outside_commission",
        ),
        (
            with(About {
                claim: Some(shailoo_app::claims::ClaimId::new(7).unwrap()),
                ..About::default()
            }),
            "complaint_unknown_claim",
        ),
        (
            with(About {
                nomination: Some(shailoo_app::candidates::NominationId::new(7).unwrap()),
                ..About::default()
            }),
            "complaint_unknown_nomination",
        ),
    ];
    for (d, code) in cases {
        let err = complaints::file(&db, &clerk(), &e, d, at(10, 11, 10))
            .await
            .unwrap_err();
        assert_eq!(err.code().as_str(), code);
    }
    let inaction = ComplaintDraft {
        subject: Subject::Inaction,
        act_on: None,
        ..draft()
    };
    let c = complaints::file(&db, &clerk(), &e, inaction, at(11, 1, 10))
        .await
        .unwrap();
    assert_eq!(c.current().clock.unwrap().filing_deadline, None);
    let undated = ComplaintDraft {
        act_on: None,
        ..draft()
    };
    let err = complaints::file(&db, &clerk(), &e, undated, at(10, 11, 10))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ComplaintActDateRequired);
    // A TEC's complaint names a station of its area.
    let tec_complaint = ComplaintDraft {
        commission: mid("tec-bishkek"),
        ..draft()
    };
    let c = complaints::file(&db, &tec(), &e, tec_complaint, at(10, 11, 10))
        .await
        .unwrap();
    assert_eq!(c.current().level, Level::Tec);
}

async fn cmp_05_listings_keep_to_the_reach_and_the_public_sees_no_personal_data(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let first = complaints::file(&db, &clerk(), &e, draft(), at(10, 11, 10))
        .await
        .unwrap();
    let second = complaints::file(
        &db,
        &other_pec(),
        &e,
        ComplaintDraft {
            commission: mid("pec-2002"),
            about: About::default(),
            subject: Subject::Inaction,
            act_on: None,
            ..draft()
        },
        at(10, 11, 11),
    )
    .await
    .unwrap();
    complaints::decide(
        &db,
        &member(),
        &e,
        first.id,
        decision(Outcome::Upheld, "1", 1),
        at(10, 12, 9),
    )
    .await
    .unwrap();
    let ids = |v: Vec<complaints::Complaint>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    let all = ComplaintFilter::default();
    assert_eq!(
        ids(complaints::complaints(&db, &cec(), &e, &all).await.unwrap()),
        [second.id, first.id]
    );
    assert_eq!(
        ids(complaints::complaints(&db, &member(), &e, &all)
            .await
            .unwrap()),
        [first.id]
    );
    assert_eq!(
        ids(complaints::complaints(&db, &tec(), &e, &all).await.unwrap()),
        [second.id, first.id]
    );
    let filtered = |f: ComplaintFilter| {
        let db = db.clone();
        let e = e.clone();
        async move { ids(complaints::complaints(&db, &cec(), &e, &f).await.unwrap()) }
    };
    assert_eq!(
        filtered(ComplaintFilter {
            status: Some(ComplaintStatus::Decided),
            ..ComplaintFilter::default()
        })
        .await,
        [first.id]
    );
    assert_eq!(
        filtered(ComplaintFilter {
            subject: Some(Subject::Inaction),
            ..ComplaintFilter::default()
        })
        .await,
        [second.id]
    );
    assert_eq!(
        filtered(ComplaintFilter {
            station: Some(StationNumber::new(2001).unwrap()),
            level: Some(Level::Pec),
            commission: Some(mid("pec-2001")),
            ..ComplaintFilter::default()
        })
        .await,
        [first.id]
    );
    assert!(
        filtered(ComplaintFilter {
            level: Some(Level::Court),
            ..ComplaintFilter::default()
        })
        .await
        .is_empty()
    );
    // A member of no commission of the case sees none of it.
    assert_eq!(
        complaints::complaint(&db, &other_pec(), &e, first.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    // The public registry: the complaints and decisions, nobody's name or contact.
    let public = complaints::public_complaints(&db, &e, &all).await.unwrap();
    assert_eq!(public.len(), 2);
    let json = serde_json::to_string(&public).unwrap();
    assert!(!json.contains("Токтогулов"));
    assert!(!json.contains("+996"));
    assert!(!json.contains("pec.member"));
    assert!(!json.contains("pec.clerk"));
    // Statistics and overdue: the inaction at PEC 2002 waits past its due.
    let listed = complaints::complaints(&db, &cec(), &e, &all).await.unwrap();
    let late = at(10, 15, 0);
    assert_eq!(
        complaints::overdue(&listed, late)
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        [second.id]
    );
    let stats = complaints::statistics(&listed, late);
    assert_eq!(stats.total, 2);
    assert_eq!(stats.overdue, 1);
    assert_eq!(stats.by_outcome.get("upheld"), Some(&1));
    assert_eq!(stats.by_status.get("filed"), Some(&1));
    assert_eq!(stats.by_subject.get("inaction"), Some(&1));
}

async fn a_stored_complaint_that_does_not_parse_is_corrupt(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let e = election();
    let c = complaints::file(&db, &clerk(), &e, draft(), at(10, 11, 10))
        .await
        .unwrap();
    ctx.raw("UPDATE complaint_steps SET filed_by = 'nobody'")
        .await;
    let err = complaints::complaint(&db, &cec(), &e, c.id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::DbCorrupt);
    // The engine refuses what the domain could not hold at all.
    assert!(
        ctx.raw_fails("UPDATE complaints SET subject = 'rumour'")
            .await
    );
    assert!(
        ctx.raw_fails("UPDATE complaint_steps SET level = 'court'")
            .await
    );
}

async fn cmp_05_a_document_handed_in_is_stored_with_its_filing_and_read_by_the_complainant_and_staff(
    ctx: Ctx,
) {
    let db = fixture(&ctx).await;
    let e = election();
    let voter = Actor::Voter {
        pin: Pin::parse("20101199000123").unwrap(),
    };
    let stranger = Actor::Voter {
        pin: Pin::parse("10101199000124").unwrap(),
    };
    let online = |document: Option<Document>| ComplaintDraft {
        complainant: Complainant {
            kind: ComplainantKind::Voter,
            name: text("Асанов Бакыт"),
            contact: None,
        },
        document,
        ..draft()
    };

    // Late: refused, and neither the complaint nor its document is stored.
    let late = pdf(7);
    let late_digest = late.info().digest;
    let before = audit_count(&db).await;
    let err = complaints::file(&db, &voter, &e, online(Some(late)), at(10, 14, 1))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ComplaintFiledTooLate);
    assert_eq!(audit_count(&db).await, before);
    assert!(db.complaint_document(&late_digest).await.unwrap().is_none());

    // In time: the document is stored with the filing, under one audit entry.
    let doc = pdf(1);
    let info = doc.info();
    let c = complaints::file(&db, &voter, &e, online(Some(doc.clone())), at(10, 11, 10))
        .await
        .unwrap();
    assert_eq!(c.steps[0].attachment.as_ref(), Some(&info));
    assert_eq!(db.complaint(&e, c.id).await.unwrap().as_ref(), Some(&c));
    let audit = db.audit_entries(before, 2).await.unwrap();
    assert_eq!(audit.len(), 1, "one entry for the filing with its document");
    assert_eq!(audit[0].event.subject, format!("{e}/complaints/{}", c.id));

    // The complainant and staff covering the commission read it; nobody else does.
    for reader in [&voter, &clerk(), &tec(), &cec()] {
        let got = complaints::attachment(&db, reader, &e, c.id, &info.digest)
            .await
            .unwrap();
        assert_eq!(got.bytes(), doc.bytes());
    }
    for outsider in [&stranger, &other_pec()] {
        let err = complaints::attachment(&db, outsider, &e, c.id, &info.digest)
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Forbidden);
    }
    // Only a document of this complaint: a decision's digest is not the filer's.
    let err = complaints::attachment(&db, &voter, &e, c.id, &pdf(2).info().digest)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ComplaintDocumentMissing);
    // The public registry says that a document exists, never its digest.
    let public = complaints::public_complaint(&db, &e, c.id).await.unwrap();
    assert!(public.steps[0].attachment);
    assert!(
        !serde_json::to_string(&public)
            .unwrap()
            .contains(&info.digest)
    );

    // Decided, then appealed online by the complainant with another document, the same
    // bytes as the decision's kept once.
    let c = complaints::decide(
        &db,
        &member(),
        &e,
        c.id,
        decision(Outcome::Rejected, "5", 2),
        at(10, 12, 9),
    )
    .await
    .unwrap();
    let with_doc = AppealDraft {
        document: Some(pdf(2)),
        ..appeal(None)
    };
    let c = complaints::appeal(&db, &voter, &e, c.id, with_doc, at(10, 13, 9))
        .await
        .unwrap();
    assert_eq!(c.steps.len(), 2);
    let second = c.steps[1].attachment.clone().unwrap();
    assert_eq!(second, pdf(2).info());
    assert_eq!(db.complaint(&e, c.id).await.unwrap().as_ref(), Some(&c));
    let got = complaints::attachment(&db, &voter, &e, c.id, &second.digest)
        .await
        .unwrap();
    assert_eq!(got.bytes(), pdf(2).bytes());
    // The TEC now hearing the appeal reads both; the PEC that decided still reads them.
    assert!(
        complaints::attachment(&db, &tec_clerk(), &e, c.id, &info.digest)
            .await
            .is_ok()
    );
}
