-- 0005 (SQLite twin): numbers that are never handed out twice, and edges with secrets of
-- their own. Ids now come from schema_id_counter, which the allocator can move back to a free id
-- when an IMPORT took the top of the range (AUTOINCREMENT cannot).
ALTER TABLE subjects ADD COLUMN max_version INTEGER NOT NULL DEFAULT 0;
UPDATE subjects SET max_version = COALESCE(
    (SELECT MAX(v.version) FROM subject_versions v WHERE v.subject = subjects.subject), 0);

CREATE TABLE retired_schema_ids (
    id          INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL
);

CREATE TABLE schema_id_counter (next_id INTEGER NOT NULL);
INSERT INTO schema_id_counter (next_id) SELECT MAX(
    COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'schemas'), 0),
    COALESCE((SELECT MAX(id) FROM schemas), 0)) + 1;

ALTER TABLE edges ADD COLUMN secret TEXT;
