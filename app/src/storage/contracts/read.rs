//! Reading one contract with its lines, deliveries, sources and USD equivalent.

use super::{country, named};
use crate::domain::rate::{RateRef, UsdValue, from_nanos};
use crate::domain::register::{Contract, ContractLine, Delivery, Named};
use crate::domain::{
    Category, Confidence, ContractStatus, CurrencyCode, Money, PartialDate, Quantity,
};
use crate::storage::outlook::{self, OutlookRow};
use crate::storage::provenance::{self, Owner, figure, money, partial_date};
use crate::storage::{Db, Result, StorageError, on_db};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct ContractRow {
    id: i64,
    title: String,
    agreement_id: Option<i64>,
    agreement_title: Option<String>,
    supplier_id: Option<i64>,
    supplier_name: Option<String>,
    buyer_code: String,
    agency: String,
    signed_on: Option<String>,
    status: String,
    value_minor: Option<i64>,
    value_currency: Option<String>,
    value_confidence: Option<String>,
    value_basis: String,
    delivery_period: String,
    local_production: String,
    notes: String,
    version: i64,
    updated_at: DateTime<Utc>,
    usd_minor: Option<i64>,
    rate_id: Option<i64>,
    rate_date: Option<String>,
    rate_nanos: Option<i64>,
    rate_source: Option<String>,
    #[sqlx(flatten)]
    outlook: OutlookRow,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    id: i64,
    system_id: i64,
    designation: String,
    category: String,
    quantity: Option<i64>,
    quantity_confidence: String,
    value_minor: Option<i64>,
    value_currency: Option<String>,
    notes: String,
    delivered_units: i64,
    option_units: i64,
    exercised_units: i64,
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: i64,
    line_id: i64,
    delivered_on: String,
    units: i64,
    confidence: String,
    notes: String,
}

pub(super) fn confidence(text: &str) -> Result<Confidence> {
    Confidence::parse(text).map_err(StorageError::Corrupt)
}

fn quantity(value: i64) -> Result<Quantity> {
    Quantity::new(value).map_err(StorageError::Corrupt)
}

/// Contract `id` with its lines, deliveries, sources and USD equivalent; `None` when there is
/// none.
#[tracing::instrument(name = "db.contracts.get", skip(db))]
pub async fn get(db: &Db, id: i64) -> Result<Option<Contract>> {
    let row = on_db!(db, pool => {
        sqlx::query_as::<_, ContractRow>(&format!(
            "SELECT c.id, c.title, c.agreement_id, a.title AS agreement_title, c.supplier_id, f.name AS supplier_name, \
             c.buyer_code, c.agency, c.signed_on, c.status, c.value_minor, c.value_currency, c.value_confidence, \
             c.value_basis, c.delivery_period, c.local_production, c.notes, c.version, c.updated_at, \
             c.usd_minor, r.id AS rate_id, r.rate_date, r.usd_nanos AS rate_nanos, r.source AS rate_source, {outlook} \
             FROM contracts c LEFT JOIN agreements a ON a.id = c.agreement_id LEFT JOIN firms f ON f.id = c.supplier_id \
             LEFT JOIN exchange_rates r ON r.id = c.usd_rate_id WHERE c.id = $1",
            outlook = outlook::columns("c"),
        ))
        .bind(id)
        .fetch_optional(pool)
        .await?
    });
    let Some(row) = row else { return Ok(None) };
    let (lines, deliveries) = on_db!(db, pool => {
        let lines = sqlx::query_as::<_, LineRow>(
            "SELECT l.id, l.system_id, s.designation, s.category, l.quantity, l.quantity_confidence, \
             l.value_minor, l.value_currency, l.notes, l.delivered_units, l.option_units, l.exercised_units \
             FROM contract_lines l JOIN systems s ON s.id = l.system_id WHERE l.contract_id = $1 ORDER BY l.position",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let deliveries = sqlx::query_as::<_, DeliveryRow>(
            "SELECT d.id, d.line_id, d.delivered_on, d.units, d.confidence, d.notes FROM deliveries d \
             JOIN contract_lines l ON l.id = d.line_id WHERE l.contract_id = $1 ORDER BY d.delivered_on, d.id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        (lines, deliveries)
    });
    // Read before the row's fields move into the contract.
    let usd = row.usd();
    let value = figure(
        row.value_minor,
        row.value_currency.as_deref(),
        row.value_confidence.as_deref(),
        row.value_basis,
    )?;
    let provenance = provenance::load(db, Owner::Contract(id), value).await?;
    let amendments = crate::storage::amendments::for_contracts(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let plans = crate::storage::plans::for_contract(db, id).await?;
    let usd = usd?;
    Ok(Some(Contract {
        id: row.id,
        title: row.title,
        agreement: named(row.agreement_id, row.agreement_title),
        supplier: named(row.supplier_id, row.supplier_name),
        buyer: country(&row.buyer_code)?,
        agency: row.agency,
        signed_on: partial_date(row.signed_on)?,
        status: ContractStatus::parse(&row.status).map_err(StorageError::Corrupt)?,
        outlook: row.outlook.outlook()?,
        provenance,
        delivery_period: row.delivery_period,
        local_production: row.local_production,
        lines: lines
            .into_iter()
            .map(LineRow::line)
            .collect::<Result<_>>()?,
        deliveries: deliveries
            .into_iter()
            .map(DeliveryRow::delivery)
            .collect::<Result<_>>()?,
        plans,
        amendments,
        usd,
        notes: row.notes,
        version: row.version,
        updated_at: row.updated_at,
    }))
}

impl ContractRow {
    /// The contract's value in US dollars, and the stored rate it was taken at.
    fn usd(&self) -> Result<Option<UsdValue>> {
        let Some(minor) = self.usd_minor else {
            return Ok(None);
        };
        let rate = match (self.rate_id, self.rate_date.as_deref(), self.rate_nanos) {
            (Some(id), Some(date), Some(nanos)) => Some(RateRef {
                id,
                date: PartialDate::parse(date).map_err(StorageError::Corrupt)?,
                usd_per_unit: from_nanos(nanos),
                source: self.rate_source.clone().unwrap_or_default(),
            }),
            _ => None,
        };
        Ok(Some(UsdValue {
            money: Money::from_minor(
                minor,
                CurrencyCode::parse("USD").map_err(StorageError::Corrupt)?,
            ),
            rate,
        }))
    }
}

impl LineRow {
    fn line(self) -> Result<ContractLine> {
        Ok(ContractLine {
            id: self.id,
            system: Named {
                id: self.system_id,
                name: self.designation,
            },
            category: Category::parse(&self.category).map_err(StorageError::Corrupt)?,
            quantity: self.quantity.map(quantity).transpose()?,
            quantity_confidence: confidence(&self.quantity_confidence)?,
            value: money(self.value_minor, self.value_currency.as_deref())?,
            notes: self.notes,
            delivered: self.delivered_units,
            options: self.option_units,
            exercised: self.exercised_units,
        })
    }
}

impl DeliveryRow {
    fn delivery(self) -> Result<Delivery> {
        Ok(Delivery {
            id: self.id,
            line_id: self.line_id,
            delivered_on: partial_date(Some(self.delivered_on))?
                .ok_or_else(|| StorageError::Corrupt("delivery without a date".into()))?,
            units: quantity(self.units)?,
            confidence: confidence(&self.confidence)?,
            notes: self.notes,
        })
    }
}
