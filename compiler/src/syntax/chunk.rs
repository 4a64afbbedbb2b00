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

/// The scanner's state between lines. At a line that starts an item it is the same whatever
/// came before (brackets are counted from zero again), which is what lets an edit be rescanned
/// from the item before it and stop at the first item start after it.
struct Scanner {
    starts: Vec<(usize, bool)>,
    depth: i64,
    in_string: bool,
    /// Inside an `xml <<< ... >>>` block nothing is syntax until `>>>`.
    in_raw: bool,
    /// The previous line ended with `\`.
    continued: bool,
    /// Some item start came before the first line scanned.
    after_item: bool,
    first_content: Option<usize>,
}

impl Scanner {
    fn new(after_item: bool) -> Scanner {
        Scanner { starts: Vec::new(), depth: 0, in_string: false, in_raw: false, continued: false, after_item, first_content: None }
    }

    /// Scans one line (with its `\n`) that starts at `offset`.
    fn line(&mut self, line: &str, offset: usize) {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if self.in_raw {
            if line.contains(">>>") {
                self.in_raw = false;
            }
            return;
        }
        if !self.in_string && !trimmed.is_empty() && !trimmed.starts_with('#') {
            if self.first_content.is_none() {
                self.first_content = Some(offset + indent);
            }
            if (self.depth <= 0 || indent == 0) && starts_item(trimmed) {
                self.starts.push((offset + indent, true));
                self.depth = 0;
            } else if self.depth <= 0 && !self.continued && (self.after_item || !self.starts.is_empty()) && !trimmed.starts_with(['}', ']', ')']) {
                // Text outside any item (a misspelt keyword, say) is a chunk of its own, so the
                // item before it is not blamed for it.
                self.starts.push((offset + indent, false));
            }
        }
        self.continued = line.trim_end().ends_with('\\');
        // Track brackets and strings on this line. Bytes, not chars: every character that
        // matters is ASCII, and UTF-8 continuation bytes never equal one. Runs of other bytes
        // are skipped in one step.
        let bytes = line.as_bytes();
        let mut i = 0;
        loop {
            let rest = bytes.get(i..).unwrap_or_default();
            let skip = if self.in_string { rest.iter().position(|b| matches!(b, b'\\' | b'"')) } else { rest.iter().position(|&b| is_structural(b)) };
            let Some(skip) = skip else { break };
            i += skip;
            let Some(&b) = bytes.get(i) else { break };
            i += 1;
            if self.in_string {
                match b {
                    b'\\' => i += 1,
                    _ => self.in_string = false,
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'#' => break,
                b'<' if bytes.get(i - 1..i + 2) == Some(b"<<<") => {
                    // The block may close on the same line.
                    self.in_raw = !line.get(i + 2..).is_some_and(|rest| rest.contains(">>>"));
                    break;
                }
                b'{' | b'[' | b'(' => self.depth += 1,
                b'}' | b']' | b')' => self.depth -= 1,
                _ => {}
            }
        }
    }
}

/// Each chunk ends where the next starts; the last at `end`.
fn chunks_between(starts: &[(usize, bool)], end: usize, out: &mut Vec<Chunk>) {
    for (i, &(start, keyword)) in starts.iter().enumerate() {
        let next = starts.get(i + 1).map_or(end, |s| s.0);
        out.push(Chunk { span: Span::new(start, next), starts_with_keyword: keyword });
    }
}

/// The item chunks of a file, in order. Blank lines and comments between items belong to the
/// chunk before them; text before the first item forms a chunk of its own only if it is not blank.
pub fn chunks(text: &str) -> Vec<Chunk> {
    let mut scanner = Scanner::new(false);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        scanner.line(line, offset);
        offset += line.len();
    }
    let mut result = Vec::with_capacity(scanner.starts.len() + 1);
    if let Some(first) = scanner.first_content {
        let first_item = scanner.starts.first().map_or(text.len(), |s| s.0);
        if first < first_item {
            result.push(Chunk { span: Span::new(first, first_item), starts_with_keyword: false });
        }
    }
    chunks_between(&scanner.starts, text.len(), &mut result);
    result
}

/// What an edit changed, as the longest common prefix and suffix of the two texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextChange {
    /// Bytes equal at the start of both texts.
    pub prefix: usize,
    /// Bytes equal at the end of both texts (not overlapping the prefix in either).
    pub suffix: usize,
}

impl TextChange {
    pub fn between(old: &str, new: &str) -> TextChange {
        let (old, new) = (old.as_bytes(), new.as_bytes());
        // Compared a block at a time (a block compare is one memcmp), then byte by byte.
        const BLOCK: usize = 256;
        let most = old.len().min(new.len());
        let mut prefix = 0;
        while prefix + BLOCK <= most && old.get(prefix..prefix + BLOCK) == new.get(prefix..prefix + BLOCK) {
            prefix += BLOCK;
        }
        while prefix < most && old.get(prefix) == new.get(prefix) {
            prefix += 1;
        }
        let most = most - prefix;
        let mut suffix = 0;
        while suffix + BLOCK <= most && old.get(old.len() - suffix - BLOCK..old.len() - suffix) == new.get(new.len() - suffix - BLOCK..new.len() - suffix) {
            suffix += BLOCK;
        }
        while suffix < most && old.get(old.len() - suffix - 1) == new.get(new.len() - suffix - 1) {
            suffix += 1;
        }
        TextChange { prefix, suffix }
    }
}

/// The chunks of `new`, given that `old_chunks` are the chunks of `old` and `change` is
/// `TextChange::between(old, new)`: the same as
/// `chunks(new)`, but only the lines from the item before the change to the first item start
/// after it are scanned. Chunks before the change are kept; chunks after it are moved by the
/// change in length.
pub fn chunks_after_edit(old: &str, old_chunks: &[Chunk], new: &str, change: TextChange) -> Vec<Chunk> {
    if change.prefix == old.len() && old.len() == new.len() {
        return old_chunks.to_vec();
    }
    // The first line the edit touches; an item starting on an earlier line starts there still.
    let edit_line = new.get(..change.prefix).and_then(|before| before.rfind('\n')).map_or(0, |i| i + 1);
    let Some(restart) = old_chunks.iter().rposition(|c| c.starts_with_keyword && (c.span.start as usize) < edit_line) else { return chunks(new) };
    let Some(from) = old_chunks.get(restart).map(|c| c.span.start as usize) else { return chunks(new) };
    let from_line = new.get(..from).and_then(|before| before.rfind('\n')).map_or(0, |i| i + 1);
    let unchanged_from = new.len() - change.suffix;
    let mut result: Vec<Chunk> = old_chunks.get(..restart).unwrap_or_default().to_vec();
    let mut scanner = Scanner::new(true);
    let mut offset = from_line;
    for line in new.get(from_line..).unwrap_or_default().split_inclusive('\n') {
        let before = scanner.starts.len();
        scanner.line(line, offset);
        // An item start wholly in the unchanged tail, where the old text had one too: from
        // here on the scan would repeat the old one.
        if offset >= unchanged_from && scanner.starts.len() > before {
            if let Some(&(start, true)) = scanner.starts.last() {
                let old_start = start + old.len() - new.len();
                if let Ok(same) = old_chunks.binary_search_by_key(&old_start, |c| c.span.start as usize) {
                    if old_chunks.get(same).is_some_and(|c| c.starts_with_keyword) {
                        scanner.starts.pop();
                        chunks_between(&scanner.starts, start, &mut result);
                        let moved = old_chunks.get(same..).unwrap_or_default().iter().map(|c| Chunk {
                            span: Span::new(c.span.start as usize + new.len() - old.len(), c.span.end as usize + new.len() - old.len()),
                            starts_with_keyword: c.starts_with_keyword,
                        });
                        result.extend(moved);
                        return result;
                    }
                }
            }
        }
        offset += line.len();
    }
    chunks_between(&scanner.starts, new.len(), &mut result);
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

    /// Rescanning only around an edit gives the chunks a full scan gives, whatever the edit
    /// opens or closes: strings, brackets, raw blocks, comments, continued lines, item keywords.
    #[test]
    fn rescanning_around_an_edit_equals_scanning_everything() {
        let base = concat!(
            "# leading comment\n",
            "cluster { stonith-enabled = false }\n",
            "primitive a: ocf:heartbeat:Dummy {\n  op monitor interval=10s timeout=\"{x\"\n}\n\n",
            "group g [a]\n",
            "xml <<<\n<primitive id=\"p\"/>\nprimitive in-raw\n>>>\n",
            "primitive b: ocf:heartbeat:Dummy \\\n  meta target-role=Started\n",
            "  primitve c: ocf:heartbeat:Dummy\n",
            "location l a {\n  rule 100: #uname eq n1\n}\n",
            "order o a then b\n",
        );
        let pieces = ["\"", "{", "}", "[", "]", "\n", "xml <<<", ">>>", "#", "\\\n", "primitive z: ocf:heartbeat:Dummy\n", "  ", "é", "x"];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        let mut text = base.to_string();
        let mut found = chunks(&text);
        for _ in 0..3000 {
            if text.len() > 4 * base.len() {
                text = base.to_string();
                found = chunks(&text);
            }
            let mut at = next(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + next(12)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let insert = if next(3) == 0 { "" } else { pieces.get(next(pieces.len())).copied().unwrap_or("") };
            let mut edited = text.clone();
            edited.replace_range(at..end, insert);
            let incremental = chunks_after_edit(&text, &found, &edited, TextChange::between(&text, &edited));
            assert_eq!(incremental, chunks(&edited), "after replacing {at}..{end} with {insert:?} in:\n{text}");
            text = edited;
            found = incremental;
        }
    }

    #[test]
    fn the_change_between_two_texts() {
        assert_eq!(TextChange::between("abcXdef", "abcYYdef"), TextChange { prefix: 3, suffix: 3 });
        assert_eq!(TextChange::between("aaaa", "aa"), TextChange { prefix: 2, suffix: 0 });
        let long = "x".repeat(1000);
        assert_eq!(TextChange::between(&long, &long), TextChange { prefix: 1000, suffix: 0 });
    }

    #[test]
    fn braces_in_strings_and_comments_are_ignored() {
        let text = "primitive a: ocf:heartbeat:Dummy { fake = \"{\" # {\n}\nnode n1\n";
        assert_eq!(chunks(text).len(), 2);
    }
}
