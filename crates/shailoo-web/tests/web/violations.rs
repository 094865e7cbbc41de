//! Violation reports (CMP-07) and election funds (CMP-04) on the web: a report filed on the
//! public form with a video, followed by its tracking code while the TEC's group triages,
//! assigns and resolves it; the statistics page and API; the public form's rate limit; the
//! messaging webhook's signature and its one report per message; the funds page, API and open
//! data.

use crate::common::{Client, PASSWORD, TestApp, app, app_with_config, hidden};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use shailoo_web::{Config, ViolationsConfig, rate_limit::RateLimit};
use std::time::Duration;

const BOUNDARY: &str = "----violation-boundary";

fn mp4() -> Vec<u8> {
    let mut v = vec![0, 0, 0, 24];
    v.extend_from_slice(b"ftypisom");
    v.extend_from_slice(&[7; 64]);
    v
}

fn report_form(fields: &[(&str, &str)], file: Option<&[u8]>) -> Request<Body> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some(bytes) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"evidence\"; \
                 filename=\"clip.mp4\"\r\nContent-Type: video/mp4\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    Request::post("/violations")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// A station of `tec.one`'s territory.
fn own_station(app: &TestApp) -> String {
    app.data
        .setup
        .stations
        .iter()
        .find(|s| s.commission == app.own_pec)
        .expect("a station of the own PEC")
        .number
        .to_string()
}

/// The text between `id="{id}">` and the next `<`.
fn by_id(html: &str, id: &str) -> String {
    let start = html.find(&format!("id=\"{id}\">")).expect(id) + id.len() + 6;
    html[start..].split('<').next().unwrap().trim().to_owned()
}

#[tokio::test]
async fn a_report_filed_on_the_public_form_is_followed_by_its_tracking_code() {
    let app = app().await;
    let mut public = Client::new(&app);
    assert_eq!(public.get("/violations").await.status, StatusCode::OK);
    let station = own_station(&app);
    let fields = [
        ("election", "local-2024"),
        ("text", "Flour handed out for votes at the school gate"),
        ("station", station.as_str()),
        ("contact", "+996 555 000 111"),
    ];
    // Not a video: refused, with the form again.
    let bad = public
        .send(report_form(&fields, Some(&b"<html>not a video"[..])))
        .await;
    assert_eq!(
        bad.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        bad.body
    );
    let filed = public.send(report_form(&fields, Some(&mp4()))).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = by_id(&filed.body, "tracking-code");
    assert!(code.starts_with("V-"), "{code}");

    let seen = public.get(&format!("/violations/track?code={code}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.contains("data-status=\"received\""));
    assert!(
        !seen.body.contains("555 000 111"),
        "the contact is never public"
    );
    let wrong = public.get("/violations/track?code=V-0000-0000-0000").await;
    assert_ne!(wrong.status, StatusCode::OK);

    // The TEC's group: the desk lists it; triage, assign, resolve.
    let mut tec = Client::new(&app);
    tec.login("tec.one", PASSWORD).await;
    let desk = tec.get("/violations/desk").await;
    assert_eq!(desk.status, StatusCode::OK, "{}", desk.body);
    let csrf = hidden(&desk.body, "csrf");
    let href = "/violations/desk/local-2024/1";
    assert!(desk.body.contains(href));
    let page = tec.get(href).await;
    assert!(page.body.contains("555 000 111"), "staff see the contact");
    for (step, fields) in [
        ("triage", vec![("category", "vote_buying")]),
        ("assign", vec![("to", "tec.one")]),
        (
            "close",
            vec![("status", "resolved"), ("note", "The flour was seized")],
        ),
    ] {
        let mut f = vec![("csrf", csrf.as_str())];
        f.extend(fields);
        let r = tec.post_form(&format!("{href}/{step}"), &f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{step}: {}", r.body);
    }
    let evidence = tec.get(&format!("{href}/evidence")).await;
    assert_eq!(evidence.status, StatusCode::OK);
    assert_eq!(evidence.headers[header::CONTENT_TYPE], "video/mp4");

    let seen = public.get(&format!("/violations/track?code={code}")).await;
    assert!(seen.body.contains("data-status=\"resolved\""));
    assert!(seen.body.contains("The flour was seized"));

    // The statistics, as a page with its chart and as JSON.
    let stats = public.get("/violations/stats/local-2024").await;
    assert_eq!(stats.status, StatusCode::OK);
    assert!(stats.body.contains("<svg") && stats.body.contains("data-category=\"vote_buying\""));
    let api = public
        .get("/api/v1/elections/local-2024/violations/stats")
        .await;
    assert_eq!(api.status, StatusCode::OK);
    let json = api.json();
    assert_eq!(json["total"], 1);
    assert_eq!(json["items"][0]["category"], "vote_buying");
    assert!(json["items"][0]["region"].is_string());
    assert_eq!(
        public
            .get("/api/v1/elections/nope/violations/stats")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_flood_at_the_public_form_meets_the_rate_limit() {
    let config = Config {
        violations: ViolationsConfig {
            per_ip: RateLimit {
                burst: 1,
                period: Duration::from_secs(3600),
            },
            ..ViolationsConfig::default()
        },
        ..Config::default()
    };
    let app = app_with_config(config).await;
    let mut public = Client::new(&app);
    let fields = [
        ("election", "local-2024"),
        ("text", "Posters on the station's wall"),
        ("location", "Central square"),
    ];
    let first = public.send(report_form(&fields, None)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let second = public.send(report_form(&fields, None)).await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(second.headers.contains_key(header::RETRY_AFTER));
}

fn signed(secret: &str, body: &str) -> Request<Body> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    let sig = hex::encode(mac.finalize().into_bytes());
    Request::post("/api/v1/violations/messages")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-shailoo-signature", format!("sha256={sig}"))
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn the_messaging_webhook_takes_signed_messages_once() {
    let off = app().await;
    let body = r#"{"message_id":"wamid.1","from":"+996700111222","election":"local-2024","text":"Buses bring voters","location":"Osh, bazaar"}"#;
    let r = Client::new(&off).send(signed("s3cret", body)).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);

    let config = Config {
        violations: ViolationsConfig {
            webhook_secret: Some("s3cret".into()),
            ..ViolationsConfig::default()
        },
        ..Config::default()
    };
    let app = app_with_config(config).await;
    let mut gateway = Client::new(&app);
    let forged = gateway.send(signed("guess", body)).await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    assert_eq!(forged.json()["error"]["code"], "violation_bad_signature");
    let first = gateway.send(signed("s3cret", body)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = gateway.send(signed("s3cret", body)).await;
    assert_eq!(
        first.json()["tracking_code"],
        again.json()["tracking_code"],
        "a message delivered twice is one report"
    );
    let nowhere = r#"{"message_id":"wamid.2","from":"+996700111222","election":"local-2024","text":"Something"}"#;
    let refused = gateway.send(signed("s3cret", nowhere)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["error"]["code"], "violation_place_required");
}

#[tokio::test]
async fn the_funds_are_public_as_a_page_an_api_and_open_data() {
    let app = app().await;
    let mut public = Client::new(&app);
    let page = public.get("/funds/local-2024").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<svg"));
    let api = public.get("/api/v1/elections/local-2024/funds").await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.json()["election"], "local-2024");
    let csv = public
        .get("/open-data/elections/local-2024/funds.csv")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("nomination,council,party"));
    assert_eq!(
        public.get("/funds/nope").await.status,
        StatusCode::NOT_FOUND
    );
    // The accounts are the nominators' and the TEC's: not the CEC admin's.
    let mut admin = Client::new(&app);
    admin.login("admin", PASSWORD).await;
    assert_eq!(admin.get("/funds").await.status, StatusCode::FORBIDDEN);
}
