//! The document an Avro schema's identity is computed over (without `normalize`): as written,
//! except that reserved attributes on a primitive type (`{"type": "int", "name": "x"}`) are
//! dropped, as Avro's Java parser drops them, so that schema and `{"type": "int"}` are one.

use std::borrow::Cow;

use serde_json::{Map, Value};

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
/// stands (the root, record field types, array items, map values, union branches); borrowed
/// as it is when it has none (the common case: no copy).
pub fn identity_document(document: &Value) -> Cow<'_, Value> {
    if !has_reserved(document) {
        return Cow::Borrowed(document);
    }
    let mut copy = document.clone();
    strip(&mut copy);
    Cow::Owned(copy)
}

/// What a schema object is, as far as identity goes.
enum Kind {
    Primitive,
    Record,
    Array,
    Map,
    /// `{"type": {...}}` or `{"type": [...]}`: the type itself is a schema.
    Nested,
    Other,
}

fn kind(obj: &Map<String, Value>) -> Kind {
    match obj.get("type") {
        Some(Value::String(t)) => match t.as_str() {
            t if PRIMITIVES.contains(&t) => Kind::Primitive,
            "record" | "error" => Kind::Record,
            "array" => Kind::Array,
            "map" => Kind::Map,
            _ => Kind::Other,
        },
        Some(_) => Kind::Nested,
        None => Kind::Other,
    }
}

/// The schemas directly inside `obj` of `kind` (field types, items, values, a nested type).
fn children<'a>(obj: &'a Map<String, Value>, kind: &Kind) -> Vec<&'a Value> {
    match kind {
        Kind::Record => match obj.get("fields") {
            Some(Value::Array(fields)) => fields.iter().filter_map(|f| f.get("type")).collect(),
            _ => Vec::new(),
        },
        Kind::Array => obj.get("items").into_iter().collect(),
        Kind::Map => obj.get("values").into_iter().collect(),
        Kind::Nested => obj.get("type").into_iter().collect(),
        Kind::Primitive | Kind::Other => Vec::new(),
    }
}

/// Whether any primitive in `schema` carries a reserved attribute.
fn has_reserved(schema: &Value) -> bool {
    match schema {
        Value::Array(branches) => branches.iter().any(has_reserved),
        Value::Object(obj) => match kind(obj) {
            Kind::Primitive => RESERVED.iter().any(|key| obj.contains_key(*key)),
            k => children(obj, &k).into_iter().any(has_reserved),
        },
        _ => false,
    }
}

fn strip(schema: &mut Value) {
    match schema {
        Value::Array(branches) => branches.iter_mut().for_each(strip),
        Value::Object(obj) => match kind(obj) {
            Kind::Primitive => {
                for key in RESERVED {
                    obj.remove(key);
                }
            }
            Kind::Record => {
                if let Some(Value::Array(fields)) = obj.get_mut("fields") {
                    for field in fields {
                        if let Some(t) = field.get_mut("type") {
                            strip(t);
                        }
                    }
                }
            }
            Kind::Array => {
                if let Some(items) = obj.get_mut("items") {
                    strip(items);
                }
            }
            Kind::Map => {
                if let Some(values) = obj.get_mut("values") {
                    strip(values);
                }
            }
            Kind::Nested => {
                if let Some(inner) = obj.get_mut("type") {
                    strip(inner);
                }
            }
            Kind::Other => {}
        },
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
            identity_document(&json!({"type": "int", "name": "x", "doc": "d"})).into_owned(),
            json!({"type": "int"})
        );
        // Custom properties and logical types stay.
        assert_eq!(
            identity_document(
                &json!({"type": "long", "logicalType": "timestamp-millis", "name": "t"})
            )
            .into_owned(),
            json!({"type": "long", "logicalType": "timestamp-millis"})
        );
        // A field's own name and doc are not a primitive's.
        let record = json!({"type": "record", "name": "R", "fields": [
            {"name": "a", "doc": "kept", "type": {"type": "string", "name": "dropped"}},
            {"name": "b", "type": ["null", {"type": "int", "namespace": "n"}]},
            {"name": "c", "type": {"type": "array", "items": {"type": "int", "size": 3}}}
        ]});
        assert_eq!(
            identity_document(&record).into_owned(),
            json!({"type": "record", "name": "R", "fields": [
                {"name": "a", "doc": "kept", "type": {"type": "string"}},
                {"name": "b", "type": ["null", {"type": "int"}]},
                {"name": "c", "type": {"type": "array", "items": {"type": "int"}}}
            ]})
        );
    }

    #[test]
    fn a_schema_without_them_is_not_copied() {
        let plain = json!({"type": "record", "name": "R", "fields": [
            {"name": "a", "type": ["null", {"type": "array", "items": "int"}]}
        ]});
        assert!(matches!(identity_document(&plain), Cow::Borrowed(_)));
        assert!(matches!(
            identity_document(&json!(["null", {"type": "int", "doc": "d"}])),
            Cow::Owned(_)
        ));
    }
}
