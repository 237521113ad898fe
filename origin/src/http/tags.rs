//! Schema tags: `POST /subjects/{s}/versions/{v}/tags`, and the `findTags` parameter of the
//! reads of a version and of a schema by id.

use axum::extract::{Path, State};
use axum::response::Response;
use registry_core::SchemaType;
use registry_core::tags::TagSchemaRequest;
use serde_json::{Map, Value};

use super::extract::{Body, Query, parse_version};
use super::respond::{ok, written};
use super::{Actor, ApiError, AppState};
use crate::service::{ServiceError, find_tags, subject_version};
use crate::store::Deleted;

pub async fn modify(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    Actor(actor): Actor,
    Body(req): Body<TagSchemaRequest>,
) -> Result<Response, ApiError> {
    let version = parse_version(&version)?;
    let done = state
        .registry
        .modify_tags(&subject, version, req, &actor)
        .await?;
    let record = state
        .registry
        .version(&subject, Some(done.value.version), Deleted::Include)
        .await?;
    Ok(written(&done, &subject_version(&record)))
}

/// The tags `findTags` asks for (repeated or comma-separated; `*`: all), if it is given.
pub fn wanted(params: &[(String, String)]) -> Option<Vec<String>> {
    let tags: Vec<String> = params
        .iter()
        .filter(|(k, _)| k == "findTags")
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    params.iter().any(|(k, _)| k == "findTags").then_some(tags)
}

/// `body` with `schemaTags`: the entities of the schema tagged with any of `tags`.
pub fn with_tags<T: serde::Serialize>(
    body: &T,
    ty: SchemaType,
    text: &str,
    tags: &[String],
) -> Result<Response, ApiError> {
    let mut map = to_map(body)?;
    let found = find_tags(ty, text, tags);
    map.insert(
        "schemaTags".into(),
        serde_json::to_value(found).map_err(|e| ServiceError::Internal(e.to_string()))?,
    );
    Ok(ok(&map))
}

fn to_map<T: serde::Serialize>(body: &T) -> Result<Map<String, Value>, ApiError> {
    match serde_json::to_value(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ServiceError::Internal("a response body is not an object".into()).into()),
    }
}

/// The query pairs, for handlers that read `findTags` or `format`.
pub type Pairs = Query<Vec<(String, String)>>;
