-- A confidence level picks the contracts that count (their value at least that sure; every
-- contract at "everything"), so each cell keeps its contracts at every level too. The cells
-- are emptied: the server refills them from the contracts at start (Db::migrate).
ALTER TABLE summary_cells ADD COLUMN contracts_confirmed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE summary_cells ADD COLUMN contracts_reported BIGINT NOT NULL DEFAULT 0;
ALTER TABLE summary_cells ADD COLUMN contracts_estimated BIGINT NOT NULL DEFAULT 0;
DELETE FROM summary_cells;
