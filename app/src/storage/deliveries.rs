//! Recording deliveries against contract lines.

use super::audit;
use super::rollup::Affected;
use super::{Db, Result, on_db, on_tx};
use crate::domain::audit::RecordKind;
use crate::domain::register::DeliveryDraft;
use chrono::{SubsecRound, Utc};

#[derive(Debug, PartialEq, Eq)]
pub enum Recorded {
    Done {
        id: i64,
    },
    /// The line's quantity leaves room for only `remaining` more units.
    TooMany {
        remaining: i64,
    },
    MissingLine,
}

/// Records a delivery in one transaction. The line's running total is raised first, and only
/// while it stays within the line's quantity: that conditional UPDATE locks the line on both
/// backends, so two people recording at once cannot deliver more than was ordered.
#[tracing::instrument(name = "db.deliveries.record", skip(db, draft), fields(line_id = draft.line_id))]
pub async fn record(db: &Db, draft: &DeliveryDraft) -> Result<Recorded> {
    let mut tx = db.begin().await?;
    super::rollup::apply(&mut tx, Affected::Line(draft.line_id), -1).await?;
    let units = draft.units.get();
    let raised: Option<i64> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "UPDATE contract_lines SET delivered_units = delivered_units + $1 \
             WHERE id = $2 AND (quantity IS NULL OR delivered_units + $1 <= quantity) RETURNING id",
        )
        .bind(units)
        .bind(draft.line_id)
        .fetch_optional(conn)
        .await?
    });
    if raised.is_none() {
        let line: Option<(Option<i64>, i64)> = on_tx!(&mut tx, conn => {
            sqlx::query_as("SELECT quantity, delivered_units FROM contract_lines WHERE id = $1")
                .bind(draft.line_id)
                .fetch_optional(conn)
                .await?
        });
        return Ok(match line {
            Some((Some(quantity), delivered)) => Recorded::TooMany {
                remaining: quantity - delivered,
            },
            Some((None, _)) | None => Recorded::MissingLine,
        });
    }
    let now = Utc::now().trunc_subsecs(6);
    let id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO deliveries (line_id, delivered_on, delivered_year, units, confidence, notes, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
        )
        .bind(draft.line_id)
        .bind(draft.delivered_on.to_string())
        .bind(draft.delivered_on.year())
        .bind(units)
        .bind(draft.confidence.as_str())
        .bind(&draft.notes)
        .bind(now)
        .fetch_one(conn)
        .await?
    });
    super::rollup::apply(&mut tx, Affected::Line(draft.line_id), 1).await?;
    audit::record(&mut tx, RecordKind::Delivery, id, None).await?;
    tx.commit().await?;
    Ok(Recorded::Done { id })
}

/// One row of the deliveries list.
#[derive(Debug, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub delivered_on: String,
    pub units: i64,
    pub confidence: String,
    pub notes: String,
    pub contract_id: i64,
    pub contract_title: String,
    pub buyer_code: String,
    pub designation: String,
}

/// The rows of `filter`'s page of deliveries, and one more when a page follows, with its
/// arguments.
pub fn page_sql(filter: &crate::domain::filter::ContractFilter) -> (String, super::args::Args) {
    use crate::domain::filter::PER_PAGE;
    let mut args = super::args::Args::default();
    let from = from_where(filter, &mut args);
    let limit = args.int(i64::from(PER_PAGE) + 1);
    let offset = args.int((i64::from(filter.page.max(1)) - 1) * i64::from(PER_PAGE));
    let sql = format!(
        "SELECT d.id, d.delivered_on, d.units, d.confidence, d.notes, c.id AS contract_id, c.title AS contract_title, \
         c.buyer_code, s.designation {from} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        order = order_by(filter)
    );
    (sql, args)
}

/// A page of the deliveries list: its rows (and one more when a page follows), the number of
/// matching deliveries counted up to [`crate::domain::register::COUNT_CAP`] and one more, and their
/// units when they were all counted.
pub struct Listed {
    pub rows: Vec<DeliveryRow>,
    pub counted: i64,
    pub units: Option<i64>,
}

/// Deliveries, newest first, for a buyer and/or a system (with its variants) and a range of
/// delivery years, 25 to a page; with the number of matching deliveries and their units, counted
/// up to a cap as the contract list counts.
#[tracing::instrument(name = "db.deliveries.list", skip(db))]
pub async fn list(db: &Db, filter: &crate::domain::filter::ContractFilter) -> Result<Listed> {
    use super::args::{Args, bind_all};
    let mut args = Args::default();
    let from = from_where(filter, &mut args);
    let totals_sql = format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(units), 0) AS BIGINT) FROM (SELECT d.units {from} LIMIT {}) counted",
        crate::domain::register::COUNT_CAP + 1
    );
    let (rows_sql, rows_args) = page_sql(filter);
    let (counted, units, rows) = on_db!(db, pool => {
        let (counted, units): (i64, i64) = bind_all!(sqlx::query_as(&totals_sql), args.0).fetch_one(pool).await?;
        let rows = bind_all!(sqlx::query_as::<_, DeliveryRow>(&rows_sql), rows_args.0).fetch_all(pool).await?;
        (counted, units, rows)
    });
    Ok(Listed {
        rows,
        counted,
        units: (counted <= crate::domain::register::COUNT_CAP).then_some(units),
    })
}

/// The FROM and WHERE of the deliveries matching `filter` (aliases `d`, `l`, `c`, `s`): its
/// buyer, framework agreement, system (with its variants), delivery years, and whether its
/// contract is behind schedule.
pub(super) fn from_where(
    filter: &crate::domain::filter::ContractFilter,
    args: &mut super::args::Args,
) -> String {
    let mut clauses = vec!["1 = 1".to_owned()];
    if let Some(buyer) = filter.buyer {
        clauses.push(format!("c.buyer_code = {}", args.text(buyer.as_str())));
    }
    if let Some(agreement) = filter.agreement {
        clauses.push(format!("c.agreement_id = {}", args.int(agreement)));
    }
    if let Some(system) = filter.system {
        let p = args.int(system);
        clauses.push(format!("(s.id = {p} OR s.variant_of_id = {p})"));
    }
    if let Some(from) = filter.year_from {
        clauses.push(format!("d.delivered_year >= {}", args.int(from.into())));
    }
    if let Some(to) = filter.year_to {
        clauses.push(format!("d.delivered_year <= {}", args.int(to.into())));
    }
    if filter.behind {
        clauses.push(super::plans::behind_schedule(
            chrono::Utc::now().date_naive(),
            args,
        ));
    }
    format!(
        "FROM deliveries d JOIN contract_lines l ON l.id = d.line_id JOIN contracts c ON c.id = l.contract_id \
         JOIN systems s ON s.id = l.system_id WHERE {}",
        clauses.join(" AND ")
    )
}

/// The order of the deliveries list: by date (the default, newest first), contract, buyer or
/// units; the other sorts of the shared list filter fall back to the date.
pub(super) fn order_by(filter: &crate::domain::filter::ContractFilter) -> String {
    use crate::domain::filter::DealSort;
    let dir = if filter.descending { "DESC" } else { "ASC" };
    let key = match filter.sort {
        DealSort::Title => format!("lower(c.title) {dir}"),
        DealSort::Buyer => format!("(SELECT name FROM countries WHERE code = c.buyer_code) {dir}"),
        DealSort::Units => format!("d.units {dir}"),
        _ => format!("d.delivered_on {dir}"),
    };
    format!("{key}, d.id {dir}")
}
