-- Planned deliveries (issue 18): each contract line's plan, units per period (a year, a quarter,
-- a month, or a span of years when the source gives no more), with its source and confidence.
-- The free-text delivery period stays on the contract as a note. Kept in step with
-- migrations/postgres.
CREATE TABLE delivery_plans (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    line_id      INTEGER NOT NULL REFERENCES contract_lines (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    -- As written: '2026', '2026-Q3', '2026-07' or '2026–2027'.
    period       TEXT    NOT NULL CHECK (length(period) BETWEEN 4 AND 9),
    -- Its first and last day (ISO), and its years: a late delivery is one planned in a period
    -- that ended before today and not delivered.
    starts_on    TEXT    NOT NULL,
    ends_on      TEXT    NOT NULL,
    from_year    INTEGER NOT NULL,
    to_year      INTEGER NOT NULL,
    units        INTEGER NOT NULL CHECK (units BETWEEN 1 AND 1000000),
    confidence   TEXT    NOT NULL CHECK (confidence IN ('confirmed', 'reported', 'estimated')),
    source       TEXT    NOT NULL CHECK (length(source) BETWEEN 1 AND 300),
    source_url   TEXT    CHECK (source_url IS NULL OR length(source_url) <= 500),
    CHECK (starts_on <= ends_on AND from_year <= to_year),
    UNIQUE (line_id, position)
);
CREATE INDEX delivery_plans_line_idx ON delivery_plans (line_id);
-- The "behind schedule" filter reads the plans whose period has ended.
CREATE INDEX delivery_plans_due_idx ON delivery_plans (ends_on, line_id);

-- The last day of the first period by whose end a line has more units planned than are
-- delivered on it (none: the deliveries keep up with the whole plan). The line is behind
-- schedule once that day is past; kept by every write of plans or deliveries
-- (app/src/storage/plans.rs), so the "behind schedule" filter is a look-up.
ALTER TABLE contract_lines ADD COLUMN behind_after TEXT;
-- The filter asks each contract of a list's order whether one of its lines is behind: from
-- this index alone (docs/benchmarks.md, "Delivery plans at 1M contracts").
CREATE INDEX contract_lines_behind_idx ON contract_lines (contract_id, behind_after);

-- Maintained totals of units planned and delivered by year (see app/src/storage/rollup.rs),
-- for the contracts in force: `grouped_by` 'total' (keys empty) or 'fine' (buyer × supplier ×
-- signing year). A plan counts in its years (`from_year`–`to_year`: a span of years stays one
-- row, never split into invented years), a delivery on a line with a plan in its year. Measures at the summary's
-- three levels, by the plan's or the delivery's own confidence.
CREATE TABLE schedule_cells (
    grouped_by  TEXT    NOT NULL,
    buyer_code  TEXT    NOT NULL DEFAULT '',
    supplier_id INTEGER NOT NULL DEFAULT 0,
    signed_year INTEGER NOT NULL DEFAULT 0,
    from_year   INTEGER NOT NULL,
    to_year     INTEGER NOT NULL,
    planned_confirmed   INTEGER NOT NULL DEFAULT 0,
    planned_reported    INTEGER NOT NULL DEFAULT 0,
    planned_estimated   INTEGER NOT NULL DEFAULT 0,
    delivered_confirmed INTEGER NOT NULL DEFAULT 0,
    delivered_reported  INTEGER NOT NULL DEFAULT 0,
    delivered_estimated INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (grouped_by, buyer_code, supplier_id, signed_year, from_year, to_year)
);
CREATE INDEX schedule_cells_supplier_idx ON schedule_cells (grouped_by, supplier_id, signed_year);
-- A delivery period that names years ('2026', '2022–2025') becomes the plan of each line with
-- a quantity: all its units over those years, estimated (the text gives no split by year). The
-- text stays on the contract as a note; other texts ('by 2027') stay notes only.
INSERT INTO delivery_plans (line_id, position, period, starts_on, ends_on, from_year, to_year, units, confidence, source)
SELECT l.id, 0,
       CAST(p.from_year AS TEXT) || CASE WHEN p.to_year > p.from_year THEN '–' || CAST(p.to_year AS TEXT) ELSE '' END,
       CAST(p.from_year AS TEXT) || '-01-01', CAST(p.to_year AS TEXT) || '-12-31', p.from_year, p.to_year,
       l.quantity, 'estimated',
       'Delivery period ' || p.period || ' as recorded on the contract (no split by year)'
FROM contract_lines l
JOIN (SELECT id, trim(delivery_period) AS period, CAST(substr(trim(delivery_period), 1, 4) AS INTEGER) AS from_year,
             CAST(substr(trim(delivery_period), -4) AS INTEGER) AS to_year FROM contracts
      WHERE trim(delivery_period) GLOB '[12][0-9][0-9][0-9]' OR trim(delivery_period) GLOB '[12][0-9][0-9][0-9]–[12][0-9][0-9][0-9]'
         OR trim(delivery_period) GLOB '[12][0-9][0-9][0-9]-[12][0-9][0-9][0-9]') p ON p.id = l.contract_id
WHERE l.quantity IS NOT NULL AND p.from_year BETWEEN 1945 AND 2100
  AND p.to_year BETWEEN p.from_year AND p.from_year + 30;

-- The server refills every maintained cell from the contracts at start (Db::migrate).
DELETE FROM summary_cells;
