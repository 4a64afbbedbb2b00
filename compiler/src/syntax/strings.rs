//! Policy string literals: `quote` writes one, `unescape` reads one back (the text between the
//! quotes). The two are inverses; the formatter (which also prints imported policies) and the agent
//! library generator write strings through `quote`.

/// `text` as a quoted string literal, with the escapes `unescape` undoes.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// The text of a string literal's inside, escapes resolved.
pub(crate) fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_undoes_quote() {
        for text in ["plain", "a \"b\" \\ c\nd\te\rf", "", "\\", "ünïcode \u{7f}"] {
            let quoted = quote(text);
            let inside = quoted.get(1..quoted.len() - 1).unwrap_or_default();
            assert_eq!(unescape(inside), text);
        }
    }
}
