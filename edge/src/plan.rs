//! What the edge does with a request, decided from method and path alone (no platform types,
//! so it is unit-tested natively): serve a read from KV, validate locally, forward a write and
//! drop the keys it touches, or handle the registry's own endpoints.
//!
//! KV keys are the shared [`CacheKey`] strings, plus a `#variant` suffix for other responses
//! about the same resource (`/schema`, `/subjects`, `/versions`): invalidating a key drops its
//! variants too.

use registry_core::cache_key::CacheKey;

/// Suffixes of the KV keys that hang off one cache key.
pub const VARIANTS: [&str; 3] = ["#schema", "#subjects", "#versions"];

/// What to do with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// A read served from KV under `kv_key`, filled from the origin on a miss.
    Read {
        kv_key: String,
        immutable: bool,
    },
    /// Validation of payloads against `schema_path` (an origin read path giving the schema).
    Validate {
        schema_path: String,
        schema_key: String,
    },
    /// A write forwarded to the origin; on success these KV keys are dropped.
    Write {
        touched: Vec<String>,
    },
    /// Anything else: forwarded as is, nothing cached.
    Forward,
    Invalidate,
    Status,
}

fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = segment
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn key(k: &CacheKey, variant: &str) -> String {
    format!("{k}{variant}")
}

/// The key of a subject version path segment: a number, or `latest`/`-1`.
fn version_key(subject: &str, v: &str) -> Option<CacheKey> {
    match v {
        "latest" | "-1" => Some(CacheKey::Latest(subject.to_owned())),
        n => n
            .parse::<i32>()
            .ok()
            .filter(|n| *n > 0)
            .map(|n| CacheKey::SubjectVersion(subject.to_owned(), n)),
    }
}

fn read(k: &CacheKey, variant: &str) -> Plan {
    Plan::Read {
        kv_key: key(k, variant),
        immutable: k.is_immutable(),
    }
}

/// Decides what to do with `method` on `path` (without its query). Reads with a query string
/// are forwarded uncached by the caller.
pub fn plan(method: &str, path: &str) -> Plan {
    let raw: Vec<&str> = path.trim_matches('/').split('/').collect();
    let seg: Vec<String> = raw.iter().map(|s| decode(s)).collect();
    let seg: Vec<&str> = seg.iter().map(String::as_str).collect();
    match (method, seg.as_slice()) {
        ("POST", ["_registry", "invalidate"]) => Plan::Invalidate,
        ("GET", ["_registry", "status"]) => Plan::Status,
        ("GET", ["schemas", "types"]) => Plan::Read {
            kv_key: "types".into(),
            immutable: false,
        },
        ("GET", ["schemas", "ids", id]) => id
            .parse()
            .map_or(Plan::Forward, |id| read(&CacheKey::SchemaById(id), "")),
        ("GET", ["schemas", "ids", id, "schema"]) => id.parse().map_or(Plan::Forward, |id| {
            read(&CacheKey::SchemaById(id), "#schema")
        }),
        ("GET", ["schemas", "ids", id, part @ ("subjects" | "versions")]) => {
            id.parse().map_or(Plan::Forward, |id| {
                read(&CacheKey::SchemaUsage(id), &format!("#{part}"))
            })
        }
        ("GET", ["subjects"]) => read(&CacheKey::Subjects, ""),
        ("GET", ["subjects", s, "versions"]) => read(&CacheKey::Versions((*s).to_owned()), ""),
        ("GET", ["subjects", s, "versions", v]) => {
            version_key(s, v).map_or(Plan::Forward, |k| read(&k, ""))
        }
        ("GET", ["subjects", s, "versions", v, "schema"]) => {
            version_key(s, v).map_or(Plan::Forward, |k| read(&k, "#schema"))
        }
        ("GET", ["config"]) => read(&CacheKey::Config(None), ""),
        ("GET", ["config", s]) => read(&CacheKey::Config(Some((*s).to_owned())), ""),
        ("POST", ["subjects", _, "versions", v, "validate"]) => {
            let schema_path = format!("/subjects/{}/versions/{v}", raw[1]);
            let schema_key = version_key(seg[1], v).map_or_else(String::new, |k| k.to_string());
            Plan::Validate {
                schema_path,
                schema_key,
            }
        }
        ("POST", ["schemas", "ids", id, "validate"]) => Plan::Validate {
            schema_path: format!("/schemas/ids/{id}"),
            schema_key: id
                .parse()
                .map_or_else(|_| String::new(), |id| CacheKey::SchemaById(id).to_string()),
        },
        ("POST", ["subjects", s, "versions"]) => Plan::Write {
            touched: keys(&CacheKey::touched_by_register(s, 0)[..3]),
        },
        ("DELETE", ["subjects", s]) => Plan::Write {
            touched: keys(&[
                CacheKey::Latest((*s).to_owned()),
                CacheKey::Versions((*s).to_owned()),
                CacheKey::Subjects,
                CacheKey::Config(Some((*s).to_owned())),
            ]),
        },
        ("DELETE", ["subjects", s, "versions", v]) => {
            let mut touched = vec![
                CacheKey::Latest((*s).to_owned()),
                CacheKey::Versions((*s).to_owned()),
                CacheKey::Subjects,
            ];
            touched.extend(version_key(s, v));
            Plan::Write {
                touched: keys(&touched),
            }
        }
        ("PUT" | "DELETE", ["config"]) => Plan::Write {
            touched: keys(&[CacheKey::Config(None)]),
        },
        ("PUT" | "DELETE", ["config", s]) => Plan::Write {
            touched: keys(&[CacheKey::Config(Some((*s).to_owned()))]),
        },
        ("PUT" | "DELETE" | "POST", _) => Plan::Write {
            touched: Vec::new(),
        },
        _ => Plan::Forward,
    }
}

fn keys(list: &[CacheKey]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

/// Every KV key to delete when `key` is invalidated: the key and its variants.
pub fn with_variants(key: &str) -> Vec<String> {
    std::iter::once(key.to_owned())
        .chain(VARIANTS.iter().map(|v| format!("{key}{v}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_map_to_shared_cache_keys() {
        assert_eq!(
            plan("GET", "/schemas/ids/5"),
            Plan::Read {
                kv_key: "id/5".into(),
                immutable: true
            }
        );
        assert_eq!(
            plan("GET", "/schemas/ids/5/schema"),
            Plan::Read {
                kv_key: "id/5#schema".into(),
                immutable: true
            }
        );
        assert_eq!(
            plan("GET", "/schemas/ids/5/versions"),
            Plan::Read {
                kv_key: "id-usage/5#versions".into(),
                immutable: false
            }
        );
        assert_eq!(
            plan("GET", "/subjects/a%2Fb/versions/-1"),
            Plan::Read {
                kv_key: "latest/a%2Fb".into(),
                immutable: false
            }
        );
        assert_eq!(
            plan("GET", "/subjects/a/versions/3"),
            Plan::Read {
                kv_key: "sv/a/3".into(),
                immutable: true
            }
        );
        assert_eq!(plan("GET", "/subjects/a/versions/x"), Plan::Forward);
        assert_eq!(
            plan("GET", "/config/a"),
            Plan::Read {
                kv_key: "config/a".into(),
                immutable: false
            }
        );
        assert_eq!(plan("GET", "/mode"), Plan::Forward);
    }

    #[test]
    fn writes_name_the_keys_they_touch() {
        assert_eq!(
            plan("POST", "/subjects/a/versions"),
            Plan::Write {
                touched: vec!["latest/a".into(), "versions/a".into(), "subjects".into()]
            }
        );
        let Plan::Write { touched } = plan("DELETE", "/subjects/a/versions/2") else {
            panic!("write")
        };
        assert!(touched.contains(&"sv/a/2".to_owned()));
        assert_eq!(
            plan("PUT", "/config"),
            Plan::Write {
                touched: vec!["config".into()]
            }
        );
        assert_eq!(
            plan("POST", "/subjects/a"),
            Plan::Write { touched: vec![] },
            "lookups are forwarded, nothing cached"
        );
        assert_eq!(
            with_variants("id/1"),
            ["id/1", "id/1#schema", "id/1#subjects", "id/1#versions"]
        );
    }

    #[test]
    fn validation_finds_its_schema() {
        assert_eq!(
            plan("POST", "/schemas/ids/9/validate"),
            Plan::Validate {
                schema_path: "/schemas/ids/9".into(),
                schema_key: "id/9".into()
            }
        );
        assert_eq!(
            plan("POST", "/subjects/s/versions/latest/validate"),
            Plan::Validate {
                schema_path: "/subjects/s/versions/latest".into(),
                schema_key: "latest/s".into()
            }
        );
    }
}
