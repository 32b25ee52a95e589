//! The maintained cells hold what summing over the contracts gives, after every kind of
//! write and after the benchmark generator.

use app::domain::Confidence;
use app::domain::filter::ContractFilter;
use app::domain::summary::{Counting, Dimension};
use app::storage::Db;

use super::{at, contract, deliver, fields, firm, group, saved, system, usd};

test_support::on_both_backends!(
    generated_contracts_add_up,
    maintained_totals_match_the_contracts_after_every_kind_of_write,
);

/// The summary reads maintained cells where it can; after every kind of write (a bulk load,
/// a new contract, an edit that moves a contract to another buyer and currency, a delivery, a
/// rate change, a system moved under another base, a delete) they must hold exactly what
/// summing over the contracts gives, for every filter, grouping and confidence level.
async fn maintained_totals_match_the_contracts_after_every_kind_of_write(db: &Db) {
    use app::contracts::form::contract_fields;
    use app::forms::with_base;
    use app::rates::form::rate_fields;
    use app::systems::form::system_fields;
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
    saved(
        app::contracts::service::update_contract(db, app::domain::ContractId(new.id), &moved)
            .await
            .unwrap(),
    );
    cells_match(db, "after an edit (buyer, year, a line value)").await;

    let edited = app::contracts::service::get_contract(db, new.id)
        .await
        .unwrap();
    deliver(db, &edited, 0, 3).await;
    cells_match(db, "after a delivery").await;

    // A delivery plan: a year at one confidence, a span of years at another, on both lines.
    let plan = fields(&[
        ("version", edited.version.to_string()),
        ("plan0_line", edited.lines[0].id.to_string()),
        ("plan0_period", "2019".into()),
        ("plan0_units", "4".into()),
        ("plan0_confidence", "confirmed".into()),
        ("plan0_source", "plan source".into()),
        ("plan1_line", edited.lines[0].id.to_string()),
        ("plan1_period", "2020–2021".into()),
        ("plan1_units", "6".into()),
        ("plan1_confidence", "estimated".into()),
        ("plan1_source", "plan source".into()),
        ("plan2_line", edited.lines[1].id.to_string()),
        ("plan2_period", "2019-Q3".into()),
        ("plan2_units", "4".into()),
        ("plan2_confidence", "reported".into()),
        ("plan2_source", "plan source".into()),
    ]);
    let before_plan = at(db, None).await.schedule;
    saved(
        app::plans::service::save_plan(db, new.id, &plan)
            .await
            .unwrap(),
    );
    cells_match(db, "after a delivery plan").await;
    let after_plan = at(db, None).await.schedule;
    let planned = |rows: &[app::domain::summary::ScheduleYear], from: i32, to: i32| {
        rows.iter()
            .find(|r| r.from_year == from && r.to_year == to)
            .map_or(0, |r| r.planned)
    };
    assert_eq!(
        planned(&after_plan, 2019, 2019) - planned(&before_plan, 2019, 2019),
        8
    );
    assert_eq!(
        planned(&after_plan, 2020, 2021) - planned(&before_plan, 2020, 2021),
        6
    );

    // The EUR rate the contract (signed in 2018) is converted at: the latest one in 2018 or before.
    let rate = app::rates::service::list_rates(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.currency.as_str() == "EUR" && r.date.to_string().as_str() <= "2018-12-31")
        .max_by_key(|r| r.date.to_string())
        .expect("the demo data has EUR rates before 2018");
    let mut changed = with_base(rate_fields(&rate));
    changed.0.insert("usd_per_unit".into(), "2.5".into());
    saved(
        app::rates::service::update_rate(db, app::domain::RateId(rate.id), &changed)
            .await
            .unwrap(),
    );
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
    let taken_over = app::contracts::service::get_contract(db, plain.id)
        .await
        .unwrap()
        .usd
        .unwrap();
    assert_eq!(taken_over.money.to_string(), "USD 1,750,000.00");
    assert_eq!(taken_over.rate.map(|r| r.id), Some(inserted.id));
    assert!(matches!(
        app::rates::service::delete_rate(
            db,
            app::domain::RateId(inserted.id),
            app::domain::Version(inserted.version)
        )
        .await
        .unwrap(),
        app::domain::Removal::Deleted
    ));
    cells_match(db, "after a rate was deleted").await;
    assert_eq!(system_usd(db, "T1").await, "USD 3,500,000.00");
    let given_back = app::contracts::service::get_contract(db, plain.id)
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
    app::rates::service::delete_rate(
        db,
        app::domain::RateId(earliest.id),
        app::domain::Version(earliest.version),
    )
    .await
    .unwrap();
    assert_eq!(unconverted().await, before_any);
    cells_match(db, "after the earliest rate was deleted").await;

    let current = app::contracts::service::get_contract(db, new.id)
        .await
        .unwrap();
    let mut in_dollars = with_base(contract_fields(&current));
    in_dollars.0.insert("value_currency".into(), "USD".into());
    saved(
        app::contracts::service::update_contract(db, app::domain::ContractId(new.id), &in_dollars)
            .await
            .unwrap(),
    );
    cells_match(db, "after an edit to another currency").await;

    // Amendments: units and value, options granted then exercised, one taken back out.
    let amended = app::contracts::service::get_contract(db, new.id)
        .await
        .unwrap();
    let amend = |pairs: &[(&str, &str)]| {
        let lines: Vec<(String, String)> = amended
            .lines
            .iter()
            .enumerate()
            .map(|(row, line)| (format!("line{row}_id"), line.id.to_string()))
            .collect();
        app::forms::EntryFields(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .chain(lines)
                .chain([
                    ("reason".to_owned(), "cells test".to_owned()),
                    ("confidence".to_owned(), "reported".to_owned()),
                    ("source0_title".to_owned(), "a source".to_owned()),
                ])
                .collect(),
        )
    };
    for (form, after) in [
        (
            amend(&[
                ("amended_on", "2019-01-10"),
                ("kind", "quantity change"),
                ("line0_units", "+5"),
                ("value_change", "+250,000"),
            ]),
            "after an amendment (units and value)",
        ),
        (
            amend(&[
                ("amended_on", "2019-02"),
                ("kind", "quantity change"),
                ("line1_options", "+3"),
            ]),
            "after options were granted",
        ),
        (
            amend(&[
                ("amended_on", "2020"),
                ("kind", "option exercised"),
                ("line1_exercised", "2"),
                ("value_change", "-50,000.25"),
            ]),
            "after options were exercised",
        ),
    ] {
        saved(
            app::amendments::service::record_amendment(db, new.id, &form)
                .await
                .unwrap(),
        );
        cells_match(db, after).await;
    }
    let first = app::contracts::service::get_contract(db, new.id)
        .await
        .unwrap()
        .amendments[0]
        .id;
    assert_eq!(
        app::amendments::service::delete_amendment(db, new.id, first)
            .await
            .unwrap(),
        app::amendments::api::AmendmentRemoval::Deleted
    );
    cells_match(db, "after an amendment was deleted").await;

    let t2_record = app::systems::service::get_system(db, t2).await.unwrap();
    let mut variant = with_base(system_fields(&t2_record));
    variant.0.insert("variant_of_id".into(), t1.to_string());
    variant.0.insert("category".into(), "aircraft".into());
    saved(
        app::systems::service::update_system(db, app::domain::SystemId(t2), &variant)
            .await
            .unwrap(),
    );
    cells_match(db, "after a system moved under another base").await;

    let current = app::contracts::service::get_contract(db, new.id)
        .await
        .unwrap();
    assert!(matches!(
        app::contracts::service::delete_contract(
            db,
            app::domain::ContractId(current.id),
            app::domain::Version(current.version)
        )
        .await
        .unwrap(),
        app::domain::Removal::Deleted
    ));
    cells_match(db, "after a delete").await;

    // A deal's life: back in the pipeline, signed out of it, lapsed.
    let deal = contract(
        db,
        "Pipeline deal",
        None,
        alpha,
        "PL",
        "2021-03-01",
        "signed",
        ("2,000,000", "EUR", "reported"),
        &[(t1, 6, "reported")],
    )
    .await;
    cells_match(db, "after a new contract to move through the pipeline").await;
    for (when, changes) in [
        (
            "after a contract went back to the pipeline",
            vec![
                ("status", "negotiating"),
                ("signed_on", ""),
                ("likely_signed_on", "2027"),
                ("probability", "40"),
            ],
        ),
        (
            "after a pipeline deal was signed",
            vec![
                ("status", "signed"),
                ("signed_on", "2026-02"),
                ("likely_signed_on", ""),
                ("probability", ""),
            ],
        ),
        (
            "after a deal lapsed",
            vec![
                ("status", "lapsed"),
                ("signed_on", ""),
                ("probability", "5"),
                ("lapsed_reason", "the buyer chose another system"),
            ],
        ),
    ] {
        let current = app::contracts::service::get_contract(db, deal.id)
            .await
            .unwrap();
        let mut form = with_base(contract_fields(&current));
        for (key, value) in changes {
            form.0.insert(key.into(), value.into());
        }
        saved(
            app::contracts::service::update_contract(db, app::domain::ContractId(deal.id), &form)
                .await
                .unwrap(),
        );
        cells_match(db, when).await;
    }

    // A supplier's new name is the label of its summary rows.
    let firm_record = app::firms::service::get(db, alpha).await.unwrap();
    saved(
        app::firms::service::update(
            db,
            app::domain::FirmId(alpha),
            app::domain::Version(firm_record.version),
            &app::domain::FirmFields {
                name: "Alpha Renamed".into(),
                country: "KR".into(),
                website: String::new(),
                notes: String::new(),
            },
        )
        .await
        .unwrap(),
    );
    cells_match(db, "after a supplier was renamed").await;

    // A framework's ceiling is what the headroom reads.
    let framework = app::agreements::service::list_agreements(db, &Default::default())
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|a| a.ceiling_units > 0)
        .expect("the demo data has frameworks with ceilings");
    let framework = app::agreements::service::get_agreement(db, framework.id)
        .await
        .unwrap();
    let mut raised = with_base(app::agreements::form::agreement_fields(&framework));
    let ceiling: u32 = raised.0["line0_quantity"].replace(',', "").parse().unwrap();
    raised
        .0
        .insert("line0_quantity".into(), (ceiling + 7).to_string());
    saved(
        app::agreements::service::update_agreement(
            db,
            app::domain::AgreementId(framework.id),
            &raised,
        )
        .await
        .unwrap(),
    );
    cells_match(db, "after a ceiling was raised").await;
}

/// Adds a EUR rate of `usd_per_unit` on `date`.
async fn eur_rate(db: &Db, date: &str, usd_per_unit: &str) -> app::domain::rate::ExchangeRate {
    let form = fields(&[
        ("currency", "EUR".into()),
        ("date", date.into()),
        ("usd_per_unit", usd_per_unit.into()),
        ("source", "Test rate".into()),
    ]);
    saved(app::rates::service::create_rate(db, &form).await.unwrap())
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
    // With the pipeline (at face value, and weighted): what is in force from the cells and the
    // pipeline summed apart must add up to one sum over both.
    // (One of each: every added filter multiplies this story's queries.)
    let with_pipeline: Vec<ContractFilter> = filters
        .iter()
        .take(2)
        .zip([Counting::Pipeline, Counting::Weighted])
        .map(|(filter, counting)| {
            ContractFilter {
                counting,
                ..filter.clone()
            }
            .summed()
        })
        .collect();
    let filters: Vec<ContractFilter> = filters.into_iter().chain(with_pipeline).collect();
    let dimensions = [None]
        .into_iter()
        .chain(Dimension::ALL.into_iter().map(Some));
    let dimensions: Vec<_> = dimensions.collect();
    // Each line's maintained "behind schedule" day says what summing its plans says today.
    let today = chrono::Utc::now().date_naive();
    let contracts_of = |sql: String| async move {
        app::on_db!(db, pool => sqlx::query_scalar::<_, i64>(&sql).fetch_all(pool).await).unwrap()
    };
    let maintained = contracts_of(format!(
        "SELECT DISTINCT contract_id FROM contract_lines WHERE behind_after < '{today}' ORDER BY 1"
    ))
    .await;
    let summed = contracts_of(format!(
        "SELECT DISTINCT l.contract_id FROM contract_lines l JOIN (SELECT line_id, SUM(units) AS due \
         FROM delivery_plans WHERE ends_on < '{today}' GROUP BY line_id) d ON d.line_id = l.id \
         WHERE d.due > l.delivered_units ORDER BY 1"
    ))
    .await;
    assert_eq!(maintained, summed, "{when}: the contracts behind schedule");
    let agreements = app::domain::filter::AgreementFilter::default();
    assert_eq!(
        app::summary::service::headroom(db, &agreements)
            .await
            .unwrap(),
        app::summary::service::computed_headroom(db, &agreements)
            .await
            .unwrap(),
        "{when}: the headroom page"
    );
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
            // What the summary page shows (kept at the register's version) is what it
            // sums to now: every write above moved the version.
            let level_filter = ContractFilter {
                confidence: level,
                ..filter.clone()
            };
            for stack in [Dimension::Buyer, Dimension::Supplier] {
                let kept = app::summary::service::portfolio(db, &level_filter, stack)
                    .await
                    .unwrap();
                let computed = app::summary::service::computed_portfolio(db, &level_filter, stack)
                    .await
                    .unwrap();
                assert_eq!(
                    kept, computed,
                    "{when}: the summary page for {level_filter:?}"
                );
            }
            for stack in [Dimension::Buyer, Dimension::Supplier] {
                // Sorted here: the backends place a missing name first or last.
                let mut cells = summary::usd_by_year(db, filter, stack, level)
                    .await
                    .unwrap();
                let mut contracts = summary::usd_by_year_from_contracts(db, filter, stack, level)
                    .await
                    .unwrap();
                cells.sort();
                contracts.sort();
                assert_eq!(
                    cells, contracts,
                    "{when}: by year and {stack:?} for {filter:?}"
                );
            }
            assert_eq!(
                summary::schedule_by_year(db, filter, level).await.unwrap(),
                summary::schedule_from_contracts(db, filter, level)
                    .await
                    .unwrap(),
                "{when}: units planned and delivered by year at {level:?} for {filter:?}"
            );
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
    use app::domain::{ContractStatus, HasStanding, Standing};
    let in_force = ContractStatus::sql_in("status", &[Standing::InForce]);
    let counted = app::storage::scalar_i64(
        db,
        &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM contracts WHERE {in_force}"),
    )
    .await
    .unwrap();
    // Some are still in the pipeline, each with its probability and no signing date.
    let pipeline = ContractStatus::sql_in("status", &[Standing::Pipeline]);
    let (pipeline_deals, with_outlook) = (
        app::storage::scalar_i64(
            db,
            &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM contracts WHERE {pipeline}"),
        )
        .await
        .unwrap(),
        app::storage::scalar_i64(
            db,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM contracts WHERE {pipeline} \
                 AND probability IS NOT NULL AND signed_on IS NULL AND likely_signed_on IS NOT NULL"
            ),
        )
        .await
        .unwrap(),
    );
    assert!(
        pipeline_deals > 10,
        "{pipeline_deals} pipeline deals of 300"
    );
    assert_eq!(with_outlook, pipeline_deals);
    let all = at(db, None).await;
    assert_eq!(all.total.contracts, counted);
    let line_units = app::storage::scalar_i64(
        db,
        &format!(
            "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM contract_lines l \
             JOIN contracts c ON c.id = l.contract_id WHERE c.{in_force}"
        ),
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

/// Two servers over one database: a summary (and a list's count) one of them keeps is out of
/// date as soon as the other writes (the register's version lives in the database, not in a
/// server).
async fn a_write_through_another_pool_moves_the_kept_summary(scratch: test_support::Scratch) {
    let first = scratch.db.clone();
    let second = scratch.another_pool().await.unwrap();
    server::demo::load(&first).await.unwrap();
    let before = at(&first, None).await;
    assert_eq!(before, at(&first, None).await, "kept between two views");
    let listed = || async {
        app::storage::contracts::list(&first, &ContractFilter::default())
            .await
            .unwrap()
            .total
    };
    let listed_before = listed().await;
    let alpha = firm(&second, "Second Server Firm").await;
    let t1 = system(&second, "SSF-1", "artillery", alpha, None).await;
    contract(
        &second,
        "Written by the other server",
        None,
        alpha,
        "PL",
        "2024-06-01",
        "signed",
        ("1,000,000", "EUR", "confirmed"),
        &[(t1, 3, "confirmed")],
    )
    .await;
    let after = at(&first, None).await;
    assert_eq!(after.total.contracts, before.total.contracts + 1);
    assert_eq!(
        listed().await,
        listed_before + 1,
        "the list's kept count moved too"
    );
    assert_eq!(
        after,
        app::summary::service::computed_portfolio(
            &first,
            &ContractFilter::default(),
            Dimension::Supplier
        )
        .await
        .unwrap()
    );
    second.close().await;
    scratch.finish().await;
}

#[tokio::test]
async fn a_write_through_another_pool_moves_the_kept_summary_on_sqlite() {
    a_write_through_another_pool_moves_the_kept_summary(
        test_support::Scratch::sqlite().await.unwrap(),
    )
    .await;
}

#[tokio::test]
async fn a_write_through_another_pool_moves_the_kept_summary_on_postgres() {
    if let Some(scratch) = test_support::Scratch::postgres().await {
        a_write_through_another_pool_moves_the_kept_summary(scratch).await;
    }
}
