//! Associations (Confluent 8.x): a resource's key or value subject, created (optionally
//! registering a schema under the subject first), updated, listed and deleted (with
//! `cascadeLifecycle`, a STRONG association takes its subject with it).

use registry_core::api::{ErrorBody, SubjectVersion};
use registry_core::association::{
    ASSOCIATION_TYPES, Association, AssociationBatchResponse, AssociationInfo,
    AssociationInfoRequest, AssociationRequest, AssociationResponse, AssociationResult,
    DEFAULT_ASSOCIATION_TYPE, DEFAULT_RESOURCE_TYPE, Lifecycle, NAMESPACE_WILDCARD, resource_id_of,
};
use sha2::{Digest, Sha256};

use super::register::check_subject;
use super::{RegisterInput, Registry, ServiceError, subject_version};
use crate::store::{AssociationKey, AssociationRecord, Deleted, now_ms};

/// A resource as a request names it.
struct Resource {
    kind: String,
    id: String,
    name: String,
    namespace: String,
}

/// Which listed associations to keep.
#[derive(Debug, Clone, Default)]
pub struct AssociationFilter {
    pub resource_type: Option<String>,
    pub association_types: Vec<String>,
    pub lifecycle: Option<Lifecycle>,
}

impl AssociationFilter {
    fn resource_type(&self) -> &str {
        self.resource_type
            .as_deref()
            .filter(|t| !t.is_empty())
            .unwrap_or(DEFAULT_RESOURCE_TYPE)
    }

    fn keeps(&self, r: &AssociationRecord) -> bool {
        (self.association_types.is_empty() || self.association_types.contains(&r.association_type))
            && self.lifecycle.is_none_or(|l| l.as_str() == r.lifecycle)
    }
}

fn invalid(property: &str, detail: &str) -> ServiceError {
    ServiceError::InvalidAssociation(format!("Invalid association: {property} {detail}"))
}

/// A request field's text, if it has some.
fn text(v: Option<&String>) -> Option<&str> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn resource(req: &AssociationRequest) -> Result<Resource, ServiceError> {
    let name =
        text(req.resource_name.as_ref()).ok_or_else(|| invalid("resourceName", "is required"))?;
    let namespace = text(req.resource_namespace.as_ref())
        .filter(|n| *n != NAMESPACE_WILDCARD)
        .ok_or_else(|| invalid("resourceNamespace", "is required (and not a wildcard)"))?;
    for value in [name, namespace] {
        if value.len() > 4096 || value.chars().any(char::is_control) {
            return Err(invalid("resource", "has an invalid name"));
        }
    }
    Ok(Resource {
        kind: text(req.resource_type.as_ref())
            .unwrap_or(DEFAULT_RESOURCE_TYPE)
            .to_owned(),
        id: text(req.resource_id.as_ref())
            .map_or_else(|| resource_id_of(namespace, name), str::to_owned),
        name: name.to_owned(),
        namespace: namespace.to_owned(),
    })
}

/// An association's own guid: made from the resource and the type it associates.
fn guid_of(r: &AssociationRecord) -> String {
    let digest = Sha256::digest(
        format!(
            "{}\0{}\0{}",
            r.resource_type, r.resource_id, r.association_type
        )
        .as_bytes(),
    );
    registry_core::types::guid_of(&hex::encode(digest))
}

fn to_api(r: &AssociationRecord) -> Association {
    Association {
        guid: guid_of(r),
        subject: r.subject.clone(),
        resource_name: r.resource_name.clone(),
        resource_namespace: r.resource_namespace.clone(),
        resource_id: r.resource_id.clone(),
        resource_type: r.resource_type.clone(),
        association_type: r.association_type.clone(),
        lifecycle: Lifecycle::parse(&r.lifecycle).unwrap_or_default(),
        frozen: r.frozen,
        create_ts: r.created_ms,
        update_ts: r.updated_ms,
    }
}

impl Registry {
    /// The associations `key` names, filtered and paged.
    pub async fn associations(
        &self,
        key: AssociationKey<'_>,
        filter: &AssociationFilter,
    ) -> Result<Vec<Association>, ServiceError> {
        let rows = self
            .db
            .run(|s| s.associations(key, filter.resource_type()))
            .await?;
        Ok(rows
            .iter()
            .filter(|r| filter.keeps(r))
            .map(to_api)
            .collect())
    }

    /// A batch of creates or updates: every request is tried, each answered by its result or
    /// its error.
    pub async fn association_batch(
        &self,
        requests: &[AssociationRequest],
        dry_run: bool,
        actor: &str,
        update: bool,
        error_body: impl Fn(&ServiceError) -> ErrorBody,
    ) -> AssociationBatchResponse {
        let mut results = Vec::with_capacity(requests.len());
        for req in requests {
            results.push(
                match self.apply_associations(req, dry_run, actor, update).await {
                    Ok(result) => AssociationResult {
                        result: Some(result),
                        error: None,
                    },
                    Err(e) => AssociationResult {
                        result: None,
                        error: Some(error_body(&e)),
                    },
                },
            );
        }
        AssociationBatchResponse { results }
    }

    /// `POST /associations` (each association of the request new for its resource and type)
    /// or, with `update`, `PUT /associations` (each existing and not frozen).
    pub async fn apply_associations(
        &self,
        req: &AssociationRequest,
        dry_run: bool,
        actor: &str,
        update: bool,
    ) -> Result<AssociationResponse, ServiceError> {
        let resource = resource(req)?;
        if req.associations.is_empty() {
            return Err(invalid("associations", "must not be empty"));
        }
        let existing = self
            .db
            .run(|s| s.associations(AssociationKey::ResourceId(&resource.id), &resource.kind))
            .await?;
        let mut planned = Vec::new();
        for info in &req.associations {
            let record = self
                .plan_association(&resource, info, &existing, &planned, update)
                .await?;
            planned.push(record);
        }
        let mut answers = Vec::new();
        for (record, info) in planned.iter().zip(&req.associations) {
            let schema = if dry_run {
                None
            } else {
                self.ensure_subject_schema(record, info, actor).await?
            };
            if !dry_run {
                self.db.run(|s| s.put_association(record)).await?;
            }
            answers.push(AssociationInfo {
                subject: record.subject.clone(),
                association_type: record.association_type.clone(),
                lifecycle: Lifecycle::parse(&record.lifecycle).unwrap_or_default(),
                frozen: record.frozen,
                schema,
            });
        }
        Ok(AssociationResponse {
            resource_name: resource.name,
            resource_namespace: resource.namespace,
            resource_id: resource.id,
            resource_type: resource.kind,
            associations: answers,
        })
    }

    /// The record one association of a request makes, checked against what exists.
    async fn plan_association(
        &self,
        resource: &Resource,
        info: &AssociationInfoRequest,
        existing: &[AssociationRecord],
        planned: &[AssociationRecord],
        update: bool,
    ) -> Result<AssociationRecord, ServiceError> {
        let association_type = info
            .association_type
            .clone()
            .unwrap_or_else(|| DEFAULT_ASSOCIATION_TYPE.to_owned());
        if !ASSOCIATION_TYPES.contains(&association_type.as_str()) {
            return Err(invalid("associationType", "must be key or value"));
        }
        if planned
            .iter()
            .any(|p| p.association_type == association_type)
        {
            return Err(invalid("associationType", "is given twice"));
        }
        let current = existing
            .iter()
            .find(|e| e.association_type == association_type);
        let subject = match (&info.subject, current) {
            (Some(s), _) => s.clone(),
            (None, Some(c)) if update => c.subject.clone(),
            (None, _) => return Err(invalid("subject", "is required")),
        };
        check_subject(&subject).map_err(|_| invalid("subject", "is not a valid subject name"))?;
        match (current, update) {
            (Some(_), false) => {
                return Err(ServiceError::AssociationExists(format!(
                    "An association of type '{association_type}' already exists for resource '{}'",
                    resource.id
                )));
            }
            (None, true) => {
                return Err(ServiceError::AssociationNotFound(format!(
                    "No association of type '{association_type}' for resource '{}'",
                    resource.id
                )));
            }
            (Some(c), true) if c.frozen => {
                return Err(ServiceError::AssociationFrozen(format!(
                    "The association of type '{association_type}' for subject '{}' is frozen",
                    c.subject
                )));
            }
            _ => {}
        }
        let lifecycle = info
            .lifecycle
            .or_else(|| current.and_then(|c| Lifecycle::parse(&c.lifecycle)))
            .unwrap_or_default();
        if lifecycle == Lifecycle::Strong {
            let theirs = self
                .db
                .run(|s| s.associations(AssociationKey::Subject(&subject), &resource.kind))
                .await?;
            if let Some(other) = theirs
                .iter()
                .find(|a| a.lifecycle == Lifecycle::Strong.as_str() && a.resource_id != resource.id)
            {
                return Err(ServiceError::AssociationExists(format!(
                    "Subject '{subject}' already has a strong association with resource '{}'",
                    other.resource_id
                )));
            }
        }
        let now = now_ms();
        Ok(AssociationRecord {
            resource_type: resource.kind.clone(),
            resource_id: resource.id.clone(),
            association_type,
            resource_name: resource.name.clone(),
            resource_namespace: resource.namespace.clone(),
            subject,
            lifecycle: lifecycle.as_str().to_owned(),
            frozen: info
                .frozen
                .or_else(|| current.map(|c| c.frozen))
                .unwrap_or(false),
            created_ms: current.map_or(now, |c| c.created_ms),
            updated_ms: now,
        })
    }

    /// Registers the request's schema under the association's subject; without one, the
    /// subject must have a live version.
    async fn ensure_subject_schema(
        &self,
        record: &AssociationRecord,
        info: &AssociationInfoRequest,
        actor: &str,
    ) -> Result<Option<SubjectVersion>, ServiceError> {
        let Some(schema) = &info.schema else {
            let live = self
                .db
                .run(|s| s.version(&record.subject, None, Deleted::Exclude))
                .await?;
            return match live {
                Some(_) => Ok(None),
                None => Err(ServiceError::SubjectNotFound {
                    subject: record.subject.clone(),
                }),
            };
        };
        if schema.schema.trim().is_empty() {
            return Err(ServiceError::EmptySchema);
        }
        let input = RegisterInput {
            subject: record.subject.clone(),
            schema: super::SchemaInput {
                schema_type: schema
                    .schema_type
                    .as_deref()
                    .unwrap_or("AVRO")
                    .parse()
                    .map_err(ServiceError::invalid_schema)?,
                text: schema.schema.clone(),
                references: schema.references.clone(),
            },
            normalize: info.normalize.unwrap_or(false),
            metadata: schema.metadata.as_ref().map(ToString::to_string),
            rule_set: schema.rule_set.as_ref().map(ToString::to_string),
            import_id: None,
            import_version: None,
            actor: actor.to_owned(),
            stamp: None,
        };
        let done = self.register(&input).await?;
        let version = self
            .version(&record.subject, Some(done.value.version), Deleted::Include)
            .await?;
        Ok(Some(subject_version(&version)))
    }

    /// `DELETE /associations/resources/{id}`: the resource's associations (of the given
    /// types, or all); with `cascade`, the subjects of STRONG ones are deleted for good.
    pub async fn delete_associations(
        &self,
        resource_id: &str,
        filter: &AssociationFilter,
        cascade: bool,
        actor: &str,
    ) -> Result<(), ServiceError> {
        let rows = self
            .db
            .run(|s| {
                s.associations(
                    AssociationKey::ResourceId(resource_id),
                    filter.resource_type(),
                )
            })
            .await?;
        let doomed: Vec<&AssociationRecord> = rows.iter().filter(|r| filter.keeps(r)).collect();
        if doomed.is_empty() {
            return Err(ServiceError::AssociationNotFound(format!(
                "No association for resource '{resource_id}'"
            )));
        }
        if let Some(frozen) = doomed.iter().find(|r| r.frozen) {
            return Err(ServiceError::AssociationFrozen(format!(
                "The association of type '{}' for subject '{}' is frozen",
                frozen.association_type, frozen.subject
            )));
        }
        for r in doomed {
            if cascade
                && r.lifecycle == Lifecycle::Strong.as_str()
                && !self
                    .db
                    .run(|s| s.version_states(&r.subject))
                    .await?
                    .is_empty()
            {
                match self.delete_subject(&r.subject, false, actor).await {
                    Ok(_) | Err(ServiceError::SoftDeleted { .. }) => {}
                    Err(e) => return Err(e),
                }
                self.delete_subject(&r.subject, true, actor).await?;
            }
            self.db
                .run(|s| {
                    s.remove_association(&r.resource_type, &r.resource_id, &r.association_type)
                })
                .await?;
        }
        Ok(())
    }
}
