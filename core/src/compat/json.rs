//! JSON Schema reader/writer compatibility: the rules of Karapace's checker (open vs closed
//! content models, required properties, enums, numeric and length bounds, type narrowing and
//! widening, combined schemas matched pairwise), whose test cases are our conformance data.
//!
//! Both schemas are first normalised: `$ref`s are inlined (from the document itself or from the
//! schema's references) and the 2019-09/2020-12 spellings (`prefixItems`, `$defs`,
//! `dependentRequired`) rewritten to their draft-7 equivalents, so that schemas written for
//! different drafts compare.

use serde_json::{Map, Value};

use crate::json::ReferenceSet;

use super::Incompatibility;

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

/// How deep `$ref`s are expanded before a recursive schema is cut off (as `true`).
const MAX_REF_DEPTH: usize = 32;

fn normalize(node: &Value, root: &Value, refs: &ReferenceSet, stack: &mut Vec<String>) -> Value {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if stack.contains(reference) || stack.len() > MAX_REF_DEPTH {
                    return Value::Bool(true);
                }
                let Some((target, target_root)) = resolve_ref(reference, root, refs) else {
                    return node.clone();
                };
                stack.push(reference.clone());
                let out = normalize(&target, &target_root, refs, stack);
                stack.pop();
                return out;
            }
            let mut out = Map::new();
            for (key, value) in map {
                let value = match key.as_str() {
                    "enum" | "const" | "default" | "examples" => value.clone(),
                    _ => normalize(value, root, refs, stack),
                };
                out.insert(key.clone(), value);
            }
            canonicalize_draft_keywords(&mut out);
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| normalize(v, root, refs, stack))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Finds the target of `$ref`: a pointer into the same document, or a reference (optionally
/// with a pointer into it).
fn resolve_ref(reference: &str, root: &Value, refs: &ReferenceSet) -> Option<(Value, Value)> {
    let (doc, pointer) = reference.split_once('#').unwrap_or((reference, ""));
    let document = if doc.is_empty() {
        root.clone()
    } else {
        refs.get(doc)?.clone()
    };
    let target = if pointer.is_empty() {
        document.clone()
    } else {
        document.pointer(pointer)?.clone()
    };
    Some((target, document))
}

fn canonicalize_draft_keywords(schema: &mut Map<String, Value>) {
    if let Some(prefix) = schema.remove("prefixItems") {
        let additional = schema.remove("items");
        schema.insert("items".into(), prefix);
        if let Some(additional) = additional
            && !schema.contains_key("additionalItems")
        {
            schema.insert("additionalItems".into(), additional);
        }
    }
    if !schema.contains_key("definitions")
        && let Some(defs) = schema.remove("$defs")
    {
        schema.insert("definitions".into(), defs);
    }
    if let Some(Value::Object(required)) = schema.remove("dependentRequired") {
        let mut merged = required;
        if let Some(Value::Object(existing)) = schema.get("dependencies") {
            for (k, v) in existing {
                merged.insert(k.clone(), v.clone());
            }
        }
        schema.insert("dependencies".into(), Value::Object(merged));
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

fn add(out: &mut Vec<Incompatibility>, kind: &str, message: String, loc: &Loc) {
    out.push(Incompatibility {
        kind: kind.to_owned(),
        location: loc.pointer(),
        message,
    });
}

fn type_mismatch(r: JType, w: JType, loc: &Loc, out: &mut Vec<Incompatibility>) {
    add(
        out,
        "type_changed",
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
            "schema_added",
            "schema added, previously used values may not be valid anymore".into(),
            loc,
        );
    }
    if reader.is_none() && writer.is_some() {
        return add(out, "schema_removed", "schema removed".into(), loc);
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

/// A bound that must not tighten: `restricts(reader, writer)` says the reader's value is
/// stricter than the writer's.
struct Bound {
    keyword: &'static str,
    added: &'static str,
    tightened: &'static str,
    restricts: fn(f64, f64) -> bool,
}

const fn upper(keyword: &'static str, added: &'static str, tightened: &'static str) -> Bound {
    Bound {
        keyword,
        added,
        tightened,
        restricts: |r, w| r < w,
    }
}

const fn lower(keyword: &'static str, added: &'static str, tightened: &'static str) -> Bound {
    Bound {
        keyword,
        added,
        tightened,
        restricts: |r, w| r > w,
    }
}

fn bounds(
    reader: &Value,
    writer: &Value,
    checks: &[Bound],
    loc: &Loc,
    out: &mut Vec<Incompatibility>,
) {
    for b in checks {
        let (r, w) = (reader.get(b.keyword), writer.get(b.keyword));
        if introduced(r, w) {
            let value = r.map(ToString::to_string).unwrap_or_default();
            add(
                out,
                b.added,
                format!(
                    "Introduced incompatible assertion {} with value {value}",
                    b.keyword
                ),
                loc,
            );
        }
        if let (Some(rv), Some(wv)) = (num(r), num(w))
            && (b.restricts)(rv, wv)
        {
            add(
                out,
                b.tightened,
                format!("More restrictive assertion {} from {wv} to {rv}", b.keyword),
                loc,
            );
        }
    }
}

fn numeric(
    reader: &Value,
    writer: &Value,
    rt: JType,
    wt: JType,
    loc: &Loc,
    out: &mut Vec<Incompatibility>,
) {
    bounds(
        reader,
        writer,
        &[
            upper("maximum", "maximum_added", "maximum_decreased"),
            lower("minimum", "minimum_added", "minimum_increased"),
            upper(
                "exclusiveMaximum",
                "maximum_exclusive_added",
                "maximum_exclusive_decreased",
            ),
            lower(
                "exclusiveMinimum",
                "minimum_exclusive_added",
                "minimum_exclusive_increased",
            ),
        ],
        loc,
        out,
    );
    let (rm, wm) = (reader.get("multipleOf"), writer.get("multipleOf"));
    if introduced(rm, wm) {
        add(
            out,
            "multiple_added",
            "Introduced incompatible assertion multipleOf".into(),
            loc,
        );
    }
    if let (Some(r), Some(w)) = (num(rm), num(wm))
        && (r - w).abs() > f64::EPSILON
    {
        if r > w {
            add(
                out,
                "multiple_expanded",
                format!("Multiple must not increase ({r} > {w})"),
                loc,
            );
        } else if (w % r).abs() > f64::EPSILON {
            add(
                out,
                "multiple_changed",
                format!("{r} must be an integer multiple of {w}"),
                loc,
            );
        }
    }
    if rt == JType::Integer && wt == JType::Number {
        add(
            out,
            "type_narrowed",
            "Writer produces numbers while reader only accepted integers".into(),
            loc,
        );
    }
}

fn string(reader: &Value, writer: &Value, loc: &Loc, out: &mut Vec<Incompatibility>) {
    bounds(
        reader,
        writer,
        &[
            upper("maxLength", "max_length_added", "max_length_decreased"),
            lower("minLength", "min_length_added", "min_length_increased"),
        ],
        loc,
        out,
    );
    let (r, w) = (reader.get("pattern"), writer.get("pattern"));
    if introduced(r, w) {
        add(
            out,
            "pattern_added",
            format!(
                "Introduced incompatible assertion pattern with value {}",
                r.unwrap_or(&Value::Null)
            ),
            loc,
        );
    }
    if let (Some(r), Some(w)) = (r, w)
        && r != w
    {
        add(
            out,
            "pattern_changed",
            format!("Assertion of pattern changed from {w} to {r}"),
            loc,
        );
    }
}

fn enumeration(reader: &Value, writer: &Value, loc: &mut Loc, out: &mut Vec<Incompatibility>) {
    let empty = Vec::new();
    let r = reader
        .get("enum")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let w = writer
        .get("enum")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let removed: Vec<String> = w
        .iter()
        .filter(|v| !r.contains(v))
        .map(ToString::to_string)
        .collect();
    if !removed.is_empty() {
        loc.with(&["enum"], |loc| {
            add(
                out,
                "enum_array_narrowed",
                format!(
                    "some of enum options are no longer valid {}",
                    removed.join(", ")
                ),
                loc,
            );
        });
    }
}

fn is_tuple(schema: &Value) -> bool {
    matches!(schema.get("items"), Some(Value::Array(_)))
}

fn tuple_items(schema: &Value) -> Vec<Option<&Value>> {
    schema
        .get("items")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(Some).collect())
        .unwrap_or_default()
}

fn array(reader: &Value, writer: &Value, loc: &mut Loc, out: &mut Vec<Incompatibility>) {
    let (r_tuple, w_tuple) = (is_tuple(reader), is_tuple(writer));
    if r_tuple != w_tuple {
        return type_mismatch(JType::Array, JType::Array, loc, out);
    }
    let (r_items, w_items): (Vec<Option<&Value>>, Vec<Option<&Value>>) = if r_tuple {
        (tuple_items(reader), tuple_items(writer))
    } else {
        (vec![reader.get("items")], vec![writer.get("items")])
    };
    let common = r_items.len().min(w_items.len());
    let mut pos = 0;
    for i in 0..common {
        pos = i;
        loc.with(&["items", &i.to_string()], |loc| {
            rec(r_items[i], w_items[i], loc, out);
        });
    }
    let reader_restricts_additional = !is_true(Some(
        reader.get("additionalItems").unwrap_or(&Value::Bool(true)),
    ));
    if w_items.len() > r_items.len() && reader_restricts_additional {
        // As in the reference checker, the remaining writer items are checked against an
        // accept-all reader, which only fails for non-object item schemas.
        for (i, w_item) in w_items.iter().enumerate().skip(common) {
            if !compatible(Some(&Value::Bool(true)), *w_item, loc) {
                loc.with(&["additionalItems"], |loc| {
                    add(
                        out,
                        "item_removed_not_covered_by_partially_open_content_model",
                        format!("Item in position {i} is not compatible"),
                        loc,
                    );
                });
            }
        }
    }
    let writer_additional = writer.get("additionalItems").unwrap_or(&Value::Bool(true));
    if r_items.len() > w_items.len() {
        if !is_true(Some(writer_additional)) {
            for (i, r_item) in r_items.iter().enumerate().skip(common) {
                loc.with(&["items", &i.to_string()], |loc| {
                    if !compatible(*r_item, Some(writer_additional), loc) {
                        add(
                            out,
                            "item_added_not_covered_by_partially_open_content_model",
                            "New element schema incompatible with the other version".into(),
                            loc,
                        );
                    }
                });
            }
        }
        add(
            out,
            "item_added_to_open_content_model",
            format!("Elements starting from index {pos} are now required"),
            loc,
        );
    }
    let closed_tuple = |s: &Value| is_tuple(s) && is_false(s.get("additionalItems"));
    if closed_tuple(reader) && !closed_tuple(writer) {
        loc.with(&["additionalItems"], |loc| {
            add(
                out,
                "additional_items_removed",
                "Additional items are not longer allowed".into(),
                loc,
            );
        });
    }
    bounds(
        reader,
        writer,
        &[
            upper("maxItems", "max_items_added", "max_items_decreased"),
            lower("minItems", "min_items_added", "min_items_increased"),
        ],
        loc,
        out,
    );
}

fn is_open_object(schema: &Value) -> bool {
    let no_patterns = schema
        .get("patternProperties")
        .and_then(Value::as_object)
        .is_none_or(Map::is_empty);
    no_patterns
        && is_true(Some(
            schema
                .get("additionalProperties")
                .unwrap_or(&Value::Bool(true)),
        ))
}

/// The schema that a closed or partly open object applies to `property`: the first matching
/// `patternProperties` entry (anchored at the start, as Python's `re.match`), else
/// `additionalProperties`.
fn schema_for_property<'a>(schema: &'a Value, property: &str) -> Option<&'a Value> {
    if let Some(patterns) = schema.get("patternProperties").and_then(Value::as_object) {
        for (pattern, sub) in patterns {
            if regex::Regex::new(&format!("^(?:{pattern})")).is_ok_and(|re| re.is_match(property)) {
                return Some(sub);
            }
        }
    }
    schema.get("additionalProperties")
}

fn object(reader: &Value, writer: &Value, loc: &mut Loc, out: &mut Vec<Incompatibility>) {
    let empty = Map::new();
    let rp = reader
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let wp = writer
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (name, r_prop) in rp {
        let Some(w_prop) = wp.get(name) else { continue };
        loc.with(&["properties", name], |loc| {
            if truthy(r_prop.get("required")) && !truthy(w_prop.get("required")) {
                add(
                    out,
                    "required_attribute_added",
                    format!("Property {name} became required"),
                    loc,
                );
            }
            rec(Some(r_prop), Some(w_prop), loc, out);
        });
    }
    let unknown_to_reader: Vec<&String> = wp.keys().filter(|k| !rp.contains_key(*k)).collect();
    let unknown_to_writer: Vec<&String> = rp.keys().filter(|k| !wp.contains_key(*k)).collect();
    loc.with(&["properties"], |loc| {
        if !unknown_to_reader.is_empty() && !is_open_object(reader) {
            for name in unknown_to_reader {
                match schema_for_property(reader, name) {
                    None => add(
                        out,
                        "property_removed_from_closed_content_model",
                        format!("The property {name} is not accepted anymore"),
                        loc,
                    ),
                    Some(sub) => {
                        let before = out.len();
                        rec(Some(sub), wp.get(name), loc, out);
                        if out.len() > before {
                            add(
                                out,
                                "property_removed_not_covered_by_partially_open_content_model",
                                format!("property {name} is not compatible"),
                                loc,
                            );
                        }
                    }
                }
            }
        } else if !unknown_to_writer.is_empty() {
            added_properties(reader, writer, rp, &unknown_to_writer, loc, out);
        }
    });
    dependencies(reader, writer, loc, out);
    bounds(
        reader,
        writer,
        &[
            upper(
                "maxProperties",
                "max_properties_added",
                "max_properties_decreased",
            ),
            lower(
                "minProperties",
                "min_properties_added",
                "min_properties_increased",
            ),
        ],
        loc,
        out,
    );
    let (ra, wa) = (
        reader.get("additionalProperties"),
        writer.get("additionalProperties"),
    );
    loc.with(&["additionalProperties"], |loc| {
        if introduced(ra, wa) {
            add(
                out,
                "additional_properties_narrowed",
                "additionalProperties introduced".into(),
                loc,
            );
        }
        if truthy(ra) && truthy(wa) {
            rec(ra, wa, loc, out);
        }
    });
}

fn added_properties(
    reader: &Value,
    writer: &Value,
    rp: &Map<String, Value>,
    added: &[&String],
    loc: &mut Loc,
    out: &mut Vec<Incompatibility>,
) {
    if is_open_object(writer) {
        let names: Vec<&str> = added.iter().map(|s| s.as_str()).collect();
        add(
            out,
            "property_added_to_open_content_model",
            format!(
                "Restricting acceptable values of properties is an incompatible change. The following properties {} accepted any value because of the lack of validation (the object schema had neither patternProperties nor additionalProperties), now these values are restricted.",
                names.join(", ")
            ),
            loc,
        );
        return;
    }
    let required: Vec<&str> = reader
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for name in added {
        if let Some(sub) = schema_for_property(writer, name)
            && !is_false(Some(sub))
            && !compatible(rp.get(*name), Some(sub), loc)
        {
            add(
                out,
                "property_added_not_covered_by_partially_open_content_model",
                "incompatible schemas".into(),
                loc,
            );
        }
        if required.contains(&name.as_str()) {
            add(
                out,
                "required_property_added_to_unopen_content_model",
                format!("Property {name} added without a default"),
                loc,
            );
        }
    }
}

fn dependencies(reader: &Value, writer: &Value, loc: &mut Loc, out: &mut Vec<Incompatibility>) {
    let empty = Map::new();
    let rd = reader
        .get("dependencies")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (name, w_dep) in writer
        .get("dependencies")
        .and_then(Value::as_object)
        .unwrap_or(&empty)
    {
        let r_dep = rd.get(name);
        if !truthy(r_dep) {
            add(
                out,
                "dependency_array_added",
                "incompatible dependency array".into(),
                loc,
            );
            continue;
        }
        let names = |v: Option<&Value>| -> Vec<String> {
            match v {
                Some(Value::Array(a)) => a.iter().map(ToString::to_string).collect(),
                Some(Value::Object(o)) => o.keys().cloned().collect(),
                _ => Vec::new(),
            }
        };
        let r_names = names(r_dep);
        let new: Vec<String> = names(Some(w_dep))
            .into_iter()
            .filter(|n| !r_names.contains(n))
            .collect();
        if !new.is_empty() {
            add(
                out,
                "dependency_array_extended",
                format!("new dependencies {}", new.join(", ")),
                loc,
            );
        }
    }
    let rs = reader
        .get("dependentSchemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (name, w_dep) in writer
        .get("dependentSchemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty)
    {
        rec(rs.get(name), Some(w_dep), loc, out);
    }
}

fn combined(reader: &Value, writer: &Value, loc: &mut Loc, out: &mut Vec<Incompatibility>) {
    let (r_subs, rt) =
        subschemas(reader).map_or((None, type_of(Some(reader))), |(s, k)| (Some(s), k));
    let (w_subs, wt) =
        subschemas(writer).map_or((None, type_of(Some(writer))), |(s, k)| (Some(s), k));
    let (r_comb, w_comb) = (
        r_subs.is_some() && rt.is_combined(),
        w_subs.is_some() && wt.is_combined(),
    );
    let simple = |subs: &Option<Vec<Value>>| subs.as_ref().is_some_and(|s| s.len() == 1);
    loc.with(&[rt.name()], |loc| {
        if r_comb && !w_comb && simple(&r_subs) {
            let r0 = &r_subs.as_ref().expect("checked")[0];
            if !compatible(Some(r0), Some(writer), loc) {
                type_mismatch(rt, wt, loc, out);
            }
            return;
        }
        if !r_comb && w_comb && simple(&w_subs) {
            let w0 = &w_subs.as_ref().expect("checked")[0];
            if !compatible(Some(reader), Some(w0), loc) {
                type_mismatch(rt, wt, loc, out);
            }
            return;
        }
        if matches!(rt, JType::AnyOf | JType::OneOf) && !w_comb {
            let subs = r_subs.as_deref().unwrap_or_default();
            if !subs.iter().any(|r| compatible(Some(r), Some(writer), loc)) {
                type_mismatch(rt, wt, loc, out);
            }
            return;
        }
        let (Some(r_subs), Some(w_subs)) = (r_subs.as_ref(), w_subs.as_ref()) else {
            return type_mismatch(rt, wt, loc, out);
        };
        if rt != JType::AnyOf && rt != wt {
            return add(out, "combined_type_changed", format!("incompatible subschema change, from {} to {}", rt.name(), wt.name()), loc);
        }
        if rt == JType::AllOf && w_subs.len() < r_subs.len() {
            return add(out, "product_type_extended", format!(
                "Not all required schemas were provided, number of required schemas increased from {} to {}",
                w_subs.len(), r_subs.len()
            ), loc);
        }
        if matches!(rt, JType::AnyOf | JType::OneOf) && w_subs.len() > r_subs.len() {
            return add(out, "sum_type_narrowed", format!(
                "Not all schemas are accepted, number of schemas reduced from {} to {}",
                w_subs.len(), r_subs.len()
            ), loc);
        }
        let needed = if rt == JType::AllOf { r_subs.len() } else { w_subs.len() };
        if max_matching(r_subs, w_subs, loc) < needed {
            add(out, "combined_type_subschemas_changed", "subschemas are incompatible".into(), loc);
        }
    });
}

/// The size of a maximum matching between reader and writer subschemas, an edge joining a
/// compatible pair: subschemas of `allOf`/`anyOf`/`oneOf` apply in any order.
fn max_matching(readers: &[Value], writers: &[Value], loc: &Loc) -> usize {
    let edges: Vec<Vec<usize>> = readers
        .iter()
        .map(|r| {
            (0..writers.len())
                .filter(|&j| compatible(Some(r), Some(&writers[j]), loc))
                .collect()
        })
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; writers.len()];
    let mut size = 0;
    for r in 0..readers.len() {
        let mut seen = vec![false; writers.len()];
        if augment(r, &edges, &mut owner, &mut seen) {
            size += 1;
        }
    }
    size
}

fn augment(r: usize, edges: &[Vec<usize>], owner: &mut [Option<usize>], seen: &mut [bool]) -> bool {
    for &w in &edges[r] {
        if seen[w] {
            continue;
        }
        seen[w] = true;
        if owner[w].is_none_or(|other| augment(other, edges, owner, seen)) {
            owner[w] = Some(r);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[allow(clippy::needless_pass_by_value)]
    fn kinds(reader: Value, writer: Value) -> Vec<String> {
        check(&reader, &ReferenceSet::new(), &writer, &ReferenceSet::new())
            .into_iter()
            .map(|i| i.kind)
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
        assert_eq!(found[0].kind, "type_changed");
        assert_eq!(found[0].location, "/properties/a");
    }
}
