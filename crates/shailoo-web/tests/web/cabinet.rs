//! The voter cabinet end to end over real HTTP: the application on a loopback port, the Tunduk
//! registry double and the Kannel SMS double on port 0, the real HTTP adapters between them,
//! and a cookie-keeping HTTP client as the voter's browser. The code is read from the SMS
//! double's outbox over HTTP, as the demo user reads it.

use crate::common::{fixed_now, hidden};
use jiff::{SignedDuration, Timestamp};
use shailoo_app::AuditAction;
use shailoo_app::lookup::VoterListRow;
use shailoo_app::remote::{self, ApplicationFilter, ApplicationStatus};
use shailoo_app::voters::{ImportBatch, ImportOptions};
use shailoo_app::{Actor, AuditEvent, Store};
use shailoo_domain::Sex;
use shailoo_domain::address::StationAddress;
use shailoo_domain::identity::{Msisdn, PassportNumber};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::PollingStation;
use shailoo_domain::{ElectionId, Pin};
use shailoo_generator::{Generator, Scale};
use shailoo_registries::doubles::{RegistryDouble, RegistryRecord, Running, SmsDouble};
use shailoo_registries::tunduk::DEFAULT_SERVICE;
use shailoo_registries::{
    KannelConfig, KannelGateway, TundukConfig, TundukRegistry, XRoadClientId, XRoadServiceId,
};
use shailoo_web::{AppState, CabinetConfig, Config};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use tempfile::TempDir;

/// On the list, with a passport and a phone in the registry.
pub(crate) const VOTER: &str = "20101199000123";
pub(crate) const PASSPORT: &str = "ID1234567";
/// The voter's mobile number in the registry.
pub(crate) const PHONE: &str = "+996555124567";
/// Another voter on the list, with an application filed by staff.
pub(crate) const OTHER: &str = "11502199900007";

pub(crate) struct Cabinet {
    base: String,
    pub(crate) store: Arc<dyn Store>,
    registry: Arc<RegistryDouble>,
    sms: Arc<SmsDouble>,
    sms_server: Running,
    remote: PollingStation,
    /// Seconds added to the fixed clock.
    pub(crate) clock: Arc<AtomicI64>,
    other_application: i64,
    _registry_server: Running,
    _stop: tokio::sync::oneshot::Sender<()>,
    _dir: TempDir,
}

async fn cabinet_with(config: CabinetConfig, adapters: bool) -> Cabinet {
    cabinet_over(config, adapters, None).await
}

/// The cabinet sending its codes through the Kannel smsbox at `sms_url` (user `shailoo`,
/// password [`SMS_PASSWORD`]) instead of the SMS double.
pub(crate) async fn cabinet_over_kannel(sms_url: &str) -> Cabinet {
    cabinet_over(CabinetConfig::default(), true, Some(sms_url)).await
}

/// The password the cabinet's Kannel adapter sends.
pub(crate) const SMS_PASSWORD: &str = "sms-secret";

async fn cabinet_over(config: CabinetConfig, adapters: bool, sms_url: Option<&str>) -> Cabinet {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cabinet.db").display());
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
    let home = stations.iter().find(|s| !s.remote_voting).unwrap().clone();
    let remote_station = stations.iter().find(|s| s.remote_voting).unwrap().clone();
    let election = ElectionId::parse("local-2024").unwrap();
    let rows: Vec<VoterListRow> = [VOTER, OTHER]
        .iter()
        .map(|p| VoterListRow {
            pin: Pin::parse(p).unwrap(),
            council: home.council.clone(),
            home_station: home.number,
            station: home.number,
        })
        .collect();
    db.put_voter_list_entries_unaudited(&election, &rows)
        .await
        .unwrap();
    // The voter is in the population register (a claim needs the person there).
    let mut import = store
        .begin_register_import(ImportOptions::apply(
            "web-cabinet",
            "system",
            fixed_now(),
            None,
            None,
        ))
        .await
        .unwrap();
    let record = RegisterRecord {
        pin: Pin::parse(VOTER).unwrap(),
        surname: "Асанов".to_owned(),
        given_name: "Бакыт".to_owned(),
        patronymic: None,
        sex: Sex::Male,
        birth_date: jiff::civil::date(1990, 1, 10),
        citizen: true,
        biometrics: true,
        settlement: home.territory.clone(),
        street: "Чүй проспектиси".to_owned(),
        house: "1".to_owned(),
        address_registered_on: jiff::civil::date(2020, 1, 1),
        residence_stamp: true,
        court_incapable: false,
        imprisoned: false,
    };
    import
        .push(&ImportBatch {
            records: vec![record],
            assessed: Vec::new(),
        })
        .await
        .unwrap();
    import.finish(&[]).await.unwrap();
    let other_application = remote::file(
        store.as_ref(),
        &Actor::System,
        &election,
        &Pin::parse(OTHER).unwrap(),
        remote_station.number,
        fixed_now(),
    )
    .await
    .unwrap()
    .id;

    let registry = RegistryDouble::new(DEFAULT_SERVICE);
    registry.insert(
        Pin::parse(VOTER).unwrap(),
        RegistryRecord::valid(
            PassportNumber::parse(PASSPORT).unwrap(),
            Some(Msisdn::parse(PHONE).unwrap()),
        ),
    );
    registry.insert(
        Pin::parse(OTHER).unwrap(),
        RegistryRecord::valid(
            PassportNumber::parse("AN7654321").unwrap(),
            Some(Msisdn::parse("+996700111222").unwrap()),
        ),
    );
    let loopback = "127.0.0.1:0".parse().unwrap();
    let registry_server = registry.serve(loopback).await.unwrap();
    let sms = SmsDouble::new("shailoo", SMS_PASSWORD);
    let sms_server = sms.serve(loopback).await.unwrap();

    let clock = Arc::new(AtomicI64::new(0));
    let offset = clock.clone();
    let config = Config {
        cabinet: config,
        ..Config::default()
    };
    let mut state = AppState::new(store.clone(), config)
        .with_clock(move || fixed_now() + SignedDuration::from_secs(offset.load(Ordering::SeqCst)));
    if adapters {
        let tunduk = TundukRegistry::new(TundukConfig {
            security_server: registry_server.url(),
            client: XRoadClientId::parse("KG/GOV/70000001/shailoo").unwrap(),
            service: XRoadServiceId::parse(DEFAULT_SERVICE).unwrap(),
            timeout: Duration::from_secs(5),
        })
        .unwrap();
        let kannel = KannelGateway::new(KannelConfig {
            url: sms_url.map_or_else(|| sms_server.url(), str::to_owned),
            username: "shailoo".to_owned(),
            password: SMS_PASSWORD.to_owned(),
            from: "SHAILOO".to_owned(),
            timeout: Duration::from_secs(5),
        })
        .unwrap();
        state = state.with_voter_cabinet(Arc::new(tunduk), Arc::new(kannel));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        shailoo_web::serve_on(state, listener, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    Cabinet {
        base: format!("http://{addr}"),
        store,
        registry,
        sms,
        sms_server,
        remote: remote_station,
        clock,
        other_application,
        _registry_server: registry_server,
        _stop: stop,
        _dir: dir,
    }
}

pub(crate) async fn cabinet() -> Cabinet {
    cabinet_with(CabinetConfig::default(), true).await
}

/// A response, read whole.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) location: String,
    cookies: Vec<String>,
    pub(crate) retry_after: Option<String>,
    pub(crate) body: String,
}

/// The voter's browser: keeps cookies, does not follow redirects (the tests look at them).
pub(crate) struct Browser {
    pub(crate) base: String,
    pub(crate) http: reqwest::Client,
}

impl Browser {
    pub(crate) fn new(c: &Cabinet) -> Browser {
        Browser {
            base: c.base.clone(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub(crate) async fn read(r: reqwest::Response) -> Reply {
        let header = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header("location").unwrap_or_default();
        let retry_after = header("retry-after");
        let cookies = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        Reply {
            status: r.status().as_u16(),
            location,
            cookies,
            retry_after,
            body: r.text().await.unwrap(),
        }
    }

    pub(crate) async fn get(&self, path: &str) -> Reply {
        Self::read(
            self.http
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        Self::read(
            self.http
                .post(format!("{}{path}", self.base))
                .form(form)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Opens the sign-in form and sends PIN and passport; the code page (or the refusal).
    pub(crate) async fn ask_code(&self, pin: &str, passport: &str) -> Reply {
        let form = self.get("/cabinet").await;
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = hidden(&form.body, "csrf");
        self.post(
            "/cabinet/sign-in",
            &[("csrf", &csrf), ("pin", pin), ("passport", passport)],
        )
        .await
    }

    pub(crate) async fn send_code(&self, page: &Reply, code: &str) -> Reply {
        let csrf = hidden(&page.body, "csrf");
        let phone = hidden(&page.body, "phone");
        self.post(
            "/cabinet/code",
            &[("csrf", &csrf), ("code", code), ("phone", &phone)],
        )
        .await
    }

    /// The whole sign-in as a voter does it; the cabinet page.
    pub(crate) async fn sign_in(&self, c: &Cabinet, pin: &str, passport: &str) -> Reply {
        let page = self.ask_code(pin, passport).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let code = outbox_code(c).await;
        let signed_in = self.send_code(&page, &code).await;
        assert_eq!(signed_in.status, 303, "{}", signed_in.body);
        let home = self.get("/cabinet").await;
        assert_eq!(home.status, 200);
        home
    }
}

/// The code of the last SMS, read over HTTP from the double's outbox.
async fn outbox_code(c: &Cabinet) -> String {
    let outbox: serde_json::Value = reqwest::get(format!("{}/outbox", c.sms_server.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = outbox.as_array().unwrap().last().expect("a message")["text"]
        .as_str()
        .unwrap()
        .to_owned();
    text.split(|ch: char| !ch.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a six-digit code")
        .to_owned()
}

fn wrong(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

async fn applications(c: &Cabinet, pin: &str) -> Vec<(i64, ApplicationStatus, String)> {
    c.store
        .remote_applications(
            &ElectionId::parse("local-2024").unwrap(),
            &ApplicationFilter {
                pin: Some(Pin::parse(pin).unwrap()),
                ..ApplicationFilter::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.status, a.filed_by))
        .collect()
}

#[tokio::test]
async fn a_voter_signs_in_with_pin_passport_and_sms_code_and_applies_for_remote_voting() {
    let c = cabinet().await;
    let b = Browser::new(&c);
    // Spaces and lower case are fine in both fields.
    let page = b.ask_code("2 0101 1990 00123", "id 123 45 67").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("+996 *** ** 45 67"), "{}", page.body);
    assert!(!page.body.contains("555124567"));
    let challenge = page
        .cookies
        .iter()
        .find(|k| k.starts_with("shailoo_voter_challenge="))
        .expect("a challenge cookie");
    assert!(challenge.contains("HttpOnly") && challenge.contains("SameSite=Strict"));

    let outbox = c.sms.outbox();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].to, "+996555124567");
    assert_eq!(outbox[0].coding, "2");
    assert!(outbox[0].text.chars().count() <= 70);

    let code = outbox_code(&c).await;
    let signed_in = b.send_code(&page, &code).await;
    assert_eq!(signed_in.status, 303);
    assert_eq!(signed_in.location, "/cabinet");
    let session = signed_in
        .cookies
        .iter()
        .find(|k| k.starts_with("shailoo_voter="))
        .expect("a session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Strict"), "{session}");
    assert!(
        !session.contains("Secure"),
        "plain HTTP in tests: {session}"
    );

    let home = b.get("/cabinet").await;
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains("id=\"cabinet-station\""),
        "{}",
        home.body
    );
    // Signed in, the form offers the remote-voting stations, each under its full address:
    // "…, Centre" alone would not say which city's centre.
    let chain = c.store.territory_chain(&c.remote.territory).await.unwrap();
    let address = StationAddress::new(&c.remote.address, &chain);
    let label = format!("№ {} — {}", c.remote.number, address.get("ky"));
    assert!(label.contains("Бишкек шаары, Борбор, "), "{label}");
    assert!(home.body.contains(&label), "{}", home.body);
    let csrf = hidden(&home.body, "csrf");
    let station = c.remote.number.to_string();
    let filed = b
        .post(
            "/cabinet/remote-voting",
            &[("csrf", &csrf), ("station", &station)],
        )
        .await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let mine = applications(&c, VOTER).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].1, ApplicationStatus::Applied);
    assert_eq!(mine[0].2, "voter");
    let home = b.get("/cabinet?done=remote_filed&lang=en").await;
    assert!(
        home.body.contains("Your application was filed"),
        "{}",
        home.body
    );
    assert!(home.body.contains("awaiting decision"), "{}", home.body);

    // A POST without the session's token is refused.
    let forged = b
        .post(
            &format!("/cabinet/remote-voting/{}/cancel", mine[0].0),
            &[("csrf", "forged")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let cancelled = b
        .post(
            &format!("/cabinet/remote-voting/{}/cancel", mine[0].0),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(cancelled.status, 303);
    assert_eq!(
        applications(&c, VOTER).await[0].1,
        ApplicationStatus::Cancelled
    );

    let out = b.post("/cabinet/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    let after = b.get("/cabinet").await;
    assert!(after.body.contains("action=\"/cabinet/sign-in\""));

    // The audit log has the sign-in and sign-out, without the code.
    let log = c.store.audit_entries(0, 1000).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.event.action.as_str()).collect();
    for want in [
        "cabinet_code_issued",
        "cabinet_signed_in",
        "cabinet_signed_out",
    ] {
        assert!(actions.contains(&want), "{actions:?}");
    }
    assert!(log.iter().all(|e| !e.event.subject.contains(&code)));
}

#[tokio::test]
async fn five_wrong_codes_kill_the_challenge() {
    let c = cabinet().await;
    let b = Browser::new(&c);
    let page = b.ask_code(VOTER, PASSPORT).await;
    let code = outbox_code(&c).await;
    for left in (1..=4).rev() {
        let r = b.send_code(&page, wrong(&code)).await;
        assert_eq!(r.status, 401);
        let told =
            shailoo_web::Lang::Ky.t_args("cabinet-wrong-code", &[("left", left.to_string())]);
        assert!(r.body.contains(&told), "{}", r.body);
        assert!(r.body.contains("+996 *** ** 45 67"));
    }
    let dead = b.send_code(&page, wrong(&code)).await;
    assert_eq!(dead.status, 410);
    assert!(dead.body.contains("action=\"/cabinet/sign-in\""));
    // The right code no longer opens anything.
    let late = b.send_code(&page, &code).await;
    assert_ne!(late.status, 303);
    assert!(b.get("/cabinet").await.body.contains("/cabinet/sign-in"));
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let c = cabinet().await;
    let b = Browser::new(&c);
    let page = b.ask_code(VOTER, PASSPORT).await;
    let code = outbox_code(&c).await;
    c.clock.store(6 * 60, Ordering::SeqCst);
    let r = b.send_code(&page, &code).await;
    assert_eq!(r.status, 410, "{}", r.body);
    assert!(r.body.contains("action=\"/cabinet/sign-in\""));
}

#[tokio::test]
async fn unknown_pin_and_wrong_passport_get_the_same_answer() {
    let c = cabinet().await;
    let b = Browser::new(&c);
    let unknown = b.ask_code("20202199000999", PASSPORT).await;
    let mismatch = b.ask_code(VOTER, "AC1111111").await;
    assert_eq!(unknown.status, 401);
    assert_eq!(mismatch.status, 401);
    let message = |r: &Reply| {
        r.body
            .split("id=\"cabinet-error\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(!message(&unknown).is_empty());
    assert_eq!(message(&unknown), message(&mismatch));
    assert!(c.sms.outbox().is_empty());
    // A malformed passport number is caught before the registry is asked.
    let asked = c.registry.requests();
    let bad = b.ask_code(VOTER, "ID12345").await;
    assert_eq!(bad.status, 422);
    assert_eq!(c.registry.requests(), asked);
}

#[tokio::test]
async fn a_registry_outage_says_try_later_not_wrong_passport() {
    let c = cabinet().await;
    let b = Browser::new(&c);
    c.registry.set_available(false);
    let r = b.get("/cabinet?lang=en").await;
    assert_eq!(r.status, 200);
    let r = b.ask_code(VOTER, PASSPORT).await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.body.contains("try again a little later"), "{}", r.body);
    assert!(!r.body.contains("could not be confirmed"));
    // And the SMS gateway down is the same "try later".
    c.registry.set_available(true);
    c.sms.set_available(false);
    let r = b.ask_code(VOTER, PASSPORT).await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.body.contains("try again a little later"));
}

#[tokio::test]
async fn codes_are_rate_limited_per_pin_with_a_localized_429() {
    let c = cabinet().await;
    let b = Browser::new(&c);
    b.get("/cabinet?lang=ru").await;
    for _ in 0..3 {
        assert_eq!(b.ask_code(VOTER, PASSPORT).await.status, 200);
    }
    let limited = b.ask_code(VOTER, PASSPORT).await;
    assert_eq!(limited.status, 429);
    assert!(limited.retry_after.is_some());
    assert!(limited.body.contains("слишком часто"), "{}", limited.body);
    assert_eq!(c.sms.outbox().len(), 3);
    // Another PIN from the same address still gets its code.
    assert_eq!(b.ask_code(OTHER, "AN7654321").await.status, 200);
}

#[tokio::test]
async fn sign_ins_are_rate_limited_per_address() {
    let config = CabinetConfig {
        per_ip: shailoo_web::rate_limit::RateLimit {
            burst: 2,
            period: Duration::from_secs(600),
        },
        ..CabinetConfig::default()
    };
    let c = cabinet_with(config, true).await;
    let b = Browser::new(&c);
    assert_eq!(b.ask_code(VOTER, PASSPORT).await.status, 200);
    assert_eq!(b.ask_code("20202199000999", PASSPORT).await.status, 401);
    let limited = b.ask_code(OTHER, "AN7654321").await;
    assert_eq!(limited.status, 429);
}

#[tokio::test]
async fn another_voters_application_cannot_be_cancelled() {
    let c = cabinet().await;
    let b = Browser::new(&c);
    let home = b.sign_in(&c, VOTER, PASSPORT).await;
    let csrf = hidden(&home.body, "csrf");
    // OTHER's application is not shown to VOTER…
    assert!(!home.body.contains(&format!(
        "/cabinet/remote-voting/{}/cancel",
        c.other_application
    )));
    // …and a forged cancel is refused.
    let r = b
        .post(
            &format!("/cabinet/remote-voting/{}/cancel", c.other_application),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        applications(&c, OTHER).await[0].1,
        ApplicationStatus::Applied
    );
}

#[tokio::test]
async fn cal_12_a_remote_application_filed_online_after_the_deadline_is_refused() {
    let c = cabinet().await;
    // 2 November 2024, 00:00 Bishkek: CAL-12 ended with 1 November.
    let after: Timestamp = "2024-11-01T18:00:00Z".parse().unwrap();
    c.clock
        .store((after - fixed_now()).as_secs(), Ordering::SeqCst);
    let b = Browser::new(&c);
    let home = b.sign_in(&c, VOTER, PASSPORT).await;
    let csrf = hidden(&home.body, "csrf");
    let station = c.remote.number.to_string();
    let r = b
        .post(
            "/cabinet/remote-voting?lang=en",
            &[("csrf", &csrf), ("station", &station)],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("CAL-12"), "{}", r.body);
    assert!(applications(&c, VOTER).await.is_empty());
}

#[tokio::test]
async fn without_adapters_the_cabinet_is_not_available() {
    let c = cabinet_with(CabinetConfig::default(), false).await;
    let b = Browser::new(&c);
    for lang in ["ky", "ru", "en"] {
        let r = b.get(&format!("/cabinet?lang={lang}")).await;
        assert_eq!(r.status, 503);
        assert!(r.body.contains(&format!("lang=\"{lang}\"")));
    }
    let r = b.get("/cabinet?lang=en").await;
    assert!(r.body.contains("not available"), "{}", r.body);
    let r = b
        .post(
            "/cabinet/sign-in",
            &[("pin", VOTER), ("passport", PASSPORT)],
        )
        .await;
    assert_eq!(r.status, 503);
}

#[tokio::test]
async fn a_sign_in_form_from_elsewhere_is_refused() {
    let c = cabinet().await;
    let b = Browser::new(&c);
    // No form fetched: no double-submit cookie.
    let r = b
        .post(
            "/cabinet/sign-in",
            &[("csrf", "guess"), ("pin", VOTER), ("passport", PASSPORT)],
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(c.sms.outbox().is_empty());
}

/// A multipart body as a browser sends the claim form.
fn multipart(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----shailoo-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"passport\"; \
             filename=\"passport.png\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn vot_08_a_voter_files_a_claim_online_and_sees_its_status() {
    let c = cabinet().await;
    let b = Browser::new(&c);
    let home = b.sign_in(&c, VOTER, PASSPORT).await;
    assert!(
        home.body.contains("action=\"/cabinet/claims\""),
        "{}",
        home.body
    );
    let csrf = hidden(&home.body, "csrf");
    // Before filing, the voter sees their own entry as the list shows it.
    let page = b.get("/cabinet?lang=en").await;
    let entry = &page.body[page.body.find("id=\"cabinet-entry\"").expect("the entry")..];
    let entry = &entry[..entry.find("</dl>").unwrap()];
    assert!(entry.contains("Асанов Бакыт"), "{entry}");
    assert!(entry.contains("10.01.1990"), "{entry}");
    assert!(entry.contains("Чүй проспектиси, 1"), "{entry}");
    assert!(
        entry.contains("No. "),
        "the station the voter is listed at: {entry}"
    );
    // The correction form shows the current values beside its fields.
    assert!(
        page.body
            .contains("name=\"surname\" placeholder=\"Асанов\"")
    );
    // A real (tiny) PNG: a copy is recognised by its structure, not only its first bytes.
    let png = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shailoo-app/tests/data/passport.png"
    ));
    let file_correction = || async {
        let (content_type, body) = multipart(
            &[
                ("csrf", &csrf),
                ("kind", "correction"),
                ("surname", "Асанбеков"),
            ],
            png,
        );
        Browser::read(
            b.http
                .post(format!("{}/cabinet/claims?lang=en", b.base))
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    };
    let filed = file_correction().await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    // A second one while the first awaits a decision: refused, in words for the voter, not
    // the staff's "this voter already has…".
    let again = file_correction().await;
    assert_eq!(again.status, 409, "{}", again.body);
    let to_voter = shailoo_web::Lang::En
        .t("voter-error-claim_already_open")
        .replace('\'', "&#39;");
    assert!(again.body.contains(&to_voter), "{}", again.body);
    assert!(!again.body.contains("This voter"), "{}", again.body);
    let home = b.get("/cabinet?lang=en").await;
    assert!(home.body.contains("id=\"cabinet-claims\""), "{}", home.body);
    assert!(home.body.contains("Асанбеков"));
    assert!(home.body.contains("awaiting decision"));
    // A file that is no passport copy is refused, in the voter's language.
    let (content_type, body) = multipart(&[("csrf", &csrf), ("kind", "inclusion")], b"hello");
    let refused = Browser::read(
        b.http
            .post(format!("{}/cabinet/claims?lang=en", b.base))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(refused.status, 415, "{}", refused.body);
    assert!(refused.body.contains("JPEG, PNG or PDF"));
}
