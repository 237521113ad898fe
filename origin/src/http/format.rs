//! The `format` parameter of the reads of a schema: `resolved` writes an Avro schema out with
//! the named types of its references inlined, and `serialized` answers a Protobuf schema as its
//! base64 `FileDescriptorProto`, as Confluent does. Other formats, and other schema types,
//! answer the stored text (Confluent, too, answers the default for a format it does not know).

use registry_core::avro::resolved::resolved;
use registry_core::protobuf::ProtobufModel;
use registry_core::{ParseOptions, Schema, SchemaReference, SchemaType};

use super::{ApiError, AppState};

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
    ty: SchemaType,
    text: &str,
    references: &[SchemaReference],
    format: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let is = |name: &str| format.is_some_and(|f| f.eq_ignore_ascii_case(name));
    if is("serialized") && ty == SchemaType::Protobuf {
        let resolved_refs = state.registry.resolve_references(references).await?;
        let text = text.to_owned();
        return Ok(state
            .registry
            .cpu()
            .run(move || {
                let schema =
                    Schema::parse(ty, &text, &resolved_refs, ParseOptions::default()).ok()?;
                schema
                    .model_as::<ProtobufModel>()
                    .map(ProtobufModel::serialized)
            })
            .await?);
    }
    if !is("resolved") || ty != SchemaType::Avro || references.is_empty() {
        return Ok(None);
    }
    let resolved_refs = state.registry.resolve_references(references).await?;
    let text = text.to_owned();
    Ok(state
        .registry
        .cpu()
        .run(move || resolved(&text, &resolved_refs))
        .await?)
}
