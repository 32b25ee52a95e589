-- Folded name keys (SQLite). Kept in step with migrations/postgres.

-- Names unique regardless of case (firm names, system designations, usernames) are compared
-- by a key: the name case-folded by Unicode's full folding and normalised, so "BUMAR-ŁABĘDY"
-- is "Bumar-Łabędy" and "STRASSE" is "Straße" (lower() folds ASCII only on SQLite and follows
-- the locale on PostgreSQL). The app computes the key (app/src/storage/keys.rs) and writes it
-- in the statement that writes the name; rows stored before this migration get theirs from
-- the app right after migrating. The unique indexes keep their names.
DROP INDEX firms_name_key;
ALTER TABLE firms ADD COLUMN name_key TEXT;
CREATE UNIQUE INDEX firms_name_key ON firms (name_key);

DROP INDEX systems_designation_key;
ALTER TABLE systems ADD COLUMN designation_key TEXT;
CREATE UNIQUE INDEX systems_designation_key ON systems (designation_key);

DROP INDEX users_username_key;
ALTER TABLE users ADD COLUMN username_key TEXT;
CREATE UNIQUE INDEX users_username_key ON users (username_key);
