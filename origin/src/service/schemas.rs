//! Schemas as the service uses them: parsed with their references resolved from stored
//! versions, within the text limits, on the CPU pool; stored schemas parsed once and kept by
//! id (their validator comes with them).

use std::sync::Arc;

use moka::future::Cache;
use registry_core::formats::format_of;
use registry_core::limits::TextLimits;
use registry_core::qualified::qualify_with_parent;
use registry_core::{
    ParseOptions, ResolvedReference, Schema, SchemaReference, SchemaType, Validator,
};

use super::cache::{ENTRY_OVERHEAD, weight};
use super::{Registry, ServiceError};
use crate::store::{Deleted, StoredSchema, VersionRecord};

/// Parsed forms take several times the size of their text.
const PARSED_PER_TEXT_BYTE: usize = 6;

/// Parsed stored schemas by id, weighed by their text.
pub fn parsed_cache(bytes: u64) -> Cache<i64, Arc<Schema>> {
    Cache::builder()
        .max_capacity(bytes)
        .weigher(|_, schema: &Arc<Schema>| {
            weight(schema.text.len() * PARSED_PER_TEXT_BYTE + ENTRY_OVERHEAD)
        })
        .build()
}

/// A schema as a request gives it.
#[derive(Debug, Clone)]
pub struct SchemaInput {
    pub schema_type: SchemaType,
    pub text: String,
    pub references: Vec<SchemaReference>,
}

impl Registry {
    /// Resolves `references` (recursively, dependencies first) from stored versions.
    pub async fn resolve_references(
        &self,
        references: &[SchemaReference],
    ) -> Result<Vec<ResolvedReference>, ServiceError> {
        let mut out = Vec::new();
        let mut stack = Vec::new();
        for r in references {
            self.resolve_one(r, &mut out, &mut stack).await?;
        }
        Ok(out)
    }

    fn resolve_one<'a>(
        &'a self,
        reference: &'a SchemaReference,
        out: &'a mut Vec<ResolvedReference>,
        stack: &'a mut Vec<(String, i32)>,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<(), ServiceError>> + Send + 'a>> {
        Box::pin(async move {
            let key = (reference.subject.clone(), reference.version);
            if out
                .iter()
                .any(|r| r.reference.subject == key.0 && r.reference.version == key.1)
            {
                return Ok(());
            }
            if stack.contains(&key) || stack.len() >= self.options.max_reference_depth {
                return Err(ServiceError::InvalidSchema(format!(
                    "reference cycle or chain too deep at {}/{}",
                    key.0, key.1
                )));
            }
            let version = (reference.version > 0).then_some(reference.version);
            let found = self
                .db
                .run(|s| s.version(&reference.subject, version, Deleted::Exclude))
                .await?;
            let Some(record) = found else {
                return Err(ServiceError::InvalidSchema(format!(
                    "reference \"{}\" to subject '{}' version {} not found",
                    reference.name, reference.subject, reference.version
                )));
            };
            stack.push(key);
            for inner in &record.schema.references {
                self.resolve_one(inner, out, stack).await?;
            }
            stack.pop();
            out.push(ResolvedReference {
                reference: reference.clone(),
                schema: record.schema.text.clone(),
            });
            Ok(())
        })
    }

    /// The text limits schemas are held to.
    pub fn text_limits(&self) -> TextLimits {
        TextLimits {
            max_bytes: self.options.max_schema_bytes,
            max_depth: self.options.max_json_depth,
        }
    }

    /// Parses a schema from a request for `subject`: within the limits, its references resolved
    /// (a reference written without a context is to a subject of `subject`'s context, and is
    /// kept qualified), on the CPU pool.
    pub async fn parse_new(
        &self,
        subject: &str,
        input: &SchemaInput,
        normalize: bool,
    ) -> Result<Schema, ServiceError> {
        format_of(input.schema_type)
            .check_limits(&input.text, &self.text_limits())
            .map_err(ServiceError::Limit)?;
        let references: Vec<SchemaReference> = input
            .references
            .iter()
            .map(|r| SchemaReference {
                subject: qualify_with_parent(subject, &r.subject),
                ..r.clone()
            })
            .collect();
        let resolved = self.resolve_references(&references).await?;
        let (ty, text) = (input.schema_type, input.text.clone());
        let options = ParseOptions {
            normalize,
            ..ParseOptions::default()
        };
        let parsed = self
            .cpu
            .run(move || Schema::parse(ty, &text, &resolved, options).map(|s| (s, resolved)))
            .await?;
        let (mut schema, resolved) = parsed.map_err(ServiceError::invalid_schema)?;
        // References as the client wrote them (a version of -1 resolves to a number for storage).
        schema.references = resolved
            .iter()
            .filter(|r| input.references.iter().any(|x| x.name == r.reference.name))
            .map(|r| r.reference.clone())
            .collect();
        Ok(schema)
    }

    /// The parsed form of a stored schema (cached by id). A stored schema that no longer
    /// parses is a fault of ours (500), with the detail in the log.
    pub async fn parsed(&self, stored: &StoredSchema) -> Result<Arc<Schema>, ServiceError> {
        let make = async {
            let resolved = self.resolve_references(&stored.references).await?;
            let (ty, text, id) = (stored.schema_type, stored.text.clone(), stored.id);
            let options = ParseOptions::default();
            self.cpu
                .run(move || Schema::parse(ty, &text, &resolved, options))
                .await?
                .map(Arc::new)
                .map_err(|e| {
                    ServiceError::Internal(format!("stored schema {id} does not parse: {e}"))
                })
        };
        self.parsed
            .try_get_with(stored.id, make)
            .await
            .map_err(|e: Arc<ServiceError>| (*e).clone())
    }

    /// The validator of a stored schema.
    pub async fn validator(&self, stored: &StoredSchema) -> Result<Validator, ServiceError> {
        let schema = self.parsed(stored).await?;
        Validator::compile(&schema).map_err(|e| ServiceError::Internal(e.to_string()))
    }

    /// Parsed forms of existing versions, oldest first.
    pub async fn parsed_versions(
        &self,
        versions: &[VersionRecord],
    ) -> Result<Vec<Arc<Schema>>, ServiceError> {
        let mut out = Vec::with_capacity(versions.len());
        for v in versions {
            out.push(self.parsed(&v.schema).await?);
        }
        Ok(out)
    }
}
