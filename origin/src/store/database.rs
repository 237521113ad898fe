//! The database as the rest of the origin uses it: a store behind a circuit breaker, every
//! call made through one wrapper, [`Database::run`].
//!
//! After consecutive outages (the database unreachable or too slow, never a query it answered
//! with an error) calls fail at once with [`StoreError::CircuitOpen`] instead of each waiting
//! out a connection timeout against a dead database; after a back-off (1 s doubling to 8 s) one
//! call is let through to try again, and a success closes the circuit, so service returns by
//! itself.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use failsafe::futures::CircuitBreaker as _;
use failsafe::{Config, StateMachine, backoff, failure_policy};

use super::{Store, StoreError};

type Policy = failure_policy::ConsecutiveFailures<backoff::Exponential>;

/// A boxed future borrowing for `'a`, as the store's async methods return.
pub type Call<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Store calls under way in this process (each holds or waits for a pool connection).
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// How many store calls are under way; minus the connections in use, how many wait for one.
pub fn calls_in_flight() -> usize {
    IN_FLIGHT.load(Ordering::Relaxed)
}

/// Decrements [`IN_FLIGHT`] however the call ends (even when its future is dropped).
struct InFlight;

impl InFlight {
    fn enter() -> Self {
        IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
        Self
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Consecutive outages that open the circuit.
const OPEN_AFTER: u32 = 5;

/// Errors that can tell an outage (which counts against the database) from a refusal.
pub trait Outage: From<StoreError> {
    fn is_outage(&self) -> bool;
}

impl Outage for StoreError {
    fn is_outage(&self) -> bool {
        StoreError::is_outage(self)
    }
}

/// The store behind its circuit breaker.
pub struct Database {
    store: Arc<dyn Store>,
    breaker: StateMachine<Policy, ()>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.store.backend())
            .finish_non_exhaustive()
    }
}

impl Database {
    pub fn new(store: Arc<dyn Store>) -> Self {
        let policy = failure_policy::consecutive_failures(
            OPEN_AFTER,
            backoff::exponential(Duration::from_secs(1), Duration::from_secs(8)),
        );
        Self {
            store,
            breaker: Config::new().failure_policy(policy).build(),
        }
    }

    /// Runs `call` on the store through the breaker: `db.run(|s| s.schema_by_id(7))`, or a
    /// whole transaction as one call.
    pub async fn run<'a, T, E, F>(&'a self, call: F) -> Result<T, E>
    where
        F: FnOnce(&'a dyn Store) -> Call<'a, Result<T, E>>,
        E: Outage,
    {
        let _in_flight = InFlight::enter();
        match self
            .breaker
            .call_with(|e: &E| e.is_outage(), call(self.store.as_ref()))
            .await
        {
            Ok(v) => Ok(v),
            Err(failsafe::Error::Inner(e)) => Err(e),
            Err(failsafe::Error::Rejected) => {
                metrics::counter!("registry_db_circuit_rejections_total").increment(1);
                Err(E::from(StoreError::CircuitOpen))
            }
        }
    }

    /// `postgres` or `sqlite`.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// The PostgreSQL pool, for `LISTEN` (none on SQLite).
    pub fn pg_pool(&self) -> Option<sqlx::PgPool> {
        self.store.pg_pool()
    }

    /// Connections open and idle in the pool.
    pub fn pool_stats(&self) -> (u32, usize) {
        self.store.pool_stats()
    }
}
