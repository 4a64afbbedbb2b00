//! Which items the checks look at. A build checks every item. After an edit, the language
//! server's database checks only the items whose findings the edit may have changed, and keeps
//! what the last run found for the others (`incremental`).
//!
//! A check that takes a scope looks only at the items in it: items it iterates and primitives
//! it iterates are the ones declared by items in scope. What it reports about an item in scope
//! must not depend on which other items are in scope.

use std::sync::Arc;

use crate::diagnostics::FileId;
use crate::model::{Model, PrimitiveInfo};
use crate::syntax::ast::Item;

pub struct Scope {
    /// Sorted indices into `Model::items`; `None` for every item.
    items: Option<Vec<usize>>,
}

impl Scope {
    pub fn everything() -> Scope {
        Scope { items: None }
    }

    pub(crate) fn only(mut items: Vec<usize>) -> Scope {
        items.sort_unstable();
        items.dedup();
        Scope { items: Some(items) }
    }

    /// The indices of the items in scope, sorted; `None` for every item.
    pub fn indices(&self) -> Option<&[usize]> {
        self.items.as_deref()
    }

    pub fn is_everything(&self) -> bool {
        self.items.is_none()
    }

    /// Whether the item at this index of `Model::items` is in scope.
    pub fn includes(&self, item: usize) -> bool {
        self.items.as_ref().is_none_or(|items| items.binary_search(&item).is_ok())
    }

    /// Whether the item that declares `name` is in scope.
    pub fn includes_name(&self, model: &Model, name: &str) -> bool {
        self.items.is_none() || model.symbol(name).is_some_and(|s| self.includes(s.item))
    }

    /// The items in scope, in model order.
    pub fn items<'m>(&'m self, model: &'m Model) -> Box<dyn Iterator<Item = &'m (FileId, Arc<Item>)> + 'm> {
        match &self.items {
            None => Box::new(model.items.iter()),
            Some(items) => Box::new(items.iter().filter_map(|&i| model.items.get(i))),
        }
    }

    /// The primitives and templates declared by items in scope.
    pub fn primitives<'m>(&'m self, model: &'m Model) -> Box<dyn Iterator<Item = &'m PrimitiveInfo> + 'm> {
        match &self.items {
            None => Box::new(model.primitives.values().map(AsRef::as_ref)),
            Some(items) => Box::new(items.iter().filter_map(move |&i| {
                let (_, item) = model.items.get(i)?;
                let name = item.name()?.text.as_str();
                // Only the declaration that counts: a duplicate name's second item declares nothing.
                model.symbol(name).filter(|s| s.item == i)?;
                model.primitives.get(name).map(AsRef::as_ref)
            })),
        }
    }
}
