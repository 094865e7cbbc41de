//! The look-up port ([`shailoo_app::VoterLookupStore`]) and the in-memory index built on it,
//! on both engines: SQLite (a new file in a temp directory) and PostgreSQL (a new database
//! through the admin URL in `SHAILOO_TEST_POSTGRES_URL`, dropped afterwards; without it the
//! PostgreSQL half prints a notice and passes, unless `CI` is set).
//!
//! Voter lists are filled with plain SQL, as the list compiler's output would be: this suite
//! tests reading them, not compiling them.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use shailoo_app::AuditAction;
use shailoo_app::lookup::{LookupOutcome, Refreshed, VoterLookup, VoterLookupStore};
use shailoo_app::users::{NewUser, Role, Username};
use shailoo_app::{SetupStore, Store};
use shailoo_domain::{ElectionId, Pin};
use shailoo_store::Db;
use std::sync::Arc;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    the_point_query_answers_station_pec_and_council,
    a_remote_voter_has_both_stations,
    an_unknown_pin_or_election_is_none,
    list_pages_walk_the_list_in_pin_order,
    the_directory_names_every_station_and_council,
    the_index_answers_like_the_database,
    the_index_follows_audited_changes_and_ignores_irrelevant_ones,
);

// ---------------------------------------------------------------------------------------------
// Fixtures

const HOME: &str = "20101199000123";
const REMOTE: &str = "11502199900007";
const ABSENT: &str = "20101199000124";

/// A migrated database with the setup and two voters: one at home, one voting remotely.
async fn fixture(ctx: &Ctx) -> Db {
    let db = ctx.db().await;
    db.import_setup(&setup(), &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    ctx.raw(&format!(
        "INSERT INTO voter_list_entries (election, pin, council, home_station, station) VALUES \
         ('local-2024', '{HOME}', 'bishkek-city', 2001, 2001), \
         ('local-2024', '{REMOTE}', 'bishkek-city', 2001, 2002)"
    ))
    .await;
    db
}

// ---------------------------------------------------------------------------------------------
// Tests

async fn the_point_query_answers_station_pec_and_council(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let found = db
        .voter_station(&election(), &pin(HOME))
        .await
        .unwrap()
        .expect("on the list");
    assert_eq!(found.station.number.get(), 2001);
    // The full address: the city named once, though the record starts with its bare name.
    assert_eq!(
        found.station.address.get("ru"),
        "город Бишкек, проспект Чуй 1"
    );
    assert_eq!(
        found.station.address.get("ky"),
        "Бишкек шаары, Чүй проспекти 1"
    );
    assert_eq!(found.station.commission.as_str(), "pec-2001");
    assert_eq!(found.station.commission_name.ky, "УШК 2001");
    // The PEC's phone and the premises' findings come with the station.
    assert_eq!(
        found.station.commission_phone.map(|p| p.e164()).as_deref(),
        Some("+996700002001")
    );
    assert_eq!(
        found.station.accessibility,
        setup().stations[0].accessibility
    );
    assert_eq!(found.council.id.as_str(), "bishkek-city");
    assert_eq!(found.council.name.en, "Bishkek City Council");
    assert!(found.remote_voting_station.is_none());
    assert_eq!(found.votes_at().number.get(), 2001);
}

async fn a_remote_voter_has_both_stations(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let found = db
        .voter_station(&election(), &pin(REMOTE))
        .await
        .unwrap()
        .expect("on the list");
    assert_eq!(found.station.number.get(), 2001);
    let remote = found.remote_voting_station.as_deref().expect("remote");
    assert_eq!(remote.number.get(), 2002);
    assert!(remote.remote_voting);
    assert_eq!(remote.commission.as_str(), "pec-2002");
    assert_eq!(found.votes_at().number.get(), 2002);
}

async fn an_unknown_pin_or_election_is_none(ctx: Ctx) {
    let db = fixture(&ctx).await;
    assert!(
        db.voter_station(&election(), &pin(ABSENT))
            .await
            .unwrap()
            .is_none()
    );
    let other = ElectionId::parse("local-2028").unwrap();
    assert!(
        db.voter_station(&other, &pin(HOME))
            .await
            .unwrap()
            .is_none()
    );
}

async fn list_pages_walk_the_list_in_pin_order(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let values: Vec<String> = (0..25)
        .map(|i| {
            format!(
                "('local-2024', '2010119900{:04}', 'bishkek-city', 2001, 2001)",
                1000 + i
            )
        })
        .collect();
    ctx.raw(&format!(
        "INSERT INTO voter_list_entries (election, pin, council, home_station, station) VALUES {}",
        values.join(", ")
    ))
    .await;
    let mut seen = Vec::new();
    let mut after: Option<Pin> = None;
    loop {
        let page = db
            .voter_list_page(&election(), after.as_ref(), 10)
            .await
            .unwrap();
        assert!(page.len() <= 10);
        let Some(last) = page.last() else { break };
        after = Some(last.pin);
        seen.extend(page.iter().map(|r| r.pin));
    }
    assert_eq!(seen.len(), 27);
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "PIN order, no repeats"
    );
    let remote = db
        .voter_list_page(&election(), None, 100)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.pin == pin(REMOTE))
        .unwrap();
    assert_eq!(remote.home_station.get(), 2001);
    assert_eq!(remote.station.get(), 2002);
    assert!(
        db.voter_list_page(&ElectionId::parse("local-2028").unwrap(), None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn the_directory_names_every_station_and_council(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let d = db.lookup_directory().await.unwrap();
    let numbers: Vec<u32> = d.stations.iter().map(|s| s.number.get()).collect();
    assert_eq!(numbers, vec![2001, 2002]);
    assert_eq!(d.stations[1].commission_name.ru, "УИК 2002");
    assert_eq!(
        d.stations[1].address.get("en"),
        "Erkindik Boulevard 5, Bishkek City"
    );
    assert!(d.stations[1].remote_voting);
    assert_eq!(d.councils.len(), 1);
    assert_eq!(d.councils[0].name.ky, "Бишкек шаардык кеңеши");
}

async fn the_index_answers_like_the_database(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let store: Arc<dyn Store> = Arc::new(db);
    let index = VoterLookup::new(store, true);
    assert!(!index.index_ready());
    let built = index.refresh().await.unwrap();
    assert!(
        matches!(built, Refreshed::Rebuilt { entries: 2, .. }),
        "{built:?}"
    );
    assert!(index.index_ready());
    for p in [HOME, REMOTE, ABSENT] {
        let p = pin(p);
        let from_memory = index.find(None, &p).await.unwrap();
        let from_db = index.find_in_store(None, &p).await.unwrap();
        match (from_memory, from_db) {
            (
                LookupOutcome::Found {
                    station: a,
                    election: ea,
                },
                LookupOutcome::Found {
                    station: b,
                    election: eb,
                },
            ) => {
                assert_eq!(a, b);
                assert_eq!(ea.id, eb.id);
                // CAL-16 of the 2024 calendar, in both answers.
                let hours = a.hours.expect("voting hours");
                assert_eq!(hours.day, jiff::civil::date(2024, 11, 17));
                assert_eq!((hours.opens.hour(), hours.closes.hour()), (8, 20));
                // A city council has no districts.
                assert!(a.district.is_none());
            }
            (LookupOutcome::NotOnList { .. }, LookupOutcome::NotOnList { .. }) => {}
            other => panic!("index and database disagree: {other:?}"),
        }
    }
    assert!(matches!(
        index
            .find(Some(&ElectionId::parse("local-2028").unwrap()), &pin(HOME))
            .await
            .unwrap(),
        LookupOutcome::UnknownElection
    ));
    assert_eq!(index.refresh().await.unwrap(), Refreshed::UpToDate);
}

async fn the_index_follows_audited_changes_and_ignores_irrelevant_ones(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let store: Arc<dyn Store> = Arc::new(db.clone());
    let index = VoterLookup::new(store.clone(), true);
    index.refresh().await.unwrap();
    let late = pin("10101200000001");
    ctx.raw(&format!(
        "INSERT INTO voter_list_entries (election, pin, council, home_station, station) VALUES \
         ('local-2024', '{late}', 'bishkek-city', 2002, 2002)"
    ))
    .await;
    // A change behind the store's back is invisible to the index (lists change only through
    // the store, with an audit entry); the database sees it.
    assert!(matches!(
        index.find(None, &late).await.unwrap(),
        LookupOutcome::NotOnList { .. }
    ));
    assert!(matches!(
        index.find_in_store(None, &late).await.unwrap(),
        LookupOutcome::Found { .. }
    ));
    // An audited change that does not concern look-ups only advances the version.
    store
        .add_user(
            &NewUser {
                username: Username::parse("clerk").unwrap(),
                display_name: "Clerk".into(),
                role: Role::CecAdmin,
                commission: mid("cec"),
                password_hash: "x".into(),
            },
            event(AuditAction::UserAdded),
        )
        .await
        .unwrap();
    assert!(matches!(
        index.refresh().await.unwrap(),
        Refreshed::Advanced { .. }
    ));
    // Any other audited change (here a new station) rebuilds, and the index sees everything.
    store
        .add_station(
            &station(2003, "pec-2002", name("а", "б", "c"), false),
            event(AuditAction::StationAdded),
        )
        .await
        .unwrap();
    assert!(matches!(
        index.refresh().await.unwrap(),
        Refreshed::Rebuilt { entries: 3, .. }
    ));
    match index.find(None, &late).await.unwrap() {
        LookupOutcome::Found { station, .. } => assert_eq!(station.station.number.get(), 2002),
        other => panic!("{other:?}"),
    }
}
