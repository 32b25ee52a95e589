//! The `delivery_plans` table: each contract line's planned deliveries, saved over as a whole
//! with the contract's version, the schedule's totals and the audit trail in one transaction;
//! and the contracts behind schedule.

use super::args::Args;
use super::audit;
use super::rollup::{self, Affected};
use super::{Db, Result, StorageError, Tx, on_db, on_tx};
use crate::domain::audit::RecordKind;
use crate::domain::plan::{PlanDraft, PlanPeriod, PlanSource, PlannedDelivery};
use crate::domain::{Confidence, Quantity};
use chrono::{NaiveDate, SubsecRound, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
struct PlanRow {
    id: i64,
    line_id: i64,
    period: String,
    units: i64,
    confidence: String,
    source: String,
    source_url: Option<String>,
}

impl PlanRow {
    fn plan(&self) -> Result<PlannedDelivery> {
        Ok(PlannedDelivery {
            id: self.id,
            line_id: self.line_id,
            period: PlanPeriod::parse(&self.period).map_err(StorageError::Corrupt)?,
            units: Quantity::new(self.units).map_err(StorageError::Corrupt)?,
            confidence: Confidence::parse(&self.confidence).map_err(StorageError::Corrupt)?,
            source: PlanSource {
                title: self.source.clone(),
                url: self.source_url.clone(),
            },
        })
    }
}

/// The plans of contract `id`'s lines, in the lines' order and each line's periods in order.
#[tracing::instrument(name = "db.plans.for_contract", skip(db))]
pub async fn for_contract(db: &Db, id: i64) -> Result<Vec<PlannedDelivery>> {
    let rows = on_db!(db, pool => {
        sqlx::query_as::<_, PlanRow>(
            "SELECT p.id, p.line_id, p.period, p.units, p.confidence, p.source, p.source_url \
             FROM delivery_plans p JOIN contract_lines l ON l.id = p.line_id \
             WHERE l.contract_id = $1 ORDER BY l.position, p.ends_on, p.starts_on, p.position",
        )
        .bind(id)
        .fetch_all(pool)
        .await?
    });
    rows.iter().map(PlanRow::plan).collect()
}

/// What came of saving a contract's plans. Nothing is stored unless `Done`.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    Done,
    Missing,
    /// The contract was saved by someone else since the form was opened (at `version`).
    Stale,
    /// A plan row names a line that is not (or no longer) the contract's.
    UnknownLine {
        line_id: i64,
    },
}

/// Saves `plans` over every stored plan of contract `id`'s lines, if the contract is still at
/// `version`; the contract's version moves, so an edit form opened before cannot save over.
#[tracing::instrument(name = "db.plans.replace", skip(db, plans))]
pub async fn replace(db: &Db, id: i64, version: i64, plans: &[PlanDraft]) -> Result<Saved> {
    let mut tx = db.begin().await?;
    let before = audit::snapshot(&mut tx, RecordKind::Contract, id).await?;
    if before.is_none() {
        return Ok(Saved::Missing);
    }
    let now = Utc::now().trunc_subsecs(6);
    let moved: Option<i64> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "UPDATE contracts SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3 RETURNING id",
        )
        .bind(now)
        .bind(id)
        .bind(version)
        .fetch_optional(conn)
        .await?
    });
    if moved.is_none() {
        return Ok(Saved::Stale);
    }
    let lines = line_ids_in(&mut tx, id).await?;
    if let Some(plan) = plans.iter().find(|p| !lines.contains(&p.line_id)) {
        return Ok(Saved::UnknownLine {
            line_id: plan.line_id,
        });
    }
    replace_in(&mut tx, id, plans).await?;
    audit::record(&mut tx, RecordKind::Contract, id, before).await?;
    tx.commit().await?;
    Ok(Saved::Done)
}

/// Saves `plans` (on lines of contract `id`) over the contract's stored plans inside `tx`,
/// moving the schedule's totals; the caller has checked the lines and keeps the version and
/// the audit trail.
pub async fn replace_in(tx: &mut Tx, id: i64, plans: &[PlanDraft]) -> Result<()> {
    rollup::apply(tx, Affected::Contract(id), -1).await?;
    on_tx!(tx, conn => {
        sqlx::query(
            "DELETE FROM delivery_plans WHERE line_id IN (SELECT id FROM contract_lines WHERE contract_id = $1)",
        )
        .bind(id)
        .execute(conn)
        .await?;
    });
    for (position, plan) in plans.iter().enumerate() {
        insert(tx, position, plan).await?;
    }
    rollup::apply(tx, Affected::Contract(id), 1).await
}

/// The ids of contract `id`'s lines, in order, inside `tx`.
pub async fn line_ids_in(tx: &mut Tx, id: i64) -> Result<Vec<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT id FROM contract_lines WHERE contract_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(conn)
            .await?
    }))
}

/// Adds one plan row (`position` orders the rows of a save: unique per line).
async fn insert(tx: &mut Tx, position: usize, plan: &PlanDraft) -> Result<()> {
    let (from_year, to_year) = plan.period.years();
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO delivery_plans (line_id, position, period, starts_on, ends_on, from_year, to_year, \
             units, confidence, source, source_url) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(plan.line_id)
        .bind(position as i64)
        .bind(plan.period.to_string())
        .bind(plan.period.starts_on().to_string())
        .bind(plan.period.ends_on().to_string())
        .bind(from_year)
        .bind(to_year)
        .bind(plan.units.get())
        .bind(plan.confidence.as_str())
        .bind(&plan.source.title)
        .bind(plan.source.url.as_deref())
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// A condition on `c` (the contracts table): the contract has a line with more units planned
/// in periods that ended before `today` than are delivered on it, read off each line's
/// maintained `behind_after` ([`refresh_behind`]). Asked per contract (off the index of the
/// lines by contract and that day), so a list page walks its order's index and stops when it
/// is full, instead of collecting every contract behind schedule first.
pub fn behind_schedule(today: NaiveDate, args: &mut Args) -> String {
    format!(
        "EXISTS (SELECT 1 FROM contract_lines bl WHERE bl.contract_id = c.id AND bl.behind_after < {})",
        args.text(today.to_string())
    )
}

/// Sets `behind_after` of the lines of the contracts `condition` picks (on `c`, see
/// [`Affected::condition`]; every line with a plan, or that had one, for [`Affected::All`]):
/// the last day of the first period by whose end more units are planned than the line has
/// delivered.
pub(super) async fn refresh_behind(tx: &mut Tx, affected: Affected<'_>) -> Result<()> {
    let mut args = Args::default();
    let lines = match affected {
        Affected::All => {
            "(contract_lines.id IN (SELECT line_id FROM delivery_plans) OR contract_lines.behind_after IS NOT NULL)"
                .to_owned()
        }
        other => format!(
            "contract_lines.contract_id IN (SELECT c.id FROM contracts c WHERE {})",
            other.condition(&mut args)
        ),
    };
    let sql = format!(
        "UPDATE contract_lines SET behind_after = (SELECT MIN(p.ends_on) FROM delivery_plans p \
         WHERE p.line_id = contract_lines.id AND (SELECT SUM(q.units) FROM delivery_plans q \
         WHERE q.line_id = p.line_id AND q.ends_on <= p.ends_on) > contract_lines.delivered_units) \
         WHERE {lines}"
    );
    on_tx!(tx, conn => {
        super::args::bind_all!(sqlx::query(&sql), args.0).execute(conn).await?;
    });
    Ok(())
}

/// Units planned and delivered by year, as the summary shows them: `(from_year, to_year,
/// planned, delivered)`, a span of years in one row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScheduleYear {
    pub from_year: i32,
    pub to_year: i32,
    pub planned: i64,
    pub delivered: i64,
}

/// A row of the plans export: one planned period of a line, with its contract's names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportedPlanRow {
    pub contract_id: i64,
    pub contract_ref: Option<String>,
    pub contract_title: String,
    pub buyer_code: String,
    pub line_id: i64,
    pub position: i64,
    pub designation: String,
    pub quantity: Option<i64>,
    #[sqlx(flatten)]
    plan: PlanRow,
}

impl ExportedPlanRow {
    pub fn plan(&self) -> Result<PlannedDelivery> {
        self.plan.plan()
    }
}

/// A delivery on a planned line: `(line id, delivered on, units)`.
pub type DeliveredRow = (i64, String, i64);

/// The next `limit` contracts matching `filter` that have a plan, after contract `after` (by
/// id): their plans' rows (by contract, line and period) and the deliveries of their planned
/// lines (`(line id, delivered on, units)`), which the schedule is read against.
#[tracing::instrument(name = "db.plans.export_page", skip(db))]
pub async fn export_page(
    db: &Db,
    filter: &crate::domain::filter::ContractFilter,
    after: i64,
    limit: i64,
) -> Result<(Vec<ExportedPlanRow>, Vec<DeliveredRow>)> {
    let mut args = Args::default();
    let where_sql = super::contracts::where_clause(filter, &mut args);
    let after = args.int(after);
    let limit = args.int(limit);
    let ids_sql = format!(
        "SELECT c.id FROM contracts c WHERE {where_sql} AND c.id > {after} \
         AND EXISTS (SELECT 1 FROM contract_lines el JOIN delivery_plans ep ON ep.line_id = el.id WHERE el.contract_id = c.id) \
         ORDER BY c.id LIMIT {limit}"
    );
    let ids: Vec<i64> = on_db!(db, pool => {
        super::args::bind_all!(sqlx::query_scalar(&ids_sql), args.0).fetch_all(pool).await?
    });
    if ids.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let list = list.join(", ");
    let rows_sql = format!(
        "SELECT c.id AS contract_id, c.external_id AS contract_ref, c.title AS contract_title, c.buyer_code, \
         l.id AS line_id, CAST(l.position AS BIGINT) AS position, s.designation, l.quantity, \
         p.id, p.line_id, p.period, p.units, p.confidence, p.source, p.source_url \
         FROM delivery_plans p JOIN contract_lines l ON l.id = p.line_id JOIN contracts c ON c.id = l.contract_id \
         JOIN systems s ON s.id = l.system_id WHERE c.id IN ({list}) \
         ORDER BY c.id, l.position, p.ends_on, p.starts_on, p.position"
    );
    let deliveries_sql = format!(
        "SELECT d.line_id, d.delivered_on, d.units FROM deliveries d JOIN contract_lines l ON l.id = d.line_id \
         WHERE l.contract_id IN ({list}) AND d.line_id IN (SELECT line_id FROM delivery_plans) ORDER BY d.line_id, d.delivered_on"
    );
    Ok(on_db!(db, pool => {
        let rows = sqlx::query_as::<_, ExportedPlanRow>(&rows_sql).fetch_all(pool).await?;
        let deliveries = sqlx::query_as::<_, DeliveredRow>(&deliveries_sql).fetch_all(pool).await?;
        (rows, deliveries)
    }))
}
