//! The register's rules: entered contracts, framework ceilings and buyers, every source of a
//! value, and deliveries that never exceed what is undelivered, even concurrently.

use app::deliveries::form::DeliveryFields;
use app::domain::Notes;
use app::domain::filter::ContractFilter;
use app::domain::register::{ContractDraft, DeliveryDraft, LineDraft, Provenance};
use app::domain::text::{Agency, DeliveryPeriod, LineNotes, Prose, Title};
use app::domain::{Confidence, ContractStatus, CountryCode, FormOutcome, PartialDate, Quantity};
use app::storage::Inserted;
use app::storage::contracts::ContractRefusal;
use app::storage::{Db, agreements, contracts, deliveries};

use super::{contract_id, framework, listed, system, with_demo_data};

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    framework_ceilings_match_the_reference,
    contract_values_keep_every_source_and_disagreement,
    deliveries_cannot_exceed_what_is_undelivered,
    concurrent_deliveries_never_exceed_the_quantity,
    a_contract_under_a_framework_has_its_buyer,
    entered_contracts_follow_the_rules,
);

/// The entry form's path: parse, check the framework's buyer, store whole.
async fn entered_contracts_follow_the_rules(db: &Db) {
    use app::forms::EntryFields;
    let main = framework(db, "K2 tanks").await;
    let k2pl = system(db, "K2PL").await;
    let form = |buyer: &str| {
        EntryFields(
            [
                ("title", "K2 executive contract #3"),
                ("buyer", buyer),
                ("status", "signed"),
                ("value_amount", "7,000,000,000"),
                ("value_currency", "USD"),
                ("value_confidence", "estimated"),
                ("line0_quantity", "700"),
                ("line0_confidence", "reported"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .chain([
                ("agreement_id".to_owned(), main.id.to_string()),
                ("line0_system".to_owned(), k2pl.id.to_string()),
            ])
            .collect(),
        )
    };
    let refused = app::contracts::service::create_contract(db, &form("RO"))
        .await
        .unwrap();
    assert!(
        matches!(refused, FormOutcome::Invalid(ref e) if e.get("buyer") == Some("A contract under this framework agreement has its buyer: Poland."))
    );

    let FormOutcome::Saved(contract) = app::contracts::service::create_contract(db, &form("PL"))
        .await
        .unwrap()
    else {
        panic!("saved")
    };
    assert_eq!(contract.lines.len(), 1);
    assert_eq!(
        contract.provenance.value.unwrap().money.to_string(),
        "USD 7,000,000,000.00"
    );
    let after = agreements::get(db, main.id).await.unwrap().unwrap();
    let k2 = after
        .ceilings
        .iter()
        .find(|l| l.system.name == "K2")
        .unwrap();
    assert_eq!(k2.executed, 360 + 700);
    assert!(k2.over_ceiling(), "1,060 of 1,000: saved, and flagged");
}

/// deals.md: the 2022 framework caps K2 at ~1,000, K9 at 672 and FA-50 at 48; 364 K9 are
/// contracted in total (212 + 152); the FA-50 contract executes all 48 (12 GF + 36 PL); the
/// Chunmoo framework's 288 are exceeded by the Homar-K contracts (218 + 72 = 290).
async fn framework_ceilings_match_the_reference(db: &Db) {
    let main = framework(db, "K2 tanks").await;
    let line = |system: &str| {
        main.ceilings
            .iter()
            .find(|l| l.system.name == system)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (line("K2").quantity.get(), line("K2").executed),
        (1000, 360),
        "180 + (116 + 64)"
    );
    assert_eq!(
        (line("K9").quantity.get(), line("K9").executed),
        (672, 364),
        "212 + (6 + 146)"
    );
    assert_eq!(
        (line("FA-50").quantity.get(), line("FA-50").executed),
        (48, 48)
    );
    assert!(!line("K2").over_ceiling());
    assert_eq!(line("K2").delivered, 180, "all 180 of contract #1");
    assert_eq!(main.buyer.as_str(), "PL");
    assert!(main.provenance.value.is_none(), "not disclosed");
    assert!(
        main.provenance
            .alternatives
            .iter()
            .any(|a| a.figure.money.to_string() == "USD 14,800,000,000.00"
                && a.figure.confidence == Confidence::Estimated)
    );

    let chunmoo = framework(db, "Chunmoo").await;
    let ceiling = &chunmoo.ceilings[0];
    assert_eq!((ceiling.quantity.get(), ceiling.executed), (288, 290));
    assert!(
        ceiling.over_ceiling(),
        "executed above the ceiling is shown as a warning"
    );
}

async fn contract_values_keep_every_source_and_disagreement(db: &Db) {
    let k2_second = contracts::get(db, contract_id(db, "K2 executive contract #2").await)
        .await
        .unwrap()
        .unwrap();
    let value = k2_second.provenance.value.clone().expect("a chosen value");
    assert_eq!(value.money.to_string(), "USD 6,500,000,000.00");
    let alternatives: Vec<String> = k2_second
        .provenance
        .alternatives
        .iter()
        .map(|a| a.figure.money.to_string())
        .collect();
    assert!(
        alternatives.contains(&"USD 6,700,000,000.00".to_owned()),
        "{alternatives:?}"
    );
    assert!(
        alternatives.contains(&"PLN 25,000,000,000.00".to_owned()),
        "{alternatives:?}"
    );
    assert!(
        !k2_second.provenance.sources.is_empty() || !k2_second.provenance.value_sources.is_empty()
    );
    let quantity = |designation: &str| {
        k2_second
            .lines
            .iter()
            .find(|l| l.system.name == designation)
            .and_then(|l| l.quantity)
            .map(|q| q.get())
    };
    assert_eq!(
        (quantity("K2GF"), quantity("K2PL")),
        (Some(116), Some(64)),
        "116 K2GF + 64 K2PL"
    );

    let k2_first = contracts::get(db, contract_id(db, "K2 executive contract #1").await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        k2_first.provenance.value.unwrap().money.to_string(),
        "USD 3,370,000,000.00"
    );
    assert_eq!(k2_first.status, ContractStatus::Completed);
    assert_eq!(
        k2_first
            .deliveries
            .iter()
            .map(|d| d.units.get())
            .sum::<i64>(),
        180
    );

    // KRW has no minor unit and survives exactly.
    let cgr = contracts::get(
        db,
        contract_id(db, "Homar-K executive contract #3 (CGR-080 missiles)").await,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        cgr.provenance.value.unwrap().money.to_string(),
        "KRW 5,600,000,000,000"
    );
}

async fn deliveries_cannot_exceed_what_is_undelivered(db: &Db) {
    let id = contract_id(db, "K9 executive contract #1").await;
    let contract = contracts::get(db, id).await.unwrap().unwrap();
    let line = &contract.lines[0];
    let remaining = line.undelivered().unwrap();
    assert_eq!(remaining, 212 - 48);
    let fields = |units: i64, date: &str| DeliveryFields {
        line_id: line.id.to_string(),
        delivered_on: date.into(),
        units: units.to_string(),
        confidence: "reported".into(),
        notes: String::new(),
    };

    let too_many =
        app::deliveries::service::record_delivery(db, id, &fields(remaining + 1, "2024-05"))
            .await
            .unwrap();
    let FormOutcome::Invalid(errors) = too_many else {
        panic!("expected Invalid")
    };
    assert_eq!(
        errors.get("units"),
        Some(format!("Only {remaining} K9A1 are still undelivered on this line.").as_str())
    );

    let future = app::deliveries::service::record_delivery(db, id, &fields(1, "2099-01-01"))
        .await
        .unwrap();
    assert!(
        matches!(future, FormOutcome::Invalid(ref e) if e.get("delivered_on").unwrap().contains("future"))
    );

    let saved = app::deliveries::service::record_delivery(db, id, &fields(remaining, "2024-05"))
        .await
        .unwrap();
    let FormOutcome::Saved(after) = saved else {
        panic!("expected Saved")
    };
    assert_eq!(after.lines[0].undelivered(), Some(0));
    let full = app::deliveries::service::record_delivery(db, id, &fields(1, "2024-06"))
        .await
        .unwrap();
    assert!(
        matches!(full, FormOutcome::Invalid(ref e) if e.get("units").unwrap().contains("already delivered"))
    );
}

async fn concurrent_deliveries_never_exceed_the_quantity(db: &Db) {
    let system = system(db, "K2PL").await;
    let draft = ContractDraft {
        title: Title::parse("Concurrency test").unwrap(),
        agreement_id: None,
        supplier_id: None,
        buyer: CountryCode::parse("PL").unwrap(),
        agency: Agency::default(),
        signed_on: Some(PartialDate::parse("2025-01-01").unwrap()),
        status: ContractStatus::InDelivery,
        outlook: Default::default(),
        provenance: Provenance::default(),
        delivery_period: DeliveryPeriod::default(),
        local_production: Prose::default(),
        lines: vec![LineDraft {
            id: None,
            system_id: system.id,
            quantity: Some(Quantity::new(50).unwrap()),
            quantity_confidence: Confidence::Confirmed,
            value: None,
            notes: LineNotes::default(),
            options: 0,
            exercised: 0,
        }],
        notes: Notes::parse("").unwrap(),
    };
    let Inserted::Done(id) = contracts::insert(db, &draft).await.unwrap() else {
        panic!()
    };
    let line_id = contracts::line_ids(db, id).await.unwrap()[0];
    let attempts = (0..10).map(|_| {
        let db = db.clone();
        tokio::spawn(async move {
            let draft = DeliveryDraft {
                line_id,
                delivered_on: PartialDate::parse("2025-06").unwrap(),
                units: Quantity::new(10).unwrap(),
                confidence: Confidence::Confirmed,
                notes: String::new(),
            };
            deliveries::record(&db, &draft).await.unwrap()
        })
    });
    let outcomes = futures_join(attempts).await;
    let done = outcomes
        .iter()
        .filter(|o| matches!(o, deliveries::Recorded::Done { .. }))
        .count();
    assert_eq!(done, 5, "{outcomes:?}");
    let contract = contracts::get(db, id).await.unwrap().unwrap();
    assert_eq!(contract.lines[0].delivered, 50);
    assert_eq!(
        contract
            .deliveries
            .iter()
            .map(|d| d.units.get())
            .sum::<i64>(),
        50,
        "the running total matches the rows"
    );
}

async fn futures_join<T: std::fmt::Debug>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        out.push(handle.await.unwrap());
    }
    out
}

async fn a_contract_under_a_framework_has_its_buyer(db: &Db) {
    let main = framework(db, "K2 tanks").await;
    let draft = ContractDraft {
        title: Title::parse("Misfiled contract").unwrap(),
        agreement_id: Some(main.id),
        supplier_id: None,
        buyer: CountryCode::parse("RO").unwrap(),
        agency: Agency::default(),
        signed_on: None,
        status: ContractStatus::Signed,
        outlook: Default::default(),
        provenance: Provenance::default(),
        delivery_period: DeliveryPeriod::default(),
        local_production: Prose::default(),
        lines: Vec::new(),
        notes: Notes::parse("").unwrap(),
    };
    let written = contracts::insert(db, &draft).await.unwrap();
    assert_eq!(
        written,
        Inserted::Refused(ContractRefusal::BuyerMismatch {
            agreement_buyer: CountryCode::parse("PL").unwrap()
        })
    );
    let all = listed(
        db,
        ContractFilter {
            q: Some("Misfiled".into()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(all.total, 0, "nothing was stored");
}
