//! Preview and commit run the same checks: every refusal of the commit is in the preview, at
//! its spreadsheet row, and the command line's dry run says the same.

use app::storage::Db;
use app::transfer::import;
use reqwest::StatusCode;

use super::{contract_count, demo_without_contracts, export, file, upload};
use crate::support;

test_support::on_both_backends!(
    every_refusal_of_the_commit_is_in_the_preview,
    preview_rows_are_the_spreadsheet_rows,
    a_refused_commit_shows_its_reasons,
    an_update_lists_what_it_changes,
    refusals_after_the_check_are_placed_too,
    the_command_line_dry_run_says_the_same,
);

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
    app::storage::systems::delete(
        db,
        app::domain::SystemId(system),
        app::domain::Version(version),
    )
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
    app::storage::agreements::delete(
        db,
        app::domain::AgreementId(agreement),
        app::domain::Version(version),
    )
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
    app::storage::contracts::delete(
        db,
        app::domain::ContractId(id),
        app::domain::Version(version),
    )
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
