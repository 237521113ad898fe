//! What the search index takes from a JSON Schema.

use serde_json::Value;

use crate::terms::TermSink;

/// JSON Schema: property and definition names, `title`, `description`, `$id`, and
/// `confluent:tags`, at any depth.
pub(super) fn collect(v: &Value, sink: &mut TermSink) {
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                match key.as_str() {
                    "properties" | "patternProperties" | "definitions" | "$defs" => {
                        if let Some(children) = value.as_object() {
                            for (name, child) in children {
                                sink.name(name);
                                collect(child, sink);
                            }
                        }
                    }
                    "title" | "$id" => {
                        if let Some(s) = value.as_str() {
                            sink.name(s);
                        }
                    }
                    "description" => {
                        if let Some(s) = value.as_str() {
                            sink.doc(s);
                        }
                    }
                    "confluent:tags" => sink.tags(value),
                    _ => collect(value, sink),
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
