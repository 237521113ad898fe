//! What the edge does with a request, decided from method and path alone by the route table in
//! core (`registry_core::routes`), so the edge, the origin and the OpenAPI document cannot
//! disagree on a route: serve a read from KV, validate locally, forward, or handle the edge's
//! own endpoints. Platform-free, so it is unit-tested natively.
//!
//! KV keys are the shared cache keys plus a variant suffix (`#schema`, ...): invalidating a
//! resource drops every variant ([`registry_core::routes::kv_keys`]).

use registry_core::cache_key::CacheKey;
use registry_core::routes::{self, EdgeRole, Op, ReadKey};

/// What to do with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// A read served from KV, filled from the origin on a miss.
    Read(ReadKey),
    /// Validation of payloads against the schema read at `schema_path` (through KV when it has
    /// a key).
    Validate {
        schema_path: String,
        schema_key: Option<ReadKey>,
    },
    /// Forwarded to the origin; after a write, the keys the origin names are dropped.
    Forward,
    /// The origin's signed invalidations.
    Invalidate,
    /// The edge's own state.
    Status,
}

impl Plan {
    /// Whether a cached read's resource never changes once it exists.
    pub fn is_immutable(key: &ReadKey) -> bool {
        key.key.is_immutable()
    }
}

/// Decides what to do with `method` on `path` and `query`. A read is served from KV only when
/// its key covers the query (none, or an export's `as`); other reads are forwarded uncached.
pub fn plan(method: &str, path: &str, query: Option<&str>) -> Plan {
    match (method, path) {
        ("POST", "/_registry/invalidate") => return Plan::Invalidate,
        ("GET", "/_registry/status") => return Plan::Status,
        _ => {}
    }
    let Some(matched) = routes::find(method, path) else {
        return Plan::Forward;
    };
    match matched.route.edge {
        EdgeRole::Cached => {
            routes::read_key_with_query(&matched, query).map_or(Plan::Forward, Plan::Read)
        }
        // A validation by id in a named context (`?subject=`) reads that context's id: the
        // origin's to answer.
        EdgeRole::Validate if query.is_some_and(|q| !q.is_empty()) => Plan::Forward,
        EdgeRole::Validate => validate_plan(matched.route.op, path),
        EdgeRole::Forward => Plan::Forward,
    }
}

/// A validation reads its schema where a GET of the same path without `/validate` would.
fn validate_plan(op: Op, path: &str) -> Plan {
    debug_assert!(matches!(op, Op::ValidateVersion | Op::ValidateById));
    let Some(schema_path) = path.strip_suffix("/validate") else {
        return Plan::Forward;
    };
    let schema_key = routes::find("GET", schema_path).and_then(|m| routes::read_key(&m));
    Plan::Validate {
        schema_path: schema_path.to_owned(),
        schema_key,
    }
}

/// The cache keys named by the origin's [`routes::INVALIDATED_HEADER`] (comma-separated), as
/// KV keys with every variant.
pub fn invalidated_kv_keys(header: &str) -> Vec<String> {
    header
        .split(',')
        .map(str::trim)
        .filter(|k| CacheKey::parse(k).is_some())
        .flat_map(routes::kv_keys)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(method: &str, path: &str) -> (String, bool) {
        match plan(method, path, None) {
            Plan::Read(key) => (key.kv_key(), Plan::is_immutable(&key)),
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn reads_map_to_shared_cache_keys() {
        assert_eq!(read("GET", "/schemas/ids/5"), ("id/5".into(), true));
        assert_eq!(
            read("GET", "/schemas/ids/5/schema"),
            ("id/5#schema".into(), true)
        );
        assert_eq!(
            read("GET", "/schemas/ids/5/versions"),
            ("id-usage/5#versions".into(), false)
        );
        assert_eq!(
            read("GET", "/subjects/a%2Fb/versions/-1"),
            ("latest/a%2Fb".into(), false)
        );
        assert_eq!(
            read("GET", "/subjects/a/versions/3"),
            ("sv/a/3".into(), true)
        );
        assert_eq!(plan("GET", "/subjects/a/versions/x", None), Plan::Forward);
        assert_eq!(read("GET", "/config/a"), ("config/a".into(), false));
        assert_eq!(read("GET", "/mode"), ("mode".into(), false));
        assert_eq!(read("GET", "/schemas/types"), ("types".into(), false));
    }

    #[test]
    fn exports_are_cached_per_profile_and_usage() {
        let export = |query| match plan("GET", "/subjects/a/versions/2/llm/openai", query) {
            Plan::Read(key) => Some(key.kv_key()),
            _ => None,
        };
        assert_eq!(
            export(None).as_deref(),
            Some("sv/a/2#llm/openai-strict/response_format")
        );
        assert_eq!(
            export(Some("as=tool")).as_deref(),
            Some("sv/a/2#llm/openai-strict/tool")
        );
        assert_eq!(
            export(Some("as=tool&name=x")),
            None,
            "a name is not in the key"
        );
        assert_eq!(export(Some("as=nope")), None);
        assert_eq!(
            plan("GET", "/subjects/a/versions/2", Some("deleted=true")),
            Plan::Forward
        );
        assert!(
            invalidated_kv_keys("latest/a").contains(&"latest/a#llm/gemini/tool".to_owned()),
            "an invalidation drops the exports too"
        );
    }

    #[test]
    fn writes_and_unknown_paths_are_forwarded() {
        for (method, path) in [
            ("POST", "/subjects/a/versions"),
            ("DELETE", "/subjects/a/versions/2"),
            ("PUT", "/config"),
            ("POST", "/subjects/a"),
            ("GET", "/nope"),
        ] {
            assert_eq!(plan(method, path, None), Plan::Forward, "{method} {path}");
        }
        let dropped = invalidated_kv_keys("latest/a, sv/a/2,bogus key");
        for key in [
            "latest/a",
            "latest/a#schema",
            "latest/a#subjects",
            "latest/a#versions",
            "sv/a/2",
            "sv/a/2#schema",
            "sv/a/2#subjects",
            "sv/a/2#versions",
            "sv/a/2#validator.mjs",
            "sv/a/2#llm/openai-strict/tool",
        ] {
            assert!(dropped.contains(&key.to_owned()), "{key}");
        }
        let per_key = 5 + 2 * registry_core::llm::PROFILES.len();
        assert_eq!(dropped.len(), 2 * per_key, "the bogus key drops nothing");
        assert_eq!(invalidated_kv_keys("id/1").len(), 5);
    }

    #[test]
    fn validation_finds_its_schema() {
        let Plan::Validate {
            schema_path,
            schema_key,
        } = plan("POST", "/schemas/ids/9/validate", None)
        else {
            panic!("validate")
        };
        assert_eq!(schema_path, "/schemas/ids/9");
        assert_eq!(schema_key.map(|k| k.kv_key()), Some("id/9".into()));
        let Plan::Validate {
            schema_path,
            schema_key,
        } = plan("POST", "/subjects/s%2Fx/versions/latest/validate", None)
        else {
            panic!("validate")
        };
        assert_eq!(schema_path, "/subjects/s%2Fx/versions/latest");
        assert_eq!(schema_key.map(|k| k.kv_key()), Some("latest/s%2Fx".into()));
        // An id in a named context is the origin's to resolve.
        assert!(matches!(
            plan("POST", "/schemas/ids/1/validate", Some("subject=:.ctx:")),
            Plan::Forward
        ));
    }
}
