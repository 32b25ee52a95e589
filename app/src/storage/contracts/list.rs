//! The filtered, sorted and paged contract list, and the WHERE and ORDER BY clauses the
//! export and the summary share with it.

use super::read::confidence;
use super::{country, named};
use crate::domain::filter::{ContractFilter, DealSort, PER_PAGE};
use crate::domain::register::{ContractSummary, Page};
use crate::domain::summary::Level;
use crate::domain::{Confidence, ContractStatus};
use crate::storage::args::{Args, bind_all, contains_pattern, labels_for};
use crate::storage::provenance::{money, partial_date};
use crate::storage::{Db, Result, StorageError, on_db};

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    title: String,
    buyer_code: String,
    supplier_id: Option<i64>,
    supplier_name: Option<String>,
    agreement_id: Option<i64>,
    agreement_title: Option<String>,
    signed_on: Option<String>,
    status: String,
    value_minor: Option<i64>,
    value_currency: Option<String>,
    value_confidence: Option<String>,
    usd_minor: Option<i64>,
    units_ordered: i64,
    units_delivered: i64,
}

/// The WHERE clause of a filtered contract list, with its arguments.
pub(in crate::storage) fn where_clause(filter: &ContractFilter, args: &mut Args) -> String {
    let mut clauses = vec!["1 = 1".to_owned()];
    if let Some(q) = &filter.q {
        let p = args.text(contains_pattern(q));
        clauses.push(format!(
            "(lower(c.title) LIKE {p} ESCAPE '\\' OR lower(COALESCE(f.name, '')) LIKE {p} ESCAPE '\\' \
             OR lower(c.agency) LIKE {p} ESCAPE '\\' OR lower(c.notes) LIKE {p} ESCAPE '\\' \
             OR EXISTS (SELECT 1 FROM contract_lines ql JOIN systems qs ON qs.id = ql.system_id \
                        WHERE ql.contract_id = c.id AND lower(qs.designation) LIKE {p} ESCAPE '\\'))"
        ));
    }
    if let Some(buyer) = filter.buyer {
        clauses.push(format!("c.buyer_code = {}", args.text(buyer.as_str())));
    }
    if let Some(supplier) = filter.supplier {
        clauses.push(format!("c.supplier_id = {}", args.int(supplier)));
    }
    if filter.no_supplier {
        clauses.push("c.supplier_id IS NULL".into());
    }
    if let Some(agreement) = filter.agreement {
        clauses.push(format!("c.agreement_id = {}", args.int(agreement)));
    }
    if let Some(system) = filter.system {
        let p = args.int(system);
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM contract_lines sl JOIN systems ss ON ss.id = sl.system_id \
             WHERE sl.contract_id = c.id AND (ss.id = {p} OR ss.variant_of_id = {p}))"
        ));
    }
    if let Some(category) = filter.category {
        let p = args.text(category.as_str());
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM contract_lines cl JOIN systems cs ON cs.id = cl.system_id \
             WHERE cl.contract_id = c.id AND cs.category = {p})"
        ));
    }
    if let Some(status) = filter.status {
        clauses.push(format!("c.status = {}", args.text(status.as_str())));
    }
    if filter.not_cancelled {
        clauses.push("c.status <> 'cancelled'".into());
    }
    if let Some(from) = filter.year_from {
        clauses.push(format!("c.signed_year >= {}", args.int(from.into())));
    }
    if let Some(to) = filter.year_to {
        clauses.push(format!("c.signed_year <= {}", args.int(to.into())));
    }
    if filter.undated {
        clauses.push("c.signed_year IS NULL".into());
    }
    if let Some(counted) = Level(filter.confidence).contract_confidences() {
        clauses.push(format!(
            "c.value_confidence IN ({})",
            confidences(counted, args)
        ));
    }
    clauses.join(" AND ")
}

/// `$n, $m` for the confidences `counted`.
fn confidences(counted: &[Confidence], args: &mut Args) -> String {
    let params: Vec<String> = counted.iter().map(|c| args.text(c.as_str())).collect();
    params.join(", ")
}

/// The condition on a contract's line (aliased `l`) for its units to count in a list row (and its
/// export's order) for `filter`: its quantity at the filter's level, and of the filter's system
/// (with its variants) or category. The summary adds up the same lines ([`Level`]).
pub(in crate::storage) fn counted_lines(
    filter: &ContractFilter,
    args: &mut Args,
    l: &str,
) -> String {
    let mut clauses = Vec::new();
    let quantities = Level(filter.confidence).quantity_confidences();
    if quantities.len() < Confidence::ALL.len() {
        clauses.push(format!(
            "{l}.quantity_confidence IN ({})",
            confidences(quantities, args)
        ));
    }
    if let Some(system) = filter.system {
        let p = args.int(system);
        clauses.push(format!(
            "{l}.system_id IN (SELECT us.id FROM systems us WHERE us.id = {p} OR us.variant_of_id = {p})"
        ));
    }
    if let Some(category) = filter.category {
        let p = args.text(category.as_str());
        clauses.push(format!(
            "{l}.system_id IN (SELECT us.id FROM systems us WHERE us.category = {p})"
        ));
    }
    match clauses.is_empty() {
        true => "1 = 1".into(),
        false => clauses.join(" AND "),
    }
}

fn order_by(filter: &ContractFilter) -> String {
    order_by_with(filter, "units_ordered")
}

/// The list's order for a query without the `units_ordered` column (the CSV export).
pub(in crate::storage) fn order_by_plain(filter: &ContractFilter, args: &mut Args) -> String {
    // Only a sort by units binds the lines' parameters (PostgreSQL refuses unused ones).
    let units = match filter.sort {
        DealSort::Units => format!(
            "(SELECT COALESCE(SUM(ul.quantity), 0) FROM contract_lines ul WHERE ul.contract_id = c.id AND {})",
            counted_lines(filter, args, "ul")
        ),
        _ => String::new(),
    };
    order_by_with(filter, &units)
}

fn order_by_with(filter: &ContractFilter, units_ordered: &str) -> String {
    let dir = if filter.descending { "DESC" } else { "ASC" };
    // NULLs last in both directions, on both backends: `(x IS NULL)` sorts false first.
    let key = match filter.sort {
        DealSort::Signed => format!("(c.signed_on IS NULL), c.signed_on {dir}"),
        DealSort::Title => format!("lower(c.title) {dir}"),
        DealSort::Buyer => format!("bc.name {dir}"),
        DealSort::Supplier => format!("(f.name IS NULL), lower(f.name) {dir}"),
        DealSort::Status => format!("c.status {dir}"),
        // By the USD equivalent: amounts in different currencies compare at their rates.
        DealSort::Value => format!("(c.usd_minor IS NULL), c.usd_minor {dir}"),
        DealSort::Units => format!("{units_ordered} {dir}"),
    };
    format!("{key}, c.id {dir}")
}

/// A page of contracts matching `filter`, sorted as it says.
#[tracing::instrument(name = "db.contracts.list", skip(db))]
pub async fn list(db: &Db, filter: &ContractFilter) -> Result<Page<ContractSummary>> {
    let from = "FROM contracts c JOIN countries bc ON bc.code = c.buyer_code \
                LEFT JOIN firms f ON f.id = c.supplier_id LEFT JOIN agreements a ON a.id = c.agreement_id";
    let mut args = Args::default();
    let where_sql = where_clause(filter, &mut args);
    let count_sql = format!("SELECT COUNT(*) {from} WHERE {where_sql}");
    let count_args = args.0.clone();

    let lines = counted_lines(filter, &mut args, "l");
    let limit = args.int(PER_PAGE.into());
    let offset = args.int((i64::from(filter.page.max(1)) - 1) * i64::from(PER_PAGE));
    let rows_sql = format!(
        "SELECT c.id, c.title, c.buyer_code, c.supplier_id, f.name AS supplier_name, c.agreement_id, \
         a.title AS agreement_title, c.signed_on, c.status, c.value_minor, c.value_currency, c.value_confidence, c.usd_minor, \
         CAST(COALESCE((SELECT SUM(l.quantity) FROM contract_lines l WHERE l.contract_id = c.id AND {lines}), 0) AS BIGINT) AS units_ordered, \
         CAST(COALESCE((SELECT SUM(l.delivered_units) FROM contract_lines l WHERE l.contract_id = c.id AND {lines}), 0) AS BIGINT) AS units_delivered \
         {from} WHERE {where_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        order = order_by(filter)
    );
    let (total, rows) = on_db!(db, pool => {
        let total: i64 = bind_all!(sqlx::query_scalar(&count_sql), count_args).fetch_one(pool).await?;
        let rows = bind_all!(sqlx::query_as::<_, SummaryRow>(&rows_sql), args.0).fetch_all(pool).await?;
        (total, rows)
    });
    let systems = system_names(db, rows.iter().map(|r| r.id).collect()).await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            Ok(ContractSummary {
                systems: systems
                    .iter()
                    .filter(|(id, _)| *id == r.id)
                    .map(|(_, s)| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                id: r.id,
                title: r.title,
                buyer: country(&r.buyer_code)?,
                supplier: named(r.supplier_id, r.supplier_name),
                agreement: named(r.agreement_id, r.agreement_title),
                signed_on: partial_date(r.signed_on)?,
                status: ContractStatus::parse(&r.status).map_err(StorageError::Corrupt)?,
                value: money(r.value_minor, r.value_currency.as_deref())?,
                value_confidence: r.value_confidence.as_deref().map(confidence).transpose()?,
                usd: money(r.usd_minor, r.usd_minor.map(|_| "USD"))?,
                units_ordered: r.units_ordered,
                units_delivered: r.units_delivered,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Page {
        rows,
        total,
        page: filter.page.max(1),
        per_page: PER_PAGE,
    })
}

/// `(contract id, designation)` of every line of the given contracts, in line order.
async fn system_names(db: &Db, contract_ids: Vec<i64>) -> Result<Vec<(i64, String)>> {
    labels_for(
        db,
        "SELECT l.contract_id, s.designation FROM contract_lines l JOIN systems s ON s.id = l.system_id \
         WHERE l.contract_id IN ({ids}) ORDER BY l.contract_id, l.position",
        &contract_ids,
    )
    .await
}
