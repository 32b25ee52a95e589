use crate::accounts::{current_user, may};
use crate::domain::account::Role;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <nav aria-label="Main">
                <a class="brand" href="/">"Defense Export Tracker"</a>
                <ul>
                    <li><a href="/summary">"Summary"</a></li>
                    <li><a href="/headroom">"Headroom"</a></li>
                    <li><a href="/agreements">"Agreements"</a></li>
                    <li><a href="/contracts">"Contracts"</a></li>
                    <li><a href="/deliveries">"Deliveries"</a></li>
                    <li><a href="/systems">"Systems"</a></li>
                    <li><a href="/firms">"Firms"</a></li>
                    <li><a href="/rates">"Rates"</a></li>
                    {may(Role::Editor).then(|| view! { <li><a href="/import">"Import"</a></li> })}
                    {may(Role::Admin).then(|| view! {
                        <li><a href="/users">"Users"</a></li>
                        <li><a href="/audit">"Audit"</a></li>
                    })}
                </ul>
                {current_user().map(|user| view! {
                    <form method="post" action="/logout" class="account">
                        <span>{user.username}" "<span class="badge">{user.role.as_str()}</span></span>
                        <button type="submit" class="button link">"Sign out"</button>
                    </form>
                })}
            </nav>
        </header>
        <main id="main">{children()}</main>
        <footer class="site-footer">
            <p>"Figures as signed, in their original currency, with their sources."</p>
        </footer>
    }
}

/// The page for any path that matches no route, and for records that do not exist.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <h1>"Page not found"</h1>
        <p>"There is nothing at this address. It may have been deleted, or the link is mistyped."</p>
        <p><a href="/">"Go to the overview"</a>" or "<a href="/firms">"the list of firms"</a>"."</p>
    }
}

/// Shows a server function's error; a missing record shows the 404 page.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    if matches!(error, AppError::NotFound { .. }) {
        return view! { <NotFound /> }.into_any();
    }
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status());
    }
    view! {
        <div class="alert alert-error" role="alert">
            <p>{error.to_string()}</p>
        </div>
    }
    .into_any()
}
