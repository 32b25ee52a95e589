//! How a feature declares its pages and its rows of the access policy, each in a few lines of
//! its own `mod.rs`: the app's route table takes the pages as one component, the server's policy
//! reads the rows through `features::ALL`.

/// A feature's page routes as one component for the app's route table. Every page renders
/// whole on the server before it is sent (`SsrMode::Async`): pages work without JavaScript, and
/// a missing record can still answer 404.
///
/// A page that renders an island is marked `[islands]` after its path: only those pages get the wasm and its
/// hydration script (`app::shell`), every other page is HTML and CSS alone. The marks are read
/// from the table as `PAGES` (pattern, marked); the server's test `page_weight` opens every
/// page and fails if a page with an island is unmarked or a marked one has none.
#[macro_export]
macro_rules! page_routes {
    (@islands) => { false };
    (@islands islands) => { true };
    (
        $(#[$doc:meta])* $name:ident {
            $($path:tt $([$islands:ident])? => $view:expr),* $(,)?
        }
    ) => {
        $(#[$doc])*
        #[leptos::prelude::component(transparent)]
        pub fn $name() -> impl leptos_router::MatchNestedRoutes + Clone {
            use leptos::prelude::*;
            use leptos_router::{SsrMode, components::Route, path};
            view! {
                $(<Route path=path!($path) view=$view ssr=SsrMode::Async />)*
            }
            .into_inner()
        }

        /// This feature's page patterns, each with whether it renders an island (`[islands]`).
        pub const PAGES: &[(&str, bool)] = &[$(($path, $crate::page_routes!(@islands $($islands)?))),*];
    };
}

/// A feature's rows of the access policy (`server::auth::policy`): its server functions by
/// endpoint, and its pages that need more than a viewer, each with the role it needs.
#[macro_export]
macro_rules! access {
    (
        server_fns: { $($endpoint:literal: $fn_role:ident),* $(,)? },
        pages: { $($page:literal: $page_role:ident),* $(,)? } $(,)?
    ) => {
        #[cfg(feature = "ssr")]
        pub const ACCESS: $crate::features::Access = $crate::features::Access {
            server_fns: &[$(($endpoint, $crate::domain::account::Role::$fn_role)),*],
            pages: &[$(($page, $crate::domain::account::Role::$page_role)),*],
        };
    };
}
