//! Lookup (`POST /subjects/{s}`): the version of a subject that has a given schema, comparing
//! normalized forms when asked (a schema registered without `normalize` is still found by an
//! equivalent one).

use registry_core::{ParseOptions, Schema};

use super::{Registry, SchemaInput, ServiceError};
use crate::store::{Deleted, VersionRecord};

impl Registry {
    pub async fn lookup(
        &self,
        subject: &str,
        input: &SchemaInput,
        normalize: bool,
        deleted: Deleted,
    ) -> Result<VersionRecord, ServiceError> {
        let normalize = normalize || self.config_in_force(subject).await?.normalize == Some(true);
        let schema = self.parse_new(subject, input, normalize).await?;
        if let Some(found) = self.find_same(subject, &schema, normalize, deleted).await? {
            return Ok(found);
        }
        let versions = self.db.run(|s| s.version_states(subject)).await?;
        let any = versions
            .iter()
            .any(|v| deleted == Deleted::Include || !v.deleted);
        if !any {
            return Err(ServiceError::SubjectNotFound {
                subject: subject.to_owned(),
            });
        }
        Err(ServiceError::SchemaNotInSubject {
            subject: subject.to_owned(),
        })
    }

    /// The version of `subject` that has `schema`: by fingerprint, and with `normalize` also any
    /// whose normalized form is the same.
    pub(super) async fn find_same(
        &self,
        subject: &str,
        schema: &Schema,
        normalize: bool,
        deleted: Deleted,
    ) -> Result<Option<VersionRecord>, ServiceError> {
        let fingerprint = schema.fingerprint.to_hex();
        if let Some(found) = self
            .db
            .run(|s| s.lookup(subject, &fingerprint, deleted))
            .await?
        {
            return Ok(Some(found));
        }
        if !normalize {
            return Ok(None);
        }
        for record in self.db.run(|s| s.versions(subject, deleted)).await? {
            let resolved = self.resolve_references(&record.schema.references).await?;
            let (ty, text) = (record.schema.schema_type, record.schema.text.clone());
            let options = ParseOptions {
                normalize: true,
                ..ParseOptions::default()
            };
            let normalized = self
                .cpu()
                .run(move || Schema::parse(ty, &text, &resolved, options))
                .await?
                .map_err(|e| {
                    ServiceError::Internal(format!("stored schema does not parse: {e}"))
                })?;
            if normalized.fingerprint == schema.fingerprint {
                return Ok(Some(record));
            }
        }
        Ok(None)
    }
}
