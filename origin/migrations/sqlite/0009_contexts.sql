-- 0009: contexts (Confluent's `:.ctx:` subject namespaces): a context exists from the first
-- version registered in it until it is deleted, empty (SQLite twin of the PostgreSQL migration).
CREATE TABLE contexts (
    name TEXT PRIMARY KEY
);
INSERT OR IGNORE INTO contexts (name)
SELECT DISTINCT substr(subject, 2, instr(substr(subject, 3), ':')) FROM subject_versions
WHERE subject LIKE ':.%:%' AND substr(subject, 2, instr(substr(subject, 3), ':')) <> '.';
