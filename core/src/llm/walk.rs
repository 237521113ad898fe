//! Walking a JSON Schema for the LLM profiles: the sub-schemas of a node with the edge that
//! leads to each, local `$ref` resolution, and which references are recursive.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::pointer::escape;

/// How a sub-schema hangs from its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// The schema of a property, and whether the parent requires it.
    Property { required: bool },
    /// A definition (`$defs`, `definitions`).
    Definition,
    /// Anything else (items, branches of `anyOf`, ...).
    Other,
}

/// The sub-schemas of `node`: (segments below `node`, the sub-schema, the edge).
pub fn children(node: &Value) -> Vec<(Vec<String>, &Value, Edge)> {
    let Value::Object(map) = node else {
        return Vec::new();
    };
    let required = required_names(node);
    let mut out = Vec::new();
    for (key, value) in map {
        let under = |segments: Vec<String>, v, edge| under(key, segments, v, edge);
        match (key.as_str(), value) {
            ("properties", Value::Object(props)) => {
                for (name, v) in props {
                    let edge = Edge::Property {
                        required: required.contains(name.as_str()),
                    };
                    out.push(under(vec![name.clone()], v, edge));
                }
            }
            ("$defs" | "definitions", Value::Object(defs)) => {
                for (name, v) in defs {
                    out.push(under(vec![name.clone()], v, Edge::Definition));
                }
            }
            ("patternProperties" | "dependentSchemas", Value::Object(m)) => {
                for (name, v) in m {
                    out.push(under(vec![name.clone()], v, Edge::Other));
                }
            }
            ("anyOf" | "oneOf" | "allOf" | "prefixItems" | "items", Value::Array(list)) => {
                for (i, v) in list.iter().enumerate() {
                    out.push(under(vec![i.to_string()], v, Edge::Other));
                }
            }
            (
                "additionalProperties"
                | "additionalItems"
                | "unevaluatedProperties"
                | "unevaluatedItems",
                Value::Bool(_),
            ) => {}
            (
                "items"
                | "additionalProperties"
                | "additionalItems"
                | "contains"
                | "not"
                | "if"
                | "then"
                | "else"
                | "propertyNames"
                | "unevaluatedProperties"
                | "unevaluatedItems",
                v @ (Value::Object(_) | Value::Bool(_)),
            ) => out.push(under(Vec::new(), v, Edge::Other)),
            _ => {}
        }
    }
    out
}

fn under<'a>(
    key: &str,
    segments: Vec<String>,
    v: &'a Value,
    edge: Edge,
) -> (Vec<String>, &'a Value, Edge) {
    let mut path = vec![key.to_owned()];
    path.extend(segments);
    (path, v, edge)
}

/// The names in `node`'s `required`.
pub fn required_names(node: &Value) -> BTreeSet<&str> {
    node.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The types `node` names (`type` as a string or a list).
pub fn types(node: &Value) -> Vec<&str> {
    match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether `node` describes objects.
pub fn is_object(node: &Value) -> bool {
    let t = types(node);
    t.iter().any(|t| t.eq_ignore_ascii_case("object"))
        || (t.is_empty() && node.get("properties").is_some())
}

/// Whether `node` already admits null.
pub fn admits_null(node: &Value) -> bool {
    types(node).iter().any(|t| t.eq_ignore_ascii_case("null"))
        || node.get("nullable") == Some(&Value::Bool(true))
        || node
            .get("anyOf")
            .and_then(Value::as_array)
            .is_some_and(|b| b.iter().any(|b| types(b) == ["null"]))
        || node
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.contains(&Value::Null))
}

/// The JSON pointer of `segments`.
pub fn pointer(segments: &[String]) -> String {
    let mut out = String::new();
    for s in segments {
        out.push('/');
        out.push_str(&escape(s));
    }
    out
}

/// The target of a local reference (`#`, `#/$defs/x`), `None` when it is not local or not there.
pub fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.contains('%') {
        get(root, &percent_decode(fragment))
    } else {
        get(root, fragment)
    }
}

/// The value at JSON pointer `pointer` in `root`, as `Value::pointer`, without allocating for
/// segments that need no unescaping (this runs for every token a stream reads).
pub fn get<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let mut at = root;
    for segment in pointer.strip_prefix('/')?.split('/') {
        let owned;
        let key = if segment.contains('~') {
            owned = segment.replace("~1", "/").replace("~0", "~");
            owned.as_str()
        } else {
            segment
        };
        at = match at {
            Value::Object(map) => map.get(key)?,
            Value::Array(list) => list.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

fn percent_decode(s: &str) -> String {
    crate::routes::decode(s)
}

/// The local references of `root` that are recursive: their target reaches itself again
/// through the references inside it.
pub fn recursive_refs(root: &Value) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    collect_refs(root, &mut refs);
    let graph: BTreeMap<String, BTreeSet<String>> = refs
        .iter()
        .map(|r| {
            let mut inner = BTreeSet::new();
            if let Some(target) = resolve(root, r) {
                collect_refs(target, &mut inner);
            }
            (r.clone(), inner)
        })
        .collect();
    refs.into_iter().filter(|r| reaches(&graph, r, r)).collect()
}

fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = graph
        .get(from)
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    while let Some(r) = stack.pop() {
        if r == to {
            return true;
        }
        if seen.insert(r) {
            stack.extend(graph.get(r).into_iter().flatten().map(String::as_str));
        }
    }
    false
}

/// Every `$ref` string under `node`.
pub fn collect_refs(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.insert(r.clone());
            }
            for (_, child, _) in children(node) {
                collect_refs(child, out);
            }
        }
        Value::Array(list) => list.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
