-- 0015: a search document carries its version's deleted flag, kept in step by a trigger, so a
-- search reads no other table until its page is chosen (it joined every match to its version).
ALTER TABLE search_docs ADD COLUMN deleted BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE search_docs d SET deleted = TRUE FROM subject_versions v
    WHERE v.subject = d.subject AND v.version = d.version AND v.deleted;

CREATE FUNCTION search_docs_follow_deleted() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_docs SET deleted = NEW.deleted
        WHERE subject = NEW.subject AND version = NEW.version;
    RETURN NULL;
END
$$;
CREATE TRIGGER subject_versions_deleted AFTER UPDATE OF deleted ON subject_versions
    FOR EACH ROW WHEN (OLD.deleted IS DISTINCT FROM NEW.deleted)
    EXECUTE FUNCTION search_docs_follow_deleted();
