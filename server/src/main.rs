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

async fn run(cli: Cli) -> Result<(), String> {
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
    match cli.command {
        Some(Command::Generate { contracts, seed }) => {
            return server::generate::generate(&db, contracts, seed).await;
        }
        Some(Command::Measure { runs }) => return server::generate::measure(&db, runs).await,
        Some(Command::Export {
            view,
            query,
            format,
            output,
            show_sql,
        }) => {
            return server::cli_transfer::export(&db, &view, &query, &format, output, show_sql)
                .await;
        }
        Some(Command::Import {
            kind,
            file,
            dry_run,
        }) => return server::cli_transfer::import(&db, &kind, &file, dry_run).await,
        Some(Command::Serve) | None => {}
    }
    let brand_new = new_migrations > 0
        && app::storage::firms::count(&db)
            .await
            .map_err(|e| e.to_string())?
            == 0;
    if brand_new && !cli.no_demo_data {
        let loaded = demo::load(&db).await?;
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
            "no built site here: pages will render without CSS and wasm (build with `cargo leptos build --release`)"
        );
    }

    let app = router(
        AppState::new(options, db.clone()),
        Duration::from_secs(cli.request_timeout),
    );
    let listener = tokio::net::TcpListener::bind(cli.addr).await.map_err(|e| {
        format!(
            "cannot listen on {}: {e} (is another server running there? use --addr)",
            cli.addr
        )
    })?;
    tracing::info!(database = %redact(&cli.database_url), "listening on http://{}", cli.addr);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
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
    tracing::info!("shutting down: finishing requests in flight");
}
