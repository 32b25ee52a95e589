//! Deals before signature: every rule of the pipeline at its field with nothing stored, a deal
//! carried from the pipeline to signed and to lapsed, and the totals that count it (signed
//! only, at face value, weighted by probability) against sums worked out here.

use app::domain::filter::ContractFilter;
use app::domain::pipeline::Percent;
use app::domain::summary::Counting;
use app::domain::{ContractId, ContractStatus, FormOutcome, StatusGroup};
use app::forms::EntryFields;
use app::storage::Db;

use super::{framework, listed, system, with_demo_data};

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    every_pipeline_rule_is_a_message_at_its_field,
    a_deal_goes_from_the_pipeline_to_signed_or_lapsed,
    an_agreement_in_the_pipeline_shows_its_outlook,
    totals_count_the_pipeline_only_when_asked,
    an_import_is_held_to_the_same_life_rules,
);

/// The K2 ceiling line of the 2022 framework, with what counts against it.
async fn k2_ceiling(db: &Db) -> app::domain::register::CeilingLine {
    let main = framework(db, "K2 tanks").await;
    main.ceilings
        .into_iter()
        .find(|l| l.system.name == "K2")
        .unwrap()
}

fn fields(pairs: &[(&str, String)]) -> EntryFields {
    EntryFields(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

/// A contract form under the K2 framework for 100 K2PL at USD `value`.
async fn contract_form(db: &Db, extra: &[(&str, &str)]) -> EntryFields {
    let main = framework(db, "K2 tanks").await;
    let k2pl = system(db, "K2PL").await;
    let mut pairs: Vec<(&str, String)> = vec![
        (
            "title",
            "K2PL third executive contract (pipeline test)".into(),
        ),
        ("agreement_id", main.id.to_string()),
        ("buyer", "PL".into()),
        ("value_amount", "1000000.01".into()),
        ("value_currency", "USD".into()),
        ("value_confidence", "reported".into()),
        ("line0_system", k2pl.id.to_string()),
        ("line0_quantity", "100".into()),
        ("line0_confidence", "reported".into()),
    ];
    for (key, value) in extra {
        pairs.retain(|(k, _)| k != key);
        pairs.push((key, (*value).to_owned()));
    }
    fields(&pairs)
}

async fn contract_count(db: &Db) -> i64 {
    listed(db, ContractFilter::default()).await.total
}

/// Each broken rule of the outlook is refused at the field it is about, and nothing is stored.
async fn every_pipeline_rule_is_a_message_at_its_field(db: &Db) {
    let before = contract_count(db).await;
    for (what, extra, field, words) in [
        (
            "a pipeline deal without a probability",
            vec![("status", "negotiating")],
            "probability",
            "Give the probability",
        ),
        (
            "a probability over 100",
            vec![("status", "announced"), ("probability", "120")],
            "probability",
            "0 to 100",
        ),
        (
            "a probability that is not a whole percent",
            vec![("status", "notified"), ("probability", "40.5")],
            "probability",
            "whole percent",
        ),
        (
            "a probability on a signed deal",
            vec![
                ("status", "signed"),
                ("signed_on", "2025-08"),
                ("probability", "40"),
            ],
            "probability",
            "Only a deal not signed yet has a probability",
        ),
        (
            "an expected signing date on a signed deal",
            vec![
                ("status", "signed"),
                ("signed_on", "2025-08"),
                ("likely_signed_on", "2026"),
            ],
            "likely_signed_on",
            "Expected signing",
        ),
        (
            "a signing date on a pipeline deal",
            vec![
                ("status", "letter of intent"),
                ("probability", "50"),
                ("signed_on", "2025-08"),
            ],
            "signed_on",
            "has no signing date",
        ),
        (
            "a lapsed deal without its reason",
            vec![("status", "lapsed")],
            "lapsed_reason",
            "Say why",
        ),
        (
            "a reason on a deal that did not lapse",
            vec![
                ("status", "signed"),
                ("signed_on", "2025-08"),
                ("lapsed_reason", "why"),
            ],
            "lapsed_reason",
            "Only a lapsed deal",
        ),
        (
            "an over-long expected date",
            vec![
                ("status", "negotiating"),
                ("probability", "50"),
                ("likely_signed_on", "2026-01-011"),
            ],
            "likely_signed_on",
            "at most 10 characters",
        ),
    ] {
        let outcome =
            app::contracts::service::create_contract(db, &contract_form(db, &extra).await)
                .await
                .unwrap();
        let FormOutcome::Invalid(errors) = outcome else {
            panic!("{what}: stored");
        };
        let message = errors
            .get(field)
            .unwrap_or_else(|| panic!("{what}: no message at {field}: {errors:?}"));
        assert!(message.contains(words), "{what}: {message}");
    }
    assert_eq!(contract_count(db).await, before, "nothing stored");
}

/// Recorded at a stage with its outlook, signed out of the pipeline (which needs its signing
/// date), or lapsed with its reason; a deal not signed takes no delivery, and one with
/// deliveries cannot go back to the pipeline.
async fn a_deal_goes_from_the_pipeline_to_signed_or_lapsed(db: &Db) {
    let pipeline = [
        ("status", "memorandum of understanding"),
        ("likely_signed_on", "2027-03"),
        ("probability", "35 %"),
        ("probability_confidence", "reported"),
        ("probability_basis", "Defence24, 2026-11"),
    ];
    let FormOutcome::Saved(contract) =
        app::contracts::service::create_contract(db, &contract_form(db, &pipeline).await)
            .await
            .unwrap()
    else {
        panic!("a pipeline deal is saved");
    };
    assert_eq!(contract.status, ContractStatus::Memorandum);
    let probability = contract.outlook.probability.clone().unwrap();
    assert_eq!(probability.percent, Percent::new(35).unwrap());
    assert_eq!(probability.basis, "Defence24, 2026-11");
    assert_eq!(
        contract.outlook.expected_signing.unwrap().to_string(),
        "2027-03"
    );
    assert_eq!(contract.signed_on, None);
    // The year it counts in is the expected one: the year filters find it there.
    let in_2027 = ContractFilter {
        year_from: Some(2027),
        year_to: Some(2027),
        group: Some(StatusGroup::Pipeline),
        ..ContractFilter::default()
    };
    assert!(
        listed(db, &in_2027)
            .await
            .rows
            .iter()
            .any(|c| c.id == contract.id)
    );
    let row = listed(db, &in_2027)
        .await
        .rows
        .into_iter()
        .find(|c| c.id == contract.id)
        .unwrap();
    assert_eq!(row.probability, Some(Percent::new(35).unwrap()));
    assert_eq!(
        row.expected_signing.map(|d| d.to_string()).as_deref(),
        Some("2027-03")
    );

    // Headroom shows it apart from what is executed.
    let k2 = k2_ceiling(db).await;
    assert_eq!((k2.executed, k2.pipeline), (360, 100));
    assert_eq!(k2.pipeline_weighted, 35, "100 units at 35 %");

    // No delivery before signature.
    let line = contract.lines[0].id.to_string();
    let delivery = app::deliveries::form::DeliveryFields {
        line_id: line.clone(),
        delivered_on: "2026-01".into(),
        units: "1".into(),
        confidence: "reported".into(),
        notes: String::new(),
    };
    let refused = app::deliveries::service::record_delivery(db, contract.id, &delivery)
        .await
        .unwrap();
    assert!(
        matches!(&refused, FormOutcome::Invalid(e) if e.get("line_id").is_some_and(|m| m.contains("not signed"))),
        "{refused:?}"
    );

    // Signed out of the pipeline: its signing date is needed, and the outlook goes.
    let edit = |extra: Vec<(&'static str, &'static str)>,
                contract: &app::domain::register::Contract| {
        let mut form = app::contracts::form::contract_fields(contract);
        for (key, value) in extra {
            form.0.insert(key.to_owned(), value.to_owned());
        }
        form
    };
    let cleared = vec![
        ("status", "signed"),
        ("likely_signed_on", ""),
        ("probability", ""),
        ("probability_basis", ""),
    ];
    let undated = app::contracts::service::update_contract(
        db,
        ContractId(contract.id),
        &edit(cleared.clone(), &contract),
    )
    .await
    .unwrap();
    assert!(
        matches!(&undated, FormOutcome::Invalid(e) if e.get("signed_on").is_some_and(|m| m.contains("signing date"))),
        "{undated:?}"
    );
    let mut signing = cleared;
    signing.push(("signed_on", "2026-11-20"));
    let FormOutcome::Saved(signed) = app::contracts::service::update_contract(
        db,
        ContractId(contract.id),
        &edit(signing, &contract),
    )
    .await
    .unwrap() else {
        panic!("signed");
    };
    assert_eq!(signed.status, ContractStatus::Signed);
    assert_eq!(signed.outlook, Default::default());
    let k2 = k2_ceiling(db).await;
    assert_eq!((k2.executed, k2.pipeline), (460, 0), "executed now");

    // Delivered, it cannot go back to the pipeline.
    assert!(matches!(
        app::deliveries::service::record_delivery(db, signed.id, &delivery)
            .await
            .unwrap(),
        FormOutcome::Saved(_)
    ));
    let signed = app::contracts::service::get_contract(db, signed.id)
        .await
        .unwrap();
    let back = app::contracts::service::update_contract(
        db,
        ContractId(signed.id),
        &edit(
            vec![
                ("status", "negotiating"),
                ("signed_on", ""),
                ("probability", "50"),
            ],
            &signed,
        ),
    )
    .await
    .unwrap();
    assert!(
        matches!(&back, FormOutcome::Invalid(e) if e.get("status").is_some_and(|m| m.contains("Deliveries"))),
        "{back:?}"
    );

    // Another falls through: kept, lapsed, with its reason and last probability.
    let FormOutcome::Saved(other) = app::contracts::service::create_contract(
        db,
        &contract_form(
            db,
            &[
                ("title", "K2PL option that lapsed"),
                ("status", "negotiating"),
                ("probability", "20"),
            ],
        )
        .await,
    )
    .await
    .unwrap() else {
        panic!("saved");
    };
    let FormOutcome::Saved(lapsed) = app::contracts::service::update_contract(
        db,
        ContractId(other.id),
        &edit(
            vec![
                ("status", "lapsed"),
                ("lapsed_reason", "the buyer chose the K2 from stock"),
            ],
            &other,
        ),
    )
    .await
    .unwrap() else {
        panic!("lapsed");
    };
    assert_eq!(lapsed.status, ContractStatus::Lapsed);
    assert_eq!(
        lapsed.outlook.lapsed_reason,
        "the buyer chose the K2 from stock"
    );
    assert_eq!(lapsed.outlook.probability.unwrap().percent.get(), 20);
    let k2 = k2_ceiling(db).await;
    assert_eq!(k2.pipeline, 0, "a lapsed deal is in no total");
}

/// The portfolio counts signed deals by default; with the pipeline, at face value or weighted
/// by probability (rounded to the cent per deal), and each total's link lists what it adds.
async fn totals_count_the_pipeline_only_when_asked(db: &Db) {
    let total = |counting: Counting| async move {
        let filter = ContractFilter {
            counting,
            ..ContractFilter::default()
        };
        app::summary::service::computed_portfolio(
            db,
            &filter,
            app::domain::summary::Dimension::Supplier,
        )
        .await
        .unwrap()
        .total
    };
    let signed = total(Counting::Signed).await;
    assert_eq!(
        signed.usd,
        total(Counting::Pipeline).await.usd,
        "no pipeline yet"
    );
    // USD 1,000,000.01 at 35 %: 350,000.0035 → 350,000.00; at 50 %: 500,000.005 → 500,000.01.
    for (title, percent) in [("Pipeline deal A", "35"), ("Pipeline deal B", "50")] {
        let saved = app::contracts::service::create_contract(
            db,
            &contract_form(
                db,
                &[
                    ("title", title),
                    ("status", "negotiating"),
                    ("probability", percent),
                ],
            )
            .await,
        )
        .await
        .unwrap();
        assert!(matches!(saved, FormOutcome::Saved(_)), "{saved:?}");
    }
    let cents = |t: &app::domain::summary::GroupTotal| t.usd.unwrap().to_minor();
    let (face, weighted) = (
        total(Counting::Pipeline).await,
        total(Counting::Weighted).await,
    );
    assert_eq!(
        cents(&total(Counting::Signed).await),
        cents(&signed),
        "signed only, by default"
    );
    assert_eq!(cents(&face), cents(&signed) + 2 * 100_000_001);
    assert_eq!(cents(&weighted), cents(&signed) + 35_000_000 + 50_000_001);
    assert_eq!(face.contracts, signed.contracts + 2);
    assert_eq!(weighted.contracts, face.contracts, "counts at face value");
    assert_eq!(face.units_ordered, signed.units_ordered + 200);
    // Each total's link lists the contracts it adds up.
    for (counting, sum) in [(Counting::Signed, &signed), (Counting::Pipeline, &face)] {
        let listed = listed(db, &sum.drill).await;
        assert_eq!(
            listed.total,
            sum.contracts,
            "{counting:?}: {}",
            sum.drill.to_query()
        );
    }
    assert!(face.drill.to_query().contains("count=pipeline"));
    let pipeline_only = ContractFilter {
        group: Some(StatusGroup::Pipeline),
        ..ContractFilter::default()
    };
    assert_eq!(listed(db, &pipeline_only).await.total, 2);
}

/// A framework being negotiated: its outlook stored and listed, its rules those of contracts.
async fn an_agreement_in_the_pipeline_shows_its_outlook(db: &Db) {
    let supplier = framework(db, "K2 tanks").await.suppliers[0].id.to_string();
    let form = |extra: &[(&str, &str)]| {
        let mut pairs: Vec<(&str, String)> = vec![
            (
                "title",
                "Framework under negotiation (pipeline test)".into(),
            ),
            ("buyer", "RO".into()),
            ("supplier0_id", supplier.clone()),
        ];
        pairs.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        fields(&pairs)
    };
    let refused =
        app::agreements::service::create_agreement(db, &form(&[("status", "negotiating")]))
            .await
            .unwrap();
    assert!(
        matches!(&refused, FormOutcome::Invalid(e) if e.get("probability").is_some()),
        "{refused:?}"
    );
    let FormOutcome::Saved(agreement) = app::agreements::service::create_agreement(
        db,
        &form(&[
            ("status", "negotiating"),
            ("probability", "60"),
            ("likely_signed_on", "2027"),
        ]),
    )
    .await
    .unwrap() else {
        panic!("saved");
    };
    assert_eq!(agreement.outlook.probability.unwrap().percent.get(), 60);
    assert_eq!(
        agreement.outlook.expected_signing.unwrap().to_string(),
        "2027"
    );
    let listed = app::agreements::service::list_agreements(db, &Default::default())
        .await
        .unwrap();
    let row = listed.rows.iter().find(|a| a.id == agreement.id).unwrap();
    assert_eq!(row.probability.map(Percent::get), Some(60));
    // The status groups pick it, or leave it out.
    for (group, listed_there) in [
        (StatusGroup::Pipeline, true),
        (StatusGroup::InForceOrPipeline, true),
        (StatusGroup::InForce, false),
    ] {
        let filter = app::domain::filter::AgreementFilter {
            group: Some(group),
            ..Default::default()
        };
        let rows = app::agreements::service::list_agreements(db, &filter)
            .await
            .unwrap()
            .rows;
        assert_eq!(
            rows.iter().any(|a| a.id == agreement.id),
            listed_there,
            "{group:?}"
        );
        assert!(!rows.is_empty(), "{group:?}");
        let query = filter.to_query();
        assert_eq!(
            app::domain::filter::AgreementFilter::from_query(
                &url::form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect::<Vec<_>>()
            )
            .0,
            filter
        );
    }
}

/// A file that sends a delivered contract back to the pipeline, or signs a pipeline deal
/// without its date, is refused at the column concerned, as the form refuses it.
async fn an_import_is_held_to_the_same_life_rules(db: &Db) {
    let delivered = app::storage::scalar_i64(
        db,
        "SELECT MIN(l.contract_id) FROM contract_lines l WHERE l.delivered_units > 0",
    )
    .await
    .unwrap();
    let contract = app::contracts::service::get_contract(db, delivered)
        .await
        .unwrap();
    let FormOutcome::Saved(pipeline) = app::contracts::service::create_contract(
        db,
        &contract_form(db, &[("status", "negotiating"), ("probability", "30")]).await,
    )
    .await
    .unwrap() else {
        panic!("saved");
    };
    // References the file can name.
    let external = |id: i64| async move {
        let reference = format!("life-{id}");
        app::storage::execute(
            db,
            &format!("UPDATE contracts SET external_id = '{reference}' WHERE id = {id}"),
        )
        .await
        .unwrap();
        reference
    };
    let header = "contract_ref,title,buyer,status,signed_on,probability,line,system,quantity,quantity_confidence";
    for (file, column, words) in [
        (
            format!(
                "{header}\n{},{},{},negotiating,,50,1,{},{},reported\n",
                external(contract.id).await,
                contract.title,
                contract.buyer.as_str(),
                contract.lines[0].system.name,
                contract.lines[0].quantity.unwrap().get(),
            ),
            "status",
            "Deliveries are recorded",
        ),
        (
            format!(
                "{header}\n{},{},PL,signed,,,1,K2PL,100,reported\n",
                external(pipeline.id).await,
                pipeline.title,
            ),
            "signed_on",
            "enter the signing date",
        ),
    ] {
        let plan = app::transfer::import::plan(db, "life.csv", file.as_bytes())
            .await
            .unwrap();
        assert!(
            plan.preview
                .problems
                .iter()
                .any(|p| p.column == column && p.message.contains(words)),
            "{column}: {:?}",
            plan.preview.problems
        );
    }
}
