//! The waterfall of an agreement, from the agreement (its headline value and ceilings) and the
//! sums of the contracts signed under it.

use crate::agreements::service::get_agreement;
use crate::domain::rate::usd_on;
use crate::domain::waterfall::{Step, Waterfall};
use crate::domain::{CurrencyCode, Money};
use crate::error::AppError;
use crate::storage::{Db, rates, waterfall};
use std::collections::BTreeMap;

/// Adds up amounts per currency, in the order the currencies first come.
fn per_currency(amounts: impl IntoIterator<Item = Money>) -> Vec<Money> {
    let mut sums: BTreeMap<&'static str, (usize, i64, CurrencyCode)> = BTreeMap::new();
    for (order, money) in amounts.into_iter().enumerate() {
        let entry = sums
            .entry(money.currency().as_str())
            .or_insert((order, 0, money.currency()));
        entry.1 += money.to_minor();
    }
    let mut list: Vec<_> = sums.into_values().collect();
    list.sort_by_key(|(order, ..)| *order);
    list.into_iter()
        .map(|(_, minor, code)| Money::from_minor(minor, code))
        .collect()
}

fn usd_total(parts: &[Option<Money>]) -> (Option<Money>, usize) {
    let usd = CurrencyCode::parse("USD").expect("USD is on the list");
    let unconverted = parts.iter().filter(|p| p.is_none()).count();
    let converted: Vec<i64> = parts.iter().flatten().map(Money::to_minor).collect();
    let total = (!converted.is_empty()).then(|| Money::from_minor(converted.iter().sum(), usd));
    (total, unconverted)
}

/// The waterfall of framework agreement `id`: its headline value and ceilings at the rate of
/// its signing date, the contracts signed under it (in force) at each contract's own rate.
pub async fn waterfall(db: &Db, id: i64) -> Result<Waterfall, AppError> {
    let agreement = get_agreement(db, id).await?;
    let signed = waterfall::signed(db, id).await?;
    let rates = rates::list(db).await?;
    let at_signing = |money: Money| {
        agreement
            .signed_on
            .or(agreement.outlook.expected_signing)
            .and_then(|on| usd_on(&rates, money, on))
    };
    let base = format!("/agreements/{id}");
    let contracts = format!("/contracts?agreement={id}&status=in+force");
    let mut steps = Vec::new();

    let headline = agreement.provenance.value.as_ref().map(|f| f.money);
    let (usd, unconverted) = usd_total(&headline.map(at_signing).into_iter().collect::<Vec<_>>());
    steps.push(Step {
        name: "Headline".into(),
        counts: match &agreement.provenance.value {
            Some(figure) => format!(
                "The agreement's own value ({}{}).",
                figure.confidence,
                if figure.basis.is_empty() {
                    String::new()
                } else {
                    format!(", {}", figure.basis)
                }
            ),
            None => "The agreement has no value recorded.".into(),
        },
        units: None,
        values: headline.into_iter().collect(),
        usd: if headline.is_some() { usd } else { None },
        unconverted,
        href: base.clone(),
    });

    let ceiling_values: Vec<Money> = agreement.ceilings.iter().filter_map(|c| c.value).collect();
    let converted: Vec<Option<Money>> = ceiling_values.iter().map(|m| at_signing(*m)).collect();
    let (usd, unconverted) = usd_total(&converted);
    let valued = ceiling_values.len();
    steps.push(Step {
        name: "Ceilings".into(),
        counts: format!(
            "The most that may be ordered under it: {} ceiling line{}, {} with a value.",
            agreement.ceilings.len(),
            if agreement.ceilings.len() == 1 {
                ""
            } else {
                "s"
            },
            valued
        ),
        units: Some(agreement.ceilings.iter().map(|c| c.quantity.get()).sum()),
        values: per_currency(ceiling_values),
        usd,
        unconverted,
        href: format!("{base}#ceilings"),
    });

    let (usd, unconverted) = {
        let usd = CurrencyCode::parse("USD").expect("USD is on the list");
        let converted: i64 = signed
            .values
            .iter()
            .filter_map(|(_, usd, _)| usd.map(|m| m.to_minor()))
            .sum();
        let unconverted: usize = signed.values.iter().map(|(.., n)| n).sum();
        let any = signed.values.iter().any(|(_, usd, _)| usd.is_some());
        (any.then(|| Money::from_minor(converted, usd)), unconverted)
    };
    steps.push(Step {
        name: "Signed".into(),
        counts: format!(
            "Contracts in force under it ({}): every line, options exercised included; each value at its contract's rate.",
            signed.contracts
        ),
        units: Some(signed.units),
        values: signed.values.iter().map(|(money, ..)| *money).collect(),
        usd,
        unconverted,
        href: contracts.clone(),
    });
    steps.push(Step {
        name: "Options exercised".into(),
        counts: format!(
            "Of the signed units, those that came from options exercised ({} more options not exercised yet). In units: an option's value is in its contract's.",
            crate::components::format::thousands(signed.open_options)
        ),
        units: Some(signed.exercised),
        values: Vec::new(),
        usd: None,
        unconverted: 0,
        href: format!("/export/amendments?agreement={id}"),
    });
    steps.push(Step {
        name: "Delivered".into(),
        counts: "Units delivered on those contracts. In units: deliveries carry no value.".into(),
        units: Some(signed.delivered),
        values: Vec::new(),
        usd: None,
        unconverted: 0,
        href: format!("/deliveries?agreement={id}"),
    });
    Ok(Waterfall {
        agreement_id: id,
        title: agreement.title,
        steps,
    })
}
