//! Who may use what: every route, page and server function with the role it needs. Each feature
//! lists its own rows (`ACCESS` in its folder, merged in `app::features::ALL`); the server adds
//! the public routes. The guard asks [`required`] before a request reaches any handler; anything
//! no feature lists (a new server function, a new form route) is refused to everyone until it is
//! added, and the authorization test, which walks the registered routes and server functions,
//! fails until then.

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

/// Routes anyone may use.
pub const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/setup"),
    ("POST", "/setup"),
    ("GET", "/healthz"),
];

/// The form routes (plain posts and downloads) with the role each needs, as `server::router`
/// registers them.
pub type FormRoutes = [(Method, &'static str, Role)];

/// What a request for `method` needs, given the `route` the router matched (its pattern as
/// registered, `/contracts/{id}`), or `None` when no route matched and the fallback answers
/// (static files, the 404 page). `path` is the raw path, consulted only for that fallback.
/// `forms` are the app's own non-Leptos routes.
///
/// Patterns are compared whole: a route is its pattern, so a variant of a path either matched
/// another route (and gets that route's rule) or none.
pub fn required(method: &Method, route: Option<&str>, path: &str, forms: &FormRoutes) -> Access {
    let readable = *method == Method::GET || *method == Method::HEAD;
    let Some(route) = route else {
        // Static files: the wasm, JS, CSS and icons carry no data.
        if readable
            && (path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/favicon.ico")
        {
            return Access::Public;
        }
        // The 404 page, for signed-in users.
        return if readable {
            Access::Role(Role::Viewer)
        } else {
            Access::Unlisted
        };
    };
    let method_name = if *method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    if PUBLIC.iter().any(|(m, p)| method_name == *m && *p == route) {
        return Access::Public;
    }
    if let Some(endpoint) = route.strip_prefix("/api/") {
        return app::features::ALL
            .iter()
            .flat_map(|feature| feature.access.server_fns)
            .find(|(name, _)| *name == endpoint)
            .map_or(Access::Unlisted, |(_, role)| Access::Role(*role));
    }
    if let Some((_, _, role)) = forms
        .iter()
        .find(|(m, pattern, _)| m.as_str() == method_name && *pattern == route)
    {
        return Access::Role(*role);
    }
    if readable {
        let role = app::features::ALL
            .iter()
            .flat_map(|feature| feature.access.pages)
            .find(|(pattern, _)| *pattern == route)
            .map_or(Role::Viewer, |(_, role)| *role);
        return Access::Role(role);
    }
    Access::Unlisted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_server_functions_and_posts_are_refused_to_everyone() {
        let forms = [(Method::POST, "/contracts/new", Role::Editor)];
        let required = |method: &Method, route: &str| required(method, Some(route), route, &forms);
        assert_eq!(
            required(&Method::POST, "/api/contracts/steal"),
            Access::Unlisted
        );
        assert_eq!(required(&Method::POST, "/somewhere"), Access::Unlisted);
        assert_eq!(
            required(&Method::POST, "/contracts/new"),
            Access::Role(Role::Editor)
        );
        assert_eq!(
            required(&Method::GET, "/contracts/new"),
            Access::Role(Role::Editor)
        );
        assert_eq!(
            required(&Method::GET, "/contracts/{id}"),
            Access::Role(Role::Viewer)
        );
        assert_eq!(required(&Method::GET, "/login"), Access::Public);
        assert_eq!(required(&Method::HEAD, "/users"), Access::Role(Role::Admin));
    }

    #[test]
    fn without_a_matched_route_only_static_files_are_public() {
        let at = |method: Method, path: &str| required(&method, None, path, &[]);
        assert_eq!(at(Method::GET, "/pkg/dealtracker.wasm"), Access::Public);
        assert_eq!(at(Method::GET, "/favicon.svg"), Access::Public);
        assert_eq!(
            at(Method::GET, "/export/audit.csv"),
            Access::Role(Role::Viewer)
        );
        assert_eq!(at(Method::POST, "/pkg/x"), Access::Unlisted);
    }
}
