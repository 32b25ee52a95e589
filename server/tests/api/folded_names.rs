//! Names unique regardless of case, over HTTP on both backends: firm names, system
//! designations and usernames spelled with other Unicode case or normalisation are the same
//! name (refused with the field message, on the form and through the server function), sign-in
//! takes any spelling of a username, and an import matches any spelling of a firm, system or
//! agreement.

use app::domain::account::Role;
use app::storage::Db;
use reqwest::StatusCode;
use support::TestApp;

use crate::support;

async fn with_demo_data(db: Db) -> TestApp {
    server::demo::load(&db).await.expect("demo data loads");
    support::spawn_app(db).await
}

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    firms_and_systems_are_refused_in_any_spelling,
    usernames_are_taken_and_signed_in_with_in_any_spelling,
    an_import_matches_names_in_any_spelling,
);

/// The demo data has "Bumar-Łabędy"; these are it again: in other case, and with "ę" as "e"
/// and a combining ogonek.
const BUMAR: [&str; 3] = ["BUMAR-ŁABĘDY", "bumar-łabędy", "Bumar-Łabe\u{328}dy"];

async fn maker_id(app: &TestApp) -> String {
    app::storage::firms::list(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.name == "Bumar-Łabędy")
        .expect("the demo firm")
        .id
        .to_string()
}

async fn firms_and_systems_are_refused_in_any_spelling(app: &TestApp) {
    let firms = app.firm_count().await;
    for name in BUMAR {
        let form = [
            ("name", name),
            ("country", "PL"),
            ("website", ""),
            ("notes", ""),
        ];
        let response = app.post_form("/firms", &form).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}"
        );
        assert!(
            response.text().await.unwrap().contains("already exists"),
            "{name}"
        );
        let (status, invalid) = app.call("firms/create", &form).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(invalid["Invalid"][0][0], "name", "{name}: {invalid}");
        assert!(
            invalid["Invalid"][0][1]
                .as_str()
                .unwrap()
                .contains("already exists")
        );
    }
    assert_eq!(app.firm_count().await, firms, "no spelling was stored");

    let maker = maker_id(app).await;
    let system = |designation: &'static str| {
        [
            ("designation", designation),
            ("category", "armoured vehicles"),
            ("maker_id", maker.as_str()),
        ]
    };
    app.post_saved("/systems/new", &system("Żubr-P")).await;
    for designation in ["ŻUBR-P", "Z\u{307}ubr-p", "żubr-p"] {
        let response = app.post_form("/systems/new", &system(designation)).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{designation}"
        );
        assert!(response.text().await.unwrap().contains("already exists"));
        let fields: serde_json::Map<String, serde_json::Value> = system(designation)
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
            .collect();
        let invalid: serde_json::Value = app
            .client
            .post(format!("{}/api/systems/create", app.base))
            .header("accept", "application/json")
            .json(&serde_json::json!({ "fields": fields }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            invalid["Invalid"][0][0], "designation",
            "{designation}: {invalid}"
        );
    }
    let zubr = app::storage::systems::list(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.designation.to_lowercase().contains("ubr-p"))
        .count();
    assert_eq!(zubr, 1);
}

async fn add_user(app: &TestApp, username: &str) -> reqwest::Response {
    app.post_form(
        "/users",
        &[
            ("username", username),
            ("role", "viewer"),
            ("password", support::PASSWORD),
            ("password_repeat", support::PASSWORD),
        ],
    )
    .await
}

async fn usernames_are_taken_and_signed_in_with_in_any_spelling(app: &TestApp) {
    let jamo = "\u{1112}\u{1161}\u{11ab}\u{1112}\u{116a}";
    for (stored, others) in [
        ("Łukasz", ["ŁUKASZ", "łukasz"]),
        ("Straße", ["STRASSE", "strasse"]),
        ("한화", [jamo, jamo]),
    ] {
        assert_eq!(add_user(app, stored).await.status(), StatusCode::SEE_OTHER);
        for other in others {
            let taken = add_user(app, other).await;
            assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY, "{other}");
            assert!(taken.text().await.unwrap().contains("is taken"), "{other}");
            let signed_in = app.sign_in(other, support::PASSWORD).await;
            assert!(signed_in.is_ok(), "{other} signs in as {stored}");
        }
    }
    let users = app::storage::users::count(&app.db).await.unwrap();
    assert_eq!(users, 4, "the admin and the three");
    // The trail finds a user's entries by any spelling of their name.
    support::ensure_user(&app.db, "Ärger", Role::Viewer).await;
    app.sign_in("ärger", support::PASSWORD).await.unwrap();
    let filter = app::domain::audit::AuditFilter {
        actor: Some("ÄRGER".into()),
        action: Some(app::domain::audit::AuditAction::SignIn),
        page: 1,
        ..Default::default()
    };
    let (entries, count) = app::storage::audit::list(&app.db, &filter).await.unwrap();
    assert_eq!(count, 1);
    assert_eq!(entries[0].actor, "Ärger");
}

async fn an_import_matches_names_in_any_spelling(app: &TestApp) {
    let maker = maker_id(app).await;
    app.post_saved(
        "/systems/new",
        &[
            ("designation", "Żubr-P"),
            ("category", "armoured vehicles"),
            ("maker_id", maker.as_str()),
        ],
    )
    .await;
    let file = format!(
        "title,buyer,status,supplier,agreement,line,system,quantity,quantity_confidence\r\n\
         K2PL batch,PL,signed,{},\"FRAMEWORK AGREEMENT: K2 TANKS, K9 HOWITZERS, FA-50 AIRCRAFT (KOREA–POLAND)\",1,K2PL,10,confirmed\r\n\
         Żubr-P batch,PL,signed,{},,1,Z\u{307}UBR-P,5,confirmed\r\n",
        BUMAR[0], BUMAR[2],
    );
    let plan = app::transfer::import::plan(&app.db, "contracts.csv", file.as_bytes())
        .await
        .unwrap();
    assert!(
        plan.preview.problems.is_empty(),
        "{:?}",
        plan.preview.problems
    );
    assert_eq!(plan.preview.creates.len(), 2);
    let imported = app::transfer::import::commit(&app.db, plan)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(imported.created, 2);
    let stored: Vec<(String, String, Option<String>, String)> = app::on_db!(&app.db, pool => {
        sqlx::query_as(
            "SELECT c.title, f.name, a.title, s.designation FROM contracts c \
             JOIN firms f ON f.id = c.supplier_id LEFT JOIN agreements a ON a.id = c.agreement_id \
             JOIN contract_lines l ON l.contract_id = c.id JOIN systems s ON s.id = l.system_id \
             WHERE c.title IN ('K2PL batch', 'Żubr-P batch') ORDER BY c.title",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    });
    assert_eq!(
        stored,
        [
            (
                "K2PL batch".to_owned(),
                "Bumar-Łabędy".to_owned(),
                Some(
                    "Framework agreement: K2 tanks, K9 howitzers, FA-50 aircraft (Korea–Poland)"
                        .to_owned()
                ),
                "K2PL".to_owned()
            ),
            (
                "Żubr-P batch".to_owned(),
                "Bumar-Łabędy".to_owned(),
                None,
                "Żubr-P".to_owned()
            ),
        ]
    );
}
