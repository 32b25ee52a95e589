-- Stable external ids of contracts: what a CSV export carries, so that importing the file
-- again updates the same contracts instead of adding copies. New contracts get a random id
-- (`c-` and 32 hex digits: never a number to a spreadsheet) unless an import gives one;
-- existing ones get one here.
ALTER TABLE contracts ADD COLUMN external_id TEXT CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 100);
UPDATE contracts SET external_id = 'c-' || md5(random()::text || clock_timestamp()::text || id::text);
CREATE UNIQUE INDEX contracts_external_id_key ON contracts (external_id);

-- An uploaded CSV waiting for its preview to be confirmed (deleted when committed; older
-- than a day, at the next upload).
CREATE TABLE pending_imports (
    token      TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    content    BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
