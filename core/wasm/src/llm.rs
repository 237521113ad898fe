//! The LLM contracts for the package, in plain Rust (no JS types): lint, transform, export,
//! model-output checks and the streaming validator, JSON text in and out, as `convert` does.

use registry_core::Validator;
use registry_core::llm::{self, Naming, StreamValidator, Usage, profile};
use serde_json::{Value, json};

use crate::convert::BindingError;

fn parse(text: &str, what: &str) -> Result<Value, BindingError> {
    serde_json::from_str(text)
        .map_err(|e| BindingError::new("INVALID_JSON", format!("{what}: {e}")))
}

fn find(name: &str) -> Result<&'static llm::Profile, BindingError> {
    profile::find(name).ok_or_else(|| {
        BindingError::new(
            "INVALID_ARGUMENT",
            format!("unknown provider '{name}'; known: {}", profile::names()),
        )
    })
}

fn to_text(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("results serialise")
}

/// The diagnostics of `schema_json` under `provider`, as JSON text (`[]`: it fits).
pub fn lint(schema_json: &str, provider: &str) -> Result<String, BindingError> {
    Ok(to_text(&llm::lint(
        &parse(schema_json, "schema")?,
        find(provider)?,
    )))
}

/// `{"ok": true, "schema", "changes"}` or `{"ok": false, "diagnostics"}`.
pub fn transform(schema_json: &str, provider: &str) -> Result<String, BindingError> {
    let answer = match llm::transform(&parse(schema_json, "schema")?, find(provider)?) {
        Ok(t) => json!({"ok": true, "schema": t.schema, "changes": t.changes}),
        Err(d) => json!({"ok": false, "diagnostics": d}),
    };
    Ok(to_text(&answer))
}

/// `{"ok": true, "fragment", "changes"}` or `{"ok": false, "diagnostics"}`.
pub fn export(
    schema_json: &str,
    provider: &str,
    usage: &str,
    name: &str,
    description: &str,
) -> Result<String, BindingError> {
    let usage = Usage::parse(usage).ok_or_else(|| {
        BindingError::new("INVALID_ARGUMENT", "as must be 'response_format' or 'tool'")
    })?;
    let naming = Naming {
        name: Some(name).filter(|n| !n.is_empty()),
        description: Some(description).filter(|d| !d.is_empty()),
        fallback: "schema",
    };
    let schema = parse(schema_json, "schema")?;
    let answer = match llm::export(&schema, find(provider)?, usage, &naming) {
        Ok(e) => json!({"ok": true, "fragment": e.fragment, "changes": e.changes}),
        Err(d) => json!({"ok": false, "diagnostics": d}),
    };
    Ok(to_text(&answer))
}

/// Every profile with its rules and their sources.
pub fn profiles() -> String {
    to_text(&profile::catalogue())
}

/// A model's raw output checked against `validator`, as JSON text.
pub fn check_output(validator: &Validator, text: &str) -> String {
    to_text(&llm::check_output(text, validator))
}

/// A model's raw output checked by a validator outside Rust, as JSON text: `is_valid` and
/// `validate` take a candidate value's JSON text; `validate` returns its errors' JSON text
/// (`[{instancePath, schemaPath, message}]`). A callback that fails counts as invalid.
pub fn check_output_by(
    text: &str,
    is_valid: impl Fn(&str) -> bool,
    validate: impl Fn(&str) -> Option<String>,
) -> String {
    let report = llm::check_output_by(
        text,
        |v| is_valid(&v.to_string()),
        |v| {
            validate(&v.to_string())
                .and_then(|errors| serde_json::from_str(&errors).ok())
                .unwrap_or_else(|| {
                    vec![registry_core::ValidationIssue {
                        instance_path: String::new(),
                        schema_path: String::new(),
                        message: "the validator failed on this value".into(),
                    }]
                })
        },
    );
    to_text(&report)
}

/// A streaming validator for the JSON Schema `schema_text`.
pub fn stream(schema_text: &str) -> Result<StreamValidator, BindingError> {
    let validator = crate::convert::compile(schema_text, "json", "")?;
    Ok(StreamValidator::new(
        parse(schema_text, "schema")?,
        validator,
    ))
}

/// The JSON Schema document `schema_text`, shared by the streams of one validator.
pub fn document(schema_text: &str) -> Result<std::sync::Arc<Value>, BindingError> {
    parse(schema_text, "schema").map(std::sync::Arc::new)
}

/// The first error so far, as JSON text (`null`: none).
pub fn stream_push(stream: &mut StreamValidator, chunk: &str) -> String {
    to_text(&stream.push(chunk))
}

/// The verdict, as JSON text.
pub fn stream_finish(stream: &mut StreamValidator) -> String {
    to_text(&stream.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lint_transform_export_and_stream() {
        let schema = r#"{"type":"object","properties":{"a":{"type":"string"}}}"#;
        let d: Value = serde_json::from_str(&lint(schema, "openai").unwrap()).unwrap();
        assert_eq!(d.as_array().unwrap().len(), 2);
        let t: Value = serde_json::from_str(&transform(schema, "openai").unwrap()).unwrap();
        assert_eq!(t["schema"]["required"], json!(["a"]));
        let e: Value =
            serde_json::from_str(&export(schema, "openai", "tool", "f", "").unwrap()).unwrap();
        assert_eq!(e["fragment"]["function"]["name"], "f");
        assert_eq!(lint(schema, "nope").unwrap_err().code, "INVALID_ARGUMENT");
        assert_eq!(lint("{", "openai").unwrap_err().code, "INVALID_JSON");
        let mut s = stream(schema).unwrap();
        assert!(stream_push(&mut s, r#"{"a": 1"#).contains("expected a string"));
        assert!(profiles().contains("openai-strict"));
    }
}
