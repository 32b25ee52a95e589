//! Exchange rates, and the USD equivalents of contract values that depend on them. Every write
//! of a rate or a contract refreshes the equivalents it affects in the same transaction, so a
//! total in USD is a plain integer sum and always matches the rates on file.

use super::args::{Args, bind_all};
use super::audit;
use super::rollup::{self, Affected};
use super::{Db, Deleted, Result, StorageError, Tx, Versioned, on_db, on_tx};
use crate::domain::audit::RecordKind;
use crate::domain::rate::{ExchangeRate, RateDraft, from_nanos, to_nanos, usd_equivalent};
use crate::domain::{CurrencyCode, Money, PartialDate, RateId, Version};
use chrono::{DateTime, SubsecRound, Utc};

#[derive(sqlx::FromRow)]
struct RateRow {
    id: i64,
    currency: String,
    rate_date: String,
    usd_nanos: i64,
    source: String,
    contracts: i64,
    version: i64,
    updated_at: DateTime<Utc>,
}

impl TryFrom<RateRow> for ExchangeRate {
    type Error = StorageError;
    fn try_from(row: RateRow) -> Result<Self> {
        Ok(ExchangeRate {
            id: row.id,
            currency: CurrencyCode::parse(&row.currency).map_err(StorageError::Corrupt)?,
            date: PartialDate::parse(&row.rate_date).map_err(StorageError::Corrupt)?,
            usd_per_unit: from_nanos(row.usd_nanos),
            source: row.source,
            contracts: row.contracts,
            version: row.version,
            updated_at: row.updated_at,
        })
    }
}

const SELECT: &str = "SELECT r.id, r.currency, r.rate_date, r.usd_nanos, r.source, \
     CAST((SELECT COUNT(*) FROM contracts c WHERE c.usd_rate_id = r.id) AS BIGINT) AS contracts, \
     r.version, r.updated_at FROM exchange_rates r";

/// Every rate, by currency and newest first.
#[tracing::instrument(name = "db.rates.list", skip(db))]
pub async fn list(db: &Db) -> Result<Vec<ExchangeRate>> {
    let sql = format!("{SELECT} ORDER BY r.currency, r.rate_date DESC");
    let rows = on_db!(db, pool => sqlx::query_as::<_, RateRow>(&sql).fetch_all(pool).await?);
    rows.into_iter().map(ExchangeRate::try_from).collect()
}

#[tracing::instrument(name = "db.rates.get", skip(db))]
pub async fn get(db: &Db, id: i64) -> Result<Option<ExchangeRate>> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    let row =
        on_db!(db, pool => sqlx::query_as::<_, RateRow>(&sql).bind(id).fetch_optional(pool).await?);
    row.map(ExchangeRate::try_from).transpose()
}

fn date_text(date: PartialDate) -> String {
    date.earliest().format("%Y-%m-%d").to_string()
}

/// Stores a rate and refreshes the USD equivalents of its currency.
#[tracing::instrument(name = "db.rates.insert", skip(db))]
pub async fn insert(db: &Db, draft: &RateDraft) -> Result<i64> {
    let mut tx = db.begin().await?;
    let now = Utc::now().trunc_subsecs(6);
    let id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO exchange_rates (currency, rate_date, usd_nanos, source, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id",
        )
        .bind(draft.currency.as_str())
        .bind(date_text(draft.date))
        .bind(to_nanos(draft.usd_per_unit))
        .bind(&draft.source)
        .bind(now)
        .fetch_one(conn)
        .await?
    });
    let dates = [date_text(draft.date)];
    refresh_usd(&mut tx, draft.currency, Refresh::Rate { id, dates: &dates }).await?;
    audit::record(&mut tx, RecordKind::Rate, id, None).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves `draft` over rate `id` if it is still at `version` (`false` when it is not), and
/// refreshes the USD equivalents of the currencies involved.
#[tracing::instrument(name = "db.rates.update", skip(db))]
pub async fn update(db: &Db, id: RateId, version: Version, draft: &RateDraft) -> Result<Versioned> {
    let (id, version) = (id.get(), version.get());
    let mut tx = db.begin().await?;
    let before: Option<(String, String)> = on_tx!(&mut tx, conn => {
        sqlx::query_as("SELECT currency, rate_date FROM exchange_rates WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(version)
            .fetch_optional(conn)
            .await?
    });
    let Some((before, date_before)) = before else {
        return Ok(if super::exists_in(&mut tx, "exchange_rates", id).await? {
            Versioned::Stale
        } else {
            Versioned::Missing
        });
    };
    let snapshot = audit::snapshot(&mut tx, RecordKind::Rate, id).await?;
    let now = Utc::now().trunc_subsecs(6);
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE exchange_rates SET currency = $1, rate_date = $2, usd_nanos = $3, source = $4, \
             version = version + 1, updated_at = $5 WHERE id = $6",
        )
        .bind(draft.currency.as_str())
        .bind(date_text(draft.date))
        .bind(to_nanos(draft.usd_per_unit))
        .bind(&draft.source)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    });
    if let Ok(before) = CurrencyCode::parse(&before)
        && before != draft.currency
    {
        refresh_usd(&mut tx, before, Refresh::Currency).await?;
        refresh_usd(&mut tx, draft.currency, Refresh::Currency).await?;
    } else {
        let dates = [date_before, date_text(draft.date)];
        refresh_usd(&mut tx, draft.currency, Refresh::Rate { id, dates: &dates }).await?;
    }
    audit::record(&mut tx, RecordKind::Rate, id, snapshot).await?;
    tx.commit().await?;
    Ok(Versioned::Done)
}

/// Deletes rate `id` if it is still at `version`; the contracts that used it move to the
/// nearest other rate (or have no USD equivalent).
#[tracing::instrument(name = "db.rates.delete", skip(db))]
pub async fn delete(db: &Db, id: RateId, version: Version) -> Result<Deleted> {
    let (id, version) = (id.get(), version.get());
    let mut tx = db.begin().await?;
    let rate: Option<(String, String)> = on_tx!(&mut tx, conn => {
        sqlx::query_as("SELECT currency, rate_date FROM exchange_rates WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(version)
            .fetch_optional(conn)
            .await?
    });
    let Some((currency, date)) = rate else {
        return Ok(if super::exists_in(&mut tx, "exchange_rates", id).await? {
            Deleted::Stale
        } else {
            Deleted::Missing
        });
    };
    // Its contracts move to the rate before it (the refresh below recomputes them there);
    // left to the foreign key they would have no rate, among every contract without one.
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE contracts SET usd_rate_id = (SELECT r.id FROM exchange_rates r \
               WHERE r.currency = $1 AND r.rate_date <= $2 AND r.id <> $3 ORDER BY r.rate_date DESC LIMIT 1) \
             WHERE usd_rate_id = $3",
        )
        .bind(&currency)
        .bind(&date)
        .bind(id)
        .execute(conn)
        .await?;
    });
    let deleted = super::delete_versioned_in(&mut tx, RecordKind::Rate, id, version).await?;
    if deleted != Deleted::Done {
        return Ok(deleted);
    }
    let dates = [date];
    refresh_usd(
        &mut tx,
        CurrencyCode::parse(&currency).map_err(StorageError::Corrupt)?,
        Refresh::Rate { id, dates: &dates },
    )
    .await?;
    tx.commit().await?;
    Ok(Deleted::Done)
}

/// Which USD equivalents a refresh recomputes.
#[derive(Clone, Copy)]
pub(super) enum Refresh<'a> {
    /// One contract's, after it was written.
    Contract(i64),
    /// Those a change of rate `id` (dated `dates`: before and after the change) can move: the
    /// contracts on that rate or on the rate before either date, those without a rate when it
    /// is or becomes the currency's earliest, and every line value in the currency. The other
    /// contracts keep their rate.
    Rate { id: i64, dates: &'a [String] },
    /// Every value in the currency.
    Currency,
}

/// Recomputes the USD equivalents of the values in `currency` that `scope` names: at the rate
/// of the contract's signing date, or the nearest earlier one. A value in USD is its own
/// equivalent; a contract without a signing date or an earlier rate has none.
pub(super) async fn refresh_usd(
    tx: &mut Tx,
    currency: CurrencyCode,
    scope: Refresh<'_>,
) -> Result<()> {
    let rates: Vec<(i64, String, i64)> = on_tx!(tx, conn => {
        sqlx::query_as("SELECT id, rate_date, usd_nanos FROM exchange_rates WHERE currency = $1 ORDER BY rate_date")
            .bind(currency.as_str())
            .fetch_all(conn)
            .await?
    });
    let (rate_ids, without_rate) = moved_by(scope, &rates);
    let codes = [currency.as_str()];
    let affected = match scope {
        Refresh::Contract(id) => Affected::Contract(id),
        Refresh::Rate { .. } => Affected::Rates {
            currency: currency.as_str(),
            rate_ids: &rate_ids,
            without_rate,
        },
        Refresh::Currency => Affected::Currencies(&codes),
    };
    // A rate changed: the contracts it can move leave the summary's totals and come back with
    // their new USD figures. (A contract's own write takes it out and puts it back itself.)
    let rate_change = !matches!(scope, Refresh::Contract(_));
    if rate_change {
        rollup::apply(tx, affected, -1).await?;
    }
    let mut args = Args::default();
    let currency_arg = args.text(currency.as_str());
    // A deal not signed yet is valued at the rate of the date it is expected to be signed on.
    let contracts_sql = format!(
        "SELECT c.id, c.value_minor, COALESCE(c.signed_on, c.likely_signed_on) FROM contracts c \
         WHERE c.value_currency = {currency_arg} AND c.value_minor IS NOT NULL AND {}",
        affected.condition(&mut args)
    );
    let contracts: Vec<(i64, i64, Option<String>)> = on_tx!(tx, conn => {
        bind_all!(sqlx::query_as(&contracts_sql), args.0.clone()).fetch_all(conn).await?
    });
    let only = match scope {
        Refresh::Contract(id) => Some(id),
        _ => None,
    };
    let lines: Vec<(i64, i64, Option<String>)> = on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT l.id, l.value_minor, COALESCE(c.signed_on, c.likely_signed_on) FROM contract_lines l JOIN contracts c ON c.id = l.contract_id \
             WHERE l.value_currency = $1 AND l.value_minor IS NOT NULL AND ($2 IS NULL OR c.id = $2)",
        )
        .bind(currency.as_str())
        .bind(only)
        .fetch_all(conn)
        .await?
    });
    for (id, value_minor, signed_on) in contracts {
        let (usd_minor, rate_id) = in_usd(&rates, currency, value_minor, signed_on)?;
        on_tx!(tx, conn => {
            sqlx::query("UPDATE contracts SET usd_minor = $1, usd_rate_id = $2 WHERE id = $3")
                .bind(usd_minor)
                .bind(rate_id)
                .bind(id)
                .execute(conn)
                .await?;
        });
    }
    for (id, value_minor, signed_on) in lines {
        let (usd_minor, _) = in_usd(&rates, currency, value_minor, signed_on)?;
        on_tx!(tx, conn => {
            sqlx::query("UPDATE contract_lines SET usd_minor = $1 WHERE id = $2")
                .bind(usd_minor)
                .bind(id)
                .execute(conn)
                .await?;
        });
    }
    if rate_change {
        rollup::apply(tx, affected, 1).await?;
    }
    Ok(())
}

/// The rates whose contracts a change of rate can move, and whether contracts without a rate
/// can move too (of `rates`, the currency's, by date). Contracts on rate `id` move to the rate
/// before its old date; contracts on the rate before its new date may move to it. Contracts
/// without a rate can only gain one (or contracts lose theirs) when one of those dates has no
/// rate before it.
fn moved_by(scope: Refresh<'_>, rates: &[(i64, String, i64)]) -> (Vec<i64>, bool) {
    let mut rate_ids = Vec::new();
    let mut without_rate = false;
    if let Refresh::Rate { id, dates } = scope {
        rate_ids.push(id);
        for date in dates {
            let before = rates
                .iter()
                .rev()
                .find(|(other, rate_date, _)| *other != id && rate_date <= date);
            match before {
                Some((other, _, _)) => rate_ids.push(*other),
                None => without_rate = true,
            }
        }
    }
    (rate_ids, without_rate)
}

/// The USD equivalent of `value_minor` in `currency` signed on `signed_on`, and the rate of
/// `rates` it is at (none for a value in USD).
fn in_usd(
    rates: &[(i64, String, i64)],
    currency: CurrencyCode,
    value_minor: i64,
    signed_on: Option<String>,
) -> Result<(Option<i64>, Option<i64>)> {
    if currency.as_str() == "USD" {
        return Ok((Some(value_minor), None));
    }
    let signed = signed_on
        .as_deref()
        .map(PartialDate::parse)
        .transpose()
        .map_err(StorageError::Corrupt)?
        .map(date_text);
    let rate = signed.and_then(|day| rates.iter().rev().find(|(_, date, _)| *date <= day));
    Ok(match rate {
        Some((rate_id, _, nanos)) => {
            let money = Money::from_minor(value_minor, currency);
            (
                Some(usd_equivalent(money, from_nanos(*nanos)).to_minor()),
                Some(*rate_id),
            )
        }
        None => (None, None),
    })
}

/// Refreshes the USD equivalent of contract `id` after it was written (its value may have
/// gone, or changed currency).
pub(super) async fn refresh_contract(tx: &mut Tx, id: i64) -> Result<()> {
    // The contract's currency and its lines' own currencies.
    let currencies: Vec<String> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT value_currency FROM contracts WHERE id = $1 AND value_currency IS NOT NULL \
             UNION SELECT value_currency FROM contract_lines WHERE contract_id = $1 AND value_currency IS NOT NULL",
        )
        .bind(id)
        .fetch_all(conn)
        .await?
    });
    on_tx!(tx, conn => {
        sqlx::query("UPDATE contracts SET usd_minor = NULL, usd_rate_id = NULL WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE contract_lines SET usd_minor = NULL WHERE contract_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    });
    for code in currencies {
        let code = CurrencyCode::parse(&code).map_err(StorageError::Corrupt)?;
        refresh_usd(tx, code, Refresh::Contract(id)).await?;
    }
    Ok(())
}
