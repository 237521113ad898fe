-- 0004: search, the audit timeline's details, read counters (SQLite twin of PostgreSQL's).
-- The documents live in a plain table; an FTS5 index over it (external content) is kept in
-- step by triggers, so the store writes the same rows on both backends.
CREATE TABLE search_docs (
    id            INTEGER PRIMARY KEY,
    subject       TEXT NOT NULL,
    version       INTEGER NOT NULL,
    schema_id     INTEGER NOT NULL,
    schema_type   TEXT NOT NULL,
    subject_terms TEXT NOT NULL,
    names         TEXT NOT NULL,
    tags          TEXT NOT NULL,
    docs          TEXT NOT NULL,
    body          TEXT NOT NULL,
    UNIQUE (subject, version),
    FOREIGN KEY (subject, version) REFERENCES subject_versions (subject, version) ON DELETE CASCADE
);

CREATE VIRTUAL TABLE search_fts USING fts5(
    subject_terms, names, tags, docs, body,
    content = 'search_docs', content_rowid = 'id', tokenize = 'unicode61'
);

CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, subject_terms, names, tags, docs, body)
    VALUES (new.id, new.subject_terms, new.names, new.tags, new.docs, new.body);
END;

CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, subject_terms, names, tags, docs, body)
    VALUES ('delete', old.id, old.subject_terms, old.names, old.tags, old.docs, old.body);
END;

ALTER TABLE events ADD COLUMN detail TEXT;
CREATE INDEX events_by_subject ON events (subject, seq);
CREATE INDEX events_by_time ON events (created_at);

CREATE TABLE read_counts (
    schema_id INTEGER PRIMARY KEY,
    reads     INTEGER NOT NULL
);
