//! Semantic model to CIB element tree, or straight to XML text (`generate_xml`, which writes each
//! top-level element as soon as it is generated and so never holds the whole tree).
//!
//! Runs only on a model without errors, so values are known to parse; where one still does not,
//! the text is written as given rather than invented. Ids come from names: `web` for the
//! primitive, `web-meta_attributes`, `web-meta_attributes-allow-migrate`, `web-monitor-10s`.

use hapolicy_stdlib::{self as stdlib, Scope, ValueType};

use super::ids::IdAllocator;
use super::Element;
use crate::model::{Agent, Model};
use crate::syntax::ast::{
    Assign, AttrSet, Body, BundlePart, CloneKind, CompareValue, DateExpr, DefaultsKind, Expr, FencingTarget, ItemKind, LocationTarget, Op, PrimitiveSource,
    ResourceSet, SetKind, Spanned,
};
use crate::values;

/// Which Pacemaker the CIB is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Target {
    /// Pacemaker 2.1: schema pacemaker-3.9.
    #[default]
    Pacemaker2,
    /// Pacemaker 3.0: schema pacemaker-4.0.
    Pacemaker3,
}

impl Target {
    pub fn schema(self) -> &'static str {
        match self {
            Target::Pacemaker2 => "pacemaker-3.9",
            Target::Pacemaker3 => "pacemaker-4.0",
        }
    }
}

struct Gen<'m> {
    model: &'m Model,
    ids: IdAllocator,
}

/// How an nvpair value is written: canonical for typed options, as written otherwise.
fn canonical(value: &str, ty: Option<ValueType>) -> String {
    match ty {
        Some(ValueType::Boolean) => values::parse_bool(value).map_or_else(|_| value.to_string(), |b| values::format_bool(b).to_string()),
        Some(ValueType::Score) => values::parse_score(value).map_or_else(|_| value.to_string(), values::format_score),
        Some(ValueType::Interval | ValueType::Timeout) => values::parse_duration(value).map_or_else(|_| value.to_string(), |d| values::format_duration(d.ms)),
        _ => value.to_string(),
    }
}

/// Where an nvset's option types come from.
#[derive(Clone, Copy)]
enum Vocabulary {
    None,
    ResourceMeta(&'static [Scope]),
    Cluster,
    Op,
}

impl Vocabulary {
    fn type_of(self, name: &str) -> Option<ValueType> {
        let spec = match self {
            Vocabulary::None => None,
            Vocabulary::ResourceMeta(scopes) => stdlib::find_in(stdlib::RESOURCE_META, name, scopes),
            Vocabulary::Cluster => stdlib::find(stdlib::CLUSTER_OPTIONS, name),
            Vocabulary::Op => stdlib::find(stdlib::OP_PROPERTIES, name),
        };
        spec.map(|s| s.ty)
    }
}

const RSC_SCOPES: &[Scope] = &[Scope::Resource, Scope::Primitive, Scope::Clone, Scope::Group];

/// One nvset to write: its element name, id base and content.
struct SetSpec<'a> {
    element: &'static str,
    name: Option<&'a Spanned>,
    reference: Option<&'a Spanned>,
    score: Option<i64>,
    when: &'a [Expr],
    entries: Vec<(&'a str, String)>,
}

impl Gen<'_> {
    fn nvset(&mut self, spec: SetSpec<'_>, default_id: &str, score: Option<i64>) -> Element {
        let mut set = Element::new(spec.element);
        if let Some(reference) = spec.reference {
            set.set("id-ref", reference.text.clone());
            return set;
        }
        let id = match spec.name {
            Some(n) => self.ids.claim(&n.text),
            None => self.ids.fresh(default_id),
        };
        set.set("id", id.clone());
        if let Some(score) = score {
            set.set("score", values::format_score(score));
        }
        if !spec.when.is_empty() {
            let combined = if spec.when.len() == 1 {
                spec.when.first().cloned()
            } else {
                let span = spec.when.iter().map(Expr::span).fold(crate::span::Span::default(), |a, b| a.cover(b));
                Some(Expr::And(spec.when.to_vec(), span))
            };
            if let Some(expr) = combined {
                let rule = self.rule(&format!("{id}-rule"), &expr, None);
                set.children.push(rule);
            }
        }
        for (name, value) in spec.entries {
            let nv_id = self.ids.fresh(&format!("{id}-{name}"));
            set.children.push(Element::new("nvpair").attr("id", nv_id).attr("name", name.to_string()).attr("value", value));
        }
        set
    }

    /// Writes sibling sets of one kind, giving them distinct scores when there are several, so
    /// that Pacemaker's undocumented tie-break (last set in document order wins) never decides.
    fn nvsets(&mut self, specs: Vec<SetSpec<'_>>, default_id: &str) -> Vec<Element> {
        let scores = distinct_scores(&specs);
        specs.into_iter().zip(scores).map(|(spec, score)| self.nvset(spec, default_id, score)).collect()
    }

    fn entries(assigns: &[Assign], vocabulary: Vocabulary) -> Vec<(&str, String)> {
        assigns.iter().map(|a| (a.key.text.as_str(), canonical(&a.value.text, vocabulary.type_of(&a.key.text)))).collect()
    }

    fn set_spec<'a>(set: &'a AttrSet, vocabulary: Vocabulary) -> SetSpec<'a> {
        let element = match set.kind {
            SetKind::Params => "instance_attributes",
            SetKind::Meta => "meta_attributes",
            SetKind::Utilization => "utilization",
        };
        let score = set.props.iter().find(|p| p.key.text == "score").and_then(|p| values::parse_score(&p.value.text).ok());
        SetSpec {
            element,
            name: set.name.as_ref(),
            reference: set.reference.as_ref(),
            score,
            when: &set.when,
            entries: Self::entries(&set.entries, vocabulary),
        }
    }

    /// The attribute sets of a body: bare assignments go to `bare_kind`, then the named blocks.
    fn body_sets(&mut self, owner: &str, body: &Body, bare_kind: SetKind, meta: Vocabulary, extra_meta: Vec<(&str, String)>) -> Vec<Element> {
        let mut out = Vec::new();
        for kind in [SetKind::Params, SetKind::Meta, SetKind::Utilization] {
            let vocabulary = if kind == SetKind::Meta { meta } else { Vocabulary::None };
            let element = match kind {
                SetKind::Params => "instance_attributes",
                SetKind::Meta => "meta_attributes",
                SetKind::Utilization => "utilization",
            };
            let mut specs = Vec::new();
            let mut bare = if kind == bare_kind { Self::entries(&body.assigns, vocabulary) } else { Vec::new() };
            if kind == SetKind::Meta {
                bare.extend(extra_meta.iter().map(|(k, v)| (*k, v.clone())));
            }
            if !bare.is_empty() {
                specs.push(SetSpec { element, name: None, reference: None, score: None, when: &[], entries: bare });
            }
            for set in body.sets.iter().filter(|s| s.kind == kind) {
                specs.push(Self::set_spec(set, vocabulary));
            }
            if !specs.is_empty() {
                out.extend(self.nvsets(specs, &format!("{owner}-{element}")));
            }
        }
        out
    }

    // ------------------------------------------------------------ rules

    fn rule(&mut self, id_base: &str, expr: &Expr, head: Option<Vec<(&'static str, String)>>) -> Element {
        let id = self.ids.fresh(id_base);
        let mut rule = Element::new("rule").attr("id", id.clone());
        for (k, v) in head.unwrap_or_default() {
            rule.set(k, v);
        }
        let (op, parts): (&str, Vec<&Expr>) = match expr {
            Expr::And(parts, _) => ("and", parts.iter().collect()),
            Expr::Or(parts, _) => ("or", parts.iter().collect()),
            // fail-count over every op expands to an `or`
            Expr::FailCount { op: None, .. } => ("or", vec![expr]),
            other => ("and", vec![other]),
        };
        rule.set("boolean-op", op);
        for part in parts {
            match part {
                Expr::And(..) | Expr::Or(..) => {
                    let nested = self.rule(&format!("{id}-rule"), part, None);
                    rule.children.push(nested);
                }
                Expr::FailCount { op: None, .. } if op == "and" => {
                    let nested = self.rule(&format!("{id}-rule"), part, None);
                    rule.children.push(nested);
                }
                _ => {
                    let expressions = self.condition(&id, part);
                    rule.children.extend(expressions);
                }
            }
        }
        rule
    }

    fn condition(&mut self, rule_id: &str, expr: &Expr) -> Vec<Element> {
        let base = format!("{rule_id}-expr");
        match expr {
            Expr::Compare { attr, op, ty, value, .. } => {
                let mut e = Element::new("expression")
                    .attr("id", self.ids.fresh(&base))
                    .attr("attribute", node_attribute(&attr.text))
                    .attr("operation", operation(&op.text));
                match value {
                    CompareValue::Literal(v) => e.set("value", v.text.clone()),
                    CompareValue::Param(k) => {
                        e.set("value", k.text.clone());
                        e.set("value-source", "param");
                    }
                    CompareValue::Meta(k) => {
                        e.set("value", k.text.clone());
                        e.set("value-source", "meta");
                    }
                }
                if let Some(t) = ty {
                    e.set("type", t.text.clone());
                }
                vec![e]
            }
            Expr::Defined { attr, negated, .. } => {
                let op = if *negated { "not_defined" } else { "defined" };
                vec![Element::new("expression").attr("id", self.ids.fresh(&base)).attr("attribute", node_attribute(&attr.text)).attr("operation", op)]
            }
            Expr::FailCount { primitive, op, interval, cmp, value, .. } => {
                let attributes = fail_count_attributes(self.model, &primitive.text, op.as_ref(), interval.as_ref());
                attributes
                    .into_iter()
                    .map(|attribute| {
                        Element::new("expression")
                            .attr("id", self.ids.fresh(&base))
                            .attr("attribute", attribute)
                            .attr("operation", operation(&cmp.text))
                            .attr("value", values::parse_score(&value.text).map_or_else(|_| value.text.to_string(), values::format_score))
                            .attr("type", "integer")
                    })
                    .collect()
            }
            Expr::Date(date, _) => {
                let mut e = Element::new("date_expression").attr("id", self.ids.fresh(&base));
                match date {
                    DateExpr::Gt(v) => {
                        e.set("operation", "gt");
                        e.set("start", v.text.clone());
                    }
                    DateExpr::Lt(v) => {
                        e.set("operation", "lt");
                        e.set("end", v.text.clone());
                    }
                    DateExpr::InRange { start, end, duration } => {
                        e.set("operation", "in_range");
                        e.set("start", start.text.clone());
                        if let Some(end) = end {
                            e.set("end", end.text.clone());
                        }
                        if let Some(d) = duration {
                            let id = self.ids.fresh(&format!("{rule_id}-duration"));
                            e.children.push(iso_duration_element(&id, &d.text));
                        }
                    }
                }
                vec![e]
            }
            Expr::DateSpec(fields, _) => {
                let id = self.ids.fresh(&base);
                let mut spec = Element::new("date_spec").attr("id", self.ids.fresh(&format!("{id}-spec")));
                for f in fields {
                    if let Some(key) = date_spec_key(&f.key.text) {
                        spec.set(key, f.value.text.clone());
                    }
                }
                vec![Element::new("date_expression").attr("id", id).attr("operation", "date_spec").child(spec)]
            }
            Expr::Resource(agent, _) => {
                let mut e = Element::new("rsc_expression").attr("id", self.ids.fresh(&base));
                let parts: Vec<&str> = agent.text.split(':').collect();
                match parts.as_slice() {
                    [class, provider, kind] => {
                        for (k, v) in [("class", class), ("provider", provider), ("type", kind)] {
                            if !v.is_empty() && *v != "*" {
                                e.set(k, (*v).to_string());
                            }
                        }
                    }
                    [class, kind] => {
                        e.set("class", (*class).to_string());
                        e.set("type", (*kind).to_string());
                    }
                    [kind] => e.set("type", (*kind).to_string()),
                    _ => {}
                }
                vec![e]
            }
            Expr::Operation { name, interval, .. } => {
                let mut e = Element::new("op_expression").attr("id", self.ids.fresh(&base)).attr("name", name.text.clone());
                if let Some(i) = interval {
                    e.set("interval", values::parse_duration(&i.text).map_or_else(|_| i.text.to_string(), |d| values::format_duration(d.ms)));
                }
                vec![e]
            }
            Expr::And(..) | Expr::Or(..) => Vec::new(),
        }
    }

    // ------------------------------------------------------------ resources

    fn op(&mut self, rsc: &str, op: &Op) -> Element {
        let get = |k: &str| op.props.iter().find(|p| p.key.text == k).map(|p| p.value.text.as_str());
        let interval = get("interval").map(|i| (i, values::parse_duration(i).ok().map(|d| d.ms)));
        let interval_ms = interval.and_then(|(_, ms)| ms).unwrap_or(0);
        // A value that does not parse (only when generating despite errors) is written as given.
        let interval_text = match interval {
            Some((raw, None)) => raw.to_string(),
            _ => values::format_duration(interval_ms),
        };
        let id = match get("id") {
            Some(id) => self.ids.claim(id),
            None => {
                let role = get("role").map(|r| format!("-{}", r.to_ascii_lowercase())).unwrap_or_default();
                let base = format!("{rsc}-{}-{}", op.name.text, values::duration_label(interval_ms));
                if role.is_empty() {
                    self.ids.fresh(&base)
                } else {
                    self.ids.fresh(&format!("{base}{role}"))
                }
            }
        };
        let mut e = Element::new("op").attr("id", id.clone()).attr("name", op.name.text.clone()).attr("interval", interval_text);
        for &key in super::OP_ATTRIBUTES {
            let attr = key;
            if let Some(v) = get(key) {
                let value = match key {
                    "timeout" | "start-delay" => values::parse_duration(v).map_or_else(|_| v.to_string(), |d| values::format_duration(d.ms)),
                    "role" => role_name(v),
                    "enabled" | "record-pending" => values::parse_bool(v).map_or_else(|_| v.to_string(), |b| values::format_bool(b).to_string()),
                    _ => v.to_string(),
                };
                e.set(attr, value);
            }
        }
        let mut params: Vec<(&str, String)> = Vec::new();
        if let Some(level) = get("check-level") {
            params.push(("OCF_CHECK_LEVEL", level.to_string()));
        }
        params.extend(op.params.iter().map(|a| (a.key.text.as_str(), a.value.text.to_string())));
        let mut sets = Vec::new();
        for kind in [SetKind::Params, SetKind::Meta] {
            let element = if kind == SetKind::Params { "instance_attributes" } else { "meta_attributes" };
            let vocabulary = if kind == SetKind::Meta { Vocabulary::Op } else { Vocabulary::None };
            let mut specs = Vec::new();
            if kind == SetKind::Params && !params.is_empty() {
                specs.push(SetSpec { element, name: None, reference: None, score: None, when: &[], entries: std::mem::take(&mut params) });
            }
            for set in op.sets.iter().filter(|s| s.kind == kind) {
                specs.push(Self::set_spec(set, vocabulary));
            }
            if !specs.is_empty() {
                sets.extend(self.nvsets(specs, &format!("{id}-{element}")));
            }
        }
        e.children = sets;
        e
    }

    fn primitive_like(&mut self, element: &'static str, name: &Spanned, agent: Option<&str>, template: Option<&str>, props: &[Assign], body: &Body) -> Element {
        let id = self.ids.claim(&name.text);
        let mut e = Element::new(element).attr("id", id.clone());
        if let Some(agent) = agent.and_then(|a| Agent::parse(a).ok()) {
            e.set("class", agent.class.clone());
            if let Some(p) = &agent.provider {
                e.set("provider", p.clone());
            }
            e.set("type", agent.kind.clone());
        }
        if let Some(t) = template {
            e.set("template", t.to_string());
        }
        if let Some(d) = props.iter().find(|p| p.key.text == "description") {
            e.set("description", d.value.text.clone());
        }
        e.children = self.body_sets(&id, body, SetKind::Params, Vocabulary::ResourceMeta(RSC_SCOPES), Vec::new());
        if !body.ops.is_empty() {
            let mut ops = Element::new("operations");
            for op in &body.ops {
                ops.children.push(self.op(&id, op));
            }
            e.children.push(ops);
        }
        e
    }

    fn resource(&mut self, name: &str, depth: usize) -> Option<Element> {
        if depth > 4 {
            return None;
        }
        let (_, item) = self.model.item_of(name)?;
        Some(match &item.kind {
            ItemKind::Primitive { name, source, props, body } => {
                let (agent, template) = match source {
                    PrimitiveSource::Agent(a) => (Some(a.text.as_str()), None),
                    PrimitiveSource::Template(t) => (None, Some(t.text.as_str())),
                };
                self.primitive_like("primitive", name, agent, template, props, body)
            }
            ItemKind::Template { name, agent, props, body } => self.primitive_like("template", name, Some(&agent.text), None, props, body),
            ItemKind::Group { name, members, props, body } => {
                let id = self.ids.claim(&name.text);
                let mut e = Element::new("group").attr("id", id.clone());
                description(&mut e, props);
                e.children = self.body_sets(&id, body, SetKind::Meta, Vocabulary::ResourceMeta(&[Scope::Resource, Scope::Group]), Vec::new());
                for m in members {
                    e.children.extend(self.resource(&m.text, depth + 1));
                }
                e
            }
            ItemKind::Clone { kind, name, child, props, body } => {
                let id = self.ids.claim(&name.text);
                let mut e = Element::new("clone").attr("id", id.clone());
                description(&mut e, props);
                let already = crate::model::meta_value(body, "promotable").is_some();
                let extra = if *kind == CloneKind::Promotable && !already { vec![("promotable", "true".to_string())] } else { Vec::new() };
                e.children = self.body_sets(&id, body, SetKind::Meta, Vocabulary::ResourceMeta(&[Scope::Resource, Scope::Clone]), extra);
                e.children.extend(self.resource(&child.text, depth + 1));
                e
            }
            ItemKind::Bundle { name, child, props, parts, body } => {
                let id = self.ids.claim(&name.text);
                let mut e = Element::new("bundle").attr("id", id.clone());
                description(&mut e, props);
                let mut network: Option<Element> = None;
                let mut ports = Vec::new();
                let mut storage = Vec::new();
                for part in parts {
                    match part.keyword.text.as_str() {
                        "docker" | "podman" | "rkt" => {
                            let element = match part.keyword.text.as_str() {
                                "docker" => "docker",
                                "podman" => "podman",
                                _ => "rkt",
                            };
                            e.children.push(part_element(element, part));
                        }
                        "network" => network = Some(part_element("network", part)),
                        "port-mapping" => ports.push(self.mapping("port-mapping", &id, part)),
                        _ => storage.push(self.mapping("storage-mapping", &id, part)),
                    }
                }
                if network.is_some() || !ports.is_empty() {
                    let mut n = network.unwrap_or_else(|| Element::new("network"));
                    n.children.extend(ports);
                    e.children.push(n);
                }
                if !storage.is_empty() {
                    let mut s = Element::new("storage");
                    s.children = storage;
                    e.children.push(s);
                }
                let sets = self.body_sets(&id, body, SetKind::Meta, Vocabulary::ResourceMeta(&[Scope::Resource]), Vec::new());
                e.children.extend(sets);
                if let Some(child) = child {
                    e.children.extend(self.resource(&child.text, depth + 1));
                }
                e
            }
            _ => return None,
        })
    }

    fn mapping(&mut self, element: &'static str, bundle: &str, part: &BundlePart) -> Element {
        let id = match &part.name {
            Some(n) => self.ids.claim(&n.text),
            None => self.ids.fresh(&format!("{bundle}-{element}")),
        };
        let mut e = part_element(element, part);
        e.attrs.insert(0, ("id", id.into()));
        e
    }

    // ------------------------------------------------------------ constraints

    fn resource_sets(&mut self, owner: &str, sets: &[ResourceSet]) -> Vec<Element> {
        sets.iter()
            .map(|set| {
                let id = match &set.name {
                    Some(n) => self.ids.claim(&n.text),
                    None => self.ids.fresh(&format!("{owner}-set")),
                };
                let mut e = Element::new("resource_set").attr("id", id);
                for p in &set.props {
                    e.set(static_key(&p.key.text), prop_value(&p.key.text, &p.value.text));
                }
                for m in &set.members {
                    e.children.push(Element::new("resource_ref").attr("id", m.text.clone()));
                }
                e
            })
            .collect()
    }

    fn constraint(&mut self, kind: &ItemKind) -> Option<Element> {
        Some(match kind {
            ItemKind::Location { name, target, props, preferences, rules, sets } => {
                let id = self.ids.claim(&name.text);
                let mut e = Element::new("rsc_location").attr("id", id.clone());
                match target {
                    Some(LocationTarget::Resource(r)) => e.set("rsc", r.text.clone()),
                    Some(LocationTarget::Pattern(p)) => e.set("rsc-pattern", p.text.clone()),
                    None => {}
                }
                // With rules, Pacemaker reads the role only from each rule: copy it there.
                let location_role = props.iter().find(|p| p.key.text == "role").map(|p| role_name(&p.value.text));
                for p in props {
                    if p.key.text == "role" && !rules.is_empty() {
                        continue;
                    }
                    e.set(static_key(&p.key.text), prop_value(&p.key.text, &p.value.text));
                }
                if let Some(pref) = preferences.first() {
                    let magnitude = pref.score.as_ref().and_then(|s| values::parse_score(&s.text).ok()).unwrap_or(values::INFINITY);
                    let score = if pref.avoids { -magnitude.abs() } else { magnitude };
                    e.set("node", pref.node.text.clone());
                    e.set("score", values::format_score(score));
                }
                e.children = self.resource_sets(&id, sets);
                for rule in rules {
                    let mut head: Vec<(&'static str, String)> = Vec::new();
                    if let Some(score) = &rule.score {
                        head.push(("score", values::parse_score(&score.text).map_or_else(|_| score.text.to_string(), values::format_score)));
                    }
                    for p in &rule.props {
                        if p.key.text != "id" {
                            head.push((static_key(&p.key.text), prop_value(&p.key.text, &p.value.text)));
                        }
                    }
                    if let Some(role) = &location_role {
                        if !rule.props.iter().any(|p| p.key.text == "role") {
                            head.push(("role", role.clone()));
                        }
                    }
                    let base = rule.props.iter().find(|p| p.key.text == "id").map_or_else(|| format!("{id}-rule"), |p| p.value.text.to_string());
                    let r = self.rule(&base, &rule.expr, Some(head));
                    e.children.push(r);
                }
                e
            }
            ItemKind::Colocation { name, pair, score, props, sets } => {
                let id = self.ids.claim(&name.text);
                let mut e = Element::new("rsc_colocation").attr("id", id.clone());
                let score = score.as_ref().and_then(|s| values::parse_score(&s.text).ok()).unwrap_or(values::INFINITY);
                e.set("score", values::format_score(score));
                if let Some((a, b)) = pair {
                    e.set("rsc", a.name.text.clone());
                    e.set("with-rsc", b.name.text.clone());
                    if let Some(role) = &a.qualifier {
                        e.set("rsc-role", role_name(&role.text));
                    }
                    if let Some(role) = &b.qualifier {
                        e.set("with-rsc-role", role_name(&role.text));
                    }
                }
                for p in props {
                    e.set(static_key(&p.key.text), prop_value(&p.key.text, &p.value.text));
                }
                e.children = self.resource_sets(&id, sets);
                e
            }
            ItemKind::Order { name, pair, props, sets } => {
                let id = self.ids.claim(&name.text);
                let mut e = Element::new("rsc_order").attr("id", id.clone());
                if let Some((a, b)) = pair {
                    e.set("first", a.name.text.clone());
                    if let Some(action) = &a.qualifier {
                        e.set("first-action", action.text.clone());
                    }
                    e.set("then", b.name.text.clone());
                    if let Some(action) = &b.qualifier {
                        e.set("then-action", action.text.clone());
                    }
                }
                for p in props {
                    e.set(static_key(&p.key.text), prop_value(&p.key.text, &p.value.text));
                }
                e.children = self.resource_sets(&id, sets);
                e
            }
            ItemKind::Ticket { name, rsc, ticket, props, sets } => {
                let id = self.ids.claim(&name.text);
                let mut e = Element::new("rsc_ticket").attr("id", id.clone()).attr("ticket", ticket.text.clone());
                if let Some(r) = rsc {
                    e.set("rsc", r.name.text.clone());
                    if let Some(role) = &r.qualifier {
                        e.set("rsc-role", role_name(&role.text));
                    }
                }
                for p in props {
                    e.set(static_key(&p.key.text), p.value.text.clone());
                }
                e.children = self.resource_sets(&id, sets);
                e
            }
            _ => return None,
        })
    }

    // ------------------------------------------------------------ the rest

    fn node(&mut self, name: &Spanned, props: &[Assign], body: &Body) -> Element {
        let get = |k: &str| props.iter().find(|p| p.key.text == k).map(|p| p.value.text.clone());
        let id = get("id").unwrap_or_else(|| name.text.clone());
        let mut e = Element::new("node").attr("id", id.clone()).attr("uname", name.text.clone());
        for key in ["type", "description", "score"] {
            if let Some(v) = get(key) {
                e.set(static_key(key), v);
            }
        }
        e.children = self.body_sets(&name.text, body, SetKind::Params, Vocabulary::None, Vec::new());
        e
    }

    fn alert(&mut self, kind: &ItemKind) -> Option<Element> {
        let ItemKind::Alert { name, props, body, select, recipients } = kind else { return None };
        let id = self.ids.claim(&name.text);
        let mut e = Element::new("alert").attr("id", id.clone());
        for p in props {
            e.set(static_key(&p.key.text), p.value.text.clone());
        }
        let sets = self.body_sets(&id, body, SetKind::Params, Vocabulary::None, Vec::new());
        e.children.extend(sets);
        if let Some(kinds) = select {
            let mut s = Element::new("select");
            for k in kinds {
                let element = match k.kind.text.as_str() {
                    "nodes" => "select_nodes",
                    "fencing" => "select_fencing",
                    "resources" => "select_resources",
                    _ => "select_attributes",
                };
                let mut child = Element::new(element);
                for a in &k.attributes {
                    let aid = self.ids.fresh(&format!("{id}-select-{}", a.text));
                    child.children.push(Element::new("attribute").attr("id", aid).attr("name", a.text.clone()));
                }
                s.children.push(child);
            }
            e.children.push(s);
        }
        for r in recipients {
            let rid = self.ids.claim(&r.name.text);
            let mut re = Element::new("recipient").attr("id", rid.clone());
            for p in &r.props {
                re.set(static_key(&p.key.text), p.value.text.clone());
            }
            re.children = self.body_sets(&rid, &r.body, SetKind::Params, Vocabulary::None, Vec::new());
            e.children.push(re);
        }
        Some(e)
    }
}

fn description(e: &mut Element, props: &[Assign]) {
    if let Some(d) = props.iter().find(|p| p.key.text == "description") {
        e.set("description", d.value.text.clone());
    }
}

fn part_element(element: &'static str, part: &BundlePart) -> Element {
    let mut e = Element::new(element);
    for p in &part.props {
        e.set(static_key(&p.key.text), prop_value(&p.key.text, &p.value.text));
    }
    e
}

/// The current name of a role (Master and Slave are the legacy names).
fn role_name(role: &str) -> String {
    match role {
        "Master" => "Promoted".to_string(),
        "Slave" => "Unpromoted".to_string(),
        other => other.to_string(),
    }
}

/// Boolean properties are XSD booleans in the schema: only `true`/`false`; roles get their
/// current names.
fn prop_value(key: &str, value: &str) -> String {
    match key {
        "role" | "rsc-role" | "with-rsc-role" => role_name(value),
        "symmetrical" | "sequential" | "require-all" | "influence" | "add-host" | "enabled" | "record-pending" => {
            values::parse_bool(value).map_or_else(|_| value.to_string(), |b| values::format_bool(b).to_string())
        }
        "score" => values::parse_score(value).map_or_else(|_| value.to_string(), values::format_score),
        _ => value.to_string(),
    }
}

/// Attribute names are a closed set (checked before generation); map them to static strings so
/// the tree holds no per-attribute allocations for keys.
fn static_key(key: &str) -> &'static str {
    const KEYS: &[&str] = &[
        "role",
        "resource-discovery",
        "score-attribute",
        "node-attribute",
        "influence",
        "kind",
        "symmetrical",
        "require-all",
        "score",
        "loss-policy",
        "sequential",
        "ordering",
        "action",
        "index",
        "path",
        "description",
        "value",
        "name",
        "xpath",
        "reference",
        "object-type",
        "attribute",
        "image",
        "replicas",
        "replicas-per-host",
        "promoted-max",
        "masters",
        "run-command",
        "network",
        "options",
        "ip-range-start",
        "control-port",
        "host-interface",
        "host-netmask",
        "add-host",
        "port",
        "internal-port",
        "range",
        "source-dir",
        "source-dir-root",
        "target-dir",
        "type",
        "id",
    ];
    KEYS.iter().find(|k| **k == key).copied().unwrap_or("unknown-property")
}

fn date_spec_key(key: &str) -> Option<&'static str> {
    ["years", "months", "monthdays", "hours", "minutes", "seconds", "yeardays", "weekyears", "weeks", "weekdays", "moon"].into_iter().find(|k| *k == key)
}

fn operation(op: &str) -> &'static str {
    match op {
        "==" => "eq",
        "!=" => "ne",
        "<" => "lt",
        "<=" => "lte",
        ">" => "gt",
        _ => "gte",
    }
}

/// `$uname` is written `#uname` in the CIB (the `#` would start a comment in a policy).
fn node_attribute(name: &str) -> String {
    match name.strip_prefix('$') {
        Some(rest) => format!("#{rest}"),
        None => name.to_string(),
    }
}

/// The `duration` element of an `in_range` date expression, from an ISO 8601 duration. Pacemaker
/// reads these fields as given (no day miscount: that bug is in its interval parser only).
fn iso_duration_element(id: &str, iso: &str) -> Element {
    let mut e = Element::new("duration").attr("id", id.to_string());
    let mut number = String::new();
    let mut in_time = false;
    for c in iso.chars().skip(1) {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        if c == 'T' {
            in_time = true;
            continue;
        }
        let key = match (c, in_time) {
            ('Y', false) => "years",
            ('M', false) => "months",
            ('W', false) => "weeks",
            ('D', false) => "days",
            ('H', true) => "hours",
            ('M', true) => "minutes",
            ('S', true) => "seconds",
            _ => continue,
        };
        e.set(key, std::mem::take(&mut number));
    }
    e
}

/// The node attributes Pacemaker sets for failures of a primitive's operation(s).
pub fn fail_count_attributes(model: &Model, primitive: &str, op: Option<&Spanned>, interval: Option<&crate::syntax::ast::Value>) -> Vec<String> {
    match op {
        Some(op) => {
            let ms = interval.and_then(|i| values::parse_duration(&i.text).ok()).map_or(0, |d| d.ms);
            vec![format!("fail-count-{primitive}#{}_{ms}", op.text)]
        }
        None => {
            let mut keys: Vec<(String, u64)> = model.implicit_actions(primitive).into_iter().map(|a| (a.to_string(), 0)).collect();
            if let Some(p) = model.primitives.get(primitive) {
                for o in &p.ops {
                    let key = (o.name.text.to_string(), o.interval_ms.unwrap_or(0));
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
            keys.into_iter().map(|(name, ms)| format!("fail-count-{primitive}#{name}_{ms}")).collect()
        }
    }
}

/// Scores for sibling sets: unchanged when there is only one set, else strictly increasing in
/// the order Pacemaker would apply them (lowest first), keeping each written score where it can.
fn distinct_scores(specs: &[SetSpec<'_>]) -> Vec<Option<i64>> {
    let live: Vec<usize> = (0..specs.len()).filter(|&i| specs.get(i).is_some_and(|s| s.reference.is_none())).collect();
    if live.len() < 2 {
        return specs.iter().map(|s| s.score).collect();
    }
    // Pacemaker sorts by score descending and, on ties, the later set wins: so precedence
    // ascends with (score, position).
    let mut order: Vec<(i64, usize)> = live.iter().map(|&i| (specs.get(i).and_then(|s| s.score).unwrap_or(0), i)).collect();
    order.sort_unstable();
    let mut result: Vec<Option<i64>> = specs.iter().map(|s| s.score).collect();
    let mut previous: Option<i64> = None;
    for (score, index) in order {
        let assigned = match previous {
            Some(p) if score <= p => (p + 1).min(values::INFINITY),
            _ => score,
        };
        previous = Some(assigned);
        if let Some(slot) = result.get_mut(index) {
            *slot = Some(assigned);
        }
    }
    result
}

/// Generates the whole CIB document.
pub fn generate(model: &Model, target: Target) -> Element {
    generate_with(model, target, false)
}

/// The CIB as XML text: the same as writing [`generate`]'s tree, without ever holding the whole
/// tree. Each top-level element (a resource with everything in it, a constraint) is written as
/// soon as it is generated and then freed; for a large cluster the tree would be several times
/// the size of the text.
pub fn generate_xml(model: &Model, target: Target) -> super::XmlText {
    super::write::into_xml(generate_with(model, target, true))
}

/// The children of one configuration section, kept as elements or written out as they come.
struct Section {
    element: Element,
    /// Whether anything was added.
    used: bool,
    /// When writing: whole chunks of written children, and the one being filled. Each chunk is
    /// a run of complete children, so it stands in the tree as one raw child that writes back
    /// byte for byte (see [`Section::finish`]).
    written: Option<(Vec<Element>, String)>,
}

/// Written children are cut into chunks of about this size, so that no one string is grown (and
/// copied) by doubling up to the size of a whole section.
const CHUNK: usize = 1 << 20;

/// How deep a section's children are in the CIB (`cib`, `configuration`, the section).
const SECTION_CHILD_DEPTH: usize = 3;

impl Section {
    fn new(name: &'static str, write: bool) -> Section {
        Section { element: Element::new(name), used: false, written: write.then(|| (Vec::new(), String::new())) }
    }

    fn push(&mut self, child: Element) {
        self.used = true;
        match &mut self.written {
            None => self.element.children.push(child),
            Some((chunks, current)) => {
                // The first chunk grows as it fills (a small policy's sections stay small); once a
                // section has filled one, the next ones are reserved whole.
                if current.capacity() == 0 && !chunks.is_empty() {
                    current.reserve_exact(CHUNK);
                }
                super::write::write_element(current, &child, SECTION_CHILD_DEPTH);
                if current.len() >= CHUNK - CHUNK / 16 {
                    chunks.push(Element::raw(std::mem::take(current)));
                }
            }
        }
    }

    fn extend(&mut self, children: impl IntoIterator<Item = Element>) {
        for child in children {
            self.push(child);
        }
    }

    fn is_empty(&self) -> bool {
        !self.used
    }

    /// The section element. Written children become raw children: the writer puts a raw
    /// child on a new line at the child depth followed by its trimmed text, and a chunk is exactly
    /// that (each written child starts with a new line and that indentation, and ends in `>`).
    fn finish(mut self) -> Element {
        if let Some((chunks, current)) = self.written {
            self.element.children = chunks;
            if !current.is_empty() {
                self.element.children.push(Element::raw(current));
            }
        }
        self.element
    }
}

fn generate_with(model: &Model, target: Target, write: bool) -> Element {
    let reserved = model.symbols.keys().map(|k| k.as_str());
    let mut g = Gen { model, ids: IdAllocator::new(reserved) };
    let mut crm_config = Section::new("crm_config", write);
    let mut rsc_defaults = Vec::new();
    let mut op_defaults = Vec::new();
    let mut nodes = Section::new("nodes", write);
    let mut resources = Section::new("resources", write);
    let mut constraints = Section::new("constraints", write);
    let mut fencing = Section::new("fencing-topology", write);
    let mut acls = Section::new("acls", write);
    let mut tags = Section::new("tags", write);
    let mut alerts = Section::new("alerts", write);

    // Cluster and defaults sets, each kind as siblings.
    let mut cluster_specs = Vec::new();
    let mut rsc_specs = Vec::new();
    let mut op_specs = Vec::new();
    for (_, item) in model.items.iter() {
        match &item.kind {
            ItemKind::Cluster { name, props, when, entries } => {
                let score = props.iter().find(|p| p.key.text == "score").and_then(|p| values::parse_score(&p.value.text).ok());
                cluster_specs.push(SetSpec {
                    element: "cluster_property_set",
                    name: name.as_ref(),
                    reference: None,
                    score,
                    when,
                    entries: Gen::entries(entries, Vocabulary::Cluster),
                });
            }
            ItemKind::Defaults { kind, name, props, when, entries } => {
                let score = props.iter().find(|p| p.key.text == "score").and_then(|p| values::parse_score(&p.value.text).ok());
                let vocabulary = if *kind == DefaultsKind::Rsc { Vocabulary::ResourceMeta(RSC_SCOPES) } else { Vocabulary::Op };
                let spec =
                    SetSpec { element: "meta_attributes", name: name.as_ref(), reference: None, score, when, entries: Gen::entries(entries, vocabulary) };
                if *kind == DefaultsKind::Rsc {
                    rsc_specs.push(spec);
                } else {
                    op_specs.push(spec);
                }
            }
            _ => {}
        }
    }
    // The first unnamed cluster set is `cib-bootstrap-options`, which Pacemaker always applies first.
    let mut first_unnamed = true;
    for spec in cluster_specs {
        let default_id = if spec.name.is_none() && first_unnamed {
            first_unnamed = false;
            "cib-bootstrap-options"
        } else {
            "cluster-options"
        };
        let score = spec.score;
        let e = g.nvset(spec, default_id, score);
        crm_config.push(e);
    }
    rsc_defaults.extend(g.nvsets(rsc_specs, "rsc_defaults-meta_attributes"));
    op_defaults.extend(g.nvsets(op_specs, "op_defaults-meta_attributes"));

    for (_, item) in model.items.iter() {
        match &item.kind {
            ItemKind::Node { name, props, body } => nodes.push(g.node(name, props, body)),
            ItemKind::Primitive { name, .. }
            | ItemKind::Group { name, .. }
            | ItemKind::Clone { name, .. }
            | ItemKind::Bundle { name, .. }
            | ItemKind::Template { name, .. } => {
                if !model.parent.contains_key(name.text.as_str()) {
                    resources.extend(g.resource(&name.text, 0));
                }
            }
            ItemKind::Location { .. } | ItemKind::Colocation { .. } | ItemKind::Order { .. } | ItemKind::Ticket { .. } => {
                constraints.extend(g.constraint(&item.kind));
            }
            ItemKind::Tag { name, members } => {
                let mut tag = Element::new("tag").attr("id", g.ids.claim(&name.text));
                for m in members {
                    tag.children.push(Element::new("obj_ref").attr("id", m.text.clone()));
                }
                tags.push(tag);
            }
            ItemKind::Alert { .. } => alerts.extend(g.alert(&item.kind)),
            ItemKind::FencingLevel { target, props, devices } => {
                let index = props.iter().find(|p| p.key.text == "index").map_or_else(|| "1".to_string(), |p| p.value.text.to_string());
                let (base, attrs): (String, Vec<(&'static str, compact_str::CompactString)>) = match target {
                    FencingTarget::Node(n) => (format!("fl-{}-{index}", n.text), vec![("target", n.text.clone())]),
                    FencingTarget::Pattern(p) => (format!("fl-pattern-{index}"), vec![("target-pattern", p.text.clone())]),
                    FencingTarget::Attribute(k, v) => {
                        (format!("fl-{}-{}-{index}", k.text, v.text), vec![("target-attribute", k.text.clone()), ("target-value", v.text.clone())])
                    }
                };
                let mut level = Element::new("fencing-level").attr("id", g.ids.fresh(&base));
                level.attrs.extend(attrs);
                level.set("index", index);
                level.set("devices", devices.iter().map(|d| d.text.as_str()).collect::<Vec<_>>().join(","));
                fencing.push(level);
            }
            ItemKind::AclRole { name, props, permissions } => {
                let id = g.ids.claim(&name.text);
                let mut role = Element::new("acl_role").attr("id", id.clone());
                description(&mut role, props);
                for (kind, pprops, _) in permissions {
                    let pid = match pprops.iter().find(|p| p.key.text == "id") {
                        Some(p) => g.ids.claim(&p.value.text),
                        None => g.ids.fresh(&format!("{id}-{}", kind.text)),
                    };
                    let mut perm = Element::new("acl_permission").attr("id", pid).attr("kind", kind.text.clone());
                    for p in pprops.iter().filter(|p| p.key.text != "id") {
                        perm.set(static_key(&p.key.text), p.value.text.clone());
                    }
                    role.children.push(perm);
                }
                acls.push(role);
            }
            ItemKind::AclTarget { group, name, props, roles } => {
                let mut t = Element::new(if *group { "acl_group" } else { "acl_target" }).attr("id", g.ids.claim(&name.text));
                for p in props {
                    t.set(static_key(&p.key.text), p.value.text.clone());
                }
                for r in roles {
                    t.children.push(Element::new("role").attr("id", r.text.clone()));
                }
                acls.push(t);
            }
            ItemKind::Xml { xml } => {
                let section = crate::cib::read_xml(&xml.text).ok().and_then(|root| super::raw_section(&root.name));
                let raw = Element::raw(xml.text.to_string());
                match section {
                    Some("resources") => resources.push(raw),
                    Some("constraints") => constraints.push(raw),
                    Some("nodes") => nodes.push(raw),
                    Some("crm_config") => crm_config.push(raw),
                    Some("fencing-topology") => fencing.push(raw),
                    Some("tags") => tags.push(raw),
                    Some("alerts") => alerts.push(raw),
                    Some(_) => acls.push(raw),
                    None => {}
                }
            }
            // Agent declarations describe agents; they are not part of the CIB.
            ItemKind::Cluster { .. } | ItemKind::Defaults { .. } | ItemKind::Agent { .. } => {}
        }
    }

    let mut configuration = Element::new("configuration").child(crm_config.finish());
    if !rsc_defaults.is_empty() {
        let mut e = Element::new("rsc_defaults");
        e.children = rsc_defaults;
        configuration.children.push(e);
    }
    if !op_defaults.is_empty() {
        let mut e = Element::new("op_defaults");
        e.children = op_defaults;
        configuration.children.push(e);
    }
    configuration.children.push(nodes.finish());
    configuration.children.push(resources.finish());
    configuration.children.push(constraints.finish());
    for optional in [fencing, acls, tags, alerts] {
        if !optional.is_empty() {
            configuration.children.push(optional.finish());
        }
    }
    Element::new("cib")
        .attr("validate-with", target.schema())
        .attr("admin_epoch", "0")
        .attr("epoch", "1")
        .attr("num_updates", "0")
        .child(configuration)
        .child(Element::new("status"))
}
