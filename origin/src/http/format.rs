//! The `format` parameter of the reads of a schema: `resolved` writes an Avro schema out with
//! the named types of its references inlined, as Confluent does. Other formats, and other
//! schema types, answer the stored text (Confluent, too, answers the default for a format it
//! does not know).

use registry_core::avro::resolved::resolved;
use registry_core::{SchemaReference, SchemaType};

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
    let wanted = format.is_some_and(|f| f.eq_ignore_ascii_case("resolved"));
    if !wanted || ty != SchemaType::Avro || references.is_empty() {
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
