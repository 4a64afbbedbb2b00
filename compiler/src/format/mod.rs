//! The formatter: syntax trees back to canonical, readable `.hapolicy` text.
//!
//! `format_items` prints a tree whatever its spans (the importer builds trees whose spans mean
//! nothing): statements come in a fixed order (assignments, sets, ops; `when` before entries),
//! short assignment-only bodies go on their header's line, values are quoted only when they must
//! be (or when the tree says the admin quoted them).
//!
//! `format_source` reformats a file. The tree has no comments, so they are carried over by
//! position: a comment line before an item or a statement stays before it, a comment at the end
//! of a line stays at the end of the line that prints what came before it, and a comment that
//! cannot be placed (inside a multi-line condition or name list, say) goes right before the
//! statement or item it occurred in. No comment is ever dropped. Statements keep the order they
//! were written in, bodies and conditions written over several lines stay that way, and single
//! blank lines between statements and items are kept.
//!
//! Style: two-space indentation, one statement per line, one blank line between items (runs of
//! `node` items, and of one-line items with the same keyword, may stay together), lines wrapped
//! with `\` before a property and conditions broken before `and`/`or` when wider than 100
//! columns, trailing comments of consecutive lines aligned.

mod print;
mod test_block;
mod text;

use crate::diagnostics::Diagnostic;
use crate::syntax::ast::Item;
use print::{ItemOut, Kind, Line, Note, Printer};
use text::{Source, INDENT};

/// Prints syntax tree items as canonical text, without looking at their spans.
pub fn format_items<I: std::borrow::Borrow<Item>>(items: &[I]) -> String {
    let mut out = String::new();
    format_items_into(&mut out, items);
    out
}

/// [`format_items`], appending to `out`. Each item is printed and written before the next is
/// printed, so a large policy never holds its printed lines all at once.
pub fn format_items_into<I: std::borrow::Borrow<Item>>(out: &mut String, items: &[I]) {
    let printer = Printer::new(None);
    let mut renderer = Renderer::new(std::mem::take(out), false);
    for item in items {
        renderer.item(&printer.item(item.borrow()));
    }
    *out = renderer.finish(&[]);
}

/// Reformats a file, keeping its comments. A file with syntax errors is not formatted: its
/// errors are returned instead.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = crate::syntax::parse(text);
    if !parsed.errors.is_empty() {
        return Err(parsed.errors);
    }
    let source = Source::new(text);
    let printer = Printer::new(Some(&source));
    let mut outs: Vec<ItemOut> = parsed.items.iter().map(|item| printer.item(item)).collect();
    // Test blocks are not items but are printed among them, where they were written.
    outs.extend(parsed.tests.iter().map(|test| test_block::test_block(&source, test)));
    outs.sort_by_key(|out| out.start);
    for out in &mut outs {
        for line in &mut out.lines {
            line.blank_before = line.kind != Kind::Close && source.blank_before(line.start);
        }
    }
    let tail = place_comments(&source, &mut outs);
    let mut renderer = Renderer::new(String::new(), true);
    for out in &outs {
        renderer.item(out);
    }
    Ok(renderer.finish(&tail))
}

// ------------------------------------------------------------------ comments

/// Attaches every comment of the source to a line of output; returns those after the last item.
fn place_comments(source: &Source<'_>, outs: &mut [ItemOut]) -> Vec<Note> {
    let mut tail = Vec::new();
    for comment in &source.comments {
        let pos = comment.pos;
        let note = Note { text: comment.text.to_string(), blank_before: source.blank_before(pos) };
        // Items are in source order: `next` is the first one starting after the comment.
        let next = outs.partition_point(|o| o.start <= pos);
        let previous = next.checked_sub(1);
        if let Some(out) = previous.and_then(|i| outs.get_mut(i)) {
            if !comment.own_line {
                // At the end of a line: of the item that starts before it.
                place_trailing(source, &mut out.lines, pos, note);
                continue;
            }
            if pos < out.end {
                place_inside(&mut out.lines, pos, note);
                continue;
            }
        }
        match outs.get_mut(next).and_then(|o| o.lines.first_mut()) {
            Some(first) => first.leading.push(note),
            None => tail.push(note),
        }
    }
    tail
}

/// A comment on a line of its own inside an item.
fn place_inside(lines: &mut [Line], pos: u32, note: Note) {
    // Inside what one line prints (a condition or list over several lines): before that line.
    let containing = innermost(lines, |l| l.kind != Kind::Close && l.start < pos && pos < l.head_end);
    // Otherwise before the next thing in the source (possibly a closing brace).
    let index = containing.or_else(|| lines.iter().position(|l| l.start >= pos)).unwrap_or(0);
    if let Some(line) = lines.get_mut(index) {
        line.leading.push(note);
    }
}

/// A comment after code on its line: at the end of the output line printing the last construct
/// that ends on that line before it, else before the construct it occurred in.
fn place_trailing(source: &Source<'_>, lines: &mut [Line], pos: u32, note: Note) {
    let line_no = source.line_of(pos);
    let ending_here = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.head_end <= pos && source.line_of(l.head_end) == line_no)
        .max_by_key(|(i, l)| (l.head_end, *i))
        .map(|(i, _)| i);
    if let Some(line) = ending_here.and_then(|i| lines.get_mut(i)) {
        if line.trailing.is_none() {
            line.trailing = Some(note.text);
            return;
        }
    }
    let index = innermost(lines, |l| l.kind != Kind::Close && l.start <= pos && pos < l.end).unwrap_or(0);
    if let Some(line) = lines.get_mut(index) {
        line.leading.push(Note { blank_before: false, ..note });
    }
}

/// The line with the latest start among those matching `test`.
fn innermost(lines: &[Line], test: impl Fn(&Line) -> bool) -> Option<usize> {
    lines.iter().enumerate().filter(|(_, l)| test(l)).max_by_key(|(i, l)| (l.start, *i)).map(|(i, _)| i)
}

// ------------------------------------------------------------------ output

struct Writer {
    out: String,
    /// The last line written opened a body.
    after_open: bool,
}

impl Writer {
    fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn line(&mut self, indent: usize, text: &str) {
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.out.push_str(text);
        self.out.push('\n');
    }
}

/// Writes printed items one after the other, separating them as the style says.
struct Renderer {
    w: Writer,
    from_source: bool,
    /// The keyword of the item written last, and whether it took one line.
    prev: Option<(&'static str, bool)>,
}

impl Renderer {
    fn new(out: String, from_source: bool) -> Renderer {
        Renderer { w: Writer { out, after_open: false }, from_source, prev: None }
    }

    fn item(&mut self, out: &ItemOut) {
        let one_line = out.one_line();
        let separate = match self.prev {
            None => false,
            Some((keyword, prev_one_line)) => {
                let same_one_liners = keyword == out.keyword && prev_one_line && one_line;
                let nodes = self.from_source && keyword == "node" && out.keyword == "node";
                if same_one_liners || nodes {
                    self.from_source && first_blank(out)
                } else {
                    true
                }
            }
        };
        render_item(&mut self.w, out, separate);
        self.prev = Some((out.keyword, one_line));
    }

    /// The text, with the comments that follow the last item.
    fn finish(mut self, tail: &[Note]) -> String {
        for note in tail {
            if note.blank_before {
                self.w.blank();
            }
            self.w.line(0, &note.text);
        }
        self.w.out
    }
}

/// Whether the source had a blank line before the item (or its first comment).
fn first_blank(out: &ItemOut) -> bool {
    out.lines.first().is_some_and(|l| l.leading.first().map_or(l.blank_before, |n| n.blank_before))
}

fn render_item(w: &mut Writer, out: &ItemOut, separate: bool) {
    let columns = comment_columns(&out.lines);
    let mut first = true;
    for (i, line) in out.lines.iter().enumerate() {
        let note_indent = line.indent + if line.kind == Kind::Close { INDENT } else { 0 };
        for note in &line.leading {
            if if first { separate } else { note.blank_before && !w.after_open } {
                w.blank();
            }
            w.line(note_indent, &note.text);
            w.after_open = false;
            first = false;
        }
        let blank = if first { separate } else { line.blank_before && line.kind != Kind::Close && !w.after_open };
        if blank {
            w.blank();
        }
        first = false;
        match &line.trailing {
            Some(comment) => {
                let last_width = line.text.rsplit('\n').next().map_or(0, |l| l.chars().count());
                let code_end = if line.text.contains('\n') { last_width } else { line.indent + last_width };
                let column = columns.get(i).copied().flatten().unwrap_or(code_end + 2).max(code_end + 2);
                let text = format!("{}{}{comment}", line.text, " ".repeat(column - code_end));
                w.line(line.indent, &text);
            }
            None => w.line(line.indent, &line.text),
        }
        w.after_open = line.kind == Kind::Open;
    }
}

/// Trailing comments in a run of one-line statements at one indentation (not broken by a blank
/// line, a comment line or a nested body) share a column.
fn comment_columns(lines: &[Line]) -> Vec<Option<usize>> {
    let mut columns = vec![None; lines.len()];
    let member = |l: &Line| l.kind == Kind::Leaf && !l.text.contains('\n');
    let width = |l: &Line| l.indent + l.text.chars().count();
    let mut i = 0;
    while i < lines.len() {
        let Some(first) = lines.get(i).filter(|l| member(l)) else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while lines.get(j).is_some_and(|l| member(l) && l.indent == first.indent && l.leading.is_empty() && !l.blank_before) {
            j += 1;
        }
        let run = lines.get(i..j).unwrap_or(&[]);
        if let Some(column) = run.iter().filter(|l| l.trailing.is_some()).map(width).max() {
            for (slot, line) in columns.iter_mut().skip(i).zip(run) {
                if line.trailing.is_some() {
                    *slot = Some(column + 2);
                }
            }
        }
        i = j;
    }
    columns
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]
    use super::*;

    fn fmt(text: &str) -> String {
        match format_source(text) {
            Ok(out) => out,
            Err(errors) => panic!("syntax errors: {errors:?}"),
        }
    }

    #[test]
    fn messy_spacing_becomes_canonical() {
        let before = "primitive   a :ocf:heartbeat:Dummy   description=\"x y\"{fake=1;state=/tmp/x}\n\n\n\nnode n1\nnode n2 id=2\n";
        let after = "primitive a: ocf:heartbeat:Dummy description=\"x y\" { fake = 1; state = /tmp/x }\n\nnode n1\nnode n2 id=2\n";
        assert_eq!(fmt(before), after);
    }

    #[test]
    fn comments_stay_where_they_were() {
        let before = "# head\n\n# about a\nprimitive a: ocf:heartbeat:Dummy {   # header\n  # before fake\n  fake = 1 # one\n  op monitor interval=10s   # every ten seconds\n  meta {\n    target-role = Stopped\n    # last in meta\n  }\n  # last in body\n}  # after the item\n# end\n";
        let after = "# head\n\n# about a\nprimitive a: ocf:heartbeat:Dummy {  # header\n  # before fake\n  fake = 1                 # one\n  op monitor interval=10s  # every ten seconds\n  meta {\n    target-role = Stopped\n    # last in meta\n  }\n  # last in body\n}  # after the item\n# end\n";
        assert_eq!(fmt(before), after);
        assert_eq!(fmt(after), after);
    }

    #[test]
    fn test_blocks_and_their_comments_are_kept() {
        let before = "node n1\n# the scenario\ntest   \"moves\" {\n  given nodes n1 n2 online;  db running   on n1  # start\n\n  # now\n  when monitor 10s of db fails 3 times on n1\n  expect db running on n2\n}\nnode n2\n";
        let after = "node n1\n\n# the scenario\ntest \"moves\" {\n  given nodes n1 n2 online\n  given db running on n1  # start\n\n  # now\n  when monitor 10s of db fails 3 times on n1\n  expect db running on n2\n}\n\nnode n2\n";
        assert_eq!(fmt(before), after);
        assert_eq!(fmt(after), after);
    }

    #[test]
    fn nested_groups_keep_parentheses() {
        let text = "location l: a {\n  rule 100: x == 1 and (y == 2 or (z == 3 and w == 4))\n}\n";
        assert_eq!(fmt(text), text);
    }
}
