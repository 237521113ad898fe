//! The Avro parser, following the specification: names and namespaces resolve to full names, a
//! name may be used only after it is defined, unions may not nest or repeat a type. Parsing never
//! touches the network or the file system: referenced schemas are supplied by the caller.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::model::{
    AvroSchema, Field, NamedId, NamedKind, NamedType, Node, ParseOptions, Primitive, Props,
};
use crate::error::SchemaError;
use crate::pointer::Pointer;

impl AvroSchema {
    /// Parses `text`, after the referenced schemas `references` (each a schema text, in the order
    /// their names must be defined: dependencies first).
    pub fn parse(
        text: &str,
        references: &[&str],
        options: ParseOptions,
    ) -> Result<Self, SchemaError> {
        Self::from_document(&parse_json(text)?, references, options)
    }

    /// [`Self::parse`] of a document already read as JSON.
    pub fn from_document(
        json: &Value,
        references: &[&str],
        options: ParseOptions,
    ) -> Result<Self, SchemaError> {
        let mut parser = Parser {
            named: Vec::new(),
            by_name: HashMap::new(),
            options,
            anonymous: 0,
        };
        for (i, reference) in references.iter().enumerate() {
            let json = parse_json(reference).map_err(|e| e.within(&format!("reference {i}")))?;
            parser
                .node(&json, None, &mut Pointer::root())
                .map_err(|e| e.within(&format!("reference {i}")))?;
        }
        // Types defined by references are imported: the root document only names them.
        let root = parser.node(json, None, &mut Pointer::root())?;
        let schema = Self::new(root, parser.named);
        if options.validate_defaults {
            super::defaults::check(&schema)?;
        }
        Ok(schema)
    }
}

fn parse_json(text: &str) -> Result<Value, SchemaError> {
    serde_json::from_str(text).map_err(|e| {
        SchemaError::new(
            format!(
                "invalid JSON at line {} column {}: {e}",
                e.line(),
                e.column()
            ),
            "",
        )
    })
}

struct Parser {
    named: Vec<NamedType>,
    by_name: HashMap<String, NamedId>,
    options: ParseOptions,
    anonymous: usize,
}

const NAMED_KINDS: [&str; 4] = ["record", "error", "enum", "fixed"];

impl Parser {
    fn err(path: &Pointer, message: impl Into<String>) -> SchemaError {
        SchemaError::new(message, &path.to_string())
    }

    fn node(
        &mut self,
        json: &Value,
        ns: Option<&str>,
        path: &mut Pointer,
    ) -> Result<Node, SchemaError> {
        match json {
            Value::String(name) => self.named_or_primitive(name, ns, Props::new(), path),
            Value::Array(branches) => self.union(branches, ns, path),
            Value::Object(obj) => self.object(obj, ns, path),
            other => Err(Self::err(
                path,
                format!("a schema must be a string, an object or an array, not {other}"),
            )),
        }
    }

    fn named_or_primitive(
        &mut self,
        name: &str,
        ns: Option<&str>,
        props: Props,
        path: &Pointer,
    ) -> Result<Node, SchemaError> {
        if let Some(kind) = Primitive::from_name(name) {
            return Ok(Node::Primitive { kind, props });
        }
        // Java and the specification look the name up in the enclosing namespace first, then as
        // written (a name in the null namespace).
        let candidates = [fullname(name, ns), name.to_owned()];
        for candidate in &candidates {
            if let Some(&id) = self.by_name.get(candidate) {
                return Ok(Node::Named {
                    id,
                    definition: false,
                });
            }
        }
        Err(Self::err(
            path,
            format!(
                "unknown type \"{name}\": not a primitive type nor a named type defined before"
            ),
        ))
    }

    fn union(
        &mut self,
        branches: &[Value],
        ns: Option<&str>,
        path: &mut Pointer,
    ) -> Result<Node, SchemaError> {
        let mut nodes = Vec::with_capacity(branches.len());
        let mut seen: Vec<String> = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let node = path.with(&i.to_string(), |p| self.node(branch, ns, p))?;
            let key = match &node {
                Node::Union(_) => {
                    return Err(Self::err(
                        path,
                        "a union may not contain another union directly",
                    ));
                }
                Node::Primitive { kind, .. } => kind.name().to_owned(),
                Node::Array { .. } => "array".to_owned(),
                Node::Map { .. } => "map".to_owned(),
                Node::Named { id, .. } => self.named[*id].fullname.clone(),
            };
            if seen.contains(&key) {
                return Err(Self::err(
                    path,
                    format!("duplicate type \"{key}\" in union"),
                ));
            }
            seen.push(key);
            nodes.push(node);
        }
        Ok(Node::Union(nodes))
    }

    fn object(
        &mut self,
        obj: &Map<String, Value>,
        ns: Option<&str>,
        path: &mut Pointer,
    ) -> Result<Node, SchemaError> {
        let Some(ty) = obj.get("type") else {
            return Err(Self::err(path, "missing \"type\""));
        };
        let type_name = match ty {
            Value::String(s) => s.as_str(),
            // `{"type": {...}}` and `{"type": [...]}` wrap a schema; Java accepts them.
            Value::Object(_) | Value::Array(_) => {
                return path.with("type", |p| self.node(ty, ns, p));
            }
            other => {
                return Err(Self::err(
                    path,
                    format!("\"type\" must be a string, not {other}"),
                ));
            }
        };
        if NAMED_KINDS.contains(&type_name) {
            return self.named_definition(obj, type_name, ns, path);
        }
        let props = extra_props(obj, &["type", "items", "values"]);
        match type_name {
            "array" => {
                let items = obj
                    .get("items")
                    .ok_or_else(|| Self::err(path, "array without \"items\""))?;
                let items = path.with("items", |p| self.node(items, ns, p))?;
                Ok(Node::Array {
                    items: Box::new(items),
                    props,
                })
            }
            "map" => {
                let values = obj
                    .get("values")
                    .ok_or_else(|| Self::err(path, "map without \"values\""))?;
                let values = path.with("values", |p| self.node(values, ns, p))?;
                Ok(Node::Map {
                    values: Box::new(values),
                    props,
                })
            }
            name => path.with("type", |p| self.named_or_primitive(name, ns, props, p)),
        }
    }

    fn named_definition(
        &mut self,
        obj: &Map<String, Value>,
        kind: &str,
        ns: Option<&str>,
        path: &mut Pointer,
    ) -> Result<Node, SchemaError> {
        let written_namespace = match obj.get("namespace") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(Self::err(path, "\"namespace\" must be a string")),
        };
        let generated = obj.get("name").is_none();
        let written_name = match obj.get("name") {
            Some(Value::String(s)) => s.clone(),
            None if self.options.allow_anonymous_records && kind != "fixed" && kind != "enum" => {
                self.anonymous += 1;
                format!("$anonymous{}", self.anonymous)
            }
            None => return Err(Self::err(path, format!("{kind} without a \"name\""))),
            Some(_) => return Err(Self::err(path, "\"name\" must be a string")),
        };
        // A dotted name carries its own namespace; otherwise the written or enclosing one.
        let own_ns = if written_name.contains('.') {
            written_name.rsplit_once('.').map(|(n, _)| n.to_owned())
        } else {
            written_namespace.clone().or_else(|| ns.map(str::to_owned))
        }
        .filter(|n| !n.is_empty());
        let full = fullname(&written_name, own_ns.as_deref());
        // Generated names (`$anonymous…`) are the only ones exempt from the rule.
        if self.options.validate_names && !generated {
            for part in full.split('.') {
                if !valid_name(part) {
                    return Err(Self::err(
                        path,
                        format!("invalid name \"{full}\": \"{part}\" is not a valid Avro name"),
                    ));
                }
            }
        }
        if Primitive::from_name(&full).is_some() {
            return Err(Self::err(
                path,
                format!("\"{full}\" is a primitive type and cannot be redefined"),
            ));
        }
        if self.by_name.contains_key(&full) {
            return Err(Self::err(
                path,
                format!("the type \"{full}\" is defined twice"),
            ));
        }
        let aliases = string_list(obj, "aliases", path)?
            .into_iter()
            .map(|a| fullname(&a, own_ns.as_deref()))
            .collect();
        let doc = obj.get("doc").and_then(Value::as_str).map(str::to_owned);
        let id = self.named.len();
        // Registered before the body is parsed, so a record may refer to itself.
        self.named.push(NamedType {
            fullname: full.clone(),
            written_name,
            written_namespace,
            aliases,
            doc,
            kind: NamedKind::Fixed { size: 0 },
            props: extra_props(
                obj,
                &[
                    "type",
                    "name",
                    "namespace",
                    "aliases",
                    "doc",
                    "fields",
                    "symbols",
                    "size",
                    "default",
                ],
            ),
        });
        self.by_name.insert(full, id);
        let body = match kind {
            "record" | "error" => {
                self.record_body(obj, kind == "error", own_ns.as_deref(), path)?
            }
            "enum" => self.enum_body(obj, path)?,
            _ => Self::fixed_body(obj, path)?,
        };
        self.named[id].kind = body;
        Ok(Node::Named {
            id,
            definition: true,
        })
    }

    fn record_body(
        &mut self,
        obj: &Map<String, Value>,
        is_error: bool,
        ns: Option<&str>,
        path: &mut Pointer,
    ) -> Result<NamedKind, SchemaError> {
        let Some(Value::Array(list)) = obj.get("fields") else {
            return Err(Self::err(path, "a record needs a \"fields\" array"));
        };
        let mut fields: Vec<Field> = Vec::with_capacity(list.len());
        for (i, field) in list.iter().enumerate() {
            let field = path.with("fields", |p| {
                p.with(&i.to_string(), |p| self.field(field, ns, p))
            })?;
            if fields.iter().any(|f| f.name == field.name) {
                return Err(Self::err(
                    path,
                    format!("duplicate field \"{}\"", field.name),
                ));
            }
            fields.push(field);
        }
        Ok(NamedKind::Record { fields, is_error })
    }

    fn field(
        &mut self,
        json: &Value,
        ns: Option<&str>,
        path: &mut Pointer,
    ) -> Result<Field, SchemaError> {
        let Value::Object(obj) = json else {
            return Err(Self::err(path, "a field must be an object"));
        };
        let name = match obj.get("name") {
            Some(Value::String(s)) => s.clone(),
            _ => return Err(Self::err(path, "a field needs a string \"name\"")),
        };
        if self.options.validate_names && !valid_name(&name) {
            return Err(Self::err(path, format!("invalid field name \"{name}\"")));
        }
        let ty = obj
            .get("type")
            .ok_or_else(|| Self::err(path, format!("field \"{name}\" has no \"type\"")))?;
        let ty = path.with("type", |p| self.node(ty, ns, p))?;
        let order = match obj.get("order") {
            None => None,
            Some(Value::String(o))
                if ["ascending", "descending", "ignore"].contains(&o.as_str()) =>
            {
                Some(o.clone())
            }
            Some(other) => return Err(Self::err(path, format!("invalid field order {other}"))),
        };
        Ok(Field {
            aliases: string_list(obj, "aliases", path)?,
            doc: obj.get("doc").and_then(Value::as_str).map(str::to_owned),
            default: obj.get("default").cloned(),
            props: extra_props(obj, &["name", "type", "aliases", "doc", "default", "order"]),
            name,
            ty,
            order,
        })
    }

    fn enum_body(
        &self,
        obj: &Map<String, Value>,
        path: &Pointer,
    ) -> Result<NamedKind, SchemaError> {
        let Some(Value::Array(list)) = obj.get("symbols") else {
            return Err(Self::err(path, "an enum needs a \"symbols\" array"));
        };
        let mut symbols: Vec<String> = Vec::with_capacity(list.len());
        for symbol in list {
            let Value::String(s) = symbol else {
                return Err(Self::err(
                    path,
                    format!("enum symbol {symbol} is not a string"),
                ));
            };
            if self.options.validate_enum_symbols && !valid_name(s) {
                return Err(Self::err(path, format!("invalid enum symbol \"{s}\"")));
            }
            if symbols.contains(s) {
                return Err(Self::err(path, format!("duplicate enum symbol \"{s}\"")));
            }
            symbols.push(s.clone());
        }
        let default = match obj.get("default") {
            None => None,
            Some(Value::String(d))
                if symbols.contains(d) || !self.options.validate_enum_symbols =>
            {
                Some(d.clone())
            }
            Some(other) => {
                return Err(Self::err(
                    path,
                    format!("enum default {other} is not one of the symbols"),
                ));
            }
        };
        Ok(NamedKind::Enum { symbols, default })
    }

    fn fixed_body(obj: &Map<String, Value>, path: &Pointer) -> Result<NamedKind, SchemaError> {
        match obj.get("size").and_then(Value::as_u64) {
            Some(size) => Ok(NamedKind::Fixed { size }),
            None => Err(Self::err(
                path,
                "a fixed type needs a non-negative integer \"size\"",
            )),
        }
    }
}

fn fullname(name: &str, ns: Option<&str>) -> String {
    match ns {
        Some(ns) if !name.contains('.') && !ns.is_empty() => format!("{ns}.{name}"),
        _ => name.to_owned(),
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn string_list(
    obj: &Map<String, Value>,
    key: &str,
    path: &Pointer,
) -> Result<Vec<String>, SchemaError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_owned).ok_or_else(|| {
                    Parser::err(path, format!("\"{key}\" must be a list of strings"))
                })
            })
            .collect(),
        Some(_) => Err(Parser::err(
            path,
            format!("\"{key}\" must be a list of strings"),
        )),
    }
}

fn extra_props(obj: &Map<String, Value>, known: &[&str]) -> Props {
    obj.iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::avro::model::ParseOptions;

    fn parse(text: &str) -> Result<AvroSchema, SchemaError> {
        AvroSchema::parse(text, &[], ParseOptions::default())
    }

    #[test]
    fn errors_say_where() {
        let err = parse(r#"{"type":"record","name":"R","fields":[{"name":"a","type":"nope"}]}"#)
            .unwrap_err();
        assert_eq!(err.path, "/fields/0/type");
        assert!(err.message.contains("nope"), "{err}");
        let err = parse(
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}"#,
        )
        .unwrap_err();
        assert_eq!(err.path, "/fields/0/default");
    }

    #[test]
    fn recursive_and_namespaced_names_resolve() {
        let s = parse(r#"{"type":"record","name":"n.List","fields":[{"name":"next","type":["null","List"]}]}"#)
            .unwrap();
        assert_eq!(s.named[0].fullname, "n.List");
        assert!(parse(r#"["int","int"]"#).is_err());
        assert!(parse(r#"[["int"]]"#).is_err());
    }

    #[test]
    fn references_define_names_for_the_document() {
        let reference =
            r#"{"type":"record","name":"a.Address","fields":[{"name":"city","type":"string"}]}"#;
        let doc =
            r#"{"type":"record","name":"a.Person","fields":[{"name":"home","type":"Address"}]}"#;
        let s = AvroSchema::parse(doc, &[reference], ParseOptions::default()).unwrap();
        assert!(s.lookup("a.Address").is_some());
        assert!(parse(doc).is_err());
    }
}
