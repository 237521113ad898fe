//! Validation of data against a schema: compiled once, run many times.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::avro::model::AvroSchema;
use crate::error::SchemaError;
use crate::json::JsonValidator;
use crate::schema::{ParsedSchema, Schema};

/// One problem found in a datum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationIssue {
    /// JSON pointer to the offending part of the datum.
    pub instance_path: String,
    /// JSON pointer to the part of the schema that rejected it.
    pub schema_path: String,
    pub message: String,
}

/// A validator for one schema.
#[derive(Debug, Clone)]
pub enum Validator {
    Json(Arc<JsonValidator>),
    Avro(Arc<AvroSchema>),
}

impl Validator {
    /// Compiles a validator for `schema`.
    ///
    /// # Errors
    /// When a JSON Schema does not compile (cannot happen for a schema that [`Schema::parse`]
    /// accepted with the same references).
    pub fn compile(schema: &Schema) -> Result<Self, SchemaError> {
        Ok(match &schema.parsed {
            ParsedSchema::Json(doc, refs) => Self::Json(Arc::new(doc.compile(refs, false)?)),
            ParsedSchema::Avro(avro) => Self::Avro(Arc::new(avro.clone())),
        })
    }

    /// Whether `datum` is valid: the fast path, building no errors.
    pub fn is_valid(&self, datum: &Value) -> bool {
        match self {
            Self::Json(v) => v.is_valid(datum),
            Self::Avro(s) => crate::avro::datum::is_valid(s, datum),
        }
    }

    /// Every problem of `datum`, empty when it is valid.
    pub fn validate(&self, datum: &Value) -> Vec<ValidationIssue> {
        match self {
            Self::Json(v) => v.validate(datum),
            Self::Avro(s) => crate::avro::datum::validate(s, datum),
        }
    }
}
