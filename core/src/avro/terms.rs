//! What the search index takes from an Avro schema.

use serde_json::Value;

use crate::terms::TermSink;

/// Avro: `name`, `namespace`, `aliases`, `symbols`, `doc`, and `confluent:tags` on fields.
pub(super) fn collect(v: &Value, sink: &mut TermSink) {
    match v {
        Value::Object(map) => {
            for key in ["name", "namespace"] {
                if let Some(s) = map.get(key).and_then(Value::as_str) {
                    sink.name(s);
                }
            }
            for key in ["aliases", "symbols"] {
                for s in map.get(key).and_then(Value::as_array).into_iter().flatten() {
                    if let Some(s) = s.as_str() {
                        sink.name(s);
                    }
                }
            }
            if let Some(doc) = map.get("doc").and_then(Value::as_str) {
                sink.doc(doc);
            }
            if let Some(t) = map.get("confluent:tags") {
                sink.tags(t);
            }
            for key in ["type", "fields", "items", "values"] {
                if let Some(inner) = map.get(key) {
                    collect(inner, sink);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                collect(item, sink);
            }
        }
        _ => {}
    }
}
