//! Lexical helpers: which texts may stand bare in which position, quoting, and the comments and
//! blank lines of the original text.

/// The widest line the formatter writes on purpose (longer lines are wrapped where the grammar
/// allows it, or left long where it does not).
pub(crate) const MAX_WIDTH: usize = 100;
/// One level of indentation.
pub(crate) const INDENT: usize = 2;

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// The grammar's bare `word`: non-empty, none of the characters that separate tokens. A trailing
/// `\` is refused too, since before a newline it would read as a line continuation.
pub(crate) fn is_word(text: &str) -> bool {
    !text.is_empty()
        && !text.ends_with('\\')
        && !text.chars().any(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | ';' | ',' | '{' | '}' | '[' | ']' | '(' | ')' | '"' | '#' | '=' | '<' | '>' | '!'))
}

/// The grammar's `name` (and `key_plain`): a letter or `_`, then letters, digits, `_`, `-`, `.`.
pub(crate) fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_') && chars.all(is_word_char)
}

/// The grammar's `key`: a name that may also contain `:`.
pub(crate) fn is_key(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_') && chars.all(|c| is_word_char(c) || c == ':')
}

/// The grammar's `builtin_attr`: `$` followed by a name.
pub(crate) fn is_builtin(text: &str) -> bool {
    text.strip_prefix('$').is_some_and(is_name)
}

/// The grammar's `rule_word` (values of a location rule's properties).
pub(crate) fn is_rule_word(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$' | '+'))
}

/// True if `text` starts with `keyword` as a whole word (what the grammar's `kw_*` rules match).
pub(crate) fn starts_with_keyword(text: &str, keyword: &str) -> bool {
    text.strip_prefix(keyword).is_some_and(|rest| !rest.starts_with(is_word_char))
}

pub(crate) use crate::syntax::quote;

/// A `#` comment of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comment {
    /// Byte offset of the `#`.
    pub pos: u32,
    /// The comment from `#` to the end of its line, without trailing whitespace.
    pub text: String,
    /// Nothing but whitespace before it on its line.
    pub own_line: bool,
}

/// The original text of a file being reformatted: its comments and line structure.
pub(crate) struct Source<'a> {
    pub text: &'a str,
    pub comments: Vec<Comment>,
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    pub(crate) fn new(text: &'a str) -> Source<'a> {
        let line_starts = crate::span::LineIndex::new(text).into_starts();
        Source { text, comments: scan_comments(text), line_starts }
    }

    /// The 0-based line of a byte offset.
    pub(crate) fn line_of(&self, pos: u32) -> usize {
        self.line_starts.partition_point(|&s| s <= pos as usize).saturating_sub(1)
    }

    /// True if a comment starts in `start..end`.
    pub(crate) fn has_comment_in(&self, start: u32, end: u32) -> bool {
        let first = self.comments.partition_point(|c| c.pos < start);
        self.comments.get(first).is_some_and(|c| c.pos < end)
    }

    /// True if `start..end` of the original spans more than one line.
    pub(crate) fn spans_lines(&self, start: u32, end: u32) -> bool {
        self.text.get(start as usize..end as usize).is_none_or(|s| s.contains('\n'))
    }

    /// `end` moved back over the whitespace, line continuations and comment that a pest rule
    /// ending in an optional part takes in after its last token.
    pub(crate) fn trim_end(&self, start: u32, end: u32) -> u32 {
        let mut end = end.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        loop {
            let Some(before) = self.text.get(start as usize..end as usize) else {
                return end;
            };
            let trimmed = before.trim_end_matches([' ', '\t', '\r']);
            let trimmed = trimmed.strip_suffix("\\\n").or_else(|| trimmed.strip_suffix("\\\r\n")).unwrap_or(trimmed);
            let mut new_end = start + u32::try_from(trimmed.len()).unwrap_or(0);
            // A comment that runs up to the end.
            let before_end = self.comments.partition_point(|c| c.pos < new_end);
            if let Some(c) = before_end.checked_sub(1).and_then(|i| self.comments.get(i)) {
                if c.pos >= start && c.pos as usize + c.text.len() >= new_end as usize {
                    new_end = c.pos;
                }
            }
            if new_end == end {
                return end;
            }
            end = new_end;
        }
    }

    /// True if the whitespace right before `pos` holds an empty line.
    pub(crate) fn blank_before(&self, pos: u32) -> bool {
        let Some(before) = self.text.get(..pos as usize) else {
            return false;
        };
        let mut newlines = 0;
        for c in before.chars().rev() {
            match c {
                '\n' => newlines += 1,
                ' ' | '\t' | '\r' => {}
                _ => break,
            }
        }
        newlines >= 2
    }

    /// The offset just after the `{` that opens the body of the construct starting at `start`:
    /// the first `{` outside strings and comments (headers hold no braces of their own).
    pub(crate) fn body_open(&self, start: u32, end: u32) -> Option<u32> {
        let text = self.text.get(start as usize..end as usize)?;
        let (i, _) = crate::syntax::code_chars(text).find(|&(_, c)| c == '{')?;
        u32::try_from(start as usize + i + 1).ok()
    }

    /// Where the keyword `keyword` before `pos` starts (only whitespace between them), or `pos`.
    pub(crate) fn keyword_before(&self, pos: u32, keyword: &str) -> u32 {
        let Some(before) = self.text.get(..pos as usize) else {
            return pos;
        };
        let trimmed = before.trim_end_matches([' ', '\t']);
        match trimmed.strip_suffix(keyword) {
            Some(rest) if !rest.ends_with(is_word_char) => u32::try_from(rest.len()).unwrap_or(pos),
            _ => pos,
        }
    }
}

/// Every `#` comment outside quoted strings, in order.
pub(crate) fn scan_comments(text: &str) -> Vec<Comment> {
    let mut comments = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut line_start = 0usize;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            if c == '\n' {
                line_start = i + 1;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '\n' => line_start = i + 1,
            '#' => {
                let rest = text.get(i..).unwrap_or("");
                let len = rest.find('\n').unwrap_or(rest.len());
                let body = rest.get(..len).unwrap_or("").trim_end();
                let own_line = text.get(line_start..i).is_some_and(|s| s.trim().is_empty());
                comments.push(Comment { pos: u32::try_from(i).unwrap_or(u32::MAX), text: body.to_string(), own_line });
                // Skip to the end of the line; the newline itself starts the next line.
                for (j, d) in chars.by_ref() {
                    if d == '\n' {
                        line_start = j + 1;
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    comments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_quotes() {
        assert!(is_word("192.0.2.1"));
        assert!(is_word("ocf:heartbeat:IPaddr2"));
        assert!(!is_word("a b"));
        assert!(!is_word(""));
        assert!(!is_word("rw,Z"));
        assert!(!is_word("x\\"));
        assert_eq!(quote("a \"b\" \\ c\nd\te"), "\"a \\\"b\\\" \\\\ c\\nd\\te\"");
    }

    #[test]
    fn comments_skip_strings() {
        let text = "a = \"x # y\" # real\n  # own\nb = \"multi\nline # not\" # two\n";
        let found: Vec<(String, bool)> = scan_comments(text).into_iter().map(|c| (c.text, c.own_line)).collect();
        assert_eq!(found, vec![("# real".to_string(), false), ("# own".to_string(), true), ("# two".to_string(), false)]);
    }

    #[test]
    fn keyword_before_finds_the_keyword() {
        let source = Source::new("  when a == 1");
        assert_eq!(source.keyword_before(7, "when"), 2);
        assert_eq!(source.keyword_before(2, "when"), 2);
    }
}
