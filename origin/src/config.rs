//! The server's configuration: every flag also reads an environment variable.

use std::net::SocketAddr;

use clap::Args;
use registry_core::CompatibilityLevel;

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
    /// A request's headers must arrive within this; an idle keep-alive connection is closed
    /// after it too.
    #[arg(long, env = "HEADER_READ_TIMEOUT_MS", default_value_t = 15_000)]
    pub header_read_timeout_ms: u64,
    /// A request's body must arrive within this, else 408.
    #[arg(long, env = "BODY_READ_TIMEOUT_MS", default_value_t = 10_000)]
    pub body_read_timeout_ms: u64,
    /// Open connections from one address; more are closed at once.
    #[arg(long, env = "MAX_CONNECTIONS_PER_IP", default_value_t = 1024)]
    pub max_connections_per_ip: usize,
    /// Open connections in all; more are closed at once.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,
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
    /// Failed authentications per second per address (bursts of ten times as many); beyond,
    /// requests with credentials from that address get 429 without being looked at. 0: off.
    #[arg(long, env = "AUTH_FAILURES_PER_SEC", default_value_t = 5)]
    pub auth_failures_per_sec: u32,
    /// Origins (`https://app.example`) whose pages may call the API from a browser: answered
    /// with CORS headers, and the only cross-site origins whose writes are taken when auth is
    /// off (repeat, or comma-separate in the variable).
    #[arg(
        long = "cors-allowed-origin",
        env = "CORS_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_allowed_origins: Vec<String>,
    /// Read requests per second per client (API key, else IP address); bursts of as many.
    /// 0 turns the read limit off.
    #[arg(long, env = "RATE_LIMIT_READS_PER_SEC", default_value_t = 10_000)]
    pub rate_limit_reads: u32,
    /// Proxies and edges (addresses or networks, `10.0.0.0/8`) whose `CF-Connecting-IP` or
    /// `X-Forwarded-For` names the client for the per-address limits (repeat, or
    /// comma-separate in the variable); other peers' forwarding headers are ignored.
    #[arg(
        long = "trusted-proxy",
        env = "TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = crate::auth::parse_network
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Puts anonymous clients on this host (loopback) under the per-address budgets too; by
    /// default a single-host deployment, or a proxy on the same host, is not throttled.
    #[arg(long, env = "RATE_LIMIT_LOOPBACK", default_value_t = false)]
    pub rate_limit_loopback: bool,
    /// Write requests per second per client; 0 turns the write limit off.
    #[arg(long, env = "RATE_LIMIT_WRITES_PER_SEC", default_value_t = 200)]
    pub rate_limit_writes: u32,
    /// Memory for the in-process caches (responses, parsed schemas, compiled validators), in
    /// MiB; entries are weighed by their size and the least valuable evicted beyond it.
    #[arg(long, env = "CACHE_MAX_MB", default_value_t = 48)]
    pub cache_max_mb: u64,
    /// How long a cached mutable response (latest, lists, config) may live if no event drops
    /// it first (every origin drops what other origins' writes made stale from the event log).
    #[arg(long, env = "MUTABLE_CACHE_TTL_MS", default_value_t = 5_000)]
    pub mutable_cache_ttl_ms: u64,
    /// Steps a compatibility check may take before it is refused as too complex (422).
    #[arg(long, env = "COMPAT_MAX_STEPS", default_value_t = registry_core::budget::DEFAULT_STEPS)]
    pub compat_max_steps: u64,
    /// Nodes a JSON Schema may expand to once its `$ref`s are inlined for a check.
    #[arg(long, env = "COMPAT_MAX_NODES", default_value_t = registry_core::budget::DEFAULT_EXPANDED_NODES)]
    pub compat_max_nodes: usize,
    /// The compatibility level when none is configured.
    #[arg(long, env = "DEFAULT_COMPATIBILITY", default_value = "BACKWARD", value_parser = parse_level)]
    pub default_compatibility: CompatibilityLevel,
    /// An edge to send invalidations to (repeat, or comma-separate in the variable); edges
    /// can also be added at run time with `POST /admin/edges`.
    #[arg(long = "edge-url", env = "EDGE_URLS", value_delimiter = ',')]
    pub edge_urls: Vec<String>,
    /// Hosts (`edge.example`, `127.0.0.1:8787`) that edges may be added at; none: any http(s)
    /// URL (repeat, or comma-separate in the variable).
    #[arg(
        long = "edge-allowed-host",
        env = "EDGE_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    pub edge_allowed_hosts: Vec<String>,
    /// The local KMS's secret, for shared KEKs of type `local-kms` that carry none in their
    /// `kmsProps` (the registry then wraps and unwraps their DEKs itself).
    #[arg(long, env = "DEK_LOCAL_SECRET", hide_env_values = true)]
    pub dek_local_secret: Option<String>,
    /// The most KEKs, and the most DEKs, the DEK registry holds (more: 409, 40972).
    #[arg(long, env = "DEK_MAX_KEYS", default_value_t = 10_000)]
    pub dek_max_keys: i64,
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
    /// The most read schemas warming loads (within its byte and time budgets).
    #[arg(long, env = "WARM_SCHEMAS", default_value_t = 50_000)]
    pub warm_schemas: usize,
    #[arg(long, env = "WARM_SUBJECTS", default_value_t = 500)]
    pub warm_subjects: usize,
    /// How long one warming round may take (it runs beside the traffic, not before it).
    #[arg(long, env = "WARM_BUDGET_MS", default_value_t = 10_000)]
    pub warm_budget_ms: u64,
    /// Days the event log (the audit timeline) is kept (0: forever).
    #[arg(long, env = "EVENT_RETENTION_DAYS", default_value_t = 90)]
    pub event_retention_days: u64,
    /// How often the event log is read for other origins' writes when no notification wakes
    /// this origin (PostgreSQL notifies at once; SQLite has no other origins).
    #[arg(long, env = "LOG_POLL_MS", default_value_t = 1_000)]
    pub log_poll_ms: u64,
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
