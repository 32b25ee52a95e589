//! Every free-text field's `maxlength` is the limit the server keeps: the browser and the
//! server read the same constants (`domain/limits.rs`), and this walks every form to hold them
//! to it.

use super::{
    TestApp, assert_checked, audit_entries, form_pages, message_at, post, post_forms, select,
    with_demo_data,
};
use reqwest::StatusCode;
use scraper::Html;

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    every_text_fields_maxlength_is_the_limit_the_server_keeps,
);

async fn every_text_fields_maxlength_is_the_limit_the_server_keeps(app: &TestApp) {
    // Free text only: numbers, dates and addresses have their own readings, which refuse a run
    // of letters before its length.
    let texts = select(
        "input[type=text][maxlength]:not([inputmode]), input[maxlength]:not([type]), textarea[maxlength]",
    );
    let mut checked = Vec::new();
    for page in form_pages(app).await {
        let (_, body) = app.get(&page).await;
        let html = Html::parse_document(&body);
        for (form, names) in post_forms(&html, &texts) {
            for name in names {
                // Dates (YYYY-MM-DD) are read as dates, which refuses a run of letters first.
                let date = name.ends_with("date") || name.ends_with("_on");
                if date
                    || checked
                        .iter()
                        .any(|c: &String| c.ends_with(&format!(" {name}")))
                {
                    continue;
                }
                let element = html
                    .select(&select(&format!(
                        "form[action=\"{}\"] [name=\"{name}\"]",
                        form.action
                    )))
                    .next()
                    .unwrap();
                let max: usize = element
                    .value()
                    .attr("maxlength")
                    .and_then(|m| m.parse().ok())
                    .unwrap_or_else(|| panic!("{page}: {name} has a maxlength"));
                let before = audit_entries(&app.db).await;
                let (status, after) =
                    post(app, &form.action, &form.with(&name, &"x".repeat(max + 1))).await;
                assert_eq!(
                    status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{page}: {name} one over its maxlength {max} to {}",
                    form.action
                );
                let message = message_at(&after, &name);
                assert!(
                    message.contains(&format!("at most {max} characters")),
                    "{page}: {name} one over its maxlength {max} shows {message:?}"
                );
                assert_eq!(
                    audit_entries(&app.db).await,
                    before,
                    "{page}: {name} stored"
                );
                let (status, at_limit) =
                    post(app, &form.action, &form.with(&name, &"x".repeat(max))).await;
                // Saved (303), or refused for something else than this field's length.
                if !status.is_redirection() {
                    let message = message_at(&at_limit, &name);
                    assert!(
                        !message.contains("at most"),
                        "{page}: {name} at its maxlength {max} is refused for its length: {message:?}"
                    );
                }
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
            "delivery_period",
            "local_production",
            "reason",
            "ident0_value",
            "name",
            "source",
            "value_basis",
            "line0_notes",
            "source0_title",
            "source0_publisher",
            "alt0_basis",
        ],
    );
}
