//! CSV export and import on both backends: the round trip (export → import into a database
//! without those contracts → export) gives the same file; a file with problems stores nothing
//! and says where each one is; a fixed file goes in once and a second import changes nothing;
//! bad files are refused with a reason; exports follow the view's filters, sort and format, and
//! a download cut short releases its query.

use app::storage::Db;
use app::storage::scratch::Scratch;
use app::transfer::import;
use reqwest::StatusCode;

mod support;

app::on_both_backends!(
    a_round_trip_gives_the_same_file,
    a_file_with_problems_stores_nothing_and_a_fixed_one_goes_in_once,
    bad_files_are_refused_with_a_reason,
    exports_follow_the_view_and_the_format,
    a_download_cut_short_releases_its_query,
);

/// A second empty database on the same backend as `db`.
async fn sibling(db: &Db) -> Scratch {
    match db.backend() {
        app::storage::Backend::Sqlite => Scratch::sqlite().await.unwrap(),
        app::storage::Backend::Postgres => Scratch::postgres().await.unwrap(),
    }
}

/// The demo register without its contracts (firms, systems, agreements and rates stay), so
/// the names a contract file uses are all there.
async fn demo_without_contracts(db: &Db) {
    server::demo::load(db).await.unwrap();
    for sql in [
        "DELETE FROM deliveries",
        "DELETE FROM sources WHERE contract_id IS NOT NULL",
        "DELETE FROM alternative_values WHERE contract_id IS NOT NULL",
        "DELETE FROM contract_lines",
        "DELETE FROM contracts",
    ] {
        app::storage::execute(db, sql).await.unwrap();
    }
    app::storage::rollup::rebuild(db).await.unwrap();
}

async fn export(
    app: &support::TestApp,
    query: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = app
        .client
        .get(format!("{}/export/{query}", app.base))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// Uploads `content` as the browser's import form does; the preview page's address.
async fn upload(app: &support::TestApp, name: &str, content: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(content).file_name(name.to_owned()),
    );
    let response = app
        .client
        .post(format!("{}/import", app.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn contract_count(db: &Db) -> i64 {
    app::storage::scalar_i64(db, "SELECT COUNT(*) FROM contracts")
        .await
        .unwrap()
}

async fn a_round_trip_gives_the_same_file(db: &Db) {
    // The source: the demo data, its deliveries left out (the contract file carries the
    // delivered units for reading; deliveries are recorded on the contract pages).
    server::demo::load(db).await.unwrap();
    app::storage::execute(db, "DELETE FROM deliveries")
        .await
        .unwrap();
    app::storage::execute(db, "UPDATE contract_lines SET delivered_units = 0")
        .await
        .unwrap();
    app::storage::rollup::rebuild(db).await.unwrap();
    let source = support::spawn_app(db.clone()).await;

    let target_scratch = sibling(db).await;
    let target_db = target_scratch.db.clone();
    demo_without_contracts(&target_db).await;
    let target = support::spawn_app(target_db.clone()).await;

    for format in ["standard", "excel-eu"] {
        let query = format!("contracts?sort=title&dir=asc&format={format}");
        let (status, _, first) = export(&source, &query).await;
        assert_eq!(status, StatusCode::OK);
        let text = String::from_utf8(first.clone()).unwrap();
        assert!(text.contains("K2 executive contract #2"), "{text}");
        assert!(
            text.contains("other 1 | "),
            "sources of other figures are in the file"
        );

        let preview = upload(&target, "contracts.csv", first.clone()).await;
        let (status, page) = target.get(&preview).await;
        assert_eq!(status, StatusCode::OK);
        let (created, unchanged) = if format == "standard" {
            (23, 0)
        } else {
            (0, 23)
        };
        assert!(
            page.contains(&format!(
                "Contracts: {created} new, 0 to update, {unchanged} unchanged."
            )),
            "{format}: {page}"
        );
        if created > 0 {
            let commit = target.post_form(&format!("{preview}/commit"), &[]).await;
            assert_eq!(commit.status(), StatusCode::SEE_OTHER);
            assert_eq!(
                commit.headers()["location"],
                "/import?created=23&updated=0&unchanged=0"
            );
        }
        assert_eq!(contract_count(&target_db).await, 23);

        let (_, _, second) = export(&target, &query).await;
        assert_eq!(
            String::from_utf8(second).unwrap(),
            text,
            "{format}: the file exported after the import differs"
        );
    }
    // The summaries of both agree: the import kept the maintained totals.
    let (_, _, a) = export(&source, "summary").await;
    let (_, _, b) = export(&target, "summary").await;
    assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
    target_scratch.finish().await;
}

const HEADER: &str = "contract_ref,title,buyer,supplier,agreement,signed_on,status,value,currency,value_confidence,line,system,quantity,quantity_confidence,line_value,notes,sources";

async fn a_file_with_problems_stores_nothing_and_a_fixed_one_goes_in_once(db: &Db) {
    demo_without_contracts(db).await;
    let broken = format!(
        "{HEADER}\r\n\
         pl-1,K2 batch,PL,Hyundai Rotem,,2024-03,signed,1000.00,USD,confirmed,1,K2,10,confirmed,,\"two\nlines\",value | MND | Ministry | https://example.org | 2024-03\r\n\
         pl-1,K2 batch,PL,Hyundai Rotem,,2024-03,signed,1000.00,USD,confirmed,2,K2PL,5,confirmed,,\"two\nlines\",value | MND | Ministry | https://example.org | 2024-03\r\n\
         pl-1,K2 batch,PL,Hyundai Rotem,,2024-03,signed,1000.00,USD,confirmed,2,K9,5,confirmed,,\"two\nlines\",value | MND | Ministry | https://example.org | 2024-03\r\n\
         pl-2,Unknowns,Atlantis,Hanwa,Some framework,2024-13,signed,12.345,USD,confirmed,1,K3,0,sure,,,\r\n\
         pl-3,Short row,PL\r\n\
         pl-4,Other figures,PL,Hyundai Rotem,,2023,signed,1.00,PLN,reported,1,K2,1,reported,,,other 3 | A | B | | \r\n"
    );
    let plan = import::plan(db, "broken.csv", broken.as_bytes())
        .await
        .unwrap();
    let at = |line: u64, column: &str| {
        plan.preview
            .problems
            .iter()
            .find(|p| p.line == line && p.column == column)
            .map(|p| p.message.clone())
            .unwrap_or_else(|| {
                panic!(
                    "no problem at line {line}, {column}: {:#?}",
                    plan.preview.problems
                )
            })
    };
    // The quoted line break in `notes` makes every data row after the header two lines long.
    assert!(
        at(6, "line").contains("already on line 4"),
        "duplicate line"
    );
    assert!(at(8, "buyer").contains("Atlantis"));
    assert!(at(8, "supplier").contains("Hanwa"));
    assert!(at(8, "agreement").contains("Some framework"));
    assert!(at(8, "system").contains("K3"));
    assert!(!at(8, "signed_on").is_empty());
    assert!(at(8, "value").contains("decimal"), "{}", at(8, "value"));
    assert!(!at(8, "quantity").is_empty());
    assert!(!at(8, "quantity_confidence").is_empty());
    assert!(at(9, "").contains("3 cells where the header has 17"));
    assert!(
        at(10, "sources").starts_with("Source 1: "),
        "{}",
        at(10, "sources")
    );
    assert_eq!(
        plan.preview.unknown,
        vec![
            "supplier \u{201c}Hanwa\u{201d}",
            "agreement \u{201c}Some framework\u{201d}",
            "buyer \u{201c}Atlantis\u{201d}",
            "system \u{201c}K3\u{201d}",
        ]
    );
    let refused = import::commit(db, plan).await.unwrap();
    assert!(refused.is_err());
    assert_eq!(contract_count(db).await, 0, "nothing stored");

    // Fixed: both contracts go in, formula-like text and all.
    let fixed = format!(
        "{HEADER}\r\n\
         pl-1,K2 batch,PL,Hyundai Rotem,,2024-03,signed,1000.00,USD,confirmed,1,K2,10,confirmed,,\"two\nlines\",value | MND | Ministry | https://example.org | 2024-03\r\n\
         pl-1,K2 batch,PL,Hyundai Rotem,,2024-03,signed,1000.00,USD,confirmed,2,K2PL,5,confirmed,,\"two\nlines\",value | MND | Ministry | https://example.org | 2024-03\r\n\
         ,=SUM(A1),Poland,hyundai rotem,,2023,signed,,,,,K9,3,reported,,,\r\n"
    );
    let plan = import::plan(db, "fixed.csv", fixed.as_bytes())
        .await
        .unwrap();
    assert_eq!(plan.preview.problems, vec![]);
    assert_eq!(plan.preview.creates.len(), 2);
    let done = import::commit(db, plan).await.unwrap().unwrap();
    assert_eq!((done.created, done.updated, done.unchanged), (2, 0, 0));
    assert_eq!(contract_count(db).await, 2);
    let app = support::spawn_app(db.clone()).await;
    let (_, _, file) = export(&app, "contracts?sort=title").await;
    let file = String::from_utf8(file).unwrap();
    assert!(
        file.contains("pl-1,K2 batch,PL,Poland,Hyundai Rotem"),
        "{file}"
    );
    assert!(
        file.contains(",'=SUM(A1),PL,"),
        "a formula is written as text: {file}"
    );

    // Again: nothing new, nothing duplicated. Then an edit to one line updates that contract.
    let plan = import::plan(db, "fixed.csv", fixed.as_bytes())
        .await
        .unwrap();
    // pl-1 is unchanged; the row without a contract_ref is a new contract each time.
    assert_eq!(
        (plan.preview.creates.len(), plan.preview.updates.len()),
        (1, 0)
    );
    assert_eq!(plan.preview.unchanged, 1);
    let edited = fixed.replace(",2,K2PL,5,", ",2,K2PL,6,");
    let lines: Vec<&str> = edited.split("\r\n").take(3).collect();
    let plan = import::plan(
        db,
        "edited.csv",
        format!("{}\r\n", lines.join("\r\n")).as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(plan.preview.updates.len(), 1);
    let done = import::commit(db, plan).await.unwrap().unwrap();
    assert_eq!(done.updated, 1);
    assert_eq!(contract_count(db).await, 2);
    let (_, _, file) = export(&app, "contracts?q=K2+batch").await;
    assert!(
        String::from_utf8(file)
            .unwrap()
            .contains(",2,K2PL,armoured vehicles,6,")
    );
}

async fn bad_files_are_refused_with_a_reason(db: &Db) {
    demo_without_contracts(db).await;
    let message = |bytes: Vec<u8>| async move {
        let plan = import::plan(db, "bad.csv", &bytes).await.unwrap();
        assert!(plan.preview.creates.is_empty());
        plan.preview
            .problems
            .iter()
            .map(|p| format!("{}:{}: {}", p.line, p.column, p.message))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(message(Vec::new()).await.contains("The file is empty"));
    assert!(
        message(b"title,buyer,status,system\r\n".to_vec())
            .await
            .contains("no rows")
    );
    let mut latin1 = format!("{HEADER}\r\n").into_bytes();
    latin1.extend_from_slice(b"x,Kontrakt \xb3\xf3d\xbc,PL,,,,signed,,,,,K2,1,confirmed,,,\r\n");
    assert!(message(latin1).await.contains("2:: The file is not UTF-8"));
    assert!(
        message(b"title;buyer\r\nA;PL\r\n".to_vec())
            .await
            .contains("Missing column(s): status, system")
    );
    assert!(
        message(b"title\tbuyer\tstatus\tsystem\r\nA\tPL\tsigned\tK2\r\n".to_vec())
            .await
            .contains("a tab?")
    );
    let extra = message(format!("{HEADER},colour\r\n").into_bytes()).await;
    assert!(extra.contains("1:colour: Unknown column"), "{extra}");
    let twice = message(b"title,buyer,status,system,title\r\n".to_vec()).await;
    assert!(
        twice.contains("1:title: This column appears twice"),
        "{twice}"
    );
    let huge = vec![b'a'; app::transfer::IMPORT_LIMIT + 1];
    assert!(message(huge).await.contains("at most 20 MB"));

    // Over HTTP: an upload above the limit is refused before it is kept.
    let app = support::spawn_app(db.clone()).await;
    let location = upload(
        &app,
        "huge.csv",
        vec![b'a'; app::transfer::IMPORT_LIMIT + 10],
    )
    .await;
    assert_eq!(location, "/import?refused=too-large");
    let (status, page) = app.get(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("larger than 20 MB"));
    let (status, page) = app.get("/import/no-such-token").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("no longer here"));
    assert_eq!(contract_count(db).await, 0);
}

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
