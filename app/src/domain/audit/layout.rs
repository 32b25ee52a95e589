//! How each kind's audit snapshot is laid out: its parts (the record's own row, its lists of
//! dependent rows), their columns, and the labels and shapes its history shows them with.

use super::RecordKind;
use crate::domain::account::Role;

/// What a reference column points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefTo {
    Firm,
    System,
    Agreement,
    /// A contract line (a delivery's): named by its contract and system.
    Line,
}

/// How a stored column reads in a history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// As stored.
    Text,
    /// Not shown: it orders rows, or repeats another column (a year of a date, the id of the
    /// record the page is about).
    Hidden,
    /// Integer minor units of the currency held in the named column of the same row.
    Money(&'static str),
    /// A signed change in minor units of the currency in the named column (`+PLN 1,000.00`).
    MoneyChange(&'static str),
    /// The currency of the named money column: shown with its amount.
    CurrencyOf(&'static str),
    /// US dollars per unit times 10^9.
    Rate,
    /// The id of another record: shown by its name, linked to its page.
    Ref(RefTo),
    /// An ISO 3166-1 code, shown by the country's name.
    Country,
    /// A flag, "yes" or "no".
    Flag,
}

/// A stored column with the label its record page gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    /// "" for the only column of a list item (a supplier): the item's own label names it.
    pub label: &'static str,
    pub shape: Shape,
}

/// A part of a record's snapshot: its own row (key "") or a list of dependent rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub key: &'static str,
    /// What one row of the list is called ("Line"); numbered from 1 in a history.
    pub item: &'static str,
    pub columns: &'static [Column],
}

const fn col(name: &'static str, label: &'static str, shape: Shape) -> Column {
    Column { name, label, shape }
}

const fn text(name: &'static str, label: &'static str) -> Column {
    col(name, label, Shape::Text)
}

const fn hidden(name: &'static str) -> Column {
    col(name, "", Shape::Hidden)
}

const OTHER_FIGURES: Part = Part {
    key: "other figures",
    item: "Other figure",
    columns: &[
        hidden("position"),
        col("amount_minor", "Amount", Shape::Money("currency")),
        col("currency", "", Shape::CurrencyOf("amount_minor")),
        text("confidence", "Confidence"),
        text("basis", "Basis"),
    ],
};

const SOURCES: Part = Part {
    key: "sources",
    item: "Source",
    columns: &[
        col("backs_value", "Supports the value", Shape::Flag),
        hidden("position"),
        text("title", "Title"),
        text("publisher", "Publisher"),
        text("url", "Address"),
        text("published_on", "Published"),
    ],
};

const IDENTIFIERS: Part = Part {
    key: "identifiers",
    item: "Identifier",
    columns: &[
        hidden("position"),
        text("kind", "Register"),
        text("value", "Identifier"),
    ],
};

/// The deal's own value columns, shared by contracts and agreements.
macro_rules! deal_columns {
    ($($before:expr),* ; $($after:expr),*) => {
        &[
            hidden("id"),
            text("title", "Title"),
            $($before,)*
            col("buyer_code", "Buyer", Shape::Country),
            text("agency", "Buying agency"),
            text("signed_on", "Signed"),
            hidden("signed_year"),
            text("status", "Status"),
            text("likely_signed_on", "Expected signing"),
            text("probability", "Probability of signing (%)"),
            text("probability_confidence", "Probability confidence"),
            text("probability_basis", "Probability basis"),
            text("lapsed_reason", "Why it lapsed"),
            col("value_minor", "Value", Shape::Money("value_currency")),
            col("value_currency", "", Shape::CurrencyOf("value_minor")),
            text("value_confidence", "Value confidence"),
            text("value_basis", "Value basis"),
            $($after,)*
            text("notes", "Notes"),
        ]
    };
}

const CONTRACT: &[Part] = &[
    Part {
        key: "",
        item: "",
        columns: deal_columns!(
            col("agreement_id", "Framework agreement", Shape::Ref(RefTo::Agreement)),
            col("supplier_id", "Supplier", Shape::Ref(RefTo::Firm));
            text("delivery_period", "Delivery period"),
            text("local_production", "Local production")
        ),
    },
    Part {
        key: "lines",
        item: "Line",
        columns: &[
            hidden("position"),
            col("system_id", "System", Shape::Ref(RefTo::System)),
            text("quantity", "Quantity"),
            text("quantity_confidence", "Quantity confidence"),
            col("value_minor", "Value", Shape::Money("value_currency")),
            col("value_currency", "", Shape::CurrencyOf("value_minor")),
            text("notes", "Notes"),
            text("option_units", "Options not exercised"),
            text("exercised_units", "Options exercised (in the quantity)"),
        ],
    },
    OTHER_FIGURES,
    SOURCES,
    IDENTIFIERS,
    Part {
        key: "delivery plan",
        item: "Planned delivery",
        columns: &[
            col("line_id", "Line", Shape::Ref(RefTo::Line)),
            hidden("position"),
            text("period", "Period"),
            hidden("starts_on"),
            hidden("ends_on"),
            hidden("from_year"),
            hidden("to_year"),
            text("units", "Units"),
            text("confidence", "Confidence"),
            text("source", "Source"),
            text("source_url", "Source address"),
        ],
    },
];

const AGREEMENT: &[Part] = &[
    Part {
        key: "",
        item: "",
        columns: deal_columns!(;),
    },
    Part {
        key: "suppliers",
        item: "Supplier",
        columns: &[col("firm_id", "", Shape::Ref(RefTo::Firm))],
    },
    Part {
        key: "ceiling lines",
        item: "Ceiling line",
        columns: &[
            hidden("position"),
            col("system_id", "System", Shape::Ref(RefTo::System)),
            text("quantity", "Ceiling"),
            col("value_minor", "Value", Shape::Money("value_currency")),
            col("value_currency", "", Shape::CurrencyOf("value_minor")),
            text("confidence", "Confidence"),
            text("basis", "Basis"),
            text("notes", "Notes"),
        ],
    },
    OTHER_FIGURES,
    SOURCES,
    IDENTIFIERS,
];

const FIRM: &[Part] = &[Part {
    key: "",
    item: "",
    columns: &[
        hidden("id"),
        text("name", "Name"),
        col("country_code", "Home country", Shape::Country),
        text("website", "Website"),
        text("notes", "Notes"),
        col("parent_id", "Part of", Shape::Ref(RefTo::Firm)),
    ],
}];

const SYSTEM: &[Part] = &[Part {
    key: "",
    item: "",
    columns: &[
        hidden("id"),
        text("designation", "Designation"),
        text("description", "Description"),
        text("category", "Category"),
        col("maker_id", "Maker", Shape::Ref(RefTo::Firm)),
        col("variant_of_id", "Variant of", Shape::Ref(RefTo::System)),
    ],
}];

const DELIVERY: &[Part] = &[Part {
    key: "",
    item: "",
    columns: &[
        hidden("id"),
        col("line_id", "Line", Shape::Ref(RefTo::Line)),
        text("delivered_on", "Delivered on"),
        hidden("delivered_year"),
        text("units", "Units"),
        text("confidence", "Confidence"),
        text("notes", "Notes"),
    ],
}];

const AMENDMENT: &[Part] = &[
    Part {
        key: "",
        item: "",
        columns: &[
            hidden("id"),
            hidden("contract_id"),
            hidden("agreement_id"),
            text("amended_on", "Amended on"),
            hidden("amended_year"),
            text("kind", "Kind"),
            text("reason", "Reason"),
            col(
                "value_change_minor",
                "Value change",
                Shape::MoneyChange("value_currency"),
            ),
            col(
                "value_currency",
                "",
                Shape::CurrencyOf("value_change_minor"),
            ),
            text("confidence", "Confidence"),
        ],
    },
    Part {
        key: "changes",
        item: "Change",
        columns: &[
            col("line_id", "Line", Shape::Ref(RefTo::Line)),
            hidden("ceiling_id"),
            text("units_change", "Units (+/−)"),
            text("options_change", "Options (+/−)"),
            text("exercised", "Options exercised"),
        ],
    },
    Part {
        key: "sources",
        item: "Source",
        columns: &[
            hidden("position"),
            text("title", "Title"),
            text("publisher", "Publisher"),
            text("url", "Address"),
            text("published_on", "Published"),
        ],
    },
];

const RATE: &[Part] = &[Part {
    key: "",
    item: "",
    columns: &[
        hidden("id"),
        text("currency", "Currency"),
        text("rate_date", "Date"),
        col("usd_nanos", "US dollars per unit", Shape::Rate),
        text("source", "Source"),
    ],
}];

const USER: &[Part] = &[Part {
    key: "",
    item: "",
    columns: &[
        hidden("id"),
        text("username", "Username"),
        text("role", "Role"),
        col("disabled", "Disabled", Shape::Flag),
    ],
}];

impl RecordKind {
    /// How the kind's audit snapshot is laid out and labelled: its own row first.
    pub fn parts(self) -> &'static [Part] {
        match self {
            RecordKind::Contract => CONTRACT,
            RecordKind::Agreement => AGREEMENT,
            RecordKind::Firm => FIRM,
            RecordKind::System => SYSTEM,
            RecordKind::Delivery => DELIVERY,
            RecordKind::Amendment => AMENDMENT,
            RecordKind::Rate => RATE,
            RecordKind::User => USER,
        }
    }

    /// Column `name` of the snapshot's part `key` ("" for the record's own row).
    pub fn column(self, key: &str, name: &str) -> Option<&'static Column> {
        self.parts()
            .iter()
            .find(|part| part.key == key)?
            .columns
            .iter()
            .find(|column| column.name == name)
    }

    /// Who may read this kind's history: the same role as the pages that show the records
    /// (user records are on the admins' users page, everything else is open to viewers).
    pub fn history_role(self) -> Role {
        match self {
            RecordKind::User => Role::Admin,
            _ => Role::Viewer,
        }
    }
}
