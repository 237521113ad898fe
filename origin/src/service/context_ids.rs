//! Ids as each context gives them. The default context's ids are the schema rows' own; a named
//! context (`:.ctx:` subjects) has ids of its own, counted from 1, as in Confluent. A read by
//! id names its context through a subject (`?subject=:.ctx:name`, or `:.ctx:` alone, which the
//! `/contexts/{ctx}/` prefix adds).

use registry_core::qualified::{QualifiedSubject, WILDCARD};

use super::{Registry, ServiceError};
use crate::store::Usage;

/// The named context `subject` is in (`None`: the default context, or no subject).
pub fn named_context(subject: Option<&str>) -> Option<String> {
    let q = QualifiedSubject::parse(subject.filter(|s| !s.is_empty())?);
    (!q.is_default_context() && q.context != WILDCARD).then_some(q.context)
}

/// Whether `usage` is of a subject in `context` (`None`: the default one).
pub fn in_context(usage: &Usage, context: Option<&str>) -> bool {
    named_context(Some(&usage.subject)).as_deref() == context
}

impl Registry {
    /// The schema row that id `id` names in `subject`'s context.
    pub async fn row_of(&self, id: i64, subject: Option<&str>) -> Result<i64, ServiceError> {
        let Some(context) = named_context(subject) else {
            return Ok(id);
        };
        self.db
            .run(|s| s.row_of_context_id(&context, id))
            .await?
            .ok_or_else(|| ServiceError::SchemaNotFound { id: id.to_string() })
    }

    /// The highest id of `subject`'s context (Confluent's `maxId`).
    pub async fn max_id_in(&self, subject: Option<&str>) -> Result<i64, ServiceError> {
        match named_context(subject) {
            Some(context) => Ok(self.db.run(|s| s.max_context_id(&context)).await?),
            None => self.max_schema_id().await,
        }
    }

    /// Schema rows as the ids `subject`'s context gives them (a row without one there keeps
    /// its own).
    pub async fn ids_in_context_of(
        &self,
        subject: &str,
        rows: Vec<i64>,
    ) -> Result<Vec<i64>, ServiceError> {
        let Some(context) = named_context(Some(subject)) else {
            return Ok(rows);
        };
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id = self.db.run(|s| s.context_id_of_row(&context, row)).await?;
            out.push(id.unwrap_or(row));
        }
        Ok(out)
    }

    /// Every (context, id) a schema row has: the default context's when a subject there uses
    /// it (or nothing else does), and each named context's.
    pub async fn contexts_of_row(&self, row: i64) -> Result<Vec<(String, i64)>, ServiceError> {
        let named = self.db.run(|s| s.context_ids_of_row(row)).await?;
        let usage = self.db.run(|s| s.schema_usage(row)).await?;
        let mut out = Vec::new();
        if named.is_empty() || usage.iter().any(|u| in_context(u, None)) {
            out.push((".".to_owned(), row));
        }
        out.extend(named);
        Ok(out)
    }
}
