//! `server generate` builds data the app itself could hold: every delivered unit on a contract
//! line is backed by delivery rows (as recording a delivery writes them), no line has more
//! delivered than ordered, and the summary's maintained totals say what the rows say.

use app::domain::filter::ContractFilter;
use app::domain::summary::Dimension;
use app::domain::{Confidence, CountryCode, PartialDate};
use app::storage::Db;

test_support::on_both_backends!(generated_deliveries_back_every_delivered_unit);

async fn count(db: &Db, sql: &str) -> i64 {
    app::storage::scalar_i64(db, sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// `column IN ('confirmed', …)`.
fn one_of(column: &str, confidences: &[Confidence]) -> String {
    let names: Vec<String> = confidences
        .iter()
        .map(|c| format!("'{}'", c.as_str()))
        .collect();
    format!("{column} IN ({})", names.join(", "))
}

async fn generated_deliveries_back_every_delivered_unit(db: &Db) {
    server::generate::generate(db, 1500, 5).await.unwrap();

    // Not vacuous: the generator delivers a good share of what it orders, in many rows.
    let delivered = count(
        db,
        "SELECT CAST(COALESCE(SUM(delivered_units), 0) AS BIGINT) FROM contract_lines",
    )
    .await;
    let rows = count(db, "SELECT CAST(COUNT(*) AS BIGINT) FROM deliveries").await;
    assert!(delivered > 10_000, "only {delivered} units delivered");

    // Every line: delivered units = the sum of its delivery rows, within the line's quantity.
    let mismatched = count(
        db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM contract_lines l \
         WHERE l.delivered_units <> (SELECT COALESCE(SUM(d.units), 0) FROM deliveries d WHERE d.line_id = l.id)",
    )
    .await;
    assert_eq!(
        mismatched, 0,
        "lines whose delivered units are not the sum of their deliveries"
    );
    let over = count(
        db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM contract_lines l WHERE l.quantity IS NOT NULL \
         AND l.quantity < (SELECT COALESCE(SUM(d.units), 0) FROM deliveries d WHERE d.line_id = l.id)",
    )
    .await;
    assert_eq!(over, 0, "lines delivered beyond their quantity");
    assert!(rows > 500, "only {rows} delivery rows");
    let rows_units = count(
        db,
        "SELECT CAST(COALESCE(SUM(units), 0) AS BIGINT) FROM deliveries",
    )
    .await;
    assert_eq!(rows_units, delivered);

    // Each row as recording a delivery writes it: a real date not in the future, its year
    // alongside, positive units, version 1; and not before its contract was signed.
    let bad_rows = count(
        db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM deliveries d JOIN contract_lines l ON l.id = d.line_id \
         JOIN contracts c ON c.id = l.contract_id \
         WHERE d.units <= 0 OR d.version <> 1 \
         OR d.delivered_year <> CAST(substr(d.delivered_on, 1, 4) AS INTEGER) \
         OR (c.signed_on IS NOT NULL AND d.delivered_on < c.signed_on)",
    )
    .await;
    assert_eq!(
        bad_rows, 0,
        "delivery rows unlike those the app records, or before their contract's signing"
    );
    let dates: Vec<String> = app::storage::on_db!(db, pool => {
        sqlx::query_scalar("SELECT delivered_on FROM deliveries")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    for date in &dates {
        PartialDate::parse_past(date)
            .unwrap_or_else(|e| panic!("delivery date {date:?} is not one the app takes: {e}"));
    }

    // The summary's delivered units, at every confidence level, overall and for one buyer,
    // are those of the delivery rows of the lines that count.
    for (_, level) in app::storage::rollup::LEVELS {
        let contract = level
            .contract_confidences()
            .map_or_else(|| "1 = 1".to_owned(), |c| one_of("c.value_confidence", c));
        let quantity = one_of("l.quantity_confidence", level.quantity_confidences());
        for buyer in [None, Some("PL")] {
            let buyer_clause =
                buyer.map_or(String::new(), |b| format!(" AND c.buyer_code = '{b}'"));
            let from_rows = count(
                db,
                &format!(
                    "SELECT CAST(COALESCE(SUM(d.units), 0) AS BIGINT) FROM deliveries d \
                     JOIN contract_lines l ON l.id = d.line_id JOIN contracts c ON c.id = l.contract_id \
                     WHERE c.status <> 'cancelled' AND {contract} AND {quantity}{buyer_clause}"
                ),
            )
            .await;
            let filter = ContractFilter {
                confidence: level.0,
                buyer: buyer.map(|b| CountryCode::parse(b).unwrap()),
                ..Default::default()
            };
            let summary = app::summary::service::portfolio(db, &filter, Dimension::Supplier)
                .await
                .unwrap();
            assert_eq!(
                summary.total.units_delivered, from_rows,
                "summary's delivered units at {level:?}, buyer {buyer:?}"
            );
        }
    }

    // A generated contract's page shows the deliveries behind each line's delivered units.
    let ids: Vec<i64> = app::storage::on_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT c.id FROM contracts c WHERE c.status IN ('completed', 'in delivery') \
             AND c.title LIKE 'Synthetic%' ORDER BY c.id LIMIT 20",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    });
    assert!(!ids.is_empty());
    let mut shown = 0;
    for id in ids {
        let contract = app::contracts::service::get_contract(db, id).await.unwrap();
        for line in &contract.lines {
            let listed: i64 = contract
                .deliveries
                .iter()
                .filter(|d| d.line_id == line.id)
                .map(|d| d.units.get())
                .sum();
            assert_eq!(line.delivered, listed, "contract {id}, line {}", line.id);
            shown += listed;
        }
    }
    assert!(shown > 0, "no deliveries on the contract pages");
}
