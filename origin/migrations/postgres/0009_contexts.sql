-- 0009: contexts (Confluent's `:.ctx:` subject namespaces): a context exists from the first
-- version registered in it until it is deleted, empty.
CREATE TABLE contexts (
    name TEXT PRIMARY KEY
);
INSERT INTO contexts (name)
SELECT DISTINCT split_part(subject, ':', 2) FROM subject_versions
WHERE subject LIKE ':.%:%' AND split_part(subject, ':', 2) <> '.'
ON CONFLICT DO NOTHING;
