//! Maintained totals behind the portfolio summary: the `summary_cells` table (see its
//! migration). A write that changes what some contracts add to the totals takes their old
//! contribution out and puts the new one in, in its own transaction: [`apply`] with `-1` before
//! the change and `+1` after it. The summary then adds up a few hundred cells instead of a
//! million contracts, and the cells are exact sums of the same integers the contracts hold.
//!
//! One SQL text computes a contribution, for one contract or for all of them ([`rebuild`]), so
//! the incremental path and the rebuild cannot disagree; the tests compare both with the sums
//! over the contracts themselves.

use super::args::{Args, bind_all};
use super::{Db, Result, Tx, on_tx};
use crate::domain::summary::Level;
use crate::domain::{Confidence, ContractStatus, HasStanding, Standing};

/// The contracts whose contribution a write changes.
#[derive(Debug, Clone, Copy)]
pub enum Affected<'a> {
    Contract(i64),
    /// The contract of this line (a delivery was recorded on it).
    Line(i64),
    /// Every contract with a value (its own or a line's) in one of these currencies: one of
    /// their rates changed.
    Currencies(&'a [&'a str]),
    /// The contracts in `currency` on one of these rates (or on none, with `without_rate`),
    /// and those with a line value in `currency`: the ones a change of those rates can move.
    Rates {
        currency: &'a str,
        rate_ids: &'a [i64],
        without_rate: bool,
    },
    /// Every contract with a line of this system: its category or its base system changed.
    System(i64),
    All,
}

impl Affected<'_> {
    /// A condition on `c` (the contracts table) with its arguments.
    pub(super) fn condition(self, args: &mut Args) -> String {
        match self {
            Affected::Contract(id) => format!("c.id = {}", args.int(id)),
            Affected::Line(id) => format!(
                "c.id = (SELECT contract_id FROM contract_lines WHERE id = {})",
                args.int(id)
            ),
            // The contracts are picked by id from what the indexes find (contracts by currency
            // or rate, lines by currency): with an OR over both, PostgreSQL scans every
            // contract instead.
            Affected::Currencies(codes) => {
                let mut list = || {
                    let codes: Vec<String> = codes.iter().map(|c| args.text(*c)).collect();
                    codes.join(", ")
                };
                let (contract, line) = (list(), list());
                format!(
                    "c.id IN (SELECT x.id FROM contracts x WHERE x.value_currency IN ({contract}) \
                     UNION SELECT contract_id FROM contract_lines WHERE value_currency IN ({line}))"
                )
            }
            Affected::Rates {
                currency,
                rate_ids,
                without_rate,
            } => {
                let contract_currency = args.text(currency);
                let ids: Vec<String> = rate_ids.iter().map(|id| args.int(*id)).collect();
                let line_currency = args.text(currency);
                let none = if without_rate {
                    " OR x.usd_rate_id IS NULL"
                } else {
                    ""
                };
                format!(
                    "c.id IN (SELECT x.id FROM contracts x WHERE x.value_currency = {contract_currency} \
                     AND (x.usd_rate_id IN ({}){none}) \
                     UNION SELECT contract_id FROM contract_lines WHERE value_currency = {line_currency})",
                    ids.join(", ")
                )
            }
            Affected::System(id) => format!(
                "c.id IN (SELECT contract_id FROM contract_lines WHERE system_id = {})",
                args.int(id)
            ),
            Affected::All => "1 = 1".into(),
        }
    }
}

/// The confidence levels a summary can count at, by their column suffix: `estimated` is
/// everything, estimates included. What each counts is [`Level`]'s.
pub const LEVELS: [(&str, Level); 3] = [
    ("confirmed", Level(Some(Confidence::Confirmed))),
    ("reported", Level(Some(Confidence::Reported))),
    ("estimated", Level(None)),
];

/// The column suffix of the cells' measures at `level`.
pub fn suffix(level: Option<Confidence>) -> &'static str {
    LEVELS
        .iter()
        .find(|(_, counted)| counted.contract_confidences() == Level(level).contract_confidences())
        .map_or("estimated", |(suffix, _)| suffix)
}

/// `column IN ('confirmed', …)` for `confidences` (names from the closed vocabulary, so they
/// are written into the SQL: the same text serves every contribution).
fn confidence_in(column: &str, confidences: &[Confidence]) -> String {
    let names: Vec<String> = confidences
        .iter()
        .map(|c| format!("'{}'", c.as_str()))
        .collect();
    format!("{column} IN ({})", names.join(", "))
}

/// The measures of a cell, each kept at every level: `contracts_<level>` are the contracts
/// that count at that level (`contracts`, level-free, every one).
pub const MEASURES: [&str; 7] = [
    "contracts",
    "ordered",
    "delivered",
    "valued",
    "value",
    "usd",
    "without_usd",
];

/// The groupings kept for whole contracts: name and the key columns it fills.
const CONTRACT_GROUPINGS: [(&str, &[&str]); 7] = [
    ("total", &[]),
    ("buyer", &["buyer_code"]),
    ("supplier", &["supplier_id"]),
    ("year", &["signed_year"]),
    ("year_buyer", &["signed_year", "buyer_code"]),
    ("year_supplier", &["signed_year", "supplier_id"]),
    ("fine", &["buyer_code", "supplier_id", "signed_year"]),
];

/// The groupings kept for contract lines, by base system and by category: name, key columns,
/// and the per-contract rows they add up.
const LINE_GROUPINGS: [(&str, &[&str], &str); 4] = [
    ("system", &["system_id"], "by_system_id"),
    ("category", &["category"], "by_category"),
    (
        "fine_system",
        &["buyer_code", "supplier_id", "signed_year", "system_id"],
        "by_system_id",
    ),
    (
        "fine_category",
        &["buyer_code", "supplier_id", "signed_year", "category"],
        "by_category",
    ),
];

const KEYS: [(&str, &str); 6] = [
    ("buyer_code", "''"),
    ("supplier_id", "0"),
    ("signed_year", "0"),
    ("system_id", "0"),
    ("category", "''"),
    ("currency", "''"),
];

/// Every measure column, at every level, in table order.
fn measure_columns() -> Vec<String> {
    MEASURES
        .iter()
        .flat_map(|m| LEVELS.iter().map(move |(level, _)| format!("{m}_{level}")))
        .collect()
}

/// Each measure `(name, expression)` at every level, the column named `<name>_<level>`: in the
/// expression, `{contract}` becomes the level's condition for the contract to count (on the
/// value confidence in `contract_confidence`), `{quantity}` its condition for a line's units
/// (on `quantity_confidence`).
fn at_every_level(
    measures: &[(&str, &str)],
    contract_confidence: &str,
    quantity_confidence: &str,
) -> String {
    measures
        .iter()
        .flat_map(|(name, expression)| {
            LEVELS.iter().map(move |(suffix, level)| {
                let contract = level.contract_confidences().map_or_else(
                    || "1 = 1".to_owned(),
                    |counted| confidence_in(contract_confidence, counted),
                );
                let quantity = confidence_in(quantity_confidence, level.quantity_confidences());
                format!(
                    "{} AS {name}_{suffix}",
                    expression
                        .replace("{contract}", &contract)
                        .replace("{quantity}", &quantity)
                )
            })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `per_contract`: one row per affected contract in force (signed, not cancelled) with its keys
/// and measures.
fn per_contract(condition: &str) -> String {
    let measures = at_every_level(
        &[
            ("contracts", "CASE WHEN {contract} THEN 1 ELSE 0 END"),
            (
                "ordered",
                "COALESCE(SUM(CASE WHEN {contract} AND {quantity} THEN l.quantity END), 0)",
            ),
            (
                "delivered",
                "COALESCE(SUM(CASE WHEN {contract} AND {quantity} THEN l.delivered_units END), 0)",
            ),
            (
                "valued",
                "CASE WHEN {contract} AND c.value_minor IS NOT NULL THEN 1 ELSE 0 END",
            ),
            (
                "value",
                "CASE WHEN {contract} AND c.value_minor IS NOT NULL THEN c.value_minor ELSE 0 END",
            ),
            (
                "usd",
                "CASE WHEN {contract} AND c.value_minor IS NOT NULL THEN COALESCE(c.usd_minor, 0) ELSE 0 END",
            ),
            (
                "without_usd",
                "CASE WHEN {contract} AND c.value_minor IS NOT NULL AND c.usd_minor IS NULL THEN 1 ELSE 0 END",
            ),
        ],
        "c.value_confidence",
        "l.quantity_confidence",
    );
    format!(
        "per_contract AS (SELECT c.buyer_code AS buyer_code, COALESCE(c.supplier_id, 0) AS supplier_id, \
         COALESCE(c.signed_year, 0) AS signed_year, COALESCE(c.value_currency, '') AS currency, {measures} \
         FROM contracts c LEFT JOIN contract_lines l ON l.contract_id = c.id \
         WHERE {in_force} AND {condition} \
         GROUP BY c.id, c.buyer_code, c.supplier_id, c.signed_year, c.value_currency, c.value_confidence, \
         c.value_minor, c.usd_minor)",
        in_force = ContractStatus::sql_in("c.status", &[Standing::InForce]),
    )
}

/// `per_line`: the affected contracts' lines with their system keys, and the value each line
/// adds: its own, or its contract's when the contract has only this line. A line's value counts
/// when its contract does ([`Level`]).
fn per_line(condition: &str) -> String {
    let single = "(SELECT COUNT(*) FROM contract_lines x WHERE x.contract_id = c.id) = 1";
    format!(
        "per_line AS (SELECT c.id AS contract_id, c.buyer_code AS buyer_code, \
         COALESCE(c.supplier_id, 0) AS supplier_id, COALESCE(c.signed_year, 0) AS signed_year, \
         COALESCE(s.variant_of_id, s.id) AS system_id, \
         s.category AS category, l.quantity, l.delivered_units, l.quantity_confidence, \
         c.value_confidence AS contract_confidence, \
         CASE WHEN l.value_minor IS NOT NULL THEN l.value_minor WHEN {single} THEN c.value_minor END AS value_minor, \
         CASE WHEN l.value_minor IS NOT NULL THEN l.usd_minor WHEN {single} THEN c.usd_minor END AS usd_minor, \
         COALESCE(CASE WHEN l.value_minor IS NOT NULL THEN l.value_currency WHEN {single} THEN c.value_currency END, '') AS currency \
         FROM contracts c JOIN contract_lines l ON l.contract_id = c.id JOIN systems s ON s.id = l.system_id \
         WHERE {in_force} AND {condition})",
        in_force = ContractStatus::sql_in("c.status", &[Standing::InForce]),
    )
}

/// `by_<key>`: per contract, key and currency, what the lines add; `nth` marks one row per
/// contract and key, so a contract with two lines of one system counts once.
fn per_contract_and(key: &str) -> String {
    let measures = at_every_level(
        &[
            ("contracts", "CASE WHEN {contract} THEN 1 ELSE 0 END"),
            (
                "ordered",
                "COALESCE(SUM(CASE WHEN {contract} AND {quantity} THEN quantity END), 0)",
            ),
            (
                "delivered",
                "COALESCE(SUM(CASE WHEN {contract} AND {quantity} THEN delivered_units END), 0)",
            ),
            (
                "valued",
                "MAX(CASE WHEN {contract} AND value_minor IS NOT NULL THEN 1 ELSE 0 END)",
            ),
            (
                "value",
                "COALESCE(SUM(CASE WHEN {contract} THEN value_minor END), 0)",
            ),
            (
                "usd",
                "COALESCE(SUM(CASE WHEN {contract} THEN usd_minor END), 0)",
            ),
            // Counted per value (line), not per contract: a contract's lines of one system may be
            // in two currencies.
            (
                "without_usd",
                "SUM(CASE WHEN {contract} AND value_minor IS NOT NULL AND usd_minor IS NULL THEN 1 ELSE 0 END)",
            ),
        ],
        "contract_confidence",
        "quantity_confidence",
    );
    format!(
        "by_{key} AS (SELECT buyer_code, supplier_id, signed_year, {key}, currency, {measures}, \
         ROW_NUMBER() OVER (PARTITION BY contract_id, {key} ORDER BY currency) AS nth \
         FROM per_line GROUP BY contract_id, contract_confidence, buyer_code, supplier_id, signed_year, {key}, currency)"
    )
}

/// The cells one grouping gets from a contribution, `sign` times.
fn grouping_select(name: &str, keys: &[&str], from: &str, sign: i64) -> String {
    let mut columns = vec![format!("'{name}'")];
    for (key, absent) in KEYS {
        columns.push(if keys.contains(&key) || key == "currency" {
            key.to_owned()
        } else {
            absent.to_owned()
        });
    }
    let by_line = from != "per_contract";
    columns.push(if by_line {
        format!("{sign} * SUM(CASE WHEN nth = 1 THEN 1 ELSE 0 END)")
    } else {
        format!("{sign} * COUNT(*)")
    });
    for column in measure_columns() {
        columns.push(if by_line && column.starts_with("contracts_") {
            format!("{sign} * SUM(CASE WHEN nth = 1 THEN {column} ELSE 0 END)")
        } else {
            format!("{sign} * SUM({column})")
        });
    }
    let mut group_by: Vec<&str> = keys.to_vec();
    group_by.push("currency");
    format!(
        "SELECT {} FROM {from} GROUP BY {}",
        columns.join(", "),
        group_by.join(", ")
    )
}

/// Adds `sign` (1 or -1) times the current contribution of `affected` to the cells.
#[tracing::instrument(name = "db.rollup.apply", skip(tx))]
pub async fn apply(tx: &mut Tx, affected: Affected<'_>, sign: i64) -> Result<()> {
    let mut args = Args::default();
    let contracts = affected.condition(&mut args);
    let lines = affected.condition(&mut args);
    let mut selects: Vec<String> = CONTRACT_GROUPINGS
        .iter()
        .map(|(name, keys)| grouping_select(name, keys, "per_contract", sign))
        .collect();
    selects.extend(
        LINE_GROUPINGS
            .iter()
            .map(|(name, keys, from)| grouping_select(name, keys, from, sign)),
    );
    let key_columns: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
    let measures = measure_columns();
    let mut updates = vec!["contracts = summary_cells.contracts + excluded.contracts".to_owned()];
    updates.extend(
        measures
            .iter()
            .map(|m| format!("{m} = summary_cells.{m} + excluded.{m}")),
    );
    let sql = format!(
        "WITH {per_contract}, {per_line}, {by_system}, {by_category} \
         INSERT INTO summary_cells (grouped_by, {keys}, contracts, {measures}) \
         SELECT * FROM ({selects}) contribution WHERE 1 = 1 \
         ON CONFLICT (grouped_by, {keys}) DO UPDATE SET {updates}",
        per_contract = per_contract(&contracts),
        per_line = per_line(&lines),
        by_system = per_contract_and("system_id"),
        by_category = per_contract_and("category"),
        keys = key_columns.join(", "),
        measures = measures.join(", "),
        selects = selects.join(" UNION ALL "),
        updates = updates.join(", "),
    );
    if let Tx::Postgres(conn) = tx {
        // Writers that change totals take turns, as SQLite's `BEGIN IMMEDIATE` already makes
        // them: a contribution read while another transaction changes the same contracts
        // would take out figures that are no longer in the cells.
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(ROLLUP_LOCK)
            .execute(&mut **conn)
            .await?;
    }
    on_tx!(tx, conn => {
        bind_all!(sqlx::query(&sql), args.0).execute(conn).await?;
    });
    // A contract's plans and deliveries are written between its -1 and its +1: after it,
    // its lines' "behind schedule" day is what they say now.
    if sign > 0
        && matches!(
            affected,
            Affected::Contract(_) | Affected::Line(_) | Affected::All
        )
    {
        super::plans::refresh_behind(tx, affected).await?;
    }
    apply_schedule(tx, affected, sign).await
}

/// The measures of a schedule cell, each kept at every level.
pub const SCHEDULE_MEASURES: [&str; 2] = ["planned", "delivered"];

/// Adds `sign` times the current contribution of `affected` to the schedule's cells (units
/// planned and delivered by year, see the `schedule_cells` migration): a plan counts in its
/// years, a delivery on a line that has a plan in its year, each at the levels its own
/// confidence reaches, of a contract that counts at the level.
async fn apply_schedule(tx: &mut Tx, affected: Affected<'_>, sign: i64) -> Result<()> {
    let mut args = Args::default();
    let condition = affected.condition(&mut args);
    let planned = at_every_level(
        &[
            (
                "planned",
                "CASE WHEN {contract} AND {quantity} THEN p.units ELSE 0 END",
            ),
            ("delivered", "0"),
        ],
        "a.value_confidence",
        "p.confidence",
    );
    let delivered = at_every_level(
        &[
            ("planned", "0"),
            (
                "delivered",
                "CASE WHEN {contract} AND {quantity} THEN d.units ELSE 0 END",
            ),
        ],
        "a.value_confidence",
        "d.confidence",
    );
    let columns: Vec<String> = SCHEDULE_MEASURES
        .iter()
        .flat_map(|m| LEVELS.iter().map(move |(level, _)| format!("{m}_{level}")))
        .collect();
    let sums: Vec<String> = columns
        .iter()
        .map(|c| format!("{sign} * SUM({c})"))
        .collect();
    let sums = sums.join(", ");
    let updates: Vec<String> = columns
        .iter()
        .map(|c| format!("{c} = schedule_cells.{c} + excluded.{c}"))
        .collect();
    let sql = format!(
        "WITH affected AS (SELECT c.id, c.buyer_code, COALESCE(c.supplier_id, 0) AS supplier_id, \
         COALESCE(c.signed_year, 0) AS signed_year, c.value_confidence FROM contracts c WHERE {in_force} AND {condition}), \
         scheduled AS (\
           SELECT a.buyer_code, a.supplier_id, a.signed_year, p.from_year, p.to_year, {planned} \
           FROM affected a JOIN contract_lines l ON l.contract_id = a.id JOIN delivery_plans p ON p.line_id = l.id \
           UNION ALL \
           SELECT a.buyer_code, a.supplier_id, a.signed_year, d.delivered_year, d.delivered_year, {delivered} \
           FROM affected a JOIN contract_lines l ON l.contract_id = a.id JOIN deliveries d ON d.line_id = l.id \
           WHERE EXISTS (SELECT 1 FROM delivery_plans lp WHERE lp.line_id = l.id)) \
         INSERT INTO schedule_cells (grouped_by, buyer_code, supplier_id, signed_year, from_year, to_year, {columns}) \
         SELECT * FROM (\
           SELECT 'total', '', 0, 0, from_year, to_year, {sums} FROM scheduled GROUP BY from_year, to_year \
           UNION ALL \
           SELECT 'fine', buyer_code, supplier_id, signed_year, from_year, to_year, {sums} FROM scheduled \
           GROUP BY buyer_code, supplier_id, signed_year, from_year, to_year) contribution WHERE 1 = 1 \
         ON CONFLICT (grouped_by, buyer_code, supplier_id, signed_year, from_year, to_year) DO UPDATE SET {updates}",
        in_force = ContractStatus::sql_in("c.status", &[Standing::InForce]),
        columns = columns.join(", "),
        updates = updates.join(", "),
    );
    on_tx!(tx, conn => {
        bind_all!(sqlx::query(&sql), args.0).execute(conn).await?;
    });
    Ok(())
}

/// The PostgreSQL advisory lock that writers of totals hold until they commit.
const ROLLUP_LOCK: i64 = 0x0053_554d_4d41_5259; // "SUMMARY" in ASCII

/// Recomputes every cell from the contracts (after a bulk load, or when the table is new).
#[tracing::instrument(name = "db.rollup.rebuild", skip(db))]
pub async fn rebuild(db: &Db) -> Result<()> {
    let mut tx = db.begin().await?;
    super::execute_in(&mut tx, "DELETE FROM summary_cells").await?;
    super::execute_in(&mut tx, "DELETE FROM schedule_cells").await?;
    apply(&mut tx, Affected::All, 1).await?;
    tx.commit().await
}
