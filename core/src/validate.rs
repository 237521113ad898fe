//! Validation of data against a schema: compiled once, run many times.

use std::sync::Arc;

use serde_json::Value;

pub use crate::issue::ValidationIssue;

use crate::error::SchemaError;
use crate::format::DatumValidator;
use crate::schema::Schema;

/// A validator for one schema (cheap to clone; the compiled form is shared).
#[derive(Debug, Clone)]
pub struct Validator(Arc<dyn DatumValidator>);

impl Validator {
    /// The validator of `schema`, compiled when it was parsed.
    ///
    /// # Errors
    /// When the schema's format cannot compile it (none of the registry's formats fails for a
    /// schema that [`Schema::parse`] accepted).
    pub fn compile(schema: &Schema) -> Result<Self, SchemaError> {
        schema.model.validator().map(Self)
    }

    /// Whether `datum` is valid: the fast path, building no errors.
    pub fn is_valid(&self, datum: &Value) -> bool {
        self.0.is_valid(datum)
    }

    /// Every problem of `datum`, empty when it is valid.
    pub fn validate(&self, datum: &Value) -> Vec<ValidationIssue> {
        self.0.validate(datum)
    }
}
