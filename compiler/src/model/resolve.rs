//! Declaring names and resolving references: HP1001 (unresolved), HP1002 (duplicate),
//! HP1008 (wrong kind), HP1009 (contained twice).

use std::borrow::Cow;
use std::sync::Arc;

use super::{Model, Symbol, SymbolKind};
use crate::diagnostics::{codes, did_you_mean, Diagnostic, FileId};
use crate::syntax::ast::{ItemKind, ResourceSet, Spanned};

fn declare_one(model: &mut Model, name: &Spanned, kind: SymbolKind, file: FileId, item: usize) {
    if let Some(existing) = model.symbols.get(name.text.as_str()) {
        let d = Diagnostic::new(
            &codes::DUPLICATE_NAME,
            name.span,
            format!("`{}` is already declared as {}; CIB ids must be unique across the whole configuration", name.text, existing.kind.describe()),
        )
        .in_file(file)
        .with_label(existing.file, existing.span, "first declared here")
        .with_help("rename one of them");
        model.diagnostics.push(d);
        return;
    }
    Arc::make_mut(&mut model.symbols).insert(name.text.clone(), Symbol { kind, file, span: name.span, item });
}

/// Records every declared name.
pub(super) fn declare(model: &mut Model) {
    // The items are shared: holding them apart lets the names be borrowed while the model fills.
    let items = model.items.clone();
    let mut declared: Vec<(Cow<'_, Spanned>, SymbolKind, FileId, usize)> = Vec::with_capacity(items.len());
    for (index, (file, item)) in items.iter().enumerate() {
        let kind = match &item.kind {
            ItemKind::Primitive { .. } => SymbolKind::Primitive,
            ItemKind::Template { .. } => SymbolKind::Template,
            ItemKind::Group { .. } => SymbolKind::Group,
            ItemKind::Clone { kind: crate::syntax::ast::CloneKind::Promotable, .. } => SymbolKind::Promotable,
            ItemKind::Clone { .. } => SymbolKind::Clone,
            ItemKind::Bundle { .. } => SymbolKind::Bundle,
            ItemKind::Location { .. } | ItemKind::Colocation { .. } | ItemKind::Order { .. } | ItemKind::Ticket { .. } => SymbolKind::Constraint,
            ItemKind::Tag { .. } => SymbolKind::Tag,
            ItemKind::Alert { .. } => SymbolKind::Alert,
            ItemKind::AclRole { .. } => SymbolKind::AclRole,
            ItemKind::AclTarget { .. } => SymbolKind::AclTarget,
            ItemKind::Cluster { name, .. } | ItemKind::Defaults { name, .. } => {
                if let Some(name) = name {
                    declared.push((Cow::Borrowed(name), SymbolKind::AttrSet, *file, index));
                }
                continue;
            }
            ItemKind::Node { name, .. } => {
                if let Some((first_file, first_span)) = model.nodes.get(name.text.as_str()) {
                    model.diagnostics.push(
                        Diagnostic::new(&codes::DUPLICATE_NAME, name.span, format!("node `{}` is declared twice", name.text))
                            .in_file(*file)
                            .with_label(*first_file, *first_span, "first declared here")
                            .with_help("merge the two declarations"),
                    );
                } else {
                    Arc::make_mut(&mut model.nodes).insert(name.text.clone(), (*file, name.span));
                }
                continue;
            }
            ItemKind::FencingLevel { .. } | ItemKind::Agent { .. } => continue,
            ItemKind::Xml { xml } => {
                // The ids of raw XML's resources and constraints are names like any other.
                if let Ok(root) = crate::cib::read_xml(&xml.text) {
                    let mut stack = vec![&root];
                    while let Some(e) = stack.pop() {
                        let kind = match e.name.as_str() {
                            "primitive" => Some(SymbolKind::Primitive),
                            "template" => Some(SymbolKind::Template),
                            "group" => Some(SymbolKind::Group),
                            "clone" | "master" => Some(SymbolKind::Clone),
                            "bundle" => Some(SymbolKind::Bundle),
                            "tag" => Some(SymbolKind::Tag),
                            "rsc_location" | "rsc_colocation" | "rsc_order" | "rsc_ticket" => Some(SymbolKind::Constraint),
                            _ => None,
                        };
                        if let (Some(kind), Some(id)) = (kind, e.get("id")) {
                            let span = crate::span::Span::new(
                                xml.span.start as usize + id.value_span.start as usize,
                                xml.span.start as usize + id.value_span.end as usize,
                            );
                            declared.push((Cow::Owned(Spanned { text: id.value.clone(), span }), kind, *file, index));
                        }
                        stack.extend(e.elements());
                    }
                }
                continue;
            }
        };
        if let Some(name) = item.name() {
            declared.push((Cow::Borrowed(name), kind, *file, index));
        }
        // Named attribute sets and explicit op ids are ids too.
        if let Some(body) = item.kind.body() {
            for set in &body.sets {
                if let Some(n) = &set.name {
                    declared.push((Cow::Borrowed(n), SymbolKind::AttrSet, *file, index));
                }
            }
            for op in &body.ops {
                for set in &op.sets {
                    if let Some(n) = &set.name {
                        declared.push((Cow::Borrowed(n), SymbolKind::AttrSet, *file, index));
                    }
                }
                if let Some(id) = op.props.iter().find(|p| p.key.text == "id") {
                    declared.push((Cow::Owned(Spanned { text: id.value.text.clone(), span: id.value.span }), SymbolKind::Op, *file, index));
                }
            }
        }
    }
    for (name, kind, file, index) in declared {
        declare_one(model, &name, kind, file, index);
    }
}

struct Resolver<'m> {
    model: &'m Model,
    diagnostics: Vec<Diagnostic>,
}

impl Resolver<'_> {
    /// Resolves `name` to a symbol whose kind is accepted; reports HP1001/HP1008 otherwise.
    fn expect(&mut self, file: FileId, name: &Spanned, accepted: &[SymbolKind], what: &str) -> Option<SymbolKind> {
        match self.model.symbols.get(name.text.as_str()) {
            None => {
                let candidates = self.model.symbols.iter().filter(|(_, s)| accepted.contains(&s.kind)).map(|(n, _)| n.as_str());
                let mut d = Diagnostic::new(&codes::UNRESOLVED, name.span, format!("`{}` is not declared; expected {what}", name.text)).in_file(file);
                d = match did_you_mean(&name.text, candidates) {
                    Some(s) => d.with_suggestion(s),
                    None => d.with_help(format!("declare {what} named `{}`, or fix the name", name.text)),
                };
                self.diagnostics.push(d);
                None
            }
            Some(symbol) if !accepted.contains(&symbol.kind) => {
                self.diagnostics.push(
                    Diagnostic::new(&codes::WRONG_KIND, name.span, format!("`{}` is {}, but {what} is expected here", name.text, symbol.kind.describe()))
                        .in_file(file)
                        .with_label(symbol.file, symbol.span, "declared here"),
                );
                None
            }
            Some(symbol) => Some(symbol.kind),
        }
    }

    fn node(&mut self, file: FileId, node: &Spanned) {
        // Pacemaker accepts any node name; only check when the policy declares its nodes.
        if self.model.nodes.is_empty() || self.model.nodes.contains_key(node.text.as_str()) {
            return;
        }
        let mut d = Diagnostic::new(&codes::UNRESOLVED, node.span, format!("node `{}` is not declared", node.text))
            .in_file(file)
            .with_severity(crate::diagnostics::Severity::Warning);
        d = match did_you_mean(&node.text, self.model.nodes.keys().map(|k| k.as_str())) {
            Some(s) => d.with_help(format!("did you mean `{s}`? Pacemaker accepts unknown node names silently, so a typo here never matches")),
            None => d.with_help("declare it with `node NAME`; Pacemaker accepts unknown node names silently, so a typo never matches"),
        };
        self.diagnostics.push(d);
    }

    fn sets(&mut self, file: FileId, sets: &[ResourceSet]) {
        for set in sets {
            for member in &set.members {
                self.expect(file, member, CONSTRAINABLE, "a resource, template or tag");
            }
        }
    }
}

/// What constraints may name: resources, templates and tags.
pub(crate) const CONSTRAINABLE: &[SymbolKind] =
    &[SymbolKind::Primitive, SymbolKind::Group, SymbolKind::Clone, SymbolKind::Promotable, SymbolKind::Bundle, SymbolKind::Template, SymbolKind::Tag];

fn contain(model: &mut Model, diagnostics: &mut Vec<Diagnostic>, file: FileId, child: &Spanned, parent: &Spanned) {
    if let Some(existing) = model.parent.get(child.text.as_str()) {
        let existing_span = model.symbols.get(existing).map(|s| (s.file, s.span));
        let mut d = Diagnostic::new(
            &codes::CONTAINED_TWICE,
            child.span,
            format!("`{}` is already inside `{existing}`; a resource can belong to only one group, clone or bundle", child.text),
        )
        .in_file(file);
        let existing_is_group = model.symbols.get(existing).is_some_and(|s| s.kind == SymbolKind::Group);
        let new_is_clone = model.symbols.get(parent.text.as_str()).is_some_and(|s| matches!(s.kind, SymbolKind::Clone | SymbolKind::Promotable));
        d = if existing_is_group && new_is_clone {
            d.with_help(format!("to clone the group, clone `{existing}` instead"))
        } else {
            d.with_help(format!("remove `{}` from one of them", child.text))
        };
        if let Some((f, s)) = existing_span {
            d = d.with_label(f, s, "already contained here");
        }
        diagnostics.push(d);
        return;
    }
    Arc::make_mut(&mut model.parent).insert(child.text.clone(), parent.text.clone());
}

/// Resolves every reference and records containment.
pub(super) fn resolve(model: &mut Model) {
    let items = model.items.clone();
    let mut r = Resolver { model, diagnostics: Vec::new() };
    let mut containments: Vec<(FileId, &Spanned, &Spanned)> = Vec::new();
    for (file, item) in items.iter() {
        let file = *file;
        match &item.kind {
            ItemKind::Primitive { source: crate::syntax::ast::PrimitiveSource::Template(t), .. } => {
                r.expect(file, t, &[SymbolKind::Template], "a template");
            }
            ItemKind::Group { name, members, .. } => {
                for m in members {
                    if r.expect(file, m, &[SymbolKind::Primitive], "a primitive (groups contain primitives only)").is_some() {
                        containments.push((file, m, name));
                    }
                }
            }
            ItemKind::Clone { name, child, .. } if r.expect(file, child, &[SymbolKind::Primitive, SymbolKind::Group], "a primitive or a group").is_some() => {
                containments.push((file, child, name));
            }
            ItemKind::Bundle { name, child: Some(child), .. } if r.expect(file, child, &[SymbolKind::Primitive], "a primitive").is_some() => {
                containments.push((file, child, name));
            }
            ItemKind::Location { target, preferences, sets, .. } => {
                if let Some(crate::syntax::ast::LocationTarget::Resource(rsc)) = target {
                    r.expect(file, rsc, CONSTRAINABLE, "a resource, template or tag");
                }
                for p in preferences {
                    r.node(file, &p.node);
                }
                r.sets(file, sets);
            }
            ItemKind::Colocation { pair, sets, .. } | ItemKind::Order { pair, sets, .. } => {
                if let Some((a, b)) = pair {
                    r.expect(file, &a.name, CONSTRAINABLE, "a resource, template or tag");
                    r.expect(file, &b.name, CONSTRAINABLE, "a resource, template or tag");
                }
                r.sets(file, sets);
            }
            ItemKind::Ticket { rsc, sets, .. } => {
                if let Some(a) = rsc {
                    r.expect(file, &a.name, CONSTRAINABLE, "a resource, template or tag");
                }
                r.sets(file, sets);
            }
            ItemKind::Tag { members, .. } => {
                for m in members {
                    r.expect(
                        file,
                        m,
                        &[SymbolKind::Primitive, SymbolKind::Group, SymbolKind::Clone, SymbolKind::Promotable, SymbolKind::Bundle, SymbolKind::Template],
                        "a resource",
                    );
                }
            }
            ItemKind::FencingLevel { target, devices, .. } => {
                if let crate::syntax::ast::FencingTarget::Node(n) = target {
                    r.node(file, n);
                }
                for d in devices {
                    r.expect(file, d, &[SymbolKind::Primitive], "a fencing device (a stonith primitive)");
                }
            }
            ItemKind::AclTarget { roles, .. } => {
                for role in roles {
                    r.expect(file, role, &[SymbolKind::AclRole], "an ACL role");
                }
            }
            _ => {}
        }
        // `meta use X` / `params use X` must name an attribute set.
        if let Some(body) = item.kind.body() {
            let op_sets = body.ops.iter().flat_map(|o| o.sets.iter());
            for set in body.sets.iter().chain(op_sets) {
                if let Some(reference) = &set.reference {
                    r.expect(file, reference, &[SymbolKind::AttrSet], "a named attribute set");
                }
            }
        }
    }
    let mut diagnostics = r.diagnostics;
    for (file, child, parent) in containments {
        contain(model, &mut diagnostics, file, child, parent);
    }
    model.diagnostics.extend(diagnostics);
}
