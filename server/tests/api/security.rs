//! Hostile input against the pages, on both backends: record names that try to end the
//! document's `<title>`, sign-in targets that try to leave the site, and forms or links a role
//! cannot use. Each test walks the registered routes, so a new page is checked as it is added.

use crate::support;

use app::domain::account::Role;
use app::storage::Db;
use reqwest::{Method, StatusCode};
use scraper::{Html, Selector};
use server::auth::policy::{self, Access};
use support::{PASSWORD, TestApp, client, spawn_app};

pub(crate) async fn with_demo_data(db: Db) -> TestApp {
    server::demo::load(&db).await.expect("demo data loads");
    spawn_app(db).await
}

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    record_names_stay_text_in_the_head,
    sign_in_returns_only_to_this_site,
    pages_offer_only_what_the_role_may_use,
);

/// Ends the title, adds a redirecting `<meta>` and a script, and opens a title again.
/// Short enough for every name column (a system designation takes 100 characters).
const HOSTILE: &str = "X</title><meta http-equiv=\"refresh\" content=\"0;url=//e.x\"><script id=\"injected\">1</script><title>";

/// The record kinds whose name a page title shows, with the table and column of that name.
const NAMED: &[(&str, &str, &str)] = &[
    ("contracts", "contracts", "title"),
    ("agreements", "agreements", "title"),
    ("firms", "firms", "name"),
    ("systems", "systems", "designation"),
];

async fn first_id(db: &Db, table: &str) -> i64 {
    let sql = format!("SELECT min(id) FROM {table}");
    app::on_db!(db, pool => sqlx::query_scalar::<_, i64>(&sql).fetch_one(pool).await).unwrap()
}

/// The GET pages of the app (Leptos routes, not server functions, exports or downloads), as
/// registered, with `{id}`-like segments filled by `fill(kind)` where `kind` is the first
/// segment (`contracts` for `/contracts/{id}/edit`).
async fn pages(app: &TestApp, fill: impl Fn(&str) -> String) -> Vec<String> {
    app.state
        .routes
        .iter()
        .map(|route| route.path().to_owned())
        .map(|pattern| {
            let kind = pattern.split('/').nth(1).unwrap_or_default().to_owned();
            pattern
                .split('/')
                .map(|segment| {
                    if segment.starts_with('{') || segment.starts_with(':') {
                        fill(&kind)
                    } else {
                        segment.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

/// The first id of each record kind in the demo data, by a page's first path segment.
pub(crate) async fn ids(app: &TestApp) -> std::collections::BTreeMap<String, i64> {
    let mut ids = std::collections::BTreeMap::new();
    for table in [
        "contracts",
        "agreements",
        "firms",
        "systems",
        "exchange_rates",
        "users",
    ] {
        let kind = if table == "exchange_rates" {
            "rates"
        } else {
            table
        };
        ids.insert(kind.to_owned(), first_id(&app.db, table).await);
    }
    ids
}

fn one(selector: &str) -> Selector {
    Selector::parse(selector).unwrap()
}

async fn record_names_stay_text_in_the_head(app: &TestApp) {
    let ids = ids(app).await;
    for (kind, table, column) in NAMED {
        let name = HOSTILE;
        let sql = format!("UPDATE {table} SET {column} = $1 WHERE id = $2");
        let id = ids[*kind];
        app::on_db!(&app.db, pool => sqlx::query(&sql).bind(name).bind(id).execute(pool).await.map(|_| ()))
            .unwrap();
    }
    let pages = pages(app, |kind| {
        ids.get(kind)
            .map_or_else(|| "0123456789abcdef".to_owned(), i64::to_string)
    })
    .await;
    assert!(pages.len() > 30, "{pages:?}");
    let mut titled = Vec::new();
    for path in &pages {
        let (status, body) = app.get(path).await;
        assert!(!status.is_server_error(), "GET {path}: {status}");
        let page = Html::parse_document(&body);
        // Charts' SVG elements have titles of their own (their accessible names).
        let in_svg = |element: &scraper::ElementRef| {
            element
                .ancestors()
                .filter_map(scraper::ElementRef::wrap)
                .any(|a| a.value().name() == "svg")
        };
        let titles: Vec<String> = page
            .select(&one("title"))
            .filter(|t| !in_svg(t))
            .map(|t| t.text().collect())
            .collect();
        assert_eq!(titles.len(), 1, "GET {path}: one <title>, got {titles:?}");
        assert_eq!(
            page.select(&one("head > title")).count(),
            1,
            "GET {path}: the document's <title> is in the head"
        );
        assert_eq!(
            page.select(&one("meta[http-equiv]")).count(),
            0,
            "GET {path}: a <meta http-equiv> was injected"
        );
        assert_eq!(
            page.select(&one("#injected")).count(),
            0,
            "GET {path}: a <script> was injected"
        );
        if titles[0].contains(HOSTILE) {
            titled.push(path.clone());
        }
    }
    // The names did reach the head, as text: each kind's record, edit and delete pages.
    for (kind, _, _) in NAMED {
        let id = ids[*kind];
        for page in [
            format!("/{kind}/{id}"),
            format!("/{kind}/{id}/edit"),
            format!("/{kind}/{id}/delete"),
        ] {
            assert!(
                titled.contains(&page),
                "{page} shows the record's name in its title: {titled:?}"
            );
        }
    }
}

async fn sign_in_returns_only_to_this_site(app: &TestApp) {
    let site = url::Url::parse(&app.base).unwrap();
    let hostile = [
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/ /evil.example",
        "/\r\n/evil.example",
        "/x\r\nSet-Cookie: a=b",
        "https://evil.example/",
        "http:/evil.example",
        "javascript:alert(1)",
        "",
    ];
    // One user per attempt: sign-in throttling counts attempts per username.
    for (n, next) in hostile.into_iter().enumerate() {
        let username = format!("returning-{n}");
        support::ensure_user(&app.db, &username, Role::Viewer).await;
        let response = client(None)
            .post(format!("{}/login", app.base))
            .form(&[
                ("username", username.as_str()),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "next={next:?}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let target = site.join(&location).unwrap();
        assert_eq!(
            target.origin(),
            site.origin(),
            "next={next:?} sent the browser to {location:?}"
        );
        // The sign-in page echoes only such a target too.
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("next", next)
            .finish();
        let (status, body) = app.get(&format!("/login?{query}")).await;
        assert_eq!(status, StatusCode::OK);
        let page = Html::parse_document(&body);
        let echoed = page
            .select(&one("input[name=next]"))
            .next()
            .and_then(|input| input.value().attr("value"))
            .unwrap()
            .to_owned();
        assert_eq!(
            site.join(&echoed).unwrap().origin(),
            site.origin(),
            "the sign-in page for next={next:?} carries {echoed:?}"
        );
    }
    // A target on this site is kept, with its query.
    let response = client(None)
        .post(format!("{}/login", app.base))
        .form(&[
            ("username", "returning-0"),
            ("password", PASSWORD),
            ("next", "/contracts?buyer=PL&page=2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/contracts?buyer=PL&page=2");
}

/// Whether a registered route pattern (`/contracts/{id}/edit`) matches a concrete path.
fn matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    pattern.len() == path.len()
        && pattern
            .iter()
            .zip(&path)
            .all(|(p, s)| p == s || ((p.starts_with('{') || p.starts_with(':')) && !s.is_empty()))
}

/// The rule for `method path`, found as the router would: the registered route it matches
/// (literal segments before parameters, as the router prefers them).
fn rule(routes: &[(Method, String)], method: &Method, path: &str) -> Access {
    let forms = server::form_policy();
    let mut candidates: Vec<&String> = routes
        .iter()
        .filter(|(m, p)| {
            (m == method || *m == Method::GET && *method == Method::HEAD) && matches(p, path)
        })
        .map(|(_, p)| p)
        .collect();
    candidates.sort_by_key(|p| p.matches('{').count() + p.matches(':').count());
    policy::required(method, candidates.first().map(|p| p.as_str()), path, &forms)
}

async fn pages_offer_only_what_the_role_may_use(app: &TestApp) {
    let routes = server::registered_routes(&app.state);
    let ids = ids(app).await;
    let pages = pages(app, |kind| {
        ids.get(kind)
            .map_or_else(|| "0123456789abcdef".to_owned(), i64::to_string)
    })
    .await;
    let forms = one("form");
    let links = one("a[href]");
    for role in [Role::Viewer, Role::Editor] {
        let user = app.as_role(role).await;
        let mut seen = 0;
        for path in &pages {
            // Pages this role may not open answer 403, with no form on them.
            let (status, body) = user.get(path).await;
            assert!(!status.is_server_error(), "GET {path} as {role}: {status}");
            let page = Html::parse_document(&body);
            for form in page.select(&forms) {
                let method = form.value().attr("method").unwrap_or("get").to_uppercase();
                let action = form.value().attr("action").unwrap_or(path);
                let action = action.split('?').next().unwrap_or_default();
                let method = Method::from_bytes(method.as_bytes()).unwrap();
                if let Access::Role(needed) = rule(&routes, &method, action) {
                    assert!(
                        role >= needed,
                        "GET {path} shows {role} a form to {method} {action}, which needs {needed}"
                    );
                }
                seen += 1;
            }
            for link in page.select(&links) {
                let href = link.value().attr("href").unwrap_or_default();
                if !href.starts_with('/') || href.starts_with("//") {
                    continue;
                }
                let target = href.split(['?', '#']).next().unwrap_or_default();
                if let Access::Role(needed) = rule(&routes, &Method::GET, target) {
                    assert!(
                        role >= needed,
                        "GET {path} shows {role} a link to {href}, which needs {needed}"
                    );
                }
            }
        }
        assert!(seen > 20, "only {seen} forms seen as {role}");
    }
}
