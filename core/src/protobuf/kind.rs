//! The kinds of Protobuf difference, named as Confluent's `Difference.Type` names them, and
//! which of them a reader can live with (Confluent's `SchemaDiff.COMPATIBLE_CHANGES`).

/// A difference between two Protobuf schemas, named as Confluent's `Difference.Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProtobufDifference {
    PackageChanged,
    MessageAdded,
    MessageRemoved,
    MessageMoved,
    EnumAdded,
    EnumRemoved,
    EnumConstAdded,
    EnumConstChanged,
    EnumConstRemoved,
    FieldAdded,
    FieldRemoved,
    FieldNameChanged,
    FieldKindChanged,
    FieldScalarKindChanged,
    FieldNamedTypeChanged,
    FieldNumericLabelChanged,
    FieldStringOrBytesLabelChanged,
    RequiredFieldAdded,
    RequiredFieldRemoved,
    OneofAdded,
    OneofRemoved,
    OneofFieldAdded,
    OneofFieldRemoved,
    MultipleFieldsMovedToOneof,
    FieldMovedToExistingOneof,
}

impl ProtobufDifference {
    pub const ALL: [Self; 25] = [
        Self::PackageChanged,
        Self::MessageAdded,
        Self::MessageRemoved,
        Self::MessageMoved,
        Self::EnumAdded,
        Self::EnumRemoved,
        Self::EnumConstAdded,
        Self::EnumConstChanged,
        Self::EnumConstRemoved,
        Self::FieldAdded,
        Self::FieldRemoved,
        Self::FieldNameChanged,
        Self::FieldKindChanged,
        Self::FieldScalarKindChanged,
        Self::FieldNamedTypeChanged,
        Self::FieldNumericLabelChanged,
        Self::FieldStringOrBytesLabelChanged,
        Self::RequiredFieldAdded,
        Self::RequiredFieldRemoved,
        Self::OneofAdded,
        Self::OneofRemoved,
        Self::OneofFieldAdded,
        Self::OneofFieldRemoved,
        Self::MultipleFieldsMovedToOneof,
        Self::FieldMovedToExistingOneof,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PackageChanged => "PACKAGE_CHANGED",
            Self::MessageAdded => "MESSAGE_ADDED",
            Self::MessageRemoved => "MESSAGE_REMOVED",
            Self::MessageMoved => "MESSAGE_MOVED",
            Self::EnumAdded => "ENUM_ADDED",
            Self::EnumRemoved => "ENUM_REMOVED",
            Self::EnumConstAdded => "ENUM_CONST_ADDED",
            Self::EnumConstChanged => "ENUM_CONST_CHANGED",
            Self::EnumConstRemoved => "ENUM_CONST_REMOVED",
            Self::FieldAdded => "FIELD_ADDED",
            Self::FieldRemoved => "FIELD_REMOVED",
            Self::FieldNameChanged => "FIELD_NAME_CHANGED",
            Self::FieldKindChanged => "FIELD_KIND_CHANGED",
            Self::FieldScalarKindChanged => "FIELD_SCALAR_KIND_CHANGED",
            Self::FieldNamedTypeChanged => "FIELD_NAMED_TYPE_CHANGED",
            Self::FieldNumericLabelChanged => "FIELD_NUMERIC_LABEL_CHANGED",
            Self::FieldStringOrBytesLabelChanged => "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
            Self::RequiredFieldAdded => "REQUIRED_FIELD_ADDED",
            Self::RequiredFieldRemoved => "REQUIRED_FIELD_REMOVED",
            Self::OneofAdded => "ONEOF_ADDED",
            Self::OneofRemoved => "ONEOF_REMOVED",
            Self::OneofFieldAdded => "ONEOF_FIELD_ADDED",
            Self::OneofFieldRemoved => "ONEOF_FIELD_REMOVED",
            Self::MultipleFieldsMovedToOneof => "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
            Self::FieldMovedToExistingOneof => "FIELD_MOVED_TO_EXISTING_ONEOF",
        }
    }

    /// Whether a reader of the updated schema still reads the original's data with this
    /// difference (Confluent's `COMPATIBLE_CHANGES`).
    pub fn is_compatible(self) -> bool {
        matches!(
            self,
            Self::PackageChanged
                | Self::MessageAdded
                | Self::MessageMoved
                | Self::EnumAdded
                | Self::EnumRemoved
                | Self::EnumConstAdded
                | Self::EnumConstChanged
                | Self::EnumConstRemoved
                | Self::FieldAdded
                | Self::FieldRemoved
                | Self::FieldNameChanged
                | Self::FieldStringOrBytesLabelChanged
                | Self::OneofAdded
                | Self::OneofRemoved
                | Self::OneofFieldAdded
        )
    }

    /// Confluent's description of an incompatible difference at `path`, the reader's schema
    /// called `reader` and the writer's `writer`.
    pub fn describe(self, path: &str, reader: &str, writer: &str) -> String {
        let p = path;
        match self {
            Self::PackageChanged => format!(
                "The package at '{p}' in the {reader} schema does not match the package in the {writer} schema"
            ),
            Self::MessageRemoved => format!(
                "The {reader} schema is missing a MESSAGE type at path '{p}' in the {writer} schema"
            ),
            Self::FieldKindChanged => format!(
                "The type of a field at path '{p}' in the {reader} schema does not match the {writer} schema"
            ),
            Self::FieldScalarKindChanged => format!(
                "The kind of a SCALAR field at path '{p}' in the {reader} schema does not match its kind in the {writer} schema"
            ),
            Self::FieldNamedTypeChanged => format!(
                "The type of a MESSAGE field at path '{p}' in the {reader} schema does not match its type in the {writer} schema"
            ),
            Self::FieldNumericLabelChanged => format!(
                "The label for a NUMERIC field at path '{p}' in the {reader} schema does not match its label in the {writer} schema"
            ),
            Self::RequiredFieldAdded => format!(
                "A required field  at path '{p}' in the {reader} schema is missing in the {writer} schema"
            ),
            Self::RequiredFieldRemoved => format!(
                "The {reader} schema is missing a required field at path: '{p}' in the {writer} schema"
            ),
            Self::OneofFieldRemoved => format!(
                "The {reader} schema is missing a oneof field at path '{p}' in the {writer} schema"
            ),
            Self::MultipleFieldsMovedToOneof => format!(
                "Multiple fields in the oneof at path '{p}' in the {reader} schema are outside a oneof in the {writer} schema"
            ),
            Self::FieldMovedToExistingOneof => format!(
                "A field in the oneof at path '{p}' in the {reader} schema is outside an existing oneof in the {writer} schema"
            ),
            other => format!("{} at path '{p}'", other.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_the_compatible_set_is_confluents() {
        let names: std::collections::HashSet<_> =
            ProtobufDifference::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), ProtobufDifference::ALL.len());
        let compatible = ProtobufDifference::ALL
            .iter()
            .filter(|k| k.is_compatible())
            .count();
        assert_eq!(compatible, 15);
        assert!(!ProtobufDifference::FieldKindChanged.is_compatible());
    }
}
