//! Numbers as people type them: digits grouped in thousands, and a decimal point.
//!
//! One reading for every amount, rate and quantity field. Separators are never guessed: a
//! Polish or German analyst types `1234,56` or `1.234,56` for 1234.56, an English one
//! `1,234.56`. Stripping every comma read `1234,56` as 123456, a hundred times the figure. So a
//! comma counts only as a thousands separator in well-formed groups (`1,234,567`), where no
//! decimal reading is possible for the money this tracker holds (two decimals at most); any
//! other comma, and points used as thousands separators, are refused with a message that says
//! how to write the number.

/// Which separators a field takes between groups of thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// Commas, spaces (also no-break and narrow no-break) or underscores: `1,234,567.50`.
    Thousands,
    /// Spaces and underscores only: a rate (`1,081` could be 1.081 or 1081, and rates are
    /// small numbers that need no grouping).
    NoCommas,
}

const SPACES: [char; 4] = [' ', '\u{a0}', '\u{202f}', '_'];

/// `input` as plain decimal text (`-1234.56`: an optional sign, digits, at most one point),
/// or the message for a separator that cannot be read for sure. Text that is not a number at
/// all (`3.37bn`) comes back as it is, for the caller's own "not a number" message.
pub fn plain_decimal(input: &str, grouping: Grouping) -> Result<String, String> {
    let text = input.trim();
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let points = unsigned.matches('.').count();
    let commas = unsigned.matches(',').count();
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    if commas > 0 && grouping == Grouping::NoCommas {
        return Err(format!(
            "“{text}” has a comma: write the number with a decimal point, e.g. {}.",
            unsigned.replace(',', ".")
        ));
    }
    if points > 1 {
        return Err(format!(
            "“{text}” has more than one point: write the decimals after one decimal point, and thousands with commas or spaces (1,234,567.50)."
        ));
    }
    if fraction.is_some_and(|f| f.contains(',') || f.contains(SPACES)) {
        return Err(format!(
            "“{text}” has a separator after its decimal point: the decimal separator is a point, thousands are separated by commas (1,234.56, not 1.234,56)."
        ));
    }
    let separated = whole.contains(',') || whole.contains(SPACES);
    if separated && !well_grouped(whole) {
        Err(if whole.contains(',') {
            format!(
                "“{text}” has a comma that is not between thousands: the decimal separator is a point (write 1234.56 or 1,234.56, not 1234,56)."
            )
        } else {
            format!(
                "“{text}” is not grouped in thousands: write the digits together, or in groups of three (1 234 567)."
            )
        })
    } else {
        let digits: String = whole
            .chars()
            .filter(|c| *c != ',' && !SPACES.contains(c))
            .collect();
        Ok(match fraction {
            Some(fraction) => format!("{sign}{digits}.{fraction}"),
            None => format!("{sign}{digits}"),
        })
    }
}

/// Whether `whole` is digits in groups of three after a first group of one to three, with one
/// kind of separator throughout (`1,234,567`, `1 234 567`).
fn well_grouped(whole: &str) -> bool {
    let Some(separator) = whole.chars().find(|c| *c == ',' || SPACES.contains(c)) else {
        return true;
    };
    let groups: Vec<&str> = whole.split(separator).collect();
    let digits = |g: &str| g.chars().all(|c| c.is_ascii_digit());
    groups.iter().all(|g| digits(g))
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<String, String> {
        plain_decimal(text, Grouping::Thousands)
    }

    #[test]
    fn grouped_thousands_and_a_decimal_point_are_read() {
        assert_eq!(read("3,370,000,000.50").unwrap(), "3370000000.50");
        assert_eq!(read("5 040 000 000 000").unwrap(), "5040000000000");
        assert_eq!(read("1\u{a0}234\u{a0}567").unwrap(), "1234567");
        assert_eq!(read("400,000").unwrap(), "400000");
        assert_eq!(read(" 1234.5 ").unwrap(), "1234.5");
        assert_eq!(read("-12").unwrap(), "-12");
        assert_eq!(
            read("3.37bn").unwrap(),
            "3.37bn",
            "left for the caller's message"
        );
    }

    #[test]
    fn a_separator_that_could_be_a_decimal_mark_is_refused() {
        for text in [
            "1234,56",
            "1,5",
            "0,25",
            "12,3456",
            "1.234,56",
            "1.234.567",
            "1,234,56",
            "1 234,56",
            "1,23.4",
            "1,234 567",
        ] {
            let message = read(text).expect_err(text);
            assert!(message.contains(text), "{text}: {message}");
            assert!(message.contains("point"), "{text}: {message}");
        }
        assert!(read("12 34").unwrap_err().contains("groups of three"));
        assert!(
            plain_decimal("1,0813", Grouping::NoCommas)
                .unwrap_err()
                .contains("1.0813")
        );
        assert!(plain_decimal("1,081", Grouping::NoCommas).is_err());
        assert_eq!(
            plain_decimal("0.000774", Grouping::NoCommas).unwrap(),
            "0.000774"
        );
    }
}
