//! Portfolio totals and framework headroom on both backends, against a small hand-computed
//! register (two currencies, a variant counted under its base system, a framework executed
//! above one ceiling, a cancelled contract left out), and against the demo data's reference
//! figures.

use app::deliveries::form::DeliveryFields;
use app::domain::filter::ContractFilter;
use app::domain::summary::{Dimension, GroupTotal, Portfolio};
use app::domain::{Confidence, FirmFields, FormOutcome};
use app::forms::EntryFields;
use app::storage::Db;

mod by_hand;
mod cells;
mod demo;
mod waterfall;

fn usd(total: &GroupTotal) -> String {
    total.usd.map(|m| m.to_string()).unwrap_or_default()
}

fn fields(pairs: &[(&str, String)]) -> EntryFields {
    EntryFields(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn saved<T: std::fmt::Debug, C: std::fmt::Debug>(outcome: FormOutcome<T, C>) -> T {
    match outcome {
        FormOutcome::Saved(record) => record,
        other => panic!("expected a save, got {other:?}"),
    }
}

async fn firm(db: &Db, name: &str) -> i64 {
    let fields = FirmFields {
        name: name.into(),
        country: "KR".into(),
        website: String::new(),
        notes: String::new(),
    };
    saved(app::firms::service::create(db, &fields).await.unwrap()).id
}

async fn system(db: &Db, designation: &str, category: &str, maker: i64, base: Option<i64>) -> i64 {
    let form = fields(&[
        ("designation", designation.into()),
        ("category", category.into()),
        ("maker_id", maker.to_string()),
        (
            "variant_of_id",
            base.map(|b| b.to_string()).unwrap_or_default(),
        ),
    ]);
    saved(
        app::systems::service::create_system(db, &form)
            .await
            .unwrap(),
    )
    .id
}

/// `(field, value)` pairs of a contract with `lines` of (system, quantity, confidence).
#[allow(clippy::too_many_arguments)]
async fn contract(
    db: &Db,
    title: &str,
    agreement: Option<i64>,
    supplier: i64,
    buyer: &str,
    signed: &str,
    status: &str,
    value: (&str, &str, &str),
    lines: &[(i64, u32, &str)],
) -> app::domain::register::Contract {
    let mut pairs = vec![
        ("title", title.to_owned()),
        (
            "agreement_id",
            agreement.map(|a| a.to_string()).unwrap_or_default(),
        ),
        ("supplier_id", supplier.to_string()),
        ("buyer", buyer.into()),
        ("signed_on", signed.into()),
        ("status", status.into()),
        ("value_amount", value.0.into()),
        ("value_currency", value.1.into()),
        ("value_confidence", value.2.into()),
    ];
    let names: Vec<[String; 3]> = (0..lines.len())
        .map(|i| {
            [
                format!("line{i}_system"),
                format!("line{i}_quantity"),
                format!("line{i}_confidence"),
            ]
        })
        .collect();
    for (i, (system, quantity, confidence)) in lines.iter().enumerate() {
        pairs.push((names[i][0].as_str(), system.to_string()));
        pairs.push((names[i][1].as_str(), quantity.to_string()));
        pairs.push((names[i][2].as_str(), (*confidence).to_owned()));
    }
    saved(
        app::contracts::service::create_contract(db, &fields(&pairs))
            .await
            .unwrap(),
    )
}

async fn deliver(db: &Db, contract: &app::domain::register::Contract, line: usize, units: u32) {
    let form = DeliveryFields {
        line_id: contract.lines[line].id.to_string(),
        delivered_on: "2024".into(),
        units: units.to_string(),
        confidence: "confirmed".into(),
        notes: String::new(),
    };
    saved(
        app::deliveries::service::record_delivery(db, contract.id, &form)
            .await
            .unwrap(),
    );
}

fn group<'a>(portfolio: &'a Portfolio, dimension: Dimension, label: &str) -> &'a GroupTotal {
    portfolio
        .groups
        .iter()
        .find(|(d, _)| *d == dimension)
        .unwrap()
        .1
        .iter()
        .find(|g| g.label == label)
        .unwrap_or_else(|| panic!("no {label} in {dimension:?}"))
}

fn values(total: &GroupTotal) -> Vec<String> {
    total.values.iter().map(|m| m.to_string()).collect()
}

async fn at(db: &Db, level: Option<Confidence>) -> Portfolio {
    let filter = ContractFilter {
        confidence: level,
        ..Default::default()
    };
    app::summary::service::portfolio(db, &filter, Dimension::Supplier)
        .await
        .unwrap()
}
