//! Moving a syntax tree (or a diagnostic) to another place in its file: an item parsed once
//! from its own text is reused wherever that text ends up after an edit elsewhere.

use super::ast::*;
use crate::diagnostics::{Diagnostic, FileId};
use crate::span::Span;

/// Moves every span `by` bytes (back, when negative).
pub trait Shift {
    fn shift(&mut self, by: i64);
}

impl Shift for Span {
    fn shift(&mut self, by: i64) {
        *self = self.moved(by);
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, by: i64) {
        self.iter_mut().for_each(|x| x.shift(by));
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, by: i64) {
        if let Some(x) = self {
            x.shift(by);
        }
    }
}

impl<A: Shift, B: Shift> Shift for (A, B) {
    fn shift(&mut self, by: i64) {
        self.0.shift(by);
        self.1.shift(by);
    }
}

impl<A: Shift, B: Shift, C: Shift> Shift for (A, B, C) {
    fn shift(&mut self, by: i64) {
        self.0.shift(by);
        self.1.shift(by);
        self.2.shift(by);
    }
}

/// Implements `Shift` for a struct by shifting the listed fields.
macro_rules! shift_fields {
    ($($ty:ty => $($field:ident),+;)+) => {
        $(impl Shift for $ty {
            fn shift(&mut self, by: i64) {
                $(self.$field.shift(by);)+
            }
        })+
    };
}

shift_fields! {
    Spanned => span;
    Value => span;
    Assign => key, value;
    AttrSet => name, reference, props, when, entries, span;
    Op => name, props, params, sets, span;
    Body => assigns, sets, ops;
    LocationRule => props, score, expr, span;
    NodePreference => node, score, span;
    ResourceSet => name, members, props, span;
    RscRef => qualifier, name;
    Recipient => name, props, body, span;
    SelectKind => kind, attributes;
    BundlePart => keyword, name, props, span;
    ParamDecl => name, ty, options, flags, props, span;
    ActionDecl => name, props, span;
    Item => kind, span;
}

impl Shift for PrimitiveSource {
    fn shift(&mut self, by: i64) {
        match self {
            PrimitiveSource::Agent(s) | PrimitiveSource::Template(s) => s.shift(by),
        }
    }
}

impl Shift for Expr {
    fn shift(&mut self, by: i64) {
        match self {
            Expr::And(children, span) | Expr::Or(children, span) => {
                children.shift(by);
                span.shift(by);
            }
            Expr::Compare { attr, op, ty, value, span } => {
                attr.shift(by);
                op.shift(by);
                ty.shift(by);
                value.shift(by);
                span.shift(by);
            }
            Expr::Defined { attr, span, .. } => {
                attr.shift(by);
                span.shift(by);
            }
            Expr::FailCount { primitive, op, interval, cmp, value, span } => {
                primitive.shift(by);
                op.shift(by);
                interval.shift(by);
                cmp.shift(by);
                value.shift(by);
                span.shift(by);
            }
            Expr::Date(date, span) => {
                date.shift(by);
                span.shift(by);
            }
            Expr::DateSpec(fields, span) => {
                fields.shift(by);
                span.shift(by);
            }
            Expr::Resource(name, span) => {
                name.shift(by);
                span.shift(by);
            }
            Expr::Operation { name, interval, span } => {
                name.shift(by);
                interval.shift(by);
                span.shift(by);
            }
        }
    }
}

impl Shift for CompareValue {
    fn shift(&mut self, by: i64) {
        match self {
            CompareValue::Literal(v) => v.shift(by),
            CompareValue::Param(s) | CompareValue::Meta(s) => s.shift(by),
        }
    }
}

impl Shift for DateExpr {
    fn shift(&mut self, by: i64) {
        match self {
            DateExpr::Gt(v) | DateExpr::Lt(v) => v.shift(by),
            DateExpr::InRange { start, end, duration } => {
                start.shift(by);
                end.shift(by);
                duration.shift(by);
            }
        }
    }
}

impl Shift for LocationTarget {
    fn shift(&mut self, by: i64) {
        match self {
            LocationTarget::Resource(s) => s.shift(by),
            LocationTarget::Pattern(v) => v.shift(by),
        }
    }
}

impl Shift for FencingTarget {
    fn shift(&mut self, by: i64) {
        match self {
            FencingTarget::Node(s) => s.shift(by),
            FencingTarget::Pattern(v) => v.shift(by),
            FencingTarget::Attribute(s, v) => {
                s.shift(by);
                v.shift(by);
            }
        }
    }
}

impl Shift for ItemKind {
    fn shift(&mut self, by: i64) {
        match self {
            ItemKind::Cluster { name, props, when, entries } | ItemKind::Defaults { name, props, when, entries, .. } => {
                name.shift(by);
                props.shift(by);
                when.shift(by);
                entries.shift(by);
            }
            ItemKind::Node { name, props, body } => {
                name.shift(by);
                props.shift(by);
                body.shift(by);
            }
            ItemKind::Primitive { name, source, props, body } => {
                name.shift(by);
                source.shift(by);
                props.shift(by);
                body.shift(by);
            }
            ItemKind::Template { name, agent, props, body } => {
                name.shift(by);
                agent.shift(by);
                props.shift(by);
                body.shift(by);
            }
            ItemKind::Group { name, members, props, body } => {
                name.shift(by);
                members.shift(by);
                props.shift(by);
                body.shift(by);
            }
            ItemKind::Clone { name, child, props, body, .. } => {
                name.shift(by);
                child.shift(by);
                props.shift(by);
                body.shift(by);
            }
            ItemKind::Bundle { name, child, props, parts, body } => {
                name.shift(by);
                child.shift(by);
                props.shift(by);
                parts.shift(by);
                body.shift(by);
            }
            ItemKind::Location { name, target, props, preferences, rules, sets } => {
                name.shift(by);
                target.shift(by);
                props.shift(by);
                preferences.shift(by);
                rules.shift(by);
                sets.shift(by);
            }
            ItemKind::Colocation { name, pair, score, props, sets } => {
                name.shift(by);
                pair.shift(by);
                score.shift(by);
                props.shift(by);
                sets.shift(by);
            }
            ItemKind::Order { name, pair, props, sets } => {
                name.shift(by);
                pair.shift(by);
                props.shift(by);
                sets.shift(by);
            }
            ItemKind::Ticket { name, rsc, ticket, props, sets } => {
                name.shift(by);
                rsc.shift(by);
                ticket.shift(by);
                props.shift(by);
                sets.shift(by);
            }
            ItemKind::Tag { name, members } => {
                name.shift(by);
                members.shift(by);
            }
            ItemKind::Alert { name, props, body, select, recipients } => {
                name.shift(by);
                props.shift(by);
                body.shift(by);
                select.shift(by);
                recipients.shift(by);
            }
            ItemKind::FencingLevel { target, props, devices } => {
                target.shift(by);
                props.shift(by);
                devices.shift(by);
            }
            ItemKind::AclRole { name, props, permissions } => {
                name.shift(by);
                props.shift(by);
                permissions.shift(by);
            }
            ItemKind::AclTarget { name, props, roles, .. } => {
                name.shift(by);
                props.shift(by);
                roles.shift(by);
            }
            ItemKind::Agent { agent, props, params, actions } => {
                agent.shift(by);
                props.shift(by);
                params.shift(by);
                actions.shift(by);
            }
            ItemKind::Xml { xml } => xml.shift(by),
        }
    }
}

impl Shift for Diagnostic {
    fn shift(&mut self, by: i64) {
        self.span.shift(by);
        for label in &mut self.labels {
            label.span.shift(by);
        }
        for edit in self.fixes.iter_mut().flat_map(|f| f.edits.iter_mut()) {
            edit.span.shift(by);
        }
    }
}

/// Which parse of an item's text a placed item came from. The copies that edits elsewhere make
/// of one parse (moving it) share it; a new parse never shares another's. A number, not the
/// parsed item itself: comparing two costs no visit to either item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ItemOrigin(u64);

impl ItemOrigin {
    pub fn fresh() -> ItemOrigin {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        ItemOrigin(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// An item that may have only moved: its index, its file, and where it started before the edit
/// and starts now.
pub type MovedCopy = (usize, FileId, u32, u32);

/// Where an edit that changed the text's length moved the items after it. Items are "moved"
/// when each is a copy of the item at the same index before the edit, and, per file, every item
/// from the first moved one on moved by one distance: then every span from that item's old
/// start on moved by that distance, whichever item or finding it belongs to. The model patch
/// and the incremental checks both move what they kept by this one rule.
#[derive(Debug, Default)]
pub struct Moves {
    /// Indices (sorted) of the moved items, with their file.
    pub items: Vec<(usize, FileId)>,
    /// Per file: spans from this offset on (before the edit) moved by this many bytes.
    shifts: Vec<(FileId, u32, i64)>,
    /// Single spans (before, now) inside changed items, which moved inside them.
    respans: Vec<(FileId, Span, Span)>,
}

impl Moves {
    /// The moves among `copies`: (index, file, start before, start now) of items that are
    /// copies of the item at the same index before the edit, sorted by index. `files` gives
    /// every item's file. A file whose copies break the rule has no moves (its copies count as
    /// changed).
    pub fn among(copies: &[MovedCopy], files: &[FileId]) -> Moves {
        let mut moves = Moves::default();
        let mut by_file: Vec<(FileId, Vec<&MovedCopy>)> = Vec::new();
        for copy in copies {
            match by_file.iter_mut().find(|(f, _)| *f == copy.1) {
                Some((_, list)) => list.push(copy),
                None => by_file.push((copy.1, vec![copy])),
            }
        }
        let distance = |&&(_, _, before, now): &&MovedCopy| i64::from(now) - i64::from(before);
        for (file, list) in by_file {
            let Some(first) = list.first() else { continue };
            let by = distance(first);
            let tail = files.iter().skip(first.0).filter(|&&f| f == file).count();
            if list.len() != tail || list.iter().any(|copy| distance(copy) != by) {
                continue;
            }
            moves.items.extend(list.iter().map(|&&(i, ..)| (i, file)));
            moves.shifts.push((file, first.2, by));
        }
        moves.items.sort_unstable();
        moves
    }

    pub fn is_empty(&self) -> bool {
        self.shifts.is_empty() && self.respans.is_empty()
    }

    /// Records that the text at `before` (in a changed item) stands at `now` after the edit.
    pub fn respan(&mut self, file: FileId, before: Span, now: Span) {
        if before != now {
            self.respans.push((file, before, now));
        }
    }

    /// Where a span of `file` from before the edit stands now.
    pub fn span(&self, file: FileId, span: Span) -> Span {
        if let Some(&(_, _, now)) = self.respans.iter().find(|(f, before, _)| *f == file && *before == span) {
            return now;
        }
        match self.shifts.iter().find(|(f, from, _)| *f == file && span.start >= *from) {
            Some(&(_, _, by)) => span.moved(by),
            None => span,
        }
    }

    /// Moves a kept finding's spans with the text they point into.
    pub fn diagnostic(&self, d: &mut Diagnostic) {
        d.span = self.span(d.file, d.span);
        d.labels.iter_mut().for_each(|l| l.span = self.span(l.file, l.span));
        d.fixes.iter_mut().flat_map(|f| f.edits.iter_mut()).for_each(|e| e.span = self.span(e.file, e.span));
    }
}
