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
        #[cfg(feature = "protobuf")]
        SchemaType::Protobuf => &crate::protobuf::ProtobufFormat,
        #[cfg(not(feature = "protobuf"))]
        SchemaType::Protobuf => &absent::Absent(SchemaType::Protobuf),
    }
}

/// A format left out of this build (the npm package's slim build has no Protobuf): every text
/// is refused with a message saying so.
#[cfg(not(feature = "protobuf"))]
mod absent {
    use crate::error::SchemaError;
    use crate::format::{ParsedText, SchemaFormat};
    use crate::limits::{LimitError, TextLimits};
    use crate::terms::TermSink;
    use crate::types::{ParseOptions, ResolvedReference, SchemaType};

    pub struct Absent(pub SchemaType);

    impl SchemaFormat for Absent {
        fn schema_type(&self) -> SchemaType {
            self.0
        }

        fn check_limits(&self, _: &str, _: &TextLimits) -> Result<(), LimitError> {
            Ok(())
        }

        fn parse(
            &self,
            _: &str,
            _: &[ResolvedReference],
            _: ParseOptions,
        ) -> Result<ParsedText, SchemaError> {
            Err(SchemaError::new(
                format!(
                    "{} schemas are not in this build (the npm package's full entry point has them)",
                    self.0
                ),
                "",
            ))
        }

        fn search_terms(&self, _: &str, _: &mut TermSink) {}
    }
}
