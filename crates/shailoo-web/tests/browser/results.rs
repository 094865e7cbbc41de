//! Results in a real browser, on voting evening: two PEC operators enter a Bishkek protocol
//! (the second types one figure differently), the warning of the control checks is confirmed
//! against the paper, the TEC keeps the first entry, accepts with a comment on the warning and
//! determines the council's result, which its page then shows.

use super::{
    arrive, candidacies_fixture, common, log_in, open_browser, results_fixture, with_server_at,
};
use fantoccini::Locator;
use results_fixture::{
    add_user, bishkek_stations, evening, fix_ballot, import_the_others, protocol,
};
use shailoo_app::Role;
use shailoo_domain::CommissionId;
use shailoo_domain::protocol::Protocol;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_operators_enter_the_tec_accepts_and_determines_in_a_real_browser() {
    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser(profile.path()).await else {
        return;
    };
    let app = common::app().await;
    let _filed = candidacies_fixture::filed(&app).await;
    fix_ballot(&app).await;
    let (station, pec) = bishkek_stations(&app).remove(0);
    add_user(&app, "op.a", Role::PecMember, &pec).await;
    add_user(&app, "op.b", Role::PecMember, &pec).await;
    let tec = CommissionId::parse("tec-bishkek").unwrap();
    add_user(&app, "tec.b", Role::TecMember, &tec).await;
    import_the_others(&app).await;
    let first = protocol(station, 500);
    let second = protocol(station, 499);
    with_server_at(&browser, &app, evening, |base| {
        journey(browser.clone(), base, station.get(), first, second)
    })
    .await;
}

/// Types a protocol into the form, field by field.
async fn type_protocol(
    browser: &fantoccini::Client,
    p: &Protocol,
) -> Result<(), fantoccini::error::CmdError> {
    let lines = [
        p.voters_on_list,
        p.voters_on_additional_lists,
        p.ballots_received,
        p.ballots_issued_at_station,
        p.ballots_issued_outside,
        p.voters_took_part,
        p.ballots_cancelled,
        p.ballots_in_mobile_boxes,
        p.ballots_in_stationary_boxes,
        p.valid_ballots,
        p.invalid_ballots,
    ];
    let mut values: Vec<(String, u32)> = lines
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("line.{i}"), *v))
        .collect();
    values.push(("party.ak-zhol".into(), p.votes[0].votes));
    values.push(("line.12".into(), p.against_all.unwrap_or(0)));
    for (name, value) in values {
        let input = browser
            .find(Locator::Css(&format!("input[name='{name}']")))
            .await?;
        input.clear().await?;
        input.send_keys(&value.to_string()).await?;
    }
    Ok(())
}

/// One operator's entry: the form, the warning confirmed, sent.
async fn enter(
    browser: &fantoccini::Client,
    base: &str,
    user: &str,
    station: u32,
    p: &Protocol,
) -> Result<String, fantoccini::error::CmdError> {
    browser.delete_all_cookies().await?;
    log_in(browser, base, user).await?;
    browser.goto(&format!("{base}/protocols?lang=en")).await?;
    browser
        .find(Locator::Css(&format!("tr[data-station='{station}'] a")))
        .await?
        .click()
        .await?;
    arrive(browser, "contest=party_list").await?;
    type_protocol(browser, p).await?;
    browser
        .find(Locator::Css("#protocol-form button[type='submit']"))
        .await?
        .click()
        .await?;
    // The warning is shown beside the form; the operator confirms the paper says so.
    browser
        .wait()
        .for_element(Locator::Id("confirm_warnings"))
        .await?
        .click()
        .await?;
    let page = browser.source().await?;
    assert!(page.contains("data-severity=\"warning\""), "{page}");
    browser
        .find(Locator::Css("#protocol-form button[type='submit']"))
        .await?
        .click()
        .await?;
    arrive(browser, "done=").await?;
    browser.find(Locator::Id("stage")).await?.text().await
}

async fn journey(
    browser: fantoccini::Client,
    base: String,
    station: u32,
    first: Protocol,
    second: Protocol,
) -> Result<(), fantoccini::error::CmdError> {
    use shailoo_web::Lang;
    let stage = enter(&browser, &base, "op.a", station, &first).await?;
    assert_eq!(stage, Lang::En.t("protocols-stage-first-entered"));
    let stage = enter(&browser, &base, "op.b", station, &second).await?;
    assert_eq!(stage, Lang::En.t("protocols-stage-differs"));

    // The TEC finds the council in its menu and the difference field by field.
    browser.delete_all_cookies().await?;
    log_in(&browser, &base, "tec.b").await?;
    browser.goto(&format!("{base}/?lang=en")).await?;
    browser
        .find(Locator::LinkText(&Lang::En.t("menu-results-councils")))
        .await?
        .click()
        .await?;
    arrive(&browser, "/protocols/councils").await?;
    browser
        .find(Locator::Css("#councils a"))
        .await?
        .click()
        .await?;
    arrive(&browser, "/councils/bishkek-city").await?;
    let section = format!("#protocol-{station}-party_list");
    let differences = browser
        .find(Locator::Css(&format!("{section} table.differences")))
        .await?
        .text()
        .await?;
    assert!(
        differences.contains("500") && differences.contains("499"),
        "{differences}"
    );
    browser
        .find(Locator::Css(&format!(
            "{section} button[value='keep_first']"
        )))
        .await?
        .click()
        .await?;
    arrive(&browser, "done=keep_first").await?;

    // The warning is commented as the protocol is accepted.
    browser
        .find(Locator::Css(&format!(
            "{section} form.accept input[name='comment']"
        )))
        .await?
        .send_keys("One voter took the ballot away; the act is attached.")
        .await?;
    browser
        .find(Locator::Css(&format!("{section} form.accept button")))
        .await?
        .click()
        .await?;
    arrive(&browser, "done=accept").await?;
    let stage = browser
        .find(Locator::Css(&section))
        .await?
        .attr("data-stage")
        .await?;
    assert_eq!(stage.as_deref(), Some("accepted"));

    // Every protocol accepted: the result is determined and shown.
    browser
        .find(Locator::Id("determine"))
        .await?
        .click()
        .await?;
    arrive(&browser, "done=determined").await?;
    let status = browser
        .find(Locator::Id("result-status"))
        .await?
        .attr("data-status")
        .await?;
    assert_ne!(status.as_deref(), Some("incomplete"));
    let determined = browser
        .find(Locator::Id("determined"))
        .await?
        .text()
        .await?;
    assert!(determined.contains("tec.b"), "{determined}");
    let result = browser
        .find(Locator::Css("table.result"))
        .await?
        .text()
        .await?;
    assert!(result.contains("Ак Жол"), "{result}");
    Ok(())
}
