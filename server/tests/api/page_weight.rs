//! What a page makes the browser download, on both backends: the wasm, its JS glue and the
//! hydration script (with their preload links) go only to pages that render an island. Every
//! GET route the router serves is opened as an administrator with the demo data's ids, so a
//! new page, or an island added to a page not marked `[islands]` in its feature's
//! `page_routes!`, fails here.

use crate::security::{ids, with_demo_data};
use crate::support::TestApp;
use reqwest::{Method, StatusCode, header};
use scraper::{Html, Selector};

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    only_pages_with_an_island_load_the_wasm,
);

/// What in a page's HTML means it loads the app's code: the wasm (by any name), the JS glue,
/// and the islands' hydration script (`leptos/src/hydration/island_script.js`).
const CODE: &[&str] = &[
    ".wasm",
    "pkg/dealtracker.js",
    "__hydrateIsland",
    "modulepreload",
    "rel=\"preload\"",
    "<script type=\"module\"",
];

/// `pattern` with each `{param}` or `:param` segment filled by the first id of the record
/// kind the path starts with (`/firms/{id}/edit` → `/firms/1/edit`), or a token otherwise.
fn concrete(pattern: &str, ids: &std::collections::BTreeMap<String, i64>) -> String {
    let kind = pattern.split('/').nth(1).unwrap_or_default();
    pattern
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') || segment.starts_with(':') {
                ids.get(kind)
                    .map_or_else(|| "0123456789abcdef".to_owned(), i64::to_string)
            } else {
                segment.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `/firms/{id}/edit` and `/firms/:id/edit` alike, as `/firms/:/edit`.
fn shape(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|s| {
            if s.starts_with('{') || s.starts_with(':') {
                ":"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn only_pages_with_an_island_load_the_wasm(app: &TestApp) {
    let ids = ids(app).await;
    let routes = server::registered_routes(&app.state);
    let mut with_islands = Vec::new();
    let mut without = Vec::new();
    for (method, pattern) in &routes {
        if *method != Method::GET || pattern.starts_with("/api/") || pattern == "/logout" {
            continue;
        }
        let path = concrete(pattern, &ids);
        let response = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let html = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let body = response.text().await.unwrap();
        assert!(!status.is_server_error(), "GET {path}: {status}");
        if !html {
            // Exports, downloads, the health check: no page.
            continue;
        }
        if body.contains("<leptos-island") {
            for code in [".wasm", "pkg/dealtracker.js", "__hydrateIsland"] {
                assert!(
                    body.contains(code),
                    "GET {path} renders an island but does not load the app's code ({code} missing): \
                     mark its route `[islands]` in its feature's page_routes!"
                );
            }
            let page = Html::parse_document(&body);
            let preload = Selector::parse("head link[rel=modulepreload]").unwrap();
            assert_eq!(
                page.select(&preload).count(),
                1,
                "GET {path}: the JS glue is preloaded from the head"
            );
            with_islands.push(pattern.clone());
        } else {
            for code in CODE {
                assert!(
                    !body.contains(code),
                    "GET {path} ({status}) renders no island but loads the app's code ({code}): \
                     remove `[islands]` from its route"
                );
            }
            without.push(pattern.clone());
        }
    }
    // The firm list and the firm edit form are the islands today; every other page is HTML.
    assert!(
        with_islands.len() >= 2,
        "pages with islands: {with_islands:?}"
    );
    assert!(without.len() > 30, "pages without: {without:?}");
    // Every Leptos page was opened, and every page marked `[islands]` is one of them and has one.
    for route in app.state.routes.iter() {
        let pattern = route.path();
        assert!(
            with_islands.iter().chain(&without).any(|p| p == pattern),
            "{pattern} was not opened"
        );
    }
    for marked in app::island_pages() {
        assert!(
            with_islands.iter().any(|p| shape(p) == shape(marked)),
            "{marked} is marked [islands] but no such page renders one (seen: {with_islands:?})"
        );
    }
    // The "not found" page, rendered by the fallback, has no island and loads nothing.
    let (status, body) = app.get("/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for code in CODE {
        assert!(!body.contains(code), "the 404 page loads {code}");
    }
}
