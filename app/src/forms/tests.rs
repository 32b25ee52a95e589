//! The entry forms' parsing, field by field, and the three-way merge.

use crate::agreements::form::agreement_draft;
use crate::contracts::form::{contract_draft, contract_fields};
use crate::forms::{EntryFields, field_label, merge, version, with_base};
use crate::rates::form::rate_draft;

fn fields(pairs: &[(&str, &str)]) -> EntryFields {
    EntryFields(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn good_contract() -> Vec<(&'static str, &'static str)> {
    vec![
        ("title", "K2 executive contract #3"),
        ("buyer", "PL"),
        ("status", "signed"),
        ("signed_on", "2026-01"),
        ("value_amount", "6,500,000,000"),
        ("value_currency", "USD"),
        ("value_confidence", "reported"),
        ("source0_title", "Yonhap"),
        ("line0_system", "3"),
        ("line0_quantity", "180"),
        ("line0_confidence", "confirmed"),
    ]
}

#[test]
fn a_good_contract_parses_with_its_value_and_source() {
    let draft = contract_draft(&fields(&good_contract())).unwrap();
    assert_eq!(draft.lines.len(), 1);
    assert_eq!(draft.lines[0].quantity.unwrap().get(), 180);
    let value = draft.provenance.value.unwrap();
    assert_eq!(value.money.to_string(), "USD 6,500,000,000.00");
    assert_eq!(draft.provenance.value_sources[0].title, "Yonhap");
}

#[test]
fn every_problem_is_reported_at_its_field() {
    let mut bad = good_contract();
    bad.retain(|(k, _)| *k != "title");
    bad.push(("line1_system", "3"));
    bad.push(("line1_quantity", "-4"));
    bad.push(("line1_confidence", "reported"));
    bad.push(("line2_quantity", "12"));
    bad.push(("line2_confidence", "reported"));
    bad.retain(|(k, _)| *k != "value_amount");
    bad.push(("value_amount", "1.234"));
    let errors = contract_draft(&fields(&bad)).unwrap_err();
    assert!(errors.get("title").is_some());
    assert!(errors.get("line1_quantity").unwrap().contains("at least 1"));
    assert_eq!(
        errors.get("line2_system"),
        Some("Choose the system of this line.")
    );
    assert!(
        errors
            .get("value_amount")
            .unwrap()
            .contains("2 decimal places")
    );
    assert!(errors.get("line0_quantity").is_none());
}

#[test]
fn a_conflict_takes_their_untouched_changes_and_lists_the_clashes() {
    let opened = with_base(fields(&[
        ("version", "3"),
        ("title", "K2 #2"),
        ("agency", "AU"),
        ("line0_quantity", "180"),
    ]));
    let mut mine = opened.clone();
    mine.0.insert("line0_quantity".into(), "190".into());
    mine.0.insert("agency".into(), "Armament Agency".into());
    let theirs = fields(&[
        ("version", "4"),
        ("title", "K2 executive contract #2"),
        ("agency", "Agencja Uzbrojenia"),
        ("line0_quantity", "180"),
    ]);
    let (merged, conflict) = merge(&mine, &theirs, 0);
    assert_eq!(merged.get("version"), "4");
    assert_eq!(merged.get("title"), "K2 executive contract #2"); // theirs, untouched by me
    assert_eq!(merged.get("line0_quantity"), "190"); // mine, untouched by them
    assert_eq!(merged.get("agency"), "Armament Agency"); // both: mine kept…
    assert_eq!(
        conflict.clashes,
        vec![("agency".to_owned(), "Agencja Uzbrojenia".to_owned())] // …theirs shown
    );
    assert_eq!(conflict.taken.len(), 1);
    // The next save compares against what is stored now.
    let (_, again) = merge(&merged, &theirs, 0);
    assert!(again.taken.is_empty() && again.clashes.is_empty());
    assert_eq!(field_label("line2_quantity"), "Line 3: quantity");
    assert_eq!(field_label("value_amount"), "Value");
}

#[test]
fn a_stored_contract_comes_back_from_its_edit_fields() {
    use crate::domain::register::{Contract, ContractLine, Named};
    let draft = contract_draft(&fields(&good_contract())).unwrap();
    let contract = Contract {
        id: 9,
        title: draft.title.to_string(),
        agreement: None,
        supplier: Some(Named {
            id: 2,
            name: "Hyundai Rotem".into(),
        }),
        buyer: draft.buyer,
        agency: String::new(),
        signed_on: draft.signed_on,
        status: draft.status,
        outlook: draft.outlook.clone(),
        provenance: draft.provenance.clone(),
        delivery_period: String::new(),
        local_production: String::new(),
        lines: vec![ContractLine {
            id: 41,
            system: Named {
                id: 3,
                name: "K2".into(),
            },
            category: crate::domain::Category::ArmouredVehicles,
            quantity: draft.lines[0].quantity,
            quantity_confidence: draft.lines[0].quantity_confidence,
            value: None,
            notes: "first 180".into(),
            delivered: 0,
            options: 0,
            exercised: 0,
        }],
        deliveries: vec![],
        plans: vec![],
        amendments: vec![],
        usd: None,
        notes: String::new(),
        version: 2,
        updated_at: chrono::Utc::now(),
    };
    let fields = contract_fields(&contract);
    assert_eq!(version(&fields), Ok(crate::domain::Version(2)));
    let again = contract_draft(&fields).unwrap();
    assert_eq!(again.provenance, draft.provenance);
    assert_eq!(again.lines[0].id, Some(41));
    assert_eq!(again.lines[0].notes, "first 180");
    assert_eq!(again.supplier_id, Some(2));
}

#[test]
fn sources_back_the_value_an_alternative_or_the_record() {
    let mut input = good_contract();
    input.extend([
        ("alt0_amount", "6,700,000,000"),
        ("alt0_currency", "USD"),
        ("alt0_confidence", "reported"),
        ("alt0_basis", "Polish side"),
        ("source1_title", "Polish MoD"),
        ("source1_backs", "alt0"),
        ("source2_title", "SIPRI"),
        ("source2_backs", "record"),
    ]);
    let draft = contract_draft(&fields(&input)).unwrap();
    let p = &draft.provenance;
    assert_eq!(p.value_sources.len(), 1);
    assert_eq!(p.alternatives[0].sources[0].title, "Polish MoD");
    assert_eq!(p.alternatives[0].figure.basis, "Polish side");
    assert_eq!(p.sources[0].title, "SIPRI");

    input.push(("source3_title", "Nowhere"));
    input.push(("source3_backs", "alt1"));
    input.push(("alt2_basis", "no amount"));
    let errors = contract_draft(&fields(&input)).unwrap_err();
    assert!(errors.get("source3_backs").is_some());
    assert!(errors.get("alt2_amount").is_some());
}

#[test]
fn a_contract_needs_a_line_and_an_agreement_a_supplier() {
    let no_lines: Vec<_> = good_contract()
        .into_iter()
        .filter(|(k, _)| !k.starts_with("line"))
        .collect();
    assert!(
        contract_draft(&fields(&no_lines))
            .unwrap_err()
            .get("line0_system")
            .is_some()
    );
    let agreement = fields(&[
        ("title", "Framework"),
        ("buyer", "PL"),
        ("status", "signed"),
    ]);
    assert!(
        agreement_draft(&agreement)
            .unwrap_err()
            .get("supplier0_id")
            .is_some()
    );
}

#[test]
fn a_rate_is_not_for_us_dollars() {
    let errors = rate_draft(&fields(&[
        ("currency", "USD"),
        ("date", "2020-01-01"),
        ("usd_per_unit", "1"),
        ("source", "Test"),
    ]))
    .unwrap_err();
    assert!(errors.get("currency").unwrap().contains("needs no rate"));
    assert!(
        rate_draft(&fields(&[
            ("currency", "EUR"),
            ("date", "2020-01-01"),
            ("usd_per_unit", "1.1"),
            ("source", "Test"),
        ]))
        .is_ok()
    );
}
