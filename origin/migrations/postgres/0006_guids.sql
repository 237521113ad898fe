-- 0006: every schema has a guid (Confluent's wire format v1 names a schema by it), made from its
-- fingerprint as `registry_core::types::guid_of` makes it: the first 32 hex digits as a UUID,
-- digits 13 and 17 overwritten with version 8 and the RFC variant.
ALTER TABLE schemas ADD COLUMN guid TEXT;
UPDATE schemas SET guid = substr(fingerprint, 1, 8) || '-' || substr(fingerprint, 9, 4) || '-8'
    || substr(fingerprint, 14, 3) || '-8' || substr(fingerprint, 18, 3) || '-'
    || substr(fingerprint, 21, 12);
CREATE UNIQUE INDEX schemas_by_guid ON schemas (guid);
