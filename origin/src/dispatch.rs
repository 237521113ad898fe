//! The invalidation dispatcher: sends every configured edge the outbox events past its cursor,
//! in signed batches, and advances the cursor when the edge acknowledges. At least once: a
//! batch is resent until acknowledged (the edge applies batches idempotently), and cursors live
//! in the database, so nothing is lost across restarts.
//!
//! One dispatcher is active among the processes sharing a database (a PostgreSQL advisory
//! lock; SQLite has one process). It wakes at once on a commit in this process, on PostgreSQL
//! `NOTIFY` from other processes, and otherwise polls. A failing edge is retried with
//! exponential backoff without holding up the others.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use registry_core::invalidation::{self, EventKind, InvalidationBatch, InvalidationEvent};
use sha2::{Digest, Sha256};
use tokio::sync::{Notify, watch};

use crate::store::{EventRecord, Store, now_ms};

/// Dispatcher settings.
#[derive(Debug, Clone)]
pub struct DispatchOptions {
    pub secret: Vec<u8>,
    pub batch_size: i64,
    pub poll_interval: Duration,
    pub request_timeout: Duration,
    pub max_backoff: Duration,
}

/// Per-edge retry state, in memory (the cursor itself is in the database).
#[derive(Debug, Default)]
struct Backoff {
    failures: u32,
    next_try: Option<Instant>,
}

pub struct Dispatcher {
    store: Arc<dyn Store>,
    options: DispatchOptions,
    wake: Arc<Notify>,
    client: reqwest::Client,
    backoff: HashMap<String, Backoff>,
}

/// A nonce unique per delivery attempt.
fn nonce(url: &str, first: i64, last: i64) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = format!(
        "{url}|{first}|{last}|{nanos}|{}|{}",
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::process::id()
    );
    hex::encode(&Sha256::digest(seed.as_bytes())[..16])
}

fn to_event(e: &EventRecord) -> InvalidationEvent {
    InvalidationEvent {
        seq: e.seq,
        kind: serde_json::from_value(serde_json::Value::String(e.kind.clone()))
            .unwrap_or(EventKind::Register),
        subject: e.subject.clone(),
        version: e.version,
        id: e.schema_id,
        keys: e.keys.clone(),
    }
}

impl Dispatcher {
    pub fn new(store: Arc<dyn Store>, options: DispatchOptions, wake: Arc<Notify>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(options.request_timeout)
            .build()
            .expect("HTTP client builds");
        Self {
            store,
            options,
            wake,
            client,
            backoff: HashMap::new(),
        }
    }

    /// Runs until `shutdown` flips to true.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let mut listener = self.listen().await;
        while !*shutdown.borrow() {
            let mut lease = match self.store.try_lead_dispatch().await {
                Ok(Some(lease)) => lease,
                Ok(None) => {
                    // Another process dispatches; stand by.
                    if wait(&mut shutdown, self.options.poll_interval * 5).await {
                        return;
                    }
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "dispatcher cannot reach the database");
                    if wait(&mut shutdown, self.options.poll_interval).await {
                        return;
                    }
                    continue;
                }
            };
            tracing::info!("invalidation dispatcher active");
            while !*shutdown.borrow() && lease.alive().await {
                self.round().await;
                let poll = tokio::time::sleep(self.options.poll_interval);
                tokio::select! {
                    () = self.wake.notified() => {}
                    () = poll => {}
                    () = next_notification(&mut listener) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }

    /// LISTEN for commits of other processes (PostgreSQL only).
    async fn listen(&self) -> Option<sqlx::postgres::PgListener> {
        let pool = self.store.pg_pool()?;
        let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await.ok()?;
        listener.listen("registry_events").await.ok()?;
        Some(listener)
    }

    /// Delivers what is pending to every edge that is not backing off.
    pub async fn round(&mut self) {
        let edges = match self.store.edges().await {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(error = %e, "cannot list edges");
                return;
            }
        };
        for edge in edges {
            let state = self.backoff.entry(edge.url.clone()).or_default();
            if state.next_try.is_some_and(|t| Instant::now() < t) {
                continue;
            }
            let outcome = self.deliver(&edge.url, edge.cursor).await;
            let state = self.backoff.entry(edge.url.clone()).or_default();
            match outcome {
                Ok(()) => *state = Backoff::default(),
                Err(error) => {
                    state.failures += 1;
                    let delay = (Duration::from_millis(250)
                        * 2u32.saturating_pow(state.failures.min(16)))
                    .min(self.options.max_backoff);
                    state.next_try = Some(Instant::now() + delay);
                    tracing::warn!(edge = %edge.url, %error, retry_in_ms = delay.as_millis() as u64, "invalidation delivery failed");
                    metrics::counter!("registry_invalidation_failures_total", "edge" => edge.url.clone()).increment(1);
                    let _ = self
                        .store
                        .record_delivery(&edge.url, None, Some(&error), now_ms())
                        .await;
                }
            }
        }
    }

    /// Sends batches until the edge is caught up.
    async fn deliver(&self, url: &str, mut cursor: i64) -> Result<(), String> {
        loop {
            let events = self
                .store
                .events(cursor, None, self.options.batch_size)
                .await
                .map_err(|e| e.to_string())?;
            let (Some(first), Some(last)) = (events.first(), events.last()) else {
                return Ok(());
            };
            let batch = InvalidationBatch {
                nonce: nonce(url, first.seq, last.seq),
                events: events.iter().map(to_event).collect(),
            };
            let body = serde_json::to_vec(&batch).expect("batch serialises");
            let timestamp = now_ms() / 1000;
            let signature = invalidation::sign(&self.options.secret, timestamp, &body);
            let response = self
                .client
                .post(format!(
                    "{}/_registry/invalidate",
                    url.trim_end_matches('/')
                ))
                .header("content-type", "application/json")
                .header(invalidation::TIMESTAMP_HEADER, timestamp.to_string())
                .header(invalidation::SIGNATURE_HEADER, signature)
                .body(body)
                .send()
                .await
                .map_err(|e| format!("request failed: {e}"))?;
            let status = response.status();
            if !status.is_success() {
                let text = response.text().await.unwrap_or_default();
                return Err(format!(
                    "edge answered {status}: {}",
                    text.chars().take(200).collect::<String>()
                ));
            }
            cursor = last.seq;
            self.store
                .record_delivery(url, Some(cursor), None, now_ms())
                .await
                .map_err(|e| e.to_string())?;
            if let Ok(Some(written)) = self.store.event_time_ms(last.seq).await {
                let seconds = (now_ms() - written).max(0) as f64 / 1000.0;
                metrics::histogram!("registry_invalidation_delivery_seconds", "edge" => url.to_owned()).record(seconds);
            }
            metrics::counter!("registry_invalidation_events_delivered_total", "edge" => url.to_owned())
                .increment(events.len() as u64);
            tracing::debug!(edge = %url, cursor, events = events.len(), "invalidations delivered");
        }
    }
}

async fn next_notification(listener: &mut Option<sqlx::postgres::PgListener>) {
    match listener {
        Some(l) => {
            if l.recv().await.is_err() {
                // Lost the connection: fall back to polling.
                *listener = None;
            }
        }
        None => std::future::pending().await,
    }
}

/// Sleeps for `d`; true when shutdown was requested meanwhile.
async fn wait(shutdown: &mut watch::Receiver<bool>, d: Duration) -> bool {
    tokio::select! {
        () = tokio::time::sleep(d) => *shutdown.borrow(),
        _ = shutdown.changed() => true,
    }
}
