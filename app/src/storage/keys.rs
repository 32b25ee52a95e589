//! The key by which names that are unique regardless of case are compared: firm names, system
//! designations and usernames.
//!
//! Two names are the same name when they are canonically caseless-equal (Unicode D145): equal
//! after canonical decomposition, full case folding and decomposition again. So `BUMAR-ŁABĘDY`
//! is `Bumar-Łabędy`, `STRASSE` is `Straße`, and "é" typed as one code point is "é" typed as
//! "e" and a combining accent. SQLite's `lower()` folds ASCII only and PostgreSQL's follows the
//! database's locale, so neither can compute this: the key is computed here, written beside
//! the name in the same statement, and held unique by an index on the key column
//! (`firms_name_key`, `systems_designation_key`, `users_username_key`).
//!
//! Server-only: the folding and normalisation tables stay out of the wasm.

use super::{Db, Result, Tx, on_db, on_tx};
use icu_casemap::CaseMapper;
use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};
use std::borrow::Cow;
use std::collections::HashMap;

/// The comparison key of `name`: NFD, full Unicode case fold, then NFC (the NFC of the D145
/// form: the same equality, in the shorter spelling).
pub fn key(name: &str) -> String {
    let decomposed = DecomposingNormalizerBorrowed::new_nfd().normalize(name);
    let folded = CaseMapper::new().fold_string(&decomposed);
    ComposingNormalizerBorrowed::new_nfc()
        .normalize(&folded)
        .into_owned()
}

/// `text` in NFC, the form names are stored in: what looks the same is stored the same.
pub fn nfc(text: &str) -> Cow<'_, str> {
    ComposingNormalizerBorrowed::new_nfc().normalize(text)
}

/// The tables whose names are keyed: (table, name column, key column).
const KEYED: [(&str, &str, &str); 3] = [
    ("firms", "name", "name_key"),
    ("systems", "designation", "designation_key"),
    ("users", "username", "username_key"),
];

/// A stored row whose name has the key of another row's, so it could not get its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub table: &'static str,
    pub id: i64,
    pub name: String,
    /// The row that holds the key.
    pub keeps: i64,
}

/// Gives every row without a key its key. Rows stored before the key columns existed have
/// none, and SQL cannot compute one; run after the migrations, before the app serves.
///
/// Rows that the `lower()` indexes these keys replace told apart can clash (`BUMAR-ŁABĘDY`
/// beside `Bumar-Łabędy` on SQLite): the oldest gets the key, the others stay without one (and
/// are logged and returned) until renamed, because saving one computes its key and is refused
/// as a duplicate.
#[tracing::instrument(name = "db.keys.backfill", skip(db))]
pub async fn backfill(db: &Db) -> Result<Vec<Clash>> {
    let mut clashes = Vec::new();
    for (table, column, key_column) in KEYED {
        let missing: Vec<(i64, String)> = on_db!(db, pool => {
            sqlx::query_as(&format!(
                "SELECT id, {column} FROM {table} WHERE {key_column} IS NULL ORDER BY id"
            ))
            .fetch_all(pool)
            .await?
        });
        if missing.is_empty() {
            continue;
        }
        let taken: Vec<(String, i64)> = on_db!(db, pool => {
            sqlx::query_as(&format!(
                "SELECT {key_column}, id FROM {table} WHERE {key_column} IS NOT NULL"
            ))
            .fetch_all(pool)
            .await?
        });
        let mut holders: HashMap<String, i64> = taken.into_iter().collect();
        let mut tx = db.begin().await?;
        for (id, name) in missing {
            let key = key(&name);
            if let Some(&keeps) = holders.get(&key) {
                tracing::warn!(
                    table,
                    id,
                    name,
                    keeps,
                    "the name is taken ignoring case by another row: rename one of them"
                );
                clashes.push(Clash {
                    table,
                    id,
                    name,
                    keeps,
                });
                continue;
            }
            set_key(&mut tx, table, key_column, id, &key).await?;
            holders.insert(key, id);
        }
        tx.commit().await?;
    }
    Ok(clashes)
}

async fn set_key(tx: &mut Tx, table: &str, key_column: &str, id: i64, key: &str) -> Result<()> {
    let sql = format!("UPDATE {table} SET {key_column} = $1 WHERE id = $2");
    on_tx!(tx, conn => {
        sqlx::query(&sql).bind(key).bind(id).execute(conn).await?;
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{key, nfc};

    #[test]
    fn names_that_differ_only_by_case_or_normalisation_share_a_key() {
        for (a, b) in [
            ("Bumar-Łabędy", "BUMAR-ŁABĘDY"),
            ("Straße", "STRASSE"),
            ("Hanwha Aerospace", "hanwha aerospace"),
            ("Mé", "Me\u{301}"),
            ("ΣΊΣΥΦΟΣ", "σίσυφος"),
            ("한화", "\u{1112}\u{1161}\u{11ab}\u{1112}\u{116a}"),
            ("\u{212b}ngström", "Ångström"),
            ("\u{1f0}", "J\u{30c}"),
        ] {
            assert_eq!(key(a), key(b), "{a} / {b}");
        }
        assert_ne!(key("Hanwha"), key("Hanwha Aerospace"));
        assert_ne!(key("Łabędy"), key("Labedy"), "accents still count");
    }

    #[test]
    fn keys_are_folded_and_composed() {
        assert_eq!(key("BUMAR-ŁABĘDY"), "bumar-łabędy");
        assert_eq!(key("Straße"), "strasse");
        assert_eq!(key("ME\u{301}"), "m\u{e9}");
        assert_eq!(nfc("Me\u{301}"), "M\u{e9}");
        assert_eq!(nfc("K9 Thunder"), "K9 Thunder");
    }
}
