//! Where the features are merged (server side): each feature folder declares its access rules and its
//! plain-form routes, and this is the one list of them. A new feature is a folder plus one line
//! in [`ALL`] (and its pages' routes in `app.rs`).

use crate::domain::account::Role;

/// A feature's rows of the access policy.
pub struct Access {
    /// Server functions (under `/api/`) by endpoint, with the role each needs.
    pub server_fns: &'static [(&'static str, Role)],
    /// Pages (GET) that need more than a viewer; every other page is for any signed-in user.
    pub pages: &'static [(&'static str, Role)],
}

/// A feature as the server sees it.
pub struct Feature {
    pub access: Access,
    /// Its plain-form routes (JavaScript off), built when the router is.
    pub form_routes: fn() -> Vec<crate::web::FormRoute>,
}

/// Every feature. Accounts and CSV transfer have their plain routes in the server crate
/// (sign-in needs the session layer, uploads the multipart extractor), next to their handlers.
pub const ALL: &[Feature] = &[
    Feature {
        access: crate::accounts::ACCESS,
        form_routes: none,
    },
    Feature {
        access: crate::agreements::ACCESS,
        form_routes: crate::agreements::routes::routes,
    },
    Feature {
        access: crate::amendments::ACCESS,
        form_routes: crate::amendments::routes::routes,
    },
    Feature {
        access: crate::contracts::ACCESS,
        form_routes: crate::contracts::routes::routes,
    },
    Feature {
        access: crate::deliveries::ACCESS,
        form_routes: crate::deliveries::routes::routes,
    },
    Feature {
        access: crate::firms::ACCESS,
        form_routes: crate::firms::routes::routes,
    },
    Feature {
        access: crate::plans::ACCESS,
        form_routes: crate::plans::routes::routes,
    },
    Feature {
        access: crate::rates::ACCESS,
        form_routes: crate::rates::routes::routes,
    },
    Feature {
        access: crate::summary::ACCESS,
        form_routes: none,
    },
    Feature {
        access: crate::systems::ACCESS,
        form_routes: crate::systems::routes::routes,
    },
    Feature {
        access: crate::transfer::ACCESS,
        form_routes: none,
    },
    Feature {
        access: crate::waterfall::ACCESS,
        form_routes: none,
    },
];

fn none() -> Vec<crate::web::FormRoute> {
    Vec::new()
}
