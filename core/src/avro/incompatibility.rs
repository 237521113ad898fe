//! The kinds of Avro incompatibility, named as Java's `SchemaIncompatibilityType` names them.

/// Why an Avro reader cannot read a writer's data, named as Java's `SchemaIncompatibilityType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AvroIncompatibility {
    TypeMismatch,
    MissingUnionBranch,
    FixedSizeMismatch,
    MissingEnumSymbols,
    NameMismatch,
    ReaderFieldMissingDefaultValue,
}

impl AvroIncompatibility {
    pub const ALL: [Self; 6] = [
        Self::TypeMismatch,
        Self::MissingUnionBranch,
        Self::FixedSizeMismatch,
        Self::MissingEnumSymbols,
        Self::NameMismatch,
        Self::ReaderFieldMissingDefaultValue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TypeMismatch => "TYPE_MISMATCH",
            Self::MissingUnionBranch => "MISSING_UNION_BRANCH",
            Self::FixedSizeMismatch => "FIXED_SIZE_MISMATCH",
            Self::MissingEnumSymbols => "MISSING_ENUM_SYMBOLS",
            Self::NameMismatch => "NAME_MISMATCH",
            Self::ReaderFieldMissingDefaultValue => "READER_FIELD_MISSING_DEFAULT_VALUE",
        }
    }
}
