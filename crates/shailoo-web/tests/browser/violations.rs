//! Violation reports in a real browser: a witness files a report on the public form, the
//! TEC's rapid-response group triages and resolves it from its desk, and the witness follows
//! it with the tracking code.

use super::{arrive, common, log_in, open_browser, with_server};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_violation_report_is_filed_and_followed_by_its_tracking_code() {
    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser(profile.path()).await else {
        return;
    };
    let app = common::app().await;
    let station = app
        .data
        .setup
        .stations
        .iter()
        .find(|s| s.commission == app.own_pec)
        .unwrap()
        .number
        .to_string();
    with_server(&browser, &app, |base| {
        journey(browser.clone(), base, station)
    })
    .await;
}

async fn journey(
    browser: fantoccini::Client,
    base: String,
    station: String,
) -> Result<(), fantoccini::error::CmdError> {
    use shailoo_web::Lang;
    // The witness files the report.
    browser.goto(&format!("{base}/violations?lang=en")).await?;
    browser
        .find(Locator::Id("text"))
        .await?
        .send_keys("Money handed out in the queue")
        .await?;
    browser
        .find(Locator::Id("station"))
        .await?
        .send_keys(&station)
        .await?;
    browser
        .find(Locator::Css("#report-form button[type='submit']"))
        .await?
        .click()
        .await?;
    let code = browser
        .wait()
        .for_element(Locator::Id("tracking-code"))
        .await?
        .text()
        .await?;
    assert!(code.starts_with("V-"), "{code}");

    // The TEC's group triages and resolves it.
    log_in(&browser, &base, "tec.one").await?;
    browser.goto(&format!("{base}/?lang=en")).await?;
    browser
        .find(Locator::LinkText(&Lang::En.t("menu-violations")))
        .await?
        .click()
        .await?;
    arrive(&browser, "/violations/desk").await?;
    browser.find(Locator::LinkText("1")).await?.click().await?;
    arrive(&browser, "/violations/desk/local-2024/1").await?;
    browser
        .find(Locator::Css("#triage-form button"))
        .await?
        .click()
        .await?;
    arrive(&browser, "/violations/desk/local-2024/1").await?;
    browser
        .wait()
        .for_element(Locator::Css("dl[data-status='triaged']"))
        .await?;
    browser
        .find(Locator::Id("to"))
        .await?
        .send_keys("tec.one")
        .await?;
    browser
        .find(Locator::Css("#assign-form button"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Css("dl[data-status='assigned']"))
        .await?;
    browser
        .find(Locator::Id("note"))
        .await?
        .send_keys("The group stopped it")
        .await?;
    browser
        .find(Locator::Css("#close-form button"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Css("dl[data-status='resolved']"))
        .await?;

    // The witness follows it with the code, typed in lower case without dashes.
    browser
        .goto(&format!("{base}/violations/track?lang=en"))
        .await?;
    browser
        .find(Locator::Id("code"))
        .await?
        .send_keys(&code.to_lowercase().replace('-', ""))
        .await?;
    browser
        .find(Locator::Css("form.search button"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Css("#tracked[data-status='resolved']"))
        .await?;
    let page = browser.source().await?;
    assert!(page.contains("The group stopped it"), "{page}");
    assert!(page.contains(&Lang::En.t("violation-status-resolved")));
    Ok(())
}
