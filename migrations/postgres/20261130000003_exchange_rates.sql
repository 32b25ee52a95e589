-- Exchange rates to US dollars (PostgreSQL). Kept in step with migrations/sqlite.

-- US dollars for one unit of the currency, times 10^9: exact integers on both backends
-- (0.000774024 USD per KRW is 774024).
CREATE TABLE exchange_rates (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    currency    TEXT    NOT NULL CHECK (char_length(currency) = 3),
    rate_date   TEXT    NOT NULL CHECK (char_length(rate_date) = 10),
    usd_nanos   BIGINT  NOT NULL CHECK (usd_nanos > 0),
    source      TEXT    NOT NULL DEFAULT '' CHECK (char_length(source) <= 300),
    version     BIGINT  NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (currency, rate_date)
);

-- A contract's value in US cents at the rate of its signing date (the nearest earlier rate),
-- and that rate. Maintained by the transactions that write a contract or a rate, so totals
-- in USD are plain integer sums.
ALTER TABLE contracts ADD COLUMN usd_minor BIGINT;
ALTER TABLE contracts ADD COLUMN usd_rate_id BIGINT REFERENCES exchange_rates (id) ON DELETE SET NULL;
CREATE INDEX contracts_usd_rate_id_idx ON contracts (usd_rate_id);
CREATE INDEX contracts_value_currency_idx ON contracts (value_currency);
