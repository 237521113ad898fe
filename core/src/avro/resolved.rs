//! `format=resolved`: an Avro schema with the named types its references define written out in
//! full where they are first used, as Confluent's `AvroSchema.formattedString("resolved")`
//! gives it (Avro's own `Schema.toString()` of the parsed schema). A type written out gets an
//! explicit `namespace`, so it means the same wherever it lands; a type already written out
//! earlier stays a name.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::types::ResolvedReference;

const PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

/// `text` with its references' named types inlined; `None` when a text is not JSON.
pub fn resolved(text: &str, references: &[ResolvedReference]) -> Option<String> {
    let mut docs = Vec::with_capacity(references.len());
    let mut definitions = HashMap::new();
    for (i, r) in references.iter().enumerate() {
        let doc: Value = serde_json::from_str(&r.schema).ok()?;
        collect(&doc, "", i, "", &mut definitions);
        docs.push(doc);
    }
    let mut doc: Value = serde_json::from_str(text).ok()?;
    let mut walk = Walk {
        docs,
        definitions,
        written: HashSet::new(),
    };
    walk.type_at(&mut doc, "");
    serde_json::to_string(&doc).ok()
}

/// Where a reference defines a named type: which reference, the JSON pointer, its namespace.
struct Definition {
    doc: usize,
    pointer: String,
    namespace: String,
}

/// The full name of a named type declared as `o` under the enclosing namespace `ns`, and the
/// namespace its own nested names inherit.
fn full_name(o: &serde_json::Map<String, Value>, ns: &str) -> Option<(String, String)> {
    let name = o.get("name")?.as_str()?;
    if let Some((space, _)) = name.rsplit_once('.') {
        return Some((name.to_owned(), space.to_owned()));
    }
    let space = o.get("namespace").and_then(Value::as_str).unwrap_or(ns);
    let full = if space.is_empty() {
        name.to_owned()
    } else {
        format!("{space}.{name}")
    };
    Some((full, space.to_owned()))
}

fn is_named(kind: Option<&str>) -> bool {
    matches!(kind, Some("record" | "error" | "enum" | "fixed"))
}

/// Every named type `node` (at `pointer` in reference `doc`) defines, by full name.
fn collect(
    node: &Value,
    ns: &str,
    doc: usize,
    pointer: &str,
    out: &mut HashMap<String, Definition>,
) {
    match node {
        Value::Array(branches) => {
            for (i, b) in branches.iter().enumerate() {
                collect(b, ns, doc, &format!("{pointer}/{i}"), out);
            }
        }
        Value::Object(o) => {
            let kind = o.get("type").and_then(Value::as_str);
            let mut inner = ns.to_owned();
            if is_named(kind)
                && let Some((full, space)) = full_name(o, ns)
            {
                inner.clone_from(&space);
                out.entry(full).or_insert(Definition {
                    doc,
                    pointer: pointer.to_owned(),
                    namespace: space,
                });
            }
            for (at, child) in children(o) {
                collect(child, &inner, doc, &format!("{pointer}{at}"), out);
            }
        }
        _ => {}
    }
}

/// The type positions directly inside a type object, with their pointers from it.
fn children(o: &serde_json::Map<String, Value>) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    match o.get("type").and_then(Value::as_str) {
        Some("record" | "error") => {
            let fields = o.get("fields").and_then(Value::as_array);
            for (i, f) in fields.into_iter().flatten().enumerate() {
                if let Some(t) = f.get("type") {
                    out.push((format!("/fields/{i}/type"), t));
                }
            }
        }
        Some("array") => out.extend(o.get("items").map(|t| ("/items".to_owned(), t))),
        Some("map") => out.extend(o.get("values").map(|t| ("/values".to_owned(), t))),
        Some(_) => {}
        // `{"type": {...}}` or `{"type": [...]}`: a type inside a type.
        None => out.extend(o.get("type").map(|t| ("/type".to_owned(), t))),
    }
    out
}

struct Walk {
    docs: Vec<Value>,
    definitions: HashMap<String, Definition>,
    written: HashSet<String>,
}

impl Walk {
    /// The definition of `full`, written out: its short name and an explicit namespace.
    fn written_out(&self, full: &str) -> Option<Value> {
        let d = self.definitions.get(full)?;
        let mut out = self.docs[d.doc].pointer(&d.pointer)?.clone();
        if let Value::Object(o) = &mut out {
            o.insert("namespace".into(), Value::String(d.namespace.clone()));
            if let Some(Value::String(name)) = o.get_mut("name")
                && let Some((_, short)) = name.rsplit_once('.')
            {
                *name = short.to_owned();
            }
        }
        Some(out)
    }

    /// The type at `node`, under the enclosing namespace `ns`.
    fn type_at(&mut self, node: &mut Value, ns: &str) {
        match node {
            Value::String(name) if !PRIMITIVES.contains(&name.as_str()) => {
                let full = if name.contains('.') || ns.is_empty() {
                    name.clone()
                } else {
                    format!("{ns}.{name}")
                };
                let full = if self.definitions.contains_key(&full) || self.written.contains(&full) {
                    full
                } else {
                    // A name in no namespace, used inside one.
                    name.clone()
                };
                if self.written.contains(&full) {
                    return;
                }
                if let Some(definition) = self.written_out(&full) {
                    *node = definition;
                    self.type_at(node, ns);
                }
            }
            Value::Array(branches) => branches.iter_mut().for_each(|b| self.type_at(b, ns)),
            Value::Object(o) => {
                let kind = o.get("type").and_then(Value::as_str).map(str::to_owned);
                let mut inner = ns.to_owned();
                if is_named(kind.as_deref())
                    && let Some((full, space)) = full_name(o, ns)
                {
                    if !self.written.insert(full.clone()) {
                        // Defined already, earlier in the output: the name is enough.
                        *node = Value::String(full);
                        return;
                    }
                    inner = space;
                }
                match kind.as_deref() {
                    Some("record" | "error") => {
                        let fields = o.get_mut("fields").and_then(Value::as_array_mut);
                        for f in fields.into_iter().flatten() {
                            if let Some(t) = f.get_mut("type") {
                                self.type_at(t, &inner);
                            }
                        }
                    }
                    Some("array") => {
                        if let Some(items) = o.get_mut("items") {
                            self.type_at(items, &inner);
                        }
                    }
                    Some("map") => {
                        if let Some(values) = o.get_mut("values") {
                            self.type_at(values, &inner);
                        }
                    }
                    Some(_) => {}
                    None => {
                        if let Some(t) = o.get_mut("type") {
                            self.type_at(t, &inner);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SchemaReference;

    fn reference(name: &str, text: &str) -> ResolvedReference {
        ResolvedReference {
            reference: SchemaReference {
                name: name.into(),
                subject: name.into(),
                version: 1,
            },
            schema: text.into(),
        }
    }

    #[test]
    fn references_are_written_out_where_first_used() {
        let sub = r#"{"type":"record","name":"Subrecord","namespace":"otherns","fields":[{"name":"field2","type":"string"}]}"#;
        let text = r#"{"type":"record","name":"MyRecord","namespace":"ns","fields":[{"name":"a","type":"otherns.Subrecord"},{"name":"b","type":["null","otherns.Subrecord"]}]}"#;
        let out = resolved(text, &[reference("otherns.Subrecord", sub)]).unwrap();
        assert_eq!(
            out,
            r#"{"type":"record","name":"MyRecord","namespace":"ns","fields":[{"name":"a","type":{"type":"record","name":"Subrecord","namespace":"otherns","fields":[{"name":"field2","type":"string"}]}},{"name":"b","type":["null","otherns.Subrecord"]}]}"#
        );
        // Without references, the text as it is.
        assert_eq!(resolved(sub, &[]).unwrap(), sub);
    }

    #[test]
    fn nested_and_relative_names_resolve_once() {
        // The reference defines Outer with Inner nested in it, both in namespace `r`.
        let outer = r#"{"type":"record","name":"Outer","namespace":"r","fields":[{"name":"i","type":{"type":"enum","name":"Inner","symbols":["A"]}}]}"#;
        // Used by its relative name inside namespace `r`, then Outer, which holds Inner again.
        let text = r#"{"type":"record","name":"Top","namespace":"r","fields":[{"name":"x","type":"Inner"},{"name":"y","type":"Outer"}]}"#;
        let out: Value =
            serde_json::from_str(&resolved(text, &[reference("r.Outer", outer)]).unwrap()).unwrap();
        assert_eq!(out["fields"][0]["type"]["type"], "enum");
        assert_eq!(out["fields"][0]["type"]["namespace"], "r");
        let inner_again = &out["fields"][1]["type"]["fields"][0]["type"];
        assert_eq!(inner_again, "r.Inner", "defined once, then named: {out}");
    }
}
