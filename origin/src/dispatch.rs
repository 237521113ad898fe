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

use registry_core::invalidation::{self, InvalidationBatch, InvalidationEvent};
use sha2::{Digest, Sha256};
use tokio::sync::{Notify, watch};

use crate::service::{LogCursor, next_notification};
use crate::store::{Database, EventRecord, now_ms};

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
    db: Arc<Database>,
    options: DispatchOptions,
    wake: Arc<Notify>,
    client: reqwest::Client,
    backoff: HashMap<String, Backoff>,
    /// Each edge's position, with the holes of events committed out of order (see
    /// [`LogCursor`]); the database keeps what is safe to resume from.
    cursors: HashMap<String, LogCursor>,
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
        kind: e.kind,
        subject: e.subject.clone(),
        version: e.version,
        id: e.schema_id,
        keys: e.keys.clone(),
    }
}

impl Dispatcher {
    pub fn new(db: Arc<Database>, options: DispatchOptions, wake: Arc<Notify>) -> Self {
        // Edges are added by admins, but a redirect would carry the signature elsewhere.
        let client = reqwest::Client::builder()
            .timeout(options.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client builds");
        Self {
            db,
            options,
            wake,
            client,
            backoff: HashMap::new(),
            cursors: HashMap::new(),
        }
    }

    /// Runs until `shutdown` flips to true.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let mut listener = self.listen().await;
        while !*shutdown.borrow() {
            let mut lease = match self.db.run(|s| s.try_lead_dispatch()).await {
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
        let pool = self.db.pg_pool()?;
        let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await.ok()?;
        listener.listen("registry_events").await.ok()?;
        Some(listener)
    }

    /// Delivers what is pending to every edge that is not backing off.
    pub async fn round(&mut self) {
        let edges = match self.db.run(|s| s.edges()).await {
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
            let secret = edge.secret.clone();
            let outcome = self
                .deliver(&edge.url, edge.cursor, secret.as_deref())
                .await;
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
                        .db
                        .run(|s| s.record_delivery(&edge.url, None, Some(&error), now_ms()))
                        .await;
                }
            }
        }
    }

    /// Sends batches until the edge is caught up.
    async fn deliver(
        &mut self,
        url: &str,
        persisted: i64,
        secret: Option<&str>,
    ) -> Result<(), String> {
        let mut cursor = match self.cursors.remove(url) {
            // Another process may have moved the edge on while this one stood by.
            Some(c) if c.safe() >= persisted => c,
            _ => LogCursor::new(persisted),
        };
        let outcome = self.deliver_from(url, &mut cursor, secret).await;
        self.cursors.insert(url.to_owned(), cursor);
        outcome
    }

    async fn deliver_from(
        &self,
        url: &str,
        cursor: &mut LogCursor,
        secret: Option<&str>,
    ) -> Result<(), String> {
        loop {
            let after = cursor.read_after();
            let events = self
                .db
                .run(|s| s.events(after, None, self.options.batch_size))
                .await
                .map_err(|e| e.to_string())?;
            let fresh: Vec<&EventRecord> = events.iter().filter(|e| cursor.is_new(e.seq)).collect();
            if !fresh.is_empty() {
                self.send(url, &fresh, secret).await?;
            }
            let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
            cursor.advance(&seqs, Instant::now());
            let safe = cursor.safe();
            self.db
                .run(|s| s.record_delivery(url, Some(safe), None, now_ms()))
                .await
                .map_err(|e| e.to_string())?;
            if events.len() < usize::try_from(self.options.batch_size).unwrap_or(usize::MAX) {
                return Ok(());
            }
        }
    }

    /// One signed batch to one edge, with its own secret if it has one. A failure is described
    /// in fixed words and the status, never with what the edge answered.
    async fn send(
        &self,
        url: &str,
        events: &[&EventRecord],
        secret: Option<&str>,
    ) -> Result<(), String> {
        let (first, last) = (events[0].seq, events[events.len() - 1].seq);
        let batch = InvalidationBatch {
            nonce: nonce(url, first, last),
            edge: url.to_owned(),
            events: events.iter().map(|e| to_event(e)).collect(),
        };
        let body = serde_json::to_vec(&batch).expect("batch serialises");
        let timestamp = now_ms() / 1000;
        let secret = secret.map_or(self.options.secret.as_slice(), str::as_bytes);
        let signature = invalidation::sign(secret, timestamp, &body);
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
            .map_err(|e| describe(&e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("the edge answered HTTP {}", status.as_u16()));
        }
        if let Ok(Some(written)) = self.db.run(|s| s.event_time_ms(last)).await {
            let seconds = (now_ms() - written).max(0) as f64 / 1000.0;
            metrics::histogram!("registry_invalidation_delivery_seconds", "edge" => url.to_owned())
                .record(seconds);
        }
        metrics::counter!("registry_invalidation_events_delivered_total", "edge" => url.to_owned())
            .increment(events.len() as u64);
        tracing::debug!(edge = %url, last, events = events.len(), "invalidations delivered");
        Ok(())
    }
}

/// A failed delivery in fixed words.
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "the edge did not answer in time".into()
    } else if e.is_connect() {
        "the edge could not be reached".into()
    } else {
        "the request to the edge failed".into()
    }
}

/// Sleeps for `d`; true when shutdown was requested meanwhile.
async fn wait(shutdown: &mut watch::Receiver<bool>, d: Duration) -> bool {
    tokio::select! {
        () = tokio::time::sleep(d) => *shutdown.borrow(),
        _ = shutdown.changed() => true,
    }
}
