//! What a compatibility check reports: each reason a reader cannot read a writer's data, with
//! a typed kind (one enum per format, gathered here so callers and tests can branch on it; on
//! the wire a kind is its name), a location and a readable message.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::avro::incompatibility::AvroIncompatibility;
use crate::json::compat::kind::JsonIncompatibility;
use crate::protobuf::ProtobufDifference;
use crate::types::SchemaType;

/// One reason a reader cannot read a writer's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incompatibility {
    /// The kind, e.g. `READER_FIELD_MISSING_DEFAULT_VALUE` (Avro) or `type_changed` (JSON).
    pub kind: IncompatibilityKind,
    /// JSON pointer into the reader schema.
    pub location: String,
    pub message: String,
}

impl Incompatibility {
    /// The reader is of another schema type than the writer.
    pub fn type_changed(writer: SchemaType, reader: SchemaType) -> Self {
        Self {
            kind: IncompatibilityKind::SchemaTypeChanged,
            location: "/".into(),
            message: format!("schema type changed from {writer} to {reader}"),
        }
    }
}

/// What kind of change makes a schema incompatible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncompatibilityKind {
    /// The new schema is of another type than the old one.
    SchemaTypeChanged,
    /// A field the previous version's metadata reserved (`confluent:reserved`) is no longer
    /// reserved in the new version's.
    ReservedFieldRemoved,
    /// The new schema has a top-level field its metadata reserves.
    FieldConflictsWithReservedField,
    Avro(AvroIncompatibility),
    Json(JsonIncompatibility),
    Protobuf(ProtobufDifference),
}

impl IncompatibilityKind {
    /// The name of the kind (`READER_FIELD_MISSING_DEFAULT_VALUE`, `type_changed`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SchemaTypeChanged => "SCHEMA_TYPE_CHANGED",
            Self::ReservedFieldRemoved => "RESERVED_FIELD_REMOVED",
            Self::FieldConflictsWithReservedField => "FIELD_CONFLICTS_WITH_RESERVED_FIELD",
            Self::Avro(k) => k.as_str(),
            Self::Json(k) => k.as_str(),
            Self::Protobuf(k) => k.as_str(),
        }
    }

    /// The kind called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        let own = [
            Self::SchemaTypeChanged,
            Self::ReservedFieldRemoved,
            Self::FieldConflictsWithReservedField,
        ];
        if let Some(kind) = own.into_iter().find(|k| k.as_str() == name) {
            return Some(kind);
        }
        AvroIncompatibility::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .map(Self::Avro)
            .or_else(|| {
                JsonIncompatibility::ALL
                    .into_iter()
                    .find(|k| k.as_str() == name)
                    .map(Self::Json)
            })
            .or_else(|| {
                ProtobufDifference::ALL
                    .into_iter()
                    .find(|k| k.as_str() == name)
                    .map(Self::Protobuf)
            })
    }
}

impl fmt::Display for IncompatibilityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for IncompatibilityKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for IncompatibilityKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Self::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown incompatibility {name}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_by_name() {
        let all = [
            IncompatibilityKind::SchemaTypeChanged,
            IncompatibilityKind::ReservedFieldRemoved,
            IncompatibilityKind::FieldConflictsWithReservedField,
        ]
        .into_iter()
        .chain(AvroIncompatibility::ALL.map(IncompatibilityKind::Avro))
        .chain(JsonIncompatibility::ALL.map(IncompatibilityKind::Json))
        .chain(ProtobufDifference::ALL.map(IncompatibilityKind::Protobuf));
        for kind in all {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(
                serde_json::from_str::<IncompatibilityKind>(&json).unwrap(),
                kind
            );
        }
        assert!(IncompatibilityKind::from_name("nope").is_none());
    }
}
