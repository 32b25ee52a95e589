//! Command-line flags, each with an environment-variable fallback.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Defense Export Tracker: a web app for framework agreements, contracts and deliveries.",
    long_about = "Defense Export Tracker: a web app for framework agreements, the contracts signed \
under them, and their deliveries.\n\nServes the app at --addr. Data lives in SQLite by default \
(a file under data/, created with demo data on first start); give a postgres:// URL to use \
PostgreSQL instead. Migrations run at every start.",
    after_help = "Examples:\n  \
scripts/run.sh                    build, then serve on SQLite (data/dealtracker.db)\n  \
scripts/run.sh --no-demo-data     the same, starting an empty database\n  \
target/release/server generate --contracts 1000000    add synthetic contracts (benchmarks)\n  \
target/release/server measure     time the summary queries on the database\n  \
target/release/server export contracts --query 'buyer=PL&sort=value' --output pl.csv\n  \
target/release/server import contracts deals.csv --dry-run    check a file, store nothing\n  \
target/release/server user add anna --role editor    add a user (password from stdin)\n  \
target/release/server user reset-password anna       set a new password\n  \
DATABASE_URL=postgres://postgres@127.0.0.1:5432/deals target/release/server\n  \
RUST_LOG=debug target/release/server     more detailed logs\n\n\
First start: with no users, the server prints a one-time set-up link on its console \
(http://…/setup?token=…) where the first administrator chooses a password.\n\
Health check: GET /healthz answers 200 when the database answers, 503 otherwise.\n\
Stop with Ctrl-C or SIGTERM: requests in flight get --shutdown-deadline seconds to finish.\n\
Under load: at most --max-requests requests (and --max-transfers CSV exports and imports) are \
in progress at once; the rest are answered 503 with Retry-After: 1 at once."
)]
pub struct Cli {
    /// Where the data lives: sqlite://PATH (created when missing) or postgres://USER@HOST/DB.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/dealtracker.db"
    )]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Folder with the built site (pkg/ with the wasm, JS and CSS), as `scripts/build.sh` writes it.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Seconds a request may take before the server gives up on it and answers 503.
    #[arg(long, env = "REQUEST_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout: u64,

    /// Requests in progress at once (pages, server functions, forms, files); more are answered
    /// 503 with Retry-After at once instead of waiting in a queue.
    #[arg(long, env = "MAX_REQUESTS", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=100000))]
    pub max_requests: u64,

    /// CSV exports and imports in progress at once (a pool of their own, so they cannot
    /// starve the pages); more are answered 503 with Retry-After.
    #[arg(long, env = "MAX_TRANSFERS", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub max_transfers: u64,

    /// Seconds a client gets to send a request's headers before its connection is closed.
    #[arg(long, env = "HEADER_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,

    /// Seconds requests in flight get to finish after Ctrl-C or SIGTERM; then the server stops
    /// without them.
    #[arg(long, env = "SHUTDOWN_DEADLINE_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub shutdown_deadline: u64,

    /// Do not load the demo data into a new, empty database.
    #[arg(long, env = "NO_DEMO_DATA")]
    pub no_demo_data: bool,

    /// Minutes a session may go unused before it ends (the user signs in again).
    #[arg(long, env = "SESSION_IDLE_MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=10080))]
    pub session_idle_minutes: u64,

    /// Hours after sign-in that any session ends, used or not.
    #[arg(long, env = "SESSION_MAX_HOURS", default_value_t = 12, value_parser = clap::value_parser!(u64).range(1..=720))]
    pub session_max_hours: u64,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add a user. Example: printf '%s\n' 'a long passphrase' | server user add anna --role editor
    Add {
        /// Letters, digits and . _ - @ (compared without regard to case).
        username: String,
        /// viewer (reads and exports), editor (also changes deals and imports) or admin (also
        /// users, exchange rates and the audit trail).
        #[arg(long, default_value = "viewer")]
        role: String,
    },
    /// Set a new password for a user (their sessions end at their next request).
    ResetPassword { username: String },
    /// List the users with their roles.
    List,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app (what happens without a command).
    Serve,
    /// Add synthetic contracts to the database, for benchmarks: realistic buyers, suppliers,
    /// systems (those of the demo data, loaded first into an empty database), dates from 1996,
    /// values in USD, EUR, KRW and PLN with their USD equivalents, and confidence. Lines are
    /// delivered as the app records it: one to four delivery rows behind each line's delivered
    /// units (never more than its quantity), and the summary's totals rebuilt from them. One
    /// contract in ten in the pipeline; of those in force, one in ten has options and an
    /// amendment, one in five a delivery plan (two years after signing). Shows a progress bar;
    /// the same --seed gives the same data.
    Generate {
        /// How many contracts to add (each with one or two lines).
        #[arg(long)]
        contracts: u64,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write a view as CSV, as its "Export CSV" link does: contracts (a row per contract line),
    /// deliveries, agreements (a row per ceiling line, with headroom), firms, systems or summary.
    /// Filters and sort are the page's address query (copy it from the browser).
    Export {
        /// contracts, deliveries, agreements, firms, systems or summary.
        view: String,
        /// The page's filters and sort, as in its address: 'buyer=PL&year_from=2020&sort=value'.
        #[arg(long, default_value = "")]
        query: String,
        /// standard (comma, decimal point), excel (the same with a UTF-8 byte-order mark) or
        /// excel-eu (semicolons, decimal comma, byte-order mark).
        #[arg(long, default_value = "standard")]
        format: String,
        /// Write to this file (with a progress line) instead of standard output.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
        /// Print the SQL of the contract export instead (to time the same query in sqlite3 or psql).
        #[arg(long)]
        show_sql: bool,
    },
    /// Import contracts from a CSV file with the columns of the contract export. Every problem
    /// is listed with its line and column, and nothing is stored unless there is none; then
    /// the whole file is stored in one transaction. Rows with a known contract_ref update
    /// that contract. Exit status 1 when the file has problems.
    Import {
        /// What the file holds: contracts.
        kind: String,
        /// The CSV file (UTF-8; comma or semicolon separated).
        file: std::path::PathBuf,
        /// Check the file and print what would change, but store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Manage users: add one, set a new password, or list them. Passwords are read from
    /// standard input (asked twice on a terminal, one line from a pipe), never from the command
    /// line, where other users of the machine could see them.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Time the summary queries on the database (a filtered total, the plain SQL count for the
    /// same filter, and the whole dashboard) and print medians and 90th percentiles.
    Measure {
        /// Timed runs of each query, after two warm-up runs.
        #[arg(long, default_value_t = 15)]
        runs: usize,
    },
}
