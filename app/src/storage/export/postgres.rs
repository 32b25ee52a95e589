//! The PostgreSQL reader of the contract export: the SELECT streamed by sqlx, each row's values
//! read as borrowed text and integers straight from the wire (their types checked once, on the
//! first row). Each batch's provenance is read between two batches, on a second connection:
//! reading it beside the next batch's lines was measured no faster (the machine's two cores
//! are busy either way) and held one more batch in memory (docs/benchmarks.md).

use super::{
    Batcher, ContractLineRow, ExportedContract, ExportedPlan, Kind, LINE_KINDS, Value,
    attach_plans, attach_provenance, check_columns, contract_ids, plans_sql,
};
use crate::storage::args::{Args, bind_all};
use crate::storage::{Db, Result, StorageError};
use futures_util::TryStreamExt;
use sqlx::postgres::{PgPool, PgRow, PgTypeInfo};
use sqlx::{Column, Decode, Postgres, Row, Type, TypeInfo, ValueRef};
use tokio::sync::mpsc::Sender;

/// Streams the export's `sql` (with `args`) from `pool` and sends the contracts to `out` in
/// batches, each with its provenance. Stops early, without an error, when `out` is closed.
pub(super) async fn contracts(
    db: &Db,
    pool: &PgPool,
    sql: &str,
    args: Args,
    out: Sender<Vec<ExportedContract>>,
) -> Result<()> {
    // The export streams for as long as its client reads: exempt from the server's statement
    // timeout (`Db::connect_serving`), in a read-only transaction of its own.
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL statement_timeout = 0")
        .execute(&mut *tx)
        .await?;
    let mut rows = bind_all!(sqlx::query(sql), args.0).fetch(&mut *tx);
    let mut batcher = Batcher::default();
    let mut checked = false;
    while let Some(row) = rows.try_next().await? {
        if !checked {
            check_types(&row)?;
            checked = true;
        }
        let line = ContractLineRow::read(|at| value(&row, at))?;
        if let Some(batch) = batcher.push(line)
            && !send(db, &out, batch).await?
        {
            return Ok(());
        }
    }
    if let Some(last) = batcher.finish() {
        send(db, &out, last).await?;
    }
    Ok(())
}

/// Refuses a query whose columns are not [`super::LINE_COLUMNS`], or whose types are not those
/// [`value`] decodes: it reads the values without checking their types again.
fn check_types(row: &PgRow) -> Result<()> {
    check_columns(row.columns().iter().map(|c| c.name()))?;
    for (column, kind) in row.columns().iter().zip(LINE_KINDS) {
        let type_info: &PgTypeInfo = column.type_info();
        let fits = match kind {
            Kind::Int => <i64 as Type<Postgres>>::compatible(type_info),
            Kind::Text => <&str as Type<Postgres>>::compatible(type_info),
        };
        if !fits {
            return Err(StorageError::Corrupt(format!(
                "the export query's column {} is {}, not {kind:?}",
                column.name(),
                type_info.name()
            )));
        }
    }
    Ok(())
}

/// The value at `at` of an export row whose types [`check_types`] accepted, borrowed from it.
fn value(row: &PgRow, at: usize) -> Result<Value<'_>, sqlx::Error> {
    let raw = row.try_get_raw(at)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let decoded = match LINE_KINDS[at] {
        Kind::Int => <i64 as Decode<Postgres>>::decode(raw).map(Value::Int),
        Kind::Text => <&str as Decode<Postgres>>::decode(raw).map(Value::Text),
    };
    decoded.map_err(|source| sqlx::Error::ColumnDecode {
        index: at.to_string(),
        source,
    })
}

/// Adds the batch's provenance and sends it; false when the reader is gone.
async fn send(
    db: &Db,
    out: &Sender<Vec<ExportedContract>>,
    mut batch: Vec<ExportedContract>,
) -> Result<bool> {
    let ids = contract_ids(&batch);
    attach_provenance(
        &mut batch,
        crate::storage::provenance::load_contracts(db, &ids).await?,
    );
    let plans = crate::storage::on_db!(db, pool => {
        sqlx::query_as::<_, ExportedPlan>(&plans_sql(&ids)).fetch_all(pool).await?
    });
    attach_plans(&mut batch, plans);
    Ok(out.send(batch).await.is_ok())
}
