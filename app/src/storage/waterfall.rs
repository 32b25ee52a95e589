//! What the waterfall of an agreement adds up from the contracts signed under it.

use super::{Db, Result, StorageError, on_db};
use crate::domain::waterfall::SignedSums;
use crate::domain::{ContractStatus, CurrencyCode, HasStanding, Money, Standing};

/// A value currency's row: the currency, the sum, the sum in USD, how many values have no USD
/// equivalent, how many contracts.
type ValueRow = (Option<String>, Option<i64>, Option<i64>, i64, i64);

/// The units (ordered, from options, options open, delivered) and the values per currency of
/// the contracts in force under agreement `id`.
#[tracing::instrument(name = "db.waterfall.signed", skip(db))]
pub async fn signed(db: &Db, id: i64) -> Result<SignedSums> {
    let in_force = ContractStatus::sql_in("c.status", &[Standing::InForce]);
    let units_sql = format!(
        "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT), CAST(COALESCE(SUM(l.exercised_units), 0) AS BIGINT), \
         CAST(COALESCE(SUM(l.option_units), 0) AS BIGINT), CAST(COALESCE(SUM(l.delivered_units), 0) AS BIGINT) \
         FROM contract_lines l JOIN contracts c ON c.id = l.contract_id WHERE c.agreement_id = $1 AND {in_force}"
    );
    let values_sql = format!(
        "SELECT c.value_currency, CAST(SUM(c.value_minor) AS BIGINT), CAST(SUM(c.usd_minor) AS BIGINT), \
         CAST(COUNT(c.value_minor) - COUNT(c.usd_minor) AS BIGINT), CAST(COUNT(*) AS BIGINT) \
         FROM contracts c WHERE c.agreement_id = $1 AND {in_force} GROUP BY c.value_currency ORDER BY c.value_currency"
    );
    let (units, values) = on_db!(db, pool => {
        let units: (i64, i64, i64, i64) = sqlx::query_as(&units_sql).bind(id).fetch_one(pool).await?;
        let values: Vec<ValueRow> = sqlx::query_as(&values_sql).bind(id).fetch_all(pool).await?;
        (units, values)
    });
    let usd = CurrencyCode::parse("USD").map_err(StorageError::Corrupt)?;
    let mut sums = SignedSums {
        units: units.0,
        exercised: units.1,
        open_options: units.2,
        delivered: units.3,
        ..SignedSums::default()
    };
    for (currency, minor, usd_minor, unconverted, contracts) in values {
        sums.contracts += contracts;
        let (Some(code), Some(minor)) = (currency, minor) else {
            continue;
        };
        let code = CurrencyCode::parse(&code).map_err(StorageError::Corrupt)?;
        sums.values.push((
            Money::from_minor(minor, code),
            usd_minor.map(|m| Money::from_minor(m, usd)),
            unconverted as usize,
        ));
    }
    Ok(sums)
}
