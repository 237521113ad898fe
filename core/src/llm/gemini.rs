//! Google Gemini: `responseJsonSchema` (and a function declaration's `parametersJsonSchema`)
//! take a subset of JSON Schema; `responseSchema` (and `parameters`) take the older Schema
//! object, a subset of OpenAPI 3.0. Sources: the API reference of `GenerationConfig` and of
//! `Schema`, and the structured output guide.

use super::profile::{EnumValues, JSON_TYPES, Limits, Nullable, Profile, Refs, Rule, Wire};

const CONFIG: &str = "https://ai.google.dev/api/generate-content#FIELDS.response_json_schema";
const SCHEMA: &str = "https://ai.google.dev/api/caching#Schema";
const GUIDE: &str = "https://ai.google.dev/gemini-api/docs/structured-output";

pub const JSON_SCHEMA: Profile = Profile {
    id: "gemini",
    wire: Wire::GeminiJsonSchema,
    provider: "gemini",
    target: "responseJsonSchema and parametersJsonSchema",
    types: JSON_TYPES,
    keywords: &[
        "$id",
        "$defs",
        "$ref",
        "$anchor",
        "type",
        "format",
        "title",
        "description",
        "enum",
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "minimum",
        "maximum",
        "anyOf",
        "oneOf",
        "properties",
        "additionalProperties",
        "required",
        "propertyOrdering",
    ],
    formats: None,
    root_object: false,
    root_any_of: true,
    closed_objects: false,
    all_required: false,
    refs: Refs::RecursiveOptional,
    ref_siblings: false,
    nullable: Nullable::TypeArray,
    enum_values: EnumValues::StringsAndNumbers,
    max_min_items: None,
    upper_case_types: false,
    limits: Limits::NONE,
    rules: &[
        Rule {
            id: "type",
            text: "JSON Schema types",
            source: CONFIG,
        },
        Rule {
            id: "keyword",
            text: "only $id, $defs, $ref, $anchor, type, format, title, description, enum, items, prefixItems, minItems, maxItems, minimum, maximum, anyOf, oneOf (as anyOf), properties, additionalProperties, required and propertyOrdering",
            source: CONFIG,
        },
        Rule {
            id: "enum-values",
            text: "enum for strings and numbers",
            source: CONFIG,
        },
        Rule {
            id: "ref",
            text: "local $ref into $defs",
            source: CONFIG,
        },
        Rule {
            id: "ref-siblings",
            text: "a sub-schema with $ref has no other properties except those starting with $",
            source: CONFIG,
        },
        Rule {
            id: "recursion",
            text: "cyclic references only within non-required properties (nullable is not enough)",
            source: CONFIG,
        },
        Rule {
            id: "boolean-schema",
            text: "a schema is an object",
            source: CONFIG,
        },
    ],
};

pub const OPENAPI: Profile = Profile {
    id: "gemini-schema",
    wire: Wire::GeminiOpenApi,
    provider: "gemini",
    target: "responseSchema and function parameters (OpenAPI 3.0 Schema subset)",
    types: JSON_TYPES,
    keywords: &[
        "type",
        "format",
        "title",
        "description",
        "nullable",
        "enum",
        "maxItems",
        "minItems",
        "properties",
        "required",
        "minProperties",
        "maxProperties",
        "minLength",
        "maxLength",
        "pattern",
        "example",
        "anyOf",
        "propertyOrdering",
        "default",
        "items",
        "minimum",
        "maximum",
    ],
    formats: Some(&["enum", "date-time", "float", "double", "int32", "int64"]),
    root_object: false,
    root_any_of: true,
    closed_objects: false,
    all_required: false,
    refs: Refs::None,
    ref_siblings: false,
    nullable: Nullable::Keyword,
    enum_values: EnumValues::StringsAndNumbers,
    max_min_items: None,
    upper_case_types: true,
    limits: Limits::NONE,
    rules: &[
        Rule {
            id: "type",
            text: "a single type per schema (STRING, INTEGER, NUMBER, BOOLEAN, ARRAY, OBJECT, NULL); null as nullable: true",
            source: SCHEMA,
        },
        Rule {
            id: "keyword",
            text: "only the Schema object's fields: type, format, title, description, nullable, enum, maxItems, minItems, properties, required, minProperties, maxProperties, minLength, maxLength, pattern, example, anyOf, propertyOrdering, default, items, minimum, maximum",
            source: SCHEMA,
        },
        Rule {
            id: "format",
            text: "formats: enum and date-time for strings, float and double for numbers, int32 and int64 for integers",
            source: GUIDE,
        },
        Rule {
            id: "enum-values",
            text: "enum values of a primitive type",
            source: SCHEMA,
        },
        Rule {
            id: "ref",
            text: "no references: a Schema is a tree",
            source: SCHEMA,
        },
        Rule {
            id: "recursion",
            text: "no recursion (a Schema is a tree)",
            source: SCHEMA,
        },
        Rule {
            id: "boolean-schema",
            text: "a schema is an object",
            source: SCHEMA,
        },
    ],
};
