//! Rules for objects: properties added or removed against open, closed and partly open content
//! models (`additionalProperties`, `patternProperties`), required properties, dependencies and
//! property-count bounds.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::scalar::{bounds, lower, upper};
use super::{Cx, JsonIncompatibility, add, compatible, introduced, is_false, is_true, rec, truthy};
use crate::incompatibility::Incompatibility;

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
fn schema_for_property<'a>(
    schema: &'a Value,
    property: &str,
    cx: &mut Cx<'_>,
) -> Option<&'a Value> {
    if let Some(patterns) = schema.get("patternProperties").and_then(Value::as_object) {
        for (pattern, sub) in patterns {
            if cx.matches(pattern, property) {
                return Some(sub);
            }
        }
    }
    schema.get("additionalProperties")
}

pub(super) fn object(
    reader: &Value,
    writer: &Value,
    cx: &mut Cx<'_>,
    out: &mut Vec<Incompatibility>,
) {
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
        cx.with(&["properties", name], |cx| {
            if truthy(r_prop.get("required")) && !truthy(w_prop.get("required")) {
                add(
                    out,
                    JsonIncompatibility::RequiredAttributeAdded,
                    format!("Property {name} became required"),
                    cx,
                );
            }
            rec(Some(r_prop), Some(w_prop), cx, out);
        });
    }
    let unknown_to_reader: Vec<&String> = wp.keys().filter(|k| !rp.contains_key(*k)).collect();
    let unknown_to_writer: Vec<&String> = rp.keys().filter(|k| !wp.contains_key(*k)).collect();
    cx.with(&["properties"], |cx| {
        if !unknown_to_reader.is_empty() && !is_open_object(reader) {
            for name in unknown_to_reader {
                match schema_for_property(reader, name, cx) {
                    None => add(
                        out,
                        JsonIncompatibility::PropertyRemovedFromClosedContentModel,
                        format!("The property {name} is not accepted anymore"),
                        cx,
                    ),
                    Some(sub) => {
                        let before = out.len();
                        rec(Some(sub), wp.get(name), cx, out);
                        if out.len() > before {
                            add(
                                out,
                                JsonIncompatibility::PropertyRemovedNotCoveredByPartiallyOpenContentModel,
                                format!("property {name} is not compatible"),
                                cx,
                            );
                        }
                    }
                }
            }
        } else if !unknown_to_writer.is_empty() {
            added_properties(reader, writer, rp, &unknown_to_writer, cx, out);
        }
    });
    dependencies(reader, writer, cx, out);
    bounds(
        reader,
        writer,
        &[
            upper(
                "maxProperties",
                JsonIncompatibility::MaxPropertiesAdded,
                JsonIncompatibility::MaxPropertiesDecreased,
            ),
            lower(
                "minProperties",
                JsonIncompatibility::MinPropertiesAdded,
                JsonIncompatibility::MinPropertiesIncreased,
            ),
        ],
        cx,
        out,
    );
    let (ra, wa) = (
        reader.get("additionalProperties"),
        writer.get("additionalProperties"),
    );
    cx.with(&["additionalProperties"], |cx| {
        if introduced(ra, wa) {
            add(
                out,
                JsonIncompatibility::AdditionalPropertiesNarrowed,
                "additionalProperties introduced".into(),
                cx,
            );
        }
        if truthy(ra) && truthy(wa) {
            rec(ra, wa, cx, out);
        }
    });
}

fn added_properties(
    reader: &Value,
    writer: &Value,
    rp: &Map<String, Value>,
    added: &[&String],
    cx: &mut Cx<'_>,
    out: &mut Vec<Incompatibility>,
) {
    if is_open_object(writer) {
        let names: Vec<&str> = added.iter().map(|s| s.as_str()).collect();
        add(
            out,
            JsonIncompatibility::PropertyAddedToOpenContentModel,
            format!(
                "Restricting acceptable values of properties is an incompatible change. The following properties {} accepted any value because of the lack of validation (the object schema had neither patternProperties nor additionalProperties), now these values are restricted.",
                names.join(", ")
            ),
            cx,
        );
        return;
    }
    let required: HashSet<&str> = reader
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for name in added {
        if let Some(sub) = schema_for_property(writer, name, cx)
            && !is_false(Some(sub))
            && !compatible(rp.get(*name), Some(sub), cx)
        {
            add(
                out,
                JsonIncompatibility::PropertyAddedNotCoveredByPartiallyOpenContentModel,
                "incompatible schemas".into(),
                cx,
            );
        }
        if required.contains(&name.as_str()) {
            add(
                out,
                JsonIncompatibility::RequiredPropertyAddedToUnopenContentModel,
                format!("Property {name} added without a default"),
                cx,
            );
        }
    }
}

fn dependencies(reader: &Value, writer: &Value, cx: &mut Cx<'_>, out: &mut Vec<Incompatibility>) {
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
                JsonIncompatibility::DependencyArrayAdded,
                "incompatible dependency array".into(),
                cx,
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
        let r_names: HashSet<String> = names(r_dep).into_iter().collect();
        let new: Vec<String> = names(Some(w_dep))
            .into_iter()
            .filter(|n| !r_names.contains(n))
            .collect();
        if !new.is_empty() {
            add(
                out,
                JsonIncompatibility::DependencyArrayExtended,
                format!("new dependencies {}", new.join(", ")),
                cx,
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
        rec(rs.get(name), Some(w_dep), cx, out);
    }
}
