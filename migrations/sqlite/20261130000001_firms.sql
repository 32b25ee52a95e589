-- SQLite schema. Kept in step with migrations/postgres: same tables, columns and names;
-- only the types that the two dialects spell differently differ.
-- Timestamps are RFC 3339 text (what sqlx writes for chrono::DateTime<Utc>).

CREATE TABLE countries (
    code TEXT PRIMARY KEY CHECK (length(code) = 2 AND code = upper(code)),
    name TEXT NOT NULL
);

CREATE TABLE firms (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    country_code TEXT    NOT NULL REFERENCES countries (code),
    website      TEXT             CHECK (website IS NULL OR length(website) <= 500),
    notes        TEXT    NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);

-- Names are unique regardless of case: "Hanwha Aerospace" and "HANWHA AEROSPACE" are one firm.
CREATE UNIQUE INDEX firms_name_key ON firms (lower(name));
CREATE INDEX firms_country_code_idx ON firms (country_code);
