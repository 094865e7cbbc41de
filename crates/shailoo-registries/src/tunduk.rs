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

use crate::xroad::{XRoadFailure, XRoadRest};
use crate::{ConfigError, XRoadClientId, XRoadServiceId};
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

/// [`PassportRegistry`] over Tunduk.
#[derive(Debug, Clone)]
pub struct TundukRegistry {
    service: XRoadServiceId,
    rest: XRoadRest,
}

impl TundukRegistry {
    pub fn new(config: TundukConfig) -> Result<Self, ConfigError> {
        let rest = XRoadRest::new(&config.security_server, config.client, config.timeout)?;
        Ok(TundukRegistry {
            service: config.service,
            rest,
        })
    }
}

impl From<XRoadFailure> for RegistryError {
    fn from(f: XRoadFailure) -> Self {
        match f {
            XRoadFailure::Timeout => RegistryError::Timeout,
            XRoadFailure::Unavailable(detail) => RegistryError::Unavailable(detail),
        }
    }
}

#[async_trait]
impl PassportRegistry for TundukRegistry {
    async fn check(
        &self,
        pin: &Pin,
        passport: &PassportNumber,
    ) -> Result<PassportVerdict, RegistryError> {
        let path = format!("persons/{}/documents/{}", pin.as_str(), passport.as_str());
        let answer = self.rest.get(&self.service, &path).await?;
        let status = answer.status;
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(PassportVerdict::NotConfirmed(
                NotConfirmedReason::UnknownPin,
            ));
        }
        if !status.is_success() {
            tracing::warn!(status = status.as_u16(), "Tunduk passport service failed");
            return Err(RegistryError::Unavailable(format!("HTTP {status}")));
        }
        let answer: Answer = serde_json::from_slice(&answer.body).map_err(|_| {
            RegistryError::Protocol("the body is not the documented JSON".to_owned())
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
