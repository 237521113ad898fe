//! Reads: schemas by id, subjects, versions, usage and references, with the Confluent answers
//! for what is missing. Responses the caches hold are built here as [`CachedBody`]s (the API's
//! JSON from `registry_core::api`), so warming and the HTTP layer share them.

use std::sync::Arc;

use registry_core::api::{self, SchemaById};
use registry_core::cache_key::CacheKey;

use super::{CachedBody, Registry, ServiceError};
use crate::store::{Deleted, StoredSchema, Usage, VersionRecord};

/// The API shape of a stored version.
pub fn subject_version(record: &VersionRecord) -> api::SubjectVersion {
    api::SubjectVersion {
        subject: record.subject.clone(),
        version: record.version,
        id: record.id(),
        guid: Some(record.schema.guid.clone()),
        schema_type: record.schema.schema_type,
        schema: record.schema.text.clone(),
        references: record.schema.references.clone(),
        metadata: record
            .metadata
            .as_deref()
            .and_then(|m| serde_json::from_str(m).ok()),
        rule_set: record
            .rule_set
            .as_deref()
            .and_then(|m| serde_json::from_str(m).ok()),
        deleted: record.deleted,
        ts: record.rewritten_ms.or(record.registered_ms),
        create_ts: record.rewritten_ms.and(record.registered_ms),
    }
}

impl Registry {
    /// The stored schema with `id`.
    pub async fn stored(&self, id: i64) -> Result<StoredSchema, ServiceError> {
        self.db
            .run(|s| s.schema_by_id(id))
            .await?
            .ok_or_else(|| ServiceError::SchemaNotFound { id: id.to_string() })
    }

    /// `GET /schemas/ids/{id}`, from the cache.
    pub async fn schema_body(&self, id: i64) -> Result<Arc<CachedBody>, ServiceError> {
        self.cache
            .get_or(CacheKey::SchemaById(id), || self.make_schema_body(id))
            .await
    }

    /// `GET /schemas/ids/{id}`, from the database.
    pub async fn make_schema_body(&self, id: i64) -> Result<CachedBody, ServiceError> {
        self.schema_body_of(self.stored(id).await?).await
    }

    /// The body of a schema by id or by guid (immutable; the fingerprint is its ETag), with
    /// the metadata and rule set of the first version registered with it: deserializers run
    /// the READ rules (decryption) they find there.
    async fn schema_body_of(&self, s: StoredSchema) -> Result<CachedBody, ServiceError> {
        let (metadata, rule_set) = self
            .db
            .run(|db| db.first_rules(s.id))
            .await?
            .unwrap_or_default();
        let json = |t: Option<String>| t.and_then(|t| serde_json::from_str(&t).ok());
        let body = SchemaById {
            guid: Some(s.guid),
            schema_type: s.schema_type,
            schema: s.text,
            references: s.references,
            metadata: json(metadata),
            rule_set: json(rule_set),
        };
        Ok(CachedBody::of(&body, true, Some(&s.fingerprint)))
    }

    /// The stored schema with `guid`.
    pub async fn stored_by_guid(&self, guid: &str) -> Result<StoredSchema, ServiceError> {
        self.db
            .run(|s| s.schema_by_guid(guid))
            .await?
            .ok_or_else(|| ServiceError::SchemaNotFound {
                id: guid.to_owned(),
            })
    }

    /// `GET /schemas/guids/{guid}`, from the cache (the body of the schema by id, with its id).
    pub async fn schema_by_guid_body(&self, guid: &str) -> Result<Arc<CachedBody>, ServiceError> {
        self.cache
            .get_or(CacheKey::SchemaByGuid(guid.to_owned()), || async {
                self.schema_body_of(self.stored_by_guid(guid).await?).await
            })
            .await
    }

    /// Where schema `id` is used (soft-deleted versions too when `deleted`).
    pub async fn schema_usage(&self, id: i64, deleted: bool) -> Result<Vec<Usage>, ServiceError> {
        let rows = self.db.run(|s| s.schema_usage(id)).await?;
        if rows.is_empty() {
            return Err(ServiceError::SchemaNotFound { id: id.to_string() });
        }
        Ok(rows.into_iter().filter(|u| deleted || !u.deleted).collect())
    }

    /// The highest schema id (Confluent's `maxId`).
    pub async fn max_schema_id(&self) -> Result<i64, ServiceError> {
        Ok(self.db.run(|s| s.max_schema_id()).await?)
    }

    /// One version, with the Confluent error telling whether the subject or the version is
    /// missing (`None`: the latest).
    pub async fn version(
        &self,
        subject: &str,
        version: Option<i32>,
        deleted: Deleted,
    ) -> Result<VersionRecord, ServiceError> {
        if let Some(found) = self
            .db
            .run(|s| s.version(subject, version, deleted))
            .await?
        {
            return Ok(found);
        }
        // As Confluent: the subject is checked first, and a subject whose versions are all
        // soft-deleted is not found unless deleted versions are asked for; `latest` of a
        // subject without a live version is the subject missing, never a version.
        let states = self.db.run(|s| s.version_states(subject)).await?;
        let visible = states
            .iter()
            .any(|v| deleted != Deleted::Exclude || !v.deleted);
        if !visible || version.is_none() {
            return Err(ServiceError::SubjectNotFound {
                subject: subject.to_owned(),
            });
        }
        Err(ServiceError::VersionNotFound {
            subject: subject.to_owned(),
            version: version.map_or_else(|| "latest".to_owned(), |v| v.to_string()),
        })
    }

    /// `GET /subjects/{s}/versions/{v}` (`None`: latest), from the cache.
    pub async fn version_body(
        &self,
        subject: &str,
        version: Option<i32>,
    ) -> Result<Arc<CachedBody>, ServiceError> {
        let key = match version {
            Some(v) => CacheKey::SubjectVersion(subject.to_owned(), v),
            None => CacheKey::Latest(subject.to_owned()),
        };
        self.cache
            .get_or(key, || self.make_version_body(subject, version))
            .await
    }

    /// `GET /subjects/{s}/versions/{v}`, from the database.
    pub async fn make_version_body(
        &self,
        subject: &str,
        version: Option<i32>,
    ) -> Result<CachedBody, ServiceError> {
        let record = self.version(subject, version, Deleted::Exclude).await?;
        Ok(CachedBody::of(
            &subject_version(&record),
            version.is_some(),
            None,
        ))
    }

    /// A subject's version numbers admitted by `deleted`; 40401 when there are none.
    pub async fn version_numbers(
        &self,
        subject: &str,
        deleted: Deleted,
    ) -> Result<Vec<i32>, ServiceError> {
        self.signed_version_numbers(subject, deleted, false).await
    }

    /// As [`Self::version_numbers`], the soft-deleted ones negated when `deleted_as_negative`
    /// (Confluent's `deletedAsNegative`).
    pub async fn signed_version_numbers(
        &self,
        subject: &str,
        deleted: Deleted,
        deleted_as_negative: bool,
    ) -> Result<Vec<i32>, ServiceError> {
        let states = self.db.run(|s| s.version_states(subject)).await?;
        let list: Vec<i32> = states
            .iter()
            .filter(|v| match deleted {
                Deleted::Exclude => !v.deleted,
                Deleted::Include => true,
                Deleted::Only => v.deleted,
            })
            .map(|v| {
                if deleted_as_negative && v.deleted {
                    -v.version
                } else {
                    v.version
                }
            })
            .collect();
        if list.is_empty() {
            return Err(ServiceError::SubjectNotFound {
                subject: subject.to_owned(),
            });
        }
        Ok(list)
    }

    /// `GET /subjects/{s}/versions` (live versions), from the cache.
    pub async fn versions_body(&self, subject: &str) -> Result<Arc<CachedBody>, ServiceError> {
        self.cache
            .get_or(CacheKey::Versions(subject.to_owned()), || async {
                let list = self.version_numbers(subject, Deleted::Exclude).await?;
                Ok(CachedBody::of(&list, false, None))
            })
            .await
    }

    /// Subjects with `prefix` admitted by `deleted`.
    pub async fn subjects(
        &self,
        prefix: &str,
        deleted: Deleted,
    ) -> Result<Vec<String>, ServiceError> {
        Ok(self.db.run(|s| s.subjects(prefix, deleted)).await?)
    }

    /// `GET /subjects` (live subjects), from the cache.
    pub async fn subjects_body(&self) -> Result<Arc<CachedBody>, ServiceError> {
        self.cache
            .get_or(CacheKey::Subjects, || async {
                let subjects = self.subjects("", Deleted::Exclude).await?;
                Ok(CachedBody::of(&subjects, false, None))
            })
            .await
    }

    /// `GET /schemas`: every version of the subjects with `prefix` (only each subject's latest
    /// when `latest_only`).
    pub async fn all_versions(
        &self,
        prefix: &str,
        latest_only: bool,
        deleted: Deleted,
    ) -> Result<Vec<VersionRecord>, ServiceError> {
        let records = self.db.run(|s| s.all_versions(prefix, deleted)).await?;
        if !latest_only {
            return Ok(records);
        }
        // Rows come ordered by subject then version: keep the last of each subject.
        let mut latest: Vec<VersionRecord> = Vec::new();
        for r in records {
            match latest.last_mut() {
                Some(last) if last.subject == r.subject => *last = r,
                _ => latest.push(r),
            }
        }
        Ok(latest)
    }

    /// Ids of the schemas referencing a version (soft-deleted ones can be asked about).
    pub async fn referenced_by(
        &self,
        subject: &str,
        version: Option<i32>,
    ) -> Result<Vec<i64>, ServiceError> {
        let record = self.version(subject, version, Deleted::Include).await?;
        Ok(self
            .db
            .run(|s| s.referenced_by(subject, record.version))
            .await?)
    }

    /// The latest version of `subject` whose `metadata.properties` holds every pair.
    pub async fn version_by_metadata(
        &self,
        subject: &str,
        pairs: &[(String, String)],
        deleted: Deleted,
    ) -> Result<VersionRecord, ServiceError> {
        let versions = self.db.run(|s| s.versions(subject, deleted)).await?;
        if versions.is_empty() {
            return Err(ServiceError::SubjectNotFound {
                subject: subject.to_owned(),
            });
        }
        let matches = |v: &VersionRecord| {
            let metadata: Option<serde_json::Value> = v
                .metadata
                .as_deref()
                .and_then(|m| serde_json::from_str(m).ok());
            let properties = metadata.as_ref().and_then(|m| m.get("properties"));
            pairs.iter().all(|(k, want)| {
                properties
                    .and_then(|p| p.get(k))
                    .and_then(serde_json::Value::as_str)
                    == Some(want.as_str())
            })
        };
        versions
            .into_iter()
            .rev()
            .find(matches)
            .ok_or_else(|| ServiceError::NoMatchingMetadata {
                subject: subject.to_owned(),
            })
    }
}

impl Registry {
    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), ServiceError> {
        Ok(self.db.run(|s| s.ping()).await?)
    }
}
