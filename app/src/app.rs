//! The HTML shell and the route table.

use crate::components::{Layout, NotFound};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

/// The document around every page. Only a page that renders an island (marked `[islands]` in
/// its feature's `page_routes!`) gets the wasm, its JS glue and the hydration script (with their
/// preload links); every other page is HTML and CSS alone. The decision is made here, from the
/// request's path, because the `<head>` is rendered before the page's body: nothing the body
/// renders can reach it in time.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let css = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    // Islands render the rest of the page without hydration markers or serialized resources.
    // `HydrationScripts islands=true` switches that off as it renders; a page that gets no
    // scripts must be rendered the same way.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    let scripts = requested_page_has_islands()
        .then(|| view! { <HydrationScripts options=options.clone() islands=true /> });
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options />
                {scripts}
                <link rel="stylesheet" href=css />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Every feature's page table (`page_routes!`), as the route table in [`App`] lists them.
const PAGE_TABLES: &[&[(&str, bool)]] = &[
    crate::summary::PAGES,
    crate::agreements::PAGES,
    crate::contracts::PAGES,
    crate::amendments::PAGES,
    crate::plans::PAGES,
    crate::waterfall::PAGES,
    crate::deliveries::PAGES,
    crate::systems::PAGES,
    crate::firms::PAGES,
    crate::rates::PAGES,
    crate::transfer::PAGES,
    crate::accounts::PAGES,
];

/// The route patterns (`/firms/:id/edit`) of the pages that render an island.
pub fn island_pages() -> impl Iterator<Item = &'static str> {
    PAGE_TABLES
        .iter()
        .flat_map(|table| table.iter())
        .filter(|(_, islands)| *islands)
        .map(|(pattern, _)| *pattern)
}

/// Whether the page at `path` (no query) is one of [`island_pages`]: its literal segments equal,
/// a `:param` segment anything but empty. A trailing slash is ignored.
pub fn page_has_islands(path: &str) -> bool {
    let path = match path.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed,
        _ => path,
    };
    island_pages().any(|pattern| {
        let mut pattern = pattern.split('/');
        let mut path = path.split('/');
        loop {
            match (pattern.next(), path.next()) {
                (None, None) => return true,
                (Some(p), Some(s)) if p == s || (p.starts_with(':') && !s.is_empty()) => {}
                _ => return false,
            }
        }
    })
}

/// Whether the page being rendered has islands, from the request leptos_axum provides.
#[cfg(feature = "ssr")]
fn requested_page_has_islands() -> bool {
    use_context::<axum::http::request::Parts>()
        .is_some_and(|parts| page_has_islands(parts.uri.path()))
}

/// The shell is rendered only on the server; in the browser build this is never called.
#[cfg(not(feature = "ssr"))]
fn requested_page_has_islands() -> bool {
    true
}

/// Every page renders completely on the server before it is sent (`SsrMode::Async`): pages are
/// whole without JavaScript, and a missing record can still answer 404.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=page_title />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home ssr=SsrMode::Async />
                    <crate::summary::SummaryRoutes />
                    <crate::agreements::AgreementRoutes />
                    <crate::contracts::ContractRoutes />
                    <crate::amendments::AmendmentRoutes />
                    <crate::plans::PlanRoutes />
                    <crate::waterfall::WaterfallRoutes />
                    <crate::deliveries::DeliveryRoutes />
                    <crate::systems::SystemRoutes />
                    <crate::firms::FirmRoutes />
                    <crate::rates::RateRoutes />
                    <crate::transfer::TransferRoutes />
                    <crate::accounts::AccountRoutes />
                </Routes>
            </Layout>
        </Router>
    }
}

/// The document title of a page called `page` (often a record's name).
///
/// leptos_meta 0.8 writes the formatted title into the server's `<head>` as it is, unescaped
/// (`ServerMetaContext::inject_meta_context` pushes it between `<title>` tags), so a record
/// named `</title><meta http-equiv="refresh" …>` would add markup to every reader's page. The
/// title is escaped here, where it becomes HTML. In the browser the same formatter would set
/// `document.title`, which is text: no escaping there.
pub fn page_title(page: String) -> String {
    let title = format!("{page} · Defense Export Tracker");
    #[cfg(feature = "ssr")]
    let title = crate::components::format::escape_html(&title);
    title
}

#[component]
fn Home() -> impl IntoView {
    use crate::domain::filter::AgreementFilter;
    let counts = Resource::new(
        || (),
        |_| async {
            let agreements = crate::agreements::api::list_agreements(AgreementFilter {
                ..Default::default()
            })
            .await?
            .total;
            let contracts = crate::contracts::api::count_contracts().await?;
            let systems = crate::systems::api::list_systems().await?.len() as i64;
            let firms = crate::firms::api::count_firms().await?;
            Ok::<_, crate::error::AppError>([agreements, contracts, systems, firms])
        },
    );
    view! {
        <Title text="Overview" />
        <h1>"Defense Export Tracker"</h1>
        <p class="lead">
            "Framework agreements and the contracts signed under them, by supplier firm and buyer country: exact figures, with their sources."
        </p>
        <Suspense fallback=|| view! { <p class="placeholder">"Counting records…"</p> }>
            {move || Suspend::new(async move {
                match counts.await {
                    Ok(counts) => view! {
                        <ul class="cards">
                            {[
                                ("/agreements", "framework agreements"),
                                ("/contracts", "contracts"),
                                ("/systems", "systems"),
                                ("/firms", "supplier firms"),
                            ].into_iter().zip(counts).map(|((href, label), count)| view! {
                                <li>
                                    <a href=href>
                                        <strong>{crate::components::format::thousands(count)}</strong>
                                        " "{label}
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <crate::components::ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
