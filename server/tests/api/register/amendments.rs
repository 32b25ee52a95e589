//! Amendments and options: every rule at its field with nothing stored, the figures after each
//! kind of amendment (and back when one is deleted), the record as of a day, headroom's firm,
//! exercised and unexercised options, and the pages that show them.

use app::amendments::api::AmendmentRemoval;
use app::amendments::service::{delete_amendment, record_amendment};
use app::contracts::form::contract_fields;
use app::contracts::service::{get_contract, update_contract};
use app::domain::amendment::Amends;
use app::domain::register::Contract;
use app::domain::{ContractId, FormOutcome};
use app::forms::EntryFields;
use app::storage::Db;
use chrono::NaiveDate;

use super::{fields, framework, system, with_demo_data};

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    every_amendment_rule_is_a_message_at_its_field,
    amendments_change_the_figures_and_the_record_reads_as_of_a_day,
    headroom_keeps_firm_exercised_and_unexercised_options_apart,
    a_framework_ceiling_is_amended_and_reads_as_of_a_day,
    the_contract_page_shows_amendments_options_and_the_past,
);

/// A signed contract under the K2 framework, 2024-05-10, PLN 1,000,000.00: line 0 is 10 K2PL
/// with 4 options (3 delivered in 2025-01), line 1 K2PL of an undisclosed quantity.
async fn amendable(db: &Db) -> Contract {
    let main = framework(db, "K2 tanks").await;
    let k2pl = system(db, "K2PL").await.id.to_string();
    let main = main.id.to_string();
    let form = fields(&[
        ("title", "K2PL amendment test contract"),
        ("agreement_id", &main),
        ("buyer", "PL"),
        ("signed_on", "2024-05-10"),
        ("status", "in delivery"),
        ("value_amount", "1000000"),
        ("value_currency", "PLN"),
        ("value_confidence", "reported"),
        ("line0_system", &k2pl),
        ("line0_quantity", "10"),
        ("line0_confidence", "reported"),
        ("line0_options", "4"),
        ("line1_system", &k2pl),
        ("line1_confidence", "estimated"),
    ]);
    let FormOutcome::Saved(contract) = app::contracts::service::create_contract(db, &form)
        .await
        .unwrap()
    else {
        panic!("the test contract saves")
    };
    let delivery = app::deliveries::form::DeliveryFields {
        line_id: contract.lines[0].id.to_string(),
        delivered_on: "2025-01".into(),
        units: "3".into(),
        confidence: "reported".into(),
        notes: String::new(),
    };
    let FormOutcome::Saved(contract) =
        app::deliveries::service::record_delivery(db, contract.id, &delivery)
            .await
            .unwrap()
    else {
        panic!("the delivery saves")
    };
    contract
}

/// A valid amendment form of `contract`, with `extra` fields over it.
fn amendment(contract: &Contract, extra: &[(&str, &str)]) -> EntryFields {
    let line0 = contract.lines[0].id.to_string();
    let line1 = contract.lines[1].id.to_string();
    let mut pairs: Vec<(&str, &str)> = vec![
        ("amended_on", "2025-03-01"),
        ("kind", "quantity change"),
        ("reason", "second batch ordered"),
        ("confidence", "reported"),
        ("line0_id", &line0),
        ("line0_units", "+2"),
        ("line1_id", &line1),
        ("source0_title", "Armament Agency notice"),
    ];
    for (key, value) in extra {
        pairs.retain(|(k, _)| k != key);
        pairs.push((key, value));
    }
    fields(&pairs)
}

async fn recorded(db: &Db, contract: &Contract, extra: &[(&str, &str)]) -> Contract {
    match record_amendment(db, contract.id, &amendment(contract, extra))
        .await
        .unwrap()
    {
        FormOutcome::Saved(contract) => contract,
        other => panic!("the amendment {extra:?} did not save: {other:?}"),
    }
}

/// Each rule of an amendment is refused at the field it is about, and nothing is stored.
async fn every_amendment_rule_is_a_message_at_its_field(db: &Db) {
    let contract = amendable(db).await;
    let tomorrow_but_one = (chrono::Utc::now().date_naive() + chrono::Days::new(3)).to_string();
    for (what, extra, field, words) in [
        (
            "dated before the signing",
            vec![("amended_on", "2024-05-09")],
            "amended_on",
            "signed on 2024-05-10",
        ),
        (
            "dated in a month before the signing",
            vec![("amended_on", "2024-04")],
            "amended_on",
            "signed on",
        ),
        (
            "dated in the future",
            vec![("amended_on", tomorrow_but_one.as_str())],
            "amended_on",
            "future",
        ),
        (
            "without a date",
            vec![("amended_on", "")],
            "amended_on",
            "Enter a date",
        ),
        (
            "without a kind",
            vec![("kind", "")],
            "kind",
            "Choose a kind of amendment",
        ),
        (
            "of an unknown kind",
            vec![("kind", "novation")],
            "kind",
            "not a kind of amendment",
        ),
        (
            "without a reason",
            vec![("reason", "  ")],
            "reason",
            "Enter the reason",
        ),
        (
            "without a source",
            vec![("source0_title", "")],
            "source0_title",
            "source",
        ),
        (
            "a source address without a title",
            vec![
                ("source0_title", ""),
                ("source0_url", "https://example.com/a"),
            ],
            "source0_title",
            "title",
        ),
        (
            "below what is delivered",
            vec![("line0_units", "-8")],
            "line0_units",
            "3 units are delivered",
        ),
        (
            "down to nothing",
            vec![("line0_units", "-10")],
            "line0_units",
            "at least 1 must remain",
        ),
        (
            "units that are not a number",
            vec![("line0_units", "two")],
            "line0_units",
            "not a whole number",
        ),
        (
            "a change of zero units",
            vec![("line0_units", "0")],
            "line0_units",
            "changes nothing",
        ),
        (
            "more options exercised than remain",
            vec![("line0_exercised", "5")],
            "line0_exercised",
            "Only 4 options remain",
        ),
        (
            "exercised beyond options granted with it",
            vec![("line0_options", "+1"), ("line0_exercised", "6")],
            "line0_exercised",
            "Only 5 options remain",
        ),
        (
            "more options withdrawn than there are",
            vec![("line0_options", "-5")],
            "line0_options",
            "at most that many",
        ),
        (
            "a line whose quantity is not disclosed",
            vec![("line1_units", "+2")],
            "line1_units",
            "not disclosed",
        ),
        (
            "a line that is not the contract's",
            vec![("line0_id", "999999999")],
            "line0_units",
            "no longer part of the contract",
        ),
        (
            "a value below zero",
            vec![("kind", "value change"), ("value_change", "-1000000.01")],
            "value_change",
            "cannot fall",
        ),
        (
            "a value with too many decimals",
            vec![("kind", "value change"), ("value_change", "+10.001")],
            "value_change",
            "decimal places",
        ),
        (
            "a value change of nothing",
            vec![("kind", "value change"), ("value_change", "0")],
            "value_change",
            "zero",
        ),
        (
            "a value change without the change",
            vec![("kind", "value change"), ("line0_units", "")],
            "value_change",
            "value change needs",
        ),
        (
            "an option exercised without options",
            vec![("kind", "option exercised")],
            "line0_exercised",
            "number of options exercised",
        ),
        (
            "a quantity change without units",
            vec![("line0_units", "")],
            "line0_units",
            "quantity change changes units",
        ),
        (
            "a partial cancellation that adds",
            vec![("kind", "partial cancellation")],
            "line0_units",
            "takes something away",
        ),
    ] {
        let outcome = record_amendment(db, contract.id, &amendment(&contract, &extra))
            .await
            .unwrap();
        let FormOutcome::Invalid(errors) = outcome else {
            panic!("{what}: saved");
        };
        let message = errors
            .get(field)
            .unwrap_or_else(|| panic!("{what}: no message at {field}: {errors:?}"));
        assert!(message.contains(words), "{what}: {message}");
        let now = get_contract(db, contract.id).await.unwrap();
        assert_eq!(now, contract, "{what}: the contract changed");
    }
    // A contract with no value cannot have its value changed; one in the pipeline is not amended.
    let mut unvalued = contract_fields(&contract);
    for key in ["value_amount", "value_currency", "value_confidence"] {
        unvalued.0.remove(key);
    }
    let FormOutcome::Saved(unvalued) = update_contract(db, ContractId(contract.id), &unvalued)
        .await
        .unwrap()
    else {
        panic!("the value clears")
    };
    let refused = record_amendment(
        db,
        contract.id,
        &amendment(
            &unvalued,
            &[("kind", "value change"), ("value_change", "+5")],
        ),
    )
    .await
    .unwrap();
    let FormOutcome::Invalid(errors) = refused else {
        panic!("saved")
    };
    assert!(
        errors
            .get("value_change")
            .unwrap()
            .contains("no value recorded")
    );

    let main = framework(db, "K2 tanks").await.id.to_string();
    let k2pl = system(db, "K2PL").await.id.to_string();
    let pipeline = fields(&[
        ("title", "K2PL pipeline amendment test"),
        ("agreement_id", &main),
        ("buyer", "PL"),
        ("status", "announced"),
        ("probability", "40"),
        ("probability_confidence", "estimated"),
        ("line0_system", &k2pl),
        ("line0_quantity", "10"),
        ("line0_confidence", "reported"),
        ("line1_system", &k2pl),
        ("line1_confidence", "reported"),
    ]);
    let FormOutcome::Saved(announced) = app::contracts::service::create_contract(db, &pipeline)
        .await
        .unwrap()
    else {
        panic!("the pipeline contract saves")
    };
    let FormOutcome::Invalid(errors) =
        record_amendment(db, announced.id, &amendment(&announced, &[]))
            .await
            .unwrap()
    else {
        panic!("a pipeline deal was amended")
    };
    assert!(
        errors
            .get("amended_on")
            .unwrap()
            .contains("only a signed contract")
    );
    assert!(
        get_contract(db, announced.id)
            .await
            .unwrap()
            .amendments
            .is_empty()
    );
}

/// Each kind of amendment moves the figures it names; the record reads back as of any day,
/// as originally signed, and without an amendment that is deleted.
async fn amendments_change_the_figures_and_the_record_reads_as_of_a_day(db: &Db) {
    let signed = amendable(db).await;
    let edit_form_opened_before = contract_fields(&signed);
    assert_eq!(signed.lines[1].options, 0);
    let exercised = recorded(
        db,
        &signed,
        &[
            ("kind", "option exercised"),
            ("line0_units", ""),
            ("line0_exercised", "2"),
            ("value_change", "+200,000.50"),
        ],
    )
    .await;
    let line = &exercised.lines[0];
    assert_eq!(line.quantity.unwrap().get(), 12);
    assert_eq!((line.options, line.exercised), (2, 2));
    assert_eq!(
        exercised
            .provenance
            .value
            .as_ref()
            .unwrap()
            .money
            .to_minor(),
        120_000_050
    );
    assert!(
        exercised.version > signed.version,
        "an amendment moves the version"
    );

    // Dated by its month only: it counts once June is over.
    let more = recorded(
        db,
        &exercised,
        &[
            ("amended_on", "2025-06"),
            ("line0_units", "+5"),
            ("line0_options", "+3"),
            ("line1_options", "+2"),
        ],
    )
    .await;
    let line = &more.lines[0];
    assert_eq!(line.quantity.unwrap().get(), 17);
    assert_eq!((line.options, line.exercised), (5, 2));
    assert_eq!((more.lines[1].quantity, more.lines[1].options), (None, 2));
    let cancelled = recorded(
        db,
        &more,
        &[
            ("amended_on", "2025-09-30"),
            ("kind", "partial cancellation"),
            ("line0_units", "-1"),
            ("line0_options", "-5"),
            ("value_change", "−100000"),
        ],
    )
    .await;
    let line = &cancelled.lines[0];
    assert_eq!(line.quantity.unwrap().get(), 16);
    assert_eq!((line.options, line.exercised), (0, 2));
    assert_eq!(
        cancelled
            .provenance
            .value
            .as_ref()
            .unwrap()
            .money
            .to_minor(),
        110_000_050
    );
    let extension = recorded(
        db,
        &cancelled,
        &[
            ("amended_on", "2025-10-01"),
            ("kind", "extension"),
            ("line0_units", ""),
        ],
    )
    .await;
    assert_eq!(extension.amendments.len(), 4);
    assert_eq!(
        extension.lines, cancelled.lines,
        "an extension changes no figure"
    );

    // The original is the contract as signed; as of a day, the amendments after it are out.
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let original = extension.original();
    assert_eq!(original.lines[0].quantity, signed.lines[0].quantity);
    assert_eq!(original.lines[0].options, 4);
    assert_eq!(original.lines[0].exercised, 0);
    assert_eq!(original.provenance.value, signed.provenance.value);
    for (as_of, quantity, options, value, amendments, delivered) in [
        ("2024-12-31", 10, 4, 100_000_000, 0, 0),
        ("2025-03-01", 12, 2, 120_000_050, 1, 3),
        ("2025-06-29", 12, 2, 120_000_050, 1, 3),
        ("2025-06-30", 17, 5, 120_000_050, 2, 3),
        ("2025-10-01", 16, 0, 110_000_050, 4, 3),
    ] {
        let then = extension.as_of(day(as_of));
        let line = &then.lines[0];
        assert_eq!(
            (
                line.quantity.unwrap().get(),
                line.options,
                then.amendments.len(),
                line.delivered
            ),
            (quantity, options, amendments, delivered),
            "as of {as_of}"
        );
        assert_eq!(
            then.provenance.value.as_ref().unwrap().money.to_minor(),
            value,
            "as of {as_of}"
        );
    }

    // The list, the export and the summary read the current figures.
    let listed = super::listed(
        db,
        app::domain::filter::ContractFilter {
            q: Some("K2PL amendment test contract".into()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(listed.rows[0].units_ordered, 16);

    // An edit form opened before the amendments does not save their figures away.
    let stale = update_contract(db, ContractId(signed.id), &edit_form_opened_before)
        .await
        .unwrap();
    assert!(matches!(stale, FormOutcome::Conflict { .. }), "{stale:?}");
    // An amended line cannot be removed by editing (its amendments are its history).
    let mut without_line = contract_fields(&extension);
    for key in [
        "line1_id",
        "line1_system",
        "line1_confidence",
        "line1_options",
    ] {
        without_line.0.remove(key);
    }
    let FormOutcome::Invalid(errors) = update_contract(db, ContractId(signed.id), &without_line)
        .await
        .unwrap()
    else {
        panic!("an amended line was removed")
    };
    // The cleared row is not in the form any more: the message is at the lines.
    assert!(
        errors
            .iter()
            .any(|(field, m)| field.starts_with("line") && m.contains("1 amendment recorded")),
        "{errors:?}"
    );
    // Its amendments change the value in PLN: an edit keeps a PLN value.
    for (key, value, words) in [
        ("value_currency", "USD", "keep a value in PLN"),
        ("value_amount", "", "keep a value in PLN"),
    ] {
        let mut edit = contract_fields(&extension);
        edit.0.insert(key.to_owned(), value.to_owned());
        let FormOutcome::Invalid(errors) = update_contract(db, ContractId(signed.id), &edit)
            .await
            .unwrap()
        else {
            panic!("{key}={value} saved over amendments")
        };
        assert!(
            errors.iter().any(|(_, m)| m.contains(words)),
            "{key}={value}: {errors:?}"
        );
    }
    // Options exercised are part of the quantity, in the edit form too.
    let mut too_many = contract_fields(&extension);
    too_many.set("line0_exercised", "17");
    let FormOutcome::Invalid(errors) = update_contract(db, ContractId(signed.id), &too_many)
        .await
        .unwrap()
    else {
        panic!("more exercised than ordered saved")
    };
    assert!(
        errors
            .get("line0_exercised")
            .unwrap()
            .contains("at most 16")
    );

    // Deleting the cancellation puts its unit, options and value back.
    let cancellation = extension
        .amendments
        .iter()
        .find(|a| a.kind == app::domain::AmendmentKind::PartialCancellation)
        .unwrap()
        .id;
    assert_eq!(
        delete_amendment(db, signed.id, cancellation).await.unwrap(),
        AmendmentRemoval::Deleted
    );
    let back = get_contract(db, signed.id).await.unwrap();
    assert_eq!(back.lines[0].quantity.unwrap().get(), 17);
    assert_eq!(back.lines[0].options, 5);
    assert_eq!(
        back.provenance.value.as_ref().unwrap().money.to_minor(),
        120_000_050
    );
    assert_eq!(
        delete_amendment(db, signed.id, cancellation).await.unwrap(),
        AmendmentRemoval::AlreadyGone
    );
    // Without the +5 the line would hold 12, below 14 delivered: refused, nothing changed.
    let deliver = app::deliveries::form::DeliveryFields {
        line_id: back.lines[0].id.to_string(),
        delivered_on: "2025-11".into(),
        units: "11".into(),
        confidence: "reported".into(),
        notes: String::new(),
    };
    let FormOutcome::Saved(delivered) =
        app::deliveries::service::record_delivery(db, signed.id, &deliver)
            .await
            .unwrap()
    else {
        panic!("the delivery saves")
    };
    let five_more = delivered
        .amendments
        .iter()
        .find(|a| a.amended_on.to_string() == "2025-06")
        .unwrap()
        .id;
    assert!(matches!(
        delete_amendment(db, signed.id, five_more).await.unwrap(),
        AmendmentRemoval::Refused(_)
    ));
    assert_eq!(get_contract(db, signed.id).await.unwrap(), delivered);

    // The audit trail has each amendment, in the contract's history.
    let history =
        app::storage::audit::history(db, app::domain::audit::RecordKind::Contract, signed.id)
            .await
            .unwrap();
    let amendment_entries = history
        .iter()
        .filter(|e| e.record.map(|r| r.0) == Some(app::domain::audit::RecordKind::Amendment))
        .count();
    assert_eq!(
        amendment_entries, 3,
        "three recorded and kept (the deleted one's entries are under its own kind)"
    );
}

/// Headroom of the K2 ceiling keeps what was ordered firm, what came from options and the
/// options still open apart, and what is left with and without them.
async fn headroom_keeps_firm_exercised_and_unexercised_options_apart(db: &Db) {
    let k2 = |agreement: app::domain::register::Agreement| {
        agreement
            .ceilings
            .into_iter()
            .find(|l| l.system.name == "K2")
            .unwrap()
    };
    let before = k2(framework(db, "K2 tanks").await);
    let contract = amendable(db).await;
    let after_signing = k2(framework(db, "K2 tanks").await);
    assert_eq!(after_signing.executed, before.executed + 10);
    assert_eq!(after_signing.firm(), before.firm() + 10);
    assert_eq!(
        after_signing.unexercised_options,
        before.unexercised_options + 4
    );
    recorded(
        db,
        &contract,
        &[
            ("kind", "option exercised"),
            ("line0_units", ""),
            ("line0_exercised", "3"),
        ],
    )
    .await;
    let exercised = k2(framework(db, "K2 tanks").await);
    assert_eq!(exercised.executed, before.executed + 13);
    assert_eq!(exercised.firm(), before.firm() + 10);
    assert_eq!(exercised.exercised_options, before.exercised_options + 3);
    assert_eq!(
        exercised.unexercised_options,
        before.unexercised_options + 1
    );
    assert_eq!(
        exercised.left(),
        exercised.quantity.get() - exercised.executed
    );
    assert_eq!(
        exercised.left_after_options(),
        exercised.left() - exercised.unexercised_options
    );

    // The headroom page and its CSV say the same.
    let app = crate::support::spawn_app(db.clone()).await;
    let (status, page) = app.get("/headroom").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let firm_and_options = format!(
        "{} firm, {} from options",
        app::components::format::thousands(exercised.firm()),
        app::components::format::thousands(exercised.exercised_options)
    );
    let left_if_exercised = format!(
        "{} left if all are exercised",
        app::components::format::thousands(exercised.left_after_options())
    );
    for text in [
        "Options open",
        firm_and_options.as_str(),
        left_if_exercised.as_str(),
    ] {
        assert!(page.contains(text), "headroom lacks {text}");
    }
    let (_, csv) = app.get("/export/agreements").await;
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} column"))
    };
    let (system, exercised_col, open_col) = (
        column("system"),
        column("exercised_options"),
        column("unexercised_options"),
    );
    let agreement = framework(db, "K2 tanks").await.title;
    let title = column("agreement");
    let row = rows
        .records()
        .map(Result::unwrap)
        .find(|r| r.get(title) == Some(agreement.as_str()) && r.get(system) == Some("K2"))
        .unwrap();
    assert_eq!(
        row.get(exercised_col).unwrap(),
        exercised.exercised_options.to_string()
    );
    assert_eq!(
        row.get(open_col).unwrap(),
        exercised.unexercised_options.to_string()
    );
}

/// The contract page lists the amendments and the original quantity; as of a day it shows the
/// past without forms; the amendment form's errors come back at their fields without
/// JavaScript; a viewer has no way to amend.
async fn the_contract_page_shows_amendments_options_and_the_past(db: &Db) {
    let contract = amendable(db).await;
    let app = crate::support::spawn_app(db.clone()).await;
    let editor = app.as_role(app::domain::account::Role::Editor).await;
    let path = format!("/contracts/{}", contract.id);
    let line0 = contract.lines[0].id.to_string();
    let response = editor
        .post_form(
            &format!("{path}/amend"),
            &[
                ("amended_on", "2024-01-01"),
                ("kind", "option exercised"),
                ("reason", ""),
                ("line0_id", &line0),
                ("line0_exercised", "9"),
            ],
        )
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    for message in [
        "signed on 2024-05-10",
        "Enter the reason",
        "Only 4 options remain",
        "Give the amendment",
    ] {
        assert!(page.contains(message), "the refused form lacks {message:?}");
    }
    assert!(page.contains("value=\"9\""), "the typed value is kept");

    editor
        .post_saved(
            &format!("{path}/amend"),
            &[
                ("amended_on", "2025-04-02"),
                ("kind", "option exercised"),
                ("reason", "Poland takes up <two> options"),
                ("confidence", "confirmed"),
                ("line0_id", &line0),
                ("line0_exercised", "2"),
                ("source0_title", "MON communiqué"),
                ("source0_url", "https://www.gov.pl/web/obrona-narodowa"),
            ],
        )
        .await;
    let (_, csv) = editor.get("/export/amendments?q=K2PL+amendment+test").await;
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        rows.headers().unwrap().iter().collect::<Vec<_>>(),
        app::transfer::View::Amendments.columns()
    );
    let rows: Vec<Vec<String>> = rows
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 1, "{csv}");
    let mut row = rows[0].clone();
    assert!(
        row[7].starts_with("c-"),
        "the contract's reference: {}",
        row[7]
    );
    row[7] = "ref".into();
    assert_eq!(
        row,
        [
            "2025-04-02",
            "option exercised",
            "Poland takes up <two> options",
            "",
            "",
            "confirmed",
            "PL",
            "ref",
            "K2PL amendment test contract",
            "1",
            "K2PL",
            "0",
            "0",
            "2",
            "MON communiqué |  | https://www.gov.pl/web/obrona-narodowa | ",
        ]
    );
    let (_, page) = editor.get(&path).await;
    for text in [
        "Poland takes up &lt;two&gt; options",
        "K2PL: 2 options exercised",
        "originally 10",
        "Record an amendment",
        "MON communiqué",
    ] {
        assert!(page.contains(text), "the contract page lacks {text:?}");
    }
    let (_, past) = editor.get(&format!("{path}?as_of=2025-04-01")).await;
    assert!(past.contains("As of 2025-04-01."));
    assert!(
        past.contains("1 amendment"),
        "the banner counts what it leaves out"
    );
    assert!(
        !past.contains("Record an amendment"),
        "no forms in the past"
    );
    assert!(!past.contains("Record delivery"), "no forms in the past");
    assert!(!past.contains("K2PL: 2 options exercised"));
    let (status, bad) = editor.get(&format!("{path}?as_of=2025-13-01")).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(bad.contains("is not a day: use YYYY-MM-DD"));

    let viewer = app.as_role(app::domain::account::Role::Viewer).await;
    let (_, seen) = viewer.get(&path).await;
    assert!(seen.contains("K2PL: 2 options exercised"));
    assert!(!seen.contains("Record an amendment"));
    let refused = viewer
        .post_form(
            &format!("{path}/amend"),
            &[("amended_on", "2025-04-02"), ("kind", "other")],
        )
        .await;
    assert_eq!(refused.status(), reqwest::StatusCode::FORBIDDEN);
}

/// A framework's ceiling raised by an amendment: headroom follows, the agreement reads as of a
/// day before it, an edit keeps the amended line (and cannot remove it), and the rules that
/// are a contract's only (options) are refused for it.
async fn a_framework_ceiling_is_amended_and_reads_as_of_a_day(db: &Db) {
    use app::agreements::form::agreement_fields;
    use app::agreements::service::{get_agreement, update_agreement};
    let main = framework(db, "K2 tanks").await;
    let k2 = main
        .ceilings
        .iter()
        .find(|l| l.system.name == "K2")
        .unwrap()
        .clone();
    let row = main.ceilings.iter().position(|l| l.id == k2.id).unwrap();
    let line_id = k2.id.to_string();
    let units = format!("line{row}_units");
    let options = format!("line{row}_options");
    let line_key = format!("line{row}_id");
    let form = |extra: &[(&str, &str)]| {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("amended_on", "2025-04-01"),
            ("kind", "quantity change"),
            ("reason", "the framework's K2 ceiling raised"),
            ("confidence", "reported"),
            (line_key.as_str(), line_id.as_str()),
            (units.as_str(), "+200"),
            ("source0_title", "Armament Agency notice"),
        ];
        for (key, value) in extra {
            pairs.retain(|(k, _)| k != key);
            pairs.push((key, value));
        }
        fields(&pairs)
    };
    let record = |f: EntryFields| async move {
        app::amendments::service::record_agreement_amendment(db, main.id, &f)
            .await
            .unwrap()
    };
    for (what, extra, field, words) in [
        (
            "an option exercised",
            vec![("kind", "option exercised")],
            "kind",
            "no options",
        ),
        (
            "options on a ceiling",
            vec![(options.as_str(), "+2")],
            options.as_str(),
            "no options",
        ),
        (
            "a ceiling down to nothing",
            vec![(units.as_str(), "-1000")],
            units.as_str(),
            "at least 1 must remain",
        ),
        (
            "a value the agreement does not have",
            vec![
                ("kind", "value change"),
                (units.as_str(), ""),
                ("value_change", "+5"),
            ],
            "value_change",
            "no value recorded",
        ),
        (
            "dated before the signing",
            vec![("amended_on", "2021")],
            "amended_on",
            "signed on",
        ),
    ] {
        let FormOutcome::Invalid(errors) = record(form(&extra)).await else {
            panic!("{what}: saved");
        };
        let message = errors
            .get(field)
            .unwrap_or_else(|| panic!("{what}: no message at {field}: {errors:?}"));
        assert!(message.contains(words), "{what}: {message}");
    }
    assert_eq!(
        get_agreement(db, main.id).await.unwrap(),
        main,
        "nothing was stored"
    );

    let FormOutcome::Saved(amended) = record(form(&[])).await else {
        panic!("the amendment saves")
    };
    let line = amended.ceilings.iter().find(|l| l.id == k2.id).unwrap();
    assert_eq!(line.quantity.get(), k2.quantity.get() + 200);
    assert_eq!(line.left(), k2.left() + 200, "headroom follows the ceiling");
    assert!(amended.version > main.version);
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let before = amended.as_of(day("2025-03-31"));
    assert_eq!(
        before
            .ceilings
            .iter()
            .find(|l| l.id == k2.id)
            .unwrap()
            .quantity,
        k2.quantity
    );
    assert!(before.amendments.is_empty());
    assert_eq!(amended.as_of(day("2025-04-01")).amendments.len(), 1);

    // An edit keeps the ceiling lines (and the amendment that names one); removing it is refused.
    let edit = agreement_fields(&amended);
    assert_eq!(edit.get(&line_key), line_id);
    let FormOutcome::Saved(edited) = update_agreement(db, app::domain::AgreementId(main.id), &edit)
        .await
        .unwrap()
    else {
        panic!("the edit saves")
    };
    assert_eq!(edited.amendments.len(), 1);
    assert_eq!(
        edited.ceilings.iter().map(|l| l.id).collect::<Vec<_>>(),
        amended.ceilings.iter().map(|l| l.id).collect::<Vec<_>>()
    );
    let mut without = agreement_fields(&edited);
    for name in [
        "id",
        "system",
        "quantity",
        "confidence",
        "value",
        "basis",
        "notes",
    ] {
        without.0.remove(&format!("line{row}_{name}"));
    }
    let FormOutcome::Invalid(errors) =
        update_agreement(db, app::domain::AgreementId(main.id), &without)
            .await
            .unwrap()
    else {
        panic!("an amended ceiling was removed")
    };
    assert!(
        errors
            .iter()
            .any(|(_, m)| m.contains("1 amendment recorded")),
        "{errors:?}"
    );

    // The page lists it, shows the original ceiling, and reads as of a day; deleting it puts
    // the ceiling back.
    let app = crate::support::spawn_app(db.clone()).await;
    let (_, page) = app.get(&format!("/agreements/{}", main.id)).await;
    assert!(
        page.contains("the framework&#x27;s K2 ceiling raised")
            || page.contains("the framework's K2 ceiling raised")
    );
    assert!(page.contains(&format!(
        "originally {}",
        app::components::format::thousands(k2.quantity.get())
    )));
    let (_, past) = app
        .get(&format!("/agreements/{}?as_of=2025-03-31", main.id))
        .await;
    assert!(past.contains("As of 2025-03-31."));
    assert!(!past.contains("Record an amendment"));
    let history =
        app::storage::audit::history(db, app::domain::audit::RecordKind::Agreement, main.id)
            .await
            .unwrap();
    assert!(
        history
            .iter()
            .any(|e| e.record.map(|r| r.0) == Some(app::domain::audit::RecordKind::Amendment))
    );
    let id = edited.amendments[0].id;
    assert_eq!(
        app::amendments::service::delete_amendment_of(
            db,
            app::storage::amendments::Amended::Agreement(main.id),
            id
        )
        .await
        .unwrap(),
        AmendmentRemoval::Deleted
    );
    let back = get_agreement(db, main.id).await.unwrap();
    assert_eq!(
        back.ceilings
            .iter()
            .find(|l| l.id == k2.id)
            .unwrap()
            .quantity,
        k2.quantity
    );
}
