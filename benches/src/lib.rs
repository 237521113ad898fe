//! Generated schemas and data for the benchmarks: records of N fields of mixed types, as Avro,
//! as JSON Schema and as a Protobuf message, with a valid and an invalid instance.

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

/// A proto3 message of `fields` fields of the same kinds (an enum per enum field, its values
/// prefixed, as values share the message's scope).
pub fn proto_message(fields: usize) -> String {
    proto_version(fields, 0)
}

fn proto_version(fields: usize, added: usize) -> String {
    let mut body = String::new();
    for i in 0..fields {
        let n = i + 1;
        let line = match field_kind(i) {
            0 => format!("  // a text field\n  string f{i} = {n};\n"),
            1 => format!("  int64 f{i} = {n};\n"),
            2 => format!("  optional double f{i} = {n};\n"),
            3 => format!(
                "  enum E{i} {{ E{i}_A = 0; E{i}_B = 1; E{i}_C = 2; }}\n  E{i} f{i} = {n};\n"
            ),
            _ => format!("  repeated string f{i} = {n};\n"),
        };
        body.push_str(&line);
    }
    for extra in 0..added {
        let n = fields + extra + 1;
        let line = format!("  optional string added{extra} = {n};\n");
        body.push_str(&line);
    }
    format!("syntax = \"proto3\";\npackage bench;\n\nmessage Bench {{\n{body}}}\n")
}

/// `valid_instance` in the proto3 JSON mapping of `proto_message` (its enum names).
pub fn proto_valid_instance(fields: usize) -> Value {
    let mut v = valid_instance(fields);
    for i in (0..fields).filter(|i| field_kind(*i) == 3) {
        v[format!("f{i}")] = json!(format!("E{i}_B"));
    }
    v
}

/// The valid Protobuf datum with a wrong value in about one field of ten.
pub fn proto_invalid_instance(fields: usize) -> Value {
    let mut v = proto_valid_instance(fields);
    for i in (0..fields).step_by(10) {
        v[format!("f{i}")] = json!({"unexpected": true});
    }
    v
}

/// `versions` successive versions of a `fields`-field Protobuf message, each adding a field.
pub fn proto_history(fields: usize, versions: usize) -> Vec<String> {
    (0..versions).map(|v| proto_version(fields, v)).collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use registry_core::{ParseOptions, Schema, SchemaType, Validator};

    #[test]
    fn the_protobuf_inputs_are_what_the_benchmarks_say() {
        for n in [10, 100] {
            let schema = Schema::parse(
                SchemaType::Protobuf,
                &proto_message(n),
                &[],
                ParseOptions::default(),
            )
            .unwrap();
            let v = Validator::compile(&schema).unwrap();
            assert!(v.validate(&proto_valid_instance(n)).is_empty());
            assert!(!v.is_valid(&proto_invalid_instance(n)));
        }
        let history = proto_history(10, 3);
        assert!(history[2].contains("added1"));
    }
}
