//! Validating data against a Protobuf schema: a payload is a message in the proto3 JSON mapping
//! (of the file's first message), or an envelope naming the message and carrying JSON or the
//! binary encoding in base64:
//!
//! ```json
//! {"$message": "pkg.Order", "$json": {"id": "1"}}
//! {"$message": "Order", "$binary": "CgEx"}
//! ```
//!
//! `$` keys cannot be field names in the JSON mapping, so an envelope is never a message.
//! Unknown fields, wrong types, out-of-range numbers, unknown enum names, malformed binary and
//! missing proto2 `required` fields are errors, each with a JSON pointer into the payload.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use prost_reflect::{DynamicMessage, FileDescriptor, MessageDescriptor, ReflectMessage};
use serde_json::Value;

use crate::issue::ValidationIssue;

/// The message a payload is for and the payload itself.
enum Payload<'a> {
    Json(&'a Value),
    Binary(&'a str),
}

/// Every problem of `datum` for `file`'s messages (empty when it is valid).
pub fn validate(file: &FileDescriptor, datum: &Value) -> Vec<ValidationIssue> {
    let (descriptor, payload) = match select(file, datum) {
        Ok(found) => found,
        Err(issue) => return vec![issue],
    };
    let schema_path = format!("/{}", descriptor.full_name());
    let issue = |instance_path: String, message: String| ValidationIssue {
        instance_path,
        schema_path: schema_path.clone(),
        message,
    };
    let message = match payload {
        Payload::Json(value) => {
            let mut track = serde_path_to_error::Track::new();
            let de = serde_path_to_error::Deserializer::new(value, &mut track);
            match DynamicMessage::deserialize(descriptor, de) {
                Ok(m) => m,
                Err(e) => return vec![issue(pointer(&track.path()), e.to_string())],
            }
        }
        Payload::Binary(text) => {
            let Ok(bytes) = STANDARD.decode(text) else {
                return vec![issue("/$binary".into(), "$binary is not base64".into())];
            };
            match DynamicMessage::decode(descriptor, bytes.as_slice()) {
                Ok(m) => m,
                Err(e) => return vec![issue("/$binary".into(), e.to_string())],
            }
        }
    };
    let mut missing = Vec::new();
    required_missing(&message, "", &mut missing);
    missing
        .into_iter()
        .map(|(path, name)| issue(path, format!("missing required field \"{name}\"")))
        .collect()
}

/// The message and payload `datum` names (the file's first message by default).
fn select<'a>(
    file: &FileDescriptor,
    datum: &'a Value,
) -> Result<(MessageDescriptor, Payload<'a>), ValidationIssue> {
    let error = |path: &str, message: String| ValidationIssue {
        instance_path: path.into(),
        schema_path: String::new(),
        message,
    };
    let envelope = datum
        .as_object()
        .filter(|o| o.keys().any(|k| k.starts_with('$')));
    let (name, payload) = match envelope {
        None => (None, Payload::Json(datum)),
        Some(o) => {
            let name = match o.get("$message") {
                None => None,
                Some(Value::String(s)) => Some(s.as_str()),
                Some(_) => return Err(error("/$message", "$message must be a string".into())),
            };
            let payload = match (o.get("$json"), o.get("$binary")) {
                (Some(v), None) => Payload::Json(v),
                (None, Some(Value::String(s))) => Payload::Binary(s),
                (None, Some(_)) => {
                    return Err(error("/$binary", "$binary must be a base64 string".into()));
                }
                _ => {
                    return Err(error(
                        "",
                        "an envelope has $message and one of $json or $binary".into(),
                    ));
                }
            };
            (name, payload)
        }
    };
    let descriptor = match name {
        None => file.messages().next(),
        Some(name) => find_message(file, name),
    };
    match descriptor {
        Some(d) => Ok((d, payload)),
        None => Err(error(
            "/$message",
            match name {
                Some(n) => format!("no message \"{n}\" in the schema"),
                None => "the schema has no message".into(),
            },
        )),
    }
}

/// The message called `name`: fully qualified, or relative to the file's package.
pub fn find_message(file: &FileDescriptor, name: &str) -> Option<MessageDescriptor> {
    let pool = file.parent_pool();
    let name = name.strip_prefix('.').unwrap_or(name);
    pool.get_message_by_name(name).or_else(|| {
        let package = file.package_name();
        (!package.is_empty())
            .then(|| pool.get_message_by_name(&format!("{package}.{name}")))
            .flatten()
    })
}

/// The proto2 `required` fields missing from `message` and the messages inside it.
fn required_missing(message: &DynamicMessage, at: &str, out: &mut Vec<(String, String)>) {
    for field in message.descriptor().fields() {
        let name = field.json_name().to_owned();
        if field.cardinality() == prost_reflect::Cardinality::Required && !message.has_field(&field)
        {
            out.push((format!("{at}/{name}"), field.name().to_owned()));
            continue;
        }
        if !message.has_field(&field) {
            continue;
        }
        let value = message.get_field(&field);
        match value.as_ref() {
            prost_reflect::Value::Message(inner) => {
                required_missing(inner, &format!("{at}/{name}"), out);
            }
            prost_reflect::Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(inner) = item.as_message() {
                        required_missing(inner, &format!("{at}/{name}/{i}"), out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A serde path as a JSON pointer.
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    use std::fmt::Write;
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => {
                let _ = write!(out, "/{index}");
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { variant } => {
                let _ = write!(out, "/{variant}");
            }
            Segment::Unknown => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protobuf::compile::compile;
    use serde_json::json;

    const TEXT: &str = "syntax = \"proto2\";\npackage shop;\nmessage Order { required string id = 1; optional int32 count = 2; repeated Line lines = 3; }\nmessage Line { required string sku = 1; }";

    #[test]
    fn json_binary_and_required_fields() {
        let compiled = compile(TEXT, &[]).unwrap();
        let file = &compiled.file;
        assert!(validate(file, &json!({"id": "a", "count": 2})).is_empty());
        let errors = validate(file, &json!({"id": "a", "count": "many"}));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].instance_path, "/count");
        let errors = validate(file, &json!({"count": 1, "lines": [{"sku": "x"}, {}]}));
        let paths: Vec<&str> = errors.iter().map(|e| e.instance_path.as_str()).collect();
        assert_eq!(paths, ["/id", "/lines/1/sku"]);
        assert_eq!(validate(file, &json!({"id": "a", "nope": 1})).len(), 1);
        let line = find_message(file, "Line").unwrap();
        let mut message = DynamicMessage::new(line);
        message.set_field_by_name("sku", prost_reflect::Value::String("s".into()));
        let binary = STANDARD.encode(prost::Message::encode_to_vec(&message));
        assert!(validate(file, &json!({"$message": "shop.Line", "$binary": binary})).is_empty());
        let errors = validate(file, &json!({"$message": "Line", "$binary": "////"}));
        assert_eq!(errors[0].instance_path, "/$binary");
        let errors = validate(file, &json!({"$message": "Nope", "$json": {}}));
        assert!(errors[0].message.contains("Nope"));
    }
}
