-- 0013: the DEK registry. Key encryption keys (KEKs) name a key held in a KMS; data encryption
-- keys (DEKs) are stored only as that KMS wrapped them. A KEK is named within a context
-- ('.' for the default one); a DEK's KEK is in the context of the DEK's subject. Soft deletes
-- set `deleted`; permanent ones remove the row.
CREATE TABLE keks (
    context     TEXT NOT NULL,
    name        TEXT NOT NULL,
    kms_type    TEXT NOT NULL,
    kms_key_id  TEXT NOT NULL,
    kms_props   TEXT NOT NULL,
    doc         TEXT,
    shared      BOOLEAN NOT NULL,
    deleted     BOOLEAN NOT NULL DEFAULT FALSE,
    updated_ms  BIGINT NOT NULL,
    PRIMARY KEY (context, name)
);
CREATE TABLE deks (
    context                TEXT NOT NULL,
    kek_name               TEXT NOT NULL,
    subject                TEXT NOT NULL,
    algorithm              TEXT NOT NULL,
    version                INTEGER NOT NULL,
    encrypted_key_material TEXT NOT NULL,
    deleted                BOOLEAN NOT NULL DEFAULT FALSE,
    updated_ms             BIGINT NOT NULL,
    PRIMARY KEY (context, kek_name, subject, algorithm, version)
);
CREATE INDEX deks_by_subject ON deks (subject);
