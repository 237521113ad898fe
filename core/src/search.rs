//! What the search index holds for a schema: its words, sorted by how much they say about it.
//!
//! Every field is a run of lowercase ASCII words (`[a-z0-9]+`) separated by spaces, so
//! PostgreSQL's `simple` parser and SQLite's `unicode61` tokenizer see the same tokens, and a
//! query split the same way ([`query_words`]) matches alike on both. Identifiers are indexed
//! whole and in parts: `customerId` gives `customerid customer id`, `com.acme.Order` gives
//! `com acme order`.

use serde_json::Value;

use crate::SchemaType;

/// The largest share of a schema's raw text that is indexed (the rest still counts through its
/// names and docs).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Most words a query may have; later ones are ignored.
pub const MAX_QUERY_WORDS: usize = 8;

/// A search document, by field, highest weight first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchTerms {
    /// The subject name's words.
    pub subject: String,
    /// Record, type, field, enum-symbol, property and definition names.
    pub names: String,
    /// Metadata tags, each lowercased with its inner spaces as `_`, space-separated (also what
    /// the exact tag filter matches).
    pub tags: String,
    /// `doc`, `title` and `description` strings and metadata property values.
    pub docs: String,
    /// Words of the raw schema text (at most [`MAX_BODY_BYTES`] of it).
    pub body: String,
}

impl SearchTerms {
    /// The terms of `text`, a schema of type `ty` registered under `subject` with `metadata`
    /// (Confluent's `{"tags": {path: [tag]}, "properties": {k: v}}`, as JSON text). A text that
    /// does not parse as JSON still gets its subject and body indexed.
    pub fn of(subject: &str, ty: SchemaType, text: &str, metadata: Option<&str>) -> Self {
        let mut names = Words::default();
        let mut docs = Words::default();
        let mut tags = Vec::new();
        if let Ok(doc) = serde_json::from_str::<Value>(text) {
            match ty {
                SchemaType::Avro => avro_terms(&doc, &mut names, &mut docs, &mut tags),
                SchemaType::Json => json_terms(&doc, &mut names, &mut docs, &mut tags),
            }
        }
        if let Some(meta) = metadata.and_then(|m| serde_json::from_str::<Value>(m).ok()) {
            if let Some(by_path) = meta.get("tags").and_then(Value::as_object) {
                for (path, list) in by_path {
                    names.identifier(path);
                    collect_tags(list, &mut tags);
                }
            }
            if let Some(props) = meta.get("properties").and_then(Value::as_object) {
                for (k, v) in props {
                    names.identifier(k);
                    if let Some(v) = v.as_str() {
                        docs.text(v);
                    }
                }
            }
        }
        tags.sort();
        tags.dedup();
        let mut body = Words::default();
        body.text(truncate(text, MAX_BODY_BYTES));
        let mut subject_words = Words::default();
        subject_words.identifier(subject);
        Self {
            subject: subject_words.0,
            names: names.0,
            tags: tags.join(" "),
            docs: docs.0,
            body: body.0,
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

/// The words of a query: lowercase `[a-z0-9]+` runs, at most [`MAX_QUERY_WORDS`], each matched
/// as a prefix by the stores.
pub fn query_words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(64).collect::<String>().to_ascii_lowercase())
        .take(MAX_QUERY_WORDS)
        .collect()
}

fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Space-separated lowercase words.
#[derive(Debug, Default)]
struct Words(String);

impl Words {
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
    fn text(&mut self, s: &str) {
        for w in s.split(|c: char| !c.is_ascii_alphanumeric()) {
            self.push(w);
        }
    }

    /// An identifier: each dotted/underscored part whole, then its camelCase parts when
    /// there are several.
    fn identifier(&mut self, s: &str) {
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
fn camel_pieces(s: &str) -> Vec<&str> {
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

fn collect_tags(list: &Value, tags: &mut Vec<String>) {
    if let Some(list) = list.as_array() {
        for t in list.iter().filter_map(Value::as_str) {
            let t = normalize_tag(t);
            if !t.is_empty() {
                tags.push(t);
            }
        }
    }
}

/// Avro: `name`, `namespace`, `aliases`, `symbols`, `doc`, and `confluent:tags` on fields.
fn avro_terms(v: &Value, names: &mut Words, docs: &mut Words, tags: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for key in ["name", "namespace"] {
                if let Some(s) = map.get(key).and_then(Value::as_str) {
                    names.identifier(s);
                }
            }
            for key in ["aliases", "symbols"] {
                for s in map.get(key).and_then(Value::as_array).into_iter().flatten() {
                    if let Some(s) = s.as_str() {
                        names.identifier(s);
                    }
                }
            }
            if let Some(doc) = map.get("doc").and_then(Value::as_str) {
                docs.text(doc);
            }
            if let Some(t) = map.get("confluent:tags") {
                collect_tags(t, tags);
            }
            for key in ["type", "fields", "items", "values"] {
                if let Some(inner) = map.get(key) {
                    avro_terms(inner, names, docs, tags);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                avro_terms(item, names, docs, tags);
            }
        }
        _ => {}
    }
}

/// JSON Schema: property and definition names, `title`, `description`, `$id`, and
/// `confluent:tags`, at any depth.
fn json_terms(v: &Value, names: &mut Words, docs: &mut Words, tags: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                match key.as_str() {
                    "properties" | "patternProperties" | "definitions" | "$defs" => {
                        if let Some(children) = value.as_object() {
                            for (name, child) in children {
                                names.identifier(name);
                                json_terms(child, names, docs, tags);
                            }
                        }
                    }
                    "title" | "$id" => {
                        if let Some(s) = value.as_str() {
                            names.identifier(s);
                        }
                    }
                    "description" => {
                        if let Some(s) = value.as_str() {
                            docs.text(s);
                        }
                    }
                    "confluent:tags" => collect_tags(value, tags),
                    _ => json_terms(value, names, docs, tags),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                json_terms(item, names, docs, tags);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avro_names_docs_and_tags_are_indexed() {
        let text = r#"{"type":"record","name":"OrderPlaced","namespace":"com.acme.sales",
            "doc":"An order was placed.","fields":[
            {"name":"customerId","type":"string","doc":"Who ordered","confluent:tags":["PII"]},
            {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","SHIPPED"]}}]}"#;
        let meta = r#"{"tags":{"OrderPlaced.customerId":["GDPR Personal"]},"properties":{"owner":"team-sales"}}"#;
        let t = SearchTerms::of("sales.orders-value", SchemaType::Avro, text, Some(meta));
        assert_eq!(t.subject, "sales orders value");
        for word in [
            "orderplaced",
            "order",
            "placed",
            "customerid",
            "customer",
            "status",
            "shipped",
            "acme",
            "owner",
        ] {
            assert!(
                t.names.split(' ').any(|w| w == word),
                "{word} in {}",
                t.names
            );
        }
        assert_eq!(t.tags, "gdpr_personal pii");
        assert!(t.docs.contains("an order was placed"));
        assert!(t.docs.contains("team sales"));
        assert!(t.body.contains("record"));
    }

    #[test]
    fn json_schema_properties_titles_and_descriptions_are_indexed() {
        let text = r##"{"$id":"https://acme.test/invoice.json","title":"Invoice","type":"object",
            "description":"A bill sent to a customer","properties":{"totalAmount":{"type":"number",
            "confluent:tags":["finance"]},"lines":{"type":"array","items":{"$ref":"#/$defs/Line"}}},
            "$defs":{"Line":{"properties":{"sku":{"type":"string","description":"Stock unit"}}}}}"##;
        let t = SearchTerms::of("invoices", SchemaType::Json, text, None);
        for word in [
            "invoice",
            "totalamount",
            "total",
            "amount",
            "lines",
            "line",
            "sku",
        ] {
            assert!(
                t.names.split(' ').any(|w| w == word),
                "{word} in {}",
                t.names
            );
        }
        assert!(t.docs.contains("a bill sent to a customer"));
        assert!(t.docs.contains("stock unit"));
        assert_eq!(t.tags, "finance");
    }

    #[test]
    fn unparsable_text_and_long_bodies_still_index_safely() {
        let t = SearchTerms::of("x", SchemaType::Avro, "not json é", None);
        assert_eq!(t.names, "");
        assert_eq!(t.body, "not json");
        let long = format!("\"{}é\"", "a ".repeat(MAX_BODY_BYTES));
        let t = SearchTerms::of("x", SchemaType::Avro, &long, None);
        assert!(t.body.len() <= MAX_BODY_BYTES);
    }

    #[test]
    fn queries_split_like_the_index() {
        assert_eq!(
            query_words("Order  customer-ID!"),
            ["order", "customer", "id"]
        );
        assert_eq!(query_words("a b c d e f g h i j").len(), MAX_QUERY_WORDS);
        assert!(query_words("  --  ").is_empty());
        assert_eq!(camel_pieces("customerID2Name"), ["customer", "ID2", "Name"]);
        assert_eq!(normalize_tag("  Personal  Data "), "personal_data");
    }
}
