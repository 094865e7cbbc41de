//! Campaign and disputes in a real browser: a media outlet's application whose price list
//! breaches CMP-02, and a complaint's path from its paper intake (with the complainant's
//! scan) to the court's act with its clock.

use super::{arrive, common, log_in, open_browser, with_server, with_server_at};
use fantoccini::Locator;
use shailoo_app::complaints::{self, AppealDraft, DecisionDraft, Document, Outcome, Text};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_app::{AuditAction, AuditEvent, NewUser};
use shailoo_domain::CommissionId;

async fn add(app: &common::TestApp, name: &str, role: Role, commission: &CommissionId) {
    app.store
        .add_user(
            &NewUser {
                username: Username::parse(name).unwrap(),
                display_name: format!("Test {name}"),
                role,
                commission: commission.clone(),
                password_hash: common::password_hash(),
            },
            AuditEvent::new("system", AuditAction::UserAdded, name, common::fixed_now()),
        )
        .await
        .unwrap();
}

fn before_cal_03() -> jiff::Timestamp {
    "2024-09-20T06:00:00Z".parse().unwrap()
}

/// A CEC clerk enters an outlet's application with a price list that gives one party a lower
/// price and sets the election price above the earlier one; the page shows both CMP-02
/// breaches with the lines of the file concerned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_media_outlet_applies_and_its_price_breach_is_found_in_a_real_browser() {
    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser(profile.path()).await else {
        return;
    };
    let app = common::app().await;
    let file = profile.path().join("media_prices.csv");
    std::fs::write(
        &file,
        "period,service,unit,buyer,price,charged_on\n\
         election,airtime_prime,minute,all,1500,\n\
         earlier,airtime_prime,minute,,1200,2024-07-01\n\
         election,airtime_prime,minute,yntymak,1000,\n",
    )
    .unwrap();
    with_server_at(&browser, &app, before_cal_03, |base| {
        media_journey(browser.clone(), base, file)
    })
    .await;
}

async fn media_journey(
    browser: fantoccini::Client,
    base: String,
    file: std::path::PathBuf,
) -> Result<(), fantoccini::error::CmdError> {
    use shailoo_web::Lang;
    log_in(&browser, &base, "admin").await?;
    browser.goto(&format!("{base}/?lang=en")).await?;
    browser
        .find(Locator::LinkText(&Lang::En.t("menu-media")))
        .await?
        .click()
        .await?;
    arrive(&browser, "/media").await?;
    browser
        .find(Locator::Id("m-name"))
        .await?
        .send_keys("Ordo TV")
        .await?;
    browser
        .find(Locator::Id("m-prices"))
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    browser
        .find(Locator::Css("form.apply button[type='submit']"))
        .await?
        .click()
        .await?;
    arrive(&browser, "done=filed").await?;
    let page = browser.source().await?;
    assert!(page.contains(&Lang::En.t_args("media-done-filed", &[("outlet", "1".into())])));
    let breaches = browser
        .find_all(Locator::Css("ul.findings li.breach"))
        .await?;
    assert_eq!(breaches.len(), 2, "{page}");
    let unequal = browser
        .find(Locator::Css("li[data-code='CMP-02.unequal_price']"))
        .await?
        .text()
        .await?;
    assert!(unequal.contains("2, 4"), "{unequal}");
    let marked = browser
        .find_all(Locator::Css("table.prices tr.breach"))
        .await?;
    assert_eq!(marked.len(), 3, "every row a breach concerns stands out");
    // Who entered the application may not decide it: the refusal says so.
    browser
        .find(Locator::Css("form.decide button[value='accredit']"))
        .await?
        .click()
        .await?;
    arrive(&browser, "/decision").await?;
    let page = browser.source().await?;
    let own = Lang::En.error(shailoo_domain::ErrorCode::MediaOwnApplication);
    assert!(page.contains(&own), "{page}");
    Ok(())
}

fn text(s: &str) -> Text {
    Text::parse(s).unwrap()
}

fn pdf(n: &str) -> Document {
    let bytes = format!("%PDF-1.4\n% {n}\n1 0 obj<<>>endobj\nstartxref\n0\n%%EOF\n");
    Document::parse(bytes.into_bytes()).unwrap()
}

/// A PEC clerk enters a paper complaint and reads its clock; another member decides it with
/// the scan of the decision; it climbs to the court through the use cases, and the CEC
/// records the court's act, which the public registry then shows, without the name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complaint_goes_from_filing_to_the_court_s_act_in_a_real_browser() {
    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser(profile.path()).await else {
        return;
    };
    let app = common::app().await;
    add(&app, "pec.two", Role::PecMember, &app.own_pec).await;
    let scan = profile.path().join("decision.png");
    std::fs::write(
        &scan,
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shailoo-app/tests/data/passport.png"
        )),
    )
    .unwrap();
    let pec = app.own_pec.to_string();
    let store = app.store.clone();
    let (tec, cec) = (app.own_tec.clone(), app.cec());
    let b = browser.clone();
    with_server(&browser, &app, |base| async move {
        let id = file_and_decide(&b, &base, &pec, &scan).await?;
        climb_to_court(&*store, id, &tec, &cec).await;
        court_act(&b, &base, id, &scan).await
    })
    .await;
}

async fn file_and_decide(
    browser: &fantoccini::Client,
    base: &str,
    pec: &str,
    scan: &std::path::Path,
) -> Result<i64, fantoccini::error::CmdError> {
    use shailoo_web::Lang;
    log_in(browser, base, "pec.one").await?;
    browser.goto(&format!("{base}/?lang=en")).await?;
    browser
        .find(Locator::LinkText(&Lang::En.t("menu-complaints")))
        .await?
        .click()
        .await?;
    arrive(browser, "/complaints").await?;
    let commission = browser.find(Locator::Id("c-commission")).await?;
    assert_eq!(commission.prop("value").await?.as_deref(), Some(pec));
    browser
        .find(Locator::Id("c-act-on"))
        .await?
        .send_keys("09302024")
        .await?;
    browser
        .find(Locator::Id("c-name"))
        .await?
        .send_keys("Aibek Toktogulov")
        .await?;
    browser
        .find(Locator::Id("c-summary"))
        .await?
        .send_keys("The PEC refused an observer a look at the list")
        .await?;
    // The observer's scan handed in with it.
    browser
        .find(Locator::Id("c-document"))
        .await?
        .send_keys(&scan.display().to_string())
        .await?;
    browser
        .find(Locator::Css("form.intake button[type='submit']"))
        .await?
        .click()
        .await?;
    arrive(browser, "done=filed").await?;
    let url = browser.current_url().await?;
    let id: i64 = url.path().rsplit('/').next().unwrap().parse().unwrap();
    let clock = browser
        .find(Locator::Css("time.clock"))
        .await?
        .text()
        .await?;
    assert!(clock.contains("left to decide"), "{clock}");
    // The scan is kept with the complaint, for the commission's staff to download.
    let handed_in = browser
        .find(Locator::Css("a.attachment"))
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    assert!(
        handed_in.starts_with(&format!("/complaints/local-2024/{id}/documents/")),
        "{handed_in}"
    );
    // The clerk who entered it is offered no decision.
    assert!(browser.find(Locator::Css("form.decide")).await.is_err());

    log_in(browser, base, "pec.two").await?;
    browser
        .goto(&format!("{base}/complaints/local-2024/{id}?lang=en"))
        .await?;
    browser
        .find(Locator::Id("d-number"))
        .await?
        .send_keys("8001-12")
        .await?;
    browser
        .find(Locator::Id("d-reasons"))
        .await?
        .send_keys("The list was shown as the law says")
        .await?;
    browser
        .find(Locator::Id("d-document"))
        .await?
        .send_keys(&scan.display().to_string())
        .await?;
    browser
        .find(Locator::Css("form.decide button[type='submit']"))
        .await?
        .click()
        .await?;
    arrive(browser, "done=decided").await?;
    let page = browser.source().await?;
    assert!(page.contains("8001-12"), "{page}");
    Ok(id)
}

/// The TEC and the CEC decide the appeals, and the CEC's decision goes to the court.
async fn climb_to_court(
    store: &dyn shailoo_app::Store,
    id: i64,
    tec: &CommissionId,
    cec: &CommissionId,
) {
    let e = shailoo_domain::ElectionId::parse("local-2024").unwrap();
    let id = complaints::ComplaintId::new(id).unwrap();
    let now = common::fixed_now();
    let tec_member = Actor::User {
        username: Username::parse("tec.one").unwrap(),
        role: Role::TecMember,
        commission: tec.clone(),
    };
    let cec_member = Actor::User {
        username: Username::parse("admin").unwrap(),
        role: Role::CecAdmin,
        commission: cec.clone(),
    };
    for (n, (who, court)) in [
        (&tec_member, None),
        (&cec_member, Some("Administrative Court of Bishkek")),
    ]
    .into_iter()
    .enumerate()
    {
        let appeal = AppealDraft {
            grounds: text("Appealed"),
            court: None,
            document: None,
        };
        complaints::appeal(store, &Actor::System, &e, id, appeal, now)
            .await
            .unwrap();
        let d = DecisionDraft {
            outcome: Outcome::Rejected,
            reasons: text("Upheld the decision below"),
            number: text(&format!("up-{n}")),
            document: pdf(&format!("up-{n}")),
        };
        complaints::decide(store, who, &e, id, d, now)
            .await
            .unwrap();
        if let Some(court) = court {
            let appeal = AppealDraft {
                grounds: text("To the court"),
                court: Some(text(court)),
                document: None,
            };
            complaints::appeal(store, &Actor::System, &e, id, appeal, now)
                .await
                .unwrap();
        }
    }
}

async fn court_act(
    browser: &fantoccini::Client,
    base: &str,
    id: i64,
    scan: &std::path::Path,
) -> Result<(), fantoccini::error::CmdError> {
    log_in(browser, base, "admin").await?;
    browser
        .goto(&format!("{base}/complaints/local-2024/{id}?lang=en"))
        .await?;
    browser
        .find(Locator::Id("k-number"))
        .await?
        .send_keys("AC-118")
        .await?;
    browser
        .find(Locator::Id("k-reasons"))
        .await?
        .send_keys("The observer is to see the list")
        .await?;
    browser
        .find(Locator::Id("k-document"))
        .await?
        .send_keys(&scan.display().to_string())
        .await?;
    browser
        .find(Locator::Css("form.court-act button[type='submit']"))
        .await?
        .click()
        .await?;
    arrive(browser, "done=court_act").await?;
    browser
        .goto(&format!(
            "{base}/registry/complaints/local-2024/{id}?lang=en"
        ))
        .await?;
    let history = browser
        .find(Locator::Css("ol.history"))
        .await?
        .text()
        .await?;
    for seen in [
        "Administrative Court of Bishkek",
        "AC-118",
        "8001-12",
        "up-0",
        "up-1",
    ] {
        assert!(history.contains(seen), "{seen}: {history}");
    }
    let page = browser.source().await?;
    assert!(
        !page.contains("Aibek Toktogulov"),
        "the complainant's name is not public"
    );
    Ok(())
}
