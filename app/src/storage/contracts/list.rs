//! The filtered, sorted and paged contract list, and the WHERE and ORDER BY clauses the
//! export and the summary share with it.

use super::read::confidence;
use super::{country, named};
use crate::domain::filter::{ContractFilter, DealSort, PER_PAGE};
use crate::domain::pipeline::Percent;
use crate::domain::register::{ContractSummary, Page};
use crate::domain::summary::Level;
use crate::domain::{Confidence, ContractStatus, HasStanding};
use crate::storage::args::{Args, bind_all, contains_pattern, labels_for};
use crate::storage::provenance::{money, partial_date};
use crate::storage::register_version::KeptAtVersion;
use crate::storage::{Backend, Db, Result, StorageError, on_db};

pub use crate::domain::register::COUNT_CAP;

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
    likely_signed_on: Option<String>,
    probability: Option<i64>,
    value_minor: Option<i64>,
    value_currency: Option<String>,
    value_confidence: Option<String>,
    usd_minor: Option<i64>,
    units_ordered: i64,
    units_delivered: i64,
    units_late: i64,
}

/// The WHERE clause of a filtered contract list, with its arguments.
pub(in crate::storage) fn where_clause(filter: &ContractFilter, args: &mut Args) -> String {
    let mut clauses = vec!["1 = 1".to_owned()];
    if let Some(q) = &filter.q {
        let p = args.text(contains_pattern(q));
        // Firms, systems and identifiers are few: matching them first turns the search in them
        // into index look-ups instead of a join for every contract.
        clauses.push(format!(
            "(lower(c.title) LIKE {p} ESCAPE '\\' OR lower(c.agency) LIKE {p} ESCAPE '\\' \
             OR lower(c.notes) LIKE {p} ESCAPE '\\' \
             OR c.supplier_id IN (SELECT qf.id FROM firms qf WHERE lower(qf.name) LIKE {p} ESCAPE '\\') \
             OR c.id IN (SELECT ql.contract_id FROM contract_lines ql WHERE ql.system_id IN \
                        (SELECT qs.id FROM systems qs WHERE lower(qs.designation) LIKE {p} ESCAPE '\\')) \
             OR c.id IN (SELECT qi.contract_id FROM identifiers qi WHERE lower(qi.value) LIKE {p} ESCAPE '\\'))"
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
    if let Some(group) = filter.group {
        clauses.push(ContractStatus::sql_in("c.status", group.standings()));
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
    if filter.behind {
        clauses.push(crate::storage::plans::behind_schedule(
            chrono::Utc::now().date_naive(),
            args,
        ));
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

/// How a query should come by the list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// Off the index of the order, where there is one: a page of 25 reads 25 entries.
    OffAnIndex,
    /// Every row in table order, then sorted (the export on SQLite): reading a million rows in
    /// an index's order visits the table at random and measured 1.4× slower than the sort
    /// (docs/benchmarks.md). SQLite does not match a term under unary `+` (a no-op on any
    /// value) to an index; PostgreSQL weighs both plans with its statistics and needs no hint.
    SortedOnSqlite,
}

/// The list's order (also the CSV export's), read as `read` says, with the parameters a sort by
/// units binds.
pub(in crate::storage) fn order_by(filter: &ContractFilter, args: &mut Args, read: Read) -> String {
    // Only a sort by units binds the lines' parameters (PostgreSQL refuses unused ones).
    let units = match filter.sort {
        DealSort::Units => format!(
            "(SELECT COALESCE(SUM(ul.quantity), 0) FROM contract_lines ul WHERE ul.contract_id = c.id AND {})",
            counted_lines(filter, args, "ul")
        ),
        _ => String::new(),
    };
    order_by_with(filter, &units, read)
}

fn order_by_with(filter: &ContractFilter, units_ordered: &str, read: Read) -> String {
    let dir = if filter.descending { "DESC" } else { "ASC" };
    // NULLs last in both directions, on both backends: `(x IS NULL)` sorts false first. Each
    // key is written as an index of the contracts table holds it (the migration
    // `sort_indexes`), so a page reads its rows off the index instead of sorting them all.
    let p = match read {
        Read::OffAnIndex => "",
        Read::SortedOnSqlite => "+",
    };
    let key = match filter.sort {
        DealSort::Signed => format!("{p}(c.signed_on IS NULL), {p}c.signed_on {dir}"),
        DealSort::Title => format!("{p}lower(c.title) {dir}"),
        // The buyer's code after its name, so that each country's contracts come together.
        DealSort::Buyer => format!("{p}bc.name {dir}, {p}bc.code {dir}"),
        DealSort::Supplier => format!("(f.name IS NULL), lower(f.name) {dir}"),
        DealSort::Status => format!("{p}c.status {dir}"),
        // By the USD equivalent: amounts in different currencies compare at their rates.
        DealSort::Value => format!("{p}(c.usd_minor IS NULL), {p}c.usd_minor {dir}"),
        DealSort::Units => format!("{units_ordered} {dir}"),
    };
    format!("{key}, {p}c.id {dir}")
}

/// Every contract, counted.
pub async fn count(db: &Db) -> Result<i64> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM contracts").fetch_one(pool).await?
    }))
}

/// The FROM clause of a page's query of ids, with its join condition: only the tables
/// `filter`'s order needs.
fn ids_from(filter: &ContractFilter) -> (&'static str, &'static str) {
    match filter.sort {
        // Countries first, in name order (SQLite keeps the order of a CROSS JOIN), each one's
        // contracts off the (buyer_code, id) index and sorted by id one country at a time. The
        // join condition goes in the WHERE clause: PostgreSQL's CROSS JOIN takes no ON.
        DealSort::Buyer => (
            "countries bc CROSS JOIN contracts c",
            " AND bc.code = c.buyer_code",
        ),
        DealSort::Supplier => ("contracts c LEFT JOIN firms f ON f.id = c.supplier_id", ""),
        _ => ("contracts c", ""),
    }
}

/// The ids of `filter`'s page, and one more if a page follows, with its arguments.
pub fn page_ids_sql(filter: &ContractFilter) -> (String, Args) {
    let mut args = Args::default();
    let where_sql = where_clause(filter, &mut args);
    let (from, join) = ids_from(filter);
    let per_page = i64::from(PER_PAGE);
    let sql = format!(
        "SELECT c.id FROM {from} WHERE {where_sql}{join} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        order = order_by(filter, &mut args, Read::OffAnIndex),
        limit = args.int(per_page + 1),
        offset = args.int((i64::from(filter.page.max(1)) - 1) * per_page),
    );
    (sql, args)
}

/// An order's key on the row of a table alias.
type KeyOf = fn(&str) -> String;

/// The key of an order a page can start after (a keyset page, [`ContractFilter::after`]):
/// the expression of the order's index on alias `t`'s row, and whether it can be NULL (NULLs
/// come last in both directions, after every key). The other orders (by buyer, supplier or
/// units) read their pages by offset.
fn keyset_key(sort: DealSort) -> Option<(KeyOf, bool)> {
    match sort {
        DealSort::Signed => Some((|t| format!("{t}.signed_on"), true)),
        DealSort::Value => Some((|t| format!("{t}.usd_minor"), true)),
        DealSort::Title => Some((|t| format!("lower({t}.title)"), false)),
        DealSort::Status => Some((|t| format!("{t}.status"), false)),
        DealSort::Buyer | DealSort::Supplier | DealSort::Units => None,
    }
}

/// Which rows of a keyset page a query reads, after the anchor (the last row of the page
/// before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeysetPart {
    /// Rows with a key, after the anchor's.
    AfterTheAnchor,
    /// Rows without a key (they follow every row with one), from the first.
    WithoutKey,
    /// Rows without a key, after the anchor (which has none).
    WithoutKeyAfterTheAnchor,
}

/// The query of one part of `filter`'s keyset page following contract `anchor`: at most
/// `limit` ids, off the index of the order from the anchor's place on. `None` for an order
/// without keyset pages.
pub fn keyset_ids_sql(
    backend: Backend,
    filter: &ContractFilter,
    anchor: i64,
    part: KeysetPart,
    limit: i64,
) -> Option<(String, Args)> {
    let (key, nullable) = keyset_key(filter.sort)?;
    if !nullable && part != KeysetPart::AfterTheAnchor {
        return None;
    }
    let mut args = Args::default();
    let where_sql = where_clause(filter, &mut args);
    let (dir, after) = match filter.descending {
        true => ("DESC", "<"),
        false => ("ASC", ">"),
    };
    let (c, k) = (key("c"), key("k"));
    let anchor = args.int(anchor);
    // A bound on the key (a comparison never holds for NULL, so the rows without a key stay
    // out), the ties after the anchor by id; the rows without a key by `IS NULL`.
    let bound = format!(
        "{c} {after}= (SELECT {k} FROM contracts k WHERE k.id = {anchor}) \
         AND ({c} {after} (SELECT {k} FROM contracts k WHERE k.id = {anchor}) OR c.id {after} {anchor})"
    );
    let without_key = format!("{c} IS NULL");
    let condition = match part {
        KeysetPart::AfterTheAnchor => bound,
        KeysetPart::WithoutKey => without_key,
        KeysetPart::WithoutKeyAfterTheAnchor => format!("{without_key} AND c.id {after} {anchor}"),
    };
    // The index of a key that can be NULL starts with `(key IS NULL)` ([`order_by`]).
    // PostgreSQL seeks into it with the list's own ORDER BY. SQLite seeks past that column
    // only when it is named by equality, and then sorts unless the ORDER BY leaves it out.
    let (condition, order) = match backend {
        Backend::Postgres => (condition, order_by(filter, &mut args, Read::OffAnIndex)),
        Backend::Sqlite if nullable => {
            let flag = match part {
                KeysetPart::AfterTheAnchor => "FALSE",
                _ => "TRUE",
            };
            (
                format!("({c} IS NULL) = {flag} AND {condition}"),
                format!("{c} {dir}, c.id {dir}"),
            )
        }
        Backend::Sqlite => (condition, format!("{c} {dir}, c.id {dir}")),
    };
    let sql = format!(
        "SELECT c.id FROM contracts c WHERE {where_sql} AND {condition} ORDER BY {order} LIMIT {limit}",
        limit = args.int(limit),
    );
    Some((sql, args))
}

/// The ids of `filter`'s page when it follows contract `anchor` (and one more if a page
/// follows), read from the anchor's place in the order's index: `None` when the order has no
/// keyset pages, or the anchor is gone or no longer matches the filter (the page is then read
/// by its offset).
async fn keyset_page_ids(
    db: &Db,
    filter: &ContractFilter,
    anchor: i64,
) -> Result<Option<Vec<i64>>> {
    let Some((key, nullable)) = keyset_key(filter.sort) else {
        return Ok(None);
    };
    let mut args = Args::default();
    let where_sql = where_clause(filter, &mut args);
    let anchor_sql = format!(
        "SELECT CAST(CASE WHEN {key} IS NULL THEN 1 ELSE 0 END AS BIGINT) FROM contracts c WHERE {where_sql} AND c.id = {id}",
        key = key("c"),
        id = args.int(anchor)
    );
    let without_key: Option<i64> = on_db!(db, pool => {
        bind_all!(sqlx::query_scalar(&anchor_sql), args.0).fetch_optional(pool).await?
    });
    let parts: &[KeysetPart] = match (without_key, nullable) {
        (None, _) => return Ok(None),
        (Some(1), _) => &[KeysetPart::WithoutKeyAfterTheAnchor],
        (Some(_), true) => &[KeysetPart::AfterTheAnchor, KeysetPart::WithoutKey],
        (Some(_), false) => &[KeysetPart::AfterTheAnchor],
    };
    let wanted = i64::from(PER_PAGE) + 1;
    let mut ids: Vec<i64> = Vec::new();
    for part in parts {
        let missing = wanted - ids.len() as i64;
        if missing <= 0 {
            break;
        }
        let Some((sql, args)) = keyset_ids_sql(db.backend(), filter, anchor, *part, missing) else {
            return Ok(None);
        };
        let more: Vec<i64> = on_db!(db, pool => {
            bind_all!(sqlx::query_scalar(&sql), args.0).fetch_all(pool).await?
        });
        ids.extend(more);
    }
    Ok(Some(ids))
}

/// The capped counts of the lists viewed, by filter, at the register's version.
static COUNTS: KeptAtVersion<i64> = KeptAtVersion::new(256);

/// A page of contracts matching `filter`, sorted as it says.
///
/// In two steps, so that a page costs what its rows cost, not what the list holds: the ids
/// of the page, off the index of its order (only the tables the filter and the order need),
/// then the rows of those ids with their names and units. A page that follows a given
/// contract ([`ContractFilter::after`]) starts at its place in the index. The count stops at
/// [`COUNT_CAP`].
#[tracing::instrument(name = "db.contracts.list", skip(db))]
pub async fn list(db: &Db, filter: &ContractFilter) -> Result<Page<ContractSummary>> {
    let page = filter.page.max(1);
    let per_page = i64::from(PER_PAGE);

    let mut args = Args::default();
    let where_sql = where_clause(filter, &mut args);
    let count_sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM contracts c WHERE {where_sql} LIMIT {}) counted",
        COUNT_CAP + 1
    );
    // Counted once per filter and register version: counting up to the cap reads 10,001
    // index entries, the most of a list page's database time.
    let counted_filter = ContractFilter {
        sort: DealSort::default(),
        descending: true,
        page: 1,
        after: None,
        ..filter.clone()
    };
    // "Behind schedule" depends on the day as well as on the register.
    let mut count_key = counted_filter.to_query();
    if filter.behind {
        count_key.push_str(&format!("&on={}", chrono::Utc::now().date_naive()));
    }
    let counted = *COUNTS
        .get_or_compute(db, count_key, async {
            Ok::<i64, StorageError>(on_db!(db, pool => {
                bind_all!(sqlx::query_scalar(&count_sql), args.0).fetch_one(pool).await?
            }))
        })
        .await?;
    let keyset = match filter.after {
        Some(anchor) if page > 1 => keyset_page_ids(db, filter, anchor).await?,
        _ => None,
    };
    let mut ids = match keyset {
        Some(ids) => ids,
        None => {
            let (ids_sql, ids_args) = page_ids_sql(filter);
            on_db!(db, pool => {
                bind_all!(sqlx::query_scalar(&ids_sql), ids_args.0).fetch_all(pool).await?
            })
        }
    };
    let has_next = ids.len() as i64 > per_page;
    ids.truncate(PER_PAGE as usize);
    let rows = rows_of(db, filter, &ids).await?;
    Ok(Page::capped(rows, counted, has_next, page, PER_PAGE))
}

/// The list rows of contracts `ids`, in that order, with their units counted as `filter` says.
async fn rows_of(db: &Db, filter: &ContractFilter, ids: &[i64]) -> Result<Vec<ContractSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = Args::default();
    let lines = counted_lines(filter, &mut args, "l");
    // Per line, the units planned in periods that ended before today (the plans' index on
    // their line finds them; once for the comparison, once for the difference).
    let today = chrono::Utc::now().date_naive().to_string();
    let mut due = || {
        format!(
            "(SELECT COALESCE(SUM(p.units), 0) FROM delivery_plans p WHERE p.line_id = pl.id AND p.ends_on < {})",
            args.text(today.clone())
        )
    };
    let (due, due_again) = (due(), due());
    let placeholders: Vec<String> = ids.iter().map(|id| args.int(*id)).collect();
    let rows_sql = format!(
        "SELECT c.id, c.title, c.buyer_code, c.supplier_id, f.name AS supplier_name, c.agreement_id, \
         a.title AS agreement_title, c.signed_on, c.status, c.likely_signed_on, c.probability, c.value_minor, c.value_currency, c.value_confidence, c.usd_minor, \
         CAST(COALESCE((SELECT SUM(l.quantity) FROM contract_lines l WHERE l.contract_id = c.id AND {lines}), 0) AS BIGINT) AS units_ordered, \
         CAST(COALESCE((SELECT SUM(l.delivered_units) FROM contract_lines l WHERE l.contract_id = c.id AND {lines}), 0) AS BIGINT) AS units_delivered, \
         CAST(COALESCE((SELECT SUM(CASE WHEN {due} > pl.delivered_units THEN {due_again} - pl.delivered_units ELSE 0 END) \
           FROM contract_lines pl WHERE pl.contract_id = c.id), 0) AS BIGINT) AS units_late \
         FROM contracts c LEFT JOIN firms f ON f.id = c.supplier_id LEFT JOIN agreements a ON a.id = c.agreement_id \
         WHERE c.id IN ({ids})",
        ids = placeholders.join(", "),
    );
    let mut rows = on_db!(db, pool => {
        bind_all!(sqlx::query_as::<_, SummaryRow>(&rows_sql), args.0).fetch_all(pool).await?
    });
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    let systems = system_names(db, ids.to_vec()).await?;
    rows.into_iter()
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
                expected_signing: partial_date(r.likely_signed_on)?,
                probability: r
                    .probability
                    .map(|p| Percent::new(p).map_err(StorageError::Corrupt))
                    .transpose()?,
                value: money(r.value_minor, r.value_currency.as_deref())?,
                value_confidence: r.value_confidence.as_deref().map(confidence).transpose()?,
                usd: money(r.usd_minor, r.usd_minor.map(|_| "USD"))?,
                units_ordered: r.units_ordered,
                units_delivered: r.units_delivered,
                units_late: r.units_late,
            })
        })
        .collect()
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
