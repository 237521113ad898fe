//! The Avro schema model: a schema document parsed into a tree of [`Node`]s plus a table of the
//! named types (records, enums, fixed) it defines or imports through references.
//!
//! The parser follows the Avro specification: names and namespaces resolve to full names, a name
//! may be used only after it is defined, unions may not nest or repeat a type. It is our own model
//! rather than `apache_avro::Schema` because canonical forms and compatibility need the document's
//! exact shape (where a named type is defined, which attributes were written) and JSON-pointer
//! locations for every error. Parsing never touches the network or the file system: referenced
//! schemas are supplied by the caller.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::error::SchemaError;

/// The eight Avro primitive types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Primitive {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
}

impl Primitive {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "null" => Self::Null,
            "boolean" => Self::Boolean,
            "int" => Self::Int,
            "long" => Self::Long,
            "float" => Self::Float,
            "double" => Self::Double,
            "bytes" => Self::Bytes,
            "string" => Self::String,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Boolean => "boolean",
            Self::Int => "int",
            Self::Long => "long",
            Self::Float => "float",
            Self::Double => "double",
            Self::Bytes => "bytes",
            Self::String => "string",
        }
    }
}

/// Attributes of a schema node that the model does not interpret (`logicalType`, `precision`,
/// custom properties such as `connect.name`). Kept in document order.
pub type Props = Map<String, Value>;

/// Index of a named type in [`AvroSchema::named`].
pub type NamedId = usize;

/// One node of the schema tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Primitive {
        kind: Primitive,
        props: Props,
    },
    Array {
        items: Box<Node>,
        props: Props,
    },
    Map {
        values: Box<Node>,
        props: Props,
    },
    Union(Vec<Node>),
    /// A named type: `definition` is true where the document defines it, false where it only
    /// names a type defined earlier (or in a referenced schema).
    Named {
        id: NamedId,
        definition: bool,
    },
}

/// A record, enum or fixed type.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedType {
    pub fullname: String,
    /// The name as written in the `name` attribute.
    pub written_name: String,
    /// The `namespace` attribute as written, if any.
    pub written_namespace: Option<String>,
    /// Aliases resolved to full names.
    pub aliases: Vec<String>,
    pub doc: Option<String>,
    pub kind: NamedKind,
    pub props: Props,
}

impl NamedType {
    /// The unqualified name (the last component of the full name).
    pub fn short_name(&self) -> &str {
        self.fullname.rsplit('.').next().unwrap_or(&self.fullname)
    }

    pub fn namespace(&self) -> Option<&str> {
        self.fullname.rsplit_once('.').map(|(ns, _)| ns)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum NamedKind {
    Record {
        fields: Vec<Field>,
        is_error: bool,
    },
    Enum {
        symbols: Vec<String>,
        default: Option<String>,
    },
    Fixed {
        size: u64,
    },
}

impl NamedKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Record {
                is_error: false, ..
            } => "record",
            Self::Record { is_error: true, .. } => "error",
            Self::Enum { .. } => "enum",
            Self::Fixed { .. } => "fixed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub aliases: Vec<String>,
    pub doc: Option<String>,
    pub ty: Node,
    pub default: Option<Value>,
    pub order: Option<String>,
    pub props: Props,
}

/// Options that relax the parser, as some registries allow.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    /// Check names against `[A-Za-z_][A-Za-z0-9_]*`.
    pub validate_names: bool,
    /// Check enum symbols against the same rule.
    pub validate_enum_symbols: bool,
    /// Check field defaults against the field type.
    pub validate_defaults: bool,
    /// Accept records without a `name` (only schemas built in code have them; the conformance
    /// data has a few). They get a generated name that cannot collide with a real one.
    pub allow_anonymous_records: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            validate_names: true,
            validate_enum_symbols: true,
            validate_defaults: true,
            allow_anonymous_records: false,
        }
    }
}

/// A parsed Avro schema document.
#[derive(Debug, Clone, PartialEq)]
pub struct AvroSchema {
    pub root: Node,
    pub named: Vec<NamedType>,
    by_name: HashMap<String, NamedId>,
}

impl AvroSchema {
    /// Parses `text`, after the referenced schemas `references` (each a schema text, in the order
    /// their names must be defined: dependencies first).
    pub fn parse(
        text: &str,
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
                .node(&json, None, &mut Path::root())
                .map_err(|e| e.within(&format!("reference {i}")))?;
        }
        // Types defined by references are imported: the root document only names them.
        let json = parse_json(text)?;
        let root = parser.node(&json, None, &mut Path::root())?;
        let schema = Self {
            root,
            named: parser.named,
            by_name: parser.by_name,
        };
        if options.validate_defaults {
            schema.check_defaults(&schema.root, &mut Path::root())?;
        }
        Ok(schema)
    }

    pub fn named_type(&self, id: NamedId) -> &NamedType {
        &self.named[id]
    }

    pub fn lookup(&self, fullname: &str) -> Option<NamedId> {
        self.by_name.get(fullname).copied()
    }

    /// A record that has no finite value because it contains itself through required fields
    /// only (`{"type":"record","name":"A","fields":[{"name":"a","type":"A"}]}`): binary data
    /// for it would be decoded by recursing forever. Found by a fixed point over the named
    /// types: a type is inhabited when it is not a record, or when all its fields are; an array,
    /// a map and a union with an inhabited branch always are.
    pub fn uninhabited_record(&self) -> Option<&str> {
        let mut inhabited: Vec<bool> = self
            .named
            .iter()
            .map(|t| !matches!(t.kind, NamedKind::Record { .. }))
            .collect();
        loop {
            let mut changed = false;
            for (id, t) in self.named.iter().enumerate() {
                if let NamedKind::Record { fields, .. } = &t.kind
                    && !inhabited[id]
                    && fields
                        .iter()
                        .all(|f| Self::node_inhabited(&f.ty, &inhabited))
                {
                    inhabited[id] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        inhabited
            .iter()
            .position(|ok| !ok)
            .map(|id| self.named[id].fullname.as_str())
    }

    fn node_inhabited(node: &Node, inhabited: &[bool]) -> bool {
        match node {
            Node::Primitive { .. } | Node::Array { .. } | Node::Map { .. } => true,
            Node::Union(branches) => branches.iter().any(|b| Self::node_inhabited(b, inhabited)),
            Node::Named { id, .. } => inhabited[*id],
        }
    }

    /// Follows a union-free node to its definition when it is a named type.
    pub fn resolve<'a>(&'a self, node: &'a Node) -> Resolved<'a> {
        match node {
            Node::Named { id, .. } => Resolved::Named(*id, &self.named[*id]),
            other => Resolved::Anonymous(other),
        }
    }

    fn check_defaults(&self, node: &Node, path: &mut Path) -> Result<(), SchemaError> {
        match node {
            Node::Primitive { .. }
            | Node::Named {
                definition: false, ..
            } => Ok(()),
            Node::Array { items, .. } => path.with("items", |p| self.check_defaults(items, p)),
            Node::Map { values, .. } => path.with("values", |p| self.check_defaults(values, p)),
            Node::Union(branches) => branches
                .iter()
                .enumerate()
                .try_for_each(|(i, b)| path.with(&i.to_string(), |p| self.check_defaults(b, p))),
            Node::Named {
                id,
                definition: true,
            } => match &self.named[*id].kind {
                NamedKind::Record { fields, .. } => {
                    fields.iter().enumerate().try_for_each(|(i, field)| {
                        path.with("fields", |p| {
                            p.with(&i.to_string(), |p| self.check_field_default(field, p))
                        })
                    })
                }
                _ => Ok(()),
            },
        }
    }

    fn check_field_default(&self, field: &Field, path: &mut Path) -> Result<(), SchemaError> {
        if let Some(default) = &field.default {
            // The specification: a union's default matches its first branch. Java and the other
            // registries accept any branch, and so do we, so that schemas they accept load here.
            let ok = match &field.ty {
                Node::Union(branches) => branches
                    .iter()
                    .any(|b| crate::avro::datum::default_matches(self, b, default)),
                other => crate::avro::datum::default_matches(self, other, default),
            };
            if !ok {
                return Err(SchemaError::new(
                    format!(
                        "invalid default for field \"{}\": {} does not match its type",
                        field.name, default
                    ),
                    &path.child("default"),
                ));
            }
        }
        path.with("type", |p| self.check_defaults(&field.ty, p))
    }
}

/// A node with its named type looked up.
#[derive(Debug, Clone, Copy)]
pub enum Resolved<'a> {
    Named(NamedId, &'a NamedType),
    Anonymous(&'a Node),
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

/// A JSON pointer being built while walking a document.
#[derive(Debug, Default)]
pub(crate) struct Path(Vec<String>);

impl Path {
    pub(crate) fn root() -> Self {
        Self(Vec::new())
    }

    pub(crate) fn with<T>(&mut self, segment: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        self.0.push(segment.to_owned());
        let out = f(self);
        self.0.pop();
        out
    }

    pub(crate) fn child(&self, segment: &str) -> String {
        format!("{self}/{}", escape_pointer(segment))
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for segment in &self.0 {
            write!(f, "/{}", escape_pointer(segment))?;
        }
        Ok(())
    }
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

struct Parser {
    named: Vec<NamedType>,
    by_name: HashMap<String, NamedId>,
    options: ParseOptions,
    anonymous: usize,
}

const NAMED_KINDS: [&str; 4] = ["record", "error", "enum", "fixed"];

impl Parser {
    fn err(path: &Path, message: impl Into<String>) -> SchemaError {
        SchemaError::new(message, &path.to_string())
    }

    fn node(
        &mut self,
        json: &Value,
        ns: Option<&str>,
        path: &mut Path,
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
        path: &Path,
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
        path: &mut Path,
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
        path: &mut Path,
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
        path: &mut Path,
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
        path: &mut Path,
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
        path: &mut Path,
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

    fn enum_body(&self, obj: &Map<String, Value>, path: &Path) -> Result<NamedKind, SchemaError> {
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

    fn fixed_body(obj: &Map<String, Value>, path: &Path) -> Result<NamedKind, SchemaError> {
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
    path: &Path,
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
