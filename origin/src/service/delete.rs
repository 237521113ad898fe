//! Deletes: a version or a whole subject, soft first (hidden, still readable with
//! `deleted=true`), then permanent (gone, with the schemas no other version uses). Refused while
//! other schemas reference what would go.

use registry_core::api::Mode;
use registry_core::change::Change;
use registry_core::invalidation::EventKind;

use super::{Registry, ServiceError, Written};
use crate::store::{Deleted, Settings, VersionRecord, WriteTx};

impl Registry {
    /// Deletes one version (`None`: the latest live one); returns its number.
    pub async fn delete_version(
        &self,
        subject: &str,
        version: Option<i32>,
        permanent: bool,
        actor: &str,
    ) -> Result<Written<i32>, ServiceError> {
        let number = match version {
            Some(v) => v,
            None => self.version(subject, None, Deleted::Exclude).await?.version,
        };
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        let own = tx.lock_subject(subject).await?;
        refuse_if_read_only(&mut *tx, subject, &own).await?;
        let all = tx.versions(subject, Deleted::Include).await?;
        let target = find_target(subject, &all, number, permanent)?;
        refuse_if_referenced(&mut *tx, subject, Some(number), permanent).await?;
        let id = target.schema.id;
        let mut change = Change::new(EventKind::SoftDeleteVersion, Some(subject));
        change.versions = vec![number];
        change.ids = vec![id];
        if permanent {
            change.kind = EventKind::DeleteVersion;
            tx.remove_versions(subject, Some(number)).await?;
            if tx.remove_schema_if_unused(id).await? {
                change.removed_ids.push(id);
                change.removed_guids.push(target.schema.guid.clone());
            }
        } else {
            tx.mark_deleted(subject, Some(number)).await?;
        }
        let stale = self.commit_change(tx, &change, actor, None).await?;
        Ok(Written {
            value: number,
            stale,
        })
    }

    /// Deletes every version of a subject; returns the versions deleted.
    pub async fn delete_subject(
        &self,
        subject: &str,
        permanent: bool,
        actor: &str,
    ) -> Result<Written<Vec<i32>>, ServiceError> {
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        let own = tx.lock_subject(subject).await?;
        refuse_if_read_only(&mut *tx, subject, &own).await?;
        let all = tx.versions(subject, Deleted::Include).await?;
        if all.is_empty() {
            return Err(ServiceError::SubjectNotFound {
                subject: subject.to_owned(),
            });
        }
        let live = all.iter().any(|v| !v.deleted);
        let who = || (subject.to_owned(), None);
        match (permanent, live) {
            (false, false) => {
                let (subject, version) = who();
                return Err(ServiceError::SoftDeleted { subject, version });
            }
            (true, true) => {
                let (subject, version) = who();
                return Err(ServiceError::NotSoftDeleted { subject, version });
            }
            _ => {}
        }
        refuse_if_referenced(&mut *tx, subject, None, permanent).await?;
        let mut change = Change::new(EventKind::SoftDeleteSubject, Some(subject));
        change.versions = all.iter().map(|v| v.version).collect();
        change.ids = all.iter().map(|v| v.schema.id).collect();
        let affected: Vec<i32> = all
            .iter()
            .filter(|v| permanent || !v.deleted)
            .map(|v| v.version)
            .collect();
        if permanent {
            change.kind = EventKind::DeleteSubject;
            tx.remove_versions(subject, None).await?;
            for v in &all {
                let id = v.schema.id;
                if !change.removed_ids.contains(&id) && tx.remove_schema_if_unused(id).await? {
                    change.removed_ids.push(id);
                    change.removed_guids.push(v.schema.guid.clone());
                }
            }
            tx.clear_subject(subject).await?;
        } else {
            tx.mark_deleted(subject, None).await?;
        }
        let stale = self.commit_change(tx, &change, actor, None).await?;
        Ok(Written {
            value: affected,
            stale,
        })
    }
}

/// The version to delete, if this delete may happen to it.
fn find_target<'a>(
    subject: &str,
    all: &'a [VersionRecord],
    number: i32,
    permanent: bool,
) -> Result<&'a VersionRecord, ServiceError> {
    if all.is_empty() {
        return Err(ServiceError::SubjectNotFound {
            subject: subject.to_owned(),
        });
    }
    let Some(target) = all.iter().find(|v| v.version == number) else {
        return Err(ServiceError::VersionNotFound {
            subject: subject.to_owned(),
            version: number.to_string(),
        });
    };
    let (subject, version) = (subject.to_owned(), Some(number));
    match (permanent, target.deleted) {
        (false, true) => Err(ServiceError::SoftDeleted { subject, version }),
        (true, false) => Err(ServiceError::NotSoftDeleted { subject, version }),
        _ => Ok(target),
    }
}

/// 42205 when the subject is read-only (its mode, or a READONLY_OVERRIDE above it), as Confluent
/// refuses deletes there too.
async fn refuse_if_read_only(
    tx: &mut dyn WriteTx,
    subject: &str,
    own: &Settings,
) -> Result<(), ServiceError> {
    let parent = tx.parent_settings(subject).await?;
    let mode = super::settings::mode_in_force(own.mode.as_deref(), parent.mode.as_deref());
    if matches!(
        mode.and_then(Mode::parse),
        Some(Mode::Readonly | Mode::ReadonlyOverride)
    ) {
        return Err(ServiceError::NotPermitted(format!(
            "Subject {subject} is in read-only mode"
        )));
    }
    Ok(())
}

/// 42206 while schemas still in use reference the version (or any version of the subject):
/// for a soft delete, those of live versions (as Confluent); for a permanent one, those of any
/// version, since a soft-deleted referrer can still be read and needs what it references.
async fn refuse_if_referenced(
    tx: &mut dyn WriteTx,
    subject: &str,
    version: Option<i32>,
    permanent: bool,
) -> Result<(), ServiceError> {
    let versions = match version {
        Some(v) => vec![v],
        None => tx
            .version_states(subject)
            .await?
            .iter()
            .map(|v| v.version)
            .collect(),
    };
    for v in versions {
        let ids = tx.referrers(subject, v, !permanent).await?;
        if !ids.is_empty() {
            return Err(ServiceError::Referenced {
                subject: subject.to_owned(),
                version,
                ids,
            });
        }
    }
    Ok(())
}
