//! Schemas made comparable before the check: `$ref`s inlined (from the document itself or from
//! the schema's references) and the 2019-09/2020-12 spellings (`prefixItems`, `$defs`,
//! `dependentRequired`) rewritten to their draft-7 equivalents.

use serde_json::{Map, Value};

use crate::budget::{Budget, Exceeded};
use crate::json::ReferenceSet;

/// How deep `$ref`s are expanded before a recursive schema is cut off (as `true`).
const MAX_REF_DEPTH: usize = 32;

/// `schema` normalized, within `budget` (its steps and its node limit).
pub(super) fn normalize(
    schema: &Value,
    refs: &ReferenceSet,
    budget: &mut Budget,
) -> Result<Value, Exceeded> {
    let mut walk = Walk {
        refs,
        budget,
        stack: Vec::new(),
        nodes: 0,
    };
    walk.node(schema, schema)
}

struct Walk<'a, 'b> {
    refs: &'a ReferenceSet,
    budget: &'b mut Budget,
    /// The `$ref`s being expanded (a repeat is a recursive schema).
    stack: Vec<String>,
    /// Nodes produced so far.
    nodes: usize,
}

impl Walk<'_, '_> {
    fn node(&mut self, node: &Value, root: &Value) -> Result<Value, Exceeded> {
        self.budget.step()?;
        self.nodes += 1;
        if self.nodes > self.budget.max_nodes() {
            return Err(Exceeded::Expansion {
                limit: self.budget.max_nodes(),
            });
        }
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    return self.reference(node, reference, root);
                }
                let mut out = Map::new();
                for (key, value) in map {
                    let value = match key.as_str() {
                        "enum" | "const" | "default" | "examples" => value.clone(),
                        _ => self.node(value, root)?,
                    };
                    out.insert(key.clone(), value);
                }
                canonicalize_draft_keywords(&mut out);
                Ok(Value::Object(out))
            }
            Value::Array(items) => items
                .iter()
                .map(|v| self.node(v, root))
                .collect::<Result<_, _>>()
                .map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    fn reference(
        &mut self,
        node: &Value,
        reference: &str,
        root: &Value,
    ) -> Result<Value, Exceeded> {
        if self.stack.iter().any(|r| r == reference) || self.stack.len() > MAX_REF_DEPTH {
            return Ok(Value::Bool(true));
        }
        let refs = self.refs;
        let Some((target, target_root)) = resolve_ref(reference, root, refs) else {
            return Ok(node.clone());
        };
        self.stack.push(reference.to_owned());
        let out = self.node(target, target_root);
        self.stack.pop();
        out
    }
}

/// Finds the target of `$ref`, and the document it is in: a pointer into the same document,
/// or a reference (optionally with a pointer into it).
fn resolve_ref<'a>(
    reference: &str,
    root: &'a Value,
    refs: &'a ReferenceSet,
) -> Option<(&'a Value, &'a Value)> {
    let (doc, pointer) = reference.split_once('#').unwrap_or((reference, ""));
    let document = if doc.is_empty() { root } else { refs.get(doc)? };
    let target = if pointer.is_empty() {
        document
    } else {
        document.pointer(pointer)?
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
