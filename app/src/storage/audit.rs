//! The audit trail: who changed which record when, with its stored columns before and after,
//! plus sign-ins and refused requests. Entries are only ever inserted (the database refuses an
//! UPDATE or DELETE on `audit_log`, see the migration).
//!
//! A change is recorded by the write itself, in its transaction: take a [`snapshot`] of the
//! record before the write, then [`record`] after it (which takes the after-snapshot). Who made
//! it comes from the task's [`Actor`], set once per request by the server's auth layer
//! ([`as_actor`]); work outside a request (the CLI, demo data) names its own actor.

use super::{Db, Result, StorageError, Tx, on_db, on_tx};
use crate::domain::audit::{
    AuditAction, AuditEntry, AuditFilter, Names, RecordKind, RefTo, ShownEntry,
};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use serde_json::{Map, Value};
use sqlx::{Column, Row};

/// Who is making the changes of the current task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<i64>,
    pub name: String,
    /// The client's address, for requests.
    pub client: String,
}

impl Actor {
    pub fn user(id: i64, name: &str, client: &str) -> Self {
        Self {
            id: Some(id),
            name: name.to_owned(),
            client: client.to_owned(),
        }
    }

    /// Work that no signed-in person started: `name` says what it was ("cli", "demo data").
    pub fn system(name: &str) -> Self {
        Self {
            id: None,
            name: name.to_owned(),
            client: String::new(),
        }
    }
}

tokio::task_local! {
    static ACTOR: Actor;
}

/// Runs `work` with `actor` as the author of every change it records.
pub async fn as_actor<F: Future>(actor: Actor, work: F) -> F::Output {
    ACTOR.scope(actor, work).await
}

/// The actor of the current task; "system" outside any scope (tests, start-up).
pub fn current_actor() -> Actor {
    ACTOR
        .try_with(Clone::clone)
        .unwrap_or_else(|_| Actor::system("system"))
}

/// Columns that every write changes or that are derived from other records or columns (the
/// name keys of `keys`): leaving them out keeps a history to what a person changed.
const NOISE: [&str; 10] = [
    "external_id",
    "created_at",
    "updated_at",
    "version",
    "usd_minor",
    "usd_rate_id",
    // Kept from the plans and deliveries, which the history shows.
    "behind_after",
    "delivered_units",
    "name_key",
    "designation_key",
];

/// The table that holds records of `kind`.
pub fn table(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Contract => "contracts",
        RecordKind::Agreement => "agreements",
        RecordKind::Firm => "firms",
        RecordKind::System => "systems",
        RecordKind::Delivery => "deliveries",
        RecordKind::Amendment => "amendments",
        RecordKind::Rate => "exchange_rates",
        RecordKind::User => "users",
    }
}

/// Columns of a record's dependent rows that only link them (to the record, or to each
/// other by ids that a save renews): the rows' content is what a history compares.
const LINKS: [&str; 5] = [
    "id",
    "contract_id",
    "agreement_id",
    "alternative_id",
    "amendment_id",
];

/// The queries that make up a record's snapshot: its own row first (key ""), then its
/// dependent rows as lists. `$1` is the record's id.
fn parts(kind: RecordKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        RecordKind::Contract => &[
            ("", "SELECT * FROM contracts WHERE id = $1"),
            (
                "lines",
                "SELECT * FROM contract_lines WHERE contract_id = $1 ORDER BY position",
            ),
            (
                "other figures",
                "SELECT * FROM alternative_values WHERE contract_id = $1 ORDER BY position",
            ),
            (
                "sources",
                "SELECT * FROM sources WHERE contract_id = $1 ORDER BY position",
            ),
            (
                "identifiers",
                "SELECT * FROM identifiers WHERE contract_id = $1 ORDER BY position",
            ),
            (
                "delivery plan",
                "SELECT p.* FROM delivery_plans p JOIN contract_lines l ON l.id = p.line_id \
                 WHERE l.contract_id = $1 ORDER BY l.position, p.position",
            ),
        ],
        RecordKind::Agreement => &[
            ("", "SELECT * FROM agreements WHERE id = $1"),
            (
                "suppliers",
                "SELECT firm_id FROM agreement_suppliers WHERE agreement_id = $1 ORDER BY firm_id",
            ),
            (
                "ceiling lines",
                "SELECT * FROM ceiling_lines WHERE agreement_id = $1 ORDER BY position",
            ),
            (
                "other figures",
                "SELECT * FROM alternative_values WHERE agreement_id = $1 ORDER BY position",
            ),
            (
                "sources",
                "SELECT * FROM sources WHERE agreement_id = $1 ORDER BY position",
            ),
            (
                "identifiers",
                "SELECT * FROM identifiers WHERE agreement_id = $1 ORDER BY position",
            ),
        ],
        RecordKind::Firm => &[("", "SELECT * FROM firms WHERE id = $1")],
        RecordKind::System => &[("", "SELECT * FROM systems WHERE id = $1")],
        RecordKind::Delivery => &[("", "SELECT * FROM deliveries WHERE id = $1")],
        RecordKind::Amendment => &[
            ("", "SELECT * FROM amendments WHERE id = $1"),
            (
                "changes",
                "SELECT * FROM amendment_changes WHERE amendment_id = $1 ORDER BY id",
            ),
            (
                "sources",
                "SELECT * FROM amendment_sources WHERE amendment_id = $1 ORDER BY position",
            ),
        ],
        RecordKind::Rate => &[("", "SELECT * FROM exchange_rates WHERE id = $1")],
        RecordKind::User => &[(
            "",
            "SELECT id, username, role, disabled FROM users WHERE id = $1",
        )],
    }
}

/// One cell as JSON, whatever its SQL type on either backend. NULL is JSON null.
macro_rules! cell {
    ($row:expr, $i:expr) => {{
        let row = $row;
        if let Ok(v) = row.try_get::<Option<i64>, _>($i) {
            v.map(Value::from)
        } else if let Ok(v) = row.try_get::<Option<i32>, _>($i) {
            v.map(Value::from)
        } else if let Ok(v) = row.try_get::<Option<bool>, _>($i) {
            v.map(Value::from)
        } else if let Ok(v) = row.try_get::<Option<String>, _>($i) {
            v.map(Value::from)
        } else if let Ok(v) = row.try_get::<Option<DateTime<Utc>>, _>($i) {
            v.map(|v| Value::from(v.to_rfc3339()))
        } else if let Ok(v) = row.try_get::<Option<NaiveDate>, _>($i) {
            v.map(|v| Value::from(v.to_string()))
        } else if let Ok(v) = row.try_get::<Option<f64>, _>($i) {
            v.map(Value::from)
        } else {
            Some(Value::from("(unreadable)"))
        }
        .unwrap_or(Value::Null)
    }};
}

/// The record's stored columns (and its dependent rows), read inside `tx`; `None` when it
/// does not exist.
pub async fn snapshot(tx: &mut Tx, kind: RecordKind, id: i64) -> Result<Option<Value>> {
    let mut record = Map::new();
    for (key, sql) in parts(kind) {
        let rows: Vec<Map<String, Value>> = on_tx!(tx, conn => {
            let rows = sqlx::query(sql).bind(id).fetch_all(&mut *conn).await?;
            rows.iter()
                .map(|row| {
                    row.columns()
                        .iter()
                        .filter(|column| {
                            !NOISE.contains(&column.name())
                                && (key.is_empty() || !LINKS.contains(&column.name()))
                        })
                        .map(|column| (column.name().to_owned(), cell!(row, column.ordinal())))
                        .collect()
                })
                .collect()
        });
        if key.is_empty() {
            match rows.into_iter().next() {
                Some(own) => record.extend(own),
                None => return Ok(None),
            }
        } else {
            record.insert(
                (*key).to_owned(),
                Value::Array(rows.into_iter().map(Value::Object).collect()),
            );
        }
    }
    Ok(Some(Value::Object(record)))
}

/// Records the change of record `kind id` made in `tx` since `before` was taken: a create when
/// there was no before, a delete when the record is gone now. Nothing is written when the
/// stored columns did not change (a save of an unchanged form).
pub async fn record(tx: &mut Tx, kind: RecordKind, id: i64, before: Option<Value>) -> Result<()> {
    let after = snapshot(tx, kind, id).await?;
    let action = match (&before, &after) {
        (None, None) => return Ok(()),
        (None, Some(_)) => AuditAction::Create,
        (Some(_), None) => AuditAction::Delete,
        (Some(b), Some(a)) if a == b => return Ok(()),
        (Some(_), Some(_)) => AuditAction::Update,
    };
    append_in(
        tx,
        &current_actor(),
        action,
        Some((kind, id)),
        before.as_ref(),
        after.as_ref(),
        "",
    )
    .await
}

/// Records an event that changes no record (a sign-in, a refused request) on its own.
pub async fn event(db: &Db, actor: &Actor, action: AuditAction, detail: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    append_in(&mut tx, actor, action, None, None, None, detail).await?;
    tx.commit().await
}

/// Records an event about a record with no before/after (a password reset) inside `tx`.
pub async fn note_in(
    tx: &mut Tx,
    action: AuditAction,
    record: (RecordKind, i64),
    detail: &str,
) -> Result<()> {
    append_in(
        tx,
        &current_actor(),
        action,
        Some(record),
        None,
        None,
        detail,
    )
    .await
}

async fn append_in(
    tx: &mut Tx,
    actor: &Actor,
    action: AuditAction,
    record: Option<(RecordKind, i64)>,
    before: Option<&Value>,
    after: Option<&Value>,
    detail: &str,
) -> Result<()> {
    let json = |value: Option<&Value>| value.map(Value::to_string);
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor, action, record_kind, record_id, before_json, after_json, detail, client) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(Utc::now().trunc_subsecs(6))
        .bind(actor.id)
        .bind(&actor.name)
        .bind(action.as_str())
        .bind(record.map(|(kind, _)| kind.as_str()))
        .bind(record.map(|(_, id)| id))
        .bind(json(before))
        .bind(json(after))
        .bind(detail)
        .bind(&actor.client)
        .execute(conn)
        .await?;
    });
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    at: DateTime<Utc>,
    actor: String,
    action: String,
    record_kind: Option<String>,
    record_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
    detail: String,
    client: String,
}

impl TryFrom<EntryRow> for AuditEntry {
    type Error = StorageError;
    fn try_from(row: EntryRow) -> Result<Self> {
        let corrupt = |what: &str| StorageError::Corrupt(format!("audit entry {}: {what}", row.id));
        let parse = |text: &Option<String>| -> Result<Option<Value>> {
            text.as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|_| corrupt("unreadable JSON"))
        };
        Ok(AuditEntry {
            id: row.id,
            at: row.at,
            actor: row.actor.clone(),
            action: AuditAction::parse(&row.action).ok_or_else(|| corrupt("unknown action"))?,
            record: match (&row.record_kind, row.record_id) {
                (Some(kind), Some(id)) => Some((
                    RecordKind::parse(kind).ok_or_else(|| corrupt("unknown record kind"))?,
                    id,
                )),
                _ => None,
            },
            before: parse(&row.before_json)?,
            after: parse(&row.after_json)?,
            detail: row.detail.clone(),
            client: row.client.clone(),
        })
    }
}

const ENTRY_COLUMNS: &str =
    "id, at, actor, action, record_kind, record_id, before_json, after_json, detail, client";

/// The history of one record, oldest first. A contract's includes the deliveries recorded
/// against its lines and its amendments (an agreement's, its amendments) (one deleted since shows in the contract's own entry
/// that took its changes back out).
#[tracing::instrument(name = "db.audit.history", skip(db))]
pub async fn history(db: &Db, kind: RecordKind, id: i64) -> Result<Vec<AuditEntry>> {
    let deliveries = match kind {
        RecordKind::Contract => {
            " OR (record_kind = 'delivery' AND record_id IN (SELECT d.id FROM deliveries d \
             JOIN contract_lines l ON l.id = d.line_id WHERE l.contract_id = $2)) \
             OR (record_kind = 'amendment' AND record_id IN (SELECT id FROM amendments WHERE contract_id = $2))"
        }
        RecordKind::Agreement => {
            " OR (record_kind = 'amendment' AND record_id IN (SELECT id FROM amendments WHERE agreement_id = $2))"
        }
        _ => "",
    };
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE (record_kind = $1 AND record_id = $2){deliveries} ORDER BY id"
    );
    let rows = on_db!(db, pool => {
        sqlx::query_as::<_, EntryRow>(&sql).bind(kind.as_str()).bind(id).fetch_all(pool).await?
    });
    rows.into_iter().map(AuditEntry::try_from).collect()
}

/// Whether record `kind id` is stored now.
#[tracing::instrument(name = "db.audit.exists", skip(db))]
pub async fn exists(db: &Db, kind: RecordKind, id: i64) -> Result<bool> {
    let sql = format!("SELECT COUNT(*) FROM {} WHERE id = $1", table(kind));
    let count = on_db!(db, pool => {
        sqlx::query_scalar::<_, i64>(&sql).bind(id).fetch_one(pool).await?
    });
    Ok(count > 0)
}

/// The current names of the records `entries` refer to; a deleted one is not among them.
#[tracing::instrument(name = "db.audit.names", skip_all)]
pub async fn names(db: &Db, entries: &[AuditEntry]) -> Result<Names> {
    let mut wanted: Vec<(RefTo, i64)> = entries.iter().flat_map(AuditEntry::references).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut names = Names::default();
    for to in [RefTo::Firm, RefTo::System, RefTo::Agreement, RefTo::Line] {
        // Ids are integers from the trail's own JSON: written into the statement as numbers.
        let ids: Vec<String> = wanted
            .iter()
            .filter(|(t, _)| *t == to)
            .map(|(_, id)| id.to_string())
            .collect();
        if ids.is_empty() {
            continue;
        }
        let ids = ids.join(", ");
        let sql = match to {
            RefTo::Firm => format!("SELECT id, name, id FROM firms WHERE id IN ({ids})"),
            RefTo::System => {
                format!("SELECT id, designation, id FROM systems WHERE id IN ({ids})")
            }
            RefTo::Agreement => format!("SELECT id, title, id FROM agreements WHERE id IN ({ids})"),
            RefTo::Line => format!(
                "SELECT l.id, c.title || ', line ' || CAST(l.position + 1 AS TEXT) || ' (' || s.designation || ')', c.id \
                 FROM contract_lines l JOIN contracts c ON c.id = l.contract_id \
                 JOIN systems s ON s.id = l.system_id WHERE l.id IN ({ids})"
            ),
        };
        let rows: Vec<(i64, String, i64)> = on_db!(db, pool => {
            sqlx::query_as(&sql).fetch_all(pool).await?
        });
        for (id, name, page) in rows {
            let href = match to {
                RefTo::Firm => format!("/firms/{page}"),
                RefTo::System => format!("/systems/{page}"),
                RefTo::Agreement => format!("/agreements/{page}"),
                RefTo::Line => format!("/contracts/{page}"),
            };
            names.insert(to, id, name, href);
        }
    }
    Ok(names)
}

/// `entries` as their readers see them, with the current names of what they refer to.
pub async fn shown(db: &Db, entries: &[AuditEntry]) -> Result<Vec<ShownEntry>> {
    let names = names(db, entries).await?;
    Ok(entries.iter().map(|entry| entry.shown(&names)).collect())
}

/// The `WHERE` clause of `filter` with its parameters (all text; dates are ISO days).
fn filter_sql(filter: &AuditFilter) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut args: Vec<String> = Vec::new();
    if let Some(actor) = &filter.actor {
        // A user's entries by their username's key (Unicode case ignored); entries of no user
        // (failed sign-ins, the CLI) by their text.
        args.extend([super::keys::key(actor), actor.clone()]);
        clauses.push(
            "(actor_id IN (SELECT id FROM users WHERE username_key = $1) OR lower(actor) = lower($2))"
                .to_owned(),
        );
    }
    let mut push = |clause: &str, value: String| {
        args.push(value);
        clauses.push(clause.replace('?', &format!("${}", args.len())));
    };
    if let Some(action) = filter.action {
        push("action = ?", action.as_str().to_owned());
    }
    if let Some(kind) = filter.kind {
        push("record_kind = ?", kind.as_str().to_owned());
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    (where_sql, args)
}

/// One page of the trail, newest first, with the number of entries that match.
#[tracing::instrument(name = "db.audit.list", skip(db))]
pub async fn list(db: &Db, filter: &AuditFilter) -> Result<(Vec<AuditEntry>, i64)> {
    let (where_sql, args) = filter_sql(filter);
    let mut dates = String::new();
    let mut bounds: Vec<DateTime<Utc>> = Vec::new();
    for (op, day) in [
        (">=", filter.from),
        ("<", filter.to.and_then(|d| d.succ_opt())),
    ] {
        if let Some(day) = day {
            bounds.push(day.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
            dates.push_str(&format!(
                "{} at {op} ${}",
                if where_sql.is_empty() && dates.is_empty() {
                    " WHERE"
                } else {
                    " AND"
                },
                args.len() + bounds.len()
            ));
        }
    }
    let count_sql = format!("SELECT COUNT(*) FROM audit_log{where_sql}{dates}");
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log{where_sql}{dates} ORDER BY id DESC LIMIT {} OFFSET {}",
        filter.limit(),
        filter.offset()
    );
    let (rows, total) = on_db!(db, pool => {
        let mut query = sqlx::query_as::<_, EntryRow>(&sql);
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        for arg in &args {
            query = query.bind(arg);
            count = count.bind(arg);
        }
        for bound in &bounds {
            query = query.bind(bound);
            count = count.bind(bound);
        }
        (query.fetch_all(pool).await?, count.fetch_one(pool).await?)
    });
    Ok((
        rows.into_iter()
            .map(AuditEntry::try_from)
            .collect::<Result<_>>()?,
        total,
    ))
}
