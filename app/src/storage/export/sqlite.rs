//! The SQLite reader of the contract export. sqlx's SQLite driver steps a statement on its own
//! worker thread and hands every row, each value allocated, across to the async task; for a
//! million-row export those hand-offs cost twice what SQLite itself takes (docs/benchmarks.md).
//! Here one blocking thread steps the same SELECT through rusqlite, on a read-only connection
//! of its own and inside one read transaction (the lines and every batch's provenance come
//! from one snapshot), and sends whole batches.

use super::{
    Batcher, ContractLineRow, ExportedContract, ExportedPlan, LINE_COLUMNS, Value, attach_plans,
    attach_provenance, check_columns, contract_ids, plans_sql,
};
use crate::storage::Result;
use crate::storage::StorageError;
use crate::storage::args::{Arg, Args};
use crate::storage::provenance::{self, AlternativeRow, IdentifierRow, SourceRow};
use rusqlite::{Connection, OpenFlags, Row, Statement};
use std::path::Path;
use std::time::Duration;
use tokio::sync::mpsc::Sender;

/// Reads the export's `sql` (with `args`) from the database file at `path` and sends the
/// contracts to `out` in batches. Blocking: run it on a blocking thread. Stops early, without
/// an error, when `out` is closed.
pub(super) fn contracts(
    path: &Path,
    sql: &str,
    args: &Args,
    out: &Sender<Vec<ExportedContract>>,
) -> Result<()> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(Duration::from_secs(5))?;
    connection.execute_batch("BEGIN")?;
    let mut statement = prepare(&connection, sql, args)?;
    check_columns(statement.column_names())?;
    let mut rows = statement.raw_query();
    let mut batcher = Batcher::default();
    while let Some(row) = rows.next()? {
        if let Some(full) = batcher.push(ContractLineRow::read(|at| value(row, at))?)
            && !send(&connection, out, full)?
        {
            return Ok(());
        }
    }
    if let Some(last) = batcher.finish() {
        send(&connection, out, last)?;
    }
    Ok(())
}

/// Prepares `sql` with `args` bound. Its `$n` placeholders are named parameters to SQLite:
/// each of the statement's parameters is bound to the argument its name numbers.
fn prepare<'c>(connection: &'c Connection, sql: &str, args: &Args) -> Result<Statement<'c>> {
    let mut statement = connection.prepare(sql)?;
    for at in 1..=statement.parameter_count() {
        let arg = statement
            .parameter_name(at)
            .and_then(|name| name.strip_prefix('$')?.parse::<usize>().ok())
            .and_then(|number| args.0.get(number.checked_sub(1)?))
            .ok_or_else(|| {
                StorageError::Corrupt(format!(
                    "parameter {at} of the export query has no argument"
                ))
            })?;
        match arg {
            Arg::Text(text) => statement.raw_bind_parameter(at, text)?,
            Arg::Int(number) => statement.raw_bind_parameter(at, number)?,
        }
    }
    Ok(statement)
}

/// The value at `at` of an export row, borrowed from it (its kind is checked by
/// [`ContractLineRow::read`]: SQLite's columns have no fixed type).
fn value<'r>(row: &'r Row, at: usize) -> Result<Value<'r>> {
    use rusqlite::types::ValueRef;
    Ok(match row.get_ref(at)? {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Int(n),
        ValueRef::Text(bytes) => Value::Text(std::str::from_utf8(bytes).map_err(|_| {
            StorageError::Corrupt(format!("the export's {} is not UTF-8", LINE_COLUMNS[at]))
        })?),
        ValueRef::Real(_) | ValueRef::Blob(_) => {
            return Err(StorageError::Corrupt(format!(
                "the export's {} is neither text nor an integer",
                LINE_COLUMNS[at]
            )));
        }
    })
}

/// Adds the batch's provenance (the same two queries as on PostgreSQL) and sends it; false
/// when the reader is gone.
fn send(
    connection: &Connection,
    out: &Sender<Vec<ExportedContract>>,
    mut batch: Vec<ExportedContract>,
) -> Result<bool> {
    let ids = contract_ids(&batch);
    let queries = provenance::sqlite_contract_queries(&ids);
    let sources = all_rows(connection, &queries.sources, |row| {
        Ok(SourceRow {
            owner_id: row.get(0)?,
            alternative_id: row.get(1)?,
            backs_value: row.get(2)?,
            title: row.get(3)?,
            publisher: row.get(4)?,
            url: row.get(5)?,
            published_on: row.get(6)?,
        })
    })?;
    let alternatives = all_rows(connection, &queries.alternatives, |row| {
        Ok(AlternativeRow {
            owner_id: row.get(0)?,
            id: row.get(1)?,
            amount_minor: row.get(2)?,
            currency: row.get(3)?,
            confidence: row.get(4)?,
            basis: row.get(5)?,
        })
    })?;
    let identifiers = all_rows(connection, &queries.identifiers, |row| {
        Ok(IdentifierRow {
            owner_id: row.get(0)?,
            kind: row.get(1)?,
            value: row.get(2)?,
        })
    })?;
    attach_provenance(
        &mut batch,
        provenance::assemble(sources, alternatives, identifiers)?,
    );
    let plans = all_rows(connection, &plans_sql(&ids), |row| {
        Ok(ExportedPlan {
            contract_id: row.get(0)?,
            position: row.get(1)?,
            period: row.get(2)?,
            units: row.get(3)?,
            confidence: row.get(4)?,
            source: row.get(5)?,
            source_url: row.get(6)?,
        })
    })?;
    attach_plans(&mut batch, plans);
    Ok(out.blocking_send(batch).is_ok())
}

fn all_rows<T>(
    connection: &Connection,
    sql: &str,
    mut read: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut statement = connection.prepare(sql)?;
    let mut rows = statement.raw_query();
    let mut all = Vec::new();
    while let Some(row) = rows.next()? {
        all.push(read(row)?);
    }
    Ok(all)
}
