//! Journalists' badges on the web (i16-badges, CMP-01): the CEC registers an accredited
//! outlet's journalist, prints the badge with its QR code (whose payload verifies with the
//! public key the verification page and the revocation list publish), and revokes it; the
//! revocation list then names it; the offline verification page carries the key, its own
//! script and service worker; a TEC member is refused the CEC's pages; a server without a key
//! issues nothing.

use crate::common::{Client, PASSWORD, TestApp, app, hidden};
use axum::http::StatusCode;
use jiff::Timestamp;
use shailoo_app::media::{self, BadgeClaims, MediaDecision, OutletDraft, Text};
use shailoo_app::signing::Signer;
use shailoo_app::{Actor, Role, Username};
use shailoo_web::{AppState, Config};

/// 1 October 2024: badges are issued from the calling until the end of CAL-17.
fn october() -> Timestamp {
    "2024-10-01T06:00:00Z".parse().unwrap()
}

fn key() -> Signer {
    Signer::from_secret_bytes(&[7; 32])
}

/// An accredited outlet (number 1), entered by the operator and accredited by the CEC.
async fn accredited_outlet(app: &TestApp) {
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
    let filed: Timestamp = "2024-09-20T06:00:00Z".parse().unwrap();
    let o = media::file(&*app.store, &Actor::System, &e, draft, filed)
        .await
        .unwrap();
    let cec = Actor::User {
        username: Username::parse("admin").unwrap(),
        role: Role::CecAdmin,
        commission: app.cec(),
    };
    media::decide(&*app.store, &cec, &e, o.id, MediaDecision::Accredit, filed)
        .await
        .unwrap();
}

fn client(app: &TestApp, signer: Option<Signer>) -> Client {
    let state = AppState::new(app.store.clone(), Config::default()).with_clock(october);
    let state = match signer {
        Some(s) => state.with_badge_signer(s),
        None => state,
    };
    Client::of_router(shailoo_web::router(state))
}

/// The text between `start` and the next `end` after it.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in {body}"))
        + start.len();
    let to = body[from..].find(end).unwrap() + from;
    &body[from..to]
}

#[tokio::test]
async fn the_cec_issues_prints_and_revokes_a_badge_that_verifies_with_the_published_key() {
    let app = app().await;
    accredited_outlet(&app).await;
    let mut c = client(&app, Some(key()));
    assert_eq!(
        c.login("admin", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    // The CEC's media page leads to the outlet's badges.
    let page = c.get("/media?election=local-2024&lang=en").await;
    assert!(
        page.body.contains("/media/local-2024/1/badges"),
        "{}",
        page.body
    );
    let page = c.get("/media/local-2024/1/badges?lang=en").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = hidden(&page.body, "csrf");

    // An empty name is refused beside the form; a name issues badge 1.
    let r = c
        .post_form(
            "/media/local-2024/1/badges?lang=en",
            &[("csrf", &csrf), ("name", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = c
        .post_form(
            "/media/local-2024/1/badges?lang=en",
            &[("csrf", &csrf), ("name", "Айгүл Өмүрбекова")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().unwrap().contains("done=issued&badge=1"));
    let page = c.get(r.location().unwrap()).await;
    assert!(page.body.contains("Badge 1 was issued"), "{}", page.body);
    assert!(page.body.contains("Айгүл Өмүрбекова"));

    // The printable badge: its QR code and the payload it carries, signed by the key.
    let print = c.get("/media/local-2024/badges/1?lang=en").await;
    assert_eq!(print.status, StatusCode::OK, "{}", print.body);
    assert!(print.body.contains("<svg"), "{}", print.body);
    assert!(!print.body.contains("<?xml"));
    let payload = between(&print.body, "<pre id=\"badge-payload-text\">", "</pre>");
    let claims = BadgeClaims::verify(payload, &key().public_key()).unwrap();
    assert_eq!(claims.name, "Айгүл Өмүрбекова");
    assert_eq!(claims.outlet, "Ordo TV");
    assert_eq!(claims.election.as_str(), "local-2024");

    // The verification page carries the public key and runs its own script only.
    let verify = c.get("/media/badges/verify?lang=en").await;
    assert_eq!(verify.status, StatusCode::OK);
    assert!(
        verify
            .body
            .contains(&format!("data-key=\"{}\"", key().public_key()))
    );
    assert!(verify.body.contains("src=\"/media/badges/verify.js\""));
    for script in ["/media/badges/verify.js", "/media/badges/sw.js"] {
        let js = c.get(script).await;
        assert_eq!(js.status, StatusCode::OK);
        assert!(js.body.contains("'use strict'"), "{script}");
    }

    // The revocation list: empty, then badge 1, revoked with a reason.
    let list = c
        .get("/api/v1/elections/local-2024/media/badges/revoked")
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json()["revoked"], serde_json::json!([]));
    assert_eq!(list.json()["public_key"], key().public_key().to_hex());
    let r = c
        .post_form(
            "/media/local-2024/badges/1/revoke?lang=en",
            &[("csrf", &csrf), ("reason", "lost")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = c
        .get("/api/v1/elections/local-2024/media/badges/revoked")
        .await;
    assert_eq!(
        list.json()["revoked"],
        serde_json::json!([{ "badge": 1, "revoked_for": "badge" }])
    );
    let page = c.get("/media/local-2024/1/badges?lang=en").await;
    assert!(
        page.body.contains("class=\"badge-revoked\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("revoked: lost"), "{}", page.body);
    // Revoked twice: refused, named.
    let r = c
        .post_form(
            "/media/local-2024/badges/1/revoke?lang=en",
            &[("csrf", &csrf), ("reason", "again")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("already revoked"), "{}", r.body);
    let missing = c.get("/api/v1/elections/nope/media/badges/revoked").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_tec_member_is_refused_the_badges_and_a_server_without_a_key_issues_none() {
    let app = app().await;
    accredited_outlet(&app).await;
    // Without a key: the page says so, and issuing answers 503 naming the missing key.
    let mut c = client(&app, None);
    assert_eq!(
        c.login("admin", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let page = c.get("/media/local-2024/1/badges?lang=en").await;
    let csrf = hidden(&page.body, "csrf");
    let r = c
        .post_form(
            "/media/local-2024/1/badges?lang=en",
            &[("csrf", &csrf), ("name", "Nurlan")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert!(r.body.contains("no key to sign badges"), "{}", r.body);
    let verify = c.get("/media/badges/verify?lang=en").await;
    assert!(verify.body.contains("signs no badges"), "{}", verify.body);
    assert!(!verify.body.contains("data-key"));

    // A TEC member holds no IssueMediaBadges: the gate refuses the page and the form.
    let mut tec = client(&app, Some(key()));
    assert_eq!(
        tec.login("tec.one", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let page = tec.get("/media/local-2024/1/badges?lang=en").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    let print = tec.get("/media/local-2024/badges/1?lang=en").await;
    assert_eq!(print.status, StatusCode::FORBIDDEN);
    // Nobody signed in: the log-in page.
    let mut anon = client(&app, Some(key()));
    let page = anon.get("/media/local-2024/1/badges").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // The verification page and the list are public.
    assert_eq!(
        anon.get("/media/badges/verify").await.status,
        StatusCode::OK
    );
    assert_eq!(
        anon.get("/api/v1/elections/local-2024/media/badges/revoked")
            .await
            .status,
        StatusCode::OK
    );
}
