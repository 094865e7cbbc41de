//! The contract of the district-scheme sub-port (DIS-02), run on both engines with the harness
//! of `contract.rs`: units with borders (all or nothing), schemes written whole on each
//! transition with an audit entry, optimistic versions, and voters from compiled lists.
//!
//! (Harness notes from contract.rs follow.)
//!
//! Each `async fn` below takes a [`Ctx`] (a fresh, empty database) and is run twice by the
//! `contract!` macro: on SQLite (a new file in a temp directory) and on PostgreSQL (a new
//! database created through the admin URL in `SHAILOO_TEST_POSTGRES_URL`, dropped afterwards).
//!
//! Without `SHAILOO_TEST_POSTGRES_URL` the PostgreSQL half prints a notice and passes, unless
//! `CI` is set: then it fails, because CI must prove both engines. Start a server with
//! `scripts/postgres-test-server.sh`, which prints the URL to use.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use shailoo_app::audit::{AuditAction, AuditEvent};
use shailoo_app::districts::{
    CouncilDistrictingUnits, DistrictSchemeStore, DistrictingUnit, SchemeRecord, SchemeStatus,
};
use shailoo_app::voters::{ImportBatch, ImportOptions, VoterListStore};
use shailoo_app::{AuditStore, SetupStore, Store, StoreError, verify_audit};
use shailoo_domain::CouncilId;
use shailoo_domain::district::{District, DistrictId, UnitId};
use shailoo_generator::{Dataset, Generator, Scale, district_units};
use shailoo_store::Db;

#[macro_use]
mod harness;
use harness::*;

contract!(
    units_import_and_read_back_with_symmetric_borders,
    units_import_is_all_or_nothing,
    a_scheme_moves_through_the_workflow_with_audit_entries,
    a_stale_version_changes_nothing,
    compiled_voter_lists_give_the_unit_voters,
    dis_02_a_refused_submission_keeps_the_draft_and_its_version,
);

// ---------------------------------------------------------------------------------------------
// Fixtures

fn now() -> Timestamp {
    "2024-09-20T06:00:00Z".parse().unwrap()
}

fn event(action: AuditAction) -> AuditEvent {
    AuditEvent::new("system", action, "test", now())
}

/// A store with the small generated dataset's setup.
async fn loaded(ctx: &Ctx) -> (Db, Dataset, Vec<CouncilDistrictingUnits>) {
    let db = ctx.db().await;
    let generator = Generator::new(Scale::Small, 2024);
    let data = generator.dataset();
    db.import_setup(
        &data.setup,
        &data.station_areas,
        event(AuditAction::SetupImported),
    )
    .await
    .unwrap();
    let units = district_units(&generator)
        .iter()
        .map(|c| CouncilDistrictingUnits {
            council: c.council.clone(),
            units: c
                .units
                .iter()
                .map(|u| DistrictingUnit {
                    id: u.id.clone(),
                    settlement: Some(u.settlement.clone()),
                    station: Some(u.station),
                    voters: u.voters,
                    remote: u.remote,
                    neighbors: u.neighbors.clone(),
                    x_km: u.x_km,
                    y_km: u.y_km,
                    name: None,
                })
                .collect(),
        })
        .collect();
    (db, data, units)
}

fn draft(c: &CouncilDistrictingUnits, election: &shailoo_domain::ElectionId) -> SchemeRecord {
    SchemeRecord {
        id: 0,
        council: c.council.clone(),
        election: election.clone(),
        version: 1,
        status: SchemeStatus::Draft,
        comment: None,
        author: "tec.one".into(),
        created_at: now(),
        updated_at: now(),
        submitted_at: None,
        decided_at: None,
        decided_by: None,
        districts: vec![District {
            id: DistrictId::parse("1").unwrap(),
            units: c.units.iter().map(|u| u.id.clone()).collect(),
            seats: 5,
            remote: false,
        }],
    }
}

// ---------------------------------------------------------------------------------------------
// Tests

async fn units_import_and_read_back_with_symmetric_borders(ctx: Ctx) {
    let (db, _, units) = loaded(&ctx).await;
    assert_eq!(units.len(), 4, "the small dataset has 4 aiyl councils");
    let n = db
        .import_district_units(&units, event(AuditAction::DistrictUnitsImported))
        .await
        .unwrap();
    assert_eq!(n, units.iter().map(|c| c.units.len() as u64).sum::<u64>());
    for c in &units {
        let stored = db.district_units(&c.council, None).await.unwrap();
        assert_eq!(stored.len(), c.units.len());
        for (s, u) in stored.iter().zip(&c.units) {
            assert_eq!(
                (&s.id, s.voters, s.remote, &s.neighbors, s.station),
                (&u.id, u.voters, u.remote, &u.neighbors, u.station)
            );
            assert!((s.x_km - u.x_km).abs() < 1e-9 && (s.y_km - u.y_km).abs() < 1e-9);
            // The settlement's names come along, for labels.
            assert!(s.name.is_some());
        }
    }
    // A council that already has units is refused.
    let again = db
        .import_district_units(&units[..1], event(AuditAction::DistrictUnitsImported))
        .await;
    assert!(
        matches!(again, Err(StoreError::Duplicate { .. })),
        "{again:?}"
    );
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn units_import_is_all_or_nothing(ctx: Ctx) {
    let (db, _, mut units) = loaded(&ctx).await;
    let head = db.audit_head().await.unwrap();
    // The last council names a neighbour it does not have: nothing at all is stored.
    let last = units.last_mut().unwrap();
    last.units[0]
        .neighbors
        .push(UnitId::parse("99999-nowhere").unwrap());
    let r = db
        .import_district_units(&units, event(AuditAction::DistrictUnitsImported))
        .await;
    assert!(
        matches!(r, Err(StoreError::UnknownReference { .. })),
        "{r:?}"
    );
    // An unknown council fails inside the transaction, after the first councils were written.
    units.last_mut().unwrap().units[0].neighbors.pop();
    units.last_mut().unwrap().council = CouncilId::parse("no-such-council").unwrap();
    let r = db
        .import_district_units(&units, event(AuditAction::DistrictUnitsImported))
        .await;
    assert!(
        matches!(r, Err(StoreError::UnknownReference { .. })),
        "{r:?}"
    );
    for c in &units[..units.len() - 1] {
        assert!(
            db.district_units(&c.council, None)
                .await
                .unwrap()
                .is_empty()
        );
    }
    assert_eq!(db.audit_head().await.unwrap(), head);
}

async fn a_scheme_moves_through_the_workflow_with_audit_entries(ctx: Ctx) {
    let (db, data, units) = loaded(&ctx).await;
    db.import_district_units(&units, event(AuditAction::DistrictUnitsImported))
        .await
        .unwrap();
    let election = data.setup.elections[0].id.clone();
    let c = &units[0];
    assert!(
        db.district_scheme(&c.council, &election)
            .await
            .unwrap()
            .is_none()
    );
    let saved = db
        .put_district_scheme(
            &draft(c, &election),
            event(AuditAction::DistrictSchemeSaved),
        )
        .await
        .unwrap();
    assert!(saved.id > 0);
    let read = db
        .district_scheme(&c.council, &election)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, saved);

    // Submitted with two districts; then approved.
    let mut next = read.clone();
    next.version += 1;
    next.status = SchemeStatus::Submitted;
    next.submitted_at = Some(now());
    let half = c.units.len() / 2;
    next.districts = vec![
        District {
            id: DistrictId::parse("1").unwrap(),
            units: c.units[..half].iter().map(|u| u.id.clone()).collect(),
            seats: 3,
            remote: false,
        },
        District {
            id: DistrictId::parse("2").unwrap(),
            units: c.units[half..].iter().map(|u| u.id.clone()).collect(),
            seats: 2,
            remote: true,
        },
    ];
    db.put_district_scheme(&next, event(AuditAction::DistrictSchemeSubmitted))
        .await
        .unwrap();
    let read = db
        .district_scheme(&c.council, &election)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, next);
    assert_eq!(
        db.district_schemes(Some(SchemeStatus::Submitted))
            .await
            .unwrap()
            .len(),
        1
    );
    let mut approved = read.clone();
    approved.version += 1;
    approved.status = SchemeStatus::Approved;
    approved.decided_at = Some(now());
    approved.decided_by = Some("admin".into());
    db.put_district_scheme(&approved, event(AuditAction::DistrictSchemeApproved))
        .await
        .unwrap();
    assert!(
        db.district_schemes(Some(SchemeStatus::Submitted))
            .await
            .unwrap()
            .is_empty()
    );
    let all = db.district_schemes(None).await.unwrap();
    assert_eq!(all, vec![approved]);
    let actions: Vec<String> = db
        .audit_entries(0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event.action)
        .collect();
    assert!(actions.ends_with(&[
        "district_scheme_saved".to_owned(),
        "district_scheme_submitted".to_owned(),
        "district_scheme_approved".to_owned()
    ]));
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn a_stale_version_changes_nothing(ctx: Ctx) {
    let (db, data, units) = loaded(&ctx).await;
    db.import_district_units(&units, event(AuditAction::DistrictUnitsImported))
        .await
        .unwrap();
    let election = data.setup.elections[0].id.clone();
    let saved = db
        .put_district_scheme(
            &draft(&units[1], &election),
            event(AuditAction::DistrictSchemeSaved),
        )
        .await
        .unwrap();
    // A second first save of the same council and election is a duplicate.
    let twice = db
        .put_district_scheme(
            &draft(&units[1], &election),
            event(AuditAction::DistrictSchemeSaved),
        )
        .await;
    assert!(
        matches!(twice, Err(StoreError::Duplicate { .. })),
        "{twice:?}"
    );
    let head = db.audit_head().await.unwrap();
    // Two editors both start from version 1; the second one's save is refused.
    let mut first = saved.clone();
    first.version = 2;
    first.districts[0].seats = 7;
    db.put_district_scheme(&first, event(AuditAction::DistrictSchemeSaved))
        .await
        .unwrap();
    let mut second = saved.clone();
    second.version = 2;
    second.districts[0].seats = 9;
    let r = db
        .put_district_scheme(&second, event(AuditAction::DistrictSchemeSaved))
        .await;
    assert!(matches!(r, Err(StoreError::Duplicate { .. })), "{r:?}");
    let read = db
        .district_scheme(&units[1].council, &election)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, first);
    assert_eq!(
        db.audit_head().await.unwrap().unwrap().0,
        head.unwrap().0 + 1
    );
}

/// DIS-02, CAL-05: "Submit" on the editor submits the form's districts in one write; refused
/// (a scheme with errors, the window closed), nothing is written: the draft keeps its version
/// (it used to be saved first, so each failed submission bumped it).
async fn dis_02_a_refused_submission_keeps_the_draft_and_its_version(ctx: Ctx) {
    use shailoo_app::districts::{self as app, DistrictError, TransitionError};
    use shailoo_app::users::{Actor, Role, Username};
    let (db, _, units) = loaded(&ctx).await;
    db.import_district_units(&units, event(AuditAction::DistrictUnitsImported))
        .await
        .unwrap();
    let c = app::council_districting(&db, &units[0].council)
        .await
        .unwrap();
    let tec = Actor::User {
        username: Username::parse("tec.one").unwrap(),
        role: Role::TecMember,
        commission: c.tec_chain[0].clone(),
    };
    let everything_in_one = vec![District {
        id: DistrictId::parse("1").unwrap(),
        units: c.units.iter().map(|u| u.id.clone()).collect(),
        seats: c.council.seats.get() + 1,
        remote: false,
    }];
    let saved = app::save_draft(&db, &c, &tec, everything_in_one.clone(), now())
        .await
        .unwrap();
    assert_eq!(saved.version, 1);
    let c = app::council_districting(&db, &units[0].council)
        .await
        .unwrap();
    let head = db.audit_head().await.unwrap();

    // Within CAL-05, with errors (the seats do not add up): refused.
    let r = app::submit_districts(&db, &c, &tec, everything_in_one.clone(), now()).await;
    assert!(
        matches!(
            r,
            Err(DistrictError::Transition(TransitionError::Invalid { .. }))
        ),
        "{r:?}"
    );
    // After CAL-05 (28 September 2024, 24:00 in Bishkek): refused by the calendar.
    let late: Timestamp = "2024-09-28T18:00:00Z".parse().unwrap();
    for _ in 0..2 {
        let r = app::submit_districts(&db, &c, &tec, everything_in_one.clone(), late).await;
        assert!(
            matches!(
                r,
                Err(DistrictError::Transition(TransitionError::Calendar(_)))
            ),
            "{r:?}"
        );
    }
    let stored = db
        .district_scheme(&units[0].council, &c.election.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, saved, "the draft and its version as saved");
    assert_eq!(db.audit_head().await.unwrap(), head, "nothing written");
}

async fn compiled_voter_lists_give_the_unit_voters(ctx: Ctx) {
    let (db, data, units) = loaded(&ctx).await;
    db.import_district_units(&units, event(AuditAction::DistrictUnitsImported))
        .await
        .unwrap();
    let election = data.setup.elections[0].id.clone();
    let generator = Generator::new(Scale::Small, 2024);
    let mut import = db
        .begin_register_import(ImportOptions::apply(
            "register.csv",
            "system",
            Timestamp::now(),
            None,
            None,
        ))
        .await
        .unwrap();
    let records: Vec<_> = generator.persons_sample(1).collect();
    for batch in records.chunks(5_000) {
        import
            .push(&ImportBatch {
                records: batch.to_vec(),
                assessed: Vec::new(),
            })
            .await
            .unwrap();
    }
    import.finish(&[]).await.unwrap();
    // Before compiling, the imported (estimated) counts are shown.
    let c = &units[0];
    let estimated = db
        .district_units(&c.council, Some(&election))
        .await
        .unwrap();
    assert_eq!(
        estimated.iter().map(|u| u.voters).collect::<Vec<_>>(),
        c.units.iter().map(|u| u.voters).collect::<Vec<_>>()
    );
    let dyn_store: &dyn Store = &db;
    shailoo_app::voters::compile(dyn_store, &election, "system", now())
        .await
        .unwrap();
    // Every council of the small dataset: the units' voters add up to the council's entries.
    for c in &units {
        let counted = db
            .district_units(&c.council, Some(&election))
            .await
            .unwrap();
        let total: u64 = counted.iter().map(|u| u.voters).sum();
        let entries: i64 = match &db {
            Db::Sqlite(p) => sqlx::query_scalar(
                "SELECT COUNT(*) FROM voter_list_entries WHERE election = $1 AND council = $2",
            )
            .bind(election.as_str())
            .bind(c.council.as_str())
            .fetch_one(p)
            .await
            .unwrap(),
            Db::Postgres(p) => sqlx::query_scalar(
                "SELECT COUNT(*) FROM voter_list_entries WHERE election = $1 AND council = $2",
            )
            .bind(election.as_str())
            .bind(c.council.as_str())
            .fetch_one(p)
            .await
            .unwrap(),
        };
        assert!(entries > 0);
        assert_eq!(total, u64::try_from(entries).unwrap(), "{}", c.council);
    }
}
