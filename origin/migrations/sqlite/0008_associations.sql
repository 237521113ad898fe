-- 0008: associations (Confluent 8.x): the subject holding a resource's key or value schema.
CREATE TABLE associations (
    resource_type      TEXT NOT NULL,
    resource_id        TEXT NOT NULL,
    association_type   TEXT NOT NULL,
    resource_name      TEXT NOT NULL,
    resource_namespace TEXT NOT NULL,
    subject            TEXT NOT NULL,
    lifecycle          TEXT NOT NULL,
    frozen             BOOLEAN NOT NULL DEFAULT FALSE,
    created_ms         INTEGER NOT NULL,
    updated_ms         INTEGER NOT NULL,
    PRIMARY KEY (resource_type, resource_id, association_type)
);
CREATE INDEX associations_by_subject ON associations (subject);
CREATE INDEX associations_by_name ON associations (resource_name, resource_namespace);
