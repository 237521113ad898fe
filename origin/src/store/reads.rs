//! Reads of schemas, subjects, settings, keys and read counters, for any backend.

use async_trait::async_trait;
use registry_core::config::ConfigFields;
use registry_core::qualified::QualifiedSubject;

use super::adapter::{Arg, Sql, SqlBackend};
use super::rows::{self, SchemaRow, VersionRow};
use super::{
    ApiKeyRecord, Deleted, KeyReads, ReadCounters, RuleTexts, SchemaReads, Settings, StoreError,
    StoredSchema, SubjectReads, Usage, VersionRecord, VersionState, sql,
};

#[async_trait]
impl<B: SqlBackend> SchemaReads for B {
    async fn schema_by_id(&self, id: i64) -> Result<Option<StoredSchema>, StoreError> {
        let row: Option<SchemaRow> = self
            .reader()
            .fetch_optional(sql::SCHEMA_BY_ID, &[Arg::Int(id)])
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn schema_by_guid(&self, guid: &str) -> Result<Option<StoredSchema>, StoreError> {
        let row: Option<SchemaRow> = self
            .reader()
            .fetch_optional(sql::SCHEMA_BY_GUID, &[Arg::Text(guid)])
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn first_rules(&self, id: i64) -> Result<Option<RuleTexts>, StoreError> {
        self.reader()
            .fetch_optional(sql::FIRST_RULES, &[Arg::Int(id)])
            .await
    }

    async fn schema_usage(&self, id: i64) -> Result<Vec<Usage>, StoreError> {
        self.reader()
            .fetch_all(sql::SCHEMA_USAGE, &[Arg::Int(id)])
            .await
    }

    async fn max_schema_id(&self) -> Result<i64, StoreError> {
        let (max,): (i64,) = self.reader().fetch_one(sql::MAX_SCHEMA_ID, &[]).await?;
        Ok(max)
    }
}

#[async_trait]
impl<B: SqlBackend> SubjectReads for B {
    async fn subjects(&self, prefix: &str, deleted: Deleted) -> Result<Vec<String>, StoreError> {
        let pattern = sql::like_prefix(prefix);
        let rows: Vec<(String,)> = self
            .reader()
            .fetch_all(sql::subjects(deleted), &[Arg::Text(&pattern)])
            .await?;
        Ok(rows.into_iter().map(|(s,)| s).collect())
    }

    async fn version_states(&self, subject: &str) -> Result<Vec<VersionState>, StoreError> {
        self.reader()
            .fetch_all(sql::VERSION_STATES, &[Arg::Text(subject)])
            .await
    }

    async fn versions(
        &self,
        subject: &str,
        deleted: Deleted,
    ) -> Result<Vec<VersionRecord>, StoreError> {
        let rows: Vec<VersionRow> = self
            .reader()
            .fetch_all(sql::versions(deleted), &[Arg::Text(subject)])
            .await?;
        rows::all(rows)
    }

    async fn version(
        &self,
        subject: &str,
        version: Option<i32>,
        deleted: Deleted,
    ) -> Result<Option<VersionRecord>, StoreError> {
        let mut reader = self.reader();
        let row: Option<VersionRow> = if let Some(v) = version {
            let args = [Arg::Text(subject), Arg::Int32(v)];
            reader.fetch_optional(sql::version(deleted), &args).await?
        } else {
            let args = [Arg::Text(subject)];
            reader.fetch_optional(sql::latest(deleted), &args).await?
        };
        row.map(TryInto::try_into).transpose()
    }

    async fn lookup(
        &self,
        subject: &str,
        fingerprint: &str,
        deleted: Deleted,
    ) -> Result<Option<VersionRecord>, StoreError> {
        let args = [Arg::Text(subject), Arg::Text(fingerprint)];
        let row: Option<VersionRow> = self
            .reader()
            .fetch_optional(sql::lookup(deleted), &args)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn all_versions(
        &self,
        prefix: &str,
        deleted: Deleted,
    ) -> Result<Vec<VersionRecord>, StoreError> {
        let pattern = sql::like_prefix(prefix);
        let rows: Vec<VersionRow> = self
            .reader()
            .fetch_all(sql::all_versions(deleted), &[Arg::Text(&pattern)])
            .await?;
        rows::all(rows)
    }

    async fn referenced_by(&self, subject: &str, version: i32) -> Result<Vec<i64>, StoreError> {
        let args = [Arg::Text(subject), Arg::Int32(version)];
        let rows: Vec<(i64,)> = self.reader().fetch_all(sql::LIVE_REFERRERS, &args).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn settings(&self, subject: Option<&str>) -> Result<Settings, StoreError> {
        settings(&mut self.reader(), subject).await
    }

    async fn parent_settings(&self, subject: &str) -> Result<Settings, StoreError> {
        parent_settings(&mut self.reader(), subject).await
    }
}

/// The settings a subject falls back to, on any connection: those of its context (the subject
/// `:.ctx:`) over the global ones; in the default context, the global ones.
pub async fn parent_settings(db: &mut impl Sql, subject: &str) -> Result<Settings, StoreError> {
    let global = settings(db, None).await?;
    let qualified = QualifiedSubject::parse(subject);
    if qualified.is_default_context() || qualified.subject.is_empty() {
        return Ok(global);
    }
    let context = settings(db, Some(&qualified.qualified_context())).await?;
    let fields = ConfigFields::from_stored(context.config.as_deref())
        .over(&ConfigFields::from_stored(global.config.as_deref()));
    Ok(Settings {
        compatibility: context.compatibility.or(global.compatibility),
        mode: context.mode.or(global.mode),
        config: fields.to_stored(),
    })
}

/// The settings of `subject`, or the global ones, on any connection.
pub async fn settings(db: &mut impl Sql, subject: Option<&str>) -> Result<Settings, StoreError> {
    let found: Option<Settings> = match subject {
        Some(s) => {
            db.fetch_optional(sql::SUBJECT_SETTINGS, &[Arg::Text(s)])
                .await?
        }
        None => db.fetch_optional(sql::GLOBAL_SETTINGS, &[]).await?,
    };
    Ok(found.unwrap_or_default())
}

#[async_trait]
impl<B: SqlBackend> KeyReads for B {
    async fn api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.reader()
            .fetch_optional(sql::API_KEY, &[Arg::Text(id)])
            .await
    }

    async fn api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError> {
        self.reader().fetch_all(sql::API_KEYS, &[]).await
    }
}

#[async_trait]
impl<B: SqlBackend> ReadCounters for B {
    async fn add_reads(&self, counts: &[(i64, u64)], keep: i64) -> Result<(), StoreError> {
        let mut reader = self.reader();
        for (id, n) in counts {
            let n = i64::try_from(*n).unwrap_or(i64::MAX);
            reader
                .execute(sql::ADD_READS, &[Arg::Int(*id), Arg::Int(n)])
                .await?;
        }
        reader.execute(sql::TRIM_READS, &[Arg::Int(keep)]).await?;
        Ok(())
    }

    async fn most_read(&self, limit: i64) -> Result<Vec<i64>, StoreError> {
        let rows: Vec<(i64,)> = self
            .reader()
            .fetch_all(sql::MOST_READ, &[Arg::Int(limit)])
            .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
