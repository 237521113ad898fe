-- 0011: each named context has ids of its own, as in Confluent. The default context's ids are
-- the schema rows' ids; a named context maps its ids to schema rows here, counting from 1
-- (never reusing one), and each version keeps the id its context gives it. Versions registered
-- in a named context before this keep their ids.
CREATE TABLE context_ids (
    context   TEXT NOT NULL,
    id        BIGINT NOT NULL,
    schema_id BIGINT NOT NULL,
    PRIMARY KEY (context, id)
);
CREATE UNIQUE INDEX context_ids_by_schema ON context_ids (context, schema_id);
CREATE TABLE context_id_counters (
    context TEXT PRIMARY KEY,
    last    BIGINT NOT NULL
);
ALTER TABLE subject_versions ADD COLUMN context_id BIGINT;
INSERT INTO context_ids (context, id, schema_id)
SELECT DISTINCT split_part(subject, ':', 2), schema_id, schema_id FROM subject_versions
WHERE subject LIKE ':.%:%' AND split_part(subject, ':', 2) <> '.'
ON CONFLICT DO NOTHING;
UPDATE subject_versions SET context_id = schema_id
WHERE subject LIKE ':.%:%' AND split_part(subject, ':', 2) <> '.';
INSERT INTO context_id_counters (context, last)
SELECT context, MAX(id) FROM context_ids GROUP BY context;
