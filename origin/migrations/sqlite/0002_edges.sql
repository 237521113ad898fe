-- 0002 (SQLite twin): the edges that receive invalidations, each with its delivery cursor (the highest event
-- seq it has acknowledged). Times are Unix milliseconds.
CREATE TABLE edges (
    url             TEXT PRIMARY KEY,
    cursor          BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT,
    last_attempt_ms BIGINT,
    last_success_ms BIGINT
);
