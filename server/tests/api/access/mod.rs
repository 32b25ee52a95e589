//! Who may reach what, on both backends: every registered route, page and server function is
//! asked without a session (401), by each role below the one it needs (403) and by that role
//! (let through). The list comes from the router itself, so a new endpoint without a policy
//! fails here. Also: the cross-site check, sign-in throttling, session cookies and lifetimes,
//! the security headers, and disabled users.

use crate::support;

use app::domain::account::Role;
use reqwest::{Method, StatusCode};
use server::auth::policy::{self, Access};
use support::{PASSWORD, TestApp, client, spawn_app, spawn_app_with};

test_support::on_both_backends!(
    prepare = super::spawn_app;
    every_endpoint_answers_each_role_as_its_policy_says,
    cross_site_writes_are_refused_with_and_without_javascript,
    sign_in_is_throttled_and_says_the_same_whatever_was_wrong,
    sessions_are_host_cookies_renewed_at_sign_in_and_end_when_access_changes,
    pages_carry_the_security_headers,
    the_last_admin_cannot_be_disabled_or_demoted,
);

/// The concrete request for a registered `(method, pattern)`: parameters filled in.
fn concrete(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') || segment.starts_with(':') {
                match segment.trim_matches(|c| "{}:".contains(c)) {
                    "token" => "0123456789abcdef",
                    _ => "1",
                }
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Other spellings of `path` that a path-keyed rule could miss: an extension, a trailing
/// slash or dot segment, doubled and encoded slashes, a matrix parameter, another case.
fn variants(path: &str) -> Vec<String> {
    let mut out = vec![
        format!("{path}.csv"),
        format!("{path}.json"),
        format!("{path}/"),
        format!("{path}/."),
        format!("{path}%2F"),
        format!("{path};x"),
        format!("/{path}"),
        path.replacen('/', "//", 1),
        path.replace('/', "%2F").replacen("%2F", "/", 1),
        path.to_uppercase(),
    ];
    if let Some((head, last)) = path.rsplit_once('/') {
        out.push(format!("{head}/./{last}"));
        out.push(format!("{head}/x/../{last}"));
    }
    out.retain(|variant| variant != path);
    out
}

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

async fn every_endpoint_answers_each_role_as_its_policy_says(app: &TestApp) {
    let mut routes = server::registered_routes(&app.state);
    // Signing out ends the walkers' sessions: last.
    routes.sort_by_key(|(_, path)| path == "/logout");
    let forms = server::form_policy();
    let server_fns: Vec<_> = routes
        .iter()
        .filter(|(_, p)| p.starts_with("/api/"))
        .collect();
    assert!(
        server_fns.len() >= 39,
        "every server function is registered: {server_fns:?}"
    );
    let anonymous = client(None);
    let mut clients = Vec::new();
    for role in Role::ALL {
        clients.push((role, app.as_role(role).await.client));
    }
    let mut checked = 0;
    for (method, pattern) in &routes {
        {
            let method = method.clone();
            let path = concrete(pattern);
            let access = policy::required(&method, Some(pattern), &path, &forms);
            assert_ne!(
                access,
                Access::Unlisted,
                "{method} {path} is registered but in no policy: add it to server/src/auth/policy.rs"
            );
            let Access::Role(needed) = access else {
                // Public: pages open without a session; posts reach their handler (which
                // refuses empty credentials or a wrong set-up token itself).
                let status = send(&anonymous, &app.base, &method, &path).await;
                if method == Method::GET {
                    assert_eq!(status, StatusCode::OK, "{method} {path}");
                } else {
                    assert!(!status.is_server_error(), "{method} {path}: {status}");
                }
                continue;
            };
            let status = send(&anonymous, &app.base, &method, &path).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} without a session"
            );
            for (role, client) in &clients {
                let status = send(client, &app.base, &method, &path).await;
                if *role >= needed {
                    assert!(
                        status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                        "{method} {path} as {role} (needs {needed}) answered {status}"
                    );
                } else {
                    assert_eq!(
                        status,
                        StatusCode::FORBIDDEN,
                        "{method} {path} as {role} (needs {needed})"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 80, "only {checked} endpoints checked");
    // Every spelling of a route that needs more than a viewer: no role below the one needed
    // gets anything but a refusal or "not found" (the rule is the matched route's, so a
    // variant either is that route, another route with its own rule, or none).
    let mut variants_checked = 0;
    // The walk above signed its users out (POST /logout): new sessions.
    let mut clients = Vec::new();
    for role in Role::ALL {
        clients.push((role, app.as_role(role).await.client));
    }
    for (method, pattern) in &routes {
        let path = concrete(pattern);
        let Access::Role(needed) = policy::required(method, Some(pattern), &path, &forms) else {
            continue;
        };
        for variant in variants(&path) {
            let status = send(&anonymous, &app.base, method, &variant).await;
            assert!(
                matches!(
                    status,
                    StatusCode::UNAUTHORIZED
                        | StatusCode::FORBIDDEN
                        | StatusCode::NOT_FOUND
                        | StatusCode::METHOD_NOT_ALLOWED
                ),
                "{method} {variant} without a session answered {status}"
            );
            for (role, client) in &clients {
                if *role >= needed {
                    continue;
                }
                let status = send(client, &app.base, method, &variant).await;
                assert!(
                    matches!(
                        status,
                        StatusCode::FORBIDDEN
                            | StatusCode::NOT_FOUND
                            | StatusCode::METHOD_NOT_ALLOWED
                    ),
                    "{method} {variant} as {role} (the route {pattern} needs {needed}) answered {status}"
                );
            }
            variants_checked += 1;
        }
    }
    assert!(
        variants_checked > 300,
        "only {variants_checked} variants checked"
    );
    // The policy itself, for the roles the issue names (a policy that opened everything to
    // viewers would pass the walk above).
    let cases = [
        (Method::POST, "/api/contracts/list", Role::Viewer),
        (Method::GET, "/export/contracts", Role::Viewer),
        (Method::POST, "/api/contracts/create", Role::Editor),
        (Method::POST, "/contracts/{id}/delete", Role::Editor),
        (Method::POST, "/import", Role::Editor),
        (Method::POST, "/api/import/preview", Role::Editor),
        (Method::POST, "/api/rates/update", Role::Admin),
        (Method::POST, "/rates/new", Role::Admin),
        (Method::GET, "/users", Role::Admin),
        (Method::GET, "/audit", Role::Admin),
        (Method::GET, "/export/audit", Role::Admin),
    ];
    for (method, path, role) in cases {
        assert_eq!(
            policy::required(&method, Some(path), path, &forms),
            Access::Role(role),
            "{method} {path}"
        );
    }
    // Refusals are on the audit trail.
    let mut found = false;
    let mut total = 0;
    for page in 1.. {
        let filter = app::domain::audit::AuditFilter {
            action: Some(app::domain::audit::AuditAction::Refused),
            actor: Some("test-viewer".into()),
            page,
            ..Default::default()
        };
        let (refused, all) = app::storage::audit::list(&app.db, &filter).await.unwrap();
        total = all;
        found |= refused
            .iter()
            .any(|e| e.detail == "POST /api/contracts/create needs editor");
        if found || refused.is_empty() {
            break;
        }
    }
    assert!(total > 20, "{total}");
    assert!(found, "the refusal is on the audit trail");
}

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

async fn sign_in_is_throttled_and_says_the_same_whatever_was_wrong(app: &TestApp) {
    support::ensure_user(&app.db, "anna", Role::Editor).await;
    let wrong_password = app.sign_in("anna", "not the password").await.unwrap_err();
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    let wrong_password = wrong_password.text().await.unwrap();
    let unknown_user = app.sign_in("nobody", PASSWORD).await.unwrap_err();
    let unknown_user = unknown_user.text().await.unwrap();
    let message = server::auth::handlers::SIGN_IN_FAILED;
    assert!(wrong_password.contains(message) && unknown_user.contains(message));
    assert!(
        wrong_password.contains(r#"value="anna""#),
        "the username is kept"
    );
    let kept = client(None)
        .post(format!("{}/login", app.base))
        .form(&[
            ("username", "anna"),
            ("password", "nope"),
            ("next", "/contracts?buyer=PL"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        kept.contains(r#"name="next" value="/contracts?buyer=PL""#),
        "where to go is kept: {kept}"
    );
    // Eight more wrong guesses (ten on this username), then even the right password waits.
    for _ in 0..8 {
        assert!(app.sign_in("anna", "guess").await.is_err());
    }
    let throttled = app.sign_in("ANNA", PASSWORD).await.unwrap_err();
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        throttled
            .text()
            .await
            .unwrap()
            .contains("Too many sign-in attempts")
    );
    // Another user signs in meanwhile.
    support::ensure_user(&app.db, "bob", Role::Viewer).await;
    assert!(app.sign_in("bob", PASSWORD).await.is_ok());
    // Failed sign-ins are on the audit trail, with the username tried (never the password).
    let filter = app::domain::audit::AuditFilter {
        action: Some(app::domain::audit::AuditAction::SignInFailed),
        page: 1,
        ..Default::default()
    };
    let (failed, total) = app::storage::audit::list(&app.db, &filter).await.unwrap();
    assert_eq!(total, 12);
    assert!(failed.iter().any(|e| e.detail == "username “nobody”"));
    assert!(
        failed
            .iter()
            .any(|e| e.detail.contains("too many attempts"))
    );
    assert!(failed.iter().all(|e| !e.detail.contains("guess")));
    let (signed_in, _) = app::storage::audit::list(
        &app.db,
        &app::domain::audit::AuditFilter {
            action: Some(app::domain::audit::AuditAction::SignIn),
            actor: Some("bob".into()),
            page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(signed_in.len(), 1);
    assert_eq!(signed_in[0].client, "127.0.0.1");
}

async fn sessions_are_host_cookies_renewed_at_sign_in_and_end_when_access_changes(app: &TestApp) {
    support::ensure_user(&app.db, "carol", Role::Editor).await;
    let response = client(None)
        .post(format!("{}/login", app.base))
        .form(&[
            ("username", "carol"),
            ("password", PASSWORD),
            ("next", "/contracts?buyer=PL"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/contracts?buyer=PL");
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in [
        "__Host-dealtracker=",
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=",
    ] {
        assert!(
            set_cookie.contains(attribute),
            "{attribute} in {set_cookie}"
        );
    }
    assert!(!set_cookie.contains("Domain"), "{set_cookie}");
    let first = support::session_cookie(&response).unwrap();
    // Signing in again from that session gives a new session id; the old one is gone.
    let again = client(Some(&first))
        .post(format!("{}/login", app.base))
        .form(&[("username", "carol"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let second = support::session_cookie(&again).unwrap();
    assert_ne!(first, second);
    let old = app.with_client(client(Some(&first)));
    assert_eq!(old.get("/contracts").await.0, StatusCode::UNAUTHORIZED);
    let carol = app.with_client(client(Some(&second)));
    assert_eq!(carol.get("/contracts").await.0, StatusCode::OK);
    // An off-site `next` goes home instead.
    let offsite = client(None)
        .post(format!("{}/login", app.base))
        .form(&[
            ("username", "carol"),
            ("password", PASSWORD),
            ("next", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(offsite.headers()["location"], "/");
    // An admin demotes carol: her session ends at her next request; then disabled, she
    // cannot sign in at all.
    let stored = app::storage::users::by_name(&app.db, "carol")
        .await
        .unwrap()
        .unwrap();
    app.post_saved(
        &format!("/users/{}", stored.id),
        &[("role", "viewer"), ("version", &stored.version.to_string())],
    )
    .await;
    assert_eq!(carol.get("/contracts").await.0, StatusCode::UNAUTHORIZED);
    let stored = app::storage::users::by_name(&app.db, "carol")
        .await
        .unwrap()
        .unwrap();
    app.post_form(
        &format!("/users/{}", stored.id),
        &[
            ("role", "viewer"),
            ("disabled", "on"),
            ("version", &stored.version.to_string()),
        ],
    )
    .await;
    let refused = app.sign_in("carol", PASSWORD).await.unwrap_err();
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains(server::auth::handlers::SIGN_IN_FAILED)
    );
    // Signing out ends the session.
    let dave = {
        support::ensure_user(&app.db, "dave", Role::Viewer).await;
        app.sign_in("dave", PASSWORD).await.unwrap()
    };
    let out = client(Some(&dave))
        .post(format!("{}/logout", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(out.headers()["location"], "/login?signed_out=1");
    let after = app.with_client(client(Some(&dave)));
    assert_eq!(after.get("/contracts").await.0, StatusCode::UNAUTHORIZED);
}

async fn pages_carry_the_security_headers(app: &TestApp) {
    let response = app
        .client
        .get(format!("{}/contracts", app.base))
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

async fn the_last_admin_cannot_be_disabled_or_demoted(app: &TestApp) {
    let me = app::storage::users::by_name(&app.db, support::ADMIN)
        .await
        .unwrap()
        .unwrap();
    let response = app
        .post_form(
            &format!("/users/{}", me.id),
            &[("role", "editor"), ("version", &me.version.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("last active administrator")
    );
    let response = app
        .post_form(
            &format!("/users/{}", me.id),
            &[
                ("role", "admin"),
                ("disabled", "on"),
                ("version", &me.version.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let still = app::storage::users::by_name(&app.db, support::ADMIN)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((still.role.as_str(), still.disabled), ("admin", false));
    // With a second admin, the first may step down.
    let added = app
        .post_form(
            "/users",
            &[
                ("username", "erin"),
                ("role", "admin"),
                ("password", "another long passphrase"),
                ("password_repeat", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let taken = app
        .post_form(
            "/users",
            &[
                ("username", "ERIN"),
                ("role", "viewer"),
                ("password", "another long passphrase"),
                ("password_repeat", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text().await.unwrap().contains("is taken"));
    app.post_saved(
        &format!("/users/{}", me.id),
        &[("role", "editor"), ("version", &me.version.to_string())],
    )
    .await;
    // Password reset by an admin: the old password stops working.
    let erin = app
        .sign_in("erin", "another long passphrase")
        .await
        .unwrap();
    let erin = app.with_client(client(Some(&erin)));
    erin.post_saved(
        &format!("/users/{}/password", me.id),
        &[
            ("password", "a brand new passphrase"),
            ("password_repeat", "a brand new passphrase"),
        ],
    )
    .await;
    assert!(app.sign_in(support::ADMIN, PASSWORD).await.is_err());
    assert!(
        app.sign_in(support::ADMIN, "a brand new passphrase")
            .await
            .is_ok()
    );
}

/// Sessions end after the idle timeout, and after the absolute lifetime even when in use.
#[tokio::test]
async fn sessions_end_when_idle_and_at_their_absolute_lifetime() {
    let scratch = test_support::Scratch::sqlite().await.unwrap();
    let app = spawn_app_with(scratch.db.clone(), |state| {
        state.session_limits = server::auth::SessionLimits {
            idle: std::time::Duration::from_secs(2),
            absolute: std::time::Duration::from_secs(4),
        };
    })
    .await;
    support::ensure_user(&app.db, "frank", Role::Viewer).await;
    let cookie = app.sign_in("frank", PASSWORD).await.unwrap();
    let frank = app.with_client(client(Some(&cookie)));
    assert_eq!(frank.get("/contracts").await.0, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
    assert_eq!(
        frank.get("/contracts").await.0,
        StatusCode::UNAUTHORIZED,
        "idle too long"
    );

    let cookie = app.sign_in("frank", PASSWORD).await.unwrap();
    let frank = app.with_client(client(Some(&cookie)));
    let started = std::time::Instant::now();
    let mut ended_after = None;
    while started.elapsed() < std::time::Duration::from_secs(8) {
        if frank.get("/contracts").await.0 == StatusCode::UNAUTHORIZED {
            ended_after = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let ended_after = ended_after.expect("the session ended although in use");
    assert!(
        ended_after >= std::time::Duration::from_secs(3),
        "{ended_after:?}"
    );
    scratch.finish().await;
}
