//! The [`Store`](super::Store) implementation shared by both backends.
//!
//! PostgreSQL and SQLite run the same SQL (both take `$N` placeholders, `ON CONFLICT` and
//! `RETURNING`); the differences are constants of each backend type: how a subject is locked
//! (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite has one writer, which a mutex in the store
//! makes explicit) and what follows an insert with an explicit id (advancing the sequence).
//! A macro stamps the one body out for both pool types, since sqlx's generic executor bounds
//! would make every query longer than the SQL it runs.

use registry_core::SchemaReference;

use super::{DeleteError, Deleted, RegisterError, StoreError, StoredSchema, VersionRecord};

impl From<sqlx::Error> for RegisterError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

impl From<sqlx::Error> for DeleteError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// Columns of a version joined with its schema, in [`VersionRow`] order.
pub(super) const VERSION_COLUMNS: &str = "v.subject, v.version, v.deleted, v.metadata, v.rule_set, s.id, s.fingerprint, s.schema_type, s.schema_text, s.refs";

pub(super) type VersionRow = (
    String,
    i32,
    bool,
    Option<String>,
    Option<String>,
    i64,
    String,
    String,
    String,
    String,
);

pub(super) fn deleted_filter(deleted: Deleted) -> &'static str {
    match deleted {
        Deleted::Exclude => " AND NOT v.deleted",
        Deleted::Include => "",
        Deleted::Only => " AND v.deleted",
    }
}

pub(super) fn parse_refs(refs: &str) -> Result<Vec<SchemaReference>, StoreError> {
    serde_json::from_str(refs).map_err(|e| StoreError::Corrupt(format!("references column: {e}")))
}

pub(super) fn schema_row(
    (id, fingerprint, schema_type, text, refs): (i64, String, String, String, String),
) -> Result<StoredSchema, StoreError> {
    Ok(StoredSchema {
        id,
        fingerprint,
        schema_type,
        text,
        references: parse_refs(&refs)?,
    })
}

pub(super) fn version_row(row: VersionRow) -> Result<VersionRecord, StoreError> {
    let (subject, version, deleted, metadata, rule_set, id, fingerprint, schema_type, text, refs) =
        row;
    Ok(VersionRecord {
        subject,
        version,
        deleted,
        metadata,
        rule_set,
        schema: schema_row((id, fingerprint, schema_type, text, refs))?,
    })
}

pub(super) fn keys_json(keys: &[registry_core::cache_key::CacheKey]) -> String {
    serde_json::to_string(&keys.iter().map(ToString::to_string).collect::<Vec<_>>())
        .expect("strings serialise")
}

/// Escapes `%`, `_` and `\` so a prefix can be used in `LIKE ... ESCAPE '\'`.
pub(super) fn like_prefix(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The search query: one hit per subject (its highest matching live version), ranked, with the
/// total count of hits. `$1` the backend's match expression (`''` when the query has no
/// words), `$2` the type (`''`: any), `$3` the subject prefix pattern, `$4` the tag pattern
/// (`''`: any), `$5` limit, `$6` offset. `from`, `matches` and `score` are the backend's.
pub(super) fn search_sql(from: &str, matches: &str, score: &str) -> String {
    // The score is taken in a materialised step of its own: SQLite allows its ranking
    // function only in a plain scan of the index, not beside a window function.
    format!(
        "WITH scored AS MATERIALIZED (\
           SELECT d.subject, d.version, d.schema_id, d.schema_type, d.tags, {score} AS score \
           FROM {from} JOIN subject_versions v ON v.subject = d.subject AND v.version = d.version \
           WHERE {matches} AND NOT v.deleted AND ($2 = '' OR d.schema_type = $2) \
             AND d.subject LIKE $3 ESCAPE '\\' AND ($4 = '' OR (' ' || d.tags || ' ') LIKE $4 ESCAPE '\\')), \
         hits AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY subject ORDER BY version DESC) AS rn FROM scored) \
         SELECT subject, version, schema_id, schema_type, tags, score, COUNT(*) OVER () AS total \
         FROM hits WHERE rn = 1 ORDER BY score DESC, subject LIMIT $5 OFFSET $6"
    )
}

/// The search without words: every document passing the filters, by subject.
pub(super) fn search_all_sql() -> String {
    search_sql("search_docs d", "$1 = ''", "CAST(0 AS DOUBLE PRECISION)")
}

/// Stamps out `Store` for a backend type with fields `pool` and the associated items
/// `LOCK_SUBJECT`, `AFTER_EXPLICIT_ID` and `write_guard()`.
macro_rules! impl_store {
    ($store:ty, $db:ty, $backend:literal) => {
        impl $store {
            async fn versions_in(
                conn: &mut <$db as sqlx::Database>::Connection,
                subject: &str,
                deleted: $crate::store::Deleted,
            ) -> Result<Vec<$crate::store::VersionRecord>, $crate::store::StoreError> {
                use $crate::store::sql::{VERSION_COLUMNS, VersionRow, deleted_filter, version_row};
                let sql = format!(
                    "SELECT {VERSION_COLUMNS} FROM subject_versions v JOIN schemas s ON s.id = v.schema_id \
                     WHERE v.subject = $1{} ORDER BY v.version",
                    deleted_filter(deleted)
                );
                let rows: Vec<VersionRow> = sqlx::query_as(&sql).bind(subject).fetch_all(&mut *conn).await?;
                rows.into_iter().map(version_row).collect()
            }

            async fn global_setting(
                conn: &mut <$db as sqlx::Database>::Connection,
                key: &str,
            ) -> Result<Option<String>, sqlx::Error> {
                sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(&mut *conn).await
            }

            #[allow(clippy::too_many_arguments)]
            async fn append_event(
                conn: &mut <$db as sqlx::Database>::Connection,
                kind: registry_core::invalidation::EventKind,
                subject: Option<&str>,
                version: Option<i32>,
                schema_id: Option<i64>,
                keys: &[registry_core::cache_key::CacheKey],
                actor: &str,
                detail: Option<&str>,
            ) -> Result<(), sqlx::Error> {
                let kind = serde_json::to_value(kind).expect("enum serialises");
                sqlx::query("INSERT INTO events (kind, subject, version, schema_id, keys, actor, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(kind.as_str().unwrap_or("unknown"))
                    .bind(subject)
                    .bind(version)
                    .bind(schema_id)
                    .bind($crate::store::sql::keys_json(keys))
                    .bind(actor)
                    .bind(detail)
                    .execute(&mut *conn)
                    .await?;
                if let Some(notify) = Self::NOTIFY {
                    sqlx::query(notify).execute(&mut *conn).await?;
                }
                Ok(())
            }

            /// Locks the subject's row (creating it), returning its compatibility and mode.
            async fn lock_subject(
                conn: &mut <$db as sqlx::Database>::Connection,
                subject: &str,
            ) -> Result<(Option<String>, Option<String>), sqlx::Error> {
                sqlx::query("INSERT INTO subjects (subject) VALUES ($1) ON CONFLICT DO NOTHING").bind(subject).execute(&mut *conn).await?;
                sqlx::query_as(Self::LOCK_SUBJECT).bind(subject).fetch_one(&mut *conn).await
            }

            /// Schemas referencing `subject`/`version` from any remaining version.
            async fn referrers(
                conn: &mut <$db as sqlx::Database>::Connection,
                subject: &str,
                version: i32,
            ) -> Result<Vec<i64>, sqlx::Error> {
                sqlx::query_scalar(
                    "SELECT DISTINCT r.schema_id FROM schema_references r \
                     WHERE r.ref_subject = $1 AND r.ref_version = $2 \
                     AND EXISTS (SELECT 1 FROM subject_versions v WHERE v.schema_id = r.schema_id) ORDER BY r.schema_id",
                )
                .bind(subject)
                .bind(version)
                .fetch_all(&mut *conn)
                .await
            }

            /// Removes a schema no version uses any more, with its reference rows; true if it did.
            async fn drop_if_orphan(conn: &mut <$db as sqlx::Database>::Connection, schema_id: i64) -> Result<bool, sqlx::Error> {
                let used: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM subject_versions WHERE schema_id = $1")
                    .bind(schema_id)
                    .fetch_one(&mut *conn)
                    .await?;
                if used == 0 {
                    sqlx::query("DELETE FROM schema_references WHERE schema_id = $1").bind(schema_id).execute(&mut *conn).await?;
                    sqlx::query("DELETE FROM schemas WHERE id = $1").bind(schema_id).execute(&mut *conn).await?;
                }
                Ok(used == 0)
            }

            /// Writes the search document of a version (see `registry_core::search`).
            #[allow(clippy::too_many_arguments)]
            async fn index_version(
                conn: &mut <$db as sqlx::Database>::Connection,
                subject: &str,
                version: i32,
                schema_id: i64,
                schema_type: &str,
                text: &str,
                metadata: Option<&str>,
            ) -> Result<(), sqlx::Error> {
                let ty = schema_type.parse().unwrap_or_default();
                let terms = registry_core::search::SearchTerms::of(subject, ty, text, metadata);
                sqlx::query(
                    "INSERT INTO search_docs (subject, version, schema_id, schema_type, subject_terms, names, tags, docs, body) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
                )
                .bind(subject)
                .bind(version)
                .bind(schema_id)
                .bind(schema_type)
                .bind(&terms.subject)
                .bind(&terms.names)
                .bind(&terms.tags)
                .bind(&terms.docs)
                .bind(&terms.body)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            /// Inserts the schema row (or finds it by fingerprint); the id, and whether it is new.
            async fn insert_schema(
                conn: &mut <$db as sqlx::Database>::Connection,
                new: &$crate::store::NewVersion,
            ) -> Result<Result<(i64, bool), $crate::store::GateRejection>, sqlx::Error> {
                let refs = serde_json::to_string(&new.references).expect("references serialise");
                let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM schemas WHERE fingerprint = $1")
                    .bind(&new.fingerprint)
                    .fetch_optional(&mut *conn)
                    .await?;
                if let Some(import_id) = new.import_id {
                    return match existing {
                        Some(id) if id == import_id => Ok(Ok((id, false))),
                        Some(id) => Ok(Err($crate::store::GateRejection {
                            code: registry_core::api::codes::ID_CONFLICT,
                            message: format!("this schema is already registered with id {id}, not {import_id}"),
                        })),
                        None => {
                            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM schemas WHERE id = $1")
                                .bind(import_id)
                                .fetch_optional(&mut *conn)
                                .await?;
                            if taken.is_some() {
                                return Ok(Err($crate::store::GateRejection {
                                    code: registry_core::api::codes::ID_CONFLICT,
                                    message: format!("id {import_id} is already used by another schema"),
                                }));
                            }
                            sqlx::query("INSERT INTO schemas (id, fingerprint, schema_type, schema_text, refs) VALUES ($1, $2, $3, $4, $5)")
                                .bind(import_id)
                                .bind(&new.fingerprint)
                                .bind(&new.schema_type)
                                .bind(&new.text)
                                .bind(&refs)
                                .execute(&mut *conn)
                                .await?;
                            if let Some(sql) = Self::AFTER_EXPLICIT_ID {
                                sqlx::query(sql).execute(&mut *conn).await?;
                            }
                            Ok(Ok((import_id, true)))
                        }
                    };
                }
                if let Some(id) = existing {
                    return Ok(Ok((id, false)));
                }
                let inserted: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO schemas (fingerprint, schema_type, schema_text, refs) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (fingerprint) DO NOTHING RETURNING id",
                )
                .bind(&new.fingerprint)
                .bind(&new.schema_type)
                .bind(&new.text)
                .bind(&refs)
                .fetch_optional(&mut *conn)
                .await?;
                match inserted {
                    Some(id) => Ok(Ok((id, true))),
                    // Another subject's registration inserted it concurrently and committed.
                    None => Ok(Ok((
                        sqlx::query_scalar("SELECT id FROM schemas WHERE fingerprint = $1").bind(&new.fingerprint).fetch_one(&mut *conn).await?,
                        false,
                    ))),
                }
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn ping(&self) -> Result<(), $crate::store::StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn register(
                &self,
                new: &$crate::store::NewVersion,
                gate: &dyn $crate::store::RegistrationGate,
            ) -> Result<$crate::store::Registered, $crate::store::RegisterError> {
                use registry_core::cache_key::CacheKey;
                use $crate::store::{Deleted, GateInput, RegisterError, Registered};
                let _guard = self.write_guard().await;
                let mut tx = self.pool.begin().await?;
                let (subject_compat, subject_mode) = Self::lock_subject(&mut tx, &new.subject).await?;
                let live = Self::versions_in(&mut tx, &new.subject, Deleted::Exclude).await?;
                if let Some(same) = live.iter().find(|v| v.schema.fingerprint == new.fingerprint) {
                    let found = Registered { id: same.schema.id, version: same.version, created: false };
                    tx.commit().await?;
                    return Ok(found);
                }
                let compatibility = match subject_compat {
                    Some(c) => Some(c),
                    None => Self::global_setting(&mut tx, "compatibility").await?,
                };
                let mode = match subject_mode {
                    Some(m) => Some(m),
                    None => Self::global_setting(&mut tx, "mode").await?,
                };
                let input = GateInput { subject: &new.subject, compatibility, mode, existing: live };
                gate.admit(&input, new).await.map_err(RegisterError::Rejected)?;
                let (id, is_new) = Self::insert_schema(&mut tx, new).await?.map_err(RegisterError::Rejected)?;
                let version = match new.import_version {
                    Some(v) => v,
                    None => {
                        let max: Option<i32> = sqlx::query_scalar("SELECT MAX(version) FROM subject_versions WHERE subject = $1")
                            .bind(&new.subject)
                            .fetch_one(&mut *tx)
                            .await?;
                        max.unwrap_or(0) + 1
                    }
                };
                let taken: Option<i32> = sqlx::query_scalar("SELECT version FROM subject_versions WHERE subject = $1 AND version = $2")
                    .bind(&new.subject)
                    .bind(version)
                    .fetch_optional(&mut *tx)
                    .await?;
                if taken.is_some() {
                    return Err(RegisterError::Rejected($crate::store::GateRejection {
                        code: registry_core::api::codes::INVALID_VERSION,
                        message: format!("version {version} of subject {} already exists", new.subject),
                    }));
                }
                sqlx::query("INSERT INTO subject_versions (subject, version, schema_id, metadata, rule_set) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&new.subject)
                    .bind(version)
                    .bind(id)
                    .bind(&new.metadata)
                    .bind(&new.rule_set)
                    .execute(&mut *tx)
                    .await?;
                if is_new {
                    for r in &new.references {
                        sqlx::query("INSERT INTO schema_references (schema_id, name, ref_subject, ref_version) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                            .bind(id)
                            .bind(&r.name)
                            .bind(&r.subject)
                            .bind(r.version)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                Self::index_version(&mut tx, &new.subject, version, id, &new.schema_type, &new.text, new.metadata.as_deref()).await?;
                let keys = CacheKey::touched_by_register(&new.subject, id);
                Self::append_event(&mut tx, registry_core::invalidation::EventKind::Register, Some(&new.subject), Some(version), Some(id), &keys, &new.actor, None).await?;
                tx.commit().await?;
                Ok(Registered { id, version, created: true })
            }

            async fn schema_by_id(&self, id: i64) -> Result<Option<$crate::store::StoredSchema>, $crate::store::StoreError> {
                let row: Option<(i64, String, String, String, String)> =
                    sqlx::query_as("SELECT id, fingerprint, schema_type, schema_text, refs FROM schemas WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map($crate::store::sql::schema_row).transpose()
            }

            async fn schema_usage(&self, id: i64) -> Result<Vec<(String, i32, bool)>, $crate::store::StoreError> {
                Ok(sqlx::query_as("SELECT subject, version, deleted FROM subject_versions WHERE schema_id = $1 ORDER BY subject, version")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn subjects(&self, prefix: &str, deleted: $crate::store::Deleted) -> Result<Vec<String>, $crate::store::StoreError> {
                use $crate::store::Deleted;
                // A subject is soft-deleted when it has versions and none is live.
                let sql = match deleted {
                    Deleted::Exclude => "SELECT DISTINCT subject FROM subject_versions WHERE subject LIKE $1 ESCAPE '\\' AND NOT deleted ORDER BY subject",
                    Deleted::Include => "SELECT DISTINCT subject FROM subject_versions WHERE subject LIKE $1 ESCAPE '\\' ORDER BY subject",
                    Deleted::Only => "SELECT subject FROM subject_versions WHERE subject LIKE $1 ESCAPE '\\' GROUP BY subject \
                                      HAVING SUM(CASE WHEN deleted THEN 0 ELSE 1 END) = 0 ORDER BY subject",
                };
                Ok(sqlx::query_scalar(sql).bind($crate::store::sql::like_prefix(prefix)).fetch_all(&self.pool).await?)
            }

            async fn versions(&self, subject: &str, deleted: $crate::store::Deleted) -> Result<Vec<$crate::store::VersionRecord>, $crate::store::StoreError> {
                let mut conn = self.pool.acquire().await?;
                Self::versions_in(&mut conn, subject, deleted).await
            }

            async fn version(
                &self,
                subject: &str,
                version: Option<i32>,
                deleted: $crate::store::Deleted,
            ) -> Result<Option<$crate::store::VersionRecord>, $crate::store::StoreError> {
                use $crate::store::sql::{VERSION_COLUMNS, VersionRow, deleted_filter, version_row};
                let filter = deleted_filter(deleted);
                let row: Option<VersionRow> = match version {
                    Some(v) => sqlx::query_as(&format!(
                        "SELECT {VERSION_COLUMNS} FROM subject_versions v JOIN schemas s ON s.id = v.schema_id \
                         WHERE v.subject = $1 AND v.version = $2{filter}"
                    ))
                    .bind(subject)
                    .bind(v)
                    .fetch_optional(&self.pool)
                    .await?,
                    None => sqlx::query_as(&format!(
                        "SELECT {VERSION_COLUMNS} FROM subject_versions v JOIN schemas s ON s.id = v.schema_id \
                         WHERE v.subject = $1{filter} ORDER BY v.version DESC LIMIT 1"
                    ))
                    .bind(subject)
                    .fetch_optional(&self.pool)
                    .await?,
                };
                row.map(version_row).transpose()
            }

            async fn lookup(
                &self,
                subject: &str,
                fingerprint: &str,
                deleted: $crate::store::Deleted,
            ) -> Result<Option<$crate::store::VersionRecord>, $crate::store::StoreError> {
                use $crate::store::sql::{VERSION_COLUMNS, VersionRow, deleted_filter, version_row};
                let row: Option<VersionRow> = sqlx::query_as(&format!(
                    "SELECT {VERSION_COLUMNS} FROM subject_versions v JOIN schemas s ON s.id = v.schema_id \
                     WHERE v.subject = $1 AND s.fingerprint = $2{} ORDER BY v.version LIMIT 1",
                    deleted_filter(deleted)
                ))
                .bind(subject)
                .bind(fingerprint)
                .fetch_optional(&self.pool)
                .await?;
                row.map(version_row).transpose()
            }

            async fn all_versions(&self, prefix: &str, deleted: $crate::store::Deleted) -> Result<Vec<$crate::store::VersionRecord>, $crate::store::StoreError> {
                use $crate::store::sql::{VERSION_COLUMNS, VersionRow, deleted_filter, like_prefix, version_row};
                let rows: Vec<VersionRow> = sqlx::query_as(&format!(
                    "SELECT {VERSION_COLUMNS} FROM subject_versions v JOIN schemas s ON s.id = v.schema_id \
                     WHERE v.subject LIKE $1 ESCAPE '\\'{} ORDER BY v.subject, v.version",
                    deleted_filter(deleted)
                ))
                .bind(like_prefix(prefix))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(version_row).collect()
            }

            async fn referenced_by(&self, subject: &str, version: i32) -> Result<Vec<i64>, $crate::store::StoreError> {
                let mut conn = self.pool.acquire().await?;
                Ok(Self::referrers(&mut conn, subject, version).await?)
            }

            async fn delete_version(
                &self,
                subject: &str,
                version: i32,
                permanent: bool,
                actor: &str,
            ) -> Result<(i32, Vec<registry_core::cache_key::CacheKey>), $crate::store::DeleteError> {
                use registry_core::cache_key::CacheKey;
                use registry_core::invalidation::EventKind;
                use $crate::store::{DeleteError, Deleted};
                let _guard = self.write_guard().await;
                let mut tx = self.pool.begin().await?;
                Self::lock_subject(&mut tx, subject).await?;
                let all = Self::versions_in(&mut tx, subject, Deleted::Include).await?;
                if all.is_empty() {
                    return Err(DeleteError::SubjectNotFound);
                }
                let Some(target) = all.iter().find(|v| v.version == version) else {
                    return Err(DeleteError::VersionNotFound);
                };
                match (permanent, target.deleted) {
                    (false, true) => return Err(DeleteError::AlreadySoftDeleted),
                    (true, false) => return Err(DeleteError::NotSoftDeleted),
                    _ => {}
                }
                let referrers = Self::referrers(&mut tx, subject, version).await?;
                if !referrers.is_empty() {
                    return Err(DeleteError::Referenced(referrers));
                }
                let id = target.schema.id;
                let mut keys = CacheKey::touched_by_delete(subject, Some(version), &[id]);
                if permanent {
                    sqlx::query("DELETE FROM subject_versions WHERE subject = $1 AND version = $2").bind(subject).bind(version).execute(&mut *tx).await?;
                    if Self::drop_if_orphan(&mut tx, id).await? {
                        keys.push(CacheKey::SchemaById(id));
                    }
                    Self::append_event(&mut tx, EventKind::DeleteVersion, Some(subject), Some(version), Some(id), &keys, actor, None).await?;
                } else {
                    sqlx::query("UPDATE subject_versions SET deleted = TRUE WHERE subject = $1 AND version = $2").bind(subject).bind(version).execute(&mut *tx).await?;
                    Self::append_event(&mut tx, EventKind::SoftDeleteVersion, Some(subject), Some(version), Some(id), &keys, actor, None).await?;
                }
                tx.commit().await?;
                Ok((version, keys))
            }

            async fn delete_subject(
                &self,
                subject: &str,
                permanent: bool,
                actor: &str,
            ) -> Result<(Vec<i32>, Vec<registry_core::cache_key::CacheKey>), $crate::store::DeleteError> {
                use registry_core::cache_key::CacheKey;
                use registry_core::invalidation::EventKind;
                use $crate::store::{DeleteError, Deleted};
                let _guard = self.write_guard().await;
                let mut tx = self.pool.begin().await?;
                Self::lock_subject(&mut tx, subject).await?;
                let all = Self::versions_in(&mut tx, subject, Deleted::Include).await?;
                if all.is_empty() {
                    return Err(DeleteError::SubjectNotFound);
                }
                let live = all.iter().any(|v| !v.deleted);
                match (permanent, live) {
                    (false, false) => return Err(DeleteError::AlreadySoftDeleted),
                    (true, true) => return Err(DeleteError::NotSoftDeleted),
                    _ => {}
                }
                for v in &all {
                    let referrers = Self::referrers(&mut tx, subject, v.version).await?;
                    // A subject's own versions may reference each other only through other subjects.
                    if !referrers.is_empty() {
                        return Err(DeleteError::Referenced(referrers));
                    }
                }
                let ids: Vec<i64> = all.iter().map(|v| v.schema.id).collect();
                let mut keys = CacheKey::touched_by_delete(subject, None, &ids);
                keys.extend(all.iter().map(|v| CacheKey::SubjectVersion(subject.to_owned(), v.version)));
                let affected: Vec<i32> = all.iter().filter(|v| permanent || !v.deleted).map(|v| v.version).collect();
                if permanent {
                    sqlx::query("DELETE FROM subject_versions WHERE subject = $1").bind(subject).execute(&mut *tx).await?;
                    for id in &ids {
                        if Self::drop_if_orphan(&mut tx, *id).await? {
                            keys.push(CacheKey::SchemaById(*id));
                        }
                    }
                    sqlx::query("DELETE FROM subjects WHERE subject = $1").bind(subject).execute(&mut *tx).await?;
                    keys.push(CacheKey::Config(Some(subject.to_owned())));
                    keys.push(CacheKey::Mode(Some(subject.to_owned())));
                    Self::append_event(&mut tx, EventKind::DeleteSubject, Some(subject), None, None, &keys, actor, None).await?;
                } else {
                    sqlx::query("UPDATE subject_versions SET deleted = TRUE WHERE subject = $1").bind(subject).execute(&mut *tx).await?;
                    Self::append_event(&mut tx, EventKind::SoftDeleteSubject, Some(subject), None, None, &keys, actor, None).await?;
                }
                tx.commit().await?;
                Ok((affected, keys))
            }

            async fn setting(&self, setting: $crate::store::Setting, subject: Option<&str>) -> Result<Option<String>, $crate::store::StoreError> {
                let mut conn = self.pool.acquire().await?;
                Ok(match subject {
                    None => Self::global_setting(&mut conn, setting.column()).await?,
                    Some(s) => sqlx::query_scalar::<_, Option<String>>(&format!("SELECT {} FROM subjects WHERE subject = $1", setting.column()))
                        .bind(s)
                        .fetch_optional(&mut *conn)
                        .await?
                        .flatten(),
                })
            }

            async fn set_setting(
                &self,
                setting: $crate::store::Setting,
                subject: Option<&str>,
                value: Option<&str>,
                actor: &str,
            ) -> Result<Option<String>, $crate::store::StoreError> {
                use registry_core::cache_key::CacheKey;
                let _guard = self.write_guard().await;
                let mut tx = self.pool.begin().await?;
                let column = setting.column();
                let previous = match subject {
                    None => {
                        let previous = Self::global_setting(&mut tx, column).await?;
                        match value {
                            Some(v) => sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                                .bind(column)
                                .bind(v)
                                .execute(&mut *tx)
                                .await?,
                            None => sqlx::query("DELETE FROM settings WHERE key = $1").bind(column).execute(&mut *tx).await?,
                        };
                        previous
                    }
                    Some(s) => {
                        let (compat, mode) = Self::lock_subject(&mut tx, s).await?;
                        sqlx::query(&format!("UPDATE subjects SET {column} = $1 WHERE subject = $2")).bind(value).bind(s).execute(&mut *tx).await?;
                        match setting {
                            $crate::store::Setting::Compatibility => compat,
                            $crate::store::Setting::Mode => mode,
                        }
                    }
                };
                let key = match setting {
                    $crate::store::Setting::Compatibility => CacheKey::Config(subject.map(str::to_owned)),
                    $crate::store::Setting::Mode => CacheKey::Mode(subject.map(str::to_owned)),
                };
                let detail = serde_json::json!({"setting": column, "from": previous, "to": value}).to_string();
                Self::append_event(&mut tx, setting.event(), subject, None, None, &[key], actor, Some(&detail)).await?;
                tx.commit().await?;
                Ok(previous)
            }

            async fn max_event_seq(&self) -> Result<i64, $crate::store::StoreError> {
                let max: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM events").fetch_one(&self.pool).await?;
                Ok(max.unwrap_or(0))
            }

            async fn event_time_ms(&self, seq: i64) -> Result<Option<i64>, $crate::store::StoreError> {
                Ok(sqlx::query_scalar(Self::EVENT_TIME_MS).bind(seq).fetch_optional(&self.pool).await?)
            }

            async fn edges(&self) -> Result<Vec<$crate::store::EdgeRecord>, $crate::store::StoreError> {
                let rows: Vec<(String, i64, Option<String>, Option<i64>, Option<i64>)> =
                    sqlx::query_as("SELECT url, cursor, last_error, last_attempt_ms, last_success_ms FROM edges ORDER BY url")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows
                    .into_iter()
                    .map(|(url, cursor, last_error, last_attempt_ms, last_success_ms)| $crate::store::EdgeRecord { url, cursor, last_error, last_attempt_ms, last_success_ms })
                    .collect())
            }

            async fn add_edge(&self, url: &str) -> Result<(), $crate::store::StoreError> {
                sqlx::query("INSERT INTO edges (url, cursor) VALUES ($1, (SELECT COALESCE(MAX(seq), 0) FROM events)) ON CONFLICT (url) DO NOTHING")
                    .bind(url)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn remove_edge(&self, url: &str) -> Result<bool, $crate::store::StoreError> {
                Ok(sqlx::query("DELETE FROM edges WHERE url = $1").bind(url).execute(&self.pool).await?.rows_affected() > 0)
            }

            async fn record_delivery(&self, url: &str, cursor: Option<i64>, error: Option<&str>, now_ms: i64) -> Result<(), $crate::store::StoreError> {
                match cursor {
                    // The cursor only moves forward (a slow, late answer must not rewind it).
                    Some(c) => sqlx::query(
                        "UPDATE edges SET cursor = CASE WHEN cursor > $2 THEN cursor ELSE $2 END, last_error = NULL, \
                         last_attempt_ms = $3, last_success_ms = $3 WHERE url = $1",
                    )
                    .bind(url)
                    .bind(c)
                    .bind(now_ms)
                    .execute(&self.pool)
                    .await?,
                    None => sqlx::query("UPDATE edges SET last_error = $2, last_attempt_ms = $3 WHERE url = $1")
                        .bind(url)
                        .bind(error)
                        .bind(now_ms)
                        .execute(&self.pool)
                        .await?,
                };
                Ok(())
            }

            async fn create_api_key(&self, key: &$crate::store::ApiKeyRecord, actor: &str) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO api_keys (id, name, role, secret_hash, created_ms) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&key.id)
                    .bind(&key.name)
                    .bind(&key.role)
                    .bind(&key.secret_hash)
                    .bind(key.created_ms)
                    .execute(&mut *tx)
                    .await?;
                let detail = serde_json::json!({"action": "create", "key": key.id, "role": key.role, "name": key.name}).to_string();
                Self::append_event(&mut tx, registry_core::invalidation::EventKind::KeyAdmin, None, None, None, &[], actor, Some(&detail)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn api_key(&self, id: &str) -> Result<Option<$crate::store::ApiKeyRecord>, $crate::store::StoreError> {
                Ok(sqlx::query_as("SELECT id, name, role, secret_hash, created_ms, revoked_ms FROM api_keys WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn api_keys(&self) -> Result<Vec<$crate::store::ApiKeyRecord>, $crate::store::StoreError> {
                Ok(sqlx::query_as("SELECT id, name, role, secret_hash, created_ms, revoked_ms FROM api_keys ORDER BY created_ms, id")
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn revoke_api_key(&self, id: &str, now_ms: i64, actor: &str) -> Result<bool, $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                let revoked = sqlx::query("UPDATE api_keys SET revoked_ms = $2 WHERE id = $1 AND revoked_ms IS NULL")
                    .bind(id)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    > 0;
                if revoked {
                    let detail = serde_json::json!({"action": "revoke", "key": id}).to_string();
                    Self::append_event(&mut tx, registry_core::invalidation::EventKind::KeyAdmin, None, None, None, &[], actor, Some(&detail)).await?;
                }
                tx.commit().await?;
                Ok(revoked)
            }

            fn pool_stats(&self) -> (u32, usize) {
                (self.pool.size(), self.pool.num_idle())
            }

            fn pg_pool(&self) -> Option<sqlx::PgPool> {
                self.postgres_pool()
            }

            async fn try_lead_dispatch(&self) -> Result<Option<Box<dyn $crate::store::DispatchLease>>, $crate::store::StoreError> {
                self.lead().await
            }

            async fn events(&self, after: i64, subject: Option<&str>, limit: i64) -> Result<Vec<$crate::store::EventRecord>, $crate::store::StoreError> {
                type Row = (i64, String, Option<String>, Option<i32>, Option<i64>, String, String, String, Option<String>);
                let rows: Vec<Row> = sqlx::query_as(Self::EVENTS_QUERY).bind(after).bind(limit).bind(subject).fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|(seq, kind, subject, version, schema_id, keys, actor, created_at, detail)| {
                        Ok($crate::store::EventRecord {
                            seq,
                            kind,
                            subject,
                            version,
                            schema_id,
                            keys: serde_json::from_str(&keys).map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?,
                            actor,
                            created_at,
                            detail,
                        })
                    })
                    .collect()
            }

            async fn prune_events(&self, before_ms: i64) -> Result<u64, $crate::store::StoreError> {
                let _guard = self.write_guard().await;
                // Never what an edge has yet to receive, and never the newest (it carries the
                // log's position).
                let bound: Option<i64> = sqlx::query_scalar(
                    "SELECT MIN(b) FROM (SELECT MAX(seq) AS b FROM events UNION ALL SELECT cursor + 1 AS b FROM edges) bounds",
                )
                .fetch_one(&self.pool)
                .await?;
                let Some(bound) = bound else { return Ok(0) };
                Ok(sqlx::query(Self::PRUNE_EVENTS).bind(before_ms).bind(bound).execute(&self.pool).await?.rows_affected())
            }

            async fn search(&self, q: &$crate::store::SearchQuery) -> Result<$crate::store::SearchPage, $crate::store::StoreError> {
                let words = registry_core::search::query_words(&q.text);
                let (sql, matcher) = if words.is_empty() {
                    (Self::search_sql(false), String::new())
                } else {
                    (Self::search_sql(true), Self::match_expression(&words))
                };
                let tag = if q.tag.is_empty() {
                    String::new()
                } else {
                    let escaped = $crate::store::sql::like_prefix(&registry_core::search::normalize_tag(&q.tag));
                    format!("% {} %", escaped.trim_end_matches('%'))
                };
                let rows: Vec<(String, i32, i64, String, String, f64, i64)> = sqlx::query_as(sql)
                    .bind(&matcher)
                    .bind(&q.schema_type)
                    .bind($crate::store::sql::like_prefix(&q.subject_prefix))
                    .bind(&tag)
                    .bind(q.limit)
                    .bind(q.offset)
                    .fetch_all(&self.pool)
                    .await?;
                let total = rows.first().map_or(0, |r| r.6);
                let hits = rows
                    .into_iter()
                    .map(|(subject, version, id, schema_type, tags, score, _)| $crate::store::SearchHit {
                        subject,
                        version,
                        id,
                        schema_type,
                        tags: tags.split_whitespace().map(str::to_owned).collect(),
                        score,
                    })
                    .collect();
                Ok($crate::store::SearchPage { total, hits })
            }

            async fn index_missing(&self, batch: i64) -> Result<usize, $crate::store::StoreError> {
                let rows: Vec<(String, i32, i64, String, String, Option<String>)> = sqlx::query_as(
                    "SELECT v.subject, v.version, s.id, s.schema_type, s.schema_text, v.metadata \
                     FROM subject_versions v JOIN schemas s ON s.id = v.schema_id \
                     LEFT JOIN search_docs d ON d.subject = v.subject AND d.version = v.version \
                     WHERE d.subject IS NULL LIMIT $1",
                )
                .bind(batch)
                .fetch_all(&self.pool)
                .await?;
                let mut tx = self.pool.begin().await?;
                for (subject, version, id, ty, text, metadata) in &rows {
                    Self::index_version(&mut tx, subject, *version, *id, ty, text, metadata.as_deref()).await?;
                }
                tx.commit().await?;
                Ok(rows.len())
            }

            async fn add_reads(&self, counts: &[(i64, u64)], keep: i64) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.pool.begin().await?;
                for (id, n) in counts {
                    sqlx::query(
                        "INSERT INTO read_counts (schema_id, reads) VALUES ($1, $2) \
                         ON CONFLICT (schema_id) DO UPDATE SET reads = read_counts.reads + excluded.reads",
                    )
                    .bind(id)
                    .bind(i64::try_from(*n).unwrap_or(i64::MAX))
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query("DELETE FROM read_counts WHERE schema_id NOT IN (SELECT schema_id FROM read_counts ORDER BY reads DESC LIMIT $1)")
                    .bind(keep)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn most_read(&self, limit: i64) -> Result<Vec<i64>, $crate::store::StoreError> {
                Ok(sqlx::query_scalar("SELECT schema_id FROM read_counts ORDER BY reads DESC, schema_id LIMIT $1")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn recent_subjects(&self, window: i64, limit: i64) -> Result<Vec<String>, $crate::store::StoreError> {
                Ok(sqlx::query_scalar(
                    "SELECT subject FROM events WHERE subject IS NOT NULL \
                     AND seq > (SELECT COALESCE(MAX(seq), 0) FROM events) - $1 \
                     GROUP BY subject ORDER BY MAX(seq) DESC LIMIT $2",
                )
                .bind(window)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }
        }
    };
}

pub(super) use impl_store;
