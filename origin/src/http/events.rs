//! The audit timeline: `GET /events` (a page of changes) and `GET /events/export` (all of them
//! as JSON lines). Both read the event log the invalidation outbox writes: every register,
//! delete, config and mode change and key administration, with who (a key id, `cli`, or
//! `anonymous`), when, and what.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{Query, bounded, page_limit};
use super::respond::ok;
use super::{ApiError, AppState};
use crate::store::EventRecord;

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1000;
/// Events read per database query while exporting.
const EXPORT_PAGE: i64 = 1000;

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    after: Option<i64>,
    subject: Option<String>,
    limit: Option<i64>,
}

/// An event as the timeline shows it.
pub fn event_json(e: &EventRecord) -> Value {
    json!({
        "seq": e.seq,
        "kind": e.kind.as_str(),
        "subject": e.subject,
        "version": e.version,
        "id": e.schema_id,
        "actor": e.actor,
        "at": e.created_at,
        "detail": e.detail.as_deref().and_then(|d| serde_json::from_str::<Value>(d).ok()),
    })
}

pub async fn page(
    State(state): State<AppState>,
    Query(p): Query<Params>,
) -> Result<Response, ApiError> {
    let limit = page_limit(p.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    bounded("subject", p.subject.as_deref().unwrap_or_default())?;
    let after = p.after.unwrap_or(0);
    let events = state
        .registry
        .events(after, p.subject.as_deref(), limit)
        .await?;
    let next = events.last().map_or(after, |e| e.seq);
    Ok(ok(&json!({
        "events": events.iter().map(event_json).collect::<Vec<_>>(),
        "next": next,
    })))
}

/// Every event after `after` (of `subject`), one JSON object per line, read page by page
/// while the response streams.
pub async fn export(State(state): State<AppState>, Query(p): Query<Params>) -> Response {
    let registry = state.registry.clone();
    let subject = p.subject;
    let start = p.after.unwrap_or(0);
    let stream = futures_util::stream::unfold(Some(start), move |cursor| {
        let registry = registry.clone();
        let subject = subject.clone();
        async move {
            let after = cursor?;
            match registry
                .events(after, subject.as_deref(), EXPORT_PAGE)
                .await
            {
                Ok(events) if events.is_empty() => None,
                Ok(events) => {
                    let next = events.last().map(|e| e.seq);
                    let mut chunk = Vec::new();
                    for e in &events {
                        serde_json::to_writer(&mut chunk, &event_json(e)).expect("json");
                        chunk.push(b'\n');
                    }
                    Some((Ok::<_, std::io::Error>(chunk), next))
                }
                Err(e) => {
                    tracing::error!(error = %e, "event export stopped");
                    Some((Err(std::io::Error::other(e.to_string())), None))
                }
            }
        }
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-ndjson"),
        )],
        Body::from_stream(stream),
    )
        .into_response()
}
