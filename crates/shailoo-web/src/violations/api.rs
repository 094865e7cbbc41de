//! `GET /api/v1/elections/{election}/violations/stats` (reports per day, category and region)
//! and `POST /api/v1/violations/messages`, the messaging gateway's webhook.

use crate::AppState;
use crate::kit::client::ClientIp;
use crate::kit::input::Json;
use crate::kit::rate_limit::{Decision, set_retry_after};
use crate::kit::{ApiError, ApiLang, ApiResult, ErrorBody, OrRefused};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, KeyInit, Mac};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use shailoo_app::violations::{self, Place, ReportText, ViolationDraft};
use shailoo_domain::violation::Intake;
use shailoo_domain::{ElectionId, ErrorCode};
use utoipa::ToSchema;

/// Reports received on one day (Bishkek) of one category in one region.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationStatDto {
    /// `2024-11-17`.
    pub day: String,
    /// The category's code (`vote_buying`…); absent while the report is not triaged.
    pub category: Option<String>,
    /// The region's territory id (an oblast, Bishkek or Osh); absent before triage.
    pub region: Option<String>,
    pub count: u64,
}

/// The statistics of an election's violation reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationStatsDto {
    pub election: String,
    pub total: u64,
    /// By day, then category, then region.
    pub items: Vec<ViolationStatDto>,
}

/// The public statistics of violation reports (CMP-07): no text, no place, no reporter.
#[utoipa::path(get, path = "/api/v1/elections/{election}/violations/stats", tag = "violations",
    params(("election" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id, e.g. `local-2024`"), crate::kit::LangQuery),
    responses(
        (status = 200, description = "Reports per day, category and region", body = ViolationStatsDto),
        (status = 400, description = "A malformed election id", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
    ))]
pub(super) async fn api_stats(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(id): Path<String>,
) -> ApiResult<ViolationStatsDto> {
    let election =
        ElectionId::parse(&id).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "election"))?;
    let rows = violations::stats(state.store.as_ref(), &election)
        .await
        .map_err(|e| match e {
            violations::ViolationError::UnknownElection(_) => ApiError::not_found(lang),
            e => ApiError::refused(lang, &e),
        })?;
    Ok(Json(ViolationStatsDto {
        election: election.to_string(),
        total: rows.iter().map(|r| r.count).sum(),
        items: rows
            .into_iter()
            .map(|r| ViolationStatDto {
                day: r.day.to_string(),
                category: r.category.map(|c| c.code().to_owned()),
                region: r.region,
                count: r.count,
            })
            .collect(),
    }))
}

/// A message as the gateway forwards it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageIn {
    /// The gateway's id of the message: a message delivered twice is one report.
    pub message_id: String,
    /// The sender (a phone number, as the gateway has it): the reporter's contact, staff only.
    pub from: String,
    /// The election the gateway's number serves.
    pub election: String,
    pub text: String,
    /// A polling station's number, if the reporter named one.
    pub station: Option<u32>,
    /// The place in words (or a shared location's coordinates as text).
    pub location: Option<String>,
}

/// What the gateway sends back to the reporter.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageOut {
    /// The tracking code (`V-XXXX-XXXX-XXXX`) to follow the report on `/violations/track`.
    pub tracking_code: String,
    /// `received`, or the report's status when the message was delivered before.
    pub status: String,
}

/// The largest body the webhook reads: a message, never media.
const MAX_BODY: usize = 64 * 1024;

/// Whether `signature` (`sha256=<hex>`) is the HMAC-SHA256 of `body` under `secret`, compared
/// in constant time.
fn signed(secret: &str, body: &[u8], signature: Option<&str>) -> bool {
    let Some(hex_sig) = signature.and_then(|s| s.strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// A report from the messaging gateway (WhatsApp Business and the like), signed with the
/// shared secret in `X-Shailoo-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. Limited
/// per client address and per sender.
#[utoipa::path(post, path = "/api/v1/violations/messages", tag = "violations",
    request_body = MessageIn,
    params(("X-Shailoo-Signature" = String, Header, description = "`sha256=` and the hex HMAC-SHA256 of the body under the shared secret")),
    responses(
        (status = 201, description = "Taken in (or taken before: the same report)", body = MessageOut),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Missing or wrong signature", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
        (status = 413, description = "Body larger than 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not `application/json` (`not_json`)", body = ErrorBody),
        (status = 422, description = "A report the rules refuse (no place, unknown station, empty text)", body = ErrorBody),
        (status = 429, description = "Too many messages from this address or sender", body = ErrorBody),
        (status = 503, description = "The webhook has no secret configured", body = ErrorBody),
    ))]
pub(super) async fn webhook(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(secret) = state.config.violations.webhook_secret.as_deref() else {
        return ApiError::new(
            lang,
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::ViolationWebhookOff,
        )
        .into_response();
    };
    if let Decision::Limited { retry_after } = state.violations.per_ip.check(&ip) {
        return limited(lang, retry_after);
    }
    let json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return ApiError::new(lang, StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::NotJson)
            .into_response();
    }
    if body.len() > MAX_BODY {
        return ApiError::new(lang, StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::BodyTooLarge)
            .into_response();
    }
    let signature = headers
        .get("x-shailoo-signature")
        .and_then(|v| v.to_str().ok());
    if !signed(secret, &body, signature) {
        return ApiError::new(
            lang,
            StatusCode::UNAUTHORIZED,
            ErrorCode::ViolationBadSignature,
        )
        .into_response();
    }
    let message: MessageIn = match serde_json::from_slice(&body) {
        Ok(m) => m,
        Err(_) => return ApiError::bad(lang, ErrorCode::BadJson, "body").into_response(),
    };
    if let Decision::Limited { retry_after } = state.violations.per_sender.check(&message.from) {
        return limited(lang, retry_after);
    }
    match take(&state, lang, message).await {
        Ok(out) => (StatusCode::CREATED, Json(out)).into_response(),
        Err(e) => e.into_response(),
    }
}

fn limited(lang: crate::kit::Lang, after: std::time::Duration) -> Response {
    metrics::counter!("shailoo_violations_rate_limited_total", "by" => "webhook").increment(1);
    let mut r =
        ApiError::new(lang, StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited).into_response();
    set_retry_after(&mut r, after);
    r
}

async fn take(
    state: &AppState,
    lang: crate::kit::Lang,
    m: MessageIn,
) -> Result<MessageOut, ApiError> {
    let refused = |e: violations::ViolationError| ApiError::refused(lang, &e);
    let election = ElectionId::parse(&m.election)
        .map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "election"))?;
    let station = m
        .station
        .map(|s| {
            shailoo_domain::StationNumber::new(s)
                .map_err(|_| ApiError::bad(lang, ErrorCode::BadStationNumber, "station"))
        })
        .transpose()?;
    let draft = ViolationDraft {
        intake: Intake::Messaging,
        text: ReportText::parse(&m.text).map_err(refused)?,
        place: Place {
            station,
            location: m
                .location
                .as_deref()
                .map(ReportText::optional)
                .transpose()
                .map_err(refused)?
                .flatten(),
        },
        contact: ReportText::optional(&m.from).map_err(refused)?,
        evidence: None,
        external_id: Some(format!("messaging:{}", m.message_id)),
    };
    let secret: u32 = rand::rng().random();
    let report =
        violations::report_publicly(state.store.as_ref(), &election, draft, secret, state.now())
            .await
            .or_api(lang)?;
    Ok(MessageOut {
        tracking_code: report
            .tracking_code()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        status: report.status().code().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_taken_only_with_the_hmac_of_its_body() {
        let body = br#"{"message_id":"1"}"#;
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap_or_else(|_| unreachable!());
        mac.update(body);
        let good = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert!(signed("s3cret", body, Some(&good)));
        assert!(!signed("other", body, Some(&good)));
        assert!(!signed("s3cret", b"{}", Some(&good)));
        assert!(!signed("s3cret", body, None));
        assert!(!signed("s3cret", body, Some("sha256=zz")));
    }
}
