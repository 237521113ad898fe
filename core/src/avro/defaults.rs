//! Field defaults checked against their field's type, as the specification requires (a union's
//! default may match any branch, as Java and the other registries accept).

use super::datum::default_matches;
use super::model::{AvroSchema, Field, NamedKind, Node};
use crate::error::SchemaError;
use crate::pointer::Pointer;

/// Every field default in `schema` fits its type.
pub(super) fn check(schema: &AvroSchema) -> Result<(), SchemaError> {
    schema.check_defaults(&schema.root, &mut Pointer::root())
}

impl AvroSchema {
    fn check_defaults(&self, node: &Node, path: &mut Pointer) -> Result<(), SchemaError> {
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

    fn check_field_default(&self, field: &Field, path: &mut Pointer) -> Result<(), SchemaError> {
        if let Some(default) = &field.default {
            // The specification: a union's default matches its first branch. Java and the other
            // registries accept any branch, and so do we, so that schemas they accept load here.
            let ok = match &field.ty {
                Node::Union(branches) => branches.iter().any(|b| default_matches(self, b, default)),
                other => default_matches(self, other, default),
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
