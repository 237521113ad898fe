//! The write transaction, for any backend: small primitives the service combines; the
//! statements are in `sql.rs` and each backend's dialect.

use async_trait::async_trait;
use registry_core::qualified::QualifiedSubject;
use registry_core::search::SearchTerms;

use super::adapter::{Arg, Dialect, SqlTransaction};
use super::rows::{self, VersionRow};
use super::{
    ApiKeyRecord, Deleted, NewEvent, NewSchema, NewVersion, Setting, Settings, StoreError,
    VersionRecord, VersionState, WriteTx, sql,
};

#[async_trait]
impl<T: SqlTransaction> WriteTx for T {
    async fn lock_subject(&mut self, subject: &str) -> Result<Settings, StoreError> {
        self.execute(sql::INSERT_SUBJECT, &[Arg::Text(subject)])
            .await?;
        self.fetch_one(T::Dialect::LOCK_SUBJECT, &[Arg::Text(subject)])
            .await
    }

    async fn settings(&mut self, subject: Option<&str>) -> Result<Settings, StoreError> {
        super::reads::settings(self, subject).await
    }

    async fn parent_settings(&mut self, subject: &str) -> Result<Settings, StoreError> {
        super::reads::parent_settings(self, subject).await
    }

    async fn versions(
        &mut self,
        subject: &str,
        deleted: Deleted,
    ) -> Result<Vec<VersionRecord>, StoreError> {
        let rows: Vec<VersionRow> = self
            .fetch_all(sql::versions(deleted), &[Arg::Text(subject)])
            .await?;
        rows::all(rows)
    }

    async fn version_states(&mut self, subject: &str) -> Result<Vec<VersionState>, StoreError> {
        self.fetch_all(sql::VERSION_STATES, &[Arg::Text(subject)])
            .await
    }

    async fn max_version(&mut self, subject: &str) -> Result<i32, StoreError> {
        let row: Option<(i32,)> = self
            .fetch_optional(sql::MAX_VERSION, &[Arg::Text(subject)])
            .await?;
        Ok(row.map_or(0, |(max,)| max))
    }

    async fn next_schema_id(&mut self) -> Result<i64, StoreError> {
        let (id,): (i64,) = self.fetch_one(T::Dialect::NEXT_SCHEMA_ID, &[]).await?;
        Ok(id)
    }

    async fn schema_ids_past(&mut self, id: i64, exactly: bool) -> Result<(), StoreError> {
        let statement = if exactly {
            T::Dialect::SCHEMA_IDS_FROM
        } else {
            T::Dialect::SCHEMA_IDS_PAST
        };
        let _: (i64,) = self.fetch_one(statement, &[Arg::Int(id)]).await?;
        Ok(())
    }

    async fn lowest_free_id(&mut self, from: i64, max: i64) -> Result<Option<i64>, StoreError> {
        let (id,): (Option<i64>,) = self
            .fetch_one(sql::LOWEST_FREE_ID, &[Arg::Int(from), Arg::Int(max)])
            .await?;
        Ok(id)
    }

    async fn retired_fingerprint(&mut self, id: i64) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = self
            .fetch_optional(sql::RETIRED_FINGERPRINT, &[Arg::Int(id)])
            .await?;
        Ok(row.map(|(f,)| f))
    }

    async fn schema_id(&mut self, fingerprint: &str) -> Result<Option<i64>, StoreError> {
        let row: Option<(i64,)> = self
            .fetch_optional(sql::SCHEMA_ID, &[Arg::Text(fingerprint)])
            .await?;
        Ok(row.map(|(id,)| id))
    }

    async fn schema_exists(&mut self, id: i64) -> Result<bool, StoreError> {
        let (n,): (i64,) = self.fetch_one(sql::SCHEMA_EXISTS, &[Arg::Int(id)]).await?;
        Ok(n > 0)
    }

    async fn insert_schema(&mut self, schema: &NewSchema<'_>) -> Result<Option<i64>, StoreError> {
        let refs = rows::references_json(schema.references);
        let guid = registry_core::types::guid_of(schema.fingerprint);
        let args = [
            Arg::Int(schema.id),
            Arg::Text(schema.fingerprint),
            Arg::Text(schema.schema_type.as_str()),
            Arg::Text(schema.text),
            Arg::Text(&refs),
            Arg::Text(&guid),
        ];
        let Some((id,)) = self
            .fetch_optional::<(i64,)>(sql::INSERT_SCHEMA, &args)
            .await?
        else {
            return Ok(None);
        };
        for r in schema.references {
            let args = [
                Arg::Int(id),
                Arg::Text(&r.name),
                Arg::Text(&r.subject),
                Arg::Int32(r.version),
            ];
            self.execute(sql::INSERT_REFERENCE, &args).await?;
        }
        Ok(Some(id))
    }

    async fn insert_version(&mut self, v: &NewVersion<'_>) -> Result<(), StoreError> {
        let args = [
            Arg::Text(v.subject),
            Arg::Int32(v.version),
            Arg::Int(v.schema_id),
            Arg::OptText(v.metadata),
            Arg::OptText(v.rule_set),
            Arg::Int(v.registered_ms),
            Arg::OptInt(v.context_id),
        ];
        self.execute(sql::INSERT_VERSION, &args).await?;
        let qualified = QualifiedSubject::parse(v.subject);
        if !qualified.is_default_context() {
            self.execute(super::contexts::INSERT, &[Arg::Text(&qualified.context)])
                .await?;
        }
        let raise = [Arg::Text(v.subject), Arg::Int32(v.version)];
        self.execute(sql::RAISE_MAX_VERSION, &raise).await?;
        Ok(())
    }

    async fn insert_search_doc(
        &mut self,
        v: &NewVersion<'_>,
        schema_type: &str,
        terms: &SearchTerms,
    ) -> Result<(), StoreError> {
        let args = [
            Arg::Text(v.subject),
            Arg::Int32(v.version),
            Arg::Int(v.schema_id),
            Arg::Text(schema_type),
            Arg::Text(&terms.subject),
            Arg::Text(&terms.names),
            Arg::Text(&terms.tags),
            Arg::Text(&terms.docs),
            Arg::Text(&terms.body),
        ];
        self.execute(sql::INSERT_SEARCH_DOC, &args).await?;
        Ok(())
    }

    async fn mark_deleted(
        &mut self,
        subject: &str,
        version: Option<i32>,
    ) -> Result<(), StoreError> {
        let now = super::now_ms();
        if let Some(v) = version {
            let args = [Arg::Text(subject), Arg::Int32(v), Arg::Int(now)];
            self.execute(sql::MARK_VERSION_DELETED, &args).await?;
        } else {
            let args = [Arg::Text(subject), Arg::Int(now)];
            self.execute(sql::MARK_SUBJECT_DELETED, &args).await?;
        }
        Ok(())
    }

    async fn remove_versions(
        &mut self,
        subject: &str,
        version: Option<i32>,
    ) -> Result<(), StoreError> {
        if let Some(v) = version {
            let args = [Arg::Text(subject), Arg::Int32(v)];
            self.execute(sql::REMOVE_VERSION, &args).await?;
        } else {
            self.execute(sql::REMOVE_SUBJECT_VERSIONS, &[Arg::Text(subject)])
                .await?;
        }
        Ok(())
    }

    async fn clear_subject(&mut self, subject: &str) -> Result<(), StoreError> {
        self.execute(sql::CLEAR_SUBJECT, &[Arg::Text(subject)])
            .await?;
        Ok(())
    }

    async fn remove_schema_if_unused(&mut self, id: i64) -> Result<bool, StoreError> {
        let (uses,): (i64,) = self.fetch_one(sql::SCHEMA_USES, &[Arg::Int(id)]).await?;
        if uses > 0 {
            return Ok(false);
        }
        for statement in [
            sql::RETIRE_SCHEMA,
            sql::REMOVE_REFERENCES,
            sql::REMOVE_SCHEMA,
        ] {
            self.execute(statement, &[Arg::Int(id)]).await?;
        }
        Ok(true)
    }

    async fn referrers(
        &mut self,
        subject: &str,
        version: i32,
        live_only: bool,
    ) -> Result<Vec<i64>, StoreError> {
        let args = [Arg::Text(subject), Arg::Int32(version)];
        let query = if live_only {
            sql::LIVE_REFERRERS
        } else {
            sql::REFERRERS
        };
        let rows: Vec<(i64,)> = self.fetch_all(query, &args).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn set_setting(
        &mut self,
        setting: Setting,
        subject: Option<&str>,
        value: Option<&str>,
    ) -> Result<(), StoreError> {
        let (statement, args) = match (subject, value) {
            (Some(s), v) => (
                sql::set_subject_setting(setting),
                vec![Arg::OptText(v), Arg::Text(s)],
            ),
            (None, Some(v)) => (
                sql::SET_GLOBAL,
                vec![Arg::Text(setting.column()), Arg::Text(v)],
            ),
            (None, None) => (sql::CLEAR_GLOBAL, vec![Arg::Text(setting.column())]),
        };
        self.execute(statement, &args).await?;
        Ok(())
    }

    async fn insert_api_key(&mut self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        let args = [
            Arg::Text(&key.id),
            Arg::Text(&key.name),
            Arg::Text(&key.role),
            Arg::Text(&key.secret_hash),
            Arg::Int(key.created_ms),
        ];
        self.execute(sql::INSERT_API_KEY, &args).await?;
        Ok(())
    }

    async fn revoke_api_key(&mut self, id: &str, now_ms: i64) -> Result<bool, StoreError> {
        let args = [Arg::Text(id), Arg::Int(now_ms)];
        Ok(self.execute(sql::REVOKE_API_KEY, &args).await? > 0)
    }

    async fn append_event(&mut self, event: &NewEvent<'_>) -> Result<(), StoreError> {
        let change = event.change;
        let keys = rows::keys_json(&change.stale_keys());
        let args = [
            Arg::Text(change.kind.as_str()),
            Arg::OptText(change.subject.as_deref()),
            Arg::OptInt32(change.version()),
            Arg::OptInt(change.id()),
            Arg::Text(&keys),
            Arg::Text(event.actor),
            Arg::OptText(event.detail.as_deref()),
        ];
        self.execute(sql::INSERT_EVENT, &args).await?;
        self.logged_event();
        Ok(())
    }

    async fn prune_events(&mut self, before_ms: i64) -> Result<u64, StoreError> {
        let (bound,): (Option<i64>,) = self.fetch_one(sql::PRUNE_BOUND, &[]).await?;
        let Some(bound) = bound else { return Ok(0) };
        let args = [Arg::Int(before_ms), Arg::Int(bound)];
        self.execute(T::Dialect::PRUNE_EVENTS, &args).await
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        SqlTransaction::commit(*self).await
    }
}
