//! The Kannel SMS gateway's `sendsms` HTTP interface (smsbox, `sendsms-port`).
//!
//! ```text
//! GET {base}/cgi-bin/sendsms?username=U&password=P&from=SHAILOO&to=%2B996700000123
//!     &text=…&charset=UTF-8&coding=2
//! 202 "0: Accepted for delivery"      (or "3: Queued for later delivery")
//! 403 "Authorization failed for sendsms"
//! 4xx/5xx otherwise
//! ```
//!
//! `coding=2` asks for UCS-2, which Cyrillic (Kyrgyz Ө Ү Ң) needs; `charset=UTF-8` says how the
//! `text` parameter is encoded. The smsbox side is the `sendsms-user` of `docs/kannel.conf`,
//! which shailoo-web's `tests/web/kannel.rs` runs through a real Kannel.

use crate::{ConfigError, base_url, http_client};
use async_trait::async_trait;
use shailoo_app::cabinet::{SmsError, SmsGateway};
use shailoo_domain::identity::Msisdn;
use std::time::Duration;

/// Where and as whom to send.
#[derive(Clone)]
pub struct KannelConfig {
    /// The smsbox's `sendsms` base URL, e.g. `http://127.0.0.1:13013`.
    pub url: String,
    pub username: String,
    pub password: String,
    /// The sender name or short number shown on the phone.
    pub from: String,
    pub timeout: Duration,
}

/// The password stays out of debug output.
impl std::fmt::Debug for KannelConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KannelConfig")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// [`SmsGateway`] over Kannel.
#[derive(Debug, Clone)]
pub struct KannelGateway {
    config: KannelConfig,
    endpoint: String,
    http: reqwest::Client,
}

impl KannelGateway {
    pub fn new(config: KannelConfig) -> Result<Self, ConfigError> {
        let endpoint = format!(
            "{}/cgi-bin/sendsms",
            base_url("Kannel sendsms", &config.url)?
        );
        let http = http_client(config.timeout)?;
        Ok(KannelGateway {
            config,
            endpoint,
            http,
        })
    }
}

#[async_trait]
impl SmsGateway for KannelGateway {
    async fn send(&self, to: &Msisdn, text: &str) -> Result<(), SmsError> {
        let to = to.e164();
        let response = self
            .http
            .get(&self.endpoint)
            .query(&[
                ("username", self.config.username.as_str()),
                ("password", self.config.password.as_str()),
                ("from", self.config.from.as_str()),
                ("to", to.as_str()),
                ("text", text),
                ("charset", "UTF-8"),
                ("coding", "2"),
            ])
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    SmsError::Timeout
                } else if e.is_connect() {
                    SmsError::Unavailable("connection failed".to_owned())
                } else {
                    // The URL holds the password and the text with the code: not printed.
                    SmsError::Unavailable("request failed".to_owned())
                }
            })?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        let body = body.trim();
        if status == reqwest::StatusCode::ACCEPTED
            && (body.starts_with("0:") || body.starts_with("3:"))
        {
            return Ok(());
        }
        tracing::warn!(
            status = status.as_u16(),
            answer = body,
            "Kannel refused a message"
        );
        if status.is_server_error() {
            Err(SmsError::Unavailable(format!("HTTP {status}: {body}")))
        } else {
            Err(SmsError::Rejected(format!("HTTP {status}: {body}")))
        }
    }
}
