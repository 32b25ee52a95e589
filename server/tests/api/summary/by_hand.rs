//! Totals and USD equivalents of small registers built here, against figures computed by
//! hand.

use app::domain::filter::{AgreementFilter, ContractFilter};
use app::domain::summary::Dimension;
use app::domain::{Confidence, FormOutcome};
use app::storage::Db;
use reqwest::StatusCode;

use super::{at, contract, deliver, fields, firm, group, saved, system, usd, values};
use crate::support;

test_support::on_both_backends!(totals_add_up_by_hand, usd_equivalents_follow_the_rates);

async fn totals_add_up_by_hand(db: &Db) {
    let (alpha, beta) = (firm(db, "Alpha").await, firm(db, "Beta").await);
    let t1 = system(db, "T1", "armoured vehicles", alpha, None).await;
    let t1pl = system(db, "T1-PL", "armoured vehicles", alpha, Some(t1)).await;
    let h9 = system(db, "H9", "artillery", beta, None).await;
    let framework = saved(
        app::agreements::service::create_agreement(
            db,
            &fields(&[
                ("title", "Framework A".into()),
                ("buyer", "PL".into()),
                ("status", "active".into()),
                ("supplier0_id", alpha.to_string()),
                ("line0_system", t1.to_string()),
                ("line0_quantity", "100".into()),
                ("line0_confidence", "confirmed".into()),
                ("line1_system", h9.to_string()),
                ("line1_quantity", "50".into()),
                ("line1_confidence", "confirmed".into()),
            ]),
        )
        .await
        .unwrap(),
    );
    let a = Some(framework.id);
    let c1 = contract(
        db,
        "C1",
        a,
        alpha,
        "PL",
        "2022-08",
        "signed",
        ("1,000,000.50", "USD", "reported"),
        &[(t1, 60, "confirmed")],
    )
    .await;
    let c2 = contract(
        db,
        "C2",
        a,
        alpha,
        "PL",
        "2023",
        "signed",
        ("5,000,000,000", "KRW", "confirmed"),
        &[(t1pl, 50, "reported"), (h9, 20, "confirmed")],
    )
    .await;
    contract(
        db,
        "C3",
        None,
        beta,
        "RO",
        "2024-01-15",
        "signed",
        ("250,000.25", "USD", "estimated"),
        &[(h9, 10, "estimated")],
    )
    .await;
    contract(
        db,
        "C4",
        a,
        alpha,
        "PL",
        "2024",
        "cancelled",
        ("999", "USD", "confirmed"),
        &[(t1, 5, "confirmed")],
    )
    .await;
    deliver(db, &c1, 0, 30).await;
    deliver(db, &c2, 1, 5).await;

    // Everything, estimates included; the cancelled C4 left out.
    let all = at(db, None).await;
    assert_eq!(all.total.contracts, 3);
    assert_eq!(
        values(&all.total),
        ["KRW 5,000,000,000", "USD 1,250,000.75"]
    );
    assert_eq!(
        (all.total.units_ordered, all.total.units_delivered),
        (140, 35)
    );
    let poland = group(&all, Dimension::Buyer, "Poland");
    assert_eq!(poland.contracts, 2);
    assert_eq!(values(poland), ["KRW 5,000,000,000", "USD 1,000,000.50"]);
    assert_eq!((poland.units_ordered, poland.units_delivered), (130, 35));
    assert_eq!(poland.drill.buyer.unwrap().as_str(), "PL");
    let romania = group(&all, Dimension::Buyer, "Romania");
    assert_eq!((romania.contracts, romania.units_ordered), (1, 10));
    // T1-PL counts under T1; a contract's value goes to a system only when it has one line.
    let tanks = group(&all, Dimension::System, "T1");
    assert_eq!(
        (tanks.contracts, tanks.units_ordered, tanks.units_delivered),
        (2, 110, 30)
    );
    assert_eq!(values(tanks), ["USD 1,000,000.50"]);
    assert_eq!(tanks.drill.system, Some(t1));
    let guns = group(&all, Dimension::Category, "artillery");
    assert_eq!(
        (guns.contracts, guns.units_ordered, guns.units_delivered),
        (2, 30, 5)
    );
    assert_eq!(values(guns), ["USD 250,000.25"]);
    let y2023 = group(&all, Dimension::Year, "2023");
    assert_eq!(
        (y2023.drill.year_from, y2023.drill.year_to),
        (Some(2023), Some(2023))
    );
    assert_eq!(
        values(group(&all, Dimension::Supplier, "Beta")),
        ["USD 250,000.25"]
    );

    // The value chart: USD by year and supplier (C2 in KRW has no rate here, so no USD).
    assert_eq!(all.by_year.years, [2022, 2024]);
    assert_eq!(
        all.by_year.series,
        [
            ("Alpha".to_owned(), vec![100_000_050, 0]),
            ("Beta".to_owned(), vec![0, 25_000_025]),
        ]
    );

    // Confirmed and reported: C3, whose value is estimated, drops out with its units.
    let reported = at(db, Some(Confidence::Reported)).await;
    assert_eq!(reported.total.contracts, 2);
    assert_eq!(
        values(&reported.total),
        ["KRW 5,000,000,000", "USD 1,000,000.50"]
    );
    assert_eq!(reported.total.units_ordered, 130);
    // Confirmed only: C1 (its value is reported) drops out too, and of C2 the reported T1-PL
    // line: H9's 20 units, 5 delivered, are left.
    let confirmed = at(db, Some(Confidence::Confirmed)).await;
    assert_eq!(confirmed.total.contracts, 1);
    assert_eq!(values(&confirmed.total), ["KRW 5,000,000,000"]);
    assert_eq!(
        (
            confirmed.total.units_ordered,
            confirmed.total.units_delivered
        ),
        (20, 5)
    );

    // Filters narrow the totals like the contract list.
    let since_2023 = ContractFilter {
        year_from: Some(2023),
        ..Default::default()
    };
    let narrowed = app::summary::service::portfolio(db, &since_2023, Dimension::Supplier)
        .await
        .unwrap();
    assert_eq!(narrowed.total.contracts, 2);

    // Headroom: T1 executed 60 + 50 (its variant) of 100, 10 over; H9 20 of 50.
    let page = app::summary::service::headroom(db, &AgreementFilter::default())
        .await
        .unwrap();
    let lines = &page.rows[0].ceilings;
    assert_eq!((lines[0].executed, lines[0].delivered), (110, 30));
    assert!(lines[0].over_ceiling());
    assert_eq!((lines[1].executed, lines[1].delivered), (20, 5));
    assert!(!lines[1].over_ceiling());

    let app = support::spawn_app(db.clone()).await;
    let (status, page) = app.get("/summary?confidence=confirmed").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Counting confirmed figures only: signed deals only"),
        "the page says what it counts"
    );
    assert!(page.contains("KRW 5,000,000,000"));
    let (_, page) = app.get("/summary?stack=buyer").await;
    assert!(
        page.contains("<svg")
            && page.contains("Contract value in US dollars by signed year, by buyer")
    );
    assert!(page.contains("Stack by supplier instead"));
    let (status, page) = app.get("/headroom").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("10 over the ceiling"));
}

/// One KRW contract and two USD ones: the USD total takes the KRW value at the rate of its
/// signing date, follows every change of that rate, and says what it leaves out.
async fn usd_equivalents_follow_the_rates(db: &Db) {
    let alpha = firm(db, "Alpha").await;
    let t1 = system(db, "T1", "armoured vehicles", alpha, None).await;
    let krw = contract(
        db,
        "K",
        None,
        alpha,
        "PL",
        "2023-12-01",
        "signed",
        ("5,000,000,000", "KRW", "confirmed"),
        &[(t1, 1, "confirmed")],
    )
    .await;
    contract(
        db,
        "U1",
        None,
        alpha,
        "PL",
        "2022",
        "signed",
        ("1,000,000.50", "USD", "reported"),
        &[(t1, 1, "confirmed")],
    )
    .await;
    contract(
        db,
        "U2",
        None,
        alpha,
        "RO",
        "2024",
        "signed",
        ("250,000.25", "USD", "confirmed"),
        &[(t1, 1, "confirmed")],
    )
    .await;

    let before = at(db, None).await;
    assert_eq!(usd(&before.total), "USD 1,250,000.75");
    assert_eq!(before.total.without_usd, 1, "the KRW value has no rate yet");

    let rate = |date: &str, value: &str| {
        fields(&[
            ("currency", "KRW".into()),
            ("date", date.into()),
            ("usd_per_unit", value.into()),
            ("source", "Bank of Korea, annual average".into()),
        ])
    };
    // A later rate does not apply to an earlier signing; the nearest earlier one does.
    saved(
        app::rates::service::create_rate(db, &rate("2024-01-01", "0.000733149"))
            .await
            .unwrap(),
    );
    assert_eq!(at(db, None).await.total.without_usd, 1);
    let r2023 = saved(
        app::rates::service::create_rate(db, &rate("2023-01-01", "0.000766043"))
            .await
            .unwrap(),
    );
    let after = at(db, None).await;
    // 5,000,000,000 × 0.000766043 = 3,830,215.00
    assert_eq!(usd(&after.total), "USD 5,080,215.75");
    assert_eq!(after.total.without_usd, 0);
    assert_eq!(
        usd(group(&after, Dimension::Buyer, "Poland")),
        "USD 4,830,215.50"
    );
    let stored = app::contracts::service::get_contract(db, krw.id)
        .await
        .unwrap()
        .usd
        .unwrap();
    assert_eq!(stored.money.to_string(), "USD 3,830,215.00");
    assert_eq!(
        stored.rate.unwrap().id,
        r2023.id,
        "the rate used is on record"
    );

    // Editing the rate moves every figure that depends on it.
    let mut form = app::forms::with_base(app::rates::form::rate_fields(&r2023));
    form.0.insert("usd_per_unit".into(), "0.0008".into());
    saved(
        app::rates::service::update_rate(db, app::domain::RateId(r2023.id), &form)
            .await
            .unwrap(),
    );
    assert_eq!(usd(&at(db, None).await.total), "USD 5,250,000.75");
    // A stale edit is a conflict, not an overwrite.
    assert!(matches!(
        app::rates::service::update_rate(db, app::domain::RateId(r2023.id), &form)
            .await
            .unwrap(),
        FormOutcome::Conflict { .. }
    ));
    // Deleting it leaves the contract without a USD figure again.
    let current = app::rates::service::get_rate(db, r2023.id).await.unwrap();
    assert_eq!(
        app::rates::service::delete_rate(
            db,
            app::domain::RateId(r2023.id),
            app::domain::Version(current.version)
        )
        .await
        .unwrap(),
        app::domain::Removal::Deleted
    );
    assert_eq!(at(db, None).await.total.without_usd, 1);

    // Rules at their fields.
    let refused = |outcome: app::domain::Created<app::domain::rate::ExchangeRate>| match outcome {
        FormOutcome::Invalid(errors) => errors,
        other => panic!("expected messages, got {other:?}"),
    };
    let errors = refused(
        app::rates::service::create_rate(db, &rate("2024-01-01", "0.0007"))
            .await
            .unwrap(),
    );
    assert!(errors.get("date").unwrap().contains("already has a rate"));
    let errors = refused(
        app::rates::service::create_rate(db, &rate("2024-02", "-3"))
            .await
            .unwrap(),
    );
    assert!(errors.get("date").unwrap().contains("whole date"));
    assert!(
        errors
            .get("usd_per_unit")
            .unwrap()
            .contains("more than zero")
    );

    let app = support::spawn_app(db.clone()).await;
    let (status, page) = app.get(&format!("/contracts/{}", krw.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("no KRW rate on or before the signing date"),
        "the page says why there is no USD figure"
    );
    let (status, page) = app.get("/rates").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("0.000733149"));
    let response = app
        .post_form(
            "/rates/new",
            &[
                ("currency", "KRW"),
                ("date", "2023-01-01"),
                ("usd_per_unit", "0.000766043"),
                ("source", "BoK"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&format!("/contracts/{}", krw.id)).await;
    assert!(
        page.contains(
            "USD 3,830,215.00 at 0.000766043 US dollars per KRW (rate of 2023-01-01: BoK)"
        ),
        "{page}"
    );
}
