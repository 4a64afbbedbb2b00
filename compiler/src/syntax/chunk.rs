//! Splits a file into top-level item chunks without parsing it.
//!
//! A chunk starts at a line whose first word is an item keyword, when that line is at bracket
//! depth zero or starts at column 0 (so a missing `}` costs one item, not the rest of the file).
//! Strings and comments are skipped so that braces inside them do not count.

use crate::span::Span;

/// The keywords that start a top-level item.
pub const ITEM_KEYWORDS: &[&str] = &[
    "cluster",
    "op-defaults",
    "rsc-defaults",
    "node",
    "primitive",
    "template",
    "group",
    "clone",
    "promotable",
    "bundle",
    "location",
    "colocation",
    "order",
    "ticket",
    "tag",
    "alert",
    "fencing-level",
    "acl-role",
    "acl-user",
    "acl-group",
    "agent",
    "xml",
    // Not configuration: a policy test (`ParsedFile::tests`).
    "test",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub span: Span,
    /// False for leading text that is not an item (reported as such).
    pub starts_with_keyword: bool,
}

/// The bytes the scanner acts on outside strings, as a table: one load per byte of the file.
#[allow(clippy::indexing_slicing, reason = "evaluated at compile time: an index out of range fails the build, not a run")]
static STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = *b"\"#<{[(}])";
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

fn is_structural(b: u8) -> bool {
    STRUCTURAL.get(usize::from(b)).copied().unwrap_or(false)
}

fn starts_item(line: &str) -> bool {
    let word_end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(line.len());
    let word = line.get(..word_end).unwrap_or("");
    ITEM_KEYWORDS.contains(&word)
}

/// The item chunks of a file, in order. Blank lines and comments between items belong to the
/// chunk before them; text before the first item forms a chunk of its own only if it is not blank.
pub fn chunks(text: &str) -> Vec<Chunk> {
    let mut starts: Vec<(usize, bool)> = Vec::new();
    let mut depth: i64 = 0;
    let mut in_string = false;
    let mut offset = 0;
    let mut first_content: Option<usize> = None;
    let mut continued = false;
    // Inside an `xml <<< ... >>>` block nothing is syntax until `>>>`.
    let mut in_raw = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if in_raw {
            if line.contains(">>>") {
                in_raw = false;
            }
            offset += line.len();
            continue;
        }
        if !in_string && !trimmed.is_empty() && !trimmed.starts_with('#') {
            if first_content.is_none() {
                first_content = Some(offset + indent);
            }
            if (depth <= 0 || indent == 0) && starts_item(trimmed) {
                starts.push((offset + indent, true));
                depth = 0;
            } else if depth <= 0 && !continued && !starts.is_empty() && !trimmed.starts_with(['}', ']', ')']) {
                // Text outside any item (a misspelt keyword, say) is a chunk of its own, so the
                // item before it is not blamed for it.
                starts.push((offset + indent, false));
            }
        }
        continued = line.trim_end().ends_with('\\');
        // Track brackets and strings on this line. Bytes, not chars: every character that
        // matters is ASCII, and UTF-8 continuation bytes never equal one. Runs of other bytes
        // are skipped in one step (this scan runs over the whole file on every edit).
        let bytes = line.as_bytes();
        let mut i = 0;
        loop {
            let rest = bytes.get(i..).unwrap_or_default();
            let skip = if in_string { rest.iter().position(|b| matches!(b, b'\\' | b'"')) } else { rest.iter().position(|&b| is_structural(b)) };
            let Some(skip) = skip else { break };
            i += skip;
            let Some(&b) = bytes.get(i) else { break };
            i += 1;
            if in_string {
                match b {
                    b'\\' => i += 1,
                    _ => in_string = false,
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'#' => break,
                b'<' if bytes.get(i - 1..i + 2) == Some(b"<<<") => {
                    // The block may close on the same line.
                    in_raw = !line.get(i + 2..).is_some_and(|rest| rest.contains(">>>"));
                    break;
                }
                b'{' | b'[' | b'(' => depth += 1,
                b'}' | b']' | b')' => depth -= 1,
                _ => {}
            }
        }
        offset += line.len();
    }
    let mut result = Vec::new();
    if let Some(first) = first_content {
        let first_item = starts.first().map_or(text.len(), |s| s.0);
        if first < first_item {
            result.push(Chunk { span: Span::new(first, first_item), starts_with_keyword: false });
        }
    }
    for (i, &(start, keyword)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(text.len(), |s| s.0);
        result.push(Chunk { span: Span::new(start, end), starts_with_keyword: keyword });
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_inside_bodies_do_not_split() {
        let text = "primitive a: ocf:heartbeat:Dummy {\n  op monitor interval=10s\n}\ngroup g [a]\n";
        let spans: Vec<_> = chunks(text).into_iter().map(|c| c.span).collect();
        assert_eq!(spans.len(), 2);
    }

    #[test]
    fn a_missing_brace_costs_one_item() {
        let text = "primitive a: ocf:heartbeat:Dummy {\n  op monitor interval=10s\nprimitive b: ocf:heartbeat:Dummy\n";
        assert_eq!(chunks(text).len(), 2);
    }

    #[test]
    fn a_misspelt_keyword_does_not_swallow_the_item_before_it() {
        let text = "primitive a: ocf:heartbeat:Dummy\nprimitve b: ocf:heartbeat:Dummy\n";
        let found: Vec<bool> = chunks(text).into_iter().map(|c| c.starts_with_keyword).collect();
        assert_eq!(found, vec![true, false]);
    }

    #[test]
    fn raw_xml_is_one_chunk() {
        let text = "xml <<<\n<group id=\"g\">\n  <primitive id=\"p\"/>\n</group>\n>>>\nnode n1\n";
        assert_eq!(chunks(text).len(), 2);
    }

    #[test]
    fn braces_in_strings_and_comments_are_ignored() {
        let text = "primitive a: ocf:heartbeat:Dummy { fake = \"{\" # {\n}\nnode n1\n";
        assert_eq!(chunks(text).len(), 2);
    }
}
