//! The contract list when it holds more than a page can count: every order read off an index,
//! the count capped and said so, the pages past the cap still reachable, on both backends.

use app::domain::filter::{ContractFilter, DealSort, PER_PAGE};
use app::storage::{Db, contracts, on_db};
use reqwest::StatusCode;

use super::{listed, with_demo_data};
use crate::support;

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    every_sorted_page_comes_off_an_index,
    the_export_on_sqlite_sorts_in_full_instead,
    a_long_list_counts_to_its_cap_and_still_pages_to_its_end,
    a_long_deliveries_list_counts_to_its_cap_and_reads_its_page_off_an_index,
    a_page_after_a_contract_is_the_same_page_read_off_the_index_from_there,
);

/// The orders that sort every matching contract: by units (summed per contract at the filter's
/// confidence level, so no index can hold them) and by supplier (the names of another table,
/// with contracts without a supplier last). docs/benchmarks.md has what they cost at 1M.
const SORTED_IN_FULL: [DealSort; 2] = [DealSort::Units, DealSort::Supplier];

async fn every_sorted_page_comes_off_an_index(db: &Db) {
    let sorts: Vec<DealSort> = DealSort::ALL.iter().map(|(sort, _)| *sort).collect();
    assert_eq!(sorts.len(), 7, "a new sort column belongs in this test");
    let mut checked = 0;
    for sort in sorts.into_iter().filter(|s| !SORTED_IN_FULL.contains(s)) {
        for descending in [false, true] {
            for page in [1, 400] {
                let filter = ContractFilter {
                    sort,
                    descending,
                    page,
                    ..Default::default()
                };
                let (sql, args) = contracts::page_ids_sql(&filter);
                let plan = db.query_plan(&sql, args).await.unwrap();
                // By buyer, both read the countries in name order and sort each one's
                // contracts by id: PostgreSQL's "Incremental Sort" with the names as its
                // presorted key, SQLite's B-tree for the last term of the order.
                let one_buyer_at_a_time = sort == DealSort::Buyer
                    && ((plan.contains("Incremental Sort")
                        && plan.contains("Presorted Key: bc.name, bc.code"))
                        || plan.contains("USE TEMP B-TREE FOR LAST TERM OF ORDER BY"));
                let sorts_rows = !one_buyer_at_a_time
                    && (plan.contains("TEMP B-TREE FOR")
                        || plan.lines().any(|l| {
                            let step = l.trim_start().trim_start_matches("->  ");
                            step.starts_with("Sort") || step.starts_with("Incremental Sort")
                        }));
                assert!(
                    !sorts_rows,
                    "{sort:?} (descending: {descending}, page {page}) sorts the contracts instead of reading them in order:\n{plan}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 5 * 2 * 2);

    // Under every filter that names one value (where the summary's links lead), newest
    // first: a buyer's, a supplier's, a framework's, a status's contracts.
    let supplier = app::storage::scalar_i64(db, "SELECT MIN(supplier_id) FROM contracts")
        .await
        .unwrap();
    let agreement = app::storage::scalar_i64(db, "SELECT MIN(agreement_id) FROM contracts")
        .await
        .unwrap();
    let filters = [
        ContractFilter {
            buyer: Some(app::domain::CountryCode::parse("PL").unwrap()),
            ..Default::default()
        },
        ContractFilter {
            supplier: Some(supplier),
            ..Default::default()
        },
        ContractFilter {
            agreement: Some(agreement),
            ..Default::default()
        },
        ContractFilter {
            status: Some(app::domain::ContractStatus::Signed),
            ..Default::default()
        },
    ];
    for filter in filters {
        for page in [1, 400] {
            let (sql, args) = contracts::page_ids_sql(&filter.with_page(page));
            let plan = db.query_plan(&sql, args).await.unwrap();
            assert!(
                !plan.contains("TEMP B-TREE") && !plan.contains("Sort"),
                "the contracts of {} are sorted (page {page}):\n{plan}",
                filter.to_query()
            );
        }
    }
}

/// The export reads every matching contract: on SQLite, in table order and then sorted, which
/// is faster than visiting the table in an index's order (docs/benchmarks.md).
async fn the_export_on_sqlite_sorts_in_full_instead(db: &Db) {
    for (sort, _) in DealSort::ALL {
        for descending in [false, true] {
            let filter = ContractFilter {
                sort: *sort,
                descending,
                ..Default::default()
            };
            let (sql, args) = app::storage::export::contracts_sql(&filter, db.backend());
            let plan = db.query_plan(&sql, args).await.unwrap();
            match db.backend() {
                app::storage::Backend::Sqlite => assert!(
                    plan.contains("USE TEMP B-TREE FOR ORDER BY") && !plan.contains("SCAN c USING"),
                    "{sort:?} (descending: {descending}):\n{plan}"
                ),
                // PostgreSQL weighs the plans with its statistics; the SQL only has to run.
                app::storage::Backend::Postgres => assert!(plan.contains("contracts"), "{plan}"),
            }
        }
    }
}

/// Adds `n` contracts in one statement: titles `Bulk 000001`…, every seventh without a date.
async fn add_contracts(db: &Db, n: i64) {
    let sql = format!(
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n}) \
         INSERT INTO contracts (title, buyer_code, status, signed_on, signed_year, created_at, updated_at) \
         SELECT 'Bulk ' || substr('00000' || CAST(i AS TEXT), -6, 6) , 'NO', 'signed', \
                CASE WHEN i % 7 = 0 THEN NULL ELSE '2010-01-01' END, \
                CASE WHEN i % 7 = 0 THEN NULL ELSE 2010 END, \
                '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM k"
    );
    let sql = match db {
        // PostgreSQL's substr takes no negative start: the last six digits by `right`.
        Db::Postgres(_) => sql.replace(
            "substr('00000' || CAST(i AS TEXT), -6, 6)",
            "right('00000' || CAST(i AS TEXT), 6)",
        ),
        Db::Sqlite(_) => sql,
    };
    on_db!(db, pool => { sqlx::query(&sql).execute(pool).await.unwrap(); });
}

async fn a_long_list_counts_to_its_cap_and_still_pages_to_its_end(db: &Db) {
    let before = contracts::count(db).await.unwrap();
    let added = contracts::COUNT_CAP + 30;
    add_contracts(db, added).await;
    let all = before + added;
    assert_eq!(contracts::count(db).await.unwrap(), all);

    let first = listed(db, ContractFilter::default()).await;
    assert!(first.capped, "a list longer than the cap says so");
    assert_eq!(first.total, contracts::COUNT_CAP);
    assert!(first.has_next);
    assert_eq!(first.rows.len(), PER_PAGE as usize);

    let per_page = i64::from(PER_PAGE);
    let last_page = u32::try_from((all + per_page - 1) / per_page).unwrap();
    let at_page = |page| ContractFilter {
        page,
        ..Default::default()
    };
    let last = listed(db, at_page(last_page)).await;
    assert!(!last.capped, "the last page knows the count");
    assert_eq!(last.total, all);
    assert!(!last.has_next);
    assert_eq!(
        last.rows.len() as i64,
        all - i64::from(last_page - 1) * per_page
    );
    assert!(
        last.rows.iter().all(|c| c.signed_on.is_none()),
        "undated contracts come last"
    );
    let past_cap = listed(db, at_page(last_page - 1)).await;
    assert!(past_cap.capped && past_cap.has_next);
    assert_eq!(past_cap.total, i64::from(last_page - 1) * per_page);
    let beyond = listed(db, at_page(last_page + 1)).await;
    assert!(beyond.rows.is_empty() && !beyond.has_next);

    // Every contract on exactly one page, in the list's order (by date, then newest id).
    let mut seen = std::collections::HashSet::new();
    let mut page = 1;
    loop {
        let listed = listed(db, at_page(page)).await;
        for row in &listed.rows {
            assert!(seen.insert(row.id), "contract {} on two pages", row.id);
        }
        if !listed.has_next {
            break;
        }
        page += 1;
    }
    assert_eq!(seen.len() as i64, all);

    let poland = ContractFilter {
        buyer: Some(app::domain::CountryCode::parse("PL").unwrap()),
        ..Default::default()
    };
    let counted = listed(db, &poland).await;
    assert!(!counted.capped, "a filter under the cap is counted exactly");
    assert_eq!(counted.total, 8);

    let app = support::spawn_app(db.clone()).await;
    let (status, html) = app.get("/contracts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("Rows 1–{PER_PAGE} of more than 10,000")),
        "{html}"
    );
    assert!(html.contains("rel=\"next\""));
    let (_, html) = app.get(&format!("/contracts?page={last_page}")).await;
    assert!(
        html.contains(&format!("of {}", app_thousands(all))),
        "the last page has the exact count"
    );
    assert!(!html.contains("rel=\"next\""));
    let (_, home) = app.get("/").await;
    assert!(
        home.contains(&app_thousands(all)),
        "the overview counts every contract"
    );
}

fn app_thousands(n: i64) -> String {
    app::components::format::thousands(n)
}

async fn a_long_deliveries_list_counts_to_its_cap_and_reads_its_page_off_an_index(db: &Db) {
    use app::deliveries::service::list_deliveries;
    let before = list_deliveries(db, &ContractFilter::default())
        .await
        .unwrap();
    assert!(!before.page.capped && before.units.is_some());
    let line = contracts::line_ids(db, super::contract_id(db, "K2 executive contract #1").await)
        .await
        .unwrap()[0];
    let added = contracts::COUNT_CAP + 10;
    let sql = format!(
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {added}) \
         INSERT INTO deliveries (line_id, delivered_on, delivered_year, units, confidence, notes, version, created_at, updated_at) \
         SELECT {line}, '2001-01-01', 2001, 1, 'reported', '', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM k"
    );
    on_db!(db, pool => { sqlx::query(&sql).execute(pool).await.unwrap(); });
    let all = before.page.total + added;

    let first = list_deliveries(db, &ContractFilter::default())
        .await
        .unwrap();
    assert!(first.page.capped && first.page.has_next);
    assert_eq!(first.page.total, contracts::COUNT_CAP);
    assert_eq!(
        first.units, None,
        "units are added up only when every delivery was counted"
    );
    assert_eq!(
        first.page.rows[0].delivered_on.to_string(),
        before.page.rows[0].delivered_on.to_string(),
        "newest first"
    );
    let per_page = i64::from(PER_PAGE);
    let last_page = u32::try_from((all + per_page - 1) / per_page).unwrap();
    let last = list_deliveries(
        db,
        &ContractFilter {
            page: last_page,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(!last.page.capped && !last.page.has_next);
    assert_eq!(last.page.total, all);

    let app = support::spawn_app(db.clone()).await;
    let (status, html) = app.get("/deliveries").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("More than 10,000 deliveries: choose a buyer, a system or years"),
        "{html}"
    );

    for descending in [false, true] {
        let filter = ContractFilter {
            descending,
            ..Default::default()
        };
        let (sql, args) = app::storage::deliveries::page_sql(&filter);
        let plan = db.query_plan(&sql, args).await.unwrap();
        assert!(
            !plan.contains("TEMP B-TREE") && !plan.lines().any(|l| l.contains("Sort")),
            "the deliveries (descending: {descending}) are sorted:\n{plan}"
        );
    }
}

/// A "Next" link names the page's last contract (`after=ID`), and the next page is read from
/// its place in the order's index instead of counting past the pages before: for every order,
/// both directions, walked to the end through dates and values that are missing (they come
/// last) and ties (one status for hundreds of contracts), each page is the page its offset
/// gives, and its queries seek into the index rather than read it from the start or sort.
async fn a_page_after_a_contract_is_the_same_page_read_off_the_index_from_there(db: &Db) {
    add_contracts(db, 400).await;
    let mut walked = 0;
    for (sort, _) in DealSort::ALL {
        for descending in [false, true] {
            let mut filter = ContractFilter {
                sort: *sort,
                descending,
                ..Default::default()
            };
            let mut seen = std::collections::HashSet::new();
            loop {
                let keyset = listed(db, &filter).await;
                let by_offset = listed(db, filter.with_page(filter.page)).await;
                let ids = |page: &app::domain::register::Page<_>| {
                    page.rows
                        .iter()
                        .map(|c: &app::domain::register::ContractSummary| c.id)
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    ids(&keyset),
                    ids(&by_offset),
                    "{sort:?} (descending: {descending}), page {} after {:?}",
                    filter.page,
                    filter.after
                );
                assert_eq!(keyset.has_next, by_offset.has_next);
                seen.extend(ids(&keyset));
                let Some(last) = keyset.rows.last().filter(|_| keyset.has_next) else {
                    break;
                };
                filter = filter.next_after(last.id);
                walked += 1;
            }
            assert_eq!(
                seen.len() as i64,
                contracts::count(db).await.unwrap(),
                "{sort:?} (descending: {descending}): every contract once"
            );
        }
    }
    assert!(walked > 7 * 2 * 15, "{walked} pages walked");

    // The queries of a page after a contract, for the orders that have them.
    let anchor = listed(db, ContractFilter::default()).await.rows[10].id;
    let mut checked = 0;
    for (sort, _) in DealSort::ALL {
        for descending in [false, true] {
            let filter = ContractFilter {
                sort: *sort,
                descending,
                page: 2,
                after: Some(anchor),
                ..Default::default()
            };
            for part in [
                contracts::KeysetPart::AfterTheAnchor,
                contracts::KeysetPart::WithoutKey,
                contracts::KeysetPart::WithoutKeyAfterTheAnchor,
            ] {
                let Some((sql, args)) =
                    contracts::keyset_ids_sql(db.backend(), &filter, anchor, part, 26)
                else {
                    // Orders without keyset pages; keys that are never NULL have no rows
                    // without one.
                    assert!(
                        matches!(sort, DealSort::Buyer | DealSort::Supplier | DealSort::Units)
                            || (matches!(sort, DealSort::Title | DealSort::Status)
                                && part != contracts::KeysetPart::AfterTheAnchor),
                        "{sort:?} has no {part:?} query"
                    );
                    continue;
                };
                // Nor finished by an incremental sort: on a small table PostgreSQL may price
                // finishing one index's order below reading the other's, and a page after its
                // anchor must come in an index's own order.
                let plan = db
                    .query_plan_pricing_out(&sql, args, &["enable_incremental_sort"])
                    .await
                    .unwrap();
                let sorts = plan.contains("TEMP B-TREE")
                    || plan.lines().any(|l| {
                        l.trim_start()
                            .trim_start_matches("->  ")
                            .starts_with("Sort")
                    });
                // A seek: SQLite SEARCHes the index with the anchor's key as a bound;
                // PostgreSQL's index scan has it in its Index Cond.
                let seeks = match db.backend() {
                    app::storage::Backend::Sqlite => plan
                        .lines()
                        .any(|l| l.contains("SEARCH c USING") && l.contains("INDEX")),
                    app::storage::Backend::Postgres => plan.contains("Index Cond"),
                };
                assert!(
                    !sorts && seeks,
                    "{sort:?} (descending: {descending}), {part:?}: not a seek into the index:\n{plan}"
                );
                checked += 1;
            }
        }
    }
    // By date and value: three parts each; by title and status: one.
    assert_eq!(checked, 2 * 2 * 3 + 2 * 2);

    // The list page's "Next" link carries the last contract.
    let app = support::spawn_app(db.clone()).await;
    let (status, html) = app.get("/contracts").await;
    assert_eq!(status, StatusCode::OK);
    let first = listed(db, ContractFilter::default()).await;
    let last = first.rows.last().unwrap().id;
    assert!(
        html.contains(&format!("page=2&amp;after={last}")),
        "the next link names contract {last}"
    );
}
