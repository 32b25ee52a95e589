//! Bad input, on both backends: every number field, every text field, every reference and
//! every form route and server function, found on the pages and in the route list themselves
//! (so a field or route added later is checked too). A bad value gets a message at its field
//! and nothing is stored; a request the app cannot read gets 400 in the app's own words.

use crate::support;

mod limits;

use app::storage::Db;
use reqwest::StatusCode;
use scraper::{ElementRef, Html, Selector};
use support::{TestApp, spawn_app};

async fn with_demo_data(db: Db) -> TestApp {
    server::demo::load(&db).await.expect("demo data loads");
    spawn_app(db).await
}

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    every_number_field_refuses_a_separator_it_cannot_read_for_sure,
    every_text_field_refuses_control_characters,
    a_missing_reference_is_reported_at_the_field_that_named_it,
    requests_the_app_cannot_read_get_400_in_its_own_words,
    every_list_says_what_it_ignored_in_its_address,
    every_import_cell_refuses_control_characters,
);

fn select(selector: &str) -> Selector {
    Selector::parse(selector).unwrap()
}

/// A form as a browser would submit it unchanged, with each field's element.
struct PageForm {
    action: String,
    fields: Vec<(String, String)>,
}

impl PageForm {
    fn with(&self, name: &str, value: &str) -> Vec<(String, String)> {
        self.fields
            .iter()
            .map(|(n, v)| {
                (
                    n.clone(),
                    if n == name {
                        value.to_owned()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect()
    }
}

/// The post forms of `html`, each with what it would send, and the names of its fields whose
/// element matches `wanted`.
fn post_forms(html: &Html, wanted: &Selector) -> Vec<(PageForm, Vec<String>)> {
    let mut out = Vec::new();
    for form in html.select(&select("form[method=post]")) {
        let action = form.value().attr("action").unwrap_or_default().to_owned();
        let mut fields = Vec::new();
        for element in form.select(&select("input[name], select[name], textarea[name]")) {
            let name = element.value().attr("name").unwrap().to_owned();
            let value = match element.value().name() {
                "select" => element
                    .select(&select("option[selected]"))
                    .next()
                    .or_else(|| element.select(&select("option")).next())
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or_default()
                    .to_owned(),
                "textarea" => element.text().collect(),
                _ => {
                    let kind = element.value().attr("type").unwrap_or("text");
                    if matches!(kind, "submit" | "button" | "file")
                        || (matches!(kind, "checkbox" | "radio")
                            && element.value().attr("checked").is_none())
                    {
                        continue;
                    }
                    element.value().attr("value").unwrap_or_default().to_owned()
                }
            };
            fields.push((name, value));
        }
        let chosen = form
            .select(wanted)
            .filter_map(|e| e.value().attr("name").map(str::to_owned))
            .collect();
        out.push((PageForm { action, fields }, chosen));
    }
    out
}

/// The message shown for field `name` (the element its input's `aria-describedby` names).
fn message_at(html: &Html, name: &str) -> String {
    let input = html
        .select(&select(&format!("[name=\"{name}\"]")))
        .next()
        .unwrap_or_else(|| panic!("no field {name} on the page"));
    let described: Vec<&str> = input
        .value()
        .attr("aria-describedby")
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    described
        .iter()
        .filter_map(|id| html.select(&select(&format!("[id=\"{id}\"]"))).next())
        .map(|e: ElementRef| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_owned()
}

async fn audit_entries(db: &Db) -> i64 {
    app::on_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log WHERE action IN ('create', 'update', 'delete')").fetch_one(pool).await).unwrap()
}

async fn ids(db: &Db, table: &str) -> Vec<i64> {
    let sql = format!("SELECT id FROM {table} ORDER BY id");
    app::on_db!(db, pool => sqlx::query_scalar::<_, i64>(&sql).fetch_all(pool).await).unwrap()
}

/// Every page with a form that stores something: each record's edit page, the contract pages
/// (the delivery form), the amendment forms of contracts and agreements, the rates and firms
/// pages, the users page.
async fn form_pages(app: &TestApp) -> Vec<String> {
    let mut pages = vec![
        "/rates".to_owned(),
        "/firms".to_owned(),
        "/users".to_owned(),
    ];
    for id in ids(&app.db, "contracts").await.into_iter().take(8) {
        pages.push(format!("/contracts/{id}/edit"));
        pages.push(format!("/contracts/{id}"));
        pages.push(format!("/contracts/{id}/amend"));
        pages.push(format!("/contracts/{id}/plan"));
    }
    for id in ids(&app.db, "agreements").await {
        pages.push(format!("/agreements/{id}/edit"));
        pages.push(format!("/agreements/{id}/amend"));
    }
    for id in ids(&app.db, "systems").await.into_iter().take(5) {
        pages.push(format!("/systems/{id}/edit"));
    }
    for id in ids(&app.db, "firms").await.into_iter().take(3) {
        pages.push(format!("/firms/{id}/edit"));
    }
    for id in ids(&app.db, "exchange_rates").await.into_iter().take(3) {
        pages.push(format!("/rates/{id}"));
    }
    pages
}

/// Each of `needed` (a field name) is among the `checked` "page field" pairs: the walk found
/// the fields the issue names, so it cannot pass by finding none.
fn assert_checked(checked: &[String], needed: &[&str]) {
    for name in needed {
        assert!(
            checked.iter().any(|c| c.ends_with(&format!(" {name}"))),
            "{name} was checked"
        );
    }
}

/// Posts `fields` to `action` and answers the status and the page.
async fn post(app: &TestApp, action: &str, fields: &[(String, String)]) -> (StatusCode, Html) {
    let response = app
        .client
        .post(format!("{}{action}", app.base))
        .header("accept", "text/html")
        .form(fields)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (
        status,
        Html::parse_document(&response.text().await.unwrap()),
    )
}

async fn every_number_field_refuses_a_separator_it_cannot_read_for_sure(app: &TestApp) {
    let numbers = select("input[inputmode=decimal], input[name=units]");
    let mut checked = Vec::new();
    for page in form_pages(app).await {
        let (_, body) = app.get(&page).await;
        let html = Html::parse_document(&body);
        for (form, names) in post_forms(&html, &numbers) {
            for name in names {
                let filled = form.fields.iter().any(|(n, v)| n == &name && !v.is_empty());
                // Empty rows of an edit form and the empty delivery form: fill the row's
                // number only where the rest of the form is a record (a value of its own). An
                // amendment's every number is a change on its own.
                if !filled && name != "units" && !form.action.ends_with("/amend") {
                    continue;
                }
                for typed in ["1234,56", "1.234,56", "2,5"] {
                    let before = audit_entries(&app.db).await;
                    let (status, page_after) =
                        post(app, &form.action, &form.with(&name, typed)).await;
                    assert_eq!(
                        status,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "{page}: {name}={typed} to {}",
                        form.action
                    );
                    let message = message_at(&page_after, &name);
                    assert!(
                        message.contains("point") || message.contains("whole number"),
                        "{page}: {name}={typed} shows {message:?} at the field"
                    );
                    assert_eq!(
                        audit_entries(&app.db).await,
                        before,
                        "{page}: {name}={typed} stored something"
                    );
                }
                checked.push(format!("{page} {name}"));
            }
        }
    }
    assert_checked(
        &checked,
        &[
            "value_amount",
            "line0_value",
            "alt0_amount",
            "line0_quantity",
            "usd_per_unit",
            "units",
            "value_change",
            "line0_units",
            "plan0_units",
        ],
    );
}

async fn every_text_field_refuses_control_characters(app: &TestApp) {
    let texts = select(
        "input[type=text]:not([inputmode]), input[inputmode=url], input:not([type]), textarea",
    );
    let mut checked = Vec::new();
    for page in form_pages(app).await {
        let (_, body) = app.get(&page).await;
        let html = Html::parse_document(&body);
        for (form, names) in post_forms(&html, &texts) {
            for name in names {
                let current = form
                    .fields
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                // Text rows of an edit form that hold nothing stay blank (a blank row is no row).
                if current.is_empty()
                    && checked
                        .iter()
                        .any(|c: &String| c.ends_with(&format!(" {name}")))
                {
                    continue;
                }
                let before = audit_entries(&app.db).await;
                let typed = format!("{current}a\u{0}b");
                let (status, after) = post(app, &form.action, &form.with(&name, &typed)).await;
                assert!(
                    status == StatusCode::UNPROCESSABLE_ENTITY,
                    "{page}: {name} with a NUL to {} answered {status}",
                    form.action
                );
                let message = message_at(&after, &name);
                assert!(!message.is_empty(), "{page}: no message at {name}");
                assert_eq!(
                    audit_entries(&app.db).await,
                    before,
                    "{page}: {name} with a NUL stored something"
                );
                checked.push(format!("{page} {name}"));
            }
        }
    }
    assert_checked(
        &checked,
        &[
            "title",
            "agency",
            "notes",
            "designation",
            "description",
            "name",
            "website",
            "source",
            "line0_notes",
            "reason",
            "ident0_value",
            "plan0_period",
            "plan0_source",
            "plan0_url",
            "source0_title",
            "source0_publisher",
            "username",
        ],
    );
}

async fn a_missing_reference_is_reported_at_the_field_that_named_it(app: &TestApp) {
    // Selects whose options are record ids: suppliers, frameworks, systems, makers, bases.
    let references = select("select[name]");
    let mut checked = Vec::new();
    for page in form_pages(app).await {
        if page.starts_with("/users") || page == "/rates" {
            continue;
        }
        let (_, body) = app.get(&page).await;
        let html = Html::parse_document(&body);
        for (form, names) in post_forms(&html, &references) {
            for name in names {
                let by_id = html
                    .select(&select(&format!("select[name=\"{name}\"] option[value]")))
                    .filter_map(|o| o.value().attr("value"))
                    .filter(|v| !v.is_empty())
                    .all(|v| v.parse::<i64>().is_ok());
                let filled = form.fields.iter().any(|(n, v)| n == &name && !v.is_empty());
                if !by_id || !filled || name == "line_id" {
                    continue;
                }
                let before = audit_entries(&app.db).await;
                let (status, after) = post(app, &form.action, &form.with(&name, "999999")).await;
                assert_eq!(
                    status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{page}: {name}=999999"
                );
                let message = message_at(&after, &name);
                assert!(
                    message.contains("no longer exists"),
                    "{page}: {name}=999999 shows {message:?} at the field"
                );
                assert_eq!(audit_entries(&app.db).await, before);
                checked.push(format!("{page} {name}"));
            }
        }
    }
    assert_checked(
        &checked,
        &[
            "supplier_id",
            "agreement_id",
            "line0_system",
            "supplier0_id",
            "maker_id",
        ],
    );
}

/// Words of the libraries behind the forms and server functions, never shown to a user.
const LIBRARY_WORDS: &[&str] = &[
    "deserialize",
    "Failed to",
    "serde",
    "invalid digit",
    "expected",
    "missing field",
    "EOF",
];

async fn requests_the_app_cannot_read_get_400_in_its_own_words(app: &TestApp) {
    let forms = server::form_policy();
    let mut checked = 0;
    for (method, pattern, _) in &forms {
        if *method != reqwest::Method::POST
            || pattern.starts_with("/import")
            || *pattern == "/logout"
        {
            continue;
        }
        let path = pattern
            .replace("{id}", "1")
            .replace("{amendment}", "1")
            .replace("{token}", "0123456789abcdef");
        for (body, what) in [
            (
                "version=abc&id=x&units=&line_id=q",
                "fields of the wrong kind",
            ),
            (
                "name=%FF%FE&title=%C3%28&notes=ok",
                "text that is not UTF-8",
            ),
            ("", "no fields"),
        ] {
            let response = app
                .client
                .post(format!("{}{path}", app.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "text/html")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let text = response.text().await.unwrap();
            assert!(
                !status.is_server_error(),
                "POST {path} with {what} answered {status}: {text}"
            );
            for word in LIBRARY_WORDS {
                assert!(
                    !text.contains(word),
                    "POST {path} with {what} shows {word:?}: {text}"
                );
            }
            if what == "text that is not UTF-8" {
                assert_eq!(status, StatusCode::BAD_REQUEST, "POST {path} with {what}");
                assert!(text.contains("UTF-8"), "POST {path}: {text}");
            }
            checked += 1;
        }
    }
    assert!(checked > 40, "{checked}");
    // Server functions: JSON that does not parse, and arguments of the wrong kind.
    let mut functions = 0;
    for (path, method) in server_fn::axum::server_fn_paths() {
        if method != reqwest::Method::POST {
            continue;
        }
        for body in ["{", r#"{"id":"abc","version":"x","fields":7}"#, "\u{0}"] {
            let response = app
                .client
                .post(format!("{}{path}", app.base))
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let text = response.text().await.unwrap();
            if status.is_success() {
                // A function whose arguments all have defaults may read `{...}` as a call.
                continue;
            }
            assert_eq!(
                status,
                StatusCode::BAD_REQUEST,
                "{path} with {body:?}: {text}"
            );
            let error: app::error::AppError = serde_json::from_str(&text)
                .unwrap_or_else(|_| panic!("{path} answers the app's JSON error: {text}"));
            for word in LIBRARY_WORDS {
                assert!(!error.to_string().contains(word), "{path}: {error}");
            }
        }
        functions += 1;
    }
    assert!(functions > 20, "{functions}");
}

async fn every_list_says_what_it_ignored_in_its_address(app: &TestApp) {
    let mut checked = Vec::new();
    for route in &app.state.routes {
        let path = route.path();
        if path.contains('{') || path.contains(':') {
            continue;
        }
        let (status, body) = app.get(path).await;
        if status != StatusCode::OK {
            continue;
        }
        let html = Html::parse_document(&body);
        let searched = html
            .select(&select(
                "form[method=get] input[name=q], form[method=get] input[name=actor]",
            ))
            .next()
            .and_then(|input| input.value().attr("name"));
        if let Some(name) = searched {
            let (status, page) = app.get(&format!("{path}?{name}=a%00b")).await;
            assert!(
                !status.is_server_error() && page.contains("Ignored in the address"),
                "{path}?{name}=a%00b answered {status}"
            );
            checked.push(format!("{path} {name}"));
        }
        // The list's own filter form (a GET form to the page itself).
        for form in html.select(&select("form[method=get]")) {
            if form.value().attr("action") != Some(path) {
                continue;
            }
            for element in form.select(&select("select[name], input[type=number][name]")) {
                let name = element.value().attr("name").unwrap();
                let (_, page) = app.get(&format!("{path}?{name}=nonsense%20value")).await;
                assert!(
                    page.contains("Ignored in the address") && page.contains(name),
                    "{path}?{name}=nonsense does not say it was ignored"
                );
                checked.push(format!("{path} {name}"));
            }
        }
    }
    for needed in [
        "/deliveries buyer",
        "/contracts buyer",
        "/agreements buyer",
        "/systems category",
        "/summary buyer",
        "/audit kind",
    ] {
        assert!(checked.iter().any(|c| c == needed), "{needed} was checked");
    }
}

/// The contract export read back with a NUL in one cell of its first row: every column the
/// import reads refuses it at that row and column (a control character is no name, code,
/// number or text), and the read-only ones are skipped as the README says.
async fn every_import_cell_refuses_control_characters(app: &TestApp) {
    const READ_ONLY: &[&str] = &[
        "buyer_name",
        "category",
        "usd_value",
        "usd_rate",
        "usd_rate_date",
        "delivered",
    ];
    let (status, exported) = app.get("/export/contracts").await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(exported.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut checked = 0;
    for (index, column) in header.iter().enumerate() {
        if READ_ONLY.contains(&column.as_str()) {
            continue;
        }
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&header).unwrap();
        for (n, row) in rows.iter().enumerate() {
            let mut cells: Vec<String> = row.iter().map(str::to_owned).collect();
            if n == 0 {
                cells[index] = format!("{}\u{0}x", cells[index]);
            }
            writer.write_record(&cells).unwrap();
        }
        let file = writer.into_inner().unwrap();
        let plan = app::transfer::import::plan(&app.db, "nul.csv", &file)
            .await
            .unwrap_or_else(|error| panic!("a NUL in {column}: {error}"));
        assert!(
            plan.preview
                .problems
                .iter()
                .any(|p| p.row == 2 && p.column == *column),
            "a NUL in {column} on row 2: {:#?}",
            plan.preview.problems
        );
        checked += 1;
    }
    assert!(checked >= 20, "{checked} columns");
}
