//! `server export` and `server import`: the CSV export and import on the command line, through
//! the same code as the browser's.

use app::storage::Db;
use app::transfer::{CsvFormat, View, export, import};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::{Path, PathBuf};

pub async fn export(
    db: &Db,
    view: &str,
    query: &str,
    format: &str,
    output: Option<PathBuf>,
    show_sql: bool,
) -> Result<(), String> {
    let view = View::parse(view).ok_or_else(|| {
        format!(
            "no export called \u{201c}{view}\u{201d}: use one of {}",
            View::ALL.map(View::as_str).join(", ")
        )
    })?;
    let format = CsvFormat::parse(format)?;
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
            .into_owned()
            .collect();
    if show_sql {
        let (filter, ignored) = app::domain::filter::ContractFilter::from_query(&pairs);
        if !ignored.is_empty() || view != View::Contracts {
            return Err("--show-sql prints the contract export's SQL: use it with `contracts` and a valid --query".into());
        }
        let (sql, args) = app::storage::export::contracts_sql(&filter, db.backend());
        if !args.0.is_empty() {
            return Err("--show-sql prints SQL without parameters: leave out the filters".into());
        }
        println!("{sql}");
        return Ok(());
    }
    let today = chrono::Utc::now().date_naive();
    let mut running = export::start(db.clone(), view, &pairs, format, today).map_err(|ignored| {
        format!(
            "not understood in --query: {} (the page's address query, e.g. 'buyer=PL&sort=value')",
            ignored.join(", ")
        )
    })?;
    let mut sink: Box<dyn Write> = match &output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    // A progress line only when writing a file: standard output is the data.
    let bar = match &output {
        Some(_) => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template(
                "{spinner} {binary_bytes} written ({binary_bytes_per_sec}) {elapsed}",
            )
            .expect("valid template"),
        ),
        None => ProgressBar::hidden(),
    };
    while let Some(chunk) = running.chunks.recv().await {
        let chunk = chunk.map_err(|e| format!("the export failed: {}", e.logged()))?;
        match sink.write_all(&chunk) {
            Ok(()) => bar.inc(chunk.len() as u64),
            // A closed pipe (`| head`) is not an error: stop quietly.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(format!("cannot write the export: {e}")),
        }
    }
    match sink.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(format!("cannot write the export: {e}"));
        }
        _ => {}
    }
    bar.finish_and_clear();
    if let Some(path) = output {
        eprintln!("wrote {} ({})", path.display(), running.file_name);
    }
    Ok(())
}

pub async fn import(db: &Db, kind: &str, file: &Path, dry_run: bool) -> Result<(), String> {
    import_to(db, kind, file, dry_run, &mut std::io::stderr().lock()).await
}

/// `server import`, reporting to `out`: the preview (each update's changes, every problem at
/// its row and column) and, without `dry_run`, what was stored.
pub async fn import_to(
    db: &Db,
    kind: &str,
    file: &Path,
    dry_run: bool,
    out: &mut dyn Write,
) -> Result<(), String> {
    if kind != "contracts" {
        return Err(format!(
            "cannot import \u{201c}{kind}\u{201d}: the import takes contracts (firms, systems and agreements are entered in the app)"
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let name = file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let bar = ProgressBar::new_spinner().with_message(format!("checking {name}"));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    // A dry run makes the writes and rolls them back; otherwise the commit's one transaction
    // makes the same checks.
    let plan = if dry_run {
        import::plan(db, &name, &bytes).await
    } else {
        import::prepare(db, &name, &bytes).await
    }
    .map_err(|e| e.logged().to_string())?;
    bar.finish_and_clear();
    let write = |out: &mut dyn Write, text: String| {
        writeln!(out, "{text}").map_err(|e| format!("cannot write the report: {e}"))
    };
    let preview = &plan.preview;
    write(
        out,
        format!(
            "{name}: {} rows; {} new contracts, {} updated, {} unchanged",
            preview.rows,
            preview.creates.len(),
            preview.updates.len(),
            preview.unchanged
        ),
    )?;
    if !preview.problems.is_empty() {
        report_problems(out, preview)?;
        return Err(format!(
            "{} problem(s) in {name}: nothing was stored",
            preview.problems.len()
        ));
    }
    for update in &preview.updates {
        write(
            out,
            format!(
                "  row {}: update {} \u{201c}{}\u{201d}",
                update.row, update.contract_ref, update.title
            ),
        )?;
        for change in &update.changes {
            write(out, format!("    {change}"))?;
        }
    }
    if dry_run {
        write(out, "--dry-run: nothing was stored".to_owned())?;
        return Ok(());
    }
    let bar = ProgressBar::new_spinner().with_message("storing (one transaction)");
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let done = import::commit(db, plan)
        .await
        .map_err(|e| e.logged().to_string())?;
    bar.finish_and_clear();
    match done {
        Ok(done) => write(
            out,
            format!(
                "stored: {} created, {} updated, {} unchanged",
                done.created, done.updated, done.unchanged
            ),
        ),
        Err(refused) => {
            report_problems(out, &refused)?;
            Err(format!(
                "the import was refused ({} problem(s)): nothing was stored",
                refused.problems.len()
            ))
        }
    }
}

/// Every problem of a preview, one a line, with its row and column.
fn report_problems(
    out: &mut dyn Write,
    preview: &app::transfer::ImportPreview,
) -> Result<(), String> {
    let failed = |e: std::io::Error| format!("cannot write the report: {e}");
    for p in &preview.problems {
        let place = p.place();
        if place.is_empty() {
            writeln!(out, "  {}", p.message).map_err(failed)?;
        } else {
            writeln!(out, "  {place}: {}", p.message).map_err(failed)?;
        }
    }
    if !preview.unknown.is_empty() {
        writeln!(out, "  not found: {}", preview.unknown.join(", ")).map_err(failed)?;
    }
    Ok(())
}
