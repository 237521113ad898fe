//! JSON Schema reader/writer compatibility: the rules of Karapace's checker (open vs closed
//! content models, required properties, enums, numeric and length bounds, type narrowing and
//! widening, combined schemas matched pairwise), whose test cases are our conformance data.
//!
//! Both schemas are first normalised ([`normalize`]) so that schemas written for different
//! drafts compare; then [`rec`] walks the pair, dispatching to the rules for each type (one
//! file each).

mod array;
mod combined;
pub mod kind;
mod normalize;
mod object;
mod scalar;

pub use kind::JsonIncompatibility;

use array::array;
use combined::combined;
use normalize::normalize;
use object::object;
use scalar::{enumeration, numeric, string};

use serde_json::{Map, Value};

use crate::incompatibility::{Incompatibility, IncompatibilityKind};
use crate::json::ReferenceSet;

/// What keeps `reader` from reading data written with `writer`.
pub fn check(
    reader: &Value,
    reader_refs: &ReferenceSet,
    writer: &Value,
    writer_refs: &ReferenceSet,
) -> Vec<Incompatibility> {
    let reader = normalize(reader, reader, reader_refs, &mut Vec::new());
    let writer = normalize(writer, writer, writer_refs, &mut Vec::new());
    let mut out = Vec::new();
    rec(Some(&reader), Some(&writer), &mut Loc::default(), &mut out);
    out
}
/// The type of a schema as the checker sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JType {
    Null,
    Boolean,
    Number,
    Integer,
    String,
    Object,
    Array,
    BooleanSchema,
    AllOf,
    AnyOf,
    OneOf,
    Not,
    Enum,
    Unknown,
}

impl JType {
    fn name(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Boolean => "boolean",
            Self::Number => "number",
            Self::Integer => "integer",
            Self::String => "string",
            Self::Object => "object",
            Self::Array => "array",
            Self::BooleanSchema => "boolean schema",
            Self::AllOf => "allOf",
            Self::AnyOf => "anyOf",
            Self::OneOf => "oneOf",
            Self::Not => "not",
            Self::Enum => "enum",
            Self::Unknown => "unknown",
        }
    }

    fn is_number(self) -> bool {
        matches!(self, Self::Number | Self::Integer)
    }

    fn is_combined(self) -> bool {
        matches!(self, Self::AllOf | Self::AnyOf | Self::OneOf)
    }

    fn from_type_name(name: &str) -> Self {
        match name {
            "null" => Self::Null,
            "boolean" => Self::Boolean,
            "number" => Self::Number,
            "integer" => Self::Integer,
            "string" => Self::String,
            "object" => Self::Object,
            "array" => Self::Array,
            _ => Self::Unknown,
        }
    }
}

/// The subschemas of a combined schema (`type` lists count as `anyOf`), with their kind.
fn subschemas(schema: &Value) -> Option<(Vec<Value>, JType)> {
    let obj = schema.as_object()?;
    if let Some(Value::Array(types)) = obj.get("type") {
        let split = types
            .iter()
            .map(|t| {
                let mut copy = obj.clone();
                copy.insert("type".into(), t.clone());
                Value::Object(copy)
            })
            .collect();
        return Some((split, JType::AnyOf));
    }
    for (key, kind) in [
        ("allOf", JType::AllOf),
        ("anyOf", JType::AnyOf),
        ("oneOf", JType::OneOf),
    ] {
        if let Some(Value::Array(list)) = obj.get(key) {
            return Some((list.clone(), kind));
        }
    }
    obj.get("not").map(|not| (vec![not.clone()], JType::Not))
}

fn type_of(schema: Option<&Value>) -> JType {
    match schema {
        None | Some(Value::Null) => JType::Null,
        Some(Value::Bool(_)) => JType::BooleanSchema,
        Some(v @ Value::Object(obj)) => {
            if let Some((_, kind)) = subschemas(v) {
                return kind;
            }
            match obj.get("type") {
                Some(Value::String(t)) if !t.is_empty() => JType::from_type_name(t),
                _ if obj.contains_key("enum") => JType::Enum,
                _ => JType::Object,
            }
        }
        Some(_) => JType::Unknown,
    }
}

fn is_true(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(true)))
}

fn is_false(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(false)))
}

/// Python truthiness, which the rules were written with.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// The reader has a constraint the writer did not have.
fn introduced(reader: Option<&Value>, writer: Option<&Value>) -> bool {
    writer.is_none() && reader.is_some()
}

fn num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    }
}

#[derive(Debug, Default, Clone)]
struct Loc(Vec<String>);

impl Loc {
    fn pointer(&self) -> String {
        format!("/{}", self.0.join("/"))
    }

    fn with<T>(&mut self, parts: &[&str], f: impl FnOnce(&mut Self) -> T) -> T {
        let len = self.0.len();
        self.0.extend(parts.iter().map(|p| (*p).to_owned()));
        let out = f(self);
        self.0.truncate(len);
        out
    }
}

fn add(out: &mut Vec<Incompatibility>, kind: JsonIncompatibility, message: String, loc: &Loc) {
    out.push(Incompatibility {
        kind: IncompatibilityKind::Json(kind),
        location: loc.pointer(),
        message,
    });
}

fn type_mismatch(r: JType, w: JType, loc: &Loc, out: &mut Vec<Incompatibility>) {
    add(
        out,
        JsonIncompatibility::TypeChanged,
        format!("type {} is not compatible with type {}", r.name(), w.name()),
        loc,
    );
}

/// Checks one reader/writer pair of (sub)schemas, appending what it finds to `out`.
fn rec(
    reader: Option<&Value>,
    writer: Option<&Value>,
    loc: &mut Loc,
    out: &mut Vec<Incompatibility>,
) {
    if introduced(reader, writer) {
        return add(
            out,
            JsonIncompatibility::SchemaAdded,
            "schema added, previously used values may not be valid anymore".into(),
            loc,
        );
    }
    if reader.is_none() && writer.is_some() {
        return add(
            out,
            JsonIncompatibility::SchemaRemoved,
            "schema removed".into(),
            loc,
        );
    }
    let (rt, wt) = (type_of(reader), type_of(writer));
    let both_numbers = rt.is_number() && wt.is_number();
    let either_combined = rt.is_combined() || wt.is_combined();
    let both_objects =
        (rt == JType::Object || is_true(reader)) && (wt == JType::Object || is_true(writer));
    let object_schema = Value::Object(Map::from_iter([("type".to_owned(), Value::from("object"))]));
    let (reader, writer) = (
        reader.unwrap_or(&Value::Null),
        writer.unwrap_or(&Value::Null),
    );

    if !both_numbers && !either_combined && !both_objects && rt != wt {
        type_mismatch(rt, wt, loc, out);
    } else if both_numbers {
        numeric(reader, writer, rt, wt, loc, out);
    } else if either_combined {
        combined(reader, writer, loc, out);
    } else if both_objects {
        let r = if is_true(Some(reader)) {
            &object_schema
        } else {
            reader
        };
        let w = if is_true(Some(writer)) {
            &object_schema
        } else {
            writer
        };
        object(r, w, loc, out);
    } else {
        match rt {
            JType::Not => loc.with(&["not"], |loc| {
                rec(reader.get("not"), writer.get("not"), loc, out);
            }),
            JType::String => string(reader, writer, loc, out),
            JType::Array => array(reader, writer, loc, out),
            JType::Enum => enumeration(reader, writer, loc, out),
            _ => {}
        }
    }
}

fn compatible(reader: Option<&Value>, writer: Option<&Value>, loc: &Loc) -> bool {
    let mut found = Vec::new();
    rec(reader, writer, &mut loc.clone(), &mut found);
    found.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[allow(clippy::needless_pass_by_value)]
    fn kinds(reader: Value, writer: Value) -> Vec<String> {
        check(&reader, &ReferenceSet::new(), &writer, &ReferenceSet::new())
            .into_iter()
            .map(|i| i.kind.as_str().to_owned())
            .collect()
    }

    #[test]
    fn closed_content_model_rules() {
        let closed = |props: Value| json!({"type": "object", "properties": props, "additionalProperties": false});
        assert_eq!(
            kinds(
                closed(json!({"a": {"type": "string"}})),
                closed(json!({"a": {"type": "string"}, "b": {}}))
            ),
            [
                "type_changed",
                "property_removed_not_covered_by_partially_open_content_model"
            ]
        );
        let partly = |props: Value| json!({"type": "object", "properties": props, "patternProperties": {"^x": {"type": "string"}}});
        assert_eq!(
            kinds(partly(json!({})), partly(json!({"b": {}}))),
            ["property_removed_from_closed_content_model"]
        );
        assert!(
            kinds(
                closed(json!({"a": {"type": "string"}, "b": {}})),
                closed(json!({"a": {"type": "string"}}))
            )
            .is_empty()
        );
        assert_eq!(
            kinds(json!({"type": "integer"}), json!({"type": "number"})),
            ["type_narrowed"]
        );
        assert!(kinds(json!({"type": "number"}), json!({"type": "integer"})).is_empty());
    }

    #[test]
    fn refs_are_inlined_and_recursion_is_cut() {
        let s = json!({"definitions": {"n": {"type": "object", "properties": {"next": {"$ref": "#/definitions/n"}}}}, "$ref": "#/definitions/n"});
        assert!(kinds(s.clone(), s).is_empty());
        let mut refs = ReferenceSet::new();
        refs.insert("a.json", json!({"type": "string"}));
        let r = json!({"properties": {"a": {"$ref": "a.json"}}});
        let w = json!({"properties": {"a": {"type": "integer"}}});
        let found = check(&r, &refs, &w, &ReferenceSet::new());
        assert_eq!(found[0].kind.as_str(), "type_changed");
        assert_eq!(found[0].location, "/properties/a");
    }
}
