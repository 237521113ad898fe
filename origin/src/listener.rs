//! Accepting connections: each served by hyper's HTTP/1 with a header read timeout (which also
//! closes a keep-alive connection idle that long: hyper starts the timer when it waits for the
//! next request's headers), at most so many connections from one address and in all (beyond
//! them a new connection is closed at once), and a graceful shutdown that lets requests in
//! flight finish.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::ConnectInfo;
use dashmap::DashMap;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Limits on connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// A request's headers must arrive within this (and an idle connection is closed after it).
    pub header_read_timeout: Duration,
    /// Open connections from one address.
    pub per_address: usize,
    /// Open connections in all.
    pub total: usize,
}

/// Counts open connections, by address and in all.
#[derive(Debug, Default)]
struct Open {
    by_address: DashMap<IpAddr, usize>,
    total: AtomicUsize,
}

/// One admitted connection; counted until dropped.
struct Counted {
    open: Arc<Open>,
    address: IpAddr,
}

impl Open {
    /// Counts a new connection from `address`, unless a limit is reached.
    fn admit(self: &Arc<Self>, address: IpAddr, limits: &ConnectionLimits) -> Option<Counted> {
        if self.total.fetch_add(1, Ordering::Relaxed) >= limits.total {
            self.total.fetch_sub(1, Ordering::Relaxed);
            return None;
        }
        let mut count = self.by_address.entry(address).or_insert(0);
        if *count >= limits.per_address {
            drop(count);
            self.total.fetch_sub(1, Ordering::Relaxed);
            return None;
        }
        *count += 1;
        Some(Counted {
            open: self.clone(),
            address,
        })
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.open.total.fetch_sub(1, Ordering::Relaxed);
        self.open
            .by_address
            .remove_if_mut(&self.address, |_, count| {
                *count -= 1;
                *count == 0
            });
    }
}

/// Serves `app` on `listener` until `shutdown` completes; in-flight requests finish first.
pub async fn serve(
    listener: TcpListener,
    app: crate::server::App,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let open = Arc::new(Open::default());
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of descriptors, or a connection reset before it was accepted.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(counted) = open.admit(peer.ip(), &limits) else {
            metrics::counter!("registry_connections_refused_total").increment(1);
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = app
            .clone()
            .map_request(move |mut req: axum::http::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                req
            })
            .map_err(|e: Infallible| match e {});
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(counted);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_counted_by_address_and_in_all() {
        let open = Arc::new(Open::default());
        let limits = ConnectionLimits {
            header_read_timeout: Duration::from_secs(1),
            per_address: 2,
            total: 3,
        };
        let (a, b): (IpAddr, IpAddr) = ("127.0.0.1".parse().unwrap(), "127.0.0.2".parse().unwrap());
        let first = open.admit(a, &limits).unwrap();
        let _second = open.admit(a, &limits).unwrap();
        assert!(open.admit(a, &limits).is_none(), "per address");
        let _third = open.admit(b, &limits).unwrap();
        assert!(open.admit(b, &limits).is_none(), "in all");
        drop(first);
        assert!(
            open.admit(a, &limits).is_some(),
            "a closed connection frees its place"
        );
        assert_eq!(open.by_address.get(&b).map(|c| *c), Some(1));
    }
}
