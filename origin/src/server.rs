//! Server wiring: the store chosen by `DATABASE_URL`, the service over it, the middleware
//! stack, the background tasks, and `run(listener, app, shutdown)` so tests bind `127.0.0.1:0`
//! and stop the server cleanly.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Request;
use tokio::sync::watch;
use tower::{Layer, ServiceBuilder};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use crate::config::ServerConfig;

use crate::admission::{Admission, admit};
use crate::auth::{Access, RateLimits, TrustedProxies};
use crate::http::AppState;
use crate::listener::ConnectionLimits;
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
        check_steps: config.compat_max_steps,
        check_nodes: config.compat_max_nodes,
        edge_allowed_hosts: config.edge_allowed_hosts.clone(),
        dek_local_secret: config.dek_local_secret.clone(),
        dek_max_keys: config.dek_max_keys,
        ..RegistryOptions::default()
    }
}

/// The registry service over `db`.
pub fn registry(db: Arc<Database>, config: &ServerConfig) -> Arc<Registry> {
    Arc::new(Registry::new(db, registry_options(config)))
}

/// The access control from the configuration.
fn access(registry: Arc<Registry>, config: &ServerConfig) -> Arc<Access> {
    Arc::new(
        Access::new(
            registry,
            config.auth,
            config.public_reads,
            RateLimits::new(config.rate_limit_reads, config.rate_limit_writes),
        )
        .with_failure_limit(config.auth_failures_per_sec)
        .with_allowed_origins(config.cors_allowed_origins.clone())
        .with_client_addresses(
            TrustedProxies::new(config.trusted_proxies.clone()),
            config.rate_limit_loopback,
        ),
    )
}

/// CORS for the allowed origins (none: no CORS headers, so browsers keep pages of other sites
/// from reading answers).
fn cors(config: &ServerConfig) -> Option<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let origins: Vec<axum::http::HeaderValue> = config
        .cors_allowed_origins
        .iter()
        .filter_map(|o| o.parse().ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods(tower_http::cors::Any)
            .allow_headers(tower_http::cors::Any),
    )
}

/// The whole API as one service: the router behind the context-prefix rewrite.
pub type App = crate::http::ContextPath<Router>;

/// The API with its middleware, outside in: request ids (echoed in `x-request-id`) and request
/// logs, the body read within its limits, CORS for the allowed origins, then the probes
/// (answered whatever the load) beside everything else behind admission control and the
/// request timeout.
pub fn app(registry: Arc<Registry>, config: &ServerConfig) -> App {
    crate::telemetry::handle();
    let access = access(registry.clone(), config);
    forget_idle_clients(&access);
    let state = AppState { registry, access };
    let track = || axum::middleware::from_fn(crate::telemetry::track);
    let probes = crate::http::probes(state.clone()).route_layer(track());
    // One set of slots and one bounded queue for the whole API (semaphores shared by every
    // route): beyond them requests are shed at once instead of waiting.
    let admission = Arc::new(Admission::new(
        config.max_concurrent_requests,
        config.max_queued_requests,
        Duration::from_millis(config.request_timeout_ms),
    ));
    let api = crate::http::api(state)
        .route_layer(track())
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(axum::Extension(crate::http::Limits {
            max_json_depth: config.max_json_depth,
        }))
        .layer(axum::middleware::from_fn_with_state(admission, admit));
    let body = crate::http::BodyLimits {
        max_bytes: config.max_body_bytes,
        read_timeout: Duration::from_millis(config.body_read_timeout_ms),
    };
    // CORS only when origins are allowed, and everything else as one `Router::layer`: each such
    // layer boxes every route's service once more.
    let app = probes.merge(api);
    let app = match cors(config) {
        Some(cors) => app.layer(cors),
        None => app,
    };
    let app = app.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, RequestIds::new()))
            .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default();
                tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
            }))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(crate::http::ReadBodyLayer(body))
            .layer(crate::http::NegotiateLayer),
    );
    // The context prefix comes off before routing (a `Router::layer` runs after it).
    crate::http::ContextPathLayer.layer(app)
}

/// Drops idle clients' rate-limit and failure state every minute, while `access` lives.
fn forget_idle_clients(access: &Arc<Access>) {
    let shrinking = Arc::downgrade(access);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_mins(1));
        loop {
            tick.tick().await;
            let Some(access) = shrinking.upgrade() else {
                break;
            };
            access.limits.shrink();
            if let Some(failures) = &access.failures {
                failures.shrink();
            }
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
            // Three quarters of the immutable responses' share of the cache (seven sixteenths),
            // so reads after the restart still find room.
            byte_budget: usize::try_from((config.cache_max_mb << 20) * 21 / 64)
                .unwrap_or(usize::MAX),
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
        registry.add_edge(url, None).await?;
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

/// The connection limits from the configuration.
pub fn connection_limits(config: &ServerConfig) -> ConnectionLimits {
    ConnectionLimits {
        header_read_timeout: Duration::from_millis(config.header_read_timeout_ms),
        per_address: config.max_connections_per_ip.max(1),
        total: config.max_connections.max(1),
    }
}

/// Serves `app` on `listener` until `shutdown` completes; in-flight requests finish first.
pub async fn run(
    listener: tokio::net::TcpListener,
    app: App,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Open files are connections: take what the system allows.
    if let Err(e) = rlimit::increase_nofile_limit(u64::MAX) {
        tracing::warn!(error = %e, "the open-files limit stays as it is");
    }
    crate::listener::serve(listener, app, limits, shutdown).await
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
