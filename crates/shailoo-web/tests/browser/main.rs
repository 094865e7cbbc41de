//! A user journey in real headless Chromium, driven over WebDriver (fantoccini +
//! chromedriver): open the home page in Kyrgyz, switch to Russian, search a station, log in as
//! a CEC admin, add a station, see it listed. No JavaScript is involved: plain links and forms.
//!
//! Needs `/usr/bin/chromedriver` and Chromium (Debian: `chromium`, `chromium-driver`; another
//! driver can be named with `CHROMEDRIVER`). Without them the test prints a notice and passes,
//! unless `CI` is set: CI installs them, so there a missing driver is a failure.
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

#[allow(
    dead_code,
    reason = "shared with the `web` test binary, which uses all of it"
)]
#[path = "../web/common.rs"]
mod common;

#[allow(
    dead_code,
    reason = "shared with the `web` test binary, which uses all of it"
)]
#[path = "../web/candidacies_fixture.rs"]
mod candidacies_fixture;

#[allow(
    dead_code,
    reason = "shared with the `web` test binary, which uses all of it"
)]
#[path = "../web/results_fixture.rs"]
mod results_fixture;

// Each capability's journeys live in their own module beside this file; the driver, the server
// and the log-in helpers below are shared by all of them.
// i16-badges: journalists' badges verified offline.
mod badges;
mod candidates;
mod complaints;
mod filing;
mod results;
mod results_public;
mod violations;

use fantoccini::{ClientBuilder, Locator};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The chromedriver process, killed (by its own id) when the test ends, however it ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Starts chromedriver and a headless Chromium that asks for Kyrgyz pages; `None` (after a
/// notice) when the driver is not installed and `CI` is not set.
async fn open_browser(profile: &std::path::Path) -> Option<(Driver, fantoccini::Client)> {
    open_browser_as(profile, None).await
}

/// [`open_browser`], as a phone of `width` CSS pixels when one is given (Chromium's mobile
/// emulation: the viewport, the device pixel ratio and a touch screen).
async fn open_browser_as(
    profile: &std::path::Path,
    width: Option<u32>,
) -> Option<(Driver, fantoccini::Client)> {
    let driver_path = std::env::var_os("CHROMEDRIVER")
        .map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from);
    if !driver_path.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {} is missing",
            driver_path.display()
        );
        eprintln!(
            "notice: {} not found; skipping the browser test (apt-get install chromium chromium-driver)",
            driver_path.display()
        );
        return None;
    }

    // The driver, on a free port, reachable from this machine only.
    let port = free_port();
    let driver = Driver(
        Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port);

    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage",
                "--accept-lang=ky,ru",
                format!("--user-data-dir={}", profile.display()),
            ],
            // A Kyrgyz-speaking reader: the page follows Accept-Language.
            "prefs": { "intl.accept_languages": "ky,ru" }
        }),
    );
    if let Some(width) = width
        && let Some(serde_json::Value::Object(chrome)) = caps.get_mut("goog:chromeOptions")
    {
        chrome.insert(
            "mobileEmulation".into(),
            serde_json::json!({
                "deviceMetrics": { "width": width, "height": 740, "pixelRatio": 2.0, "touch": true }
            }),
        );
    }
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let browser = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap();
    Some((driver, browser))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cec_admin_adds_a_station_in_a_real_browser() {
    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser(profile.path()).await else {
        return;
    };

    // The server, on a port of its own.
    let app = common::app().await;
    let station = app.a_station().clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = shailoo_web::AppState::new(app.store.clone(), shailoo_web::Config::default())
        .with_clock(common::fixed_now);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(shailoo_web::serve_on(state, listener, async {
        let _ = stopped.await;
    }));

    let result = journey(&browser, &base, &station).await;
    let _ = browser.close().await;
    let _ = stop.send(());
    let _ = server.await;
    result.unwrap();
}

/// Waits until the browser shows a URL containing `part` and the document has loaded: an
/// element found before that could belong to the page being left.
async fn arrive(
    browser: &fantoccini::Client,
    part: &str,
) -> Result<(), fantoccini::error::CmdError> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let url = browser.current_url().await?;
        let ready = browser
            .execute("return document.readyState", vec![])
            .await?;
        if url.as_str().contains(part) && ready == "complete" {
            return Ok(());
        }
        assert!(
            Instant::now() < deadline,
            "never arrived at {part}; at {url}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn lang_of(browser: &fantoccini::Client) -> String {
    browser
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn journey(
    browser: &fantoccini::Client,
    base: &str,
    station: &shailoo_domain::territory::PollingStation,
) -> Result<(), fantoccini::error::CmdError> {
    use shailoo_web::Lang;

    // Home, in Kyrgyz: the browser asks for it.
    browser.goto(&format!("{base}/")).await?;
    assert_eq!(lang_of(browser).await, "ky");
    assert!(browser.source().await?.contains(&Lang::Ky.t("home-title")));

    // Switch to Russian with the visible language link; the choice sticks.
    browser
        .find(Locator::Css("a[hreflang='ru']"))
        .await?
        .click()
        .await?;
    arrive(browser, "lang=ru").await?;
    assert_eq!(lang_of(browser).await, "ru");

    // Search a station by its number.
    browser
        .find(Locator::LinkText(&Lang::Ru.t("nav-stations")))
        .await?
        .click()
        .await?;
    arrive(browser, "/stations").await?;
    assert_eq!(lang_of(browser).await, "ru", "the cookie keeps Russian");
    let search = browser.form(Locator::Css("form.search")).await?;
    search.set_by_name("q", &station.number.to_string()).await?;
    search.submit().await?;
    arrive(browser, "q=").await?;
    browser
        .find(Locator::Css(&format!(
            "a[href='/stations/{}']",
            station.number
        )))
        .await?
        .click()
        .await?;
    arrive(browser, &format!("/stations/{}", station.number)).await?;
    assert!(browser.source().await?.contains(&station.address.ru));

    // Log in as the CEC admin.
    browser
        .find(Locator::LinkText(&Lang::Ru.t("nav-login")))
        .await?
        .click()
        .await?;
    arrive(browser, "/login").await?;
    browser
        .find(Locator::Id("username"))
        .await?
        .send_keys("admin")
        .await?;
    browser
        .find(Locator::Id("password"))
        .await?
        .send_keys(common::PASSWORD)
        .await?;
    browser
        .find(Locator::Css("form.form button[type='submit']"))
        .await?
        .click()
        .await?;
    // The header names the signed-in user once the redirect home has landed.
    browser.wait().for_element(Locator::Css("span.who")).await?;
    assert!(browser.source().await?.contains("Test admin"), "logged in");

    // Add a station through the form: the council, the PEC and the settlement are picked
    // from lists by name.
    browser
        .find(Locator::LinkText(&Lang::Ru.t("nav-add-station")))
        .await?
        .click()
        .await?;
    arrive(browser, "/stations/new").await?;
    browser
        .find(Locator::Css(&format!(
            "select#council option[value='{}']",
            station.council
        )))
        .await?
        .click()
        .await?;
    browser
        .find(Locator::Css("#council-step button[type='submit']"))
        .await?
        .click()
        .await?;
    arrive(browser, "council=").await?;
    browser
        .find(Locator::Css(&format!(
            "select#commission option[value='{}']",
            station.commission
        )))
        .await?
        .click()
        .await?;
    for (id, value) in [
        ("number", "9100"),
        ("address_ky", "Чүй проспекти, 100"),
        ("address_ru", "проспект Чуй, 100"),
        ("address_en", "Chui Avenue 100"),
    ] {
        browser
            .find(Locator::Id(id))
            .await?
            .send_keys(value)
            .await?;
    }
    browser
        .find(Locator::Css("input[name='ramp']"))
        .await?
        .click()
        .await?;
    browser
        .find(Locator::Css(
            "form[method='post'].form button[type='submit']",
        ))
        .await?
        .click()
        .await?;
    // The POST redirects to the new station's page: wait for it to arrive.
    arrive(browser, "/stations/9100?added=1").await?;
    let page = browser.source().await?;
    assert!(page.contains(&Lang::Ru.t("station-added")), "added: {page}");
    assert!(page.contains("проспект Чуй, 100"));

    // It is listed.
    browser.goto(&format!("{base}/stations?q=9100")).await?;
    browser
        .find(Locator::Css("a[href='/stations/9100']"))
        .await?;
    Ok(())
}

/// The CEC admin chooses a register extract in the file input, submits the upload form, watches
/// the job page (it refreshes itself: no script) until the difference is shown, confirms it,
/// and watches the import's page until it is done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cec_admin_uploads_the_register_in_a_real_browser() {
    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser(profile.path()).await else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let summary = shailoo_generator::write_dataset(
        &shailoo_generator::Generator::new(shailoo_generator::Scale::Small, 2024),
        data.path(),
        |_| {},
    )
    .unwrap();
    let file = data.path().join(shailoo_formats::files::REGISTER);

    let app = common::app().await;
    let uploads = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = shailoo_web::AppState::new(app.store.clone(), shailoo_web::Config::default())
        .with_clock(common::fixed_now)
        .with_upload_dir(uploads.path());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(shailoo_web::serve_on(state, listener, async {
        let _ = stopped.await;
    }));

    let result = upload_journey(&browser, &base, &file).await;
    let _ = browser.close().await;
    let _ = stop.send(());
    let _ = server.await;
    let page = result.unwrap();
    assert!(page.contains("data-state=\"done\""), "{page}");
    let imports = app.store.register_imports(1).await.unwrap();
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0].added, summary.counts.persons);
    assert_eq!(imports[0].actor, "admin");
    assert_eq!(std::fs::read_dir(uploads.path()).unwrap().count(), 0);
}

async fn upload_journey(
    browser: &fantoccini::Client,
    base: &str,
    file: &std::path::Path,
) -> Result<String, fantoccini::error::CmdError> {
    use shailoo_web::Lang;

    browser
        .goto(&format!("{base}/login?next=/register"))
        .await?;
    browser
        .find(Locator::Id("username"))
        .await?
        .send_keys("admin")
        .await?;
    browser
        .find(Locator::Id("password"))
        .await?
        .send_keys(common::PASSWORD)
        .await?;
    browser
        .find(Locator::Css("form.form button[type='submit']"))
        .await?
        .click()
        .await?;
    arrive(browser, "/register").await?;
    assert!(
        browser
            .source()
            .await?
            .contains(&Lang::Ky.t("register-title"))
    );

    // Choose the file as a person would: the path goes into the file input.
    browser
        .find(Locator::Id("import-file"))
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    browser
        .find(Locator::Css("input[name='compile']"))
        .await?
        .click()
        .await?;
    browser
        .find(Locator::Css("#import-form button[type='submit']"))
        .await?
        .click()
        .await?;
    arrive(browser, "/register/jobs/").await?;

    // First the difference, nothing imported; the import waits for the confirmation.
    let preview = job_ended(browser).await?;
    assert!(preview.contains("data-state=\"previewed\""), "{preview}");
    assert!(preview.contains(&Lang::Ky.t("register-job-previewed")));
    browser
        .find(Locator::Css("#confirm-form button[type='submit']"))
        .await?
        .click()
        .await?;
    arrive(browser, "/register/jobs/2").await?;
    let page = job_ended(browser).await?;
    let imported = Lang::Ky.t_args("register-job-imported", &[("id", "1".to_owned())]);
    assert!(page.contains(&imported), "{page}");
    Ok(page)
}

/// The job page once it says how the job ended. It reloads itself every two seconds while the
/// job runs; caught mid-reload, its source is empty, so only a page that says so ends the wait.
async fn job_ended(browser: &fantoccini::Client) -> Result<String, fantoccini::error::CmdError> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let page = browser.source().await?;
        if ["done", "failed", "previewed"]
            .iter()
            .any(|s| page.contains(&format!("data-state=\"{s}\"")))
        {
            return Ok(page);
        }
        assert!(Instant::now() < deadline, "the job never finished: {page}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The voter cabinet in a real browser: PIN and passport typed in, the code read from the SMS
/// double's outbox (as the demo user reads it), typed in, the cabinet shown, sign-out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voter_signs_in_to_the_cabinet_in_a_real_browser() {
    use shailoo_domain::Pin;
    use shailoo_domain::identity::{Msisdn, PassportNumber};
    use shailoo_registries::doubles::{RegistryDouble, RegistryRecord, SmsDouble};
    use shailoo_registries::tunduk::DEFAULT_SERVICE;
    use shailoo_registries::{
        KannelConfig, KannelGateway, TundukConfig, TundukRegistry, XRoadClientId, XRoadServiceId,
    };
    use std::sync::Arc;

    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser(profile.path()).await else {
        return;
    };
    let app = common::app().await;
    let loopback = "127.0.0.1:0".parse().unwrap();
    let registry = RegistryDouble::new(DEFAULT_SERVICE);
    registry.insert(
        Pin::parse("20101199000123").unwrap(),
        RegistryRecord::valid(
            PassportNumber::parse("ID1234567").unwrap(),
            Some(Msisdn::parse("+996555124567").unwrap()),
        ),
    );
    let registry_server = registry.serve(loopback).await.unwrap();
    let sms = SmsDouble::new("shailoo", "sms-secret");
    let sms_server = sms.serve(loopback).await.unwrap();
    let tunduk = TundukRegistry::new(TundukConfig {
        security_server: registry_server.url(),
        client: XRoadClientId::parse("KG/GOV/70000001/shailoo").unwrap(),
        service: XRoadServiceId::parse(DEFAULT_SERVICE).unwrap(),
        timeout: Duration::from_secs(5),
    })
    .unwrap();
    let kannel = KannelGateway::new(KannelConfig {
        url: sms_server.url(),
        username: "shailoo".to_owned(),
        password: "sms-secret".to_owned(),
        from: "SHAILOO".to_owned(),
        timeout: Duration::from_secs(5),
    })
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = shailoo_web::AppState::new(app.store.clone(), shailoo_web::Config::default())
        .with_clock(common::fixed_now)
        .with_voter_cabinet(Arc::new(tunduk), Arc::new(kannel));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(shailoo_web::serve_on(state, listener, async {
        let _ = stopped.await;
    }));

    let outbox = format!("{}/outbox", sms_server.url());
    let result = cabinet_journey(&browser, &base, &outbox).await;
    let _ = browser.close().await;
    let _ = stop.send(());
    let _ = server.await;
    let page = result.unwrap();
    assert!(page.contains("/cabinet/sign-in"), "signed out: {page}");
    assert_eq!(sms.outbox().len(), 1);
}

async fn cabinet_journey(
    browser: &fantoccini::Client,
    base: &str,
    outbox: &str,
) -> Result<String, fantoccini::error::CmdError> {
    use shailoo_web::Lang;

    browser.goto(&format!("{base}/cabinet")).await?;
    arrive(browser, "/cabinet").await?;
    assert_eq!(lang_of(browser).await, "ky");
    browser
        .find(Locator::Id("pin"))
        .await?
        .send_keys("2 0101 1990 00123")
        .await?;
    browser
        .find(Locator::Id("passport"))
        .await?
        .send_keys("id1234567")
        .await?;
    browser
        .find(Locator::Css("form.form button[type='submit']"))
        .await?
        .click()
        .await?;
    // Each step waits for an element only the next page has (the URLs share a prefix).
    let wait = Duration::from_secs(15);
    browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("code"))
        .await?;
    let sent = browser.find(Locator::Id("code-sent")).await?.text().await?;
    assert!(sent.contains("+996 *** ** 45 67"), "{sent}");

    // The voter's phone: the double's outbox.
    let messages: serde_json::Value = reqwest::get(outbox).await.unwrap().json().await.unwrap();
    let text = messages[0]["text"].as_str().unwrap_or_default().to_owned();
    let code = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_default()
        .to_owned();
    browser
        .find(Locator::Id("code"))
        .await?
        .send_keys(&code)
        .await?;
    browser
        .find(Locator::Css("form.form button[type='submit']"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("form[action='/cabinet/sign-out']"))
        .await?;
    let page = browser.source().await?;
    assert!(page.contains(&Lang::Ky.t("cabinet-sign-out")), "{page}");
    assert!(page.contains(&Lang::Ky.t("cabinet-remote")));
    browser
        .find(Locator::Css("form[action='/cabinet/sign-out'] button"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("pin"))
        .await?;
    browser.source().await
}

/// The public turnout on a 360-pixel phone, on the evening of voting day: nothing sticks out
/// sideways (the document is no wider than the screen), and the chart fits the screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_turnout_page_fits_a_phone_screen() {
    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser_as(profile.path(), Some(360)).await else {
        return;
    };
    let app = common::app().await;
    let station = app
        .data
        .setup
        .stations
        .iter()
        .find(|s| !s.remote_voting)
        .unwrap()
        .clone();
    let area = app
        .data
        .station_areas
        .iter()
        .find(|a| a.station == station.number)
        .unwrap()
        .clone();
    let voters: Vec<_> = (1..=4u32)
        .map(|n| common::person(n, "Асанов", &area.settlement, &area.street, &n.to_string()))
        .collect();
    common::register_and_compile(app.store.as_ref(), voters.clone()).await;
    let election = app.data.setup.elections[0].clone();
    let at = |h: i8| {
        shailoo_domain::time::from_bishkek(election.voting_day, jiff::civil::time(h, 0, 0, 0))
    };
    for (v, h) in voters.iter().zip([9, 11, 15]) {
        app.store
            .check_in(&election.id, &v.pin, station.number, "pec", at(h))
            .await
            .unwrap();
    }
    let evening = at(21);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = shailoo_web::AppState::new(app.store.clone(), shailoo_web::Config::default())
        .with_clock(move || evening);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(shailoo_web::serve_on(state, listener, async {
        let _ = stopped.await;
    }));

    let result = phone_journey(&browser, &base, &election.id.to_string()).await;
    let _ = browser.close().await;
    let _ = stop.send(());
    let _ = server.await;
    result.unwrap();
}

async fn phone_journey(
    browser: &fantoccini::Client,
    base: &str,
    election: &str,
) -> Result<(), fantoccini::error::CmdError> {
    for lang in ["ky", "ru", "en"] {
        // Reached from the home page's link, as a reader would.
        browser.goto(&format!("{base}/?lang={lang}")).await?;
        browser
            .find(Locator::Css(&format!(
                "a[href='/elections/{election}/turnout']"
            )))
            .await?
            .click()
            .await?;
        arrive(browser, "/turnout").await?;
        let widths = browser
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth, \
                 document.querySelector('figure.chart svg').getBoundingClientRect().width]",
                vec![],
            )
            .await?;
        let w = |i: usize| widths[i].as_f64().unwrap_or(f64::MAX);
        // What sticks out past the phone's 360 pixels, to name it when the check fails.
        let wide = browser
            .execute(
                "return Array.from(document.querySelectorAll('body *'))\
                 .filter(e => e.getBoundingClientRect().right > 361)\
                 .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + \
                 Math.round(e.getBoundingClientRect().right) + ' ' + \
                 (e.textContent || '').trim().slice(0, 40))",
                vec![],
            )
            .await?;
        assert!(
            w(1) <= 361.0 && w(0) <= w(1),
            "{lang}: the page is wider than a 360-pixel screen: {widths:?}; {wide:#?}"
        );
        assert!(
            w(2) > 200.0 && w(2) <= w(1),
            "{lang}: the chart: {widths:?}"
        );
        // 3 of 4 voters took part: the final figure, and every hour's bar.
        let page = browser.source().await?;
        assert!(
            page.contains("75,0") || page.contains("75.0"),
            "{lang}: {page}"
        );
        assert_eq!(page.matches("<rect class=\"bar\"").count(), 6, "{lang}");
    }
    Ok(())
}

/// The CEC admin sets a rule of the election on its form in a real browser (a list to choose
/// from, a typed number), and a voter then reads it in words on `/rules`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cec_sets_a_rule_of_the_election_in_a_real_browser() {
    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser(profile.path()).await else {
        return;
    };
    let app = common::app().await;
    let election = app.data.setup.elections[0].id.to_string();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = shailoo_web::AppState::new(app.store.clone(), shailoo_web::Config::default())
        .with_clock(common::fixed_now);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(shailoo_web::serve_on(state, listener, async {
        let _ = stopped.await;
    }));

    let result = rules_journey(&browser, &base, &election).await;
    let _ = browser.close().await;
    let _ = stop.send(());
    let _ = server.await;
    result.unwrap();
}

async fn rules_journey(
    browser: &fantoccini::Client,
    base: &str,
    election: &str,
) -> Result<(), fantoccini::error::CmdError> {
    use shailoo_web::Lang;
    browser.goto(&format!("{base}/login?lang=ru")).await?;
    browser
        .find(Locator::Id("username"))
        .await?
        .send_keys("admin")
        .await?;
    browser
        .find(Locator::Id("password"))
        .await?
        .send_keys(common::PASSWORD)
        .await?;
    browser
        .find(Locator::Css("form.form button[type='submit']"))
        .await?
        .click()
        .await?;
    browser.wait().for_element(Locator::Css("span.who")).await?;

    // From /rules, the CEC's link to the form.
    browser.goto(&format!("{base}/rules")).await?;
    browser
        .find(Locator::LinkText(&Lang::Ru.t("rules-change-link")))
        .await?
        .click()
        .await?;
    arrive(browser, &format!("/elections/{election}/rules")).await?;
    // The threshold's base from its list (shown in words), the threshold typed.
    browser
        .find(Locator::Css(
            "select#p-threshold_base option[value='valid_votes']",
        ))
        .await?
        .click()
        .await?;
    let threshold = browser.find(Locator::Id("p-threshold_percent")).await?;
    threshold.clear().await?;
    threshold.send_keys("7").await?;
    browser
        .find(Locator::Css("form.form button[type='submit']"))
        .await?
        .click()
        .await?;
    arrive(browser, "/rules?election=").await?;
    let page = browser.source().await?;
    for text in [
        Lang::Ru.t("param-res-06-threshold-base-value-valid_votes"),
        Lang::Ru.t_args("param-res-06-threshold-value", &[("value", "7".into())]),
    ] {
        assert!(page.contains(&text), "{text} not on /rules");
    }
    Ok(())
}

/// Serves the small dataset on a port of its own, with the clock of the 2024 calendar; `run`
/// drives the browser against its base URL; the server stops however `run` ends.
async fn with_server<F, Fut>(browser: &fantoccini::Client, app: &common::TestApp, run: F)
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<(), fantoccini::error::CmdError>>,
{
    with_server_at(browser, app, common::fixed_now, run).await;
}

/// [`with_server`] with a clock of the journey's choosing (a day before a deadline).
async fn with_server_at<F, Fut>(
    browser: &fantoccini::Client,
    app: &common::TestApp,
    clock: fn() -> jiff::Timestamp,
    run: F,
) where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<(), fantoccini::error::CmdError>>,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = shailoo_web::AppState::new(app.store.clone(), shailoo_web::Config::default())
        .with_clock(clock);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(shailoo_web::serve_on(state, listener, async {
        let _ = stopped.await;
    }));
    let result = run(base).await;
    let _ = browser.clone().close().await;
    let _ = stop.send(());
    let _ = server.await;
    result.unwrap();
}

/// Logs in through the form and waits for the header to name the member.
async fn log_in(
    browser: &fantoccini::Client,
    base: &str,
    user: &str,
) -> Result<(), fantoccini::error::CmdError> {
    browser.goto(&format!("{base}/login")).await?;
    browser
        .find(Locator::Id("username"))
        .await?
        .send_keys(user)
        .await?;
    browser
        .find(Locator::Id("password"))
        .await?
        .send_keys(common::PASSWORD)
        .await?;
    browser
        .find(Locator::Css("form.form button[type='submit']"))
        .await?
        .click()
        .await?;
    browser.wait().for_element(Locator::Css("span.who")).await?;
    Ok(())
}

/// The visible texts of the staff menu's links.
async fn staff_menu(
    browser: &fantoccini::Client,
) -> Result<Vec<String>, fantoccini::error::CmdError> {
    let mut texts = Vec::new();
    for link in browser.find_all(Locator::Css("#staff-menu a")).await? {
        texts.push(link.text().await?);
    }
    Ok(texts)
}

/// A member, the menu entries it sees (message keys, in order), some it must not see, and the
/// entry it clicks with where that lands (none for a member without staff pages).
type RoleMenu = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    Option<(&'static str, &'static str)>,
);

/// Each role logs in and finds its own pages in the staff menu, in Kyrgyz, as
/// `shailoo_app::authz`'s table grants them, and reaches one of them by clicking: the CEC the
/// review of district schemes, a TEC remote voting, a PEC the check-in; a party's
/// representative has no staff page yet, and no menu.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_finds_its_pages_in_the_staff_menu_in_a_real_browser() {
    use shailoo_web::Lang;
    let app = common::app().await;
    common::add_representative(&*app.store, "rep.one", &app.cec()).await;
    let roles: [RoleMenu; 4] = [
        (
            "admin",
            &[
                "menu-override",
                "nav-add-station",
                "menu-accessibility",
                "menu-rule-parameters",
                "menu-district-drafts",
                "menu-district-review",
                "nav-register",
                "menu-remote-voting",
                "menu-claims",
                "menu-candidacies-registrations",
                "menu-complaints",
                "menu-media",
                // i16-badges
                "menu-campaign-places",
                "menu-results-dashboard",
                "menu-results-preliminary",
                "menu-violations",
            ],
            &[
                "menu-check-in",
                "menu-candidacies-queue",
                "menu-candidacies",
            ],
            Some(("menu-district-review", "/districts/review")),
        ),
        (
            "tec.one",
            &[
                "nav-add-station",
                "menu-accessibility",
                "menu-district-drafts",
                "menu-remote-voting",
                "menu-claims",
                "menu-candidacies-queue",
                "menu-candidacies-registrations",
                "menu-candidacies-ballot-order",
                "menu-complaints",
                "menu-campaign-places",
                "menu-results-councils",
                "menu-funds",
                "menu-violations",
            ],
            &[
                "menu-media",
                "menu-candidacies",
                "menu-district-review",
                "menu-override",
                "menu-rule-parameters",
                "nav-register",
                "menu-check-in",
            ],
            Some(("menu-remote-voting", "/remote-voting")),
        ),
        (
            "pec.one",
            &[
                "menu-accessibility",
                "menu-claims",
                "menu-complaints",
                "menu-check-in",
                "menu-results-entry",
            ],
            &[
                "menu-remote-voting",
                "nav-add-station",
                "menu-district-drafts",
                "nav-register",
                "menu-candidacies-queue",
            ],
            Some(("menu-check-in", "/check-in")),
        ),
        (
            "rep.one",
            &["menu-candidacies", "menu-funds"],
            &[
                "menu-claims",
                "nav-register",
                "menu-check-in",
                "menu-candidacies-queue",
                "menu-complaints",
                "menu-media",
            ],
            None,
        ),
    ];
    for (user, shown, hidden, click) in roles {
        let profile = tempfile::tempdir().unwrap();
        let Some((_driver, browser)) = open_browser(profile.path()).await else {
            return;
        };
        let b = browser.clone();
        with_server(&browser, &app, |base| async move {
            let browser = b;
            log_in(&browser, &base, user).await?;
            let menu = staff_menu(&browser).await?;
            let want: Vec<String> = shown.iter().map(|k| Lang::Ky.t(k)).collect();
            assert_eq!(menu, want, "{user}");
            for k in hidden {
                assert!(!menu.contains(&Lang::Ky.t(k)), "{user} sees {k}");
            }
            let Some((click, lands)) = click else {
                return Ok(());
            };
            browser
                .find(Locator::Css("#staff-menu"))
                .await?
                .find(Locator::LinkText(&Lang::Ky.t(click)))
                .await?
                .click()
                .await?;
            arrive(&browser, lands).await?;
            let current = browser
                .find(Locator::Css("#staff-menu a[aria-current='page']"))
                .await?
                .text()
                .await?;
            assert_eq!(current, Lang::Ky.t(click));
            Ok(())
        })
        .await;
    }
}

/// A PEC member types another commission's station into the check-in form: the page says, in
/// Russian, what the account may not do and who may, and its "back" link returns to the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_action_says_why_and_leads_back_in_a_real_browser() {
    use shailoo_web::Lang;
    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser(profile.path()).await else {
        return;
    };
    let app = common::app().await;
    let foreign = app
        .data
        .setup
        .stations
        .iter()
        .find(|s| s.commission == app.other_pec)
        .unwrap()
        .number;
    let b = browser.clone();
    with_server(&browser, &app, |base| async move {
        let browser = b;
        log_in(&browser, &base, "pec.one").await?;
        browser.goto(&format!("{base}/check-in?lang=ru")).await?;
        browser
            .find(Locator::Id("station"))
            .await?
            .send_keys(&foreign.to_string())
            .await?;
        browser
            .find(Locator::Css("form.form button[type='submit']"))
            .await?
            .click()
            .await?;
        arrive(&browser, &format!("/stations/{foreign}/check-in")).await?;
        let alert = browser
            .find(Locator::Css("p.error-box[role='alert']"))
            .await?
            .text()
            .await?;
        let why = Lang::Ru.t_args(
            "refusal-outside",
            &[
                ("role", Lang::Ru.t("role-pec_member")),
                ("action", Lang::Ru.t("power-check-in-voters")),
            ],
        );
        assert_eq!(alert, why);
        let who = browser
            .find(Locator::Css("p.refusal-reason"))
            .await?
            .text()
            .await?;
        assert!(
            who.contains(&Lang::Ru.t("refusal-grant-pec_member-below")),
            "{who}"
        );
        assert!(!browser.source().await?.contains("HTTP 403"));
        // The way back.
        browser
            .find(Locator::LinkText(&Lang::Ru.t("page-error-back")))
            .await?
            .click()
            .await?;
        arrive(&browser, "/check-in").await?;
        browser.find(Locator::Id("station")).await?;
        Ok(())
    })
    .await;
}
