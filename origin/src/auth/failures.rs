//! Failed authentications, limited per address: guessing keys or secrets costs a database
//! lookup each, so past a few a second an address is refused with 429 for a while without its
//! credentials being looked at.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use dashmap::DashMap;
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

type Keyed = RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, DefaultClock>;

/// Failures allowed per second per address, and who is refused until when.
pub struct Failures {
    limiter: Keyed,
    blocked: DashMap<IpAddr, Instant>,
}

impl Failures {
    /// `per_second` failures a second, bursts of ten times as many; `None` for 0 (off).
    pub fn new(per_second: u32) -> Option<Self> {
        let rate = NonZeroU32::new(per_second)?;
        let burst = rate.saturating_mul(NonZeroU32::new(10).expect("ten"));
        Some(Self {
            limiter: RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)),
            blocked: DashMap::new(),
        })
    }

    /// Seconds `address` must wait before its credentials are looked at again, if it must.
    pub fn refused(&self, address: IpAddr) -> Option<u64> {
        let until = *self.blocked.get(&address)?;
        let now = Instant::now();
        if until <= now {
            self.blocked.remove(&address);
            return None;
        }
        Some(seconds(until - now))
    }

    /// Counts a failure of `address`; the seconds it is refused for, when that was one too many.
    pub fn record(&self, address: IpAddr) -> Option<u64> {
        metrics::counter!("registry_auth_failures_total").increment(1);
        let not_until = self.limiter.check_key(&address).err()?;
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        self.blocked.insert(address, Instant::now() + wait);
        metrics::counter!("registry_auth_throttled_total").increment(1);
        Some(seconds(wait))
    }

    /// Forgets addresses no longer refused (memory stays bounded).
    pub fn shrink(&self) {
        let now = Instant::now();
        self.blocked.retain(|_, until| *until > now);
        self.limiter.retain_recent();
    }
}

fn seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_that_fails_too_often_is_refused_for_a_while() {
        let failures = Failures::new(1).unwrap();
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        for _ in 0..10 {
            assert_eq!(failures.record(a), None, "the burst is allowed");
        }
        assert!(failures.record(a).is_some());
        assert!(failures.refused(a).is_some());
        assert_eq!(failures.refused(b), None, "each address on its own");
        assert!(Failures::new(0).is_none());
    }
}
