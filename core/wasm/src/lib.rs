//! WebAssembly bindings of the core for the npm package `llm-schema-registry`.
//!
//! Thin by design: values cross the boundary as JSON text (faster than converting JS objects
//! field by field), [`convert`] does the work in plain Rust, and this file only maps results
//! and errors to JS. The package's JavaScript (`js/`) adds the friendly API and the registry
//! client.

pub mod convert;

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
        convert::compile(schema, schema_type, references_json)
            .map(|inner| Self { inner })
            .map_err(JsValue::from)
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
