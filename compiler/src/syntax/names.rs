//! Every name an item declares or refers to, with its role: the one walk that navigation,
//! renaming, references, semantic highlighting and rechecking after an edit share.

use crate::syntax::ast::{AttrSet, Body, Expr, FencingTarget, Item, ItemKind, LocationTarget, PrimitiveSource, ResourceSet, Spanned};

/// What a name occurrence does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRole {
    /// Declares a resource, constraint, tag, ACL item or named attribute set.
    Declaration,
    /// Names something declared elsewhere (a group member, a constraint's resource, ...).
    Reference,
    /// Declares a node.
    NodeDeclaration,
    /// Names a node.
    NodeReference,
}

/// Calls `visit` for every name in `item`, in source order within each construct.
pub fn visit_names<'a>(item: &'a Item, visit: &mut dyn FnMut(&'a Spanned, NameRole)) {
    use NameRole::{Declaration, NodeDeclaration, NodeReference, Reference};
    match &item.kind {
        ItemKind::Node { name, body, .. } => {
            visit(name, NodeDeclaration);
            body_names(body, visit);
        }
        ItemKind::Cluster { name, when, .. } | ItemKind::Defaults { name, when, .. } => {
            if let Some(name) = name {
                visit(name, Declaration);
            }
            when.iter().for_each(|e| expr_names(e, visit));
        }
        ItemKind::Primitive { name, source, body, .. } => {
            visit(name, Declaration);
            if let PrimitiveSource::Template(t) = source {
                visit(t, Reference);
            }
            body_names(body, visit);
        }
        ItemKind::Template { name, body, .. } => {
            visit(name, Declaration);
            body_names(body, visit);
        }
        ItemKind::Group { name, members, body, .. } => {
            visit(name, Declaration);
            members.iter().for_each(|m| visit(m, Reference));
            body_names(body, visit);
        }
        ItemKind::Clone { name, child, body, .. } => {
            visit(name, Declaration);
            visit(child, Reference);
            body_names(body, visit);
        }
        ItemKind::Bundle { name, child, body, .. } => {
            visit(name, Declaration);
            if let Some(child) = child {
                visit(child, Reference);
            }
            body_names(body, visit);
        }
        ItemKind::Location { name, target, preferences, rules, sets, .. } => {
            visit(name, Declaration);
            if let Some(LocationTarget::Resource(r)) = target {
                visit(r, Reference);
            }
            preferences.iter().for_each(|p| visit(&p.node, NodeReference));
            rules.iter().for_each(|r| expr_names(&r.expr, visit));
            set_names(sets, visit);
        }
        ItemKind::Colocation { name, pair, sets, .. } | ItemKind::Order { name, pair, sets, .. } => {
            visit(name, Declaration);
            if let Some((a, b)) = pair {
                visit(&a.name, Reference);
                visit(&b.name, Reference);
            }
            set_names(sets, visit);
        }
        ItemKind::Ticket { name, rsc, sets, .. } => {
            visit(name, Declaration);
            if let Some(r) = rsc {
                visit(&r.name, Reference);
            }
            set_names(sets, visit);
        }
        ItemKind::Tag { name, members } => {
            visit(name, Declaration);
            members.iter().for_each(|m| visit(m, Reference));
        }
        ItemKind::Alert { name, body, recipients, .. } => {
            visit(name, Declaration);
            body_names(body, visit);
            recipients.iter().for_each(|r| body_names(&r.body, visit));
        }
        ItemKind::FencingLevel { target, devices, .. } => {
            if let FencingTarget::Node(n) = target {
                visit(n, NodeReference);
            }
            devices.iter().for_each(|d| visit(d, Reference));
        }
        ItemKind::AclRole { name, .. } => visit(name, Declaration),
        ItemKind::AclTarget { name, roles, .. } => {
            visit(name, Declaration);
            roles.iter().for_each(|r| visit(r, Reference));
        }
        ItemKind::Agent { .. } | ItemKind::Xml { .. } => {}
    }
}

fn body_names<'a>(body: &'a Body, visit: &mut dyn FnMut(&'a Spanned, NameRole)) {
    let op_sets = body.ops.iter().flat_map(|o| o.sets.iter());
    for set in body.sets.iter().chain(op_sets) {
        set_names_of(set, visit);
    }
}

fn set_names_of<'a>(set: &'a AttrSet, visit: &mut dyn FnMut(&'a Spanned, NameRole)) {
    if let Some(name) = &set.name {
        visit(name, NameRole::Declaration);
    }
    if let Some(reference) = &set.reference {
        visit(reference, NameRole::Reference);
    }
    set.when.iter().for_each(|e| expr_names(e, visit));
}

fn set_names<'a>(sets: &'a [ResourceSet], visit: &mut dyn FnMut(&'a Spanned, NameRole)) {
    for set in sets {
        set.members.iter().for_each(|m| visit(m, NameRole::Reference));
    }
}

/// The primitives that fail-count expressions name.
pub fn expr_names<'a>(expr: &'a Expr, visit: &mut dyn FnMut(&'a Spanned, NameRole)) {
    match expr {
        Expr::And(children, _) | Expr::Or(children, _) => children.iter().for_each(|c| expr_names(c, visit)),
        Expr::FailCount { primitive, .. } => visit(primitive, NameRole::Reference),
        _ => {}
    }
}

/// Every condition in an item (location rules, `when` of attribute sets and defaults).
pub fn item_exprs(item: &Item) -> Vec<&Expr> {
    let mut out: Vec<&Expr> = Vec::new();
    match &item.kind {
        ItemKind::Cluster { when, .. } | ItemKind::Defaults { when, .. } => out.extend(when.iter()),
        ItemKind::Location { rules, .. } => out.extend(rules.iter().map(|r| &r.expr)),
        _ => {}
    }
    if let Some(body) = item.kind.body() {
        for set in body.sets.iter().chain(body.ops.iter().flat_map(|o| o.sets.iter())) {
            out.extend(set.when.iter());
        }
    }
    out
}
