//! Schemas made comparable before the check: `$ref`s inlined (from the document itself or from
//! the schema's references) and the 2019-09/2020-12 spellings (`prefixItems`, `$defs`,
//! `dependentRequired`) rewritten to their draft-7 equivalents.

use serde_json::{Map, Value};

use crate::json::ReferenceSet;

/// How deep `$ref`s are expanded before a recursive schema is cut off (as `true`).
const MAX_REF_DEPTH: usize = 32;

pub(super) fn normalize(
    node: &Value,
    root: &Value,
    refs: &ReferenceSet,
    stack: &mut Vec<String>,
) -> Value {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if stack.contains(reference) || stack.len() > MAX_REF_DEPTH {
                    return Value::Bool(true);
                }
                let Some((target, target_root)) = resolve_ref(reference, root, refs) else {
                    return node.clone();
                };
                stack.push(reference.clone());
                let out = normalize(&target, &target_root, refs, stack);
                stack.pop();
                return out;
            }
            let mut out = Map::new();
            for (key, value) in map {
                let value = match key.as_str() {
                    "enum" | "const" | "default" | "examples" => value.clone(),
                    _ => normalize(value, root, refs, stack),
                };
                out.insert(key.clone(), value);
            }
            canonicalize_draft_keywords(&mut out);
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| normalize(v, root, refs, stack))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Finds the target of `$ref`: a pointer into the same document, or a reference (optionally
/// with a pointer into it).
fn resolve_ref(reference: &str, root: &Value, refs: &ReferenceSet) -> Option<(Value, Value)> {
    let (doc, pointer) = reference.split_once('#').unwrap_or((reference, ""));
    let document = if doc.is_empty() {
        root.clone()
    } else {
        refs.get(doc)?.clone()
    };
    let target = if pointer.is_empty() {
        document.clone()
    } else {
        document.pointer(pointer)?.clone()
    };
    Some((target, document))
}

fn canonicalize_draft_keywords(schema: &mut Map<String, Value>) {
    if let Some(prefix) = schema.remove("prefixItems") {
        let additional = schema.remove("items");
        schema.insert("items".into(), prefix);
        if let Some(additional) = additional
            && !schema.contains_key("additionalItems")
        {
            schema.insert("additionalItems".into(), additional);
        }
    }
    if !schema.contains_key("definitions")
        && let Some(defs) = schema.remove("$defs")
    {
        schema.insert("definitions".into(), defs);
    }
    if let Some(Value::Object(required)) = schema.remove("dependentRequired") {
        let mut merged = required;
        if let Some(Value::Object(existing)) = schema.get("dependencies") {
            for (k, v) in existing {
                merged.insert(k.clone(), v.clone());
            }
        }
        schema.insert("dependencies".into(), Value::Object(merged));
    }
}
