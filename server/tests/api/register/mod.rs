//! The deal register on both backends: the demo data against the reference figures, the
//! rules (deliveries, framework buyer, ceilings, references), filters and concurrency.

use app::domain::filter::{ContractFilter, DealSort};
use app::domain::register::{ContractDraft, DeliveryDraft, LineDraft, Provenance};
use app::domain::{
    Category, Confidence, ContractStatus, CountryCode, FormOutcome, PartialDate, Quantity,
};
use app::firms::{DeleteOutcome, service as firm_service};
use app::register::{DeliveryFields, service};
use app::storage::contracts::ContractWrite;
use app::storage::{Db, agreements, contracts, deliveries, firms, systems};
use reqwest::StatusCode;

use crate::support;

/// Every story starts from a database with the demo data loaded.
async fn with_demo_data(db: Db) -> Db {
    server::demo::load(&db).await.expect("demo data loads");
    db
}

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    framework_ceilings_match_the_reference,
    contract_values_keep_every_source_and_disagreement,
    deliveries_cannot_exceed_what_is_undelivered,
    concurrent_deliveries_never_exceed_the_quantity,
    a_contract_under_a_framework_has_its_buyer,
    filters_sort_and_pages,
    firms_that_deals_refer_to_cannot_be_deleted,
    register_pages_over_http,
    entered_contracts_follow_the_rules,
    firms_belong_to_their_groups,
    the_deliveries_list_adds_up,
    agreements_and_deliveries_sort_by_their_columns,
);

async fn agreements_and_deliveries_sort_by_their_columns(db: &Db) {
    use app::domain::filter::{AgreementFilter, DealSort};
    let titles = |page: app::domain::register::Page<app::domain::register::AgreementSummary>| {
        page.rows.into_iter().map(|a| a.title).collect::<Vec<_>>()
    };
    let (by_title, _) = AgreementFilter::from_query(&[("sort".into(), "title".into())]);
    assert!(!by_title.descending, "names A to Z first");
    let ascending = titles(agreements::list(db, &by_title).await.unwrap());
    let mut sorted = ascending.clone();
    sorted.sort_by_key(|t| t.to_lowercase());
    assert_eq!(ascending, sorted);
    let descending = titles(
        agreements::list(db, &by_title.sorted_by(DealSort::Title))
            .await
            .unwrap(),
    );
    assert_eq!(
        descending,
        ascending.iter().rev().cloned().collect::<Vec<_>>()
    );
    let by_units = AgreementFilter {
        sort: DealSort::Units,
        descending: true,
        ..Default::default()
    };
    let units: Vec<i64> = agreements::list(db, &by_units)
        .await
        .unwrap()
        .rows
        .iter()
        .map(|a| a.ceiling_units)
        .collect();
    assert!(units.windows(2).all(|w| w[0] >= w[1]), "{units:?}");

    let by_delivered_units = ContractFilter {
        sort: DealSort::Units,
        descending: false,
        ..Default::default()
    };
    let units: Vec<i64> = service::list_deliveries(db, &by_delivered_units)
        .await
        .unwrap()
        .page
        .rows
        .iter()
        .map(|d| d.units.get())
        .collect();
    assert!(
        units.len() > 1 && units.windows(2).all(|w| w[0] <= w[1]),
        "{units:?}"
    );

    let app = support::spawn_app(db.clone()).await;
    let (status, page) = app.get("/agreements?sort=title&dir=desc").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("aria-sort=\"descending\""),
        "the sorted column says so"
    );
    let (status, _) = app.get("/deliveries?sort=units").await;
    assert_eq!(status, StatusCode::OK);
}

async fn the_deliveries_list_adds_up(db: &Db) {
    let seed: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seed/deals.json"
    )))
    .unwrap();
    let seeded: Vec<i64> = seed["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            c["deliveries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["units"].as_i64().unwrap())
        })
        .collect();
    let all = service::list_deliveries(
        db,
        &ContractFilter {
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(all.page.total, seeded.len() as i64);
    assert_eq!(all.units, seeded.iter().sum::<i64>());
    let dates: Vec<String> = all
        .page
        .rows
        .iter()
        .map(|d| d.delivered_on.to_string())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {dates:?}"
    );

    let k2 = systems::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.designation == "K2")
        .unwrap();
    let k2_only = ContractFilter {
        system: Some(k2.id),
        ..Default::default()
    };
    assert_eq!(
        service::list_deliveries(db, &k2_only).await.unwrap().units,
        180,
        "all 180 K2GF of contract #1"
    );
    let nobody = ContractFilter {
        buyer: Some(CountryCode::parse("US").unwrap()),
        ..Default::default()
    };
    assert_eq!(
        service::list_deliveries(db, &nobody)
            .await
            .unwrap()
            .page
            .total,
        0
    );

    let app = support::spawn_app(db.clone()).await;
    let (status, page) = app.get(&format!("/deliveries?system={}", k2.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("180 units in 2 deliveries."),
        "the page states the total"
    );
}

async fn firms_belong_to_their_groups(db: &Db) {
    let all = firms::list(db).await.unwrap();
    let id = |name: &str| all.iter().find(|f| f.name == name).unwrap().id;
    let aerospace = firms::family(db, id("Hanwha Aerospace")).await.unwrap();
    assert_eq!(aerospace.parent.unwrap().name, "Hanwha");
    let hanwha = firms::family(db, id("Hanwha")).await.unwrap();
    assert!(hanwha.parent.is_none());
    let members: Vec<String> = hanwha.members.into_iter().map(|m| m.name).collect();
    assert!(
        members.contains(&"Hanwha Aerospace".to_owned()),
        "{members:?}"
    );

    let app = support::spawn_app(db.clone()).await;
    let (_, page) = app.get(&format!("/firms/{}", id("Hanwha Aerospace"))).await;
    assert!(page.contains("Part of"));
    assert!(page.contains(&format!("/contracts?supplier={}", id("Hanwha Aerospace"))));
}

/// The entry form's path: parse, check the framework's buyer, store whole.
async fn entered_contracts_follow_the_rules(db: &Db) {
    use app::register::entry::EntryFields;
    let main = framework(db, "K2 tanks").await;
    let k2pl = systems::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.designation == "K2PL")
        .unwrap();
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
    let refused = service::create_contract(db, &form("RO")).await.unwrap();
    assert!(
        matches!(refused, FormOutcome::Invalid(ref e) if e.get("buyer") == Some("A contract under this framework agreement has its buyer: Poland."))
    );

    let FormOutcome::Saved(contract) = service::create_contract(db, &form("PL")).await.unwrap()
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

/// The pages as a browser without JavaScript gets them.
async fn register_pages_over_http(db: &Db) {
    let app = support::spawn_app(db.clone()).await;
    for path in [
        "/agreements",
        "/contracts",
        "/systems",
        "/contracts?buyer=PL&sort=value&dir=asc&page=1",
    ] {
        let (status, page) = app.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            page.contains("<table class=\"data\">")
                && page.contains("<thead>")
                && page.contains("<tbody>"),
            "{path}"
        );
    }
    let (_, list) = app.get("/contracts?buyer=XX&year_from=soon").await;
    assert!(
        list.contains("Ignored in the address: buyer=XX, year_from=soon."),
        "bad filters are named, not fatal"
    );
    for path in ["/contracts/999999", "/agreements/999999", "/contracts/abc"] {
        assert_eq!(app.get(path).await.0, StatusCode::NOT_FOUND, "{path}");
    }

    let id = contract_id(db, "K2 executive contract #1").await;
    let (status, page) = app.get(&format!("/contracts/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("USD 3,370,000,000.00"));
    assert!(
        page.contains("incl. logistics"),
        "the value's basis is shown"
    );

    let line = contracts::line_ids(db, id).await.unwrap()[0].to_string();
    let form = [
        ("line_id", line.as_str()),
        ("delivered_on", "2024-01"),
        ("units", "1"),
        ("confidence", "reported"),
        ("notes", ""),
    ];
    let refused = app
        .post_form(&format!("/contracts/{id}/deliveries"), &form)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Every K2GF on this line is already delivered."),
        "the message is at the units field"
    );
    assert!(
        page.contains("<h1>K2 executive contract #1</h1>"),
        "the contract page is shown again"
    );
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

    let too_many = service::record_delivery(db, id, &fields(remaining + 1, "2024-05"))
        .await
        .unwrap();
    let FormOutcome::Invalid(errors) = too_many else {
        panic!("expected Invalid")
    };
    assert_eq!(
        errors.get("units"),
        Some(format!("Only {remaining} K9A1 are still undelivered on this line.").as_str())
    );

    let future = service::record_delivery(db, id, &fields(1, "2099-01-01"))
        .await
        .unwrap();
    assert!(
        matches!(future, FormOutcome::Invalid(ref e) if e.get("delivered_on").unwrap().contains("future"))
    );

    let saved = service::record_delivery(db, id, &fields(remaining, "2024-05"))
        .await
        .unwrap();
    let FormOutcome::Saved(after) = saved else {
        panic!("expected Saved")
    };
    assert_eq!(after.lines[0].undelivered(), Some(0));
    let full = service::record_delivery(db, id, &fields(1, "2024-06"))
        .await
        .unwrap();
    assert!(
        matches!(full, FormOutcome::Invalid(ref e) if e.get("units").unwrap().contains("already delivered"))
    );
}

async fn concurrent_deliveries_never_exceed_the_quantity(db: &Db) {
    let system = systems::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.designation == "K2PL")
        .unwrap();
    let draft = ContractDraft {
        title: "Concurrency test".into(),
        agreement_id: None,
        supplier_id: None,
        buyer: CountryCode::parse("PL").unwrap(),
        agency: String::new(),
        signed_on: Some(PartialDate::parse("2025-01-01").unwrap()),
        status: ContractStatus::InDelivery,
        provenance: Provenance::default(),
        delivery_period: String::new(),
        local_production: String::new(),
        lines: vec![LineDraft {
            id: None,
            system_id: system.id,
            quantity: Some(Quantity::new(50).unwrap()),
            quantity_confidence: Confidence::Confirmed,
            value: None,
            notes: String::new(),
        }],
        notes: String::new(),
    };
    let ContractWrite::Done(id) = contracts::insert(db, &draft).await.unwrap() else {
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
        title: "Misfiled contract".into(),
        agreement_id: Some(main.id),
        supplier_id: None,
        buyer: CountryCode::parse("RO").unwrap(),
        agency: String::new(),
        signed_on: None,
        status: ContractStatus::Signed,
        provenance: Provenance::default(),
        delivery_period: String::new(),
        local_production: String::new(),
        lines: Vec::new(),
        notes: String::new(),
    };
    let written = contracts::insert(db, &draft).await.unwrap();
    assert_eq!(
        written,
        ContractWrite::BuyerMismatch {
            agreement_buyer: CountryCode::parse("PL").unwrap()
        }
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

async fn filters_sort_and_pages(db: &Db) {
    let everything = listed(
        db,
        ContractFilter {
            ..Default::default()
        },
    )
    .await;
    assert_eq!(everything.total, 23);
    assert_eq!(everything.rows.len(), 23);
    assert_eq!(everything.pages(), 1);
    // Newest first, undated last.
    assert_eq!(
        everything.rows[0].signed_on.unwrap().to_string(),
        "2025-12-29"
    );
    assert!(everything.rows.last().unwrap().signed_on.is_none());

    let poland = ContractFilter {
        buyer: Some(CountryCode::parse("PL").unwrap()),
        ..Default::default()
    };
    assert_eq!(listed(db, &poland).await.total, 8);
    let since_2024 = ContractFilter {
        year_from: Some(2024),
        ..poland.clone()
    };
    assert_eq!(
        listed(db, &since_2024).await.total,
        3,
        "Homar-K #2, K2 #2, CGR-080"
    );

    let k2 = systems::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.designation == "K2")
        .unwrap();
    let k2_family = listed(
        db,
        ContractFilter {
            system: Some(k2.id),
            ..Default::default()
        },
    )
    .await;
    let titles: Vec<&str> = k2_family.rows.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(
        k2_family.total, 2,
        "the K2 filter finds the K2GF and K2PL contracts: {titles:?}"
    );

    let aircraft = listed(
        db,
        ContractFilter {
            category: Some(Category::Aircraft),
            ..Default::default()
        },
    )
    .await;
    assert!(
        aircraft.rows.iter().all(|c| c.systems.contains("FA-50")),
        "{:?}",
        aircraft.rows
    );
    assert_eq!(aircraft.total, 4, "Poland, Malaysia, Philippines twice");

    let search = listed(
        db,
        ContractFilter {
            q: Some("homar".into()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(search.total, 3, "Homar-K #1, #2 and #3");
    let by_system = listed(
        db,
        ContractFilter {
            q: Some("ctm-290".into()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(by_system.total, 1, "searches system designations too");
    let literal = listed(
        db,
        ContractFilter {
            q: Some("100%".into()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(literal.total, 0, "% is matched literally");

    let confirmed = listed(
        db,
        ContractFilter {
            confidence: Some(Confidence::Confirmed),
            ..Default::default()
        },
    )
    .await;
    assert!(
        confirmed
            .rows
            .iter()
            .all(|c| c.value_confidence == Some(Confidence::Confirmed))
    );
    let reported = listed(
        db,
        ContractFilter {
            confidence: Some(Confidence::Reported),
            ..Default::default()
        },
    )
    .await;
    assert!(reported.total >= confirmed.total);
    assert!(
        reported
            .rows
            .iter()
            .all(|c| c.value_confidence != Some(Confidence::Estimated))
    );

    let by_units = listed(
        db,
        ContractFilter {
            sort: DealSort::Units,
            descending: true,
            ..Default::default()
        },
    )
    .await;
    let units: Vec<i64> = by_units.rows.iter().map(|c| c.units_ordered).collect();
    assert!(units.windows(2).all(|w| w[0] >= w[1]), "{units:?}");
    let by_title = listed(
        db,
        ContractFilter {
            sort: DealSort::Title,
            descending: false,
            ..Default::default()
        },
    )
    .await;
    let titles: Vec<String> = by_title
        .rows
        .iter()
        .map(|c| c.title.to_lowercase())
        .collect();
    assert!(titles.windows(2).all(|w| w[0] <= w[1]), "{titles:?}");

    let beyond = listed(
        db,
        ContractFilter {
            page: 2,
            ..Default::default()
        },
    )
    .await;
    assert!(beyond.rows.is_empty());
    assert_eq!(beyond.total, 23);
}

async fn firms_that_deals_refer_to_cannot_be_deleted(db: &Db) {
    let rotem = firms::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.name == "Hyundai Rotem")
        .unwrap();
    let outcome = firm_service::delete(db, rotem.id, rotem.version)
        .await
        .unwrap();
    let DeleteOutcome::Referenced { by } = outcome else {
        panic!("expected Referenced, got {outcome:?}")
    };
    assert!(
        by.iter().any(|line| line == "System “K2PL” (maker)"),
        "{by:?}"
    );
    assert!(
        by.iter()
            .any(|line| line == "Contract “K2 executive contract #1” (supplier)"),
        "{by:?}"
    );
    assert!(
        firms::get(db, rotem.id).await.unwrap().is_some(),
        "nothing was deleted"
    );
}
