//! Byte spans and the one place that turns them into lines and columns.

use serde::Serialize;

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start: clamp_u32(start), end: clamp_u32(end) }
    }

    pub fn shifted(self, by: usize) -> Span {
        Span::new(self.start as usize + by, self.end as usize + by)
    }

    /// The span `by` bytes further on (or back, when negative), as text moved by an edit.
    pub fn moved(self, by: i64) -> Span {
        let at = |n: u32| u32::try_from(i64::from(n) + by).unwrap_or(n);
        Span { start: at(self.start), end: at(self.end) }
    }

    pub fn cover(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A 1-based line and column; columns count characters (not bytes), as the JSON output promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Line starts of a text, for converting byte offsets to positions in O(log n).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        for_each_newline(text, |at| {
            starts.push(at + 1);
            true
        });
        LineIndex { starts }
    }

    /// The byte offset of every line's start, in order.
    pub fn starts(&self) -> &[usize] {
        &self.starts
    }

    /// The same, taken out of the index.
    pub fn into_starts(self) -> Vec<usize> {
        self.starts
    }

    /// The 1-based line and character column of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = text.get(start..offset).map_or(0, |s| s.chars().count());
        LineCol { line: clamp_u32(line + 1), column: clamp_u32(column + 1) }
    }

    /// The 0-based line and UTF-16 column of a byte offset (what LSP clients speak by default).
    pub fn line_utf16(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = text.get(start..offset).map_or(0, |s| s.encode_utf16().count());
        (clamp_u32(line), clamp_u32(column))
    }
}

/// What `LineIndex::offset` gives, without indexing the whole text: it scans the text only up to
/// the line (for an editor's single change to a large file).
pub fn offset_of_position(text: &str, line: u32, column: u32, utf16: bool) -> usize {
    let start = match line {
        0 => 0,
        _ => match nth_newline(text, line as usize - 1) {
            Some(newline) => newline + 1,
            None => return text.len(),
        },
    };
    let end = text.get(start..).and_then(|rest| rest.find('\n')).map_or(text.len(), |n| start + n);
    offset_in_line(text, start, end, column, utf16)
}

/// Calls `found` with the offset of each `\n` in order, until it returns false. A large file's
/// lines are short, so searching for each newline in turn costs a call per line; this looks at
/// 64 bytes at a time instead, as a bit mask the compiler can build with vector instructions.
fn for_each_newline(text: &str, mut found: impl FnMut(usize) -> bool) {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    let mut blocks = bytes.chunks_exact(BLOCK);
    let mut base = 0;
    for block in blocks.by_ref() {
        let mut mask = block.iter().enumerate().fold(0u64, |mask, (i, &b)| mask | (u64::from(b == b'\n') << i));
        while mask != 0 {
            if !found(base + mask.trailing_zeros() as usize) {
                return;
            }
            mask &= mask - 1;
        }
        base += BLOCK;
    }
    for (i, &b) in blocks.remainder().iter().enumerate() {
        if b == b'\n' && !found(base + i) {
            return;
        }
    }
}

/// The offset of the `n`th `\n` (from 0), if the text has that many. Whole blocks are counted,
/// not searched, until the one holding it.
fn nth_newline(text: &str, n: usize) -> Option<usize> {
    const BLOCK: usize = 4096;
    let bytes = text.as_bytes();
    let (mut base, mut seen) = (0, 0);
    for block in bytes.chunks(BLOCK) {
        let count = block.iter().filter(|&&b| b == b'\n').count();
        if seen + count > n {
            break;
        }
        seen += count;
        base += block.len();
    }
    let rest = text.get(base..)?;
    let mut at = None;
    for_each_newline(rest, |i| {
        if seen == n {
            at = Some(base + i);
            return false;
        }
        seen += 1;
        true
    });
    at
}

/// The byte offset of a column of the line `start..end` (without its newline).
fn offset_in_line(text: &str, start: usize, end: usize, column: u32, utf16: bool) -> usize {
    let line_text = text.get(start..end).unwrap_or("");
    let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
    if !utf16 {
        let mut col = (column as usize).min(line_text.len());
        while !line_text.is_char_boundary(col) {
            col -= 1;
        }
        return start + col;
    }
    let mut units = 0u32;
    for (i, c) in line_text.char_indices() {
        if units >= column {
            return start + i;
        }
        units += u32::try_from(c.len_utf16()).unwrap_or(2);
    }
    start + line_text.len()
}

impl LineIndex {
    /// The byte offset of a 0-based line and column, the column counted in UTF-16 code units
    /// (`utf16`) or bytes; positions past a line's end clamp to it, past the text to its end.
    pub fn offset(&self, text: &str, line: u32, column: u32, utf16: bool) -> usize {
        let Some(&start) = self.starts.get(line as usize) else { return text.len() };
        let end = self.starts.get(line as usize + 1).map_or(text.len(), |&next| next.saturating_sub(1));
        offset_in_line(text, start, end, column, utf16)
    }

    /// The 0-based line and column (UTF-16 units or bytes) of a byte offset.
    pub fn position(&self, text: &str, offset: usize, utf16: bool) -> (u32, u32) {
        if utf16 {
            return self.line_utf16(text, offset);
        }
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        (clamp_u32(line), clamp_u32(offset - start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "ab\nçé x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), LineCol { line: 1, column: 1 });
        let x = text.find('x').unwrap_or(0);
        assert_eq!(index.line_col(text, x), LineCol { line: 2, column: 4 });
        assert_eq!(index.line_utf16(text, x), (1, 3));
        assert_eq!(index.offset(text, 1, 3, true), x);
        assert_eq!(index.offset(text, 1, 5, false), x);
        assert_eq!(index.position(text, x, false), (1, 5));
        assert_eq!(index.offset(text, 9, 0, true), text.len());
        assert_eq!(index.offset(text, 0, 99, true), 2);
    }

    /// Without an index, every position gives the offset the index gives.
    #[test]
    fn offsets_without_an_index_match_the_index() {
        let text = "ab\r\nçé x\n\n🙂y\nlast";
        let index = LineIndex::new(text);
        for line in 0..7 {
            for column in 0..8 {
                for utf16 in [true, false] {
                    assert_eq!(offset_of_position(text, line, column, utf16), index.offset(text, line, column, utf16), "{line}:{column} {utf16}");
                }
            }
        }
    }

    /// Newlines are found by blocks of bytes: lines of every length, across the blocks' edges.
    #[test]
    fn newlines_are_found_across_block_edges() {
        let mut text = String::new();
        for n in 0..400 {
            text.extend(std::iter::repeat_n('x', n * 7 % 131));
            text.push(if n % 5 == 0 { 'é' } else { 'y' });
            text.push('\n');
        }
        text.push_str("tail");
        let expected: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        assert_eq!(LineIndex::new(&text).starts(), expected.as_slice());
        for (line, &start) in expected.iter().enumerate() {
            assert_eq!(offset_of_position(&text, u32::try_from(line).unwrap_or(u32::MAX), 0, true), start, "line {line}");
        }
        assert_eq!(offset_of_position(&text, 401, 0, true), text.len(), "past the last line");
    }
}
