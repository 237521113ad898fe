//! What the search index holds for a schema: its words, sorted by how much they say about it.
//!
//! Every field is a run of lowercase ASCII words (`[a-z0-9]+`) separated by spaces, so
//! PostgreSQL's `simple` parser and SQLite's `unicode61` tokenizer see the same tokens, and a
//! query split the same way ([`query_words`]) matches alike on both. Identifiers are indexed
//! whole and in parts: `customerId` gives `customerid customer id`, `com.acme.Order` gives
//! `com acme order`.

use serde_json::Value;

pub use crate::terms::{TermSink, normalize_tag};

use crate::formats::format_of;
use crate::terms::Words;
use crate::types::SchemaType;

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
        let mut sink = TermSink::default();
        format_of(ty).search_terms(text, &mut sink);
        if let Some(meta) = metadata.and_then(|m| serde_json::from_str::<Value>(m).ok()) {
            if let Some(by_path) = meta.get("tags").and_then(Value::as_object) {
                for (path, list) in by_path {
                    sink.name(path);
                    sink.tags(list);
                }
            }
            if let Some(props) = meta.get("properties").and_then(Value::as_object) {
                for (k, v) in props {
                    sink.name(k);
                    if let Some(v) = v.as_str() {
                        sink.doc(v);
                    }
                }
            }
        }
        let (names, docs, mut tags) = sink.into_parts();
        tags.sort();
        tags.dedup();
        let mut body = Words::default();
        body.text(truncate(text, MAX_BODY_BYTES));
        let mut subject_words = Words::default();
        subject_words.identifier(subject);
        Self {
            subject: subject_words.into_string(),
            names: names.into_string(),
            tags: tags.join(" "),
            docs: docs.into_string(),
            body: body.into_string(),
        }
    }
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
        assert_eq!(
            crate::terms::camel_pieces("customerID2Name"),
            ["customer", "ID2", "Name"]
        );
        assert_eq!(normalize_tag("  Personal  Data "), "personal_data");
    }
}
