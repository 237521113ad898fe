-- 0014: a search document carries its version's deleted flag, kept in step by a trigger, so a
-- search reads no other table until its page is chosen (SQLite twin of PostgreSQL's 0015).
ALTER TABLE search_docs ADD COLUMN deleted BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE search_docs SET deleted = TRUE WHERE EXISTS (SELECT 1 FROM subject_versions v
    WHERE v.subject = search_docs.subject AND v.version = search_docs.version AND v.deleted);

CREATE TRIGGER subject_versions_deleted AFTER UPDATE OF deleted ON subject_versions
    WHEN OLD.deleted IS NOT NEW.deleted
BEGIN
    UPDATE search_docs SET deleted = NEW.deleted
        WHERE subject = NEW.subject AND version = NEW.version;
END;
