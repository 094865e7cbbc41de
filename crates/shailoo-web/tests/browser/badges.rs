//! Journalists' badges checked offline in a real browser (i16-badges): station staff open the
//! verification page once while online (the service worker keeps it, the page fetches the
//! revocation list), then the server stops, and the page, loaded again without it, still
//! verifies a badge's signature with WebCrypto, shows the revoked one as revoked from the list
//! it remembers, and refuses a forged one.

use super::{common, open_browser};
use fantoccini::Locator;
use shailoo_app::media::{self, MediaDecision, OutletDraft, Text};
use shailoo_app::signing::Signer;
use shailoo_app::{Actor, Role, Username};
use std::time::Duration;

/// Two badges of an accredited outlet: the first valid, the second revoked.
async fn badges(app: &common::TestApp, signer: &Signer) -> (String, String) {
    let prices = shailoo_formats::read_media_prices(
        "media_prices.csv",
        b"period,service,unit,buyer,price,charged_on\n\
          election,airtime,minute,all,100,\n\
          earlier,airtime,minute,,100,2024-07-01\n"
            .to_vec(),
    )
    .unwrap();
    let draft = OutletDraft {
        name: Text::parse("Ordo TV").unwrap(),
        kind: shailoo_domain::media::MediaKind::Tv,
        contact: None,
        prices,
    };
    let e = shailoo_domain::ElectionId::parse("local-2024").unwrap();
    let at: jiff::Timestamp = "2024-09-20T06:00:00Z".parse().unwrap();
    let store = &*app.store;
    let o = media::file(store, &Actor::System, &e, draft, at)
        .await
        .unwrap();
    let cec = Actor::User {
        username: Username::parse("admin").unwrap(),
        role: Role::CecAdmin,
        commission: app.cec(),
    };
    media::decide(store, &cec, &e, o.id, MediaDecision::Accredit, at)
        .await
        .unwrap();
    let mut issued = Vec::new();
    for name in ["Айгүл Өмүрбекова", "Нурлан Садыков"] {
        let b = media::issue_badge(
            store,
            &cec,
            &e,
            o.id,
            Text::parse(name).unwrap(),
            Some(signer),
            at,
        )
        .await
        .unwrap();
        issued.push(b);
    }
    media::revoke_badge(
        store,
        &cec,
        &e,
        issued[1].id,
        Text::parse("lost").unwrap(),
        at,
    )
    .await
    .unwrap();
    (issued[0].payload.clone(), issued[1].payload.clone())
}

/// Pastes `payload`, presses "Check" and returns the verdict (`valid`, `revoked`, `forged`,
/// `malformed`).
async fn check(
    browser: &fantoccini::Client,
    payload: &str,
) -> Result<String, fantoccini::error::CmdError> {
    browser
        .execute(
            "document.getElementById('badge-verdict').removeAttribute('data-verdict');\
             document.getElementById('badge-payload').value = arguments[0];",
            vec![serde_json::json!(payload)],
        )
        .await?;
    browser
        .find(Locator::Id("badge-check"))
        .await?
        .click()
        .await?;
    let verdict = browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#badge-verdict[data-verdict]"))
        .await?;
    Ok(verdict.attr("data-verdict").await?.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn station_staff_verify_a_badge_offline_and_see_a_revoked_one() {
    let profile = tempfile::tempdir().unwrap();
    let Some((_driver, browser)) = open_browser(profile.path()).await else {
        return;
    };
    let app = common::app().await;
    let signer = Signer::from_secret_bytes(&[9; 32]);
    let (valid, revoked) = badges(&app, &signer).await;
    // The same claims with another name, the signature kept: a forgery.
    let forged = {
        let (claims, signature) = valid[5..].split_once('.').unwrap();
        let mut bytes: Vec<u8> = claims.bytes().collect();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        format!("SHB1.{}.{signature}", String::from_utf8(bytes).unwrap())
    };

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = shailoo_web::AppState::new(app.store.clone(), shailoo_web::Config::default())
        .with_clock(common::fixed_now)
        .with_badge_signer(Signer::from_secret_bytes(&[9; 32]));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut server = tokio::spawn(shailoo_web::serve_on(state, listener, async {
        let _ = stopped.await;
    }));

    let result = async {
        // Online: the page installs its service worker and fetches the revocation list.
        let page = format!("{base}/media/badges/verify?lang=en");
        browser.goto(&page).await?;
        browser
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("#badge-offline[data-ready='true']"))
            .await?;
        assert_eq!(check(&browser, &valid).await?, "valid");
        assert_eq!(check(&browser, &revoked).await?, "revoked");

        // The server goes away: the page comes from the service worker's cache.
        let _ = stop.send(());
        if tokio::time::timeout(Duration::from_secs(10), &mut server)
            .await
            .is_err()
        {
            server.abort();
        }
        assert!(
            tokio::net::TcpStream::connect(base.trim_start_matches("http://"))
                .await
                .is_err(),
            "the server still answers"
        );
        browser.goto(&page).await?;
        let title = browser.find(Locator::Css("h1")).await?.text().await?;
        assert!(title.contains("badge"), "{title}");
        assert_eq!(check(&browser, &valid).await?, "valid");
        let name = browser
            .find(Locator::Id("badge-name"))
            .await?
            .text()
            .await?;
        assert_eq!(name, "Айгүл Өмүрбекова");
        assert_eq!(check(&browser, &revoked).await?, "revoked");
        assert_eq!(check(&browser, &forged).await?, "forged");
        assert_eq!(check(&browser, "hello").await?, "malformed");
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = browser.clone().close().await;
    server.abort();
    result.unwrap();
}
