//! The bindings' logic in plain Rust (no JS types), so it runs under ordinary unit tests:
//! inputs arrive as JSON text, results leave as JSON text, failures as a [`BindingError`]
//! with a stable code that becomes the JS `Error`'s `code`.

use registry_core::{
    CompatibilityLevel, ParseOptions, ResolvedReference, Schema, SchemaReference, SchemaType,
    Validator, compat,
};
use serde::Deserialize;
use serde_json::{Value, json};

/// A failure with a code for JS callers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingError {
    /// `INVALID_SCHEMA`, `INVALID_JSON`, `INVALID_ARGUMENT`, `TOO_COMPLEX`.
    pub code: &'static str,
    pub message: String,
}

impl BindingError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// `'json' | 'avro'` (any case; `JSONSCHEMA` too).
pub fn schema_type(name: &str) -> Result<SchemaType, BindingError> {
    name.parse()
        .map_err(|e: registry_core::SchemaError| BindingError::new("INVALID_ARGUMENT", e.message))
}

/// A reference as the package takes it: the name used in the schema and the referenced text.
#[derive(Debug, Deserialize)]
struct ReferenceArg {
    name: String,
    schema: Value,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    version: Option<i32>,
}

fn schema_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `references_json`: `[{name, schema, subject?, version?}]` (dependencies first) or `{name: schema}`.
pub fn references(references_json: &str) -> Result<Vec<ResolvedReference>, BindingError> {
    if references_json.trim().is_empty() {
        return Ok(Vec::new());
    }
    let value: Value = serde_json::from_str(references_json)
        .map_err(|e| BindingError::new("INVALID_ARGUMENT", format!("references: {e}")))?;
    let list: Vec<ReferenceArg> = match value {
        Value::Null => Vec::new(),
        Value::Object(map) => map
            .into_iter()
            .map(|(name, schema)| ReferenceArg {
                name,
                schema,
                subject: None,
                version: None,
            })
            .collect(),
        other => serde_json::from_value(other)
            .map_err(|e| BindingError::new("INVALID_ARGUMENT", format!("references: {e}")))?,
    };
    Ok(list
        .into_iter()
        .map(|r| ResolvedReference {
            reference: SchemaReference {
                subject: r.subject.unwrap_or_else(|| r.name.clone()),
                version: r.version.unwrap_or(1),
                name: r.name,
            },
            schema: schema_text(&r.schema),
        })
        .collect())
}

pub fn parse(
    schema: &str,
    schema_type: &str,
    references_json: &str,
    normalize: bool,
) -> Result<Schema, BindingError> {
    let ty = self::schema_type(schema_type)?;
    let refs = references(references_json)?;
    Schema::parse(
        ty,
        schema,
        &refs,
        ParseOptions {
            normalize,
            ..ParseOptions::default()
        },
    )
    .map_err(|e| BindingError::new("INVALID_SCHEMA", e.to_string()))
}

pub fn compile(
    schema: &str,
    schema_type: &str,
    references_json: &str,
) -> Result<Validator, BindingError> {
    let parsed = parse(schema, schema_type, references_json, false)?;
    Validator::compile(&parsed).map_err(|e| BindingError::new("INVALID_SCHEMA", e.to_string()))
}

/// A JSON Schema's validator as JavaScript: an ES module (`module`) or a function body
/// returning `{isValid, validate}` (`function`). `UNSUPPORTED` when the generator cannot
/// express the schema (the wasm validator still can).
pub fn generate_validator(
    schema: &str,
    references_json: &str,
    form: &str,
) -> Result<String, BindingError> {
    let form = match form {
        "module" => registry_core::json::codegen::Form::Module,
        "function" => registry_core::json::codegen::Form::Function,
        other => {
            return Err(BindingError::new(
                "INVALID_ARGUMENT",
                format!("unknown form {other:?}: module or function"),
            ));
        }
    };
    let parsed = parse(schema, "json", references_json, false)?;
    let model = parsed
        .model_as::<registry_core::json::JsonModel>()
        .ok_or_else(|| BindingError::new("INVALID_SCHEMA", "not a JSON Schema"))?;
    model
        .javascript_as(form)
        .map_err(|e| BindingError::new("UNSUPPORTED", e.to_string()))
}

fn datum(datum_json: &str) -> Result<Value, BindingError> {
    serde_json::from_str(datum_json)
        .map_err(|e| BindingError::new("INVALID_JSON", format!("the value is not JSON: {e}")))
}

/// `{"valid": bool, "errors": [{instancePath, schemaPath, message}]}` as JSON text.
pub fn validate(validator: &Validator, datum_json: &str) -> Result<String, BindingError> {
    let errors = validator.validate(&datum(datum_json)?);
    Ok(json!({"valid": errors.is_empty(), "errors": errors}).to_string())
}

pub fn is_valid(validator: &Validator, datum_json: &str) -> Result<bool, BindingError> {
    Ok(validator.is_valid(&datum(datum_json)?))
}

/// `{"compatible": bool, "messages": [...], "incompatibilities": [...]}` as JSON text.
/// `existing_json`: a JSON array of schemas (texts or objects), oldest first.
pub fn check_compatibility(
    new_schema: &str,
    existing_json: &str,
    level: &str,
    schema_type: &str,
) -> Result<String, BindingError> {
    let level: CompatibilityLevel = level.parse().map_err(|e: registry_core::SchemaError| {
        BindingError::new("INVALID_ARGUMENT", e.message)
    })?;
    let existing: Vec<Value> = serde_json::from_str(existing_json)
        .map_err(|e| BindingError::new("INVALID_ARGUMENT", format!("existing schemas: {e}")))?;
    let new = parse(new_schema, schema_type, "", false)?;
    let existing = existing
        .iter()
        .map(|s| parse(&schema_text(s), schema_type, "", false))
        .collect::<Result<Vec<_>, _>>()?;
    let refs: Vec<&Schema> = existing.iter().collect();
    let report = compat::check(level, &new, &refs)
        .map_err(|e| BindingError::new("TOO_COMPLEX", e.to_string()))?;
    Ok(json!({"compatible": report.compatible, "messages": report.messages(), "incompatibilities": report.incompatibilities}).to_string())
}

pub fn fingerprint(
    schema: &str,
    schema_type: &str,
    normalize: bool,
) -> Result<String, BindingError> {
    Ok(parse(schema, schema_type, "", normalize)?
        .fingerprint
        .to_hex())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_round_trip() {
        let v = compile(r#"{"type":"object","required":["a"]}"#, "json", "").unwrap();
        assert_eq!(
            validate(&v, r#"{"a":1}"#).unwrap(),
            r#"{"valid":true,"errors":[]}"#
        );
        let out: Value = serde_json::from_str(&validate(&v, "{}").unwrap()).unwrap();
        assert_eq!(out["errors"][0]["schemaPath"], "/required");
        assert_eq!(is_valid(&v, "{").unwrap_err().code, "INVALID_JSON");
    }

    #[test]
    fn errors_have_codes() {
        assert_eq!(compile("{", "json", "").unwrap_err().code, "INVALID_SCHEMA");
        assert_eq!(
            compile("{}", "xml", "").unwrap_err().code,
            "INVALID_ARGUMENT"
        );
        assert_eq!(
            check_compatibility("{}", "[{}]", "SIDEWAYS", "json")
                .unwrap_err()
                .code,
            "INVALID_ARGUMENT"
        );
    }

    #[test]
    fn references_in_both_spellings() {
        let dep = r#"{"type":"record","name":"A","fields":[]}"#;
        let doc = r#"{"type":"record","name":"B","fields":[{"name":"a","type":"A"}]}"#;
        assert!(compile(doc, "avro", &json!({"A": dep}).to_string()).is_ok());
        assert!(
            compile(
                doc,
                "avro",
                &json!([{"name": "A", "schema": dep}]).to_string()
            )
            .is_ok()
        );
        assert!(compile(doc, "avro", "").is_err());
    }

    #[test]
    fn compatibility_and_fingerprint() {
        let v1 = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#;
        let v2 = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#;
        let out: Value = serde_json::from_str(
            &check_compatibility(v2, &json!([v1]).to_string(), "BACKWARD", "avro").unwrap(),
        )
        .unwrap();
        assert_eq!(out["compatible"], false);
        assert_eq!(fingerprint(v1, "avro", false).unwrap().len(), 64);
    }
}
