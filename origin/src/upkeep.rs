//! Background upkeep of an origin: indexing versions stored before the search index existed,
//! pruning the event log past its retention, and warming the response cache.
//!
//! Warming: reads of schemas by id are counted in memory ([`Registry::count_read`]) and flushed
//! to the database every interval (and on the way out), where the most read hundred thousand
//! are kept across restarts. At start-up and after each flush the cache gets the most read
//! schemas and the latest version of the subjects changed most recently, within a time budget
//! and a byte budget (three quarters of the immutable responses' share of the cache, as the
//! cache weighs entries), without counting as traffic: after a restart the cache holds what
//! it held before, as far as it fits.

use std::sync::Arc;
use std::time::{Duration, Instant};

use registry_core::cache_key::CacheKey;

use crate::service::{Registry, ServiceError};

/// How many read counters the database keeps.
const KEPT_COUNTERS: i64 = 100_000;
/// How many of the most recent events say which subjects are active.
const RECENT_EVENTS: i64 = 10_000;

/// What warming may load, and for how long.
#[derive(Debug, Clone)]
pub struct WarmOptions {
    /// The most read schemas to load (by id).
    pub schemas: usize,
    /// Recently changed subjects whose latest version to load.
    pub subjects: usize,
    pub time_budget: Duration,
    pub byte_budget: usize,
}

/// What one warming round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarmReport {
    pub schemas: usize,
    pub subjects: usize,
    pub bytes: usize,
    /// Stopped by the time or byte budget before the end of its lists.
    pub cut_short: bool,
}

/// Loads the most read schemas and the recently changed subjects' latest versions into the
/// cache (those not there already).
pub async fn warm(registry: &Registry, options: &WarmOptions) -> Result<WarmReport, ServiceError> {
    let started = Instant::now();
    let mut report = WarmReport::default();
    let within = |report: &WarmReport| {
        started.elapsed() < options.time_budget && report.bytes < options.byte_budget
    };
    let limit = i64::try_from(options.schemas).unwrap_or(i64::MAX);
    let ids = registry.db.run(|s| s.most_read(limit)).await?;
    for id in ids {
        if !within(&report) {
            report.cut_short = true;
            break;
        }
        // A schema deleted since it was counted is skipped.
        if let Ok(bytes) = registry
            .cache
            .warm(CacheKey::SchemaById(id), || registry.make_schema_body(id))
            .await
        {
            report.bytes += bytes;
            report.schemas += usize::from(bytes > 0);
        }
    }
    let limit = i64::try_from(options.subjects).unwrap_or(i64::MAX);
    let subjects = registry
        .db
        .run(|s| s.recent_subjects(RECENT_EVENTS, limit))
        .await?;
    for subject in subjects {
        if !within(&report) {
            report.cut_short = true;
            break;
        }
        if let Ok(bytes) = registry
            .cache
            .warm(CacheKey::Latest(subject.clone()), || {
                registry.make_version_body(&subject, None)
            })
            .await
        {
            report.bytes += bytes;
            report.subjects += usize::from(bytes > 0);
        }
    }
    metrics::counter!("registry_cache_warmed_total")
        .increment(u64::try_from(report.schemas + report.subjects).unwrap_or(u64::MAX));
    Ok(report)
}

/// Writes the reads counted since the last flush to the database.
pub async fn flush_reads(registry: &Registry) -> Result<usize, ServiceError> {
    let mut counts = registry.take_reads();
    counts.truncate(usize::try_from(KEPT_COUNTERS).unwrap_or(usize::MAX));
    if !counts.is_empty() {
        registry
            .db
            .run(|s| s.add_reads(&counts, KEPT_COUNTERS))
            .await?;
    }
    Ok(counts.len())
}

/// The upkeep settings.
#[derive(Debug, Clone)]
pub struct UpkeepOptions {
    pub warm: WarmOptions,
    pub warm_on_start: bool,
    /// Between flushes of the read counters and warming rounds (`None`: never).
    pub warm_interval: Option<Duration>,
    /// How long events are kept (`None`: forever).
    pub retention: Option<Duration>,
}

/// Runs the upkeep until `shutdown` turns true: catch-up indexing and warming first, then the
/// periodic rounds. The counters are flushed once more on the way out.
pub async fn run(
    registry: Arc<Registry>,
    options: UpkeepOptions,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    match registry.index_missing().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(versions = n, "search index caught up"),
        Err(e) => tracing::warn!(error = %e, "search indexing failed; retried at the next start"),
    }
    if options.warm_on_start {
        round(&registry, &options, false).await;
    }
    let period = options
        .warm_interval
        .unwrap_or(Duration::from_hours(1))
        .max(Duration::from_secs(1));
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    loop {
        tokio::select! {
            _ = tick.tick() => round(&registry, &options, true).await,
            _ = shutdown.changed() => {
                if let Err(e) = flush_reads(&registry).await {
                    tracing::warn!(error = %e, "read counters not flushed");
                }
                return;
            }
        }
    }
}

async fn round(registry: &Registry, options: &UpkeepOptions, periodic: bool) {
    if let Some(retention) = options.retention.filter(|_| periodic) {
        match registry.prune_events(retention).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(events = n, "events past retention pruned"),
            Err(e) => tracing::warn!(error = %e, "event pruning failed"),
        }
    }
    if periodic && options.warm_interval.is_none() {
        return;
    }
    if periodic && let Err(e) = flush_reads(registry).await {
        tracing::warn!(error = %e, "read counters not flushed");
    }
    let started = Instant::now();
    match warm(registry, &options.warm).await {
        Ok(r) => tracing::info!(
            schemas = r.schemas,
            subjects = r.subjects,
            kib = r.bytes / 1024,
            ms = started.elapsed().as_millis() as u64,
            cut_short = r.cut_short,
            "cache warmed"
        ),
        Err(e) => tracing::warn!(error = %e, "cache warming failed"),
    }
}
