-- Deals before signature (issue 18): the pipeline stages join the statuses (announced,
-- memorandum of understanding, letter of intent, notified, negotiating before "signed"; lapsed
-- for a pipeline deal that fell through), with an expected signing date, a probability (whole
-- percent, with its confidence and basis) and a reason for lapsing. The SQLite migration
-- rebuilds its tables for the same change; PostgreSQL alters its constraints in place.
ALTER TABLE agreements DROP CONSTRAINT agreements_status_check;
ALTER TABLE agreements ADD CONSTRAINT agreements_status_check CHECK (status IN ('announced', 'memorandum of understanding', 'letter of intent', 'notified', 'negotiating', 'signed', 'active', 'expired', 'cancelled', 'lapsed'));
ALTER TABLE contracts DROP CONSTRAINT contracts_status_check;
ALTER TABLE contracts ADD CONSTRAINT contracts_status_check CHECK (status IN ('announced', 'memorandum of understanding', 'letter of intent', 'notified', 'negotiating', 'signed', 'in delivery', 'completed', 'cancelled', 'lapsed'));

ALTER TABLE agreements
    ADD COLUMN likely_signed_on       TEXT,
    ADD COLUMN probability            BIGINT  CHECK (probability BETWEEN 0 AND 100),
    ADD COLUMN probability_confidence TEXT    CHECK (probability_confidence IN ('confirmed', 'reported', 'estimated')),
    ADD COLUMN probability_basis      TEXT    NOT NULL DEFAULT '' CHECK (length(probability_basis) <= 300),
    ADD COLUMN lapsed_reason          TEXT    NOT NULL DEFAULT '' CHECK (length(lapsed_reason) <= 2000),
    ADD CHECK ((probability IS NULL) = (probability_confidence IS NULL)),
    ADD CHECK (probability IS NULL OR status IN ('announced', 'memorandum of understanding', 'letter of intent', 'notified', 'negotiating', 'lapsed')),
    ADD CHECK (likely_signed_on IS NULL OR status IN ('announced', 'memorandum of understanding', 'letter of intent', 'notified', 'negotiating', 'lapsed')),
    ADD CHECK ((status = 'lapsed') = (lapsed_reason <> ''));

ALTER TABLE contracts
    ADD COLUMN likely_signed_on       TEXT,
    ADD COLUMN probability            BIGINT  CHECK (probability BETWEEN 0 AND 100),
    ADD COLUMN probability_confidence TEXT    CHECK (probability_confidence IN ('confirmed', 'reported', 'estimated')),
    ADD COLUMN probability_basis      TEXT    NOT NULL DEFAULT '' CHECK (length(probability_basis) <= 300),
    ADD COLUMN lapsed_reason          TEXT    NOT NULL DEFAULT '' CHECK (length(lapsed_reason) <= 2000),
    ADD CHECK ((probability IS NULL) = (probability_confidence IS NULL)),
    ADD CHECK (probability IS NULL OR status IN ('announced', 'memorandum of understanding', 'letter of intent', 'notified', 'negotiating', 'lapsed')),
    ADD CHECK (likely_signed_on IS NULL OR status IN ('announced', 'memorandum of understanding', 'letter of intent', 'notified', 'negotiating', 'lapsed')),
    ADD CHECK ((status = 'lapsed') = (lapsed_reason <> ''));
