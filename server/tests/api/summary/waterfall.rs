//! The programme waterfall of a framework agreement: each step equals the sum of the records
//! its link lists, on the page, in its chart and in its CSV file.

use app::domain::filter::{AgreementFilter, ContractFilter};
use app::domain::{FormOutcome, StatusGroup};
use app::storage::Db;

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    each_step_adds_up_the_records_behind_it,
);

async fn with_demo_data(db: Db) -> Db {
    server::demo::load(&db).await.expect("demo data loads");
    db
}

fn fields(pairs: &[(&str, &str)]) -> app::forms::EntryFields {
    app::forms::EntryFields(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

async fn each_step_adds_up_the_records_behind_it(db: &Db) {
    let page = app::storage::agreements::list(db, &AgreementFilter::default())
        .await
        .unwrap();
    let id = page
        .rows
        .iter()
        .find(|a| a.title.contains("K2 tanks"))
        .unwrap()
        .id;
    // A contract under it with options, two exercised by an amendment.
    let k2pl = app::storage::systems::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.designation == "K2PL")
        .unwrap()
        .id
        .to_string();
    let agreement_text = id.to_string();
    let FormOutcome::Saved(contract) = app::contracts::service::create_contract(
        db,
        &fields(&[
            ("title", "Waterfall test contract"),
            ("agreement_id", &agreement_text),
            ("buyer", "PL"),
            ("signed_on", "2025-01-15"),
            ("status", "signed"),
            ("value_amount", "500000000"),
            ("value_currency", "USD"),
            ("value_confidence", "reported"),
            ("line0_system", &k2pl),
            ("line0_quantity", "20"),
            ("line0_confidence", "reported"),
            ("line0_options", "6"),
        ]),
    )
    .await
    .unwrap() else {
        panic!("the contract saves")
    };
    let line = contract.lines[0].id.to_string();
    let FormOutcome::Saved(_) = app::amendments::service::record_amendment(
        db,
        contract.id,
        &fields(&[
            ("amended_on", "2025-06-01"),
            ("kind", "option exercised"),
            ("reason", "two options taken up"),
            ("confidence", "reported"),
            ("line0_id", &line),
            ("line0_exercised", "2"),
            ("source0_title", "a source"),
        ]),
    )
    .await
    .unwrap() else {
        panic!("the amendment saves")
    };

    let w = app::waterfall::service::waterfall(db, id).await.unwrap();
    let names: Vec<&str> = w.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Headline",
            "Ceilings",
            "Signed",
            "Options exercised",
            "Delivered"
        ]
    );
    let agreement = app::agreements::service::get_agreement(db, id)
        .await
        .unwrap();
    assert_eq!(
        w.steps[0].values,
        agreement
            .provenance
            .value
            .iter()
            .map(|f| f.money)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        w.steps[1].units,
        Some(agreement.ceilings.iter().map(|c| c.quantity.get()).sum())
    );

    // Signed, options exercised and delivered: summed here over the contracts the link lists.
    let listed = app::storage::contracts::list(
        db,
        &ContractFilter {
            agreement: Some(id),
            group: Some(StatusGroup::InForce),
            ..ContractFilter::default()
        },
    )
    .await
    .unwrap();
    let (mut units, mut exercised, mut delivered, mut usd) = (0, 0, 0, 0);
    for row in &listed.rows {
        let c = app::contracts::service::get_contract(db, row.id)
            .await
            .unwrap();
        units += c
            .lines
            .iter()
            .filter_map(|l| l.quantity)
            .map(|q| q.get())
            .sum::<i64>();
        exercised += c.lines.iter().map(|l| l.exercised).sum::<i64>();
        delivered += c.lines.iter().map(|l| l.delivered).sum::<i64>();
        usd += c.usd.map_or(0, |u| u.money.to_minor());
    }
    assert!(exercised >= 2 && delivered > 0, "the data has both");
    assert_eq!(w.steps[2].units, Some(units));
    assert_eq!(w.steps[2].usd.map(|m| m.to_minor()), Some(usd));
    assert_eq!(w.steps[3].units, Some(exercised));
    assert_eq!(w.steps[4].units, Some(delivered));
    let deliveries = app::storage::deliveries::list(
        db,
        &ContractFilter {
            agreement: Some(id),
            ..ContractFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        deliveries.units,
        Some(delivered),
        "the deliveries link lists them"
    );

    // The page: each step linked to its records, both charts; the CSV says the same.
    let app = crate::support::spawn_app(db.clone()).await;
    let (status, html) = app.get(&format!("/agreements/{id}/waterfall")).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    for text in [
        format!("<a href=\"/contracts?agreement={id}&amp;status=in+force\">Signed</a>"),
        format!("<a href=\"/deliveries?agreement={id}\">Delivered</a>"),
        "id=\"waterfall-units-title\"".to_owned(),
        "id=\"waterfall-usd-title\"".to_owned(),
        app::components::format::thousands(units),
    ] {
        assert!(html.contains(&text), "the waterfall page lacks {text}");
    }
    let (_, list) = app
        .get(&format!("/contracts?agreement={id}&status=in+force"))
        .await;
    assert!(list.contains("Waterfall test contract"));
    let (_, csv) = app.get(&format!("/export/waterfall?agreement={id}")).await;
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 5);
    for (row, step) in rows.iter().zip(&w.steps) {
        assert_eq!(&row[1], step.name);
        assert_eq!(
            row[2],
            step.units.map(|u| u.to_string()).unwrap_or_default()
        );
        assert_eq!(&row[7], step.href);
    }
    // Without an agreement, or for one that is not there: the app's own words.
    let response = app
        .client
        .get(format!("{}/export/waterfall", app.base))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error());
    assert!(response.text().await.unwrap().contains("agreement="));
    let (status, _) = app.get("/agreements/987654321/waterfall").await;
    assert_eq!(status, reqwest::StatusCode::NOT_FOUND);
}
