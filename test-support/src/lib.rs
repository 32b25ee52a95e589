//! The test harness of the workspace, out of the app's production library: throw-away
//! databases on either backend ([`Scratch`]) and [`on_both_backends!`], which runs each story
//! once per backend. `app` and `server` use it as a dev-dependency, in their integration tests.
//!
//! SQLite: a file in a fresh temporary folder (so WAL and file locking are the real thing).
//! PostgreSQL: a fresh schema in the database named by `TEST_DATABASE_URL`, so parallel tests and
//! repeated runs never see each other's rows. The schema is dropped by [`Scratch::finish`] or,
//! when a test fails before it gets there, when the `Scratch` is dropped.

use app::storage::{Db, StorageError};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use std::str::FromStr;

pub struct Scratch {
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    /// Held only so the folder (and the database in it) lives as long as the `Scratch`.
    Folder(#[allow(dead_code)] tempfile::TempDir),
    Schema {
        admin: Box<PgConnectOptions>,
        schema: String,
    },
    /// `finish` has cleaned up already.
    Done,
}

/// Why the PostgreSQL half did not run.
pub const POSTGRES_SKIPPED: &str = "PostgreSQL half skipped: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run it";

/// Connections to `schema`. They carry the schema's name, so a drop can find and end them.
fn in_schema(admin: &PgConnectOptions, schema: &str) -> PgConnectOptions {
    admin
        .clone()
        .options([("search_path", schema)])
        .application_name(schema)
}

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
        let db = Db::connect_postgres(in_schema(&admin, &schema)).await?;
        let scratch = Self {
            db,
            cleanup: Cleanup::Schema {
                admin: Box::new(admin),
                schema,
            },
        };
        // From here on a failure still drops the schema (through `Drop`).
        scratch.db.migrate().await?;
        Ok(scratch)
    }

    /// A second pool on the same database, as another server over it opens one.
    pub async fn another_pool(&self) -> Result<Db, StorageError> {
        match &self.cleanup {
            Cleanup::Folder(folder) => {
                Db::connect_sqlite_file(&folder.path().join("test.db")).await
            }
            Cleanup::Schema { admin, schema } => {
                Db::connect_postgres(in_schema(admin, schema)).await
            }
            Cleanup::Done => panic!("another_pool on a finished scratch database"),
        }
    }

    /// A second pool as a serving server opens it ([`Db::connect_serving`]): on PostgreSQL,
    /// statements end after `statement_timeout`.
    pub async fn serving_pool(
        &self,
        statement_timeout: std::time::Duration,
    ) -> Result<Db, StorageError> {
        match &self.cleanup {
            Cleanup::Schema { admin, schema } => {
                let options =
                    app::storage::serving_options(in_schema(admin, schema), statement_timeout);
                Db::connect_postgres(options).await
            }
            _ => self.another_pool().await,
        }
    }

    /// The PostgreSQL schema this database lives in (`None` on SQLite, or once finished).
    pub fn schema(&self) -> Option<&str> {
        match &self.cleanup {
            Cleanup::Schema { schema, .. } => Some(schema),
            Cleanup::Folder(_) | Cleanup::Done => None,
        }
    }

    /// Closes the pool and drops the PostgreSQL schema (the SQLite folder goes with `self`).
    /// Dropping a `Scratch` without it cleans up as well; this is the gentle way, for a test
    /// that got to its end.
    pub async fn finish(mut self) {
        self.db.close().await;
        if let Cleanup::Schema { admin, schema } =
            std::mem::replace(&mut self.cleanup, Cleanup::Done)
            && let Ok(mut connection) = PgConnection::connect_with(&admin).await
        {
            let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&mut connection)
                .await;
        }
    }
}

/// A test that panics never reaches [`Scratch::finish`]: its schema goes here. `Drop` cannot
/// await, and the test's runtime may be a current-thread one that is blocked right here, so
/// the cleanup runs on a thread of its own, on a runtime of its own, and this waits for it.
/// The pool's sessions may still be open, even inside a transaction (its rollback would need
/// the blocked runtime): they are ended first, so the `DROP SCHEMA` waits for no lock of theirs.
impl Drop for Scratch {
    fn drop(&mut self) {
        let Cleanup::Schema { admin, schema } = std::mem::replace(&mut self.cleanup, Cleanup::Done)
        else {
            return;
        };
        let cleanup = std::thread::Builder::new()
            .name(format!("drop {schema}"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|error| error.to_string())?;
                runtime
                    .block_on(drop_schema(&admin, &schema))
                    .map_err(|error| format!("could not drop schema {schema}: {error}"))
            });
        // Never panic here: this may run while the test is already panicking.
        match cleanup.map(std::thread::JoinHandle::join) {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(error))) => eprintln!("{error}"),
            Ok(Err(_)) => eprintln!("the thread dropping a scratch schema panicked"),
            Err(error) => {
                eprintln!("could not start the thread dropping a scratch schema: {error}")
            }
        }
    }
}

/// Ends the sessions of the scratch pool (they carry the schema's name as their application
/// name), then drops the schema.
async fn drop_schema(admin: &PgConnectOptions, schema: &str) -> Result<(), sqlx::Error> {
    let mut connection = PgConnection::connect_with(admin).await?;
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE application_name = $1 AND pid <> pg_backend_pid()",
    )
    .bind(schema)
    .execute(&mut connection)
    .await?;
    // A bound on the wait, should anything else hold a lock in the schema.
    sqlx::query("SET lock_timeout = '30s'")
        .execute(&mut connection)
        .await?;
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&mut connection)
        .await?;
    connection.close().await
}

/// Declares one `#[tokio::test]` per backend for each story: `sqlite::story` always, and
/// `postgres::story` when `TEST_DATABASE_URL` is set (required when `CI=true`). Each test gets
/// a fresh scratch database, cleaned up whether the story passes or panics; `prepare` (a path
/// to an `async fn(Db) -> T`, default: the `Db` itself) turns it into what the stories take by
/// reference.
#[macro_export]
macro_rules! on_both_backends {
    (prepare = $prepare:path; $($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $story() {
                    let scratch = $crate::Scratch::sqlite().await.expect("SQLite scratch database");
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
                    let Some(scratch) = $crate::Scratch::postgres().await else { return };
                    let prepared = $prepare(scratch.db.clone()).await;
                    super::$story(&prepared).await;
                    scratch.finish().await;
                }
            )*
        }
    };
    ($($story:ident),* $(,)?) => {
        $crate::on_both_backends!(prepare = $crate::as_is; $($story),*);
    };
}

/// The default `prepare` of [`on_both_backends!`]: the database as it is.
pub async fn as_is(db: Db) -> Db {
    db
}

#[cfg(test)]
mod tests;
