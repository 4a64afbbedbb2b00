//! The shape of a file for an editor: its outline, workspace-wide symbol search, foldable
//! regions, and inlay hints showing what Pacemaker will do where the admin wrote nothing.

use super::{items_of, names::item_exprs};
use crate::diagnostics::FileId;
use crate::model::Model;
use crate::span::Span;
use crate::syntax::ast::{Body, DefaultsKind, Expr, FencingTarget, Item, ItemKind, Op};
use crate::values;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutlineKind {
    Resource,
    Template,
    Constraint,
    Node,
    Options,
    Operation,
    Agent,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineSymbol {
    pub name: String,
    pub detail: String,
    pub kind: OutlineKind,
    /// The whole construct.
    pub span: Span,
    /// What to select when jumping to it (its name).
    pub selection: Span,
    pub children: Vec<OutlineSymbol>,
}

/// The outline of one file: its items, with each resource's operations as children.
pub fn document_symbols(model: &Model, file: FileId) -> Vec<OutlineSymbol> {
    items_of(model, file).map(outline_item).collect()
}

fn keyword_and_kind(item: &Item) -> (&'static str, OutlineKind) {
    match &item.kind {
        ItemKind::Cluster { .. } => ("cluster", OutlineKind::Options),
        ItemKind::Defaults { kind: DefaultsKind::Op, .. } => ("op-defaults", OutlineKind::Options),
        ItemKind::Defaults { kind: DefaultsKind::Rsc, .. } => ("rsc-defaults", OutlineKind::Options),
        ItemKind::Node { .. } => ("node", OutlineKind::Node),
        ItemKind::Primitive { .. } => ("primitive", OutlineKind::Resource),
        ItemKind::Template { .. } => ("template", OutlineKind::Template),
        ItemKind::Group { .. } => ("group", OutlineKind::Resource),
        ItemKind::Clone { kind: crate::syntax::ast::CloneKind::Clone, .. } => ("clone", OutlineKind::Resource),
        ItemKind::Clone { .. } => ("promotable", OutlineKind::Resource),
        ItemKind::Bundle { .. } => ("bundle", OutlineKind::Resource),
        ItemKind::Location { .. } => ("location", OutlineKind::Constraint),
        ItemKind::Colocation { .. } => ("colocation", OutlineKind::Constraint),
        ItemKind::Order { .. } => ("order", OutlineKind::Constraint),
        ItemKind::Ticket { .. } => ("ticket", OutlineKind::Constraint),
        ItemKind::Tag { .. } => ("tag", OutlineKind::Other),
        ItemKind::Alert { .. } => ("alert", OutlineKind::Other),
        ItemKind::FencingLevel { .. } => ("fencing-level", OutlineKind::Other),
        ItemKind::AclRole { .. } => ("acl-role", OutlineKind::Other),
        ItemKind::AclTarget { group: false, .. } => ("acl-user", OutlineKind::Other),
        ItemKind::AclTarget { .. } => ("acl-group", OutlineKind::Other),
        ItemKind::Agent { .. } => ("agent", OutlineKind::Agent),
        ItemKind::Xml { .. } => ("xml", OutlineKind::Other),
    }
}

fn outline_item(item: &Item) -> OutlineSymbol {
    let (keyword, kind) = keyword_and_kind(item);
    let (name, selection) = match (&item.kind, item.name()) {
        (_, Some(name)) => (name.text.to_string(), name.span),
        (ItemKind::Agent { agent, .. }, None) => (agent.text.to_string(), agent.span),
        (ItemKind::FencingLevel { target, .. }, None) => {
            let target = match target {
                FencingTarget::Node(n) => n.text.to_string(),
                FencingTarget::Pattern(p) => format!("pattern {}", p.text),
                FencingTarget::Attribute(a, v) => format!("{}={}", a.text, v.text),
            };
            (target, Span::new(item.span.start as usize, item.span.start as usize + keyword.len()))
        }
        _ => (keyword.to_string(), Span::new(item.span.start as usize, item.span.start as usize + keyword.len())),
    };
    let detail = match &item.kind {
        ItemKind::Primitive { source: crate::syntax::ast::PrimitiveSource::Agent(a), .. } => format!("{keyword} {}", a.text),
        ItemKind::Primitive { source: crate::syntax::ast::PrimitiveSource::Template(t), .. } => format!("{keyword} from {}", t.text),
        ItemKind::Template { agent, .. } => format!("{keyword} {}", agent.text),
        _ => keyword.to_string(),
    };
    let children = item.kind.body().map(|b| b.ops.iter().map(outline_op).collect()).unwrap_or_default();
    OutlineSymbol { name, detail, kind, span: item.span, selection, children }
}

fn outline_op(op: &Op) -> OutlineSymbol {
    let interval = op.props.iter().find(|p| p.key.text == "interval").map(|p| format!(" {}", p.value.text)).unwrap_or_default();
    OutlineSymbol {
        name: format!("{}{interval}", op.name.text),
        detail: "op".into(),
        kind: OutlineKind::Operation,
        span: op.span,
        selection: op.name.span,
        children: Vec::new(),
    }
}

/// Declared names matching `query` (case-insensitive substring; every name for an empty query),
/// at most `limit`, sorted by name.
pub fn workspace_symbols(model: &Model, query: &str, limit: usize) -> Vec<(String, crate::model::SymbolKind, super::Location)> {
    let query = query.to_lowercase();
    let mut out: Vec<_> = model
        .symbols
        .iter()
        .filter(|(name, _)| query.is_empty() || name.to_lowercase().contains(&query))
        .map(|(name, s)| (name.to_string(), s.kind, super::Location { file: s.file, span: s.span }))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.truncate(limit);
    out
}

/// Foldable regions as byte spans: multi-line items and blocks, and runs of comment lines.
pub fn folding_ranges(model: &Model, file: FileId, text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let multi_line = |span: Span| text.get(span.range()).is_some_and(|s| s.trim_end().contains('\n'));
    for item in items_of(model, file) {
        if multi_line(item.span) {
            out.push(item.span);
        }
        if let Some(body) = item.kind.body() {
            fold_body(body, &multi_line, &mut out);
        }
    }
    // Runs of two or more comment lines.
    let mut offset = 0;
    let mut run: Option<(usize, usize, usize)> = None;
    for line in text.split_inclusive('\n') {
        let is_comment = line.trim_start().starts_with('#');
        let end = offset + line.trim_end().len();
        run = match (run, is_comment) {
            (Some((start, _, count)), true) => Some((start, end, count + 1)),
            (None, true) => Some((offset + (line.len() - line.trim_start().len()), end, 1)),
            (Some((start, last, count)), false) => {
                if count > 1 {
                    out.push(Span::new(start, last));
                }
                None
            }
            (None, false) => None,
        };
        offset += line.len();
    }
    if let Some((start, last, count)) = run {
        if count > 1 {
            out.push(Span::new(start, last));
        }
    }
    out
}

fn fold_body(body: &Body, multi_line: &dyn Fn(Span) -> bool, out: &mut Vec<Span>) {
    for set in &body.sets {
        if multi_line(set.span) {
            out.push(set.span);
        }
    }
    for op in &body.ops {
        if multi_line(op.span) {
            out.push(op.span);
        }
    }
}

/// A hint shown after `offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
    pub tooltip: String,
}

/// Hints inside `range` of `file`: the node attribute each fail-count condition reads, and the
/// timeout and on-fail an operation gets when it sets none.
pub fn inlay_hints(model: &Model, file: FileId, range: Span) -> Vec<InlayHint> {
    let mut out = Vec::new();
    let op_default = |key: &str| {
        model.option_items().find_map(|item| match &item.kind {
            ItemKind::Defaults { kind: DefaultsKind::Op, when, entries, .. } if when.is_empty() => {
                entries.iter().find(|a| a.key.text == key).map(|a| a.value.text.to_string())
            }
            _ => None,
        })
    };
    let overlaps = |span: Span| span.start <= range.end && span.end >= range.start;
    for item in items_of(model, file).filter(|i| overlaps(i.span)) {
        for expr in item_exprs(item) {
            fail_count_hints(model, expr, &mut out);
        }
        let owner = item.name().map(|n| n.text.as_str());
        let Some(body) = item.kind.body().filter(|_| matches!(item.kind, ItemKind::Primitive { .. } | ItemKind::Template { .. })) else { continue };
        for op in body.ops.iter().filter(|o| overlaps(o.span)) {
            let has = |key: &str| op.props.iter().any(|p| p.key.text == key);
            let mut parts = Vec::new();
            if !has("timeout") {
                parts.push(format!("timeout={}", op_default("timeout").unwrap_or_else(|| "20s".into())));
            }
            if !has("on-fail") {
                let on_fail = op_default("on-fail").unwrap_or_else(|| match op.name.text.as_str() {
                    "stop" if model.stonith_enabled => "fence".into(),
                    "stop" => "block".into(),
                    _ => "restart".into(),
                });
                parts.push(format!("on-fail={on_fail}"));
            }
            if !parts.is_empty() {
                let tooltip = format!("what Pacemaker uses for this operation of `{}` when it sets none", owner.unwrap_or("?"));
                out.push(InlayHint { offset: op.span.end as usize, label: format!(" {}", parts.join(" ")), tooltip });
            }
        }
    }
    out.sort_by_key(|h| h.offset);
    out
}

fn fail_count_hints(model: &Model, expr: &Expr, out: &mut Vec<InlayHint>) {
    match expr {
        Expr::And(children, _) | Expr::Or(children, _) => children.iter().for_each(|c| fail_count_hints(model, c, out)),
        Expr::FailCount { primitive, op, interval, span, .. } => {
            let attributes = crate::cib::fail_count_attributes(model, &primitive.text, op.as_ref(), interval.as_ref());
            let label = match attributes.as_slice() {
                [one] => format!(" → {one}"),
                many => format!(" → {} attributes", many.len()),
            };
            let interval_note =
                interval.as_ref().and_then(|i| values::parse_duration(&i.text).ok()).map(|d| format!(" (interval {} ms)", d.ms)).unwrap_or_default();
            out.push(InlayHint {
                offset: span.end as usize,
                label,
                tooltip: format!("the node attribute(s) Pacemaker keeps for these failures{interval_note}: {}", attributes.join(", ")),
            });
        }
        _ => {}
    }
}
