-- 0010: when each version was registered, in milliseconds since 1970 (the API's `ts`).
-- Written by the application on insert; versions from before are dated from created_at.
ALTER TABLE subject_versions ADD COLUMN created_ms BIGINT;
UPDATE subject_versions SET created_ms = CAST(EXTRACT(EPOCH FROM created_at) * 1000 AS BIGINT);
