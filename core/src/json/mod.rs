//! JSON Schema, the format: documents parsed and compiled once (drafts 4, 6, 7, 2019-09,
//! 2020-12), their canonical JSON for identity, compatibility, and search terms.
//!
//! References are named by the URL a `$ref` uses (`address.json`, or a full URI) and resolved
//! from the texts the caller supplies, never from the network.

pub mod canonical;
pub mod codegen;
pub mod compat;
mod document;
mod draft;
mod terms;

use std::sync::Arc;

pub use document::{DEFAULT_DRAFT, JsonSchemaDoc, ReferenceSet};
#[cfg(feature = "rust-validator")]
pub use document::{JsonValidator, compile};
pub use draft::Draft;

use crate::budget::{Budget, Exceeded};
use crate::error::SchemaError;
use crate::format::{DatumValidator, ParsedText, SchemaFormat, SchemaModel, downcast};
use crate::incompatibility::Incompatibility;
use crate::limits::{LimitError, TextLimits, check_json_text};
use crate::terms::TermSink;
use crate::types::{ParseOptions, ResolvedReference, SchemaType};

/// The JSON Schema format.
#[derive(Debug, Clone, Copy)]
pub struct JsonFormat;

/// A parsed JSON Schema: the document, the documents its `$ref`s may name, and its validator
/// (compiled while parsing, which is what checks the schema against its meta-schema). Without
/// the `rust-validator` feature there is none, and the caller checks the schema against its
/// meta-schema ([`codegen`] generates those validators in the build that has it).
#[derive(Debug)]
pub struct JsonModel {
    pub document: JsonSchemaDoc,
    pub references: ReferenceSet,
    #[cfg(feature = "rust-validator")]
    validator: Arc<JsonValidator>,
}

impl SchemaFormat for JsonFormat {
    fn schema_type(&self) -> SchemaType {
        SchemaType::Json
    }

    fn check_limits(&self, text: &str, limits: &TextLimits) -> Result<(), LimitError> {
        check_json_text(text, limits)
    }

    fn parse(
        &self,
        text: &str,
        references: &[ResolvedReference],
        options: ParseOptions,
    ) -> Result<ParsedText, SchemaError> {
        let document = JsonSchemaDoc::parse(text)?;
        let mut set = ReferenceSet::new();
        for r in references {
            let value = serde_json::from_str(&r.schema).map_err(|e| {
                SchemaError::new(
                    format!("reference \"{}\" is not JSON: {e}", r.reference.name),
                    "",
                )
            })?;
            set.insert(r.reference.name.clone(), value);
        }
        #[cfg(feature = "rust-validator")]
        let validator = Arc::new(document.compile(&set, false)?);
        // With `normalize`, the normalized schema is what is stored, as Confluent stores it.
        let (canonical, text) = if options.normalize {
            let normalized = canonical::normalize(&document.value);
            (
                canonical::to_canonical_string(&normalized),
                normalized.to_string(),
            )
        } else {
            (
                canonical::to_canonical_string(&document.value),
                document.value.to_string(),
            )
        };
        let model = JsonModel {
            document,
            references: set,
            #[cfg(feature = "rust-validator")]
            validator,
        };
        Ok(ParsedText {
            model: Arc::new(model),
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

impl JsonModel {
    /// The schema's validator as a JavaScript module ([`codegen`]).
    pub fn javascript(&self) -> Result<String, codegen::Unsupported> {
        self.javascript_as(codegen::Form::Module)
    }

    /// The schema's validator as JavaScript packaged as `form`.
    pub fn javascript_as(&self, form: codegen::Form) -> Result<String, codegen::Unsupported> {
        codegen::generate_as(&self.document.value, None, &self.references, form)
    }
}

impl SchemaModel for JsonModel {
    fn schema_type(&self) -> SchemaType {
        SchemaType::Json
    }

    #[cfg(feature = "rust-validator")]
    fn validator(&self) -> Result<Arc<dyn DatumValidator>, SchemaError> {
        Ok(self.validator.clone())
    }

    #[cfg(not(feature = "rust-validator"))]
    fn validator(&self) -> Result<Arc<dyn DatumValidator>, SchemaError> {
        Err(SchemaError::new(
            "this build validates JSON Schema with generated JavaScript only",
            "",
        ))
    }

    fn incompatibilities_reading(
        &self,
        writer: &dyn SchemaModel,
        budget: &mut Budget,
    ) -> Result<Vec<Incompatibility>, Exceeded> {
        match downcast::<JsonModel>(writer) {
            Some(writer) => compat::check(
                &self.document.value,
                &self.references,
                &writer.document.value,
                &writer.references,
                budget,
            ),
            None => Ok(vec![Incompatibility::type_changed(
                writer.schema_type(),
                SchemaType::Json,
            )]),
        }
    }

    fn has_top_level_field(&self, name: &str) -> bool {
        self.document
            .value
            .get("properties")
            .and_then(serde_json::Value::as_object)
            .is_some_and(|p| p.contains_key(name))
    }
}
