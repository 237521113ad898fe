//! The types a Protobuf comparison can name: every message and enum of a file and of the files
//! it imports, by full name, with the package, syntax and origin (which reference, if any) of
//! the file that defines it.

use std::collections::HashMap;

use prost_types::field_descriptor_proto::Type;
use prost_types::{DescriptorProto, FieldDescriptorProto};

use crate::protobuf::{FileOrigin, SourceFile};

/// Where a type was defined: Confluent compares a named type again unless both sides got it from
/// the same place (the schema itself, or the same subject and version).
#[derive(Debug, Clone, Copy)]
pub(super) enum Origin<'a> {
    Local,
    Reference(&'a str, i32),
    /// A built-in file: no reference, so Confluent always compares it.
    Builtin,
}

impl Origin<'_> {
    pub(super) fn same_as(self, other: Self) -> bool {
        match (self, other) {
            (Self::Local, Self::Local) => true,
            (Self::Reference(s, v), Self::Reference(t, w)) => s == t && v == w,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Def<'a> {
    Message(&'a DescriptorProto),
    Enum,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct TypeInfo<'a> {
    pub package: &'a str,
    pub proto3: bool,
    pub origin: Origin<'a>,
    pub def: Def<'a>,
}

impl TypeInfo<'_> {
    pub(super) fn is_enum(&self) -> bool {
        matches!(self.def, Def::Enum)
    }
}

/// Every named type of one side of a comparison.
#[derive(Debug, Default)]
pub(super) struct Types<'a> {
    by_name: HashMap<String, TypeInfo<'a>>,
}

impl<'a> Types<'a> {
    pub(super) fn collect(files: &'a [SourceFile]) -> Self {
        let mut types = Self::default();
        for file in files {
            let proto = file.descriptor.file_descriptor_proto();
            let origin = match &file.origin {
                FileOrigin::Main => Origin::Local,
                FileOrigin::Reference(r) => Origin::Reference(&r.subject, r.version),
                FileOrigin::Builtin => Origin::Builtin,
            };
            let package = proto.package();
            let proto3 = is_proto3(proto.syntax());
            let mut add = |name: String, def| {
                types.by_name.insert(
                    name,
                    TypeInfo {
                        package,
                        proto3,
                        origin,
                        def,
                    },
                );
            };
            for m in &proto.message_type {
                collect_message(&join(package, m.name()), m, &mut add);
            }
            for e in &proto.enum_type {
                add(join(package, e.name()), Def::Enum);
            }
        }
        types
    }

    /// The type called `name` (fully qualified, with or without the leading dot).
    pub(super) fn get(&self, name: &str) -> Option<&TypeInfo<'a>> {
        self.by_name.get(name.strip_prefix('.').unwrap_or(name))
    }

    /// The key and value fields of `name` when it is a map entry.
    pub(super) fn map_entry(
        &self,
        name: &str,
    ) -> Option<(&'a FieldDescriptorProto, &'a FieldDescriptorProto)> {
        match self.get(name)?.def {
            Def::Message(m) if is_map_entry(m) => {
                let key = m.field.iter().find(|f| f.name() == "key")?;
                let value = m.field.iter().find(|f| f.name() == "value")?;
                Some((key, value))
            }
            _ => None,
        }
    }
}

fn collect_message<'a>(
    name: &str,
    message: &'a DescriptorProto,
    add: &mut impl FnMut(String, Def<'a>),
) {
    add(name.to_owned(), Def::Message(message));
    for nested in &message.nested_type {
        collect_message(&format!("{name}.{}", nested.name()), nested, add);
    }
    for e in &message.enum_type {
        add(format!("{name}.{}", e.name()), Def::Enum);
    }
}

fn join(package: &str, name: &str) -> String {
    if package.is_empty() {
        name.to_owned()
    } else {
        format!("{package}.{name}")
    }
}

/// Whether a file of this `syntax` leaves singular fields unlabelled (proto3 and editions do;
/// proto2 labels each field).
pub(super) fn is_proto3(syntax: &str) -> bool {
    !(syntax.is_empty() || syntax == "proto2")
}

pub(super) fn is_map_entry(message: &DescriptorProto) -> bool {
    message
        .options
        .as_ref()
        .and_then(|o| o.map_entry)
        .unwrap_or(false)
}

/// A field's type: a scalar by its `.proto` name, or a named type by its full name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FieldType<'a> {
    Scalar(&'static str),
    Named(&'a str),
}

impl<'a> FieldType<'a> {
    pub(super) fn of(field: &'a FieldDescriptorProto) -> Self {
        let scalar = match field.r#type() {
            Type::Double => "double",
            Type::Float => "float",
            Type::Int64 => "int64",
            Type::Uint64 => "uint64",
            Type::Int32 => "int32",
            Type::Fixed64 => "fixed64",
            Type::Fixed32 => "fixed32",
            Type::Bool => "bool",
            Type::String => "string",
            Type::Bytes => "bytes",
            Type::Uint32 => "uint32",
            Type::Sfixed32 => "sfixed32",
            Type::Sfixed64 => "sfixed64",
            Type::Sint32 => "sint32",
            Type::Sint64 => "sint64",
            Type::Group | Type::Message | Type::Enum => {
                let name = field.type_name();
                return Self::Named(name.strip_prefix('.').unwrap_or(name));
            }
        };
        Self::Scalar(scalar)
    }
}
