-- PostgreSQL schema. Kept in step with migrations/sqlite: same tables, columns and names.

CREATE TABLE countries (
    code TEXT PRIMARY KEY CHECK (char_length(code) = 2 AND code = upper(code)),
    name TEXT NOT NULL
);

CREATE TABLE firms (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         TEXT        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    country_code TEXT        NOT NULL REFERENCES countries (code),
    website      TEXT                 CHECK (website IS NULL OR char_length(website) <= 500),
    notes        TEXT        NOT NULL DEFAULT '' CHECK (char_length(notes) <= 4000),
    version      BIGINT      NOT NULL DEFAULT 1,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- Names are unique regardless of case: "Hanwha Aerospace" and "HANWHA AEROSPACE" are one firm.
CREATE UNIQUE INDEX firms_name_key ON firms (lower(name));
CREATE INDEX firms_country_code_idx ON firms (country_code);
