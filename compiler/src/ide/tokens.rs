//! Semantic highlighting: a lexical pass (comments, strings, numbers, keywords) refined by the
//! syntax tree (declared and referenced names, agents, keys, operation names).

use super::{items_of, visit_names, NameRole};
use crate::diagnostics::FileId;
use crate::model::Model;
use crate::span::Span;
use crate::syntax::ast::{Assign, Body, ItemKind, PrimitiveSource};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Keyword,
    Comment,
    String,
    Number,
    /// A resource, constraint, tag or set name where it is declared.
    Declaration,
    /// A name referring to a declaration.
    Reference,
    Node,
    Agent,
    /// The key of `key = value`.
    Property,
    /// An operation's action name.
    Operation,
}

/// Words that are keywords inside items (besides the item keywords that start them).
const STATEMENT_KEYWORDS: &[&str] = &[
    "from",
    "op",
    "meta",
    "params",
    "utilization",
    "when",
    "rule",
    "prefers",
    "avoids",
    "pattern",
    "use",
    "and",
    "or",
    "not",
    "defined",
    "fail-count",
    "date",
    "date-spec",
    "in",
    "gt",
    "lt",
    "resource",
    "set",
    "with",
    "then",
    "for",
    "to",
    "recipient",
    "param",
    "action",
    "select",
    "inf",
    "infinity",
    "podman",
    "docker",
    "rkt",
    "network",
    "port-mapping",
    "storage-mapping",
    "target",
    "attribute",
];

/// Tokens of one file, sorted and non-overlapping, each on a single line.
pub fn semantic_tokens(model: &Model, file: FileId, text: &str) -> Vec<(Span, TokenKind)> {
    let mut tree: Vec<(Span, TokenKind)> = Vec::new();
    for item in items_of(model, file) {
        visit_names(item, &mut |name, role| {
            let kind = match role {
                NameRole::Declaration => TokenKind::Declaration,
                NameRole::Reference => TokenKind::Reference,
                NameRole::NodeDeclaration | NameRole::NodeReference => TokenKind::Node,
            };
            tree.push((name.span, kind));
        });
        match &item.kind {
            ItemKind::Primitive { source: PrimitiveSource::Agent(a), .. } | ItemKind::Template { agent: a, .. } | ItemKind::Agent { agent: a, .. } => {
                tree.push((a.span, TokenKind::Agent));
            }
            ItemKind::Cluster { entries, props, .. } | ItemKind::Defaults { entries, props, .. } => {
                keys(entries, &mut tree);
                keys(props, &mut tree);
            }
            _ => {}
        }
        if let Some(body) = item.kind.body() {
            body_tokens(body, &mut tree);
        }
    }
    // Strings and comments win over names (a quoted name), names over keywords (a resource
    // called `order`); among overlapping tokens the first kept wins.
    let priority = |kind: TokenKind| match kind {
        TokenKind::Comment | TokenKind::String => 0,
        TokenKind::Keyword | TokenKind::Number => 2,
        _ => 1,
    };
    let mut all = tree;
    all.extend(lexical(text));
    all.sort_by_key(|(s, k)| (s.start, priority(*k), s.end));
    let mut out: Vec<(Span, TokenKind)> = Vec::with_capacity(all.len());
    for (span, kind) in all {
        if out.last().is_none_or(|(last, _)| span.start >= last.end) && span.end > span.start {
            out.push((span, kind));
        }
    }
    split_lines(text, out)
}

fn keys(assigns: &[Assign], out: &mut Vec<(Span, TokenKind)>) {
    out.extend(assigns.iter().map(|a| (a.key.span, TokenKind::Property)));
}

fn body_tokens(body: &Body, out: &mut Vec<(Span, TokenKind)>) {
    keys(&body.assigns, out);
    for set in &body.sets {
        keys(&set.props, out);
        keys(&set.entries, out);
    }
    for op in &body.ops {
        out.push((op.name.span, TokenKind::Operation));
        keys(&op.props, out);
        keys(&op.params, out);
        for set in &op.sets {
            keys(&set.entries, out);
        }
    }
}

/// Comments, strings (and raw XML blocks), numbers and keywords.
fn lexical(text: &str) -> Vec<(Span, TokenKind)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let is_word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'#' | b'$');
    while let Some(&b) = bytes.get(i) {
        match b {
            b'#' => {
                let end = text.get(i..).and_then(|rest| rest.find('\n')).map_or(text.len(), |n| i + n);
                out.push((Span::new(i, end), TokenKind::Comment));
                i = end;
            }
            b'"' => {
                let mut j = i + 1;
                while let Some(&c) = bytes.get(j) {
                    j += 1;
                    if c == b'\\' {
                        j += 1;
                    } else if c == b'"' {
                        break;
                    }
                }
                let end = j.min(text.len());
                out.push((Span::new(i, end), TokenKind::String));
                i = end;
            }
            b'<' if text.get(i..).is_some_and(|r| r.starts_with("<<<")) => {
                let end = text.get(i + 3..).and_then(|rest| rest.find(">>>")).map_or(text.len(), |n| i + 3 + n + 3);
                out.push((Span::new(i, end), TokenKind::String));
                i = end;
            }
            _ if is_word(b) => {
                let start = i;
                while bytes.get(i).copied().is_some_and(is_word) {
                    i += 1;
                }
                let word = text.get(start..i).unwrap_or("");
                let kind = if word.starts_with(|c: char| c.is_ascii_digit())
                    || (word.starts_with('-') && word.get(1..2).is_some_and(|c| c.chars().all(|c| c.is_ascii_digit())))
                {
                    Some(TokenKind::Number)
                } else if crate::syntax::ITEM_KEYWORDS.contains(&word) || STATEMENT_KEYWORDS.contains(&word) {
                    Some(TokenKind::Keyword)
                } else {
                    None
                };
                if let Some(kind) = kind {
                    out.push((Span::new(start, i), kind));
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// LSP tokens cannot span lines: split multi-line strings and raw blocks.
fn split_lines(text: &str, tokens: Vec<(Span, TokenKind)>) -> Vec<(Span, TokenKind)> {
    let mut out = Vec::with_capacity(tokens.len());
    for (span, kind) in tokens {
        let Some(slice) = text.get(span.range()) else { continue };
        if !slice.contains('\n') {
            out.push((span, kind));
            continue;
        }
        let mut start = span.start as usize;
        for line in slice.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']).len();
            if content > 0 {
                out.push((Span::new(start, start + content), kind));
            }
            start += line.len();
        }
    }
    out
}
