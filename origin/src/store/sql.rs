//! The SQL both backends run word for word (both take `$N` placeholders, `ON CONFLICT` and
//! `RETURNING`). Statements that differ — locking, time arithmetic, full-text search — are in
//! each backend's own module.

use super::Deleted;

/// `SELECT` of the [`super::rows::VersionRow`] columns over `subject_versions v JOIN schemas s`,
/// followed by the given clauses.
macro_rules! select_versions {
    ($($clauses:literal),+) => {
        concat!(
            "SELECT v.subject, v.version, v.deleted, v.metadata, v.rule_set, v.created_ms, v.updated_ms, ",
            "v.context_id, ",
            "s.id, s.fingerprint, s.guid, s.schema_type, s.schema_text, s.refs ",
            "FROM subject_versions v JOIN schemas s ON s.id = v.schema_id ",
            $($clauses),+
        )
    };
}

pub const SCHEMA_BY_ID: &str = "SELECT s.id, s.fingerprint, s.guid, s.schema_type, s.schema_text, \
     s.refs FROM schemas s WHERE s.id = $1";
pub const SCHEMA_BY_GUID: &str = "SELECT s.id, s.fingerprint, s.guid, s.schema_type, \
     s.schema_text, s.refs FROM schemas s WHERE s.guid = $1";
pub const MAX_SCHEMA_ID: &str = "SELECT COALESCE(MAX(id), 0) FROM schemas";
/// The metadata and rule set of the first version registered with schema `$1` (deleted ones
/// too): what the schema's own answer (`/schemas/ids/{id}`) carries.
pub const FIRST_RULES: &str = "SELECT metadata, rule_set FROM subject_versions \
     WHERE schema_id = $1 ORDER BY created_at, subject, version LIMIT 1";

pub const SCHEMA_USAGE: &str = "SELECT subject, version, deleted FROM subject_versions \
     WHERE schema_id = $1 ORDER BY subject, version";

/// A subject is soft-deleted when it has versions and none is live.
pub fn subjects(deleted: Deleted) -> &'static str {
    match deleted {
        Deleted::Exclude => {
            "SELECT DISTINCT subject FROM subject_versions \
             WHERE subject LIKE $1 ESCAPE '\\' AND NOT deleted ORDER BY subject"
        }
        Deleted::Include => {
            "SELECT DISTINCT subject FROM subject_versions \
             WHERE subject LIKE $1 ESCAPE '\\' ORDER BY subject"
        }
        Deleted::Only => {
            "SELECT subject FROM subject_versions WHERE subject LIKE $1 ESCAPE '\\' \
             GROUP BY subject HAVING SUM(CASE WHEN deleted THEN 0 ELSE 1 END) = 0 ORDER BY subject"
        }
    }
}

pub const VERSION_STATES: &str =
    "SELECT version, deleted FROM subject_versions WHERE subject = $1 ORDER BY version";

/// A subject's versions, oldest first.
pub fn versions(deleted: Deleted) -> &'static str {
    match deleted {
        Deleted::Exclude => {
            select_versions!("WHERE v.subject = $1 AND NOT v.deleted ORDER BY v.version")
        }
        Deleted::Include => select_versions!("WHERE v.subject = $1 ORDER BY v.version"),
        Deleted::Only => select_versions!("WHERE v.subject = $1 AND v.deleted ORDER BY v.version"),
    }
}

/// One numbered version (`$2`).
pub fn version(deleted: Deleted) -> &'static str {
    match deleted {
        Deleted::Exclude => {
            select_versions!("WHERE v.subject = $1 AND v.version = $2 AND NOT v.deleted")
        }
        Deleted::Include => select_versions!("WHERE v.subject = $1 AND v.version = $2"),
        Deleted::Only => select_versions!("WHERE v.subject = $1 AND v.version = $2 AND v.deleted"),
    }
}

/// The latest version.
pub fn latest(deleted: Deleted) -> &'static str {
    match deleted {
        Deleted::Exclude => select_versions!(
            "WHERE v.subject = $1 AND NOT v.deleted ORDER BY v.version DESC LIMIT 1"
        ),
        Deleted::Include => {
            select_versions!("WHERE v.subject = $1 ORDER BY v.version DESC LIMIT 1")
        }
        Deleted::Only => {
            select_versions!("WHERE v.subject = $1 AND v.deleted ORDER BY v.version DESC LIMIT 1")
        }
    }
}

/// The first version with fingerprint `$2`.
pub fn lookup(deleted: Deleted) -> &'static str {
    match deleted {
        Deleted::Exclude => select_versions!(
            "WHERE v.subject = $1 AND s.fingerprint = $2 AND NOT v.deleted ORDER BY v.version LIMIT 1"
        ),
        // A live version first (a schema re-registered after a soft delete has one).
        Deleted::Include => select_versions!(
            "WHERE v.subject = $1 AND s.fingerprint = $2 ORDER BY v.deleted, v.version LIMIT 1"
        ),
        Deleted::Only => select_versions!(
            "WHERE v.subject = $1 AND s.fingerprint = $2 AND v.deleted ORDER BY v.version LIMIT 1"
        ),
    }
}

/// Every version of the subjects matching the `LIKE` pattern `$1`.
pub fn all_versions(deleted: Deleted) -> &'static str {
    match deleted {
        Deleted::Exclude => select_versions!(
            "WHERE v.subject LIKE $1 ESCAPE '\\' AND NOT v.deleted ORDER BY v.subject, v.version"
        ),
        Deleted::Include => {
            select_versions!("WHERE v.subject LIKE $1 ESCAPE '\\' ORDER BY v.subject, v.version")
        }
        Deleted::Only => select_versions!(
            "WHERE v.subject LIKE $1 ESCAPE '\\' AND v.deleted ORDER BY v.subject, v.version"
        ),
    }
}

/// Schemas still used by a version that reference `$1`/`$2`.
pub const REFERRERS: &str = "SELECT DISTINCT r.schema_id FROM schema_references r \
     WHERE r.ref_subject = $1 AND r.ref_version = $2 \
     AND EXISTS (SELECT 1 FROM subject_versions v WHERE v.schema_id = r.schema_id) \
     ORDER BY r.schema_id";
/// Schemas used by a live (not soft-deleted) version that reference `$1`/`$2`.
pub const LIVE_REFERRERS: &str = "SELECT DISTINCT r.schema_id FROM schema_references r \
     WHERE r.ref_subject = $1 AND r.ref_version = $2 \
     AND EXISTS (SELECT 1 FROM subject_versions v WHERE v.schema_id = r.schema_id \
     AND NOT v.deleted) ORDER BY r.schema_id";

pub const SUBJECT_SETTINGS: &str =
    "SELECT compatibility, mode, config FROM subjects WHERE subject = $1";
pub const GLOBAL_SETTINGS: &str = "SELECT \
     (SELECT value FROM settings WHERE key = 'compatibility') AS compatibility, \
     (SELECT value FROM settings WHERE key = 'mode') AS mode, \
     (SELECT value FROM settings WHERE key = 'config') AS config";

pub const API_KEY: &str =
    "SELECT id, name, role, secret_hash, created_ms, revoked_ms FROM api_keys WHERE id = $1";
pub const API_KEYS: &str = "SELECT id, name, role, secret_hash, created_ms, revoked_ms \
     FROM api_keys ORDER BY created_ms, id";

pub const MAX_EVENT_SEQ: &str = "SELECT MAX(seq) FROM events";
pub const RECENT_SUBJECTS: &str = "SELECT subject FROM events WHERE subject IS NOT NULL \
     AND seq > (SELECT COALESCE(MAX(seq), 0) FROM events) - $1 \
     GROUP BY subject ORDER BY MAX(seq) DESC LIMIT $2";

pub const EDGES: &str = "SELECT url, cursor, last_error, last_attempt_ms, last_success_ms, secret \
     FROM edges ORDER BY url";
/// A new edge starts at the end of the log; adding it again may set its secret.
pub const ADD_EDGE: &str = "INSERT INTO edges (url, cursor, secret) \
     VALUES ($1, (SELECT COALESCE(MAX(seq), 0) FROM events), $2) \
     ON CONFLICT (url) DO UPDATE SET secret = COALESCE(excluded.secret, edges.secret)";
pub const REMOVE_EDGE: &str = "DELETE FROM edges WHERE url = $1";
/// The cursor only moves forward (a slow, late answer must not rewind it).
pub const RECORD_SUCCESS: &str = "UPDATE edges \
     SET cursor = CASE WHEN cursor > $2 THEN cursor ELSE $2 END, last_error = NULL, \
     last_attempt_ms = $3, last_success_ms = $3 WHERE url = $1";
pub const RECORD_FAILURE: &str =
    "UPDATE edges SET last_error = $2, last_attempt_ms = $3 WHERE url = $1";

pub const UNINDEXED: &str = "SELECT v.subject, v.version, s.id AS schema_id, s.schema_type, \
     s.schema_text, v.metadata \
     FROM subject_versions v JOIN schemas s ON s.id = v.schema_id \
     LEFT JOIN search_docs d ON d.subject = v.subject AND d.version = v.version \
     WHERE d.subject IS NULL LIMIT $1";

pub const ADD_READS: &str = "INSERT INTO read_counts (schema_id, reads) VALUES ($1, $2) \
     ON CONFLICT (schema_id) DO UPDATE SET reads = read_counts.reads + excluded.reads";
pub const TRIM_READS: &str = "DELETE FROM read_counts WHERE schema_id NOT IN \
     (SELECT schema_id FROM read_counts ORDER BY reads DESC LIMIT $1)";
pub const MOST_READ: &str =
    "SELECT schema_id FROM read_counts ORDER BY reads DESC, schema_id LIMIT $1";

pub const INSERT_SUBJECT: &str =
    "INSERT INTO subjects (subject) VALUES ($1) ON CONFLICT DO NOTHING";
/// The highest version the subject ever had (its row exists: the subject is locked).
pub const MAX_VERSION: &str = "SELECT max_version FROM subjects WHERE subject = $1";
pub const RAISE_MAX_VERSION: &str = "UPDATE subjects \
     SET max_version = CASE WHEN max_version > $2 THEN max_version ELSE $2 END WHERE subject = $1";
pub const RETIRED_FINGERPRINT: &str = "SELECT fingerprint FROM retired_schema_ids WHERE id = $1";
pub const RETIRE_SCHEMA: &str = "INSERT INTO retired_schema_ids (id, fingerprint) \
     SELECT id, fingerprint FROM schemas WHERE id = $1 ON CONFLICT DO NOTHING";
pub const SCHEMA_ID: &str = "SELECT id FROM schemas WHERE fingerprint = $1";
pub const SCHEMA_EXISTS: &str = "SELECT COUNT(*) FROM schemas WHERE id = $1";
/// The lowest id in `$1..=$2` that no schema has or had: `$1` itself, or one just after a
/// used id.
pub const LOWEST_FREE_ID: &str = "SELECT MIN(c.id) FROM ( \
     SELECT CAST($1 AS BIGINT) AS id \
     UNION ALL SELECT id + 1 FROM schemas WHERE id >= $1 \
     UNION ALL SELECT id + 1 FROM retired_schema_ids WHERE id >= $1) c \
     WHERE c.id <= $2 \
     AND NOT EXISTS (SELECT 1 FROM schemas s WHERE s.id = c.id) \
     AND NOT EXISTS (SELECT 1 FROM retired_schema_ids r WHERE r.id = c.id)";
/// Ids are always given: imported, or handed out by the dialect's `NEXT_SCHEMA_ID`. Every
/// unique index arbitrates: with the fingerprint's alone, two concurrent inserts of the same
/// content can meet first on the guid's index, which would be an error rather than a conflict.
pub const INSERT_SCHEMA: &str = "INSERT INTO schemas (id, fingerprint, schema_type, schema_text, refs, guid) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id";
pub const INSERT_REFERENCE: &str = "INSERT INTO schema_references \
     (schema_id, name, ref_subject, ref_version) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
pub const INSERT_VERSION: &str = "INSERT INTO subject_versions \
     (subject, version, schema_id, metadata, rule_set, created_ms, context_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
/// With its version's deleted flag (a version indexed after it was stored may be deleted).
pub const INSERT_SEARCH_DOC: &str = "INSERT INTO search_docs \
     (subject, version, schema_id, schema_type, subject_terms, names, tags, docs, body, deleted) \
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, v.deleted FROM subject_versions v \
     WHERE v.subject = $1 AND v.version = $2 ON CONFLICT DO NOTHING";
pub const MARK_VERSION_DELETED: &str = "UPDATE subject_versions SET deleted = TRUE, \
     updated_ms = $3 WHERE subject = $1 AND version = $2 AND NOT deleted";
pub const MARK_SUBJECT_DELETED: &str = "UPDATE subject_versions SET deleted = TRUE, \
     updated_ms = $2 WHERE subject = $1 AND NOT deleted";
pub const REMOVE_VERSION: &str = "DELETE FROM subject_versions WHERE subject = $1 AND version = $2";
pub const REMOVE_SUBJECT_VERSIONS: &str = "DELETE FROM subject_versions WHERE subject = $1";
/// A permanently deleted subject keeps its row (its highest version), not its settings.
pub const CLEAR_SUBJECT: &str =
    "UPDATE subjects SET compatibility = NULL, mode = NULL, config = NULL WHERE subject = $1";
pub const SCHEMA_USES: &str = "SELECT COUNT(*) FROM subject_versions WHERE schema_id = $1";
pub const REMOVE_REFERENCES: &str = "DELETE FROM schema_references WHERE schema_id = $1";
pub const REMOVE_SCHEMA: &str = "DELETE FROM schemas WHERE id = $1";
pub const SET_GLOBAL: &str = "INSERT INTO settings (key, value) VALUES ($1, $2) \
     ON CONFLICT (key) DO UPDATE SET value = excluded.value";
pub const CLEAR_GLOBAL: &str = "DELETE FROM settings WHERE key = $1";
pub const SET_SUBJECT_COMPATIBILITY: &str =
    "UPDATE subjects SET compatibility = $1 WHERE subject = $2";
pub const SET_SUBJECT_MODE: &str = "UPDATE subjects SET mode = $1 WHERE subject = $2";
pub const SET_SUBJECT_CONFIG: &str = "UPDATE subjects SET config = $1 WHERE subject = $2";
pub const INSERT_API_KEY: &str = "INSERT INTO api_keys (id, name, role, secret_hash, created_ms) \
     VALUES ($1, $2, $3, $4, $5)";
pub const REVOKE_API_KEY: &str =
    "UPDATE api_keys SET revoked_ms = $2 WHERE id = $1 AND revoked_ms IS NULL";
pub const INSERT_EVENT: &str = "INSERT INTO events \
     (kind, subject, version, schema_id, keys, actor, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)";
/// The highest seq that may be pruned plus one: never what an edge has yet to receive, and
/// never the newest event (it carries the log's position).
pub const PRUNE_BOUND: &str = "SELECT MIN(b) FROM \
     (SELECT MAX(seq) AS b FROM events UNION ALL SELECT cursor + 1 AS b FROM edges) bounds";

/// Escapes `%`, `_` and `\` so a prefix can be used in `LIKE ... ESCAPE '\'`.
pub fn like_prefix(prefix: &str) -> String {
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

/// The setting's update statement for a subject row.
pub fn set_subject_setting(setting: super::Setting) -> &'static str {
    match setting {
        super::Setting::Compatibility => SET_SUBJECT_COMPATIBILITY,
        super::Setting::Mode => SET_SUBJECT_MODE,
        super::Setting::Config => SET_SUBJECT_CONFIG,
    }
}

/// The search query: one hit per subject (its highest matching live version, with the id its
/// subject's context gives the schema), ranked, with the total count of hits. `$1` the
/// backend's match expression (`''` when the query has no words), `$2` the type (`''`: any),
/// `$3` the subject prefix pattern, `$4` the tag pattern (`''`: any), `$5` limit, `$6` offset.
/// `from`, `matches` and `score` are the backend's.
pub fn search(from: &str, matches: &str, score: &str) -> String {
    // The score is taken in a materialised step of its own: SQLite allows its ranking
    // function only in a plain scan of the index, not beside a window function.
    // The documents alone choose the page; only its hits are joined to their versions, for
    // the id a named context gives the schema.
    format!(
        "WITH scored AS MATERIALIZED (\
           SELECT d.subject, d.version, d.schema_id, d.schema_type, d.tags, {score} AS score \
           FROM {from} \
           WHERE {matches} AND NOT d.deleted AND ($2 = '' OR d.schema_type = $2) \
             AND d.subject LIKE $3 ESCAPE '\\' AND ($4 = '' OR (' ' || d.tags || ' ') LIKE $4 ESCAPE '\\')), \
         hits AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY subject ORDER BY version DESC) AS rn FROM scored), \
         page AS (SELECT subject, version, schema_id, schema_type, tags, score, COUNT(*) OVER () AS total \
           FROM hits WHERE rn = 1 ORDER BY score DESC, subject LIMIT $5 OFFSET $6) \
         SELECT p.subject, p.version, COALESCE(v.context_id, p.schema_id) AS schema_id, p.schema_type, p.tags, p.score, p.total \
         FROM page p JOIN subject_versions v ON v.subject = p.subject AND v.version = p.version \
         ORDER BY p.score DESC, p.subject"
    )
}

/// The search without words (the parameters of [`search`], `$1` empty): every document passing
/// the filters, by subject.
pub fn search_all() -> String {
    search("search_docs d", "$1 = ''", "CAST(0 AS DOUBLE PRECISION)")
}

/// The listing: [`search_all`] when the only filter is the subject prefix (`$1`, `$2` and `$4`
/// empty). It reads the versions rather than the documents (several times wider), and only the
/// page's hits are joined to their schema row and document for their type and tags. With a type
/// or tag filter the documents, which carry both, are the narrower path.
pub const LISTING: &str = "WITH live AS MATERIALIZED (\
       SELECT v.subject, v.version, v.schema_id, v.context_id FROM subject_versions v \
       WHERE $1 = '' AND $2 = '' AND $4 = '' AND NOT v.deleted AND v.subject LIKE $3 ESCAPE '\\'), \
     hits AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY subject ORDER BY version DESC) AS rn FROM live), \
     page AS (SELECT subject, version, schema_id, context_id, COUNT(*) OVER () AS total \
       FROM hits WHERE rn = 1 ORDER BY subject LIMIT $5 OFFSET $6) \
     SELECT p.subject, p.version, COALESCE(p.context_id, p.schema_id) AS schema_id, s.schema_type, \
       COALESCE(d.tags, '') AS tags, CAST(0 AS DOUBLE PRECISION) AS score, p.total \
     FROM page p JOIN schemas s ON s.id = p.schema_id \
     LEFT JOIN search_docs d ON d.subject = p.subject AND d.version = p.version \
     ORDER BY p.subject";

/// The `$4` pattern of [`search`] for a tag (`''` for none).
pub fn tag_pattern(tag: &str) -> String {
    if tag.is_empty() {
        return String::new();
    }
    let escaped = like_prefix(&registry_core::search::normalize_tag(tag));
    format!("% {} %", escaped.trim_end_matches('%'))
}
