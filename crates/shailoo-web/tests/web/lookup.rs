//! "Where do I vote?": the look-up page, the API, SMS 119 (Kannel style and JSON webhook), the
//! rate limits and what an answer must never contain.

use crate::common::{Reply, fixed_now};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use shailoo_app::AuditAction;
use shailoo_app::AuditEvent;
use shailoo_app::lookup::VoterListRow;
use shailoo_domain::address::{AddressForm, StationAddress, territory_chain};
use shailoo_domain::calendar::Calendar;
use shailoo_domain::territory::{PollingStation, TerritoryKind};
use shailoo_domain::{ElectionId, ErrorCode, Pin, TerritoryId};
use shailoo_generator::{Dataset, Generator, Scale};
use shailoo_web::rate_limit::RateLimit;
use shailoo_web::sms::{Extras, SMS_MAX_CHARS, sms_len, station_reply, station_reply_with};
use shailoo_web::{AppState, Config, Lang, LookupConfig};
use std::net::SocketAddr;
use std::time::Duration;
use tempfile::TempDir;
use tower::ServiceExt;

/// On the list at home.
pub(crate) const HOME_PIN: &str = "20101199000123";
/// On the list, voting at a remote-voting station.
const REMOTE_PIN: &str = "11502199900007";
/// Well-formed, on no list.
const ABSENT_PIN: &str = "20101199000124";
/// On the list of a village station ([`LookupApp::village`]).
pub(crate) const VILLAGE_PIN: &str = "20101199000125";

pub(crate) struct LookupApp {
    router: Router,
    pub(crate) state: AppState,
    pub(crate) data: Dataset,
    _dir: TempDir,
}

/// The village station of the small dataset whose Kyrgyz address has a "ң" (Жаңы-Кашка), so
/// that a reply in Kyrgyz carries Ө, Ү and Ң.
fn village_of(data: &Dataset) -> &PollingStation {
    let kind = |id: &TerritoryId| {
        data.setup
            .territories
            .iter()
            .find(|t| &t.id == id)
            .map(|t| (t.kind, t.parent.clone()))
    };
    data.setup
        .stations
        .iter()
        .find(|s| {
            let in_aiyl_aimak = kind(&s.territory)
                .and_then(|(_, parent)| parent)
                .and_then(|p| kind(&p))
                .is_some_and(|(k, _)| k == TerritoryKind::AiylAimak);
            in_aiyl_aimak && s.address.ky.contains('ң')
        })
        .expect("a village station with ң in the small dataset")
}

/// A station's full address as the domain renders it from the dataset's territory chain.
pub(crate) fn full_address(data: &Dataset, station: &PollingStation) -> StationAddress {
    let chain = territory_chain(&station.territory, |id| {
        data.setup.territories.iter().find(|t| &t.id == id)
    });
    StationAddress::new(&station.address, chain)
}

impl LookupApp {
    pub(crate) fn village(&self) -> &PollingStation {
        village_of(&self.data)
    }
    pub(crate) fn home(&self) -> &PollingStation {
        self.data
            .setup
            .stations
            .iter()
            .find(|s| !s.remote_voting)
            .unwrap()
    }
    pub(crate) fn remote(&self) -> &PollingStation {
        self.data
            .setup
            .stations
            .iter()
            .find(|s| s.remote_voting)
            .unwrap()
    }
    fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
        }
    }
}

/// Requests without connection info, as in-process tests send them.
struct Client {
    router: Router,
}

impl Client {
    async fn get(&mut self, uri: &str) -> Reply {
        let res = self
            .router
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        Reply {
            status,
            headers,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }
}

/// The small dataset with three voters on the 2024 lists (at home in Bishkek, voting remotely,
/// at home in a village), and `config`.
pub(crate) async fn lookup_app(config: LookupConfig) -> LookupApp {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("lookup.db").display());
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
    let home = data
        .setup
        .stations
        .iter()
        .find(|s| !s.remote_voting)
        .unwrap();
    let remote = data
        .setup
        .stations
        .iter()
        .find(|s| s.remote_voting)
        .unwrap();
    let row = |pin: &str, home: &PollingStation, station: &PollingStation| VoterListRow {
        pin: Pin::parse(pin).unwrap(),
        council: home.council.clone(),
        home_station: home.number,
        station: station.number,
    };
    let village = village_of(&data);
    db.put_voter_list_entries_unaudited(
        &ElectionId::parse("local-2024").unwrap(),
        &[
            row(HOME_PIN, home, home),
            row(REMOTE_PIN, home, remote),
            row(VILLAGE_PIN, village, village),
        ],
    )
    .await
    .unwrap();
    let state = AppState::new(
        store,
        Config {
            lookup: config,
            ..Config::default()
        },
    )
    .with_clock(fixed_now);
    LookupApp {
        router: shailoo_web::router(state.clone()),
        state,
        data,
        _dir: dir,
    }
}

/// A request from a given client address, as the server sees it with connection info.
async fn get_from(router: &Router, uri: &str, ip: [u8; 4], headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::get(uri).body(Body::empty()).unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    for (k, v) in headers {
        req.headers_mut().insert(
            header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

fn claims_deadline(app: &LookupApp) -> String {
    let election = app.data.election().unwrap();
    let calendar = Calendar::for_election(election, &[]).unwrap();
    calendar
        .get("CAL-11")
        .unwrap()
        .date
        .strftime("%d.%m.%Y")
        .to_string()
}

/// Words that would give a person away; an answer must contain none of them.
fn assert_private(body: &str) {
    for word in [
        "surname",
        "given_name",
        "patronymic",
        "birth",
        "sex",
        "\"pin\"",
        HOME_PIN,
        REMOTE_PIN,
    ] {
        assert!(!body.contains(word), "{word:?} in {body}");
    }
}

// --- the API ---

#[tokio::test]
async fn the_api_answers_station_pec_and_council_and_nothing_about_the_person() {
    let app = lookup_app(LookupConfig::default()).await;
    let mut c = app.client();
    let r = c.get(&format!("/api/v1/voters/{HOME_PIN}/station")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    let j = r.json();
    let home = app.home();
    assert_eq!(j["election"], "local-2024");
    assert_eq!(j["station"]["number"], home.number.get());
    let address = full_address(&app.data, home);
    for lang in ["ky", "ru", "en"] {
        assert_eq!(j["station"]["address"][lang], address.get(lang));
    }
    // The city is named: the record alone says "мкр. Центр, …".
    let ru = j["station"]["address"]["ru"].as_str().unwrap();
    assert!(ru.starts_with("город Бишкек, мкр. "), "{ru}");
    assert_eq!(j["commission"]["id"], home.commission.as_str());
    assert!(j["commission"]["name"]["ky"].is_string());
    assert_eq!(j["council"]["id"], home.council.as_str());
    assert!(j["council"]["name"]["en"].is_string());
    assert!(j["remote_voting_station"].is_null());
    let keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "commission",
            "council",
            "district",
            "election",
            "remote_voting_station",
            "station",
            "voting_hours"
        ]
    );
    // When and with whom: voting day's hours from the calendar, the PEC's phone, and what
    // the premises offer a voter with a disability.
    assert_eq!(
        j["voting_hours"],
        serde_json::json!({"day": "2024-11-17", "opens": "08:00", "closes": "20:00"})
    );
    let pec = app
        .data
        .setup
        .commissions
        .iter()
        .find(|c| c.id == home.commission)
        .unwrap();
    assert_eq!(
        j["commission"]["phone"].as_str(),
        pec.phone.map(|p| p.e164()).as_deref()
    );
    let a = &home.accessibility;
    assert_eq!(
        j["station"]["accessibility"]["suits_disabled_voters"],
        a.is_accessible()
    );
    assert_eq!(j["station"]["accessibility"]["lighting"], a.lighting);
    let missing: Vec<&str> = a.missing().iter().map(|r| r.as_str()).collect();
    assert_eq!(
        j["station"]["accessibility"]["missing"],
        serde_json::json!(missing)
    );
    // A city council has no districts.
    assert!(j["district"].is_null());
    assert_private(&r.body);

    // Spaces in the PIN are fine, and the election may be named.
    let spaced = c
        .get("/api/v1/voters/2%200101%201990%2000123/station?election=local-2024")
        .await;
    assert_eq!(spaced.status, StatusCode::OK);
    assert_eq!(spaced.json()["station"], j["station"]);

    let remote = c.get(&format!("/api/v1/voters/{REMOTE_PIN}/station")).await;
    assert_eq!(remote.status, StatusCode::OK);
    let rj = remote.json();
    assert_eq!(rj["station"]["number"], home.number.get());
    assert_eq!(
        rj["remote_voting_station"]["number"],
        app.remote().number.get()
    );
    assert_eq!(
        rj["remote_voting_station"]["commission"]["id"],
        app.remote().commission.as_str()
    );
    assert_private(&remote.body);
}

#[tokio::test]
async fn a_malformed_pin_is_400_naming_the_pin_and_an_unknown_one_404() {
    let app = lookup_app(LookupConfig::default()).await;
    let mut c = app.client();
    for (pin, code) in [
        ("2010119900012", ErrorCode::PinWrongLength),
        ("2010119900012x", ErrorCode::PinNotADigit),
        ("30101199000123", ErrorCode::PinBadSexDigit),
        ("23102199000123", ErrorCode::PinBadBirthDate),
    ] {
        let r = c
            .get(&format!("/api/v1/voters/{pin}/station?lang=en"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{pin}");
        let e = r.json();
        assert_eq!(e["error"]["code"], code.as_str(), "{pin}");
        assert_eq!(e["error"]["field"], "pin");
        assert_eq!(e["error"]["message"], Lang::En.error(code));
    }
    let r = c.get(&format!("/api/v1/voters/{ABSENT_PIN}/station")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "voter_not_found");
    assert_eq!(
        r.json()["error"]["message"],
        Lang::Ky.error(ErrorCode::VoterNotFound)
    );
    let r = c
        .get(&format!(
            "/api/v1/voters/{HOME_PIN}/station?election=local-2030"
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "unknown_election");
    let r = c
        .get(&format!(
            "/api/v1/voters/{HOME_PIN}/station?election=Bad%20Id"
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "election");
}

#[tokio::test]
async fn the_api_is_limited_per_client_address_with_retry_after() {
    let app = lookup_app(LookupConfig {
        per_ip: RateLimit {
            burst: 3,
            period: Duration::from_secs(60),
        },
        exempt: vec!["10.0.0.9".parse().unwrap()],
        ..LookupConfig::default()
    })
    .await;
    let uri = format!("/api/v1/voters/{HOME_PIN}/station");
    // Malformed guesses count too.
    let bad = get_from(&app.router, "/api/v1/voters/1/station", [10, 0, 0, 1], &[]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    for _ in 0..2 {
        let r = get_from(&app.router, &uri, [10, 0, 0, 1], &[]).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let limited = get_from(&app.router, &uri, [10, 0, 0, 1], &[]).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = limited.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(limited.json()["error"]["code"], "rate_limited");
    // A forged X-Forwarded-For from an untrusted peer changes nothing.
    let forged = get_from(
        &app.router,
        &uri,
        [10, 0, 0, 1],
        &[("x-forwarded-for", "192.0.2.77")],
    )
    .await;
    assert_eq!(forged.status, StatusCode::TOO_MANY_REQUESTS);
    // Another address has its own allowance; an exempt one is never limited.
    let other = get_from(&app.router, &uri, [10, 0, 0, 2], &[]).await;
    assert_eq!(other.status, StatusCode::OK);
    for _ in 0..10 {
        let r = get_from(&app.router, &uri, [10, 0, 0, 9], &[]).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    // The page shares the address's allowance and says so in the reader's language.
    let page = get_from(
        &app.router,
        &format!("/lookup?pin={HOME_PIN}&lang=ru"),
        [10, 0, 0, 1],
        &[],
    )
    .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.headers.contains_key(header::RETRY_AFTER));
    assert!(
        page.body.contains("Слишком много запросов"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_limited() {
    let app = lookup_app(LookupConfig {
        per_ip: RateLimit {
            burst: 1,
            period: Duration::from_secs(60),
        },
        trusted_proxies: vec!["10.0.0.254".parse().unwrap()],
        ..LookupConfig::default()
    })
    .await;
    let uri = format!("/api/v1/voters/{HOME_PIN}/station");
    let proxy = [10, 0, 0, 254];
    let a = [("x-forwarded-for", "192.0.2.1")];
    let b = [("x-forwarded-for", "spoofed, 192.0.2.2")];
    assert_eq!(
        get_from(&app.router, &uri, proxy, &a).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get_from(&app.router, &uri, proxy, &a).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        get_from(&app.router, &uri, proxy, &b).await.status,
        StatusCode::OK
    );
}

// --- the page ---

#[tokio::test]
async fn the_page_shows_the_station_in_three_languages() {
    let app = lookup_app(LookupConfig::default()).await;
    let mut c = app.client();
    let form = c.get("/lookup").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"pin\""));
    assert!(
        form.body.contains("href=\"/lookup\""),
        "linked from the menu"
    );
    let home = app.home();
    for lang in Lang::ALL {
        let r = c
            .get(&format!("/lookup?pin={HOME_PIN}&lang={}", lang.code()))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{lang:?}");
        assert!(r.body.contains(&lang.t("lookup-result-title")), "{lang:?}");
        assert!(r.body.contains(&format!("№ {}", home.number)), "{lang:?}");
        let address = full_address(&app.data, home);
        let address = address.get(lang.code());
        assert!(
            r.body.contains(&askama_escape(address)),
            "{lang:?}: {address}"
        );
        assert!(r.body.contains(&lang.t("station-council")));
        // The page echoes the PIN only in the form's input and in the language links (which
        // show the same answer in another language), and nothing else about the person.
        let rest = r
            .body
            .replace(&format!("value=\"{HOME_PIN}\""), "")
            .replace(&format!("pin={HOME_PIN}"), "");
        for word in ["surname", "patronymic", "birth", HOME_PIN] {
            assert!(!rest.contains(word), "{word:?}");
        }
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    }
    let remote = c.get(&format!("/lookup?pin={REMOTE_PIN}&lang=en")).await;
    assert_eq!(remote.status, StatusCode::OK);
    assert!(remote.body.contains(&Lang::En.t("lookup-remote-note")));
    assert!(remote.body.contains(&format!("№ {}", app.remote().number)));
}

#[tokio::test]
async fn a_village_station_is_named_with_its_village_aiyl_aimak_and_raion() {
    let app = lookup_app(LookupConfig::default()).await;
    let village = app.village();
    let address = full_address(&app.data, village);
    // What the record alone says, and what the voter is told.
    assert!(village.address.ru.starts_with("село Жаны-Кашка, "));
    let ru = "Сокулукский район, айыльный аймак Чолпон, село Жаны-Кашка, ";
    let ky = "Сокулук району, Чолпон айыл аймагы, Жаңы-Кашка айылы, ";
    assert!(address.get("ru").starts_with(ru), "{}", address.get("ru"));
    assert!(address.get("ky").starts_with(ky), "{}", address.get("ky"));

    let mut c = app.client();
    let page = c.get(&format!("/lookup?pin={VILLAGE_PIN}&lang=ru")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&askama_escape(address.get("ru"))),
        "{}",
        page.body
    );
    let api = c
        .get(&format!("/api/v1/voters/{VILLAGE_PIN}/station"))
        .await;
    assert_eq!(api.json()["station"]["address"]["ky"], address.get("ky"));

    let (base, _stop) = serve(&app).await;
    let (_, _, sms) = kannel(&base, "+996555000300", VILLAGE_PIN).await;
    let reply = station_reply_with(
        Lang::Ky,
        village.number.get(),
        &address,
        false,
        &extras(&app.data, village),
    );
    assert_eq!(sms, reply);
    // The hours are worth abbreviating the unit words for, never leaving one out.
    assert!(
        sms.contains("Сокулук р-ну, Чолпон а/а, Жаңы-Кашка а., "),
        "{sms}"
    );
    assert!(sms.contains("08:00–20:00"), "{sms}");
}

/// What an SMS reply adds after a station of the dataset, as the dataset and the statutory
/// calendar give it: voting day's hours and the PEC's phone (no district: the fixture has no
/// approved scheme).
pub(crate) fn extras(data: &Dataset, station: &PollingStation) -> Extras {
    let calendar = Calendar::for_election(data.election().unwrap(), &[]).unwrap();
    let voting = calendar.get("CAL-16").unwrap();
    Extras {
        hours: Some(shailoo_app::lookup::VotingHours {
            day: voting.date,
            opens: voting.opens_at.unwrap(),
            closes: voting.time.unwrap(),
        }),
        district: None,
        pec_phone: data
            .setup
            .commissions
            .iter()
            .find(|c| c.id == station.commission)
            .and_then(|c| c.phone),
    }
}

/// Askama escapes `"`, `'`, `&`, `<`, `>` in text.
fn askama_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
}

#[tokio::test]
async fn a_malformed_or_unknown_pin_gets_a_helpful_answer_in_three_languages() {
    let app = lookup_app(LookupConfig::default()).await;
    let mut c = app.client();
    let deadline = claims_deadline(&app);
    for lang in Lang::ALL {
        let code = lang.code();
        let short = c
            .get(&format!("/lookup?pin=2010119900012&lang={code}"))
            .await;
        assert_eq!(short.status, StatusCode::BAD_REQUEST);
        let expected = lang.t_args("lookup-pin-wrong-length", &[("count", "13".into())]);
        assert!(short.body.contains(&expected), "{code}: {expected}");
        assert!(short.body.contains("aria-invalid=\"true\""));
        assert!(
            short.body.contains("value=\"2010119900012\""),
            "the input is kept"
        );

        let empty = c.get(&format!("/lookup?pin=&lang={code}")).await;
        assert_eq!(empty.status, StatusCode::BAD_REQUEST);
        assert!(empty.body.contains(&lang.t("lookup-pin-empty")));

        let absent = c
            .get(&format!("/lookup?pin={ABSENT_PIN}&lang={code}"))
            .await;
        assert_eq!(absent.status, StatusCode::NOT_FOUND);
        let expected = lang.t_args("lookup-not-found", &[("date", deadline.clone())]);
        assert!(absent.body.contains(&expected), "{code}: {expected}");
    }
    assert_eq!(deadline, "01.11.2024", "CAL-11 = V − 16");
    let letter = c.get("/lookup?pin=2010119900012x&lang=en").await;
    assert!(
        letter
            .body
            .contains(&Lang::En.t_args("lookup-pin-not-a-digit", &[("char", "x".into())]))
    );
    let date = c.get("/lookup?pin=23102199000123&lang=ru").await;
    assert!(
        date.body.contains("31.02.1990"),
        "names the impossible date"
    );
}

// --- SMS 119 ---

/// The application on a real port, as a gateway would reach it.
pub(crate) async fn serve(app: &LookupApp) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let state = app.state.clone();
    tokio::spawn(async move {
        shailoo_web::serve_on(state, listener, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    (format!("http://{addr}"), tx)
}

async fn kannel(base: &str, sender: &str, text: &str) -> (StatusCode, String, String) {
    let r = reqwest::Client::new()
        .get(format!("{base}/sms/119"))
        .query(&[("sender", sender), ("text", text)])
        .send()
        .await
        .unwrap();
    let status = StatusCode::from_u16(r.status().as_u16()).unwrap();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, ct, r.text().await.unwrap())
}

#[tokio::test]
async fn sms_119_over_http_as_kannel_calls_it() {
    let app = lookup_app(LookupConfig::default()).await;
    let (base, _stop) = serve(&app).await;
    let home = app.home();

    let (status, ct, body) = kannel(&base, "+996555123456", "2 0101 1990 00123").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ct, "text/plain; charset=utf-8");
    assert_eq!(
        body,
        station_reply_with(
            Lang::Ky,
            home.number.get(),
            &full_address(&app.data, home),
            false,
            &extras(&app.data, home),
        )
    );
    assert!(body.contains("Бишкек ш"), "names the city: {body}");
    assert!(body.contains("Добуш берүү 17.11, 08:00–20:00"), "{body}");
    assert!(body.contains(&format!("№{}", home.number)));
    assert!(sms_len(&body) <= SMS_MAX_CHARS);
    assert_private(&body);

    // Remote voters are told where they actually vote.
    let (_, _, body) = kannel(&base, "+996555000001", REMOTE_PIN).await;
    assert!(
        body.contains(&format!("№{}", app.remote().number)),
        "{body}"
    );

    let (status, _, body) = kannel(&base, "+996555123456", "12345").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, Lang::Ky.t("sms-malformed"));
    let (_, _, body) = kannel(&base, "+996555123456", "").await;
    assert_eq!(body, Lang::Ky.t("sms-help"));
    let (_, _, body) = kannel(&base, "+996555123456", ABSENT_PIN).await;
    assert_eq!(
        body,
        Lang::Ky.t_args("sms-not-found", &[("date", claims_deadline(&app))])
    );
    assert!(sms_len(&body) <= SMS_MAX_CHARS);

    // No sender: refused.
    let (status, _, _) = kannel(&base, "", HOME_PIN).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn kannel_gets_ucs2_replies_and_a_200_even_in_an_outage() {
    // Without the index every look-up asks the database, which then goes away.
    let app = lookup_app(LookupConfig {
        index: false,
        ..LookupConfig::default()
    })
    .await;
    let (base, _stop) = serve(&app).await;
    let get = |sender: &'static str| {
        reqwest::Client::new()
            .get(format!("{base}/sms/119"))
            .query(&[("sender", sender), ("text", HOME_PIN)])
            .send()
    };
    let r = get("+996555000201").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // smsbox sends the reply as UCS-2 only when told so (docs/kannel.conf).
    assert_eq!(r.headers()["x-kannel-coding"], "2");
    app.state.store.close().await;
    let r = get("+996555000202").await.unwrap();
    // smsbox delivers a body only with 200: anything else becomes its own English text.
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["x-kannel-coding"], "2");
    assert_eq!(r.text().await.unwrap(), Lang::Ky.t("sms-unavailable"));
}

#[tokio::test]
async fn a_keyword_picks_russian_and_the_sender_keeps_it() {
    let app = lookup_app(LookupConfig::default()).await;
    let (base, _stop) = serve(&app).await;
    let home = app.home();
    let address = full_address(&app.data, home);
    let extras = extras(&app.data, home);
    let ru = station_reply_with(Lang::Ru, home.number.get(), &address, false, &extras);
    let ky = station_reply_with(Lang::Ky, home.number.get(), &address, false, &extras);

    let (_, _, body) = kannel(&base, "+996700111222", &format!("РУ {HOME_PIN}")).await;
    assert_eq!(body, ru);
    // The same sender without a keyword: still Russian. Another sender: Kyrgyz.
    let (_, _, body) = kannel(&base, "0700111222", HOME_PIN).await;
    assert_eq!(body, ru, "a national-format number is the same sender");
    let (_, _, body) = kannel(&base, "+996700999888", HOME_PIN).await;
    assert_eq!(body, ky);
    // KY switches back; Latin keywords work too.
    let (_, _, body) = kannel(&base, "+996700111222", &format!("ky {HOME_PIN}")).await;
    assert_eq!(body, ky);
    let (_, _, body) = kannel(&base, "+996700111222", HOME_PIN).await;
    assert_eq!(body, ky);
    let (_, _, body) = kannel(&base, "+996700111222", &format!("RU{HOME_PIN}")).await;
    assert_eq!(body, ru);
    let (_, _, body) = kannel(&base, "+996700111222", "РУ 123").await;
    assert_eq!(body, Lang::Ru.t("sms-malformed"));
}

#[tokio::test]
async fn the_json_webhook_answers_with_the_reply() {
    let app = lookup_app(LookupConfig::default()).await;
    let (base, _stop) = serve(&app).await;
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{base}/api/v1/sms/119"))
        .json(&serde_json::json!({"from": "+996555123456", "text": format!("РУ {HOME_PIN}")}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let j: serde_json::Value = r.json().await.unwrap();
    let home = app.home();
    assert_eq!(
        j["reply"],
        station_reply_with(
            Lang::Ru,
            home.number.get(),
            &full_address(&app.data, home),
            false,
            &extras(&app.data, home),
        )
    );
    assert_eq!(j["outcome"], "found");
    assert_eq!(j["language"], "ru");

    let r = client
        .post(format!("{base}/api/v1/sms/119"))
        .json(&serde_json::json!({"from": "+996555123457", "text": ABSENT_PIN}))
        .send()
        .await
        .unwrap();
    let j: serde_json::Value = r.json().await.unwrap();
    assert_eq!(j["outcome"], "not_found");
    assert_eq!(j["language"], "ky");

    let r = client
        .post(format!("{base}/api/v1/sms/119"))
        .header("content-type", "application/json")
        .body("{\"text\": 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
}

#[tokio::test]
async fn a_sender_over_the_limit_gets_a_polite_reply() {
    let app = lookup_app(LookupConfig {
        per_sender: RateLimit {
            burst: 2,
            period: Duration::from_secs(3600),
        },
        ..LookupConfig::default()
    })
    .await;
    let (base, _stop) = serve(&app).await;
    for _ in 0..2 {
        let (_, _, body) = kannel(&base, "+996555000777", HOME_PIN).await;
        assert!(body.contains(&format!("№{}", app.home().number)));
    }
    let (status, _, body) = kannel(&base, "+996555000777", HOME_PIN).await;
    assert_eq!(status, StatusCode::OK, "the gateway must deliver the reply");
    assert_eq!(body, Lang::Ky.t("sms-rate-limited"));
    let (_, _, body) = kannel(&base, "+996555000777", &format!("РУ {HOME_PIN}")).await;
    assert_eq!(body, Lang::Ru.t("sms-rate-limited"));
    // Another sender is not affected.
    let (_, _, body) = kannel(&base, "+996555000778", HOME_PIN).await;
    assert!(body.contains(&format!("№{}", app.home().number)));
}

#[tokio::test]
async fn with_a_gateway_token_only_the_gateway_may_call() {
    let app = lookup_app(LookupConfig {
        sms_gateway_token: Some("s3cret-token".into()),
        per_ip: RateLimit {
            burst: 1,
            period: Duration::from_secs(3600),
        },
        ..LookupConfig::default()
    })
    .await;
    let (base, _stop) = serve(&app).await;
    let (status, _, _) = kannel(&base, "+996555000001", HOME_PIN).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let client = reqwest::Client::new();
    // With the token, many senders through one gateway address are not limited per address.
    for i in 0..3 {
        let r = client
            .get(format!("{base}/sms/119"))
            .query(&[
                ("sender", format!("+99655500000{i}").as_str()),
                ("text", HOME_PIN),
                ("token", "s3cret-token"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    let r = client
        .post(format!("{base}/api/v1/sms/119"))
        .bearer_auth("s3cret-token")
        .json(&serde_json::json!({"from": "+996555123456", "text": HOME_PIN}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = client
        .post(format!("{base}/api/v1/sms/119"))
        .bearer_auth("wrong")
        .json(&serde_json::json!({"from": "+996555123456", "text": HOME_PIN}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

#[test]
fn every_reply_fits_two_ucs2_segments_even_for_the_longest_national_address() {
    let generator = Generator::new(Scale::National, 2024);
    let setup = generator.setup_ref();
    assert!(setup.stations.len() > 2_000, "the national setup");
    let territories: std::collections::HashMap<
        &TerritoryId,
        &shailoo_domain::territory::Territory,
    > = setup.territories.iter().map(|t| (&t.id, t)).collect();
    let addresses: Vec<StationAddress> = setup
        .stations
        .iter()
        .map(|s| {
            let chain = territory_chain(&s.territory, |id| territories.get(id).copied());
            StationAddress::new(&s.address, chain)
        })
        .collect();
    let calendar = Calendar::for_election(&setup.elections[0], &[]).unwrap();
    let voting = calendar.get("CAL-16").unwrap();
    let full = Extras {
        hours: Some(shailoo_app::lookup::VotingHours {
            day: voting.date,
            opens: voting.opens_at.unwrap(),
            closes: voting.time.unwrap(),
        }),
        ..Extras::default()
    };
    for lang in [Lang::Ky, Lang::Ru] {
        let code = lang.code();
        let longest = addresses
            .iter()
            .max_by_key(|a| sms_len(a.get(code)))
            .unwrap();
        // Even the longest full address needs the rule, not a cut.
        assert!(sms_len(&station_reply(lang, 99_999, longest, true)) <= SMS_MAX_CHARS);
        for (s, address) in setup.stations.iter().zip(&addresses) {
            // Every reply names the settlement (with its city, for a city's quarter) in one of
            // the forms of the rule.
            let places: Vec<String> = AddressForm::ALL
                .iter()
                .map(|f| address.place(code, *f))
                .collect();
            assert!(!places[3].is_empty(), "station {}", s.number);
            for remote in [false, true] {
                // The widest number, so that no real number could need more room.
                let reply = station_reply(lang, 99_999, address, remote);
                assert!(
                    sms_len(&reply) <= SMS_MAX_CHARS,
                    "{} > 134: {reply}",
                    sms_len(&reply)
                );
                assert!(reply.contains("№99999"), "the number is never cut: {reply}");
                assert!(
                    !reply.ends_with('…'),
                    "shortened by the rule, never cut: station {}: {reply}",
                    s.number
                );
                assert!(
                    places.iter().any(|p| reply.contains(&format!(": {p}, "))),
                    "station {} names its settlement: {reply}",
                    s.number
                );
                // With everything a reply may add, it still fits, and the address is still
                // at least the one `station_reply` gives.
                let all = Extras {
                    hours: full.hours,
                    district: Some(shailoo_domain::district::DistrictId::parse("12").unwrap()),
                    pec_phone: shailoo_domain::identity::PhoneNumber::parse("0700099999").ok(),
                };
                let long = station_reply_with(lang, 99_999, address, remote, &all);
                assert!(sms_len(&long) <= SMS_MAX_CHARS, "{long}");
                assert!(
                    long.starts_with(&reply)
                        || long.contains(&address.render(code, AddressForm::Abbreviated)),
                    "{long}"
                );
            }
        }
        for key in [
            "sms-help",
            "sms-malformed",
            "sms-not-found-undated",
            "sms-rate-limited",
            "sms-unavailable",
        ] {
            assert!(sms_len(&lang.t(key)) <= SMS_MAX_CHARS, "{key}");
        }
        let not_found = lang.t_args("sms-not-found", &[("date", "01.11.2024".into())]);
        assert!(sms_len(&not_found) <= SMS_MAX_CHARS, "{not_found}");
    }
}

/// Approves, for the village station's council, a scheme with one district per station (all
/// the units a station serves in one district), as the CEC would after CAL-05.
async fn approve_one_district_per_station(app: &LookupApp) -> String {
    use shailoo_app::districts::{
        CouncilDistrictingUnits, DistrictingUnit, SchemeRecord, SchemeStatus,
    };
    use shailoo_domain::district::{District, DistrictId};
    let village = app.village().clone();
    let generator = Generator::new(Scale::Small, 2024);
    let units: Vec<CouncilDistrictingUnits> = shailoo_generator::district_units(&generator)
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
    let store = &app.state.store;
    store
        .import_district_units(
            &units,
            AuditEvent::new(
                "system",
                AuditAction::DistrictUnitsImported,
                "small",
                fixed_now(),
            ),
        )
        .await
        .unwrap();
    let council = units.iter().find(|c| c.council == village.council).unwrap();
    let mut stations: Vec<_> = council.units.iter().filter_map(|u| u.station).collect();
    stations.sort();
    stations.dedup();
    let districts: Vec<District> = stations
        .iter()
        .zip(1u32..)
        .map(|(s, n)| District {
            id: DistrictId::parse(&n.to_string()).unwrap(),
            units: council
                .units
                .iter()
                .filter(|u| u.station == Some(*s))
                .map(|u| u.id.clone())
                .collect(),
            seats: 1,
            remote: false,
        })
        .collect();
    let ours = stations.iter().position(|s| *s == village.number).unwrap() + 1;
    store
        .put_district_scheme(
            &SchemeRecord {
                id: 0,
                council: village.council.clone(),
                election: ElectionId::parse("local-2024").unwrap(),
                version: 1,
                status: SchemeStatus::Approved,
                comment: None,
                author: "tec".into(),
                created_at: fixed_now(),
                updated_at: fixed_now(),
                submitted_at: Some(fixed_now()),
                decided_at: Some(fixed_now()),
                decided_by: Some("admin".into()),
                districts,
            },
            AuditEvent::new(
                "admin",
                AuditAction::DistrictSchemeApproved,
                "test",
                fixed_now(),
            ),
        )
        .await
        .unwrap();
    ours.to_string()
}

#[tokio::test]
async fn an_aiyl_voter_is_told_the_district_hours_pec_phone_and_accessibility() {
    for index in [true, false] {
        let app = lookup_app(LookupConfig {
            index,
            ..LookupConfig::default()
        })
        .await;
        let district = approve_one_district_per_station(&app).await;
        let village = app.village().clone();
        let mut c = app.client();
        let api = c
            .get(&format!("/api/v1/voters/{VILLAGE_PIN}/station"))
            .await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.body);
        let j = api.json();
        assert_eq!(
            j["district"],
            serde_json::json!({"number": district, "seats": 1}),
            "index: {index}"
        );
        assert_eq!(j["voting_hours"]["closes"], "20:00");

        let page = c.get(&format!("/lookup?pin={VILLAGE_PIN}&lang=en")).await;
        let b = &page.body;
        assert!(b.contains("17.11.2024, 08:00–20:00"), "{b}");
        let shown = Lang::En.t_args(
            "lookup-district-value",
            &[("district", district.clone()), ("seats", "1".into())],
        );
        assert!(b.contains(&shown), "{b}");
        let phone = extras(&app.data, &village).pec_phone.unwrap();
        assert!(b.contains(&format!("href=\"tel:{}\"", phone.e164())), "{b}");
        assert!(b.contains(&phone.to_string()));
        let summary = if village.accessibility.is_accessible() {
            Lang::En.t("access-suits")
        } else {
            let missing: Vec<String> = village
                .accessibility
                .missing()
                .iter()
                .map(|r| Lang::En.t(&format!("access-req-{}", r.as_str())))
                .collect();
            Lang::En.t_args("access-lacks", &[("missing", missing.join(", "))])
        };
        assert!(b.contains(&askama_escape(&summary)), "{summary} in {b}");

        // The SMS names the district where it fits.
        let (base, _stop) = serve(&app).await;
        let (_, _, sms) = kannel(&base, "+996555000400", VILLAGE_PIN).await;
        let mut with = extras(&app.data, &village);
        with.district = Some(shailoo_domain::district::DistrictId::parse(&district).unwrap());
        let address = full_address(&app.data, &village);
        assert_eq!(
            sms,
            station_reply_with(Lang::Ky, village.number.get(), &address, false, &with)
        );
    }
}
