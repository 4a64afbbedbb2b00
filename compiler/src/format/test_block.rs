//! Prints `test` blocks: the header, one line per `given` fact and `expect`ation, one line per
//! `when` step (its events joined by `; `, since together they are one scheduler run), and the
//! closing brace. Statements are printed as written with their spacing made canonical; comments
//! are placed by position like everywhere else.

use super::print::{ItemOut, Kind, Line};
use super::text::{Source, INDENT};
use crate::span::Span;
use crate::syntax::ast::{Event, Given, TestBlock};

/// The text of a span with runs of blanks (outside strings) made one space.
fn canonical(source: &Source<'_>, span: Span) -> String {
    let text = source.text.get(span.range()).unwrap_or("");
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped, mut blank) = (false, false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if c.is_whitespace() || c == '\\' {
            blank = true;
            continue;
        }
        if blank && !out.is_empty() {
            out.push(' ');
        }
        blank = false;
        in_string = c == '"';
        out.push(c);
    }
    out
}

fn leaf(text: String, span: Span) -> Line {
    Line {
        indent: INDENT,
        text,
        kind: Kind::Leaf,
        start: span.start,
        head_end: span.end,
        end: span.end,
        leading: Vec::new(),
        trailing: None,
        blank_before: false,
    }
}

fn given_span(given: &Given) -> Span {
    match given {
        Given::Nodes { span, .. } | Given::Attribute { span, .. } | Given::Resource { span, .. } | Given::Time { span, .. } => *span,
    }
}

fn event_span(event: &Event) -> Span {
    match event {
        Event::OpFails { span, .. } | Event::Node { span, .. } | Event::Attribute { span, .. } | Event::TimePasses { span, .. } => *span,
    }
}

pub(crate) fn test_block(source: &Source<'_>, test: &TestBlock) -> ItemOut {
    let span = Span { start: test.span.start, end: source.trim_end(test.span.start, test.span.end) };
    let open_end = source.body_open(span.start, span.end).unwrap_or(span.end);
    let mut statements: Vec<Line> = Vec::new();
    for given in &test.givens {
        let span = given_span(given);
        statements.push(leaf(format!("given {}", canonical(source, span)), span));
    }
    for step in &test.steps {
        let events: Vec<String> = step.events.iter().map(|e| canonical(source, event_span(e))).collect();
        let start = source.keyword_before(step.events.first().map_or(step.span.start, |e| event_span(e).start), "when");
        let end = step.events.last().map_or(step.span.end, |e| event_span(e).end);
        statements.push(leaf(format!("when {}", events.join("; ")), Span { start, end }));
    }
    for expect in &test.expects {
        let span = expect.span();
        statements.push(leaf(format!("expect {}", canonical(source, span)), span));
    }
    statements.sort_by_key(|l| l.start);
    let mut lines = Vec::with_capacity(statements.len() + 2);
    lines.push(Line {
        indent: 0,
        text: format!("test {} {{", super::text::quote(&test.name.text)),
        kind: Kind::Open,
        start: span.start,
        head_end: open_end,
        end: span.end,
        leading: Vec::new(),
        trailing: None,
        blank_before: false,
    });
    lines.extend(statements);
    let close = span.end.saturating_sub(1);
    lines.push(Line {
        indent: 0,
        text: "}".to_string(),
        kind: Kind::Close,
        start: close,
        head_end: span.end,
        end: span.end,
        leading: Vec::new(),
        trailing: None,
        blank_before: false,
    });
    ItemOut { lines, keyword: "test", start: span.start, end: span.end }
}
