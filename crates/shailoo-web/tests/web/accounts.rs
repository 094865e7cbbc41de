//! Log-in, log-out, sessions, CSRF on the log-in form, and the throttle.

use crate::common::{Client, PASSWORD, Reply, app, app_with_config, enc, hidden};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use shailoo_domain::ErrorCode;
use shailoo_web::{Config, Lang, LookupConfig, ThrottleLimits};
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

fn behind_a_proxy() -> Config {
    Config {
        lookup: LookupConfig {
            trusted_proxies: vec!["10.0.0.2".parse().unwrap()],
            ..LookupConfig::default()
        },
        ..Config::default()
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_throttle_counts_the_forwarded_client_not_the_proxy() {
    let app = app_with_config(behind_a_proxy()).await;
    let limits = app_limits();
    // One client guesses many accounts: its address is locked out…
    let mut attacker = Client::new(&app);
    for i in 0..limits.per_client {
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

fn app_limits() -> ThrottleLimits {
    ThrottleLimits::default()
}

#[tokio::test]
async fn one_persons_typos_do_not_lock_a_colleague_at_the_same_address_out() {
    let app = app_with_config(behind_a_proxy()).await;
    let office = "203.0.113.5";
    let mut typist = Client::new(&app);
    for _ in 0..app_limits().per_client_and_account {
        let r = login_via_proxy(&mut typist, office, "tec.one", "not-the-password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = login_via_proxy(&mut typist, office, "tec.one", PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "this desk, this account"
    );
    // The colleague at the next desk, behind the same address, logs in with their password…
    let mut colleague = Client::new(&app);
    let r = login_via_proxy(&mut colleague, office, "admin", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // …and the account itself is not locked for its owner elsewhere.
    let mut home = Client::new(&app);
    let r = login_via_proxy(&mut home, "192.0.2.44", "tec.one", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn an_account_guessed_from_several_addresses_is_locked_everywhere() {
    let app = app_with_config(behind_a_proxy()).await;
    let limits = app_limits();
    let clients = limits.per_account / limits.per_client_and_account;
    for n in 0..clients {
        let mut c = Client::new(&app);
        for _ in 0..limits.per_client_and_account {
            let r = login_via_proxy(&mut c, &format!("198.51.100.{n}"), "admin", "guess").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
    }
    let mut owner = Client::new(&app);
    let r = login_via_proxy(&mut owner, "192.0.2.1", "admin", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn wrong_passwords_sent_in_parallel_are_checked_no_more_than_the_limit_allows() {
    let app = app().await;
    let mut c = Client::new(&app);
    let csrf = hidden(&c.get("/login").await.body, "csrf");
    let attempts = (0..100).map(|i| {
        let mut c = c.clone();
        let csrf = csrf.clone();
        async move {
            let password = format!("guess-number-{i}");
            let fields = [
                ("csrf", csrf.as_str()),
                ("username", "admin"),
                ("password", password.as_str()),
            ];
            c.post_form("/login", &fields).await.status
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(
        (checked, refused),
        (app_limits().per_client_and_account, 95)
    );
}

#[tokio::test]
async fn after_log_in_only_paths_of_this_site_are_followed() {
    let app = app().await;
    for (next, to) in [
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/.//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/claims?q=Асан", "/claims?q=%D0%90%D1%81%D0%B0%D0%BD"),
        ("/stations/new", "/stations/new"),
    ] {
        let mut c = Client::new(&app);
        let form = c.get(&format!("/login?next={}", enc(next))).await;
        assert_eq!(hidden(&form.body, "next"), to, "{next:?}");
        let csrf = hidden(&form.body, "csrf");
        let r = c
            .post_form(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("username", "admin"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}: {}", r.body);
        assert_eq!(r.location(), Some(to), "{next:?}");
        assert!(c.cookies.contains_key("session"), "{next:?}");
    }
}

#[tokio::test]
async fn a_control_character_in_next_is_refused_before_any_session_is_opened() {
    let app = app().await;
    let mut c = Client::new(&app);
    let form = c.get("/login?lang=en").await;
    let csrf = hidden(&form.body, "csrf");
    let r = c
        .post_form(
            "/login?lang=en",
            &[
                ("csrf", &csrf),
                ("username", "admin"),
                ("password", PASSWORD),
                ("next", "/\u{1}/evil.example"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let message = Lang::En.t_args("error-forbidden_character", &[("field", "next".to_owned())]);
    assert!(r.body.contains(&message), "{}", r.body);
    assert!(!c.cookies.contains_key("session"));
    let r = c.get("/login?next=%2F%01x").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}
