-- The deal register (SQLite). Kept in step with migrations/postgres.

-- Firms can belong to a parent group (Hanwha Aerospace under Hanwha).
ALTER TABLE firms ADD COLUMN parent_id INTEGER REFERENCES firms (id);
CREATE INDEX firms_parent_id_idx ON firms (parent_id);

CREATE TABLE systems (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    designation TEXT    NOT NULL CHECK (length(designation) BETWEEN 1 AND 100),
    description TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    category    TEXT    NOT NULL CHECK (category IN ('aircraft', 'armoured vehicles', 'artillery', 'missiles',
                        'air defence systems', 'sensors', 'ships', 'naval weapons', 'engines', 'satellites', 'other')),
    maker_id    INTEGER    NOT NULL REFERENCES firms (id),
    -- K2PL is a variant of K2: a framework ceiling on K2 counts the contracts for its variants.
    variant_of_id INTEGER  REFERENCES systems (id),
    version     INTEGER    NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX systems_designation_key ON systems (lower(designation));
CREATE INDEX systems_maker_id_idx ON systems (maker_id);

-- Money is integer minor units of its currency (value_minor) plus the currency code: exact on
-- both backends. signed_on is ISO text that may be partial ("2017", "2025-06"); signed_year is
-- its year, kept beside it for filters and GROUP BY.
CREATE TABLE agreements (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    title            TEXT   NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    buyer_code       TEXT   NOT NULL REFERENCES countries (code),
    agency           TEXT   NOT NULL DEFAULT '' CHECK (length(agency) <= 200),
    signed_on        TEXT,
    signed_year      INTEGER,
    status           TEXT   NOT NULL CHECK (status IN ('negotiating', 'signed', 'active', 'expired', 'cancelled')),
    value_minor      INTEGER   CHECK (value_minor >= 0),
    value_currency   TEXT,
    value_confidence TEXT   CHECK (value_confidence IN ('confirmed', 'reported', 'estimated')),
    value_basis      TEXT   NOT NULL DEFAULT '' CHECK (length(value_basis) <= 300),
    notes            TEXT   NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    version          INTEGER   NOT NULL DEFAULT 1,
    created_at       TEXT   NOT NULL,
    updated_at       TEXT   NOT NULL,
    CHECK ((value_minor IS NULL) = (value_currency IS NULL)),
    CHECK ((value_minor IS NULL) = (value_confidence IS NULL))
);
CREATE INDEX agreements_buyer_year_idx ON agreements (buyer_code, signed_year);

CREATE TABLE agreement_suppliers (
    agreement_id INTEGER NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    firm_id      INTEGER NOT NULL REFERENCES firms (id),
    PRIMARY KEY (agreement_id, firm_id)
);
CREATE INDEX agreement_suppliers_firm_id_idx ON agreement_suppliers (firm_id);

CREATE TABLE ceiling_lines (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    agreement_id     INTEGER    NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    system_id        INTEGER    NOT NULL REFERENCES systems (id),
    quantity         INTEGER    NOT NULL CHECK (quantity > 0),
    value_minor      INTEGER    CHECK (value_minor >= 0),
    value_currency   TEXT,
    confidence       TEXT    NOT NULL CHECK (confidence IN ('confirmed', 'reported', 'estimated')),
    basis            TEXT    NOT NULL DEFAULT '' CHECK (length(basis) <= 300),
    notes            TEXT    NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
    CHECK ((value_minor IS NULL) = (value_currency IS NULL)),
    UNIQUE (agreement_id, position)
);
CREATE INDEX ceiling_lines_system_id_idx ON ceiling_lines (system_id);

CREATE TABLE contracts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    title            TEXT   NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    agreement_id     INTEGER   REFERENCES agreements (id),
    supplier_id      INTEGER   REFERENCES firms (id),
    buyer_code       TEXT   NOT NULL REFERENCES countries (code),
    agency           TEXT   NOT NULL DEFAULT '' CHECK (length(agency) <= 200),
    signed_on        TEXT,
    signed_year      INTEGER,
    status           TEXT   NOT NULL CHECK (status IN ('signed', 'in delivery', 'completed', 'cancelled')),
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
    CHECK ((value_minor IS NULL) = (value_currency IS NULL)),
    CHECK ((value_minor IS NULL) = (value_confidence IS NULL))
);
CREATE INDEX contracts_agreement_id_idx ON contracts (agreement_id);
CREATE INDEX contracts_supplier_id_idx ON contracts (supplier_id);
CREATE INDEX contracts_buyer_year_idx ON contracts (buyer_code, signed_year);

CREATE TABLE contract_lines (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id         INTEGER    NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    position            INTEGER NOT NULL,
    system_id           INTEGER    NOT NULL REFERENCES systems (id),
    quantity            INTEGER    CHECK (quantity > 0),
    quantity_confidence TEXT    NOT NULL CHECK (quantity_confidence IN ('confirmed', 'reported', 'estimated')),
    -- Kept equal to the sum of the line's deliveries, by the same transaction that records one:
    -- a conditional UPDATE on it is how two concurrent deliveries can never exceed the quantity.
    delivered_units     INTEGER    NOT NULL DEFAULT 0 CHECK (delivered_units >= 0 AND (quantity IS NULL OR delivered_units <= quantity)),
    value_minor         INTEGER    CHECK (value_minor >= 0),
    value_currency      TEXT,
    notes               TEXT    NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
    CHECK ((value_minor IS NULL) = (value_currency IS NULL)),
    UNIQUE (contract_id, position)
);
CREATE INDEX contract_lines_system_id_idx ON contract_lines (system_id);

CREATE TABLE deliveries (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    line_id        INTEGER    NOT NULL REFERENCES contract_lines (id) ON DELETE CASCADE,
    delivered_on   TEXT    NOT NULL,
    delivered_year INTEGER NOT NULL,
    units          INTEGER    NOT NULL CHECK (units > 0),
    confidence     TEXT    NOT NULL CHECK (confidence IN ('confirmed', 'reported', 'estimated')),
    notes          TEXT    NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
    version        INTEGER    NOT NULL DEFAULT 1,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX deliveries_line_id_idx ON deliveries (line_id);

-- Figures other than the chosen one, each with where it comes from ("$6.7bn, Polish side").
CREATE TABLE alternative_values (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    agreement_id  INTEGER   REFERENCES agreements (id) ON DELETE CASCADE,
    contract_id   INTEGER   REFERENCES contracts (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    amount_minor  INTEGER   NOT NULL CHECK (amount_minor >= 0),
    currency      TEXT   NOT NULL,
    confidence    TEXT   NOT NULL CHECK (confidence IN ('confirmed', 'reported', 'estimated')),
    basis         TEXT   NOT NULL DEFAULT '' CHECK (length(basis) <= 300),
    CHECK ((agreement_id IS NULL) <> (contract_id IS NULL))
);
CREATE INDEX alternative_values_agreement_id_idx ON alternative_values (agreement_id);
CREATE INDEX alternative_values_contract_id_idx ON alternative_values (contract_id);

-- Sources of an agreement or a contract. A source may back the chosen value (backs_value) or
-- one alternative (alternative_id); otherwise it supports the record as a whole.
CREATE TABLE sources (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    agreement_id   INTEGER   REFERENCES agreements (id) ON DELETE CASCADE,
    contract_id    INTEGER   REFERENCES contracts (id) ON DELETE CASCADE,
    alternative_id INTEGER   REFERENCES alternative_values (id) ON DELETE CASCADE,
    backs_value    INTEGER NOT NULL DEFAULT 0,
    position       INTEGER NOT NULL,
    title          TEXT   NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    publisher      TEXT   NOT NULL DEFAULT '' CHECK (length(publisher) <= 200),
    url            TEXT   CHECK (url IS NULL OR length(url) <= 500),
    published_on   TEXT,
    CHECK ((agreement_id IS NULL) <> (contract_id IS NULL))
);
CREATE INDEX sources_agreement_id_idx ON sources (agreement_id);
CREATE INDEX sources_contract_id_idx ON sources (contract_id);
