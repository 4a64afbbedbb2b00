//! Turns pest pairs of one item chunk into the syntax tree.
//!
//! The grammar guarantees the shape of each pair, so this code only walks it; where a shape is
//! not what it expects (which would be a grammar bug) it returns `None` and the caller reports
//! the item as unparsable rather than panicking.

use hapolicy_grammar::pest::iterators::{Pair, Pairs};
use hapolicy_grammar::Rule;

use super::ast::*;
use crate::span::Span;

mod test_block;
pub(crate) use test_block::lower_test_chunk;

type P<'a> = Pair<'a, Rule>;

/// Lowers the `item_chunk` pair; `base` is the chunk's byte offset in the file.
pub(crate) fn lower_chunk(chunk: P<'_>, base: usize) -> Option<Item> {
    let lower = Lower { base };
    let item = chunk.into_inner().find(|p| p.as_rule() != Rule::EOI)?;
    lower.item(item)
}

struct Lower {
    base: usize,
}

/// Pairs that carry meaning (punctuation pairs exist only for error messages).
fn meaningful(pairs: Pairs<'_, Rule>) -> impl Iterator<Item = P<'_>> {
    pairs.filter(|p| {
        !matches!(
            p.as_rule(),
            Rule::eq | Rule::colon | Rule::lbrace | Rule::rbrace | Rule::lbrack | Rule::rbrack | Rule::lparen | Rule::rparen | Rule::comma | Rule::EOI
        )
    })
}

/// Where a `#` comment starts in a line, ignoring `#` inside strings.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => in_string = false,
            (false, _, '"') => in_string = true,
            (false, _, '#') => return Some(i),
            _ => {}
        }
    }
    None
}

impl Lower {
    fn span(&self, p: &P<'_>) -> Span {
        let s = p.as_span();
        Span::new(s.start() + self.base, s.end() + self.base)
    }

    /// The span of a statement or item without the blanks and comments pest consumed after its
    /// last token (a rule that ends in an optional part swallows a trailing `# comment`).
    fn statement_span(&self, p: &P<'_>) -> Span {
        let span = self.span(p);
        let mut text = p.as_str();
        loop {
            let trimmed = text.trim_end();
            let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
            let last_line = trimmed.get(line_start..).unwrap_or("");
            match comment_start(last_line) {
                Some(at) => text = trimmed.get(..line_start + at).unwrap_or(trimmed),
                None => {
                    text = trimmed;
                    break;
                }
            }
        }
        Span { start: span.start, end: span.start + u32::try_from(text.len()).unwrap_or(0) }
    }

    fn spanned(&self, p: &P<'_>) -> Spanned {
        match p.as_rule() {
            Rule::string => Spanned { text: self.string_text(p).into(), span: self.span(p) },
            // Wrapper rules (node_name, attr_name, ...) hold one token.
            Rule::node_name | Rule::attr_name | Rule::value => match p.clone().into_inner().next() {
                Some(inner) => self.spanned(&inner),
                None => Spanned { text: p.as_str().into(), span: self.span(p) },
            },
            _ => Spanned { text: p.as_str().into(), span: self.span(p) },
        }
    }

    fn string_text(&self, p: &P<'_>) -> String {
        let inner = p.clone().into_inner().next().map_or("", |i| i.as_str());
        super::unescape(inner)
    }

    fn value(&self, p: &P<'_>) -> Value {
        let token = if p.as_rule() == Rule::value { p.clone().into_inner().next() } else { Some(p.clone()) };
        match token {
            Some(t) if t.as_rule() == Rule::string => Value { text: self.string_text(&t).into(), quoted: true, span: self.span(&t) },
            Some(t) => Value { text: t.as_str().into(), quoted: false, span: self.span(&t) },
            None => Value { text: Default::default(), quoted: false, span: self.span(p) },
        }
    }

    fn assign(&self, p: P<'_>) -> Option<Assign> {
        let mut it = meaningful(p.into_inner());
        let key = it.next()?;
        let value = it.next()?;
        Some(Assign { key: self.spanned(&key), value: self.value(&value) })
    }

    fn name_list(&self, p: P<'_>) -> Vec<Spanned> {
        meaningful(p.into_inner()).map(|n| self.spanned(&n)).collect()
    }

    /// Skips an item's keyword and reads the name after it; returns the name and what follows.
    fn keyword_and_name<'a>(&self, p: P<'a>) -> Option<(Spanned, impl Iterator<Item = P<'a>>)> {
        let mut it = meaningful(p.into_inner());
        it.next()?;
        let name = self.spanned(&it.next()?);
        Some((name, it))
    }

    fn item(&self, p: P<'_>) -> Option<Item> {
        let span = self.statement_span(&p);
        let rule = p.as_rule();
        let kind = match rule {
            Rule::cluster_item => self.cluster(p)?,
            Rule::defaults_item => self.defaults(p)?,
            Rule::node_item => self.node(p)?,
            Rule::primitive_item => self.primitive(p)?,
            Rule::template_item => self.template(p)?,
            Rule::group_item => self.group(p)?,
            Rule::clone_item => self.clone_item(p)?,
            Rule::bundle_item => self.bundle(p)?,
            Rule::location_item => self.location(p)?,
            Rule::colocation_item => self.colocation(p)?,
            Rule::order_item => self.order(p)?,
            Rule::ticket_item => self.ticket(p)?,
            Rule::tag_item => self.tag(p)?,
            Rule::alert_item => self.alert(p)?,
            Rule::fencing_level_item => self.fencing_level(p)?,
            Rule::acl_role_item => self.acl_role(p)?,
            Rule::acl_target_item | Rule::acl_group_item => self.acl_target(p, rule == Rule::acl_group_item)?,
            Rule::agent_item => self.agent(p)?,
            Rule::xml_item => {
                let raw = meaningful(p.into_inner()).find(|x| x.as_rule() == Rule::raw_xml)?;
                let text = raw.clone().into_inner().next()?;
                ItemKind::Xml { xml: self.spanned(&text) }
            }
            _ => return None,
        };
        Some(Item { kind, span })
    }

    /// Collects `when` clauses and assignments of a set body.
    fn set_body(&self, p: P<'_>) -> (Vec<Expr>, Vec<Assign>) {
        let mut when = Vec::new();
        let mut entries = Vec::new();
        for s in meaningful(p.into_inner()) {
            match s.as_rule() {
                Rule::when_clause => {
                    if let Some(e) = meaningful(s.into_inner()).find(|x| x.as_rule() == Rule::expr) {
                        if let Some(expr) = self.expr(e) {
                            when.push(expr);
                        }
                    }
                }
                Rule::assign => entries.extend(self.assign(s)),
                _ => {}
            }
        }
        (when, entries)
    }

    fn cluster(&self, p: P<'_>) -> Option<ItemKind> {
        let mut name = None;
        let mut props = Vec::new();
        let mut when = Vec::new();
        let mut entries = Vec::new();
        for c in meaningful(p.into_inner()) {
            match c.as_rule() {
                Rule::name => name = Some(self.spanned(&c)),
                Rule::prop => props.extend(self.assign(c)),
                Rule::set_body => (when, entries) = self.set_body(c),
                _ => {}
            }
        }
        Some(ItemKind::Cluster { name, props, when, entries })
    }

    fn defaults(&self, p: P<'_>) -> Option<ItemKind> {
        let mut kind = DefaultsKind::Op;
        let mut name = None;
        let mut props = Vec::new();
        let mut when = Vec::new();
        let mut entries = Vec::new();
        for c in meaningful(p.into_inner()) {
            match c.as_rule() {
                Rule::defaults_kind => {
                    kind = if c.as_str() == "rsc-defaults" { DefaultsKind::Rsc } else { DefaultsKind::Op };
                }
                Rule::name => name = Some(self.spanned(&c)),
                Rule::prop => props.extend(self.assign(c)),
                Rule::set_body => (when, entries) = self.set_body(c),
                _ => {}
            }
        }
        Some(ItemKind::Defaults { kind, name, props, when, entries })
    }

    fn attr_set(&self, p: P<'_>) -> Option<AttrSet> {
        let span = self.statement_span(&p);
        let mut it = meaningful(p.into_inner());
        let kind_pair = it.next()?;
        let kind = match kind_pair.as_str() {
            "params" => SetKind::Params,
            "meta" => SetKind::Meta,
            _ => SetKind::Utilization,
        };
        let mut set = AttrSet { kind, name: None, reference: None, props: Vec::new(), when: Vec::new(), entries: Vec::new(), span };
        let rest = it.next()?;
        match rest.as_rule() {
            Rule::set_ref => {
                let name = meaningful(rest.into_inner()).find(|x| x.as_rule() == Rule::name)?;
                set.reference = Some(self.spanned(&name));
            }
            _ => {
                for c in meaningful(rest.into_inner()) {
                    match c.as_rule() {
                        Rule::name => set.name = Some(self.spanned(&c)),
                        Rule::prop => set.props.extend(self.assign(c)),
                        Rule::set_body => (set.when, set.entries) = self.set_body(c),
                        _ => {}
                    }
                }
            }
        }
        Some(set)
    }

    /// Bodies of resources, groups, clones, nodes, recipients: assignments, sets and ops.
    fn body(&self, p: P<'_>) -> Body {
        let mut body = Body::default();
        for s in meaningful(p.into_inner()) {
            match s.as_rule() {
                Rule::assign => body.assigns.extend(self.assign(s)),
                Rule::attr_set => body.sets.extend(self.attr_set(s)),
                Rule::op_stmt => body.ops.extend(self.op(s)),
                _ => {}
            }
        }
        body
    }

    fn op(&self, p: P<'_>) -> Option<Op> {
        let span = self.statement_span(&p);
        let mut it = meaningful(p.into_inner());
        it.next()?; // kw_op
        let name = self.spanned(&it.next()?);
        let mut op = Op { name, props: Vec::new(), params: Vec::new(), sets: Vec::new(), span };
        for c in it {
            match c.as_rule() {
                Rule::prop => op.props.extend(self.assign(c)),
                Rule::op_body => {
                    let body = self.body(c);
                    op.params = body.assigns;
                    op.sets = body.sets;
                }
                _ => {}
            }
        }
        Some(op)
    }

    fn props_and_body<'a>(&self, pairs: impl Iterator<Item = P<'a>>) -> (Vec<Assign>, Body) {
        let mut props = Vec::new();
        let mut body = Body::default();
        for c in pairs {
            match c.as_rule() {
                Rule::prop => props.extend(self.assign(c)),
                Rule::rsc_body | Rule::container_body | Rule::node_body => body = self.body(c),
                _ => {}
            }
        }
        (props, body)
    }

    fn node(&self, p: P<'_>) -> Option<ItemKind> {
        let (name, it) = self.keyword_and_name(p)?;
        let (props, body) = self.props_and_body(it);
        Some(ItemKind::Node { name, props, body })
    }

    fn primitive(&self, p: P<'_>) -> Option<ItemKind> {
        let (name, mut it) = self.keyword_and_name(p)?;
        let first = it.next()?;
        let source =
            if first.as_rule() == Rule::kw_from { PrimitiveSource::Template(self.spanned(&it.next()?)) } else { PrimitiveSource::Agent(self.spanned(&first)) };
        let (props, body) = self.props_and_body(it);
        Some(ItemKind::Primitive { name, source, props, body })
    }

    fn template(&self, p: P<'_>) -> Option<ItemKind> {
        let (name, mut it) = self.keyword_and_name(p)?;
        let agent = self.spanned(&it.next()?);
        let (props, body) = self.props_and_body(it);
        Some(ItemKind::Template { name, agent, props, body })
    }

    fn group(&self, p: P<'_>) -> Option<ItemKind> {
        let (name, mut it) = self.keyword_and_name(p)?;
        let members = self.name_list(it.next()?);
        let (props, body) = self.props_and_body(it);
        Some(ItemKind::Group { name, members, props, body })
    }

    fn clone_item(&self, p: P<'_>) -> Option<ItemKind> {
        let mut it = meaningful(p.into_inner());
        let kind = if it.next()?.as_str() == "promotable" { CloneKind::Promotable } else { CloneKind::Clone };
        let name = self.spanned(&it.next()?);
        let child = self.spanned(&it.next()?);
        let (props, body) = self.props_and_body(it);
        Some(ItemKind::Clone { kind, name, child, props, body })
    }

    fn bundle(&self, p: P<'_>) -> Option<ItemKind> {
        let mut it = meaningful(p.into_inner()).peekable();
        it.next()?;
        let name = self.spanned(&it.next()?);
        let mut child = None;
        let mut props = Vec::new();
        let mut parts = Vec::new();
        let mut body = Body::default();
        for c in it {
            match c.as_rule() {
                Rule::name => child = Some(self.spanned(&c)),
                Rule::prop => props.extend(self.assign(c)),
                Rule::bundle_body => {
                    for s in meaningful(c.into_inner()) {
                        match s.as_rule() {
                            Rule::container_decl | Rule::network_decl | Rule::port_mapping | Rule::storage_mapping => {
                                let span = self.statement_span(&s);
                                let mut inner = meaningful(s.into_inner());
                                let Some(keyword) = inner.next() else { continue };
                                let mut part = BundlePart { keyword: self.spanned(&keyword), name: None, props: Vec::new(), span };
                                for x in inner {
                                    match x.as_rule() {
                                        Rule::name => part.name = Some(self.spanned(&x)),
                                        Rule::prop => part.props.extend(self.assign(x)),
                                        _ => {}
                                    }
                                }
                                parts.push(part);
                            }
                            Rule::attr_set => body.sets.extend(self.attr_set(s)),
                            Rule::assign => body.assigns.extend(self.assign(s)),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Some(ItemKind::Bundle { name, child, props, parts, body })
    }

    fn rsc_ref(&self, p: P<'_>) -> Option<RscRef> {
        let mut qualifier = None;
        let mut name = None;
        for c in meaningful(p.into_inner()) {
            match c.as_rule() {
                Rule::role | Rule::action => qualifier = Some(self.spanned(&c)),
                Rule::name => name = Some(self.spanned(&c)),
                _ => {}
            }
        }
        Some(RscRef { qualifier, name: name? })
    }

    fn score_clause(&self, p: P<'_>) -> Option<Spanned> {
        meaningful(p.into_inner()).find(|x| matches!(x.as_rule(), Rule::score | Rule::word)).map(|s| self.spanned(&s))
    }

    fn node_preference(&self, p: P<'_>) -> Option<NodePreference> {
        let span = self.statement_span(&p);
        let mut it = meaningful(p.into_inner());
        let avoids = it.next()?.as_rule() == Rule::kw_avoids;
        let node = self.spanned(&it.next()?);
        let score = it.next().and_then(|s| self.score_clause(s));
        Some(NodePreference { avoids, node, score, span })
    }

    fn rsc_set(&self, p: P<'_>) -> Option<ResourceSet> {
        let span = self.statement_span(&p);
        let mut set = ResourceSet { name: None, members: Vec::new(), props: Vec::new(), span };
        for c in meaningful(p.into_inner()) {
            match c.as_rule() {
                Rule::name => set.name = Some(self.spanned(&c)),
                Rule::name_list => set.members = self.name_list(c),
                Rule::prop => set.props.extend(self.assign(c)),
                _ => {}
            }
        }
        Some(set)
    }

    fn set_block(&self, p: P<'_>) -> Vec<ResourceSet> {
        meaningful(p.into_inner()).filter(|c| c.as_rule() == Rule::rsc_set).filter_map(|c| self.rsc_set(c)).collect()
    }

    fn location(&self, p: P<'_>) -> Option<ItemKind> {
        let (name, it) = self.keyword_and_name(p)?;
        let mut target = None;
        let mut props = Vec::new();
        let mut preferences = Vec::new();
        let mut rules = Vec::new();
        let mut sets = Vec::new();
        for c in it {
            match c.as_rule() {
                Rule::location_target => {
                    let inner: Vec<_> = meaningful(c.into_inner()).collect();
                    target = match inner.as_slice() {
                        [kw, pattern] if kw.as_rule() == Rule::kw_pattern => Some(LocationTarget::Pattern(self.value(pattern))),
                        [n] => Some(LocationTarget::Resource(self.spanned(n))),
                        _ => None,
                    };
                }
                Rule::prop => props.extend(self.assign(c)),
                Rule::location_node => preferences.extend(self.node_preference(c)),
                Rule::location_body => {
                    for s in meaningful(c.into_inner()) {
                        match s.as_rule() {
                            Rule::location_node => preferences.extend(self.node_preference(s)),
                            Rule::rsc_set => sets.extend(self.rsc_set(s)),
                            Rule::location_rule => rules.extend(self.location_rule(s)),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Some(ItemKind::Location { name, target, props, preferences, rules, sets })
    }

    fn location_rule(&self, p: P<'_>) -> Option<LocationRule> {
        let span = self.statement_span(&p);
        let mut props = Vec::new();
        let mut score = None;
        let mut expr = None;
        for c in meaningful(p.into_inner()) {
            match c.as_rule() {
                Rule::rule_prop => props.extend(self.assign(c)),
                Rule::score | Rule::rule_word => score = Some(self.spanned(&c)),
                Rule::expr => expr = self.expr(c),
                _ => {}
            }
        }
        Some(LocationRule { props, score, expr: expr?, span })
    }

    fn colocation(&self, p: P<'_>) -> Option<ItemKind> {
        let (name, it) = self.keyword_and_name(p)?;
        let mut pair = None;
        let mut score = None;
        let mut props = Vec::new();
        let mut sets = Vec::new();
        for c in it {
            match c.as_rule() {
                Rule::colocation_pair => {
                    let mut refs = Vec::new();
                    for x in meaningful(c.into_inner()) {
                        match x.as_rule() {
                            Rule::rsc_ref => refs.extend(self.rsc_ref(x)),
                            Rule::score_clause => score = self.score_clause(x),
                            _ => {}
                        }
                    }
                    let mut refs = refs.into_iter();
                    pair = Some((refs.next()?, refs.next()?));
                }
                Rule::score_clause => score = self.score_clause(c),
                Rule::prop => props.extend(self.assign(c)),
                Rule::set_block => sets = self.set_block(c),
                _ => {}
            }
        }
        Some(ItemKind::Colocation { name, pair, score, props, sets })
    }

    fn order(&self, p: P<'_>) -> Option<ItemKind> {
        let (name, it) = self.keyword_and_name(p)?;
        let mut pair = None;
        let mut props = Vec::new();
        let mut sets = Vec::new();
        for c in it {
            match c.as_rule() {
                Rule::order_pair => {
                    let mut refs = meaningful(c.into_inner()).filter(|x| x.as_rule() == Rule::action_ref).filter_map(|x| self.rsc_ref(x));
                    pair = Some((refs.next()?, refs.next()?));
                }
                Rule::prop => props.extend(self.assign(c)),
                Rule::set_block => sets = self.set_block(c),
                _ => {}
            }
        }
        Some(ItemKind::Order { name, pair, props, sets })
    }

    fn ticket(&self, p: P<'_>) -> Option<ItemKind> {
        let (name, it) = self.keyword_and_name(p)?;
        let mut rsc = None;
        let mut ticket = None;
        let mut props = Vec::new();
        let mut sets = Vec::new();
        for c in it {
            match c.as_rule() {
                Rule::ticket_pair => {
                    for x in meaningful(c.into_inner()) {
                        match x.as_rule() {
                            Rule::rsc_ref => rsc = self.rsc_ref(x),
                            Rule::name => ticket = Some(self.spanned(&x)),
                            _ => {}
                        }
                    }
                }
                Rule::name => ticket = Some(self.spanned(&c)),
                Rule::prop => props.extend(self.assign(c)),
                Rule::set_block => sets = self.set_block(c),
                _ => {}
            }
        }
        Some(ItemKind::Ticket { name, rsc, ticket: ticket?, props, sets })
    }

    fn tag(&self, p: P<'_>) -> Option<ItemKind> {
        let (name, mut it) = self.keyword_and_name(p)?;
        let members = self.name_list(it.next()?);
        Some(ItemKind::Tag { name, members })
    }

    fn alert(&self, p: P<'_>) -> Option<ItemKind> {
        let (name, it) = self.keyword_and_name(p)?;
        let mut props = Vec::new();
        let mut body = Body::default();
        let mut select = None;
        let mut recipients = Vec::new();
        for c in it {
            match c.as_rule() {
                Rule::prop => props.extend(self.assign(c)),
                Rule::alert_body => {
                    for s in meaningful(c.into_inner()) {
                        match s.as_rule() {
                            Rule::assign => body.assigns.extend(self.assign(s)),
                            Rule::attr_set => body.sets.extend(self.attr_set(s)),
                            Rule::select_stmt => {
                                let kinds = meaningful(s.into_inner())
                                    .filter(|k| k.as_rule() == Rule::select_kind)
                                    .filter_map(|k| {
                                        let mut inner = meaningful(k.into_inner());
                                        let kind = self.spanned(&inner.next()?);
                                        let attributes = inner.next().map(|l| self.name_list(l)).unwrap_or_default();
                                        Some(SelectKind { kind, attributes })
                                    })
                                    .collect();
                                select = Some(kinds);
                            }
                            Rule::recipient => {
                                let span = self.statement_span(&s);
                                let mut inner = meaningful(s.into_inner());
                                inner.next();
                                let Some(rname) = inner.next() else { continue };
                                let (rprops, rbody) = self.props_and_body(inner);
                                recipients.push(Recipient { name: self.spanned(&rname), props: rprops, body: rbody, span });
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Some(ItemKind::Alert { name, props, body, select, recipients })
    }

    fn fencing_level(&self, p: P<'_>) -> Option<ItemKind> {
        let mut it = meaningful(p.into_inner());
        it.next()?;
        let target_pair = it.next()?;
        let inner: Vec<_> = meaningful(target_pair.into_inner()).collect();
        let target = match inner.as_slice() {
            [kw, pattern] if kw.as_rule() == Rule::kw_pattern => FencingTarget::Pattern(self.value(pattern)),
            [kw, key, value] if kw.as_rule() == Rule::kw_attribute => FencingTarget::Attribute(self.spanned(key), self.value(value)),
            [node] => FencingTarget::Node(self.spanned(node)),
            _ => return None,
        };
        let mut props = Vec::new();
        let mut devices = Vec::new();
        for c in it {
            match c.as_rule() {
                Rule::prop => props.extend(self.assign(c)),
                Rule::name_list => devices = self.name_list(c),
                _ => {}
            }
        }
        Some(ItemKind::FencingLevel { target, props, devices })
    }

    fn acl_role(&self, p: P<'_>) -> Option<ItemKind> {
        let (name, it) = self.keyword_and_name(p)?;
        let mut props = Vec::new();
        let mut permissions = Vec::new();
        for c in it {
            match c.as_rule() {
                Rule::prop => props.extend(self.assign(c)),
                Rule::acl_role_body => {
                    for perm in meaningful(c.into_inner()) {
                        let span = self.span(&perm);
                        let mut inner = meaningful(perm.into_inner());
                        let Some(kind) = inner.next() else { continue };
                        let pprops = inner.filter(|x| x.as_rule() == Rule::prop).filter_map(|x| self.assign(x)).collect();
                        permissions.push((self.spanned(&kind), pprops, span));
                    }
                }
                _ => {}
            }
        }
        Some(ItemKind::AclRole { name, props, permissions })
    }

    fn acl_target(&self, p: P<'_>, group: bool) -> Option<ItemKind> {
        let (name, it) = self.keyword_and_name(p)?;
        let mut props = Vec::new();
        let mut roles = Vec::new();
        for c in it {
            match c.as_rule() {
                Rule::prop => props.extend(self.assign(c)),
                Rule::name_list => roles = self.name_list(c),
                _ => {}
            }
        }
        Some(ItemKind::AclTarget { group, name, props, roles })
    }

    fn agent(&self, p: P<'_>) -> Option<ItemKind> {
        let (agent, it) = self.keyword_and_name(p)?;
        let mut props = Vec::new();
        let mut params = Vec::new();
        let mut actions = Vec::new();
        for c in it {
            match c.as_rule() {
                Rule::prop => props.extend(self.assign(c)),
                Rule::agent_body => {
                    for s in meaningful(c.into_inner()) {
                        let span = self.statement_span(&s);
                        match s.as_rule() {
                            Rule::param_decl => {
                                let mut inner = meaningful(s.into_inner());
                                inner.next();
                                let Some(name) = inner.next() else { continue };
                                let Some(ty_pair) = inner.next() else { continue };
                                let ty_span = self.span(&ty_pair);
                                let mut ty_parts = meaningful(ty_pair.into_inner());
                                let (ty, options) = match ty_parts.next() {
                                    Some(first) if first.as_rule() == Rule::kw_select => {
                                        (Spanned { text: "select".into(), span: ty_span }, ty_parts.map(|v| self.value(&v)).collect())
                                    }
                                    Some(first) => (self.spanned(&first), Vec::new()),
                                    None => continue,
                                };
                                let mut decl = ParamDecl { name: self.spanned(&name), ty, options, flags: Vec::new(), props: Vec::new(), span };
                                for x in inner {
                                    match x.as_rule() {
                                        Rule::param_flag => decl.flags.push(self.spanned(&x)),
                                        Rule::prop => decl.props.extend(self.assign(x)),
                                        _ => {}
                                    }
                                }
                                params.push(decl);
                            }
                            Rule::action_decl => {
                                let mut inner = meaningful(s.into_inner());
                                inner.next();
                                let Some(name) = inner.next() else { continue };
                                let aprops = inner.filter(|x| x.as_rule() == Rule::prop).filter_map(|x| self.assign(x)).collect();
                                actions.push(ActionDecl { name: self.spanned(&name), props: aprops, span });
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Some(ItemKind::Agent { agent, props, params, actions })
    }

    // ------------------------------------------------------------ expressions

    fn expr(&self, p: P<'_>) -> Option<Expr> {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::expr => {
                let children: Vec<P<'_>> = meaningful(p.into_inner()).collect();
                let is_or = children.iter().any(|x| x.as_rule() == Rule::kw_or);
                let is_and = children.iter().any(|x| x.as_rule() == Rule::kw_and);
                let mut parts: Vec<Expr> =
                    children.into_iter().filter(|x| !matches!(x.as_rule(), Rule::kw_and | Rule::kw_or)).filter_map(|x| self.expr(x)).collect();
                match (is_or, is_and) {
                    (true, _) => Some(Expr::Or(parts, span)),
                    (_, true) => Some(Expr::And(parts, span)),
                    _ => parts.pop(),
                }
            }
            Rule::paren_expr => meaningful(p.into_inner()).find(|x| x.as_rule() == Rule::expr).and_then(|x| self.expr(x)),
            Rule::defined_cond => {
                let inner: Vec<_> = meaningful(p.into_inner()).collect();
                let negated = inner.iter().any(|x| x.as_rule() == Rule::kw_not);
                let attr = inner.iter().find(|x| x.as_rule() == Rule::attr_name)?;
                Some(Expr::Defined { attr: self.spanned(attr), negated, span })
            }
            Rule::fail_count_cond => {
                let mut it = meaningful(p.into_inner());
                it.next()?;
                let primitive = self.spanned(&it.next()?);
                let mut op = None;
                let mut interval = None;
                let mut cmp = None;
                let mut value = None;
                for x in it {
                    match x.as_rule() {
                        Rule::op_name => op = Some(self.spanned(&x)),
                        Rule::word => interval = Some(self.value(&x)),
                        Rule::cmp_op => cmp = Some(self.spanned(&x)),
                        Rule::value => value = Some(self.value(&x)),
                        _ => {}
                    }
                }
                Some(Expr::FailCount { primitive, op, interval, cmp: cmp?, value: value?, span })
            }
            Rule::date_cond => {
                let mut it = meaningful(p.into_inner());
                it.next()?;
                let body = it.next()?;
                let date = if body.as_rule() == Rule::date_in {
                    let inner: Vec<_> = meaningful(body.into_inner()).collect();
                    let start = self.value(inner.get(1)?);
                    let (end, duration) = match (inner.get(2), inner.get(3)) {
                        (Some(kw), Some(v)) if kw.as_rule() == Rule::kw_to => (Some(self.value(v)), None),
                        (Some(_), Some(v)) => (None, Some(self.value(v))),
                        _ => (None, None),
                    };
                    DateExpr::InRange { start, end, duration }
                } else {
                    let inner: Vec<_> = meaningful(body.into_inner()).collect();
                    let op = inner.first()?.as_str();
                    let value = self.value(inner.get(1)?);
                    match op {
                        ">" | ">=" => DateExpr::Gt(value),
                        _ => DateExpr::Lt(value),
                    }
                };
                Some(Expr::Date(date, span))
            }
            Rule::date_spec_cond => {
                let props = meaningful(p.into_inner()).filter(|x| x.as_rule() == Rule::prop).filter_map(|x| self.assign(x)).collect();
                Some(Expr::DateSpec(props, span))
            }
            Rule::rsc_cond => {
                let agent = meaningful(p.into_inner()).find(|x| x.as_rule() == Rule::agent_spec)?;
                Some(Expr::Resource(self.spanned(&agent), span))
            }
            Rule::op_cond => {
                let mut name = None;
                let mut interval = None;
                for x in meaningful(p.into_inner()) {
                    match x.as_rule() {
                        Rule::op_name => name = Some(self.spanned(&x)),
                        Rule::word => interval = Some(self.value(&x)),
                        _ => {}
                    }
                }
                Some(Expr::Operation { name: name?, interval, span })
            }
            Rule::cmp_cond => {
                let mut it = meaningful(p.into_inner());
                let attr = self.spanned(&it.next()?);
                let op = self.spanned(&it.next()?);
                let typed = it.next()?;
                let mut ty = None;
                let mut value = None;
                for x in meaningful(typed.into_inner()) {
                    match x.as_rule() {
                        Rule::value_type => ty = Some(self.spanned(&x)),
                        Rule::value_ref => {
                            let inner: Vec<_> = meaningful(x.into_inner()).collect();
                            let key = self.spanned(inner.get(1)?);
                            value = Some(if inner.first()?.as_rule() == Rule::kw_param { CompareValue::Param(key) } else { CompareValue::Meta(key) });
                        }
                        Rule::value => value = Some(CompareValue::Literal(self.value(&x))),
                        _ => {}
                    }
                }
                Some(Expr::Compare { attr, op, ty, value: value?, span })
            }
            _ => None,
        }
    }
}
