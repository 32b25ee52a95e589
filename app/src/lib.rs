//! The Leptos application: pages, islands (the only parts that ship to the browser as wasm),
//! server functions, domain types, and (with the `ssr` feature) storage.
#![recursion_limit = "256"]

// Shared layers: domain types, storage (by table), display components and form plumbing.
pub mod components;
#[cfg(feature = "ssr")]
pub mod context;
pub mod domain;
pub mod error;
pub mod forms;
mod routing;
#[cfg(feature = "ssr")]
pub mod storage;
#[cfg(feature = "ssr")]
pub mod web;

// Features, one folder each (api.rs, service.rs, pages.rs, form.rs, routes.rs), merged in
// `features.rs`.
pub mod accounts;
pub mod agreements;
pub mod amendments;
pub mod contracts;
pub mod deliveries;
#[cfg(feature = "ssr")]
pub mod features;
pub mod firms;
pub mod plans;
pub mod rates;
pub mod summary;
pub mod systems;
pub mod transfer;
pub mod waterfall;

pub mod app;

pub use app::{App, island_pages, shell};

/// The browser entry point: hydrates only the islands, the rest of each page stays static HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the browser console while developing; release builds leave the hook
    // (and its formatting code) out of the wasm, which has a size budget.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
