//! Hover: what the thing under the cursor means to Pacemaker — a parameter's type, default and
//! flags from the agent's metadata, an operation's effective settings, an option's meaning, the
//! node attribute a fail-count condition compiles to.

use std::fmt::Write as _;

use hapolicy_stdlib::{OptionSpec, Scope, CLUSTER_OPTIONS, OP_PROPERTIES, RESOURCE_META};

use super::{contains, item_at, name_at, names::item_exprs, NameRole};
use crate::agents::{AgentSchema, ContentType, ParamSchema};
use crate::diagnostics::FileId;
use crate::model::{Model, SymbolKind};
use crate::span::Span;
use crate::syntax::ast::{Assign, AttrSet, Body, DefaultsKind, Expr, Item, ItemKind, Op, PrimitiveSource, SetKind};
use crate::values;

/// Markdown describing what is under the cursor, and the span it describes.
pub fn hover(model: &Model, file: FileId, offset: usize) -> Option<(Span, String)> {
    let item = item_at(model, file, offset)?;
    if let Some(found) = fail_count_hover(model, item, offset) {
        return Some(found);
    }
    if let Some((name, role)) = name_at(model, file, offset) {
        return Some((name.span, describe_name(model, &name.text, role)));
    }
    match &item.kind {
        ItemKind::Primitive { name, source, body, .. } => {
            if let PrimitiveSource::Agent(agent) = source {
                if contains(agent.span, offset) {
                    return Some((agent.span, describe_agent(model, &agent.text)));
                }
            }
            body_hover(model, Some(&name.text), body, offset, SetKind::Params, &[Scope::Resource, Scope::Primitive])
        }
        ItemKind::Template { name, agent, body, .. } => {
            if contains(agent.span, offset) {
                return Some((agent.span, describe_agent(model, &agent.text)));
            }
            body_hover(model, Some(&name.text), body, offset, SetKind::Params, &[Scope::Resource, Scope::Primitive])
        }
        ItemKind::Group { body, .. } => body_hover(model, None, body, offset, SetKind::Meta, &[Scope::Resource, Scope::Group]),
        ItemKind::Clone { body, .. } => body_hover(model, None, body, offset, SetKind::Meta, &[Scope::Resource, Scope::Clone]),
        ItemKind::Bundle { body, .. } => body_hover(model, None, body, offset, SetKind::Meta, &[Scope::Resource]),
        ItemKind::Cluster { entries, .. } => option_hover(entries, offset, CLUSTER_OPTIONS, &[Scope::Cluster]),
        ItemKind::Defaults { kind: DefaultsKind::Rsc, entries, .. } => {
            option_hover(entries, offset, RESOURCE_META, &[Scope::Resource, Scope::Clone, Scope::Group])
        }
        ItemKind::Defaults { kind: DefaultsKind::Op, entries, .. } => option_hover(entries, offset, OP_PROPERTIES, &[Scope::Operation]),
        _ => None,
    }
}

fn fail_count_hover(model: &Model, item: &Item, offset: usize) -> Option<(Span, String)> {
    fn find(expr: &Expr, offset: usize) -> Option<&Expr> {
        match expr {
            Expr::And(children, _) | Expr::Or(children, _) => children.iter().find_map(|c| find(c, offset)),
            Expr::FailCount { span, .. } if contains(*span, offset) => Some(expr),
            _ => None,
        }
    }
    let expr = item_exprs(item).into_iter().find_map(|e| find(e, offset))?;
    let Expr::FailCount { primitive, op, interval, span, .. } = expr else { return None };
    let attributes = crate::cib::fail_count_attributes(model, &primitive.text, op.as_ref(), interval.as_ref());
    let mut text = String::from("**fail-count** — compiles to a rule on the node attribute");
    if attributes.len() > 1 {
        text.push_str("s (one expression per operation, joined with `or`)");
    }
    text.push_str(":\n\n");
    for a in &attributes {
        let _ = writeln!(text, "- `{a}`");
    }
    text.push_str(
        "\nPacemaker sets it on the node where the operation failed; a start failure sets it to INFINITY when `start-failure-is-fatal` is true (the default).",
    );
    Some((*span, text))
}

fn describe_name(model: &Model, name: &str, role: NameRole) -> String {
    if matches!(role, NameRole::NodeDeclaration | NameRole::NodeReference) {
        return match model.nodes.get(name) {
            Some(_) => format!("**node** `{name}`"),
            None => format!("**node** `{name}` — not declared in this project; Pacemaker accepts any node name, so check the spelling"),
        };
    }
    let Some(symbol) = model.symbol(name) else { return format!("`{name}` — not declared") };
    let mut text = format!("**{}** `{name}`", symbol.kind.describe().trim_start_matches("a ").trim_start_matches("an "));
    if let Some(primitive) = model.primitives.get(name) {
        if let Some(agent) = &primitive.agent {
            let _ = write!(text, " — `{}`", agent.spec());
        }
        if let Some(template) = &primitive.template {
            let _ = write!(text, " from template `{template}`");
        }
        if !primitive.ops.is_empty() {
            text.push_str("\n\nOperations:\n");
            for op in &primitive.ops {
                let interval = op.interval_ms.map_or_else(|| "?".to_string(), values::format_duration);
                let _ = writeln!(text, "- `{}` every {interval}{}", op.name.text, op.role.as_ref().map(|r| format!(" (role {r})")).unwrap_or_default());
            }
        }
    }
    if let Some(parent) = model.parent.get(name) {
        let _ = write!(text, "\n\nInside `{parent}`.");
    }
    if let Some(migration) = crate::analysis::migration::analyze_primitive(model, name).filter(|m| m.allow_migrate || m.agent_supports_migration == Some(true))
    {
        let verdict = if migration.will_migrate_alone { "live-migrates when it moves on its own" } else { "restarts (stop, then start) when it moves" };
        let _ = write!(text, "\n\nLive migration: {verdict}.");
        for item in migration.checklist.iter().filter(|i| !i.ok) {
            let _ = write!(text, "\n- ✗ {}: {}", crate::analysis::migration::item_label(item.item), item.detail);
        }
        for risk in &migration.restart_risks {
            let _ = write!(text, "\n- restarts instead if `{}` moves too: {}", risk.dependency, risk.detail);
        }
    }
    if symbol.kind.is_resource() && symbol.kind != SymbolKind::Primitive {
        let members = model.primitives_in(name);
        if !members.is_empty() {
            let _ = write!(text, "\n\nPrimitives: {}", members.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", "));
        }
    }
    text
}

fn describe_agent(model: &Model, spec: &str) -> String {
    let Some(known) = model.agents.get(spec) else {
        return format!("**agent** `{spec}` — no metadata is known, so its parameters and operations are not checked");
    };
    let schema = &known.schema;
    let mut text = format!("**agent** `{spec}`");
    if let Some(short) = &schema.shortdesc {
        let _ = write!(text, " — {short}");
    }
    let _ = write!(text, "\n\nOCF {} · from {:?}", if schema.ocf_version.is_empty() { "?" } else { &schema.ocf_version }, known.origin);
    let required: Vec<&str> = schema.params.iter().filter(|p| p.required).map(|p| p.name.as_str()).collect();
    if !required.is_empty() {
        let _ = write!(text, "\n\nRequired parameters: {}", required.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "));
    }
    let mut actions: Vec<&str> = schema.actions.iter().map(|a| a.name.as_str()).collect();
    actions.dedup();
    let _ = write!(text, "\n\nActions: {}", actions.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "));
    let migrates = schema.advertises("migrate_to") && schema.advertises("migrate_from");
    let _ = write!(text, "\n\nLive migration: {}", if migrates { "supported (set `allow-migrate = true` to use it)" } else { "not supported" });
    text
}

/// Hover inside a resource body: parameters, meta attributes, operations.
fn body_hover(model: &Model, primitive: Option<&str>, body: &Body, offset: usize, bare: SetKind, meta_scopes: &[Scope]) -> Option<(Span, String)> {
    let schema = primitive.and_then(|p| model.agent_of(p).or_else(|| template_agent(model, p))).map(|k| &k.schema);
    for assign in &body.assigns {
        if contains(assign.key.span, offset) {
            return Some((assign.key.span, set_entry_hover(schema, bare, &assign.key.text, meta_scopes)));
        }
    }
    for set in &body.sets {
        if let Some(found) = set_hover(schema, set, offset, meta_scopes) {
            return Some(found);
        }
    }
    for op in &body.ops {
        if contains(op.span, offset) {
            return op_hover(model, primitive, schema, op, offset);
        }
    }
    None
}

/// A template's agent (templates are not in `Model::primitives` under their own name's agent).
fn template_agent<'m>(model: &'m Model, name: &str) -> Option<&'m crate::model::agents::KnownAgent> {
    let (_, item) = model.item_of(name)?;
    let ItemKind::Template { agent, .. } = &item.kind else { return None };
    let parsed = crate::model::Agent::parse(&agent.text).ok()?;
    model.agents.get(&parsed.spec())
}

fn set_hover(schema: Option<&AgentSchema>, set: &AttrSet, offset: usize, meta_scopes: &[Scope]) -> Option<(Span, String)> {
    if !contains(set.span, offset) {
        return None;
    }
    let entry = set.entries.iter().find(|a| contains(a.key.span, offset))?;
    Some((entry.key.span, set_entry_hover(schema, set.kind, &entry.key.text, meta_scopes)))
}

fn set_entry_hover(schema: Option<&AgentSchema>, kind: SetKind, key: &str, meta_scopes: &[Scope]) -> String {
    match kind {
        SetKind::Params => match schema.and_then(|s| s.param(key)) {
            Some(param) => describe_param(schema, param),
            None if schema.is_some() => format!("**parameter** `{key}` — the agent does not declare it"),
            None => format!("**parameter** `{key}`"),
        },
        SetKind::Meta => match hapolicy_stdlib::find_in(RESOURCE_META, key, meta_scopes).or_else(|| hapolicy_stdlib::find(RESOURCE_META, key)) {
            Some(spec) => describe_option("meta attribute", spec),
            None => format!("**meta attribute** `{key}` — not one Pacemaker knows"),
        },
        SetKind::Utilization => format!(
            "**utilization** `{key}` — capacity this resource consumes; compared with the nodes' utilization when `placement-strategy` is not `default`"
        ),
    }
}

fn describe_param(schema: Option<&AgentSchema>, param: &ParamSchema) -> String {
    let mut text = format!("**parameter** `{}`: {}", param.name, content_name(&param.content));
    let mut flags = Vec::new();
    if param.required {
        flags.push("required");
    }
    if param.unique {
        flags.push("unique");
    }
    if param.reloadable {
        flags.push("reloadable");
    }
    if param.private {
        flags.push("private");
    }
    if param.deprecated {
        flags.push("deprecated");
    }
    if !flags.is_empty() {
        let _ = write!(text, " ({})", flags.join(", "));
    }
    if let Some(default) = param.default.as_ref().filter(|d| !d.is_empty()) {
        let _ = write!(text, "\n\nDefault: `{default}`");
    }
    if !param.replaced_with.is_empty() {
        let _ = write!(text, "\n\nReplaced by: {}", param.replaced_with.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "));
    }
    let change = match schema {
        Some(s) if s.advertises("reload-agent") && param.reloadable => "changing it reloads the resource (`reload-agent`)",
        Some(s) if s.advertises("reload") && !s.advertises("reload-agent") && !param.unique => "changing it reloads the resource (legacy `reload`)",
        _ => "changing it restarts the resource",
    };
    let _ = write!(text, "\n\nIn a running cluster, {change}.");
    if let Some(desc) = param.shortdesc.as_ref().filter(|d| !d.is_empty()) {
        let _ = write!(text, "\n\n{desc}");
    }
    if let Some(desc) = param.longdesc.as_ref().filter(|d| !d.is_empty() && Some(*d) != param.shortdesc.as_ref()) {
        let _ = write!(text, "\n\n{}", desc.trim());
    }
    text
}

fn content_name(content: &ContentType) -> String {
    match content {
        ContentType::String => "string".into(),
        ContentType::Integer => "integer".into(),
        ContentType::Boolean => "boolean".into(),
        ContentType::Time => "time".into(),
        ContentType::Select(options) => format!("one of {}", options.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ")),
        ContentType::Other(name) => name.clone(),
    }
}

fn describe_option(what: &str, spec: &OptionSpec) -> String {
    let mut text = format!("**{what}** `{}`", spec.name);
    if !spec.default.is_empty() {
        let _ = write!(text, " — default `{}`", spec.default);
    }
    let _ = write!(text, "\n\n{}", spec.description);
    if let Some(instead) = spec.deprecated {
        let _ = write!(text, "\n\nDeprecated: {instead}.");
    }
    text
}

fn option_hover(entries: &[Assign], offset: usize, table: &'static [OptionSpec], scopes: &[Scope]) -> Option<(Span, String)> {
    let entry = entries.iter().find(|a| contains(a.key.span, offset))?;
    let what = match scopes.first() {
        Some(Scope::Cluster) => "cluster option",
        Some(Scope::Operation) => "operation default",
        _ => "resource default",
    };
    Some(match hapolicy_stdlib::find_in(table, &entry.key.text, scopes) {
        Some(spec) => (entry.key.span, describe_option(what, spec)),
        None => (entry.key.span, format!("**{what}** `{}` — not one Pacemaker knows", entry.key.text)),
    })
}

fn op_hover(model: &Model, primitive: Option<&str>, schema: Option<&AgentSchema>, op: &Op, offset: usize) -> Option<(Span, String)> {
    if let Some(prop) = op.props.iter().find(|p| contains(p.key.span, offset)) {
        return Some(match hapolicy_stdlib::find(OP_PROPERTIES, &prop.key.text) {
            Some(spec) => (prop.key.span, describe_option("operation property", spec)),
            None => (prop.key.span, format!("**operation property** `{}`", prop.key.text)),
        });
    }
    if let Some(param) = op.params.iter().find(|p| contains(p.key.span, offset)) {
        let text = if param.key.text == "OCF_CHECK_LEVEL" {
            "**OCF_CHECK_LEVEL** — the depth of a monitor: passed to the agent, which runs deeper checks at higher levels (0, 10, 20, ...). The agent's metadata lists the depths it supports.".to_string()
        } else {
            format!("**operation parameter** `{}` — passed to the agent for this operation only", param.key.text)
        };
        return Some((param.key.span, text));
    }
    if !contains(op.name.span, offset) {
        return None;
    }
    let action = op.name.text.as_str();
    let mut text = format!("**operation** `{action}`");
    let interval_ms = op.props.iter().find(|p| p.key.text == "interval").and_then(|p| values::parse_duration(&p.value.text).ok()).map_or(0, |d| d.ms);
    let _ = write!(text, " every {}", if interval_ms == 0 { "— (one-shot)".to_string() } else { values::format_duration(interval_ms) });
    let prop = |key: &str| op.props.iter().find(|p| p.key.text == key).map(|p| p.value.text.to_string());
    let default = |key: &str| op_default(model, key);
    let timeout = prop("timeout")
        .map(|t| format!("`{t}`"))
        .or_else(|| default("timeout").map(|t| format!("`{t}` (op-defaults)")))
        .unwrap_or_else(|| "`20s` (Pacemaker's default)".into());
    let _ = write!(text, "\n\n- timeout: {timeout}");
    let on_fail = match prop("on-fail") {
        Some(v) => format!("`{v}`"),
        None => match default("on-fail") {
            Some(v) => format!("`{v}` (op-defaults)"),
            None if action == "stop" && model.stonith_enabled => "`fence` (the default for stop while fencing is enabled)".into(),
            None if action == "stop" => "`block` (the default for stop without fencing)".into(),
            None => "`restart` (the default)".into(),
        },
    };
    let _ = write!(text, "\n- on-fail: {on_fail}");
    if let Some(advice) = schema.and_then(|s| s.action(action).next()) {
        let mut advised = Vec::new();
        if let Some(t) = &advice.timeout {
            advised.push(format!("timeout `{t}`"));
        }
        if let Some(i) = &advice.interval {
            advised.push(format!("interval `{i}`"));
        }
        if !advised.is_empty() {
            let _ = write!(text, "\n- the agent advises {}", advised.join(", "));
        }
    } else if schema.is_some() {
        text.push_str("\n- the agent does not advertise this action");
    }
    if let Some(p) = primitive {
        let _ = write!(text, "\n\nFailures count in the node attribute `fail-count-{p}#{action}_{interval_ms}`.");
    }
    Some((op.name.span, text))
}

/// A value set in `op-defaults` (the first set without rules), if any.
fn op_default(model: &Model, key: &str) -> Option<String> {
    model.items.iter().find_map(|(_, item)| match &item.kind {
        ItemKind::Defaults { kind: DefaultsKind::Op, when, entries, .. } if when.is_empty() => {
            entries.iter().find(|a| a.key.text == key).map(|a| a.value.text.to_string())
        }
        _ => None,
    })
}
