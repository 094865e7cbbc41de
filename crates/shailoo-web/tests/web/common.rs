//! Shared fixtures: a fresh SQLite store per test loaded with the generator's small dataset,
//! staff accounts, a fixed clock, and a tiny cookie-keeping client over `oneshot`.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use jiff::Timestamp;
use shailoo_app::AuditAction;
use shailoo_app::{AuditEvent, NewUser, Role, Store, Username};
use shailoo_domain::CommissionId;
use shailoo_domain::territory::{CommissionLevel, PollingStation};
use shailoo_generator::{Dataset, Generator, Scale};
use shailoo_web::{AppState, Config};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use tempfile::TempDir;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct-horse-battery";

/// 1 October 2024, 12:00 in Bishkek: city nomination is open (it closes on 7 October, 18:00).
pub fn fixed_now() -> Timestamp {
    "2024-10-01T06:00:00Z".parse().expect("timestamp")
}

/// Argon2 is slow in debug builds: hash the one test password once per test binary.
pub fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| shailoo_app::accounts::hash_password(PASSWORD).expect("hash"))
        .clone()
}

pub struct TestApp {
    pub router: Router,
    pub data: Dataset,
    pub store: Arc<dyn Store>,
    /// A TEC with PECs, the member of which is `tec.one`.
    pub own_tec: CommissionId,
    /// A PEC under `own_tec`.
    pub own_pec: CommissionId,
    /// A PEC under another TEC.
    pub other_pec: CommissionId,
    /// `sqlite` or `postgres`, for the messages of tests that run on both.
    pub engine: &'static str,
    _dir: TempDir,
    /// Last: the store's connections close before the database is dropped.
    _pg: Option<PgDatabase>,
}

pub async fn app() -> TestApp {
    app_with_config(Config::default()).await
}

/// [`app`] with settings of the test's choosing.
pub async fn app_with_config(config: Config) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    app_on(url, dir, None, config).await
}

/// [`app`] on each engine: SQLite, and PostgreSQL (a new database through the admin URL in
/// `SHAILOO_TEST_POSTGRES_URL`, dropped with the app) for what must behave the same on both.
/// Without the variable only SQLite, with a notice, unless `CI` is set: then it fails.
pub async fn apps_on_both_engines() -> Vec<TestApp> {
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = format!("sqlite://{}", dir.path().join("web.db").display());
    let mut apps = vec![app_on(sqlite, dir, None, Config::default()).await];
    match std::env::var("SHAILOO_TEST_POSTGRES_URL") {
        Ok(admin) if !admin.trim().is_empty() => {
            let db = PgDatabase::create(&admin).await;
            let url = db.url.clone();
            let dir = tempfile::tempdir().expect("tempdir");
            apps.push(app_on(url, dir, Some(db), Config::default()).await);
        }
        _ if std::env::var_os("CI").is_some() => {
            panic!("SHAILOO_TEST_POSTGRES_URL is not set, and CI must run these on PostgreSQL too")
        }
        _ => eprintln!("notice: SHAILOO_TEST_POSTGRES_URL is not set; SQLite only"),
    }
    apps
}

/// A PostgreSQL database of one test, dropped (connections and all) when the app is.
pub struct PgDatabase {
    admin: String,
    name: String,
    url: String,
}

impl PgDatabase {
    async fn create(admin: &str) -> PgDatabase {
        use sqlx::Connection;
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "shailoo_web_test_{}_{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = sqlx::PgConnection::connect(admin)
            .await
            .expect("connect to SHAILOO_TEST_POSTGRES_URL");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut conn)
            .await
            .expect("create the test database");
        let mut url = url::Url::parse(admin).expect("admin URL");
        url.set_path(&format!("/{name}"));
        PgDatabase {
            admin: admin.to_owned(),
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread of its own.
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            use sqlx::Connection;
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await
                    .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("notice: test database {} was not dropped", self.name);
        }
    }
}

async fn app_on(url: String, dir: TempDir, pg: Option<PgDatabase>, config: Config) -> TestApp {
    let store = shailoo_store::connect(&url).await.expect("store");
    let data = Generator::new(Scale::Small, 2024).dataset();
    store
        .import_setup(
            &data.setup,
            &data.station_areas,
            AuditEvent::new("system", AuditAction::SetupImported, "small", fixed_now()),
        )
        .await
        .expect("import");

    let pecs: Vec<_> = data
        .setup
        .commissions
        .iter()
        .filter(|c| c.level == CommissionLevel::Pec)
        .collect();
    let own_pec = pecs.first().expect("a PEC").id.clone();
    let own_tec = pecs
        .first()
        .and_then(|p| p.parent.clone())
        .expect("a PEC has a TEC");
    let other_pec = pecs
        .iter()
        .find(|p| p.parent.as_ref() != Some(&own_tec))
        .expect("a PEC under another TEC")
        .id
        .clone();

    let cec = data
        .setup
        .commissions
        .iter()
        .find(|c| c.level == CommissionLevel::Cec)
        .expect("the CEC")
        .id
        .clone();
    for (name, role, commission) in [
        ("admin", Role::CecAdmin, cec),
        ("tec.one", Role::TecMember, own_tec.clone()),
        ("pec.one", Role::PecMember, own_pec.clone()),
    ] {
        store
            .add_user(
                &NewUser {
                    username: Username::parse(name).expect("username"),
                    display_name: format!("Test {name}"),
                    role,
                    commission,
                    password_hash: password_hash(),
                },
                AuditEvent::new("system", AuditAction::UserAdded, name, fixed_now()),
            )
            .await
            .expect("user");
    }

    let state = AppState::new(store.clone(), config).with_clock(fixed_now);
    TestApp {
        router: shailoo_web::router(state),
        data,
        store,
        own_tec,
        own_pec,
        other_pec,
        engine: if pg.is_some() { "postgres" } else { "sqlite" },
        _dir: dir,
        _pg: pg,
    }
}

impl TestApp {
    /// The CEC, the commission of `admin`.
    pub fn cec(&self) -> CommissionId {
        self.data
            .setup
            .commissions
            .iter()
            .find(|c| c.level == CommissionLevel::Cec)
            .expect("the CEC")
            .id
            .clone()
    }

    /// A station of the dataset.
    pub fn a_station(&self) -> &PollingStation {
        self.data.setup.stations.first().expect("a station")
    }
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }
}

/// A client that keeps cookies between requests, like a browser.
#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookies: BTreeMap<String, String>,
    pub headers: Vec<(String, String)>,
}

impl Client {
    pub fn new(app: &TestApp) -> Client {
        Client {
            router: app.router.clone(),
            cookies: BTreeMap::new(),
            headers: Vec::new(),
        }
    }

    /// A client of another router (the same store served with another clock, say).
    pub fn of_router(router: Router) -> Client {
        Client {
            router,
            cookies: BTreeMap::new(),
            headers: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> Reply {
        if !self.cookies.is_empty() {
            let c = self.cookie_header();
            req.headers_mut()
                .insert(header::COOKIE, c.parse().expect("cookie header"));
        }
        for (k, v) in &self.headers {
            req.headers_mut().insert(
                header::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                v.parse().expect("value"),
            );
        }
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 10 << 20)
            .await
            .expect("body");
        let reply = Reply {
            status,
            headers,
            body: String::from_utf8(bytes.to_vec()).expect("utf-8"),
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

    pub async fn get(&mut self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    pub async fn post_form(&mut self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            body.append_pair(k, v);
        }
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body.finish()))
                .expect("request"),
        )
        .await
    }

    /// Logs in through the form, as a browser would: GET the form, POST it back.
    pub async fn login(&mut self, username: &str, password: &str) -> Reply {
        let form = self.get("/login").await;
        let csrf = hidden(&form.body, "csrf");
        self.post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }
}

/// The value of a hidden input in a page.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.split(&marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A person of the register, of age and eligible, at `house` on `street` of `settlement`.
pub fn person(
    serial: u32,
    surname: &str,
    settlement: &shailoo_domain::TerritoryId,
    street: &str,
    house: &str,
) -> shailoo_domain::register::RegisterRecord {
    let birth = jiff::civil::date(1990, 4, 12);
    shailoo_domain::register::RegisterRecord {
        pin: shailoo_domain::Pin::compose(shailoo_domain::Sex::Male, birth, serial),
        surname: surname.into(),
        given_name: "Азамат".into(),
        patronymic: Some("Токтогулович".into()),
        sex: shailoo_domain::Sex::Male,
        birth_date: birth,
        citizen: true,
        biometrics: true,
        settlement: settlement.clone(),
        street: street.into(),
        house: house.into(),
        address_registered_on: jiff::civil::date(2012, 6, 1),
        residence_stamp: false,
        court_incapable: false,
        imprisoned: false,
    }
}

/// Imports `persons` as the register and compiles the 2024 lists from it, at [`fixed_now`].
pub async fn register_and_compile(
    store: &dyn Store,
    persons: Vec<shailoo_domain::register::RegisterRecord>,
) {
    use shailoo_app::voters::{self, ImportBatcher, ImportOptions};
    let mut import = store
        .begin_register_import(ImportOptions::apply(
            "web-test",
            "system",
            fixed_now(),
            None,
            None,
        ))
        .await
        .expect("import");
    let mut batcher = ImportBatcher::new(None, 1_000, persons.len() as u64);
    for p in persons {
        assert!(batcher.add(p).is_none());
    }
    let (batch, duplicates) = batcher.finish();
    import.push(&batch).await.expect("push");
    import.finish(&duplicates).await.expect("finish");
    let election = shailoo_domain::ElectionId::parse("local-2024").expect("id");
    voters::compile(store, &election, "system", fixed_now())
        .await
        .expect("compile");
}

/// Accredits `username`, a representative of the generator's first party, for the CEC
/// `cec` (registering the party first), as `shailoo_app::candidates` does: the account every
/// role list of the tests includes.
pub async fn add_representative(
    store: &dyn Store,
    username: &str,
    cec: &CommissionId,
) -> shailoo_domain::candidate::PartyId {
    let party = Generator::new(Scale::Small, 2024)
        .parties()
        .into_iter()
        .next()
        .expect("a party");
    store
        .add_party(
            &party,
            AuditEvent::new(
                "system",
                AuditAction::PartyAdded,
                party.id.as_str(),
                fixed_now(),
            ),
        )
        .await
        .expect("party");
    store
        .add_representative(
            &NewUser {
                username: Username::parse(username).expect("username"),
                display_name: format!("Test {username}"),
                role: Role::PartyRepresentative,
                commission: cec.clone(),
                password_hash: password_hash(),
            },
            &party.id,
            AuditEvent::new(
                "system",
                AuditAction::PartyRepresentativeAdded,
                username,
                fixed_now(),
            ),
        )
        .await
        .expect("representative");
    party.id
}
