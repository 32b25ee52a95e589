//! Exports follow the view's filters, sort and format, and a download cut short releases its
//! query.

use app::storage::Db;
use reqwest::StatusCode;

use super::export;
use crate::support;

test_support::on_both_backends!(
    exports_follow_the_view_and_the_format,
    a_download_cut_short_releases_its_query,
);

async fn exports_follow_the_view_and_the_format(db: &Db) {
    server::demo::load(db).await.unwrap();
    let app = support::spawn_app(db.clone()).await;
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();

    let (status, headers, body) =
        export(&app, "contracts?buyer=PL&sort=value&dir=desc&page=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"contracts-{today}.csv\"").as_str()
    );
    let mut reader = csv::Reader::from_reader(body.as_slice());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        app::transfer::CONTRACT_COLUMNS
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.len() > 10, "every page, not page 2 only");
    assert!(rows.iter().all(|r| &r[2] == "PL"));
    // Sorted by the USD value, largest first, as the list is.
    let usd: Vec<f64> = rows.iter().map(|r| r[13].parse().unwrap_or(-1.0)).collect();
    assert!(usd.windows(2).all(|w| w[0] >= w[1]), "{usd:?}");

    // A filter that matches nothing: the header alone (no provenance read for no contracts).
    let (status, _, body) = export(&app, "contracts?q=no+such+deal+anywhere").await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(body.as_slice());
    assert_eq!(
        reader.headers().unwrap().len(),
        app::transfer::CONTRACT_COLUMNS.len()
    );
    assert_eq!(reader.records().count(), 0);

    // Excel, European: byte-order mark, semicolons, decimal commas; numbers stay numbers.
    let (_, headers, body) = export(&app, "summary?buyer=PL&format=excel-eu").await;
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"summary-{today}.csv\"").as_str()
    );
    assert!(body.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    assert!(text.starts_with("grouping;group;counted;contracts;"));
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("total;All contracts;"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("total;All contracts;") && l.contains(",00;USD;")),
        "{text}"
    );
    // Compressed for a client that asks (as browsers do), and whole.
    let response = app
        .client
        .get(format!("{}/export/contracts", app.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let gzip = response.bytes().await.expect("a whole compressed body");
    assert!(gzip.starts_with(&[0x1f, 0x8b]) && gzip.len() > 1000);
    let (_, _, body) = export(&app, "deliveries?format=excel").await;
    assert!(body.starts_with(b"\xEF\xBB\xBFdelivered_on,units,"));

    for (view, first_column) in [
        ("agreements?q=K2", "agreement"),
        ("firms?country=KR&sort=name", "name"),
        ("systems?category=artillery", "designation"),
    ] {
        let (status, _, body) = export(&app, view).await;
        assert_eq!(status, StatusCode::OK);
        let text = String::from_utf8(body).unwrap();
        assert!(text.starts_with(first_column), "{view}: {text}");
        assert!(text.lines().count() > 1, "{view}: {text}");
    }
    let (_, _, firms) = export(&app, "firms?country=KR&sort=name").await;
    let firms = String::from_utf8(firms).unwrap();
    assert!(
        firms.contains("Hanwha Aerospace,KR,South Korea,Hanwha,"),
        "{firms}"
    );
    assert!(!firms.contains(",PL,Poland,"));
    let (_, _, systems) = export(&app, "systems?category=artillery").await;
    assert!(
        String::from_utf8(systems)
            .unwrap()
            .lines()
            .skip(1)
            .all(|l| l.contains(",artillery,"))
    );

    let (status, _, body) = export(&app, "contracts?buyer=XX&year_from=soon").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body = String::from_utf8(body).unwrap();
    assert!(
        body.contains("buyer=XX") && body.contains("year_from=soon"),
        "{body}"
    );
    let (status, _, _) = export(&app, "contracts?format=xlsx").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = export(&app, "passwords").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Every list page offers its export, with the page's filters.
    let (_, page) = app.get("/contracts?buyer=PL&sort=value").await;
    assert!(page.contains(r#"action="/export/contracts""#), "{page}");
    assert!(page.contains(r#"name="buyer" value="PL""#));
    for (path, view) in [
        ("/deliveries", "deliveries"),
        ("/agreements", "agreements"),
        ("/headroom", "agreements"),
        ("/firms", "firms"),
        ("/systems", "systems"),
        ("/summary", "summary"),
    ] {
        let (_, page) = app.get(path).await;
        assert!(
            page.contains(&format!(r#"action="/export/{view}""#)),
            "{path}"
        );
    }
}

async fn a_download_cut_short_releases_its_query(db: &Db) {
    server::generate::generate(db, 4000, 3).await.unwrap();
    let app = support::spawn_app(db.clone()).await;
    // More downloads cut short than the pool has connections: each must give its back.
    for _ in 0..20 {
        let mut response = app
            .client
            .get(format!("{}/export/contracts", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let first = response.chunk().await.unwrap().unwrap();
        assert!(first.starts_with(b"contract_ref,"));
        drop(response);
    }
    let (status, _, body) = export(&app, "contracts").await;
    assert_eq!(status, StatusCode::OK);
    let rows = csv::Reader::from_reader(body.as_slice()).records().count();
    let lines = app::storage::scalar_i64(db, "SELECT COUNT(*) FROM contract_lines")
        .await
        .unwrap();
    assert_eq!(rows as i64, lines, "a whole export has a row per line");
}
