//! The semantic model: every item of every file of a project, with names resolved, values typed
//! and the facts the checks and the CIB generator need (what contains what, each primitive's
//! operations, whether fencing is on).
//!
//! Building the model reports naming and value errors (HP1xxx); Pacemaker-rule checks live in
//! `checks/` and only read the model.

pub mod agents;
mod props;
mod resolve;

use std::collections::HashMap;
use std::sync::Arc;

use compact_str::CompactString;

use crate::diagnostics::{Diagnostic, FileId};
use crate::fast_hash::FastMap;
use crate::span::Span;
use crate::syntax::ast::{self, Item, ItemKind, Spanned};
use crate::values;

pub use props::{item_facts, op_property, ItemFacts, OpProperty, ON_FAIL_VALUES, ROLE_VALUES};
pub(crate) use resolve::CONSTRAINABLE;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Primitive,
    Template,
    Group,
    Clone,
    Promotable,
    Bundle,
    Constraint,
    Tag,
    Alert,
    AclRole,
    AclTarget,
    AttrSet,
    Op,
    Other,
}

impl SymbolKind {
    pub fn is_resource(self) -> bool {
        matches!(self, SymbolKind::Primitive | SymbolKind::Group | SymbolKind::Clone | SymbolKind::Promotable | SymbolKind::Bundle)
    }

    pub fn describe(self) -> &'static str {
        match self {
            SymbolKind::Primitive => "a primitive",
            SymbolKind::Template => "a template",
            SymbolKind::Group => "a group",
            SymbolKind::Clone => "a clone",
            SymbolKind::Promotable => "a promotable clone",
            SymbolKind::Bundle => "a bundle",
            SymbolKind::Constraint => "a constraint",
            SymbolKind::Tag => "a tag",
            SymbolKind::Alert => "an alert",
            SymbolKind::AclRole => "an ACL role",
            SymbolKind::AclTarget => "an ACL user or group",
            SymbolKind::AttrSet => "an attribute set",
            SymbolKind::Op => "an operation",
            SymbolKind::Other => "an item",
        }
    }
}

/// A declared name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub kind: SymbolKind,
    pub file: FileId,
    pub span: Span,
    /// Index into `Model::items` of the item that declares it.
    pub item: usize,
}

/// An agent as `class[:provider]:type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Agent {
    pub class: CompactString,
    pub provider: Option<CompactString>,
    pub kind: CompactString,
    /// `class:provider:type` (or `class:type`), kept because every check looks agents up by it.
    spec: CompactString,
}

impl Agent {
    pub fn parse(text: &str) -> Result<Agent, String> {
        let parts: Vec<&str> = text.split(':').collect();
        const CLASSES: &[&str] = &["ocf", "lsb", "systemd", "service", "stonith", "upstart", "nagios"];
        let mut agent = match parts.as_slice() {
            ["heartbeat" | "pacemaker", kind] => {
                return Err(format!("`{text}` lacks its class: OCF agents are written `ocf:{}:{kind}`", parts.first().copied().unwrap_or("heartbeat")))
            }
            ["ocf", provider, kind] if !provider.is_empty() && !kind.is_empty() => {
                Agent { class: "ocf".into(), provider: Some((*provider).into()), kind: (*kind).into(), spec: CompactString::default() }
            }
            ["ocf", ..] => return Err(format!("`{text}`: OCF agents are written `ocf:provider:type`, such as `ocf:heartbeat:IPaddr2`")),
            [class, kind] if CLASSES.contains(class) && !kind.is_empty() => {
                Agent { class: (*class).into(), provider: None, kind: (*kind).into(), spec: CompactString::default() }
            }
            // systemd units may contain colons in instance names
            ["systemd" | "service", rest @ ..] if !rest.is_empty() => {
                Agent { class: parts.first().copied().unwrap_or("systemd").into(), provider: None, kind: rest.join(":").into(), spec: CompactString::default() }
            }
            [class, ..] if !CLASSES.contains(class) => return Err(format!("`{class}` is not a resource class; use one of {}", CLASSES.join(", "))),
            _ => return Err(format!("`{text}` is not an agent; write `class:provider:type` for OCF or `class:type` otherwise")),
        };
        agent.spec = match &agent.provider {
            Some(p) => compact_str::format_compact!("{}:{p}:{}", agent.class, agent.kind),
            None => compact_str::format_compact!("{}:{}", agent.class, agent.kind),
        };
        Ok(agent)
    }

    pub fn is_ocf(&self) -> bool {
        self.class == "ocf"
    }

    pub fn is_stonith(&self) -> bool {
        self.class == "stonith"
    }

    /// `class:provider:type` or `class:type`, as written in a primitive.
    pub fn spec(&self) -> String {
        self.spec.to_string()
    }

    /// The same, borrowed.
    pub fn spec_str(&self) -> &str {
        &self.spec
    }

    pub fn is_remote(&self) -> bool {
        self.class == "ocf" && self.provider.as_deref() == Some("pacemaker") && self.kind == "remote"
    }
}

/// An operation of a primitive or template, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpInfo {
    pub name: Spanned,
    /// `None` when the interval was invalid (already reported).
    pub interval_ms: Option<u64>,
    pub interval_span: Option<Span>,
    pub role: Option<CompactString>,
    pub on_fail: Option<(CompactString, Span)>,
    pub enabled: bool,
    pub start_delay: Option<Span>,
    pub interval_origin: Option<Span>,
    pub span: Span,
}

/// What the checks need to know about a primitive (or template).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrimitiveInfo {
    pub name: CompactString,
    pub file: FileId,
    pub span: Span,
    pub agent: Option<Agent>,
    pub template: Option<String>,
    pub ops: Vec<OpInfo>,
}

/// The whole project, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Model {
    /// Shared with the parse results: building the model copies no syntax. The list itself is
    /// shared too, between the models an editor's session keeps (cloning a model then costs no
    /// reference counting per item).
    pub items: Arc<Vec<(FileId, std::sync::Arc<Item>)>>,
    // The maps are shared: after an edit that keeps every name where it was, the language server's
    // database builds the next model from this one (`patch`) without copying them.
    pub symbols: Arc<FastMap<CompactString, Symbol>>,
    pub nodes: Arc<FastMap<CompactString, (FileId, Span)>>,
    /// Primitive or group name → the group, clone or bundle that contains it.
    pub parent: Arc<FastMap<CompactString, CompactString>>,
    /// Shared with the per-item facts they came from (`ItemFacts`) when not derived from a template.
    pub primitives: Arc<FastMap<CompactString, Arc<PrimitiveInfo>>>,
    /// `stonith-enabled` as the cluster will see it (default true).
    pub stonith_enabled: bool,
    pub stonith_enabled_at: Option<(FileId, Span)>,
    pub has_fencing_device: bool,
    /// Every agent schema known from the policy, supplied metadata and the stdlib.
    /// Shared between the models of an editor's session while the known agents stay the same.
    pub agents: Arc<HashMap<String, agents::KnownAgent>>,
    /// The name of every agent hapolicy knows, loaded or not (for suggestions).
    pub agent_names: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// Indices into `items` of the `cluster`, `op-defaults` and `rsc-defaults` items, so that
    /// per-resource questions about defaults do not scan every item.
    pub option_items: Vec<usize>,
    /// Indices into `items` of the fencing levels (the one kind whose facts read other items).
    pub fencing_levels: Vec<usize>,
    /// Indices into `items` of the orders, which the migration analysis reads for any resource.
    pub orders: Vec<usize>,
    /// Whether any item is a template (primitives may then inherit from one).
    pub has_templates: bool,
    /// How many of `diagnostics` come first from declaring and resolving names (`patch` keeps them).
    naming_diagnostics: usize,
}

/// A large model takes tens of milliseconds to free (hundreds of thousands of small
/// allocations). When an edit replaces it, the database frees the old one while the editor
/// waits for diagnostics: so a large model hands its contents to the freeing thread.
impl Drop for Model {
    fn drop(&mut self) {
        const ASIDE_FROM: usize = 2_000;
        if self.items.len() < ASIDE_FROM {
            return;
        }
        let contents = (
            std::mem::take(&mut self.items),
            std::mem::take(&mut self.symbols),
            std::mem::take(&mut self.nodes),
            std::mem::take(&mut self.parent),
            std::mem::take(&mut self.primitives),
            std::mem::take(&mut self.agents),
            std::mem::take(&mut self.diagnostics),
        );
        crate::drop_aside::drop_aside(contents);
    }
}

impl Model {
    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symbols.get(name)
    }

    pub fn kind_of(&self, name: &str) -> Option<SymbolKind> {
        self.symbols.get(name).map(|s| s.kind)
    }

    /// The `cluster`, `op-defaults` and `rsc-defaults` items, in order.
    pub fn option_items(&self) -> impl Iterator<Item = &Item> + '_ {
        self.option_items.iter().filter_map(|&i| self.items.get(i)).map(|(_, item)| item.as_ref())
    }

    /// The item that declares `name`.
    pub fn item_of(&self, name: &str) -> Option<&(FileId, std::sync::Arc<Item>)> {
        self.symbols.get(name).and_then(|s| self.items.get(s.item))
    }

    /// The schema of a primitive's agent (through its template), when known.
    pub fn agent_of(&self, primitive: &str) -> Option<&agents::KnownAgent> {
        let agent = self.primitives.get(primitive)?.agent.as_ref()?;
        self.agents.get(agent.spec_str())
    }

    /// A primitive's parameters as written: its own (every `params` set and bare assignment),
    /// then its template's that it does not override.
    pub fn params_of(&self, primitive: &str) -> Vec<(FileId, &ast::Assign)> {
        let mut out: Vec<(FileId, &ast::Assign)> = Vec::new();
        for (file, a) in self.written_params(primitive) {
            if !out.iter().any(|(_, b)| b.key.text == a.key.text) {
                out.push((file, a));
            }
        }
        out
    }

    /// One parameter of a primitive, as `params_of` has it.
    pub fn param(&self, primitive: &str, key: &str) -> Option<(FileId, &ast::Assign)> {
        self.written_params(primitive).find(|(_, a)| a.key.text == key)
    }

    /// Every parameter assignment of a primitive and then of its template, repeats included.
    fn written_params(&self, primitive: &str) -> impl Iterator<Item = (FileId, &ast::Assign)> + '_ {
        let template = self.primitives.get(primitive).and_then(|p| p.template.as_deref());
        let items = [self.item_of(primitive), template.and_then(|t| self.item_of(t))];
        items.into_iter().flatten().flat_map(|(file, item)| {
            let body = match &item.kind {
                ItemKind::Primitive { body, .. } | ItemKind::Template { body, .. } => Some(body),
                _ => None,
            };
            let sets = body.into_iter().flat_map(|b| b.sets.iter().filter(|s| s.kind == ast::SetKind::Params).flat_map(|s| s.entries.iter()));
            body.into_iter().flat_map(|b| b.assigns.iter()).chain(sets).map(move |a| (*file, a))
        })
    }

    /// The primitives a resource consists of (itself, a group's members, a clone's child's ...).
    pub fn primitives_in(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_primitives(name, &mut out, 0);
        out
    }

    fn collect_primitives(&self, name: &str, out: &mut Vec<String>, depth: usize) {
        if depth > 4 {
            return;
        }
        let Some((_, item)) = self.item_of(name) else { return };
        match &item.kind {
            ItemKind::Primitive { .. } => out.push(name.to_string()),
            ItemKind::Group { members, .. } => members.iter().for_each(|m| self.collect_primitives(&m.text, out, depth + 1)),
            ItemKind::Clone { child, .. } => self.collect_primitives(&child.text, out, depth + 1),
            ItemKind::Bundle { child: Some(child), .. } => self.collect_primitives(&child.text, out, depth + 1),
            _ => {}
        }
    }

    /// Whether `name` is (inside) a promotable clone.
    pub fn is_promotable(&self, name: &str) -> bool {
        let mut current = name.to_string();
        for _ in 0..4 {
            if self.kind_of(&current) == Some(SymbolKind::Promotable) {
                return true;
            }
            if let Some((_, item)) = self.item_of(&current) {
                match &item.kind {
                    ItemKind::Clone { body, .. } if meta_value(body, "promotable").is_some_and(|v| values::parse_bool(v).unwrap_or(false)) => return true,
                    // A bundle with promoted-max (or the legacy masters) above 0 promotes its replicas.
                    ItemKind::Bundle { parts, .. }
                        if parts
                            .iter()
                            .flat_map(|p| p.props.iter())
                            .any(|p| (p.key.text == "promoted-max" || p.key.text == "masters") && p.value.text.parse::<u32>().is_ok_and(|n| n > 0)) =>
                    {
                        return true
                    }
                    _ => {}
                }
            }
            match self.parent.get(current.as_str()) {
                Some(p) => current = p.to_string(),
                None => return false,
            }
        }
        false
    }

    /// The actions Pacemaker runs on a primitive without an `op` line (interval 0): start, stop,
    /// the probe (`monitor` 0), promote/demote in a promotable clone, notify in a clone,
    /// migrate_to/migrate_from when the resource may migrate.
    pub fn implicit_actions(&self, primitive: &str) -> Vec<&'static str> {
        let mut actions = vec!["start", "stop", "monitor"];
        if self.is_promotable(primitive) {
            actions.extend(["promote", "demote"]);
        }
        if self.enclosing_clone(primitive).is_some() {
            actions.push("notify");
        }
        let meta_allows = |name: &str| {
            self.item_of(name).is_some_and(|(_, item)| match &item.kind {
                ItemKind::Primitive { body, .. } | ItemKind::Group { body, .. } | ItemKind::Template { body, .. } => {
                    meta_value(body, "allow-migrate").is_some_and(|v| values::parse_bool(v).unwrap_or(false))
                }
                _ => false,
            })
        };
        let template = self.primitives.get(primitive).and_then(|p| p.template.clone());
        let remote = self.primitives.get(primitive).and_then(|p| p.agent.as_ref()).is_some_and(Agent::is_remote);
        let in_group = self.parent.get(primitive).is_some_and(|g| meta_allows(g));
        if remote || meta_allows(primitive) || in_group || template.as_deref().is_some_and(meta_allows) {
            actions.extend(["migrate_to", "migrate_from"]);
        }
        actions
    }

    /// The clone (promotable or not) that contains `name`, directly or through a group.
    pub fn enclosing_clone(&self, name: &str) -> Option<&str> {
        let mut current = name;
        for _ in 0..4 {
            let parent = self.parent.get(current)?;
            if matches!(self.kind_of(parent), Some(SymbolKind::Clone | SymbolKind::Promotable)) {
                return Some(parent);
            }
            current = parent;
        }
        None
    }
}

/// A meta attribute written directly in a body (`key = value` of a container, or a `meta` set).
pub fn meta_value<'a>(body: &'a ast::Body, key: &str) -> Option<&'a str> {
    body.sets
        .iter()
        .filter(|s| s.kind == ast::SetKind::Meta)
        .flat_map(|s| s.entries.iter())
        .chain(body.assigns.iter())
        .find(|a| a.key.text == key)
        .map(|a| a.value.text.as_str())
}

/// Builds the model of a project from its parsed files, the agent metadata the shell supplied
/// (name, origin, schema; earlier entries win) and the stdlib's agent declarations. `facts_of`
/// gives what `item_facts` gives for an item: the language server's database keeps it per item.
pub fn build(
    files: &[(FileId, &[std::sync::Arc<Item>])],
    metadata: &[(String, String, crate::agents::AgentSchema)],
    stdlib: &[std::sync::Arc<Item>],
    library_names: &[&str],
    facts_of: &mut dyn FnMut(FileId, &std::sync::Arc<Item>) -> std::sync::Arc<ItemFacts>,
) -> Model {
    let mut model = Model::default();
    model.stonith_enabled = true;
    let mut all = Vec::with_capacity(files.iter().map(|(_, items)| items.len()).sum());
    for (file, items) in files {
        for item in items.iter() {
            match item.kind {
                ItemKind::Cluster { .. } | ItemKind::Defaults { .. } => model.option_items.push(all.len()),
                ItemKind::FencingLevel { .. } => model.fencing_levels.push(all.len()),
                ItemKind::Order { .. } => model.orders.push(all.len()),
                ItemKind::Template { .. } => model.has_templates = true,
                _ => {}
            }
            all.push((*file, item.clone()));
        }
    }
    model.items = Arc::new(all);
    Arc::make_mut(&mut model.symbols).reserve(model.items.len());
    Arc::make_mut(&mut model.primitives).reserve(model.items.len());
    Arc::make_mut(&mut model.parent).reserve(model.items.len());
    model.agents = Arc::new(agents::merge(&model.items, metadata, stdlib));
    model.agent_names = library_names.iter().map(|n| (*n).to_string()).chain(model.agents.keys().cloned()).collect();
    model.agent_names.sort();
    model.agent_names.dedup();
    resolve::declare(&mut model);
    resolve::resolve(&mut model);
    model.naming_diagnostics = model.diagnostics.len();
    props::check_items(&mut model, facts_of);
    model
}

/// Whether the item at an index now is a copy of the last model's item there (given) that an
/// edit before it moved.
pub type IsMovedCopy<'a> = dyn Fn(usize, &Arc<Item>) -> bool + 'a;

/// The model `build` would give after an edit, made from the model before it when the edit
/// changed only what no other item's resolution reads: each changed item declares and names the
/// same things at the same places, and is a primitive (with the same agent), group, clone,
/// bundle, constraint, tag, alert or ACL item. Then the names, containment and settings are the
/// last model's (shared, not copied), and only the changed items' facts are worked out again.
/// Items the edit only moved (`copied` tells a moved copy of the last model's item at the same
/// index) keep theirs too, moved with their text (`syntax::Moves`). `None` when the edit needs a
/// full build.
pub fn patch(
    last: &Model,
    files: &[(FileId, &[Arc<Item>])],
    metadata: &[(String, String, crate::agents::AgentSchema)],
    stdlib: &[Arc<Item>],
    copied: &IsMovedCopy<'_>,
    facts_of: &mut dyn FnMut(FileId, &Arc<Item>) -> Arc<ItemFacts>,
) -> Option<Model> {
    const MOST_CHANGED: usize = 64;
    let items: Arc<Vec<(FileId, Arc<Item>)>> = Arc::new(files.iter().flat_map(|(file, items)| items.iter().map(|item| (*file, Arc::clone(item)))).collect());
    if items.len() != last.items.len() {
        return None;
    }
    let mut changed = Vec::new();
    let mut copies = Vec::new();
    for (index, ((file, item), (last_file, last_item))) in items.iter().zip(last.items.iter()).enumerate() {
        if file != last_file {
            return None;
        }
        if Arc::ptr_eq(item, last_item) {
            continue;
        }
        if copied(index, last_item) {
            copies.push((index, *file, last_item.span.start, item.span.start));
            continue;
        }
        if changed.len() == MOST_CHANGED || !same_outline(last_item, item) {
            return None;
        }
        changed.push(index);
    }
    let moves = if copies.is_empty() {
        crate::syntax::Moves::default()
    } else {
        crate::syntax::Moves::among(&copies, &items.iter().map(|(file, _)| *file).collect::<Vec<_>>())
    };
    if moves.items.len() != copies.len() {
        return None;
    }
    if agents::merge(&items, metadata, stdlib) != *last.agents {
        return None;
    }
    let agents = Arc::clone(&last.agents);
    let mut diagnostics = last.diagnostics.get(..last.naming_diagnostics)?.to_vec();
    let (symbols, nodes) = if moves.is_empty() {
        (Arc::clone(&last.symbols), Arc::clone(&last.nodes))
    } else {
        diagnostics.iter_mut().for_each(|d| moves.diagnostic(d));
        let mut symbols = last.symbols.as_ref().clone();
        symbols.values_mut().for_each(|s| s.span = moves.span(s.file, s.span));
        let mut nodes = last.nodes.as_ref().clone();
        nodes.values_mut().for_each(|(file, span)| *span = moves.span(*file, *span));
        (Arc::new(symbols), Arc::new(nodes))
    };
    let mut model = Model {
        items,
        symbols,
        nodes,
        parent: Arc::clone(&last.parent),
        primitives: Arc::clone(&last.primitives),
        stonith_enabled: last.stonith_enabled,
        stonith_enabled_at: last.stonith_enabled_at.map(|(file, span)| (file, moves.span(file, span))),
        has_fencing_device: last.has_fencing_device,
        agents,
        agent_names: last.agent_names.clone(),
        diagnostics,
        option_items: last.option_items.clone(),
        // A patched item keeps its kind (`same_outline`), and a changed fencing level or
        // template is never patched.
        fencing_levels: last.fencing_levels.clone(),
        orders: last.orders.clone(),
        has_templates: last.has_templates,
        naming_diagnostics: last.naming_diagnostics,
    };
    props::patch_items(&mut model, &changed, !moves.is_empty(), facts_of);
    Some(model)
}

/// Whether an item changed only in what no other item's resolution or settings read: its
/// kind, the names it declares and names (with where), and a primitive's agent are the same.
fn same_outline(last: &Item, now: &Item) -> bool {
    /// What else of an item other items' resolution reads (a primitive's agent, a clone's
    /// kind); `None` for items a patch does not handle.
    fn outline(item: &Item) -> Option<&str> {
        match &item.kind {
            ItemKind::Primitive { source: ast::PrimitiveSource::Agent(agent), .. } => Some(agent.text.as_str()),
            ItemKind::Clone { kind: ast::CloneKind::Promotable, .. } => Some("promotable"),
            ItemKind::Group { .. }
            | ItemKind::Clone { .. }
            | ItemKind::Bundle { .. }
            | ItemKind::Location { .. }
            | ItemKind::Colocation { .. }
            | ItemKind::Order { .. }
            | ItemKind::Ticket { .. }
            | ItemKind::Tag { .. }
            | ItemKind::Alert { .. }
            | ItemKind::AclRole { .. }
            | ItemKind::AclTarget { .. } => Some(""),
            _ => None,
        }
    }
    let names = |item: &Item| {
        let mut names = Vec::new();
        crate::syntax::names::visit_names(item, &mut |name, role| names.push((name.text.to_string(), name.span, Some(role))));
        // Explicit operation ids are declared names too (`resolve::declare`).
        let ops = item.kind.body().into_iter().flat_map(|body| body.ops.iter());
        names.extend(ops.filter_map(|op| op.props.iter().find(|p| p.key.text == "id")).map(|id| (id.value.text.to_string(), id.value.span, None)));
        names
    };
    let (Some(a), Some(b)) = (outline(last), outline(now)) else { return false };
    a == b && std::mem::discriminant(&last.kind) == std::mem::discriminant(&now.kind) && names(last) == names(now)
}
