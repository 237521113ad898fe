//! The `/contexts/{context}/...` URL prefix: a request under it is the plain API request with
//! the context put into every subject it names, as Confluent's registry reads it. The subject
//! after `subjects/` (and after a leading `config/` or `mode/`) is qualified with the context
//! unless it names one already; `config` and `mode` with no subject name the context's own
//! settings; `/schemas/ids/...` gets the context through its `subject` parameter, and the
//! `/subjects` and `/schemas` listings through `subjectPrefix`. `/contexts/{context}` alone is
//! the context itself (its `DELETE`), not a prefix.
//!
//! Any path: `:.:name` is `name` (the default context), and `/config/:.__GLOBAL:` and
//! `/mode/:.__GLOBAL:` are the global settings.

use crate::qualified::{DEFAULT_CONTEXT, GLOBAL_CONTEXT, normalize_context};
use crate::routes::decode;

/// A request rewritten out of the context prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unprefixed {
    pub path: String,
    pub query: Option<String>,
}

/// The plain request `path` and `query` stand for, when `path` is under a context prefix or
/// names a subject in a form Confluent reads as another (`Ok(None)` otherwise): `:.:name` is
/// `name` in the default context, and the settings of `:.__GLOBAL:` are the global ones. `Err`
/// names a context that cannot be one (a colon inside it).
pub fn unprefix(path: &str, query: Option<&str>) -> Result<Option<Unprefixed>, String> {
    // Most requests name no context: leave them at a glance.
    if !path.starts_with("/contexts/") && !path.contains(":.") && !path.contains("%3") {
        return Ok(None);
    }
    let (prefix, rest) = match path.strip_prefix("/contexts/") {
        Some(after) => match after.split_once('/') {
            Some((context, rest)) if !rest.is_empty() => (Some(prefix_of(context)?), rest),
            _ => return Ok(None),
        },
        None => (None, path.strip_prefix('/').unwrap_or(path)),
    };
    let context = prefix.as_deref().unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    let mut changed = prefix.is_some();
    let mut subject_next = false;
    let mut settings_root = false;
    for (i, segment) in rest.split('/').enumerate() {
        if subject_next {
            subject_next = false;
            let name = decode(segment);
            if settings_root && i == 1 && is_global(&name) {
                changed = true;
                continue;
            }
            let qualified = qualify(context, segment);
            changed |= qualified != segment;
            out.push(qualified);
            continue;
        }
        let settings = i == 0 && (segment == "config" || segment == "mode");
        subject_next = segment == "subjects" || settings;
        settings_root |= settings;
        out.push(segment.to_owned());
    }
    if settings_root && subject_next && !context.is_empty() {
        out.push(encode(context));
    }
    if !changed {
        return Ok(None);
    }
    let path = format!("/{}", out.join("/"));
    let query = match prefix {
        Some(_) => rewrite_query(&path, query, context),
        None => query.map(str::to_owned),
    };
    Ok(Some(Unprefixed { path, query }))
}

/// The qualifying prefix of a context as a URL names it: `:.ctx:`, or nothing for the default.
fn prefix_of(context: &str) -> Result<String, String> {
    let context = normalize_context(&decode(context))
        .ok_or_else(|| "Context name cannot contain a colon".to_owned())?;
    Ok(if context == DEFAULT_CONTEXT {
        String::new()
    } else {
        format!(":{context}:")
    })
}

/// Whether a subject of `config` or `mode` names the global settings' context.
fn is_global(name: &str) -> bool {
    name.strip_suffix(':').unwrap_or(name) == format!(":{GLOBAL_CONTEXT}")
}

/// Whether a (decoded) name already names its context (`:.ctx:...`) or every context (`:*:`).
fn names_context(name: &str) -> bool {
    name.starts_with(":.") || name.starts_with(":*:")
}

/// `segment` (percent-encoded) within the context `prefix`, unless it names a context itself;
/// the default context named outright (`:.:name`) is the name alone.
fn qualify(prefix: &str, segment: &str) -> String {
    let name = decode(segment);
    if let Some(plain) = name.strip_prefix(":.:") {
        return encode(plain);
    }
    if prefix.is_empty() || names_context(&name) {
        segment.to_owned()
    } else {
        format!("{}{segment}", encode(prefix))
    }
}

fn rewrite_query(path: &str, query: Option<&str>, prefix: &str) -> Option<String> {
    let trimmed = path.trim_matches('/');
    let param = if trimmed.starts_with("schemas/ids") {
        "subject"
    } else if trimmed == "schemas" || trimmed == "subjects" {
        "subjectPrefix"
    } else {
        return query.map(str::to_owned);
    };
    let mut pairs: Vec<String> = Vec::new();
    let mut found = false;
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key == param {
            found = true;
            pairs.push(format!("{key}={}", qualify(prefix, value)));
        } else {
            pairs.push(pair.to_owned());
        }
    }
    if !found {
        // A listing under a prefix lists that context (the default one included); an id is
        // looked up in the context.
        if param == "subjectPrefix" || !prefix.is_empty() {
            pairs.push(format!("{param}={}", encode(prefix)));
        }
    }
    (!pairs.is_empty()).then(|| pairs.join("&"))
}

/// Percent-encoding of what a path segment or a query value cannot carry as is.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:".contains(&byte) {
            out.push(byte as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0xF)] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(path: &str, query: Option<&str>) -> (String, Option<String>) {
        let u = unprefix(path, query).unwrap().expect(path);
        (u.path, u.query)
    }

    #[test]
    fn subjects_take_the_context() {
        assert_eq!(
            plain("/contexts/.ctx/subjects/orders/versions/1", None),
            ("/subjects/:.ctx:orders/versions/1".into(), None)
        );
        // Without the leading dot, and with Confluent's colons.
        assert_eq!(
            plain("/contexts/ctx/subjects/a", None).0,
            "/subjects/:.ctx:a"
        );
        assert_eq!(
            plain("/contexts/:.ctx:/subjects/a", None).0,
            "/subjects/:.ctx:a"
        );
        // A subject naming its context keeps it; the default context adds nothing.
        assert_eq!(
            plain("/contexts/.ctx/subjects/:.other:a", None).0,
            "/subjects/:.other:a"
        );
        assert_eq!(
            plain("/contexts/:.:/subjects/a/versions", None).0,
            "/subjects/a/versions"
        );
        assert_eq!(
            plain(
                "/contexts/.ctx/compatibility/subjects/a/versions/latest",
                None
            )
            .0,
            "/compatibility/subjects/:.ctx:a/versions/latest"
        );
    }

    #[test]
    fn the_default_context_named_outright_and_the_global_settings() {
        assert_eq!(
            plain("/subjects/:.:orders/versions", Some("deleted=true")),
            (
                "/subjects/orders/versions".into(),
                Some("deleted=true".into())
            )
        );
        assert_eq!(plain("/config/:.__GLOBAL:", None).0, "/config");
        assert_eq!(plain("/mode/%3A.__GLOBAL", None).0, "/mode");
        assert_eq!(plain("/contexts/.ctx/subjects/:.:a", None).0, "/subjects/a");
    }

    #[test]
    fn settings_of_a_context_and_of_its_subjects() {
        assert_eq!(plain("/contexts/.ctx/config", None).0, "/config/:.ctx:");
        assert_eq!(plain("/contexts/.ctx/mode/a", None).0, "/mode/:.ctx:a");
        assert_eq!(plain("/contexts/:.:/config", None).0, "/config");
    }

    #[test]
    fn listings_and_ids_get_the_context_as_a_parameter() {
        assert_eq!(
            plain("/contexts/.ctx/subjects", None),
            ("/subjects".into(), Some("subjectPrefix=:.ctx:".into()))
        );
        assert_eq!(
            plain("/contexts/:.:/subjects", Some("deleted=true")),
            (
                "/subjects".into(),
                Some("deleted=true&subjectPrefix=".into())
            )
        );
        assert_eq!(
            plain("/contexts/.ctx/schemas", Some("subjectPrefix=ord")).1,
            Some("subjectPrefix=:.ctx:ord".into())
        );
        assert_eq!(
            plain("/contexts/.ctx/schemas/ids/3", None),
            ("/schemas/ids/3".into(), Some("subject=:.ctx:".into()))
        );
        assert_eq!(
            plain("/contexts/.ctx/schemas/ids/3/versions", Some("subject=a")).1,
            Some("subject=:.ctx:a".into())
        );
    }

    #[test]
    fn the_context_itself_and_other_paths_are_left_alone() {
        assert_eq!(unprefix("/contexts/.ctx", None), Ok(None));
        assert_eq!(unprefix("/contexts", None), Ok(None));
        assert_eq!(unprefix("/subjects/a", None), Ok(None));
        assert_eq!(unprefix("/config", None), Ok(None));
        assert!(unprefix("/contexts/a:b/subjects", None).is_err());
        // Names that need escapes keep them.
        assert_eq!(
            plain("/contexts/.c%20x/subjects/a%2Fb", None).0,
            "/subjects/:.c%20x:a%2Fb"
        );
    }
}
