//! The names of the constraints callers turn into messages at a form's field.
//!
//! PostgreSQL reports the name of a violated unique constraint or index. SQLite reports only its
//! columns ("UNIQUE constraint failed: firms.name_key"), so a SQLite violation is named here by
//! its columns; this table is the one place the two dialects differ on it. Foreign keys are not
//! named by SQLite at all: a refused reference is found by looking up which of the ids a form
//! names no longer exists (`forms::references`).

pub const FIRM_NAME: &str = "firms_name_key";
pub const SYSTEM_DESIGNATION: &str = "systems_designation_key";
pub const USERNAME: &str = "users_username_key";
pub const RATE_DAY: &str = "exchange_rates_currency_rate_date_key";
pub const CONTRACT_REF: &str = "contracts_external_id_key";
/// A row's place among its record's lines: written by the app, never typed by a user.
pub const CEILING_LINE_POSITION: &str = "ceiling_lines_agreement_id_position_key";
pub const CONTRACT_LINE_POSITION: &str = "contract_lines_contract_id_position_key";
/// One change per line and one place per source in an amendment: written by the app.
pub const AMENDMENT_LINE: &str = "amendment_changes_amendment_id_line_id_key";
pub const AMENDMENT_CEILING: &str = "amendment_changes_amendment_id_ceiling_id_key";
pub const AMENDMENT_SOURCE_POSITION: &str = "amendment_sources_amendment_id_position_key";
/// One place per row of a line's delivery plan: written by the app.
pub const PLAN_POSITION: &str = "delivery_plans_line_id_position_key";

/// Every unique constraint of the schema: its name and, as SQLite reports it, its columns.
pub const UNIQUE: &[(&str, &str)] = &[
    (FIRM_NAME, "firms.name_key"),
    (SYSTEM_DESIGNATION, "systems.designation_key"),
    (USERNAME, "users.username_key"),
    (
        RATE_DAY,
        "exchange_rates.currency, exchange_rates.rate_date",
    ),
    (CONTRACT_REF, "contracts.external_id"),
    (
        CEILING_LINE_POSITION,
        "ceiling_lines.agreement_id, ceiling_lines.position",
    ),
    (
        CONTRACT_LINE_POSITION,
        "contract_lines.contract_id, contract_lines.position",
    ),
    (
        AMENDMENT_LINE,
        "amendment_changes.amendment_id, amendment_changes.line_id",
    ),
    (
        AMENDMENT_CEILING,
        "amendment_changes.amendment_id, amendment_changes.ceiling_id",
    ),
    (
        AMENDMENT_SOURCE_POSITION,
        "amendment_sources.amendment_id, amendment_sources.position",
    ),
    (
        PLAN_POSITION,
        "delivery_plans.line_id, delivery_plans.position",
    ),
];

/// The constraint a SQLite unique violation's message names, by its columns.
pub(super) fn sqlite_unique(message: &str) -> Option<&'static str> {
    let columns = message.strip_prefix("UNIQUE constraint failed: ")?;
    UNIQUE
        .iter()
        .find(|(_, sqlite)| *sqlite == columns)
        .map(|(name, _)| *name)
}
