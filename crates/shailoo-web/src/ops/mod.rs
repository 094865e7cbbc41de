//! Operations endpoints: `/healthz` for load balancers and `/metrics` for Prometheus, and the
//! middleware that counts and times every request.
//!
//! `/metrics` is on the public address unless the operator serves it elsewhere
//! ([`crate::Config::public_metrics`] off, [`crate::metrics_router`] on a private address):
//! it tells the load, the size of the register and which pages fail, which is the operator's
//! business. Its labels are bounded whatever clients send: the method is one of the known
//! ones or `other`, the route is the template or `unmatched`, the status a number.

use crate::AppState;
use crate::features::{Access, Feature};
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The process-wide Prometheus recorder's handle, installed on first use.
///
/// The `metrics` facade has one global recorder per process, so every [`crate::AppState`] of a
/// process (many, in tests) shares it. If another recorder was installed first, metrics from
/// this crate go there and `/metrics` shows only what this handle sees (it is logged).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".to_owned()),
                    LATENCY_BUCKETS,
                )
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if let Err(e) = metrics::set_global_recorder(recorder) {
                tracing::warn!(error = %e, "a metrics recorder was already installed");
            }
            handle
        })
        .clone()
}

/// The method as a label: the standard ones by name, any other (a client may send `FOO`, or a
/// new one per request) as `other`, so that no client grows the number of series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// Counts requests by method, route template and status, and records their latency. The route
/// template (`/stations/{number}`), not the raw path, keeps the label set small.
pub(crate) async fn track_requests(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [
        ("method", method.to_owned()),
        ("route", route),
        ("status", status),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels[..2])
        .record(start.elapsed().as_secs_f64());
    response
}

pub(crate) fn feature() -> Feature {
    use Access::Public;
    Feature::new("ops").get("/healthz", Public, healthz)
}

/// `/metrics`: the public router adds it when [`crate::Config::public_metrics`] is on, and
/// [`crate::metrics_router`] serves it (with `/healthz`) on an address of its own.
pub(crate) fn metrics_route() -> Router<AppState> {
    Router::new().route("/metrics", get(prometheus))
}

/// `/healthz` alone, for the metrics address.
pub(crate) fn healthz_route() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable").into_response()
        }
    }
}

async fn prometheus(State(state): State<AppState>) -> Response {
    // Totals are read at scrape time, so the gauges are never stale.
    match state.store.totals().await {
        Ok(t) => {
            let g = |kind: &'static str, v: u64| {
                // Counts far below 2^53: exact as f64.
                metrics::gauge!("shailoo_total", "what" => kind).set(v as f64);
            };
            g("councils_city", t.councils_city);
            g("councils_aiyl", t.councils_aiyl);
            g("seats_city", t.seats_city);
            g("seats_aiyl", t.seats_aiyl);
            g("commissions", t.commissions);
            g("stations_regular", t.stations_regular);
            g("stations_remote", t.stations_remote);
            g("register_persons", t.register_persons);
            metrics::gauge!("shailoo_store_up").set(1.0);
        }
        Err(e) => {
            tracing::warn!(error = %e, "totals for metrics failed");
            metrics::gauge!("shailoo_store_up").set(0.0);
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}
