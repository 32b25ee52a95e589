//! The deal register on both backends: the demo data against the reference figures, the
//! rules (deliveries, framework buyer, ceilings, references), filters and concurrency.

use app::domain::filter::ContractFilter;
use app::storage::{Db, agreements, contracts};

mod amendments;
mod firms;
mod identifiers;
mod lists;
mod long_lists;
mod pipeline;
mod plans;
mod rules;

/// Every story starts from a database with the demo data loaded.
async fn with_demo_data(db: Db) -> Db {
    server::demo::load(&db).await.expect("demo data loads");
    db
}

/// A form's posted fields from `(name, value)` pairs.
fn fields(pairs: &[(&str, &str)]) -> app::forms::EntryFields {
    app::forms::EntryFields(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

/// The contract list for `filter`.
async fn listed(
    db: &Db,
    filter: impl std::borrow::Borrow<ContractFilter>,
) -> app::domain::register::Page<app::domain::register::ContractSummary> {
    contracts::list(db, filter.borrow()).await.unwrap()
}

async fn contract_id(db: &Db, title: &str) -> i64 {
    let filter = ContractFilter {
        q: Some(title.into()),
        ..ContractFilter::default()
    };
    let page = listed(db, filter).await;
    page.rows
        .iter()
        .find(|c| c.title == title)
        .unwrap_or_else(|| panic!("no contract {title:?}"))
        .id
}

/// The stored system `designation` (from the demo data).
async fn system(db: &Db, designation: &str) -> app::domain::register::SystemRecord {
    app::storage::systems::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.designation == designation)
        .unwrap_or_else(|| panic!("no system {designation:?}"))
}

async fn framework(db: &Db, needle: &str) -> app::domain::register::Agreement {
    let page = agreements::list(
        db,
        &app::domain::filter::AgreementFilter {
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let id = page
        .rows
        .iter()
        .find(|a| a.title.contains(needle))
        .expect("framework")
        .id;
    agreements::get(db, id).await.unwrap().unwrap()
}
