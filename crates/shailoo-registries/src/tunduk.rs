//! The passport registry over Tunduk (X-Road Message Protocol for REST, version `r1`).
//!
//! One call per sign-in:
//!
//! ```text
//! GET {security_server}/r1/{service_id}/persons/{pin}/documents/{passport}
//! X-Road-Client: KG/GOV/70000001/shailoo
//! Accept: application/json
//!
//! 200 {"pin": "20101199000123", "document": "ID9000123", "documentStatus": "VALID",
//!      "holderMatches": true, "mobilePhone": "+996700000123"}
//! 404 {"error": "PERSON_NOT_FOUND"}                      (the service: unknown PIN)
//! 5xx + X-Road-Error: Server.ServerProxy.…  {"type", "message", "detail"}  (X-Road itself)
//! ```
//!
//! `documentStatus` is `VALID`, `EXPIRED`, `LOST` or `REPLACED`; `mobilePhone` is the number
//! registered to the PIN (SIM registration), or null. The service path is ours, documented in
//! `docs/registries.md`; the framing (`/r1/`, the `X-Road-Client` header, the error envelope
//! with the `X-Road-Error` header) is X-Road's.

use crate::{ConfigError, XRoadClientId, XRoadServiceId, base_url, http_client};
use async_trait::async_trait;
use serde::Deserialize;
use shailoo_app::cabinet::{NotConfirmedReason, PassportRegistry, PassportVerdict, RegistryError};
use shailoo_domain::Pin;
use shailoo_domain::identity::{Msisdn, PassportNumber};
use std::time::Duration;

/// Where and as whom to call.
#[derive(Debug, Clone)]
pub struct TundukConfig {
    /// The base URL of our own security server, e.g. `https://ss.shailoo.local`.
    pub security_server: String,
    /// Our subsystem, sent as `X-Road-Client`.
    pub client: XRoadClientId,
    /// The passport service, e.g. `KG/GOV/70000002/grs/passport-check`.
    pub service: XRoadServiceId,
    pub timeout: Duration,
}

/// The default service id: the State Registration Service's passport check (a placeholder
/// member code until the real one is assigned; configurable).
pub const DEFAULT_SERVICE: &str = "KG/GOV/70000002/grs/passport-check";

/// The body of a 200 answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    pin: String,
    document_status: String,
    holder_matches: bool,
    mobile_phone: Option<String>,
}

/// X-Road's error envelope.
#[derive(Debug, Deserialize)]
struct XRoadFault {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// [`PassportRegistry`] over Tunduk.
#[derive(Debug, Clone)]
pub struct TundukRegistry {
    config: TundukConfig,
    base: String,
    http: reqwest::Client,
}

impl TundukRegistry {
    pub fn new(config: TundukConfig) -> Result<Self, ConfigError> {
        let base = base_url("Tunduk security server", &config.security_server)?;
        let http = http_client(config.timeout)?;
        Ok(TundukRegistry { config, base, http })
    }

    /// The request URL for a PIN and document (the PIN and number are digits and Latin
    /// letters only: nothing to escape).
    fn url(&self, pin: &Pin, passport: &PassportNumber) -> String {
        format!(
            "{}/r1/{}/persons/{}/documents/{}",
            self.base,
            self.config.service,
            pin.as_str(),
            passport.as_str()
        )
    }
}

/// A transport failure, described without its URL (which holds the PIN).
fn transport(e: &reqwest::Error) -> RegistryError {
    if e.is_timeout() {
        return RegistryError::Timeout;
    }
    let kind = if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "unreadable answer"
    } else {
        "request failed"
    };
    RegistryError::Unavailable(kind.to_owned())
}

#[async_trait]
impl PassportRegistry for TundukRegistry {
    async fn check(
        &self,
        pin: &Pin,
        passport: &PassportNumber,
    ) -> Result<PassportVerdict, RegistryError> {
        let response = self
            .http
            .get(self.url(pin, passport))
            .header("X-Road-Client", self.config.client.as_str())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| transport(&e))?;
        let status = response.status();
        let fault = response
            .headers()
            .get("X-Road-Error")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Some(kind) = fault {
            // X-Road itself failed (our security server, the provider's, the network between):
            // whatever the status, it says nothing about the voter.
            let body: Option<XRoadFault> = response.json().await.ok();
            let detail = body.and_then(|b| b.kind).unwrap_or(kind);
            tracing::warn!(fault = %detail, status = status.as_u16(), "Tunduk fault");
            return Err(RegistryError::Unavailable(detail));
        }
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(PassportVerdict::NotConfirmed(
                NotConfirmedReason::UnknownPin,
            ));
        }
        if !status.is_success() {
            tracing::warn!(status = status.as_u16(), "Tunduk passport service failed");
            return Err(RegistryError::Unavailable(format!("HTTP {status}")));
        }
        let answer: Answer = response.json().await.map_err(|e| {
            if e.is_timeout() {
                RegistryError::Timeout
            } else {
                RegistryError::Protocol("the body is not the documented JSON".to_owned())
            }
        })?;
        if answer.pin != pin.as_str() {
            return Err(RegistryError::Protocol(
                "the answer is about another PIN".to_owned(),
            ));
        }
        if !answer.holder_matches {
            return Ok(PassportVerdict::NotConfirmed(
                NotConfirmedReason::NotTheHolder,
            ));
        }
        match answer.document_status.as_str() {
            "VALID" => {}
            "EXPIRED" | "LOST" | "REPLACED" | "INVALID" => {
                return Ok(PassportVerdict::NotConfirmed(
                    NotConfirmedReason::DocumentInvalid,
                ));
            }
            other => {
                return Err(RegistryError::Protocol(format!(
                    "unknown documentStatus {other:?}"
                )));
            }
        }
        let phone = match answer.mobile_phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => Some(Msisdn::parse(p).map_err(|_| {
                RegistryError::Protocol("mobilePhone is not a Kyrgyz mobile number".to_owned())
            })?),
        };
        Ok(PassportVerdict::Confirmed { phone })
    }
}
