//! The register's lists and pages: sorting, filters and pages, the deliveries list against the
//! demo data, and the pages as a browser without JavaScript gets them.

use app::domain::filter::{ContractFilter, DealSort};
use app::domain::{Category, Confidence, CountryCode};
use app::storage::{Db, agreements, contracts, systems};
use reqwest::StatusCode;

use super::{contract_id, listed, with_demo_data};
use crate::support;

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    filters_sort_and_pages,
    register_pages_over_http,
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
    let units: Vec<i64> = app::deliveries::service::list_deliveries(db, &by_delivered_units)
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
    let all = app::deliveries::service::list_deliveries(
        db,
        &ContractFilter {
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(all.page.total, seeded.len() as i64);
    assert_eq!(all.units, Some(seeded.iter().sum::<i64>()));
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
        app::deliveries::service::list_deliveries(db, &k2_only)
            .await
            .unwrap()
            .units,
        Some(180),
        "all 180 K2GF of contract #1"
    );
    let nobody = ContractFilter {
        buyer: Some(CountryCode::parse("US").unwrap()),
        ..Default::default()
    };
    assert_eq!(
        app::deliveries::service::list_deliveries(db, &nobody)
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
