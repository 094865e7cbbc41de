//! Filing nominations in a real browser: a party's representative builds a Bishkek list from a
//! draft and files it, the TEC registers it, Talapker shows it; a voter signed in to the
//! cabinet nominates themself in a district of their own aiyl council.

use super::{arrive, candidacies_fixture, common, log_in, open_browser};
use fantoccini::Locator;
use shailoo_app::candidates::CandidateRegistries;
use shailoo_domain::Sex;
use shailoo_domain::register::RegisterRecord;
use shailoo_registries::doubles::{CandidateRegistryDouble, Person, Profile, Running};
use shailoo_registries::{
    CandidateRegistriesConfig, CandidateServices, TundukCandidateRegistries, XRoadClientId,
};
use shailoo_web::{AppState, Lang};
use std::sync::Arc;
use std::time::Duration;

async fn registries(people: &[RegisterRecord]) -> (Running, CandidateRegistries) {
    let double = CandidateRegistryDouble::new(&CandidateServices::default(), 1);
    double.extend(people.iter().map(|p| Person::from_register(p).unwrap()));
    let running = double.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let adapter = TundukCandidateRegistries::new(CandidateRegistriesConfig {
        security_server: running.url(),
        client: XRoadClientId::parse("KG/GOV/70000001/shailoo").unwrap(),
        services: CandidateServices::default(),
        timeout: Duration::from_secs(10),
    })
    .unwrap();
    (running, CandidateRegistries::all(Arc::new(adapter)))
}

/// Serves `state` on a port of its own while `run` drives the browser against its base URL.
async fn serve_state<F, Fut>(browser: &fantoccini::Client, state: AppState, run: F)
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<(), fantoccini::error::CmdError>>,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_party_representative_s_list_goes_from_draft_to_registration_in_a_real_browser() {
    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser(profile.path()).await else {
        return;
    };
    let app = common::app().await;
    let men = candidacies_fixture::bishkek_people(Profile::Clean, Some(Sex::Male), 1);
    let women = candidacies_fixture::bishkek_people(Profile::Clean, Some(Sex::Female), 1);
    let list: Vec<RegisterRecord> = men.into_iter().chain(women).collect();
    let (_running, regs) = registries(&list).await;
    common::add_representative(app.store.as_ref(), "rep.one", &app.cec()).await;
    candidacies_fixture::bishkek_tec(&app).await;
    let state = AppState::new(app.store.clone(), shailoo_web::Config::default())
        .with_clock(common::fixed_now)
        .with_candidate_registries(regs);
    serve_state(&browser, state, |base| {
        list_journey(browser.clone(), base, list)
    })
    .await;
}

async fn click(browser: &fantoccini::Client, css: &str) -> Result<(), fantoccini::error::CmdError> {
    browser.find(Locator::Css(css)).await?.click().await
}

async fn list_journey(
    browser: fantoccini::Client,
    base: String,
    list: Vec<RegisterRecord>,
) -> Result<(), fantoccini::error::CmdError> {
    let wait = Duration::from_secs(15);
    log_in(&browser, &base, "rep.one").await?;
    browser.goto(&format!("{base}/?lang=ru")).await?;
    browser
        .find(Locator::LinkText(&Lang::Ru.t("menu-candidacies")))
        .await?
        .click()
        .await?;
    arrive(&browser, "/candidacies").await?;
    browser
        .find(Locator::Css("#city option[value='bishkek-city']"))
        .await?
        .click()
        .await?;
    click(&browser, "#open-city button").await?;
    browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("add"))
        .await?;
    // A malformed PIN is refused beside its field.
    browser
        .find(Locator::Id("pin"))
        .await?
        .send_keys("12345")
        .await?;
    click(&browser, "#add button").await?;
    browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#add #refusal"))
        .await?;
    let refusal = browser
        .find(Locator::Css("#add #refusal"))
        .await?
        .text()
        .await?;
    assert_eq!(refusal, Lang::Ru.t("filing-error-pin"));
    for p in &list {
        browser.find(Locator::Id("pin")).await?.clear().await?;
        browser
            .find(Locator::Id("pin"))
            .await?
            .send_keys(p.pin.as_str())
            .await?;
        click(&browser, "#add button").await?;
        arrive(&browser, "done=added").await?;
    }
    let page = browser.source().await?;
    for p in &list {
        assert!(page.contains(&p.surname), "{} on the list", p.surname);
    }
    click(&browser, "#submit button").await?;
    arrive(&browser, "done=submitted").await?;
    let stage = browser.find(Locator::Id("stage")).await?.text().await?;
    assert_eq!(stage, Lang::Ru.t("filing-stage-submitted"));

    // The TEC registers the list from its queue.
    browser.delete_all_cookies().await?;
    log_in(&browser, &base, "tec.bishkek").await?;
    browser
        .goto(&format!("{base}/candidacies/queue?lang=ru"))
        .await?;
    arrive(&browser, "/candidacies/queue").await?;
    click(&browser, "form.decision button[name='register']").await?;
    arrive(&browser, "done=registered").await?;

    // The public reads the registered list.
    browser
        .goto(&format!(
            "{base}/talapker/local-2024?council=bishkek-city&lang=ru"
        ))
        .await?;
    let page = browser.source().await?;
    for p in &list {
        assert!(page.contains(&p.surname));
        assert!(!page.contains(p.pin.as_str()), "no PIN in public");
    }
    assert!(page.contains(&Lang::Ru.t("talapker-status-registered")));
    Ok(())
}

/// A voter signs in to the cabinet (PIN, passport, the code from the SMS double's outbox),
/// opens "my candidacy", nominates themself in their district and files it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_nominee_files_from_the_cabinet_in_a_real_browser() {
    use shailoo_domain::identity::{Msisdn, PassportNumber};
    use shailoo_registries::doubles::{RegistryDouble, RegistryRecord, SmsDouble};
    use shailoo_registries::tunduk::DEFAULT_SERVICE;
    use shailoo_registries::{
        KannelConfig, KannelGateway, TundukConfig, TundukRegistry, XRoadServiceId,
    };

    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser(profile.path()).await else {
        return;
    };
    let app = common::app().await;
    let (voter, _) = candidacies_fixture::aiyl_voter(&app).await;
    let loopback = "127.0.0.1:0".parse().unwrap();
    let passports = RegistryDouble::new(DEFAULT_SERVICE);
    passports.insert(
        voter.pin,
        RegistryRecord::valid(
            PassportNumber::parse("ID7654321").unwrap(),
            Some(Msisdn::parse("+996555765432").unwrap()),
        ),
    );
    let passports_server = passports.serve(loopback).await.unwrap();
    let sms = SmsDouble::new("shailoo", "sms-secret");
    let sms_server = sms.serve(loopback).await.unwrap();
    let tunduk = TundukRegistry::new(TundukConfig {
        security_server: passports_server.url(),
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
    let (_running, regs) = registries(std::slice::from_ref(&voter)).await;
    let state = AppState::new(app.store.clone(), shailoo_web::Config::default())
        .with_clock(common::fixed_now)
        .with_voter_cabinet(Arc::new(tunduk), Arc::new(kannel))
        .with_candidate_registries(regs);
    let outbox = Arc::clone(&sms);
    serve_state(&browser, state, |base| {
        self_nominee_journey(browser.clone(), base, voter, outbox)
    })
    .await;
}

async fn self_nominee_journey(
    browser: fantoccini::Client,
    base: String,
    voter: RegisterRecord,
    sms: Arc<shailoo_registries::doubles::SmsDouble>,
) -> Result<(), fantoccini::error::CmdError> {
    let wait = Duration::from_secs(15);
    browser.goto(&format!("{base}/cabinet?lang=en")).await?;
    arrive(&browser, "/cabinet").await?;
    browser
        .find(Locator::Id("pin"))
        .await?
        .send_keys(voter.pin.as_str())
        .await?;
    browser
        .find(Locator::Id("passport"))
        .await?
        .send_keys("ID7654321")
        .await?;
    click(&browser, "form.form button[type='submit']").await?;
    browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("code"))
        .await?;
    let text = sms
        .outbox()
        .last()
        .map(|m| m.text.clone())
        .unwrap_or_default();
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
    click(&browser, "form.form button[type='submit']").await?;
    browser
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("form[action='/cabinet/sign-out']"))
        .await?;
    browser
        .find(Locator::LinkText(&Lang::En.t("self-nominee-title")))
        .await?
        .click()
        .await?;
    arrive(&browser, "/cabinet/candidacy").await?;
    browser
        .find(Locator::Id("occupation"))
        .await?
        .send_keys("Farmer")
        .await?;
    click(&browser, "#open button").await?;
    arrive(&browser, "done=opened").await?;
    let page = browser.source().await?;
    assert!(page.contains(&voter.surname), "{page}");
    click(&browser, "#submit button").await?;
    arrive(&browser, "done=submitted").await?;
    let stage = browser.find(Locator::Id("stage")).await?.text().await?;
    assert_eq!(stage, Lang::En.t("filing-stage-submitted"));
    Ok(())
}
