//! Associations, for any backend: three lookups, an upsert and a removal.

use async_trait::async_trait;

use super::adapter::{Arg, Sql, SqlBackend};
use super::{AssociationKey, AssociationRecord, AssociationStore, StoreError};

/// `SELECT` of the [`AssociationRecord`] columns, then the given clauses.
macro_rules! select_associations {
    ($clauses:literal) => {
        concat!(
            "SELECT resource_type, resource_id, association_type, resource_name, ",
            "resource_namespace, subject, lifecycle, frozen, created_ms, updated_ms ",
            "FROM associations ",
            $clauses
        )
    };
}

const BY_SUBJECT: &str = select_associations!(
    "WHERE subject = $1 AND resource_type = $2 ORDER BY resource_id, association_type"
);
const BY_NAME: &str = select_associations!(
    "WHERE resource_name = $1 AND ($2 = '-' OR resource_namespace = $2) AND resource_type = $3 \
     ORDER BY resource_id, association_type"
);
const BY_ID: &str =
    select_associations!("WHERE resource_id = $1 AND resource_type = $2 ORDER BY association_type");
const PUT: &str = "INSERT INTO associations (resource_type, resource_id, association_type, \
     resource_name, resource_namespace, subject, lifecycle, frozen, created_ms, updated_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
     ON CONFLICT (resource_type, resource_id, association_type) DO UPDATE SET \
     resource_name = excluded.resource_name, resource_namespace = excluded.resource_namespace, \
     subject = excluded.subject, lifecycle = excluded.lifecycle, frozen = excluded.frozen, \
     updated_ms = excluded.updated_ms";
const REMOVE: &str = "DELETE FROM associations \
     WHERE resource_type = $1 AND resource_id = $2 AND association_type = $3";

#[async_trait]
impl<B: SqlBackend> AssociationStore for B {
    async fn associations(
        &self,
        key: AssociationKey<'_>,
        resource_type: &str,
    ) -> Result<Vec<AssociationRecord>, StoreError> {
        let mut db = self.reader();
        match key {
            AssociationKey::Subject(s) => {
                db.fetch_all(BY_SUBJECT, &[Arg::Text(s), Arg::Text(resource_type)])
                    .await
            }
            AssociationKey::ResourceName { namespace, name } => {
                let args = [
                    Arg::Text(name),
                    Arg::Text(namespace),
                    Arg::Text(resource_type),
                ];
                db.fetch_all(BY_NAME, &args).await
            }
            AssociationKey::ResourceId(id) => {
                db.fetch_all(BY_ID, &[Arg::Text(id), Arg::Text(resource_type)])
                    .await
            }
        }
    }

    async fn put_association(&self, r: &AssociationRecord) -> Result<(), StoreError> {
        let args = [
            Arg::Text(&r.resource_type),
            Arg::Text(&r.resource_id),
            Arg::Text(&r.association_type),
            Arg::Text(&r.resource_name),
            Arg::Text(&r.resource_namespace),
            Arg::Text(&r.subject),
            Arg::Text(&r.lifecycle),
            Arg::Bool(r.frozen),
            Arg::Int(r.updated_ms),
        ];
        self.reader().execute(PUT, &args).await?;
        Ok(())
    }

    async fn remove_association(
        &self,
        resource_type: &str,
        resource_id: &str,
        association_type: &str,
    ) -> Result<bool, StoreError> {
        let args = [
            Arg::Text(resource_type),
            Arg::Text(resource_id),
            Arg::Text(association_type),
        ];
        Ok(self.reader().execute(REMOVE, &args).await? > 0)
    }
}
