//! The cross-site check, with and without JavaScript, and the security headers of the pages.

use app::domain::account::Role;
use reqwest::StatusCode;

use crate::support::{self, PASSWORD, TestApp, client, spawn_app};

test_support::on_both_backends!(
    prepare = super::spawn_app;
    cross_site_writes_are_refused_with_and_without_javascript,
    pages_carry_the_security_headers,
);

const FIRM: &str = r#"{"name":"Hanwha Aerospace","country":"KR","website":"","notes":""}"#;

async fn cross_site_writes_are_refused_with_and_without_javascript(app: &TestApp) {
    let editor = app.as_role(Role::Editor).await;
    let call = |headers: &'static [(&'static str, &'static str)]| {
        let mut request = editor
            .client
            .post(format!("{}/api/firms/create", app.base))
            .header("accept", "application/json")
            .header("content-type", "application/json")
            .body(FIRM);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };
    // JavaScript on: a server-function call from another site, by either header.
    let cross = call(&[("sec-fetch-site", "cross-site")]).await.unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = cross.json().await.unwrap();
    assert!(body.to_string().contains("CrossSite"), "{body}");
    let sibling = call(&[("sec-fetch-site", "same-site")]).await.unwrap();
    assert_eq!(
        sibling.status(),
        StatusCode::FORBIDDEN,
        "a sibling subdomain is another site"
    );
    let origin = call(&[("origin", "http://evil.example")]).await.unwrap();
    assert_eq!(origin.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.firm_count().await, 0, "nothing was stored");
    // JavaScript off: a plain form post from another site.
    let form = editor
        .client
        .post(format!("{}/firms", app.base))
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("name", "Hanwha"),
            ("country", "KR"),
            ("website", ""),
            ("notes", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::FORBIDDEN);
    assert!(
        form.text()
            .await
            .unwrap()
            .contains("came from another site")
    );
    // Sign-in from another site (login CSRF) is refused too.
    let login = client(None)
        .post(format!("{}/login", app.base))
        .header("sec-fetch-site", "cross-site")
        .form(&[("username", support::ADMIN), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.firm_count().await, 0);
    // The same requests from the app's own pages go through.
    let own = call(&[("sec-fetch-site", "same-origin")]).await.unwrap();
    assert_eq!(own.status(), StatusCode::OK);
    let host = app.base.trim_start_matches("http://").to_owned();
    let by_origin = editor
        .client
        .post(format!("{}/firms", app.base))
        .header("origin", format!("http://{host}"))
        .form(&[
            ("name", "Hyundai Rotem"),
            ("country", "KR"),
            ("website", ""),
            ("notes", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(by_origin.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.firm_count().await, 2);
}

async fn pages_carry_the_security_headers(app: &TestApp) {
    // A page with an island: only those carry scripts (the hydration script).
    let response = app
        .client
        .get(format!("{}/firms", app.base))
        .send()
        .await
        .unwrap();
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = response.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    assert!(
        csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("object-src 'none'"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    // Every inline script of the page carries this response's nonce.
    let scripts = page.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        page.matches(&format!("nonce=\"{nonce}\"")).count(),
        page.matches("<script").filter(|_| true).count() - page.matches("<script src=").count(),
        "{page}"
    );
    assert!(
        !page.contains("style=\""),
        "no inline style attributes (the CSP refuses them)"
    );
    // Another response, another nonce; the 401 page has the headers too.
    let other = app
        .client
        .get(format!("{}/contracts", app.base))
        .send()
        .await
        .unwrap();
    assert_ne!(
        other.headers()["content-security-policy"].to_str().unwrap(),
        csp
    );
    let anonymous = client(None)
        .get(format!("{}/contracts", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(anonymous.headers().contains_key("content-security-policy"));
    assert!(
        anonymous
            .text()
            .await
            .unwrap()
            .contains("/login?next=%2Fcontracts")
    );
}
