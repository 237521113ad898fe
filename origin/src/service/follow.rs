//! Every origin follows the event log and drops from its own caches what other origins'
//! writes made stale: woken by PostgreSQL `NOTIFY` within a round trip of their commit, polling
//! as a fallback (and on SQLite, where one process owns the file, only its own writes exist).

use std::sync::Arc;
use std::time::{Duration, Instant};

use registry_core::cache_key::CacheKey;
use tokio::sync::watch;

use super::Registry;
use super::log_cursor::LogCursor;

/// Events read per query.
const BATCH: i64 = 500;

/// Runs until `shutdown` turns true.
pub async fn follow_log(
    registry: Arc<Registry>,
    poll: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let Some(mut cursor) = start(&registry, &mut shutdown, poll).await else {
        return;
    };
    let mut listener = listen(&registry).await;
    loop {
        catch_up(&registry, &mut cursor).await;
        tokio::select! {
            () = tokio::time::sleep(poll) => {}
            () = next_notification(&mut listener) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// The log's current end, once the database answers.
async fn start(
    registry: &Registry,
    shutdown: &mut watch::Receiver<bool>,
    poll: Duration,
) -> Option<LogCursor> {
    loop {
        if let Ok(head) = registry.db.run(|s| s.max_event_seq()).await {
            return Some(LogCursor::new(head));
        }
        tokio::select! {
            () = tokio::time::sleep(poll) => {}
            _ = shutdown.changed() => return None,
        }
    }
}

/// Applies every event past the cursor.
async fn catch_up(registry: &Registry, cursor: &mut LogCursor) {
    loop {
        let after = cursor.read_after();
        let Ok(events) = registry.db.run(|s| s.events(after, None, BATCH)).await else {
            return;
        };
        let keys: Vec<CacheKey> = events
            .iter()
            .flat_map(|e| e.keys.iter().filter_map(|k| CacheKey::parse(k)))
            .collect();
        if !events.is_empty() {
            registry.forget(&keys).await;
        }
        let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
        cursor.advance(&seqs, Instant::now());
        if events.len() < BATCH as usize {
            return;
        }
    }
}

/// LISTEN for other processes' commits (PostgreSQL only).
async fn listen(registry: &Registry) -> Option<sqlx::postgres::PgListener> {
    let pool = registry.db.pg_pool()?;
    let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await.ok()?;
    listener.listen("registry_events").await.ok()?;
    Some(listener)
}

/// The next notification (never, without a listener or once it is lost: polling goes on),
/// with every other one already buffered: one read of the log answers them all.
pub async fn next_notification(listener: &mut Option<sqlx::postgres::PgListener>) {
    match listener {
        Some(l) => {
            if l.recv().await.is_err() {
                *listener = None;
                return;
            }
            while l.next_buffered().is_some() {}
        }
        None => std::future::pending().await,
    }
}
