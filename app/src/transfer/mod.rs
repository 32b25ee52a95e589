//! CSV in and out: an export of every list and of the summary (streamed, in the view's filters
//! and order), and the import of contracts for bulk entry (a preview first, then all or
//! nothing). The column names and their order are stable; the README lists them.

pub mod cell;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod import;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod pipes;

pub use cell::CsvFormat;

/// What can be exported: each list and the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Contracts,
    Deliveries,
    /// Contracts' amendments: a row per line changed (one for an amendment of no line).
    Amendments,
    /// Contracts' delivery plans against their deliveries: a row per planned period.
    Plans,
    Agreements,
    /// One agreement's programme waterfall (`agreement=ID`): a row per step.
    Waterfall,
    Firms,
    Systems,
    Summary,
    /// The audit trail (admins only): a row per entry, a change's fields in one cell.
    Audit,
}

impl View {
    pub const ALL: [View; 10] = [
        View::Contracts,
        View::Deliveries,
        View::Amendments,
        View::Plans,
        View::Agreements,
        View::Waterfall,
        View::Firms,
        View::Systems,
        View::Summary,
        View::Audit,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == text)
    }

    /// The address of the view's export: one route per view, so each has its own rule.
    pub fn path(self) -> &'static str {
        match self {
            View::Contracts => "/export/contracts",
            View::Deliveries => "/export/deliveries",
            View::Amendments => "/export/amendments",
            View::Plans => "/export/plans",
            View::Agreements => "/export/agreements",
            View::Waterfall => "/export/waterfall",
            View::Firms => "/export/firms",
            View::Systems => "/export/systems",
            View::Summary => "/export/summary",
            View::Audit => "/export/audit",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            View::Contracts => "contracts",
            View::Deliveries => "deliveries",
            View::Amendments => "amendments",
            View::Plans => "plans",
            View::Agreements => "agreements",
            View::Waterfall => "waterfall",
            View::Firms => "firms",
            View::Systems => "systems",
            View::Summary => "summary",
            View::Audit => "audit",
        }
    }

    /// `contracts-2026-11-30.csv`: what and when.
    pub fn file_name(self, day: chrono::NaiveDate) -> String {
        format!("{}-{}.csv", self.as_str(), day.format("%Y-%m-%d"))
    }

    /// The columns of this view's file, in order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            View::Contracts => &CONTRACT_COLUMNS,
            View::Deliveries => &[
                "delivered_on",
                "units",
                "confidence",
                "buyer",
                "contract_ref",
                "contract",
                "line",
                "system",
                "notes",
            ],
            View::Plans => &[
                "contract_ref",
                "contract",
                "buyer",
                "line",
                "system",
                "ordered",
                "period",
                "planned",
                "confidence",
                "source",
                "source_url",
                "planned_by_end",
                "delivered_by_end",
                "state",
                "late",
            ],
            View::Amendments => &[
                "amended_on",
                "kind",
                "reason",
                "value_change",
                "currency",
                "confidence",
                "buyer",
                "contract_ref",
                "contract",
                "line",
                "system",
                "units_change",
                "options_change",
                "options_exercised",
                "sources",
            ],
            View::Agreements => &[
                "agreement",
                "buyer",
                "agency",
                "signed_on",
                "status",
                "likely_signed_on",
                "probability",
                "suppliers",
                "value",
                "currency",
                "value_confidence",
                "identifiers",
                "line",
                "system",
                "ceiling",
                "executed",
                "delivered",
                "remaining",
                "over_ceiling",
                "pipeline",
                "firm",
                "exercised_options",
                "unexercised_options",
                "remaining_after_options",
                "pipeline_weighted",
            ],
            View::Waterfall => &[
                "agreement",
                "step",
                "units",
                "usd_value",
                "values_without_usd",
                "values",
                "counts",
                "records",
            ],
            View::Firms => &[
                "name",
                "country",
                "country_name",
                "group",
                "website",
                "notes",
                "updated_at",
            ],
            View::Systems => &[
                "designation",
                "category",
                "maker",
                "variant_of",
                "description",
                "updated_at",
            ],
            View::Audit => &[
                "entry",
                "at",
                "actor",
                "client",
                "action",
                "record_kind",
                "record_id",
                "detail",
                "changes",
            ],
            View::Summary => &[
                "grouping",
                "group",
                "counted",
                "contracts",
                "valued",
                "value",
                "currency",
                "usd_value",
                "values_without_usd",
                "units_ordered",
                "units_delivered",
                "units_outstanding",
            ],
        }
    }
}

/// The contract file: one row per contract line, the contract's fields repeated on each (a
/// contract without lines has one row with the line fields empty).
pub const CONTRACT_COLUMNS: [&str; 39] = [
    "contract_ref",
    "title",
    "buyer",
    "buyer_name",
    "supplier",
    "agreement",
    "agency",
    "signed_on",
    "status",
    "likely_signed_on",
    "probability",
    "probability_confidence",
    "probability_basis",
    "lapsed_reason",
    "value",
    "currency",
    "value_confidence",
    "value_basis",
    "usd_value",
    "usd_rate",
    "usd_rate_date",
    "line",
    "system",
    "category",
    "quantity",
    "quantity_confidence",
    "line_value",
    "line_currency",
    "delivered",
    "option_units",
    "exercised_units",
    "line_notes",
    "delivery_plan",
    "delivery_period",
    "local_production",
    "notes",
    "other_values",
    "sources",
    "identifiers",
];

/// The address of `view`'s export for the page's query (its filters and sort).
pub fn export_href(view: View, query: &str) -> String {
    if query.is_empty() {
        format!("/export/{}", view.as_str())
    } else {
        format!("/export/{}?{query}", view.as_str())
    }
}

/// Largest CSV file an import takes (about 60,000 contract lines).
pub const IMPORT_LIMIT: usize = 20 * 1024 * 1024;

/// A problem with an imported file, where it is: `row` is the row a spreadsheet shows it on
/// (1 is the header; 0 for the file as a whole), `column` the header's name of the cell.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub row: u64,
    pub column: String,
    pub message: String,
}

/// A contract an import would create or update.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlannedRow {
    /// The spreadsheet row of the contract's first line.
    pub row: u64,
    pub contract_ref: String,
    pub title: String,
    pub lines: usize,
    /// The stored contract it updates.
    pub id: Option<i64>,
    /// What an update changes, field by field (labels as the contract page names them, money
    /// with its currency); empty for a new contract.
    pub changes: Vec<crate::domain::audit::FieldChange>,
}

impl Problem {
    /// Where the problem is, for a sentence: "row 3, buyer", "row 3", or "" for the whole file.
    pub fn place(&self) -> String {
        match (self.row, self.column.as_str()) {
            (0, "") => String::new(),
            (0, column) => column.to_owned(),
            (row, "") => format!("row {row}"),
            (row, column) => format!("row {row}, {column}"),
        }
    }
}

/// What importing a file would do, before anything is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportPreview {
    pub file_name: String,
    /// Data rows read (not counting the header).
    pub rows: usize,
    pub creates: Vec<PlannedRow>,
    pub updates: Vec<PlannedRow>,
    /// Stored contracts the file has exactly as they are.
    pub unchanged: usize,
    pub problems: Vec<Problem>,
    /// Names the file uses that match no record (`supplier “Hanwa”`), each once.
    pub unknown: Vec<String>,
}

/// What a committed import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Imported {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

crate::access! {
    server_fns: {
        "import/preview": Editor,
    },
    pages: {
        "/import": Editor,
        "/import/{token}": Editor,
    },
}

crate::page_routes! {
    /// The import pages, as the app's route table takes them.
    TransferRoutes {
        "/import" => pages::ImportPage,
        "/import/:token" => pages::ImportPreviewPage,
    }
}
