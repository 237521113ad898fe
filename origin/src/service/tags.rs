//! Schema tags: `POST /subjects/{s}/versions/{v}/tags` registers a new version of the subject
//! whose text is version `v`'s with `confluent:tags` added and removed, and whose rule set is
//! the given one or the previous version's with rules merged and removed, as Confluent's
//! `modifySchemaTags` does; `findTags` lists a schema's tagged entities.

use registry_core::SchemaType;
use registry_core::config::{merge_rule_set, without_rules};
use registry_core::tags::{self, SchemaTags, TagSchemaRequest};
use serde_json::Value;

use super::register::Stamp;
use super::{RegisterInput, Registered, Registry, SchemaInput, ServiceError, Written};
use crate::store::Deleted;

impl Registry {
    /// A new version of `subject` with `request`'s tags edit of version `version` (`None`:
    /// the latest).
    pub async fn modify_tags(
        &self,
        subject: &str,
        version: Option<i32>,
        request: TagSchemaRequest,
        actor: &str,
    ) -> Result<Written<Registered>, ServiceError> {
        let base = self.version(subject, version, Deleted::Exclude).await?;
        let ty = base.schema.schema_type;
        let text = base.schema.text.clone();
        let (add, remove) = (request.tags_to_add.clone(), request.tags_to_remove.clone());
        let text = self
            .cpu()
            .run(move || edited_text(ty, &text, &add, &remove))
            .await??;
        let rule_set = self.tagged_rule_set(subject, &request).await?;
        let metadata = request.metadata.or_else(|| {
            base.metadata
                .as_deref()
                .and_then(|m| serde_json::from_str(m).ok())
        });
        let input = RegisterInput {
            subject: subject.to_owned(),
            schema: SchemaInput {
                schema_type: ty,
                text,
                references: base.schema.references.clone(),
            },
            normalize: false,
            metadata: metadata.map(|m| m.to_string()),
            rule_set: rule_set.map(|r| r.to_string()),
            import_id: None,
            import_version: None,
            actor: actor.to_owned(),
            stamp: Some(Stamp {
                expected: request.new_version,
            }),
        };
        self.register(&input).await
    }

    /// The rule set of a tags edit: with rules to merge or remove, the previous version's
    /// (the one before `newVersion`, or the latest) edited; otherwise the one given.
    async fn tagged_rule_set(
        &self,
        subject: &str,
        request: &TagSchemaRequest,
    ) -> Result<Option<Value>, ServiceError> {
        if request.rules_to_merge.is_none() && request.rules_to_remove.is_none() {
            return Ok(request.rule_set.clone());
        }
        let previous = request.new_version.map(|v| v - 1).filter(|v| *v >= 1);
        let old: Option<Value> = match self.version(subject, previous, Deleted::Exclude).await {
            Ok(v) => v
                .rule_set
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok()),
            Err(ServiceError::VersionNotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let mut rules = match (old, &request.rules_to_merge) {
            (Some(old), Some(new)) => Some(merge_rule_set(&old, new)),
            (old, new) => old.or_else(|| new.clone()),
        };
        if let (Some(r), Some(names)) = (rules.as_mut(), &request.rules_to_remove) {
            *r = without_rules(r, names);
        }
        Ok(rules)
    }
}

/// `text` with the tags edit applied, written compactly as Confluent writes it.
fn edited_text(
    ty: SchemaType,
    text: &str,
    add: &[SchemaTags],
    remove: &[SchemaTags],
) -> Result<String, ServiceError> {
    if ty == SchemaType::Protobuf {
        // A Protobuf schema's tags are `(confluent.field_meta)` options in its text.
        if add.is_empty() && remove.is_empty() {
            return Ok(text.to_owned());
        }
        return Err(ServiceError::InvalidSchema(
            "Tag edits of PROTOBUF schemas are not supported here: tag them in the .proto text with (confluent.field_meta) options"
                .into(),
        ));
    }
    let mut doc: Value = serde_json::from_str(text).map_err(ServiceError::invalid_schema)?;
    tags::modify(ty, &mut doc, add, remove).map_err(ServiceError::invalid_schema)?;
    Ok(doc.to_string())
}

/// The tagged entities of a stored schema that have any of `wanted` (`*`: all).
pub fn find_tags(ty: SchemaType, text: &str, wanted: &[String]) -> Vec<SchemaTags> {
    serde_json::from_str::<Value>(text)
        .map(|doc| tags::find_tags(ty, &doc, wanted))
        .unwrap_or_default()
}
