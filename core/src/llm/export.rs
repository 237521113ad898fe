//! Export: a schema as the request fragment a provider takes, ready to send — the schema made
//! to fit the profile first ([`super::transform`]), then wrapped as the provider's
//! `response_format` (or its equivalent) or tool definition.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::lint::Diagnostic;
use super::profile::{Profile, Wire};
use super::transform::{Change, transform};

/// What the schema is used as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Usage {
    /// The shape of the model's answer (OpenAI `response_format`, Anthropic
    /// `output_config.format`, Gemini `responseJsonSchema`, MCP `outputSchema`).
    ResponseFormat,
    /// A tool's (function's) arguments.
    Tool,
}

impl Usage {
    /// `response_format` (also `output`), `tool` (also `function`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "response_format" | "output" | "structured_output" => Some(Self::ResponseFormat),
            "tool" | "function" => Some(Self::Tool),
            _ => None,
        }
    }
}

/// How to name and describe the export.
#[derive(Debug, Clone, Default)]
pub struct Naming<'a> {
    /// An explicit name (the request's); else the schema's `title`; else `fallback`.
    pub name: Option<&'a str>,
    /// An explicit description; else the schema's `description`; else its `title`.
    pub description: Option<&'a str>,
    /// The name when nothing else gives one (the subject).
    pub fallback: &'a str,
}

/// A fragment, and what the transform changed to make the schema fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exported {
    pub fragment: Value,
    pub changes: Vec<Change>,
}

/// `schema` as `profile`'s provider takes it, used as `usage`.
///
/// # Errors
/// The diagnostics when the schema cannot be made to fit, or a `usage` the provider has no
/// place for (plain Anthropic tools have no response format).
pub fn export(
    schema: &Value,
    profile: &Profile,
    usage: Usage,
    naming: &Naming<'_>,
) -> Result<Exported, Vec<Diagnostic>> {
    if profile.wire == Wire::AnthropicTools && usage == Usage::ResponseFormat {
        return Err(vec![Diagnostic {
            path: String::new(),
            rule: "usage".into(),
            message: format!(
                "{} is for tools; structured outputs use anthropic-strict",
                profile.id
            ),
            fix: "export with as=tool, or with the anthropic-strict profile".into(),
            fixable: false,
        }]);
    }
    let fitted = transform(schema, profile)?;
    let name = tool_name(
        naming
            .name
            .or_else(|| title(schema))
            .unwrap_or(naming.fallback),
    );
    let description = naming
        .description
        .map(str::to_owned)
        .or_else(|| text(schema, "description"))
        .or_else(|| text(schema, "title"));
    let fragment = wrap(profile.wire, usage, &name, description, fitted.schema);
    Ok(Exported {
        fragment,
        changes: fitted.changes,
    })
}

fn title(schema: &Value) -> Option<&str> {
    schema
        .get("title")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
}

fn text(schema: &Value, key: &str) -> Option<String> {
    schema
        .get(key)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A name every provider takes: letters, digits, `_` and `-`, at most 64 characters.
pub fn tool_name(raw: &str) -> String {
    let name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if name.is_empty() {
        "schema".into()
    } else {
        name
    }
}

fn wrap(wire: Wire, usage: Usage, name: &str, description: Option<String>, schema: Value) -> Value {
    let mut head = Map::new();
    head.insert("name".into(), json!(name));
    if let Some(d) = description {
        head.insert("description".into(), json!(d));
    }
    let with = |mut head: Map<String, Value>, fields: Vec<(&str, Value)>| {
        for (k, v) in fields {
            head.insert(k.into(), v);
        }
        Value::Object(head)
    };
    match (wire, usage) {
        (Wire::OpenAi, Usage::ResponseFormat) => json!({
            "type": "json_schema",
            "json_schema": with(head, vec![("strict", json!(true)), ("schema", schema)]),
        }),
        (Wire::OpenAi, Usage::Tool) => json!({
            "type": "function",
            "function": with(head, vec![("parameters", schema), ("strict", json!(true))]),
        }),
        (Wire::AnthropicStrict, Usage::ResponseFormat) => {
            json!({"type": "json_schema", "schema": schema})
        }
        (Wire::AnthropicStrict, Usage::Tool) => with(
            head,
            vec![("input_schema", schema), ("strict", json!(true))],
        ),
        (Wire::AnthropicTools, _) => with(head, vec![("input_schema", schema)]),
        (Wire::GeminiJsonSchema, Usage::ResponseFormat) => {
            json!({"responseMimeType": "application/json", "responseJsonSchema": schema})
        }
        (Wire::GeminiJsonSchema, Usage::Tool) => json!({
            "functionDeclarations": [with(head, vec![("parametersJsonSchema", schema)])],
        }),
        (Wire::GeminiOpenApi, Usage::ResponseFormat) => {
            json!({"responseMimeType": "application/json", "responseSchema": schema})
        }
        (Wire::GeminiOpenApi, Usage::Tool) => json!({
            "functionDeclarations": [with(head, vec![("parameters", schema)])],
        }),
        (Wire::Mcp, Usage::Tool) => with(head, vec![("inputSchema", schema)]),
        (Wire::Mcp, Usage::ResponseFormat) => with(
            head,
            vec![
                ("inputSchema", json!({"type": "object", "properties": {}})),
                ("outputSchema", schema),
            ],
        ),
    }
}
