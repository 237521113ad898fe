//! Each named context's own schema ids, as Confluent gives them: counted from 1 in each
//! context, never reused, mapped to the schema rows whose ids are the default context's.
//! Reads for the API; primitives for the registration's transaction.

use async_trait::async_trait;

use super::adapter::{Arg, Sql, SqlBackend, SqlTransaction};
use super::{ContextIdReads, ContextIdWrites, StoreError};

const ID_OF_ROW: &str = "SELECT id FROM context_ids WHERE context = $1 AND schema_id = $2";
const ROW_OF_ID: &str = "SELECT schema_id FROM context_ids WHERE context = $1 AND id = $2";
const MAX_ID: &str = "SELECT COALESCE(MAX(id), 0) FROM context_ids WHERE context = $1";
const IDS_OF_ROW: &str =
    "SELECT context, id FROM context_ids WHERE schema_id = $1 ORDER BY context";
const NEXT_ID: &str = "INSERT INTO context_id_counters (context, last) VALUES ($1, 1) \
     ON CONFLICT (context) DO UPDATE SET last = context_id_counters.last + 1 RETURNING last";
const RAISE: &str = "INSERT INTO context_id_counters (context, last) VALUES ($1, $2) \
     ON CONFLICT (context) DO UPDATE SET last = CASE \
     WHEN context_id_counters.last < excluded.last THEN excluded.last \
     ELSE context_id_counters.last END";
const INSERT: &str = "INSERT INTO context_ids (context, id, schema_id) VALUES ($1, $2, $3) \
     ON CONFLICT DO NOTHING RETURNING id";

/// The id schema row `row` has in `context`.
async fn id_of_row(db: &mut impl Sql, context: &str, row: i64) -> Result<Option<i64>, StoreError> {
    let found: Option<(i64,)> = db
        .fetch_optional(ID_OF_ROW, &[Arg::Text(context), Arg::Int(row)])
        .await?;
    Ok(found.map(|(id,)| id))
}

/// The schema row that has (or had) id `id` in `context`.
async fn row_of_id(db: &mut impl Sql, context: &str, id: i64) -> Result<Option<i64>, StoreError> {
    let found: Option<(i64,)> = db
        .fetch_optional(ROW_OF_ID, &[Arg::Text(context), Arg::Int(id)])
        .await?;
    Ok(found.map(|(r,)| r))
}

#[async_trait]
impl<B: SqlBackend> ContextIdReads for B {
    async fn row_of_context_id(&self, context: &str, id: i64) -> Result<Option<i64>, StoreError> {
        row_of_id(&mut self.reader(), context, id).await
    }

    async fn context_id_of_row(&self, context: &str, row: i64) -> Result<Option<i64>, StoreError> {
        id_of_row(&mut self.reader(), context, row).await
    }

    async fn max_context_id(&self, context: &str) -> Result<i64, StoreError> {
        let (max,): (i64,) = self
            .reader()
            .fetch_one(MAX_ID, &[Arg::Text(context)])
            .await?;
        Ok(max)
    }

    async fn context_ids_of_row(&self, row: i64) -> Result<Vec<(String, i64)>, StoreError> {
        self.reader().fetch_all(IDS_OF_ROW, &[Arg::Int(row)]).await
    }
}

#[async_trait]
impl<T: SqlTransaction> ContextIdWrites for T {
    async fn id_in_context(&mut self, context: &str, row: i64) -> Result<Option<i64>, StoreError> {
        id_of_row(self, context, row).await
    }

    async fn context_id_taken(&mut self, context: &str, id: i64) -> Result<bool, StoreError> {
        Ok(row_of_id(self, context, id).await?.is_some())
    }

    async fn next_context_id(&mut self, context: &str) -> Result<i64, StoreError> {
        let (id,): (i64,) = self.fetch_one(NEXT_ID, &[Arg::Text(context)]).await?;
        Ok(id)
    }

    async fn context_ids_past(&mut self, context: &str, id: i64) -> Result<(), StoreError> {
        self.execute(RAISE, &[Arg::Text(context), Arg::Int(id)])
            .await?;
        Ok(())
    }

    async fn insert_context_id(
        &mut self,
        context: &str,
        id: i64,
        row: i64,
    ) -> Result<bool, StoreError> {
        let args = [Arg::Text(context), Arg::Int(id), Arg::Int(row)];
        let inserted: Option<(i64,)> = self.fetch_optional(INSERT, &args).await?;
        Ok(inserted.is_some())
    }
}
