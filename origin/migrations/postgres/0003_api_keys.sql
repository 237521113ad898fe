-- 0003: API keys. Only a SHA-256 of each key's secret is stored; the secret is shown once, at
-- creation. A revoked key keeps its row (revoked_ms set) so the audit trail can name it.
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    secret_hash TEXT NOT NULL,
    created_ms  BIGINT NOT NULL,
    revoked_ms  BIGINT
);
