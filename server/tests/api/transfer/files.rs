//! Files in and out: the round trip gives the same file, a file with problems stores nothing
//! and a fixed one goes in once, and bad files are refused with a reason.

use app::storage::Db;
use app::transfer::import;
use reqwest::StatusCode;
use test_support::Scratch;

use super::{HEADER, contract_count, demo_without_contracts, export, upload};
use crate::support;

test_support::on_both_backends!(
    a_round_trip_gives_the_same_file,
    a_file_with_problems_stores_nothing_and_a_fixed_one_goes_in_once,
    bad_files_are_refused_with_a_reason,
    a_file_plans_deliveries_and_says_where_a_plan_is_wrong,
);

/// A second empty database on the same backend as `db`.
async fn sibling(db: &Db) -> Scratch {
    match db.backend() {
        app::storage::Backend::Sqlite => Scratch::sqlite().await.unwrap(),
        app::storage::Backend::Postgres => Scratch::postgres().await.unwrap(),
    }
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
    // Deals before signature, with every field of their outlook.
    let k2pl = app::storage::systems::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.designation == "K2PL")
        .unwrap()
        .id
        .to_string();
    for outlook in [
        [
            ("title", "K2PL pipeline deal"),
            ("status", "memorandum of understanding"),
            ("likely_signed_on", "2027-03"),
            ("probability", "35"),
            ("probability_confidence", "reported"),
            ("probability_basis", "Defence24, 2026-11"),
            ("lapsed_reason", ""),
            ("line0_options", "6"),
            ("line0_exercised", ""),
            ("ident0_kind", "36(b) transmittal"),
            ("ident0_value", "26-07"),
        ],
        [
            ("title", "K2PL lapsed deal"),
            ("status", "lapsed"),
            ("likely_signed_on", "2025"),
            ("probability", "10"),
            ("probability_confidence", "estimated"),
            ("probability_basis", ""),
            (
                "lapsed_reason",
                "the buyer chose \"another\" system,\nfor now",
            ),
            ("line0_options", "2"),
            ("line0_exercised", "4"),
            ("ident0_kind", "supplier press release"),
            ("ident0_value", "https://www.hanwha.com/newsroom/a?b=1"),
        ],
    ] {
        let mut form: Vec<(String, String)> = outlook
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        for (k, v) in [
            ("buyer", "PL"),
            ("value_amount", "1000000"),
            ("value_currency", "USD"),
            ("value_confidence", "reported"),
            ("line0_quantity", "12"),
            ("line0_confidence", "reported"),
        ] {
            form.push((k.to_owned(), v.to_owned()));
        }
        form.push(("line0_system".to_owned(), k2pl.clone()));
        let saved = app::contracts::service::create_contract(
            db,
            &app::forms::EntryFields(form.into_iter().collect()),
        )
        .await
        .unwrap();
        assert!(
            matches!(saved, app::domain::FormOutcome::Saved(_)),
            "{saved:?}"
        );
    }
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
        let sep = if format == "standard" { "," } else { ";" };
        assert!(
            text.contains(
                &[
                    "memorandum of understanding",
                    "2027-03",
                    "35",
                    "reported",
                    ""
                ]
                .join(sep)
            ) && text.contains("Defence24, 2026-11"),
            "the outlook is in the file: {text}"
        );
        assert!(
            text.contains(&["12", "reported", "", "", "0", "2", "4"].join(sep))
                && text.contains(&["12", "reported", "", "", "0", "6", "0"].join(sep)),
            "options and options exercised are in the file: {text}"
        );
        assert!(
            text.contains("36(b) transmittal | 26-07")
                && text.contains("supplier press release | https://www.hanwha.com/newsroom/a?b=1"),
            "identifiers are in the file: {text}"
        );
        assert!(
            text.contains("other 1 | "),
            "sources of other figures are in the file"
        );
        assert!(
            text.contains("2022–2025 | 180 | estimated | Delivery period 2022–2025")
                && text.contains("2025-11 | 1 | reported | "),
            "delivery plans are in the file: {text}"
        );

        let preview = upload(&target, "contracts.csv", first.clone()).await;
        let (status, page) = target.get(&preview).await;
        assert_eq!(status, StatusCode::OK);
        let (created, unchanged) = if format == "standard" {
            (25, 0)
        } else {
            (0, 25)
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
                "/import?created=25&updated=0&unchanged=0"
            );
        }
        assert_eq!(contract_count(&target_db).await, 25);

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

/// The `delivery_plan` cell of a line: its periods go in with the contract, a wrong one is a
/// problem at its row and column with nothing stored, a changed one is an update the preview
/// names, and a file without the column keeps the plans.
async fn a_file_plans_deliveries_and_says_where_a_plan_is_wrong(db: &Db) {
    demo_without_contracts(db).await;
    let row = |plan: &str| {
        format!(
            "{HEADER},delivery_plan\r\npl-9,K2 batch,PL,Hyundai Rotem,,2024-03,signed,1000.00,USD,confirmed,1,K2,10,confirmed,,,,\"{plan}\"\r\n"
        )
    };
    let good = row(
        "2025 | 4 | reported | MND schedule | https://example.org/plan\n2026–2027 | 6 | estimated | MND schedule | ",
    );
    let plan = import::plan(db, "plan.csv", good.as_bytes()).await.unwrap();
    assert_eq!(plan.preview.problems, vec![]);
    import::commit(db, plan).await.unwrap().unwrap();
    let id = app::storage::scalar_i64(db, "SELECT id FROM contracts WHERE external_id = 'pl-9'")
        .await
        .unwrap();
    let stored = app::contracts::service::get_contract(db, id).await.unwrap();
    let periods: Vec<(String, i64, Option<String>)> = stored
        .plans
        .iter()
        .map(|p| (p.period.to_string(), p.units.get(), p.source.url.clone()))
        .collect();
    assert_eq!(
        periods,
        [
            ("2025".into(), 4, Some("https://example.org/plan".into())),
            ("2026–2027".into(), 6, None)
        ]
    );

    // Wrong: every plan's problem at the line's row and the delivery_plan column, nothing stored.
    let bad = row(
        "2025 | 0 | reported | MND | \nsoon | 4 | sure | | \n2026 | 2 | reported | MND | | extra",
    );
    let plan = import::plan(db, "bad.csv", bad.as_bytes()).await.unwrap();
    let messages: Vec<String> = plan
        .preview
        .problems
        .iter()
        .map(|p| format!("{} {}: {}", p.row, p.column, p.message))
        .collect();
    for expected in [
        "2 delivery_plan: Planned delivery 1: The number of units must be at least 1.",
        "2 delivery_plan: Planned delivery 2: \u{201c}soon\u{201d} is not a period",
        "2 delivery_plan: Planned delivery 2: Give the plan's source",
        "2 delivery_plan: Planned delivery 3: a planned delivery is",
    ] {
        assert!(
            messages.iter().any(|m| m.starts_with(expected)),
            "{expected:?} in {messages:#?}"
        );
    }
    assert!(import::commit(db, plan).await.unwrap().is_err());
    assert_eq!(
        app::contracts::service::get_contract(db, id).await.unwrap(),
        stored,
        "nothing stored"
    );

    // The same file again: unchanged. A changed plan: an update the preview names.
    let again = import::plan(db, "plan.csv", good.as_bytes()).await.unwrap();
    assert_eq!(again.preview.unchanged, 1);
    let changed = row(
        "2025 | 4 | reported | MND schedule | https://example.org/plan\n2027 | 6 | reported | MND schedule, revised | ",
    );
    let plan = import::plan(db, "changed.csv", changed.as_bytes())
        .await
        .unwrap();
    assert_eq!(plan.preview.updates.len(), 1);
    let change = plan.preview.updates[0]
        .changes
        .iter()
        .find(|c| c.field == "Line 1: delivery plan")
        .expect("the preview names the plan's change");
    assert_eq!(
        (change.before.as_str(), change.after.as_str()),
        ("2025: 4, 2026–2027: 6", "2025: 4, 2027: 6")
    );
    import::commit(db, plan).await.unwrap().unwrap();
    let updated = app::contracts::service::get_contract(db, id).await.unwrap();
    assert_eq!(updated.plans[1].period.to_string(), "2027");
    assert_eq!(updated.plans[1].source.title, "MND schedule, revised");

    // Without the column the plans stay as they are.
    let without = format!(
        "{HEADER}\r\npl-9,K2 batch,PL,Hyundai Rotem,,2024-03,signed,1000.00,USD,confirmed,1,K2,10,confirmed,,,\r\n"
    );
    let plan = import::plan(db, "without.csv", without.as_bytes())
        .await
        .unwrap();
    assert_eq!(plan.preview.unchanged, 1, "{:?}", plan.preview);
    import::commit(db, plan).await.unwrap().unwrap();
    assert_eq!(
        app::contracts::service::get_contract(db, id)
            .await
            .unwrap()
            .plans,
        updated.plans
    );
}
