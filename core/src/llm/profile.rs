//! What a provider accepts, as data: the types, keywords, formats, shape rules and limits of
//! one provider's dialect of JSON Schema, and the documentation each rule comes from. The
//! lint, the transform and the export read these tables and nothing else, so a provider's
//! rules live in one place (its own file) and are the same at the origin, the edge and in the
//! npm package.

/// How a provider takes `$ref`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refs {
    /// No `$ref` at all: references are inlined.
    None,
    /// Local references (`#/...`), none on a cycle.
    Acyclic,
    /// Local references, cycles included.
    Recursive,
    /// Local references; a cycle only through a property that is not required.
    RecursiveOptional,
}

/// How a provider says "or null".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nullable {
    /// `"type": ["string", "null"]` (or an `anyOf` branch `{"type": "null"}`).
    TypeArray,
    /// `"nullable": true` (the OpenAPI 3.0 style).
    Keyword,
}

/// Which values an `enum` may list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumValues {
    Any,
    /// Strings, numbers, booleans and null.
    Primitives,
    /// Strings and numbers.
    StringsAndNumbers,
}

/// Size limits of one schema (`None`: no documented limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    /// Levels of object nesting, the root object being level 1.
    pub depth: Option<usize>,
    /// Object properties, counted over the whole schema.
    pub properties: Option<usize>,
    /// Enum values, counted over the whole schema.
    pub enum_values: Option<usize>,
    /// Total length of property names, definition names, enum and const values.
    pub string_length: Option<usize>,
    /// An enum with more than `.0` string values may total at most `.1` characters.
    pub large_enum: Option<(usize, usize)>,
    /// Properties not listed in `required`, counted over the whole schema.
    pub optional: Option<usize>,
    /// Schemas with an `anyOf` or a type array, counted over the whole schema.
    pub unions: Option<usize>,
}

impl Limits {
    /// No documented limit.
    pub const NONE: Self = Self {
        depth: None,
        properties: None,
        enum_values: None,
        string_length: None,
        large_enum: None,
        optional: None,
        unions: None,
    };
}

/// The JSON types, for profiles that take them all.
pub const JSON_TYPES: &[&str] = &[
    "string", "number", "integer", "boolean", "object", "array", "null",
];

/// One rule of a profile, as its documentation states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The rule's id, as diagnostics name it.
    pub id: &'static str,
    pub text: &'static str,
    /// Where the provider documents it.
    pub source: &'static str,
}

/// The request shape a profile's schemas are sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    OpenAi,
    AnthropicStrict,
    AnthropicTools,
    GeminiJsonSchema,
    GeminiOpenApi,
    Mcp,
}

/// One provider's dialect of JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// The profile's id (`openai-strict`, ...).
    pub id: &'static str,
    pub wire: Wire,
    /// The provider's name in URLs (`openai`, ...).
    pub provider: &'static str,
    /// What it is for, in a few words.
    pub target: &'static str,
    pub types: &'static [&'static str],
    /// Every keyword allowed; anything else is reported.
    pub keywords: &'static [&'static str],
    /// The allowed `format`s (`None`: any).
    pub formats: Option<&'static [&'static str]>,
    /// The root must be an object schema.
    pub root_object: bool,
    /// The root may be an `anyOf`.
    pub root_any_of: bool,
    /// Every object must say `"additionalProperties": false`.
    pub closed_objects: bool,
    /// Every property must be listed in `required`.
    pub all_required: bool,
    pub refs: Refs,
    /// `$ref` may have sibling keywords (other than `$`-keywords).
    pub ref_siblings: bool,
    pub nullable: Nullable,
    pub enum_values: EnumValues,
    /// The largest `minItems` allowed.
    pub max_min_items: Option<u64>,
    /// Type names are written in capitals (`STRING`), as Gemini's OpenAPI schema has them.
    pub upper_case_types: bool,
    pub limits: Limits,
    /// The rules above, each with its source.
    pub rules: &'static [Rule],
}

impl Profile {
    /// Whether `keyword` is allowed.
    pub fn allows(&self, keyword: &str) -> bool {
        self.keywords.contains(&keyword)
    }

    /// Whether `format` is allowed.
    pub fn allows_format(&self, format: &str) -> bool {
        self.formats.is_none_or(|f| f.contains(&format))
    }

    /// The rule `id` of this profile.
    pub fn rule(&self, id: &str) -> Option<&'static Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Where definitions go: `$defs` unless only `definitions` is allowed.
    pub fn defs_keyword(&self) -> &'static str {
        if !self.allows("$defs") && self.allows("definitions") {
            "definitions"
        } else {
            "$defs"
        }
    }
}

/// Every profile.
pub const PROFILES: &[&Profile] = &[
    &super::openai::STRICT,
    &super::anthropic::STRICT,
    &super::anthropic::TOOLS,
    &super::gemini::JSON_SCHEMA,
    &super::gemini::OPENAPI,
    &super::mcp::TOOLS,
];

/// The profile named `name`: a profile id, or a provider's name for its default profile
/// (`openai` is `openai-strict`, `anthropic` is `anthropic-strict`, `gemini` its JSON Schema
/// profile, `mcp` the MCP tool schema).
pub fn find(name: &str) -> Option<&'static Profile> {
    let by_id = PROFILES.iter().find(|p| p.id.eq_ignore_ascii_case(name));
    by_id
        .or_else(|| {
            PROFILES
                .iter()
                .find(|p| p.provider.eq_ignore_ascii_case(name))
        })
        .copied()
}

/// Every profile with its rules and their sources, as the API and the package list them.
pub fn catalogue() -> serde_json::Value {
    let list: Vec<serde_json::Value> = PROFILES
        .iter()
        .map(|p| {
            let rules: Vec<serde_json::Value> = p
                .rules
                .iter()
                .map(|r| serde_json::json!({"id": r.id, "text": r.text, "source": r.source}))
                .collect();
            serde_json::json!({"id": p.id, "provider": p.provider, "target": p.target, "rules": rules})
        })
        .collect();
    serde_json::Value::Array(list)
}

/// The names [`find`] knows, for error messages.
pub fn names() -> String {
    PROFILES.iter().map(|p| p.id).collect::<Vec<_>>().join(", ")
}
