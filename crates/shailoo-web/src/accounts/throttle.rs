//! The log-in throttle: too many failed log-ins per username or per client address, and the
//! next attempt is refused for a while.

use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;
use std::sync::Mutex;

/// Refuses log-in attempts after too many failures per username or per client address.
///
/// In memory on purpose: one server process, and a restart forgetting the counts is
/// acceptable (an attacker cannot cause restarts). Counts are kept per key as the times of
/// failures inside the window.
#[derive(Debug)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Vec<Timestamp>>>,
    /// Failures allowed inside the window; the next attempt is refused.
    pub max_failures: usize,
    pub window: SignedDuration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            failures: Mutex::new(HashMap::new()),
            max_failures: 5,
            window: SignedDuration::from_mins(15),
        }
    }
}

impl LoginThrottle {
    fn with_map<R>(&self, f: impl FnOnce(&mut HashMap<String, Vec<Timestamp>>) -> R) -> R {
        // A poisoned lock only means another request panicked mid-update; the counts are still
        // usable.
        let mut guard = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    fn prune(&self, map: &mut HashMap<String, Vec<Timestamp>>, now: Timestamp) {
        let since = now - self.window;
        map.retain(|_, times| {
            times.retain(|t| *t > since);
            !times.is_empty()
        });
    }

    /// Whether any of `keys` has used up its failures in the window ending at `now`.
    pub fn is_blocked(&self, keys: &[String], now: Timestamp) -> bool {
        self.with_map(|map| {
            self.prune(map, now);
            keys.iter()
                .any(|k| map.get(k).is_some_and(|t| t.len() >= self.max_failures))
        })
    }

    pub fn record_failure(&self, keys: &[String], now: Timestamp) {
        self.with_map(|map| {
            for k in keys {
                map.entry(k.clone()).or_default().push(now);
            }
        });
    }

    /// Forgets the failures of a key (the username after a successful log-in).
    pub fn clear(&self, key: &str) {
        self.with_map(|map| map.remove(key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_throttle_blocks_after_five_failures_until_the_window_passes() {
        let t = LoginThrottle::default();
        let keys = vec!["user:admin".to_owned()];
        let start = Timestamp::UNIX_EPOCH;
        for i in 0..5 {
            assert!(!t.is_blocked(&keys, start + SignedDuration::from_secs(i)));
            t.record_failure(&keys, start + SignedDuration::from_secs(i));
        }
        assert!(t.is_blocked(&keys, start + SignedDuration::from_mins(10)));
        assert!(!t.is_blocked(&["ip:1.2.3.4".to_owned()], start));
        assert!(!t.is_blocked(&keys, start + SignedDuration::from_mins(16)));
    }
}
