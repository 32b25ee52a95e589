-- Accounts and the audit trail (PostgreSQL). Kept in step with migrations/sqlite.

-- Usernames are kept as typed and compared case-insensitively. The password is an Argon2id
-- PHC string; the text of a password is never stored.
CREATE TABLE users (
    id            BIGSERIAL   PRIMARY KEY,
    username      TEXT        NOT NULL CHECK (length(username) BETWEEN 1 AND 64),
    password_hash TEXT        NOT NULL,
    role          TEXT        NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    disabled      BOOLEAN     NOT NULL DEFAULT FALSE,
    version       BIGINT      NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- Every change to a record, every sign-in (and failed one) and every refused request. Written
-- in the same transaction as the change it records. `before_json`/`after_json` hold the
-- record's stored columns (NULL for a create's before and a delete's after).
CREATE TABLE audit_log (
    id          BIGSERIAL   PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    BIGINT,
    actor       TEXT        NOT NULL,
    action      TEXT        NOT NULL CHECK (action IN ('create', 'update', 'delete', 'sign-in',
                            'sign-in failed', 'sign-out', 'refused')),
    record_kind TEXT,
    record_id   BIGINT,
    before_json TEXT,
    after_json  TEXT,
    detail      TEXT        NOT NULL DEFAULT '',
    client      TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_record_idx ON audit_log (record_kind, record_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- Append-only, enforced by the database: no UPDATE, DELETE or TRUNCATE gets through, whoever
-- connects (a superuser can still drop the triggers, which is itself visible in the schema).
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Sign-in sessions (tower-sessions records, JSON). Expired ones are deleted by the server.
CREATE TABLE sessions (
    id         TEXT        PRIMARY KEY,
    data       TEXT        NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
