//! Portfolio totals, summed by the database (GROUP BY over integer minor units: exact, and the
//! same on both backends). The contract filters are the contract list's own WHERE clause, so a
//! total and the list behind it always agree.

use super::args::{Args, bind_all};
use super::{Db, Result, on_db};
use crate::domain::Confidence;
use crate::domain::filter::ContractFilter;
use crate::domain::summary::Dimension;

/// A group's counts: contracts and units.
#[derive(Debug, sqlx::FromRow)]
pub struct GroupRow {
    pub key: Option<String>,
    pub label: Option<String>,
    pub contracts: i64,
    pub ordered: i64,
    pub delivered: i64,
}

/// A group's value in one currency, and how many contracts it adds up.
#[derive(Debug, sqlx::FromRow)]
pub struct ValueRow {
    pub key: Option<String>,
    pub currency: String,
    pub valued: i64,
    pub value_minor: i64,
}

/// A group's values in US dollars (at each contract's rate) and how many counted values have
/// no USD equivalent (no rate on or before their signing date).
#[derive(Debug, sqlx::FromRow)]
pub struct UsdRow {
    pub key: Option<String>,
    pub usd_minor: i64,
    pub without_usd: i64,
}

/// `column IN (levels)` for the confidences counted at `level` (`IS NOT NULL` when everything
/// counts).
fn counted(column: &str, level: Option<Confidence>, args: &mut Args) -> String {
    match level {
        None => format!("{column} IS NOT NULL"),
        Some(level) => {
            let levels: Vec<String> = level
                .at_least()
                .iter()
                .map(|c| args.text(c.as_str()))
                .collect();
            format!("{column} IN ({})", levels.join(", "))
        }
    }
}

const FROM: &str = "FROM contracts c JOIN countries bc ON bc.code = c.buyer_code \
     LEFT JOIN firms f ON f.id = c.supplier_id LEFT JOIN agreements a ON a.id = c.agreement_id";

/// Totals of the contracts matching `filter`, grouped by `dimension` (everything in one group
/// for `None`): counts and units per group, and values per group and currency. Cancelled
/// contracts count only when the filter asks for them by status. Values count when their
/// confidence is at `level`, units when their line's quantity confidence is.
#[tracing::instrument(name = "db.summary.groups", skip(db))]
pub async fn groups(
    db: &Db,
    filter: &ContractFilter,
    dimension: Option<Dimension>,
    level: Option<Confidence>,
) -> Result<(Vec<GroupRow>, Vec<ValueRow>, Vec<UsdRow>)> {
    // Confidence is a level here, not a row filter: it picks which figures add up.
    let unfiltered = ContractFilter {
        confidence: None,
        ..filter.clone()
    };
    // Each query binds exactly the parameters it uses (PostgreSQL refuses unused ones).
    let filtered = |args: &mut Args| {
        let mut where_sql = super::contracts::where_clause(&unfiltered, args);
        if filter.status.is_none() {
            where_sql.push_str(" AND c.status <> 'cancelled'");
        }
        where_sql
    };
    let (mut count_args, mut value_args) = (Args::default(), Args::default());
    let count_where = filtered(&mut count_args);
    let quantity_ok = counted("l.quantity_confidence", level, &mut count_args);
    let value_where = filtered(&mut value_args);
    let by_line = matches!(dimension, Some(Dimension::System | Dimension::Category));
    let (key, label) = match dimension {
        Some(Dimension::Buyer) => ("c.buyer_code", "bc.name"),
        Some(Dimension::Supplier) => ("CAST(c.supplier_id AS TEXT)", "f.name"),
        Some(Dimension::Year) => ("CAST(c.signed_year AS TEXT)", "CAST(c.signed_year AS TEXT)"),
        Some(Dimension::System) => ("CAST(b.id AS TEXT)", "b.designation"),
        Some(Dimension::Category) => ("s.category", "s.category"),
        None => ("'all'", "'All contracts'"),
    };
    let (counts_sql, values_sql, usd_sql) = if by_line {
        let lines = "JOIN contract_lines l ON l.contract_id = c.id JOIN systems s ON s.id = l.system_id \
             JOIN systems b ON b.id = COALESCE(s.variant_of_id, s.id)";
        // A line has no value confidence of its own: its contract's, else its quantity's.
        let value_ok = counted(
            "COALESCE(c.value_confidence, l.quantity_confidence)",
            level,
            &mut value_args,
        );
        // A line's value is its own, or its contract's when the contract has only this line.
        let single = "(SELECT COUNT(*) FROM contract_lines x WHERE x.contract_id = c.id) = 1";
        let value = format!(
            "CASE WHEN l.value_minor IS NOT NULL THEN l.value_minor WHEN {single} THEN c.value_minor END"
        );
        let currency = format!(
            "CASE WHEN l.value_minor IS NOT NULL THEN l.value_currency WHEN {single} THEN c.value_currency END"
        );
        (
            format!(
                "SELECT {key} AS key, {label} AS label, CAST(COUNT(DISTINCT c.id) AS BIGINT) AS contracts, \
                 CAST(COALESCE(SUM(CASE WHEN {quantity_ok} THEN l.quantity END), 0) AS BIGINT) AS ordered, \
                 CAST(COALESCE(SUM(CASE WHEN {quantity_ok} THEN l.delivered_units END), 0) AS BIGINT) AS delivered \
                 {FROM} {lines} WHERE {count_where} GROUP BY 1, 2 ORDER BY 2"
            ),
            format!(
                "SELECT {key} AS key, {currency} AS currency, CAST(COUNT(DISTINCT c.id) AS BIGINT) AS valued, \
                 CAST(SUM({value}) AS BIGINT) AS value_minor \
                 {FROM} {lines} WHERE {value_where} AND {value_ok} AND ({value}) IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2"
            ),
            // Line values have no USD equivalents of their own: no USD totals by system.
            None,
        )
    } else {
        let value_ok = counted("c.value_confidence", level, &mut value_args);
        (
            format!(
                "SELECT {key} AS key, {label} AS label, CAST(COUNT(*) AS BIGINT) AS contracts, \
                 CAST(COALESCE(SUM(u.ordered), 0) AS BIGINT) AS ordered, \
                 CAST(COALESCE(SUM(u.delivered), 0) AS BIGINT) AS delivered \
                 {FROM} LEFT JOIN (SELECT l.contract_id, \
                     SUM(CASE WHEN {quantity_ok} THEN l.quantity END) AS ordered, \
                     SUM(CASE WHEN {quantity_ok} THEN l.delivered_units END) AS delivered \
                   FROM contract_lines l GROUP BY l.contract_id) u ON u.contract_id = c.id \
                 WHERE {count_where} GROUP BY 1, 2 ORDER BY 2"
            ),
            format!(
                "SELECT {key} AS key, c.value_currency AS currency, CAST(COUNT(*) AS BIGINT) AS valued, \
                 CAST(SUM(c.value_minor) AS BIGINT) AS value_minor \
                 {FROM} WHERE {value_where} AND {value_ok} GROUP BY 1, 2 ORDER BY 1, 2"
            ),
            Some(format!(
                "SELECT {key} AS key, CAST(COALESCE(SUM(c.usd_minor), 0) AS BIGINT) AS usd_minor, \
                 CAST(COUNT(CASE WHEN c.usd_minor IS NULL THEN 1 END) AS BIGINT) AS without_usd \
                 {FROM} WHERE {value_where} AND {value_ok} GROUP BY 1 ORDER BY 1"
            )),
        )
    };
    Ok(on_db!(db, pool => {
        let counts = bind_all!(sqlx::query_as::<_, GroupRow>(&counts_sql), count_args.0.clone()).fetch_all(pool).await?;
        let values = bind_all!(sqlx::query_as::<_, ValueRow>(&values_sql), value_args.0.clone()).fetch_all(pool).await?;
        let usd = match &usd_sql {
            Some(sql) => bind_all!(sqlx::query_as::<_, UsdRow>(sql), value_args.0.clone()).fetch_all(pool).await?,
            None => Vec::new(),
        };
        (counts, values, usd)
    }))
}

/// The USD value of the contracts matching `filter`, by signed year and by buyer or supplier
/// (`stack`): `(year, label, US cents)`, for the stacked chart. Values without a year or a USD
/// equivalent are left out (the page says how many).
#[tracing::instrument(name = "db.summary.by_year", skip(db))]
pub async fn usd_by_year(
    db: &Db,
    filter: &ContractFilter,
    stack: Dimension,
    level: Option<Confidence>,
) -> Result<Vec<(i32, Option<String>, i64)>> {
    let unfiltered = ContractFilter {
        confidence: None,
        ..filter.clone()
    };
    let mut args = Args::default();
    let mut where_sql = super::contracts::where_clause(&unfiltered, &mut args);
    if filter.status.is_none() {
        where_sql.push_str(" AND c.status <> 'cancelled'");
    }
    let value_ok = counted("c.value_confidence", level, &mut args);
    let label = match stack {
        Dimension::Buyer => "bc.name",
        _ => "f.name",
    };
    let sql = format!(
        "SELECT c.signed_year, {label}, CAST(SUM(c.usd_minor) AS BIGINT) {FROM} \
         WHERE {where_sql} AND {value_ok} AND c.signed_year IS NOT NULL AND c.usd_minor IS NOT NULL \
         GROUP BY 1, 2 ORDER BY 1, 2"
    );
    Ok(on_db!(db, pool => {
        bind_all!(sqlx::query_as::<_, (i32, Option<String>, i64)>(&sql), args.0).fetch_all(pool).await?
    }))
}
