//! The floor of the SQLite CSV export: the export's SELECT stepped through rusqlite alone, on
//! the SQLite the app links (`libsqlite3-sys`' bundled release), opened as the export opens it,
//! every column read as a borrowed value and nothing written; with `--csv`, every row written
//! to stdout as CSV as well (what the `sqlite3` shell's `-csv` mode does: the issue's
//! reference). docs/benchmarks.md compares the app's export over HTTP with both.
//!
//!   SQL=$(target/release/server --database-url sqlite://DB export contracts --show-sql)
//!   cargo run --release -p app --features ssr --example sqlite_floor -- DB "$SQL" [--csv]

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(sql)) = (args.next(), args.next()) else {
        return Err("usage: sqlite_floor DATABASE_FILE SQL [--csv]".into());
    };
    let mut csv = match args.next().as_deref() {
        Some("--csv") => Some(csv::Writer::from_writer(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout().lock(),
        ))),
        Some(other) => return Err(format!("unknown option {other}").into()),
        None => None,
    };
    let mut record = csv::ByteRecord::new();
    let mut number = itoa::Buffer::new();
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)?;
    let started = Instant::now();
    connection.execute_batch("BEGIN")?;
    let mut statement = connection.prepare(&sql)?;
    let columns = statement.column_count();
    let mut rows = statement.raw_query();
    let (mut count, mut bytes) = (0u64, 0usize);
    while let Some(row) = rows.next()? {
        record.clear();
        for at in 0..columns {
            let value = row.get_ref(at)?;
            bytes += match value {
                ValueRef::Text(text) | ValueRef::Blob(text) => text.len(),
                ValueRef::Integer(_) | ValueRef::Real(_) => 8,
                ValueRef::Null => 0,
            };
            if csv.is_some() {
                match value {
                    ValueRef::Text(text) | ValueRef::Blob(text) => record.push_field(text),
                    ValueRef::Integer(n) => record.push_field(number.format(n).as_bytes()),
                    ValueRef::Real(x) => record.push_field(x.to_string().as_bytes()),
                    ValueRef::Null => record.push_field(b""),
                }
            }
        }
        if let Some(out) = csv.as_mut() {
            out.write_byte_record(&record)?;
        }
        count += 1;
    }
    if let Some(out) = csv.as_mut() {
        out.flush()?;
    }
    eprintln!(
        "{count} rows, {bytes} bytes of values, {:.2} s, SQLite {}",
        started.elapsed().as_secs_f64(),
        rusqlite::version()
    );
    Ok(())
}
