//! Property and value checking: which `key=value` properties each element takes, and whether
//! each value — property, meta attribute, cluster option — is of the type Pacemaker expects.
//! Also collects each primitive's typed operations and the cluster's fencing setting.

use hapolicy_stdlib::{self as stdlib, OptionSpec, Scope, ValueType};

use std::sync::Arc;

use super::{Agent, Model, OpInfo, PrimitiveInfo};
use crate::diagnostics::{codes, did_you_mean, Diagnostic, FileId};
use crate::fast_hash::FastMap;
use crate::span::Span;
use crate::syntax::ast::{Assign, AttrSet, Body, BundlePart, Expr, Item, ItemKind, PrimitiveSource, ResourceSet, SetKind};
use crate::values;

pub const ON_FAIL_VALUES: &[&str] = &["ignore", "block", "demote", "stop", "restart", "standby", "fence", "restart-container"];
pub const ROLE_VALUES: &[&str] = &["Stopped", "Started", "Unpromoted", "Promoted"];
const LEGACY_ROLES: &[&str] = &["Slave", "Master"];

/// The type of an element property.
#[derive(Debug, Clone, Copy)]
pub enum PropType {
    Interval,
    Timeout,
    Score,
    Bool,
    Integer,
    Date,
    Role,
    Text,
    OneOf(&'static [&'static str]),
}

pub struct OpProperty {
    pub name: &'static str,
    pub ty: PropType,
}

const OP_PROPS: &[OpProperty] = &[
    OpProperty { name: "interval", ty: PropType::Interval },
    OpProperty { name: "timeout", ty: PropType::Timeout },
    OpProperty { name: "on-fail", ty: PropType::OneOf(ON_FAIL_VALUES) },
    OpProperty { name: "enabled", ty: PropType::Bool },
    OpProperty { name: "record-pending", ty: PropType::Bool },
    OpProperty { name: "role", ty: PropType::Role },
    OpProperty { name: "start-delay", ty: PropType::Timeout },
    OpProperty { name: "interval-origin", ty: PropType::Date },
    OpProperty { name: "check-level", ty: PropType::Integer },
    OpProperty { name: "id", ty: PropType::Text },
    OpProperty { name: "description", ty: PropType::Text },
];

/// The definition of an op property, by name.
pub fn op_property(name: &str) -> Option<&'static OpProperty> {
    OP_PROPS.iter().find(|p| p.name == name)
}

type Props = &'static [(&'static str, PropType)];

const SET_PROPS: Props = &[("score", PropType::Score)];
const NODE_PROPS: Props =
    &[("id", PropType::Text), ("type", PropType::OneOf(&["member", "remote", "ping"])), ("description", PropType::Text), ("score", PropType::Score)];
const RESOURCE_PROPS: Props = &[("description", PropType::Text)];
const LOCATION_PROPS: Props = &[("role", PropType::Role), ("resource-discovery", PropType::OneOf(&["always", "never", "exclusive"]))];
const RULE_PROPS: Props = &[("role", PropType::Role), ("score-attribute", PropType::Text), ("id", PropType::Text)];
const COLOCATION_PROPS: Props = &[("node-attribute", PropType::Text), ("influence", PropType::Bool)];
const ORDER_PROPS: Props = &[
    ("kind", PropType::OneOf(&["Mandatory", "Optional", "Serialize"])),
    ("symmetrical", PropType::Bool),
    ("require-all", PropType::Bool),
    ("score", PropType::Score),
];
const TICKET_PROPS: Props = &[("loss-policy", PropType::OneOf(&["stop", "demote", "fence", "freeze"]))];
const RSC_SET_PROPS: Props = &[
    ("sequential", PropType::Bool),
    ("require-all", PropType::Bool),
    ("ordering", PropType::OneOf(&["group", "listed"])),
    ("action", PropType::OneOf(&["start", "stop", "promote", "demote"])),
    ("role", PropType::Role),
    ("score", PropType::Score),
    ("kind", PropType::OneOf(&["Mandatory", "Optional", "Serialize"])),
];
const FENCING_PROPS: Props = &[("index", PropType::Integer)];
const ALERT_PROPS: Props = &[("path", PropType::Text), ("description", PropType::Text)];
const RECIPIENT_PROPS: Props = &[("value", PropType::Text), ("description", PropType::Text)];
const ACL_ROLE_PROPS: Props = &[("description", PropType::Text)];
const ACL_TARGET_PROPS: Props = &[("name", PropType::Text)];
const PERMISSION_PROPS: Props = &[
    ("xpath", PropType::Text),
    ("reference", PropType::Text),
    ("object-type", PropType::Text),
    ("attribute", PropType::Text),
    ("description", PropType::Text),
    ("id", PropType::Text),
];
const CONTAINER_PROPS: Props = &[
    ("image", PropType::Text),
    ("replicas", PropType::Integer),
    ("replicas-per-host", PropType::Integer),
    ("promoted-max", PropType::Integer),
    ("masters", PropType::Integer),
    ("run-command", PropType::Text),
    ("network", PropType::Text),
    ("options", PropType::Text),
];
const NETWORK_PROPS: Props = &[
    ("ip-range-start", PropType::Text),
    ("control-port", PropType::Integer),
    ("host-interface", PropType::Text),
    ("host-netmask", PropType::Integer),
    ("add-host", PropType::Bool),
];
const PORT_PROPS: Props = &[("port", PropType::Integer), ("internal-port", PropType::Integer), ("range", PropType::Text)];
const STORAGE_PROPS: Props =
    &[("source-dir", PropType::Text), ("source-dir-root", PropType::Text), ("target-dir", PropType::Text), ("options", PropType::Text)];
const AGENT_PROPS: Props = &[("ocf-version", PropType::Text), ("version", PropType::Text), ("description", PropType::Text)];
const PARAM_PROPS: Props = &[("default", PropType::Text), ("unique-group", PropType::Text), ("replaced-with", PropType::Text), ("description", PropType::Text)];
const ACTION_PROPS: Props = &[
    ("timeout", PropType::Timeout),
    ("interval", PropType::Interval),
    ("depth", PropType::Integer),
    ("role", PropType::Role),
    ("start-delay", PropType::Timeout),
];
const PARAM_TYPES: &[&str] = &["string", "integer", "boolean", "time", "select"];
const DATE_SPEC_FIELDS: &[&str] = &["years", "months", "monthdays", "hours", "minutes", "seconds", "yeardays", "weekyears", "weeks", "weekdays", "moon"];

struct Checker<'a> {
    file: FileId,
    out: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, code: &'static crate::diagnostics::Code, span: Span, message: String, help: Option<String>) {
        let mut d = Diagnostic::new(code, span, message).in_file(self.file);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.out.push(d);
    }

    /// A property repeated in one list. When both say the same, dropping the repetition changes
    /// nothing (a safe fix); when they differ, which one was meant is for the author to say.
    fn given_twice(&mut self, element: &str, props: &[Assign], repeated: &Assign) {
        let key = repeated.key.text.as_str();
        let mut d = Diagnostic::new(&codes::UNKNOWN_PROPERTY, repeated.key.span, format!("`{key}` is given twice on this {element}")).in_file(self.file);
        let first = props.iter().find(|p| p.key.text == key);
        if first.is_some_and(|f| f.value.text == repeated.value.text) {
            let span = Span { start: repeated.key.span.start, end: repeated.value.span.end.max(repeated.key.span.end) };
            d = d.with_help("both say the same: remove this one").with_fix(format!("remove the repeated `{key}`"), crate::diagnostics::Safety::Safe, span, "");
        } else {
            d = d.with_help("keep one");
        }
        self.out.push(d);
    }

    /// Checks one value against a type; returns whether it is valid.
    fn value(&mut self, what: std::fmt::Arguments<'_>, value: &crate::syntax::ast::Value, ty: PropType) -> bool {
        let text = value.text.as_str();
        let result: Result<(), (&'static crate::diagnostics::Code, String, Option<String>)> = match ty {
            PropType::Interval => values::parse_duration(text).map(|_| ()).map_err(|e| (&codes::INVALID_DURATION, format!("{what}: {e}"), None)),
            PropType::Timeout => match values::parse_duration(text) {
                Ok(_) => Ok(()),
                Err(e) => Err((&codes::INVALID_DURATION, format!("{what}: {e}"), None)),
            },
            PropType::Score => values::parse_score(text).map(|_| ()).map_err(|e| (&codes::INVALID_SCORE, format!("{what}: {e}"), None)),
            PropType::Bool => values::parse_bool(text).map(|_| ()).map_err(|e| (&codes::INVALID_VALUE, format!("{what}: {e}"), None)),
            PropType::Integer => {
                if text.parse::<i64>().is_ok() {
                    Ok(())
                } else {
                    Err((&codes::INVALID_VALUE, format!("{what}: `{text}` is not a whole number"), None))
                }
            }
            PropType::Date => values::check_date(text).map_err(|e| (&codes::INVALID_DATE, format!("{what}: {e}"), None)),
            PropType::Role => {
                if ROLE_VALUES.contains(&text) {
                    Ok(())
                } else if let Some(pos) = LEGACY_ROLES.iter().position(|r| *r == text) {
                    let new = if pos == 0 { "Unpromoted" } else { "Promoted" };
                    self.out.push(
                        Diagnostic::new(&codes::DEPRECATED, value.span, format!("{what}: `{text}` is the legacy name of `{new}`; hapolicy writes `{new}`"))
                            .in_file(self.file)
                            .with_help(format!("write `{new}`; Pacemaker 3 warns about the old role names"))
                            // The compiled CIB is the same either way: hapolicy writes the new name.
                            .with_fix(format!("write `{new}`"), crate::diagnostics::Safety::Safe, value.span, new),
                    );
                    Ok(())
                } else {
                    let help = did_you_mean(text, ROLE_VALUES.iter().copied()).map(|s| format!("did you mean `{s}`?"));
                    Err((&codes::INVALID_VALUE, format!("{what}: `{text}` is not a role; roles are {}", ROLE_VALUES.join(", ")), help))
                }
            }
            PropType::OneOf(options) => {
                if options.contains(&text) {
                    Ok(())
                } else {
                    let help = did_you_mean(text, options.iter().copied()).map(|s| format!("did you mean `{s}`?"));
                    Err((&codes::INVALID_VALUE, format!("{what}: `{text}` is not one of {}", options.join(", ")), help))
                }
            }
            PropType::Text => Ok(()),
        };
        match result {
            Ok(()) => true,
            Err((code, message, help)) => {
                self.error(code, value.span, message, help);
                false
            }
        }
    }

    fn props(&mut self, element: &str, props: &[Assign], allowed: Props) {
        let mut seen: Vec<&str> = Vec::new();
        for p in props {
            let key = p.key.text.as_str();
            if seen.contains(&key) {
                self.given_twice(element, props, p);
                continue;
            }
            seen.push(key);
            match allowed.iter().find(|(n, _)| *n == key) {
                Some((_, ty)) => {
                    self.value(format_args!("`{key}`"), &p.value, *ty);
                }
                None => {
                    let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
                    let help = match did_you_mean(key, names.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None if names.is_empty() => format!("a {element} takes no properties here; put settings in its body"),
                        None => format!("a {element} takes: {}", names.join(", ")),
                    };
                    self.error(&codes::UNKNOWN_PROPERTY, p.key.span, format!("`{key}` is not a property of a {element}"), Some(help));
                }
            }
        }
    }

    fn required(&mut self, element: &str, props: &[Assign], name: &str, span: Span) {
        if !props.iter().any(|p| p.key.text == name) {
            self.error(&codes::UNKNOWN_PROPERTY, span, format!("this {element} needs `{name}=...`"), Some(format!("add `{name}=` with a value")));
        }
    }

    /// Checks entries against a table of known options (meta attributes, cluster options).
    fn options(&mut self, entries: &[Assign], table: &'static [OptionSpec], scopes: &[Scope], context: &str) {
        for entry in entries {
            let key = entry.key.text.as_str();
            match stdlib::find_in(table, key, scopes) {
                Some(spec) => {
                    self.option_value(spec, entry);
                    if let Some(instead) = spec.deprecated {
                        let mut d = Diagnostic::new(&codes::DEPRECATED, entry.key.span, format!("`{key}` is deprecated in Pacemaker"))
                            .in_file(self.file)
                            .with_help(instead.to_string());
                        // A plain rename (`use promoted-max`) means the same to every Pacemaker
                        // hapolicy targets; it is offered only when the new name is not set too.
                        let renamed = instead.strip_prefix("use ").filter(|new| !new.contains(' ') && stdlib::find_in(table, new, scopes).is_some());
                        if let Some(new) = renamed.filter(|new| !entries.iter().any(|e| e.key.text == *new)) {
                            d = d.with_fix(format!("rename to `{new}`"), crate::diagnostics::Safety::Safe, entry.key.span, new);
                        }
                        self.out.push(d);
                    }
                }
                None => {
                    let elsewhere = table.iter().find(|s| s.name == key);
                    let op_property = context == "resource meta attribute" && stdlib::find(stdlib::OP_PROPERTIES, key).is_some();
                    let mut d = Diagnostic::new(
                        &codes::UNKNOWN_OPTION,
                        entry.key.span,
                        match elsewhere {
                            Some(spec) => format!("`{key}` has no effect here: it is a meta attribute of {}", scope_name(spec.scope)),
                            None if op_property => format!("`{key}` is an operation property, not a resource meta attribute; it has no effect here"),
                            None => format!("`{key}` is not a {context} Pacemaker knows; it will be stored but has no effect"),
                        },
                    )
                    .in_file(self.file);
                    if op_property {
                        d = d.with_help(format!("set it for every operation in `op-defaults {{ {key} = ... }}`, or on the `op` lines"));
                    }
                    if elsewhere.is_none() {
                        if let Some(s) = did_you_mean(key, table.iter().filter(|s| scopes.contains(&s.scope)).map(|s| s.name)) {
                            d = d.with_suggestion(s);
                        }
                    }
                    self.out.push(d);
                }
            }
        }
    }

    fn option_value(&mut self, spec: &OptionSpec, entry: &Assign) {
        let ty = match spec.ty {
            ValueType::Boolean => PropType::Bool,
            ValueType::Integer | ValueType::Port => PropType::Integer,
            ValueType::Score => PropType::Score,
            ValueType::Interval => PropType::Interval,
            ValueType::Timeout => PropType::Timeout,
            ValueType::Select(options) => PropType::OneOf(options),
            ValueType::Role => PropType::Role,
            ValueType::Text => PropType::Text,
        };
        // Scores in meta attributes also accept the health words.
        if matches!(ty, PropType::Score) && ["red", "yellow", "green"].contains(&entry.value.text.to_ascii_lowercase().as_str()) {
            return;
        }
        self.value(format_args!("`{}`", spec.name), &entry.value, ty);
    }

    fn attr_set(&mut self, set: &AttrSet) {
        self.props("attribute set", &set.props, SET_PROPS);
        for expr in &set.when {
            self.expr(expr);
        }
    }

    fn sets(&mut self, sets: &[ResourceSet]) {
        for set in sets {
            self.props("resource set", &set.props, RSC_SET_PROPS);
            if set.members.is_empty() {
                self.error(&codes::UNKNOWN_PROPERTY, set.span, "a resource set needs at least one resource".to_string(), None);
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match expr {
            Expr::And(parts, _) | Expr::Or(parts, _) => parts.iter().for_each(|p| self.expr(p)),
            Expr::Compare { ty, value, .. } => {
                if let (Some(t), crate::syntax::ast::CompareValue::Literal(v)) = (ty, value) {
                    if t.text == "integer" && v.text.parse::<i64>().is_err() {
                        self.error(&codes::INVALID_VALUE, v.span, format!("`{}` is not an integer", v.text), None);
                    }
                    if t.text == "number" && v.text.parse::<f64>().is_err() {
                        self.error(&codes::INVALID_VALUE, v.span, format!("`{}` is not a number", v.text), None);
                    }
                }
            }
            Expr::FailCount { value, interval, .. } => {
                if values::parse_score(&value.text).is_err() {
                    self.error(&codes::INVALID_VALUE, value.span, format!("`{}` is not a fail count; write a whole number or `inf`", value.text), None);
                }
                if let Some(i) = interval {
                    self.value(format_args!("the fail-count interval"), i, PropType::Interval);
                }
            }
            Expr::Date(date, _) => match date {
                crate::syntax::ast::DateExpr::Gt(v) | crate::syntax::ast::DateExpr::Lt(v) => {
                    self.value(format_args!("the date"), v, PropType::Date);
                }
                crate::syntax::ast::DateExpr::InRange { start, end, duration } => {
                    self.value(format_args!("the start date"), start, PropType::Date);
                    if let Some(e) = end {
                        self.value(format_args!("the end date"), e, PropType::Date);
                    }
                    if let Some(d) = duration {
                        if !d.text.starts_with('P') || values::parse_duration(&d.text).is_err() {
                            self.error(&codes::INVALID_DURATION, d.span, format!("`{}` is not an ISO 8601 duration such as `P1M` or `PT12H`", d.text), None);
                        }
                    }
                }
            },
            Expr::DateSpec(fields, span) => {
                if fields.is_empty() {
                    self.error(&codes::INVALID_VALUE, *span, "date-spec needs at least one field, such as `hours=9-17`".to_string(), None);
                }
                for f in fields {
                    if !DATE_SPEC_FIELDS.contains(&f.key.text.as_str()) {
                        let help = did_you_mean(&f.key.text, DATE_SPEC_FIELDS.iter().copied()).map(|s| format!("did you mean `{s}`?"));
                        self.error(
                            &codes::UNKNOWN_PROPERTY,
                            f.key.span,
                            format!("`{}` is not a date-spec field; fields are {}", f.key.text, DATE_SPEC_FIELDS.join(", ")),
                            help,
                        );
                    } else if !is_range(&f.value.text) {
                        self.error(&codes::INVALID_VALUE, f.value.span, format!("`{}` is not a range; write `N`, `N-M`, `N-` or `-M`", f.value.text), None);
                    }
                }
            }
            Expr::Resource(agent, _) => {
                let parts: Vec<&str> = agent.text.split(':').collect();
                if parts.len() > 3 || parts.is_empty() {
                    self.error(&codes::INVALID_AGENT, agent.span, format!("`{}` is not `class[:provider]:type`", agent.text), None);
                }
            }
            Expr::Operation { interval: Some(i), .. } => {
                self.value(format_args!("the operation interval"), i, PropType::Interval);
            }
            Expr::Operation { .. } | Expr::Defined { .. } => {}
        }
    }

    fn op(&mut self, op: &crate::syntax::ast::Op) -> OpInfo {
        let mut info = OpInfo {
            name: op.name.clone(),
            interval_ms: Some(0),
            interval_span: None,
            role: None,
            on_fail: None,
            enabled: true,
            start_delay: None,
            interval_origin: None,
            span: op.span,
        };
        let mut seen: Vec<&str> = Vec::new();
        for p in &op.props {
            let key = p.key.text.as_str();
            if seen.contains(&key) {
                self.given_twice("operation", &op.props, p);
                continue;
            }
            seen.push(key);
            let Some(prop) = op_property(key) else {
                let help = match did_you_mean(key, OP_PROPS.iter().map(|p| p.name)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("operation properties are {}; agent parameters such as OCF_CHECK_LEVEL go in the op's body: `op monitor interval=10s {{ {key} = ... }}`", OP_PROPS.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")),
                };
                self.error(&codes::UNKNOWN_PROPERTY, p.key.span, format!("`{key}` is not an operation property"), Some(help));
                continue;
            };
            let ok = self.value(format_args!("`{key}`"), &p.value, prop.ty);
            match key {
                "interval" => {
                    info.interval_span = Some(p.value.span);
                    info.interval_ms = if ok { values::parse_duration(&p.value.text).ok().map(|d| d.ms) } else { None };
                }
                "role" if ok => info.role = Some(p.value.text.clone()),
                "on-fail" if ok => info.on_fail = Some((p.value.text.clone(), p.value.span)),
                "enabled" if ok => info.enabled = values::parse_bool(&p.value.text).unwrap_or(true),
                "start-delay" => info.start_delay = Some(p.key.span.cover(p.value.span)),
                "interval-origin" => info.interval_origin = Some(p.key.span.cover(p.value.span)),
                _ => {}
            }
        }
        for set in &op.sets {
            self.attr_set(set);
            if set.kind == SetKind::Meta {
                for e in &set.entries {
                    if e.key.text == "requires" {
                        self.error(
                            &codes::UNKNOWN_PROPERTY,
                            e.key.span,
                            "`requires` cannot be set on an operation since Pacemaker 2.0".to_string(),
                            Some("set `requires` as a meta attribute of the resource".to_string()),
                        );
                    }
                }
            }
        }
        info
    }

    fn body(&mut self, body: &Body, meta_scopes: &[Scope], bare_is_meta: bool) {
        for set in &body.sets {
            self.attr_set(set);
            if set.kind == SetKind::Meta && set.reference.is_none() {
                self.options(&set.entries, stdlib::RESOURCE_META, meta_scopes, "resource meta attribute");
            }
        }
        if bare_is_meta {
            self.options(&body.assigns, stdlib::RESOURCE_META, meta_scopes, "resource meta attribute");
        }
    }

    fn bundle_part(&mut self, part: &BundlePart) {
        let (element, props): (&str, Props) = match part.keyword.text.as_str() {
            "docker" | "podman" | "rkt" => ("container", CONTAINER_PROPS),
            "network" => ("bundle network", NETWORK_PROPS),
            "port-mapping" => ("port mapping", PORT_PROPS),
            _ => ("storage mapping", STORAGE_PROPS),
        };
        self.props(element, &part.props, props);
        match element {
            "container" => self.required(element, &part.props, "image", part.span),
            "port mapping" if !part.props.iter().any(|p| p.key.text == "port" || p.key.text == "range") => {
                self.error(&codes::UNKNOWN_PROPERTY, part.span, "a port mapping needs `port=N` or `range=\"N-M\"`".to_string(), None)
            }
            "storage mapping" => {
                self.required(element, &part.props, "target-dir", part.span);
                if !part.props.iter().any(|p| p.key.text == "source-dir" || p.key.text == "source-dir-root") {
                    self.error(&codes::UNKNOWN_PROPERTY, part.span, "a storage mapping needs `source-dir=` or `source-dir-root=`".to_string(), None);
                }
            }
            _ => {}
        }
    }
}

fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Resource => "resources",
        Scope::Clone => "clones",
        Scope::Group => "groups",
        Scope::Primitive => "primitives",
        Scope::Cluster => "the cluster (`cluster { }`)",
        Scope::Operation => "operations (`op-defaults` or an op's meta)",
    }
}

fn is_range(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    match text.split_once('-') {
        None => digits(text),
        Some((a, b)) => (a.is_empty() || digits(a)) && (b.is_empty() || digits(b)) && !(a.is_empty() && b.is_empty()),
    }
}

/// Checks every item's properties and values, and fills in primitives and cluster settings.
pub(super) fn check_items(model: &mut Model, facts_of: &mut dyn FnMut(FileId, &Arc<Item>) -> Arc<ItemFacts>) {
    let mut out = Vec::new();
    // Fencing settings first: other checks depend on them.
    for (file, item) in model.items.iter() {
        if let ItemKind::Cluster { entries, .. } = &item.kind {
            for e in entries {
                if e.key.text == "stonith-enabled" {
                    if let Ok(b) = values::parse_bool(&e.value.text) {
                        model.stonith_enabled = b;
                        model.stonith_enabled_at = Some((*file, e.value.span));
                    }
                }
            }
        }
        if let ItemKind::Primitive { source: PrimitiveSource::Agent(agent), .. } = &item.kind {
            if agent.text.starts_with("stonith:") {
                model.has_fencing_device = true;
            }
        }
    }
    let primitives = collect_facts(model, facts_of, &mut out);
    fill_primitives(model, primitives);
    model.diagnostics.extend(out);
}

/// Fills `model.primitives` from every item's primitive or template (with its item's index):
/// primitives derived from a template inherit its agent and operations.
fn fill_primitives(model: &mut Model, primitives: Vec<(usize, Arc<PrimitiveInfo>)>) {
    // Without templates, no primitive's name is looked up (a hash lookup per primitive).
    let templates: std::collections::HashMap<compact_str::CompactString, Arc<PrimitiveInfo>> = if model.has_templates {
        primitives.iter().filter(|(_, p)| model.kind_of(&p.name) == Some(super::SymbolKind::Template)).map(|(_, p)| (p.name.clone(), Arc::clone(p))).collect()
    } else {
        std::collections::HashMap::new()
    };
    let map = Arc::make_mut(&mut model.primitives);
    for (_, p) in primitives {
        let p = inherit(p, |t| templates.get(t));
        map.entry(p.name.clone()).or_insert(p);
    }
}

/// The same for a model patched after an edit (`model::patch`): every item's facts again (from
/// the memo, but for `changed`), and the primitives of the changed items replaced; all of them
/// when items `moved` (a moved primitive's spans moved, and so did a template's inherited ops).
pub(super) fn patch_items(model: &mut Model, changed: &[usize], moved: bool, facts_of: &mut dyn FnMut(FileId, &Arc<Item>) -> Arc<ItemFacts>) {
    let mut out = Vec::new();
    let primitives = collect_facts(model, facts_of, &mut out);
    if moved {
        let mut map = FastMap::default();
        map.reserve(primitives.len());
        model.primitives = Arc::new(map);
        fill_primitives(model, primitives);
    } else {
        for (index, p) in primitives.iter().filter(|(index, _)| changed.binary_search(index).is_ok()) {
            // As `check_items` has it: of primitives and templates sharing a name, the first counts.
            if primitives.iter().find(|(_, q)| q.name == p.name).is_some_and(|(first, _)| first == index) {
                // (`patch` leaves primitives derived from a template to a full build.)
                Arc::make_mut(&mut model.primitives).insert(p.name.clone(), Arc::clone(p));
            }
        }
    }
    model.diagnostics.extend(out);
}

/// Every item's facts, in order: their findings into `out`, and each primitive or template
/// with the index of its item.
fn collect_facts(model: &Model, facts_of: &mut dyn FnMut(FileId, &Arc<Item>) -> Arc<ItemFacts>, out: &mut Vec<Diagnostic>) -> Vec<(usize, Arc<PrimitiveInfo>)> {
    let mut primitives = Vec::new();
    // Only the fencing levels are looked into here: reading every item would cost an editor's
    // session a cache miss per item and edit.
    let mut fencing_levels = model.fencing_levels.iter().copied().peekable();
    for (index, (file, item)) in model.items.iter().enumerate() {
        let facts = facts_of(*file, item);
        out.extend(facts.diagnostics.iter().cloned());
        primitives.extend(facts.primitive.iter().map(|p| (index, Arc::clone(p))));
        if fencing_levels.next_if_eq(&index).is_some() {
            check_fencing_devices(model, *file, item, out);
        }
    }
    primitives
}

/// The one finding that reads another item: whether a fencing level's devices fence.
fn check_fencing_devices(model: &Model, file: FileId, item: &Item, out: &mut Vec<Diagnostic>) {
    let ItemKind::FencingLevel { devices, .. } = &item.kind else { return };
    let mut c = Checker { file, out };
    for device in devices {
        let agent = model.item_of(&device.text).and_then(|(_, i)| match &i.kind {
            ItemKind::Primitive { source: PrimitiveSource::Agent(a), .. } => Some(a.text.as_str()),
            _ => None,
        });
        if let Some(agent) = agent.filter(|a| !a.starts_with("stonith:")) {
            c.error(
                &codes::WRONG_KIND,
                device.span,
                format!("`{}` ({agent}) is not a fencing device", device.text),
                Some("fencing levels list stonith primitives, such as `primitive ipmi-n1: stonith:fence_ipmilan`".to_string()),
            );
        }
    }
}

/// A primitive derived from a template, with the template's agent and the template's operations
/// it does not replace (by name and role class); any other primitive as it is.
fn inherit<'t>(p: Arc<PrimitiveInfo>, template: impl Fn(&str) -> Option<&'t Arc<PrimitiveInfo>>) -> Arc<PrimitiveInfo> {
    let Some(t) = p.template.as_deref().and_then(template) else { return p };
    let mut p = p.as_ref().clone();
    p.agent = t.agent.clone();
    let own: Vec<(String, bool)> = p.ops.iter().map(|o| (o.name.text.to_string(), o.role.as_deref() == Some("Promoted"))).collect();
    let inherited: Vec<OpInfo> = t.ops.iter().filter(|o| !own.contains(&(o.name.text.to_string(), o.role.as_deref() == Some("Promoted")))).cloned().collect();
    p.ops.extend(inherited);
    Arc::new(p)
}

/// What checking one item's properties and values finds, and the item's typed primitive or
/// template: a function of the item alone, so the language server's database keeps it per item.
pub struct ItemFacts {
    pub diagnostics: Vec<Diagnostic>,
    pub primitive: Option<Arc<PrimitiveInfo>>,
}

impl ItemFacts {
    /// The facts, shared: the facts of an item that finds nothing and is no primitive (most
    /// constraints) are one value for all of them, so a model's items do not each hold their own.
    pub fn shared(self) -> Arc<ItemFacts> {
        static NOTHING: std::sync::LazyLock<Arc<ItemFacts>> = std::sync::LazyLock::new(|| Arc::new(ItemFacts { diagnostics: Vec::new(), primitive: None }));
        if self.diagnostics.is_empty() && self.primitive.is_none() {
            Arc::clone(&NOTHING)
        } else {
            Arc::new(self)
        }
    }

    /// The facts of the same item moved `by` bytes (an edit before it changed the text's length):
    /// the same facts when they hold no place.
    pub fn moved(facts: &Arc<ItemFacts>, by: i64) -> Arc<ItemFacts> {
        if facts.diagnostics.is_empty() && facts.primitive.is_none() {
            return Arc::clone(facts);
        }
        let diagnostics = facts
            .diagnostics
            .iter()
            .map(|d| {
                let mut d = d.clone();
                crate::syntax::Shift::shift(&mut d, by);
                d
            })
            .collect();
        let primitive = facts.primitive.as_ref().map(|p| {
            let mut p = p.as_ref().clone();
            p.span = p.span.moved(by);
            for op in &mut p.ops {
                op.name.span = op.name.span.moved(by);
                op.span = op.span.moved(by);
                op.interval_span = op.interval_span.map(|s| s.moved(by));
                op.on_fail = op.on_fail.take().map(|(v, s)| (v, s.moved(by)));
                op.start_delay = op.start_delay.map(|s| s.moved(by));
                op.interval_origin = op.interval_origin.map(|s| s.moved(by));
            }
            Arc::new(p)
        });
        Arc::new(ItemFacts { diagnostics, primitive })
    }
}

/// Checks one item's properties and values.
pub fn item_facts(file: FileId, item: &Item) -> ItemFacts {
    let mut out = Vec::new();
    let mut primitive = None;
    {
        let mut c = Checker { file, out: &mut out };
        match &item.kind {
            ItemKind::Cluster { props, when, entries, .. } => {
                c.props("cluster property set", props, SET_PROPS);
                when.iter().for_each(|e| c.expr(e));
                c.options(entries, stdlib::CLUSTER_OPTIONS, &[Scope::Cluster], "cluster option");
            }
            ItemKind::Defaults { kind, props, when, entries, .. } => {
                c.props("defaults set", props, SET_PROPS);
                when.iter().for_each(|e| c.expr(e));
                match kind {
                    crate::syntax::ast::DefaultsKind::Rsc => {
                        c.options(entries, stdlib::RESOURCE_META, &[Scope::Resource, Scope::Clone, Scope::Group, Scope::Primitive], "resource meta attribute")
                    }
                    crate::syntax::ast::DefaultsKind::Op => c.options(entries, stdlib::OP_PROPERTIES, &[Scope::Operation], "operation property"),
                }
            }
            ItemKind::Node { props, body, .. } => {
                c.props("node", props, NODE_PROPS);
                body.sets.iter().for_each(|s| c.attr_set(s));
            }
            ItemKind::Primitive { name, props, body, .. } | ItemKind::Template { name, props, body, .. } => {
                c.props("primitive", props, RESOURCE_PROPS);
                c.body(body, &[Scope::Resource, Scope::Primitive], false);
                let agent_text = match &item.kind {
                    ItemKind::Template { agent, .. } => Some(agent),
                    ItemKind::Primitive { source: PrimitiveSource::Agent(a), .. } => Some(a),
                    _ => None,
                };
                let agent = agent_text.and_then(|a| match Agent::parse(&a.text) {
                    Ok(agent) => Some(agent),
                    Err(e) => {
                        c.error(&codes::INVALID_AGENT, a.span, e, None);
                        None
                    }
                });
                if let Some(a) = &agent {
                    if !a.is_ocf() && !a.is_stonith() && a.class != "nagios" && !body.assigns.is_empty() {
                        if let Some(first) = body.assigns.first() {
                            c.error(
                                &codes::UNKNOWN_PROPERTY,
                                first.key.span,
                                format!("{} agents take no parameters; Pacemaker ignores them", a.class),
                                Some("remove the parameters, or use an OCF agent".to_string()),
                            );
                        }
                    }
                }
                let ops = body.ops.iter().map(|op| c.op(op)).collect();
                let template = match &item.kind {
                    ItemKind::Primitive { source: PrimitiveSource::Template(t), .. } => Some(t.text.to_string()),
                    _ => None,
                };
                primitive = Some(Arc::new(PrimitiveInfo { name: name.text.clone(), file, span: name.span, agent, template, ops }));
            }
            ItemKind::Group { props, body, members, name } => {
                c.props("group", props, RESOURCE_PROPS);
                c.body(body, &[Scope::Resource, Scope::Group], true);
                if members.is_empty() {
                    c.error(&codes::WRONG_KIND, name.span, format!("group `{}` has no members; Pacemaker ignores empty groups", name.text), None);
                }
            }
            ItemKind::Clone { props, body, .. } => {
                c.props("clone", props, RESOURCE_PROPS);
                c.body(body, &[Scope::Resource, Scope::Clone], true);
            }
            ItemKind::Bundle { props, body, parts, name, .. } => {
                c.props("bundle", props, RESOURCE_PROPS);
                c.body(body, &[Scope::Resource], true);
                parts.iter().for_each(|p| c.bundle_part(p));
                let containers = parts.iter().filter(|p| matches!(p.keyword.text.as_str(), "docker" | "podman" | "rkt")).count();
                if containers != 1 {
                    c.error(
                        &codes::UNKNOWN_PROPERTY,
                        name.span,
                        format!("a bundle needs exactly one container (`podman`, `docker` or `rkt`); this one has {containers}"),
                        None,
                    );
                }
            }
            ItemKind::Location { props, rules, sets, target, preferences, name } => {
                c.props("location constraint", props, LOCATION_PROPS);
                for rule in rules {
                    c.props("rule", &rule.props, RULE_PROPS);
                    if let Some(score) = &rule.score {
                        if let Err(e) = values::parse_score(&score.text) {
                            c.error(&codes::INVALID_SCORE, score.span, e, None);
                        }
                    }
                    c.expr(&rule.expr);
                }
                for p in preferences {
                    if let Some(score) = &p.score {
                        if let Err(e) = values::parse_score(&score.text) {
                            c.error(&codes::INVALID_SCORE, score.span, e, None);
                        }
                    }
                }
                c.sets(sets);
                if target.is_none() && sets.is_empty() {
                    c.error(
                        &codes::UNKNOWN_PROPERTY,
                        name.span,
                        "this location names no resource; write `location NAME: RESOURCE ...` or add `set [...]`".to_string(),
                        None,
                    );
                }
                if preferences.len() + rules.len() == 0 {
                    c.error(&codes::UNKNOWN_PROPERTY, name.span, "this location has neither `prefers`/`avoids` nor a rule".to_string(), None);
                }
                if preferences.len() > 1 || (!preferences.is_empty() && !rules.is_empty()) {
                    c.error(
                        &codes::UNKNOWN_PROPERTY,
                        name.span,
                        "a location constraint takes one `prefers`/`avoids`, or rules; write one constraint per node".to_string(),
                        None,
                    );
                }
            }
            ItemKind::Colocation { props, sets, score, pair, name } => {
                c.props("colocation constraint", props, COLOCATION_PROPS);
                // `with Master db`: the legacy role names get the same warning (and fix) as anywhere.
                for role in pair.iter().flat_map(|(a, b)| [&a.qualifier, &b.qualifier]).flatten().filter(|q| LEGACY_ROLES.contains(&q.text.as_str())) {
                    c.value(format_args!("the role"), &crate::syntax::ast::Value { text: role.text.clone(), quoted: false, span: role.span }, PropType::Role);
                }
                if let Some(score) = score {
                    if let Err(e) = values::parse_score(&score.text) {
                        c.error(&codes::INVALID_SCORE, score.span, e, None);
                    }
                }
                c.sets(sets);
                if pair.is_none() && sets.is_empty() {
                    c.error(&codes::UNKNOWN_PROPERTY, name.span, "a colocation needs `A with B` or resource sets".to_string(), None);
                }
            }
            ItemKind::Order { props, sets, pair, name } => {
                c.props("order constraint", props, ORDER_PROPS);
                c.sets(sets);
                if pair.is_none() && sets.is_empty() {
                    c.error(&codes::UNKNOWN_PROPERTY, name.span, "an order needs `A then B` or resource sets".to_string(), None);
                }
            }
            ItemKind::Ticket { props, sets, .. } => {
                c.props("ticket constraint", props, TICKET_PROPS);
                c.sets(sets);
            }
            ItemKind::FencingLevel { props, devices, .. } => {
                c.props("fencing level", props, FENCING_PROPS);
                c.required("fencing level", props, "index", item.span);
                if let Some(index) = props.iter().find(|p| p.key.text == "index") {
                    if index.value.text.parse::<u32>().map_or(true, |n| n == 0 || n > 9) {
                        c.error(&codes::INVALID_VALUE, index.value.span, "a fencing level index is a whole number from 1 to 9".to_string(), None);
                    }
                }
                if devices.is_empty() {
                    c.error(&codes::UNKNOWN_PROPERTY, item.span, "a fencing level needs at least one device".to_string(), None);
                }
            }
            ItemKind::Alert { props, body, recipients, .. } => {
                c.props("alert", props, ALERT_PROPS);
                c.required("alert", props, "path", item.span);
                body.sets.iter().for_each(|s| c.attr_set(s));
                for r in recipients {
                    c.props("recipient", &r.props, RECIPIENT_PROPS);
                    c.required("recipient", &r.props, "value", r.span);
                }
            }
            ItemKind::AclRole { props, permissions, .. } => {
                c.props("ACL role", props, ACL_ROLE_PROPS);
                for (_, pprops, span) in permissions {
                    c.props("ACL permission", pprops, PERMISSION_PROPS);
                    let targets = pprops.iter().filter(|p| matches!(p.key.text.as_str(), "xpath" | "reference" | "object-type")).count();
                    if targets != 1 {
                        c.error(
                            &codes::UNKNOWN_PROPERTY,
                            *span,
                            "a permission needs exactly one of `xpath=`, `reference=` or `object-type=`".to_string(),
                            None,
                        );
                    }
                }
            }
            ItemKind::AclTarget { props, .. } => c.props("ACL user or group", props, ACL_TARGET_PROPS),
            ItemKind::Agent { agent, props, params, actions } => {
                if let Err(e) = Agent::parse(&agent.text) {
                    c.error(&codes::INVALID_AGENT, agent.span, e, None);
                }
                c.props("agent declaration", props, AGENT_PROPS);
                for param in params {
                    c.props("parameter declaration", &param.props, PARAM_PROPS);
                    if !PARAM_TYPES.contains(&param.ty.text.as_str()) {
                        let help = did_you_mean(&param.ty.text, PARAM_TYPES.iter().copied()).map(|s| format!("did you mean `{s}`?"));
                        c.error(
                            &codes::INVALID_VALUE,
                            param.ty.span,
                            format!("`{}` is not a parameter type; types are {}", param.ty.text, PARAM_TYPES.join(", ")),
                            help,
                        );
                    }
                }
                for action in actions {
                    c.props("action declaration", &action.props, ACTION_PROPS);
                }
            }
            ItemKind::Xml { xml } => match crate::cib::read_xml(&xml.text) {
                Err(e) => {
                    let span = crate::span::Span::new(xml.span.start as usize + e.span.start as usize, xml.span.start as usize + e.span.end as usize);
                    c.error(&codes::SYNTAX, span, format!("the raw XML is not well-formed: {}", e.message), None);
                }
                Ok(root) if crate::cib::raw_section(&root.name).is_none() => {
                    c.error(
                        &codes::WRONG_KIND,
                        xml.span,
                        format!("<{}> cannot be placed in the configuration", root.name),
                        Some("raw XML holds one resource, constraint, node, cluster property set, fencing level, tag, alert or ACL element".to_string()),
                    );
                }
                Ok(_) => {}
            },
            ItemKind::Tag { members, name } => {
                if members.is_empty() {
                    c.error(&codes::UNKNOWN_PROPERTY, name.span, "a tag needs at least one member".to_string(), None);
                }
            }
        }
    }
    ItemFacts { diagnostics: out, primitive }
}
