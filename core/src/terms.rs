//! What a format hands the search index: identifiers (whole and in parts), free text and tags,
//! as runs of lowercase ASCII words.

use serde_json::Value;

/// What a format finds in a schema for the index: names, docs and tags.
#[derive(Debug, Default)]
pub struct TermSink {
    names: Words,
    docs: Words,
    tags: Vec<String>,
}

impl TermSink {
    /// The names, docs and tags collected.
    pub(crate) fn into_parts(self) -> (Words, Words, Vec<String>) {
        (self.names, self.docs, self.tags)
    }

    /// An identifier (a record, field, property or type name): indexed whole and in parts.
    pub fn name(&mut self, name: &str) {
        self.names.identifier(name);
    }

    /// Free text (a `doc` or `description`).
    pub fn doc(&mut self, text: &str) {
        self.docs.text(text);
    }

    /// A list of tags (`confluent:tags`); anything but strings is ignored.
    pub fn tags(&mut self, list: &Value) {
        if let Some(list) = list.as_array() {
            for t in list.iter().filter_map(Value::as_str) {
                let t = normalize_tag(t);
                if !t.is_empty() {
                    self.tags.push(t);
                }
            }
        }
    }
}

/// A tag as the index keeps it and the tag filter compares it: lowercase, inner whitespace `_`.
pub fn normalize_tag(tag: &str) -> String {
    tag.split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .to_lowercase()
}

/// Space-separated lowercase words.
#[derive(Debug, Default)]
pub(crate) struct Words(String);

impl Words {
    pub(crate) fn into_string(self) -> String {
        self.0
    }

    fn push(&mut self, word: &str) {
        if word.is_empty() {
            return;
        }
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        self.0.push_str(&word.to_ascii_lowercase());
    }

    /// Free text: its alphanumeric runs.
    pub(crate) fn text(&mut self, s: &str) {
        for w in s.split(|c: char| !c.is_ascii_alphanumeric()) {
            self.push(w);
        }
    }

    /// An identifier: each dotted/underscored part whole, then its camelCase parts when
    /// there are several.
    pub(crate) fn identifier(&mut self, s: &str) {
        for part in s.split(|c: char| !c.is_ascii_alphanumeric()) {
            self.push(part);
            let pieces = camel_pieces(part);
            if pieces.len() > 1 {
                for p in pieces {
                    self.push(p);
                }
            }
        }
    }
}

/// `customerID2Name` -> `customer`, `ID2`, `Name`.
pub(crate) fn camel_pieces(s: &str) -> Vec<&str> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..bytes.len() {
        let (prev, cur) = (bytes[i - 1], bytes[i]);
        let next_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        let boundary = ((prev.is_ascii_lowercase() || prev.is_ascii_digit())
            && cur.is_ascii_uppercase())
            || (prev.is_ascii_uppercase() && cur.is_ascii_uppercase() && next_lower);
        if boundary {
            out.push(&s[start..i]);
            start = i;
        }
    }
    out.push(&s[start..]);
    out
}
