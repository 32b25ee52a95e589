//! CSV export and import on both backends: the round trip (export → import into a database
//! without those contracts → export) gives the same file; a file with problems stores nothing
//! and says where each one is; a fixed file goes in once and a second import changes nothing;
//! bad files are refused with a reason; exports follow the view's filters, sort and format, and
//! a download cut short releases its query.

use app::storage::Db;
use app::transfer::import;
use reqwest::StatusCode;
use test_support::Scratch;

use crate::support;

test_support::on_both_backends!(
    a_round_trip_gives_the_same_file,
    a_file_with_problems_stores_nothing_and_a_fixed_one_goes_in_once,
    bad_files_are_refused_with_a_reason,
    exports_follow_the_view_and_the_format,
    a_download_cut_short_releases_its_query,
    every_refusal_of_the_commit_is_in_the_preview,
    preview_rows_are_the_spreadsheet_rows,
    a_refused_commit_shows_its_reasons,
    an_update_lists_what_it_changes,
    refusals_after_the_check_are_placed_too,
    the_command_line_dry_run_says_the_same,
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
    let at = |row: u64, column: &str| {
        plan.preview
            .problems
            .iter()
            .find(|p| p.row == row && p.column == column)
            .map(|p| p.message.clone())
            .unwrap_or_else(|| {
                panic!(
                    "no problem at row {row}, {column}: {:#?}",
                    plan.preview.problems
                )
            })
    };
    // Rows as a spreadsheet numbers them: the quoted line breaks in `notes` shift nothing.
    assert!(at(4, "line").contains("already on row 3"), "duplicate line");
    assert!(at(5, "buyer").contains("Atlantis"));
    assert!(at(5, "supplier").contains("Hanwa"));
    assert!(at(5, "agreement").contains("Some framework"));
    assert!(at(5, "system").contains("K3"));
    assert!(!at(5, "signed_on").is_empty());
    assert!(at(5, "value").contains("decimal"), "{}", at(5, "value"));
    assert!(!at(5, "quantity").is_empty());
    assert!(!at(5, "quantity_confidence").is_empty());
    assert!(at(6, "").contains("3 cells where the header has 17"));
    assert!(
        at(7, "sources").starts_with("Source 1: "),
        "{}",
        at(7, "sources")
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
            .map(|p| format!("{}:{}: {}", p.row, p.column, p.message))
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

// ---- Preview and commit run the same checks ----

/// The Korea–Poland framework (buyer PL), as a CSV cell.
const FRAMEWORK: &str =
    "\"Framework agreement: K2 tanks, K9 howitzers, FA-50 aircraft (Korea–Poland)\"";

/// `pl-1` under the framework, two lines (K2 × 10, K2PL × 5), as a file row per line.
fn stored_rows() -> [String; 2] {
    [
        format!(
            "pl-1,K2 batch,PL,Hyundai Rotem,{FRAMEWORK},2024-03,signed,1000.00,USD,confirmed,1,K2,10,confirmed,,,"
        ),
        format!(
            "pl-1,K2 batch,PL,Hyundai Rotem,{FRAMEWORK},2024-03,signed,1000.00,USD,confirmed,2,K2PL,5,confirmed,,,"
        ),
    ]
}

fn file(rows: &[String]) -> Vec<u8> {
    format!("{HEADER}\r\n{}\r\n", rows.join("\r\n")).into_bytes()
}

/// The demo register without contracts, plus `pl-1` with 4 units delivered on line 1 and 2
/// on line 2. Answers pl-1's id.
async fn with_deliveries(db: &Db) -> i64 {
    demo_without_contracts(db).await;
    let plan = import::plan(db, "stored.csv", &file(&stored_rows()))
        .await
        .unwrap();
    assert_eq!(plan.preview.problems, vec![]);
    import::commit(db, plan).await.unwrap().unwrap();
    let id = app::storage::contracts::by_external_ids(db, &["pl-1".to_owned()])
        .await
        .unwrap()[0]
        .1;
    let lines = app::storage::contracts::line_ids(db, id).await.unwrap();
    for (line_id, units) in [(lines[0], 4), (lines[1], 2)] {
        let draft = app::domain::register::DeliveryDraft {
            line_id,
            delivered_on: app::domain::PartialDate::parse("2025-01").unwrap(),
            units: app::domain::Quantity::new(units).unwrap(),
            confidence: app::domain::Confidence::parse("confirmed").unwrap(),
            notes: String::new(),
        };
        let recorded = app::storage::deliveries::record(db, &draft).await.unwrap();
        assert!(matches!(
            recorded,
            app::storage::deliveries::Recorded::Done { .. }
        ));
    }
    id
}

/// What the register holds, to check that a refused import stored nothing.
async fn register_state(db: &Db) -> String {
    let app = support::spawn_app(db.clone()).await;
    let (_, _, contracts) = export(&app, "contracts?sort=title").await;
    let (_, _, summary) = export(&app, "summary").await;
    format!(
        "{}\n{}",
        String::from_utf8(contracts).unwrap(),
        String::from_utf8(summary).unwrap()
    )
}

fn place(problems: &[app::transfer::Problem]) -> Vec<(u64, String)> {
    problems.iter().map(|p| (p.row, p.column.clone())).collect()
}

async fn every_refusal_of_the_commit_is_in_the_preview(db: &Db) {
    with_deliveries(db).await;
    let before = register_state(db).await;
    let [line1, line2] = stored_rows();
    // What the file is, its rows, where the refusal is, and what it says.
    type Case = (&'static str, Vec<String>, (u64, &'static str), &'static str);
    let cases: Vec<Case> = vec![
        (
            "a new contract under the framework with another buyer",
            vec![format!(
                "pl-9,Wrong buyer,CZ,Hyundai Rotem,{FRAMEWORK},2024,signed,,,,1,K9,3,confirmed,,,"
            )],
            (2, "buyer"),
            "has its buyer: Poland",
        ),
        (
            "a stored contract under the framework given another buyer",
            vec![line1.replace(",PL,", ",CZ,"), line2.replace(",PL,", ",CZ,")],
            (2, "buyer"),
            "has its buyer: Poland",
        ),
        (
            "a line's quantity below its delivered units",
            vec![line1.clone(), line2.replace(",K2PL,5,", ",K2PL,1,")],
            (3, "quantity"),
            "2 units already delivered",
        ),
        (
            "a line with deliveries left out",
            vec![line1.clone()],
            (2, "line"),
            "2 units delivered",
        ),
        (
            "a contract_ref longer than the database keeps",
            vec![format!(
                "{},Long ref,PL,,,2024,signed,,,,1,K9,3,confirmed,,,",
                "x".repeat(101)
            )],
            (2, "contract_ref"),
            "at most 100 characters",
        ),
    ];
    for (case, rows, (row, column), message) in cases {
        let plan = import::plan(db, "refused.csv", &file(&rows)).await.unwrap();
        let preview = place(&plan.preview.problems);
        assert!(
            preview.contains(&(row, column.to_owned())),
            "{case}: the preview has no problem at row {row}, {column}: {:#?}",
            plan.preview.problems
        );
        let found = plan
            .preview
            .problems
            .iter()
            .find(|p| p.row == row && p.column == column)
            .unwrap();
        assert!(found.message.contains(message), "{case}: {found:?}");
        let refused = import::commit(
            db,
            import::prepare(db, "refused.csv", &file(&rows))
                .await
                .unwrap(),
        )
        .await
        .unwrap()
        .unwrap_err();
        assert_eq!(
            place(&refused.problems),
            preview,
            "{case}: the commit says the same"
        );
        assert_eq!(register_state(db).await, before, "{case}: nothing stored");
    }
}

async fn preview_rows_are_the_spreadsheet_rows(db: &Db) {
    demo_without_contracts(db).await;
    // Row 2 is four lines of text (a quoted cell with line breaks); an empty line is row 4.
    let rows = vec![
        format!(
            "pl-8,Fine,PL,Hyundai Rotem,{FRAMEWORK},2024,signed,,,,1,K9,3,confirmed,,\"one\ntwo\n\nfour\",",
        ),
        format!("pl-9,Wrong buyer,CZ,Hyundai Rotem,{FRAMEWORK},2024,signed,,,,1,K9,3,confirmed,,,"),
        String::new(),
        "pl-10,Bad date,PL,Hyundai Rotem,,2024-13,signed,,,,1,K9,3,confirmed,,,".to_owned(),
        "pl-10,Bad date,PL,Hyundai Rotem,,2024-13,signed,,,,1,K9,3,confirmed,,,".to_owned(),
    ];
    let plan = import::plan(db, "rows.csv", &file(&rows)).await.unwrap();
    let at = place(&plan.preview.problems);
    for expected in [(3, "buyer"), (5, "signed_on"), (6, "line")] {
        assert!(
            at.contains(&(expected.0, expected.1.to_owned())),
            "no problem at {expected:?}: {:#?}",
            plan.preview.problems
        );
    }
    let twice = plan
        .preview
        .problems
        .iter()
        .find(|p| p.row == 6 && p.column == "line")
        .unwrap();
    assert!(twice.message.contains("row 5"), "{twice:?}");
    assert_eq!(
        plan.preview.problems.len(),
        3,
        "{:#?}",
        plan.preview.problems
    );
}

async fn a_refused_commit_shows_its_reasons(db: &Db) {
    demo_without_contracts(db).await;
    let app = support::spawn_app(db.clone()).await;
    let rows = vec![format!(
        "pl-9,Wrong buyer,CZ,Hyundai Rotem,{FRAMEWORK},2024,signed,,,,1,K9,3,confirmed,,,"
    )];
    let preview = upload(&app, "refused.csv", file(&rows)).await;
    let (status, page) = app.get(&preview).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("A contract under this framework agreement has its buyer: Poland."),
        "{page}"
    );
    assert!(
        !page.contains("/commit"),
        "no import button for a refused file"
    );
    // Posted anyway (an old tab, or someone changed the register since the preview).
    let commit = app.post_form(&format!("{preview}/commit"), &[]).await;
    assert_eq!(commit.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = commit.text().await.unwrap();
    assert!(page.contains("nothing was stored"), "{page}");
    assert!(
        page.contains("A contract under this framework agreement has its buyer: Poland."),
        "{page}"
    );
    assert_eq!(contract_count(db).await, 0);
}

/// The changes of the preview's updates, as `field: before → after`.
fn listed_changes(preview: &app::transfer::ImportPreview) -> Vec<String> {
    preview
        .updates
        .iter()
        .flat_map(|u| &u.changes)
        .map(|c| format!("{}: {} \u{2192} {}", c.field, c.before, c.after))
        .collect()
}

async fn an_update_lists_what_it_changes(db: &Db) {
    with_deliveries(db).await;
    let [line1, line2] = stored_rows();
    let edit = |row: &str| {
        row.replace("K2 batch", "K2 batch (first)")
            .replace(",1000.00,USD,", ",1200.00,USD,")
            .replace("Hyundai Rotem", "hanwha aerospace")
    };
    let rows = vec![edit(&line1), edit(&line2).replace(",K2PL,5,", ",K2PL,6,")];
    let plan = import::plan(db, "edited.csv", &file(&rows)).await.unwrap();
    assert_eq!(plan.preview.problems, vec![]);
    assert_eq!(plan.preview.updates.len(), 1);
    assert_eq!(plan.preview.updates[0].row, 2);
    let expected = vec![
        "Title: K2 batch \u{2192} K2 batch (first)",
        "Supplier: Hyundai Rotem \u{2192} Hanwha Aerospace",
        "Value: USD 1,000.00 \u{2192} USD 1,200.00",
        "Line 2: quantity: 5 \u{2192} 6",
    ];
    assert_eq!(listed_changes(&plan.preview), expected);

    // The preview page lists them with the update.
    let app = support::spawn_app(db.clone()).await;
    let preview = upload(&app, "edited.csv", file(&rows)).await;
    let (status, page) = app.get(&preview).await;
    assert_eq!(status, StatusCode::OK);
    for change in &expected {
        assert!(page.contains(change), "{change}: {page}");
    }
    // And so does the command line's dry run.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("edited.csv");
    std::fs::write(&path, file(&rows)).unwrap();
    let mut out = Vec::new();
    server::cli_transfer::import_to(db, "contracts", &path, true, &mut out)
        .await
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("row 2: update pl-1 \u{201c}K2 batch (first)\u{201d}"),
        "{out}"
    );
    for change in &expected {
        assert!(out.contains(&format!("    {change}\n")), "{change}: {out}");
    }
    assert!(out.contains("--dry-run: nothing was stored"), "{out}");

    // A line added and one (without deliveries) removed are listed as such.
    let pl2 = stored_rows().map(|row| row.replace("pl-1,", "pl-2,"));
    let plan = import::plan(db, "stored.csv", &file(&pl2)).await.unwrap();
    import::commit(db, plan).await.unwrap().unwrap();
    let rows = vec![pl2[0].clone(), pl2[0].replace(",1,K2,10,", ",3,K9,4,")];
    let plan = import::plan(db, "lines.csv", &file(&rows)).await.unwrap();
    assert_eq!(plan.preview.problems, vec![]);
    assert_eq!(
        listed_changes(&plan.preview),
        vec![
            "Line 2: K2PL \u{d7} 5 \u{2192} (removed)",
            "Line 2 (new): \u{2014} \u{2192} K9 \u{d7} 4",
        ]
    );
}

async fn refusals_after_the_check_are_placed_too(db: &Db) {
    let id = with_deliveries(db).await;
    let [line1, line2] = stored_rows();
    let retitled = vec![
        line1.replace("K2 batch", "K2 batch - first"),
        line2.replace("K2 batch", "K2 batch - first"),
    ];
    let refused = |plan: import::Plan| async move {
        let before = register_state(db).await;
        let refused = import::commit(db, plan).await.unwrap().unwrap_err();
        assert_eq!(register_state(db).await, before, "nothing stored");
        refused.problems
    };
    let one = |problems: Vec<app::transfer::Problem>, row: u64, column: &str, message: &str| {
        assert_eq!(
            place(&problems),
            vec![(row, column.to_owned())],
            "{problems:#?}"
        );
        assert!(problems[0].message.contains(message), "{problems:#?}");
    };

    // Someone saved the contract after the file was checked.
    let plan = import::plan(db, "retitled.csv", &file(&retitled))
        .await
        .unwrap();
    assert_eq!(plan.preview.problems, vec![]);
    app::storage::execute(db, "UPDATE contracts SET version = version + 1")
        .await
        .unwrap();
    one(
        refused(plan).await,
        2,
        "contract_ref",
        "Someone saved this contract",
    );
    // Checked again, the file goes in.
    let plan = import::plan(db, "retitled.csv", &file(&retitled))
        .await
        .unwrap();
    assert_eq!(
        (plan.preview.problems.len(), plan.preview.updates.len()),
        (0, 1)
    );

    // A system the file names was deleted after the check.
    let maker = app::storage::firms::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.name == "Hanwha Aerospace")
        .unwrap()
        .id;
    let system = app::storage::systems::insert(
        db,
        &app::domain::register::SystemDraft {
            designation: "Test launcher".into(),
            description: String::new(),
            category: app::domain::Category::parse("artillery").unwrap(),
            maker_id: maker,
            variant_of_id: None,
        },
    )
    .await
    .unwrap();
    let rows = vec![
        "pl-20,New launchers,PL,Hanwha Aerospace,,2024,signed,,,,1,K9,3,confirmed,,,".to_owned(),
        "pl-20,New launchers,PL,Hanwha Aerospace,,2024,signed,,,,2,Test launcher,3,confirmed,,,"
            .to_owned(),
    ];
    let plan = import::plan(db, "system.csv", &file(&rows)).await.unwrap();
    assert_eq!(plan.preview.problems, vec![]);
    let version = app::storage::systems::get(db, system)
        .await
        .unwrap()
        .unwrap()
        .version;
    app::storage::systems::delete(db, system, version)
        .await
        .unwrap();
    one(refused(plan).await, 3, "system", "system was deleted");
    let plan = import::plan(db, "system.csv", &file(&rows)).await.unwrap();
    one(plan.preview.problems, 3, "system", "No system is called");

    // The framework agreement was deleted after the check.
    let chunmoo = "Framework agreement: K239 Chunmoo / Homar-K (Korea–Poland)";
    let rows = vec![format!(
        "pl-21,Launchers,PL,Hanwha Aerospace,{chunmoo},2024,signed,,,,1,K239 Chunmoo,3,confirmed,,,"
    )];
    let plan = import::plan(db, "framework.csv", &file(&rows))
        .await
        .unwrap();
    assert_eq!(plan.preview.problems, vec![]);
    let agreement = app::storage::agreements::choices(db)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.title == chunmoo)
        .unwrap()
        .id;
    let version = app::storage::agreements::get(db, agreement)
        .await
        .unwrap()
        .unwrap()
        .version;
    app::storage::agreements::delete(db, agreement, version)
        .await
        .unwrap();
    one(refused(plan).await, 2, "agreement", "no longer exists");

    // Another import stored a contract with the same new contract_ref first.
    let first = vec!["pl-30,One,PL,,,2024,signed,,,,1,K9,3,confirmed,,,".to_owned()];
    let second = vec![
        "pl-31,Fine,PL,,,2024,signed,,,,1,K9,1,confirmed,,,".to_owned(),
        "pl-30,Two,PL,,,2024,signed,,,,1,K9,2,confirmed,,,".to_owned(),
    ];
    let one_plan = import::plan(db, "first.csv", &file(&first)).await.unwrap();
    let two_plan = import::plan(db, "second.csv", &file(&second))
        .await
        .unwrap();
    assert_eq!(two_plan.preview.creates.len(), 2);
    import::commit(db, one_plan).await.unwrap().unwrap();
    one(
        refused(two_plan).await,
        3,
        "contract_ref",
        "Another contract has this contract_ref",
    );

    // The contract was deleted after the check.
    let plan = import::plan(db, "retitled.csv", &file(&retitled))
        .await
        .unwrap();
    assert_eq!(plan.preview.problems, vec![]);
    let version = app::storage::contracts::get(db, id)
        .await
        .unwrap()
        .unwrap()
        .version;
    app::storage::contracts::delete(db, id, version)
        .await
        .unwrap();
    one(refused(plan).await, 2, "contract_ref", "was deleted");
}

async fn the_command_line_dry_run_says_the_same(db: &Db) {
    with_deliveries(db).await;
    let [line1, _] = stored_rows();
    let rows = vec![
        format!(
            "pl-8,Fine,PL,Hyundai Rotem,{FRAMEWORK},2024,signed,,,,1,K9,3,confirmed,,\"one\ntwo\",",
        ),
        format!("pl-9,Wrong buyer,CZ,Hyundai Rotem,{FRAMEWORK},2024,signed,,,,1,K9,3,confirmed,,,"),
        line1,
    ];
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("refused.csv");
    std::fs::write(&path, file(&rows)).unwrap();
    let before = register_state(db).await;
    for dry_run in [true, false] {
        let mut out = Vec::new();
        let failed = server::cli_transfer::import_to(db, "contracts", &path, dry_run, &mut out)
            .await
            .unwrap_err();
        assert!(failed.contains("nothing was stored"), "{failed}");
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains(
                "  row 3, buyer: A contract under this framework agreement has its buyer: Poland.\n"
            ),
            "dry run {dry_run}: {out}"
        );
        assert!(
            out.contains(
                "  row 4, line: Line 2 (K2PL) has 2 units delivered and is not in the file"
            ),
            "dry run {dry_run}: {out}"
        );
        assert_eq!(register_state(db).await, before);
    }
}
