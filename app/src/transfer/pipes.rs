//! Lists inside one cell: a contract's sources and other figures, one per line, their fields
//! separated by ` | ` (`value | Ministry of National Defence | https://… | 2022-08-26`). A `|`,
//! `\` or line break inside a field is written `\|`, `\\`, `\n`.

/// One cell from records of fields.
pub fn join(records: &[Vec<String>]) -> String {
    records
        .iter()
        .map(|fields| {
            fields
                .iter()
                .map(|f| escape(f))
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn escape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    for c in field.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// The records of a cell, each with its fields trimmed (spaces around a field are layout; an
/// escaped line break is data); blank lines are skipped.
pub fn split(cell: &str) -> Vec<Vec<String>> {
    cell.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            // Split at the `|` that are not escaped, then trim and unescape each field.
            let mut fields = Vec::new();
            let mut start = 0;
            let mut escaped = false;
            for (i, c) in line.char_indices() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '|' => {
                        fields.push(unescape(line[start..i].trim()));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            fields.push(unescape(line[start..].trim()));
            fields
        })
        .collect()
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_what_a_person_types() {
        assert_eq!(
            split("value | Defence24 | https://x.pl | 2022-08\n\nrecord|Yonhap||"),
            vec![
                vec!["value", "Defence24", "https://x.pl", "2022-08"],
                vec!["record", "Yonhap", "", ""],
            ]
        );
    }

    proptest! {
        #[test]
        fn fields_survive_a_cell(records in proptest::collection::vec(
            proptest::collection::vec("[a-zé0-9|\\\\\n\r:/.-]([a-zé0-9 |\\\\\n\r:/.-]{0,10}[a-zé0-9|\\\\\n\r:/.-])?", 1..5), 0..4)
        ) {
            prop_assert_eq!(split(&join(&records)), records);
        }
    }
}
