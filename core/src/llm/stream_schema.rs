//! What one schema node allows a streamed value, read from its own keywords only: the kinds
//! of value it can take, the node of a property or an item, and the checks on a finished
//! scalar or a string still being read. Each is a necessary condition, so a prefix of a valid
//! document always passes.

use serde_json::Value;

use crate::pointer::escape;

/// A schema node: a JSON pointer into the schema, `None` when anything goes.
pub(super) type Node = Option<String>;

/// JSON value kinds, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Object = 1,
    Array = 2,
    String = 4,
    Number = 8,
    Boolean = 16,
    Null = 32,
}

pub(super) const ALL: u8 = 63;

impl Kind {
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Object => "an object",
            Self::Array => "an array",
            Self::String => "a string",
            Self::Number => "a number",
            Self::Boolean => "a boolean",
            Self::Null => "null",
        }
    }

    fn of(value: &Value) -> Self {
        match value {
            Value::Object(_) => Self::Object,
            Value::Array(_) => Self::Array,
            Value::String(_) => Self::String,
            Value::Number(_) => Self::Number,
            Value::Bool(_) => Self::Boolean,
            Value::Null => Self::Null,
        }
    }
}

pub(super) fn describe(bits: u8) -> String {
    let kinds = [
        Kind::Object,
        Kind::Array,
        Kind::String,
        Kind::Number,
        Kind::Boolean,
        Kind::Null,
    ];
    let names: Vec<&str> = kinds
        .iter()
        .filter(|k| bits & **k as u8 != 0)
        .map(|k| k.name())
        .collect();
    if names.is_empty() {
        "no value".into()
    } else {
        names.join(" or ")
    }
}

fn type_bits(t: &str) -> u8 {
    match t {
        "object" => Kind::Object as u8,
        "array" => Kind::Array as u8,
        "string" => Kind::String as u8,
        "number" | "integer" => Kind::Number as u8,
        "boolean" => Kind::Boolean as u8,
        "null" => Kind::Null as u8,
        _ => ALL,
    }
}

/// The kinds of value `schema` can accept (`None`: any), from its own keywords.
pub(super) fn kinds(root: &Value, schema: &Value, depth: usize) -> Option<u8> {
    let map = match schema {
        Value::Bool(false) => return Some(0),
        Value::Object(map) => map,
        _ => return None,
    };
    if depth > 4 {
        return None;
    }
    let mut bits = ALL;
    match map.get("type") {
        Some(Value::String(t)) => bits &= type_bits(t),
        Some(Value::Array(list)) => {
            bits &= list
                .iter()
                .filter_map(Value::as_str)
                .map(type_bits)
                .fold(0, |a, b| a | b);
        }
        _ => {}
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        bits &= values
            .iter()
            .map(|v| Kind::of(v) as u8)
            .fold(0, |a, b| a | b);
    }
    if let Some(value) = map.get("const") {
        bits &= Kind::of(value) as u8;
    }
    let sub = |s: &Value| {
        let s = follow(root, s);
        s.map_or(Some(ALL), |s| kinds(root, s, depth + 1))
            .unwrap_or(ALL)
    };
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = map.get(key) {
            bits &= branches.iter().map(sub).fold(0, |a, b| a | b);
        }
    }
    if let Some(Value::Array(all)) = map.get("allOf") {
        bits &= all.iter().map(sub).fold(ALL, |a, b| a & b);
    }
    if let Some(Value::String(r)) = map.get("$ref")
        && let Some(target) = crate::llm::walk::resolve(root, r)
    {
        bits &= kinds(root, target, depth + 1).unwrap_or(ALL);
    }
    Some(bits)
}

/// `schema` with local references followed (to what they name).
fn follow<'a>(root: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    let mut s = schema;
    for _ in 0..16 {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) if s.as_object().is_some_and(|m| m.len() == 1) => {
                s = crate::llm::walk::resolve(root, r)?;
            }
            _ => return Some(s),
        }
    }
    None
}

/// The schema at `node`, references followed.
pub(super) fn resolve<'a>(root: &'a Value, node: &Node) -> Option<&'a Value> {
    let pointer = node.as_ref()?;
    let s = crate::llm::walk::get(root, pointer)?;
    follow(root, s)
}

/// The pointer of `node` after following its references.
pub(super) fn resolved_pointer(root: &Value, node: &Node) -> Option<String> {
    let mut pointer = node.clone()?;
    for _ in 0..16 {
        let s = crate::llm::walk::get(root, &pointer)?;
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) if s.as_object().is_some_and(|m| m.len() == 1) => {
                pointer = crate::routes::decode(r.strip_prefix('#')?);
            }
            _ => return Some(pointer),
        }
    }
    None
}

pub(super) fn property_node(root: &Value, node: &Node, key: &str) -> Result<Node, String> {
    let Some(pointer) = resolved_pointer(root, node) else {
        return Ok(None);
    };
    let Some(schema) = crate::llm::walk::get(root, &pointer) else {
        return Ok(None);
    };
    if schema.get("properties").and_then(|p| p.get(key)).is_some() {
        return Ok(Some(format!("{pointer}/properties/{}", escape(key))));
    }
    if schema.get("patternProperties").is_some() {
        return Ok(None);
    }
    match schema.get("additionalProperties") {
        Some(Value::Bool(false)) => Err(format!("property {key:?} is not allowed")),
        Some(Value::Object(_)) => Ok(Some(format!("{pointer}/additionalProperties"))),
        _ => Ok(None),
    }
}

pub(super) fn item_node(root: &Value, node: &Node, index: usize) -> Node {
    let pointer = resolved_pointer(root, node)?;
    let schema = crate::llm::walk::get(root, &pointer)?;
    if let Some(Value::Array(prefix)) = schema.get("prefixItems") {
        if index < prefix.len() {
            return Some(format!("{pointer}/prefixItems/{index}"));
        }
        return schema
            .get("items")
            .filter(|i| i.is_object())
            .map(|_| format!("{pointer}/items"));
    }
    match schema.get("items") {
        Some(Value::Object(_)) => Some(format!("{pointer}/items")),
        Some(Value::Array(list)) if index < list.len() => Some(format!("{pointer}/items/{index}")),
        Some(Value::Array(_)) => schema
            .get("additionalItems")
            .filter(|i| i.is_object())
            .map(|_| format!("{pointer}/additionalItems")),
        _ => None,
    }
}

/// The checks on a finished scalar.
pub(super) fn scalar(root: &Value, value: &Value, node: &Node) -> Result<(), String> {
    let Some(schema) = resolve(root, node) else {
        return Ok(());
    };
    if let Some(Value::Array(values)) = schema.get("enum")
        && !values.iter().any(|v| same(v, value))
    {
        return Err(format!("{value} is not one of the allowed values"));
    }
    if let Some(c) = schema.get("const")
        && !same(c, value)
    {
        return Err(format!("{value} is not the constant {c}"));
    }
    if let Some(s) = value.as_str() {
        let n = s.chars().count() as u64;
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
            && n < min
        {
            return Err(format!("shorter than {min} characters"));
        }
    }
    if let Some(x) = value.as_f64() {
        bounds(schema, x)?;
    }
    Ok(())
}

/// The checks on a string still being read.
/// What a string's prefix must satisfy: at most `max` characters, and the start of one of
/// `allowed` (when the node lists its values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StringCheck {
    max: Option<u64>,
    allowed: Option<Vec<String>>,
}

/// The prefix checks of a string at `node` (`None`: nothing to check).
pub(super) fn string_check(root: &Value, node: &Node) -> Option<StringCheck> {
    let schema = resolve(root, node)?;
    let max = schema.get("maxLength").and_then(Value::as_u64);
    let strings = |v: &Value| v.as_str().map(str::to_owned);
    let mut allowed: Option<Vec<String>> = schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|values| values.iter().filter_map(strings).collect());
    if let Some(c) = schema.get("const") {
        let only: Vec<String> = strings(c).into_iter().collect();
        allowed = Some(match allowed {
            Some(list) => list.into_iter().filter(|v| only.contains(v)).collect(),
            None => only,
        });
    }
    (max.is_some() || allowed.is_some()).then_some(StringCheck { max, allowed })
}

impl StringCheck {
    /// Whether `prefix` (of `chars` characters) can still become an allowed string.
    pub(super) fn prefix(&self, prefix: &str, chars: u64) -> Result<(), String> {
        if let Some(max) = self.max.filter(|max| chars > *max) {
            return Err(format!("longer than {max} characters"));
        }
        if let Some(allowed) = &self.allowed
            && !allowed.iter().any(|v| v.starts_with(prefix))
        {
            return Err(format!("no allowed value starts with {prefix:?}"));
        }
        Ok(())
    }
}

/// JSON equality, numbers by value (`1` equals `1.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) if a.is_number() && b.is_number() => {
            (x - y).abs() <= f64::EPSILON * x.abs().max(1.0)
        }
        _ => a == b,
    }
}

fn bounds(schema: &Value, x: f64) -> Result<(), String> {
    let num = |k: &str| schema.get(k).and_then(Value::as_f64);
    if let Some(m) = num("minimum").filter(|m| x < *m) {
        return Err(format!("{x} is less than the minimum {m}"));
    }
    if let Some(m) = num("maximum").filter(|m| x > *m) {
        return Err(format!("{x} is more than the maximum {m}"));
    }
    if let Some(m) = num("exclusiveMinimum").filter(|m| x <= *m) {
        return Err(format!("{x} is not more than {m}"));
    }
    if let Some(m) = num("exclusiveMaximum").filter(|m| x >= *m) {
        return Err(format!("{x} is not less than {m}"));
    }
    Ok(())
}
