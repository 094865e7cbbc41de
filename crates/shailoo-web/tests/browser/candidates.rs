//! Candidates in a real browser: the TEC's queue, its decisions, and what Talapker shows of them.

use super::{arrive, candidacies_fixture, common, log_in, open_browser, with_server};
use fantoccini::Locator;

/// The TEC of Bishkek finds the party list awaiting its decision through the staff menu, reads
/// each check with its evidence, and refuses registration naming the ground (CAN-09); the
/// public then reads the refusal and its ground on Talapker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tec_refuses_a_list_naming_its_ground_in_a_real_browser() {
    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser(profile.path()).await else {
        return;
    };
    let app = common::app().await;
    let filed = candidacies_fixture::filed(&app).await;
    // The account, made as the journey tests make it (its client is not used here).
    candidacies_fixture::bishkek_tec(&app).await;
    let pending = filed.pending[0].surname.clone();
    with_server(&browser, &app, |base| {
        refusal_journey(browser.clone(), base, pending)
    })
    .await;
}

async fn refusal_journey(
    browser: fantoccini::Client,
    base: String,
    pending: String,
) -> Result<(), fantoccini::error::CmdError> {
    use shailoo_web::Lang;
    log_in(&browser, &base, "tec.bishkek").await?;
    browser.goto(&format!("{base}/?lang=ru")).await?;
    browser
        .find(Locator::LinkText(&Lang::Ru.t("menu-candidacies-queue")))
        .await?
        .click()
        .await?;
    arrive(&browser, "/candidacies/queue").await?;
    let page = browser.source().await?;
    assert!(page.contains(&pending), "the pending list is in the queue");
    assert!(page.contains(&Lang::Ru.t("queue-check-pass")));
    assert!(page.contains(&Lang::Ru.t("registry-criminal-record")));
    // The ground chosen from its list, in words.
    browser
        .find(Locator::Css(
            "form.decision select option[value='CAN-08_documents_deficient']",
        ))
        .await?
        .click()
        .await?;
    browser
        .find(Locator::Css("form.decision button[name='refuse']"))
        .await?
        .click()
        .await?;
    arrive(&browser, "/candidacies/queue?election=").await?;
    let page = browser.source().await?;
    assert!(page.contains(&Lang::Ru.t("queue-done-refused")), "{page}");
    assert!(page.contains(&Lang::Ru.t("queue-empty")));

    // The public reads the refusal with its ground.
    browser
        .goto(&format!(
            "{base}/talapker/local-2024?party=tash-kol&lang=ru"
        ))
        .await?;
    let page = browser.source().await?;
    assert!(page.contains(&pending));
    assert!(page.contains(&Lang::Ru.t("talapker-status-refused")));
    assert!(page.contains("CAN-08"));
    Ok(())
}
