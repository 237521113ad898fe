//! The document an Avro schema's identity is computed over (without `normalize`): as written,
//! except that reserved attributes on a primitive type (`{"type": "int", "name": "x"}`) are
//! dropped, as Avro's Java parser drops them, so that schema and `{"type": "int"}` are one.

use serde_json::Value;

const PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

/// Schema attributes Avro reserves (`Schema.RESERVED_PROPS` in Java), but `type`.
const RESERVED: [&str; 9] = [
    "doc",
    "fields",
    "items",
    "name",
    "namespace",
    "size",
    "symbols",
    "values",
    "aliases",
];

/// `document` with the reserved attributes of primitive types removed, wherever a schema
/// stands (the root, record field types, array items, map values, union branches).
pub fn identity_document(document: &Value) -> Value {
    let mut copy = document.clone();
    strip(&mut copy);
    copy
}

fn strip(schema: &mut Value) {
    match schema {
        Value::Array(branches) => branches.iter_mut().for_each(strip),
        Value::Object(obj) => {
            let ty = obj.get("type").cloned();
            match ty.as_ref().and_then(Value::as_str) {
                Some(t) if PRIMITIVES.contains(&t) => {
                    for key in RESERVED {
                        obj.remove(key);
                    }
                }
                Some("record" | "error") => {
                    if let Some(Value::Array(fields)) = obj.get_mut("fields") {
                        for field in fields {
                            if let Some(t) = field.get_mut("type") {
                                strip(t);
                            }
                        }
                    }
                }
                Some("array") => {
                    if let Some(items) = obj.get_mut("items") {
                        strip(items);
                    }
                }
                Some("map") => {
                    if let Some(values) = obj.get_mut("values") {
                        strip(values);
                    }
                }
                // `{"type": {...}}` or `{"type": [...]}`: the type itself is a schema.
                _ => {
                    if let Some(inner) = obj.get_mut("type").filter(|t| !t.is_string()) {
                        strip(inner);
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reserved_attributes_of_primitives_do_not_count() {
        assert_eq!(
            identity_document(&json!({"type": "int", "name": "x", "doc": "d"})),
            json!({"type": "int"})
        );
        // Custom properties and logical types stay.
        assert_eq!(
            identity_document(
                &json!({"type": "long", "logicalType": "timestamp-millis", "name": "t"})
            ),
            json!({"type": "long", "logicalType": "timestamp-millis"})
        );
        // A field's own name and doc are not a primitive's.
        let record = json!({"type": "record", "name": "R", "fields": [
            {"name": "a", "doc": "kept", "type": {"type": "string", "name": "dropped"}},
            {"name": "b", "type": ["null", {"type": "int", "namespace": "n"}]},
            {"name": "c", "type": {"type": "array", "items": {"type": "int", "size": 3}}}
        ]});
        assert_eq!(
            identity_document(&record),
            json!({"type": "record", "name": "R", "fields": [
                {"name": "a", "doc": "kept", "type": {"type": "string"}},
                {"name": "b", "type": ["null", {"type": "int"}]},
                {"name": "c", "type": {"type": "array", "items": {"type": "int"}}}
            ]})
        );
    }
}
