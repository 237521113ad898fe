//! Server wiring: configuration (flags and environment), the store chosen by `DATABASE_URL`,
//! the middleware stack, and `run(listener, app, shutdown)` so tests bind `127.0.0.1:0` and stop
//! the server cleanly.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::response::IntoResponse;
use clap::Args;
use registry_core::CompatibilityLevel;
use registry_core::api::codes;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::http::{ApiError, AppState};
use crate::registry::{Registry, RegistryOptions};
use crate::store::{PostgresStore, SqliteStore, Store, StoreError};

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
    /// Most responses kept in the in-process cache.
    #[arg(long, env = "CACHE_ENTRIES", default_value_t = 100_000)]
    pub cache_entries: u64,
    /// How long a cached mutable response (latest, lists, config) may live, bounding staleness
    /// when several origins share a database.
    #[arg(long, env = "MUTABLE_CACHE_TTL_MS", default_value_t = 5_000)]
    pub mutable_cache_ttl_ms: u64,
    /// The compatibility level when none is configured.
    #[arg(long, env = "DEFAULT_COMPATIBILITY", default_value = "BACKWARD", value_parser = parse_level)]
    pub default_compatibility: CompatibilityLevel,
    /// Log format: `text` or `json`. Levels come from `RUST_LOG` (default `info`).
    #[arg(long, env = "LOG_FORMAT", default_value = "text")]
    pub log_format: String,
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

/// Opens the store `url` names and runs its migrations.
pub async fn open_store(config: &ServerConfig) -> Result<Arc<dyn Store>, StoreError> {
    let url = config.database_url.as_str();
    let timeout = Duration::from_millis(config.db_acquire_timeout_ms);
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(
            PostgresStore::connect(url, config.db_max_connections, timeout).await?,
        ))
    } else {
        let url = if url.starts_with("sqlite:") {
            url.to_owned()
        } else {
            format!("sqlite://{url}")
        };
        Ok(Arc::new(
            SqliteStore::connect(&url, config.db_max_connections.min(8), timeout).await?,
        ))
    }
}

/// The registry service over `store`.
pub fn registry(store: Arc<dyn Store>, config: &ServerConfig) -> Arc<Registry> {
    Arc::new(Registry::new(
        store,
        RegistryOptions {
            response_cache_entries: config.cache_entries,
            mutable_ttl: Duration::from_millis(config.mutable_cache_ttl_ms),
            default_compatibility: config.default_compatibility,
            ..RegistryOptions::default()
        },
    ))
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The API with its middleware: request ids (echoed in `x-request-id`), request logs, the body
/// limit and the request timeout.
pub fn app(registry: Arc<Registry>, config: &ServerConfig) -> Router {
    let timeout = Duration::from_millis(config.request_timeout_ms);
    crate::http::app(AppState { registry })
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default();
                    tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(HandleErrorLayer::new(|_: tower::BoxError| async {
                    ApiError::Unavailable(codes::TIMEOUT, "The request timed out".into()).into_response()
                }))
                .timeout(timeout),
        )
}

/// Serves `app` on `listener` until `shutdown` completes; in-flight requests finish first.
pub async fn run(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
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
