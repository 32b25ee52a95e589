//! The portfolio (totals by dimension, each with the contract filter behind it, and the
//! yearly chart's stacks) and the headroom of framework agreements.

use crate::agreements::service::get_agreement;
use crate::domain::filter::{AgreementFilter, ContractFilter};
use crate::domain::register::{Agreement, Page};
use crate::error::AppError;
use crate::storage::register_version::KeptAtVersion;
use crate::storage::{Db, agreements};

/// Portfolios and headroom pages kept at the register's version: a view costs one query, not
/// the 17 of a portfolio or the two per agreement of a headroom page, until the next write.
static PORTFOLIOS: KeptAtVersion<crate::domain::summary::Portfolio> = KeptAtVersion::new(64);
static HEADROOM: KeptAtVersion<Page<Agreement>> = KeptAtVersion::new(64);

/// The portfolio for `filter`: the grand total and every dimension's groups, counting what the
/// filter's confidence level counts ([`crate::domain::summary::Level`]). Each group carries the
/// contract filter behind it, which lists exactly what the group adds up.
pub async fn portfolio(
    db: &Db,
    filter: &ContractFilter,
    stack: crate::domain::summary::Dimension,
) -> Result<crate::domain::summary::Portfolio, AppError> {
    // "Behind schedule" depends on the day as well as on the register.
    let day = filter.behind.then(|| chrono::Utc::now().date_naive());
    let key = serde_json::to_string(&(filter, stack, day)).map_err(AppError::internal)?;
    let kept = PORTFOLIOS
        .get_or_compute(db, key, computed_portfolio(db, filter, stack))
        .await?;
    Ok((*kept).clone())
}

/// [`portfolio`] summed by the database.
pub async fn computed_portfolio(
    db: &Db,
    filter: &ContractFilter,
    stack: crate::domain::summary::Dimension,
) -> Result<crate::domain::summary::Portfolio, AppError> {
    use crate::domain::summary::{Dimension, Portfolio};
    let level = filter.confidence;
    let base = ContractFilter {
        page: 1,
        ..filter.summed()
    };
    let total = group_totals(db, &base, None)
        .await?
        .into_iter()
        .next()
        .unwrap_or_else(|| empty_total(&base));
    let mut groups = Vec::new();
    for dimension in Dimension::ALL {
        groups.push((dimension, group_totals(db, &base, Some(dimension)).await?));
    }
    let by_year = year_stacks(db, &base, stack).await?;
    let schedule = crate::storage::summary::schedule_by_year(db, &base, level)
        .await?
        .into_iter()
        .map(
            |(from_year, to_year, planned, delivered)| crate::domain::summary::ScheduleYear {
                from_year,
                to_year,
                planned,
                delivered,
            },
        )
        .collect();
    Ok(Portfolio {
        filter: base,
        level,
        total,
        groups,
        by_year,
        schedule,
    })
}

/// The most series a stacked chart shows; the rest are added up as "Others".
const MAX_SERIES: usize = 6;

async fn year_stacks(
    db: &Db,
    filter: &ContractFilter,
    stack: crate::domain::summary::Dimension,
) -> Result<crate::domain::summary::YearStacks, AppError> {
    use crate::domain::summary::{Dimension, YearStacks};
    let rows = crate::storage::summary::usd_by_year(db, filter, stack, filter.confidence).await?;
    let mut years: Vec<i32> = rows.iter().map(|(y, _, _)| *y).collect();
    years.sort_unstable();
    years.dedup();
    let name = |label: &Option<String>| {
        label.clone().unwrap_or_else(|| match stack {
            Dimension::Buyer => "Buyer not recorded".into(),
            _ => "Supplier not recorded".into(),
        })
    };
    // Series by their whole value, largest first.
    let mut totals: Vec<(String, i64)> = Vec::new();
    for (_, label, cents) in &rows {
        let label = name(label);
        match totals.iter_mut().find(|(l, _)| *l == label) {
            Some((_, sum)) => *sum += cents,
            None => totals.push((label, *cents)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let shown: Vec<String> = totals
        .iter()
        .take(MAX_SERIES)
        .map(|(l, _)| l.clone())
        .collect();
    let mut series: Vec<(String, Vec<i64>)> = shown
        .iter()
        .map(|l| (l.clone(), vec![0; years.len()]))
        .collect();
    let mut others = vec![0; years.len()];
    for (year, label, cents) in &rows {
        let at = years.iter().position(|y| y == year).unwrap_or_default();
        match series.iter_mut().find(|(l, _)| *l == name(label)) {
            Some((_, values)) => values[at] += cents,
            None => others[at] += cents,
        }
    }
    if others.iter().any(|v| *v > 0) {
        series.push(("Others".into(), others));
    }
    Ok(YearStacks {
        stacked_by: match stack {
            Dimension::Buyer => "buyer".into(),
            _ => "supplier".into(),
        },
        years,
        series,
    })
}

fn empty_total(filter: &ContractFilter) -> crate::domain::summary::GroupTotal {
    crate::domain::summary::GroupTotal {
        label: "All contracts".into(),
        drill: filter.clone(),
        contracts: 0,
        valued: 0,
        values: Vec::new(),
        usd: None,
        without_usd: 0,
        units_ordered: 0,
        units_delivered: 0,
    }
}

/// The groups of one dimension, with their values per currency and drill-down filters.
async fn group_totals(
    db: &Db,
    filter: &ContractFilter,
    dimension: Option<crate::domain::summary::Dimension>,
) -> Result<Vec<crate::domain::summary::GroupTotal>, AppError> {
    use crate::domain::summary::{Dimension, GroupTotal};
    use crate::domain::{Category, CountryCode, CurrencyCode, Money};
    let (counts, values, usd) =
        crate::storage::summary::groups(db, filter, dimension, filter.confidence).await?;
    let dollars = CurrencyCode::parse("USD").map_err(AppError::internal)?;
    let corrupt = |e: String| AppError::internal(format!("stored total is invalid: {e}"));
    counts
        .into_iter()
        .map(|row| {
            let key = row.key.clone().unwrap_or_default();
            let mut drill = filter.clone();
            match dimension {
                Some(Dimension::Buyer) => drill.buyer = CountryCode::parse(&key).ok(),
                Some(Dimension::Supplier) => {
                    drill.supplier = key.parse().ok();
                    drill.no_supplier = row.key.is_none();
                }
                Some(Dimension::System) => drill.system = key.parse().ok(),
                Some(Dimension::Category) => drill.category = Category::parse(&key).ok(),
                Some(Dimension::Year) => {
                    drill.year_from = key.parse().ok();
                    drill.year_to = key.parse().ok();
                    drill.undated = row.key.is_none();
                }
                None => {}
            }
            let mine: Vec<_> = values.iter().filter(|v| v.key == row.key).collect();
            let money = mine
                .iter()
                .map(|v| {
                    let currency = CurrencyCode::parse(&v.currency).map_err(corrupt)?;
                    Ok(Money::from_minor(v.value_minor, currency))
                })
                .collect::<Result<Vec<_>, AppError>>()?;
            let label = match (dimension, row.label) {
                (Some(Dimension::Supplier), None) => "Supplier not recorded".to_owned(),
                (Some(Dimension::Year), None) => "Date not recorded".to_owned(),
                (_, label) => label.unwrap_or_default(),
            };
            let in_usd = usd.iter().find(|u| u.key == row.key);
            Ok(GroupTotal {
                usd: Some(Money::from_minor(
                    in_usd.map_or(0, |u| u.usd_minor),
                    dollars,
                )),
                without_usd: in_usd.map_or(0, |u| u.without_usd),
                label,
                drill,
                contracts: row.contracts,
                valued: mine.iter().map(|v| v.valued).sum(),
                values: money,
                units_ordered: row.ordered,
                units_delivered: row.delivered,
            })
        })
        .collect()
}

/// A page of agreements, each with its ceiling lines' headroom.
pub async fn headroom(db: &Db, filter: &AgreementFilter) -> Result<Page<Agreement>, AppError> {
    let key = serde_json::to_string(filter).map_err(AppError::internal)?;
    let kept = HEADROOM
        .get_or_compute(db, key, computed_headroom(db, filter))
        .await?;
    Ok((*kept).clone())
}

/// [`headroom`] read from the database.
pub async fn computed_headroom(
    db: &Db,
    filter: &AgreementFilter,
) -> Result<Page<Agreement>, AppError> {
    let page = agreements::list(db, filter).await?;
    let mut rows = Vec::with_capacity(page.rows.len());
    for summary in &page.rows {
        rows.push(get_agreement(db, summary.id).await?);
    }
    Ok(Page::counted(rows, page.total, page.page, page.per_page))
}
