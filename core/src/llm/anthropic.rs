//! Anthropic: structured outputs (`output_config.format` of type `json_schema`) and strict tool
//! use (`"strict": true` on a tool) share one subset of JSON Schema; plain tools take any JSON
//! Schema object as `input_schema`. Sources: the structured outputs guide, "JSON Schema
//! limitations", and the tool use guide.

use super::profile::{EnumValues, JSON_TYPES, Limits, Nullable, Profile, Refs, Rule, Wire};

const GUIDE: &str = "https://platform.claude.com/docs/en/build-with-claude/structured-outputs#json-schema-limitations";
const TOOLS_GUIDE: &str =
    "https://platform.claude.com/docs/en/agents-and-tools/tool-use/implement-tool-use";

pub const STRICT: Profile = Profile {
    id: "anthropic-strict",
    wire: Wire::AnthropicStrict,
    provider: "anthropic",
    target: "output_config.format json_schema and strict tools",
    types: JSON_TYPES,
    keywords: &[
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "anyOf",
        "allOf",
        "$ref",
        "$defs",
        "definitions",
        "description",
        "title",
        "default",
        "format",
        "pattern",
        "minItems",
    ],
    formats: Some(&[
        "date-time",
        "time",
        "date",
        "duration",
        "email",
        "hostname",
        "uri",
        "ipv4",
        "ipv6",
        "uuid",
    ]),
    root_object: true,
    root_any_of: false,
    closed_objects: true,
    all_required: false,
    refs: Refs::Acyclic,
    ref_siblings: true,
    nullable: Nullable::TypeArray,
    enum_values: EnumValues::Primitives,
    max_min_items: Some(1),
    upper_case_types: false,
    limits: Limits {
        optional: Some(24),
        unions: Some(16),
        ..Limits::NONE
    },
    rules: &[
        Rule {
            id: "root-object",
            text: "a tool's input_schema and a json_schema output format are objects",
            source: TOOLS_GUIDE,
        },
        Rule {
            id: "type",
            text: "all basic types: object, array, string, integer, number, boolean, null",
            source: GUIDE,
        },
        Rule {
            id: "keyword",
            text: "not supported: numerical constraints (minimum, maximum, multipleOf), string constraints (minLength, maxLength), array constraints beyond minItems 0 or 1, oneOf, not, if/then/else",
            source: GUIDE,
        },
        Rule {
            id: "format",
            text: "formats: date-time, time, date, duration, email, hostname, uri, ipv4, ipv6, uuid",
            source: GUIDE,
        },
        Rule {
            id: "closed-object",
            text: "additionalProperties must be set to false for objects",
            source: GUIDE,
        },
        Rule {
            id: "free-form",
            text: "additionalProperties set to anything other than false is not supported",
            source: GUIDE,
        },
        Rule {
            id: "ref",
            text: "$ref, $defs and definitions are supported (no external $ref)",
            source: GUIDE,
        },
        Rule {
            id: "recursion",
            text: "recursive schemas are not supported",
            source: GUIDE,
        },
        Rule {
            id: "enum-values",
            text: "enum values are strings, numbers, booleans or null (no complex types)",
            source: GUIDE,
        },
        Rule {
            id: "min-items",
            text: "minItems only 0 or 1",
            source: GUIDE,
        },
        Rule {
            id: "boolean-schema",
            text: "every schema names its type: true, false and {} cannot be expressed",
            source: GUIDE,
        },
        Rule {
            id: "optional-total",
            text: "at most 24 optional parameters across the strict schemas of a request",
            source: GUIDE,
        },
        Rule {
            id: "unions-total",
            text: "at most 16 parameters with anyOf or type arrays across the strict schemas of a request",
            source: GUIDE,
        },
    ],
};

pub const TOOLS: Profile = Profile {
    id: "anthropic-tools",
    wire: Wire::AnthropicTools,
    provider: "anthropic",
    target: "tools input_schema (not strict)",
    types: JSON_TYPES,
    keywords: super::mcp::ALL_KEYWORDS,
    formats: None,
    root_object: true,
    root_any_of: false,
    closed_objects: false,
    all_required: false,
    refs: Refs::Recursive,
    ref_siblings: true,
    nullable: Nullable::TypeArray,
    enum_values: EnumValues::Any,
    max_min_items: None,
    upper_case_types: false,
    limits: Limits::NONE,
    rules: &[
        Rule {
            id: "root-object",
            text: "input_schema is a JSON Schema object (type object)",
            source: TOOLS_GUIDE,
        },
        Rule {
            id: "type",
            text: "JSON Schema types",
            source: TOOLS_GUIDE,
        },
        Rule {
            id: "keyword",
            text: "JSON Schema keywords",
            source: TOOLS_GUIDE,
        },
        Rule {
            id: "ref",
            text: "local references",
            source: TOOLS_GUIDE,
        },
    ],
};
