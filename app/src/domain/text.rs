//! The one reading of free text, for every text field of every form, server function and CSV
//! import cell: what a person can see is what is stored.
//!
//! Control characters (NUL, escape, the C1 range…) are invisible on a page and break exports
//! and other programs that read the register; bidirectional overrides make a name read
//! differently from what it is. Both are refused with a message at the field, never dropped
//! silently. Line breaks are kept only where a field holds several lines.

/// Whether a field holds one line (names, titles) or several (notes, descriptions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// `input` trimmed, with its line breaks as `\n` (multi-line fields), or the message naming
/// the first character that cannot be stored.
pub fn clean(input: &str, lines: Lines) -> Result<String, String> {
    let text = input.trim();
    let text = match lines {
        Lines::Many => text.replace("\r\n", "\n").replace('\r', "\n"),
        Lines::One => text.to_owned(),
    };
    for c in text.chars() {
        let allowed = match (c, lines) {
            ('\n' | '\t', Lines::Many) => true,
            ('\n' | '\r', Lines::One) => {
                return Err(
                    "Keep this on one line: remove the line break (notes can have several lines)."
                        .into(),
                );
            }
            _ => !c.is_control() && !is_bidi_control(c),
        };
        if !allowed {
            return Err(format!(
                "Remove the invisible character {} from this field: it cannot be shown or exported.",
                code_point(c)
            ));
        }
    }
    Ok(text)
}

/// Characters that reorder the text around them (U+202A–U+202E, U+2066–U+2069): a name could
/// be shown as something else than what is stored.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `U+0000 (NUL)`, `U+001B`, `U+202E`.
fn code_point(c: char) -> String {
    let name = match c {
        '\0' => " (NUL)",
        '\t' => " (tab)",
        '\u{1b}' => " (escape)",
        _ => "",
    };
    format!("U+{:04X}{name}", c as u32)
}

/// Declares a text type of at most `$max` characters, read with [`clean`]: once one exists, it
/// fits its column and its form field's `maxlength` (both read the same constant).
macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $max:path, $lines:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            pub const MAX: usize = $max;

            /// The text as typed (trimmed), possibly empty.
            pub fn parse(input: &str) -> Result<Self, String> {
                let text = clean(input, $lines)?;
                let length = text.chars().count();
                if length > Self::MAX {
                    Err(format!(
                        "Use at most {} characters (this has {length}).",
                        Self::MAX
                    ))
                } else {
                    Ok(Self(text))
                }
            }

            /// The text, which must not be empty: `Enter the {what}.` otherwise.
            pub fn parse_required(input: &str, what: &str) -> Result<Self, String> {
                match Self::parse(input)? {
                    text if text.0.is_empty() => Err(format!("Enter the {what}.")),
                    text => Ok(text),
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

use super::limits;

bounded_text!(
    /// A deal's or a source's title ("K2 executive contract #2").
    Title, limits::TITLE_MAX, Lines::One
);
bounded_text!(
    /// The buying agency ("Armament Agency (Agencja Uzbrojenia)").
    Agency, limits::AGENCY_MAX, Lines::One
);
bounded_text!(
    /// What a figure includes ("net of VAT, incl. logistics and training").
    Basis, limits::BASIS_MAX, Lines::One
);
bounded_text!(
    /// Who published a source.
    Publisher, limits::PUBLISHER_MAX, Lines::One
);
bounded_text!(
    /// When a contract's deliveries are due, as sources word it ("2026–2027").
    DeliveryPeriod, limits::DELIVERY_PERIOD_MAX, Lines::One
);
bounded_text!(
    /// Several lines of prose: a contract's local production, a system's description.
    Prose, limits::PROSE_MAX, Lines::Many
);
bounded_text!(
    /// Notes on one line of a deal.
    LineNotes, limits::LINE_NOTES_MAX, Lines::Many
);
bounded_text!(
    /// A system's designation as it is sold ("K9A1").
    Designation, limits::DESIGNATION_MAX, Lines::One
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_and_named() {
        for (text, named) in [
            ("K2\0tank", "U+0000 (NUL)"),
            ("K9\u{1b}[31m", "U+001B"),
            ("a\u{7f}b", "U+007F"),
            ("c1\u{85}x", "U+0085"),
            ("evil\u{202e}gpj.exe", "U+202E"),
            ("tab\there", "U+0009 (tab)"),
        ] {
            let message = clean(text, Lines::One).unwrap_err();
            assert!(message.contains(named), "{text:?}: {message}");
        }
        assert!(clean("a\u{0}b", Lines::Many).unwrap_err().contains("NUL"));
        assert!(
            clean("two\nlines", Lines::One)
                .unwrap_err()
                .contains("one line")
        );
    }

    #[test]
    fn ordinary_text_and_notes_lines_are_kept() {
        assert_eq!(
            clean("  Bumar-Łabędy  ", Lines::One).unwrap(),
            "Bumar-Łabędy"
        );
        assert_eq!(
            clean("first\r\nsecond\rthird\ttabbed", Lines::Many).unwrap(),
            "first\nsecond\nthird\ttabbed"
        );
        assert_eq!(
            clean("한화 K9 자주포", Lines::One).unwrap(),
            "한화 K9 자주포"
        );
    }
}
