//! The server's integration tests, as one binary: one link and one run for them all, and the
//! harness (`support`) compiled once. Each module is one subject, its stories run on both
//! backends through `test_support::on_both_backends!` (`audit::changes::sqlite::…`,
//! `audit::changes::postgres::…`).

mod access;
mod audit;
mod cli;
mod edges;
mod editing;
mod folded_names;
mod generated;
mod http;
mod input;
mod page_weight;
mod register;
mod security;
mod summary;
mod support;
mod transfer;
