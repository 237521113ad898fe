//! The edges that receive invalidations: added (URLs must be http or https), removed, and
//! listed with their delivery state and lag.

use super::{Registry, ServiceError};
use crate::store::now_ms;

/// An edge with how far behind the log it is.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EdgeView {
    /// Whether it has a secret of its own (never the secret).
    pub own_secret: bool,
    pub url: String,
    pub cursor: i64,
    pub head: i64,
    pub lag_events: i64,
    /// Age of the oldest event it has not acknowledged.
    pub lag_seconds: f64,
    pub last_error: Option<String>,
    pub last_attempt_ms: Option<i64>,
    pub last_success_ms: Option<i64>,
}

/// The `host[:port]` of an http(s) URL with no user part.
fn edge_host(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty() && !host.contains('@') && !host.contains(char::is_whitespace)).then_some(host)
}

impl Registry {
    pub async fn edges(&self) -> Result<Vec<EdgeView>, ServiceError> {
        let head = self.db.run(|s| s.max_event_seq()).await?;
        let mut out = Vec::new();
        for edge in self.db.run(|s| s.edges()).await? {
            let lag_events = (head - edge.cursor).max(0);
            let lag_seconds = if lag_events == 0 {
                0.0
            } else {
                self.db
                    .run(|s| s.event_time_ms(edge.cursor + 1))
                    .await?
                    .map_or(0.0, |t| (now_ms() - t).max(0) as f64 / 1000.0)
            };
            out.push(EdgeView {
                own_secret: edge.secret.is_some(),
                url: edge.url,
                cursor: edge.cursor,
                head,
                lag_events,
                lag_seconds,
                last_error: edge.last_error,
                last_attempt_ms: edge.last_attempt_ms,
                last_success_ms: edge.last_success_ms,
            });
        }
        Ok(out)
    }

    pub async fn add_edge(&self, url: &str, secret: Option<&str>) -> Result<(), ServiceError> {
        let host = edge_host(url).ok_or_else(|| {
            ServiceError::Invalid(format!(
                "an edge URL is http(s)://host[:port][/path], not {url}"
            ))
        })?;
        let allowed = &self.options.edge_allowed_hosts;
        if !allowed.is_empty() && !allowed.iter().any(|a| a.eq_ignore_ascii_case(host)) {
            return Err(ServiceError::Invalid(format!(
                "edges may be added only at the allowed hosts, not {host}"
            )));
        }
        self.db
            .run(|s| s.add_edge(url.trim_end_matches('/'), secret))
            .await?;
        self.wake.notify_one();
        Ok(())
    }

    pub async fn remove_edge(&self, url: &str) -> Result<(), ServiceError> {
        if self
            .db
            .run(|s| s.remove_edge(url.trim_end_matches('/')))
            .await?
        {
            Ok(())
        } else {
            Err(ServiceError::NotFound(format!("no edge {url}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::edge_host;

    #[test]
    fn edge_urls_name_a_host() {
        assert_eq!(edge_host("http://127.0.0.1:8787/x"), Some("127.0.0.1:8787"));
        assert_eq!(edge_host("https://edge.example"), Some("edge.example"));
        for bad in ["ftp://x", "http://", "http://user@x", "file:///etc", "x"] {
            assert_eq!(edge_host(bad), None, "{bad}");
        }
    }
}
