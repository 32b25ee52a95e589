//! The schema's unique constraints, as the storage names them on each backend.

use app::storage::Db;

test_support::on_both_backends!(every_unique_constraint_of_the_schema_has_a_name_the_app_knows);

/// The members of the class: every unique index and constraint the schema has (read from the
/// database's own catalogue, so one added later is checked too) is in
/// `storage::constraints::UNIQUE`, under the name a violation reports on that backend: its name
/// on PostgreSQL, its columns on SQLite. A violation of any of them is then named, and can be
/// mapped to the form field it guards.
async fn every_unique_constraint_of_the_schema_has_a_name_the_app_knows(db: &Db) {
    use app::storage::constraints::UNIQUE;
    let found: Vec<String> = match db {
        Db::Postgres(pool) => sqlx::query_scalar(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() \
             AND indexdef LIKE 'CREATE UNIQUE%' AND indexname NOT LIKE '%_pkey' \
             AND tablename NOT LIKE '\\_sqlx%' ORDER BY 1",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        Db::Sqlite(pool) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' ORDER BY 1",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            let mut found = Vec::new();
            for table in tables {
                let indexes: Vec<(String, i64, String)> = sqlx::query_as(&format!(
                    "SELECT name, \"unique\", origin FROM pragma_index_list('{table}')"
                ))
                .fetch_all(pool)
                .await
                .unwrap();
                for (index, unique, origin) in indexes {
                    if unique == 0 || origin == "pk" {
                        continue;
                    }
                    let columns: Vec<String> = sqlx::query_scalar(&format!(
                        "SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"
                    ))
                    .fetch_all(pool)
                    .await
                    .unwrap();
                    let named: Vec<String> =
                        columns.iter().map(|c| format!("{table}.{c}")).collect();
                    found.push(named.join(", "));
                }
            }
            found
        }
    };
    assert!(
        found.len() >= 5,
        "the catalogue lists the schema's unique constraints: {found:?}"
    );
    for constraint in &found {
        let known = UNIQUE.iter().any(|(name, columns)| match db {
            Db::Postgres(_) => name == constraint,
            Db::Sqlite(_) => columns == constraint,
        });
        assert!(
            known,
            "{constraint} is not in storage::constraints::UNIQUE: a violation of it would not be named"
        );
    }
}
