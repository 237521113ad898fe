-- 0007: configuration beyond the compatibility level (Confluent's normalize, alias,
-- compatibilityGroup, default and override metadata and rule sets...), as JSON: per subject
-- in its row, global under the settings key 'config'.
ALTER TABLE subjects ADD COLUMN config TEXT;
