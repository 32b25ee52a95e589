//! The Leptos application: pages, islands (the only parts that ship to the browser as wasm),
//! server functions, domain types, and (with the `ssr` feature) storage.
#![recursion_limit = "256"]

pub mod accounts;
pub mod app;
pub mod components;
#[cfg(feature = "ssr")]
pub mod context;
pub mod domain;
pub mod error;
pub mod firms;
pub mod register;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod transfer;

pub use app::{App, shell};

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
