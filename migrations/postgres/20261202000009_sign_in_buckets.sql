-- Sign-in throttling kept in the database (same on both backends: migrations/sqlite and
-- migrations/postgres), so every server over one database counts the same
-- attempts (a token bucket per client address and per username, as GCRA: `ready_at_ms` is the
-- theoretical arrival time of the next attempt, in milliseconds since the epoch). A bucket whose
-- `ready_at_ms` has passed is full again and its row can go.
CREATE TABLE sign_in_buckets (
    bucket      TEXT   NOT NULL PRIMARY KEY,
    ready_at_ms BIGINT NOT NULL
);
