//! Editing and deleting records on both backends: stored lines keep their deliveries, versions
//! turn a late save into a merge instead of an overwrite, deletes ask first and refuse what is
//! still referenced. Deals (contracts, agreements) and the records they name (firms, systems)
//! each have their module.

mod deals;
mod records;

use app::domain::FormOutcome;
use app::domain::filter::ContractFilter;
use app::forms::EntryFields;
use app::storage::{Db, contracts};

async fn with_demo_data(db: Db) -> Db {
    server::demo::load(&db).await.expect("demo data loads");
    db
}

fn entry(pairs: &[(&str, &str)]) -> EntryFields {
    EntryFields(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

async fn contract(db: &Db, title: &str) -> app::domain::register::Contract {
    let page = contracts::list(
        db,
        &ContractFilter {
            q: Some(title.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let id = page.rows.iter().find(|c| c.title == title).unwrap().id;
    app::contracts::service::get_contract(db, id).await.unwrap()
}

fn set(fields: &mut EntryFields, key: &str, value: &str) {
    fields.0.insert(key.to_owned(), value.to_owned());
}

fn invalid<T: std::fmt::Debug, C: std::fmt::Debug>(
    outcome: FormOutcome<T, C>,
) -> app::domain::FieldErrors {
    match outcome {
        FormOutcome::Invalid(errors) => errors,
        other => panic!("expected messages, got {other:?}"),
    }
}

fn saved<T: std::fmt::Debug, C: std::fmt::Debug>(outcome: FormOutcome<T, C>) -> T {
    match outcome {
        FormOutcome::Saved(record) => record,
        other => panic!("expected a save, got {other:?}"),
    }
}
