-- Accounts and the audit trail (SQLite). Kept in step with migrations/postgres.

-- Usernames are kept as typed and compared case-insensitively. The password is an Argon2id
-- PHC string; the text of a password is never stored.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL CHECK (length(username) BETWEEN 1 AND 64),
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- Every change to a record, every sign-in (and failed one) and every refused request. Written
-- in the same transaction as the change it records. `before_json`/`after_json` hold the
-- record's stored columns (NULL for a create's before and a delete's after).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT    NOT NULL,
    actor_id    INTEGER,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete', 'sign-in',
                        'sign-in failed', 'sign-out', 'refused')),
    record_kind TEXT,
    record_id   INTEGER,
    before_json TEXT,
    after_json  TEXT,
    detail      TEXT    NOT NULL DEFAULT '',
    client      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_record_idx ON audit_log (record_kind, record_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- Append-only: the app has no statement that changes or removes an entry, and the database
-- refuses one from anywhere else.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Sign-in sessions (tower-sessions records, JSON). Expired ones are deleted by the server.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
