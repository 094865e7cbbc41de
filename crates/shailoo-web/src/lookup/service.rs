//! What every look-up shares: the settings of this deployment, the in-memory index of the voter
//! lists with the task that keeps it current, and the rate limiters.

use crate::kit::rate_limit::{IpLimiter, KeyedLimiter, RateLimit, parse_ip_list};
use crate::lookup::pin_tag;
use crate::lookup::sms::SmsLanguages;
use shailoo_app::lookup::{LookupOutcome, Refreshed, VoterLookup};
use shailoo_app::{Store, StoreError};
use shailoo_domain::{ElectionId, Pin};
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Settings of the look-up: rate limits, who is exempt, the SMS gateway's credentials, the
/// index. The defaults are what production should run with.
#[derive(Debug, Clone)]
pub struct LookupConfig {
    /// Per client address, portal and API together: a burst of 30, then one every 2 s
    /// (30/minute). Walking the 10^5 serials of one birthday takes 2.3 days per address.
    pub per_ip: RateLimit,
    /// Per SMS sender: a burst of 10, then one every 6 minutes (10/hour).
    pub per_sender: RateLimit,
    /// Addresses that are never limited (the limiter still runs and answers "exempt"): the
    /// benchmark client, monitoring probes. The CLI reads `SHAILOO_RATE_LIMIT_EXEMPT`.
    pub exempt: Vec<IpAddr>,
    /// Reverse proxies whose `X-Forwarded-For` is believed, by the look-up limits and the log-in
    /// throttle alike. Empty: the TCP peer is the client. The CLI reads `SHAILOO_TRUSTED_PROXIES`.
    pub trusted_proxies: Vec<IpAddr>,
    /// When set, the SMS endpoints require it (`?token=` or `Authorization: Bearer`), and only
    /// the per-sender limit applies. When unset (development), anyone may call them and the
    /// per-address limit applies on top, so they are no way around it.
    pub sms_gateway_token: Option<String>,
    /// Serve look-ups from the in-memory index (otherwise one database query each).
    pub index: bool,
    /// How often the index checks the store's version.
    pub index_refresh: Duration,
    /// Keys each limiter remembers at most (per address, per sender).
    pub max_tracked_keys: usize,
    /// Senders whose language choice (Russian) is remembered at most.
    pub sms_language_memory: usize,
}

impl Default for LookupConfig {
    fn default() -> Self {
        LookupConfig {
            per_ip: RateLimit {
                burst: 30,
                period: Duration::from_secs(2),
            },
            per_sender: RateLimit {
                burst: 10,
                period: Duration::from_secs(360),
            },
            exempt: Vec::new(),
            trusted_proxies: Vec::new(),
            sms_gateway_token: None,
            index: true,
            index_refresh: Duration::from_secs(1),
            max_tracked_keys: 200_000,
            sms_language_memory: 100_000,
        }
    }
}

/// A list of addresses that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("rate-limit exemption list: {0}")]
pub struct BadAddressList(String);

impl LookupConfig {
    /// Adds the addresses of a comma- or space-separated list to [`LookupConfig::exempt`].
    pub fn exempting(mut self, list: &str) -> Result<Self, BadAddressList> {
        self.exempt
            .extend(parse_ip_list(list).map_err(BadAddressList)?);
        Ok(self)
    }

    /// Adds the comma-separated addresses of `list` to [`LookupConfig::trusted_proxies`] (the
    /// log-in throttle believes the same proxies).
    pub fn trusting(mut self, list: &str) -> Result<Self, BadAddressList> {
        self.trusted_proxies
            .extend(parse_ip_list(list).map_err(BadAddressList)?);
        Ok(self)
    }

    /// Sets [`LookupConfig::sms_gateway_token`] (a blank token is none).
    pub fn with_sms_gateway_token(mut self, token: Option<String>) -> Self {
        self.sms_gateway_token = token.filter(|t| !t.trim().is_empty());
        self
    }
}

/// Everything look-ups share across requests: the index and the limiters.
pub(crate) struct LookupService {
    pub index: Arc<VoterLookup>,
    pub ip: IpLimiter,
    pub senders: KeyedLimiter<String>,
    pub sms_languages: SmsLanguages,
    pub config: LookupConfig,
    maintenance: AtomicBool,
}

impl LookupService {
    pub fn new(store: Arc<dyn Store>, config: &LookupConfig) -> Arc<Self> {
        Arc::new(LookupService {
            index: Arc::new(VoterLookup::new(store, config.index)),
            ip: IpLimiter::new(
                config.per_ip,
                config.max_tracked_keys,
                config.exempt.clone(),
                config.trusted_proxies.clone(),
            ),
            senders: KeyedLimiter::new(config.per_sender, config.max_tracked_keys),
            sms_languages: SmsLanguages::new(config.sms_language_memory),
            config: config.clone(),
            maintenance: AtomicBool::new(false),
        })
    }

    /// Looks a PIN up, starting the index's maintenance on first use.
    pub async fn find(
        &self,
        election: Option<&ElectionId>,
        pin: &Pin,
    ) -> Result<LookupOutcome, StoreError> {
        self.start_maintenance();
        let outcome = self.index.find(election, pin).await;
        tracing::debug!(
            pin = %pin_tag(pin),
            outcome = match &outcome {
                Ok(LookupOutcome::Found { .. }) => "found",
                Ok(LookupOutcome::NotOnList { .. }) => "not_on_list",
                Ok(_) => "no_election",
                Err(_) => "error",
            },
            "voter look-up"
        );
        outcome
    }

    /// Spawns the task that keeps the index current. It holds only a weak reference, so it
    /// ends when the application (and with it the index) is dropped.
    fn start_maintenance(&self) {
        // A plain load first: the swap (a write to a shared cache line) happens once, not per
        // request.
        if !self.config.index
            || self.maintenance.load(Ordering::Acquire)
            || self.maintenance.swap(true, Ordering::AcqRel)
        {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.maintenance.store(false, Ordering::Release);
            return;
        };
        let weak = Arc::downgrade(&self.index);
        let every = self.config.index_refresh;
        runtime.spawn(async move {
            loop {
                let Some(index) = weak.upgrade() else { break };
                match index.refresh().await {
                    Ok(Refreshed::Rebuilt {
                        version,
                        entries,
                        took,
                    }) => {
                        tracing::info!(
                            version,
                            entries,
                            ms = took.as_millis() as u64,
                            "voter look-up index built"
                        );
                        // Far below 2^53: exact as f64.
                        metrics::gauge!("shailoo_lookup_index_entries").set(entries as f64);
                        metrics::counter!("shailoo_lookup_index_builds_total").increment(1);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "voter look-up index refresh failed; answering from the database");
                    }
                }
                drop(index);
                tokio::time::sleep(every).await;
            }
        });
    }
}
