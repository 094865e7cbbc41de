//! The log-in throttle: how many wrong passwords an account, a client address, and one client
//! on one account may send in a window before further attempts are refused.
//!
//! Two properties matter, and each has a test:
//! * **An attempt is claimed before its password is checked.** [`LoginThrottle::claim`] counts
//!   the attempt as a failure under the same lock that checks the limits, and only a right
//!   password takes it back ([`LoginThrottle::succeeded`]). Attempts sent in parallel therefore
//!   see each other: of 100 concurrent guesses, as many are checked as the limit allows, not
//!   100 (Argon2 takes long enough for all of them to pass a check-then-record throttle).
//! * **One client cannot lock others out.** The tight limit is per *pair* (this account from
//!   this address, [`ThrottleLimits::per_client_and_account`]): one person's typos block only
//!   their own account from their own desk. The account's limit over all addresses is higher,
//!   and one address counts towards it at most the pair's limit, so locking an account needs
//!   several addresses. The address's limit over all accounts is higher still: it stops one
//!   client trying many accounts (password spraying), while an office behind one address stays
//!   open to colleagues who type their own password right.
//!
//! In memory on purpose: one server process, and a restart forgetting the counts is acceptable
//! (an attacker cannot cause restarts). Counts are the times of failures inside the window;
//! every claim drops what has left it, so the table holds only the last window's attempts.

use crate::kit::rate_limit::client_key;
use jiff::{SignedDuration, Timestamp};
use shailoo_app::Username;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// How many failed log-ins are allowed inside the window; the next attempt is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimits {
    /// One account from one client address.
    pub per_client_and_account: usize,
    /// One account, from any address.
    pub per_account: usize,
    /// One client address, for any accounts.
    pub per_client: usize,
    pub window: SignedDuration,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        ThrottleLimits {
            per_client_and_account: 5,
            per_account: 20,
            per_client: 30,
            window: SignedDuration::from_mins(15),
        }
    }
}

/// What a count is kept for. The account is the username as typed, lower-cased, or `None`
/// for text that is no username (it names nobody, so all such attempts share one count). The
/// address is the client's ([`client_key`]: an IPv6 client by its /64), `None` when the server
/// has no connection information (in-process tests).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(Option<String>, Option<IpAddr>),
    Account(Option<String>),
    Client(Option<IpAddr>),
}

/// An attempt already counted as a failure. Dropping it leaves it counted (a wrong password,
/// or a request that never finished); [`LoginThrottle::succeeded`] and
/// [`LoginThrottle::release`] take it back.
#[derive(Debug)]
#[must_use = "an attempt stays counted as a failure unless it is given back"]
pub struct Claim {
    keys: [Key; 3],
    at: Timestamp,
}

/// Refused: a limit of the attempt's account, address or pair is used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled;

/// Refuses log-in attempts past [`ThrottleLimits`].
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<Key, Vec<Timestamp>>>,
    limits: ThrottleLimits,
}

impl LoginThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        LoginThrottle {
            failures: Mutex::default(),
            limits,
        }
    }

    pub fn limits(&self) -> ThrottleLimits {
        self.limits
    }

    fn with_map<R>(&self, f: impl FnOnce(&mut HashMap<Key, Vec<Timestamp>>) -> R) -> R {
        // A poisoned lock only means another request panicked mid-update; the counts are still
        // usable.
        let mut guard = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    fn limit(&self, key: &Key) -> usize {
        match key {
            Key::Pair(..) => self.limits.per_client_and_account,
            Key::Account(_) => self.limits.per_account,
            Key::Client(_) => self.limits.per_client,
        }
    }

    /// Counts an attempt to log in as `username` from `ip` at `now`, before its password is
    /// checked, or refuses it when a limit is used up (then it is not counted: a refused
    /// attempt checks no password).
    pub fn claim(
        &self,
        username: &str,
        ip: Option<IpAddr>,
        now: Timestamp,
    ) -> Result<Claim, Throttled> {
        let account = Username::parse(&username.trim().to_lowercase())
            .ok()
            .map(String::from);
        let client = ip.map(client_key);
        let keys = [
            Key::Pair(account.clone(), client),
            Key::Account(account),
            Key::Client(client),
        ];
        self.with_map(|map| {
            let since = now - self.limits.window;
            map.retain(|_, times| {
                times.retain(|t| *t > since);
                !times.is_empty()
            });
            let used_up = keys
                .iter()
                .any(|k| map.get(k).is_some_and(|t| t.len() >= self.limit(k)));
            if used_up {
                return Err(Throttled);
            }
            for k in &keys {
                map.entry(k.clone()).or_default().push(now);
            }
            Ok(Claim { keys, at: now })
        })
    }

    /// Takes an attempt back that was no guess (the store could not be asked).
    pub fn release(&self, claim: Claim) {
        self.with_map(|map| {
            for k in &claim.keys {
                if let Some(times) = map.get_mut(k)
                    && let Some(i) = times.iter().position(|t| *t == claim.at)
                {
                    times.swap_remove(i);
                }
            }
        });
    }

    /// The password was right: the attempt was no failure, and the typos this client made on
    /// this account before are forgiven. The account's and the address's counts keep the
    /// failures of others.
    pub fn succeeded(&self, claim: Claim) {
        let pair = claim.keys[0].clone();
        self.release(claim);
        self.with_map(|map| map.remove(&pair));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + SignedDuration::from_secs(secs)
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn claims_in_flight_count_so_parallel_guesses_stop_at_the_limit() {
        let t = LoginThrottle::default();
        // Nothing is given back: these are all still being checked.
        let claims: Vec<_> = (0..100)
            .map(|_| t.claim("admin", ip("198.51.100.7"), at(0)))
            .collect();
        assert_eq!(claims.iter().filter(|c| c.is_ok()).count(), 5);
        assert!(claims[5..].iter().all(|c| c.is_err()));
    }

    #[test]
    fn one_clients_typos_lock_only_that_client_out_of_that_account() {
        let t = LoginThrottle::default();
        let office = ip("203.0.113.5");
        for i in 0..5 {
            drop(t.claim("tec.one", office, at(i)).unwrap());
        }
        assert_eq!(t.claim("TEC.one", office, at(10)).unwrap_err(), Throttled);
        // A colleague at the same address, and the same account from elsewhere, are not.
        t.succeeded(t.claim("admin", office, at(11)).unwrap());
        t.succeeded(t.claim("tec.one", ip("192.0.2.1"), at(12)).unwrap());
        // Until the window has passed.
        t.succeeded(t.claim("tec.one", office, at(15 * 60 + 1)).unwrap());
    }

    #[test]
    fn an_account_locks_only_after_several_clients_and_an_address_after_many_accounts() {
        let t = LoginThrottle::default();
        // Four clients use up their pairs: 20 failures on the account.
        for client in 1..=4 {
            for i in 0..5 {
                let addr = ip(&format!("192.0.2.{client}"));
                drop(t.claim("admin", addr, at(i)).unwrap());
            }
        }
        assert!(t.claim("admin", ip("192.0.2.99"), at(10)).is_err());
        // One client trying many accounts: 30 failures on the address.
        let sprayer = ip("198.51.100.1");
        for n in 0..30 {
            drop(t.claim(&format!("user{n}"), sprayer, at(n)).unwrap());
        }
        assert!(t.claim("someone.else", sprayer, at(40)).is_err());
        // IPv6 counts by /64: another host of the same prefix is the same client.
        let v6 = ip("2001:db8:1:2::1");
        for i in 0..5 {
            drop(t.claim("pec.one", v6, at(i)).unwrap());
        }
        assert!(t.claim("pec.one", ip("2001:db8:1:2::ffff"), at(9)).is_err());
    }

    #[test]
    fn a_right_password_forgives_the_clients_typos_and_a_released_claim_counts_nothing() {
        let t = LoginThrottle::default();
        let desk = ip("192.0.2.10");
        for i in 0..4 {
            drop(t.claim("pec.one", desk, at(i)).unwrap());
        }
        t.succeeded(t.claim("pec.one", desk, at(5)).unwrap());
        for i in 0..5 {
            drop(t.claim("pec.one", desk, at(10 + i)).unwrap());
        }
        assert!(t.claim("pec.one", desk, at(20)).is_err());
        // A released attempt is as if it never happened.
        let other = LoginThrottle::default();
        for i in 0..10 {
            other.release(other.claim("admin", desk, at(i)).unwrap());
        }
        assert!(other.claim("admin", desk, at(20)).is_ok());
        // Text that is no username shares one count, which locks no real account.
        for i in 0..5 {
            drop(other.claim("not a username!", desk, at(30 + i)).unwrap());
        }
        assert!(other.claim("also not one?", desk, at(40)).is_err());
        assert!(other.claim("admin", desk, at(41)).is_ok());
    }
}
