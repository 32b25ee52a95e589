-- Deals before signature (issue 18): the pipeline stages join the statuses (announced,
-- memorandum of understanding, letter of intent, notified, negotiating before "signed"; lapsed
-- for a pipeline deal that fell through), with an expected signing date, a probability (whole
-- percent, with its confidence and basis) and a reason for lapsing.
--
-- SQLite cannot change a CHECK constraint in place, so both tables are rebuilt the way its
-- documentation gives (https://sqlite.org/lang_altertable.html, "other kinds of table schema
-- changes"): a new table, the rows copied, the old one dropped, the new one renamed, its indexes
-- made again. Foreign keys are off meanwhile (dropping a table with them on would delete the rows
-- that reference it): `Db::migrate` runs the migrations so, and checks every reference after.

CREATE TABLE agreements_rebuilt (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    title            TEXT   NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    buyer_code       TEXT   NOT NULL REFERENCES countries (code),
    agency           TEXT   NOT NULL DEFAULT '' CHECK (length(agency) <= 200),
    signed_on        TEXT,
    signed_year      INTEGER,
    status           TEXT   NOT NULL CHECK (status IN ('announced', 'memorandum of understanding', 'letter of intent', 'notified', 'negotiating', 'signed', 'active', 'expired', 'cancelled', 'lapsed')),
    value_minor      INTEGER   CHECK (value_minor >= 0),
    value_currency   TEXT,
    value_confidence TEXT   CHECK (value_confidence IN ('confirmed', 'reported', 'estimated')),
    value_basis      TEXT   NOT NULL DEFAULT '' CHECK (length(value_basis) <= 300),
    notes            TEXT   NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    version          INTEGER   NOT NULL DEFAULT 1,
    created_at       TEXT   NOT NULL,
    updated_at       TEXT   NOT NULL,
    likely_signed_on       TEXT,
    probability            INTEGER CHECK (probability BETWEEN 0 AND 100),
    probability_confidence TEXT    CHECK (probability_confidence IN ('confirmed', 'reported', 'estimated')),
    probability_basis      TEXT    NOT NULL DEFAULT '' CHECK (length(probability_basis) <= 300),
    lapsed_reason          TEXT    NOT NULL DEFAULT '' CHECK (length(lapsed_reason) <= 2000),
    CHECK ((probability IS NULL) = (probability_confidence IS NULL)),
    CHECK (probability IS NULL OR status IN ('announced', 'memorandum of understanding', 'letter of intent', 'notified', 'negotiating', 'lapsed')),
    CHECK (likely_signed_on IS NULL OR status IN ('announced', 'memorandum of understanding', 'letter of intent', 'notified', 'negotiating', 'lapsed')),
    CHECK ((status = 'lapsed') = (lapsed_reason <> '')),
    CHECK ((value_minor IS NULL) = (value_currency IS NULL)),
    CHECK ((value_minor IS NULL) = (value_confidence IS NULL))
);
INSERT INTO agreements_rebuilt (id, title, buyer_code, agency, signed_on, signed_year, status, value_minor, value_currency, value_confidence, value_basis, notes, version, created_at, updated_at)
    SELECT id, title, buyer_code, agency, signed_on, signed_year, status, value_minor, value_currency, value_confidence, value_basis, notes, version, created_at, updated_at FROM agreements;
-- Ids are never used twice (AUTOINCREMENT): the rebuilt table goes on from the old counter.
DELETE FROM sqlite_sequence WHERE name = 'agreements_rebuilt';
INSERT INTO sqlite_sequence (name, seq) SELECT 'agreements_rebuilt', seq FROM sqlite_sequence WHERE name = 'agreements';
DROP TABLE agreements;
ALTER TABLE agreements_rebuilt RENAME TO agreements;
CREATE INDEX agreements_buyer_year_idx ON agreements (buyer_code, signed_year);

CREATE TABLE contracts_rebuilt (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    title            TEXT   NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    agreement_id     INTEGER   REFERENCES agreements (id),
    supplier_id      INTEGER   REFERENCES firms (id),
    buyer_code       TEXT   NOT NULL REFERENCES countries (code),
    agency           TEXT   NOT NULL DEFAULT '' CHECK (length(agency) <= 200),
    signed_on        TEXT,
    signed_year      INTEGER,
    status           TEXT   NOT NULL CHECK (status IN ('announced', 'memorandum of understanding', 'letter of intent', 'notified', 'negotiating', 'signed', 'in delivery', 'completed', 'cancelled', 'lapsed')),
    value_minor      INTEGER   CHECK (value_minor >= 0),
    value_currency   TEXT,
    value_confidence TEXT   CHECK (value_confidence IN ('confirmed', 'reported', 'estimated')),
    value_basis      TEXT   NOT NULL DEFAULT '' CHECK (length(value_basis) <= 300),
    delivery_period  TEXT   NOT NULL DEFAULT '' CHECK (length(delivery_period) <= 100),
    local_production TEXT   NOT NULL DEFAULT '' CHECK (length(local_production) <= 2000),
    notes            TEXT   NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    version          INTEGER   NOT NULL DEFAULT 1,
    created_at       TEXT   NOT NULL,
    updated_at       TEXT   NOT NULL,
    usd_minor        INTEGER,
    usd_rate_id      INTEGER REFERENCES exchange_rates (id) ON DELETE SET NULL,
    external_id      TEXT   CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 100),
    likely_signed_on       TEXT,
    probability            INTEGER CHECK (probability BETWEEN 0 AND 100),
    probability_confidence TEXT    CHECK (probability_confidence IN ('confirmed', 'reported', 'estimated')),
    probability_basis      TEXT    NOT NULL DEFAULT '' CHECK (length(probability_basis) <= 300),
    lapsed_reason          TEXT    NOT NULL DEFAULT '' CHECK (length(lapsed_reason) <= 2000),
    CHECK ((probability IS NULL) = (probability_confidence IS NULL)),
    CHECK (probability IS NULL OR status IN ('announced', 'memorandum of understanding', 'letter of intent', 'notified', 'negotiating', 'lapsed')),
    CHECK (likely_signed_on IS NULL OR status IN ('announced', 'memorandum of understanding', 'letter of intent', 'notified', 'negotiating', 'lapsed')),
    CHECK ((status = 'lapsed') = (lapsed_reason <> '')),
    CHECK ((value_minor IS NULL) = (value_currency IS NULL)),
    CHECK ((value_minor IS NULL) = (value_confidence IS NULL))
);
INSERT INTO contracts_rebuilt (id, title, agreement_id, supplier_id, buyer_code, agency, signed_on, signed_year, status, value_minor, value_currency, value_confidence, value_basis, delivery_period, local_production, notes, version, created_at, updated_at, usd_minor, usd_rate_id, external_id)
    SELECT id, title, agreement_id, supplier_id, buyer_code, agency, signed_on, signed_year, status, value_minor, value_currency, value_confidence, value_basis, delivery_period, local_production, notes, version, created_at, updated_at, usd_minor, usd_rate_id, external_id FROM contracts;
-- Ids are never used twice (AUTOINCREMENT): the rebuilt table goes on from the old counter.
DELETE FROM sqlite_sequence WHERE name = 'contracts_rebuilt';
INSERT INTO sqlite_sequence (name, seq) SELECT 'contracts_rebuilt', seq FROM sqlite_sequence WHERE name = 'contracts';
DROP TABLE contracts;
ALTER TABLE contracts_rebuilt RENAME TO contracts;
CREATE INDEX contracts_buyer_year_idx ON contracts (buyer_code, signed_year);
CREATE INDEX contracts_usd_rate_id_idx ON contracts (usd_rate_id);
CREATE INDEX contracts_value_currency_idx ON contracts (value_currency);
CREATE UNIQUE INDEX contracts_external_id_key ON contracts (external_id);
CREATE INDEX contracts_signed_asc_idx ON contracts ((signed_on IS NULL), signed_on, id);
CREATE INDEX contracts_signed_desc_idx ON contracts ((signed_on IS NULL), signed_on DESC, id DESC);
CREATE INDEX contracts_usd_asc_idx ON contracts ((usd_minor IS NULL), usd_minor, id);
CREATE INDEX contracts_usd_desc_idx ON contracts ((usd_minor IS NULL), usd_minor DESC, id DESC);
CREATE INDEX contracts_title_idx ON contracts (lower(title), id);
CREATE INDEX contracts_status_idx ON contracts (status, id);
CREATE INDEX contracts_buyer_signed_idx ON contracts (buyer_code, (signed_on IS NULL), signed_on DESC, id DESC);
CREATE INDEX contracts_buyer_idx ON contracts (buyer_code, id);
CREATE INDEX contracts_status_signed_idx ON contracts (status, (signed_on IS NULL), signed_on DESC, id DESC);
CREATE INDEX contracts_supplier_signed_idx ON contracts (supplier_id, (signed_on IS NULL), signed_on DESC, id DESC);
CREATE INDEX contracts_agreement_signed_idx ON contracts (agreement_id, (signed_on IS NULL), signed_on DESC, id DESC);
