//! JSON Schema documents and validators compiled once with `jsonschema`.
//!
//! `$ref`s to other documents resolve only from the in-memory set the caller supplies (registered
//! references, or the test suite's remotes): the validator never reaches the network or the file
//! system.

use std::collections::HashMap;
#[cfg(feature = "rust-validator")]
use std::sync::Arc;

#[cfg(feature = "rust-validator")]
use jsonschema::{Retrieve, Uri};
use serde_json::Value;

use super::Draft;
use crate::error::SchemaError;
#[cfg(feature = "rust-validator")]
use crate::format::DatumValidator;
#[cfg(feature = "rust-validator")]
use crate::issue::ValidationIssue;

/// The draft of a schema without `$schema`: draft 7, as Confluent's and Karapace's registries
/// assume, so schemas written for them mean the same here.
pub const DEFAULT_DRAFT: Draft = Draft::Draft7;

/// Documents that `$ref` may name, by URI or by reference name.
#[derive(Debug, Clone, Default)]
pub struct ReferenceSet {
    documents: HashMap<String, Value>,
}

impl ReferenceSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes `document` available under `name` (a full URI, or a name like `address.json`).
    pub fn insert(&mut self, name: impl Into<String>, document: Value) {
        self.documents.insert(name.into(), document);
    }

    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    /// The document for `uri`: by exact name, or by the path of a relative reference.
    pub fn get(&self, uri: &str) -> Option<&Value> {
        self.find(uri)
    }

    fn find(&self, uri: &str) -> Option<&Value> {
        if let Some(doc) = self.documents.get(uri) {
            return Some(doc);
        }
        // A relative `$ref` ("address.json") arrives resolved against the default base URI.
        let path = uri.strip_prefix("json-schema:///").unwrap_or(uri);
        let path = path.split('#').next().unwrap_or(path);
        self.documents.get(path)
    }
}

#[cfg(feature = "rust-validator")]
struct InMemoryRetriever(Arc<ReferenceSet>);

#[cfg(feature = "rust-validator")]
impl Retrieve for InMemoryRetriever {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0.find(uri.as_str()).cloned().ok_or_else(|| {
            format!(
                "unresolved reference {}: not among the schema's references",
                uri.as_str()
            )
            .into()
        })
    }
}

/// A parsed JSON Schema document.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonSchemaDoc {
    pub value: Value,
}

impl JsonSchemaDoc {
    /// Parses `text` as JSON. Whether it is a valid schema is checked by [`Self::compile`].
    pub fn parse(text: &str) -> Result<Self, SchemaError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            SchemaError::new(
                format!(
                    "invalid JSON at line {} column {}: {e}",
                    e.line(),
                    e.column()
                ),
                "",
            )
        })?;
        if !(value.is_object() || value.is_boolean()) {
            return Err(SchemaError::new(
                "a JSON Schema must be an object or a boolean",
                "",
            ));
        }
        Ok(Self { value })
    }

    /// [`DEFAULT_DRAFT`] when the document has no `$schema`; `None` when it names one, which
    /// `jsonschema` then resolves (a custom meta-schema too, from the references).
    pub fn forced_draft(&self) -> Option<Draft> {
        if self.value.get("$schema").is_some() {
            None
        } else {
            Some(DEFAULT_DRAFT)
        }
    }

    /// Compiles a validator (the schema itself is checked against its meta-schema).
    #[cfg(feature = "rust-validator")]
    pub fn compile(
        &self,
        references: &ReferenceSet,
        validate_formats: bool,
    ) -> Result<JsonValidator, SchemaError> {
        compile(
            &self.value,
            self.forced_draft(),
            references,
            validate_formats,
        )
    }
}

/// Compiles `schema` for `draft` (detected from `$schema` when `None`).
#[cfg(feature = "rust-validator")]
pub fn compile(
    schema: &Value,
    draft: Option<Draft>,
    references: &ReferenceSet,
    validate_formats: bool,
) -> Result<JsonValidator, SchemaError> {
    let mut options = jsonschema::options()
        .should_validate_formats(validate_formats)
        .with_retriever(InMemoryRetriever(Arc::new(references.clone())));
    if let Some(draft) = draft {
        options = options.with_draft(match draft {
            Draft::Draft4 => jsonschema::Draft::Draft4,
            Draft::Draft6 => jsonschema::Draft::Draft6,
            Draft::Draft7 => jsonschema::Draft::Draft7,
            Draft::Draft201909 => jsonschema::Draft::Draft201909,
            Draft::Draft202012 => jsonschema::Draft::Draft202012,
        });
    }
    options
        .build(schema)
        .map(|inner| JsonValidator { inner })
        .map_err(|e| {
            SchemaError::new(
                format!("invalid JSON Schema: {e}"),
                e.schema_path().as_str(),
            )
        })
}

/// A compiled JSON Schema validator.
#[cfg(feature = "rust-validator")]
pub struct JsonValidator {
    inner: jsonschema::Validator,
}

#[cfg(feature = "rust-validator")]
impl std::fmt::Debug for JsonValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonValidator").finish_non_exhaustive()
    }
}

#[cfg(feature = "rust-validator")]
impl DatumValidator for JsonValidator {
    fn is_valid(&self, instance: &Value) -> bool {
        self.inner.is_valid(instance)
    }

    fn validate(&self, instance: &Value) -> Vec<ValidationIssue> {
        self.inner
            .iter_errors(instance)
            .map(|e| ValidationIssue {
                instance_path: e.instance_path().as_str().to_owned(),
                schema_path: e.schema_path().as_str().to_owned(),
                message: e.to_string(),
            })
            .collect()
    }
}

#[cfg(all(test, feature = "rust-validator"))]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::format::DatumValidator;

    #[test]
    fn references_resolve_from_memory_only() {
        let mut refs = ReferenceSet::new();
        refs.insert(
            "address.json",
            json!({"type": "object", "required": ["city"]}),
        );
        let doc =
            JsonSchemaDoc::parse(r#"{"properties":{"home":{"$ref":"address.json"}}}"#).unwrap();
        let v = doc.compile(&refs, false).unwrap();
        assert!(v.is_valid(&json!({"home": {"city": "Oslo"}})));
        let issues = v.validate(&json!({"home": {}}));
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].instance_path, "/home");
        assert!(
            issues[0].schema_path.ends_with("/required"),
            "{:?}",
            issues[0]
        );
        let err = doc.compile(&ReferenceSet::new(), false).unwrap_err();
        assert!(err.message.contains("address.json"), "{err}");
    }

    #[test]
    fn unknown_meta_schemas_are_an_error_not_a_panic() {
        let doc =
            JsonSchemaDoc::parse(r#"{"$schema":"https://example.invalid/meta","type":"string"}"#)
                .unwrap();
        assert!(doc.compile(&ReferenceSet::new(), false).is_err());
        let mut refs = ReferenceSet::new();
        refs.insert(
            "https://example.invalid/meta",
            serde_json::json!({"$schema": "https://json-schema.org/draft/2020-12/schema"}),
        );
        assert!(
            doc.compile(&refs, false).is_ok(),
            "a custom meta-schema among the references resolves"
        );
    }

    #[test]
    fn invalid_schemas_are_rejected_with_a_location() {
        let doc =
            JsonSchemaDoc::parse(r#"{"type":"object","properties":{"a":{"type":12}}}"#).unwrap();
        let err = doc.compile(&ReferenceSet::new(), false).unwrap_err();
        assert!(err.message.starts_with("invalid JSON Schema"), "{err}");
        assert!(JsonSchemaDoc::parse("[1]").is_err());
        assert!(
            JsonSchemaDoc::parse("{")
                .unwrap_err()
                .message
                .contains("line 1")
        );
    }
}
