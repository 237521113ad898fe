//! The drafts' own meta-schemas compiled to JavaScript: what checks that a schema is a schema
//! where the registry's validator is not at hand (a page compiling a local schema).
//!
//! The meta-schemas are the ones the registry's validator bundles (the pinned `referencing`
//! crate), so both check against the same documents.

use std::sync::Arc;

use crate::json::Draft;
use referencing::meta;
use serde_json::Value;

use super::{Form, Unsupported, generate_as};
use crate::json::ReferenceSet;

/// The generated validator of `draft`'s meta-schema, packaged as `form`.
pub fn meta_schema_validator(draft: Draft, form: Form) -> Result<String, Unsupported> {
    generate_as(
        meta_schema_document(draft),
        Some(draft),
        &ReferenceSet::new(),
        form,
    )
}

/// The bundled meta-schema document whose `$id` (or `id`) is `uri`, fragment aside: a `$ref`
/// to a draft's meta-schema resolves to it, as in the registry's validator.
pub(super) fn bundled(uri: &str) -> Option<&'static Value> {
    let uri = uri.trim_end_matches('#');
    Draft::ALL
        .into_iter()
        .map(documents)
        .flat_map(|(root, vocabularies)| {
            std::iter::once(root).chain(vocabularies.into_iter().map(|d| &**d))
        })
        .find(|document| {
            ["$id", "id"].iter().any(|key| {
                document
                    .get(*key)
                    .and_then(Value::as_str)
                    .is_some_and(|id| id.trim_end_matches('#') == uri)
            })
        })
}

/// The meta-schema of `draft`, as the registry's validator bundles it.
pub fn meta_schema_document(draft: Draft) -> &'static Value {
    documents(draft).0
}

/// The meta-schema of `draft` and the vocabulary meta-schemas it references.
fn documents(draft: Draft) -> (&'static Value, Vec<&'static Arc<Value>>) {
    match draft {
        Draft::Draft4 => (&**meta::DRAFT4, Vec::new()),
        Draft::Draft6 => (&**meta::DRAFT6, Vec::new()),
        Draft::Draft7 => (&**meta::DRAFT7, Vec::new()),
        Draft::Draft201909 => (
            &**meta::DRAFT201909,
            vec![
                &*meta::DRAFT201909_CORE,
                &*meta::DRAFT201909_APPLICATOR,
                &*meta::DRAFT201909_VALIDATION,
                &*meta::DRAFT201909_META_DATA,
                &*meta::DRAFT201909_FORMAT,
                &*meta::DRAFT201909_CONTENT,
            ],
        ),
        Draft::Draft202012 => (
            &**meta::DRAFT202012,
            vec![
                &*meta::DRAFT202012_CORE,
                &*meta::DRAFT202012_APPLICATOR,
                &*meta::DRAFT202012_UNEVALUATED,
                &*meta::DRAFT202012_VALIDATION,
                &*meta::DRAFT202012_META_DATA,
                &*meta::DRAFT202012_FORMAT_ANNOTATION,
                &*meta::DRAFT202012_CONTENT,
            ],
        ),
    }
}
