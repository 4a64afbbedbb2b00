//! Checking again after an edit. The language server's database keeps what the scoped checks
//! found last time, per item, and after an edit checks only the items whose findings it may have
//! changed: the items that changed, the items related to them by name, and the cluster-wide
//! option items. What the others had is kept. A build of the same text finds the same; a test
//! (`tests/tests/editing.rs`) and the edits fuzz target compare the two after random edits.
//!
//! Items are told apart by address: parsing reuses an unchanged item (`db::parse_file`), so an
//! item with a new address is one the edit changed or moved. A moved item (an edit before it
//! changed the text's length) is a new copy of the same parse (its `ItemOrigin`): it keeps
//! its findings, moved by the same distance, and is not checked again. What is kept per item is
//! kept by the item's position, which an edit that adds or removes no item leaves alone.
//!
//! The related items: the edit's names are those the changed items (before and after) declare
//! or mention, with the groups, clones and bundles above them and the primitives inside them.
//! Every item that declares or mentions one of those names is checked, and so is every item
//! declaring a name those items mention (with the primitives inside), since a check about a
//! constraint reads what it constrains and a check about a resource reads its constraints.
//!
//! Everything is checked again when that would be as quick, or when the edit changes what every
//! item may depend on: the target, the known agents, the fencing settings, a cluster option,
//! a default, a template, a node, an agent declaration or raw XML, or the names declared (or
//! where they stand). `agent_unique` compares every primitive with every other of its agent: it
//! runs again only when a changed primitive's agent or parameters changed.

use std::sync::Arc;

use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Diagnostic, FileId};
use crate::fast_hash::{FastMap, FastSet};
use crate::model::agents::KnownAgent;
use crate::model::Model;
use crate::span::Span;
use crate::syntax::ast::{Item, ItemKind, PrimitiveSource, SetKind};
use crate::syntax::names::{visit_names, NameRole};
use crate::syntax::{ItemOrigin, Moves};

/// More changed items than this, and checking everything is about as quick.
const MOST_CHANGED: usize = 64;

/// What the scoped checks found in the last run, and what the next run needs to check only what
/// an edit changed.
pub struct LastChecks {
    /// The items checked, held so that their addresses stay theirs.
    items: SharedItems,
    /// Each item's file, and the parse it was placed from (its text parsed alone), when known:
    /// an item that an edit only moved is a new copy of the same one.
    files: Vec<FileId>,
    origins: Vec<Option<ItemOrigin>>,
    /// Name → positions (in `items`) of the items that declare or mention it.
    mentions: FastMap<String, Vec<usize>>,
    /// What the scoped checks found, each with the position of the item it is about.
    found: Vec<(usize, Diagnostic)>,
    /// What `agent_unique` found: it changes only when a primitive's agent or parameters do.
    unique: Vec<Diagnostic>,
    context: Context,
    /// The indices of the items this run checked; `None` when it checked everything.
    checked: Option<Vec<usize>>,
    /// Whether the items were in file order, by where they start.
    ordered: bool,
}

impl LastChecks {
    /// The indices (into `Model::items`) of the items the run checked; `None` for all of them.
    pub fn checked(&self) -> Option<&[usize]> {
        self.checked.as_deref()
    }
}

/// What every item's findings may depend on.
#[derive(PartialEq)]
struct Context {
    target: Target,
    stonith_enabled: bool,
    stonith_enabled_at: Option<(FileId, Span)>,
    has_fencing_device: bool,
    agents: Arc<std::collections::HashMap<String, KnownAgent>>,
}

impl Context {
    fn same_as(&self, model: &Model, target: Target) -> bool {
        self.target == target
            && self.stonith_enabled == model.stonith_enabled
            && self.stonith_enabled_at == model.stonith_enabled_at
            && self.has_fencing_device == model.has_fencing_device
            && self.agents == model.agents
    }

    fn of(model: &Model, target: Target) -> Context {
        Context {
            target,
            stonith_enabled: model.stonith_enabled,
            stonith_enabled_at: model.stonith_enabled_at,
            has_fencing_device: model.has_fencing_device,
            agents: Arc::clone(&model.agents),
        }
    }
}

/// A model's items, shared with it (holding them costs no reference counting per item), read
/// as the items alone.
#[derive(Default)]
struct SharedItems(Arc<Vec<(FileId, Arc<Item>)>>);

impl SharedItems {
    fn get(&self, i: usize) -> Option<&Arc<Item>> {
        self.0.get(i).map(|(_, item)| item)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn iter(&self) -> impl Iterator<Item = &Arc<Item>> + Clone {
        self.0.iter().map(|(_, item)| item)
    }
}

fn address(item: &Arc<Item>) -> usize {
    Arc::as_ptr(item) as usize
}

/// Runs the scoped checks over what changed since `last` (everything, without it), and returns
/// all they find, with what the next run needs. `origins` gives, for each of the model's items,
/// the parse it was placed from (its text parsed alone), when known.
pub fn run_after_edit(model: &Model, target: Target, last: Option<LastChecks>, origins: Vec<Option<ItemOrigin>>) -> (Vec<Diagnostic>, LastChecks) {
    let items = SharedItems(Arc::clone(&model.items));
    let files: Vec<FileId> = model.items.iter().map(|(file, _)| *file).collect();
    // With as many items as last time, every item that stayed stands where it stood: only the
    // changed positions are looked at.
    let changed_in_place: Option<Vec<usize>> = last
        .as_ref()
        .filter(|last| items.len() == last.items.len())
        .map(|last| (0..items.len()).filter(|&i| !matches!((items.get(i), last.items.get(i)), (Some(a), Some(b)) if Arc::ptr_eq(a, b))).collect());
    // Findings are owned by the item they point into, found by position: items must be in order.
    // When they were, only the pairs around the changed positions can be out of order now.
    let in_order = |i: usize| match model.items.get(i..i + 2) {
        Some([(fa, a), (fb, b)]) => (fa, a.span.start) <= (fb, b.span.start),
        _ => true,
    };
    let ordered = match (&changed_in_place, &last) {
        (Some(changed), Some(last)) if last.ordered => changed.iter().all(|&i| in_order(i.saturating_sub(1)) && in_order(i)),
        _ => (0..items.len()).all(in_order),
    };
    let last = last.filter(|last| ordered && last.context.same_as(model, target));
    let Some(mut last) = last else { return check_everything(model, target, items, files, origins, ordered) };
    let mut moves = Moves::default();
    let (added, removed): (Vec<usize>, Vec<(FileId, Arc<Item>)>) = if let Some(changed) = changed_in_place {
        // Items an edit of another item's length only moved keep their findings, moved with them.
        moves = moved_items(&last, &items, &files, &origins, &changed);
        last.found.iter_mut().for_each(|(_, d)| moves.diagnostic(d));
        let changed: Vec<usize> = changed.into_iter().filter(|i| moves.items.binary_search_by_key(i, |&(m, _)| m).is_err()).collect();
        let removed: Vec<(FileId, Arc<Item>)> = changed.iter().filter_map(|&i| Some((*last.files.get(i)?, Arc::clone(last.items.get(i)?)))).collect();
        for (&i, (_, item)) in changed.iter().zip(&removed) {
            forget(&mut last.mentions, item, i);
        }
        (changed, removed)
    } else {
        // Items were added or removed: where each kept item stands now, by address.
        let now: FastMap<usize, usize> = items.iter().enumerate().map(|(i, item)| (address(item), i)).collect();
        let moved_to: Vec<Option<usize>> = last.items.iter().map(|item| now.get(&address(item)).copied()).collect();
        let mut kept = vec![false; items.len()];
        for &i in moved_to.iter().flatten() {
            if let Some(k) = kept.get_mut(i) {
                *k = true;
            }
        }
        let added = kept.iter().enumerate().filter(|(_, kept)| !**kept).map(|(i, _)| i).collect();
        let removed = last.items.iter().zip(&last.files).zip(&moved_to).filter(|(_, to)| to.is_none());
        let removed = removed.map(|((item, file), _)| (*file, Arc::clone(item))).collect();
        for at in last.mentions.values_mut() {
            *at = at.iter().filter_map(|&i| moved_to.get(i).copied().flatten()).collect();
        }
        last.mentions.retain(|_, at| !at.is_empty());
        last.found = std::mem::take(&mut last.found).into_iter().filter_map(|(i, d)| Some((moved_to.get(i).copied().flatten()?, d))).collect();
        (added, removed)
    };
    let added_items = added.iter().filter_map(|&i| items.get(i));
    let removed_items = removed.iter().map(|(_, item)| item);
    if added.len() + removed.len() > MOST_CHANGED
        || added_items.clone().chain(removed_items.clone()).any(|item| affects_everything(item))
        || declared(added_items.clone()) != declared(removed_items.clone())
    {
        return check_everything(model, target, items, files, origins, ordered);
    }
    // `agent_unique` is run again only when an agent or parameter changed. Parameters that only
    // moved inside their changed item keep their findings, which move with them.
    let parameters_before = parameters(removed.iter().map(|(file, item)| (*file, item)));
    let parameters_now = parameters(added.iter().filter_map(|&i| Some((*files.get(i)?, items.get(i)?))));
    let same_parameters = same_but_places(&parameters_before, &parameters_now);
    if same_parameters {
        for (before, now) in parameters_before.iter().zip(&parameters_now) {
            for (old, new) in before.3.iter().zip(&now.3) {
                moves.respan(before.2, old.2, new.2);
            }
        }
    }
    last.unique.iter_mut().for_each(|d| moves.diagnostic(d));
    for &i in &added {
        if let Some(item) = items.get(i) {
            remember(&mut last.mentions, item, i);
        }
    }
    let scope = scope_of_edit(model, &last.mentions, &added, added_items.chain(removed_items));
    let mut found: Vec<(usize, Diagnostic)> = last.found.into_iter().filter(|(owner, _)| !scope.includes(*owner)).collect();
    let (scoped, unique) = std::thread::scope(|threads| {
        let unique = (!same_parameters).then(|| threads.spawn(|| super::run_unique(model, target)));
        let scoped = super::run_scoped(model, target, &scope);
        let unique = match unique.map(std::thread::ScopedJoinHandle::join) {
            None => last.unique,
            Some(Ok(unique)) => unique,
            Some(Err(_)) => super::run_unique(model, target),
        };
        (scoped, unique)
    });
    for d in scoped {
        let owner = owner_of(model, &d);
        if scope.includes(owner) {
            found.push((owner, d));
        }
    }
    let diagnostics = found.iter().map(|(_, d)| d).chain(&unique).cloned().collect();
    let checked = scope.indices().map(<[usize]>::to_vec);
    // After an edit that moved many items, this may hold the last copies of their old places:
    // freeing thousands of items is for the freeing thread, not for the answer's path.
    let replaced = std::mem::take(&mut last.items);
    if replaced.len() > 1_000 {
        crate::drop_aside::drop_aside(replaced);
    }
    (diagnostics, LastChecks { items, files, origins, mentions: last.mentions, found, unique, context: last.context, checked, ordered })
}

fn check_everything(
    model: &Model,
    target: Target,
    items: SharedItems,
    files: Vec<FileId>,
    origins: Vec<Option<ItemOrigin>>,
    ordered: bool,
) -> (Vec<Diagnostic>, LastChecks) {
    // `agent_unique` costs about as much as the others together: it runs beside them.
    let (scoped, unique) = std::thread::scope(|threads| {
        let unique = threads.spawn(|| super::run_unique(model, target));
        let scoped = super::run_scoped(model, target, &Scope::everything());
        (scoped, unique.join().unwrap_or_else(|_| super::run_unique(model, target)))
    });
    let found = scoped.iter().map(|d| (owner_of(model, d), d.clone())).collect();
    let mut mentions = FastMap::default();
    for (i, item) in items.iter().enumerate() {
        remember(&mut mentions, item, i);
    }
    let diagnostics = scoped.into_iter().chain(unique.iter().cloned()).collect();
    (diagnostics, LastChecks { items, files, origins, mentions, found, unique, context: Context::of(model, target), checked: None, ordered })
}

/// One primitive as `agent_unique` reads it: its name, agent or template, file, and parameters
/// as written (key, value and where the value stands).
type WrittenParameters<'a> = (&'a str, &'a str, FileId, Vec<(&'a str, &'a str, Span)>);

/// What `agent_unique` reads of some items, sorted by name.
fn parameters<'a>(items: impl Iterator<Item = (FileId, &'a Arc<Item>)>) -> Vec<WrittenParameters<'a>> {
    let mut found = Vec::new();
    for (file, item) in items {
        let ItemKind::Primitive { name, source, body, .. } = &item.kind else { continue };
        let source = match source {
            PrimitiveSource::Agent(a) | PrimitiveSource::Template(a) => a.text.as_str(),
        };
        let sets = body.sets.iter().filter(|s| s.kind == SetKind::Params).flat_map(|s| s.entries.iter());
        let written = body.assigns.iter().chain(sets).map(|a| (a.key.text.as_str(), a.value.text.as_str(), a.value.span)).collect();
        found.push((name.text.as_str(), source, file, written));
    }
    found.sort();
    found
}

/// Whether two readings of `parameters` differ at most in where the values stand.
fn same_but_places(before: &[WrittenParameters<'_>], now: &[WrittenParameters<'_>]) -> bool {
    let same_written = |a: &[(&str, &str, Span)], b: &[(&str, &str, Span)]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x.0, x.1) == (y.0, y.1));
    before.len() == now.len() && before.iter().zip(now).all(|(a, b)| (a.0, a.1, a.2) == (b.0, b.1, b.2) && same_written(&a.3, &b.3))
}

/// Which of the `changed` positions hold copies of the item that stood there, moved by an edit
/// before them (same file, same origin).
fn moved_items(last: &LastChecks, items: &SharedItems, files: &[FileId], origins: &[Option<ItemOrigin>], changed: &[usize]) -> Moves {
    let copies: Vec<(usize, FileId, u32, u32)> = changed
        .iter()
        .filter_map(|&i| {
            let (file, old_file) = (files.get(i)?, last.files.get(i)?);
            let (origin, old_origin) = ((*origins.get(i)?)?, (*last.origins.get(i)?)?);
            let (new, old) = (items.get(i)?, last.items.get(i)?);
            (file == old_file && origin == old_origin).then_some((i, *file, old.span.start, new.span.start))
        })
        .collect();
    Moves::among(&copies, files)
}

/// Items whose change may change what is found about any item.
fn affects_everything(item: &Item) -> bool {
    matches!(
        item.kind,
        ItemKind::Cluster { .. }
            | ItemKind::Defaults { .. }
            | ItemKind::Template { .. }
            | ItemKind::Node { .. }
            | ItemKind::Agent { .. }
            | ItemKind::Xml { .. }
    )
}

/// The names some items declare, with where, sorted: findings elsewhere may point at them.
fn declared<'a>(items: impl Iterator<Item = &'a Arc<Item>>) -> Vec<(&'a str, Span)> {
    let mut names = Vec::new();
    for item in items {
        visit_names(item, &mut |name, role| {
            if matches!(role, NameRole::Declaration | NameRole::NodeDeclaration) {
                names.push((name.text.as_str(), name.span));
            }
        });
    }
    names.sort_unstable();
    names
}

/// Records that the item at `position` declares or mentions its names.
fn remember(mentions: &mut FastMap<String, Vec<usize>>, item: &Item, position: usize) {
    visit_names(item, &mut |name, _| {
        let at = mentions.entry(name.text.to_string()).or_default();
        if at.last() != Some(&position) {
            at.push(position);
        }
    });
}

/// Undoes `remember` for the item that stood at `position`.
fn forget(mentions: &mut FastMap<String, Vec<usize>>, item: &Item, position: usize) {
    visit_names(item, &mut |name, _| {
        if let Some(at) = mentions.get_mut(name.text.as_str()) {
            at.retain(|&a| a != position);
            if at.is_empty() {
                mentions.remove(name.text.as_str());
            }
        }
    });
}

/// The items to check after an edit that changed `changed` (their new and old versions).
fn scope_of_edit<'a>(model: &Model, mentions: &FastMap<String, Vec<usize>>, added: &[usize], changed: impl Iterator<Item = &'a Arc<Item>>) -> Scope {
    // The edit's names, with what contains them and what they contain.
    let mut names: FastSet<String> = FastSet::default();
    for item in changed {
        visit_names(item, &mut |name, _| {
            names.insert(name.text.to_string());
        });
    }
    let mut related: FastSet<String> = FastSet::default();
    for name in &names {
        related.extend(model.primitives_in(name));
        let mut current = name.as_str();
        for _ in 0..4 {
            let Some(parent) = model.parent.get(current) else { break };
            related.insert(parent.to_string());
            current = parent;
        }
    }
    names.extend(related);
    let mut items: Vec<usize> = added.to_vec();
    items.extend(model.option_items.iter().copied());
    for name in &names {
        items.extend(model.symbol(name).map(|s| s.item));
        items.extend(mentions.get(name).into_iter().flatten().copied());
    }
    // What those items name, and the primitives inside it.
    let first_hop = items.len();
    for i in 0..first_hop {
        let Some((_, item)) = items.get(i).and_then(|&i| model.items.get(i)) else { continue };
        let mut named = Vec::new();
        visit_names(item, &mut |name, role| {
            if role == NameRole::Reference {
                named.push(name.text.as_str());
            }
        });
        for name in named {
            items.extend(model.symbol(name).map(|s| s.item));
            items.extend(model.primitives_in(name).iter().filter_map(|p| model.symbol(p)).map(|s| s.item));
        }
    }
    Scope::only(items)
}

/// The index of the item a finding is about: the last item of its file starting at or before it.
fn owner_of(model: &Model, d: &Diagnostic) -> usize {
    model.items.partition_point(|(file, item)| (*file, item.span.start) <= (d.file, d.span.start)).saturating_sub(1)
}
