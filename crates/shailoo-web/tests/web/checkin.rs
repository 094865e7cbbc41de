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
    // At 11:30 only the 10:00 figure exists; the later hours have none yet.
    assert_eq!(
        t["by_hour"],
        serde_json::json!([0, null, null, null, null, null])
    );
    assert_eq!(t["listed"], 1);
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

/// The part of `html` from the row `<tr data-hour="{hour}">` to its end.
fn hour_row<'a>(html: &'a str, hour: &str) -> &'a str {
    let start = html
        .find(&format!("<tr data-hour=\"{hour}\">"))
        .unwrap_or_else(|| panic!("no row for {hour}"));
    let rest = &html[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

#[tokio::test]
async fn the_public_turnout_shows_only_hours_that_have_passed_with_percentages() {
    let day = voting_day().await;
    let (mut c, csrf) = day.pec_member().await;
    let n = day.own_station().number;
    // The one listed voter takes part at 11:00: counted from the 12:00 figure on.
    day.set_bishkek_time(11, 0);
    let r = c
        .post_form(
            &format!("/stations/{n}/check-in"),
            &[("csrf", &csrf), ("pin", VOTER), ("election", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let uri = format!("/elections/{}/turnout?lang=en", day.election);
    let mut public = Client::new(&day.app);
    let en = shailoo_web::Lang::En;

    // 09:00: no hour has come; no figure, no bar, however many have voted.
    day.set_bishkek_time(9, 0);
    let page = public.get(&uri).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&en.t("turnout-before")), "{}", page.body);
    assert!(!page.body.contains("<rect class=\"bar\""));
    assert!(!page.body.contains("class=\"big-figure\""));

    // 13:00: the 10:00 and 12:00 figures, with percentages; 14:00 and later, nothing yet.
    day.set_bishkek_time(13, 0);
    let page = public.get(&uri).await;
    let b = &page.body;
    assert!(b.contains(&en.t_args("turnout-as-of", &[("hour", "12:00".into())])));
    assert!(b.contains("<p class=\"big-figure\">100.0%</p>"), "{b}");
    let ten = hour_row(b, "10:00");
    assert!(ten.contains(">0<") && ten.contains("0.0%"), "{ten}");
    assert!(hour_row(b, "12:00").contains("100.0%"));
    for later in ["14:00", "16:00", "18:00", "20:00"] {
        let row = hour_row(b, later);
        assert!(row.contains(&en.t("turnout-not-yet")), "{row}");
        assert!(!row.contains('%'), "a future hour has no figure: {row}");
    }
    // The chart draws the two hours and leaves the four to come empty; it names its table.
    assert_eq!(b.matches("<rect class=\"bar\"").count(), 2, "{b}");
    assert_eq!(b.matches("<rect class=\"bar future\"").count(), 4);
    assert!(b.contains("role=\"img\"") && b.contains("aria-describedby=\"turnout-hours\""));
    // Per region and per council, as of 12:00.
    let regions = &b[b.find("id=\"turnout-regions\"").unwrap()..];
    assert!(regions[..regions.find("</table>").unwrap()].contains("100.0%"));
    let station = day.own_station().clone();
    let council = day
        .app
        .data
        .setup
        .councils
        .iter()
        .find(|c| c.id == station.council)
        .unwrap();
    assert!(b.contains(&format!("?council={}", council.id)), "{b}");
    let by_council = public.get(&format!("{uri}&council={}", council.id)).await;
    let stations = &by_council.body[by_council.body.find("id=\"turnout-stations\"").unwrap()..];
    assert!(
        stations.contains(&format!("№ {}", station.number)),
        "{stations}"
    );

    // After the polls close: the final figure.
    day.set_bishkek_time(20, 30);
    let page = public.get(&uri).await;
    assert!(page.body.contains(&en.t("turnout-final")));
    assert_eq!(page.body.matches("<rect class=\"bar\"").count(), 6);

    // The API agrees and never fills an hour to come.
    day.set_bishkek_time(13, 0);
    let api = public
        .get(&format!("/api/v1/elections/{}/turnout", day.election))
        .await
        .json();
    assert_eq!(
        api["by_hour"],
        serde_json::json!([0, 1, null, null, null, null])
    );
}

#[tokio::test]
async fn the_turnout_is_linked_from_the_home_and_calendar_pages() {
    let day = voting_day().await;
    let link = format!("href=\"/elections/{}/turnout\"", day.election);
    let mut c = Client::new(&day.app);
    for page in [
        "/".to_owned(),
        format!("/elections/{}/calendar", day.election),
    ] {
        let r = c.get(&page).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains(&link), "{page}: {}", r.body);
    }
}

#[tokio::test]
async fn check_in_shows_the_voter_s_name_and_row_on_the_list() {
    let mut app = common::app().await;
    let station = app
        .data
        .setup
        .stations
        .iter()
        .find(|s| s.commission == app.own_pec && !s.remote_voting)
        .unwrap()
        .clone();
    let area = app
        .data
        .station_areas
        .iter()
        .find(|a| a.station == station.number)
        .unwrap()
        .clone();
    // Three voters of one street: the list numbers them by house, 2 before 10.
    let voters = [("Асанов", "10"), ("Бакиров", "1"), ("Жумабаев", "2")]
        .iter()
        .zip(1u32..)
        .map(|((surname, house), n)| {
            common::person(n, surname, &area.settlement, &area.street, house)
        })
        .collect::<Vec<_>>();
    common::register_and_compile(app.store.as_ref(), voters.clone()).await;
    let day = app.data.setup.elections[0].voting_day;
    let ten = from_bishkek(day, time(10, 0, 0, 0));
    let state = AppState::new(app.store.clone(), Config::default()).with_clock(move || ten);
    app.router = shailoo_web::router(state);
    let mut c = Client::new(&app);
    c.login("pec.one", common::PASSWORD).await;
    let uri = format!("/stations/{}/check-in?lang=en", station.number);
    let page = c.get(&uri).await;
    let csrf = hidden(&page.body, "csrf");
    let asanov = voters[0].pin.to_string();
    let r = c
        .post_form(&uri, &[("csrf", &csrf), ("pin", &asanov), ("election", "")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let card = &r.body[r
        .body
        .find("id=\"checkin-voter\"")
        .expect("the voter's row")..];
    assert!(card.contains("№ 3"), "house 10 comes third: {card}");
    assert!(card.contains("Асанов Азамат Токтогулович"), "{card}");
    // Again: already voted here, and the PEC still sees whom and where on the list.
    let again = c
        .post_form(&uri, &[("csrf", &csrf), ("pin", &asanov), ("election", "")])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("Асанов Азамат Токтогулович"));
    // A PIN on no list shows nobody.
    let r = c
        .post_form(&uri, &[("csrf", &csrf), ("pin", ABSENT), ("election", "")])
        .await;
    assert!(!r.body.contains("id=\"checkin-voter\""));
}
