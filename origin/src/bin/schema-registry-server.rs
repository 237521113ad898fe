//! `schema-registry-server`: the registry's HTTP server (see `registry_origin::server`).

use clap::Parser;
use registry_origin::server::{self, ServerConfig};
use tracing_subscriber::EnvFilter;

// mimalloc: under load the system allocator cost about a tenth of the server's CPU time, and
// its per-thread arenas held on to freed memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "schema-registry-server",
    version,
    about = "LLM Schema Registry server (Confluent-compatible REST API)"
)]
struct Cli {
    #[command(flatten)]
    config: ServerConfig,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Cli::parse().config;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    if config.log_format == "json" {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let db = match server::open_store(&config).await {
        Ok(db) => db,
        Err(e) => {
            tracing::error!(error = %e, url = %redact(&config.database_url), "cannot open the database");
            return std::process::ExitCode::from(2);
        }
    };
    let backend = db.backend();
    let registry = server::registry(db, &config);
    let (stop_dispatch, dispatch_stopped) = tokio::sync::watch::channel(false);
    let dispatcher = match server::start_dispatcher(&registry, &config, dispatch_stopped).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "cannot register the configured edges");
            return std::process::ExitCode::from(2);
        }
    };
    let follower = server::start_log_follower(&registry, &config, stop_dispatch.subscribe());
    let upkeep = tokio::spawn(registry_origin::upkeep::run(
        registry.clone(),
        server::upkeep_options(&config),
        stop_dispatch.subscribe(),
    ));
    let app = server::app(registry, &config);
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, addr = %config.listen, "cannot listen");
            return std::process::ExitCode::from(2);
        }
    };
    tracing::info!(addr = %config.listen, backend, "schema registry listening");
    let limits = server::connection_limits(&config);
    let served = server::run(listener, app, limits, server::shutdown_signal()).await;
    let _ = stop_dispatch.send(true);
    if let Some(d) = dispatcher {
        let _ = d.await;
    }
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), upkeep).await;
    let _ = follower.await;
    match served {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "server failed");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}
