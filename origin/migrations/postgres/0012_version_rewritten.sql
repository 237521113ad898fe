-- 0012: when a version's record was last rewritten (a soft delete), in milliseconds since 1970:
-- the API's `ts` is then that time and `createTs` the registration's, as in Confluent.
ALTER TABLE subject_versions ADD COLUMN updated_ms BIGINT;
