//! The storage seam: one `Db` handle over SQLite (embedded default) or PostgreSQL.
//!
//! Every query is written once, with `$1`-style parameters that both drivers accept, and run
//! through [`on_db!`], which expands the same code for whichever pool is in use. What really
//! differs between the dialects lives here and in the two migration folders, nowhere else.

pub mod agreements;
pub mod amendments;
pub mod args;
pub mod audit;
pub mod constraints;
pub mod contracts;
pub mod countries;
pub mod deliveries;
pub mod export;
pub mod firms;
pub mod imports;
pub mod keys;
pub mod outlook;
pub mod plans;
mod provenance;
pub mod rates;
pub mod register_version;
pub mod rollup;
pub mod sessions;
pub mod sign_in_buckets;
pub mod summary;
pub mod systems;
pub mod users;
pub mod waterfall;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Runs `$body` with `$pool` bound to the concrete pool of `$db`. The body is compiled once per
/// backend, so a query that one driver cannot run fails to build rather than at run time.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::storage::Db::Sqlite($pool) => $body,
            $crate::storage::Db::Postgres($pool) => $body,
        }
    };
}
pub use on_db;

/// Like [`on_db!`] for a transaction: `$conn` is the transaction's connection.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::storage::Tx::Sqlite(transaction) => {
                let $conn = &mut **transaction;
                $body
            }
            $crate::storage::Tx::Postgres(transaction) => {
                let $conn = &mut **transaction;
                $body
            }
        }
    };
}
pub use on_tx;

/// A transaction on either backend. Multi-row writes go through one, so a failure leaves
/// nothing half-written.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    /// Commits, moving the register's version ([`register_version`]) as the last statement:
    /// whatever was kept of the register at an older version is then out of date.
    pub async fn commit(mut self) -> Result<()> {
        register_version::advance(&mut self).await?;
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Storage faults, and the constraint violations that callers turn into field messages.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// `constraint` is one of [`constraints`]' names (`None` only for a constraint the
    /// schema has and that list lacks).
    #[error("unique constraint violated ({constraint:?})")]
    UniqueViolation { constraint: Option<String> },
    #[error("foreign key constraint violated ({constraint:?})")]
    ForeignKeyViolation { constraint: Option<String> },
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("a CHECK constraint was violated ({0})")]
    CheckViolation(String),
    #[error("database URL not understood: {0}")]
    BadUrl(String),
    #[error("could not create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Database(sqlx::Error),
    /// The SQLite export reader (rusqlite, see `export::sqlite`).
    #[error("export reader: {0}")]
    ExportReader(#[from] rusqlite::Error),
    #[error("a blocking database task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl From<sqlx::Error> for StorageError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db_error) = &error {
            let constraint = db_error.constraint().map(str::to_owned);
            if db_error.is_unique_violation() {
                // SQLite names the columns, not the constraint (see `constraints`).
                let constraint = constraint
                    .or_else(|| constraints::sqlite_unique(db_error.message()).map(str::to_owned));
                return Self::UniqueViolation { constraint };
            }
            if db_error.is_foreign_key_violation() {
                return Self::ForeignKeyViolation { constraint };
            }
            if db_error.is_check_violation() {
                return Self::CheckViolation(db_error.message().to_owned());
            }
        }
        Self::Database(error)
    }
}

/// Runs a query that answers one integer (a count, a next id). For tools such as the data
/// generator; the app's own queries live in their modules.
pub async fn scalar_i64(db: &Db, sql: &str) -> Result<i64> {
    Ok(on_db!(db, pool => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await?))
}

/// Runs one statement outside a transaction (maintenance such as `VACUUM` cannot run in one),
/// then moves the register's version: the statement may have changed what was kept.
pub async fn execute(db: &Db, sql: &str) -> Result<()> {
    on_db!(db, pool => {
        sqlx::query(sql).execute(pool).await?;
    });
    register_version::advance_outside(db).await
}

/// Runs a statement without parameters inside `tx` (the data generator's batch inserts).
pub async fn execute_in(tx: &mut Tx, sql: &str) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(sql).execute(conn).await?;
    });
    Ok(())
}

/// What a write over a stored version comes to, for every kind of record. `R` is a refusal a
/// kind's own rules can give (a contract's buyer must be its framework's…); most kinds have
/// none. Everything but `Done` stored nothing.
#[derive(Debug, PartialEq, Eq)]
pub enum Versioned<R = std::convert::Infallible> {
    Done,
    /// Saved by someone else since the form was opened at its version.
    Stale,
    Missing,
    Refused(R),
}

/// What storing a new record comes to: its id, or a refusal of its kind's rules (nothing was
/// stored).
#[derive(Debug, PartialEq, Eq)]
pub enum Inserted<R = std::convert::Infallible> {
    Done(i64),
    Refused(R),
}

/// What deleting a record that names its version can come to.
#[derive(Debug, PartialEq, Eq)]
pub enum Deleted {
    Done,
    /// Saved by someone else since the confirmation page was opened.
    Stale,
    Missing,
}

impl<C> From<Deleted> for crate::domain::Removal<C>
where
    C: Default,
{
    fn from(deleted: Deleted) -> Self {
        match deleted {
            Deleted::Done => Self::Deleted,
            Deleted::Stale => Self::Stale(C::default()),
            Deleted::Missing => Self::AlreadyGone,
        }
    }
}

/// Whether row `id` of `table` exists: inside a versioned write that matched no row, it tells
/// a stale version from a record that is gone.
pub(crate) async fn exists_in(tx: &mut Tx, table: &str, id: i64) -> Result<bool> {
    let sql = format!("SELECT id FROM {table} WHERE id = $1");
    let found: Option<i64> = on_tx!(tx, conn => {
        sqlx::query_scalar(&sql).bind(id).fetch_optional(conn).await?
    });
    Ok(found.is_some())
}

/// Deletes record `id` of `kind` only if it is still at `version`, and records the delete in
/// the audit trail.
pub(crate) async fn delete_versioned(
    db: &Db,
    kind: crate::domain::audit::RecordKind,
    id: i64,
    version: i64,
) -> Result<Deleted> {
    let mut tx = db.begin().await?;
    let deleted = delete_versioned_in(&mut tx, kind, id, version).await?;
    if deleted == Deleted::Done {
        tx.commit().await?;
    }
    Ok(deleted)
}

/// [`delete_versioned`] inside `tx`, for deletes that change more than their row (the caller
/// commits on `Done`).
pub(crate) async fn delete_versioned_in(
    tx: &mut Tx,
    kind: crate::domain::audit::RecordKind,
    id: i64,
    version: i64,
) -> Result<Deleted> {
    let table = audit::table(kind);
    let before = audit::snapshot(tx, kind, id).await?;
    let delete = format!("DELETE FROM {table} WHERE id = $1 AND version = $2");
    let deleted = on_tx!(tx, conn => {
        sqlx::query(&delete).bind(id).bind(version).execute(conn).await?.rows_affected()
    });
    Ok(if deleted == 1 {
        audit::record(tx, kind, id, before).await?;
        Deleted::Done
    } else if before.is_some() {
        Deleted::Stale
    } else {
        Deleted::Missing
    })
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// Settings every SQLite connection gets. WAL with `synchronous=FULL`: an acknowledged save
/// survives a crash or power loss (NORMAL may lose the last commits), and readers never block the
/// writer. Foreign keys are off by default in SQLite, so switch them on.
fn sqlite_options(options: SqliteConnectOptions) -> SqliteConnectOptions {
    options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
}

/// PostgreSQL connections that end any statement running longer than `statement_timeout`: a
/// request that timed out, or whose client went away, would otherwise leave its query running
/// on (measured: 64 abandoned counts ran on for minutes after a load). The CSV export, which
/// streams for as long as its client reads, lifts the limit for its own statement.
pub fn serving_options(options: PgConnectOptions, statement_timeout: Duration) -> PgConnectOptions {
    let millis = statement_timeout.as_millis().max(1).to_string();
    options.options([("statement_timeout", millis.as_str())])
}

/// The connection options of a `postgres://…` or `postgresql://…` URL (`None` for another).
fn postgres_options(url: &str) -> Option<Result<PgConnectOptions>> {
    (url.starts_with("postgres://") || url.starts_with("postgresql://"))
        .then(|| PgConnectOptions::from_str(url).map_err(|e| StorageError::BadUrl(e.to_string())))
}

impl Db {
    /// Connects by URL: `postgres://…` or `postgresql://…` selects PostgreSQL, `sqlite://PATH`
    /// an SQLite file (created, with its folder, when missing).
    pub async fn connect(url: &str) -> Result<Self> {
        if let Some(options) = postgres_options(url) {
            Self::connect_postgres(options?).await
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StorageError::BadUrl(e.to_string()))?;
            if let Some(folder) = options.get_filename().parent()
                && !folder.as_os_str().is_empty()
            {
                std::fs::create_dir_all(folder).map_err(|source| StorageError::Folder {
                    path: folder.display().to_string(),
                    source,
                })?;
            }
            Self::connect_sqlite(options).await
        } else {
            Err(StorageError::BadUrl(
                "use sqlite://PATH or postgres://USER@HOST/DATABASE".into(),
            ))
        }
    }

    /// [`Db::connect`] for a server answering requests: on PostgreSQL, a statement may run
    /// for at most `statement_timeout` ([`serving_options`]). SQLite has no such setting.
    pub async fn connect_serving(url: &str, statement_timeout: Duration) -> Result<Self> {
        match postgres_options(url) {
            Some(options) => {
                Self::connect_postgres(serving_options(options?, statement_timeout)).await
            }
            None => Self::connect(url).await,
        }
    }

    pub async fn connect_sqlite_file(path: &Path) -> Result<Self> {
        Self::connect_sqlite(SqliteConnectOptions::new().filename(path)).await
    }

    async fn connect_sqlite(options: SqliteConnectOptions) -> Result<Self> {
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(sqlite_options(options))
            .await?;
        Ok(Self::Sqlite(pool))
    }

    pub async fn connect_postgres(options: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Self::Postgres(pool))
    }

    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
    /// transaction that reads before it writes could otherwise fail at its first write when
    /// another writer got in between, instead of waiting its turn.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations of this backend. Returns how many were new, so a caller can tell
    /// a brand-new database (where demo data belongs) from an existing one.
    #[tracing::instrument(name = "db.migrate", skip(self))]
    pub async fn migrate(&self) -> Result<usize> {
        let before = self.applied_migrations().await?;
        match self {
            Db::Sqlite(pool) => {
                // SQLite changes a table's constraints by rebuilding it, and dropping the old
                // table with foreign keys on would delete the rows that reference it; the pragma
                // does nothing inside a migration's transaction, so it is set on the connection
                // around them, and every reference is checked when any ran (the check reads
                // every reference of the register: not at every start).
                let mut conn = pool.acquire().await?;
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut *conn)
                    .await?;
                let migrated = sqlx::migrate!("../migrations/sqlite").run(&mut *conn).await;
                sqlx::query("PRAGMA foreign_keys = ON")
                    .execute(&mut *conn)
                    .await?;
                migrated?;
                let dangling: Vec<(String,)> = if self.applied_migrations().await? > before {
                    sqlx::query_as("PRAGMA foreign_key_check")
                        .fetch_all(&mut *conn)
                        .await?
                } else {
                    Vec::new()
                };
                if let Some((table,)) = dangling.first() {
                    return Err(StorageError::Corrupt(format!(
                        "after the migrations, {} rows refer to rows that are not there (first in {table})",
                        dangling.len()
                    )));
                }
            }
            Db::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
        }
        let after = self.applied_migrations().await?;
        countries::sync(self).await?;
        // Rows stored before the name keys existed get theirs: SQL cannot fold Unicode case.
        keys::backfill(self).await?;
        // The summary's cells start empty when their migration is new to a database that
        // already holds contracts: fill them once.
        let cells = scalar_i64(
            self,
            "SELECT COUNT(*) FROM (SELECT 1 FROM summary_cells LIMIT 1) t",
        )
        .await?;
        if cells == 0
            && scalar_i64(
                self,
                "SELECT COUNT(*) FROM (SELECT 1 FROM contracts LIMIT 1) t",
            )
            .await?
                > 0
        {
            rollup::rebuild(self).await?;
        }
        Ok(after - before)
    }

    async fn applied_migrations(&self) -> Result<usize> {
        // The table does not exist before the first migration.
        let exists: Option<i64> = match self {
            Db::Sqlite(pool) => sqlx::query_scalar(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_optional(pool)
            .await?,
            Db::Postgres(pool) => {
                sqlx::query_scalar(
                    "SELECT 1::BIGINT FROM information_schema.tables \
                 WHERE table_name = '_sqlx_migrations' AND table_schema = current_schema()",
                )
                .fetch_optional(pool)
                .await?
            }
        };
        if exists.is_none() {
            return Ok(0);
        }
        let count: i64 = on_db!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                .fetch_one(pool)
                .await?
        });
        Ok(count as usize)
    }

    /// The plan the database makes for `sql`, one step per line: what the tests read to know
    /// that a page comes off an index. PostgreSQL plans with sorting priced out
    /// (`enable_sort = off`), so on a small table too it shows whether an index can give the
    /// order at all.
    pub async fn query_plan(&self, sql: &str, args: args::Args) -> Result<String> {
        self.query_plan_pricing_out(sql, args, &[]).await
    }

    /// [`Db::query_plan`] with more of PostgreSQL's plan kinds priced out (`enable_…` settings
    /// turned off for it alone); SQLite has no such settings.
    pub async fn query_plan_pricing_out(
        &self,
        sql: &str,
        args: args::Args,
        settings: &[&str],
    ) -> Result<String> {
        let lines: Vec<String> = match self {
            Db::Sqlite(pool) => {
                let explain = format!("EXPLAIN QUERY PLAN {sql}");
                let rows: Vec<(i64, i64, i64, String)> =
                    args::bind_all!(sqlx::query_as(&explain), args.0)
                        .fetch_all(pool)
                        .await?;
                rows.into_iter().map(|(_, _, _, detail)| detail).collect()
            }
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                for setting in std::iter::once(&"enable_sort").chain(settings) {
                    sqlx::query(&format!("SET LOCAL {setting} = off"))
                        .execute(&mut *tx)
                        .await?;
                }
                let explain = format!("EXPLAIN {sql}");
                let lines: Vec<String> = args::bind_all!(sqlx::query_scalar(&explain), args.0)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.rollback().await?;
                lines
            }
        };
        Ok(lines.join("\n"))
    }

    /// A cheap round trip, for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        on_db!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }
}
