//! Queries on framework agreements, their suppliers and ceiling lines.

use super::args::{Args, bind_all, contains_pattern, labels_for};
use super::audit;
use super::provenance::{self, Owner, figure, money, partial_date};
use super::{Db, Result, StorageError, Tx, Versioned, on_db, on_tx};
use crate::domain::audit::RecordKind;
use crate::domain::filter::{AgreementFilter, ContractFilter, PER_PAGE};
use crate::domain::pipeline::Percent;
use crate::domain::register::{
    Agreement, AgreementDraft, AgreementSummary, CeilingLine, Named, Page,
};
use crate::domain::{
    AgreementId, AgreementStatus, Category, Confidence, ContractStatus, CountryCode, HasStanding,
    Quantity, Standing, Version,
};
use chrono::{DateTime, SubsecRound, Utc};

/// Stores an agreement with its suppliers, ceiling lines, alternatives and sources in one
/// transaction.
#[tracing::instrument(name = "db.agreements.insert", skip_all, fields(title = draft.title.as_str()))]
pub async fn insert(db: &Db, draft: &AgreementDraft) -> Result<i64> {
    let mut tx = db.begin().await?;
    let now = Utc::now().trunc_subsecs(6);
    let value = draft.provenance.value.as_ref();
    let outlook = super::outlook::binds(&draft.outlook);
    let id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO agreements (title, buyer_code, agency, signed_on, signed_year, status, value_minor, \
             value_currency, value_confidence, value_basis, notes, version, created_at, updated_at, \
             likely_signed_on, probability, probability_confidence, probability_basis, lapsed_reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12, $13, $14, $15, $16, $17) RETURNING id",
        )
        .bind(draft.title.as_str())
        .bind(draft.buyer.as_str())
        .bind(draft.agency.as_str())
        .bind(draft.signed_on.map(|d| d.to_string()))
        .bind(draft.counted_year())
        .bind(draft.status.as_str())
        .bind(value.map(|f| f.money.to_minor()))
        .bind(value.map(|f| f.money.currency().as_str()))
        .bind(value.map(|f| f.confidence.as_str()))
        .bind(value.map_or("", |f| f.basis.as_str()))
        .bind(draft.notes.as_str())
        .bind(now)
        .bind(outlook.0.clone())
        .bind(outlook.1)
        .bind(outlook.2)
        .bind(outlook.3)
        .bind(outlook.4)
        .fetch_one(conn)
        .await?
    });
    insert_children(&mut tx, id, draft).await?;
    provenance::insert(&mut tx, Owner::Agreement(id), &draft.provenance).await?;
    audit::record(&mut tx, RecordKind::Agreement, id, None).await?;
    tx.commit().await?;
    Ok(id)
}

/// The suppliers and ceiling lines of agreement `id`.
async fn insert_children(tx: &mut Tx, id: i64, draft: &AgreementDraft) -> Result<()> {
    insert_suppliers(tx, id, &draft.supplier_ids).await?;
    for (position, line) in draft.ceilings.iter().enumerate() {
        insert_ceiling(tx, id, position, line).await?;
    }
    Ok(())
}

async fn insert_suppliers(tx: &mut Tx, id: i64, supplier_ids: &[i64]) -> Result<()> {
    for firm_id in supplier_ids {
        on_tx!(tx, conn => {
            sqlx::query("INSERT INTO agreement_suppliers (agreement_id, firm_id) VALUES ($1, $2)")
                .bind(id)
                .bind(firm_id)
                .execute(conn)
                .await?;
        });
    }
    Ok(())
}

async fn insert_ceiling(
    tx: &mut Tx,
    id: i64,
    position: usize,
    line: &crate::domain::register::CeilingDraft,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO ceiling_lines (agreement_id, position, system_id, quantity, value_minor, value_currency, \
             confidence, basis, notes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(line.system_id)
        .bind(line.quantity.get())
        .bind(line.value.map(|m| m.to_minor()))
        .bind(line.value.map(|m| m.currency().as_str()))
        .bind(line.confidence.as_str())
        .bind(line.basis.as_str())
        .bind(line.notes.as_str())
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Saves `ceilings` over agreement `id`'s: stored lines keep their id (and the amendments
/// that name them), new ones are added, the others deleted. A line that is not the
/// agreement's, or a removed one with amendments, is the refusal (the caller rolls back).
async fn replace_ceilings(
    tx: &mut Tx,
    id: i64,
    ceilings: &[crate::domain::register::CeilingDraft],
) -> Result<Option<AgreementRefusal>> {
    let stored: Vec<(i64, i64)> = on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT cl.id, (SELECT COUNT(*) FROM amendment_changes ac WHERE ac.ceiling_id = cl.id) \
             FROM ceiling_lines cl WHERE cl.agreement_id = $1",
        )
        .bind(id)
        .fetch_all(conn)
        .await?
    });
    for line in ceilings {
        if let Some(line_id) = line.id
            && !stored.iter().any(|(stored_id, _)| *stored_id == line_id)
        {
            return Ok(Some(AgreementRefusal::UnknownCeiling { line_id }));
        }
    }
    for (line_id, amendments) in &stored {
        if ceilings.iter().any(|l| l.id == Some(*line_id)) {
            continue;
        }
        if *amendments > 0 {
            return Ok(Some(AgreementRefusal::CeilingAmended {
                line_id: *line_id,
                amendments: *amendments,
            }));
        }
        on_tx!(tx, conn => {
            sqlx::query("DELETE FROM ceiling_lines WHERE id = $1").bind(line_id).execute(conn).await?;
        });
    }
    // Positions are unique per agreement: move the kept lines out of the way first.
    on_tx!(tx, conn => {
        sqlx::query("UPDATE ceiling_lines SET position = -1 - position WHERE agreement_id = $1")
            .bind(id)
            .execute(conn)
            .await?;
    });
    for (position, line) in ceilings.iter().enumerate() {
        match line.id {
            Some(line_id) => on_tx!(tx, conn => {
                sqlx::query(
                    "UPDATE ceiling_lines SET position = $1, system_id = $2, quantity = $3, value_minor = $4, \
                     value_currency = $5, confidence = $6, basis = $7, notes = $8 WHERE id = $9",
                )
                .bind(position as i64)
                .bind(line.system_id)
                .bind(line.quantity.get())
                .bind(line.value.map(|m| m.to_minor()))
                .bind(line.value.map(|m| m.currency().as_str()))
                .bind(line.confidence.as_str())
                .bind(line.basis.as_str())
                .bind(line.notes.as_str())
                .bind(line_id)
                .execute(conn)
                .await?;
            }),
            None => insert_ceiling(tx, id, position, line).await?,
        }
    }
    Ok(None)
}

/// Why an agreement's rules refuse an edit.
#[derive(Debug, PartialEq, Eq)]
pub enum AgreementRefusal {
    /// Contracts under the agreement have another buyer than the form's (they have the
    /// framework's buyer, so the buyer cannot change under them).
    BuyerInUse { contracts: i64 },
    /// A ceiling line the form removed has amendments recorded against it.
    CeilingAmended { line_id: i64, amendments: i64 },
    /// The form names a ceiling line that is not (or no longer) this agreement's.
    UnknownCeiling { line_id: i64 },
}

/// Saves `draft` over agreement `id` if it is still at `version`: the agreement, its suppliers,
/// ceiling lines, sources and alternatives, in one transaction.
#[tracing::instrument(name = "db.agreements.update", skip(db, draft))]
pub async fn update(
    db: &Db,
    id: AgreementId,
    version: Version,
    draft: &AgreementDraft,
) -> Result<Versioned<AgreementRefusal>> {
    let (id, version) = (id.get(), version.get());
    let mut tx = db.begin().await?;
    let before = audit::snapshot(&mut tx, RecordKind::Agreement, id).await?;
    let now = Utc::now().trunc_subsecs(6);
    let value = draft.provenance.value.as_ref();
    let outlook = super::outlook::binds(&draft.outlook);
    let updated: Option<i64> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "UPDATE agreements SET title = $1, buyer_code = $2, agency = $3, signed_on = $4, signed_year = $5, \
             status = $6, value_minor = $7, value_currency = $8, value_confidence = $9, value_basis = $10, notes = $11, \
             version = version + 1, updated_at = $12, likely_signed_on = $15, probability = $16, \
             probability_confidence = $17, probability_basis = $18, lapsed_reason = $19 \
             WHERE id = $13 AND version = $14 RETURNING id",
        )
        .bind(draft.title.as_str())
        .bind(draft.buyer.as_str())
        .bind(draft.agency.as_str())
        .bind(draft.signed_on.map(|d| d.to_string()))
        .bind(draft.counted_year())
        .bind(draft.status.as_str())
        .bind(value.map(|f| f.money.to_minor()))
        .bind(value.map(|f| f.money.currency().as_str()))
        .bind(value.map(|f| f.confidence.as_str()))
        .bind(value.map_or("", |f| f.basis.as_str()))
        .bind(draft.notes.as_str())
        .bind(now)
        .bind(id)
        .bind(version)
        .bind(outlook.0.clone())
        .bind(outlook.1)
        .bind(outlook.2)
        .bind(outlook.3)
        .bind(outlook.4)
        .fetch_optional(conn)
        .await?
    });
    if updated.is_none() {
        return Ok(if super::exists_in(&mut tx, "agreements", id).await? {
            Versioned::Stale
        } else {
            Versioned::Missing
        });
    }
    let other_buyer: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar("SELECT COUNT(*) FROM contracts WHERE agreement_id = $1 AND buyer_code <> $2")
            .bind(id)
            .bind(draft.buyer.as_str())
            .fetch_one(conn)
            .await?
    });
    if other_buyer > 0 {
        return Ok(Versioned::Refused(AgreementRefusal::BuyerInUse {
            contracts: other_buyer,
        }));
    }
    // Suppliers are referenced by nothing else: replace them. Ceiling lines keep their ids
    // (amendments name them).
    on_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM agreement_suppliers WHERE agreement_id = $1").bind(id).execute(conn).await?;
    });
    insert_suppliers(&mut tx, id, &draft.supplier_ids).await?;
    if let Some(refused) = replace_ceilings(&mut tx, id, &draft.ceilings).await? {
        return Ok(Versioned::Refused(refused));
    }
    provenance::replace(&mut tx, Owner::Agreement(id), &draft.provenance).await?;
    audit::record(&mut tx, RecordKind::Agreement, id, before).await?;
    tx.commit().await?;
    Ok(Versioned::Done)
}

/// The contracts still under agreement `id` ("Contract “K2 executive contract #1”"): an
/// agreement with contracts cannot be deleted.
#[tracing::instrument(name = "db.agreements.references", skip(db))]
pub async fn references(db: &Db, id: i64) -> Result<Vec<String>> {
    let rows: Vec<(String, String)> = on_db!(db, pool => {
        sqlx::query_as(
            "SELECT 'Contract “' || title || '”', lower(title) FROM contracts WHERE agreement_id = $1 ORDER BY 2",
        )
        .bind(id)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(|(line, _)| line).collect())
}

/// Deletes agreement `id` (with its ceiling lines, suppliers and sources) if it is still at
/// `version`. The caller checks `references` first; the foreign key refuses it otherwise.
#[tracing::instrument(name = "db.agreements.delete", skip(db))]
pub async fn delete(db: &Db, id: AgreementId, version: Version) -> Result<super::Deleted> {
    super::delete_versioned(db, RecordKind::Agreement, id.get(), version.get()).await
}

#[derive(sqlx::FromRow)]
struct AgreementRow {
    id: i64,
    title: String,
    buyer_code: String,
    agency: String,
    signed_on: Option<String>,
    status: String,
    value_minor: Option<i64>,
    value_currency: Option<String>,
    value_confidence: Option<String>,
    value_basis: String,
    notes: String,
    version: i64,
    updated_at: DateTime<Utc>,
    #[sqlx(flatten)]
    outlook: super::outlook::OutlookRow,
}

#[derive(sqlx::FromRow)]
struct CeilingRow {
    id: i64,
    system_id: i64,
    designation: String,
    category: String,
    quantity: i64,
    value_minor: Option<i64>,
    value_currency: Option<String>,
    confidence: String,
    basis: String,
    notes: String,
}

/// The lines of the agreement's contracts, summed by system and status: what the ceiling
/// lines count against them.
#[derive(sqlx::FromRow)]
struct UnderRow {
    system_id: i64,
    variant_of_id: Option<i64>,
    status: String,
    quantity: i64,
    delivered: i64,
    exercised: i64,
    options: i64,
    /// Units weighted by their contract's probability of signing, each line rounded as the
    /// summary rounds a weighted figure.
    weighted: i64,
}

/// What counts against a ceiling line of `system_id`: lines of the agreement's contracts in
/// force (executed; the pipeline apart) whose system is the line's or a variant of it.
#[derive(Default)]
struct Counted {
    executed: i64,
    delivered: i64,
    exercised: i64,
    options: i64,
    pipeline: i64,
    pipeline_weighted: i64,
}

fn counted(under: &[UnderRow], system_id: i64) -> Result<Counted> {
    let mut sums = Counted::default();
    for row in under
        .iter()
        .filter(|r| r.system_id == system_id || r.variant_of_id == Some(system_id))
    {
        match ContractStatus::parse(&row.status)
            .map_err(corrupt)?
            .standing()
        {
            Standing::InForce => {
                sums.executed += row.quantity;
                sums.delivered += row.delivered;
                sums.exercised += row.exercised;
                sums.options += row.options;
            }
            Standing::Pipeline => {
                sums.pipeline += row.quantity;
                sums.pipeline_weighted += row.weighted;
            }
            Standing::Cancelled | Standing::Lapsed => {}
        }
    }
    Ok(sums)
}

fn corrupt(message: String) -> StorageError {
    StorageError::Corrupt(message)
}

#[tracing::instrument(name = "db.agreements.get", skip(db))]
pub async fn get(db: &Db, id: i64) -> Result<Option<Agreement>> {
    let row = on_db!(db, pool => {
        sqlx::query_as::<_, AgreementRow>(&format!(
            "SELECT a.id, a.title, a.buyer_code, a.agency, a.signed_on, a.status, a.value_minor, a.value_currency, \
             a.value_confidence, a.value_basis, a.notes, a.version, a.updated_at, {} FROM agreements a WHERE a.id = $1",
            super::outlook::columns("a"),
        ))
        .bind(id)
        .fetch_optional(pool)
        .await?
    });
    let Some(row) = row else { return Ok(None) };
    let ceilings_sql = "SELECT cl.id, cl.system_id, s.designation, s.category, cl.quantity, cl.value_minor, \
         cl.value_currency, cl.confidence, cl.basis, cl.notes \
         FROM ceiling_lines cl JOIN systems s ON s.id = cl.system_id WHERE cl.agreement_id = $1 ORDER BY cl.position";
    // Read from the agreement's contracts (by its index), then matched to the ceilings here: a
    // subquery per ceiling let the planners start from every contract of a status instead.
    let under_sql = "SELECT l.system_id, s.variant_of_id, c.status, CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) AS quantity, \
         CAST(SUM(l.delivered_units) AS BIGINT) AS delivered, CAST(SUM(l.exercised_units) AS BIGINT) AS exercised, \
         CAST(SUM(l.option_units) AS BIGINT) AS options, \
         CAST(COALESCE(SUM((l.quantity * COALESCE(c.probability, 100) + 50) / 100), 0) AS BIGINT) AS weighted \
         FROM contracts c JOIN contract_lines l ON l.contract_id = c.id JOIN systems s ON s.id = l.system_id \
         WHERE c.agreement_id = $1 GROUP BY l.system_id, s.variant_of_id, c.status";
    let (suppliers, ceilings) = on_db!(db, pool => {
        let suppliers = sqlx::query_as::<_, (i64, String)>(
            "SELECT f.id, f.name FROM agreement_suppliers s JOIN firms f ON f.id = s.firm_id \
             WHERE s.agreement_id = $1 ORDER BY lower(f.name)",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let ceilings = sqlx::query_as::<_, CeilingRow>(ceilings_sql).bind(id).fetch_all(pool).await?;
        let under = sqlx::query_as::<_, UnderRow>(under_sql).bind(id).fetch_all(pool).await?;
        (suppliers, (ceilings, under))
    });
    let (ceilings, under) = ceilings;
    let value = figure(
        row.value_minor,
        row.value_currency.as_deref(),
        row.value_confidence.as_deref(),
        row.value_basis,
    )?;
    let provenance = provenance::load(db, Owner::Agreement(id), value).await?;
    let contracts = super::contracts::list(
        db,
        &ContractFilter {
            agreement: Some(id),
            descending: false,
            ..ContractFilter::default()
        },
    )
    .await?
    .rows;
    let amendments = super::amendments::for_agreement(db, id).await?;
    Ok(Some(Agreement {
        id: row.id,
        title: row.title,
        buyer: CountryCode::parse(&row.buyer_code).map_err(corrupt)?,
        agency: row.agency,
        signed_on: partial_date(row.signed_on)?,
        status: AgreementStatus::parse(&row.status).map_err(corrupt)?,
        outlook: row.outlook.outlook()?,
        suppliers: suppliers
            .into_iter()
            .map(|(id, name)| Named { id, name })
            .collect(),
        provenance,
        ceilings: ceilings
            .into_iter()
            .map(|c| {
                let sums = counted(&under, c.system_id)?;
                Ok(CeilingLine {
                    id: c.id,
                    system: Named {
                        id: c.system_id,
                        name: c.designation,
                    },
                    category: Category::parse(&c.category).map_err(corrupt)?,
                    quantity: Quantity::new(c.quantity).map_err(corrupt)?,
                    value: money(c.value_minor, c.value_currency.as_deref())?,
                    confidence: Confidence::parse(&c.confidence).map_err(corrupt)?,
                    basis: c.basis,
                    notes: c.notes,
                    executed: sums.executed,
                    exercised_options: sums.exercised,
                    unexercised_options: sums.options,
                    pipeline: sums.pipeline,
                    pipeline_weighted: sums.pipeline_weighted,
                    delivered: sums.delivered,
                })
            })
            .collect::<Result<_>>()?,
        contracts,
        amendments,
        notes: row.notes,
        version: row.version,
        updated_at: row.updated_at,
    }))
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    title: String,
    buyer_code: String,
    signed_on: Option<String>,
    status: String,
    probability: Option<i64>,
    value_minor: Option<i64>,
    value_currency: Option<String>,
    value_confidence: Option<String>,
    contracts: i64,
    ceiling_units: i64,
}

#[tracing::instrument(name = "db.agreements.list", skip(db))]
pub async fn list(db: &Db, filter: &AgreementFilter) -> Result<Page<AgreementSummary>> {
    let mut args = Args::default();
    let mut clauses = vec!["1 = 1".to_owned()];
    if let Some(q) = &filter.q {
        let p = args.text(contains_pattern(q));
        clauses.push(format!(
            "(lower(a.title) LIKE {p} ESCAPE '\\' OR lower(a.agency) LIKE {p} ESCAPE '\\' OR lower(a.notes) LIKE {p} ESCAPE '\\' \
             OR a.id IN (SELECT qi.agreement_id FROM identifiers qi WHERE lower(qi.value) LIKE {p} ESCAPE '\\'))"
        ));
    }
    if let Some(buyer) = filter.buyer {
        clauses.push(format!("a.buyer_code = {}", args.text(buyer.as_str())));
    }
    if let Some(status) = filter.status {
        clauses.push(format!("a.status = {}", args.text(status.as_str())));
    }
    if let Some(group) = filter.group {
        clauses.push(AgreementStatus::sql_in("a.status", group.standings()));
    }
    let where_sql = clauses.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM agreements a WHERE {where_sql}");
    let count_args = args.0.clone();
    let limit = args.int(PER_PAGE.into());
    let offset = args.int((i64::from(filter.page.max(1)) - 1) * i64::from(PER_PAGE));
    let rows_sql = format!(
        "SELECT a.id, a.title, a.buyer_code, a.signed_on, a.status, a.probability, a.value_minor, a.value_currency, \
         a.value_confidence, CAST((SELECT COUNT(*) FROM contracts c WHERE c.agreement_id = a.id) AS BIGINT) AS contracts, \
         CAST(COALESCE((SELECT SUM(cl.quantity) FROM ceiling_lines cl WHERE cl.agreement_id = a.id), 0) AS BIGINT) AS ceiling_units \
         FROM agreements a WHERE {where_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        order = order_by(filter)
    );
    let (total, rows) = on_db!(db, pool => {
        let total: i64 = bind_all!(sqlx::query_scalar(&count_sql), count_args).fetch_one(pool).await?;
        let rows = bind_all!(sqlx::query_as::<_, SummaryRow>(&rows_sql), args.0).fetch_all(pool).await?;
        (total, rows)
    });
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let suppliers = supplier_names(db, &ids).await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            Ok(AgreementSummary {
                suppliers: suppliers
                    .iter()
                    .filter(|(id, _)| *id == r.id)
                    .map(|(_, n)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                id: r.id,
                title: r.title,
                buyer: CountryCode::parse(&r.buyer_code).map_err(corrupt)?,
                signed_on: partial_date(r.signed_on)?,
                status: AgreementStatus::parse(&r.status).map_err(corrupt)?,
                probability: r
                    .probability
                    .map(|p| Percent::new(p).map_err(corrupt))
                    .transpose()?,
                value: money(r.value_minor, r.value_currency.as_deref())?,
                value_confidence: r
                    .value_confidence
                    .as_deref()
                    .map(Confidence::parse)
                    .transpose()
                    .map_err(corrupt)?,
                contracts: r.contracts,
                ceiling_units: r.ceiling_units,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Page::counted(rows, total, filter.page, PER_PAGE))
}

async fn supplier_names(db: &Db, agreement_ids: &[i64]) -> Result<Vec<(i64, String)>> {
    labels_for(
        db,
        "SELECT s.agreement_id, f.name FROM agreement_suppliers s JOIN firms f ON f.id = s.firm_id \
         WHERE s.agreement_id IN ({ids}) ORDER BY s.agreement_id, lower(f.name)",
        agreement_ids,
    )
    .await
}

fn order_by(filter: &AgreementFilter) -> String {
    use crate::domain::filter::DealSort;
    let dir = if filter.descending { "DESC" } else { "ASC" };
    // NULLs last in both directions: `(x IS NULL)` sorts false first.
    let key = match filter.sort {
        DealSort::Signed => format!("(a.signed_on IS NULL), a.signed_on {dir}"),
        DealSort::Title => format!("lower(a.title) {dir}"),
        DealSort::Buyer => {
            format!("(SELECT name FROM countries WHERE code = a.buyer_code) {dir}")
        }
        DealSort::Supplier => format!(
            "(SELECT MIN(lower(f.name)) FROM agreement_suppliers s JOIN firms f ON f.id = s.firm_id \
             WHERE s.agreement_id = a.id) {dir}"
        ),
        DealSort::Status => format!("a.status {dir}"),
        DealSort::Value => {
            format!("(a.value_minor IS NULL), a.value_currency, a.value_minor {dir}")
        }
        DealSort::Units => format!("ceiling_units {dir}"),
    };
    format!("{key}, a.id {dir}")
}

/// Every agreement by title, for the selects of the entry forms.
#[tracing::instrument(name = "db.agreements.choices", skip(db))]
pub async fn choices(db: &Db) -> Result<Vec<crate::domain::register::AgreementChoice>> {
    let rows: Vec<(i64, String, String)> = on_db!(db, pool => {
        sqlx::query_as("SELECT id, title, buyer_code FROM agreements ORDER BY lower(title), id")
            .fetch_all(pool)
            .await?
    });
    rows.into_iter()
        .map(|(id, title, buyer)| {
            Ok(crate::domain::register::AgreementChoice {
                id,
                title,
                buyer: CountryCode::parse(&buyer).map_err(corrupt)?,
            })
        })
        .collect()
}
