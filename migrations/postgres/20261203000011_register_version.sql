-- The register's version (same on both backends but for the random epoch: migrations/sqlite and
-- migrations/postgres). Every write transaction adds one to `counter` as its last statement
-- (`Tx::commit`), so a summary computed at a version holds until the counter moves; the epoch is
-- drawn once per database, so two databases never share a version.
CREATE TABLE register_version (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    epoch   TEXT    NOT NULL,
    counter BIGINT  NOT NULL
);
INSERT INTO register_version (id, epoch, counter)
VALUES (1, md5(random()::text || clock_timestamp()::text), 0);
