//! Who may use what: every route, page and server function with the role it needs. The guard
//! asks [`required`] before a request reaches any handler; anything this file does not list
//! (a new server function, a new form route) is refused to everyone until it is added, and the
//! authorization test, which walks the registered routes and server functions, fails until then.

use app::domain::account::Role;
use axum::http::Method;

/// What a request needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in, first-start set-up, health check, static files).
    Public,
    /// A signed-in user with at least this role.
    Role(Role),
    /// Not in the policy: refused to everyone.
    Unlisted,
}

/// Server functions (under `/api/`) by endpoint. Reads are for viewers, changes to deals for
/// editors, exchange rates, users and the audit trail for admins.
pub const SERVER_FNS: &[(&str, Role)] = &[
    ("agreements/choices", Role::Viewer),
    ("agreements/get", Role::Viewer),
    ("agreements/list", Role::Viewer),
    ("contracts/get", Role::Viewer),
    ("contracts/list", Role::Viewer),
    ("deliveries/list", Role::Viewer),
    ("firms/count", Role::Viewer),
    ("firms/family", Role::Viewer),
    ("firms/get", Role::Viewer),
    ("firms/list", Role::Viewer),
    ("firms/references", Role::Viewer),
    ("rates/get", Role::Viewer),
    ("rates/list", Role::Viewer),
    ("summary/headroom", Role::Viewer),
    ("summary/portfolio", Role::Viewer),
    ("systems/get", Role::Viewer),
    ("systems/list", Role::Viewer),
    ("systems/references", Role::Viewer),
    ("audit/history", Role::Viewer),
    ("agreements/create", Role::Editor),
    ("agreements/delete", Role::Editor),
    ("agreements/update", Role::Editor),
    ("contracts/create", Role::Editor),
    ("contracts/delete", Role::Editor),
    ("contracts/deliveries/record", Role::Editor),
    ("contracts/update", Role::Editor),
    ("firms/create", Role::Editor),
    ("firms/delete", Role::Editor),
    ("firms/group", Role::Editor),
    ("firms/update", Role::Editor),
    ("import/preview", Role::Editor),
    ("systems/create", Role::Editor),
    ("systems/delete", Role::Editor),
    ("systems/update", Role::Editor),
    ("rates/create", Role::Admin),
    ("rates/delete", Role::Admin),
    ("rates/update", Role::Admin),
    ("users/list", Role::Admin),
    ("audit/list", Role::Admin),
];

/// Pages (GET) that need more than a viewer. Every other page is for any signed-in user.
pub const PAGES: &[(&str, Role)] = &[
    ("/agreements/new", Role::Editor),
    ("/agreements/{id}/edit", Role::Editor),
    ("/agreements/{id}/delete", Role::Editor),
    ("/contracts/new", Role::Editor),
    ("/contracts/{id}/edit", Role::Editor),
    ("/contracts/{id}/delete", Role::Editor),
    ("/systems/new", Role::Editor),
    ("/systems/{id}/edit", Role::Editor),
    ("/systems/{id}/delete", Role::Editor),
    ("/firms/{id}/edit", Role::Editor),
    ("/firms/{id}/delete", Role::Editor),
    ("/import", Role::Editor),
    ("/import/{token}", Role::Editor),
    ("/rates/{id}/delete", Role::Admin),
    ("/users", Role::Admin),
    ("/audit", Role::Admin),
];

/// Narrower rules inside a form route (checked first): the audit trail's export is admins'.
pub const NARROWER: &[(&str, &str, Role)] = &[("GET", "/export/audit", Role::Admin)];

/// Routes anyone may use.
pub const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/setup"),
    ("POST", "/setup"),
    ("GET", "/healthz"),
];

/// Does `path` match `pattern`, where a `{name}` or `:name` segment matches any one segment?
pub fn matches(pattern: &str, path: &str) -> bool {
    let mut pattern = pattern.trim_end_matches('/').split('/');
    let mut path = path.trim_end_matches('/').split('/');
    loop {
        match (pattern.next(), path.next()) {
            (None, None) => return true,
            (Some(p), Some(s)) => {
                let wildcard = p.starts_with('{') || p.starts_with(':');
                if !(wildcard && !s.is_empty() || p == s) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// The form routes (plain posts and downloads) with the role each needs, as `server::router`
/// registers them.
pub type FormRoutes = [(Method, &'static str, Role)];

/// What a request for `method path` needs; `forms` are the app's own non-Leptos routes.
pub fn required(method: &Method, path: &str, forms: &FormRoutes) -> Access {
    if PUBLIC
        .iter()
        .any(|(m, p)| method.as_str() == *m && *p == path)
    {
        return Access::Public;
    }
    // Static files: the wasm, JS, CSS and icons carry no data.
    if method == Method::GET
        && (path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/favicon.ico")
    {
        return Access::Public;
    }
    if let Some(endpoint) = path.strip_prefix("/api/") {
        return SERVER_FNS
            .iter()
            .find(|(name, _)| *name == endpoint)
            .map_or(Access::Unlisted, |(_, role)| Access::Role(*role));
    }
    if let Some((_, _, role)) = NARROWER
        .iter()
        .find(|(m, pattern, _)| method.as_str() == *m && matches(pattern, path))
    {
        return Access::Role(*role);
    }
    if let Some((_, _, role)) = forms
        .iter()
        .find(|(m, pattern, _)| m == method && matches(pattern, path))
    {
        return Access::Role(*role);
    }
    if method == Method::GET || method == Method::HEAD {
        let role = PAGES
            .iter()
            .find(|(pattern, _)| matches(pattern, path))
            .map_or(Role::Viewer, |(_, role)| *role);
        return Access::Role(role);
    }
    Access::Unlisted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_one_segment_per_wildcard() {
        assert!(matches("/contracts/{id}/edit", "/contracts/12/edit"));
        assert!(matches("/contracts/:id/edit", "/contracts/12/edit/"));
        assert!(!matches("/contracts/{id}/edit", "/contracts/12/13/edit"));
        assert!(!matches("/contracts/{id}/edit", "/contracts//edit"));
        assert!(!matches("/contracts/{id}", "/contracts"));
        assert!(matches("/", "/"));
    }

    #[test]
    fn unknown_server_functions_and_posts_are_refused_to_everyone() {
        let forms = [(Method::POST, "/contracts/new", Role::Editor)];
        assert_eq!(
            required(&Method::POST, "/api/contracts/steal", &forms),
            Access::Unlisted
        );
        assert_eq!(
            required(&Method::POST, "/somewhere", &forms),
            Access::Unlisted
        );
        assert_eq!(
            required(&Method::POST, "/contracts/new", &forms),
            Access::Role(Role::Editor)
        );
        assert_eq!(
            required(&Method::GET, "/contracts/new", &forms),
            Access::Role(Role::Editor)
        );
        assert_eq!(
            required(&Method::GET, "/contracts/3", &forms),
            Access::Role(Role::Viewer)
        );
        assert_eq!(required(&Method::GET, "/login", &forms), Access::Public);
        assert_eq!(
            required(&Method::GET, "/pkg/dealtracker.wasm", &forms),
            Access::Public
        );
    }
}
