-- 0001: the registry's data model.
-- Schema text is stored once per fingerprint (content identity); ids come from a sequence
-- (gaps allowed, never reused). A subject's versions point at schemas. Every write appends
-- events to the outbox in the same transaction.

CREATE SEQUENCE schema_id_seq;

CREATE TABLE schemas (
    id          BIGINT PRIMARY KEY DEFAULT nextval('schema_id_seq'),
    fingerprint TEXT NOT NULL UNIQUE,
    schema_type TEXT NOT NULL,
    schema_text TEXT NOT NULL,
    refs        TEXT NOT NULL DEFAULT '[]',   -- JSON array of {name, subject, version}
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A row per subject that has (or had) versions or settings; also the per-subject lock.
CREATE TABLE subjects (
    subject       TEXT PRIMARY KEY,
    compatibility TEXT,
    mode          TEXT
);

CREATE TABLE subject_versions (
    subject    TEXT NOT NULL REFERENCES subjects (subject),
    version    INTEGER NOT NULL,
    schema_id  BIGINT NOT NULL REFERENCES schemas (id),
    deleted    BOOLEAN NOT NULL DEFAULT FALSE,
    metadata   TEXT,                         -- JSON, as registered
    rule_set   TEXT,                         -- JSON, as registered
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (subject, version)
);
CREATE INDEX subject_versions_by_schema ON subject_versions (schema_id);

-- Which registered versions a schema references (for referencedby and delete protection).
CREATE TABLE schema_references (
    schema_id   BIGINT NOT NULL REFERENCES schemas (id),
    name        TEXT NOT NULL,
    ref_subject TEXT NOT NULL,
    ref_version INTEGER NOT NULL,
    PRIMARY KEY (schema_id, name)
);
CREATE INDEX schema_references_target ON schema_references (ref_subject, ref_version);

-- Global settings: 'compatibility', 'mode'.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The event log: the invalidation outbox and the audit timeline.
CREATE TABLE events (
    seq        BIGSERIAL PRIMARY KEY,
    kind       TEXT NOT NULL,
    subject    TEXT,
    version    INTEGER,
    schema_id  BIGINT,
    keys       TEXT NOT NULL,                -- JSON array of cache keys made stale
    actor      TEXT NOT NULL DEFAULT 'anonymous',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
