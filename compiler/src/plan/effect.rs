//! Predicting what a change does to a resource, the way Pacemaker decides it: a changed
//! parameter restarts the resource unless the agent can reload it (OCF 1.1 `reload-agent` and a
//! parameter marked `reloadable`, or a pre-1.1 agent's `reload` and a parameter not marked
//! `unique`); meta attributes and operations need no restart, except `target-role`; a constraint
//! change may move a resource, which live-migrates when `allow-migrate` is on and it is not
//! cloned. A resource that is not running is not disrupted.

use std::collections::BTreeMap;

use crate::agents::AgentSchema;
use crate::values;

use super::config::{same_value, Configuration, Resource};
use super::status::{instance_base, ClusterStatus};
use super::{primitives_of, AgentLookup, Effect, Kind, ResourceChange, TransitionAction, ValueChange};

pub(super) struct Context<'a> {
    pub old: &'a Configuration,
    pub new: &'a Configuration,
    pub status: &'a ClusterStatus,
    pub agents: AgentLookup<'a>,
}

/// Whether `resource` is `ancestor` or inside it.
pub(super) fn within(config: &Configuration, resource: &str, ancestor: &str) -> bool {
    let mut current = Some(resource);
    // A parent chain is at most a few levels deep; the bound only guards against a cycle.
    for _ in 0..16 {
        let Some(id) = current else { return false };
        if id == ancestor {
            return true;
        }
        current = config.resources.get(id).and_then(|r| r.parent.as_deref());
    }
    false
}

/// A meta attribute as the resource sees it: its own, its containers', then the defaults.
fn effective_meta<'a>(config: &'a Configuration, resource: &'a Resource, name: &str) -> Option<&'a str> {
    let mut current = Some(resource);
    for _ in 0..16 {
        let Some(r) = current else { break };
        if let Some(value) = r.meta.get(name) {
            return Some(value);
        }
        current = r.parent.as_deref().and_then(|p| config.resources.get(p));
    }
    config.properties.get(&("rsc-defaults".to_string(), name.to_string())).map(String::as_str)
}

fn stopped(config: &Configuration, resource: &Resource) -> bool {
    effective_meta(config, resource, "target-role").is_some_and(|r| r.eq_ignore_ascii_case("stopped"))
}

impl Context<'_> {
    fn schema(&self, resource: &Resource) -> Option<AgentSchema> {
        resource.agent.as_deref().and_then(|a| (self.agents)(a))
    }

    /// The change of one resource, or `None` when neither it nor a constraint naming it changed.
    pub fn change(&self, id: &str, moved_by: Vec<String>) -> Option<ResourceChange> {
        let before = self.old.resources.get(id);
        let after = self.new.resources.get(id);
        let mut members: Vec<String> = primitives_of(self.old, id).into_iter().chain(primitives_of(self.new, id)).map(|r| r.id.clone()).collect();
        members.sort();
        members.dedup();
        let active = self.status.is_active(id) || members.iter().any(|m| self.status.is_active(m));
        let resource = after.or(before)?;
        let schema = self.schema(resource);
        let mut change = ResourceChange {
            resource: id.to_string(),
            kind: Kind::Modify,
            element: resource.element.clone(),
            agent: resource.agent.clone(),
            effect: Effect::None,
            conditional: false,
            reason: String::new(),
            params: Vec::new(),
            meta: Vec::new(),
            ops: Vec::new(),
            utilization: Vec::new(),
            other: Vec::new(),
            constraints: moved_by,
            scheduler: None,
            agrees: None,
            note: None,
            members,
        };
        let empty = BTreeMap::new();
        let (old_params, new_params) = (before.map_or(&empty, |r| &r.params), after.map_or(&empty, |r| &r.params));
        // An agent reads its parameters as strings: they compare as text.
        let as_text = |a: &str, b: &str| a == b;
        change.params = value_changes(old_params, new_params, as_text, |name| param_note(schema.as_ref(), name));
        change.meta = value_changes(before.map_or(&empty, |r| &r.meta), after.map_or(&empty, |r| &r.meta), same_value, |_| None);
        change.ops = value_changes(before.map_or(&empty, |r| &r.ops), after.map_or(&empty, |r| &r.ops), as_text, |_| None);
        change.utilization = value_changes(before.map_or(&empty, |r| &r.utilization), after.map_or(&empty, |r| &r.utilization), same_value, |_| None);
        match (before, after) {
            (None, Some(r)) => {
                change.kind = Kind::Add;
                (change.effect, change.reason) = if stopped(self.new, r) {
                    (Effect::None, "a new resource with target-role Stopped".to_string())
                } else {
                    (Effect::Start, "a new resource".to_string())
                };
            }
            (Some(_), None) => {
                change.kind = Kind::Remove;
                (change.effect, change.reason) = if active {
                    (Effect::Stop, "removed from the configuration: Pacemaker stops it".to_string())
                } else {
                    (Effect::None, "removed; it is not running".to_string())
                };
            }
            (Some(a), Some(b)) => {
                if !self.modified(a, b, active, schema.as_ref(), &mut change) {
                    return None;
                }
            }
            (None, None) => return None,
        }
        Some(change)
    }

    /// Fills in a modified resource's differences and effect; false when nothing differs.
    fn modified(&self, a: &Resource, b: &Resource, active: bool, schema: Option<&AgentSchema>, change: &mut ResourceChange) -> bool {
        let mut restart_because = None;
        if a.element != b.element {
            change.other.push(format!("was a {}, now a {}", a.element, b.element));
            restart_because = Some(format!("it becomes a {}: Pacemaker stops the old resource and starts the new one", b.element));
        }
        if a.agent != b.agent {
            change.other.push(format!("agent: {} -> {}", a.agent.as_deref().unwrap_or("none"), b.agent.as_deref().unwrap_or("none")));
            restart_because.get_or_insert_with(|| "its agent changed".to_string());
        }
        if a.parent != b.parent {
            change.other.push(format!("container: {} -> {}", a.parent.as_deref().unwrap_or("none"), b.parent.as_deref().unwrap_or("none")));
            restart_because.get_or_insert_with(|| "it moves to another group, clone or bundle".to_string());
        } else if a.position != b.position && a.parent.as_deref().and_then(|p| self.new.resources.get(p)).is_some_and(|p| p.element == "group") {
            change.other.push(format!("position in group: {} -> {}", a.position + 1, b.position + 1));
            restart_because.get_or_insert_with(|| "its place in its group changed (group members start in order)".to_string());
        }
        if a.other != b.other {
            change.other.push("rule-based attribute sets or other contents changed".to_string());
            restart_because
                .get_or_insert_with(|| "rule-based attribute sets changed; hapolicy cannot tell which values apply and expects a restart".to_string());
        }
        let (old_stopped, new_stopped) = (stopped(self.old, a), stopped(self.new, b));
        let own_change =
            !(change.params.is_empty() && change.meta.is_empty() && change.ops.is_empty() && change.utilization.is_empty() && change.other.is_empty());
        if !own_change && change.constraints.is_empty() && old_stopped == new_stopped {
            return false;
        }

        let (mut effect, mut reason) = match restart_because {
            Some(why) => (Effect::Restart, why),
            None if !change.params.is_empty() => params_effect(schema, &change.params),
            None => (Effect::None, String::new()),
        };
        if !old_stopped && new_stopped {
            (effect, reason) = (Effect::Stop, "target-role becomes Stopped".to_string());
        } else if old_stopped && !new_stopped {
            (effect, reason) = (Effect::Start, "target-role no longer Stopped".to_string());
        } else if !active && effect != Effect::None && effect != Effect::Start {
            reason = format!("not running; the change applies when it starts ({} if it were running: {reason})", effect.as_str());
            effect = Effect::None;
        }
        if effect == Effect::None && active && !change.constraints.is_empty() {
            change.conditional = true;
            let names = change.constraints.join(", ");
            (effect, reason) = match self.migration(b) {
                Ok(agent_note) => (Effect::Migrate, format!("{names} changed: if the scheduler moves it, it live-migrates{agent_note}")),
                Err(why) => (Effect::Restart, format!("{names} changed: if the scheduler moves it, it is stopped and started elsewhere ({why})")),
            };
        }
        if effect == Effect::None && reason.is_empty() {
            reason = if !own_change {
                format!("{} changed; it is not running", change.constraints.join(", "))
            } else if change.ops.is_empty() {
                "meta attribute changes take effect without a restart".to_string()
            } else {
                "operation changes reschedule recurring monitors without a restart".to_string()
            };
        }
        change.effect = effect;
        change.reason = reason;
        true
    }

    /// Whether the scheduler would live-migrate the resource when it moves; the error says why
    /// not. The success value warns when the agent cannot actually migrate.
    fn migration(&self, resource: &Resource) -> Result<String, String> {
        let primitives = primitives_of(self.new, &resource.id);
        if primitives.is_empty() {
            return Err("it has no primitive".to_string());
        }
        let mut warning = String::new();
        for primitive in primitives {
            if self.new.resources.values().any(|r| matches!(r.element.as_str(), "clone" | "master" | "bundle") && within(self.new, &primitive.id, &r.id)) {
                return Err(format!("{} is cloned, and clone instances do not migrate", primitive.id));
            }
            let remote = primitive.agent.as_deref() == Some("ocf:pacemaker:remote");
            let allowed = effective_meta(self.new, primitive, "allow-migrate").map_or(remote, |v| values::parse_bool(v).unwrap_or(false));
            if !allowed {
                return Err(format!("allow-migrate is off for {}", primitive.id));
            }
            if effective_meta(self.new, primitive, "is-managed").is_some_and(|v| values::parse_bool(v) == Ok(false)) {
                return Err(format!("{} is not managed", primitive.id));
            }
            if let Some(why) = self.blocked_by_order(primitive) {
                return Err(why);
            }
            if self.schema(primitive).is_some_and(|s| !s.migratable()) {
                warning = format!(" (but {}'s agent has no migrate_to/migrate_from: the migration will fail, see HP2201)", primitive.id);
            }
        }
        Ok(warning)
    }

    /// An ordering that makes a migration impossible: the primitive starts after a resource that
    /// is colocated with it (so moves with it) and cannot migrate itself (HP2202).
    fn blocked_by_order(&self, primitive: &Resource) -> Option<String> {
        let config = self.new;
        let names = |id: &str| id == primitive.id || within(config, &primitive.id, id);
        for (id, order) in &config.constraints {
            if order.element != "rsc_order" {
                continue;
            }
            let (Some(first), Some(then)) = (order.attrs.get("first"), order.attrs.get("then")) else { continue };
            if !names(then) || names(first) {
                continue;
            }
            let together = config.constraints.values().any(|c| {
                let pair = (c.attrs.get("rsc").map(String::as_str), c.attrs.get("with-rsc").map(String::as_str));
                let score = c.attrs.get("score").and_then(|s| values::parse_score(s).ok()).unwrap_or(0);
                c.element == "rsc_colocation"
                    && score > 0
                    && matches!(pair, (Some(a), Some(b)) if (a == first.as_str() && names(b)) || (names(a) && b == first.as_str()))
            });
            let first_migrates = config
                .resources
                .get(first.as_str())
                .is_some_and(|r| r.element == "primitive" && effective_meta(config, r, "allow-migrate").is_some_and(|v| values::parse_bool(v) == Ok(true)));
            if together && !first_migrates {
                return Some(format!("{id} orders it after {first}, which moves with it and cannot migrate (HP2202)"));
            }
        }
        None
    }
}

/// Whether changing these parameters reloads or restarts the resource.
fn params_effect(schema: Option<&AgentSchema>, params: &[ValueChange]) -> (Effect, String) {
    let Some(schema) = schema else {
        return (Effect::Restart, "parameters changed and the agent's metadata is unknown".to_string());
    };
    // Pacemaker lists the parameters that force a restart from the metadata; a parameter the
    // metadata does not declare is not on that list.
    let names = |pick: &dyn Fn(&crate::agents::ParamSchema) -> bool| -> Vec<String> {
        params.iter().filter(|p| schema.param(&p.name).is_some_and(pick)).map(|p| p.name.clone()).collect()
    };
    if schema.supports_reload_agent() {
        let blocking = names(&|p| !p.reloadable);
        if blocking.is_empty() {
            (Effect::Reload, "only reloadable parameters changed, and the agent supports reload-agent".to_string())
        } else {
            (Effect::Restart, format!("{} {} not reloadable", blocking.join(", "), if blocking.len() == 1 { "is" } else { "are" }))
        }
    } else if schema.supports_legacy_reload() {
        let blocking = names(&|p| p.unique);
        if blocking.is_empty() {
            (Effect::Reload, "only non-unique parameters changed, and the agent supports the legacy reload".to_string())
        } else {
            (
                Effect::Restart,
                format!("{} {} unique, which the legacy reload cannot change", blocking.join(", "), if blocking.len() == 1 { "is" } else { "are" }),
            )
        }
    } else {
        (Effect::Restart, "parameters changed and the agent cannot reload".to_string())
    }
}

/// What the agent says about a parameter, for the listing.
fn param_note(schema: Option<&AgentSchema>, name: &str) -> Option<String> {
    let schema = schema?;
    let param = schema.param(name);
    let mut notes = Vec::new();
    if schema.supports_reload_agent() {
        match param {
            Some(p) if p.reloadable => notes.push("reloadable"),
            Some(_) => notes.push("not reloadable"),
            None => notes.push("not in the agent's metadata"),
        }
    } else if schema.supports_legacy_reload() {
        match param {
            Some(p) if p.unique => notes.push("unique"),
            Some(_) => notes.push("not unique"),
            None => notes.push("not in the agent's metadata"),
        }
    }
    if schema.is_private(name) {
        notes.push("private");
    }
    (!notes.is_empty()).then(|| notes.join(", "))
}

/// The names whose values differ, with both values; private values are hidden.
fn value_changes(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    same: impl Fn(&str, &str) -> bool,
    note: impl Fn(&str) -> Option<String>,
) -> Vec<ValueChange> {
    super::union(old.keys(), new.keys())
        .into_iter()
        .filter_map(|name| {
            let (before, after) = (old.get(&name), new.get(&name));
            if matches!((before, after), (Some(a), Some(b)) if same(a, b)) {
                return None;
            }
            let note = note(&name);
            let hide = note.as_deref().is_some_and(|n| n.contains("private"));
            let shown = |v: Option<&String>| v.map(|v| if hide { "(hidden)".to_string() } else { v.clone() });
            Some(ValueChange { old: shown(before), new: shown(after), name, note })
        })
        .collect()
}

/// Why the scheduler does something other than predicted, from what the CIB shows.
pub(super) fn explain(change: &ResourceChange, scheduler: Effect, reasons: &[String], status: &ClusterStatus, config: &Configuration) -> String {
    let due = if reasons.is_empty() { String::new() } else { format!(" (due to {})", reasons.join("; ")) };
    match (change.effect, scheduler) {
        (Effect::Reload, Effect::Restart) if change.members.iter().any(|m| status.without_restart_digest.contains(m)) => format!(
            "the cluster recorded the last start of {} without a restart digest (by crm_simulate, or by a controller that did not know the agent could reload), so Pacemaker cannot tell which parameters changed and restarts it; once restarted, later changes of reloadable parameters reload",
            change.resource
        ),
        (Effect::Migrate, Effect::Restart) => match blocking_order(change, reasons, config) {
            Some((constraint, blocker)) => format!(
                "{constraint} orders it after {blocker}, which cannot migrate and moves too, so Pacemaker stops and starts it instead{due} (HP2202)"
            ),
            None => format!("the scheduler moves it by stop and start instead{due}; an ordering or group may tie it to a resource that cannot migrate (HP2202)"),
        },
        (_, Effect::None) if change.effect == Effect::Start => "the scheduler does not start it: no node can run it, or it is blocked".to_string(),
        (_, Effect::None) => "the scheduler plans nothing for it".to_string(),
        (_, other) => format!("the scheduler will {}{due}", other.as_str()),
    }
}

/// The ordering (or group) and the resource whose stop the scheduler says the migration waits
/// on: Pacemaker words it "unrunnable X stop".
fn blocking_order(change: &ResourceChange, reasons: &[String], config: &Configuration) -> Option<(String, String)> {
    let blocker = reasons.iter().find_map(|r| r.strip_prefix("unrunnable ").and_then(|r| r.split_whitespace().next())).map(instance_base)?;
    let ours = |id: &str| id == change.resource || change.members.iter().any(|m| m == id);
    for (id, constraint) in &config.constraints {
        if constraint.element == "rsc_order" && constraint.resources.iter().any(|r| r == blocker) && constraint.resources.iter().any(|r| ours(r)) {
            return Some((id.clone(), blocker.to_string()));
        }
    }
    let group = config.resources.get(blocker)?.parent.as_deref()?;
    change
        .members
        .iter()
        .any(|m| config.resources.get(m).is_some_and(|r| r.parent.as_deref() == Some(group)))
        .then(|| (format!("group {group}"), blocker.to_string()))
}

/// Why the scheduler acts on a resource the policy did not change, when the configuration tells.
pub(super) fn side_effect_note(action: &TransitionAction, changes: &[ResourceChange], old: &Configuration) -> Option<String> {
    let base = instance_base(action.resource.as_deref()?);
    let changed = |id: &str| changes.iter().find(|c| c.effect != Effect::None && (c.resource == id || c.members.iter().any(|m| m == id)));
    let resource = old.resources.get(base)?;
    if let Some(group) = resource.parent.as_deref().and_then(|p| old.resources.get(p)).filter(|g| g.element == "group") {
        let earlier =
            old.resources.values().find(|r| r.parent.as_deref() == Some(group.id.as_str()) && r.position < resource.position && changed(&r.id).is_some());
        if let Some(earlier) = earlier {
            return Some(format!("not changed by the policy: it follows {} in group {}", earlier.id, group.id));
        }
    }
    // A colocation moves resources together; name it before an ordering.
    let mut constraints: Vec<_> = old.constraints.iter().collect();
    constraints.sort_by_key(|(_, c)| c.element != "rsc_colocation");
    for (id, constraint) in constraints {
        if constraint.resources.iter().any(|r| r == base) {
            if let Some(other) = constraint.resources.iter().find(|r| r.as_str() != base && changed(r).is_some()) {
                return Some(format!("not changed by the policy: {id} ties it to {other}"));
            }
        }
    }
    Some("not changed by the policy".to_string())
}
