//! The event log, the edges and search, for any backend.

use async_trait::async_trait;

use super::adapter::{Arg, Dialect, Sql, SqlBackend};
use super::rows::{self, EventRow, SearchRow};
use super::{
    EdgeRecord, EdgeStore, EventLog, EventRecord, SearchPage, SearchQuery, SearchStore, StoreError,
    Unindexed, sql,
};

#[async_trait]
impl<B: SqlBackend> EventLog for B {
    async fn events(
        &self,
        after: i64,
        subject: Option<&str>,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let args = [Arg::Int(after), Arg::Int(limit), Arg::OptText(subject)];
        let rows: Vec<EventRow> = self.reader().fetch_all(B::Dialect::EVENTS, &args).await?;
        rows::all(rows)
    }

    async fn max_event_seq(&self) -> Result<i64, StoreError> {
        let (max,): (Option<i64>,) = self.reader().fetch_one(sql::MAX_EVENT_SEQ, &[]).await?;
        Ok(max.unwrap_or(0))
    }

    async fn event_time_ms(&self, seq: i64) -> Result<Option<i64>, StoreError> {
        let row: Option<(Option<i64>,)> = self
            .reader()
            .fetch_optional(B::Dialect::EVENT_TIME_MS, &[Arg::Int(seq)])
            .await?;
        Ok(row.and_then(|(ms,)| ms))
    }

    async fn recent_subjects(&self, window: i64, limit: i64) -> Result<Vec<String>, StoreError> {
        let args = [Arg::Int(window), Arg::Int(limit)];
        let rows: Vec<(String,)> = self.reader().fetch_all(sql::RECENT_SUBJECTS, &args).await?;
        Ok(rows.into_iter().map(|(s,)| s).collect())
    }
}

#[async_trait]
impl<B: SqlBackend> EdgeStore for B {
    async fn edges(&self) -> Result<Vec<EdgeRecord>, StoreError> {
        self.reader().fetch_all(sql::EDGES, &[]).await
    }

    async fn add_edge(&self, url: &str, secret: Option<&str>) -> Result<(), StoreError> {
        self.reader()
            .execute(sql::ADD_EDGE, &[Arg::Text(url), Arg::OptText(secret)])
            .await?;
        Ok(())
    }

    async fn remove_edge(&self, url: &str) -> Result<bool, StoreError> {
        let removed = self
            .reader()
            .execute(sql::REMOVE_EDGE, &[Arg::Text(url)])
            .await?;
        Ok(removed > 0)
    }

    async fn record_delivery(
        &self,
        url: &str,
        cursor: Option<i64>,
        error: Option<&str>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let (statement, args) = match cursor {
            Some(c) => (
                sql::RECORD_SUCCESS,
                [Arg::Text(url), Arg::Int(c), Arg::Int(now_ms)],
            ),
            None => (
                sql::RECORD_FAILURE,
                [Arg::Text(url), Arg::OptText(error), Arg::Int(now_ms)],
            ),
        };
        self.reader().execute(statement, &args).await?;
        Ok(())
    }
}

#[async_trait]
impl<B: SqlBackend> SearchStore for B {
    async fn search(&self, q: &SearchQuery) -> Result<SearchPage, StoreError> {
        let words = registry_core::search::query_words(&q.text);
        let matcher = if words.is_empty() {
            String::new()
        } else {
            B::Dialect::match_expression(&words)
        };
        let (prefix, tag) = (
            sql::like_prefix(&q.subject_prefix),
            sql::tag_pattern(&q.tag),
        );
        let args = [
            Arg::Text(&matcher),
            Arg::Text(q.schema_type.map_or("", |t| t.as_str())),
            Arg::Text(&prefix),
            Arg::Text(&tag),
            Arg::Int(q.limit),
            Arg::Int(q.offset),
        ];
        let listing = words.is_empty() && q.schema_type.is_none() && q.tag.is_empty();
        let statement = if listing {
            sql::LISTING
        } else {
            B::Dialect::search_sql(!words.is_empty())
        };
        let rows: Vec<SearchRow> = self.reader().fetch_all(statement, &args).await?;
        Ok(SearchPage {
            total: rows.first().map_or(0, |r| r.total),
            hits: rows.into_iter().map(Into::into).collect(),
        })
    }

    async fn unindexed(&self, limit: i64) -> Result<Vec<Unindexed>, StoreError> {
        self.reader()
            .fetch_all(sql::UNINDEXED, &[Arg::Int(limit)])
            .await
    }
}
