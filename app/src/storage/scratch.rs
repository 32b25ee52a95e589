//! Throw-away databases for tests and benchmarks, on either backend.
//!
//! SQLite: a file in a fresh temporary folder (so WAL and file locking are the real thing).
//! PostgreSQL: a fresh schema in the database named by `TEST_DATABASE_URL`, so parallel tests and
//! repeated runs never see each other's rows. Call [`Scratch::finish`] to drop it.

use super::{Db, StorageError};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use std::str::FromStr;

pub struct Scratch {
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    /// Held only so the folder (and the database in it) lives until `finish`.
    Folder(#[allow(dead_code)] tempfile::TempDir),
    Schema {
        admin: Box<PgConnectOptions>,
        schema: String,
    },
}

/// Why the PostgreSQL half did not run.
pub const POSTGRES_SKIPPED: &str = "PostgreSQL half skipped: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run it";

impl Scratch {
    /// A migrated SQLite database in a temporary folder.
    pub async fn sqlite() -> Result<Self, StorageError> {
        let folder = tempfile::tempdir().map_err(|source| StorageError::Folder {
            path: std::env::temp_dir().display().to_string(),
            source,
        })?;
        let db = Db::connect_sqlite_file(&folder.path().join("test.db")).await?;
        db.migrate().await?;
        Ok(Self {
            db,
            cleanup: Cleanup::Folder(folder),
        })
    }

    /// A migrated PostgreSQL schema, or `None` when `TEST_DATABASE_URL` is not set.
    ///
    /// With `CI=true`, a missing `TEST_DATABASE_URL` or an unreachable server is a failure:
    /// CI must never pass by skipping half of the suite.
    pub async fn postgres() -> Option<Self> {
        let on_ci = std::env::var("CI").is_ok_and(|v| v == "true");
        let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
            assert!(
                !on_ci,
                "CI=true but TEST_DATABASE_URL is not set: PostgreSQL tests must run on CI"
            );
            eprintln!("{POSTGRES_SKIPPED}");
            return None;
        };
        match Self::postgres_at(&url).await {
            Ok(scratch) => Some(scratch),
            Err(error) => panic!("TEST_DATABASE_URL is set but PostgreSQL is not usable: {error}"),
        }
    }

    async fn postgres_at(url: &str) -> Result<Self, StorageError> {
        let admin =
            PgConnectOptions::from_str(url).map_err(|e| StorageError::BadUrl(e.to_string()))?;
        let schema = format!("test_{}", uuid::Uuid::new_v4().simple());
        let mut connection = PgConnection::connect_with(&admin).await?;
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut connection)
            .await?;
        connection.close().await?;
        let db =
            Db::connect_postgres(admin.clone().options([("search_path", schema.as_str())])).await?;
        db.migrate().await?;
        Ok(Self {
            db,
            cleanup: Cleanup::Schema {
                admin: Box::new(admin),
                schema,
            },
        })
    }

    /// Closes the pool and drops the PostgreSQL schema (the SQLite folder goes with `self`).
    pub async fn finish(self) {
        self.db.close().await;
        if let Cleanup::Schema { admin, schema } = &self.cleanup
            && let Ok(mut connection) = PgConnection::connect_with(admin).await
        {
            let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&mut connection)
                .await;
        }
    }
}

/// Declares one `#[tokio::test]` per backend for each story: `sqlite::story` always, and
/// `postgres::story` when `TEST_DATABASE_URL` is set (required when `CI=true`). Each test gets
/// a fresh scratch database; `prepare` (a path to an `async fn(Db) -> T`, default: the `Db`
/// itself) turns it into what the stories take by reference.
#[macro_export]
macro_rules! on_both_backends {
    (prepare = $prepare:path; $($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $story() {
                    let scratch = $crate::storage::scratch::Scratch::sqlite().await.expect("SQLite scratch database");
                    let prepared = $prepare(scratch.db.clone()).await;
                    super::$story(&prepared).await;
                    scratch.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $story() {
                    let Some(scratch) = $crate::storage::scratch::Scratch::postgres().await else { return };
                    let prepared = $prepare(scratch.db.clone()).await;
                    super::$story(&prepared).await;
                    scratch.finish().await;
                }
            )*
        }
    };
    ($($story:ident),* $(,)?) => {
        $crate::on_both_backends!(prepare = $crate::storage::scratch::as_is; $($story),*);
    };
}

/// The default `prepare` of [`on_both_backends!`]: the database as it is.
pub async fn as_is(db: Db) -> Db {
    db
}
