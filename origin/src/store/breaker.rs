//! A circuit breaker in front of a store: after consecutive outages (the database unreachable
//! or too slow, never a query it answered with an error) calls fail at once with
//! [`StoreError::CircuitOpen`] instead of each waiting out a connection timeout against a dead
//! database; after a back-off (1 s doubling to 8 s) one call is let through to try again,
//! and a success closes the circuit, so service returns by itself.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use failsafe::futures::CircuitBreaker as _;
use failsafe::{Config, StateMachine, backoff, failure_policy};
use registry_core::cache_key::CacheKey;

use super::{
    ApiKeyRecord, DeleteError, Deleted, DispatchLease, EdgeRecord, EventRecord, NewVersion,
    RegisterError, Registered, RegistrationGate, SearchPage, SearchQuery, Setting, Store,
    StoreError, StoredSchema, VersionRecord,
};

type Policy = failure_policy::ConsecutiveFailures<backoff::Exponential>;

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

/// A store whose calls go through a circuit breaker.
pub struct Guarded {
    inner: Arc<dyn Store>,
    breaker: StateMachine<Policy, ()>,
}

impl Guarded {
    pub fn new(inner: Arc<dyn Store>) -> Self {
        let policy = failure_policy::consecutive_failures(
            OPEN_AFTER,
            backoff::exponential(Duration::from_secs(1), Duration::from_secs(8)),
        );
        Self {
            inner,
            breaker: Config::new().failure_policy(policy).build(),
        }
    }

    /// Whether calls are currently let through.
    pub fn is_closed(&self) -> bool {
        self.breaker.is_call_permitted()
    }

    async fn run<T, E, F>(&self, call: F) -> Result<T, E>
    where
        F: Future<Output = Result<T, E>>,
        E: Outage + From<StoreError>,
    {
        let _in_flight = InFlight::enter();
        match self.breaker.call_with(|e: &E| e.is_outage(), call).await {
            Ok(v) => Ok(v),
            Err(failsafe::Error::Inner(e)) => Err(e),
            Err(failsafe::Error::Rejected) => {
                metrics::counter!("registry_db_circuit_rejections_total").increment(1);
                Err(E::from(StoreError::CircuitOpen))
            }
        }
    }
}

/// Errors that can tell an outage from a refusal.
trait Outage {
    fn is_outage(&self) -> bool;
}

impl Outage for StoreError {
    fn is_outage(&self) -> bool {
        StoreError::is_outage(self)
    }
}

impl Outage for RegisterError {
    fn is_outage(&self) -> bool {
        matches!(self, Self::Store(e) if e.is_outage())
    }
}

impl Outage for DeleteError {
    fn is_outage(&self) -> bool {
        matches!(self, Self::Store(e) if e.is_outage())
    }
}

#[async_trait]
impl Store for Guarded {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.run(self.inner.ping()).await
    }

    async fn register(
        &self,
        new: &NewVersion,
        gate: &dyn RegistrationGate,
    ) -> Result<Registered, RegisterError> {
        self.run(self.inner.register(new, gate)).await
    }

    async fn schema_by_id(&self, id: i64) -> Result<Option<StoredSchema>, StoreError> {
        self.run(self.inner.schema_by_id(id)).await
    }

    async fn schema_usage(&self, id: i64) -> Result<Vec<(String, i32, bool)>, StoreError> {
        self.run(self.inner.schema_usage(id)).await
    }

    async fn subjects(&self, prefix: &str, deleted: Deleted) -> Result<Vec<String>, StoreError> {
        self.run(self.inner.subjects(prefix, deleted)).await
    }

    async fn versions(
        &self,
        subject: &str,
        deleted: Deleted,
    ) -> Result<Vec<VersionRecord>, StoreError> {
        self.run(self.inner.versions(subject, deleted)).await
    }

    async fn version(
        &self,
        subject: &str,
        version: Option<i32>,
        deleted: Deleted,
    ) -> Result<Option<VersionRecord>, StoreError> {
        self.run(self.inner.version(subject, version, deleted))
            .await
    }

    async fn lookup(
        &self,
        subject: &str,
        fingerprint: &str,
        deleted: Deleted,
    ) -> Result<Option<VersionRecord>, StoreError> {
        self.run(self.inner.lookup(subject, fingerprint, deleted))
            .await
    }

    async fn all_versions(
        &self,
        prefix: &str,
        deleted: Deleted,
    ) -> Result<Vec<VersionRecord>, StoreError> {
        self.run(self.inner.all_versions(prefix, deleted)).await
    }

    async fn referenced_by(&self, subject: &str, version: i32) -> Result<Vec<i64>, StoreError> {
        self.run(self.inner.referenced_by(subject, version)).await
    }

    async fn delete_version(
        &self,
        subject: &str,
        version: i32,
        permanent: bool,
        actor: &str,
    ) -> Result<(i32, Vec<CacheKey>), DeleteError> {
        self.run(
            self.inner
                .delete_version(subject, version, permanent, actor),
        )
        .await
    }

    async fn delete_subject(
        &self,
        subject: &str,
        permanent: bool,
        actor: &str,
    ) -> Result<(Vec<i32>, Vec<CacheKey>), DeleteError> {
        self.run(self.inner.delete_subject(subject, permanent, actor))
            .await
    }

    async fn setting(
        &self,
        setting: Setting,
        subject: Option<&str>,
    ) -> Result<Option<String>, StoreError> {
        self.run(self.inner.setting(setting, subject)).await
    }

    async fn set_setting(
        &self,
        setting: Setting,
        subject: Option<&str>,
        value: Option<&str>,
        actor: &str,
    ) -> Result<Option<String>, StoreError> {
        self.run(self.inner.set_setting(setting, subject, value, actor))
            .await
    }

    async fn events(
        &self,
        after: i64,
        subject: Option<&str>,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        self.run(self.inner.events(after, subject, limit)).await
    }

    async fn prune_events(&self, before_ms: i64) -> Result<u64, StoreError> {
        self.run(self.inner.prune_events(before_ms)).await
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchPage, StoreError> {
        self.run(self.inner.search(query)).await
    }

    async fn index_missing(&self, batch: i64) -> Result<usize, StoreError> {
        self.run(self.inner.index_missing(batch)).await
    }

    async fn add_reads(&self, counts: &[(i64, u64)], keep: i64) -> Result<(), StoreError> {
        self.run(self.inner.add_reads(counts, keep)).await
    }

    async fn most_read(&self, limit: i64) -> Result<Vec<i64>, StoreError> {
        self.run(self.inner.most_read(limit)).await
    }

    async fn recent_subjects(&self, window: i64, limit: i64) -> Result<Vec<String>, StoreError> {
        self.run(self.inner.recent_subjects(window, limit)).await
    }

    async fn max_event_seq(&self) -> Result<i64, StoreError> {
        self.run(self.inner.max_event_seq()).await
    }

    async fn event_time_ms(&self, seq: i64) -> Result<Option<i64>, StoreError> {
        self.run(self.inner.event_time_ms(seq)).await
    }

    async fn edges(&self) -> Result<Vec<EdgeRecord>, StoreError> {
        self.run(self.inner.edges()).await
    }

    async fn add_edge(&self, url: &str) -> Result<(), StoreError> {
        self.run(self.inner.add_edge(url)).await
    }

    async fn remove_edge(&self, url: &str) -> Result<bool, StoreError> {
        self.run(self.inner.remove_edge(url)).await
    }

    async fn record_delivery(
        &self,
        url: &str,
        cursor: Option<i64>,
        error: Option<&str>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.run(self.inner.record_delivery(url, cursor, error, now_ms))
            .await
    }

    async fn create_api_key(&self, key: &ApiKeyRecord, actor: &str) -> Result<(), StoreError> {
        self.run(self.inner.create_api_key(key, actor)).await
    }

    async fn api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.run(self.inner.api_key(id)).await
    }

    async fn api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        self.run(self.inner.api_keys()).await
    }

    async fn revoke_api_key(&self, id: &str, now_ms: i64, actor: &str) -> Result<bool, StoreError> {
        self.run(self.inner.revoke_api_key(id, now_ms, actor)).await
    }

    async fn try_lead_dispatch(&self) -> Result<Option<Box<dyn DispatchLease>>, StoreError> {
        self.run(self.inner.try_lead_dispatch()).await
    }

    fn pg_pool(&self) -> Option<sqlx::PgPool> {
        self.inner.pg_pool()
    }

    fn pool_stats(&self) -> (u32, usize) {
        self.inner.pool_stats()
    }
}
