//! Text to syntax tree: pure and total.
//!
//! `parse` never fails: a file is split into item chunks by a scanner that knows strings and
//! comments, each chunk is parsed on its own, and a chunk that does not parse becomes one
//! diagnostic while the other items carry on (pest has no error recovery of its own).

pub mod ast;
mod chunk;
mod errors;
mod lower;
pub mod names;
mod shift;
mod strings;

use hapolicy_grammar::pest::Parser;
use hapolicy_grammar::{HapolicyParser, Rule};

use crate::diagnostics::{codes, Diagnostic};
use crate::span::Span;
pub use chunk::{chunks, chunks_after_edit, Chunk, TextChange, ITEM_KEYWORDS};
pub use shift::{ItemOrigin, Moves, Shift};
pub use strings::quote;
pub(crate) use strings::unescape;

/// The result of parsing one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedFile {
    pub items: Vec<std::sync::Arc<ast::Item>>,
    pub errors: Vec<Diagnostic>,
    /// The file's `test` blocks, kept apart from the configuration items.
    pub tests: Vec<std::sync::Arc<ast::TestBlock>>,
}

/// Parses a whole file, recovering at every top-level item.
pub fn parse(text: &str) -> ParsedFile {
    let chunks = chunks(text);
    // Items parse independently: large files are split across two threads (the machines this
    // runs on in CI have two cores); the result is the same, in the same order.
    const PARALLEL_FROM: usize = 2_000;
    let (test_chunks, chunks): (Vec<Chunk>, Vec<Chunk>) = chunks.into_iter().partition(|c| is_test_chunk(text, c));
    // Each thread makes its items shared as it parses them: no vector of every item by value,
    // copied again into its `Arc`.
    let parse_all = |chunks: &[Chunk]| {
        let mut items = Vec::with_capacity(chunks.len());
        let mut errors = Vec::new();
        for chunk in chunks {
            match parse_item(text, chunk) {
                Ok(item) => items.push(std::sync::Arc::new(item)),
                Err(diagnostic) => errors.push(diagnostic),
            }
        }
        (items, errors)
    };
    let (mut items, mut errors) = if chunks.len() >= PARALLEL_FROM {
        let (first, second) = chunks.split_at(chunks.len() / 2);
        std::thread::scope(|scope| {
            let other = scope.spawn(|| parse_all(second));
            let (mut items, mut errors) = parse_all(first);
            // The worker cannot panic in practice; if it did, parse its half here.
            let (rest, rest_errors) = other.join().unwrap_or_else(|_| parse_all(second));
            items.reserve_exact(rest.len());
            items.extend(rest);
            errors.extend(rest_errors);
            (items, errors)
        })
    } else {
        parse_all(&chunks)
    };
    // Chunks that failed to parse left room for an item.
    items.shrink_to_fit();
    let mut tests = Vec::new();
    for chunk in &test_chunks {
        match parse_test(text, chunk) {
            Ok(test) => tests.push(std::sync::Arc::new(test)),
            Err(diagnostic) => errors.push(diagnostic),
        }
    }
    errors.sort_by_key(|d| d.span.start);
    ParsedFile { items, errors, tests }
}

/// Whether a chunk is a `test` block rather than a configuration item.
pub fn is_test_chunk(text: &str, chunk: &Chunk) -> bool {
    chunk.starts_with_keyword
        && text.get(chunk.span.range()).is_some_and(|s| s.strip_prefix("test").is_some_and(|rest| rest.starts_with(|c: char| c.is_whitespace() || c == '"')))
}

/// Parses a `test` chunk where it stands in `text` (spans are the file's).
pub fn parse_test(text: &str, chunk: &Chunk) -> Result<ast::TestBlock, Diagnostic> {
    let source = text.get(chunk.span.range()).unwrap_or("");
    if let Some(at) = too_deep(source) {
        let span = Span::new(chunk.span.start as usize + at, chunk.span.start as usize + at + 1);
        return Err(Diagnostic::new(&codes::SYNTAX, span, format!("this test nests brackets more than {MAX_DEPTH} levels deep")));
    }
    let base = chunk.span.start as usize;
    let pairs = HapolicyParser::parse(Rule::test_chunk, source).map_err(|e| errors::describe(&e, source, base))?;
    let unreadable = || Diagnostic::new(&codes::SYNTAX, chunk.span, "this test could not be read".to_string());
    let pair = pairs.into_iter().next().ok_or_else(unreadable)?;
    lower::lower_test_chunk(pair, base).ok_or_else(unreadable)
}

/// How deep brackets may nest in one item: far beyond any real policy, and shallow enough that
/// no recursive pass over the tree can exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// The characters of policy text that are code: everything outside `"strings"` (including
/// their quotes) and `# comments`, with their byte offsets.
pub fn code_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let (mut in_string, mut in_comment, mut escaped) = (false, false, false);
    text.char_indices().filter(move |&(_, c)| {
        if in_comment {
            in_comment = c != '\n';
            return false;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            return false;
        }
        match c {
            '"' => in_string = true,
            '#' => in_comment = true,
            _ => return true,
        }
        false
    })
}

/// The offset of the first bracket beyond `MAX_DEPTH`.
fn too_deep(source: &str) -> Option<usize> {
    // Almost every item opens fewer brackets than the limit in all: counting bytes is far
    // cheaper than following strings and comments.
    if source.bytes().filter(|b| matches!(b, b'(' | b'[' | b'{')).count() <= MAX_DEPTH {
        return None;
    }
    let mut depth = 0usize;
    for (i, c) in code_chars(source) {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Parses one item's text on its own, as if it started the file (spans from 0); `Shift` moves
/// the result to where the text really is.
pub fn parse_chunk(source: &str, starts_with_keyword: bool) -> Result<ast::Item, Diagnostic> {
    parse_item(source, &Chunk { span: Span::new(0, source.len()), starts_with_keyword })
}

fn parse_item(text: &str, chunk: &Chunk) -> Result<ast::Item, Diagnostic> {
    let source = text.get(chunk.span.range()).unwrap_or("");
    if !chunk.starts_with_keyword {
        let word_end = source.find(|c: char| c.is_whitespace()).unwrap_or(source.len());
        let word = source.get(..word_end).unwrap_or(source);
        let span = Span::new(chunk.span.start as usize, chunk.span.start as usize + word.len());
        let help = match crate::diagnostics::did_you_mean(word, ITEM_KEYWORDS.iter().copied()) {
            Some(keyword) => format!("did you mean `{keyword}`?"),
            None => format!("every top-level item starts with one of: {}", ITEM_KEYWORDS.join(", ")),
        };
        // The message quotes a long word only in part (the span still covers all of it).
        let shown = match word.char_indices().nth(40) {
            Some((cut, _)) => format!("{}…", word.get(..cut).unwrap_or(word)),
            None => word.to_string(),
        };
        return Err(Diagnostic::new(&codes::SYNTAX, span, format!("`{shown}` is not an item keyword")).with_help(help));
    }
    if let Some(at) = too_deep(source) {
        let span = Span::new(chunk.span.start as usize + at, chunk.span.start as usize + at + 1);
        return Err(Diagnostic::new(&codes::SYNTAX, span, format!("this item nests brackets more than {MAX_DEPTH} levels deep"))
            .with_help("split the condition into several rules, or remove redundant parentheses"));
    }
    let base = chunk.span.start as usize;
    // Deeply nested input must not overflow the stack: pest's own limit turns it into an error.
    let pairs = HapolicyParser::parse(Rule::item_chunk, source).map_err(|e| errors::describe(&e, source, base))?;
    let Some(pair) = pairs.into_iter().next() else {
        return Err(Diagnostic::new(&codes::SYNTAX, chunk.span, "this item could not be read".to_string()));
    };
    lower::lower_chunk(pair, base).ok_or_else(|| Diagnostic::new(&codes::SYNTAX, chunk.span, "this item could not be read".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bad_item_does_not_hide_the_others() {
        let text = "primitive a: ocf:heartbeat:Dummy\nprimitive b ocf:heartbeat:Dummy\nprimitive c: ocf:heartbeat:Dummy\n";
        let parsed = parse(text);
        assert_eq!(parsed.items.len(), 2);
        assert_eq!(parsed.errors.len(), 1);
    }
}
