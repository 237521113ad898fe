//! Generated schemas and data for the benchmarks: records of N fields of mixed types, as Avro
//! and as JSON Schema, with a valid and an invalid instance.

use serde_json::{Map, Value, json};

/// The type of field `i`, cycling through the kinds real payloads have.
fn field_kind(i: usize) -> usize {
    i % 5
}

/// An Avro record of `fields` fields.
pub fn avro_record(fields: usize) -> String {
    let list: Vec<Value> = (0..fields)
        .map(|i| match field_kind(i) {
            0 => json!({"name": format!("f{i}"), "type": "string", "doc": "a text field"}),
            1 => json!({"name": format!("f{i}"), "type": "long"}),
            2 => json!({"name": format!("f{i}"), "type": ["null", "double"], "default": null}),
            3 => json!({"name": format!("f{i}"), "type": {"type": "enum", "name": format!("E{i}"), "symbols": ["A", "B", "C"]}}),
            _ => json!({"name": format!("f{i}"), "type": {"type": "array", "items": "string"}}),
        })
        .collect();
    json!({"type": "record", "name": "Bench", "namespace": "bench", "fields": list}).to_string()
}

/// A JSON Schema object of `fields` properties.
pub fn json_object(fields: usize) -> String {
    let mut props = Map::new();
    for i in 0..fields {
        let schema = match field_kind(i) {
            0 => json!({"type": "string", "maxLength": 200, "description": "a text field"}),
            1 => json!({"type": "integer", "minimum": 0}),
            2 => json!({"type": ["number", "null"]}),
            3 => json!({"enum": ["A", "B", "C"]}),
            _ => json!({"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"}}),
        };
        props.insert(format!("f{i}"), schema);
    }
    let required: Vec<String> = (0..fields).step_by(2).map(|i| format!("f{i}")).collect();
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": false}).to_string()
}

/// A datum valid against both generated schemas of `fields` fields.
pub fn valid_instance(fields: usize) -> Value {
    let mut obj = Map::new();
    for i in 0..fields {
        let v = match field_kind(i) {
            0 => json!("hello world"),
            1 => json!(i),
            2 => json!(null),
            3 => json!("B"),
            _ => json!(["abc", "def"]),
        };
        obj.insert(format!("f{i}"), v);
    }
    Value::Object(obj)
}

/// The valid datum with a wrong value in about one field of ten.
pub fn invalid_instance(fields: usize) -> Value {
    let mut v = valid_instance(fields);
    for i in (0..fields).step_by(10) {
        v[format!("f{i}")] = json!({"unexpected": true});
    }
    v
}

/// `versions` successive versions of a `fields`-field Avro record, each adding an optional field.
pub fn avro_history(fields: usize, versions: usize) -> Vec<String> {
    (0..versions)
        .map(|v| {
            let mut schema: Value = serde_json::from_str(&avro_record(fields)).expect("generated JSON");
            let list = schema["fields"].as_array_mut().expect("fields");
            for extra in 0..v {
                list.push(json!({"name": format!("added{extra}"), "type": ["null", "string"], "default": null}));
            }
            schema.to_string()
        })
        .collect()
}

pub mod db;
