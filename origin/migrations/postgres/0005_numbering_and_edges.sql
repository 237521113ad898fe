-- 0005: numbers that are never handed out twice, and edges with secrets of their own.
--
-- A subject remembers the highest version it ever had (its row is kept by a permanent delete),
-- so a version number is never reused: caches keep numbered versions for a year.
ALTER TABLE subjects ADD COLUMN max_version INTEGER NOT NULL DEFAULT 0;
UPDATE subjects SET max_version = COALESCE(
    (SELECT MAX(v.version) FROM subject_versions v WHERE v.subject = subjects.subject), 0);

-- Ids of permanently deleted schemas, with the content they named: no other content gets them.
CREATE TABLE retired_schema_ids (
    id          BIGINT PRIMARY KEY,
    fingerprint TEXT NOT NULL
);

-- An edge's own invalidation secret (NULL: the server's).
ALTER TABLE edges ADD COLUMN secret TEXT;
