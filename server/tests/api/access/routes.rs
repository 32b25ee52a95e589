//! Every registered route, page and server function, and a dozen spellings of each, asked
//! without a session, by each role below the one it needs and by that role.

use app::domain::account::Role;
use reqwest::{Method, StatusCode};
use server::auth::policy::{self, Access};

use super::send;
use crate::support::{TestApp, client, spawn_app};

test_support::on_both_backends!(
    prepare = super::spawn_app;
    every_endpoint_answers_each_role_as_its_policy_says,
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
