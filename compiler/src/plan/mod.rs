//! Plans: what installing a policy's configuration would change on a cluster, and what
//! Pacemaker would do about it.
//!
//! A plan compares the meaning of two configurations (`config`): the one compiled from the
//! policy and the cluster's, read from its CIB. Each resource added, removed or modified is
//! listed with its changed parameters, meta attributes and operations, and a predicted effect
//! (`effect`): `reload` when only parameters the agent can reload changed, `restart`, `migrate`
//! for a live-migratable resource a constraint change may move, `start`, `stop`, or `none`. The
//! shell then runs Pacemaker's scheduler on the cluster's status with the new configuration
//! (`document::with_configuration`, `crm_simulate`), and `reconcile` checks each prediction
//! against the transition the scheduler would execute (`transition`), explaining where they
//! differ. Nothing here runs a tool: the shell does.

pub mod config;
pub mod document;
mod effect;
mod render;
pub mod status;
pub mod transition;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::agents::AgentSchema;
use crate::cib::{read_xml, XmlElement};
use config::{same_value, Configuration, Resource};
pub use status::{CibVersion, ClusterStatus};
pub use transition::{parse_simulation, TransitionAction};

/// What a change does to a running resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    None,
    Reload,
    Restart,
    Migrate,
    Start,
    Stop,
    /// Only the scheduler reports these (a role change of a promotable clone).
    Promote,
    Demote,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::None => "none",
            Effect::Reload => "reload",
            Effect::Restart => "restart",
            Effect::Migrate => "migrate",
            Effect::Start => "start",
            Effect::Stop => "stop",
            Effect::Promote => "promote",
            Effect::Demote => "demote",
        }
    }

    /// How disruptive the effect is, to combine the effects on several instances or members.
    fn weight(self) -> u8 {
        match self {
            Effect::None => 0,
            Effect::Reload => 1,
            Effect::Promote | Effect::Demote => 2,
            Effect::Start => 3,
            Effect::Migrate => 4,
            Effect::Restart => 5,
            Effect::Stop => 6,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Add,
    Remove,
    Modify,
}

impl Kind {
    fn sign(self) -> char {
        match self {
            Kind::Add => '+',
            Kind::Remove => '-',
            Kind::Modify => '~',
        }
    }
}

/// A value that differs: a parameter, a meta attribute, an operation, a cluster option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueChange {
    pub name: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// What the agent says about a parameter (`reloadable`, `not reloadable`, `unique`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A resource added, removed or modified, with the predicted effect and, once reconciled, the
/// scheduler's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceChange {
    pub resource: String,
    pub kind: Kind,
    /// `primitive`, `group`, `clone`, `master` or `bundle`.
    pub element: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    pub effect: Effect,
    /// The effect happens only if the scheduler moves the resource (a constraint changed).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub conditional: bool,
    /// Why hapolicy predicts this effect.
    pub reason: String,
    pub params: Vec<ValueChange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub meta: Vec<ValueChange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ops: Vec<ValueChange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub utilization: Vec<ValueChange>,
    /// Other differences, described (container, group position, rule-based sets).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<String>,
    /// Changed constraints that name the resource.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<String>,
    /// The effect in the scheduler's transition (`none` when it plans nothing for the resource).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduler: Option<Effect>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agrees: Option<bool>,
    /// Why the scheduler does something else than predicted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The primitives it stands for, before and after (itself for a primitive): the
    /// transition's actions on them count for it.
    #[serde(skip)]
    pub members: Vec<String>,
}

/// A constraint, node or other configuration item added, removed or modified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    pub id: String,
    pub kind: Kind,
    pub element: String,
    pub details: Vec<String>,
}

/// A cluster option or resource/operation default that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PropertyChange {
    /// `cluster`, `rsc-defaults` or `op-defaults`.
    pub set: String,
    pub name: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A scheduler action on a resource the policy did not change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SideEffect {
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Everything installing the policy would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The cluster's CIB version the plan was made against.
    pub cib: CibVersion,
    pub changes: Vec<ResourceChange>,
    pub constraints: Vec<ItemChange>,
    pub properties: Vec<PropertyChange>,
    pub nodes: Vec<ItemChange>,
    pub other: Vec<ItemChange>,
    /// The scheduler's transition, once reconciled.
    pub transition: Vec<TransitionAction>,
    /// Actions of the transition on resources the policy did not change.
    pub side_effects: Vec<SideEffect>,
    /// Why the configuration must not be installed as it is.
    pub conflicts: Vec<String>,
}

/// A plan with the documents the shell hands to Pacemaker's tools.
#[derive(Debug, Clone)]
pub struct Planned {
    pub plan: Plan,
    /// The `<configuration>` to install (`cibadmin --replace --scope configuration`).
    pub configuration: String,
    /// The cluster's CIB with the new configuration (for `crm_simulate`).
    pub simulation_cib: String,
}

/// Where agent schemas come from: `class:provider:type` → schema.
pub type AgentLookup<'a> = &'a dyn Fn(&str) -> Option<AgentSchema>;

/// Plans installing `compiled` (a CIB built from a policy) on the cluster whose CIB is `cluster`.
///
/// # Errors
///
/// When either text is not XML or has no `<configuration>`.
pub fn plan(compiled: &str, cluster: &str, agents: AgentLookup<'_>) -> Result<Planned, String> {
    let compiled = read_xml(compiled).map_err(|e| format!("the compiled CIB cannot be read: {e}"))?;
    let cluster = read_xml(cluster).map_err(|e| format!("the cluster's CIB cannot be read: {e}"))?;
    if cluster.name != "cib" {
        return Err(format!("the cluster's CIB has a <{}> root, not <cib>", cluster.name));
    }
    let configuration = document::new_configuration(&compiled, &cluster).ok_or("the compiled CIB has no <configuration>")?;
    let simulation_cib = document::with_configuration(&cluster, &configuration, compiled.value("validate-with"));
    let plan = compare(&cluster, &configuration, agents);
    Ok(Planned { plan, configuration: document::to_xml(&configuration), simulation_cib })
}

/// Compares the cluster's configuration with the new one.
fn compare(cluster: &XmlElement, new_configuration: &XmlElement, agents: AgentLookup<'_>) -> Plan {
    let old = Configuration::read(cluster);
    let new = Configuration::read(new_configuration);
    let status = ClusterStatus::read(cluster);

    let mut constraints = Vec::new();
    // Resources whose placement may change with a constraint: constraint ids by resource.
    let mut placement: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for id in union(old.constraints.keys(), new.constraints.keys()) {
        let (before, after) = (old.constraints.get(&id), new.constraints.get(&id));
        let (kind, details) = match (before, after) {
            (None, Some(_)) => (Kind::Add, Vec::new()),
            (Some(_), None) => (Kind::Remove, Vec::new()),
            (Some(a), Some(b)) if a == b => continue,
            (Some(a), Some(b)) => (Kind::Modify, render::constraint_details(a, b)),
            (None, None) => continue,
        };
        let element = after.or(before).map(|c| c.element.clone()).unwrap_or_default();
        if matches!(element.as_str(), "rsc_location" | "rsc_colocation" | "rsc_ticket") {
            for resource in before.into_iter().chain(after).flat_map(|c| c.resources.iter()) {
                let ids = placement.entry(resource.clone()).or_default();
                if !ids.contains(&id) {
                    ids.push(id.clone());
                }
            }
        }
        constraints.push(ItemChange { id, kind, element, details });
    }

    let context = effect::Context { old: &old, new: &new, status: &status, agents };
    let mut changes = Vec::new();
    for id in union(old.resources.keys(), new.resources.keys()) {
        let moved_by = placement.get(&id).cloned().unwrap_or_default();
        if let Some(change) = context.change(&id, moved_by) {
            changes.push(change);
        }
    }

    let mut properties = Vec::new();
    for key in union(old.properties.keys(), new.properties.keys()) {
        let (before, after) = (old.properties.get(&key), new.properties.get(&key));
        if matches!((before, after), (Some(a), Some(b)) if same_value(a, b)) {
            continue;
        }
        properties.push(PropertyChange { set: key.0.clone(), name: key.1.clone(), old: before.cloned(), new: after.cloned() });
    }

    let mut nodes = Vec::new();
    let mut conflicts = Vec::new();
    for name in union(old.nodes.keys(), new.nodes.keys()) {
        let (before, after) = (old.nodes.get(&name), new.nodes.get(&name));
        let (kind, details) = match (before, after) {
            (None, Some(_)) => (Kind::Add, Vec::new()),
            (Some(_), None) => (Kind::Remove, vec!["its node attributes (standby, utilization, ...) in the configuration are dropped".to_string()]),
            (Some(a), Some(b)) if a == b => continue,
            (Some((old_id, _)), Some((new_id, _))) if old_id != new_id => {
                conflicts.push(format!(
                    "node {name} has id `{old_id}` in the cluster but `{new_id}` in the policy: Pacemaker would take them for two nodes; write `node {name} id={old_id}`"
                ));
                (Kind::Modify, vec![format!("id: {old_id:?} -> {new_id:?}")])
            }
            _ => (Kind::Modify, vec!["node attributes or type changed".to_string()]),
        };
        nodes.push(ItemChange { id: name, kind, element: "node".to_string(), details });
    }

    let mut other = Vec::new();
    for key in union(old.other.keys(), new.other.keys()) {
        let (before, after) = (old.other.get(&key), new.other.get(&key));
        let kind = match (before, after) {
            (None, Some(_)) => Kind::Add,
            (Some(_), None) => Kind::Remove,
            (Some(a), Some(b)) if a != b => Kind::Modify,
            _ => continue,
        };
        let (element, id) = key.split_once(' ').map_or((key.clone(), String::new()), |(e, i)| (e.to_string(), i.to_string()));
        other.push(ItemChange { id, kind, element, details: Vec::new() });
    }

    Plan { cib: status.version, changes, constraints, properties, nodes, other, transition: Vec::new(), side_effects: Vec::new(), conflicts }
}

fn union<'a, K: Ord + Clone + 'a>(a: impl Iterator<Item = &'a K>, b: impl Iterator<Item = &'a K>) -> Vec<K> {
    let set: BTreeSet<K> = a.chain(b).cloned().collect();
    set.into_iter().collect()
}

impl Plan {
    /// Whether installing the configuration changes nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.constraints.is_empty() && self.properties.is_empty() && self.nodes.is_empty() && self.other.is_empty()
    }

    /// Checks each predicted effect against the scheduler's transition for the new
    /// configuration, and lists what the scheduler does to resources the policy did not change.
    /// `cluster` is the cluster's CIB the plan was made from (its history explains differences).
    pub fn reconcile(&mut self, transition: Vec<TransitionAction>, cluster: &str) {
        let (old, status) = match read_xml(cluster) {
            Ok(root) => (Configuration::read(&root), ClusterStatus::read(&root)),
            Err(_) => (Configuration::default(), ClusterStatus::default()),
        };
        let mut claimed = vec![false; transition.len()];
        for change in &mut self.changes {
            let mut effects = Vec::new();
            let mut reasons = Vec::new();
            for (i, action) in transition.iter().enumerate() {
                let Some(resource) = action.resource.as_deref() else { continue };
                let base = status::instance_base(resource);
                if base == change.resource || change.members.iter().any(|m| m == base) {
                    if let Some(slot) = claimed.get_mut(i) {
                        *slot = true;
                    }
                    if let Some(e) = action.effect() {
                        effects.push(e);
                    }
                    if let Some(reason) = &action.reason {
                        reasons.push(reason.clone());
                    }
                }
            }
            let scheduler = effects.into_iter().max_by_key(|e| e.weight()).unwrap_or(Effect::None);
            let agrees = scheduler == change.effect || (change.conditional && scheduler == Effect::None);
            change.scheduler = Some(scheduler);
            change.agrees = Some(agrees);
            if !agrees {
                change.note = Some(effect::explain(change, scheduler, &reasons, &status, &old));
            }
        }
        self.side_effects = transition
            .iter()
            .zip(&claimed)
            .filter(|(_, claimed)| !**claimed)
            .map(|(action, _)| SideEffect { action: action.describe(), note: effect::side_effect_note(action, &self.changes, &old) })
            .collect();
        self.transition = transition;
    }

    /// The plan for a terminal.
    pub fn render_human(&self) -> String {
        render::human(self)
    }

    /// The plan as JSON: `{"cib":..,"changes":[..],"constraints":[..],...,"transition":[..]}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }
}

/// The primitives of a resource (itself for a primitive), in a configuration.
fn primitives_of<'a>(config: &'a Configuration, id: &str) -> Vec<&'a Resource> {
    let Some(resource) = config.resources.get(id) else { return Vec::new() };
    if resource.element == "primitive" {
        return vec![resource];
    }
    config.resources.values().filter(|r| r.element == "primitive" && effect::within(config, &r.id, id)).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
    use super::*;

    const NODES: &str = r#"<nodes><node id="1" uname="n1"/></nodes>"#;

    /// A cluster CIB whose status shows `running` started on n1.
    fn cluster(resources: &str, constraints: &str, running: &[&str]) -> String {
        let history: String = running
            .iter()
            .map(|r| format!(r#"<lrm_resource id="{r}"><lrm_rsc_op id="{r}_last_0" operation="start" rc-code="0" interval="0"/></lrm_resource>"#))
            .collect();
        format!(
            r#"<cib admin_epoch="0" epoch="3" num_updates="1"><configuration><crm_config/>{NODES}<resources>{resources}</resources><constraints>{constraints}</constraints></configuration><status><node_state id="1" uname="n1"><lrm id="1"><lrm_resources>{history}</lrm_resources></lrm></node_state></status></cib>"#
        )
    }

    fn compiled(resources: &str, constraints: &str) -> String {
        format!(
            r#"<cib><configuration><crm_config/>{NODES}<resources>{resources}</resources><constraints>{constraints}</constraints></configuration><status/></cib>"#
        )
    }

    fn dummy(id: &str, inner: &str) -> String {
        format!(r#"<primitive id="{id}" class="ocf" provider="acme" type="Thing">{inner}</primitive>"#)
    }

    fn params(pairs: &str) -> String {
        format!(r#"<instance_attributes id="ia">{pairs}</instance_attributes>"#)
    }

    fn no_agents(_: &str) -> Option<AgentSchema> {
        None
    }

    fn effect_of(plan: &Plan, id: &str) -> (Effect, bool, String) {
        let c = plan.changes.iter().find(|c| c.resource == id).unwrap_or_else(|| unreachable!("{id} in {plan:#?}"));
        (c.effect, c.conditional, c.reason.clone())
    }

    #[test]
    fn removing_stopping_and_adding() {
        let old = cluster(&format!("{}{}{}", dummy("a", ""), dummy("b", ""), dummy("c", "")), "", &["a", "c"]);
        let stopped = r#"<meta_attributes id="m"><nvpair id="m1" name="target-role" value="Stopped"/></meta_attributes>"#;
        let new = compiled(&format!("{}{}{}", dummy("c", stopped), dummy("d", ""), dummy("e", stopped)), "");
        let plan = plan(&new, &old, &no_agents).unwrap().plan;
        assert_eq!(effect_of(&plan, "a").0, Effect::Stop, "removed while running");
        assert_eq!(effect_of(&plan, "b").0, Effect::None, "removed, not running");
        assert_eq!(effect_of(&plan, "c").0, Effect::Stop, "target-role Stopped");
        assert_eq!(effect_of(&plan, "d").0, Effect::Start);
        assert_eq!(effect_of(&plan, "e").0, Effect::None, "added stopped");
    }

    #[test]
    fn parameters_of_an_unknown_agent_restart_unless_the_resource_is_stopped() {
        let old = cluster(
            &format!("{}{}", dummy("a", &params(r#"<nvpair id="x" name="p" value="1"/>"#)), dummy("b", &params(r#"<nvpair id="y" name="p" value="1"/>"#))),
            "",
            &["a"],
        );
        let new = compiled(
            &format!("{}{}", dummy("a", &params(r#"<nvpair id="z" name="p" value="2"/>"#)), dummy("b", &params(r#"<nvpair id="w" name="p" value="2"/>"#))),
            "",
        );
        let plan = plan(&new, &old, &no_agents).unwrap().plan;
        let (effect, _, reason) = effect_of(&plan, "a");
        assert_eq!(effect, Effect::Restart);
        assert!(reason.contains("metadata is unknown"), "{reason}");
        let (effect, _, reason) = effect_of(&plan, "b");
        assert_eq!(effect, Effect::None);
        assert!(reason.starts_with("not running"), "{reason}");
    }

    #[test]
    fn a_moved_clone_restarts_and_a_group_follower_is_explained() {
        let clone = format!(r#"<clone id="c">{}</clone>"#, dummy("ci", ""));
        let group = format!(r#"<group id="g">{}{}</group>"#, dummy("g1", &params(r#"<nvpair id="x" name="p" value="1"/>"#)), dummy("g2", ""));
        let old = cluster(&format!("{clone}{group}"), r#"<rsc_location id="l" rsc="c" node="n1" score="10"/>"#, &["ci", "g1", "g2"]);
        let new_group = format!(r#"<group id="g">{}{}</group>"#, dummy("g1", &params(r#"<nvpair id="x" name="p" value="2"/>"#)), dummy("g2", ""));
        let new = compiled(&format!("{clone}{new_group}"), r#"<rsc_location id="l" rsc="c" node="n1" score="20"/>"#);
        let mut plan = plan(&new, &old, &no_agents).unwrap().plan;
        let (effect, conditional, reason) = effect_of(&plan, "c");
        assert_eq!((effect, conditional), (Effect::Restart, true));
        assert!(reason.contains("cloned"), "{reason}");
        assert_eq!(plan.constraints[0].details, vec!["score: \"10\" -> \"20\""]);
        let action = |verb: &str, rsc: &str| TransitionAction {
            action: verb.to_string(),
            resource: Some(rsc.to_string()),
            from: Some("n1".to_string()),
            to: None,
            role: None,
            next_role: None,
            reason: None,
            blocked: false,
        };
        plan.reconcile(vec![action("restart", "g1"), action("restart", "g2")], &old);
        let g1 = plan.changes.iter().find(|c| c.resource == "g1").unwrap();
        assert_eq!((g1.scheduler, g1.agrees), (Some(Effect::Restart), Some(true)));
        let c = plan.changes.iter().find(|c| c.resource == "c").unwrap();
        assert_eq!(c.agrees, Some(true), "not moved is consistent with a conditional prediction");
        assert_eq!(plan.side_effects.len(), 1);
        assert_eq!(plan.side_effects[0].note.as_deref(), Some("not changed by the policy: it follows g1 in group g"));
    }

    #[test]
    fn a_migration_the_scheduler_turns_into_a_restart_names_the_ordering() {
        let migratable = r#"<meta_attributes id="m"><nvpair id="m1" name="allow-migrate" value="true"/></meta_attributes>"#;
        let resources = format!("{}{}", dummy("fs", ""), dummy("vm", migratable));
        let order = r#"<rsc_order id="fs-then-vm" first="fs" then="vm"/>"#;
        let old = cluster(&resources, &format!(r#"{order}<rsc_location id="l" rsc="vm" node="n1" score="10"/>"#), &["fs", "vm"]);
        let new = compiled(&resources, &format!(r#"{order}<rsc_location id="l" rsc="vm" node="n1" score="-10"/>"#));
        let mut plan = plan(&new, &old, &no_agents).unwrap().plan;
        assert_eq!(effect_of(&plan, "vm").0, Effect::Migrate, "without a colocation, fs need not move with vm");
        let moved = TransitionAction {
            action: "move".to_string(),
            resource: Some("vm".to_string()),
            from: Some("n1".to_string()),
            to: Some("n2".to_string()),
            role: None,
            next_role: None,
            reason: Some("unrunnable fs stop".to_string()),
            blocked: false,
        };
        plan.reconcile(vec![moved], &old);
        let vm = plan.changes.iter().find(|c| c.resource == "vm").unwrap();
        assert_eq!((vm.scheduler, vm.agrees), (Some(Effect::Restart), Some(false)));
        assert!(vm.note.as_deref().unwrap().starts_with("fs-then-vm orders it after fs"), "{:?}", vm.note);
    }

    #[test]
    fn a_node_with_another_id_is_a_conflict() {
        let old = cluster("", "", &[]);
        let new = r#"<cib><configuration><crm_config/><nodes><node id="n1" uname="n1"/></nodes><resources/><constraints/></configuration></cib>"#;
        let plan = plan(new, &old, &no_agents).unwrap().plan;
        assert_eq!(plan.conflicts.len(), 1);
        assert!(plan.conflicts[0].contains("node n1 id=1"), "{:?}", plan.conflicts);
    }
}
