//! Avro, the format: the schema model and parser, canonical forms, datum validation, binary
//! decoding, compatibility (Java's schema resolution rules) and search terms.
//!
//! References are named by the full names of the types they define: each referenced text is
//! parsed before the document (dependencies first), so the document can name its types.

pub mod binary;
pub mod canonical;
pub mod compat;
pub mod datum;
mod defaults;
mod identity;
pub mod incompatibility;
pub mod model;
mod parser;
pub mod resolved;
mod terms;

use std::sync::Arc;

use serde_json::Value;

pub use model::{AvroSchema, ParseOptions};

use crate::budget::{Budget, Exceeded};
use crate::error::SchemaError;
use crate::format::{DatumValidator, ParsedText, SchemaFormat, SchemaModel, downcast};
use crate::incompatibility::Incompatibility;
use crate::issue::ValidationIssue;
use crate::json::canonical::to_canonical_string;
use crate::limits::{LimitError, TextLimits, check_json_text};
use crate::terms::TermSink;
use crate::types::{ParseOptions as SchemaParseOptions, ResolvedReference, SchemaType};

/// The Avro format.
#[derive(Debug, Clone, Copy)]
pub struct AvroFormat;

/// A parsed Avro schema, shared by the schema and its validators.
#[derive(Debug, Clone)]
pub struct AvroModel {
    pub schema: Arc<AvroSchema>,
}

impl SchemaFormat for AvroFormat {
    fn schema_type(&self) -> SchemaType {
        SchemaType::Avro
    }

    fn check_limits(&self, text: &str, limits: &TextLimits) -> Result<(), LimitError> {
        check_json_text(text, limits)
    }

    fn parse(
        &self,
        text: &str,
        references: &[ResolvedReference],
        options: SchemaParseOptions,
    ) -> Result<ParsedText, SchemaError> {
        let document: Value = serde_json::from_str(text).map_err(|e| {
            SchemaError::new(
                format!(
                    "invalid JSON at line {} column {}: {e}",
                    e.line(),
                    e.column()
                ),
                "",
            )
        })?;
        let texts: Vec<&str> = references.iter().map(|r| r.schema.as_str()).collect();
        let schema = AvroSchema::from_document(&document, &texts, options.avro)?;
        // With `normalize`, the normalized schema is what is stored, as Confluent stores it.
        let (canonical, text) = if options.normalize {
            let normalized = canonical::normalized(&schema);
            (to_canonical_string(&normalized), normalized.to_string())
        } else {
            let identity = identity::identity_document(&document);
            (to_canonical_string(&identity), document.to_string())
        };
        Ok(ParsedText {
            model: Arc::new(AvroModel {
                schema: Arc::new(schema),
            }),
            canonical,
            text,
        })
    }

    fn search_terms(&self, text: &str, sink: &mut TermSink) {
        if let Ok(document) = serde_json::from_str(text) {
            terms::collect(&document, sink);
        }
    }
}

impl SchemaModel for AvroModel {
    fn schema_type(&self) -> SchemaType {
        SchemaType::Avro
    }

    fn validator(&self) -> Result<Arc<dyn DatumValidator>, SchemaError> {
        Ok(Arc::new(self.clone()))
    }

    fn incompatibilities_reading(
        &self,
        writer: &dyn SchemaModel,
        budget: &mut Budget,
    ) -> Result<Vec<Incompatibility>, Exceeded> {
        match downcast::<AvroModel>(writer) {
            Some(writer) => compat::check(&self.schema, &writer.schema, budget),
            None => Ok(vec![Incompatibility::type_changed(
                writer.schema_type(),
                SchemaType::Avro,
            )]),
        }
    }

    fn has_top_level_field(&self, name: &str) -> bool {
        match self.schema.resolve(&self.schema.root) {
            model::Resolved::Named(_, named) => match &named.kind {
                model::NamedKind::Record { fields, .. } => fields.iter().any(|f| f.name == name),
                _ => false,
            },
            model::Resolved::Anonymous(_) => false,
        }
    }
}

impl DatumValidator for AvroModel {
    fn is_valid(&self, datum: &Value) -> bool {
        datum::is_valid(&self.schema, datum)
    }

    fn validate(&self, datum: &Value) -> Vec<ValidationIssue> {
        datum::validate(&self.schema, datum)
    }
}
