//! Prints syntax tree items as lines of canonical text.
//!
//! Each item becomes a list of `Line`s: headers that open a body, leaves (one statement, possibly
//! continued over several physical lines), and closing braces. When the original text is known
//! (`Source`), each line also records where its construct stood in it, so that comments can be
//! put back next to it, and statements keep the order they were written in; without it (trees
//! built by a program) statements come in a fixed order and spans are never looked at.

use super::text::{is_builtin, is_key, is_name, is_rule_word, is_word, quote, starts_with_keyword, Source, INDENT, MAX_WIDTH};
use crate::span::Span;
use crate::syntax::ast::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A header ending in `{`.
    Open,
    /// A whole statement (or item).
    Leaf,
    /// A closing `}`.
    Close,
}

/// A comment line placed before a line of output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    pub text: String,
    pub blank_before: bool,
}

/// One line of output (a leaf may hold continuation lines, already indented, after `\n`).
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub indent: usize,
    pub text: String,
    pub kind: Kind,
    /// Where the construct starts in the original (for `Close`, the `}`).
    pub start: u32,
    /// Where what this line shows ends in the original (for `Open`, just after the `{`).
    pub head_end: u32,
    /// Where the whole construct ends in the original.
    pub end: u32,
    pub leading: Vec<Note>,
    pub trailing: Option<String>,
    pub blank_before: bool,
}

impl Line {
    fn new(indent: usize, text: String, kind: Kind, start: u32, head_end: u32, end: u32) -> Line {
        Line { indent, text, kind, start, head_end, end, leading: Vec::new(), trailing: None, blank_before: false }
    }
}

/// The printed form of one item.
pub(crate) struct ItemOut {
    pub lines: Vec<Line>,
    pub keyword: &'static str,
    pub start: u32,
    pub end: u32,
}

impl ItemOut {
    /// A single physical line.
    pub(crate) fn one_line(&self) -> bool {
        self.lines.len() == 1 && self.lines.iter().all(|l| !l.text.contains('\n'))
    }
}

/// A statement inside a body.
enum Stmt<'t> {
    /// An assignment; `true` inside a bundle body (where container keywords cannot be keys).
    Assign(&'t Assign, bool),
    When(&'t Expr),
    Set(&'t AttrSet),
    Op(&'t Op),
    Part(&'t BundlePart),
    Select(&'t [SelectKind]),
    Recipient(&'t Recipient),
    Pref(&'t NodePreference),
    Rule(&'t LocationRule),
    RscSet(&'t ResourceSet),
    Perm(&'t Spanned, &'t [Assign], Span),
    Param(&'t ParamDecl),
    Action(&'t ActionDecl),
}

fn width(text: &str) -> usize {
    text.chars().count()
}

fn spaces(n: usize) -> String {
    " ".repeat(n)
}

pub(crate) fn item_keyword(kind: &ItemKind) -> &'static str {
    match kind {
        ItemKind::Cluster { .. } => "cluster",
        ItemKind::Defaults { kind: DefaultsKind::Op, .. } => "op-defaults",
        ItemKind::Defaults { kind: DefaultsKind::Rsc, .. } => "rsc-defaults",
        ItemKind::Node { .. } => "node",
        ItemKind::Primitive { .. } => "primitive",
        ItemKind::Template { .. } => "template",
        ItemKind::Group { .. } => "group",
        ItemKind::Clone { kind: CloneKind::Clone, .. } => "clone",
        ItemKind::Clone { kind: CloneKind::Promotable, .. } => "promotable",
        ItemKind::Bundle { .. } => "bundle",
        ItemKind::Location { .. } => "location",
        ItemKind::Colocation { .. } => "colocation",
        ItemKind::Order { .. } => "order",
        ItemKind::Ticket { .. } => "ticket",
        ItemKind::Tag { .. } => "tag",
        ItemKind::Xml { .. } => "xml",
        ItemKind::Alert { .. } => "alert",
        ItemKind::FencingLevel { .. } => "fencing-level",
        ItemKind::AclRole { .. } => "acl-role",
        ItemKind::AclTarget { group: false, .. } => "acl-user",
        ItemKind::AclTarget { group: true, .. } => "acl-group",
        ItemKind::Agent { .. } => "agent",
    }
}

/// True if a continuation line starting with `piece` would read as a new item to the chunker.
fn starts_item_keyword(piece: &str) -> bool {
    let end = piece.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(piece.len());
    piece.get(..end).is_some_and(|word| crate::syntax::ITEM_KEYWORDS.contains(&word))
}

// ------------------------------------------------------------------ tokens

/// A value: quoted when the admin quoted it or when it could not stand bare.
pub(crate) fn value(v: &Value) -> String {
    if v.quoted || !is_word(&v.text) {
        quote(&v.text)
    } else {
        v.text.to_string()
    }
}

/// A bare word where the grammar takes only a word (an interval in `fail-count(...)`/`op(...)`).
fn word_value(v: &Value) -> String {
    if is_word(&v.text) {
        v.text.to_string()
    } else {
        quote(&v.text)
    }
}

/// A node, ACL user or ACL group name: a word or a string.
fn node_name(text: &str) -> String {
    if is_word(text) {
        text.to_string()
    } else {
        quote(text)
    }
}

/// The key of a `key = value` statement: a key or a string.
fn assign_key(text: &str, in_bundle: bool) -> String {
    let keyword = in_bundle && matches!(text, "docker" | "podman" | "rkt" | "network");
    if is_key(text) && !keyword {
        text.to_string()
    } else {
        quote(text)
    }
}

fn assign(a: &Assign, in_bundle: bool) -> String {
    format!("{} = {}", assign_key(&a.key.text, in_bundle), value(&a.value))
}

fn prop(a: &Assign) -> String {
    format!("{}={}", a.key.text, value(&a.value))
}

fn props(list: &[Assign]) -> Vec<String> {
    list.iter().map(prop).collect()
}

fn name_list(names: &[Spanned]) -> String {
    let inner: Vec<&str> = names.iter().map(|n| n.text.as_str()).collect();
    format!("[{}]", inner.join(", "))
}

fn rsc_ref(r: &RscRef) -> String {
    match &r.qualifier {
        Some(q) => format!("{} {}", q.text, r.name.text),
        None => r.name.text.to_string(),
    }
}

fn set_kind(kind: SetKind) -> &'static str {
    match kind {
        SetKind::Params => "params",
        SetKind::Meta => "meta",
        SetKind::Utilization => "utilization",
    }
}

// ------------------------------------------------------------------ expressions

/// An attribute name in a condition: a built-in (`$uname`, as written), a key or a string.
fn attr_name(text: &str, in_compare: bool) -> String {
    // `date == x` would read as a date condition.
    if is_builtin(text) || (is_key(text) && !(in_compare && text == "date")) {
        text.to_string()
    } else {
        quote(text)
    }
}

/// A literal compared with an attribute; without a type, a word that starts with a type name
/// would be read as the type.
fn compare_literal(v: &Value, typed: bool) -> String {
    let looks_typed = !typed && ["string", "integer", "number", "version"].iter().any(|t| starts_with_keyword(&v.text, t));
    if looks_typed {
        quote(&v.text)
    } else {
        value(v)
    }
}

pub(crate) fn expr(e: &Expr) -> String {
    match e {
        Expr::And(parts, _) => parts.iter().map(sub_expr).collect::<Vec<_>>().join(" and "),
        Expr::Or(parts, _) => parts.iter().map(sub_expr).collect::<Vec<_>>().join(" or "),
        Expr::Compare { attr, op, ty, value: v, .. } => {
            let rhs = match v {
                CompareValue::Literal(lit) => compare_literal(lit, ty.is_some()),
                CompareValue::Param(key) => format!("param({})", key.text),
                CompareValue::Meta(key) => format!("meta({})", key.text),
            };
            match ty {
                Some(ty) => format!("{} {} {} {rhs}", attr_name(&attr.text, true), op.text, ty.text),
                None => format!("{} {} {rhs}", attr_name(&attr.text, true), op.text),
            }
        }
        Expr::Defined { attr, negated, .. } => {
            format!("{}defined({})", if *negated { "not " } else { "" }, attr_name(&attr.text, false))
        }
        Expr::FailCount { primitive, op, interval, cmp, value: v, .. } => {
            let mut args = primitive.text.to_string();
            // An interval without an op cannot be written; the empty slot makes that visible.
            if op.is_some() || interval.is_some() {
                args.push_str(", ");
                args.push_str(op.as_ref().map_or("", |o| o.text.as_str()));
            }
            if let Some(interval) = interval {
                args.push_str(", ");
                args.push_str(&word_value(interval));
            }
            format!("fail-count({args}) {} {}", cmp.text, value(v))
        }
        Expr::Date(date, _) => match date {
            DateExpr::Gt(v) => format!("date > {}", value(v)),
            DateExpr::Lt(v) => format!("date < {}", value(v)),
            DateExpr::InRange { start, end, duration } => {
                let mut out = format!("date in {}", value(start));
                if let Some(end) = end {
                    out.push_str(" to ");
                    out.push_str(&value(end));
                }
                if let Some(duration) = duration {
                    out.push_str(" for ");
                    out.push_str(&value(duration));
                }
                out
            }
        },
        Expr::DateSpec(fields, _) => format!("date-spec({})", props(fields).join(", ")),
        Expr::Resource(agent, _) => format!("resource({})", agent.text),
        Expr::Operation { name, interval, .. } => match interval {
            Some(interval) => format!("op({}, {})", name.text, word_value(interval)),
            None => format!("op({})", name.text),
        },
    }
}

/// A condition inside `and`/`or`: nested groups keep their parentheses (each is a nested rule).
fn sub_expr(e: &Expr) -> String {
    match e {
        Expr::And(..) | Expr::Or(..) => format!("({})", expr(e)),
        _ => expr(e),
    }
}

// ------------------------------------------------------------------ the printer

pub(crate) struct Printer<'s> {
    src: Option<&'s Source<'s>>,
}

impl<'s> Printer<'s> {
    pub(crate) fn new(src: Option<&'s Source<'s>>) -> Printer<'s> {
        Printer { src }
    }

    /// `head piece piece ... tail`, continued with `\` before a piece that would pass the width.
    fn wrap(&self, indent: usize, head: &str, pieces: &[String], tail: &str) -> String {
        let flat_width = width(head) + pieces.iter().map(|p| 1 + width(p)).sum::<usize>() + width(tail);
        let mut out = head.to_string();
        if indent + flat_width <= MAX_WIDTH {
            for piece in pieces {
                out.push(' ');
                out.push_str(piece);
            }
            out.push_str(tail);
            return out;
        }
        let cont = if width(head) < 40 { indent + width(head) + 1 } else { indent + 2 * INDENT };
        let mut col = indent + width(head);
        for (i, piece) in pieces.iter().enumerate() {
            let extra = if i + 1 == pieces.len() { width(tail) } else { 0 };
            // The first piece stays with the head; a new line must not look like a new item.
            let breakable = i > 0 && !(indent == 0 && starts_item_keyword(piece));
            if breakable && col + 1 + width(piece) + extra > MAX_WIDTH {
                out.push_str(" \\\n");
                out.push_str(&spaces(cont));
                col = cont;
            } else {
                out.push(' ');
                col += 1;
            }
            out.push_str(piece);
            col += width(piece);
        }
        out.push_str(tail);
        out
    }

    /// `prefix EXPR`, broken before each top-level `and`/`or` when it is too wide.
    fn expr_line(&self, indent: usize, prefix: &str, e: &Expr) -> String {
        let flat = format!("{prefix}{}", expr(e));
        // A condition the admin spread over several lines keeps one operand per line.
        let spread = self.src.is_some_and(|src| {
            let span = e.span();
            src.spans_lines(span.start, src.trim_end(span.start, span.end))
        });
        if indent + width(&flat) <= MAX_WIDTH && !spread {
            return flat;
        }
        let (parts, joiner) = match e {
            Expr::And(parts, _) => (parts, "and"),
            Expr::Or(parts, _) => (parts, "or"),
            _ => return flat,
        };
        let mut out = prefix.to_string();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                out.push('\n');
                out.push_str(&spaces(indent + 2 * INDENT));
                out.push_str(joiner);
                out.push(' ');
            }
            out.push_str(&sub_expr(part));
        }
        out
    }

    fn stmt_start(&self, s: &Stmt<'_>) -> u32 {
        match s {
            Stmt::Assign(a, _) => a.key.span.start,
            Stmt::When(e) => {
                let start = e.span().start;
                self.src.map_or(start, |src| src.keyword_before(start, "when"))
            }
            Stmt::Set(set) => set.span.start,
            Stmt::Op(op) => op.span.start,
            Stmt::Part(part) => part.span.start,
            Stmt::Select(kinds) => {
                let start = kinds.first().map_or(0, |k| k.kind.span.start);
                self.src.map_or(start, |src| src.keyword_before(start, "select"))
            }
            Stmt::Recipient(r) => r.span.start,
            Stmt::Pref(p) => p.span.start,
            Stmt::Rule(r) => r.span.start,
            Stmt::RscSet(s) => s.span.start,
            Stmt::Perm(_, _, span) => span.start,
            Stmt::Param(p) => p.span.start,
            Stmt::Action(a) => a.span.start,
        }
    }

    fn stmt_end(s: &Stmt<'_>) -> u32 {
        match s {
            Stmt::Assign(a, _) => a.value.span.end.max(a.key.span.end),
            Stmt::When(e) => e.span().end,
            Stmt::Set(set) => set.span.end,
            Stmt::Op(op) => op.span.end,
            Stmt::Part(part) => part.span.end,
            Stmt::Select(kinds) => kinds.last().map_or(0, |k| k.attributes.last().map_or(k.kind.span.end, |a| a.span.end)),
            Stmt::Recipient(r) => r.span.end,
            Stmt::Pref(p) => p.span.end,
            Stmt::Rule(r) => r.span.end,
            Stmt::RscSet(s) => s.span.end,
            Stmt::Perm(_, _, span) => span.end,
            Stmt::Param(p) => p.span.end,
            Stmt::Action(a) => a.span.end,
        }
    }

    /// `span` without the trailing whitespace and comment pest may have taken into it.
    fn trimmed(&self, span: Span) -> Span {
        match self.src {
            Some(src) => Span { start: span.start, end: src.trim_end(span.start, span.end) },
            None => span,
        }
    }

    fn has_comment_in(&self, span: Span) -> bool {
        self.src.is_some_and(|src| src.has_comment_in(span.start, span.end))
    }

    /// May the body of the construct at `span` be written on its header's line?
    fn inline_allowed(&self, span: Span) -> bool {
        let Some(src) = self.src else { return true };
        if src.has_comment_in(span.start, span.end) {
            return false;
        }
        // Keep a body the admin spread over several lines that way.
        match src.body_open(span.start, span.end) {
            Some(open) => !src.spans_lines(open, span.end),
            None => false,
        }
    }

    /// A construct with a `{ }` body: empty, inline, or one statement per line.
    #[allow(clippy::too_many_arguments)]
    fn block(&self, out: &mut Vec<Line>, indent: usize, head: &str, pieces: &[String], mut stmts: Vec<Stmt<'_>>, span: Span, required: bool) {
        let span = self.trimmed(span);
        let (start, end) = (span.start, span.end);
        if stmts.is_empty() {
            let text = self.wrap(indent, head, pieces, if required { " {}" } else { "" });
            out.push(Line::new(indent, text, Kind::Leaf, start, end, end));
            return;
        }
        if self.src.is_some() {
            stmts.sort_by_key(|s| self.stmt_start(s));
        }
        let assigns: Vec<String> = stmts
            .iter()
            .filter_map(|s| match s {
                Stmt::Assign(a, in_bundle) => Some(assign(a, *in_bundle)),
                _ => None,
            })
            .collect();
        if assigns.len() == stmts.len() && assigns.len() <= 3 && self.inline_allowed(span) {
            let tail = format!(" {{ {} }}", assigns.join("; "));
            let text = self.wrap(indent, head, pieces, &tail);
            if !text.contains('\n') && indent + width(&text) <= MAX_WIDTH {
                out.push(Line::new(indent, text, Kind::Leaf, start, end, end));
                return;
            }
        }
        let text = self.wrap(indent, head, pieces, " {");
        let head_end = self.src.and_then(|src| src.body_open(start, end)).unwrap_or(start);
        out.push(Line::new(indent, text, Kind::Open, start, head_end, end));
        for s in &stmts {
            self.stmt(out, indent + INDENT, s);
        }
        let close = end.saturating_sub(1);
        out.push(Line::new(indent, "}".to_string(), Kind::Close, close, end, end));
    }

    fn leaf(&self, out: &mut Vec<Line>, indent: usize, text: String, s: &Stmt<'_>) {
        let start = self.stmt_start(s);
        let end = self.src.map_or(Self::stmt_end(s), |src| src.trim_end(start, Self::stmt_end(s)));
        out.push(Line::new(indent, text, Kind::Leaf, start, end, end));
    }

    fn stmt(&self, out: &mut Vec<Line>, indent: usize, s: &Stmt<'_>) {
        match s {
            Stmt::Assign(a, in_bundle) => self.leaf(out, indent, assign(a, *in_bundle), s),
            Stmt::When(e) => self.leaf(out, indent, self.expr_line(indent, "when ", e), s),
            Stmt::Set(set) => self.attr_set(out, indent, set),
            Stmt::Op(op) => {
                let head = format!("op {}", op.name.text);
                let mut stmts: Vec<Stmt<'_>> = op.params.iter().map(|a| Stmt::Assign(a, false)).collect();
                stmts.extend(op.sets.iter().map(Stmt::Set));
                self.block(out, indent, &head, &props(&op.props), stmts, op.span, false);
            }
            Stmt::Part(part) => {
                let head = match &part.name {
                    Some(name) => format!("{} {}", part.keyword.text, name.text),
                    None => part.keyword.text.to_string(),
                };
                let text = self.wrap(indent, &head, &props(&part.props), "");
                self.leaf(out, indent, text, s);
            }
            Stmt::Select(kinds) => {
                let mut text = "select".to_string();
                for k in kinds.iter() {
                    text.push(' ');
                    text.push_str(&k.kind.text);
                    if !k.attributes.is_empty() {
                        text.push(' ');
                        text.push_str(&name_list(&k.attributes));
                    }
                }
                self.leaf(out, indent, text, s);
            }
            Stmt::Recipient(r) => {
                let head = format!("recipient {}", r.name.text);
                let stmts = body_stmts(&r.body, false);
                self.block(out, indent, &head, &props(&r.props), stmts, r.span, false);
            }
            Stmt::Pref(p) => self.leaf(out, indent, preference(p), s),
            Stmt::Rule(r) => {
                let mut prefix = "rule".to_string();
                for p in &r.props {
                    prefix.push(' ');
                    prefix.push_str(&p.key.text);
                    prefix.push('=');
                    if p.value.quoted || !is_rule_word(&p.value.text) {
                        prefix.push_str(&quote(&p.value.text));
                    } else {
                        prefix.push_str(&p.value.text);
                    }
                }
                if let Some(score) = &r.score {
                    prefix.push(' ');
                    prefix.push_str(&score.text);
                }
                prefix.push_str(": ");
                let text = self.expr_line(indent, &prefix, &r.expr);
                self.leaf(out, indent, text, s);
            }
            Stmt::RscSet(set) => {
                let head = match &set.name {
                    Some(name) => format!("set {} {}", name.text, name_list(&set.members)),
                    None => format!("set {}", name_list(&set.members)),
                };
                let text = self.wrap(indent, &head, &props(&set.props), "");
                self.leaf(out, indent, text, s);
            }
            Stmt::Perm(kind, list, _) => {
                let text = self.wrap(indent, &kind.text, &props(list), "");
                self.leaf(out, indent, text, s);
            }
            Stmt::Param(p) => {
                let name = if is_name(&p.name.text) { p.name.text.to_string() } else { quote(&p.name.text) };
                let ty = if p.ty.text == "select" && !p.options.is_empty() {
                    format!("select({})", p.options.iter().map(value).collect::<Vec<_>>().join(", "))
                } else {
                    p.ty.text.to_string()
                };
                let head = format!("param {name}: {ty}");
                let mut pieces: Vec<String> = p.flags.iter().map(|f| f.text.to_string()).collect();
                pieces.extend(props(&p.props));
                let text = self.wrap(indent, &head, &pieces, "");
                self.leaf(out, indent, text, s);
            }
            Stmt::Action(a) => {
                let text = self.wrap(indent, &format!("action {}", a.name.text), &props(&a.props), "");
                self.leaf(out, indent, text, s);
            }
        }
    }

    fn attr_set(&self, out: &mut Vec<Line>, indent: usize, set: &AttrSet) {
        let kind = set_kind(set.kind);
        if let Some(reference) = &set.reference {
            let text = format!("{kind} use {}", reference.text);
            let span = self.trimmed(set.span);
            out.push(Line::new(indent, text, Kind::Leaf, span.start, span.end, span.end));
            return;
        }
        let head = match &set.name {
            Some(name) => format!("{kind} {}", name.text),
            None => kind.to_string(),
        };
        let stmts = set_stmts(&set.when, &set.entries);
        self.block(out, indent, &head, &props(&set.props), stmts, set.span, true);
    }

    /// Prints one item.
    pub(crate) fn item(&self, item: &Item) -> ItemOut {
        let mut lines = Vec::new();
        let out = &mut lines;
        let span = self.trimmed(item.span);
        let keyword = item_keyword(&item.kind);
        match &item.kind {
            ItemKind::Cluster { name, props: p, when, entries } | ItemKind::Defaults { name, props: p, when, entries, .. } => {
                let head = match name {
                    Some(name) => format!("{keyword} {}", name.text),
                    None => keyword.to_string(),
                };
                self.block(out, 0, &head, &props(p), set_stmts(when, entries), span, true);
            }
            ItemKind::Node { name, props: p, body } => {
                let head = format!("node {}", node_name(&name.text));
                self.block(out, 0, &head, &props(p), body_stmts(body, false), span, false);
            }
            ItemKind::Primitive { name, source, props: p, body } => {
                let head = match source {
                    PrimitiveSource::Agent(agent) => {
                        format!("primitive {}: {}", name.text, agent.text)
                    }
                    PrimitiveSource::Template(template) => {
                        format!("primitive {} from {}", name.text, template.text)
                    }
                };
                self.block(out, 0, &head, &props(p), body_stmts(body, false), span, false);
            }
            ItemKind::Template { name, agent, props: p, body } => {
                let head = format!("template {}: {}", name.text, agent.text);
                self.block(out, 0, &head, &props(p), body_stmts(body, false), span, false);
            }
            ItemKind::Group { name, members, props: p, body } => {
                let head = format!("group {}", name.text);
                let mut pieces = vec![name_list(members)];
                pieces.extend(props(p));
                self.block(out, 0, &head, &pieces, body_stmts(body, false), span, false);
            }
            ItemKind::Clone { name, child, props: p, body, .. } => {
                let head = format!("{keyword} {}: {}", name.text, child.text);
                self.block(out, 0, &head, &props(p), body_stmts(body, false), span, false);
            }
            ItemKind::Bundle { name, child, props: p, parts, body } => {
                let head = match child {
                    Some(child) => format!("bundle {}: {}", name.text, child.text),
                    None => format!("bundle {}", name.text),
                };
                let mut stmts: Vec<Stmt<'_>> = parts.iter().map(Stmt::Part).collect();
                stmts.extend(body_stmts(body, true));
                self.block(out, 0, &head, &props(p), stmts, span, true);
            }
            ItemKind::Location { name, target, props: p, preferences, rules, sets } => {
                let head = match target {
                    Some(LocationTarget::Resource(r)) => {
                        format!("location {}: {}", name.text, r.text)
                    }
                    Some(LocationTarget::Pattern(pattern)) => {
                        format!("location {}: pattern {}", name.text, quote(&pattern.text))
                    }
                    None => format!("location {}:", name.text),
                };
                let mut pieces = props(p);
                match (target, preferences.as_slice()) {
                    // Without a target, `prefers` would be read as the target's name.
                    (Some(_), [only]) if rules.is_empty() && sets.is_empty() && !self.has_comment_in(span) => {
                        pieces.push(preference(only));
                        let text = self.wrap(0, &head, &pieces, "");
                        out.push(Line::new(0, text, Kind::Leaf, span.start, span.end, span.end));
                    }
                    _ => {
                        let mut stmts: Vec<Stmt<'_>> = sets.iter().map(Stmt::RscSet).collect();
                        stmts.extend(preferences.iter().map(Stmt::Pref));
                        stmts.extend(rules.iter().map(Stmt::Rule));
                        self.block(out, 0, &head, &pieces, stmts, span, true);
                    }
                }
            }
            ItemKind::Colocation { name, pair, score, props: p, sets } => {
                let score = score.as_ref().map(|s| format!(" = {}", s.text)).unwrap_or_default();
                let head = match pair {
                    Some((a, b)) => format!("colocation {}: {} with {}{score}", name.text, rsc_ref(a), rsc_ref(b)),
                    None if score.is_empty() => format!("colocation {}:", name.text),
                    None => format!("colocation {}:{score}", name.text),
                };
                self.constraint(out, &head, &props(p), pair.is_some(), sets, span);
            }
            ItemKind::Order { name, pair, props: p, sets } => {
                let head = match pair {
                    Some((a, b)) => {
                        format!("order {}: {} then {}", name.text, rsc_ref(a), rsc_ref(b))
                    }
                    None => format!("order {}:", name.text),
                };
                self.constraint(out, &head, &props(p), pair.is_some(), sets, span);
            }
            ItemKind::Ticket { name, rsc, ticket, props: p, sets } => {
                let head = match rsc {
                    Some(r) => format!("ticket {}: {} requires {}", name.text, rsc_ref(r), ticket.text),
                    None => format!("ticket {}: requires {}", name.text, ticket.text),
                };
                self.constraint(out, &head, &props(p), rsc.is_some(), sets, span);
            }
            ItemKind::Tag { name, members } => {
                let text = self.wrap(0, &format!("tag {}", name.text), &[name_list(members)], "");
                out.push(Line::new(0, text, Kind::Leaf, span.start, span.end, span.end));
            }
            ItemKind::Alert { name, props: p, body, select, recipients } => {
                let head = format!("alert {}", name.text);
                let mut stmts = body_stmts(body, false);
                if let Some(kinds) = select {
                    stmts.push(Stmt::Select(kinds));
                }
                stmts.extend(recipients.iter().map(Stmt::Recipient));
                self.block(out, 0, &head, &props(p), stmts, span, false);
            }
            ItemKind::FencingLevel { target, props: p, devices } => {
                let head = match target {
                    FencingTarget::Node(node) => format!("fencing-level {}", node_name(&node.text)),
                    FencingTarget::Pattern(pattern) => {
                        format!("fencing-level pattern {}", quote(&pattern.text))
                    }
                    FencingTarget::Attribute(key, v) => {
                        format!("fencing-level attribute {} = {}", key.text, value(v))
                    }
                };
                let mut pieces = props(p);
                pieces.push(name_list(devices));
                let text = self.wrap(0, &head, &pieces, "");
                out.push(Line::new(0, text, Kind::Leaf, span.start, span.end, span.end));
            }
            ItemKind::AclRole { name, props: p, permissions } => {
                let head = format!("acl-role {}", name.text);
                let stmts = permissions.iter().map(|(kind, list, span)| Stmt::Perm(kind, list, *span)).collect();
                self.block(out, 0, &head, &props(p), stmts, span, false);
            }
            ItemKind::AclTarget { name, props: p, roles, .. } => {
                let head = format!("{keyword} {}", node_name(&name.text));
                let mut pieces = props(p);
                if !roles.is_empty() {
                    pieces.push(name_list(roles));
                }
                let text = self.wrap(0, &head, &pieces, "");
                out.push(Line::new(0, text, Kind::Leaf, span.start, span.end, span.end));
            }
            ItemKind::Agent { agent, props: p, params, actions } => {
                let head = format!("agent {}", agent.text);
                let mut stmts: Vec<Stmt<'_>> = params.iter().map(Stmt::Param).collect();
                stmts.extend(actions.iter().map(Stmt::Action));
                self.block(out, 0, &head, &props(p), stmts, span, true);
            }
            ItemKind::Xml { xml } => {
                // Raw XML is kept exactly as written, between its delimiters.
                let text = format!("xml <<<\n{}\n>>>", xml.text.trim_matches('\n'));
                out.push(Line::new(0, text, Kind::Leaf, span.start, span.end, span.end));
            }
        }
        ItemOut { lines, keyword, start: span.start, end: span.end }
    }

    /// A colocation, order or ticket: a pair on one line, or a block of resource sets.
    fn constraint(&self, out: &mut Vec<Line>, head: &str, pieces: &[String], pair: bool, sets: &[ResourceSet], span: Span) {
        if pair && sets.is_empty() {
            let text = self.wrap(0, head, pieces, "");
            out.push(Line::new(0, text, Kind::Leaf, span.start, span.end, span.end));
        } else {
            // A pair together with sets cannot be written; the block after the pair makes that visible.
            self.block(out, 0, head, pieces, sets.iter().map(Stmt::RscSet).collect(), span, true);
        }
    }
}

fn preference(p: &NodePreference) -> String {
    let verb = if p.avoids { "avoids" } else { "prefers" };
    match &p.score {
        Some(score) => format!("{verb} {} = {}", node_name(&p.node.text), score.text),
        None => format!("{verb} {}", node_name(&p.node.text)),
    }
}

/// Statements of a set body, in canonical order: `when` clauses, then entries.
fn set_stmts<'t>(when: &'t [Expr], entries: &'t [Assign]) -> Vec<Stmt<'t>> {
    let mut stmts: Vec<Stmt<'t>> = when.iter().map(Stmt::When).collect();
    stmts.extend(entries.iter().map(|a| Stmt::Assign(a, false)));
    stmts
}

/// Statements of a resource-like body, in canonical order: assignments, sets, ops.
fn body_stmts(body: &Body, in_bundle: bool) -> Vec<Stmt<'_>> {
    let mut stmts: Vec<Stmt<'_>> = body.assigns.iter().map(|a| Stmt::Assign(a, in_bundle)).collect();
    stmts.extend(body.sets.iter().map(Stmt::Set));
    stmts.extend(body.ops.iter().map(Stmt::Op));
    stmts
}
