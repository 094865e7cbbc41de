//! `/healthz` and `/metrics`.

use crate::common::{Client, app, app_with_config};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use shailoo_web::{AppState, Config};
use tower::ServiceExt;

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
async fn a_client_inventing_methods_adds_no_series() {
    let app = app().await;
    let mut c = Client::new(&app);
    for i in 0..300 {
        let method = Method::from_bytes(format!("INVENTED{i}").as_bytes()).unwrap();
        let r = c
            .send(
                Request::builder()
                    .method(method)
                    .uri("/stations")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    }
    let metrics = c.get("/metrics").await.body;
    assert!(!metrics.contains("method=\"INVENTED"), "{metrics}");
    assert!(
        metrics.contains("method=\"other\",route=\"/stations\",status=\"405\""),
        "{metrics}"
    );
}

#[tokio::test]
async fn the_operator_keeps_metrics_off_the_public_address() {
    let config = Config {
        public_metrics: false,
        ..Config::default()
    };
    let app = app_with_config(config).await;
    let mut public = Client::new(&app);
    public.get("/stations").await;
    assert_eq!(public.get("/metrics").await.status, StatusCode::NOT_FOUND);
    assert_eq!(public.get("/healthz").await.status, StatusCode::OK);
    // The metrics router, which `shailoo serve --metrics-addr` serves on its own address.
    let state = AppState::new(app.store.clone(), Config::default());
    let private = shailoo_web::metrics_router(state);
    for (path, needle) in [("/metrics", "route=\"/stations\""), ("/healthz", "ok")] {
        let r = private
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        assert!(String::from_utf8_lossy(&body).contains(needle), "{path}");
    }
    // Nothing else is served there.
    let r = private
        .oneshot(Request::get("/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
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
