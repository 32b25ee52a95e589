//! The demo data: its portfolio against the reference figures, and every summary link against
//! the contract list and export it opens.

use app::domain::Confidence;
use app::domain::filter::ContractFilter;
use app::domain::summary::Dimension;
use app::storage::Db;
use reqwest::StatusCode;

use super::{at, group, values};
use crate::support;

test_support::on_both_backends!(
    the_demo_portfolio_matches_the_reference,
    every_summary_link_lists_what_its_row_adds_up,
);

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
    let systems = app::systems::service::list_systems(db).await.unwrap();
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
    let (mut links, mut unrecorded, mut late_found) = (0, 0, 0);
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
            let portfolio = app::summary::service::portfolio(db, &filter, Dimension::Supplier)
                .await
                .unwrap();
            let (status, page) = app.get(&format!("/summary?{query}")).await;
            assert_eq!(status, StatusCode::OK);
            let shown = contract_links(&page);
            let mut rows = vec![(None, &portfolio.total)];
            for (dimension, groups) in &portfolio.groups {
                rows.extend(groups.iter().map(|g| (Some(*dimension), g)));
            }
            let mut drills: std::collections::BTreeSet<String> =
                rows.iter().map(|(_, g)| g.drill.to_query()).collect();
            // And to the contracts of its filter behind schedule: a link without a figure (what
            // is late depends on the day), which lists exactly those of them that are late.
            let behind = ContractFilter {
                behind: true,
                ..portfolio.filter.clone()
            };
            drills.insert(behind.to_query());
            assert_eq!(
                shown, drills,
                "{query}: the page links to every row's contracts"
            );
            late_found += behind_lists_the_late(db, &portfolio.filter, &behind).await;
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
        late_found > 0,
        "some summary's contracts are behind schedule (the FA-50PL)"
    );
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
        let total = app::summary::service::portfolio(db, &filter, Dimension::Supplier)
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
/// The contracts `behind` lists are those of `all` with units late on their delivery plan today.
async fn behind_lists_the_late(db: &Db, all: &ContractFilter, behind: &ContractFilter) -> usize {
    let ids = |filter: ContractFilter| async move {
        let mut ids = Vec::new();
        for page in 1.. {
            let shown = app::contracts::service::list_contracts(db, &filter.with_page(page))
                .await
                .unwrap();
            ids.extend(shown.rows.iter().map(|c| c.id));
            if shown.rows.is_empty() || ids.len() as i64 >= shown.total {
                break;
            }
        }
        ids
    };
    let today = chrono::Utc::now().date_naive();
    let mut late = Vec::new();
    for id in ids(all.clone()).await {
        let contract = app::contracts::service::get_contract(db, id).await.unwrap();
        if app::plans::pages::schedules(&contract, today)
            .iter()
            .any(|(_, _, s)| s.late() > 0)
        {
            late.push(id);
        }
    }
    let mut listed = ids(behind.clone()).await;
    listed.sort_unstable();
    late.sort_unstable();
    assert_eq!(
        listed,
        late,
        "{}: the contracts behind schedule",
        behind.to_query()
    );
    late.len()
}

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
        let shown = app::contracts::service::list_contracts(db, &filter.with_page(page))
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
