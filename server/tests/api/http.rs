//! The server over real HTTP, on both backends: plain form posts (JavaScript off), server
//! functions (JavaScript on), status codes, and what an internal error may show.

use crate::support;

use reqwest::StatusCode;
use support::{TestApp, spawn_app};

fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

const HANWHA: &[(&str, &str)] = &[
    ("name", "Hanwha Aerospace"),
    ("country", "KR"),
    ("website", "hanwhaaerospace.com"),
    ("notes", "K9"),
];

test_support::on_both_backends!(
    prepare = super::spawn_app;
    health_check_reports_the_database,
    plain_form_post_creates_a_firm_and_redirects,
    plain_form_post_with_bad_input_shows_messages_and_stores_nothing,
    server_functions_return_outcomes_as_values,
    edit_conflict_keeps_both_changes,
    delete_asks_first_then_deletes_the_version_shown,
    missing_pages_answer_404,
    internal_errors_show_a_reference_not_database_text,
    responses_are_compressed_and_carry_a_request_id,
);

async fn health_check_reports_the_database(app: &TestApp) {
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["status"], "ok");
    let expected = match app.db.backend() {
        app::storage::Backend::Sqlite => "sqlite",
        app::storage::Backend::Postgres => "postgres",
    };
    assert_eq!(body["database"], expected);

    app.db.close().await;
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("unavailable"));
}

async fn plain_form_post_creates_a_firm_and_redirects(app: &TestApp) {
    let response = app.post_form("/firms", HANWHA).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let target = location(&response).to_owned();
    assert!(target.starts_with("/firms?created="), "{target}");

    let (status, page) = app.get(&target).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Added “Hanwha Aerospace”."),
        "the list page confirms the save"
    );
    assert!(page.contains(">Hanwha Aerospace</a>"));
    assert!(page.contains("hanwhaaerospace.com"));
    assert_eq!(app.firm_count().await, 1);
}

async fn plain_form_post_with_bad_input_shows_messages_and_stores_nothing(app: &TestApp) {
    let response = app
        .post_form(
            "/firms",
            &[
                ("name", "Hyundai Rotem"),
                ("country", "XX"),
                ("website", "not a url"),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("“XX” is not an ISO 3166-1 country code."));
    assert!(page.contains("“not a url” is not a web address"));
    assert!(
        page.contains(r#"value="Hyundai Rotem""#),
        "what the user typed is kept"
    );
    assert_eq!(app.firm_count().await, 0);

    app.post_form("/firms", HANWHA).await;
    let response = app
        .post_form(
            "/firms",
            &[
                ("name", "HANWHA AEROSPACE"),
                ("country", "KR"),
                ("website", ""),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("already exists"));
    assert_eq!(app.firm_count().await, 1);
}

async fn server_functions_return_outcomes_as_values(app: &TestApp) {
    let (status, saved) = app.call("firms/create", HANWHA).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(saved["Saved"]["name"], "Hanwha Aerospace");
    assert_eq!(saved["Saved"]["website"], "https://hanwhaaerospace.com/");

    let (status, invalid) = app.call("firms/create", HANWHA).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "an expected failure is a value, not an error"
    );
    assert!(
        invalid["Invalid"][0][1]
            .as_str()
            .unwrap()
            .contains("already exists")
    );
    assert_eq!(invalid["Invalid"][0][0], "name");

    let id = saved["Saved"]["id"].as_i64().unwrap().to_string();
    let response = app
        .client
        .get(format!("{}/api/firms/get?id={id}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = app
        .client
        .get(format!("{}/api/firms/get?id=999999", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

async fn edit_conflict_keeps_both_changes(app: &TestApp) {
    let (_, saved) = app.call("firms/create", HANWHA).await;
    let id = saved["Saved"]["id"].as_i64().unwrap().to_string();
    let edit = format!("/firms/{id}/edit");

    // Two people opened the form at version 1. The first save wins...
    let first = app
        .post_form(
            &edit,
            &[
                ("id", &id),
                ("version", "1"),
                ("name", "Hanwha Aerospace"),
                ("country", "KR"),
                ("website", ""),
                ("notes", "first editor"),
            ],
        )
        .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&first), format!("{edit}?saved=1"));

    // ...the second is not written over it: the page shows their version and keeps yours.
    let second = app
        .post_form(
            &edit,
            &[
                ("id", &id),
                ("version", "1"),
                ("name", "Hanwha Aerospace"),
                ("country", "KR"),
                ("website", ""),
                ("notes", "second editor"),
            ],
        )
        .await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    let page = second.text().await.unwrap();
    assert!(page.contains("someone else changed this firm"));
    assert!(page.contains("first editor"), "their change is shown");
    assert!(
        page.contains("second editor"),
        "your change is still in the form"
    );
    assert!(
        page.contains(r#"name="version" value="2""#),
        "saving again is against their version"
    );
    let stored = app::storage::firms::get(&app.db, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.notes, "first editor");
}

async fn delete_asks_first_then_deletes_the_version_shown(app: &TestApp) {
    let (_, saved) = app.call("firms/create", HANWHA).await;
    let id = saved["Saved"]["id"].as_i64().unwrap();

    let (status, page) = app.get(&format!("/firms/{id}/delete")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Delete “Hanwha Aerospace”?"));
    assert!(page.contains("cannot be undone"));
    assert_eq!(
        app.firm_count().await,
        1,
        "showing the confirmation deletes nothing"
    );

    let stale = app
        .post_form(&format!("/firms/{id}/delete"), &[("version", "7")])
        .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert_eq!(app.firm_count().await, 1);

    let done = app
        .post_form(&format!("/firms/{id}/delete"), &[("version", "1")])
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/firms?deleted=Hanwha+Aerospace");
    assert_eq!(app.firm_count().await, 0);
    let (_, list) = app.get(location(&done)).await;
    assert!(list.contains("Deleted “Hanwha Aerospace”."));
    assert!(
        list.contains("No firms yet."),
        "the empty list says what to do"
    );
}

async fn missing_pages_answer_404(app: &TestApp) {
    for path in [
        "/no-such-page",
        "/firms/999999",
        "/firms/not-a-number",
        "/firms/999999/edit",
    ] {
        let (status, page) = app.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.contains("Page not found"), "{path}");
    }
}

async fn internal_errors_show_a_reference_not_database_text(app: &TestApp) {
    app::on_db!(&app.db, pool => { sqlx::query("ALTER TABLE firms RENAME TO firms_gone").execute(pool).await.unwrap(); });

    let (status, page) = app.get("/firms").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page.contains("Something went wrong on our side"));
    assert!(page.contains("reference"));
    for leak in [
        "no such table",
        "relation \"firms\"",
        "does not exist",
        "sqlx",
        "SELECT",
    ] {
        assert!(!page.contains(leak), "the page leaks {leak:?}");
    }

    let (status, body) = app.call("firms/create", HANWHA).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body["Internal"]["reference"].is_string(), "{body}");
    assert!(!body.to_string().contains("table"));
}

async fn responses_are_compressed_and_carry_a_request_id(app: &TestApp) {
    let response = app
        .client
        .get(format!("{}/firms", app.base))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let request_id = response.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(request_id.len(), 36, "a UUID: {request_id}");
}
