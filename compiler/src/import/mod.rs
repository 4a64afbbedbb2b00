//! CIB XML to policy syntax tree: the importer behind `hapolicy import` and `hapolicy lint`.
//!
//! Every syntax node it builds carries the span of the XML attribute or element it came from, so
//! the model and the checks — the same ones a policy goes through — report problems at the right
//! line of the CIB. What the language cannot express is reported (HP4xxx), never silently
//! dropped. Names are kept only where they differ from the ids the generator would derive, so a
//! re-built CIB keeps the original ids.

pub mod findings;

use std::sync::Arc;

use crate::cib::{XmlElement, XmlNode};
use crate::diagnostics::Diagnostic;
use crate::span::Span;
use crate::syntax::ast::*;
use crate::values;

pub use findings::CODES;

/// The result of importing one CIB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Shared, as parsed files hold them: lint checks them without another copy.
    pub items: Vec<Arc<Item>>,
    /// What could not be imported, and CIB-only findings (deprecated syntax, runtime state).
    pub findings: Vec<Diagnostic>,
    /// XML comments inside the configuration, with the item they stood before (index into `items`).
    pub comments: Vec<(usize, String)>,
}

struct Importer<'t> {
    text: &'t str,
    items: Vec<Arc<Item>>,
    findings: Vec<Diagnostic>,
    comments: Vec<(usize, String)>,
    /// Legacy role names, in document order; reported after everything else.
    legacy_roles: findings::LegacyRoles,
}

fn spanned(text: &str, span: Span) -> Spanned {
    Spanned { text: text.into(), span }
}

/// Whether a value can be written without quotes (the grammar's bare word).
fn needs_quotes(text: &str) -> bool {
    text.is_empty() || text.chars().any(|c| c.is_whitespace() || ";,{}[]()\"#=<>!".contains(c))
}

fn value(text: &str, span: Span) -> Value {
    Value { text: text.into(), quoted: needs_quotes(text), span }
}

fn attr_spanned(e: &XmlElement, name: &str) -> Option<Spanned> {
    e.get(name).map(|a| spanned(&a.value, a.value_span))
}

fn attr_value(e: &XmlElement, name: &str) -> Option<Value> {
    e.get(name).map(|a| value(&a.value, a.value_span))
}

fn assign(key: &str, key_span: Span, v: Value) -> Assign {
    Assign { key: spanned(key, key_span), value: v }
}

/// `key=value` properties taken from XML attributes, in the order given.
fn props(e: &XmlElement, names: &[(&str, &str)]) -> Vec<Assign> {
    names.iter().filter_map(|(xml, key)| e.get(xml).map(|a| assign(key, a.name_span, value(&a.value, a.value_span)))).collect()
}

fn role_name(role: &str) -> &str {
    match role {
        "Master" => "Promoted",
        "Slave" => "Unpromoted",
        other => other,
    }
}

impl Importer<'_> {
    fn add(&mut self, item: Item) {
        self.items.push(Arc::new(item));
    }

    fn finding(&mut self, d: Diagnostic) {
        self.findings.push(d);
    }

    fn not_imported(&mut self, span: Span, what: String) {
        self.finding(
            Diagnostic::new(&findings::NOT_IMPORTED, span, what)
                .with_help("the policy language cannot express this yet; it is left out of the import and not checked"),
        );
    }

    /// Elements under `e` that this importer does not know.
    fn unknown_children(&mut self, e: &XmlElement, known: &[&str]) {
        for child in e.elements() {
            if !known.contains(&child.name.as_str()) {
                self.not_imported(child.span, format!("<{}> inside <{}> is not imported", child.name, e.name));
            }
        }
    }

    fn unknown_attrs(&mut self, e: &XmlElement, known: &[&str]) {
        for a in &e.attrs {
            if !known.contains(&a.name.as_str()) {
                self.not_imported(a.name_span, format!("attribute `{}` of <{}> is not imported", a.name, e.name));
            }
        }
    }

    // ------------------------------------------------------------ nvsets

    /// An nvset as an attribute set; `default_id` is the id the generator would give an unnamed one.
    fn attr_set(&mut self, set: &XmlElement, kind: SetKind, default_id: Option<&str>) -> Option<AttrSet> {
        let mut out = AttrSet { kind, name: None, reference: None, props: Vec::new(), when: Vec::new(), entries: Vec::new(), span: set.span };
        if let Some(r) = attr_spanned(set, "id-ref") {
            out.reference = Some(r);
            return Some(out);
        }
        let id = set.get("id")?;
        if default_id != Some(id.value.as_str()) {
            out.name = Some(spanned(&id.value, id.value_span));
        }
        out.props = props(set, &[("score", "score")]);
        self.unknown_attrs(set, &["id", "score", "id-ref"]);
        let mut rule_lost = false;
        for child in set.elements() {
            match child.name.as_str() {
                "nvpair" => {
                    if child.get("id-ref").is_some() {
                        self.not_imported(child.span, "an nvpair that references another (id-ref) is not imported".to_string());
                        continue;
                    }
                    let Some(name) = child.get("name") else { continue };
                    let v = child.get("value").map_or_else(|| value("", name.value_span), |a| value(&a.value, a.value_span));
                    if child.get("value").is_none() {
                        self.not_imported(child.span, format!("nvpair `{}` has no value", name.value));
                        continue;
                    }
                    out.entries.push(assign(&name.value, name.value_span, v));
                }
                "rule" => match self.rule_expr(child) {
                    Some(expr) => out.when.push(expr),
                    // Without its condition the set would apply everywhere: leave it all out.
                    None => rule_lost = true,
                },
                other => self.not_imported(child.span, format!("<{other}> inside <{}> is not imported", set.name)),
            }
        }
        if rule_lost {
            self.not_imported(set.span, format!("<{}> `{}` is left out with its rule", set.name, id.value));
            return None;
        }
        Some(out)
    }

    /// The sets of one element: `(kind, sets)`; the first unscored, unconditioned set whose id is
    /// the default one becomes bare assignments when `bare` is that kind.
    fn body_sets(&mut self, owner: &XmlElement, owner_id: &str, bare: Option<SetKind>) -> Body {
        let mut body = Body::default();
        // The only set of its kind needs no name: its id is regenerated from the owner's.
        let count = |element: &str| owner.children_named(element).count();
        for child in owner.elements() {
            let (kind, element) = match child.name.as_str() {
                "instance_attributes" => (SetKind::Params, "instance_attributes"),
                "meta_attributes" => (SetKind::Meta, "meta_attributes"),
                "utilization" => (SetKind::Utilization, "utilization"),
                _ => continue,
            };
            let default_id = format!("{owner_id}-{element}");
            let alone = count(element) == 1 && child.get("score").is_none() && child.child("rule").is_none() && child.get("id-ref").is_none();
            let default_id = if alone { child.value("id").unwrap_or(&default_id).to_string() } else { default_id };
            let Some(set) = self.attr_set(child, kind, Some(&default_id)) else { continue };
            let plain = set.name.is_none() && set.reference.is_none() && set.props.is_empty() && set.when.is_empty();
            let bare_taken = body.sets.iter().any(|s| s.kind == kind && s.name.is_none()) || (bare == Some(kind) && !body.assigns.is_empty());
            if bare == Some(kind) && plain && !bare_taken {
                body.assigns = set.entries;
            } else {
                body.sets.push(set);
            }
        }
        body
    }

    // ------------------------------------------------------------ rules

    fn rule_expr(&mut self, rule: &XmlElement) -> Option<Expr> {
        if rule.get("id-ref").is_some() {
            self.not_imported(rule.span, "a rule that references another (id-ref) is not imported".to_string());
            return None;
        }
        let mut parts = Vec::new();
        for child in rule.elements() {
            let part = match child.name.as_str() {
                "rule" => self.rule_expr(child),
                "expression" => self.expression(child),
                "date_expression" => self.date_expression(child),
                "rsc_expression" => {
                    let agent = [child.value("class"), child.value("provider"), child.value("type")];
                    let text = match agent {
                        [Some(c), Some(p), Some(t)] => format!("{c}:{p}:{t}"),
                        [Some(c), None, Some(t)] => format!("{c}:{t}"),
                        [None, None, Some(t)] => t.to_string(),
                        [c, p, t] => format!("{}:{}:{}", c.unwrap_or("*"), p.unwrap_or("*"), t.unwrap_or("*")),
                    };
                    Some(Expr::Resource(spanned(&text, child.span), child.span))
                }
                "op_expression" => attr_spanned(child, "name").map(|name| Expr::Operation { name, interval: attr_value(child, "interval"), span: child.span }),
                other => {
                    self.not_imported(child.span, format!("<{other}> inside a rule is not imported"));
                    None
                }
            };
            parts.extend(part);
        }
        if parts.is_empty() {
            self.not_imported(rule.span, "a rule without conditions is not imported".to_string());
            return None;
        }
        if parts.len() == 1 {
            return parts.pop();
        }
        Some(if rule.value("boolean-op") == Some("or") { Expr::Or(parts, rule.span) } else { Expr::And(parts, rule.span) })
    }

    fn expression(&mut self, e: &XmlElement) -> Option<Expr> {
        let attribute = e.get("attribute")?;
        let operation = e.value("operation")?;
        let attr_text = match attribute.value.strip_prefix('#') {
            Some(builtin) => format!("${builtin}"),
            None => attribute.value.to_string(),
        };
        let attr = spanned(&attr_text, attribute.value_span);
        let op_span = e.get("operation").map_or(e.span, |a| a.value_span);
        match operation {
            "defined" | "not_defined" => return Some(Expr::Defined { attr, negated: operation == "not_defined", span: e.span }),
            _ => {}
        }
        let cmp = match operation {
            "eq" => "==",
            "ne" => "!=",
            "lt" => "<",
            "lte" => "<=",
            "gt" => ">",
            "gte" => ">=",
            other => {
                self.not_imported(op_span, format!("expression operation `{other}` is not imported"));
                return None;
            }
        };
        let v = e.get("value").map_or_else(|| value("", e.span), |a| value(&a.value, a.value_span));
        let ty = attr_spanned(e, "type");
        // fail-count-<primitive>#<op>_<ms>, compared as an integer: the language's fail-count().
        if let Some(fc) = self.fail_count(&attribute.value, attribute.value_span, cmp, op_span, &v, ty.as_ref(), e) {
            return Some(fc);
        }
        let compared = match e.value("value-source") {
            Some("param") => CompareValue::Param(spanned(&v.text, v.span)),
            Some("meta") => CompareValue::Meta(spanned(&v.text, v.span)),
            _ => CompareValue::Literal(v),
        };
        Some(Expr::Compare { attr, op: spanned(cmp, op_span), ty, value: compared, span: e.span })
    }

    #[allow(clippy::too_many_arguments, reason = "the pieces of one expression element")]
    fn fail_count(&mut self, attribute: &str, span: Span, cmp: &str, cmp_span: Span, v: &Value, ty: Option<&Spanned>, e: &XmlElement) -> Option<Expr> {
        let rest = attribute.strip_prefix("fail-count-")?;
        let (primitive, op_interval) = rest.split_once('#')?;
        let (op, ms) = op_interval.rsplit_once('_')?;
        let ms: u64 = ms.parse().ok()?;
        let numeric_by_default = matches!(cmp, "<" | "<=" | ">" | ">=") && !v.text.contains('.');
        let integer = ty.map_or(numeric_by_default, |t| t.text == "integer");
        if !integer || e.get("value-source").is_some() || values::parse_score(&v.text).is_err() || primitive.contains(':') {
            return None;
        }
        let interval = (ms != 0).then(|| value(&values::format_duration(ms), span));
        Some(Expr::FailCount {
            primitive: spanned(primitive, span),
            op: Some(spanned(op, span)),
            interval,
            cmp: spanned(cmp, cmp_span),
            value: v.clone(),
            span: e.span,
        })
    }

    fn date_expression(&mut self, e: &XmlElement) -> Option<Expr> {
        let operation = e.value("operation").unwrap_or("in_range");
        let date = match operation {
            "gt" => DateExpr::Gt(attr_value(e, "start")?),
            "lt" => DateExpr::Lt(attr_value(e, "end")?),
            "in_range" => {
                let duration = e.child("duration").map(|d| {
                    let mut iso = String::from("P");
                    for (key, unit) in [("years", 'Y'), ("months", 'M'), ("weeks", 'W'), ("days", 'D')] {
                        if let Some(v) = d.value(key) {
                            iso.push_str(v);
                            iso.push(unit);
                        }
                    }
                    let time: String =
                        [("hours", 'H'), ("minutes", 'M'), ("seconds", 'S')].iter().filter_map(|(k, u)| d.value(k).map(|v| format!("{v}{u}"))).collect();
                    if !time.is_empty() {
                        iso.push('T');
                        iso.push_str(&time);
                    }
                    value(&iso, d.span)
                });
                let Some(start) = attr_value(e, "start") else {
                    // `in_range` with only an end is the same as `lt`.
                    return attr_value(e, "end").map(|end| Expr::Date(DateExpr::Lt(end), e.span));
                };
                DateExpr::InRange { start, end: attr_value(e, "end"), duration }
            }
            "date_spec" => {
                let spec = e.child("date_spec")?;
                let fields = spec.attrs.iter().filter(|a| a.name != "id").map(|a| assign(&a.name, a.name_span, value(&a.value, a.value_span))).collect();
                return Some(Expr::DateSpec(fields, e.span));
            }
            other => {
                self.not_imported(e.span, format!("date expression operation `{other}` is not imported"));
                return None;
            }
        };
        Some(Expr::Date(date, e.span))
    }

    // ------------------------------------------------------------ resources

    fn ops(&mut self, rsc_id: &str, operations: &XmlElement) -> Vec<Op> {
        if operations.get("id-ref").is_some() {
            self.not_imported(operations.span, "operations that reference another set (id-ref) are not imported".to_string());
            return Vec::new();
        }
        let mut out = Vec::new();
        for op in operations.children_named("op") {
            let Some(name) = attr_spanned(op, "name") else { continue };
            let names: Vec<(&str, &str)> = std::iter::once("interval").chain(crate::cib::OP_ATTRIBUTES.iter().copied()).map(|k| (k, k)).collect();
            let mut props = props(op, &names);
            for p in props.iter_mut().filter(|p| p.key.text == "role") {
                p.value.text = role_name(&p.value.text).into();
            }
            self.unknown_attrs(
                op,
                &[
                    "id",
                    "name",
                    "interval",
                    "timeout",
                    "on-fail",
                    "enabled",
                    "record-pending",
                    "role",
                    "start-delay",
                    "interval-origin",
                    "description",
                    "requires",
                ],
            );
            if let Some(requires) = op.get("requires") {
                self.finding(
                    Diagnostic::new(
                        &findings::LEGACY,
                        requires.name_span,
                        "`requires` on an operation is obsolete (schema 3.0 rejects it); it is not imported".to_string(),
                    )
                    .with_help("set `requires` as a meta attribute of the resource"),
                );
            }
            // Keep the id only where the generator would not derive the same one.
            if let Some(id) = op.get("id") {
                let ms = op.value("interval").and_then(|i| values::parse_duration(i).ok()).map_or(0, |d| d.ms);
                let role = op.value("role").map(|r| format!("-{}", role_name(r).to_ascii_lowercase())).unwrap_or_default();
                let derived = format!("{rsc_id}-{}-{}{role}", name.text, values::duration_label(ms));
                if id.value != derived {
                    props.push(assign("id", id.name_span, value(&id.value, id.value_span)));
                }
            }
            let op_id = op.value("id").unwrap_or("");
            let body = self.body_sets(op, op_id, Some(SetKind::Params));
            out.push(Op { name, props, params: body.assigns, sets: body.sets, span: op.span });
        }
        out
    }

    fn primitive(&mut self, e: &XmlElement, template: bool) {
        let Some(id) = attr_spanned(e, "id") else { return };
        let mut body = self.body_sets(e, &id.text, Some(SetKind::Params));
        if let Some(ops) = e.child("operations") {
            body.ops = self.ops(&id.text, ops);
        }
        self.unknown_children(e, &["instance_attributes", "meta_attributes", "utilization", "operations"]);
        self.unknown_attrs(e, &["id", "class", "provider", "type", "template", "description"]);
        let props = props(e, &[("description", "description")]);
        let agent_span = e.get("type").map_or(e.span, |a| a.value_span);
        let agent_text = match (e.value("class"), e.value("provider"), e.value("type")) {
            (Some(c), Some(p), Some(t)) => Some(format!("{c}:{p}:{t}")),
            (Some(c), None, Some(t)) => Some(format!("{c}:{t}")),
            _ => None,
        };
        let kind = if template {
            let Some(agent) = agent_text else { return };
            ItemKind::Template { name: id, agent: spanned(&agent, agent_span), props, body }
        } else {
            let source = match (agent_text, attr_spanned(e, "template")) {
                (Some(agent), _) => PrimitiveSource::Agent(spanned(&agent, agent_span)),
                (None, Some(t)) => PrimitiveSource::Template(t),
                (None, None) => {
                    self.not_imported(e.span, format!("primitive `{}` has neither an agent nor a template", id.text));
                    return;
                }
            };
            ItemKind::Primitive { name: id, source, props, body }
        };
        self.add(Item { kind, span: e.span });
    }

    /// Imports a resource element and returns its id (children are imported first).
    fn resource(&mut self, e: &XmlElement) -> Option<Spanned> {
        match e.name.as_str() {
            "primitive" => {
                self.primitive(e, false);
                attr_spanned(e, "id")
            }
            "template" => {
                self.primitive(e, true);
                attr_spanned(e, "id")
            }
            "group" => {
                let id = attr_spanned(e, "id")?;
                let members: Vec<Spanned> = e.children_named("primitive").filter_map(|p| self.resource(p)).collect();
                let body = self.body_sets(e, &id.text, Some(SetKind::Meta));
                self.unknown_children(e, &["instance_attributes", "meta_attributes", "primitive"]);
                let props = props(e, &[("description", "description")]);
                self.add(Item { kind: ItemKind::Group { name: id.clone(), members, props, body }, span: e.span });
                Some(id)
            }
            "clone" | "master" => {
                let id = attr_spanned(e, "id")?;
                let child = e.elements().find(|c| c.name == "primitive" || c.name == "group").and_then(|c| self.resource(c));
                let Some(child) = child else {
                    self.not_imported(e.span, format!("clone `{}` has nothing to clone", id.text));
                    return Some(id);
                };
                let mut body = self.body_sets(e, &id.text, Some(SetKind::Meta));
                let mut kind = CloneKind::Clone;
                if e.name == "master" {
                    kind = CloneKind::Promotable;
                    self.finding(
                        Diagnostic::new(
                            &findings::LEGACY,
                            e.span,
                            "<master> is deprecated (Pacemaker 3 removes it); it is imported as a promotable clone".to_string(),
                        )
                        .with_help("build the policy to write it as a clone with promotable=true"),
                    );
                } else if let Some(pos) = body.assigns.iter().position(|a| a.key.text == "promotable" && values::parse_bool(&a.value.text).unwrap_or(false)) {
                    kind = CloneKind::Promotable;
                    body.assigns.remove(pos);
                }
                self.unknown_children(e, &["instance_attributes", "meta_attributes", "primitive", "group"]);
                let props = props(e, &[("description", "description")]);
                self.add(Item { kind: ItemKind::Clone { kind, name: id.clone(), child, props, body }, span: e.span });
                Some(id)
            }
            "bundle" => {
                let id = attr_spanned(e, "id")?;
                let mut parts = Vec::new();
                let mut child = None;
                for c in e.elements() {
                    match c.name.as_str() {
                        "docker" | "podman" | "rkt" => {
                            parts.push(BundlePart { keyword: spanned(&c.name, c.span), name: None, props: all_props(c, &[]), span: c.span })
                        }
                        "network" => {
                            parts.push(BundlePart { keyword: spanned("network", c.span), name: None, props: all_props(c, &[]), span: c.span });
                            for m in c.children_named("port-mapping") {
                                parts.push(BundlePart {
                                    keyword: spanned("port-mapping", m.span),
                                    name: attr_spanned(m, "id"),
                                    props: all_props(m, &["id"]),
                                    span: m.span,
                                });
                            }
                        }
                        "storage" => {
                            for m in c.children_named("storage-mapping") {
                                parts.push(BundlePart {
                                    keyword: spanned("storage-mapping", m.span),
                                    name: attr_spanned(m, "id"),
                                    props: all_props(m, &["id"]),
                                    span: m.span,
                                });
                            }
                        }
                        "primitive" => child = self.resource(c),
                        _ => {}
                    }
                }
                let body = self.body_sets(e, &id.text, Some(SetKind::Meta));
                self.unknown_children(e, &["instance_attributes", "meta_attributes", "primitive", "docker", "podman", "rkt", "network", "storage"]);
                let props = props(e, &[("description", "description")]);
                self.add(Item { kind: ItemKind::Bundle { name: id.clone(), child, props, parts, body }, span: e.span });
                Some(id)
            }
            other => {
                self.not_imported(e.span, format!("<{other}> in resources is not imported"));
                None
            }
        }
    }

    // ------------------------------------------------------------ constraints

    fn resource_sets(&mut self, e: &XmlElement) -> Vec<ResourceSet> {
        e.children_named("resource_set")
            .filter_map(|s| {
                if s.get("id-ref").is_some() {
                    self.not_imported(s.span, "a resource set that references another (id-ref) is not imported".to_string());
                    return None;
                }
                let mut set_props = props(
                    s,
                    &[
                        ("sequential", "sequential"),
                        ("require-all", "require-all"),
                        ("ordering", "ordering"),
                        ("action", "action"),
                        ("role", "role"),
                        ("score", "score"),
                        ("kind", "kind"),
                    ],
                );
                for p in set_props.iter_mut().filter(|p| p.key.text == "role") {
                    p.value.text = role_name(&p.value.text).into();
                }
                Some(ResourceSet {
                    name: attr_spanned(s, "id"),
                    members: s.children_named("resource_ref").filter_map(|r| attr_spanned(r, "id")).collect(),
                    props: set_props,
                    span: s.span,
                })
            })
            .collect()
    }

    fn lifetime(&mut self, e: &XmlElement) {
        if let Some(l) = e.child("lifetime") {
            self.finding(
                Diagnostic::new(&findings::LEGACY, l.span, "<lifetime> is deprecated (Pacemaker 3 removes it) and is not imported".to_string())
                    .with_help("express the time limit as a date rule"),
            );
        }
    }

    fn rsc_ref(e: &XmlElement, rsc: &str, qualifier: &str) -> Option<RscRef> {
        let name = attr_spanned(e, rsc)?;
        let qualifier = attr_spanned(e, qualifier).map(|q| Spanned { text: role_name(&q.text).into(), span: q.span });
        Some(RscRef { qualifier, name })
    }

    fn constraint(&mut self, e: &XmlElement) {
        let Some(name) = attr_spanned(e, "id") else { return };
        self.lifetime(e);
        let sets = self.resource_sets(e);
        let kind = match e.name.as_str() {
            "rsc_location" => {
                let target = attr_spanned(e, "rsc").map(LocationTarget::Resource).or_else(|| attr_value(e, "rsc-pattern").map(LocationTarget::Pattern));
                let rules_xml: Vec<&XmlElement> = e.children_named("rule").collect();
                let mut location_props = props(e, &[("role", "role"), ("resource-discovery", "resource-discovery")]);
                for p in location_props.iter_mut().filter(|p| p.key.text == "role") {
                    p.value.text = role_name(&p.value.text).into();
                }
                if !rules_xml.is_empty() {
                    if let Some(pos) = location_props.iter().position(|p| p.key.text == "role") {
                        let role = location_props.remove(pos);
                        self.finding(
                            Diagnostic::new(
                                &findings::IGNORED_ROLE,
                                role.value.span,
                                "Pacemaker ignores `role` on a location constraint that has rules; only each rule's role counts".to_string(),
                            )
                            .with_help("move the role onto the rules (the policy language does this for you)"),
                        );
                    }
                }
                let mut rules = Vec::new();
                for r in rules_xml {
                    let Some(expr) = self.rule_expr(r) else { continue };
                    let mut rule_props = Vec::new();
                    if let Some(a) = r.get("score-attribute") {
                        rule_props.push(assign("score-attribute", a.name_span, value(&a.value, a.value_span)));
                    }
                    if let Some(a) = r.get("role") {
                        rule_props.push(assign("role", a.name_span, value(role_name(&a.value), a.value_span)));
                    }
                    let score = attr_spanned(r, "score").map(|s| Spanned { text: import_score(&s.text).into(), span: s.span });
                    rules.push(LocationRule { props: rule_props, score, expr, span: r.span });
                }
                let mut preferences = Vec::new();
                if let Some(node) = attr_spanned(e, "node") {
                    let score_attr = e.get("score");
                    let raw = score_attr.map_or("0", |a| a.value.as_str());
                    let parsed = values::parse_score(raw).ok();
                    let avoids = parsed.is_some_and(|s| s < 0);
                    let magnitude = match parsed {
                        Some(s) if s.abs() >= values::INFINITY => None,
                        Some(s) => Some(s.abs().to_string()),
                        None => Some(raw.to_string()),
                    };
                    let score = magnitude.map(|m| spanned(&m, score_attr.map_or(e.span, |a| a.value_span)));
                    preferences.push(NodePreference { avoids, node, score, span: e.span });
                }
                ItemKind::Location { name, target, props: location_props, preferences, rules, sets }
            }
            "rsc_colocation" => {
                let pair = Self::rsc_ref(e, "rsc", "rsc-role").zip(Self::rsc_ref(e, "with-rsc", "with-rsc-role"));
                // A colocation without a score scores 0 in Pacemaker; the language defaults to inf.
                let score =
                    Some(attr_spanned(e, "score").map_or_else(|| spanned("0", e.span), |s| Spanned { text: import_score(&s.text).into(), span: s.span }));
                let props = props(e, &[("node-attribute", "node-attribute"), ("influence", "influence")]);
                ItemKind::Colocation { name, pair, score, props, sets }
            }
            "rsc_order" => {
                let pair = Self::rsc_ref(e, "first", "first-action").zip(Self::rsc_ref(e, "then", "then-action"));
                let props = props(e, &[("kind", "kind"), ("symmetrical", "symmetrical"), ("require-all", "require-all"), ("score", "score")]);
                ItemKind::Order { name, pair, props, sets }
            }
            "rsc_ticket" => {
                let rsc = Self::rsc_ref(e, "rsc", "rsc-role");
                let ticket = attr_spanned(e, "ticket").unwrap_or_else(|| spanned("", e.span));
                let props = props(e, &[("loss-policy", "loss-policy")]);
                ItemKind::Ticket { name, rsc, ticket, props, sets }
            }
            _ => return,
        };
        self.add(Item { kind, span: e.span });
    }

    /// Imports one top-level element with `import`; if any part of it cannot be expressed, the
    /// whole element is kept as raw XML instead, so nothing is lost.
    fn with_fallback(&mut self, e: &XmlElement, import: impl FnOnce(&mut Self)) {
        let (items, findings) = (self.items.len(), self.findings.len());
        import(self);
        let lost = self.findings.iter().skip(findings).any(|d| d.code.code == findings::NOT_IMPORTED.code);
        if !lost || crate::cib::raw_section(&e.name).is_none() {
            return;
        }
        let full = e.full_span();
        let Some(xml) = self.text.get(full.range()) else { return };
        if xml.contains(">>>") {
            return;
        }
        let mut reasons: Vec<String> = self.findings.drain(findings..).filter(|d| d.code.code == findings::NOT_IMPORTED.code).map(|d| d.message).collect();
        reasons.dedup();
        self.items.truncate(items);
        self.add(Item { kind: ItemKind::Xml { xml: spanned(xml, full) }, span: full });
        self.finding(
            Diagnostic::new(
                &findings::RAW_XML,
                e.span,
                format!("<{}> is kept as raw XML ({}); it is written back unchanged but not checked", e.name, reasons.join("; ")),
            )
            .with_help("the policy language cannot express all of it yet"),
        );
    }

    // ------------------------------------------------------------ the rest

    /// Imports the configuration, consuming it: each resource and constraint is freed once it
    /// is imported, so a large CIB's element tree and its imported items never coexist whole.
    fn configuration(&mut self, configuration: XmlElement) {
        self.legacy_roles.element(&configuration);
        for section in configuration.children {
            let mut section = match section {
                XmlNode::Element(section) => section,
                XmlNode::Comment { text, .. } => {
                    self.comments.push((self.items.len(), text));
                    continue;
                }
            };
            self.legacy_roles.element(&section);
            match section.name.as_str() {
                "crm_config" => {
                    for set in section.children_named("cluster_property_set") {
                        self.with_fallback(set, |me| {
                            if let Some(s) = me.attr_set(set, SetKind::Meta, Some("cib-bootstrap-options")) {
                                me.add(Item { kind: ItemKind::Cluster { name: s.name, props: s.props, when: s.when, entries: s.entries }, span: set.span });
                            }
                        });
                    }
                }
                "rsc_defaults" | "op_defaults" => {
                    let kind = if section.name == "rsc_defaults" { DefaultsKind::Rsc } else { DefaultsKind::Op };
                    let default_id = format!("{}-meta_attributes", section.name);
                    for set in section.children_named("meta_attributes") {
                        let Some(s) = self.attr_set(set, SetKind::Meta, Some(&default_id)) else { continue };
                        self.add(Item { kind: ItemKind::Defaults { kind, name: s.name, props: s.props, when: s.when, entries: s.entries }, span: set.span });
                    }
                    self.unknown_children(&section, &["meta_attributes"]);
                }
                "nodes" => {
                    for node in section.children_named("node") {
                        let Some(uname) = attr_spanned(node, "uname") else { continue };
                        let mut node_props = Vec::new();
                        if let Some(id) = node.get("id").filter(|id| id.value != uname.text) {
                            node_props.push(assign("id", id.name_span, value(&id.value, id.value_span)));
                        }
                        node_props.extend(props(node, &[("type", "type"), ("description", "description"), ("score", "score")]));
                        // `member` is the default type (`normal` is its pre-2.0 name).
                        node_props.retain(|p| !(p.key.text == "type" && (p.value.text == "member" || p.value.text == "normal")));
                        let body = self.body_sets(node, &uname.text, Some(SetKind::Params));
                        self.add(Item { kind: ItemKind::Node { name: uname, props: node_props, body }, span: node.span });
                    }
                }
                "resources" => {
                    for r in owned_elements(&mut section) {
                        self.with_fallback(&r, |me| {
                            me.resource(&r);
                        });
                        self.legacy_roles.walk(&r);
                    }
                }
                "constraints" => {
                    for c in owned_elements(&mut section) {
                        if matches!(c.name.as_str(), "rsc_location" | "rsc_colocation" | "rsc_order" | "rsc_ticket") {
                            self.with_fallback(&c, |me| me.constraint(&c));
                        } else {
                            self.not_imported(c.span, format!("<{}> in constraints is not imported", c.name));
                        }
                        self.legacy_roles.walk(&c);
                    }
                }
                "fencing-topology" => {
                    for level in section.children_named("fencing-level") {
                        let target = if let Some(t) = attr_spanned(level, "target") {
                            FencingTarget::Node(t)
                        } else if let Some(p) = attr_value(level, "target-pattern") {
                            FencingTarget::Pattern(p)
                        } else if let (Some(k), Some(v)) = (attr_spanned(level, "target-attribute"), attr_value(level, "target-value")) {
                            FencingTarget::Attribute(k, v)
                        } else {
                            self.not_imported(level.span, "a fencing level without a target is not imported".to_string());
                            continue;
                        };
                        let devices = level.get("devices").map(|d| d.value.split(',').map(|x| spanned(x.trim(), d.value_span)).collect()).unwrap_or_default();
                        let props = props(level, &[("index", "index")]);
                        self.add(Item { kind: ItemKind::FencingLevel { target, props, devices }, span: level.span });
                    }
                }
                "tags" => {
                    for tag in section.children_named("tag") {
                        let Some(name) = attr_spanned(tag, "id") else { continue };
                        let members = tag.children_named("obj_ref").filter_map(|r| attr_spanned(r, "id")).collect();
                        self.add(Item { kind: ItemKind::Tag { name, members }, span: tag.span });
                    }
                }
                "alerts" => {
                    for alert in section.children_named("alert") {
                        let Some(name) = attr_spanned(alert, "id") else { continue };
                        let props = props(alert, &[("path", "path"), ("description", "description")]);
                        let body = self.body_sets(alert, &name.text, Some(SetKind::Params));
                        let select = alert.child("select").map(|s| {
                            s.elements()
                                .map(|k| SelectKind {
                                    kind: spanned(k.name.trim_start_matches("select_"), k.span),
                                    attributes: k.children_named("attribute").filter_map(|a| attr_spanned(a, "name")).collect(),
                                })
                                .collect()
                        });
                        let recipients = alert
                            .children_named("recipient")
                            .filter_map(|r| {
                                let rname = attr_spanned(r, "id")?;
                                let body = self.body_sets(r, &rname.text, Some(SetKind::Params));
                                Some(Recipient { name: rname, props: props_of(r, &[("value", "value"), ("description", "description")]), body, span: r.span })
                            })
                            .collect();
                        self.add(Item { kind: ItemKind::Alert { name, props, body, select, recipients }, span: alert.span });
                    }
                }
                "acls" => {
                    for acl in section.elements() {
                        match acl.name.as_str() {
                            "acl_role" => {
                                let Some(name) = attr_spanned(acl, "id") else { continue };
                                let permissions = acl
                                    .children_named("acl_permission")
                                    .filter_map(|p| {
                                        let kind = attr_spanned(p, "kind")?;
                                        let mut pprops = props_of(
                                            p,
                                            &[
                                                ("xpath", "xpath"),
                                                ("reference", "reference"),
                                                ("object-type", "object-type"),
                                                ("attribute", "attribute"),
                                                ("description", "description"),
                                            ],
                                        );
                                        if let Some(id) = p.get("id") {
                                            pprops.push(assign("id", id.name_span, value(&id.value, id.value_span)));
                                        }
                                        Some((kind, pprops, p.span))
                                    })
                                    .collect();
                                let props = props(acl, &[("description", "description")]);
                                self.add(Item { kind: ItemKind::AclRole { name, props, permissions }, span: acl.span });
                            }
                            "acl_target" | "acl_group" => {
                                let Some(name) = attr_spanned(acl, "id") else { continue };
                                let roles = acl.children_named("role").filter_map(|r| attr_spanned(r, "id")).collect();
                                let props = props(acl, &[("name", "name")]);
                                self.add(Item { kind: ItemKind::AclTarget { group: acl.name == "acl_group", name, props, roles }, span: acl.span });
                            }
                            "acl_user" => self.with_fallback(acl, |me| me.not_imported(acl.span, "legacy ACL syntax".to_string())),
                            other => self.not_imported(acl.span, format!("<{other}> (legacy ACL syntax) is not imported")),
                        }
                    }
                }
                other => self.not_imported(section.span, format!("<{other}> in the configuration is not imported")),
            }
            // What was not consumed above is still in the section.
            for child in section.elements() {
                self.legacy_roles.walk(child);
            }
        }
    }
}

/// Takes the child elements out of `e`, in order (comments are dropped).
fn owned_elements(e: &mut XmlElement) -> impl Iterator<Item = XmlElement> {
    std::mem::take(&mut e.children).into_iter().filter_map(|c| match c {
        XmlNode::Element(e) => Some(e),
        XmlNode::Comment { .. } => None,
    })
}

fn props_of(e: &XmlElement, names: &[(&str, &str)]) -> Vec<Assign> {
    props(e, names)
}

/// Every attribute of an element as properties, except those listed.
fn all_props(e: &XmlElement, except: &[&str]) -> Vec<Assign> {
    e.attrs.iter().filter(|a| !except.contains(&a.name.as_str())).map(|a| assign(&a.name, a.name_span, value(&a.value, a.value_span))).collect()
}

/// Scores in the language's spelling: `inf`, `-inf`, or the number.
fn import_score(score: &str) -> String {
    match values::parse_score(score) {
        Ok(s) if s >= values::INFINITY => "inf".to_string(),
        Ok(s) if s <= -values::INFINITY => "-inf".to_string(),
        Ok(s) => s.to_string(),
        Err(_) => score.to_string(),
    }
}

/// Imports a CIB document (its configuration section); `text` is the XML it was read from. The
/// tree is consumed as it is imported.
pub fn import(mut root: XmlElement, text: &str) -> Imported {
    let legacy_roles = findings::LegacyRoles::new(&root);
    let mut importer = Importer { text, items: Vec::new(), findings: Vec::new(), comments: Vec::new(), legacy_roles };
    let configuration = root.children.iter().position(|c| matches!(c, XmlNode::Element(e) if e.name == "configuration"));
    if root.name != "cib" {
        importer.finding(
            Diagnostic::new(&findings::NOT_A_CIB, root.span, format!("the document's root is <{}>, not <cib>", root.name))
                .with_help("lint and import read whole CIB files, such as the output of `cibadmin --query`"),
        );
    } else if let Some(XmlNode::Element(configuration)) = configuration.map(|at| root.children.remove(at)) {
        importer.configuration(configuration);
        findings::schema_findings(&root, &mut importer.findings);
        importer.findings.append(&mut importer.legacy_roles.found);
        findings::status_findings(&root, &mut importer.findings);
    } else {
        importer.finding(Diagnostic::new(&findings::NOT_A_CIB, root.span, "the CIB has no <configuration>".to_string()));
    }
    Imported { items: importer.items, findings: importer.findings, comments: importer.comments }
}

/// The imported policy as text: the formatter's rendering, with the CIB's XML comments carried
/// over as `#` comments before the items they preceded.
pub fn render(imported: &Imported) -> String {
    let mut out = String::new();
    render_into(&mut out, imported);
    out
}

/// [`render`], appending to `out` (which ends with a blank line or is empty).
pub fn render_into(out: &mut String, imported: &Imported) {
    let mut start = 0;
    let mut comments = imported.comments.iter().peekable();
    while start <= imported.items.len() {
        let next = comments.peek().map_or(imported.items.len(), |(at, _)| (*at).min(imported.items.len()));
        if next > start {
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
            crate::format::format_items_into(out, imported.items.get(start..next).unwrap_or(&[]));
            start = next;
        }
        match comments.next() {
            Some((_, text)) => {
                if !out.is_empty() && !out.ends_with("\n\n") {
                    out.push('\n');
                }
                for line in text.trim().lines() {
                    out.push_str("# ");
                    out.push_str(line.trim());
                    out.push('\n');
                }
            }
            None => break,
        }
    }
}
