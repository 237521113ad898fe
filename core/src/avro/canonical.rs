//! Canonical forms of an Avro schema.
//!
//! - [`parsing_canonical_form`]: the specification's Parsing Canonical Form (full names, only the
//!   attributes that matter for parsing, fixed attribute order, no white space), whose CRC-64-AVRO
//!   is the Avro fingerprint.
//! - [`normalized`]: what `normalize=true` registers: the same full names and attribute order,
//!   `{"type":"int"}` written as `"int"`, but every attribute kept (doc, aliases, defaults, order,
//!   logical types, custom properties), because they matter to readers and to people.

use digest::Digest;
use serde_json::{Map, Value};

use super::model::{AvroSchema, NamedKind, Node};

/// The Parsing Canonical Form, as a compact JSON string.
pub fn parsing_canonical_form(schema: &AvroSchema) -> String {
    let mut out = String::new();
    write_pcf(schema, &schema.root, &mut out);
    out
}

/// The 64-bit Rabin (CRC-64-AVRO) fingerprint of the Parsing Canonical Form, as Java prints it.
pub fn crc64_fingerprint(schema: &AvroSchema) -> i64 {
    let mut rabin = apache_avro::rabin::Rabin::default();
    rabin.update(parsing_canonical_form(schema).as_bytes());
    i64::from_le_bytes(rabin.finalize().into())
}

fn write_pcf(schema: &AvroSchema, node: &Node, out: &mut String) {
    match node {
        Node::Primitive { kind, .. } => push_json_string(out, kind.name()),
        Node::Array { items, .. } => {
            out.push_str(r#"{"type":"array","items":"#);
            write_pcf(schema, items, out);
            out.push('}');
        }
        Node::Map { values, .. } => {
            out.push_str(r#"{"type":"map","values":"#);
            write_pcf(schema, values, out);
            out.push('}');
        }
        Node::Union(branches) => {
            out.push('[');
            for (i, branch) in branches.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_pcf(schema, branch, out);
            }
            out.push(']');
        }
        Node::Named {
            id,
            definition: false,
        } => push_json_string(out, &schema.named[*id].fullname),
        Node::Named {
            id,
            definition: true,
        } => {
            let named = &schema.named[*id];
            out.push_str(r#"{"name":"#);
            push_json_string(out, &named.fullname);
            out.push_str(r#","type":"#);
            push_json_string(out, named.kind.type_name());
            match &named.kind {
                NamedKind::Record { fields, .. } => {
                    out.push_str(r#","fields":["#);
                    for (i, field) in fields.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(r#"{"name":"#);
                        push_json_string(out, &field.name);
                        out.push_str(r#","type":"#);
                        write_pcf(schema, &field.ty, out);
                        out.push('}');
                    }
                    out.push(']');
                }
                NamedKind::Enum { symbols, .. } => {
                    out.push_str(r#","symbols":"#);
                    out.push_str(&Value::from(symbols.clone()).to_string());
                }
                NamedKind::Fixed { size } => {
                    out.push_str(r#","size":"#);
                    out.push_str(&size.to_string());
                }
            }
            out.push('}');
        }
    }
}

fn push_json_string(out: &mut String, s: &str) {
    out.push_str(&Value::from(s).to_string());
}

/// The `normalize=true` form as a JSON value.
pub fn normalized(schema: &AvroSchema) -> Value {
    normalize_node(schema, &schema.root)
}

fn with_props(mut obj: Map<String, Value>, props: &Map<String, Value>) -> Value {
    let mut keys: Vec<&String> = props.keys().collect();
    keys.sort();
    for key in keys {
        obj.insert(key.clone(), props[key].clone());
    }
    Value::Object(obj)
}

fn normalize_node(schema: &AvroSchema, node: &Node) -> Value {
    match node {
        Node::Primitive { kind, props } if props.is_empty() => Value::from(kind.name()),
        Node::Primitive { kind, props } => {
            let mut obj = Map::new();
            obj.insert("type".into(), kind.name().into());
            with_props(obj, props)
        }
        Node::Array { items, props } => {
            let mut obj = Map::new();
            obj.insert("type".into(), "array".into());
            obj.insert("items".into(), normalize_node(schema, items));
            with_props(obj, props)
        }
        Node::Map { values, props } => {
            let mut obj = Map::new();
            obj.insert("type".into(), "map".into());
            obj.insert("values".into(), normalize_node(schema, values));
            with_props(obj, props)
        }
        Node::Union(branches) => {
            Value::Array(branches.iter().map(|b| normalize_node(schema, b)).collect())
        }
        Node::Named {
            id,
            definition: false,
        } => Value::from(schema.named[*id].fullname.as_str()),
        Node::Named {
            id,
            definition: true,
        } => normalize_named(schema, *id),
    }
}

fn normalize_named(schema: &AvroSchema, id: usize) -> Value {
    let named = &schema.named[id];
    let mut obj = Map::new();
    obj.insert("name".into(), named.fullname.as_str().into());
    obj.insert("type".into(), named.kind.type_name().into());
    match &named.kind {
        NamedKind::Record { fields, .. } => {
            let fields = fields
                .iter()
                .map(|f| {
                    let mut field = Map::new();
                    field.insert("name".into(), f.name.as_str().into());
                    field.insert("type".into(), normalize_node(schema, &f.ty));
                    if let Some(default) = &f.default {
                        field.insert("default".into(), default.clone());
                    }
                    if let Some(order) = f.order.as_deref().filter(|o| *o != "ascending") {
                        field.insert("order".into(), order.into());
                    }
                    if !f.aliases.is_empty() {
                        field.insert("aliases".into(), f.aliases.clone().into());
                    }
                    if let Some(doc) = &f.doc {
                        field.insert("doc".into(), doc.as_str().into());
                    }
                    with_props(field, &f.props)
                })
                .collect();
            obj.insert("fields".into(), Value::Array(fields));
        }
        NamedKind::Enum { symbols, default } => {
            obj.insert("symbols".into(), symbols.clone().into());
            if let Some(default) = default {
                obj.insert("default".into(), default.as_str().into());
            }
        }
        NamedKind::Fixed { size } => {
            obj.insert("size".into(), (*size).into());
        }
    }
    if !named.aliases.is_empty() {
        obj.insert("aliases".into(), named.aliases.clone().into());
    }
    if let Some(doc) = &named.doc {
        obj.insert("doc".into(), doc.as_str().into());
    }
    with_props(obj, &named.props)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::avro::model::ParseOptions;

    #[test]
    fn normalize_makes_equivalent_spellings_equal() {
        let a = r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"int"}}]}"#;
        let b = r#"{"name":"n.R","type":"record","fields":[{"type":"int","name":"a"}]}"#;
        let parse = |t| AvroSchema::parse(t, &[], ParseOptions::default()).unwrap();
        assert_eq!(normalized(&parse(a)), normalized(&parse(b)));
        let c =
            r#"{"name":"n.R","type":"record","fields":[{"type":"int","name":"a","default":1}]}"#;
        assert_ne!(normalized(&parse(a)), normalized(&parse(c)));
    }
}
