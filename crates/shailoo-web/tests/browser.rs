//! A user journey in real headless Chromium, driven over WebDriver (fantoccini +
//! chromedriver): open the home page in Kyrgyz, switch to Russian, search a station, log in as
//! a CEC admin, add a station, see it listed. No JavaScript is involved: plain links and forms.
//!
//! Needs `/usr/bin/chromedriver` and Chromium (Debian: `chromium`, `chromium-driver`; another
//! driver can be named with `CHROMEDRIVER`). Without them the test prints a notice and passes,
//! unless `CI` is set: CI installs them, so there a missing driver is a failure.
#![allow(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

#[allow(
    dead_code,
    reason = "shared with the `web` test binary, which uses all of it"
)]
#[path = "web/common.rs"]
mod common;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cec_admin_adds_a_station_in_a_real_browser() {
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
        return;
    }

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

    // The driver, on a free port, reachable from this machine only.
    let port = free_port();
    let _driver = Driver(
        Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port);

    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage",
                "--accept-lang=ky,ru",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            // A Kyrgyz-speaking reader: the page follows Accept-Language.
            "prefs": { "intl.accept_languages": "ky,ru" }
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let browser = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap();

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

    // Add a station through the form.
    browser
        .find(Locator::LinkText(&Lang::Ru.t("nav-add-station")))
        .await?
        .click()
        .await?;
    arrive(browser, "/stations/new").await?;
    for (id, value) in [
        ("number", "9100"),
        ("commission", station.commission.as_str()),
        ("council", station.council.as_str()),
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
        .find(Locator::Css("form.form button[type='submit']"))
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
