//! `/healthz` and `/metrics`.

use crate::common::{Client, app};
use axum::http::StatusCode;

#[tokio::test]
async fn healthz_pings_the_store() {
    let app = app().await;
    let r = Client::new(&app).get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, "ok");
}

#[tokio::test]
async fn metrics_count_requests_and_show_the_totals() {
    let app = app().await;
    let mut c = Client::new(&app);
    c.get("/stations").await;
    c.get("/api/v1/stations/abc").await;
    let r = c.get("/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("http_requests_total{"), "{}", r.body);
    assert!(r.body.contains("route=\"/stations\""));
    assert!(
        r.body
            .contains("route=\"/api/v1/stations/{number}\",status=\"400\"")
    );
    assert!(r.body.contains("http_request_duration_seconds_bucket"));
    assert!(r.body.contains("shailoo_total{what=\"stations_regular\"}"));
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let app = app().await;
    let r = Client::new(&app).get("/").await;
    let csp = r
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("default-src 'self'"));
    assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
    let css = Client::new(&app).get("/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.body.contains(":focus-visible"));
}
