//! Number and date formatting for display (never for storage or export).

use chrono::{DateTime, Datelike, Timelike, Utc};

/// Text as HTML character data or a quoted attribute value: `&`, `<`, `>`, `"` and `'` as
/// entities. For the few places where text becomes HTML outside Leptos's own escaping.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `1234567` → `"1,234,567"`.
pub fn thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

// Formatted by hand rather than with chrono's `format`: its format-string machinery would add
// kilobytes to the browser's wasm for two fixed layouts.

/// ISO 8601 date and minutes, in UTC: `2026-11-30 14:05 UTC`.
pub fn timestamp(at: &DateTime<Utc>) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// Machine-readable ISO 8601, for `<time datetime=…>`: `2026-11-30T14:05:09Z`.
pub fn iso8601(at: &DateTime<Utc>) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// The host of a web address, for display: `https://www.hanwha.com/en` → `www.hanwha.com`.
pub fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// `1 contract`, `3 contracts`, `2 recorded deliveries`.
pub fn plural(n: usize, what: &str) -> String {
    match (n, what) {
        (1, _) => format!("1 {what}"),
        (n, w) if w.ends_with('y') => format!("{n} {}ies", &w[..w.len() - 1]),
        (n, w) => format!("{n} {w}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(-1234567), "-1,234,567");
        assert_eq!(thousands(i64::MIN), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn formats_timestamps_as_iso() {
        let at = DateTime::parse_from_rfc3339("2026-03-04T05:06:07.891+00:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(timestamp(&at), "2026-03-04 05:06 UTC");
        assert_eq!(iso8601(&at), "2026-03-04T05:06:07Z");
        assert_eq!(iso8601(&at), at.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    }

    #[test]
    fn shows_hosts() {
        assert_eq!(host("https://www.hanwha.com/en?x=1"), "www.hanwha.com");
        assert_eq!(host("hanwha.com"), "hanwha.com");
    }
}
