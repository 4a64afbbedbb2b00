//! Facts about failure handling that several checks (HP23xx) share: which meta attribute
//! applies to a primitive (its own, its template's, or inherited from its group or clone), the
//! effective `on-fail` of an operation, whether start failures are fatal, and which of a
//! primitive's actions add one to its fail count.

use super::scope::Scope;
use crate::diagnostics::FileId;
use crate::model::{Model, OpInfo};
use crate::syntax::ast::{Assign, DefaultsKind, ItemKind, SetKind};
use crate::values;

/// A meta attribute where it is written.
pub struct MetaEntry<'m> {
    pub file: FileId,
    pub entry: &'m Assign,
    /// The resource (or template) whose declaration holds it.
    pub owner: String,
}

/// The meta attributes written directly on a declaration: a primitive's and a template's in
/// `meta { }` sets, a container's also as bare `key = value`. Sets with a `when` rule are left
/// out: whether they apply depends on the moment.
fn own_meta<'m>(model: &'m Model, name: &str, key: &str) -> Option<(FileId, &'m Assign)> {
    let (file, item) = model.item_of(name)?;
    let (body, bare) = match &item.kind {
        ItemKind::Primitive { body, .. } | ItemKind::Template { body, .. } => (body, false),
        ItemKind::Group { body, .. } | ItemKind::Clone { body, .. } | ItemKind::Bundle { body, .. } => (body, true),
        _ => return None,
    };
    let sets = body.sets.iter().filter(|s| s.kind == SetKind::Meta && s.when.is_empty()).flat_map(|s| s.entries.iter());
    let bare_entries = if bare { body.assigns.as_slice() } else { &[] };
    sets.chain(bare_entries.iter()).find(|a| a.key.text == key).map(|a| (*file, a))
}

/// The meta attribute `key` as it applies to `primitive`: its own, its template's, then its
/// group's and clone's (children inherit their container's meta attributes).
pub fn inherited_meta<'m>(model: &'m Model, primitive: &str, key: &str) -> Option<MetaEntry<'m>> {
    let template = model.primitives.get(primitive).and_then(|p| p.template.clone());
    let mut chain = vec![primitive.to_string()];
    chain.extend(template);
    let mut current = primitive.to_string();
    for _ in 0..4 {
        match model.parent.get(current.as_str()) {
            Some(parent) => {
                chain.push(parent.to_string());
                current = parent.to_string();
            }
            None => break,
        }
    }
    chain.into_iter().find_map(|owner| own_meta(model, &owner, key).map(|(file, entry)| MetaEntry { file, entry, owner }))
}

/// Declarations (primitives, templates, groups, clones, bundles) that write meta attribute `key`.
pub fn declarations_with_meta<'m>(model: &'m Model, scope: &Scope, key: &str) -> Vec<(String, FileId, &'m Assign)> {
    let mut out = Vec::new();
    for (_, item) in scope.items(model) {
        let Some(name) = item.name() else { continue };
        if !matches!(
            item.kind,
            ItemKind::Primitive { .. } | ItemKind::Template { .. } | ItemKind::Group { .. } | ItemKind::Clone { .. } | ItemKind::Bundle { .. }
        ) {
            continue;
        }
        if let Some((file, entry)) = own_meta(model, &name.text, key) {
            out.push((name.text.to_string(), file, entry));
        }
    }
    out
}

/// The primitives a declaration's meta attributes reach: itself, a container's members, or
/// the primitives made from a template.
pub fn primitives_under(model: &Model, name: &str) -> Vec<String> {
    if model.kind_of(name) == Some(crate::model::SymbolKind::Template) {
        let mut from: Vec<String> = model.primitives.values().filter(|p| p.template.as_deref() == Some(name)).map(|p| p.name.to_string()).collect();
        from.sort();
        return from;
    }
    model.primitives_in(name)
}

/// A primitive's operations: its own, then its template's that it does not redefine.
pub fn ops_of<'m>(model: &'m Model, primitive: &str) -> Vec<&'m OpInfo> {
    let Some(info) = model.primitives.get(primitive) else { return Vec::new() };
    let mut ops: Vec<&OpInfo> = info.ops.iter().collect();
    if let Some(template) = info.template.as_deref().and_then(|t| model.primitives.get(t)) {
        for op in &template.ops {
            if !info.ops.iter().any(|o| o.name.text == op.name.text && o.interval_ms == op.interval_ms) {
                ops.push(op);
            }
        }
    }
    ops
}

/// An unconditional cluster option, as written.
fn cluster_option<'m>(model: &'m Model, key: &str) -> Option<&'m str> {
    model.option_items().find_map(|item| match &item.kind {
        ItemKind::Cluster { entries, when, .. } if when.is_empty() => entries.iter().find(|e| e.key.text == key).map(|e| e.value.text.as_str()),
        _ => None,
    })
}

/// `start-failure-is-fatal` (default true): a failed start sets the fail count to INFINITY.
pub fn start_failure_is_fatal(model: &Model) -> bool {
    cluster_option(model, "start-failure-is-fatal").and_then(|v| values::parse_bool(v).ok()).unwrap_or(true)
}

/// `on-fail` from unconditional op-defaults, if set there.
fn default_on_fail(model: &Model) -> Option<&str> {
    model.option_items().find_map(|item| match &item.kind {
        ItemKind::Defaults { kind: DefaultsKind::Op, entries, when, .. } if when.is_empty() => {
            entries.iter().find(|e| e.key.text == "on-fail").map(|e| e.value.text.as_str())
        }
        _ => None,
    })
}

/// What Pacemaker does when `action` fails: the op's own `on-fail`, then op-defaults', then the
/// built-in default (restart; for stop, fence with fencing enabled and block otherwise).
pub fn effective_on_fail<'m>(model: &'m Model, op: Option<&'m OpInfo>, action: &str) -> &'m str {
    if let Some((value, _)) = op.and_then(|o| o.on_fail.as_ref()) {
        return value.as_str();
    }
    if let Some(value) = default_on_fail(model) {
        return value;
    }
    match (action, model.stonith_enabled) {
        ("stop", true) => "fence",
        ("stop", false) => "block",
        _ => "restart",
    }
}

/// Whether a failure handled this way leaves the resource where it is, failing again and again
/// until migration-threshold bans it: restart recovers in place, demote keeps the instance.
/// block and ignore leave it alone whatever the count, stop stops it for good, and standby and
/// fence clear the node at the first failure.
pub fn counts_toward_threshold(on_fail: &str) -> bool {
    matches!(on_fail, "restart" | "demote")
}

/// The actions of a primitive whose failures add one to its fail count, each with the op that
/// configures it (if any) and its effective on-fail: recurring operations, promote and demote
/// of a promotable clone, migrate_to/migrate_from of a migratable resource, and start when
/// start failures are not fatal. (Failed starts, with start-failure-is-fatal, and failed
/// stops set the count to INFINITY instead.)
pub fn counted_actions<'m>(model: &'m Model, primitive: &str) -> Vec<(String, Option<&'m OpInfo>, &'m str)> {
    let ops = ops_of(model, primitive);
    let mut out = Vec::new();
    for op in ops.iter().filter(|o| o.enabled && o.interval_ms.is_some_and(|ms| ms > 0)) {
        out.push((
            format!("{} {}", op.name.text, values::format_duration(op.interval_ms.unwrap_or(0))),
            Some(*op),
            effective_on_fail(model, Some(op), &op.name.text),
        ));
    }
    let mut implicit: Vec<&str> =
        model.implicit_actions(primitive).into_iter().filter(|a| matches!(*a, "promote" | "demote" | "migrate_to" | "migrate_from")).collect();
    if !start_failure_is_fatal(model) {
        implicit.push("start");
    }
    for action in implicit {
        let op = ops.iter().copied().find(|o| o.name.text == action && o.interval_ms.unwrap_or(0) == 0);
        if op.is_some_and(|o| !o.enabled) {
            continue;
        }
        out.push((action.to_string(), op, effective_on_fail(model, op, action)));
    }
    out
}

/// Every `fail-count(...)` condition of the project's rules, with its file.
pub fn fail_count_conditions<'m>(model: &'m Model, scope: &'m Scope) -> Vec<(FileId, &'m crate::syntax::ast::Expr)> {
    use crate::syntax::ast::Expr;
    fn walk<'m>(file: FileId, expr: &'m Expr, out: &mut Vec<(FileId, &'m Expr)>, depth: usize) {
        match expr {
            Expr::And(parts, _) | Expr::Or(parts, _) if depth < 64 => parts.iter().for_each(|p| walk(file, p, out, depth + 1)),
            Expr::FailCount { .. } => out.push((file, expr)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (file, item) in scope.items(model) {
        rule_conditions(item).into_iter().for_each(|condition| walk(*file, condition, &mut out, 0));
    }
    out
}

/// The top-level conditions of an item that Pacemaker evaluates as rules: a location's rules, the
/// `when` of cluster and defaults sets, and of the params and meta sets of resources and nodes.
pub(crate) fn rule_conditions(item: &crate::syntax::ast::Item) -> Vec<&crate::syntax::ast::Expr> {
    match &item.kind {
        ItemKind::Location { rules, .. } => rules.iter().map(|r| &r.expr).collect(),
        ItemKind::Cluster { when, .. } | ItemKind::Defaults { when, .. } => when.iter().collect(),
        ItemKind::Primitive { body, .. }
        | ItemKind::Template { body, .. }
        | ItemKind::Group { body, .. }
        | ItemKind::Clone { body, .. }
        | ItemKind::Node { body, .. } => body.sets.iter().filter(|s| s.kind != SetKind::Utilization).flat_map(|s| s.when.iter()).collect(),
        _ => Vec::new(),
    }
}

/// The threshold a `fail-count(...) CMP VALUE` condition needs the count to reach: `>= N` and
/// `> N-1` both need N. `None` for other comparisons and unreadable values.
pub fn needed_count(cmp: &str, value: &str) -> Option<i64> {
    let n = values::parse_score(value).ok()?;
    match cmp {
        ">=" => Some(n),
        ">" => Some(n.saturating_add(1)),
        _ => None,
    }
}
