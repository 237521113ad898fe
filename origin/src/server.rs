//! Server wiring: the store chosen by `DATABASE_URL`, the service over it, the middleware
//! stack, the background tasks, and `run(listener, app, shutdown)` so tests bind `127.0.0.1:0`
//! and stop the server cleanly.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Request;
use tokio::sync::watch;
use tower::ServiceBuilder;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use crate::config::ServerConfig;

use crate::admission::{Admission, admit};
use crate::auth::{Access, RateLimits};
use crate::http::AppState;
use crate::request_id::{REQUEST_ID, RequestIds};
use crate::service::{Registry, RegistryOptions};
use crate::store::{Database, PostgresStore, SqliteStore, Store, StoreError};

/// Opens the database the configuration names and runs its migrations.
pub async fn open_store(config: &ServerConfig) -> Result<Arc<Database>, StoreError> {
    open_database(
        &config.database_url,
        config.db_max_connections,
        Duration::from_millis(config.db_acquire_timeout_ms),
    )
    .await
}

/// Opens the database `url` names (`postgres://...`, else SQLite), runs its migrations, and
/// puts it behind the circuit breaker.
pub async fn open_database(
    url: &str,
    max_connections: u32,
    timeout: Duration,
) -> Result<Arc<Database>, StoreError> {
    let store: Arc<dyn Store> =
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Arc::new(PostgresStore::connect(url, max_connections, timeout).await?)
        } else {
            let url = if url.starts_with("sqlite:") {
                url.to_owned()
            } else {
                format!("sqlite://{url}")
            };
            Arc::new(SqliteStore::connect(&url, max_connections.min(8), timeout).await?)
        };
    Ok(Arc::new(Database::new(store)))
}

/// The service options from the configuration.
pub fn registry_options(config: &ServerConfig) -> RegistryOptions {
    RegistryOptions {
        cache_bytes: config.cache_max_mb << 20,
        mutable_ttl: Duration::from_millis(config.mutable_cache_ttl_ms),
        default_compatibility: config.default_compatibility,
        max_schema_bytes: config.max_schema_bytes,
        max_json_depth: config.max_json_depth,
        ..RegistryOptions::default()
    }
}

/// The registry service over `db`.
pub fn registry(db: Arc<Database>, config: &ServerConfig) -> Arc<Registry> {
    Arc::new(Registry::new(db, registry_options(config)))
}

/// The API with its middleware: request ids (echoed in `x-request-id`), request logs, admission
/// and the request timeout, the body limit.
pub fn app(registry: Arc<Registry>, config: &ServerConfig) -> Router {
    crate::telemetry::handle();
    let access = Arc::new(Access::new(
        registry.clone(),
        config.auth,
        config.public_reads,
        RateLimits::new(config.rate_limit_reads, config.rate_limit_writes),
    ));
    shrink_rate_limits(&access);
    let api = crate::http::app(AppState { registry, access })
        .route_layer(axum::middleware::from_fn(crate::telemetry::track))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(axum::Extension(crate::http::Limits {
            max_json_depth: config.max_json_depth,
        }));
    // One set of slots and one bounded queue for the whole API (semaphores shared by every
    // route): beyond them requests are shed at once instead of waiting.
    let admission = Arc::new(Admission::new(
        config.max_concurrent_requests,
        config.max_queued_requests,
        Duration::from_millis(config.request_timeout_ms),
    ));
    api.layer(axum::middleware::from_fn_with_state(admission, admit))
        .layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, RequestIds::new()))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default();
                tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
            }))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
    )
}

/// Drops idle clients' rate-limit state every minute, while `access` lives.
fn shrink_rate_limits(access: &Arc<Access>) {
    let shrinking = Arc::downgrade(access);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_mins(1));
        loop {
            tick.tick().await;
            let Some(access) = shrinking.upgrade() else {
                break;
            };
            access.limits.shrink();
        }
    });
}

/// The upkeep settings from the configuration (see [`crate::upkeep`]).
pub fn upkeep_options(config: &ServerConfig) -> crate::upkeep::UpkeepOptions {
    crate::upkeep::UpkeepOptions {
        warm: crate::upkeep::WarmOptions {
            schemas: config.warm_schemas,
            subjects: config.warm_subjects,
            time_budget: Duration::from_millis(config.warm_budget_ms),
            // A quarter of the immutable responses' half of the cache.
            byte_budget: usize::try_from((config.cache_max_mb << 20) / 8).unwrap_or(usize::MAX),
        },
        warm_on_start: config.warm_on_start,
        warm_interval: (config.warm_interval_secs > 0)
            .then(|| Duration::from_secs(config.warm_interval_secs)),
        retention: (config.event_retention_days > 0)
            .then(|| Duration::from_hours(24 * config.event_retention_days)),
    }
}

/// Starts following the event log, so that other origins' writes drop this origin's stale
/// cache entries; it stops when `shutdown` flips to true.
pub fn start_log_follower(
    registry: &Arc<Registry>,
    config: &ServerConfig,
    shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(crate::service::follow_log(
        registry.clone(),
        Duration::from_millis(config.log_poll_ms.max(10)),
        shutdown,
    ))
}

/// Registers the configured edges and starts the invalidation dispatcher (when a secret is
/// configured); it stops when `shutdown` flips to true.
pub async fn start_dispatcher(
    registry: &Registry,
    config: &ServerConfig,
    shutdown: watch::Receiver<bool>,
) -> Result<Option<tokio::task::JoinHandle<()>>, crate::service::ServiceError> {
    for url in config.edge_urls.iter().filter(|u| !u.is_empty()) {
        registry.add_edge(url).await?;
    }
    let Some(secret) = config.invalidation_secret.clone().filter(|s| !s.is_empty()) else {
        if !config.edge_urls.is_empty() {
            tracing::warn!(
                "edges are configured but INVALIDATION_SECRET is not: invalidations are not sent"
            );
        }
        return Ok(None);
    };
    let options = crate::dispatch::DispatchOptions {
        secret: secret.into_bytes(),
        batch_size: config.dispatch_batch,
        poll_interval: Duration::from_millis(config.dispatch_poll_ms),
        request_timeout: Duration::from_secs(5),
        max_backoff: Duration::from_secs(30),
    };
    let dispatcher = crate::dispatch::Dispatcher::new(
        Arc::clone(&registry.db),
        options,
        Arc::clone(&registry.wake),
    );
    Ok(Some(tokio::spawn(dispatcher.run(shutdown))))
}

/// Serves `app` on `listener` until `shutdown` completes; in-flight requests finish first.
pub async fn run(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
