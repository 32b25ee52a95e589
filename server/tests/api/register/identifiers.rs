//! Identifiers in other registers: each kind's rule at its field with nothing stored; stored
//! on contracts and agreements, shown (linked where the register has an address, escaped),
//! searched, exported and kept by an edit.

use app::contracts::form::contract_fields;
use app::domain::{ContractId, FormOutcome, IdentifierKind};
use app::forms::EntryFields;
use app::storage::Db;

use super::{fields, framework, system, with_demo_data};

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    every_identifier_rule_is_a_message_at_its_field,
    identifiers_are_shown_linked_searched_and_exported,
);

async fn contract_form(db: &Db, extra: &[(&str, &str)]) -> EntryFields {
    let k2pl = system(db, "K2PL").await.id.to_string();
    let mut pairs: Vec<(&str, &str)> = vec![
        ("title", "Identifier test contract"),
        ("buyer", "PL"),
        ("signed_on", "2024-02-01"),
        ("status", "signed"),
        ("line0_system", &k2pl),
        ("line0_quantity", "5"),
        ("line0_confidence", "reported"),
    ];
    for (key, value) in extra {
        pairs.retain(|(k, _)| k != key);
        pairs.push((key, value));
    }
    fields(&pairs)
}

async fn every_identifier_rule_is_a_message_at_its_field(db: &Db) {
    let before = super::listed(db, app::domain::filter::ContractFilter::default())
        .await
        .total;
    for (what, extra, field, words) in [
        (
            "a register that is not on the list",
            vec![("ident0_kind", "Wikipedia"), ("ident0_value", "x")],
            "ident0_kind",
            "not a kind of identifier",
        ),
        (
            "an identifier without its register",
            vec![("ident0_value", "12345")],
            "ident0_kind",
            "Choose a kind of identifier",
        ),
        (
            "a register without the identifier",
            vec![("ident0_kind", "SIPRI deal id")],
            "ident0_value",
            "Give the SIPRI deal id",
        ),
        (
            "a press release that is not an address",
            vec![
                ("ident0_kind", "supplier press release"),
                ("ident0_value", "Hanwha, 2022"),
            ],
            "ident0_value",
            "web address",
        ),
        (
            "a USAspending award with a slash",
            vec![
                ("ident0_kind", "USAspending award"),
                ("ident0_value", "CONT/../x"),
            ],
            "ident0_value",
            "letters, digits",
        ),
        (
            "the same identifier twice",
            vec![
                ("ident0_kind", "SIPRI deal id"),
                ("ident0_value", "777"),
                ("ident1_kind", "SIPRI deal id"),
                ("ident1_value", "777"),
            ],
            "ident1_value",
            "already listed",
        ),
        (
            "a control character",
            vec![("ident0_kind", "other"), ("ident0_value", "a\u{7}b")],
            "ident0_value",
            "U+0007",
        ),
    ] {
        let outcome =
            app::contracts::service::create_contract(db, &contract_form(db, &extra).await)
                .await
                .unwrap();
        let FormOutcome::Invalid(errors) = outcome else {
            panic!("{what}: saved");
        };
        let message = errors
            .get(field)
            .unwrap_or_else(|| panic!("{what}: no message at {field}: {errors:?}"));
        assert!(message.contains(words), "{what}: {message}");
    }
    let after = super::listed(db, app::domain::filter::ContractFilter::default())
        .await
        .total;
    assert_eq!(before, after, "nothing was stored");
}

async fn identifiers_are_shown_linked_searched_and_exported(db: &Db) {
    let form = contract_form(
        db,
        &[
            ("ident0_kind", "SIPRI deal id"),
            ("ident0_value", "SIPRI-40417"),
            ("ident1_kind", "supplier press release"),
            (
                "ident1_value",
                "https://www.hyundai-rotem.co.kr/news/k2?id=1&lang=en",
            ),
            ("ident2_kind", "USAspending award"),
            ("ident2_value", "CONT_AWD_TEST_9700"),
            ("ident3_kind", "other"),
            ("ident3_value", "<b>bold</b> & \"quoted\""),
        ],
    )
    .await;
    let FormOutcome::Saved(contract) = app::contracts::service::create_contract(db, &form)
        .await
        .unwrap()
    else {
        panic!("the contract saves")
    };
    let kinds: Vec<IdentifierKind> = contract
        .provenance
        .identifiers
        .iter()
        .map(|i| i.kind())
        .collect();
    assert_eq!(
        kinds,
        [
            IdentifierKind::Sipri,
            IdentifierKind::SupplierRelease,
            IdentifierKind::UsaSpending,
            IdentifierKind::Other
        ]
    );
    // An edit keeps them, in their order, and can drop one.
    let mut edit = contract_fields(&contract);
    assert_eq!(edit.get("ident0_value"), "SIPRI-40417");
    edit.0.remove("ident3_kind");
    edit.0.remove("ident3_value");
    let FormOutcome::Saved(edited) =
        app::contracts::service::update_contract(db, ContractId(contract.id), &edit)
            .await
            .unwrap()
    else {
        panic!("the edit saves")
    };
    assert_eq!(
        edited.provenance.identifiers,
        contract.provenance.identifiers[..3]
    );
    let mut back = contract_fields(&edited);
    back.set("ident3_kind", "other");
    back.set("ident3_value", "<b>bold</b> & \"quoted\"");
    let FormOutcome::Saved(_) =
        app::contracts::service::update_contract(db, ContractId(contract.id), &back)
            .await
            .unwrap()
    else {
        panic!("the edit saves")
    };

    let app = crate::support::spawn_app(db.clone()).await;
    let (_, page) = app.get(&format!("/contracts/{}", contract.id)).await;
    for text in [
        "In other registers",
        "SIPRI deal id: SIPRI-40417",
        "<a href=\"https://www.hyundai-rotem.co.kr/news/k2?id=1&amp;lang=en\" rel=\"noopener noreferrer external\">",
        "<a href=\"https://www.usaspending.gov/award/CONT_AWD_TEST_9700\"",
        "other: &lt;b&gt;bold&lt;/b&gt; &amp; \"quoted\"",
    ] {
        assert!(page.contains(text), "the contract page lacks {text:?}");
    }
    assert!(!page.contains("<b>bold</b>"));

    // Searched: the contract list finds the contract by any of its identifiers.
    for q in ["sipri-40417", "CONT_AWD_TEST"] {
        let found = super::listed(
            db,
            app::domain::filter::ContractFilter {
                q: Some(q.into()),
                ..Default::default()
            },
        )
        .await;
        assert!(
            found.rows.iter().any(|r| r.id == contract.id),
            "{q} does not find the contract"
        );
    }

    // Exported: a `kind | value` per line.
    let (_, csv) = app.get("/export/contracts?q=SIPRI-40417").await;
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let at = rows
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "identifiers")
        .unwrap();
    let record = rows.records().next().unwrap().unwrap();
    assert_eq!(
        &record[at],
        "SIPRI deal id | SIPRI-40417\nsupplier press release | https://www.hyundai-rotem.co.kr/news/k2?id=1&lang=en\nUSAspending award | CONT_AWD_TEST_9700\nother | <b>bold</b> & \"quoted\""
    );

    // An agreement carries them too, and is found by them.
    let main = framework(db, "K2 tanks").await;
    let mut agreement = app::agreements::form::agreement_fields(&main);
    agreement.set("ident0_kind", "36(b) transmittal");
    agreement.set("ident0_value", "22-41");
    let FormOutcome::Saved(saved) = app::agreements::service::update_agreement(
        db,
        app::domain::AgreementId(main.id),
        &agreement,
    )
    .await
    .unwrap() else {
        panic!("the agreement saves")
    };
    assert_eq!(saved.provenance.identifiers[0].value(), "22-41");
    let found = app::storage::agreements::list(
        db,
        &app::domain::filter::AgreementFilter {
            q: Some("22-41".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(found.rows.iter().any(|a| a.id == main.id));
    let (_, page) = app.get(&format!("/agreements/{}", main.id)).await;
    assert!(page.contains("36(b) transmittal: 22-41"));
    let (_, csv) = app.get("/export/agreements").await;
    assert!(csv.contains("36(b) transmittal | 22-41"), "{csv}");
}
