//! Who may reach what, on both backends: every registered route, page and server function is
//! asked without a session (401), by each role below the one it needs (403) and by that role
//! (let through). The list comes from the router itself, so a new endpoint without a policy
//! fails here. Also: the cross-site check, sign-in throttling, session cookies and lifetimes,
//! the security headers, and disabled users.

use reqwest::{Method, StatusCode};

mod accounts;
mod headers;
mod routes;

async fn send(client: &reqwest::Client, base: &str, method: &Method, path: &str) -> StatusCode {
    let mut request = client.request(method.clone(), format!("{base}{path}"));
    if path.starts_with("/api/") {
        request = request
            .header("accept", "application/json")
            .header("content-type", "application/json")
            .body("{}");
    } else if *method == Method::POST {
        request = request.form(&[("x", "")]);
    }
    request.send().await.unwrap().status()
}
