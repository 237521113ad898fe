//! The `format` parameter of the reads of a schema: `resolved` writes an Avro schema out with
//! the named types of its references inlined, and `serialized` answers a Protobuf schema as its
//! base64 `FileDescriptorProto`, as Confluent does. Other formats, and other schema types,
//! answer the stored text (Confluent, too, answers the default for a format it does not know).

use registry_core::SchemaType;
use registry_core::avro::resolved::resolved;
use registry_core::protobuf::ProtobufModel;

use super::{ApiError, AppState};
use crate::store::StoredSchema;

/// The `format` of a read's query pairs.
pub fn param(params: &[(String, String)]) -> Option<&str> {
    params
        .iter()
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.as_str())
}

/// The text `format` asks for, when it differs from the stored one.
pub async fn render(
    state: &AppState,
    stored: &StoredSchema,
    format: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let is = |name: &str| format.is_some_and(|f| f.eq_ignore_ascii_case(name));
    let (ty, references) = (stored.schema_type, &stored.references);
    if is("serialized") && ty == SchemaType::Protobuf {
        // The schema as parsed for validation and checks (cached), its descriptor encoded.
        let schema = state.registry.parsed(stored).await?;
        return Ok(schema
            .model_as::<ProtobufModel>()
            .map(ProtobufModel::serialized));
    }
    if !is("resolved") || ty != SchemaType::Avro || references.is_empty() {
        return Ok(None);
    }
    let resolved_refs = state.registry.resolve_references(references).await?;
    let text = stored.text.clone();
    Ok(state
        .registry
        .cpu()
        .run(move || resolved(&text, &resolved_refs))
        .await?)
}
