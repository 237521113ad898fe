//! The Confluent Schema Registry REST API: request and response bodies and error codes, defined
//! once for the origin, the edge and the npm package.
//!
//! Shapes follow Confluent's: camelCase keys, `schemaType` omitted for AVRO, `references` omitted
//! when empty. Fields the registry does not interpret (`metadata`, `ruleSet`, and any other) are
//! kept and returned, never rejected.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config::ConfigFields;
use crate::types::{SchemaReference, SchemaType};

/// The error body: exactly `{"error_code": N, "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error_code: u32,
    pub message: String,
}

/// Confluent's error codes (the HTTP status each maps to is decided in the origin's
/// `http::error`, the one place errors become responses).
pub mod codes {
    pub const UNAUTHORIZED: u32 = 40101;
    pub const FORBIDDEN: u32 = 40301;
    pub const NOT_FOUND: u32 = 404;
    pub const SUBJECT_NOT_FOUND: u32 = 40401;
    pub const VERSION_NOT_FOUND: u32 = 40402;
    pub const SCHEMA_NOT_FOUND: u32 = 40403;
    pub const SUBJECT_SOFT_DELETED: u32 = 40404;
    pub const SUBJECT_NOT_SOFT_DELETED: u32 = 40405;
    pub const VERSION_SOFT_DELETED: u32 = 40406;
    pub const VERSION_NOT_SOFT_DELETED: u32 = 40407;
    pub const SUBJECT_COMPATIBILITY_NOT_CONFIGURED: u32 = 40408;
    pub const SUBJECT_MODE_NOT_CONFIGURED: u32 = 40409;
    /// Not published by Confluent; this registry's.
    pub const ASSOCIATION_NOT_FOUND: u32 = 40413;
    pub const NOT_ACCEPTABLE: u32 = 406;
    /// Confluent since 8.0.4 / 8.1.2 / 8.2.0 (409 before).
    pub const INCOMPATIBLE_SCHEMA: u32 = 40901;
    pub const ASSOCIATION_EXISTS: u32 = 40911;
    /// Not published by Confluent; this registry's.
    pub const ASSOCIATION_FROZEN: u32 = 40913;
    pub const PAYLOAD_TOO_LARGE: u32 = 41301;
    pub const UNSUPPORTED_MEDIA_TYPE: u32 = 41501;
    pub const UNPROCESSABLE: u32 = 422;
    pub const INVALID_SCHEMA: u32 = 42201;
    pub const INVALID_VERSION: u32 = 42202;
    pub const INVALID_COMPATIBILITY_LEVEL: u32 = 42203;
    pub const INVALID_MODE: u32 = 42204;
    pub const OPERATION_NOT_PERMITTED: u32 = 42205;
    pub const REFERENCE_EXISTS: u32 = 42206;
    pub const INVALID_SUBJECT: u32 = 42208;
    pub const SCHEMA_TOO_LARGE: u32 = 42209;
    pub const NESTING_TOO_DEEP: u32 = 42210;
    pub const CONTEXT_NOT_EMPTY: u32 = 42211;
    pub const INVALID_ASSOCIATION: u32 = 42212;
    /// An extension: the schema does not fit an LLM profile (the body lists `diagnostics`).
    pub const DOES_NOT_FIT: u32 = 42213;
    /// The DEK registry's (Confluent's `DekRegistryErrors`).
    pub const KEY_NOT_FOUND: u32 = 40470;
    pub const KEY_NOT_SOFT_DELETED: u32 = 40471;
    pub const KEY_SOFT_DELETED: u32 = 40472;
    pub const KEY_EXISTS: u32 = 40971;
    pub const TOO_MANY_KEYS: u32 = 40972;
    pub const INVALID_KEY: u32 = 42271;
    pub const KEY_REFERENCE_EXISTS: u32 = 42272;
    pub const DEK_GENERATION: u32 = 50070;
    pub const RATE_LIMITED: u32 = 42901;
    pub const INTERNAL: u32 = 50001;
    pub const STORE_ERROR: u32 = 50001;
    pub const TIMEOUT: u32 = 50002;
    pub const FORWARDING: u32 = 50003;
    pub const UNAVAILABLE: u32 = 50301;
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
/// The request content types the API accepts for a body: the registry's own, plain JSON, and
/// octet-stream (read as JSON), as Confluent's server does. A body must declare one (none of
/// them is a type a browser page of another site may send without asking).
pub const ACCEPTED_CONTENT_TYPES: [&str; 4] = [
    "application/vnd.schemaregistry.v1+json",
    "application/vnd.schemaregistry+json",
    "application/json",
    "application/octet-stream",
];

/// Whether a request `Content-Type` header value is one the API accepts (parameters ignored).
pub fn accepts_content_type(header: &str) -> bool {
    let essence = header
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    ACCEPTED_CONTENT_TYPES.contains(&essence.as_str())
}

/// A list that may be sent as `null`.
pub(crate) fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
fn is_avro(t: &SchemaType) -> bool {
    *t == SchemaType::Avro
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
fn is_false(b: &bool) -> bool {
    !*b
}

/// `POST /subjects/{s}/versions` and `POST /subjects/{s}` (lookup) body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RegisterSchemaRequest {
    /// Missing reads as empty, which the API refuses as "Empty schema" (42201), as Confluent.
    #[serde(default)]
    pub schema: String,
    #[serde(default)]
    pub schema_type: Option<String>,
    /// `null` reads as none.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub references: Vec<SchemaReference>,
    /// Only in IMPORT mode: the id to register the schema under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Only in IMPORT mode: the version to register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<Value>,
    /// Any other field, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /subjects/{s}/versions` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterSchemaResponse {
    pub id: i64,
    pub version: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
    #[serde(default, skip_serializing_if = "is_avro")]
    pub schema_type: SchemaType,
    pub schema: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<SchemaReference>,
    /// When the version was registered, in milliseconds since 1970.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<i64>,
}

/// `GET /schemas/ids/{id}` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaById {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
    #[serde(default, skip_serializing_if = "is_avro")]
    pub schema_type: SchemaType,
    pub schema: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<SchemaReference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<Value>,
}

/// `GET /subjects/{s}/versions/{v}`, lookup and `GET /schemas` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectVersion {
    pub subject: String,
    pub version: i32,
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
    #[serde(default, skip_serializing_if = "is_avro")]
    pub schema_type: SchemaType,
    pub schema: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<SchemaReference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<Value>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deleted: bool,
    /// When the version's record was last written, in milliseconds since 1970: when it was
    /// registered, unless `createTs` is there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<i64>,
    /// When the version was registered, when its record was rewritten since (a soft delete).
    #[serde(default, rename = "createTs", skip_serializing_if = "Option::is_none")]
    pub create_ts: Option<i64>,
}

/// `GET /schemas/ids/{id}/versions` item and `GET .../referencedby` pairs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectVersionPair {
    pub subject: String,
    pub version: i32,
}

/// `GET /config` response: the level and whatever other field is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ConfigResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_level: Option<String>,
    #[serde(flatten)]
    pub fields: ConfigFields,
}

/// `PUT /config` body (and response: the request, echoed, as Confluent does). Only the fields
/// sent change; the level may be sent as `compatibility` or `compatibilityLevel`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ConfigUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_level: Option<String>,
    #[serde(flatten)]
    pub fields: ConfigFields,
}

impl ConfigUpdate {
    /// The level sent, under either name.
    pub fn level(&self) -> Option<&str> {
        self.compatibility
            .as_deref()
            .or(self.compatibility_level.as_deref())
    }
}

/// `GET/PUT /mode` body and response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModeBody {
    pub mode: String,
}

/// `POST /compatibility/...` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompatibilityResponse {
    pub is_compatible: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<String>>,
}

/// `POST .../validate` response: one result per payload, in order; for a model's raw output
/// (`{"output": "..."}`), one result for the value found in it, where it was found, the value,
/// and a `repair` text for a retry prompt when it is not valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidateResponse {
    pub results: Vec<ValidateResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<crate::llm::output::Located>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair: Option<String>,
}

impl ValidateResponse {
    /// The answer to a validate request with `body`: the model output it carries
    /// (`{"output": "<text>"}`, the only key, a string), else its payloads.
    pub fn answer(validator: &crate::Validator, body: Value) -> Self {
        if let Value::Object(obj) = &body
            && obj.len() == 1
            && let Some(Value::String(text)) = obj.get("output")
        {
            let report = crate::llm::check_output(text, validator);
            return Self {
                results: vec![ValidateResult {
                    valid: report.valid,
                    errors: report.errors,
                }],
                output: Some(report.output),
                value: report.value,
                repair: report.repair,
            };
        }
        let results = validate_payloads(body)
            .iter()
            .map(|payload| {
                let errors = validator.validate(payload);
                ValidateResult {
                    valid: errors.is_empty(),
                    errors,
                }
            })
            .collect();
        Self {
            results,
            output: None,
            value: None,
            repair: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidateResult {
    pub valid: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<crate::issue::ValidationIssue>,
}

/// The payloads of a validate request: `{"payloads": [...]}` for a batch, anything else is one.
pub fn validate_payloads(body: Value) -> Vec<Value> {
    match body {
        Value::Object(mut obj)
            if obj.len() == 1 && matches!(obj.get("payloads"), Some(Value::Array(_))) =>
        {
            match obj.remove("payloads") {
                Some(Value::Array(items)) => items,
                _ => unreachable!("checked above"),
            }
        }
        other => vec![other],
    }
}

/// Registry modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Mode {
    #[default]
    Readwrite,
    Readonly,
    ReadonlyOverride,
    Import,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Readwrite => "READWRITE",
            Self::Readonly => "READONLY",
            Self::ReadonlyOverride => "READONLY_OVERRIDE",
            Self::Import => "IMPORT",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Readwrite,
            Self::Readonly,
            Self::ReadonlyOverride,
            Self::Import,
        ]
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_kept() {
        let body = json!({"schema": "\"int\"", "metadata": {"tags": {"a": ["b"]}}, "future": 1});
        let req: RegisterSchemaRequest = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(req.extra.get("future"), Some(&json!(1)));
        assert_eq!(serde_json::to_value(&req).unwrap()["future"], 1);
        assert_eq!(req.metadata, Some(json!({"tags": {"a": ["b"]}})));
    }

    #[test]
    fn avro_type_is_omitted_like_confluent() {
        let body = SchemaById {
            guid: None,
            schema_type: SchemaType::Avro,
            schema: "\"int\"".into(),
            references: vec![],
            metadata: None,
            rule_set: None,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"schema":"\"int\""}"#
        );
    }

    #[test]
    fn payload_batches() {
        assert_eq!(
            validate_payloads(json!({"payloads": [1, 2]})),
            vec![json!(1), json!(2)]
        );
        assert_eq!(validate_payloads(json!({"a": 1})), vec![json!({"a": 1})]);
    }
}
