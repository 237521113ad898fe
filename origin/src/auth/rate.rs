//! Rate limits per client (its API key, else its address), with separate read and write
//! budgets: governor's keyed limiters, reported in `X-RateLimit-Limit/Remaining/Reset`.

use std::net::IpAddr;
use std::num::NonZeroU32;

use axum::http::HeaderValue;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

type Keyed =
    RateLimiter<Client, DefaultKeyedStateStore<Client>, DefaultClock, StateInformationMiddleware>;

/// One budget: requests per second per client, with bursts of as many.
pub struct Budget {
    pub per_second: u32,
    limiter: Keyed,
}

impl Budget {
    pub fn new(per_second: u32) -> Option<Self> {
        let rate = NonZeroU32::new(per_second)?;
        Some(Self {
            per_second,
            limiter: RateLimiter::keyed(Quota::per_second(rate))
                .with_middleware::<StateInformationMiddleware>(),
        })
    }

    /// Takes one request from `client`'s budget: the state to report either way, and whether
    /// the request may go on (else the seconds to wait).
    pub fn take(&self, client: &Client) -> (RateState, Result<(), u64>) {
        let limit = self.per_second;
        match self.limiter.check_key(client) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let reset = u64::from((limit - remaining).div_ceil(limit));
                (
                    RateState {
                        limit,
                        remaining,
                        reset,
                    },
                    Ok(()),
                )
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let secs = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
                let state = RateState {
                    limit,
                    remaining: 0,
                    reset: secs,
                };
                (state, Err(secs))
            }
        }
    }
}

/// Whose budget a request draws on: its key, else its peer address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Client {
    Key(String),
    Ip(Option<IpAddr>),
}

/// A budget's state after a request, sent as `X-RateLimit-Limit/Remaining/Reset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateState {
    limit: u32,
    remaining: u32,
    /// Seconds until the budget is full again (or, when refused, until the next request fits).
    reset: u64,
}

impl RateState {
    pub fn write(self, response: &mut Response) {
        let headers = response.headers_mut();
        headers.insert("x-ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("x-ratelimit-reset", HeaderValue::from(self.reset));
    }
}

/// Per-client budgets (by key id, or by IP address for anonymous callers); `None` is no limit.
pub struct RateLimits {
    pub read: Option<Budget>,
    pub write: Option<Budget>,
}

impl RateLimits {
    pub fn new(read_per_second: u32, write_per_second: u32) -> Self {
        Self {
            read: Budget::new(read_per_second),
            write: Budget::new(write_per_second),
        }
    }

    /// Drops the state of clients that are back to a full budget (memory stays bounded).
    pub fn shrink(&self) {
        for budget in [&self.read, &self.write].into_iter().flatten() {
            budget.limiter.retain_recent();
            budget.limiter.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_count_down_and_refuse() {
        let budget = Budget::new(3).unwrap();
        let a = || Client::Key("a".into());
        for left in (0..3).rev() {
            let (state, v) = budget.take(&a());
            assert!(v.is_ok());
            assert_eq!(state.remaining, left);
        }
        let (state, v) = budget.take(&a());
        assert_eq!(v, Err(1));
        assert_eq!(state.remaining, 0);
        assert!(
            budget.take(&Client::Key("b".into())).1.is_ok(),
            "each client has its own budget"
        );
    }
}
