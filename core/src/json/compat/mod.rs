//! JSON Schema reader/writer compatibility: the rules of Karapace's checker (open vs closed
//! content models, required properties, enums, numeric and length bounds, type narrowing and
//! widening, combined schemas matched pairwise), whose test cases are our conformance data.
//!
//! Both schemas are first normalised ([`normalize`]) so that schemas written for different
//! drafts compare; then [`rec`] walks the pair, dispatching to the rules for each type (one
//! file each).

mod array;
mod combined;
mod cx;
pub mod kind;
mod normalize;
mod object;
mod scalar;

pub use kind::JsonIncompatibility;

use array::array;
use combined::combined;
use cx::Cx;
use normalize::normalize;
use object::object;
use scalar::{enumeration, numeric, string};

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::budget::{Budget, Exceeded};
use crate::incompatibility::{Incompatibility, IncompatibilityKind};
use crate::json::ReferenceSet;

/// What keeps `reader` from reading data written with `writer`, within `budget`.
///
/// # Errors
/// When the check needs more work than the budget allows.
pub fn check(
    reader: &Value,
    reader_refs: &ReferenceSet,
    writer: &Value,
    writer_refs: &ReferenceSet,
    budget: &mut Budget,
) -> Result<Vec<Incompatibility>, Exceeded> {
    let reader = normalize(reader, reader_refs, budget)?;
    let writer = normalize(writer, writer_refs, budget)?;
    let mut cx = Cx::new(budget, &reader, &writer);
    let mut out = Vec::new();
    rec(Some(&reader), Some(&writer), &mut cx, &mut out);
    match cx.failed() {
        Some(e) => Err(e),
        None => Ok(out),
    }
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
fn subschemas(schema: &Value) -> Option<(Cow<'_, [Value]>, JType)> {
    let obj = schema.as_object()?;
    if let Some(Value::Array(types)) = obj.get("type") {
        let split = types
            .iter()
            .map(|t| {
                let mut copy = obj.clone();
                copy.insert("type".into(), t.clone());
                Value::Object(copy)
            })
            .collect::<Vec<_>>();
        return Some((Cow::Owned(split), JType::AnyOf));
    }
    for (key, kind) in [
        ("allOf", JType::AllOf),
        ("anyOf", JType::AnyOf),
        ("oneOf", JType::OneOf),
    ] {
        if let Some(Value::Array(list)) = obj.get(key) {
            return Some((Cow::Borrowed(list.as_slice()), kind));
        }
    }
    obj.get("not")
        .map(|not| (Cow::Borrowed(std::slice::from_ref(not)), JType::Not))
}

/// The kind of a combined schema, without building its subschemas.
fn combined_kind(obj: &Map<String, Value>) -> Option<JType> {
    if matches!(obj.get("type"), Some(Value::Array(_))) {
        return Some(JType::AnyOf);
    }
    [
        ("allOf", JType::AllOf),
        ("anyOf", JType::AnyOf),
        ("oneOf", JType::OneOf),
    ]
    .into_iter()
    .find(|(key, _)| matches!(obj.get(*key), Some(Value::Array(_))))
    .map(|(_, kind)| kind)
    .or_else(|| obj.contains_key("not").then_some(JType::Not))
}

fn type_of(schema: Option<&Value>) -> JType {
    match schema {
        None | Some(Value::Null) => JType::Null,
        Some(Value::Bool(_)) => JType::BooleanSchema,
        Some(Value::Object(obj)) => {
            if let Some(kind) = combined_kind(obj) {
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

fn add(out: &mut Vec<Incompatibility>, kind: JsonIncompatibility, message: String, cx: &Cx<'_>) {
    out.push(Incompatibility {
        kind: IncompatibilityKind::Json(kind),
        location: cx.pointer(),
        message,
    });
}

fn type_mismatch(r: JType, w: JType, cx: &Cx<'_>, out: &mut Vec<Incompatibility>) {
    add(
        out,
        JsonIncompatibility::TypeChanged,
        format!("type {} is not compatible with type {}", r.name(), w.name()),
        cx,
    );
}

/// Checks one reader/writer pair of (sub)schemas, appending what it finds to `out`.
fn rec(
    reader: Option<&Value>,
    writer: Option<&Value>,
    cx: &mut Cx<'_>,
    out: &mut Vec<Incompatibility>,
) {
    if !cx.step() {
        return;
    }
    if introduced(reader, writer) {
        return add(
            out,
            JsonIncompatibility::SchemaAdded,
            "schema added, previously used values may not be valid anymore".into(),
            cx,
        );
    }
    if reader.is_none() && writer.is_some() {
        return add(
            out,
            JsonIncompatibility::SchemaRemoved,
            "schema removed".into(),
            cx,
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
        type_mismatch(rt, wt, cx, out);
    } else if both_numbers {
        numeric(reader, writer, rt, wt, cx, out);
    } else if either_combined {
        combined(reader, writer, cx, out);
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
        object(r, w, cx, out);
    } else {
        match rt {
            JType::Not => cx.with(&["not"], |cx| {
                rec(reader.get("not"), writer.get("not"), cx, out);
            }),
            JType::String => string(reader, writer, cx, out),
            JType::Array => array(reader, writer, cx, out),
            JType::Enum => enumeration(reader, writer, cx, out),
            _ => {}
        }
    }
}

/// Whether `reader` can read what `writer` writes (remembered per pair for the check).
fn compatible(reader: Option<&Value>, writer: Option<&Value>, cx: &mut Cx<'_>) -> bool {
    if let Some(known) = cx.verdict(reader, writer) {
        return known;
    }
    let mut found = Vec::new();
    rec(reader, writer, cx, &mut found);
    let verdict = found.is_empty();
    cx.remember(reader, writer, verdict);
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[allow(clippy::needless_pass_by_value)]
    fn kinds(reader: Value, writer: Value) -> Vec<String> {
        check(
            &reader,
            &ReferenceSet::new(),
            &writer,
            &ReferenceSet::new(),
            &mut Budget::unlimited(),
        )
        .unwrap()
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
        let found = check(
            &r,
            &refs,
            &w,
            &ReferenceSet::new(),
            &mut Budget::unlimited(),
        )
        .unwrap();
        assert_eq!(found[0].kind.as_str(), "type_changed");
        assert_eq!(found[0].location, "/properties/a");
    }
}
