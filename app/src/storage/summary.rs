//! Portfolio totals, summed by the database (GROUP BY over integer minor units: exact, and the
//! same on both backends). The contract filters are the contract list's own WHERE clause, and a
//! confidence level counts what [`Level`] says for the list too, so a total and the list behind
//! it always agree.

use super::args::{Args, bind_all};
use super::{Db, Result, on_db};
use crate::domain::filter::ContractFilter;
use crate::domain::summary::{Counting, Dimension, Level};
use crate::domain::{Confidence, StatusGroup};

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

/// `l.quantity_confidence IN (…)` for the quantities whose units count at `level`.
fn counted_quantity(level: Option<Confidence>, args: &mut Args) -> String {
    let levels: Vec<String> = Level(level)
        .quantity_confidences()
        .iter()
        .map(|c| args.text(c.as_str()))
        .collect();
    format!("l.quantity_confidence IN ({})", levels.join(", "))
}

/// The contracts a summary of `filter` adds up: the contract list's WHERE clause for
/// [`ContractFilter::summed`] (its confidence level included: it picks the contracts).
fn summed_where(filter: &ContractFilter, args: &mut Args) -> String {
    super::contracts::where_clause(&filter.summed(), args)
}

const FROM: &str = "FROM contracts c JOIN countries bc ON bc.code = c.buyer_code \
     LEFT JOIN firms f ON f.id = c.supplier_id LEFT JOIN agreements a ON a.id = c.agreement_id";

/// Totals of the contracts matching `filter`, grouped by `dimension` (everything in one group
/// for `None`): counts and units per group, and values per group and currency. Cancelled
/// contracts count only when the filter asks for them by status. At `level` (the filter's
/// confidence), the contracts, values and units count that [`Level`] says.
///
/// Read from the maintained cells ([`super::rollup`]) when they hold the answer, else summed
/// over the contracts ([`groups_from_contracts`]).
#[tracing::instrument(name = "db.summary.groups", skip(db))]
pub async fn groups(
    db: &Db,
    filter: &ContractFilter,
    dimension: Option<Dimension>,
    level: Option<Confidence>,
) -> Result<(Vec<GroupRow>, Vec<ValueRow>, Vec<UsdRow>)> {
    if let Some((signed, pipeline)) = split_off_the_pipeline(filter)
        && let Some(cells) = Cells::for_filter(&signed, dimension)
    {
        let signed = cells.groups(db, dimension, level).await?;
        let pipeline = groups_from_contracts(db, &pipeline, dimension, level).await?;
        return Ok(added(signed, pipeline));
    }
    match Cells::for_filter(filter, dimension) {
        Some(cells) => cells.groups(db, dimension, level).await,
        None => groups_from_contracts(db, filter, dimension, level).await,
    }
}

/// A filter counting the pipeline too, as two: the contracts in force (which the maintained
/// cells may answer) and those in the pipeline (summed over themselves: they are few, and the
/// status index finds them), whose totals add up to the filter's.
fn split_off_the_pipeline(filter: &ContractFilter) -> Option<(ContractFilter, ContractFilter)> {
    (filter.group == Some(StatusGroup::InForceOrPipeline) && filter.status.is_none()).then(|| {
        let with = |group| ContractFilter {
            group: Some(group),
            ..filter.clone()
        };
        (with(StatusGroup::InForce), with(StatusGroup::Pipeline))
    })
}

/// Two sets of summary rows added together, group by group (and currency by currency).
fn added(
    (mut counts, mut values, mut usd): (Vec<GroupRow>, Vec<ValueRow>, Vec<UsdRow>),
    (more_counts, more_values, more_usd): (Vec<GroupRow>, Vec<ValueRow>, Vec<UsdRow>),
) -> (Vec<GroupRow>, Vec<ValueRow>, Vec<UsdRow>) {
    for row in more_counts {
        match counts.iter_mut().find(|c| c.key == row.key) {
            Some(c) => {
                c.contracts += row.contracts;
                c.ordered += row.ordered;
                c.delivered += row.delivered;
                c.label = c.label.take().or(row.label);
            }
            None => counts.push(row),
        }
    }
    counts.sort_by(|a, b| a.label.cmp(&b.label));
    for row in more_values {
        match values
            .iter_mut()
            .find(|v| v.key == row.key && v.currency == row.currency)
        {
            Some(v) => {
                v.valued += row.valued;
                v.value_minor += row.value_minor;
            }
            None => values.push(row),
        }
    }
    values.sort_by(|a, b| (&a.key, &a.currency).cmp(&(&b.key, &b.currency)));
    for row in more_usd {
        match usd.iter_mut().find(|u| u.key == row.key) {
            Some(u) => {
                u.usd_minor += row.usd_minor;
                u.without_usd += row.without_usd;
            }
            None => usd.push(row),
        }
    }
    usd.sort_by(|a, b| a.key.cmp(&b.key));
    (counts, values, usd)
}

/// The summary's cells that answer a filter: which grouping, and the conditions on its keys.
/// Only filters on buyer, supplier (or none recorded) and signed years (or none recorded) can be
/// read from cells (the contracts in force, as by default).
struct Cells {
    grouping: &'static str,
    conditions: Vec<String>,
    args: Args,
}

impl Cells {
    fn for_filter(filter: &ContractFilter, dimension: Option<Dimension>) -> Option<Cells> {
        let ContractFilter {
            q: None,
            system: None,
            category: None,
            status: None,
            group: None | Some(StatusGroup::InForce),
            agreement: None,
            behind: false,
            ..
        } = filter
        else {
            return None;
        };
        let narrowed = filter.buyer.is_some()
            || filter.supplier.is_some()
            || filter.no_supplier
            || filter.year_from.is_some()
            || filter.year_to.is_some()
            || filter.undated;
        let grouping = match (narrowed, dimension) {
            (true, Some(Dimension::System)) => "fine_system",
            (true, Some(Dimension::Category)) => "fine_category",
            (true, _) => "fine",
            (false, None) => "total",
            (false, Some(Dimension::Buyer)) => "buyer",
            (false, Some(Dimension::Supplier)) => "supplier",
            (false, Some(Dimension::Year)) => "year",
            (false, Some(Dimension::System)) => "system",
            (false, Some(Dimension::Category)) => "category",
        };
        let mut args = Args::default();
        let mut conditions = vec![format!("sc.grouped_by = {}", args.text(grouping))];
        if let Some(buyer) = filter.buyer {
            conditions.push(format!("sc.buyer_code = {}", args.text(buyer.as_str())));
        }
        if let Some(supplier) = filter.supplier {
            conditions.push(format!("sc.supplier_id = {}", args.int(supplier)));
        }
        // 0 is "none recorded" in the cells' keys.
        if filter.no_supplier {
            conditions.push("sc.supplier_id = 0".into());
        }
        if filter.undated {
            conditions.push("sc.signed_year = 0".into());
        }
        if filter.year_from.is_some() || filter.year_to.is_some() {
            // 0 is "no year recorded", which a year range leaves out.
            conditions.push("sc.signed_year <> 0".into());
        }
        if let Some(from) = filter.year_from {
            conditions.push(format!("sc.signed_year >= {}", args.int(from.into())));
        }
        if let Some(to) = filter.year_to {
            conditions.push(format!("sc.signed_year <= {}", args.int(to.into())));
        }
        Some(Cells {
            grouping,
            conditions,
            args,
        })
    }

    /// The cells for the stacked chart: by year and buyer or supplier.
    fn for_year_stacks(filter: &ContractFilter, stack: Dimension) -> Option<Cells> {
        let mut cells = Cells::for_filter(filter, None)?;
        if cells.grouping == "total" {
            // Unfiltered: the cells kept by year and buyer or supplier.
            cells.grouping = match stack {
                Dimension::Buyer => "year_buyer",
                _ => "year_supplier",
            };
            cells.args = Args::default();
            cells.conditions = vec![format!(
                "sc.grouped_by = {}",
                cells.args.text(cells.grouping)
            )];
        }
        Some(cells)
    }

    async fn groups(
        self,
        db: &Db,
        dimension: Option<Dimension>,
        level: Option<Confidence>,
    ) -> Result<(Vec<GroupRow>, Vec<ValueRow>, Vec<UsdRow>)> {
        let level = level_suffix(level);
        let (key, label) = match dimension {
            Some(Dimension::Buyer) => ("sc.buyer_code", "bc.name"),
            Some(Dimension::Supplier) => (
                "CASE WHEN sc.supplier_id = 0 THEN NULL ELSE CAST(sc.supplier_id AS TEXT) END",
                "f.name",
            ),
            Some(Dimension::Year) => {
                let year =
                    "CASE WHEN sc.signed_year = 0 THEN NULL ELSE CAST(sc.signed_year AS TEXT) END";
                (year, year)
            }
            Some(Dimension::System) => ("CAST(sc.system_id AS TEXT)", "b.designation"),
            Some(Dimension::Category) => ("sc.category", "sc.category"),
            None => ("'all'", "'All contracts'"),
        };
        let from = format!(
            "FROM summary_cells sc LEFT JOIN countries bc ON bc.code = sc.buyer_code \
             LEFT JOIN firms f ON f.id = sc.supplier_id LEFT JOIN systems b ON b.id = sc.system_id \
             WHERE {}",
            self.conditions.join(" AND ")
        );
        let counts_sql = format!(
            "SELECT {key} AS key, {label} AS label, CAST(SUM(sc.contracts_{level}) AS BIGINT) AS contracts, \
             CAST(SUM(sc.ordered_{level}) AS BIGINT) AS ordered, \
             CAST(SUM(sc.delivered_{level}) AS BIGINT) AS delivered \
             {from} GROUP BY 1, 2 HAVING SUM(sc.contracts_{level}) > 0 ORDER BY 2"
        );
        let values_sql = format!(
            "SELECT {key} AS key, sc.currency AS currency, CAST(SUM(sc.valued_{level}) AS BIGINT) AS valued, \
             CAST(SUM(sc.value_{level}) AS BIGINT) AS value_minor \
             {from} AND sc.currency <> '' GROUP BY 1, 2 HAVING SUM(sc.valued_{level}) > 0 ORDER BY 1, 2"
        );
        let usd_sql = format!(
            "SELECT {key} AS key, CAST(SUM(sc.usd_{level}) AS BIGINT) AS usd_minor, \
             CAST(SUM(sc.without_usd_{level}) AS BIGINT) AS without_usd \
             {from} GROUP BY 1 HAVING SUM(sc.valued_{level}) > 0 ORDER BY 1"
        );
        let args = self.args.0;
        Ok(on_db!(db, pool => {
            let counts = bind_all!(sqlx::query_as::<_, GroupRow>(&counts_sql), args.clone()).fetch_all(pool).await?;
            let values = bind_all!(sqlx::query_as::<_, ValueRow>(&values_sql), args.clone()).fetch_all(pool).await?;
            let usd = bind_all!(sqlx::query_as::<_, UsdRow>(&usd_sql), args.clone()).fetch_all(pool).await?;
            (counts, values, usd)
        }))
    }
}

/// The column suffix of the cells' measures at a confidence level (see
/// [`super::rollup::LEVELS`]).
fn level_suffix(level: Option<Confidence>) -> &'static str {
    super::rollup::suffix(level)
}

/// [`groups`] summed over the contracts themselves: for the filters the cells cannot answer,
/// and the reference the cells are tested (and benchmarked) against.
#[tracing::instrument(name = "db.summary.groups_from_contracts", skip(db))]
pub async fn groups_from_contracts(
    db: &Db,
    filter: &ContractFilter,
    dimension: Option<Dimension>,
    level: Option<Confidence>,
) -> Result<(Vec<GroupRow>, Vec<ValueRow>, Vec<UsdRow>)> {
    // The level picks the contracts (in the WHERE clause) and, of them, the lines whose units
    // count; a counted contract's values all count.
    let filter = ContractFilter {
        confidence: level,
        ..filter.clone()
    };
    // Each query binds exactly the parameters it uses (PostgreSQL refuses unused ones).
    let (mut count_args, mut value_args) = (Args::default(), Args::default());
    let count_where = summed_where(&filter, &mut count_args);
    let quantity_ok = counted_quantity(level, &mut count_args);
    let value_where = summed_where(&filter, &mut value_args);
    let by_line = matches!(dimension, Some(Dimension::System | Dimension::Category));
    let counted = |expression: &str| weighted(expression, filter.counting);
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
        // A line's value is its own, or its contract's when the contract has only this line.
        let single = "(SELECT COUNT(*) FROM contract_lines x WHERE x.contract_id = c.id) = 1";
        let value = format!(
            "CASE WHEN l.value_minor IS NOT NULL THEN l.value_minor WHEN {single} THEN c.value_minor END"
        );
        let counted_value = counted(&value);
        let currency = format!(
            "CASE WHEN l.value_minor IS NOT NULL THEN l.value_currency WHEN {single} THEN c.value_currency END"
        );
        let usd = format!(
            "CASE WHEN l.value_minor IS NOT NULL THEN l.usd_minor WHEN {single} THEN c.usd_minor END"
        );
        let counted_usd = counted(&usd);
        (
            format!(
                "SELECT {key} AS key, {label} AS label, CAST(COUNT(DISTINCT c.id) AS BIGINT) AS contracts, \
                 CAST(COALESCE(SUM(CASE WHEN {quantity_ok} THEN l.quantity END), 0) AS BIGINT) AS ordered, \
                 CAST(COALESCE(SUM(CASE WHEN {quantity_ok} THEN l.delivered_units END), 0) AS BIGINT) AS delivered \
                 {FROM} {lines} WHERE {count_where} GROUP BY 1, 2 ORDER BY 2"
            ),
            format!(
                "SELECT {key} AS key, {currency} AS currency, CAST(COUNT(DISTINCT c.id) AS BIGINT) AS valued, \
                 CAST(SUM({counted_value}) AS BIGINT) AS value_minor \
                 {FROM} {lines} WHERE {value_where} AND ({value}) IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2"
            ),
            // Values without a USD equivalent are counted per line value here.
            Some(format!(
                "SELECT {key} AS key, CAST(COALESCE(SUM({counted_usd}), 0) AS BIGINT) AS usd_minor, \
                 CAST(COUNT(CASE WHEN ({usd}) IS NULL THEN 1 END) AS BIGINT) AS without_usd \
                 {FROM} {lines} WHERE {value_where} AND ({value}) IS NOT NULL GROUP BY 1 ORDER BY 1"
            )),
        )
    } else {
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
                 CAST(SUM({value}) AS BIGINT) AS value_minor \
                 {FROM} WHERE {value_where} AND c.value_minor IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
                value = counted("c.value_minor"),
            ),
            Some(format!(
                "SELECT {key} AS key, CAST(COALESCE(SUM({usd}), 0) AS BIGINT) AS usd_minor, \
                 CAST(COUNT(CASE WHEN c.usd_minor IS NULL THEN 1 END) AS BIGINT) AS without_usd \
                 {FROM} WHERE {value_where} AND c.value_minor IS NOT NULL GROUP BY 1 ORDER BY 1",
                usd = counted("c.usd_minor"),
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
    if let Some((signed, pipeline)) = split_off_the_pipeline(filter)
        && Cells::for_year_stacks(&signed, stack).is_some()
    {
        let mut rows = Box::pin(usd_by_year(db, &signed, stack, level)).await?;
        for (year, label, cents) in usd_by_year_from_contracts(db, &pipeline, stack, level).await? {
            match rows.iter_mut().find(|(y, l, _)| *y == year && *l == label) {
                Some(row) => row.2 += cents,
                None => rows.push((year, label, cents)),
            }
        }
        rows.sort();
        return Ok(rows);
    }
    let Some(cells) = Cells::for_year_stacks(filter, stack) else {
        return usd_by_year_from_contracts(db, filter, stack, level).await;
    };
    let level = level_suffix(level);
    let label = match stack {
        Dimension::Buyer => "bc.name",
        _ => "f.name",
    };
    let sql = format!(
        "SELECT sc.signed_year, {label}, CAST(SUM(sc.usd_{level}) AS BIGINT) \
         FROM summary_cells sc LEFT JOIN countries bc ON bc.code = sc.buyer_code \
         LEFT JOIN firms f ON f.id = sc.supplier_id \
         WHERE {} AND sc.signed_year <> 0 GROUP BY 1, 2 \
         HAVING SUM(sc.valued_{level}) - SUM(sc.without_usd_{level}) > 0 ORDER BY 1, 2",
        cells.conditions.join(" AND ")
    );
    Ok(on_db!(db, pool => {
        bind_all!(sqlx::query_as::<_, (i32, Option<String>, i64)>(&sql), cells.args.0).fetch_all(pool).await?
    }))
}

/// [`usd_by_year`] summed over the contracts themselves.
pub async fn usd_by_year_from_contracts(
    db: &Db,
    filter: &ContractFilter,
    stack: Dimension,
    level: Option<Confidence>,
) -> Result<Vec<(i32, Option<String>, i64)>> {
    let filter = ContractFilter {
        confidence: level,
        ..filter.clone()
    };
    let mut args = Args::default();
    let where_sql = summed_where(&filter, &mut args);
    let label = match stack {
        Dimension::Buyer => "bc.name",
        _ => "f.name",
    };
    let sql = format!(
        "SELECT c.signed_year, {label}, CAST(SUM({usd}) AS BIGINT) {FROM} \
         WHERE {where_sql} AND c.value_minor IS NOT NULL AND c.signed_year IS NOT NULL AND c.usd_minor IS NOT NULL \
         GROUP BY 1, 2 ORDER BY 1, 2",
        usd = weighted("c.usd_minor", filter.counting),
    );
    Ok(on_db!(db, pool => {
        bind_all!(sqlx::query_as::<_, (i32, Option<String>, i64)>(&sql), args.0).fetch_all(pool).await?
    }))
}

/// An amount of the contract `c` as a summary counting `counting` adds it up: weighted, a
/// deal's amount times its probability of signing (whole percent; 100 for a signed deal, which
/// has none), rounded half up to the minor unit per deal, so the sums stay integers that
/// cannot overflow where the face values do not.
fn weighted(amount: &str, counting: Counting) -> String {
    match counting {
        Counting::Weighted => format!("((({amount}) * COALESCE(c.probability, 100) + 50) / 100)"),
        Counting::Signed | Counting::Pipeline => amount.to_owned(),
    }
}

/// Units planned, and delivered on the lines that have a plan, by year for the contracts
/// matching `filter`, at `level` (a plan's or delivery's own confidence, of a contract that
/// counts): `(from_year, to_year,
/// planned, delivered)`, a plan over a span of years in a row of its own. Read from the
/// maintained cells when they hold the answer ([`super::rollup`]), else summed over the plans
/// and deliveries of the contracts.
#[tracing::instrument(name = "db.summary.schedule", skip(db))]
pub async fn schedule_by_year(
    db: &Db,
    filter: &ContractFilter,
    level: Option<Confidence>,
) -> Result<Vec<(i32, i32, i64, i64)>> {
    if let Some((signed, pipeline)) = split_off_the_pipeline(filter)
        && Cells::for_filter(&signed, None).is_some()
    {
        let mut rows = Box::pin(schedule_by_year(db, &signed, level)).await?;
        for (from, to, planned, delivered) in schedule_from_contracts(db, &pipeline, level).await? {
            match rows.iter_mut().find(|r| r.0 == from && r.1 == to) {
                Some(row) => {
                    row.2 += planned;
                    row.3 += delivered;
                }
                None => rows.push((from, to, planned, delivered)),
            }
        }
        rows.sort();
        return Ok(rows);
    }
    let Some(cells) = Cells::for_filter(filter, None) else {
        return schedule_from_contracts(db, filter, level).await;
    };
    let level = level_suffix(level);
    let sql = format!(
        "SELECT sc.from_year, sc.to_year, CAST(SUM(sc.planned_{level}) AS BIGINT), \
         CAST(SUM(sc.delivered_{level}) AS BIGINT) FROM schedule_cells sc WHERE {} \
         GROUP BY 1, 2 HAVING SUM(sc.planned_{level}) > 0 OR SUM(sc.delivered_{level}) > 0 ORDER BY 1, 2",
        cells.conditions.join(" AND ")
    );
    Ok(on_db!(db, pool => {
        bind_all!(sqlx::query_as::<_, (i32, i32, i64, i64)>(&sql), cells.args.0).fetch_all(pool).await?
    }))
}

/// [`schedule_by_year`] summed over the contracts' plans and deliveries: for the filters the
/// cells cannot answer, and the reference the cells are tested against. A filter by system or
/// category counts only the lines of that system (with its variants) or category.
pub async fn schedule_from_contracts(
    db: &Db,
    filter: &ContractFilter,
    level: Option<Confidence>,
) -> Result<Vec<(i32, i32, i64, i64)>> {
    let filter = ContractFilter {
        confidence: level,
        ..filter.clone()
    };
    let lines_only = ContractFilter {
        confidence: None,
        ..filter.clone()
    };
    let mut args = Args::default();
    let mut part = |table: &str, years: &str, planned: bool| {
        let where_sql = summed_where(&filter, &mut args);
        let lines = super::contracts::counted_lines(&lines_only, &mut args, "l");
        let counted: Vec<String> = Level(level)
            .quantity_confidences()
            .iter()
            .map(|c| args.text(c.as_str()))
            .collect();
        let units = format!(
            "CASE WHEN x.confidence IN ({}) THEN x.units ELSE 0 END",
            counted.join(", ")
        );
        let (planned, delivered) = if planned {
            (units, "0".to_owned())
        } else {
            ("0".to_owned(), units)
        };
        format!(
            "SELECT {years}, {planned} AS planned, {delivered} AS delivered FROM contracts c \
             JOIN contract_lines l ON l.contract_id = c.id JOIN {table} x ON x.line_id = l.id \
             WHERE {where_sql} AND {lines}"
        )
    };
    let plans = part("delivery_plans", "x.from_year, x.to_year", true);
    let deliveries = format!(
        "{} AND EXISTS (SELECT 1 FROM delivery_plans lp WHERE lp.line_id = l.id)",
        part(
            "deliveries",
            "x.delivered_year AS from_year, x.delivered_year AS to_year",
            false,
        )
    );
    let sql = format!(
        "SELECT from_year, to_year, CAST(SUM(planned) AS BIGINT), CAST(SUM(delivered) AS BIGINT) \
         FROM ({plans} UNION ALL {deliveries}) t GROUP BY 1, 2 \
         HAVING SUM(planned) > 0 OR SUM(delivered) > 0 ORDER BY 1, 2"
    );
    Ok(on_db!(db, pool => {
        bind_all!(sqlx::query_as::<_, (i32, i32, i64, i64)>(&sql), args.0).fetch_all(pool).await?
    }))
}
