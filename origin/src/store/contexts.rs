//! Contexts, for any backend: the list, and the removal of an empty one. A context is added by
//! the first version registered in it (`WriteTx::insert_version`).

use async_trait::async_trait;

use super::adapter::{Arg, Sql, SqlBackend};
use super::{ContextRemoval, ContextStore, StoreError, sql};

pub const INSERT: &str = "INSERT INTO contexts (name) VALUES ($1) ON CONFLICT DO NOTHING";
const ALL: &str = "SELECT name FROM contexts ORDER BY name";
const IN_USE: &str = "SELECT COUNT(*) FROM subject_versions WHERE subject LIKE $1 ESCAPE '\\'";
const REMOVE: &str = "DELETE FROM contexts WHERE name = $1";

#[async_trait]
impl<B: SqlBackend> ContextStore for B {
    async fn contexts(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = self.reader().fetch_all(ALL, &[]).await?;
        Ok(rows.into_iter().map(|(name,)| name).collect())
    }

    async fn remove_context(&self, name: &str) -> Result<ContextRemoval, StoreError> {
        let mut reader = self.reader();
        let pattern = sql::like_prefix(&format!(":{name}:"));
        let (uses,): (i64,) = reader.fetch_one(IN_USE, &[Arg::Text(&pattern)]).await?;
        if uses > 0 {
            return Ok(ContextRemoval::NotEmpty);
        }
        let removed = reader.execute(REMOVE, &[Arg::Text(name)]).await?;
        Ok(if removed > 0 {
            ContextRemoval::Removed
        } else {
            ContextRemoval::Missing
        })
    }
}
