//! Readable names of form fields, for conflict lists and import previews.

/// A readable name for a form field: `line2_quantity` → "Line 3: quantity".
pub fn field_label(key: &str) -> String {
    let plain = |name: &str| -> String {
        match name {
            "title" => "Title",
            "agreement_id" => "Framework agreement",
            "supplier_id" | "id" => "Supplier",
            "buyer" => "Buyer",
            "agency" => "Buying agency",
            "signed_on" => "Signed on",
            "status" => "Status",
            "likely_signed_on" => "Expected signing",
            "probability" => "Probability of signing",
            "probability_confidence" => "Probability confidence",
            "probability_basis" => "Probability basis",
            "lapsed_reason" => "Why it lapsed",
            "delivery_period" => "Delivery period",
            "local_production" => "Local production",
            "notes" => "Notes",
            "value_amount" | "value" | "amount" => "Value",
            "value_currency" | "currency" => "Currency",
            "value_confidence" | "confidence" => "Confidence",
            "value_basis" | "basis" => "Basis",
            "system" => "System",
            "quantity" => "Quantity",
            "options" => "Options not exercised",
            "exercised" => "Options already exercised",
            "publisher" => "Publisher",
            "url" => "Address",
            "date" => "Date",
            "backs" => "Supports",
            "kind" => "Kind",
            "period" => "Period",
            "units" => "Units",
            other => other,
        }
        .to_owned()
    };
    for (prefix, name) in [
        ("line", "Line"),
        ("source", "Source"),
        ("alt", "Other figure"),
        ("ident", "Identifier"),
        ("plan", "Planned delivery"),
        ("supplier", "Supplier"),
    ] {
        if let Some(rest) = key.strip_prefix(prefix)
            && let Some((index, field)) = rest.split_once('_')
            && let Ok(index) = index.parse::<usize>()
        {
            return format!("{name} {}: {}", index + 1, plain(field).to_lowercase());
        }
    }
    plain(key)
}
