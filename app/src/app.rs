//! The HTML shell and the route table.

use crate::components::{Layout, NotFound};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let css = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
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
    use crate::domain::filter::{AgreementFilter, ContractFilter};
    let counts = Resource::new(
        || (),
        |_| async {
            let agreements = crate::agreements::api::list_agreements(AgreementFilter {
                ..Default::default()
            })
            .await?
            .total;
            let contracts = crate::contracts::api::list_contracts(ContractFilter {
                ..Default::default()
            })
            .await?
            .total;
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
