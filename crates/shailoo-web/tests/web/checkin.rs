//! Voting day at the station: the PEC member's check-in page and API (VOT-06, CAL-16), who may
//! use them, one ballot per voter, and the public turnout.

use crate::common::{self, Client, Reply, TestApp, hidden, password_hash};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use jiff::Timestamp;
use jiff::civil::time;
use shailoo_app::AuditAction;
use shailoo_app::lookup::VoterListRow;
use shailoo_app::{AccountStore, AuditEvent, NewUser, Role, SetupStore, Username};
use shailoo_domain::territory::{CommissionLevel, PollingStation};
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{ElectionId, ErrorCode, Pin};
use shailoo_web::{AppState, Config, Lang};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use tempfile::TempDir;

const VOTER: &str = "20101199000123";
const ABSENT: &str = "20101199000124";

struct VotingDay {
    app: TestApp,
    election: ElectionId,
    /// The clock of the application, in Unix seconds.
    clock: Arc<AtomicI64>,
    _dir: TempDir,
}

impl VotingDay {
    fn own_station(&self) -> &PollingStation {
        self.app
            .data
            .setup
            .stations
            .iter()
            .find(|s| s.commission == self.app.own_pec)
            .unwrap()
    }
    fn other_station(&self) -> &PollingStation {
        self.app
            .data
            .setup
            .stations
            .iter()
            .find(|s| s.commission == self.app.other_pec)
            .unwrap()
    }
    fn set_bishkek_time(&self, h: i8, m: i8) {
        let day = self.app.data.setup.elections[0].voting_day;
        let at = from_bishkek(day, time(h, m, 0, 0));
        self.clock.store(at.as_second(), Ordering::SeqCst);
    }
    /// A PEC member of `own_pec`, signed in; returns the client and the session's CSRF token.
    async fn pec_member(&self) -> (Client, String) {
        let mut c = Client::new(&self.app);
        let r = c.login("pec.one", common::PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = c
            .get(&format!("/stations/{}/check-in", self.own_station().number))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let csrf = hidden(&page.body, "csrf");
        assert!(!csrf.is_empty());
        (c, csrf)
    }
}

/// The small dataset in a store of our own (so that voter lists can be written directly), the
/// usual staff, the voter on the list of `own_pec`'s station, and a clock at 10:00 on voting day.
async fn voting_day() -> VotingDay {
    let mut app = common::app().await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("checkin.db").display());
    let db = shailoo_store::Db::connect(&url).await.unwrap();
    let now = common::fixed_now();
    db.import_setup(
        &app.data.setup,
        &app.data.station_areas,
        AuditEvent::new("system", AuditAction::SetupImported, "small", now),
    )
    .await
    .unwrap();
    let cec = app
        .data
        .setup
        .commissions
        .iter()
        .find(|c| c.level == CommissionLevel::Cec)
        .unwrap()
        .id
        .clone();
    for (name, role, commission) in [
        ("admin", Role::CecAdmin, cec),
        ("pec.one", Role::PecMember, app.own_pec.clone()),
    ] {
        AccountStore::add_user(
            &db,
            &NewUser {
                username: Username::parse(name).unwrap(),
                display_name: format!("Test {name}"),
                role,
                commission,
                password_hash: password_hash(),
            },
            AuditEvent::new("system", AuditAction::UserAdded, name, now),
        )
        .await
        .unwrap();
    }
    let election = app.data.setup.elections[0].id.clone();
    let station = app
        .data
        .setup
        .stations
        .iter()
        .find(|s| s.commission == app.own_pec)
        .unwrap()
        .clone();
    db.put_voter_list_entries_unaudited(
        &election,
        &[VoterListRow {
            pin: Pin::parse(VOTER).unwrap(),
            council: station.council.clone(),
            home_station: station.number,
            station: station.number,
        }],
    )
    .await
    .unwrap();
    let clock = Arc::new(AtomicI64::new(0));
    let c = clock.clone();
    let state = AppState::new(db.clone().into_dyn(), Config::default())
        .with_clock(move || Timestamp::from_second(c.load(Ordering::SeqCst)).unwrap());
    app.store = db.into_dyn();
    app.router = shailoo_web::router(state);
    let day = VotingDay {
        app,
        election,
        clock,
        _dir: dir,
    };
    day.set_bishkek_time(10, 0);
    day
}

async fn post_json(c: &mut Client, uri: &str, csrf: Option<&str>, body: &str) -> Reply {
    let mut req = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = csrf {
        req = req.header("x-csrf-token", t);
    }
    c.send(req.body(Body::from(body.to_owned())).unwrap()).await
}

#[tokio::test]
async fn the_page_checks_a_voter_in_once_in_three_languages() {
    let day = voting_day().await;
    let (mut c, csrf) = day.pec_member().await;
    let n = day.own_station().number;
    for (lang, title) in [
        ("ky", "участкасында шайлоочуларды белгилөө"),
        ("ru", "Отметка избирателей на участке"),
        ("en", "Check-in at polling station"),
    ] {
        let page = c.get(&format!("/stations/{n}/check-in?lang={lang}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(title), "{lang}: {}", page.body);
    }
    let uri = format!("/stations/{n}/check-in?lang=en");
    let first = c
        .post_form(&uri, &[("csrf", &csrf), ("pin", VOTER), ("election", "")])
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(first.body.contains("Checked in: issue the ballot."));
    let second = c
        .post_form(&uri, &[("csrf", &csrf), ("pin", VOTER), ("election", "")])
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second.body.contains(&format!("station № {n} at 10:00")));
    let forged = c.post_form(&uri, &[("csrf", "nope"), ("pin", VOTER)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_store_failure_is_an_error_page_not_a_page_without_an_election() {
    let day = voting_day().await;
    let (mut c, _) = day.pec_member().await;
    // Another process spoils the election behind the server's back: the page must say that
    // the store failed, not offer a check-in form as if there were no election.
    let db = rusqlite::Connection::open(day._dir.path().join("checkin.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    db.execute("UPDATE elections SET voting_day = 'not a day'", [])
        .unwrap();
    let page = c
        .get(&format!(
            "/stations/{}/check-in?lang=en",
            day.own_station().number
        ))
        .await;
    assert_eq!(
        page.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&Lang::En.error(ErrorCode::DbCorrupt)),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_api_gives_one_ballot_and_says_where_and_when() {
    let day = voting_day().await;
    let (mut c, csrf) = day.pec_member().await;
    let uri = format!("/api/v1/stations/{}/check-ins", day.own_station().number);
    let body = format!(r#"{{"pin":"{VOTER}"}}"#);
    // Without the CSRF header, nothing happens.
    let r = post_json(&mut c, &uri, None, &body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_json(&mut c, &uri, Some(&csrf), &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["outcome"], "checked_in");
    day.set_bishkek_time(11, 30);
    let r = post_json(&mut c, &uri, Some(&csrf), &body).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let j = r.json();
    assert_eq!(j["outcome"], "already_voted");
    assert_eq!(j["station"], day.own_station().number.get());
    let day_start = from_bishkek(
        day.app.data.setup.elections[0].voting_day,
        time(10, 0, 0, 0),
    );
    assert_eq!(j["at"], day_start.to_string());
    let r = post_json(
        &mut c,
        &uri,
        Some(&csrf),
        &format!(r#"{{"pin":"{ABSENT}"}}"#),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_on_list");
    // Another PEC's station: forbidden, whatever the PIN.
    let other = format!("/api/v1/stations/{}/check-ins", day.other_station().number);
    let r = post_json(&mut c, &other, Some(&csrf), &body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let page = c
        .get(&format!(
            "/stations/{}/check-in",
            day.other_station().number
        ))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // Public turnout.
    let mut public = Client::new(&day.app);
    let t = public
        .get(&format!("/api/v1/elections/{}/turnout", day.election))
        .await;
    assert_eq!(t.status, StatusCode::OK);
    let t = t.json();
    assert_eq!(t["total"], 1);
    assert_eq!(t["by_hour"], serde_json::json!([0, 1, 1, 1, 1, 1]));
    let page = public
        .get(&format!("/elections/{}/turnout?lang=ru", day.election))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Явка"));
}

#[tokio::test]
async fn check_in_is_refused_outside_voting_hours() {
    let day = voting_day().await;
    let (mut c, csrf) = day.pec_member().await;
    let uri = format!("/api/v1/stations/{}/check-ins", day.own_station().number);
    let body = format!(r#"{{"pin":"{VOTER}"}}"#);
    for (h, m) in [(7, 59), (20, 0)] {
        day.set_bishkek_time(h, m);
        let r = post_json(&mut c, &uri, Some(&csrf), &body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{h}:{m} {}",
            r.body
        );
        assert_eq!(r.json()["error"]["code"], "voting_closed");
    }
    day.set_bishkek_time(19, 59);
    let r = post_json(&mut c, &uri, Some(&csrf), &body).await;
    assert_eq!(r.status, StatusCode::CREATED);
}
