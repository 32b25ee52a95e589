-- Exchange rates to US dollars (SQLite). Kept in step with migrations/postgres.

-- US dollars for one unit of the currency, times 10^9: exact integers on both backends
-- (0.000774024 USD per KRW is 774024).
CREATE TABLE exchange_rates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    currency    TEXT    NOT NULL CHECK (length(currency) = 3),
    rate_date   TEXT    NOT NULL CHECK (length(rate_date) = 10),
    usd_nanos   INTEGER NOT NULL CHECK (usd_nanos > 0),
    source      TEXT    NOT NULL DEFAULT '' CHECK (length(source) <= 300),
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    UNIQUE (currency, rate_date)
);

-- A contract's value in US cents at the rate of its signing date (the nearest earlier rate),
-- and that rate. Maintained by the transactions that write a contract or a rate, so totals
-- in USD are plain integer sums.
ALTER TABLE contracts ADD COLUMN usd_minor INTEGER;
ALTER TABLE contracts ADD COLUMN usd_rate_id INTEGER REFERENCES exchange_rates (id) ON DELETE SET NULL;
CREATE INDEX contracts_usd_rate_id_idx ON contracts (usd_rate_id);
CREATE INDEX contracts_value_currency_idx ON contracts (value_currency);
