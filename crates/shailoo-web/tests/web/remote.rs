//! Remote voting (VOT-07) on the staff pages: who may see and decide, CSRF, the whole flow of
//! filing, approving and cancelling, and the page in the three languages.

use crate::common::{PASSWORD, Reply, fixed_now, hidden, password_hash};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use shailoo_app::AuditAction;
use shailoo_app::lookup::VoterListRow;
use shailoo_app::{AuditEvent, NewUser, Role, Store, Username};
use shailoo_domain::territory::{CommissionLevel, PollingStation};
use shailoo_domain::{CommissionId, ElectionId, Pin};
use shailoo_generator::{Generator, Scale};
use shailoo_web::{AppState, Config};
use std::collections::BTreeMap;
use std::sync::Arc;
use tempfile::TempDir;
use tower::ServiceExt;

/// On the list at a regular station.
const VOTER: &str = "20101199000123";

struct RemoteApp {
    router: Router,
    store: Arc<dyn Store>,
    home: PollingStation,
    remote: PollingStation,
    _dir: TempDir,
}

/// The small dataset, one voter on the 2024 lists, and five accounts: the CEC admin, a member
/// of the TEC over the remote-voting station (`tec.remote`), a member of the TEC over the
/// voter's home station (`tec.home`), a member of a third TEC (`tec.other`) and a member of the
/// home station's PEC.
async fn remote_app() -> RemoteApp {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("remote.db").display());
    let db = shailoo_store::Db::connect(&url).await.unwrap();
    let data = Generator::new(Scale::Small, 2024).dataset();
    let store = db.clone().into_dyn();
    store
        .import_setup(
            &data.setup,
            &data.station_areas,
            AuditEvent::new("system", AuditAction::SetupImported, "small", fixed_now()),
        )
        .await
        .unwrap();
    let stations = &data.setup.stations;
    let commissions = &data.setup.commissions;
    let parent_of = |id: &CommissionId| {
        commissions
            .iter()
            .find(|c| &c.id == id)
            .and_then(|c| c.parent.clone())
            .unwrap()
    };
    let remote = stations.iter().find(|s| s.remote_voting).unwrap().clone();
    let remote_tec = parent_of(&remote.commission);
    // The voter's home is in another TEC's area than the remote-voting station.
    let home = stations
        .iter()
        .find(|s| !s.remote_voting && parent_of(&s.commission) != remote_tec)
        .unwrap()
        .clone();
    let home_tec = parent_of(&home.commission);
    db.put_voter_list_entries_unaudited(
        &ElectionId::parse("local-2024").unwrap(),
        &[VoterListRow {
            pin: Pin::parse(VOTER).unwrap(),
            council: home.council.clone(),
            home_station: home.number,
            station: home.number,
        }],
    )
    .await
    .unwrap();
    let other_tec = commissions
        .iter()
        .find(|c| c.level == CommissionLevel::Tec && c.id != remote_tec && c.id != home_tec)
        .unwrap()
        .id
        .clone();
    let cec = commissions
        .iter()
        .find(|c| c.level == CommissionLevel::Cec)
        .unwrap()
        .id
        .clone();
    for (name, role, commission) in [
        ("admin", Role::CecAdmin, cec),
        ("tec.remote", Role::TecMember, remote_tec),
        ("tec.home", Role::TecMember, home_tec),
        ("tec.other", Role::TecMember, other_tec),
        ("pec.one", Role::PecMember, home.commission.clone()),
    ] {
        store
            .add_user(
                &NewUser {
                    username: Username::parse(name).unwrap(),
                    display_name: format!("Test {name}"),
                    role,
                    commission,
                    password_hash: password_hash(),
                },
                AuditEvent::new("system", AuditAction::UserAdded, name, fixed_now()),
            )
            .await
            .unwrap();
    }
    let state = AppState::new(store.clone(), Config::default()).with_clock(fixed_now);
    RemoteApp {
        router: shailoo_web::router(state),
        store,
        home,
        remote,
        _dir: dir,
    }
}

/// A browser: keeps cookies.
struct Browser {
    router: Router,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    async fn signed_in(app: &RemoteApp, username: &str) -> Browser {
        let mut b = Browser {
            router: app.router.clone(),
            cookies: BTreeMap::new(),
        };
        let form = b.get("/login").await;
        let csrf = hidden(&form.body, "csrf");
        let r = b
            .post(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("username", username),
                    ("password", PASSWORD),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "log-in of {username}");
        b
    }

    async fn send(&mut self, mut req: Request<Body>) -> Reply {
        let jar: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !jar.is_empty() {
            req.headers_mut()
                .insert(header::COOKIE, jar.join("; ").parse().unwrap());
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 10 << 20)
            .await
            .unwrap();
        let reply = Reply {
            status,
            headers,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        };
        for c in reply.set_cookies() {
            let first = c.split(';').next().unwrap_or_default();
            if let Some((k, v)) = first.split_once('=') {
                if v.is_empty() || c.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), v.to_owned());
                }
            }
        }
        reply
    }

    async fn get(&mut self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            body.append_pair(k, v);
        }
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body.finish()))
                .unwrap(),
        )
        .await
    }

    /// The CSRF token of the remote-voting page.
    async fn csrf(&mut self) -> String {
        let page = self.get("/remote-voting").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        hidden(&page.body, "csrf")
    }

    /// Files an application for [`VOTER`] at the remote station.
    async fn file(&mut self, app: &RemoteApp) -> Reply {
        let csrf = self.csrf().await;
        let station = app.remote.number.to_string();
        self.post(
            "/remote-voting?lang=en",
            &[("csrf", &csrf), ("pin", VOTER), ("station", &station)],
        )
        .await
    }
}

/// `(home_station, station)` of [`VOTER`], through the look-up port.
async fn votes_at(app: &RemoteApp) -> u32 {
    app.store
        .voter_station(
            &ElectionId::parse("local-2024").unwrap(),
            &Pin::parse(VOTER).unwrap(),
        )
        .await
        .unwrap()
        .unwrap()
        .votes_at()
        .number
        .get()
}

#[tokio::test]
async fn vot_07_the_page_needs_a_tec_or_cec_account() {
    let app = remote_app().await;
    let mut anonymous = Browser {
        router: app.router.clone(),
        cookies: BTreeMap::new(),
    };
    let r = anonymous.get("/remote-voting").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login"));
    let mut pec = Browser::signed_in(&app, "pec.one").await;
    assert_eq!(
        pec.get("/remote-voting").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn vot_07_forms_without_the_csrf_token_are_refused() {
    let app = remote_app().await;
    let mut tec = Browser::signed_in(&app, "tec.remote").await;
    let station = app.remote.number.to_string();
    let r = tec
        .post("/remote-voting", &[("pin", VOTER), ("station", &station)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = tec
        .post(
            "/remote-voting/1/decision",
            &[("csrf", "forged"), ("action", "approve")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        app.store
            .remote_applications(
                &ElectionId::parse("local-2024").unwrap(),
                &Default::default()
            )
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn vot_07_file_approve_and_cancel_in_english() {
    let app = remote_app().await;
    let mut tec = Browser::signed_in(&app, "tec.remote").await;
    let r = tec.file(&app).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A second live application is refused with the reason on the page.
    let again = tec.file(&app).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.body.contains("already has an application"),
        "{}",
        again.body
    );
    // A member of another TEC may not decide about this station.
    let mut other = Browser::signed_in(&app, "tec.other").await;
    let csrf = other.csrf().await;
    let r = other
        .post(
            "/remote-voting/1/decision",
            &[("csrf", &csrf), ("action", "approve")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(votes_at(&app).await, app.home.number.get());

    let csrf = tec.csrf().await;
    let r = tec
        .post(
            "/remote-voting/1/decision",
            &[("csrf", &csrf), ("action", "approve")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(votes_at(&app).await, app.remote.number.get());
    let page = tec.get(r.location().unwrap()).await;
    assert!(page.body.contains("data-status=\"approved\""));
    assert!(page.body.contains("on the remote station") || page.body.contains("Approved"));

    let r = tec
        .post(
            "/remote-voting/1/decision",
            &[("csrf", &csrf), ("action", "cancel")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(votes_at(&app).await, app.home.number.get());
}

#[tokio::test]
async fn vot_07_a_voter_not_on_a_list_is_refused_with_a_message() {
    let app = remote_app().await;
    let mut tec = Browser::signed_in(&app, "tec.remote").await;
    let csrf = tec.csrf().await;
    let station = app.remote.number.to_string();
    let r = tec
        .post(
            "/remote-voting?lang=ru",
            &[
                ("csrf", &csrf),
                ("pin", "20101199000124"),
                ("station", &station),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("нет в списках"), "{}", r.body);
}

#[tokio::test]
async fn vot_07_the_page_renders_in_the_three_languages() {
    let app = remote_app().await;
    let mut admin = Browser::signed_in(&app, "admin").await;
    for (lang, title) in [
        ("ky", "Аралыктан добуш берүү"),
        ("ru", "Дистанционное голосование"),
        ("en", "Remote voting"),
    ] {
        let r = admin.get(&format!("/remote-voting?lang={lang}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains(title), "{lang}");
        assert!(!r.body.contains(">remote-"), "a missing key in {lang}");
        // The CEC sees the counts and may set places.
        assert!(r.body.contains("/remote-voting/capacity"));
    }
}

#[tokio::test]
async fn vot_07_the_counts_per_remote_station_as_json() {
    let app = remote_app().await;
    let mut tec = Browser::signed_in(&app, "tec.remote").await;
    assert_eq!(tec.file(&app).await.status, StatusCode::SEE_OTHER);
    let r = tec
        .get("/api/v1/elections/local-2024/remote-voting/stations")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let all = r.json();
    let mine = all
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["station"] == app.remote.number.get())
        .unwrap();
    assert_eq!(mine["applied"], 1);
    assert_eq!(mine["approved"], 0);
    assert_eq!(mine["capacity"], 1000);
    let missing = tec
        .get("/api/v1/elections/no-such/remote-voting/stations")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_blank_election_is_the_first_election_and_an_unknown_one_is_404() {
    // As on every staff page (`kit::forms::election_of`): the forms send `election=` when the
    // page had none.
    let app = remote_app().await;
    let mut tec = Browser::signed_in(&app, "tec.remote").await;
    let r = tec.get("/remote-voting?election=").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("local-2024"));
    let r = tec.get("/remote-voting?election=no-such").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let csrf = tec.csrf().await;
    let station = app.remote.number.to_string();
    let r = tec
        .post(
            "/remote-voting",
            &[
                ("csrf", &csrf),
                ("election", ""),
                ("pin", VOTER),
                ("station", &station),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        Some("/remote-voting?election=local-2024&done=filed")
    );
}

/// The TEC over the remote-voting station is offered Approve and Reject; the TEC over the
/// voter's home station sees the application (its voter) with no button, and a decision sent
/// anyway is refused on a page that says why; a third TEC does not see it at all.
#[tokio::test]
async fn vot_07_only_the_covering_tec_is_offered_the_decision() {
    let app = remote_app().await;
    let mut tec = Browser::signed_in(&app, "tec.remote").await;
    assert_eq!(tec.file(&app).await.status, StatusCode::SEE_OTHER);
    let own = tec.get("/remote-voting").await;
    assert!(own.body.contains("data-status=\"applied\""));
    assert!(own.body.contains("value=\"approve\""));
    assert!(own.body.contains("value=\"reject\""));

    let mut third = Browser::signed_in(&app, "tec.other").await;
    let page = third.get("/remote-voting").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("data-status=\"applied\""), "not listed");

    let mut other = Browser::signed_in(&app, "tec.home").await;
    let page = other.get("/remote-voting?lang=ru").await;
    assert!(page.body.contains("data-status=\"applied\""), "listed");
    assert!(!page.body.contains("value=\"approve\""), "{}", page.body);
    assert!(!page.body.contains("value=\"reject\""));
    let csrf = hidden(&page.body, "csrf");
    let r = other
        .post(
            "/remote-voting/1/decision?lang=ru",
            &[("csrf", &csrf), ("action", "approve")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let why = shailoo_web::Lang::Ru.t_args(
        "refusal-outside",
        &[
            ("role", shailoo_web::Lang::Ru.t("role-tec_member")),
            (
                "action",
                shailoo_web::Lang::Ru.t("power-decide-remote-application"),
            ),
        ],
    );
    assert!(r.body.contains(&why), "{}", r.body);
    assert!(!r.body.contains("HTTP 403"));
    assert_eq!(votes_at(&app).await, app.home.number.get());
}
