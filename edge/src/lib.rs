//! The edge: a Cloudflare Worker (Rust compiled to wasm32) that serves cached reads and
//! validation from KV and applies the origin's signed invalidations.
//!
//! This crate currently holds the platform-free part: how a request path maps to the shared
//! cache-key scheme. The Worker entry point comes with the edge issue.

use registry_core::cache_key::CacheKey;

/// The cache key for a `GET` path the edge serves from KV, if it serves it.
pub fn cache_key_for_path(path: &str) -> Option<CacheKey> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["schemas", "ids", id] => id.parse().ok().map(CacheKey::SchemaById),
        ["subjects"] => Some(CacheKey::Subjects),
        ["subjects", s, "versions"] => Some(CacheKey::Versions((*s).to_owned())),
        ["subjects", s, "versions", "latest" | "-1"] => Some(CacheKey::Latest((*s).to_owned())),
        ["subjects", s, "versions", v] => v
            .parse()
            .ok()
            .map(|v| CacheKey::SubjectVersion((*s).to_owned(), v)),
        ["config"] => Some(CacheKey::Config(None)),
        ["config", s] => Some(CacheKey::Config(Some((*s).to_owned()))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_keys() {
        assert_eq!(
            cache_key_for_path("/schemas/ids/5"),
            Some(CacheKey::SchemaById(5))
        );
        assert_eq!(
            cache_key_for_path("/subjects/a/versions/-1"),
            Some(CacheKey::Latest("a".into()))
        );
        assert_eq!(
            cache_key_for_path("/subjects/a/versions/2"),
            Some(CacheKey::SubjectVersion("a".into(), 2))
        );
        assert_eq!(cache_key_for_path("/subjects/a/versions/x"), None);
        assert_eq!(cache_key_for_path("/mode"), None);
    }
}
