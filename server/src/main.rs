use app::storage::Db;
use clap::Parser;
use leptos::config::LeptosOptions;
use server::cli::{Cli, Command};
use server::{AppState, demo, router};
use std::process::ExitCode;
use std::time::Duration;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(mut cli: Cli) -> Result<(), String> {
    let db = open(&cli).await?;
    match cli.command.take() {
        Some(Command::Generate { contracts, seed }) => {
            server::generate::generate(&db, contracts, seed).await
        }
        Some(Command::Measure { runs }) => server::generate::measure(&db, runs).await,
        Some(Command::Export {
            view,
            query,
            format,
            output,
            show_sql,
        }) => server::cli_transfer::export(&db, &view, &query, &format, output, show_sql).await,
        Some(Command::Import {
            kind,
            file,
            dry_run,
        }) => {
            let actor = app::storage::audit::Actor::system("cli import");
            app::storage::audit::as_actor(
                actor,
                server::cli_transfer::import(&db, &kind, &file, dry_run),
            )
            .await
        }
        Some(Command::User { action }) => server::cli_users::run(&db, action).await,
        Some(Command::Serve) | None => serve(db, &cli).await,
    }
}

/// Opens and migrates the database. The first start of a new database (serving it, or adding
/// its first user) loads the demo data; tools such as `generate` and `import` leave an empty
/// database empty.
async fn open(cli: &Cli) -> Result<Db, String> {
    let db = Db::connect(&cli.database_url).await.map_err(|e| {
        format!(
            "cannot open the database {}: {e}",
            redact(&cli.database_url)
        )
    })?;
    let new_migrations = db
        .migrate()
        .await
        .map_err(|e| format!("cannot migrate the database: {e}"))?;
    let brand_new = new_migrations > 0
        && app::storage::firms::count(&db)
            .await
            .map_err(|e| e.to_string())?
            == 0;
    let first_start = matches!(
        cli.command,
        None | Some(Command::Serve) | Some(Command::User { .. })
    );
    if brand_new && first_start && !cli.no_demo_data {
        let loaded = app::storage::audit::as_actor(
            app::storage::audit::Actor::system("demo data"),
            demo::load(&db),
        )
        .await
        .map_err(|e| e.to_string())?;
        tracing::info!(
            rates = loaded.rates,
            firms = loaded.firms,
            systems = loaded.systems,
            agreements = loaded.agreements,
            contracts = loaded.contracts,
            deliveries = loaded.deliveries,
            "new database: demo data loaded (start with --no-demo-data to skip)"
        );
    }
    Ok(db)
}

/// Serves the app until Ctrl-C or SIGTERM.
async fn serve(db: Db, cli: &Cli) -> Result<(), String> {
    // Migrated and loaded by `open`, whose statements may take long; serving, none may
    // outlive its request.
    let db = match db.backend() {
        app::storage::Backend::Postgres => {
            db.close().await;
            Db::connect_serving(&cli.database_url, Duration::from_secs(cli.request_timeout))
                .await
                .map_err(|e| {
                    format!(
                        "cannot open the database {}: {e}",
                        redact(&cli.database_url)
                    )
                })?
        }
        app::storage::Backend::Sqlite => db,
    };
    let output_name = std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "dealtracker".into());
    let options = LeptosOptions::builder()
        .output_name(output_name)
        .site_root(cli.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(cli.addr)
        .build();
    if !cli.site_root.join("pkg").exists() {
        tracing::warn!(
            site_root = %cli.site_root.display(),
            "no built site here: pages will render without CSS and wasm (build it with scripts/build.sh)"
        );
    }
    let mut state = AppState::new(options, db.clone());
    state.session_limits = server::auth::SessionLimits {
        idle: Duration::from_secs(cli.session_idle_minutes * 60),
        absolute: Duration::from_secs(cli.session_max_hours * 60 * 60),
    };
    let users = app::storage::users::count(&db)
        .await
        .map_err(|e| e.to_string())?;
    if users == 0 {
        offer_setup(&state, cli.addr);
    }
    state.admission = server::admission::Limits {
        requests: usize::try_from(cli.max_requests).unwrap_or(usize::MAX),
        transfers: usize::try_from(cli.max_transfers).unwrap_or(usize::MAX),
    };
    server::auth::spawn_housekeeping(db.clone());
    server::memory::spawn_release_when_idle();
    let app = router(state, Duration::from_secs(cli.request_timeout));
    let listener = tokio::net::TcpListener::bind(cli.addr).await.map_err(|e| {
        format!(
            "cannot listen on {}: {e} (is another server running there? use --addr)",
            cli.addr
        )
    })?;
    tracing::info!(database = %redact(&cli.database_url), "listening on http://{}", cli.addr);
    let edges = server::serve::Edges {
        header_read_timeout: Duration::from_secs(cli.header_timeout),
        shutdown_deadline: Duration::from_secs(cli.shutdown_deadline),
    };
    let stopped = server::serve::serve(listener, app, edges, shutdown_signal()).await;
    // A request dropped at the deadline may not have given its connection back yet: closing
    // the pool would wait for it.
    if tokio::time::timeout(Duration::from_secs(1), db.close())
        .await
        .is_err()
    {
        tracing::warn!(?stopped, "database connections still in use at exit");
    }
    tracing::info!("stopped");
    Ok(())
}

/// No users yet: opens the one-time set-up link for the first administrator and prints it.
fn offer_setup(state: &AppState, addr: std::net::SocketAddr) {
    let token = state.open_setup();
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        addr.ip().to_string()
    };
    let link = format!("http://{host}:{}/setup?token={token}", addr.port());
    tracing::warn!(
        "no users yet: open the set-up link printed below to create the first administrator"
    );
    eprintln!(
        "\n  No users yet. Create the first administrator here (the link works once):\n\n    {link}\n\n  Or from a shell: server user add NAME --role admin\n"
    );
}

/// Hides a password in a database URL before it is logged.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Resolves on Ctrl-C or SIGTERM; axum then stops accepting and lets requests in flight finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight (until the deadline)");
}
