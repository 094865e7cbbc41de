//! The guard of a register re-import (issue 12), run on both engines through the use cases the
//! register page and `shailoo register import` call (`voters::plan_import`, then
//! `voters::import_register`): a re-import is previewed and stored only on the confirmation of
//! the difference it showed; a removal beyond the election's `register_removal_limit_percent`
//! needs that limit overridden by name, which the audit entry records; a settlement the setup
//! does not know stops the extract; compiled lists are compiled again with every import, so
//! that the printed lists and the look-up read the same lists; and after the end of CAL-12
//! neither a compile nor a re-import under compiled lists is allowed.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::date;
use shailoo_app::audit::{AuditAction, AuditEvent, RecordedEvent};
use shailoo_app::lookup::VoterLookupStore;
use shailoo_app::users::Actor;
use shailoo_app::voters::{
    self, Confirmation, DifferenceId, EmptyExtract, ImportMode, ImportOptions, ImportReport,
    StreamedImportError, VoterListError, VoterListStore,
};
use shailoo_app::{AuditStore, SetupStore, params};
use shailoo_domain::params::REMOVAL_LIMIT_KEY;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::{ElectionId, Pin, Sex, StationNumber, TerritoryId};
use shailoo_generator::{Generator, Scale};
use shailoo_store::Db;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

#[macro_use]
mod harness;
use harness::*;

contract!(
    vot_11_a_reimport_is_stored_only_on_the_confirmation_of_the_difference_it_showed,
    vot_11_a_removal_beyond_the_limit_needs_the_limit_overridden_by_name,
    vot_11_the_removal_limit_is_the_elections_rule_parameter,
    vot_04_a_settlement_the_setup_does_not_know_stops_the_extract,
    a_reimport_compiles_the_lists_again_so_print_and_look_up_read_the_same_lists,
    cal_12_the_final_lists_are_neither_compiled_nor_reimported_after_cal_12,
);

// ---------------------------------------------------------------------------------------------
// Fixtures

fn election() -> ElectionId {
    ElectionId::parse("local-2024").unwrap()
}

/// 1 October 2024: the lists may be compiled (from CAL-01 until the end of CAL-12).
fn open() -> Timestamp {
    "2024-10-01T06:00:00Z".parse().unwrap()
}

/// The small generated dataset's setup in a fresh store; returns the generator.
async fn small_setup(db: &Db) -> Generator {
    let generator = Generator::new(Scale::Small, 2024);
    let dataset = generator.dataset();
    db.import_setup(
        &dataset.setup,
        &dataset.station_areas,
        AuditEvent::new("system", AuditAction::SetupImported, "small", open()),
    )
    .await
    .unwrap();
    generator
}

/// `n` eligible persons on the small dataset's streets, with distinct PINs from `first`.
fn persons(generator: &Generator, first: u32, n: u32) -> Vec<RegisterRecord> {
    let areas = generator.station_areas();
    (first..first + n)
        .map(|i| {
            let area = &areas[i as usize % areas.len()];
            let birth = date(1960, 1, 1);
            RegisterRecord {
                pin: Pin::compose(Sex::Female, birth, i),
                surname: "Асанова".into(),
                given_name: "Айгүл".into(),
                patronymic: None,
                sex: Sex::Female,
                birth_date: birth,
                citizen: true,
                biometrics: true,
                settlement: area.settlement.clone(),
                street: area.street.clone(),
                house: format!("{}", i % 200 + 1),
                address_registered_on: date(2020, 3, 4),
                residence_stamp: true,
                court_incapable: false,
                imprisoned: false,
            }
        })
        .collect()
}

/// An import as the register page and the CLI make it: planned by the use case (with
/// `chosen` the election to compile, and lists compiled already compiled again), streamed, as
/// `mode` says.
async fn import(
    db: &Db,
    records: Vec<RegisterRecord>,
    mode: ImportMode,
    at: Timestamp,
    chosen: Option<&ElectionId>,
) -> Result<ImportReport, VoterListError> {
    let plan = voters::plan_import(db, chosen).await?;
    let options = ImportOptions::new("extract.csv", "admin", at, plan, mode);
    let source =
        move |sink: &mut dyn FnMut(Result<RegisterRecord, String>, u64) -> ControlFlow<()>| {
            for r in records {
                if sink(Ok(r), 0).is_break() {
                    return;
                }
            }
        };
    match voters::import_register(db, options, 0, EmptyExtract::Import, source, |_| {}).await {
        Ok(report) => Ok(report.unwrap()),
        Err(StreamedImportError::Refused(e)) => Err(e),
        Err(e) => panic!("{e}"),
    }
}

fn confirming(difference: Option<DifferenceId>, override_removal_limit: bool) -> ImportMode {
    ImportMode::Apply(difference.map(|difference| Confirmation {
        difference,
        override_removal_limit,
    }))
}

/// The state a refused import must leave as it was: the imports, the register, the audit log.
async fn snapshot(db: &Db) -> (usize, u64, Option<(i64, String)>) {
    (
        db.register_imports(100).await.unwrap().len(),
        db.register_count().await.unwrap(),
        db.audit_head().await.unwrap(),
    )
}

/// The audit entry of the latest register import.
async fn last_import_entry(db: &Db) -> RecordedEvent {
    db.audit_entries(0, 1_000)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .find(|e| e.event.known_action() == Some(AuditAction::RegisterImported))
        .unwrap()
        .event
}

// ---------------------------------------------------------------------------------------------
// The contract

async fn vot_11_a_reimport_is_stored_only_on_the_confirmation_of_the_difference_it_showed(
    ctx: Ctx,
) {
    let db = ctx.db().await;
    let g = small_setup(&db).await;
    // The first import, into an empty register, removes and changes nothing: no confirmation.
    let first = persons(&g, 0, 100);
    let report = import(&db, first.clone(), confirming(None, false), open(), None)
        .await
        .unwrap();
    assert!(report.applied);
    assert_eq!((report.added, report.difference), (100, None));

    // The newer extract: one person gone, one changed, one new.
    let mut newer = first[1..].to_vec();
    newer[0].house = "99".into();
    newer.extend(persons(&g, 500, 1));
    let before = snapshot(&db).await;

    // Without a confirmation nothing is stored.
    let refused = import(&db, newer.clone(), confirming(None, false), open(), None).await;
    assert!(
        matches!(refused, Err(VoterListError::ConfirmationRequired)),
        "{refused:?}"
    );
    assert_eq!(snapshot(&db).await, before);

    // The preview shows the difference and stores nothing.
    let preview = import(&db, newer.clone(), ImportMode::Preview, open(), None)
        .await
        .unwrap();
    assert!(!preview.applied);
    assert_eq!(preview.import_id, 0);
    assert_eq!(
        (
            preview.persons_before,
            preview.added,
            preview.changed,
            preview.removed,
            preview.unchanged,
            preview.persons
        ),
        (100, 1, 1, 1, 98, 100)
    );
    assert!(!preview.removal_over_limit);
    let id = preview.difference.clone().unwrap();
    assert_eq!(snapshot(&db).await, before);
    // The same extract against the same register: the same difference.
    let again = import(&db, newer.clone(), ImportMode::Preview, open(), None)
        .await
        .unwrap();
    assert_eq!(again.difference.as_ref(), Some(&id));

    // A confirmation of another difference (the extract changed since) is refused.
    let mut other = newer.clone();
    other[1].house = "98".into();
    let refused = import(
        &db,
        other,
        confirming(Some(id.clone()), false),
        open(),
        None,
    )
    .await;
    assert!(
        matches!(refused, Err(VoterListError::DifferenceChanged)),
        "{refused:?}"
    );
    assert_eq!(snapshot(&db).await, before);

    // The confirmed difference is stored, as previewed, with its audit entry.
    let stored = import(
        &db,
        newer.clone(),
        confirming(Some(id.clone()), false),
        open(),
        None,
    )
    .await
    .unwrap();
    assert!(stored.applied);
    assert_eq!(stored.import_id, 2);
    assert_eq!(
        (stored.added, stored.changed, stored.removed),
        (preview.added, preview.changed, preview.removed)
    );
    assert_eq!(stored.difference.as_ref(), Some(&id));
    assert_eq!(db.register_count().await.unwrap(), 100);
    assert_eq!(
        last_import_entry(&db).await.after_digest,
        stored.audit_event("admin", open()).after_digest
    );

    // Replaying the confirmation: the register is no longer what it was compared with.
    let after = snapshot(&db).await;
    let replay = import(&db, newer, confirming(Some(id), false), open(), None).await;
    assert!(
        matches!(replay, Err(VoterListError::DifferenceChanged)),
        "{replay:?}"
    );
    assert_eq!(snapshot(&db).await, after);
}

async fn vot_11_a_removal_beyond_the_limit_needs_the_limit_overridden_by_name(ctx: Ctx) {
    let db = ctx.db().await;
    let g = small_setup(&db).await;
    let first = persons(&g, 0, 200);
    import(&db, first.clone(), confirming(None, false), open(), None)
        .await
        .unwrap();

    // 5 % of 200 is 10: removing 10 passes with a plain confirmation…
    let keep_190 = first[10..].to_vec();
    let preview = import(&db, keep_190.clone(), ImportMode::Preview, open(), None)
        .await
        .unwrap();
    assert_eq!((preview.removed, preview.removal_limit_percent), (10, 5));
    assert!(!preview.removal_over_limit);

    // …and the review's extract, its header alone, removes everyone: refused without the
    // override, whatever was confirmed.
    let preview = import(&db, Vec::new(), ImportMode::Preview, open(), None)
        .await
        .unwrap();
    assert_eq!((preview.removed, preview.persons_before), (200, 200));
    assert!(preview.removal_over_limit);
    let before = snapshot(&db).await;
    let refused = import(
        &db,
        Vec::new(),
        confirming(preview.difference.clone(), false),
        open(),
        None,
    )
    .await;
    assert!(
        matches!(
            refused,
            Err(VoterListError::RemovalOverLimit {
                removed: 200,
                persons: 200,
                limit_percent: 5
            })
        ),
        "{refused:?}"
    );
    assert!(refused.unwrap_err().to_string().contains(REMOVAL_LIMIT_KEY));
    assert_eq!(snapshot(&db).await, before);
    assert_eq!(db.register_count().await.unwrap(), 200);

    // With the limit overridden the CEC may empty it; the audit entry records the override.
    let stored = import(
        &db,
        Vec::new(),
        confirming(preview.difference, true),
        open(),
        None,
    )
    .await
    .unwrap();
    assert!(stored.applied && stored.removal_override);
    assert_eq!(db.register_count().await.unwrap(), 0);
    let entry = last_import_entry(&db).await;
    assert_eq!(
        entry.after_digest,
        stored.audit_event("admin", open()).after_digest
    );
    let unflagged = ImportReport {
        removal_override: false,
        ..stored.clone()
    };
    assert_ne!(
        entry.after_digest,
        unflagged.audit_event("admin", open()).after_digest
    );
}

async fn vot_11_the_removal_limit_is_the_elections_rule_parameter(ctx: Ctx) {
    let db = ctx.db().await;
    let g = small_setup(&db).await;
    let first = persons(&g, 0, 100);
    import(&db, first.clone(), confirming(None, false), open(), None)
        .await
        .unwrap();
    let half = first[..60].to_vec();
    let preview = import(&db, half.clone(), ImportMode::Preview, open(), None)
        .await
        .unwrap();
    assert!(preview.removal_over_limit);

    // The CEC raises the election's limit to 50 %: removing 40 of 100 is within it.
    let changes = params::parse_changes(&format!(r#"{{"{REMOVAL_LIMIT_KEY}": 50}}"#)).unwrap();
    params::set(&db, &Actor::System, &election(), &changes, open())
        .await
        .unwrap();
    let preview = import(&db, half.clone(), ImportMode::Preview, open(), None)
        .await
        .unwrap();
    assert_eq!(preview.removal_limit_percent, 50);
    assert!(!preview.removal_over_limit);
    let stored = import(
        &db,
        half,
        confirming(preview.difference, false),
        open(),
        None,
    )
    .await
    .unwrap();
    assert_eq!((stored.removed, stored.removal_override), (40, false));
}

async fn vot_04_a_settlement_the_setup_does_not_know_stops_the_extract(ctx: Ctx) {
    let db = ctx.db().await;
    let g = small_setup(&db).await;
    let mut records = persons(&g, 0, 50);
    records[36].settlement = TerritoryId::parse("atlantis").unwrap();
    let refused = import(&db, records.clone(), confirming(None, false), open(), None).await;
    let Err(VoterListError::UnknownSettlement { record, settlement }) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!((record, settlement.as_str()), (37, "atlantis"));
    // All or nothing: not the 49 others either, and not as a preview.
    assert_eq!(snapshot(&db).await.0..2, 0..2);
    assert_eq!(db.register_count().await.unwrap(), 0);
    let preview = import(&db, records, ImportMode::Preview, open(), None).await;
    assert!(
        matches!(preview, Err(VoterListError::UnknownSettlement { .. })),
        "{preview:?}"
    );
}

/// Every station's printed list (the register's persons on it) and what the look-up answers
/// for every voter: the same PINs at the same stations.
async fn print_and_look_up(
    db: &Db,
) -> (BTreeMap<u32, BTreeSet<Pin>>, BTreeMap<u32, BTreeSet<Pin>>) {
    let mut printed: BTreeMap<u32, BTreeSet<Pin>> = BTreeMap::new();
    let mut looked_up: BTreeMap<u32, BTreeSet<Pin>> = BTreeMap::new();
    let stations: Vec<StationNumber> = db
        .list_counts(&election(), voters::CountBy::Station)
        .await
        .unwrap()
        .iter()
        .filter_map(|c| {
            c.key
                .parse::<u32>()
                .ok()
                .and_then(|n| StationNumber::new(n).ok())
        })
        .collect();
    for s in stations {
        for v in db.station_voters(&election(), s).await.unwrap() {
            printed.entry(s.get()).or_default().insert(v.person.pin);
        }
    }
    let mut after = None;
    loop {
        let page = db
            .voter_list_page(&election(), after.as_ref(), 1_000)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.pin);
        for row in &page {
            let found = db
                .voter_station(&election(), &row.pin)
                .await
                .unwrap()
                .unwrap();
            looked_up
                .entry(found.votes_at().number.get())
                .or_default()
                .insert(row.pin);
        }
    }
    (printed, looked_up)
}

async fn a_reimport_compiles_the_lists_again_so_print_and_look_up_read_the_same_lists(ctx: Ctx) {
    let db = ctx.db().await;
    let g = small_setup(&db).await;
    let first = persons(&g, 0, 120);
    import(
        &db,
        first.clone(),
        confirming(None, false),
        open(),
        Some(&election()),
    )
    .await
    .unwrap();
    let (printed, looked_up) = print_and_look_up(&db).await;
    assert_eq!(printed.values().map(BTreeSet::len).sum::<usize>(), 120);
    assert_eq!(printed, looked_up);

    // A re-import that names no election to compile: three persons gone, one moved to the
    // street of another station.
    let mut newer = first[3..].to_vec();
    let areas = g.station_areas();
    let moved = newer[0].pin;
    let to = areas
        .iter()
        .find(|a| a.settlement != newer[0].settlement || a.street != newer[0].street)
        .unwrap();
    newer[0].settlement = to.settlement.clone();
    newer[0].street = to.street.clone();
    let preview = import(&db, newer.clone(), ImportMode::Preview, open(), None)
        .await
        .unwrap();
    let stored = import(
        &db,
        newer,
        confirming(preview.difference, false),
        open(),
        None,
    )
    .await
    .unwrap();
    // The lists compiled from the register are compiled again from the new one.
    let compiled = stored
        .compiled
        .expect("the compiled lists are compiled again");
    assert_eq!(compiled.register_import, Some(stored.import_id));
    let (printed, looked_up) = print_and_look_up(&db).await;
    assert_eq!(printed, looked_up);
    assert_eq!(printed.values().map(BTreeSet::len).sum::<usize>(), 117);
    for gone in &first[..3] {
        assert!(
            db.voter_station(&election(), &gone.pin)
                .await
                .unwrap()
                .is_none()
        );
    }
    assert!(printed[&to.station.get()].contains(&moved));
}

async fn cal_12_the_final_lists_are_neither_compiled_nor_reimported_after_cal_12(ctx: Ctx) {
    let db = ctx.db().await;
    let g = small_setup(&db).await;
    let first = persons(&g, 0, 80);
    import(
        &db,
        first.clone(),
        confirming(None, false),
        open(),
        Some(&election()),
    )
    .await
    .unwrap();
    // The last instant of CAL-12 (1 November, Bishkek) still compiles.
    let last: Timestamp = "2024-11-01T23:59:59+06:00".parse().unwrap();
    voters::compile(&db, &election(), "admin", last)
        .await
        .unwrap();
    let before = snapshot(&db).await;
    let state = db.voter_list_state(&election()).await.unwrap();
    for at in [
        // The lists are final from the end of CAL-12, frozen by a click or not…
        "2024-11-02T00:00:00+06:00",
        // …and on voting day.
        "2024-11-17T12:00:00+06:00",
    ] {
        let at: Timestamp = at.parse().unwrap();
        let compiled = voters::compile(&db, &election(), "admin", at).await;
        let Err(VoterListError::Calendar(closed)) = compiled else {
            panic!("{compiled:?}")
        };
        assert_eq!(closed.rule(), "CAL-12");
        // The review's voting-day upload: its header alone. Refused before it is even shown.
        for mode in [ImportMode::Preview, confirming(None, true)] {
            let refused = import(&db, Vec::new(), mode, at, None).await;
            let Err(VoterListError::Calendar(closed)) = refused else {
                panic!("{refused:?}")
            };
            assert_eq!(closed.rule(), "CAL-12");
        }
        assert_eq!(snapshot(&db).await, before);
        assert_eq!(db.voter_list_state(&election()).await.unwrap(), state);
    }
}
