-- Options and amendments (issue 18). A contract line can carry option units, not yet ordered;
-- an amendment is a dated event that changes a deal's figures (units per line, options, the
-- value), with its kind, its reason and its sources. The record keeps its current figures;
-- the original is the current less its amendments, and the record "as of" a date is the
-- current less the amendments after it. Kept in step with migrations/sqlite.

-- Units of the line that are options not yet exercised, and how many of the line's quantity
-- came from options exercised (firm = quantity - exercised_units).
ALTER TABLE contract_lines ADD COLUMN option_units BIGINT NOT NULL DEFAULT 0 CHECK (option_units BETWEEN 0 AND 1000000);
ALTER TABLE contract_lines ADD COLUMN exercised_units BIGINT NOT NULL DEFAULT 0
    CHECK (exercised_units >= 0 AND (exercised_units = 0 OR (quantity IS NOT NULL AND exercised_units <= quantity)));

CREATE TABLE amendments (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id        BIGINT REFERENCES contracts (id) ON DELETE CASCADE,
    agreement_id       BIGINT REFERENCES agreements (id) ON DELETE CASCADE,
    amended_on         TEXT    NOT NULL,
    amended_year       INTEGER NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('quantity change', 'value change', 'option exercised',
                               'extension', 'partial cancellation', 'other')),
    reason             TEXT    NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 2000),
    -- The change of the record's value, signed, in minor units of the record's currency.
    value_change_minor BIGINT,
    value_currency     TEXT,
    confidence         TEXT    NOT NULL CHECK (confidence IN ('confirmed', 'reported', 'estimated')),
    created_at         TIMESTAMPTZ NOT NULL,
    CHECK ((contract_id IS NULL) <> (agreement_id IS NULL)),
    CHECK ((value_change_minor IS NULL) = (value_currency IS NULL))
);
CREATE INDEX amendments_contract_idx ON amendments (contract_id, amended_on);
CREATE INDEX amendments_agreement_idx ON amendments (agreement_id, amended_on);

-- What an amendment changed on one line of a contract (firm units +/-, option units granted or
-- withdrawn +/-, options exercised: moved from the options into the quantity) or on one
-- ceiling line of a framework (its units +/-).
CREATE TABLE amendment_changes (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    amendment_id  BIGINT NOT NULL REFERENCES amendments (id) ON DELETE CASCADE,
    line_id       BIGINT REFERENCES contract_lines (id) ON DELETE CASCADE,
    ceiling_id    BIGINT REFERENCES ceiling_lines (id) ON DELETE CASCADE,
    units_change   BIGINT NOT NULL DEFAULT 0,
    options_change BIGINT NOT NULL DEFAULT 0,
    exercised      BIGINT NOT NULL DEFAULT 0 CHECK (exercised >= 0),
    CHECK ((line_id IS NULL) <> (ceiling_id IS NULL)),
    CHECK (units_change <> 0 OR options_change <> 0 OR exercised <> 0),
    UNIQUE (amendment_id, line_id),
    UNIQUE (amendment_id, ceiling_id)
);
CREATE INDEX amendment_changes_line_idx ON amendment_changes (line_id);
CREATE INDEX amendment_changes_ceiling_idx ON amendment_changes (ceiling_id);

CREATE TABLE amendment_sources (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    amendment_id BIGINT NOT NULL REFERENCES amendments (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    title        TEXT    NOT NULL CHECK (char_length(title) BETWEEN 1 AND 300),
    publisher    TEXT    NOT NULL DEFAULT '' CHECK (char_length(publisher) <= 200),
    url          TEXT    CHECK (url IS NULL OR char_length(url) <= 500),
    published_on TEXT,
    UNIQUE (amendment_id, position)
);
