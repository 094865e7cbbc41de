//! Log-in, log-out, sessions, CSRF on the log-in form, and the throttle.

use crate::common::{Client, PASSWORD, Reply, app, app_with_config, hidden};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use shailoo_domain::ErrorCode;
use shailoo_web::{Config, Lang, LookupConfig};
use std::net::SocketAddr;

#[tokio::test]
async fn logging_in_with_the_right_password_opens_a_session_and_logging_out_ends_it() {
    let app = app().await;
    let mut c = Client::new(&app);
    let r = c.login("admin", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/"));
    let cookie = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(cookie.contains("Max-Age=43200"), "12 hours: {cookie}");
    assert!(!cookie.contains("Secure"), "not configured in tests");
    // Only the hash of the token is stored.
    let token = c.cookies["session"].clone();
    assert!(
        app.store
            .session(&token, crate::common::fixed_now())
            .await
            .unwrap()
            .is_none()
    );

    let home = c.get("/").await;
    assert!(home.body.contains("Test admin"));
    let csrf = hidden(&home.body, "csrf");
    assert_eq!(csrf.len(), 64);

    let out = c.post_form("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let token_hash = blake3::hash(token.as_bytes()).to_hex().to_string();
    assert!(
        app.store
            .session(&token_hash, crate::common::fixed_now())
            .await
            .unwrap()
            .is_none(),
        "the session is deleted"
    );
    // The old cookie no longer works either.
    c.cookies.insert("session".into(), token);
    assert!(!c.get("/").await.body.contains("Test admin"));
}

#[tokio::test]
async fn a_wrong_password_gets_a_generic_localized_message() {
    let app = app().await;
    let mut c = Client::new(&app);
    c.cookies.insert("lang".into(), "ru".into());
    let r = c.login("admin", "wrong-password-123").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body
            .contains(&Lang::Ru.error(ErrorCode::WrongCredentials))
    );
    assert!(!c.cookies.contains_key("session"));
    // The same message for a user who does not exist: accounts are not revealed.
    let r = c.login("nobody", "wrong-password-123").await;
    assert!(
        r.body
            .contains(&Lang::Ru.error(ErrorCode::WrongCredentials))
    );
    // The username typed is kept.
    assert!(r.body.contains("value=\"nobody\""));
}

#[tokio::test]
async fn the_log_in_form_refuses_a_post_without_its_csrf_cookie() {
    let app = app().await;
    let mut c = Client::new(&app);
    let r = c
        .post_form(
            "/login",
            &[
                ("csrf", "forged"),
                ("username", "admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains(&Lang::Ky.error(ErrorCode::CsrfFailed)));
    assert!(!c.cookies.contains_key("session"));
}

#[tokio::test]
async fn five_failures_lock_the_username_with_429_even_for_the_right_password() {
    let app = app().await;
    let mut c = Client::new(&app);
    c.cookies.insert("lang".into(), "en".into());
    for _ in 0..5 {
        let r = c.login("tec.one", "not-the-password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = c.login("tec.one", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains(&Lang::En.error(ErrorCode::Throttled)));
    assert!(!c.cookies.contains_key("session"));
    // Another account is not affected (no client address over oneshot).
    assert_eq!(
        c.login("admin", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn staff_pages_redirect_to_the_log_in_page_and_come_back() {
    let app = app().await;
    let mut c = Client::new(&app);
    let r = c.get("/stations/new").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/login?next=%2Fstations%2Fnew"));
    let form = c.get("/login?next=%2Fstations%2Fnew").await;
    assert_eq!(hidden(&form.body, "next"), "/stations/new");
    // An absolute URL is not followed after log-in (no open redirect).
    let form = c.get("/login?next=%2F%2Fevil.example").await;
    assert_eq!(hidden(&form.body, "next"), "/");
}

/// A request as a reverse proxy at 10.0.0.2 passes it on for `client`.
fn via_proxy(mut req: Request<Body>, client: &str) -> Request<Body> {
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 2], 40_000))));
    req.headers_mut()
        .insert("x-forwarded-for", client.parse().unwrap());
    req
}

async fn login_via_proxy(c: &mut Client, client: &str, username: &str, password: &str) -> Reply {
    let form = c
        .send(via_proxy(
            Request::get("/login").body(Body::empty()).unwrap(),
            client,
        ))
        .await;
    let csrf = hidden(&form.body, "csrf");
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &csrf)
        .append_pair("username", username)
        .append_pair("password", password)
        .append_pair("next", "/")
        .finish();
    c.send(via_proxy(
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
        client,
    ))
    .await
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_throttle_counts_the_forwarded_client_not_the_proxy() {
    let config = Config {
        lookup: LookupConfig {
            trusted_proxies: vec!["10.0.0.2".parse().unwrap()],
            ..LookupConfig::default()
        },
        ..Config::default()
    };
    let app = app_with_config(config).await;
    // One client guesses five different accounts: its address is locked out…
    let mut attacker = Client::new(&app);
    for i in 0..5 {
        let r = login_via_proxy(&mut attacker, "203.0.113.5", &format!("guess{i}"), "x").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = login_via_proxy(&mut attacker, "203.0.113.5", "admin", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // …while another client behind the same proxy still logs in.
    let mut colleague = Client::new(&app);
    let r = login_via_proxy(&mut colleague, "203.0.113.9", "admin", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}
