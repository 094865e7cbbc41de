//! Violation reports (CMP-07) on the web: the public form (a photo or video, a station or a
//! place), the tracking page the reporter follows with their code, the public statistics by
//! category, region and day with a chart, the desk of the hotline 1255 and the rapid-response
//! groups (intake of calls, e-mails and visits; triage, assignment, outcome), the statistics
//! as JSON, and the messaging gateway's webhook.
//!
//! * E-mail: an operator pastes a message received at the CEC's address into the desk's
//!   intake form with its `Message-ID`, so that a message forwarded twice is one report; no
//!   mailbox is read by the server.
//! * Messaging: `POST /api/v1/violations/messages`, JSON, from a WhatsApp Business-style
//!   gateway, signed with a shared secret: `X-Shailoo-Signature: sha256=<hex HMAC-SHA256 of
//!   the body>` ([`ViolationsConfig::webhook_secret`]; without a secret the endpoint answers
//!   503). The gateway's message id makes a retried delivery one report. The answer carries
//!   the tracking code for the gateway to send back to the reporter.
//! * The public form and the webhook are rate-limited per client address
//!   ([`ViolationsConfig::per_ip`], GCRA from [`crate::kit::rate_limit`]); the webhook also
//!   per sender.
//!
//! * `public.rs`: the form, the tracking page, the statistics page; `desk.rs`: the staff desk;
//!   `api.rs`: the statistics API and the webhook; `views.rs`: what they share.

mod api;
mod desk;
mod public;
mod views;

use crate::features::{Access, Feature};
use crate::kit::rate_limit::{KeyedLimiter, RateLimit};
use crate::kit::{Lang, Refusal};
use axum::http::StatusCode;
use shailoo_app::StoreError;
use shailoo_app::authz::Power;
use shailoo_app::violations::{MAX_EVIDENCE_BYTES, ViolationError};
use shailoo_domain::ErrorCode;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use utoipa_axum::routes;

/// The body of the public form: the photo or video and the text fields, with room for the
/// multipart framing.
const REPORT_BODY_LIMIT: usize = MAX_EVIDENCE_BYTES + 64 * 1024;

/// The settings of the public intake.
#[derive(Debug, Clone)]
pub struct ViolationsConfig {
    /// The secret the messaging gateway signs its webhook calls with; `None`: the webhook is
    /// off (503).
    pub webhook_secret: Option<String>,
    /// Reports per client address (the form and the webhook): 5 at once, then one every 2
    /// minutes (30 an hour; a witness with several photos still gets through, a flood does
    /// not).
    pub per_ip: RateLimit,
    /// Reports per sender of the gateway: 5 at once, then one every 5 minutes.
    pub per_sender: RateLimit,
    pub max_tracked_keys: usize,
}

impl Default for ViolationsConfig {
    fn default() -> Self {
        ViolationsConfig {
            webhook_secret: None,
            per_ip: RateLimit {
                burst: 5,
                period: Duration::from_secs(120),
            },
            per_sender: RateLimit {
                burst: 5,
                period: Duration::from_secs(300),
            },
            max_tracked_keys: 100_000,
        }
    }
}

/// The limiters, shared by all requests.
pub(crate) struct ViolationService {
    per_ip: KeyedLimiter<Option<IpAddr>>,
    per_sender: KeyedLimiter<String>,
}

impl ViolationService {
    pub(crate) fn new(config: &ViolationsConfig) -> Arc<Self> {
        Arc::new(ViolationService {
            per_ip: KeyedLimiter::new(config.per_ip, config.max_tracked_keys),
            per_sender: KeyedLimiter::new(config.per_sender, config.max_tracked_keys),
        })
    }
}

pub(crate) fn feature() -> Feature {
    use Access::{Public, Staff};
    Feature::new("violations")
        .get("/violations", Public, public::form)
        .post_upload("/violations", Public, REPORT_BODY_LIMIT, public::file)
        .get("/violations/track", Public, public::track)
        .get("/violations/stats/{election}", Public, public::stats)
        .get(
            "/violations/desk",
            Staff(Power::HandleViolationReport),
            desk::page,
        )
        .in_menu("menu-violations")
        .post(
            "/violations/desk/intake",
            Staff(Power::TakeViolationReport),
            desk::intake,
        )
        .get(
            "/violations/desk/{election}/{id}",
            Staff(Power::HandleViolationReport),
            desk::report,
        )
        .post(
            "/violations/desk/{election}/{id}/triage",
            Staff(Power::HandleViolationReport),
            desk::triage,
        )
        .post(
            "/violations/desk/{election}/{id}/assign",
            Staff(Power::HandleViolationReport),
            desk::assign,
        )
        .post(
            "/violations/desk/{election}/{id}/close",
            Staff(Power::HandleViolationReport),
            desk::close,
        )
        .get(
            "/violations/desk/{election}/{id}/evidence",
            Staff(Power::HandleViolationReport),
            desk::evidence,
        )
        .api(Public, routes!(api::api_stats))
        .api(Public, routes!(api::webhook))
}

/// The refusals of the violation-report use cases, for pages and the API alike.
impl Refusal for ViolationError {
    fn status(&self) -> StatusCode {
        use ViolationError as E;
        match self {
            E::Store(e) => e.status(),
            E::Forbidden => StatusCode::FORBIDDEN,
            E::BadSignature => StatusCode::UNAUTHORIZED,
            E::UnknownElection(_) | E::UnknownReport(_) => StatusCode::NOT_FOUND,
            E::StatusNotAllowed { .. } | E::OwnReport => StatusCode::CONFLICT,
            E::EvidenceTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            E::EvidenceNotRecognised => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            ViolationError::Store(e) => Some(e),
            _ => None,
        }
    }

    /// A refusal on a rule names it.
    fn message(&self, lang: Lang) -> String {
        let base = lang.error(self.code());
        match self.rule() {
            Some(rule) => format!("{base} ({rule})"),
            None => base,
        }
    }
}
