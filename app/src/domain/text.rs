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
