//! The floor of the SQLite CSV export: the export's SELECT stepped through rusqlite alone, on
//! the SQLite the app links (`libsqlite3-sys`' bundled release), opened as the export opens it,
//! every column read as a borrowed value and nothing written. docs/benchmarks.md compares the
//! app's export over HTTP with it.
//!
//!   SQL=$(target/release/server --database-url sqlite://DB export contracts --show-sql)
//!   cargo run --release -p app --features ssr --example sqlite_floor -- DB "$SQL"

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(sql)) = (args.next(), args.next()) else {
        return Err("usage: sqlite_floor DATABASE_FILE SQL".into());
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)?;
    let started = Instant::now();
    connection.execute_batch("BEGIN")?;
    let mut statement = connection.prepare(&sql)?;
    let columns = statement.column_count();
    let mut rows = statement.raw_query();
    let (mut count, mut bytes) = (0u64, 0usize);
    while let Some(row) = rows.next()? {
        for at in 0..columns {
            bytes += match row.get_ref(at)? {
                ValueRef::Text(text) | ValueRef::Blob(text) => text.len(),
                ValueRef::Integer(_) | ValueRef::Real(_) => 8,
                ValueRef::Null => 0,
            };
        }
        count += 1;
    }
    println!(
        "{count} rows, {bytes} bytes of values, {:.2} s, SQLite {}",
        started.elapsed().as_secs_f64(),
        rusqlite::version()
    );
    Ok(())
}
