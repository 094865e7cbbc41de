//! The X-Road Message Protocol for REST (`r1`) as the Tunduk adapters use it: identifiers
//! (`INSTANCE/CLASS/MEMBER/SUBSYSTEM` for a client, the same plus `/SERVICE` and optionally
//! `/VERSION` for a service) and one GET through our security server, with X-Road's faults and
//! transport failures told apart from the service's own answers.

use crate::{ConfigError, base_url, http_client};
use serde::Deserialize;
use shailoo_domain::ErrorCode;
use std::fmt;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XRoadIdError {
    #[error(
        "an X-Road client id is INSTANCE/CLASS/MEMBER/SUBSYSTEM, e.g. KG/GOV/70000001/shailoo; got {0:?}"
    )]
    BadClient(String),
    #[error("an X-Road service id is INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/VERSION]; got {0:?}")]
    BadService(String),
}

impl XRoadIdError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            XRoadIdError::BadClient(_) => ErrorCode::XroadBadClient,
            XRoadIdError::BadService(_) => ErrorCode::XroadBadService,
        }
    }
}

/// Identifier parts may hold letters, digits, `.`, `_` and `-` (a subset of what X-Road
/// allows, chosen so that no part ever needs percent-encoding in a URL path).
fn parts(s: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = s.split('/').collect();
    let ok = parts.iter().all(|p| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    });
    ok.then_some(parts)
}

/// The calling subsystem, sent in the `X-Road-Client` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XRoadClientId(String);

impl XRoadClientId {
    pub fn parse(s: &str) -> Result<Self, XRoadIdError> {
        match parts(s.trim()) {
            Some(p) if p.len() == 4 => Ok(XRoadClientId(s.trim().to_owned())),
            _ => Err(XRoadIdError::BadClient(s.to_owned())),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for XRoadClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The service called, the path segment after `/r1/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XRoadServiceId(String);

impl XRoadServiceId {
    /// A service id written in the source: its tests parse it.
    pub(crate) fn literal(s: &'static str) -> Self {
        XRoadServiceId(s.to_owned())
    }

    pub fn parse(s: &str) -> Result<Self, XRoadIdError> {
        match parts(s.trim()) {
            Some(p) if p.len() == 5 || p.len() == 6 => Ok(XRoadServiceId(s.trim().to_owned())),
            _ => Err(XRoadIdError::BadService(s.to_owned())),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for XRoadServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A GET through our security server, as one client subsystem.
#[derive(Debug, Clone)]
pub(crate) struct XRoadRest {
    base: String,
    client: XRoadClientId,
    http: reqwest::Client,
}

/// A service's answer: its status, X-Road's message id (the `X-Road-Id` header) and the body.
pub(crate) struct XRoadAnswer {
    pub status: reqwest::StatusCode,
    pub message_id: Option<String>,
    pub body: Vec<u8>,
}

/// Why there is no answer of the service at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum XRoadFailure {
    Timeout,
    /// Unreachable, or X-Road itself failed (the detail is X-Road's fault type or the kind of
    /// transport failure: never the URL, which holds the PIN).
    Unavailable(String),
}

/// X-Road's error envelope: `{"type", "message", "detail"}` with the `X-Road-Error` header.
#[derive(Debug, Deserialize)]
struct XRoadFault {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// A transport failure, described without its URL.
fn transport(e: &reqwest::Error) -> XRoadFailure {
    if e.is_timeout() {
        return XRoadFailure::Timeout;
    }
    let kind = if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "unreadable answer"
    } else {
        "request failed"
    };
    XRoadFailure::Unavailable(kind.to_owned())
}

impl XRoadRest {
    pub fn new(
        security_server: &str,
        client: XRoadClientId,
        timeout: Duration,
    ) -> Result<Self, ConfigError> {
        Ok(XRoadRest {
            base: base_url("Tunduk security server", security_server)?,
            client,
            http: http_client(timeout)?,
        })
    }

    /// `GET {security server}/r1/{service}/{path}` with the `X-Road-Client` header. `path` is
    /// built from parsed values (digits, Latin letters), so nothing needs escaping.
    pub async fn get(
        &self,
        service: &XRoadServiceId,
        path: &str,
    ) -> Result<XRoadAnswer, XRoadFailure> {
        let response = self
            .http
            .get(format!("{}/r1/{}/{}", self.base, service, path))
            .header("X-Road-Client", self.client.as_str())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| transport(&e))?;
        let status = response.status();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let fault = header("X-Road-Error");
        let message_id = header("X-Road-Id");
        let body = response.bytes().await.map_err(|e| transport(&e))?.to_vec();
        if let Some(kind) = fault {
            // X-Road itself failed (a security server, the network between): whatever the
            // status, it says nothing about the person.
            let detail = serde_json::from_slice::<XRoadFault>(&body)
                .ok()
                .and_then(|f| f.kind)
                .unwrap_or(kind);
            tracing::warn!(fault = %detail, status = status.as_u16(), %service, "Tunduk fault");
            return Err(XRoadFailure::Unavailable(detail));
        }
        Ok(XRoadAnswer {
            status,
            message_id,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_their_number_of_parts_and_safe_characters() {
        assert!(XRoadClientId::parse("KG/GOV/70000001/shailoo").is_ok());
        assert!(XRoadClientId::parse("KG/GOV/70000001").is_err());
        assert!(XRoadClientId::parse("KG/GOV//shailoo").is_err());
        assert!(XRoadClientId::parse("KG/GOV/7000 0001/shailoo").is_err());
        assert!(XRoadServiceId::parse("KG/GOV/70000002/grs/passport-check").is_ok());
        assert!(XRoadServiceId::parse("KG/GOV/70000002/grs/passport-check/v1").is_ok());
        assert!(XRoadServiceId::parse("KG/GOV/70000002/grs").is_err());
        assert!(XRoadServiceId::parse("KG/GOV/70000002/grs/a?b").is_err());
    }
}
