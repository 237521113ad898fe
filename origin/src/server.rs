//! Server wiring: configuration (flags and environment), the store chosen by `DATABASE_URL`,
//! the middleware stack, and `run(listener, app, shutdown)` so tests bind `127.0.0.1:0` and stop
//! the server cleanly.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::response::IntoResponse;
use clap::Args;
use registry_core::CompatibilityLevel;
use registry_core::api::codes;
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

use crate::auth::{Access, Auth, RateLimits};
use crate::http::{ApiError, AppState};
use crate::registry::{Registry, RegistryOptions};
use crate::store::{Guarded, PostgresStore, SqliteStore, Store, StoreError};

/// Server settings. Every flag also reads an environment variable.
#[derive(Debug, Clone, Args)]
pub struct ServerConfig {
    /// Address to listen on.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:8081")]
    pub listen: SocketAddr,
    /// `postgres://...` for PostgreSQL; otherwise SQLite (`sqlite://path` or a file path).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/registry.db"
    )]
    pub database_url: String,
    /// Most database connections in the pool.
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,
    /// How long a request waits for a database connection before failing with 503.
    #[arg(long, env = "DB_ACQUIRE_TIMEOUT_MS", default_value_t = 2_000)]
    pub db_acquire_timeout_ms: u64,
    /// Largest request body accepted (bytes); larger ones get 413.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Longest a request may take before it is answered with 503 (50002).
    #[arg(long, env = "REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    pub request_timeout_ms: u64,
    /// Largest schema text accepted (bytes); larger ones get 422 (42209).
    #[arg(long, env = "MAX_SCHEMA_BYTES", default_value_t = 256 * 1024)]
    pub max_schema_bytes: usize,
    /// Deepest nesting of arrays and objects in a request body or a schema; deeper gets 422 (42210).
    #[arg(long, env = "MAX_JSON_DEPTH", default_value_t = 64)]
    pub max_json_depth: usize,
    /// Requests handled at once; more wait in the queue.
    #[arg(long, env = "MAX_CONCURRENT_REQUESTS", default_value_t = 256)]
    pub max_concurrent_requests: usize,
    /// Requests waiting for a slot; beyond that they are shed with 503 and `Retry-After`.
    #[arg(long, env = "MAX_QUEUED_REQUESTS", default_value_t = 1024)]
    pub max_queued_requests: usize,
    /// Require an API key on every endpoint but `/health` and `/ready` (see `schema-registry keys
    /// create`). Off by default.
    #[arg(long, env = "AUTH_ENABLED", default_value_t = false)]
    pub auth: bool,
    /// With auth on, let reads (GET, lookup, compatibility checks, validation) through without
    /// a key.
    #[arg(long, env = "AUTH_PUBLIC_READS", default_value_t = false)]
    pub public_reads: bool,
    /// Read requests per second per client (API key, else IP address); bursts of as many.
    /// 0 turns the read limit off.
    #[arg(long, env = "RATE_LIMIT_READS_PER_SEC", default_value_t = 10_000)]
    pub rate_limit_reads: u32,
    /// Write requests per second per client; 0 turns the write limit off.
    #[arg(long, env = "RATE_LIMIT_WRITES_PER_SEC", default_value_t = 200)]
    pub rate_limit_writes: u32,
    /// Memory for the in-process caches (responses, parsed schemas, compiled validators), in
    /// MiB; entries are weighed by their size and the least valuable evicted beyond it.
    #[arg(long, env = "CACHE_MAX_MB", default_value_t = 48)]
    pub cache_max_mb: u64,
    /// How long a cached mutable response (latest, lists, config) may live, bounding staleness
    /// when several origins share a database.
    #[arg(long, env = "MUTABLE_CACHE_TTL_MS", default_value_t = 5_000)]
    pub mutable_cache_ttl_ms: u64,
    /// The compatibility level when none is configured.
    #[arg(long, env = "DEFAULT_COMPATIBILITY", default_value = "BACKWARD", value_parser = parse_level)]
    pub default_compatibility: CompatibilityLevel,
    /// An edge to send invalidations to (repeat, or comma-separate in the variable); edges
    /// can also be added at run time with `POST /admin/edges`.
    #[arg(long = "edge-url", env = "EDGE_URLS", value_delimiter = ',')]
    pub edge_urls: Vec<String>,
    /// The shared secret invalidations are signed with; the dispatcher runs only with one.
    #[arg(long, env = "INVALIDATION_SECRET", hide_env_values = true)]
    pub invalidation_secret: Option<String>,
    /// How often the dispatcher looks for undelivered events when nothing wakes it.
    #[arg(long, env = "DISPATCH_POLL_MS", default_value_t = 1_000)]
    pub dispatch_poll_ms: u64,
    /// Most events in one invalidation batch.
    #[arg(long, env = "DISPATCH_BATCH", default_value_t = 500)]
    pub dispatch_batch: i64,
    /// Log format: `text` or `json`. Levels come from `RUST_LOG` (default `info`).
    #[arg(long, env = "LOG_FORMAT", default_value = "text")]
    pub log_format: String,
    /// Warm the cache at start-up from the read counters and recent changes.
    #[arg(long, env = "WARM_ON_START", default_value_t = true, action = clap::ArgAction::Set)]
    pub warm_on_start: bool,
    /// Seconds between flushes of the read counters and warming rounds (0: never).
    #[arg(long, env = "WARM_INTERVAL_SECS", default_value_t = 300)]
    pub warm_interval_secs: u64,
    #[arg(long, env = "WARM_SCHEMAS", default_value_t = 5_000)]
    pub warm_schemas: usize,
    #[arg(long, env = "WARM_SUBJECTS", default_value_t = 500)]
    pub warm_subjects: usize,
    #[arg(long, env = "WARM_BUDGET_MS", default_value_t = 3_000)]
    pub warm_budget_ms: u64,
    /// Days the event log (the audit timeline) is kept (0: forever).
    #[arg(long, env = "EVENT_RETENTION_DAYS", default_value_t = 90)]
    pub event_retention_days: u64,
}

fn parse_level(s: &str) -> Result<CompatibilityLevel, String> {
    s.parse().map_err(|e: registry_core::SchemaError| e.message)
}

impl ServerConfig {
    /// The defaults, for tests.
    pub fn for_tests(database_url: &str) -> Self {
        use clap::Parser;
        #[derive(Parser)]
        struct Wrapper {
            #[command(flatten)]
            config: ServerConfig,
        }
        let mut config = Wrapper::parse_from(["test"]).config;
        database_url.clone_into(&mut config.database_url);
        config
    }
}

/// Opens the store the configuration names and runs its migrations.
pub async fn open_store(config: &ServerConfig) -> Result<Arc<dyn Store>, StoreError> {
    open_database(
        &config.database_url,
        config.db_max_connections,
        Duration::from_millis(config.db_acquire_timeout_ms),
    )
    .await
}

/// Opens the store `url` names (`postgres://...`, else SQLite) and runs its migrations.
pub async fn open_database(
    url: &str,
    max_connections: u32,
    timeout: Duration,
) -> Result<Arc<dyn Store>, StoreError> {
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
    // Behind a circuit breaker: a dead database is not asked again on every request.
    Ok(Arc::new(Guarded::new(store)))
}

/// The registry service over `store`.
pub fn registry(store: Arc<dyn Store>, config: &ServerConfig) -> Arc<Registry> {
    Arc::new(Registry::new(
        store,
        RegistryOptions {
            cache_bytes: config.cache_max_mb << 20,
            mutable_ttl: Duration::from_millis(config.mutable_cache_ttl_ms),
            default_compatibility: config.default_compatibility,
            max_schema_bytes: config.max_schema_bytes,
            max_json_depth: config.max_json_depth,
            ..RegistryOptions::default()
        },
    ))
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids: a random per-process prefix and a counter (`3f2a9c1e-000000000001`), unique
/// without asking the operating system for randomness on every request as UUIDs would.
#[derive(Clone)]
struct RequestIds {
    prefix: u32,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl RequestIds {
    fn new() -> Self {
        let mut bytes = [0u8; 4];
        let _ = getrandom::fill(&mut bytes);
        Self {
            prefix: u32::from_le_bytes(bytes),
            next: Arc::default(),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let id = format!("{:08x}-{n:012x}", self.prefix);
        axum::http::HeaderValue::from_str(&id)
            .ok()
            .map(RequestId::new)
    }
}

/// The API with its middleware: request ids (echoed in `x-request-id`), request logs, the body
/// limit and the request timeout.
pub fn app(registry: Arc<Registry>, config: &ServerConfig) -> Router {
    let timeout = Duration::from_millis(config.request_timeout_ms);
    crate::telemetry::handle();
    let access = Arc::new(Access {
        auth: Auth::new(registry.store.clone(), config.auth, config.public_reads),
        limits: RateLimits::new(config.rate_limit_reads, config.rate_limit_writes),
    });
    let shrinking = Arc::downgrade(&access);
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
    let api = crate::http::app(AppState {
        registry,
        access: access.clone(),
    })
    .route_layer(axum::middleware::from_fn_with_state(
        access,
        crate::auth::guard,
    ))
    .route_layer(axum::middleware::from_fn(crate::telemetry::track))
    .layer(DefaultBodyLimit::max(config.max_body_bytes))
    .layer(axum::Extension(crate::http::Limits {
        max_json_depth: config.max_json_depth,
    }));
    // One set of slots and one bounded queue for the whole API (semaphores shared by every
    // route): beyond them requests are shed at once instead of waiting.
    let admission = Arc::new(Admission {
        admitted: Semaphore::new(
            config.max_concurrent_requests.max(1) + config.max_queued_requests,
        ),
        slots: Semaphore::new(config.max_concurrent_requests.max(1)),
        timeout,
    });
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

/// Registers the configured edges and starts the invalidation dispatcher (when a secret is
/// configured); it stops when `shutdown` flips to true.
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

pub async fn start_dispatcher(
    registry: &Registry,
    config: &ServerConfig,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> Result<Option<tokio::task::JoinHandle<()>>, StoreError> {
    for url in config.edge_urls.iter().filter(|u| !u.is_empty()) {
        registry.store.add_edge(url.trim_end_matches('/')).await?;
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
        Arc::clone(&registry.store),
        options,
        Arc::clone(&registry.wake),
    );
    Ok(Some(tokio::spawn(dispatcher.run(shutdown))))
}

/// The registry-wide admission control: requests in a slot or waiting for one.
struct Admission {
    /// Slots plus queue places: a request that cannot take one is shed.
    admitted: Semaphore,
    slots: Semaphore,
    /// Longest a request may take once in a slot.
    timeout: Duration,
}

/// Admits a request (else 503 (50301) with `Retry-After` at once), waits for a slot, and answers
/// 503 (50002) if handling takes longer than the request timeout.
async fn admit(
    axum::extract::State(admission): axum::extract::State<Arc<Admission>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let Ok(_admitted) = admission.admitted.try_acquire() else {
        metrics::counter!("registry_requests_shed_total").increment(1);
        return ApiError::Unavailable(
            codes::UNAVAILABLE,
            "The registry is overloaded; retry shortly".into(),
        )
        .into_response();
    };
    let Ok(_slot) = admission.slots.acquire().await else {
        return ApiError::Internal("admission closed".into()).into_response();
    };
    match tokio::time::timeout(admission.timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            ApiError::Unavailable(codes::TIMEOUT, "The request timed out".into()).into_response()
        }
    }
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
