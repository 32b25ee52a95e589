//! Portfolio totals and framework headroom on both backends, against a small hand-computed
//! register (two currencies, a variant counted under its base system, a framework executed
//! above one ceiling, a cancelled contract left out), and against the demo data's reference
//! figures.

use app::domain::filter::{AgreementFilter, ContractFilter};
use app::domain::summary::{Dimension, GroupTotal, Portfolio};
use app::domain::{Confidence, FirmFields, FormOutcome};
use app::register::entry::EntryFields;
use app::register::{DeliveryFields, service};
use app::storage::Db;
use reqwest::StatusCode;

use crate::support;

test_support::on_both_backends!(
    totals_add_up_by_hand,
    the_demo_portfolio_matches_the_reference,
    usd_equivalents_follow_the_rates,
    generated_contracts_add_up,
    maintained_totals_match_the_contracts_after_every_kind_of_write,
    every_summary_link_lists_what_its_row_adds_up,
);

/// The summary reads maintained cells where it can; after every kind of write (a bulk load,
/// a new contract, an edit that moves a contract to another buyer and currency, a delivery, a
/// rate change, a system moved under another base, a delete) they must hold exactly what
/// summing over the contracts gives, for every filter, grouping and confidence level.
async fn maintained_totals_match_the_contracts_after_every_kind_of_write(db: &Db) {
    use app::register::entry::{contract_fields, rate_fields, system_fields, with_base};
    server::generate::generate(db, 200, 11).await.unwrap();
    cells_match(db, "after the bulk load").await;

    let alpha = firm(db, "Alpha").await;
    let t1 = system(db, "T1", "armoured vehicles", alpha, None).await;
    let t2 = system(db, "T2", "artillery", alpha, None).await;
    let new = contract(
        db,
        "Two systems",
        None,
        alpha,
        "PL",
        "2020-05-01",
        "signed",
        ("1,000,000", "EUR", "reported"),
        &[(t1, 10, "confirmed"), (t2, 4, "estimated")],
    )
    .await;
    cells_match(db, "after a new contract").await;

    let mut moved = with_base(contract_fields(&new));
    moved.0.insert("buyer".into(), "RO".into());
    moved.0.insert("signed_on".into(), "2018-09-15".into());
    moved.0.insert("line0_value".into(), "400,000".into());
    saved(service::update_contract(db, new.id, &moved).await.unwrap());
    cells_match(db, "after an edit (buyer, year, a line value)").await;

    let edited = service::get_contract(db, new.id).await.unwrap();
    deliver(db, &edited, 0, 3).await;
    cells_match(db, "after a delivery").await;

    // The EUR rate the contract (signed in 2018) is converted at: the latest one in 2018 or before.
    let rate = service::list_rates(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.currency.as_str() == "EUR" && r.date.to_string().as_str() <= "2018-12-31")
        .max_by_key(|r| r.date.to_string())
        .expect("the demo data has EUR rates before 2018");
    let mut changed = with_base(rate_fields(&rate));
    changed.0.insert("usd_per_unit".into(), "2.5".into());
    saved(service::update_rate(db, rate.id, &changed).await.unwrap());
    cells_match(db, "after a rate change").await;
    assert_eq!(
        system_usd(db, "T1").await,
        "USD 1,000,000.00",
        "the line's EUR 400,000 at the changed rate of 2.5"
    );

    // A new rate between two others takes over part of their contracts (this one, signed in
    // October 2018, from the rate of January 2018); deleting it gives them back.
    let plain = contract(
        db,
        "Plain EUR",
        None,
        alpha,
        "FI",
        "2018-10-01",
        "signed",
        ("1,000,000", "EUR", "confirmed"),
        &[(t1, 1, "confirmed")],
    )
    .await;
    let inserted = eur_rate(db, "2018-07-01", "1.75").await;
    cells_match(db, "after a new rate").await;
    assert_eq!(
        system_usd(db, "T1").await,
        "USD 2,450,000.00",
        "EUR 400,000 and EUR 1,000,000 at the new rate of 1.75"
    );
    let taken_over = service::get_contract(db, plain.id)
        .await
        .unwrap()
        .usd
        .unwrap();
    assert_eq!(taken_over.money.to_string(), "USD 1,750,000.00");
    assert_eq!(taken_over.rate.map(|r| r.id), Some(inserted.id));
    assert!(matches!(
        service::delete_rate(db, inserted.id, inserted.version)
            .await
            .unwrap(),
        app::register::Removal::Deleted
    ));
    cells_match(db, "after a rate was deleted").await;
    assert_eq!(system_usd(db, "T1").await, "USD 3,500,000.00");
    let given_back = service::get_contract(db, plain.id)
        .await
        .unwrap()
        .usd
        .unwrap();
    assert_eq!(given_back.money.to_string(), "USD 2,500,000.00");

    // A rate earlier than all others gives the contracts signed before the first one a USD
    // figure; deleting it takes it away again.
    let unconverted = || async {
        app::storage::scalar_i64(
            db,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM contracts \
             WHERE value_currency = 'EUR' AND signed_on IS NOT NULL AND usd_rate_id IS NULL",
        )
        .await
        .unwrap()
    };
    let before_any = unconverted().await;
    assert!(before_any > 0, "generated EUR contracts signed before 2017");
    let earliest = eur_rate(db, "1990-01-01", "1.2").await;
    assert_eq!(unconverted().await, 0);
    cells_match(db, "after a new earliest rate").await;
    service::delete_rate(db, earliest.id, earliest.version)
        .await
        .unwrap();
    assert_eq!(unconverted().await, before_any);
    cells_match(db, "after the earliest rate was deleted").await;

    let current = service::get_contract(db, new.id).await.unwrap();
    let mut in_dollars = with_base(contract_fields(&current));
    in_dollars.0.insert("value_currency".into(), "USD".into());
    saved(
        service::update_contract(db, new.id, &in_dollars)
            .await
            .unwrap(),
    );
    cells_match(db, "after an edit to another currency").await;

    let t2_record = service::get_system(db, t2).await.unwrap();
    let mut variant = with_base(system_fields(&t2_record));
    variant.0.insert("variant_of_id".into(), t1.to_string());
    variant.0.insert("category".into(), "aircraft".into());
    saved(service::update_system(db, t2, &variant).await.unwrap());
    cells_match(db, "after a system moved under another base").await;

    let current = service::get_contract(db, new.id).await.unwrap();
    assert!(matches!(
        service::delete_contract(db, current.id, current.version)
            .await
            .unwrap(),
        app::register::Removal::Deleted
    ));
    cells_match(db, "after a delete").await;
}

/// Adds a EUR rate of `usd_per_unit` on `date`.
async fn eur_rate(db: &Db, date: &str, usd_per_unit: &str) -> app::domain::rate::ExchangeRate {
    let form = fields(&[
        ("currency", "EUR".into()),
        ("date", date.into()),
        ("usd_per_unit", usd_per_unit.into()),
        ("source", "Test rate".into()),
    ]);
    saved(service::create_rate(db, &form).await.unwrap())
}

/// The USD total of one system in the whole portfolio.
async fn system_usd(db: &Db, designation: &str) -> String {
    let portfolio = at(db, None).await;
    usd(group(&portfolio, Dimension::System, designation))
}

/// Every summary the cells answer equals the same summary summed over the contracts.
async fn cells_match(db: &Db, when: &str) {
    use app::domain::CountryCode;
    use app::storage::summary;
    let some_supplier = app::storage::scalar_i64(db, "SELECT MIN(supplier_id) FROM contracts")
        .await
        .unwrap();
    let filters = [
        ContractFilter::default(),
        ContractFilter {
            buyer: CountryCode::parse("PL").ok(),
            ..Default::default()
        },
        ContractFilter {
            supplier: Some(some_supplier),
            ..Default::default()
        },
        ContractFilter {
            buyer: CountryCode::parse("RO").ok(),
            year_from: Some(2010),
            year_to: Some(2020),
            ..Default::default()
        },
        ContractFilter {
            year_to: Some(2015),
            ..Default::default()
        },
        // The summary's rows "Supplier not recorded" and "Date not recorded".
        ContractFilter {
            no_supplier: true,
            ..Default::default()
        },
        ContractFilter {
            buyer: CountryCode::parse("EE").ok(),
            undated: true,
            ..Default::default()
        },
    ];
    let dimensions = [None]
        .into_iter()
        .chain(Dimension::ALL.into_iter().map(Some));
    let dimensions: Vec<_> = dimensions.collect();
    for filter in &filters {
        for level in [
            None,
            Some(Confidence::Confirmed),
            Some(Confidence::Reported),
            Some(Confidence::Estimated),
        ] {
            for dimension in &dimensions {
                let cells = summary::groups(db, filter, *dimension, level)
                    .await
                    .unwrap();
                let contracts = summary::groups_from_contracts(db, filter, *dimension, level)
                    .await
                    .unwrap();
                assert_eq!(
                    sorted(&cells),
                    sorted(&contracts),
                    "{when}: {dimension:?} at {level:?} for {filter:?}"
                );
            }
            for stack in [Dimension::Buyer, Dimension::Supplier] {
                let cells = summary::usd_by_year(db, filter, stack, level)
                    .await
                    .unwrap();
                let contracts = summary::usd_by_year_from_contracts(db, filter, stack, level)
                    .await
                    .unwrap();
                assert_eq!(
                    cells, contracts,
                    "{when}: by year and {stack:?} for {filter:?}"
                );
            }
        }
    }
}

/// The rows of a summary as sorted text: the two ways may list groups with equal labels in
/// another order.
fn sorted<A: std::fmt::Debug, B: std::fmt::Debug, C: std::fmt::Debug>(
    rows: &(Vec<A>, Vec<B>, Vec<C>),
) -> Vec<String> {
    let mut all: Vec<String> = rows.0.iter().map(|r| format!("{r:?}")).collect();
    all.extend(rows.1.iter().map(|r| format!("{r:?}")));
    all.extend(rows.2.iter().map(|r| format!("{r:?}")));
    all.sort();
    all
}

/// The benchmark generator's data goes through the same summaries, and the register keeps
/// working after it (on PostgreSQL its explicit ids must not collide with new ones).
async fn generated_contracts_add_up(db: &Db) {
    server::generate::generate(db, 300, 7).await.unwrap();
    let count = app::storage::scalar_i64(db, "SELECT CAST(COUNT(*) AS BIGINT) FROM contracts")
        .await
        .unwrap();
    let demo = app::storage::scalar_i64(
        db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM contracts WHERE title NOT LIKE 'Synthetic%'",
    )
    .await
    .unwrap();
    assert_eq!(count - demo, 300);
    let cancelled = app::storage::scalar_i64(
        db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM contracts WHERE status = 'cancelled'",
    )
    .await
    .unwrap();
    let all = at(db, None).await;
    assert_eq!(all.total.contracts, count - cancelled);
    let line_units = app::storage::scalar_i64(
        db,
        "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM contract_lines l JOIN contracts c ON c.id = l.contract_id WHERE c.status <> 'cancelled'",
    )
    .await
    .unwrap();
    assert_eq!(
        all.total.units_ordered, line_units,
        "the summary adds up every line"
    );
    let alpha = firm(db, "Alpha").await;
    let t1 = system(db, "T1", "armoured vehicles", alpha, None).await;
    contract(
        db,
        "After",
        None,
        alpha,
        "PL",
        "2024",
        "signed",
        ("1", "USD", "confirmed"),
        &[(t1, 1, "confirmed")],
    )
    .await;
}

fn usd(total: &GroupTotal) -> String {
    total.usd.map(|m| m.to_string()).unwrap_or_default()
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
        service::create_rate(db, &rate("2024-01-01", "0.000733149"))
            .await
            .unwrap(),
    );
    assert_eq!(at(db, None).await.total.without_usd, 1);
    let r2023 = saved(
        service::create_rate(db, &rate("2023-01-01", "0.000766043"))
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
    let stored = service::get_contract(db, krw.id)
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
    let mut form = app::register::entry::with_base(app::register::entry::rate_fields(&r2023));
    form.0.insert("usd_per_unit".into(), "0.0008".into());
    saved(service::update_rate(db, r2023.id, &form).await.unwrap());
    assert_eq!(usd(&at(db, None).await.total), "USD 5,250,000.75");
    // A stale edit is a conflict, not an overwrite.
    assert!(matches!(
        service::update_rate(db, r2023.id, &form).await.unwrap(),
        FormOutcome::Conflict { .. }
    ));
    // Deleting it leaves the contract without a USD figure again.
    let current = service::get_rate(db, r2023.id).await.unwrap();
    assert_eq!(
        service::delete_rate(db, r2023.id, current.version)
            .await
            .unwrap(),
        app::register::Removal::Deleted
    );
    assert_eq!(at(db, None).await.total.without_usd, 1);

    // Rules at their fields.
    let refused = |outcome: FormOutcome<app::domain::rate::ExchangeRate>| match outcome {
        FormOutcome::Invalid(errors) => errors,
        other => panic!("expected messages, got {other:?}"),
    };
    let errors = refused(
        service::create_rate(db, &rate("2024-01-01", "0.0007"))
            .await
            .unwrap(),
    );
    assert!(errors.get("date").unwrap().contains("already has a rate"));
    let errors = refused(
        service::create_rate(db, &rate("2024-02", "-3"))
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

fn fields(pairs: &[(&str, String)]) -> EntryFields {
    EntryFields(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn saved<T: std::fmt::Debug>(outcome: FormOutcome<T>) -> T {
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
    saved(service::create_system(db, &form).await.unwrap()).id
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
    saved(service::create_contract(db, &fields(&pairs)).await.unwrap())
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
        service::record_delivery(db, contract.id, &form)
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
    service::portfolio(db, &filter, Dimension::Supplier)
        .await
        .unwrap()
}

async fn totals_add_up_by_hand(db: &Db) {
    let (alpha, beta) = (firm(db, "Alpha").await, firm(db, "Beta").await);
    let t1 = system(db, "T1", "armoured vehicles", alpha, None).await;
    let t1pl = system(db, "T1-PL", "armoured vehicles", alpha, Some(t1)).await;
    let h9 = system(db, "H9", "artillery", beta, None).await;
    let framework = saved(
        service::create_agreement(
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
    let narrowed = service::portfolio(db, &since_2023, Dimension::Supplier)
        .await
        .unwrap();
    assert_eq!(narrowed.total.contracts, 2);

    // Headroom: T1 executed 60 + 50 (its variant) of 100, 10 over; H9 20 of 50.
    let page = service::headroom(db, &AgreementFilter::default())
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
        page.contains("Counting confirmed figures only."),
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

/// deals.md: Poland's executive contracts under the 2022 framework order 180 + 180 K2 (K2GF
/// and K2PL) and 212 + 152 K9; all 180 K2GF of contract #1 are delivered.
async fn the_demo_portfolio_matches_the_reference(db: &Db) {
    server::demo::load(db).await.unwrap();
    let all = at(db, None).await;
    let k2 = group(&all, Dimension::System, "K2");
    assert_eq!(k2.units_ordered, 360);
    assert_eq!(k2.units_delivered, 180);
    let k9 = group(&all, Dimension::System, "K9");
    assert!(k9.units_ordered >= 364, "{}", k9.units_ordered);
    // Every demo value has a USD equivalent but the one EUR contract without a signing date.
    assert_eq!(all.total.without_usd, 1);
    let poland = group(&all, Dimension::Buyer, "Poland");
    assert!(
        values(poland).iter().any(|v| v.starts_with("USD ")),
        "{:?}",
        values(poland)
    );
    let contracts = app::storage::contracts::list(
        db,
        &ContractFilter {
            buyer: poland.drill.buyer,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let cancelled = contracts
        .rows
        .iter()
        .filter(|c| c.status == app::domain::ContractStatus::Cancelled)
        .count() as i64;
    assert_eq!(
        poland.contracts,
        contracts.total - cancelled,
        "the drill-down lists what the total adds up"
    );

    // Systems with no value of their own (the Chunmoo's missiles) show no USD figure, as they
    // show no value, rather than "USD 0.00".
    let missile = group(&all, Dimension::System, "239 mm missile");
    assert!(missile.values.is_empty());
    let app = support::spawn_app(db.clone()).await;
    let (_, page) = app.get("/summary").await;
    let by_system = page
        .split("By system")
        .nth(1)
        .and_then(|rest| rest.split("<h2").next())
        .expect("the page has a by-system table");
    assert!(by_system.contains("239 mm missile"));
    assert!(
        !by_system.contains("USD 0.00"),
        "no USD figure for groups without values"
    );
    assert!(
        !page.contains("USD 0.00"),
        "nor in the chart's table where a supplier signed nothing that year"
    );
}

/// Every link of the summary (the total and every group of every dimension) at every level,
/// for a few summary filters, on the demo data: the contract list it opens has as many
/// contracts and as many units ordered and delivered as the row says, and the CSV export of
/// that list gives the same units and the same values per currency. A row by system or category
/// adds up its lines of that system (with its variants) or category, and their values (a line's
/// own, or its contract's when the contract has that one line).
async fn every_summary_link_lists_what_its_row_adds_up(db: &Db) {
    server::demo::load(db).await.unwrap();
    let app = support::spawn_app(db.clone()).await;
    let systems = service::list_systems(db).await.unwrap();
    let hanwha =
        app::storage::scalar_i64(db, "SELECT id FROM firms WHERE name = 'Hanwha Aerospace'")
            .await
            .unwrap();
    let bases = [
        String::new(),
        "buyer=PL".to_owned(),
        "year_from=2022&year_to=2024".to_owned(),
        format!("supplier={hanwha}"),
    ];
    let (mut links, mut unrecorded) = (0, 0);
    for base in &bases {
        for level in [
            "",
            "confidence=confirmed",
            "confidence=reported",
            "confidence=estimated",
        ] {
            let query = [base.as_str(), level]
                .into_iter()
                .filter(|q| !q.is_empty())
                .collect::<Vec<_>>()
                .join("&");
            let (filter, ignored) = ContractFilter::from_query(&query_pairs(&query));
            assert!(ignored.is_empty(), "{query}: {ignored:?}");
            let portfolio = service::portfolio(db, &filter, Dimension::Supplier)
                .await
                .unwrap();
            let (status, page) = app.get(&format!("/summary?{query}")).await;
            assert_eq!(status, StatusCode::OK);
            let shown = contract_links(&page);
            let mut rows = vec![(None, &portfolio.total)];
            for (dimension, groups) in &portfolio.groups {
                rows.extend(groups.iter().map(|g| (Some(*dimension), g)));
            }
            let drills: std::collections::BTreeSet<String> =
                rows.iter().map(|(_, g)| g.drill.to_query()).collect();
            assert_eq!(
                shown, drills,
                "{query}: the page links to every row's contracts"
            );
            for (dimension, row) in rows {
                let link = row.drill.to_query();
                let what = format!(
                    "/summary?{query}: {dimension:?} {:?} -> /contracts?{link}",
                    row.label
                );
                // What the link opens: the filter read back from its address.
                let (drill, ignored) = ContractFilter::from_query(&query_pairs(&link));
                assert!(ignored.is_empty(), "{what}: {ignored:?}");
                let (count, ordered, delivered) = listed(db, &drill).await;
                assert_eq!(count, row.contracts, "{what}: contracts listed");
                assert_eq!(
                    (ordered, delivered),
                    (row.units_ordered, row.units_delivered),
                    "{what}: units of the list"
                );
                let exported = exported(&app, &link, &drill, &systems).await;
                assert_eq!(
                    exported.contracts, row.contracts,
                    "{what}: contracts exported"
                );
                assert_eq!(
                    (exported.ordered, exported.delivered),
                    (row.units_ordered, row.units_delivered),
                    "{what}: units of the export"
                );
                let by_line = matches!(dimension, Some(Dimension::System | Dimension::Category));
                let expected = if by_line {
                    exported.line_values
                } else {
                    exported.values
                };
                assert_eq!(expected, values(row), "{what}: values per currency");
                links += 1;
                unrecorded += i32::from(drill.no_supplier || drill.undated);
            }
        }
    }
    assert!(links > 200, "{links} links walked");
    assert!(
        unrecorded > 0,
        "the rows of what is not recorded were walked too"
    );
    // The levels count differently on this data: they were really compared.
    let count = |level| async move {
        let filter = ContractFilter {
            confidence: level,
            ..Default::default()
        };
        let total = service::portfolio(db, &filter, Dimension::Supplier)
            .await
            .unwrap()
            .total;
        (total.contracts, total.units_ordered)
    };
    let (everything, reported, confirmed) = (
        count(None).await,
        count(Some(Confidence::Reported)).await,
        count(Some(Confidence::Confirmed)).await,
    );
    assert!(everything.0 > reported.0 && reported.0 > confirmed.0 && confirmed.0 > 0);
    assert!(everything.1 > reported.1, "{everything:?} {reported:?}");
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// The queries of every filtered link to the contract list on a page (the menu's plain
/// `/contracts` is not one).
fn contract_links(page: &str) -> std::collections::BTreeSet<String> {
    page.split("href=\"/contracts?")
        .skip(1)
        .filter_map(|rest| Some(rest[..rest.find('"')?].replace("&amp;", "&")))
        .collect()
}

/// The contracts the list shows for `filter`, every page of it: how many, and the sum of the
/// units ordered and delivered of its rows.
async fn listed(db: &Db, filter: &ContractFilter) -> (i64, i64, i64) {
    let (mut rows, mut ordered, mut delivered, mut page) = (0, 0, 0, 1);
    loop {
        let shown = service::list_contracts(db, &filter.with_page(page))
            .await
            .unwrap();
        rows += shown.rows.len() as i64;
        ordered += shown.rows.iter().map(|c| c.units_ordered).sum::<i64>();
        delivered += shown.rows.iter().map(|c| c.units_delivered).sum::<i64>();
        if shown.rows.is_empty() || rows >= shown.total {
            assert_eq!(rows, shown.total, "the pages hold the total");
            return (rows, ordered, delivered);
        }
        page += 1;
    }
}

/// What a contract export adds up, as a summary row of its filter would.
#[derive(Debug, Default)]
struct Exported {
    contracts: i64,
    ordered: i64,
    delivered: i64,
    /// The contracts' values per currency.
    values: Vec<String>,
    /// The values of the lines the filter picks: a line's own, or its contract's when the
    /// contract has that one line.
    line_values: Vec<String>,
}

/// Exports the contracts of `link` (whose filter is `filter`) and adds up what the summary adds:
/// the units of the lines whose quantity is at the filter's level and, with a system or a
/// category, of that system (with its variants) or category.
async fn exported(
    app: &support::TestApp,
    link: &str,
    filter: &ContractFilter,
    systems: &[app::domain::register::SystemRecord],
) -> Exported {
    use app::domain::{CurrencyCode, Money};
    use std::collections::BTreeMap;
    let response = app
        .client
        .get(format!("{}/export/contracts?{link}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    // A contract's rows come together, its lines numbered from 1 (none for a contract without).
    let mut contracts: Vec<Vec<&csv::StringRecord>> = Vec::new();
    for record in &records {
        match &record[at("line")] {
            "" | "1" => contracts.push(vec![record]),
            _ => contracts.last_mut().unwrap().push(record),
        }
    }
    let picks_line = |record: &csv::StringRecord| {
        let system = systems
            .iter()
            .find(|s| s.designation == record[at("system")])
            .unwrap();
        filter.system.is_none_or(|id| {
            system.id == id || system.variant_of.as_ref().is_some_and(|b| b.id == id)
        }) && filter
            .category
            .is_none_or(|c| c.as_str() == &record[at("category")])
    };
    let level = app::domain::summary::Level(filter.confidence);
    let confidence = |text: &str| (!text.is_empty()).then(|| Confidence::parse(text).unwrap());
    let counts_quantity = |record: &csv::StringRecord| {
        level.counts_units(confidence(&record[at("quantity_confidence")]).unwrap())
    };
    let money = |amount: &str, currency: &str| {
        Money::parse(amount, CurrencyCode::parse(currency).unwrap()).unwrap()
    };
    let (mut values, mut line_values) = (BTreeMap::new(), BTreeMap::new());
    let mut out = Exported {
        contracts: contracts.len() as i64,
        ..Default::default()
    };
    for rows in &contracts {
        let first = rows[0];
        assert!(
            level.counts_contract(confidence(&first[at("value_confidence")])),
            "{link}: every contract exported counts at its level"
        );
        if !first[at("value")].is_empty() {
            let value = money(&first[at("value")], &first[at("currency")]);
            *values.entry(first[at("currency")].to_owned()).or_insert(0) += value.to_minor();
        }
        for line in rows.iter().filter(|r| !r[at("line")].is_empty()) {
            if !picks_line(line) {
                continue;
            }
            if counts_quantity(line) {
                out.ordered += line[at("quantity")].parse::<i64>().unwrap_or(0);
                out.delivered += line[at("delivered")].parse::<i64>().unwrap_or(0);
            }
            let (amount, currency) = if !line[at("line_value")].is_empty() {
                (&line[at("line_value")], &line[at("line_currency")])
            } else if rows.len() == 1 && !first[at("value")].is_empty() {
                (&first[at("value")], &first[at("currency")])
            } else {
                continue;
            };
            *line_values.entry(currency.to_owned()).or_insert(0) +=
                money(amount, currency).to_minor();
        }
    }
    let shown = |sums: BTreeMap<String, i64>| {
        sums.into_iter()
            .map(|(currency, minor)| {
                Money::from_minor(minor, CurrencyCode::parse(&currency).unwrap()).to_string()
            })
            .collect()
    };
    out.values = shown(values);
    out.line_values = shown(line_values);
    out
}
