//! The Avro schema model: a schema document as a tree of [`Node`]s plus a table of the named
//! types (records, enums, fixed) it defines or imports through references. Built by
//! [`super::parser`].
//!
//! It is our own model rather than `apache_avro::Schema` because canonical forms and
//! compatibility need the document's exact shape (where a named type is defined, which
//! attributes were written) and JSON-pointer locations for every error.

use std::collections::HashMap;

use serde_json::{Map, Value};

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
    /// A schema of `root` over the named types `named` (as the parser builds them).
    pub(crate) fn new(root: Node, named: Vec<NamedType>) -> Self {
        let by_name = named
            .iter()
            .enumerate()
            .map(|(id, t)| (t.fullname.clone(), id))
            .collect();
        Self {
            root,
            named,
            by_name,
        }
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
}

/// A node with its named type looked up.
#[derive(Debug, Clone, Copy)]
pub enum Resolved<'a> {
    Named(NamedId, &'a NamedType),
    Anonymous(&'a Node),
}
