-- 0004: search, the audit timeline's details, read counters for cache warming.

-- One search document per subject version, written in the registration's transaction and
-- gone with the version (a permanent delete). Soft-deleted versions stay indexed and are
-- filtered out by the query. Fields hold lowercase words (see registry_core::search).
CREATE TABLE search_docs (
    subject       TEXT NOT NULL,
    version       INTEGER NOT NULL,
    schema_id     BIGINT NOT NULL,
    schema_type   TEXT NOT NULL,
    subject_terms TEXT NOT NULL,
    names         TEXT NOT NULL,
    tags          TEXT NOT NULL,   -- normalised tags, space-separated (the exact tag filter)
    docs          TEXT NOT NULL,
    body          TEXT NOT NULL,
    tsv           TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', subject_terms), 'A') ||
        setweight(to_tsvector('simple', names || ' ' || tags), 'B') ||
        setweight(to_tsvector('simple', docs), 'C') ||
        setweight(to_tsvector('simple', body), 'D')
    ) STORED,
    PRIMARY KEY (subject, version),
    FOREIGN KEY (subject, version) REFERENCES subject_versions (subject, version) ON DELETE CASCADE
);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);

-- What a change was, beyond its kind (old and new setting, the key administered), as JSON.
ALTER TABLE events ADD COLUMN detail TEXT;
CREATE INDEX events_by_subject ON events (subject, seq);
CREATE INDEX events_by_time ON events (created_at);

-- Reads of each schema by id, flushed from the origins' counters; the most read are warmed
-- into the cache at start-up. Kept to the most read few thousand.
CREATE TABLE read_counts (
    schema_id BIGINT PRIMARY KEY,
    reads     BIGINT NOT NULL
);
