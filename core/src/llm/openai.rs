//! OpenAI's strict mode: Structured Outputs (`response_format` of type `json_schema` with
//! `strict: true`) and strict function tools (`"strict": true`) accept the same subset of JSON
//! Schema. Source: the Structured Outputs guide, section "Supported schemas".

use super::profile::{EnumValues, JSON_TYPES, Limits, Nullable, Profile, Refs, Rule, Wire};

const GUIDE: &str = "https://platform.openai.com/docs/guides/structured-outputs#supported-schemas";

pub const STRICT: Profile = Profile {
    id: "openai-strict",
    wire: Wire::OpenAi,
    provider: "openai",
    target: "response_format json_schema (strict) and strict function tools",
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
        "$ref",
        "$defs",
        "description",
        "title",
        "pattern",
        "format",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "minItems",
        "maxItems",
    ],
    formats: Some(&[
        "date-time",
        "time",
        "date",
        "duration",
        "email",
        "hostname",
        "ipv4",
        "ipv6",
        "uuid",
    ]),
    root_object: true,
    root_any_of: false,
    closed_objects: true,
    all_required: true,
    refs: Refs::Recursive,
    ref_siblings: false,
    nullable: Nullable::TypeArray,
    enum_values: EnumValues::Primitives,
    max_min_items: None,
    upper_case_types: false,
    limits: Limits {
        depth: Some(10),
        properties: Some(5000),
        enum_values: Some(1000),
        string_length: Some(120_000),
        large_enum: Some((250, 15_000)),
        optional: None,
        unions: None,
    },
    rules: &[
        Rule {
            id: "root-object",
            text: "the root must be an object, not anyOf",
            source: GUIDE,
        },
        Rule {
            id: "type",
            text: "types: string, number, integer, boolean, object, array, null (with enum and anyOf)",
            source: GUIDE,
        },
        Rule {
            id: "keyword",
            text: "supported properties only: pattern and format for strings; multipleOf, maximum, exclusiveMaximum, minimum, exclusiveMinimum for numbers; minItems and maxItems for arrays; not allOf, not, if/then/else, dependentRequired, dependentSchemas, patternProperties, minLength, maxLength, default",
            source: GUIDE,
        },
        Rule {
            id: "format",
            text: "formats: date-time, time, date, duration, email, hostname, ipv4, ipv6, uuid",
            source: GUIDE,
        },
        Rule {
            id: "closed-object",
            text: "additionalProperties: false must always be set in objects",
            source: GUIDE,
        },
        Rule {
            id: "free-form",
            text: "objects with arbitrary keys (additionalProperties other than false, maps) cannot be expressed",
            source: GUIDE,
        },
        Rule {
            id: "all-required",
            text: "all fields must be required; emulate an optional field with a union with null",
            source: GUIDE,
        },
        Rule {
            id: "ref",
            text: "definitions ($defs) and local $ref are supported, recursion included",
            source: GUIDE,
        },
        Rule {
            id: "ref-siblings",
            text: "a $ref cannot carry other keywords",
            source: "https://github.com/openai/openai-python/blob/main/src/openai/lib/_pydantic.py",
        },
        Rule {
            id: "enum-values",
            text: "enum values are strings, numbers, booleans or null",
            source: GUIDE,
        },
        Rule {
            id: "boolean-schema",
            text: "every schema names its type: true, false and {} cannot be expressed",
            source: GUIDE,
        },
        Rule {
            id: "depth",
            text: "up to 10 levels of nesting",
            source: GUIDE,
        },
        Rule {
            id: "properties-total",
            text: "up to 5000 object properties in total",
            source: GUIDE,
        },
        Rule {
            id: "enum-total",
            text: "up to 1000 enum values across all enum properties",
            source: GUIDE,
        },
        Rule {
            id: "string-total",
            text: "the total string length of property names, definition names, enum and const values cannot exceed 120,000 characters",
            source: GUIDE,
        },
        Rule {
            id: "large-enum",
            text: "a string enum with more than 250 values totals at most 15,000 characters",
            source: GUIDE,
        },
    ],
};
