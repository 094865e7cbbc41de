//! The public results in a real browser: once every Bishkek protocol is accepted and the TEC
//! determined the result, a reader goes from the main navigation to `/results`, follows the
//! council and reads the official count with its chart, in Kyrgyz and then in Russian.

use super::{arrive, candidacies_fixture, common, results_fixture, with_server_at};
use fantoccini::Locator;
use results_fixture::{
    bishkek, bishkek_stations, election, evening, fix_ballot, import_the_others, protocol,
};
use shailoo_app::{Actor, results};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_finds_the_official_result_of_a_council_in_a_real_browser() {
    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = super::open_browser(profile.path()).await else {
        return;
    };
    let app = common::app().await;
    let _filed = candidacies_fixture::filed(&app).await;
    fix_ballot(&app).await;
    import_the_others(&app).await;
    let ctx = results::council_context(app.store.as_ref(), &election(), &bishkek(), evening())
        .await
        .unwrap();
    let mut first = protocol(bishkek_stations(&app)[0].0, 500);
    first.voters_took_part = 600;
    results::import_protocol(
        app.store.as_ref(),
        &ctx,
        &Actor::System,
        first,
        "",
        evening(),
    )
    .await
    .unwrap();
    results::determine(app.store.as_ref(), &ctx, &Actor::System, vec![], evening())
        .await
        .unwrap();
    with_server_at(&browser, &app, evening, |base| {
        journey(browser.clone(), base)
    })
    .await;
}

async fn journey(
    browser: fantoccini::Client,
    base: String,
) -> Result<(), fantoccini::error::CmdError> {
    use shailoo_web::Lang;
    browser.goto(&format!("{base}/")).await?;
    browser
        .find(Locator::LinkText(&Lang::Ky.t("nav-results")))
        .await?
        .click()
        .await?;
    arrive(&browser, "/results").await?;
    let row = browser
        .find(Locator::Css("tr#council-bishkek-city"))
        .await?;
    assert!(
        row.text()
            .await?
            .contains(&Lang::Ky.t("results-public-official"))
    );
    row.find(Locator::Css("a")).await?.click().await?;
    arrive(&browser, "/results/local-2024/bishkek-city").await?;
    let official = browser.find(Locator::Css("#official")).await?;
    assert_eq!(
        official.attr("data-official").await?.as_deref(),
        Some("true")
    );
    assert!(
        browser
            .find(Locator::Css("#contest-party-list svg"))
            .await
            .is_ok(),
        "the chart of the votes"
    );
    assert!(browser.find(Locator::Css("#option-ak-zhol")).await.is_ok());
    browser
        .goto(&format!("{base}/results/local-2024/bishkek-city?lang=ru"))
        .await?;
    let page = browser.source().await?;
    assert!(
        page.contains(&Lang::Ru.t("results-public-official")),
        "{page}"
    );
    assert!(page.contains(&Lang::Ru.t("results-public-against-all")));
    Ok(())
}
