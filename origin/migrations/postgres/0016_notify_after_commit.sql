-- 0016: registry_register without NOTIFY. The service notifies after the commit
-- (store/notifier.rs): a NOTIFY inside the transaction holds PostgreSQL's notification queue lock
-- through the commit and its WAL flush, which made every registration wait for the one before it.
-- The body is otherwise 0014's.
CREATE OR REPLACE FUNCTION registry_register(
    p_subject        TEXT,
    p_compatibility  TEXT,   -- the subject's and the global settings the check saw
    p_mode           TEXT,
    p_global_compat  TEXT,
    p_global_mode    TEXT,
    p_live           INTEGER[],  -- the live versions it saw, oldest first
    p_fingerprint    TEXT,
    p_schema_type    TEXT,
    p_schema_text    TEXT,
    p_refs           TEXT,
    p_guid           TEXT,
    p_ref_names      TEXT[],
    p_ref_subjects   TEXT[],
    p_ref_versions   INTEGER[],
    p_import_id      BIGINT,     -- IMPORT: the id and version to register under
    p_import_version INTEGER,
    p_max_id         BIGINT,
    p_metadata       TEXT,
    p_rule_set       TEXT,
    p_created_ms     BIGINT,
    p_subject_terms  TEXT,
    p_names          TEXT,
    p_tags           TEXT,
    p_docs           TEXT,
    p_body           TEXT,
    p_event_kind     TEXT,
    p_keys_before_id TEXT,       -- the event's stale keys as a JSON array, but for the id's
    p_actor          TEXT,
    OUT o_id         BIGINT,
    OUT o_version    INTEGER
) LANGUAGE plpgsql AS $$
DECLARE
    s_compat  TEXT;
    s_mode    TEXT;
    s_max     INTEGER;
    candidate BIGINT;
BEGIN
    INSERT INTO subjects (subject) VALUES (p_subject) ON CONFLICT DO NOTHING;
    SELECT compatibility, mode, max_version INTO s_compat, s_mode, s_max
        FROM subjects WHERE subject = p_subject FOR UPDATE;
    IF s_compat IS DISTINCT FROM p_compatibility OR s_mode IS DISTINCT FROM p_mode
       OR (SELECT value FROM settings WHERE key = 'compatibility') IS DISTINCT FROM p_global_compat
       OR (SELECT value FROM settings WHERE key = 'mode') IS DISTINCT FROM p_global_mode
       OR ARRAY(SELECT version FROM subject_versions
                WHERE subject = p_subject AND NOT deleted ORDER BY version) IS DISTINCT FROM p_live
    THEN
        RAISE EXCEPTION 'the subject moved' USING ERRCODE = 'RG001';
    END IF;

    SELECT id INTO o_id FROM schemas WHERE fingerprint = p_fingerprint;
    IF o_id IS NOT NULL THEN
        IF p_import_id IS NOT NULL AND o_id <> p_import_id THEN
            RAISE EXCEPTION 'declined' USING ERRCODE = 'RG002';
        END IF;
    ELSE
        IF p_import_id IS NOT NULL THEN
            IF EXISTS (SELECT 1 FROM schemas WHERE id = p_import_id)
               OR EXISTS (SELECT 1 FROM retired_schema_ids
                          WHERE id = p_import_id AND fingerprint <> p_fingerprint) THEN
                RAISE EXCEPTION 'declined' USING ERRCODE = 'RG002';
            END IF;
            PERFORM setval('schema_id_seq', GREATEST(p_import_id,
                (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM schema_id_seq)));
            candidate := p_import_id;
        ELSE
            candidate := nextval('schema_id_seq');
            IF candidate > p_max_id OR EXISTS (SELECT 1 FROM schemas WHERE id = candidate)
               OR EXISTS (SELECT 1 FROM retired_schema_ids WHERE id = candidate) THEN
                RAISE EXCEPTION 'declined' USING ERRCODE = 'RG002';
            END IF;
        END IF;
        INSERT INTO schemas (id, fingerprint, schema_type, schema_text, refs, guid)
            VALUES (candidate, p_fingerprint, p_schema_type, p_schema_text, p_refs, p_guid)
            ON CONFLICT DO NOTHING RETURNING id INTO o_id;
        IF o_id IS NULL THEN
            -- Another subject's registration inserted the same content and committed first
            -- (every unique index arbitrates: the guid's too, which a concurrent insert of the
            -- same content can reach first), or a concurrent IMPORT took the id.
            SELECT id INTO o_id FROM schemas WHERE fingerprint = p_fingerprint;
            IF o_id IS NULL THEN
                RAISE EXCEPTION 'declined' USING ERRCODE = 'RG002';
            END IF;
        ELSE
            INSERT INTO schema_references (schema_id, name, ref_subject, ref_version)
                SELECT o_id, r.name, r.subject, r.version
                FROM unnest(p_ref_names, p_ref_subjects, p_ref_versions) AS r (name, subject, version)
                ON CONFLICT DO NOTHING;
        END IF;
    END IF;

    IF p_import_version IS NOT NULL THEN
        o_version := p_import_version;
    ELSIF s_max >= 2147483647 THEN
        RAISE EXCEPTION 'declined' USING ERRCODE = 'RG002';
    ELSE
        o_version := s_max + 1;
    END IF;
    IF EXISTS (SELECT 1 FROM subject_versions WHERE subject = p_subject AND version = o_version) THEN
        RAISE EXCEPTION 'declined' USING ERRCODE = 'RG002';
    END IF;
    INSERT INTO subject_versions (subject, version, schema_id, metadata, rule_set, created_ms, context_id)
        VALUES (p_subject, o_version, o_id, p_metadata, p_rule_set, p_created_ms, NULL);
    UPDATE subjects SET max_version = GREATEST(max_version, o_version) WHERE subject = p_subject;
    INSERT INTO search_docs (subject, version, schema_id, schema_type, subject_terms, names, tags, docs, body)
        VALUES (p_subject, o_version, o_id, p_schema_type, p_subject_terms, p_names, p_tags, p_docs, p_body)
        ON CONFLICT DO NOTHING;
    INSERT INTO events (kind, subject, version, schema_id, keys, actor, detail)
        VALUES (p_event_kind, p_subject, o_version, o_id,
                left(p_keys_before_id, -1) || ',"id-usage/' || o_id || '"]', p_actor, NULL);
END
$$;
