-- The list's default order (newest first) under each equality filter, as the buyer's has it
-- (same on both backends: migrations/sqlite and migrations/postgres): without them a page of
-- one status, supplier or framework sorted all its matches (status=signed at 1M contracts:
-- 250-290 ms a page). The composite indexes serve the foreign keys' look-ups as well, so
-- the single-column ones go.
CREATE INDEX contracts_status_signed_idx ON contracts (status, (signed_on IS NULL), signed_on DESC, id DESC);
CREATE INDEX contracts_supplier_signed_idx ON contracts (supplier_id, (signed_on IS NULL), signed_on DESC, id DESC);
CREATE INDEX contracts_agreement_signed_idx ON contracts (agreement_id, (signed_on IS NULL), signed_on DESC, id DESC);
DROP INDEX contracts_supplier_id_idx;
DROP INDEX contracts_agreement_id_idx;
