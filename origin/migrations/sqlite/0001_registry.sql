-- 0001: the registry's data model (SQLite twin of the PostgreSQL migration).
-- AUTOINCREMENT keeps ids from ever being reused, as the PostgreSQL sequence does.

CREATE TABLE schemas (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    fingerprint TEXT NOT NULL UNIQUE,
    schema_type TEXT NOT NULL,
    schema_text TEXT NOT NULL,
    refs        TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE subjects (
    subject       TEXT PRIMARY KEY,
    compatibility TEXT,
    mode          TEXT
);

CREATE TABLE subject_versions (
    subject    TEXT NOT NULL REFERENCES subjects (subject),
    version    INTEGER NOT NULL,
    schema_id  INTEGER NOT NULL REFERENCES schemas (id),
    deleted    BOOLEAN NOT NULL DEFAULT FALSE,
    metadata   TEXT,
    rule_set   TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (subject, version)
);
CREATE INDEX subject_versions_by_schema ON subject_versions (schema_id);

CREATE TABLE schema_references (
    schema_id   INTEGER NOT NULL REFERENCES schemas (id),
    name        TEXT NOT NULL,
    ref_subject TEXT NOT NULL,
    ref_version INTEGER NOT NULL,
    PRIMARY KEY (schema_id, name)
);
CREATE INDEX schema_references_target ON schema_references (ref_subject, ref_version);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL,
    subject    TEXT,
    version    INTEGER,
    schema_id  INTEGER,
    keys       TEXT NOT NULL,
    actor      TEXT NOT NULL DEFAULT 'anonymous',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
