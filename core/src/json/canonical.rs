//! Canonical JSON: object keys sorted by UTF-16 code units (RFC 8785's order), no white space.
//! Two documents that differ only in key order or white space have the same canonical text.

use serde_json::Value;

/// The canonical text of `value`.
pub fn to_canonical_string(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (key, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push(':');
                write(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(v, out);
            }
            out.push(']');
        }
        Value::Number(n) => out.push_str(&canonical_number(n)),
        other => out.push_str(&other.to_string()),
    }
}

/// Integral floats print as integers (`1.0` -> `1`), as in RFC 8785.
fn canonical_number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f)
            if !n.is_i64()
                && !n.is_u64()
                && f.fract() == 0.0
                && f.abs() < 9.007_199_254_740_992e15 =>
        {
            format!("{}", f as i64)
        }
        _ => n.to_string(),
    }
}

/// What `normalize=true` changes in a JSON Schema besides key order: `required` sorted and
/// de-duplicated, a one-element `type` array written as its element, type arrays sorted.
pub fn normalize(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (key, v) in map {
                let v = match (key.as_str(), v) {
                    ("type", Value::Array(items)) if items.len() == 1 => items[0].clone(),
                    ("required" | "type", Value::Array(items))
                        if items.iter().all(Value::is_string) =>
                    {
                        sorted_unique(items)
                    }
                    // Data, not schemas: left as written.
                    ("enum" | "const" | "default" | "examples", _) => v.clone(),
                    _ => normalize(v),
                };
                out.insert(key.clone(), v);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

fn sorted_unique(items: &[Value]) -> Value {
    let mut names: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
    names.sort_unstable();
    names.dedup();
    Value::from(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_and_space_do_not_matter() {
        let a: Value =
            serde_json::from_str(r#"{"b": 1, "a": {"y": [1, 2.0], "x": null}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":{"x":null,"y":[1,2]},"b":1}"#).unwrap();
        assert_eq!(to_canonical_string(&a), to_canonical_string(&b));
        assert_eq!(
            to_canonical_string(&b),
            r#"{"a":{"x":null,"y":[1,2]},"b":1}"#
        );
    }

    #[test]
    fn normalize_sorts_required_but_not_enums() {
        let v = normalize(
            &json!({"required": ["b", "a", "a"], "type": ["string"], "enum": ["z", "a"]}),
        );
        assert_eq!(
            v,
            json!({"required": ["a", "b"], "type": "string", "enum": ["z", "a"]})
        );
    }
}
