//! The registered formats: the one place that maps a [`SchemaType`] to its format. Adding a
//! format is a module implementing [`SchemaFormat`], a [`SchemaType`] variant and a line here
//! (the compiler points at both).

use crate::format::SchemaFormat;
use crate::types::SchemaType;

/// The format of `schema_type`: the registration point of every format.
pub fn format_of(schema_type: SchemaType) -> &'static dyn SchemaFormat {
    match schema_type {
        SchemaType::Avro => &crate::avro::AvroFormat,
        SchemaType::Json => &crate::json::JsonFormat,
        SchemaType::Protobuf => &crate::protobuf::ProtobufFormat,
    }
}
