-- Identifiers of agreements and contracts in other registers (issue 18): a SIPRI deal id, a
-- 36(b) transmittal number, contract numbers, a USAspending award, press releases. Kept in
-- step with migrations/postgres.
CREATE TABLE identifiers (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    agreement_id INTEGER REFERENCES agreements (id) ON DELETE CASCADE,
    contract_id  INTEGER REFERENCES contracts (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('SIPRI deal id', '36(b) transmittal', 'buyer''s contract number',
                         'supplier''s contract number', 'USAspending award', 'supplier press release',
                         'buyer announcement', 'other')),
    value        TEXT    NOT NULL CHECK (length(value) BETWEEN 1 AND 500),
    CHECK ((agreement_id IS NULL) <> (contract_id IS NULL))
);
CREATE INDEX identifiers_agreement_id_idx ON identifiers (agreement_id);
CREATE INDEX identifiers_contract_id_idx ON identifiers (contract_id);
-- A search for an identifier looks it up by its folded value.
CREATE INDEX identifiers_value_idx ON identifiers (lower(value));
