//! WebAssembly bindings of the core for the npm package `llm-schema-registry`.
//!
//! Thin by design: values cross the boundary as JSON text (faster than converting JS objects
//! field by field), [`convert`] does the work in plain Rust, and this file only maps results
//! and errors to JS. The package's JavaScript (`js/`) adds the friendly API and the registry
//! client.

pub mod convert;
pub mod llm;

use convert::BindingError;
use wasm_bindgen::prelude::*;

/// A JS `Error` with a `code` property.
impl From<BindingError> for JsValue {
    fn from(e: BindingError) -> Self {
        let error = js_sys::Error::new(&e.message);
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(
            &error,
            &JsValue::from_str("code"),
            &JsValue::from_str(e.code),
        );
        error.into()
    }
}

/// A schema compiled once for many validations.
#[wasm_bindgen]
pub struct CompiledValidator {
    inner: registry_core::Validator,
    /// The JSON Schema's text, for streams (`None` for Avro): parsed when the first stream
    /// needs it (`document`), not on every compilation.
    json_text: Option<String>,
    document: std::cell::OnceCell<std::sync::Arc<serde_json::Value>>,
}

#[wasm_bindgen]
impl CompiledValidator {
    /// `schema_type`: `json` or `avro`; `references_json`: see `convert::references`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        schema: &str,
        schema_type: &str,
        references_json: &str,
    ) -> Result<CompiledValidator, JsValue> {
        let inner = convert::compile(schema, schema_type, references_json)?;
        let json_text = (convert::schema_type(schema_type)? == registry_core::SchemaType::Json)
            .then(|| schema.to_owned());
        Ok(Self {
            inner,
            json_text,
            document: std::cell::OnceCell::new(),
        })
    }

    /// The result as JSON text: `{"valid": bool, "errors": [...]}`.
    pub fn validate(&self, datum_json: &str) -> Result<String, JsValue> {
        convert::validate(&self.inner, datum_json).map_err(JsValue::from)
    }

    #[wasm_bindgen(js_name = isValid)]
    pub fn is_valid(&self, datum_json: &str) -> Result<bool, JsValue> {
        convert::is_valid(&self.inner, datum_json).map_err(JsValue::from)
    }
}

/// A JSON Schema's validator as JavaScript source (`form`: `module` or `function`).
#[wasm_bindgen(js_name = generateValidator)]
pub fn generate_validator(
    schema: &str,
    references_json: &str,
    form: &str,
) -> Result<String, JsValue> {
    convert::generate_validator(schema, references_json, form).map_err(JsValue::from)
}

/// The compatibility report as JSON text.
#[wasm_bindgen(js_name = checkCompatibility)]
pub fn check_compatibility(
    new_schema: &str,
    existing_json: &str,
    level: &str,
    schema_type: &str,
) -> Result<String, JsValue> {
    convert::check_compatibility(new_schema, existing_json, level, schema_type)
        .map_err(JsValue::from)
}

/// The registry fingerprint (hex SHA-256).
#[wasm_bindgen]
pub fn fingerprint(schema: &str, schema_type: &str, normalize: bool) -> Result<String, JsValue> {
    convert::fingerprint(schema, schema_type, normalize).map_err(JsValue::from)
}

#[wasm_bindgen]
impl CompiledValidator {
    /// A model's raw output checked against this schema, as JSON text (see
    /// `registry_core::llm::check_output`).
    #[wasm_bindgen(js_name = checkOutput)]
    pub fn check_output(&self, text: &str) -> String {
        llm::check_output(&self.inner, text)
    }

    /// A streaming validator sharing this compiled schema (JSON Schema only).
    pub fn stream(&self) -> Result<StreamingValidator, JsValue> {
        let text = self.json_text.as_deref().ok_or_else(|| {
            JsValue::from(convert::BindingError::new(
                "INVALID_ARGUMENT",
                "streams are for JSON Schema",
            ))
        })?;
        if self.document.get().is_none() {
            let _ = self.document.set(llm::document(text)?);
        }
        let document = self.document.get().expect("set above").clone();
        let inner = registry_core::llm::StreamValidator::new(document, self.inner.clone());
        Ok(StreamingValidator { inner })
    }
}

/// A model's raw output checked by JavaScript functions (the generated validator's): see
/// `llm::check_output_by`.
#[wasm_bindgen(js_name = checkOutputWith)]
pub fn check_output_with(
    text: &str,
    is_valid: &js_sys::Function,
    validate: &js_sys::Function,
) -> String {
    let call = |f: &js_sys::Function, json: &str| f.call1(&JsValue::NULL, &JsValue::from_str(json));
    llm::check_output_by(
        text,
        |json| call(is_valid, json).is_ok_and(|v| v.as_bool() == Some(true)),
        |json| call(validate, json).ok().and_then(|v| v.as_string()),
    )
}

/// The diagnostics of a JSON Schema under an LLM provider's profile, as JSON text.
#[wasm_bindgen(js_name = llmLint)]
pub fn llm_lint(schema: &str, provider: &str) -> Result<String, JsValue> {
    llm::lint(schema, provider).map_err(JsValue::from)
}

/// The schema made to fit the profile, or the diagnostics, as JSON text.
#[wasm_bindgen(js_name = llmTransform)]
pub fn llm_transform(schema: &str, provider: &str) -> Result<String, JsValue> {
    llm::transform(schema, provider).map_err(JsValue::from)
}

/// The provider's request fragment, or the diagnostics, as JSON text.
#[wasm_bindgen(js_name = llmExport)]
pub fn llm_export(
    schema: &str,
    provider: &str,
    usage: &str,
    name: &str,
    description: &str,
) -> Result<String, JsValue> {
    llm::export(schema, provider, usage, name, description).map_err(JsValue::from)
}

/// The profiles and their rules, as JSON text.
#[wasm_bindgen(js_name = llmProfiles)]
pub fn llm_profiles() -> String {
    llm::profiles()
}

/// A validator fed a model's output as it streams.
#[wasm_bindgen]
pub struct StreamingValidator {
    inner: registry_core::llm::StreamValidator,
}

#[wasm_bindgen]
impl StreamingValidator {
    #[wasm_bindgen(constructor)]
    pub fn new(schema: &str) -> Result<StreamingValidator, JsValue> {
        llm::stream(schema)
            .map(|inner| Self { inner })
            .map_err(JsValue::from)
    }

    /// The first error so far as JSON text (`null`: none yet).
    pub fn push(&mut self, chunk: &str) -> String {
        llm::stream_push(&mut self.inner, chunk)
    }

    /// The verdict as JSON text.
    pub fn finish(&mut self) -> String {
        llm::stream_finish(&mut self.inner)
    }
}
