//! Reserved fields, as Confluent's data contracts define them: a version's metadata property
//! `confluent:reserved` lists field names (comma-separated) that the schema must not have at its
//! top level, and that a later version must keep reserved.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::incompatibility::{Incompatibility, IncompatibilityKind};
use crate::schema::Schema;

/// The metadata property that lists a version's reserved fields.
pub const RESERVED: &str = "confluent:reserved";

/// The reserved field names of a version's `metadata` (`{"properties": {...}}`).
pub fn reserved_fields(metadata: Option<&Value>) -> BTreeSet<String> {
    metadata
        .and_then(|m| m.get("properties"))
        .and_then(|p| p.get(RESERVED))
        .and_then(Value::as_str)
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// What the reserved fields forbid `new` (with `metadata`) after a version with
/// `previous_metadata`: a reserved field dropped from the metadata, or a top-level field that is
/// reserved. Confluent's messages.
pub fn problems(
    new: &Schema,
    metadata: Option<&Value>,
    previous_metadata: Option<&Value>,
) -> Vec<Incompatibility> {
    let reserved = reserved_fields(metadata);
    let mut out: Vec<Incompatibility> = reserved_fields(previous_metadata)
        .difference(&reserved)
        .map(|field| Incompatibility {
            kind: IncompatibilityKind::ReservedFieldRemoved,
            location: field.clone(),
            message: format!(
                "The new schema has reserved field {field} removed from its metadata which is present in the old schema's metadata."
            ),
        })
        .collect();
    out.extend(
        reserved
            .iter()
            .filter(|field| new.model.has_top_level_field(field))
            .map(|field| Incompatibility {
                kind: IncompatibilityKind::FieldConflictsWithReservedField,
                location: field.clone(),
                message: format!(
                    "The new schema has field that conflicts with the reserved field {field}."
                ),
            }),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ParseOptions, SchemaType};
    use serde_json::json;

    #[test]
    fn every_format_names_its_top_level_fields() {
        let meta = json!({"properties": {RESERVED: " id , note,"}});
        let cases = [
            (
                SchemaType::Avro,
                r#"{"type":"record","name":"R","fields":[{"name":"id","type":"int"}]}"#,
            ),
            (
                SchemaType::Json,
                r#"{"type":"object","properties":{"id":{"type":"integer"}}}"#,
            ),
            (
                SchemaType::Protobuf,
                "syntax = \"proto3\"; message R { int32 id = 1; }",
            ),
        ];
        for (ty, text) in cases {
            let schema = Schema::parse(ty, text, &[], ParseOptions::default()).unwrap();
            let found = problems(&schema, Some(&meta), None);
            assert_eq!(found.len(), 1, "{ty}");
            assert_eq!(
                found[0].kind.as_str(),
                "FIELD_CONFLICTS_WITH_RESERVED_FIELD"
            );
            assert_eq!(found[0].location, "id");
            let removed = problems(
                &schema,
                None,
                Some(&json!({"properties": {RESERVED: "gone"}})),
            );
            assert_eq!(removed[0].kind.as_str(), "RESERVED_FIELD_REMOVED");
        }
    }
}
