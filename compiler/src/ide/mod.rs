//! Answers to an editor's questions — what is here, where is it declared, who uses it, what can
//! be typed here — over the semantic model, in byte offsets. Protocol-free: the language server
//! converts to LSP types and positions; this module must not know about LSP or do IO.

mod completion;
mod hover;
use crate::syntax::names;
mod outline;
mod tokens;

pub use crate::syntax::names::{visit_names, NameRole};
pub use completion::{completions, Completion, CompletionKind};
pub use hover::hover;
pub use outline::{document_symbols, folding_ranges, inlay_hints, workspace_symbols, InlayHint, OutlineKind, OutlineSymbol};
pub use tokens::{semantic_tokens, TokenKind};

use crate::diagnostics::FileId;
use crate::model::Model;
use crate::span::Span;
use crate::syntax::ast::{Item, Spanned};

/// A span in one of the project's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
}

/// The items of `file` (in the model's order, which is source order).
pub fn items_of(model: &Model, file: FileId) -> impl Iterator<Item = &Item> + '_ {
    model.items.iter().filter(move |(f, _)| *f == file).map(|(_, item)| item.as_ref())
}

/// The item of `file` whose text contains `offset`.
pub fn item_at(model: &Model, file: FileId, offset: usize) -> Option<&Item> {
    items_of(model, file).find(|item| contains(item.span, offset))
}

/// Whether `offset` is inside `span` or just after it (the cursor after the last character of a
/// name still points at the name).
pub(crate) fn contains(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}

/// The name under the cursor and what it does there.
pub fn name_at(model: &Model, file: FileId, offset: usize) -> Option<(&Spanned, NameRole)> {
    let item = item_at(model, file, offset)?;
    let mut found = None;
    visit_names(item, &mut |name, role| {
        if found.is_none() && contains(name.span, offset) {
            found = Some((name, role));
        }
    });
    found
}

/// Where the name under the cursor is declared.
pub fn definition(model: &Model, file: FileId, offset: usize) -> Option<Location> {
    let (name, role) = name_at(model, file, offset)?;
    declaration_of(model, &name.text, role)
}

fn declaration_of(model: &Model, name: &str, role: NameRole) -> Option<Location> {
    match role {
        NameRole::NodeDeclaration | NameRole::NodeReference => model.nodes.get(name).map(|(file, span)| Location { file: *file, span: *span }),
        NameRole::Declaration | NameRole::Reference => model.symbol(name).map(|s| Location { file: s.file, span: s.span }),
    }
}

fn is_node(role: NameRole) -> bool {
    matches!(role, NameRole::NodeDeclaration | NameRole::NodeReference)
}

/// Every occurrence of the name under the cursor across the project (declaration first when
/// asked for), in file and source order.
pub fn references(model: &Model, file: FileId, offset: usize, include_declaration: bool) -> Vec<Location> {
    let Some((name, role)) = name_at(model, file, offset) else { return Vec::new() };
    occurrences(model, &name.text, is_node(role), include_declaration)
}

fn occurrences(model: &Model, name: &str, node: bool, include_declaration: bool) -> Vec<Location> {
    let mut out = Vec::new();
    for (file, item) in model.items.iter() {
        visit_names(item, &mut |n, role| {
            let declaration = matches!(role, NameRole::Declaration | NameRole::NodeDeclaration);
            if n.text == name && is_node(role) == node && (include_declaration || !declaration) {
                out.push(Location { file: *file, span: n.span });
            }
        });
    }
    out.sort();
    out.dedup();
    out
}

/// The span a rename would change, if the cursor is on a renamable name.
pub fn prepare_rename(model: &Model, file: FileId, offset: usize) -> Option<Span> {
    let (name, role) = name_at(model, file, offset)?;
    declaration_of(model, &name.text, role)?;
    Some(name.span)
}

/// The edits renaming the name under the cursor everywhere (its declaration, every constraint,
/// group, clone, tag and fail-count reference), or why it cannot be renamed.
pub fn rename(model: &Model, file: FileId, offset: usize, new_name: &str) -> Result<Vec<(Location, String)>, String> {
    let Some((name, role)) = name_at(model, file, offset) else { return Err("there is no name to rename here".to_string()) };
    if declaration_of(model, &name.text, role).is_none() {
        return Err(format!("`{}` is not declared in the project, so it cannot be renamed", name.text));
    }
    if !is_node(role) {
        valid_id(new_name)?;
        if let Some(existing) = model.symbol(new_name) {
            return Err(format!("`{new_name}` is already declared as {}; CIB ids must be unique", existing.kind.describe()));
        }
    } else if new_name.is_empty() || new_name.chars().any(char::is_whitespace) {
        return Err(format!("`{new_name}` is not a node name"));
    }
    Ok(occurrences(model, &name.text, is_node(role), true).into_iter().map(|loc| (loc, new_name.to_string())).collect())
}

/// CIB ids are XML IDs: a letter or `_` first, then letters, digits, `-`, `_` and `.`.
fn valid_id(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_');
    if first_ok && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        Ok(())
    } else {
        Err(format!("`{name}` is not a valid CIB id: start with a letter or `_`, then use letters, digits, `-`, `_` or `.`"))
    }
}

#[cfg(test)]
mod tests;
