//! How values become CSV cells and back: the file's format (separator, decimal mark, byte-order
//! mark), text cells made safe for spreadsheets, and decimals.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The flavour of a CSV file. Every flavour is RFC 4180 and UTF-8; the Excel ones start with a
/// byte-order mark (else Excel reads UTF-8 as the local code page), and the European one uses
/// `;` between cells and a decimal comma, as Excel installs with a comma decimal mark (Polish,
/// German, French…) expect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CsvFormat {
    #[default]
    Standard,
    Excel,
    ExcelEurope,
}

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

impl CsvFormat {
    pub const ALL: [CsvFormat; 3] = [Self::Standard, Self::Excel, Self::ExcelEurope];

    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "" | "standard" => Ok(Self::Standard),
            "excel" => Ok(Self::Excel),
            "excel-eu" => Ok(Self::ExcelEurope),
            other => Err(format!(
                "Unknown CSV format \u{201c}{other}\u{201d}: use standard, excel or excel-eu."
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Excel => "excel",
            Self::ExcelEurope => "excel-eu",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Standard => "CSV (comma, decimal point)",
            Self::Excel => "Excel (comma, decimal point, UTF-8 mark)",
            Self::ExcelEurope => "Excel, European (semicolon, decimal comma, UTF-8 mark)",
        }
    }

    pub fn separator(self) -> u8 {
        match self {
            Self::ExcelEurope => b';',
            _ => b',',
        }
    }

    pub fn decimal_comma(self) -> bool {
        self == Self::ExcelEurope
    }

    pub fn bom(self) -> bool {
        self != Self::Standard
    }

    /// The format of a file read back, from its first line: `;` between cells means the
    /// European flavour (its decimals have a comma).
    pub fn sniff(first_line: &str) -> Self {
        let count = |c: char| first_line.chars().filter(|x| *x == c).count();
        if count(';') > count(',') {
            Self::ExcelEurope
        } else {
            Self::Standard
        }
    }
}

/// Characters that make a spreadsheet read a cell as a formula (or, tab and carriage return,
/// hide one): OWASP's list for CSV injection.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell a spreadsheet shows as text: one that starts like a formula gets a leading `'`.
/// One that already starts with `'` gets another, so [`text_from_cell`] gives back exactly the
/// original. Numbers are not text cells and stay numbers.
pub fn text_cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some(first) if FORMULA_STARTS.contains(&first) || first == '\'' => {
            Cow::Owned(format!("'{text}"))
        }
        _ => Cow::Borrowed(text),
    }
}

/// The text a [`text_cell`] came from: a leading `'` before a formula character or another
/// `'` is dropped. A `'` typed before anything else is kept.
pub fn text_from_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest)
            if rest
                .chars()
                .next()
                .is_some_and(|c| FORMULA_STARTS.contains(&c) || c == '\'') =>
        {
            rest
        }
        _ => cell,
    }
}

/// Integer minor units as the decimal cell of a currency with `decimals` places, appended to
/// `cell` (`240000000000`, 2 → `2400000000.00`, or `2400000000,00` with a decimal comma): the
/// same text as [`decimal_cell`] of the amount's plain form, without going through a `Decimal`
/// (an export writes millions of these).
pub fn write_minor_cell(cell: &mut String, minor: i64, decimals: u32, format: CsvFormat) {
    use std::fmt::Write;
    if minor < 0 {
        cell.push('-');
    }
    let magnitude = minor.unsigned_abs();
    let scale = 10_u64.pow(decimals);
    let _ = write!(cell, "{}", magnitude / scale);
    if decimals > 0 {
        cell.push(if format.decimal_comma() { ',' } else { '.' });
        let _ = write!(
            cell,
            "{:0width$}",
            magnitude % scale,
            width = decimals as usize
        );
    }
}

/// A plain decimal (`3370000000.00`) as the format writes it: `3370000000,00` with a decimal
/// comma. Never thousands separators: a spreadsheet reads them as text.
pub fn decimal_cell(plain: &str, format: CsvFormat) -> Cow<'_, str> {
    if format.decimal_comma() {
        Cow::Owned(plain.replace('.', ","))
    } else {
        Cow::Borrowed(plain)
    }
}

/// A decimal cell as the parsers read it (a decimal point, thousands separators allowed as
/// commas): in a decimal-comma file `1.234,50` and `1234,50` become `1,234.50` and `1234.50`.
pub fn decimal_from_cell(cell: &str, format: CsvFormat) -> Cow<'_, str> {
    if format.decimal_comma() && cell.contains(',') {
        let without_groups: String = cell
            .chars()
            .filter(|c| *c != '.' && *c != ' ' && *c != '\u{a0}')
            .collect();
        Cow::Owned(without_groups.replace(',', "."))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CurrencyCode, Money};
    use proptest::prelude::*;

    fn minor_cell(minor: i64, decimals: u32, format: CsvFormat) -> String {
        let mut cell = String::new();
        write_minor_cell(&mut cell, minor, decimals, format);
        cell
    }

    #[test]
    fn formulas_are_neutralised_and_plain_text_is_left_alone() {
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell("+48 22"), "'+48 22");
        assert_eq!(text_cell("-5"), "'-5");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("\tx"), "'\tx");
        assert_eq!(text_cell("K2 Black Panther"), "K2 Black Panther");
        assert_eq!(text_cell("'quoted'"), "''quoted'");
        assert_eq!(text_from_cell("'=1+1"), "=1+1");
        assert_eq!(text_from_cell("'abc"), "'abc");
        assert_eq!(text_from_cell("''abc"), "'abc");
    }

    #[test]
    fn decimals_follow_the_format() {
        assert_eq!(decimal_cell("1234.50", CsvFormat::ExcelEurope), "1234,50");
        assert_eq!(decimal_cell("1234.50", CsvFormat::Excel), "1234.50");
        assert_eq!(
            decimal_from_cell("1.234,50", CsvFormat::ExcelEurope),
            "1234.50"
        );
        assert_eq!(
            decimal_from_cell("1234.50", CsvFormat::ExcelEurope),
            "1234.50"
        );
        assert_eq!(
            decimal_from_cell("1,234.50", CsvFormat::Standard),
            "1,234.50"
        );
    }

    #[test]
    fn the_separator_is_read_off_the_header() {
        assert_eq!(CsvFormat::sniff("a;b;c"), CsvFormat::ExcelEurope);
        assert_eq!(CsvFormat::sniff("a,b,c"), CsvFormat::Standard);
        assert_eq!(CsvFormat::sniff("a"), CsvFormat::Standard);
        for format in CsvFormat::ALL {
            assert_eq!(CsvFormat::parse(format.as_str()), Ok(format));
        }
        assert!(CsvFormat::parse("xlsx").is_err());
    }

    fn write_and_read(cells: &[String], format: CsvFormat) -> Vec<String> {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(format.separator())
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        writer
            .write_record(cells.iter().map(|c| text_cell(c).into_owned()))
            .unwrap();
        let bytes = writer.into_inner().unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(format.separator())
            .has_headers(false)
            .from_reader(bytes.as_slice());
        let record = reader.records().next().unwrap().unwrap();
        record
            .iter()
            .map(|c| text_from_cell(c).to_owned())
            .collect()
    }

    #[test]
    fn minor_cells_keep_leading_zeros_of_the_fraction() {
        assert_eq!(minor_cell(5, 2, CsvFormat::Standard), "0.05");
        assert_eq!(minor_cell(0, 2, CsvFormat::ExcelEurope), "0,00");
        assert_eq!(
            minor_cell(240_000_000_000, 2, CsvFormat::Standard),
            "2400000000.00"
        );
        assert_eq!(minor_cell(7, 0, CsvFormat::ExcelEurope), "7");
    }

    proptest! {
        #[test]
        fn text_survives_neutralising(text in any::<String>()) {
            let cell = text_cell(&text);
            prop_assert!(!cell.starts_with(FORMULA_STARTS));
            prop_assert_eq!(text_from_cell(&cell), text.as_str());
        }

        #[test]
        fn any_cells_survive_a_file_in_every_format(
            cells in proptest::collection::vec("[a-z;,\"'=+@ \\-\r\n\t]{0,12}|\\PC{0,8}", 1..6)
        ) {
            for format in CsvFormat::ALL {
                // A record of one empty cell is an empty line, which readers skip.
                if cells.len() == 1 && cells[0].is_empty() { continue; }
                prop_assert_eq!(write_and_read(&cells, format), cells.clone());
            }
        }

        #[test]
        fn minor_cells_match_the_decimal_cells(minor in 0_i64..=999_999_999_999_999, code in 0_usize..4) {
            let currency = CurrencyCode::parse(["USD", "KRW", "PLN", "JPY"][code]).unwrap();
            let plain = Money::from_minor(minor, currency).plain();
            for format in CsvFormat::ALL {
                prop_assert_eq!(
                    minor_cell(minor, currency.minor_units(), format),
                    decimal_cell(&plain, format).into_owned()
                );
            }
        }

        #[test]
        fn money_survives_its_decimal_cell(minor in 0_i64..=999_999_999_999_999, code in 0_usize..4) {
            let currency = ["USD", "KRW", "PLN", "JPY"][code];
            let currency = CurrencyCode::parse(currency).unwrap();
            let money = Money::from_minor(minor, currency);
            for format in CsvFormat::ALL {
                let cell = decimal_cell(&money.plain(), format).into_owned();
                let other_mark = if format.decimal_comma() { '.' } else { ',' };
                prop_assert!(!cell.contains(other_mark), "{} has {}", cell, other_mark);
                let back = Money::parse(&decimal_from_cell(&cell, format), currency).unwrap();
                prop_assert_eq!(back, money);
            }
        }
    }
}
