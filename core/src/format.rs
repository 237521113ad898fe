//! The schema formats behind one trait: what a format must provide for the registry to store,
//! identify, validate against, check compatibility of and index its schemas.
//!
//! Each format lives in its own module ([`crate::avro`], [`crate::json`]) and implements
//! [`SchemaFormat`] (parsing text into a [`SchemaModel`]) and [`SchemaModel`] (what a parsed
//! schema can do). [`crate::formats::format_of`] is the one place that maps a [`SchemaType`]
//! to its format. Nothing outside the format modules looks inside a parsed schema.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::budget::{Budget, Exceeded};
use crate::error::SchemaError;
use crate::incompatibility::Incompatibility;
use crate::issue::ValidationIssue;
use crate::limits::{LimitError, TextLimits};
use crate::terms::TermSink;
use crate::types::{ParseOptions, ResolvedReference, SchemaType};

/// A schema text parsed by its format.
#[derive(Debug, Clone)]
pub struct ParsedText {
    pub model: Arc<dyn SchemaModel>,
    /// The form identity is computed over (depends on `ParseOptions::normalize`).
    pub canonical: String,
    /// The text to store and return: the submitted document without insignificant white space.
    pub text: String,
}

/// A schema format: parses texts and knows their limits and search terms.
pub trait SchemaFormat: Sync {
    fn schema_type(&self) -> SchemaType;

    /// Refuses texts over the size and nesting limits before any parser sees them (a format
    /// decides what nesting means for its syntax).
    ///
    /// # Errors
    /// Which limit the text exceeds.
    fn check_limits(&self, text: &str, limits: &TextLimits) -> Result<(), LimitError>;

    /// Parses `text` with its references resolved by the caller (dependencies first).
    ///
    /// # Errors
    /// What is wrong and where.
    fn parse(
        &self,
        text: &str,
        references: &[ResolvedReference],
        options: ParseOptions,
    ) -> Result<ParsedText, SchemaError>;

    /// Adds the names, docs and tags of `text` to `sink`, for the search index; a text that does
    /// not parse adds nothing (the index still takes its subject and body).
    fn search_terms(&self, text: &str, sink: &mut TermSink);
}

/// What a parsed schema can do, whatever its format.
pub trait SchemaModel: Any + Send + Sync + fmt::Debug {
    fn schema_type(&self) -> SchemaType;

    /// A validator for data of this schema (compiled at most once per model).
    ///
    /// # Errors
    /// When the schema cannot be compiled (a format that compiles at parse time never fails).
    fn validator(&self) -> Result<Arc<dyn DatumValidator>, SchemaError>;

    /// What keeps this schema, as the reader, from reading data written with `writer`, a model
    /// of the same format (the caller checks the types match), within `budget`.
    ///
    /// # Errors
    /// When the comparison needs more work than the budget allows.
    fn incompatibilities_reading(
        &self,
        writer: &dyn SchemaModel,
        budget: &mut Budget,
    ) -> Result<Vec<Incompatibility>, Exceeded>;

    /// Whether the schema's top level has a field called `name` (an Avro record's field, a
    /// JSON Schema's property, a field of a Protobuf file's first message): what a reserved
    /// field (`confluent:reserved`) must not be.
    fn has_top_level_field(&self, name: &str) -> bool;
}

/// Checks data against one schema.
pub trait DatumValidator: Send + Sync + fmt::Debug {
    /// Whether `datum` is valid: the fast path, building no errors.
    fn is_valid(&self, datum: &Value) -> bool;
    /// Every problem of `datum`, empty when it is valid.
    fn validate(&self, datum: &Value) -> Vec<ValidationIssue>;
}

/// `model` as its concrete type, when it is one.
pub fn downcast<T: SchemaModel>(model: &dyn SchemaModel) -> Option<&T> {
    (model as &dyn Any).downcast_ref::<T>()
}
