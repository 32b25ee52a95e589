-- A line's own value gets its USD equivalent too (at its contract's signing date), so totals by
-- system and category come in USD as well.
ALTER TABLE contract_lines ADD COLUMN usd_minor BIGINT;
CREATE INDEX contract_lines_value_currency_idx ON contract_lines (value_currency);

-- Maintained totals behind the portfolio summary (see app/src/storage/rollup.rs). Each row adds
-- up the non-cancelled contracts of one cell of one grouping (`grouped_by`: 'total', 'buyer',
-- 'supplier', 'year', 'year_buyer', 'year_supplier', 'fine' = buyer × supplier × year, 'system',
-- 'category', 'fine_system', 'fine_category') in one value currency. Key columns a grouping does not use hold '' or 0, and so
-- do missing values (a contract without supplier or year): primary keys cannot hold NULL.
-- Measures come in three levels: counted when the confidence is confirmed, at least reported,
-- or any (estimated included).
CREATE TABLE summary_cells (
    grouped_by  TEXT    NOT NULL,
    buyer_code  TEXT    NOT NULL DEFAULT '',
    supplier_id BIGINT    NOT NULL DEFAULT 0,
    signed_year INTEGER NOT NULL DEFAULT 0,
    system_id   BIGINT    NOT NULL DEFAULT 0,
    category    TEXT    NOT NULL DEFAULT '',
    currency    TEXT    NOT NULL DEFAULT '',
    contracts   BIGINT    NOT NULL DEFAULT 0,
    ordered_confirmed BIGINT NOT NULL DEFAULT 0,
    ordered_reported BIGINT NOT NULL DEFAULT 0,
    ordered_estimated BIGINT NOT NULL DEFAULT 0,
    delivered_confirmed BIGINT NOT NULL DEFAULT 0,
    delivered_reported BIGINT NOT NULL DEFAULT 0,
    delivered_estimated BIGINT NOT NULL DEFAULT 0,
    valued_confirmed BIGINT NOT NULL DEFAULT 0,
    valued_reported BIGINT NOT NULL DEFAULT 0,
    valued_estimated BIGINT NOT NULL DEFAULT 0,
    value_confirmed BIGINT NOT NULL DEFAULT 0,
    value_reported BIGINT NOT NULL DEFAULT 0,
    value_estimated BIGINT NOT NULL DEFAULT 0,
    usd_confirmed BIGINT NOT NULL DEFAULT 0,
    usd_reported BIGINT NOT NULL DEFAULT 0,
    usd_estimated BIGINT NOT NULL DEFAULT 0,
    without_usd_confirmed BIGINT NOT NULL DEFAULT 0,
    without_usd_reported BIGINT NOT NULL DEFAULT 0,
    without_usd_estimated BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grouped_by, buyer_code, supplier_id, signed_year, system_id, category, currency)
);
-- Filtered summaries read the 'fine' cells of one buyer or one supplier.
CREATE INDEX summary_cells_supplier_idx ON summary_cells (grouped_by, supplier_id, signed_year);
