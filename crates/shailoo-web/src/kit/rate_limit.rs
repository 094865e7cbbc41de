//! Rate limits for the voter look-up: per client address on the portal and the API, per
//! sender on SMS 119, so that walking the PIN space is infeasible.
//!
//! A PIN has no check digit (VOT-10): its first nine digits are sex and date of birth, which an
//! attacker may know or guess, and five serial digits, 10^5 candidates per birthday. With the
//! default per-address limit (a burst of 30, then one look-up every 2 seconds, i.e. 30 a
//! minute) trying every serial of one birthday from one address takes 10^5 × 2 s ≈ 2.3 days;
//! a voter looking up a family of ten never notices the limit. IPv6 clients are counted per /64
//! (one customer's prefix), since a single host can rotate through the addresses of its /64.
//! Carrier-grade NAT puts many phones behind one IPv4 address; the limit is configurable
//! ([`crate::LookupConfig`]) and SMS 119 is limited per sender instead.
//!
//! The algorithm is GCRA (the "virtual scheduling" form of a token bucket): one timestamp per
//! key, the "theoretical arrival time". A request at `now` is allowed when
//! `tat - now <= (burst - 1) × period`, and then moves `tat` to `max(tat, now) + period`. A key
//! whose `tat` is in the past is the same as no key at all, which is what keeps the table small:
//! when a shard grows past its share of the key budget, such keys are dropped; if that is not
//! enough (a flood from very many addresses) the shard is cleared, which forgets limits rather
//! than growing without bound (documented trade-off: memory is the resource an attacker with a
//! botnet could otherwise exhaust; the botnet could also simply use its addresses).
//!
//! The limiter is always in the request path: an exempt client (the benchmark's load generator,
//! a monitoring probe) is looked up in the allow-list on every request and the decision is
//! [`Decision::Exempt`].

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A limit: up to `burst` requests at once, refilled at one request per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub burst: u32,
    pub period: Duration,
}

impl RateLimit {
    /// The sustained rate, per hour (for documentation and messages).
    pub fn per_hour(&self) -> f64 {
        3600.0 / self.period.as_secs_f64().max(1e-9)
    }
}

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// On the allow-list: not counted.
    Exempt,
    /// Over the limit: the next request would be allowed after `retry_after`.
    Limited {
        retry_after: Duration,
    },
}

impl Decision {
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Decision::Limited { retry_after } => Some(*retry_after),
            _ => None,
        }
    }
}

const SHARDS: usize = 16;

/// A GCRA limiter keyed by `K`, sharded so that concurrent requests rarely share a lock.
pub struct KeyedLimiter<K> {
    limit: RateLimit,
    shards: Vec<Mutex<HashMap<K, u64>>>,
    max_keys_per_shard: usize,
    epoch: Instant,
}

impl<K: Hash + Eq + Clone> KeyedLimiter<K> {
    /// A limiter remembering at most about `max_keys` keys.
    pub fn new(limit: RateLimit, max_keys: usize) -> Self {
        KeyedLimiter {
            limit: RateLimit {
                burst: limit.burst.max(1),
                period: limit.period,
            },
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            max_keys_per_shard: (max_keys / SHARDS).max(1),
            epoch: Instant::now(),
        }
    }

    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Counts a request of `key` now.
    pub fn check(&self, key: &K) -> Decision {
        self.check_at(key, Instant::now())
    }

    /// Counts a request of `key` at `now` (tests pass their own clock).
    pub fn check_at(&self, key: &K, now: Instant) -> Decision {
        let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        let now = nanos(now.saturating_duration_since(self.epoch));
        let period = nanos(self.limit.period);
        let tolerance = period.saturating_mul(u64::from(self.limit.burst - 1));
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        let shard = (hasher.finish() as usize) % SHARDS;
        let mut map = match self.shards[shard].lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let tat = map.get(key).copied().unwrap_or(now).max(now);
        if tat - now > tolerance {
            return Decision::Limited {
                retry_after: Duration::from_nanos(tat - now - tolerance),
            };
        }
        if map.len() >= self.max_keys_per_shard && !map.contains_key(key) {
            // Keys whose bucket is full again carry no information.
            map.retain(|_, t| *t > now);
            if map.len() >= self.max_keys_per_shard {
                tracing::warn!(
                    shard,
                    keys = map.len(),
                    "rate-limit table full: forgetting this shard's limits"
                );
                map.clear();
            }
        }
        map.insert(key.clone(), tat.saturating_add(period));
        Decision::Allowed
    }

    /// Keys currently remembered.
    pub fn tracked(&self) -> usize {
        self.shards
            .iter()
            .map(|s| match s.lock() {
                Ok(g) => g.len(),
                Err(p) => p.into_inner().len(),
            })
            .sum()
    }
}

/// The key of a client address: IPv4 as is (also when mapped into IPv6), IPv6 by its /64.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The address of the client of a request: the TCP peer, or, when the peer is one of our
/// `trusted_proxies`, the right-most `X-Forwarded-For` address that is not itself a trusted
/// proxy (entries further left are whatever the client chose to send). `None` when the server
/// runs without connection info (in-process tests); such requests share one bucket.
pub fn client_ip(parts: &Parts, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter_map(|s| s.parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted_proxies.contains(ip))
            .unwrap_or(peer),
    )
}

/// The per-address limiter with its allow-list.
pub struct IpLimiter {
    limiter: KeyedLimiter<Option<IpAddr>>,
    exempt: Vec<IpAddr>,
    trusted_proxies: Vec<IpAddr>,
}

impl IpLimiter {
    pub fn new(
        limit: RateLimit,
        max_keys: usize,
        exempt: Vec<IpAddr>,
        trusted_proxies: Vec<IpAddr>,
    ) -> Self {
        IpLimiter {
            limiter: KeyedLimiter::new(limit, max_keys),
            exempt,
            trusted_proxies,
        }
    }

    /// Counts one look-up by the client of this request.
    pub fn check(&self, parts: &Parts) -> Decision {
        let ip = client_ip(parts, &self.trusted_proxies);
        self.check_ip(ip)
    }

    pub fn check_ip(&self, ip: Option<IpAddr>) -> Decision {
        if let Some(ip) = ip
            && self.exempt.contains(&ip)
        {
            return Decision::Exempt;
        }
        let decision = self.limiter.check(&ip.map(client_key));
        if decision != Decision::Allowed {
            metrics::counter!("shailoo_lookup_rate_limited_total", "by" => "ip").increment(1);
        }
        decision
    }

    pub fn limit(&self) -> RateLimit {
        self.limiter.limit()
    }
}

/// Tells a limited client when to come back: `Retry-After` in whole seconds, rounded up so
/// that retrying at the announced time succeeds, and at least one.
pub(crate) fn set_retry_after(r: &mut Response, after: Duration) {
    let secs = after.as_secs() + u64::from(after.subsec_nanos() > 0);
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
}

/// Parses a list of addresses separated by commas or whitespace (`127.0.0.1, ::1`).
pub fn parse_ip_list(s: &str) -> Result<Vec<IpAddr>, String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<IpAddr>()
                .map_err(|_| format!("{p:?} is not an IP address"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit() -> RateLimit {
        RateLimit {
            burst: 3,
            period: Duration::from_secs(2),
        }
    }

    #[test]
    fn a_burst_is_allowed_then_one_request_per_period() {
        let l = KeyedLimiter::new(limit(), 100);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.check_at(&1, t0), Decision::Allowed);
        }
        let Decision::Limited { retry_after } = l.check_at(&1, t0) else {
            panic!("the fourth request at once is limited");
        };
        assert_eq!(retry_after, Duration::from_secs(2));
        // Another key has its own bucket.
        assert_eq!(l.check_at(&2, t0), Decision::Allowed);
        // One period later exactly one more request passes.
        let t1 = t0 + Duration::from_secs(2);
        assert_eq!(l.check_at(&1, t1), Decision::Allowed);
        assert!(matches!(l.check_at(&1, t1), Decision::Limited { .. }));
        // After a long pause the burst is back.
        let t2 = t1 + Duration::from_secs(60);
        for _ in 0..3 {
            assert_eq!(l.check_at(&1, t2), Decision::Allowed);
        }
    }

    #[test]
    fn walking_a_birthday_of_pins_takes_days_at_the_default_limit() {
        let d = crate::LookupConfig::default().per_ip;
        let seconds = 100_000.0 / d.per_hour() * 3600.0;
        assert!(seconds > 2.0 * 86_400.0, "{seconds} s");
    }

    #[test]
    fn the_table_stays_bounded() {
        let l = KeyedLimiter::new(limit(), 64);
        let t0 = Instant::now();
        for k in 0..10_000u32 {
            assert_eq!(l.check_at(&k, t0), Decision::Allowed);
        }
        assert!(l.tracked() <= 64 + SHARDS, "{}", l.tracked());
    }

    #[test]
    fn ipv6_clients_count_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1"
            .parse()
            .unwrap_or(IpAddr::V4([0; 4].into()));
        let b: IpAddr = "2001:db8:1:2:bbbb::9"
            .parse()
            .unwrap_or(IpAddr::V4([0; 4].into()));
        assert_eq!(client_key(a), client_key(b));
        let mapped: IpAddr = "::ffff:10.0.0.1"
            .parse()
            .unwrap_or(IpAddr::V4([0; 4].into()));
        assert_eq!(client_key(mapped), IpAddr::V4([10, 0, 0, 1].into()));
    }

    #[test]
    fn ip_lists_parse() {
        assert_eq!(parse_ip_list("127.0.0.1, ::1").map(|v| v.len()), Ok(2));
        assert!(parse_ip_list("localhost").is_err());
        assert_eq!(parse_ip_list(""), Ok(vec![]));
    }
}
