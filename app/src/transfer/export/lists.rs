//! The other views' files: deliveries, agreements with their headroom, the audit trail, firms,
//! systems and the summary.

use super::{CsvOut, number, opt_number, opt_text, text};
use crate::domain::Money;
use crate::domain::filter::{AgreementFilter, ContractFilter, ListQuery};
use crate::error::AppError;
use crate::storage::Db;
use crate::storage::export::DeliveryExportRow;
use std::borrow::Cow;
use tokio::sync::mpsc;

pub(super) async fn deliveries(
    db: &Db,
    filter: &ContractFilter,
    out: &mut CsvOut,
) -> Result<(), AppError> {
    let (sender, mut batches) = mpsc::channel::<Vec<DeliveryExportRow>>(2);
    let reading = crate::storage::export::deliveries(db, filter, sender);
    // `move`: the receiver must go when writing stops, so that the reader's next send fails.
    let writing = async move {
        while let Some(batch) = batches.recv().await {
            for d in batch {
                let cells = [
                    text(&d.delivered_on),
                    number(d.units),
                    text(&d.confidence),
                    text(&d.buyer_code),
                    opt_text(d.contract_external_id.as_deref()),
                    text(&d.contract_title),
                    number(d.position + 1),
                    text(&d.designation),
                    text(&d.notes),
                ];
                if !out.row(cells).await {
                    return;
                }
            }
        }
    };
    let (read, ()) = tokio::join!(reading, writing);
    read.map_err(AppError::from)
}

/// The delivery plans of the contracts the filter matches, by contract, line and period: each
/// period with what was planned by its end and delivered by then, its state today and the
/// units still late (as the contract page reads them).
pub(super) async fn plans(
    db: &Db,
    filter: &ContractFilter,
    out: &mut CsvOut,
) -> Result<(), AppError> {
    use crate::domain::plan::LineSchedule;
    use crate::domain::register::Delivery;
    use crate::domain::{Confidence, PartialDate, Quantity};
    let today = chrono::Utc::now().date_naive();
    let mut after = 0;
    loop {
        let (rows, delivered) = crate::storage::plans::export_page(db, filter, after, 500).await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.contract_id;
        let corrupt = |e: String| AppError::internal(format!("stored delivery is invalid: {e}"));
        let deliveries = delivered
            .iter()
            .map(|(line_id, on, units)| {
                Ok(Delivery {
                    id: 0,
                    line_id: *line_id,
                    delivered_on: PartialDate::parse(on).map_err(corrupt)?,
                    units: Quantity::new(*units).map_err(corrupt)?,
                    confidence: Confidence::Confirmed,
                    notes: String::new(),
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        for line in rows.chunk_by(|a, b| a.line_id == b.line_id) {
            let first = &line[0];
            let plans = line
                .iter()
                .map(|r| r.plan())
                .collect::<Result<Vec<_>, _>>()?;
            let of_line: Vec<&Delivery> = deliveries
                .iter()
                .filter(|d| d.line_id == first.line_id)
                .collect();
            let schedule = LineSchedule::of(
                first.line_id,
                &plans.iter().collect::<Vec<_>>(),
                &of_line,
                today,
            );
            for row in &schedule.rows {
                let cells = [
                    opt_text(first.contract_ref.as_deref()),
                    text(&first.contract_title),
                    text(&first.buyer_code),
                    number(first.position + 1),
                    text(&first.designation),
                    opt_number(first.quantity),
                    Cow::Owned(row.period.to_string()),
                    number(row.planned),
                    text(row.confidence.as_str()),
                    text(&row.source.title),
                    opt_text(row.source.url.as_deref()),
                    number(row.planned_by_end),
                    number(row.delivered_by_end),
                    text(row.state().as_str()),
                    number(row.still_late()),
                ];
                if !out.row(cells).await {
                    return Ok(());
                }
            }
        }
    }
}

/// Amendments of the contracts the filter matches, by date: a row per line changed, the
/// amendment's fields repeated (one row with empty line fields for an amendment of no line).
pub(super) async fn amendments(
    db: &Db,
    filter: &ContractFilter,
    out: &mut CsvOut,
) -> Result<(), AppError> {
    let mut after = None;
    loop {
        let page = crate::storage::amendments::export_page(db, filter, after.clone(), 500).await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = Some((last.amendment.amended_on.to_string(), last.amendment.id));
        for e in &page {
            let a = &e.amendment;
            let (change, currency) = match a.value_change {
                Some(change) => {
                    let size = Money::from_minor(change.minor().abs(), change.currency());
                    let sign = if change.minor() < 0 { "-" } else { "" };
                    (
                        format!("{sign}{}", out.decimal(Some(size))),
                        change.currency().as_str().to_owned(),
                    )
                }
                None => (String::new(), String::new()),
            };
            let sources = crate::transfer::pipes::join(
                &a.sources
                    .iter()
                    .map(|s| {
                        vec![
                            s.title.clone(),
                            s.publisher.clone(),
                            s.url.clone().unwrap_or_default(),
                            s.published_on.map(|d| d.to_string()).unwrap_or_default(),
                        ]
                    })
                    .collect::<Vec<_>>(),
            );
            let head = [
                a.amended_on.to_string(),
                a.kind.as_str().to_owned(),
                text(&a.reason).into_owned(),
                change,
                currency,
                a.confidence.as_str().to_owned(),
                e.buyer_code.clone(),
                text(e.contract_ref.as_deref().unwrap_or_default()).into_owned(),
                text(&e.contract_title).into_owned(),
            ];
            let lines: Vec<[String; 5]> = a
                .changes
                .iter()
                .map(|c| {
                    [
                        (c.position + 1).to_string(),
                        text(&c.system).into_owned(),
                        c.units.to_string(),
                        c.options.to_string(),
                        c.exercised.to_string(),
                    ]
                })
                .collect();
            let lines = if lines.is_empty() {
                vec![Default::default()]
            } else {
                lines
            };
            for line in &lines {
                let cells = head
                    .iter()
                    .chain(line.iter())
                    .map(|c| Cow::Borrowed(c.as_str()))
                    .chain([Cow::Owned(text(&sources).into_owned())]);
                if !out.row(cells).await {
                    return Ok(());
                }
            }
        }
    }
}

/// One agreement's waterfall: a row per step, as its page shows them.
pub(super) async fn waterfall(db: &Db, id: i64, out: &mut CsvOut) -> Result<(), AppError> {
    let w = crate::waterfall::service::waterfall(db, id).await?;
    for step in &w.steps {
        let values: Vec<Vec<String>> = step
            .values
            .iter()
            .map(|m| {
                vec![
                    m.currency().as_str().to_owned(),
                    out.decimal(Some(*m)).into_owned(),
                ]
            })
            .collect();
        let cells = [
            text(&w.title).into_owned(),
            step.name.clone(),
            step.units.map(|u| u.to_string()).unwrap_or_default(),
            out.decimal(step.usd).into_owned(),
            step.unconverted.to_string(),
            text(&crate::transfer::pipes::join(&values)).into_owned(),
            text(&step.counts).into_owned(),
            step.href.clone(),
        ];
        if !out
            .row(cells.iter().map(|c| Cow::Borrowed(c.as_str())))
            .await
        {
            break;
        }
    }
    Ok(())
}

/// Agreements with their headroom: a row per ceiling line (one with empty line fields for an
/// agreement without ceilings). A few hundred agreements at most: read a page at a time.
pub(super) async fn agreements(
    db: &Db,
    filter: AgreementFilter,
    out: &mut CsvOut,
) -> Result<(), AppError> {
    let mut page_number = 1;
    loop {
        let page = crate::summary::service::headroom(db, &filter.with_page(page_number)).await?;
        for a in &page.rows {
            let suppliers: Vec<&str> = a.suppliers.iter().map(|s| s.name.as_str()).collect();
            let value = a.provenance.value.as_ref();
            let head = [
                text(&a.title).into_owned(),
                a.buyer.as_str().to_owned(),
                text(&a.agency).into_owned(),
                a.signed_on.map(|d| d.to_string()).unwrap_or_default(),
                a.status.as_str().to_owned(),
                a.outlook
                    .expected_signing
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                a.outlook
                    .probability
                    .as_ref()
                    .map(|p| p.percent.get().to_string())
                    .unwrap_or_default(),
                text(&suppliers.join("; ")).into_owned(),
                out.decimal(value.map(|v| v.money)).into_owned(),
                value.map_or(String::new(), |v| v.money.currency().as_str().to_owned()),
                value.map_or(String::new(), |v| v.confidence.as_str().to_owned()),
                text(&super::contracts::identifiers_cell(&a.provenance)).into_owned(),
            ];
            let lines: Vec<[String; 13]> = a
                .ceilings
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    [
                        (i + 1).to_string(),
                        text(&c.system.name).into_owned(),
                        c.quantity.get().to_string(),
                        c.executed.to_string(),
                        c.delivered.to_string(),
                        (c.quantity.get() - c.executed).to_string(),
                        if c.over_ceiling() { "yes" } else { "no" }.to_owned(),
                        c.pipeline.to_string(),
                        c.firm().to_string(),
                        c.exercised_options.to_string(),
                        c.unexercised_options.to_string(),
                        c.left_after_options().to_string(),
                        c.pipeline_weighted.to_string(),
                    ]
                })
                .collect();
            let blank: [String; 13] = Default::default();
            let lines = if lines.is_empty() { vec![blank] } else { lines };
            for line in &lines {
                let cells = head
                    .iter()
                    .chain(line.iter())
                    .map(|c| Cow::Borrowed(c.as_str()));
                if !out.row(cells).await {
                    return Ok(());
                }
            }
        }
        if page_number >= page.pages() {
            return Ok(());
        }
        page_number += 1;
    }
}

/// Every entry the filter matches, newest first, a page at a time; a change's fields in one
/// cell, one `field: before → after` per line, labelled and formatted as the pages show them.
pub(super) async fn audit(
    db: &Db,
    mut filter: crate::domain::audit::AuditFilter,
    out: &mut CsvOut,
) -> Result<(), AppError> {
    filter.page = 1;
    loop {
        let (entries, _) = crate::storage::audit::list(db, &filter).await?;
        if entries.is_empty() {
            return Ok(());
        }
        for entry in crate::storage::audit::shown(db, &entries).await? {
            let changes = entry
                .changes
                .iter()
                .map(|c| format!("{}: {} → {}", c.field, c.before.text, c.after.text))
                .collect::<Vec<_>>()
                .join("\n");
            let cells = [
                number(entry.id),
                Cow::Owned(crate::components::format::iso8601(&entry.at)),
                text(&entry.actor),
                text(&entry.client),
                text(entry.action.as_str()),
                opt_text(entry.record.map(|(kind, _)| kind.as_str())),
                opt_number(entry.record.map(|(_, id)| id)),
                text(&entry.detail),
                Cow::Owned(text(&changes).into_owned()),
            ];
            if !out.row(cells).await {
                return Ok(());
            }
        }
        filter.page += 1;
    }
}

pub(super) async fn firms(db: &Db, query: &ListQuery, out: &mut CsvOut) -> Result<(), AppError> {
    let all = crate::firms::service::list(db).await?;
    let parents = crate::storage::firms::parents(db).await?;
    let names: std::collections::HashMap<i64, String> =
        all.iter().map(|f| (f.id, f.name.clone())).collect();
    for firm in crate::firms::pages::matching_firms(all, query) {
        let group = parents
            .iter()
            .find(|(id, _)| *id == firm.id)
            .and_then(|(_, parent)| names.get(parent))
            .map_or("", String::as_str);
        let cells = [
            text(&firm.name),
            text(firm.country.as_str()),
            text(firm.country.name()),
            text(group),
            opt_text(firm.website.as_deref()),
            text(&firm.notes),
            Cow::Owned(crate::components::format::iso8601(&firm.updated_at)),
        ];
        if !out.row(cells).await {
            break;
        }
    }
    Ok(())
}

pub(super) async fn systems(db: &Db, query: &ListQuery, out: &mut CsvOut) -> Result<(), AppError> {
    let all = crate::systems::service::list_systems(db).await?;
    for system in crate::systems::pages::matching_systems(all, query) {
        let cells = [
            text(&system.designation),
            text(system.category.as_str()),
            text(&system.maker.name),
            opt_text(system.variant_of.as_ref().map(|v| v.name.as_str())),
            text(&system.description),
            Cow::Owned(crate::components::format::iso8601(&system.updated_at)),
        ];
        if !out.row(cells).await {
            break;
        }
    }
    Ok(())
}

/// The summary's total and groups: a row per group and value currency (values in different
/// currencies are never added); a group without values has one row with the value empty.
pub(super) async fn summary(
    db: &Db,
    filter: &ContractFilter,
    out: &mut CsvOut,
) -> Result<(), AppError> {
    use crate::domain::summary::{Dimension, GroupTotal};
    let portfolio = crate::summary::service::portfolio(db, filter, Dimension::Supplier).await?;
    let counted = crate::domain::summary::level_text(portfolio.level);
    let mut groups: Vec<(&str, &GroupTotal)> = vec![("total", &portfolio.total)];
    for (dimension, rows) in &portfolio.groups {
        let name = match dimension {
            Dimension::Buyer => "buyer",
            Dimension::Supplier => "supplier",
            Dimension::System => "system",
            Dimension::Category => "category",
            Dimension::Year => "signed year",
        };
        groups.extend(rows.iter().map(|g| (name, g)));
    }
    for (grouping, group) in groups {
        let values: Vec<Option<Money>> = if group.values.is_empty() {
            vec![None]
        } else {
            group.values.iter().copied().map(Some).collect()
        };
        for value in values {
            let cells = [
                Cow::Borrowed(grouping),
                text(&group.label),
                Cow::Borrowed(counted),
                number(group.contracts),
                number(group.valued),
                out.decimal(value),
                Cow::Owned(value.map_or(String::new(), |v| v.currency().as_str().to_owned())),
                out.decimal(group.usd_shown()),
                number(group.without_usd),
                number(group.units_ordered),
                number(group.units_delivered),
                number(group.units_outstanding()),
            ];
            if !out.row(cells).await {
                return Ok(());
            }
        }
    }
    Ok(())
}
