//! The Protobuf format and its compiled model.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use prost_reflect::{DescriptorPool, FileDescriptor};
use serde_json::Value;

use crate::budget::{Budget, Exceeded};
use crate::error::SchemaError;
use crate::format::{DatumValidator, ParsedText, SchemaFormat, SchemaModel, downcast};
use crate::incompatibility::{Incompatibility, IncompatibilityKind};
use crate::issue::ValidationIssue;
use crate::limits::{LimitError, TextLimits, check_size, nesting_exceeds};
use crate::terms::TermSink;
use crate::types::{ParseOptions, ResolvedReference, SchemaReference, SchemaType};

use super::{canonical, compile, datum, diff, print, terms};

/// The Protobuf format.
#[derive(Debug, Clone, Copy)]
pub struct ProtobufFormat;

/// Where a compiled file came from.
#[derive(Debug, Clone)]
pub enum FileOrigin {
    /// The registered schema itself.
    Main,
    /// A registered version named by a reference.
    Reference(SchemaReference),
    /// A file every registry knows (well-known types, Confluent's own).
    Builtin,
}

/// One file of a compiled schema: the schema's own first, then what it imports.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub descriptor: FileDescriptor,
    pub origin: FileOrigin,
}

/// A compiled Protobuf schema.
#[derive(Debug, Clone)]
pub struct ProtobufModel {
    pub pool: DescriptorPool,
    pub file: FileDescriptor,
    /// The file and every file it imports, directly or not.
    pub files: Vec<SourceFile>,
}

impl ProtobufModel {
    /// The file as Confluent's `format=serialized` answers it: the base64 `FileDescriptorProto`
    /// (with its extension options).
    pub fn serialized(&self) -> String {
        STANDARD.encode(self.file.encode_to_vec())
    }
}

impl SchemaFormat for ProtobufFormat {
    fn schema_type(&self) -> SchemaType {
        SchemaType::Protobuf
    }

    fn check_limits(&self, text: &str, limits: &TextLimits) -> Result<(), LimitError> {
        check_size(text, limits)?;
        if nesting_exceeds(text.as_bytes(), limits.max_depth) {
            return Err(LimitError::TooDeep {
                limit: limits.max_depth,
            });
        }
        Ok(())
    }

    fn parse(
        &self,
        text: &str,
        references: &[ResolvedReference],
        _options: ParseOptions,
    ) -> Result<ParsedText, SchemaError> {
        let compiled = compile::compile(text, references)?;
        let main = compiled.file.name().to_owned();
        let mut files = vec![SourceFile {
            descriptor: compiled.file.clone(),
            origin: FileOrigin::Main,
        }];
        for descriptor in compiled.pool.files() {
            if descriptor.name() == main {
                continue;
            }
            let origin = match references
                .iter()
                .find(|r| r.reference.name == descriptor.name())
            {
                Some(r) => FileOrigin::Reference(r.reference.clone()),
                None => FileOrigin::Builtin,
            };
            files.push(SourceFile { descriptor, origin });
        }
        // The descriptor is the identity whether or not `normalize` is asked for: it already
        // folds what Confluent's normalization folds. `.proto` text is kept as registered; a
        // descriptor is stored as the text it prints as (Confluent stores text, too).
        let canonical = canonical::canonical(&compiled.file.encode_to_vec());
        let text = if compiled.from_descriptor {
            print::print(&compiled.file)
        } else {
            text.to_owned()
        };
        Ok(ParsedText {
            model: Arc::new(ProtobufModel {
                pool: compiled.pool,
                file: compiled.file,
                files,
            }),
            canonical,
            text,
        })
    }

    fn search_terms(&self, text: &str, sink: &mut TermSink) {
        terms::collect(text, sink);
    }
}

impl SchemaModel for ProtobufModel {
    fn schema_type(&self) -> SchemaType {
        SchemaType::Protobuf
    }

    fn validator(&self) -> Result<Arc<dyn DatumValidator>, SchemaError> {
        Ok(Arc::new(self.clone()))
    }

    fn incompatibilities_reading(
        &self,
        writer: &dyn SchemaModel,
        budget: &mut Budget,
    ) -> Result<Vec<Incompatibility>, Exceeded> {
        let Some(writer) = downcast::<ProtobufModel>(writer) else {
            return Ok(vec![Incompatibility::type_changed(
                writer.schema_type(),
                SchemaType::Protobuf,
            )]);
        };
        // Confluent compares the writer's schema (the original) with the reader's (the update).
        let differences = diff::compare(&writer.files, &self.files, budget)?;
        Ok(differences
            .into_iter()
            .filter(|d| !d.kind.is_compatible())
            .map(|d| Incompatibility {
                kind: IncompatibilityKind::Protobuf(d.kind),
                message: d.kind.describe(&d.path, "reader", "writer"),
                location: d.path,
            })
            .collect())
    }

    fn has_top_level_field(&self, name: &str) -> bool {
        self.file
            .messages()
            .next()
            .is_some_and(|m| m.get_field_by_name(name).is_some())
    }
}

impl DatumValidator for ProtobufModel {
    fn is_valid(&self, datum: &Value) -> bool {
        datum::validate(&self.file, datum).is_empty()
    }

    fn validate(&self, datum: &Value) -> Vec<ValidationIssue> {
        datum::validate(&self.file, datum)
    }
}
