//! The systems page: what is sold, by category and maker.

use super::api::list_systems;
use crate::components::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SystemsPage() -> impl IntoView {
    let systems = Resource::new(|| (), |_| list_systems());
    view! {
        <Title text="Systems" />
        <h1>"Systems"</h1>
        <p class="lead">"What is sold, in SIPRI's categories. A variant (K2PL) counts against a framework ceiling on its base system (K2)."</p>
        <Suspense fallback=|| view! { <p class="placeholder">"Loading systems…"</p> }>
            {move || Suspend::new(async move {
                match systems.await {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"No systems yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table class="data">
                                <thead>
                                    <tr><th scope="col">"Designation"</th><th scope="col">"Category"</th><th scope="col">"Maker"</th><th scope="col">"Variant of"</th><th scope="col">"Description"</th></tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|s| view! {
                                        <tr>
                                            <td><a href=format!("/contracts?system={}", s.id)>{s.designation}</a></td>
                                            <td>{s.category.as_str()}</td>
                                            <td><a href=format!("/firms/{}", s.maker.id)>{s.maker.name}</a></td>
                                            <td>{s.variant_of.map(|v| v.name).unwrap_or_default()}</td>
                                            <td>{s.description}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
