//! Live migration, per primitive: Pacemaker's documented checklist with a reason for each item,
//! what the scheduler would really do if the resource alone moved now, and the dependencies that
//! turn a migration into a restart when they move too.
//!
//! The documentation's checklist (not in a clone, OCF class, an agent with `migrate_to` and
//! `migrate_from`, `allow-migrate`, healthy, no dependency forcing a restart) is stricter than the
//! scheduler, which only looks at the `allow-migrate` flag (true by default for remote
//! connections), whether the resource is managed, failed, start-pending or half-migrated, and
//! whether its nodes are clean. So `will_migrate_alone` follows the scheduler — it plans
//! `migrate_to` for an IPaddr2 with `allow-migrate` — while the checklist says that such a
//! migration then fails. This module is the single source of truth: HP2201 and HP2202
//! (`checks::migration`) report from it, and `hapolicy migration` prints it.

use std::collections::BTreeSet;

use crate::diagnostics::FileId;
use crate::model::{meta_value, Model, SymbolKind};
use crate::span::Span;
use crate::status::{ClusterStatus, MigrationState};
use crate::syntax::ast::{Assign, DefaultsKind, ItemKind, ResourceSet, RscRef, Spanned};
use crate::values;

/// The checklist items (stable keys, used in JSON), in the order they are reported.
pub const ITEM_NOT_CLONED: &str = "not-cloned";
pub const ITEM_OCF: &str = "ocf-class";
pub const ITEM_AGENT: &str = "agent-migrate-actions";
pub const ITEM_ALLOW: &str = "allow-migrate";
pub const ITEM_MANAGED: &str = "managed";
pub const ITEM_HEALTHY: &str = "healthy";
pub const ITEM_DEPENDENCIES: &str = "no-restart-dependency";

/// How an item reads for a person.
pub fn item_label(item: &str) -> &'static str {
    match item {
        ITEM_NOT_CLONED => "not in a clone or bundle",
        ITEM_OCF => "OCF resource class",
        ITEM_AGENT => "agent advertises migrate_to and migrate_from",
        ITEM_ALLOW => "allow-migrate is true",
        ITEM_MANAGED => "managed by Pacemaker",
        ITEM_HEALTHY => "healthy",
        ITEM_DEPENDENCIES => "no dependency forces a restart",
        _ => "check",
    }
}

/// One item of the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    pub item: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// How a dependency turns a migration into a restart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RiskKind {
    /// Ordered (start then start) after a resource that cannot migrate.
    OrderedAfter,
    /// Placed in a group after a member that cannot migrate.
    GroupMemberBefore,
    /// Ordered after a clone: when one of its instances moves (stops and starts), dependents restart.
    OrderedAfterClone,
}

impl RiskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskKind::OrderedAfter => "ordered-after",
            RiskKind::GroupMemberBefore => "group-member-before",
            RiskKind::OrderedAfterClone => "ordered-after-clone",
        }
    }
}

/// A dependency that would turn this resource's migration into a restart if it moved too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestartRisk {
    /// The resource depended on (as named in the constraint or group).
    pub dependency: String,
    pub kind: RiskKind,
    /// The constraint that creates the dependency, when it is one.
    pub constraint: Option<String>,
    pub detail: String,
    /// Where the dependent is named (the `then` of the order, or the group member), and as what.
    pub at: Option<(FileId, Span, String)>,
}

/// The analysis of one primitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceMigration {
    pub id: String,
    /// `allow-migrate` as Pacemaker resolves it (own, inherited, template, rsc-defaults, the
    /// remote-connection default).
    pub allow_migrate: bool,
    /// Whether the agent's metadata advertises both migrate actions; `None` when it is unknown.
    pub agent_supports_migration: Option<bool>,
    /// Whether Pacemaker's scheduler would live-migrate the resource if it alone were moved now.
    pub will_migrate_alone: bool,
    pub checklist: Vec<ChecklistItem>,
    pub restart_risks: Vec<RestartRisk>,
    /// Whether the primitive's agent (its class) is known at all.
    pub agent_known: bool,
}

impl ResourceMigration {
    pub fn item(&self, name: &str) -> Option<&ChecklistItem> {
        self.checklist.iter().find(|i| i.item == name)
    }

    /// The first static reason (clone, class, agent) why a migration would fail at runtime.
    pub fn static_obstacle(&self) -> Option<&ChecklistItem> {
        self.checklist
            .iter()
            .find(|i| !i.ok && (i.item == ITEM_NOT_CLONED || i.item == ITEM_OCF || (i.item == ITEM_AGENT && self.agent_supports_migration == Some(false))))
    }

    /// allow-migrate is set and nothing static stands in the way.
    pub fn can_live_migrate(&self) -> bool {
        self.allow_migrate && self.static_obstacle().is_none()
    }
}

/// The analysis of every primitive of a project, sorted by id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MigrationAnalysis {
    pub resources: Vec<ResourceMigration>,
}

impl MigrationAnalysis {
    pub fn resource(&self, id: &str) -> Option<&ResourceMigration> {
        // `analyze` sorts resources by id.
        self.resources.binary_search_by(|r| r.id.as_str().cmp(id)).ok().and_then(|i| self.resources.get(i))
    }

    /// `{"resources":[{"id","allow_migrate","agent_supports_migration","will_migrate_alone",
    /// "checklist":[{"item","ok","detail"}],"restart_risks":[{"dependency","kind","constraint","detail"}]}]}`
    pub fn to_json(&self) -> String {
        let resources: Vec<serde_json::Value> = self
            .resources
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "allow_migrate": r.allow_migrate,
                    "agent_supports_migration": r.agent_supports_migration,
                    "will_migrate_alone": r.will_migrate_alone,
                    "checklist": r.checklist.iter().map(|i| serde_json::json!({"item": i.item, "ok": i.ok, "detail": i.detail})).collect::<Vec<_>>(),
                    "restart_risks": r.restart_risks.iter().map(|k| serde_json::json!({
                        "dependency": k.dependency, "kind": k.kind.as_str(), "constraint": k.constraint, "detail": k.detail
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({ "resources": resources })).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// The checklist per resource, for a terminal.
    pub fn to_human(&self) -> String {
        let mut out = String::new();
        for r in &self.resources {
            let failing = |name: &str| r.item(name).is_some_and(|i| !i.ok);
            let verdict = if r.will_migrate_alone {
                "migrates if moved alone"
            } else if failing(ITEM_MANAGED) {
                "stays where it is: Pacemaker does not manage it"
            } else if r.item(ITEM_HEALTHY).is_some_and(|i| !i.ok && i.detail.starts_with("not running")) {
                "not running"
            } else {
                "does not migrate if moved: stopped, then started"
            };
            out.push_str(&format!("{}: {verdict}\n", r.id));
            for item in &r.checklist {
                out.push_str(&format!("  {} {}: {}\n", if item.ok { "✓" } else { "✗" }, item_label(item.item), item.detail));
            }
            for risk in &r.restart_risks {
                out.push_str(&format!("    restart risk ({}): {}\n", risk.kind.as_str(), risk.detail));
            }
            if r.will_migrate_alone && r.static_obstacle().is_some_and(|o| o.item != ITEM_NOT_CLONED) {
                out.push_str("  ! Pacemaker will plan migrate_to anyway, and it will fail on the node\n");
            }
            if !r.allow_migrate && r.agent_supports_migration == Some(true) && r.static_obstacle().is_none() {
                out.push_str("  hint: its agent can live-migrate; set `allow-migrate = true` to move it without a restart\n");
            }
            out.push('\n');
        }
        if self.resources.is_empty() {
            out.push_str("no primitives\n");
        }
        out
    }
}

/// Where `allow-migrate` comes from.
struct AllowMigrate {
    value: bool,
    source: String,
}

/// The meta attributes an item declares directly.
fn own_meta<'a>(model: &'a Model, name: &str, key: &str) -> Option<&'a str> {
    model.item_of(name).and_then(|(_, item)| item.kind.body()).and_then(|body| meta_value(body, key))
}

/// The resource, then its template, then each container: Pacemaker's meta-attribute inheritance.
fn lineage(model: &Model, primitive: &str) -> Vec<String> {
    let mut out = vec![primitive.to_string()];
    if let Some(template) = model.primitives.get(primitive).and_then(|p| p.template.clone()) {
        out.push(template);
    }
    let mut current = primitive.to_string();
    for _ in 0..4 {
        let Some(parent) = model.parent.get(current.as_str()) else { break };
        out.push(parent.to_string());
        current = parent.to_string();
    }
    out
}

/// An unconditioned `rsc-defaults` entry.
fn resource_default<'a>(model: &'a Model, key: &str) -> Option<&'a Assign> {
    model.option_items().find_map(|item| match &item.kind {
        ItemKind::Defaults { kind: DefaultsKind::Rsc, when, entries, .. } if when.is_empty() => entries.iter().find(|a| a.key.text == key),
        _ => None,
    })
}

fn cluster_option<'a>(model: &'a Model, key: &str) -> Option<&'a str> {
    model.option_items().find_map(|item| match &item.kind {
        ItemKind::Cluster { when, entries, .. } if when.is_empty() => entries.iter().find(|a| a.key.text == key).map(|a| a.value.text.as_str()),
        _ => None,
    })
}

fn truthy(text: &str) -> bool {
    values::parse_bool(text).unwrap_or(false)
}

fn allow_migrate(model: &Model, primitive: &str) -> AllowMigrate {
    for name in lineage(model, primitive) {
        if let Some(v) = own_meta(model, &name, "allow-migrate") {
            let whose = if name == primitive { "its own meta attribute".to_string() } else { format!("inherited from `{name}`") };
            return AllowMigrate { value: truthy(v), source: format!("allow-migrate = {v} ({whose})") };
        }
    }
    if let Some(default) = resource_default(model, "allow-migrate") {
        return AllowMigrate { value: truthy(&default.value.text), source: format!("allow-migrate = {} (from rsc-defaults)", default.value.text) };
    }
    let remote = model.primitives.get(primitive).and_then(|p| p.agent.as_ref()).is_some_and(crate::model::Agent::is_remote);
    if remote {
        return AllowMigrate { value: true, source: "remote connections (ocf:pacemaker:remote) migrate by default".to_string() };
    }
    AllowMigrate { value: false, source: "allow-migrate is not set (the default is false)".to_string() }
}

/// Why Pacemaker does not manage the resource, if it does not.
fn unmanaged(model: &Model, status: Option<&ClusterStatus>, primitive: &str) -> Option<String> {
    for name in lineage(model, primitive) {
        if let Some(v) = own_meta(model, &name, "is-managed").filter(|v| !truthy(v)) {
            return Some(format!("is-managed = {v} on `{name}`: Pacemaker leaves it where it is"));
        }
        if let Some(v) = own_meta(model, &name, "maintenance").filter(|v| truthy(v)) {
            return Some(format!("maintenance = {v} on `{name}`: Pacemaker leaves it where it is"));
        }
    }
    if let Some(d) = resource_default(model, "is-managed").filter(|d| !truthy(&d.value.text)) {
        return Some(format!("rsc-defaults sets is-managed = {}", d.value.text));
    }
    if cluster_option(model, "maintenance-mode").is_some_and(truthy) {
        return Some("the cluster is in maintenance-mode".to_string());
    }
    let state = status?.resource(primitive)?;
    if state.blocked {
        return Some("a failure with on-fail=block: Pacemaker leaves it alone until it is cleaned up".to_string());
    }
    let nodes = status?;
    state.active_on.iter().find(|(node, _)| nodes.node(node).is_some_and(|n| n.maintenance)).map(|(node, _)| format!("its node {node} is in maintenance"))
}

/// Why the recorded state keeps the scheduler from migrating, if it does; `Ok` carries the detail.
fn health(status: Option<&ClusterStatus>, primitive: &str, cloned: bool) -> Result<String, String> {
    let Some(status) = status else {
        return Ok("no status section: assumed running and healthy".to_string());
    };
    let Some(state) = status.resource(primitive).filter(|s| !s.active_on.is_empty()) else {
        return Err("not running: there is nothing to migrate".to_string());
    };
    if let Some(migration) = state.migrations.first() {
        let reason = match migration {
            MigrationState::Dangling { .. } => "the scheduler first stops it on the source",
            MigrationState::Partial { .. } => "the scheduler only finishes it, or recovers the resource elsewhere",
            _ => "the scheduler recovers it (stop everywhere, start) instead of migrating",
        };
        return Err(format!("{}; {reason}", migration.describe()));
    }
    if let Some(failure) = state.failures.first() {
        return Err(format!("failed: {} — a failed resource is recovered (stop, start), never migrated", failure.describe()));
    }
    if let Some(node) = &state.start_pending {
        return Err(format!("its start on {node} is still pending"));
    }
    if !cloned && state.active_on.len() > 1 {
        let nodes: Vec<&str> = state.active_on.iter().map(|(n, _)| n.as_str()).collect();
        return Err(format!("active on {} nodes ({}): Pacemaker stops it everywhere and starts it once", nodes.len(), nodes.join(", ")));
    }
    if let Some((node, _)) = state.active_on.iter().find(|(n, _)| status.node(n).is_some_and(|n| n.unclean)) {
        return Err(format!("its node {node} is unclean: it must be fenced first, then the resource starts elsewhere"));
    }
    let places: Vec<String> = state.active_on.iter().map(|(n, r)| format!("{} on {n}", r.describe())).collect();
    match state.ignored_failures.first() {
        Some(ignored) => Ok(format!("{}; {} (on-fail=ignore: it changes nothing)", places.join(", "), ignored.describe())),
        None => Ok(format!("{}, no failure recorded", places.join(", "))),
    }
}

/// What the scheduler alone decides for one primitive, without its dependencies.
struct SchedulerView {
    allow: AllowMigrate,
    unmanaged: Option<String>,
    health: Result<String, String>,
}

impl SchedulerView {
    fn migratable(&self) -> bool {
        self.allow.value && self.unmanaged.is_none() && self.health.is_ok()
    }
}

fn scheduler_view(model: &Model, status: Option<&ClusterStatus>, primitive: &str) -> SchedulerView {
    SchedulerView {
        allow: allow_migrate(model, primitive),
        unmanaged: unmanaged(model, status, primitive),
        health: health(status, primitive, model.enclosing_clone(primitive).is_some() || enclosing_bundle(model, primitive).is_some()),
    }
}

fn enclosing_bundle<'a>(model: &'a Model, name: &str) -> Option<&'a str> {
    let mut current = name;
    for _ in 0..4 {
        let parent = model.parent.get(current)?;
        if model.kind_of(parent) == Some(SymbolKind::Bundle) {
            return Some(parent);
        }
        current = parent;
    }
    None
}

/// Whether the scheduler would migrate every primitive of `name` (a primitive or a group).
fn all_migratable(model: &Model, status: Option<&ClusterStatus>, name: &str) -> bool {
    let primitives = model.primitives_in(name);
    !primitives.is_empty() && primitives.iter().all(|p| scheduler_view(model, status, p).migratable())
}

/// An ordering edge: `first` must start before `then` starts.
struct OrderEdge<'a> {
    constraint: &'a str,
    first: &'a str,
    first_action: &'a str,
    then: &'a Spanned,
    then_action: &'a str,
    file: FileId,
}

/// Orderings indexed by the resource that comes second.
type EdgesByThen<'a> = std::collections::HashMap<&'a str, Vec<OrderEdge<'a>>>;

fn action_of(r: &RscRef) -> &str {
    r.qualifier.as_ref().map_or("start", |q| q.text.as_str())
}

fn prop<'a>(props: &'a [Assign], key: &str) -> Option<&'a str> {
    props.iter().find(|p| p.key.text == key).map(|p| p.value.text.as_str())
}

/// Every mandatory, symmetrical ordering of the project, pairs and sets alike.
fn order_edges(model: &Model) -> Vec<OrderEdge<'_>> {
    let mut out = Vec::new();
    for (file, item) in model.orders.iter().filter_map(|&i| model.items.get(i)) {
        let ItemKind::Order { name, pair, props, sets } = &item.kind else { continue };
        // Only mandatory, symmetrical orders carry a restart over to the dependent: crm_simulate
        // migrates the dependent of an optional or asymmetrical order while its first restarts.
        // Serializing orders do not order starts at all.
        let kind = prop(props, "kind").map(str::to_ascii_lowercase);
        let optional = match kind.as_deref() {
            Some("optional" | "serialize") => true,
            Some(_) => false,
            None => prop(props, "score").is_some_and(|s| values::parse_score(s).is_ok_and(|n| n <= 0)),
        };
        if optional || prop(props, "symmetrical").is_some_and(|v| !truthy(v)) {
            continue;
        }
        if let Some((first, then)) = pair {
            // The then-action defaults to the first-action, as in Pacemaker.
            let first_action = action_of(first);
            let then_action = then.qualifier.as_ref().map_or(first_action, |q| q.text.as_str());
            out.push(OrderEdge { constraint: &name.text, first: &first.name.text, first_action, then: &then.name, then_action, file: *file });
        }
        fn action(set: &ResourceSet) -> &str {
            prop(&set.props, "action").unwrap_or("start")
        }
        let sequential = |set: &ResourceSet| prop(&set.props, "sequential").is_none_or(truthy);
        let mut previous: Option<&ResourceSet> = None;
        for set in sets {
            if sequential(set) {
                for pair in set.members.windows(2) {
                    if let [a, b] = pair {
                        out.push(OrderEdge {
                            constraint: &name.text,
                            first: &a.text,
                            first_action: action(set),
                            then: b,
                            then_action: action(set),
                            file: *file,
                        });
                    }
                }
            }
            if let Some(prev) = previous {
                // Every member of a set comes after the previous set (its last member when sequential).
                let firsts: Vec<&Spanned> = if sequential(prev) { prev.members.last().into_iter().collect() } else { prev.members.iter().collect() };
                let thens: Vec<&Spanned> = if sequential(set) { set.members.first().into_iter().collect() } else { set.members.iter().collect() };
                for a in &firsts {
                    for b in &thens {
                        out.push(OrderEdge {
                            constraint: &name.text,
                            first: &a.text,
                            first_action: action(prev),
                            then: b,
                            then_action: action(set),
                            file: *file,
                        });
                    }
                }
            }
            previous = Some(set);
        }
    }
    out
}

fn is_clone_like(model: &Model, name: &str) -> bool {
    matches!(model.kind_of(name), Some(SymbolKind::Clone | SymbolKind::Promotable | SymbolKind::Bundle))
}

/// The dependencies that turn `primitive`'s migration into a restart when they move too.
fn restart_risks(model: &Model, status: Option<&ClusterStatus>, primitive: &str, edges: &EdgesByThen<'_>) -> Vec<RestartRisk> {
    let mut risks = Vec::new();
    // Orderings on the primitive itself or on its group.
    let group = model.parent.get(primitive).filter(|g| model.kind_of(g) == Some(SymbolKind::Group));
    let mine = edges.get(primitive).into_iter().chain(group.and_then(|g| edges.get(g.as_str()))).flatten();
    for edge in mine {
        let targets_me = edge.then.text == primitive || group.is_some_and(|g| *g == edge.then.text);
        if !targets_me || edge.then_action != "start" || edge.first == primitive || group.is_some_and(|g| g == edge.first) {
            continue;
        }
        if !model.kind_of(edge.first).is_some_and(SymbolKind::is_resource) {
            continue;
        }
        let at = Some((edge.file, edge.then.span, edge.then.text.to_string()));
        if is_clone_like(model, edge.first) {
            if !matches!(edge.first_action, "start" | "promote") {
                continue;
            }
            risks.push(RestartRisk {
                dependency: edge.first.to_string(),
                kind: RiskKind::OrderedAfterClone,
                constraint: Some(edge.constraint.to_string()),
                detail: format!(
                    "ordered after the clone `{}` (`{}`): when one of its instances moves (stops here, starts there), `{primitive}` is restarted instead of migrated; instances that only stop do not matter",
                    edge.first, edge.constraint
                ),
                at,
            });
        } else if edge.first_action == "start" && !all_migratable(model, status, edge.first) {
            risks.push(RestartRisk {
                dependency: edge.first.to_string(),
                kind: RiskKind::OrderedAfter,
                constraint: Some(edge.constraint.to_string()),
                detail: format!(
                    "ordered after `{}` (`{}`), which cannot migrate: when both move, `{}` is stopped and started, and `{primitive}` with it",
                    edge.first, edge.constraint, edge.first
                ),
                at,
            });
        }
    }
    // Earlier members of its group that cannot migrate.
    if let Some(group) = group {
        if let Some((file, item)) = model.item_of(group) {
            if let ItemKind::Group { members, .. } = &item.kind {
                let me = members.iter().find(|m| m.text == primitive);
                for member in members.iter().take_while(|m| m.text != primitive) {
                    if !all_migratable(model, status, &member.text) {
                        risks.push(RestartRisk {
                            dependency: member.text.to_string(),
                            kind: RiskKind::GroupMemberBefore,
                            constraint: None,
                            detail: format!(
                                "`{}` comes before it in the group `{group}` and cannot migrate: it restarts, and every later member with it",
                                member.text
                            ),
                            at: me.map(|m| (*file, m.span, m.text.to_string())),
                        });
                    }
                }
            }
        }
    }
    risks
}

/// Analyses every primitive (not templates). `status` is the CIB's status section, when there is one.
pub fn analyze(model: &Model, status: Option<&ClusterStatus>) -> MigrationAnalysis {
    analyze_where(model, status, |_| true)
}

/// The analysis of the primitives that ask to migrate (allow-migrate as Pacemaker resolves it),
/// from the configuration alone: all the checks need, at a fraction of the cost on a cluster where
/// most resources never migrate.
pub fn analyze_migrating(model: &Model) -> MigrationAnalysis {
    analyze_where(model, None, |name| allow_migrate(model, name).value)
}

/// The same, for those of `candidates` that are primitives asking to migrate.
pub fn analyze_migrating_among<'m>(model: &'m Model, candidates: impl Iterator<Item = &'m str>) -> MigrationAnalysis {
    let names = candidates.filter(|n| model.kind_of(n) == Some(SymbolKind::Primitive) && allow_migrate(model, n).value).collect();
    analyze_names(model, None, names)
}

fn analyze_where(model: &Model, status: Option<&ClusterStatus>, wanted: impl Fn(&str) -> bool) -> MigrationAnalysis {
    let names = model.primitives.keys().map(|k| k.as_str()).filter(|n| model.kind_of(n) == Some(SymbolKind::Primitive) && wanted(n)).collect();
    analyze_names(model, status, names)
}

fn analyze_names<'m>(model: &'m Model, status: Option<&ClusterStatus>, mut names: Vec<&'m str>) -> MigrationAnalysis {
    names.sort_unstable();
    names.dedup();
    let edges = edges_to(model, &names);
    let resources = names.into_iter().map(|name| analyze_one(model, status, name, &edges)).collect();
    MigrationAnalysis { resources }
}

/// The orderings that can restart these primitives: those on them and on their groups.
fn edges_to<'m>(model: &'m Model, primitives: &[&str]) -> EdgesByThen<'m> {
    let mut thens: Vec<&str> = primitives.iter().flat_map(|p| std::iter::once(*p).chain(model.parent.get(*p).map(|p| p.as_str()))).collect();
    thens.sort_unstable();
    let mut edges: EdgesByThen<'_> = std::collections::HashMap::new();
    for edge in order_edges(model).into_iter().filter(|e| thens.binary_search(&e.then.text.as_str()).is_ok()) {
        edges.entry(edge.then.text.as_str()).or_default().push(edge);
    }
    edges
}

/// Analyses one primitive, from its configuration alone (for an editor's hover).
pub fn analyze_primitive(model: &Model, primitive: &str) -> Option<ResourceMigration> {
    if model.kind_of(primitive) != Some(SymbolKind::Primitive) {
        return None;
    }
    Some(analyze_one(model, None, primitive, &edges_to(model, &[primitive])))
}

/// Analyses a compiler's project: its model, and the status section of the first CIB file that
/// has one.
pub fn analyze_project(compiler: &crate::Compiler) -> MigrationAnalysis {
    let status = compiler
        .files()
        .iter()
        .filter(|(path, text)| crate::db::is_cib(path, text))
        .find_map(|(_, text)| crate::cib::read_xml(text).ok().and_then(|root| crate::status::read(&root)));
    analyze(compiler.model(), status.as_ref())
}

fn analyze_one(model: &Model, status: Option<&ClusterStatus>, primitive: &str, edges: &EdgesByThen<'_>) -> ResourceMigration {
    let view = scheduler_view(model, status, primitive);
    let agent = model.primitives.get(primitive).and_then(|p| p.agent.as_ref());
    let mut checklist = Vec::new();

    let container = model.enclosing_clone(primitive).map(|c| (c, "clone")).or_else(|| enclosing_bundle(model, primitive).map(|b| (b, "bundle")));
    checklist.push(match container {
        Some((name, what)) => {
            ChecklistItem { item: ITEM_NOT_CLONED, ok: false, detail: format!(
                    "it is inside the {what} `{name}`; Pacemaker's documentation rules {what} instances out of live migration (the scheduler still migrates an instance that moves)"
                ) }
        }
        None => ChecklistItem { item: ITEM_NOT_CLONED, ok: true, detail: "not inside a clone or bundle".to_string() },
    });

    checklist.push(match agent {
        Some(a) if a.is_ocf() => ChecklistItem { item: ITEM_OCF, ok: true, detail: format!("{} is an OCF agent", a.spec()) },
        Some(a) => ChecklistItem { item: ITEM_OCF, ok: false, detail: format!("its class is {}; only OCF agents can live-migrate", a.class) },
        None => ChecklistItem { item: ITEM_OCF, ok: false, detail: "its agent is unknown".to_string() },
    });

    let agent_supports = model.agent_of(primitive).map(|known| known.schema.migratable());
    let spec = agent.map_or_else(|| "its agent".to_string(), crate::model::Agent::spec);
    checklist.push(match agent_supports {
        Some(true) => ChecklistItem { item: ITEM_AGENT, ok: true, detail: format!("the metadata of {spec} lists both") },
        Some(false) => ChecklistItem { item: ITEM_AGENT, ok: false, detail: format!("its agent {spec} does not implement migrate_to and migrate_from") },
        None => ChecklistItem { item: ITEM_AGENT, ok: false, detail: format!("no metadata is known for {spec}: cannot tell") },
    });

    checklist.push(ChecklistItem { item: ITEM_ALLOW, ok: view.allow.value, detail: view.allow.source.clone() });
    checklist.push(match &view.unmanaged {
        Some(why) => ChecklistItem { item: ITEM_MANAGED, ok: false, detail: why.clone() },
        None => ChecklistItem { item: ITEM_MANAGED, ok: true, detail: "Pacemaker manages it".to_string() },
    });
    checklist.push(match &view.health {
        Ok(detail) => ChecklistItem { item: ITEM_HEALTHY, ok: true, detail: detail.clone() },
        Err(why) => ChecklistItem { item: ITEM_HEALTHY, ok: false, detail: why.clone() },
    });

    let risks = restart_risks(model, status, primitive, edges);
    let blocking: BTreeSet<&str> = risks.iter().map(|r| r.dependency.as_str()).collect();
    checklist.push(if risks.is_empty() {
        ChecklistItem { item: ITEM_DEPENDENCIES, ok: true, detail: "nothing it is ordered after or grouped behind forces a restart".to_string() }
    } else {
        ChecklistItem {
            item: ITEM_DEPENDENCIES,
            ok: false,
            detail: format!("it restarts instead of migrating when {} moves too", blocking.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(" or ")),
        }
    });

    // Moving a group member moves the members before it too: one that cannot migrate restarts
    // this one. Other dependencies stay put when the resource moves alone.
    let group_blocks = risks.iter().any(|r| r.kind == RiskKind::GroupMemberBefore);
    let will_migrate_alone = view.migratable() && !group_blocks;

    ResourceMigration {
        id: primitive.to_string(),
        allow_migrate: view.allow.value,
        agent_supports_migration: agent_supports,
        will_migrate_alone,
        checklist,
        restart_risks: risks,
        agent_known: agent.is_some(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    fn analysis(policy: &str) -> MigrationAnalysis {
        let mut compiler = crate::Compiler::default();
        compiler.set_file("p.hapolicy", policy.to_string());
        analyze(compiler.model(), None)
    }

    #[test]
    fn the_scheduler_migrates_what_the_checklist_says_will_fail() {
        let a = analysis("primitive ip: ocf:heartbeat:IPaddr2 { ip = \"192.0.2.1\"; meta { allow-migrate = true } }\n");
        let ip = a.resource("ip").unwrap();
        assert!(ip.will_migrate_alone);
        assert_eq!(ip.agent_supports_migration, Some(false));
        assert!(!ip.can_live_migrate());
    }

    #[test]
    fn remote_connections_migrate_by_default() {
        let a = analysis("primitive r1: ocf:pacemaker:remote { server = \"r1\" }\n");
        let r1 = a.resource("r1").unwrap();
        assert!(r1.allow_migrate && r1.will_migrate_alone && r1.can_live_migrate());
    }

    #[test]
    fn a_group_member_behind_one_that_cannot_migrate_restarts() {
        let a = analysis(
            "primitive a: ocf:heartbeat:Dummy { meta { allow-migrate = true } }\nprimitive b: ocf:heartbeat:Dummy\nprimitive c: ocf:heartbeat:Dummy { meta { allow-migrate = true } }\ngroup g [a, b, c]\n",
        );
        assert!(a.resource("a").unwrap().will_migrate_alone);
        assert!(!a.resource("b").unwrap().will_migrate_alone);
        let c = a.resource("c").unwrap();
        assert!(!c.will_migrate_alone);
        assert_eq!(c.restart_risks.first().map(|r| r.kind), Some(RiskKind::GroupMemberBefore));
    }

    /// One primitive's analysis (an editor's hover) sees orderings on its group too.
    #[test]
    fn one_primitives_analysis_sees_orders_on_its_group() {
        let policy = "primitive fs: ocf:heartbeat:Dummy\nprimitive vm: ocf:heartbeat:Dummy { meta { allow-migrate = true } }\ngroup g [vm]\norder fs-then-g: fs then g\n";
        let mut compiler = crate::Compiler::default();
        compiler.set_file("p.hapolicy", policy.to_string());
        let alone = analyze_primitive(compiler.model(), "vm").unwrap();
        assert_eq!(alone.restart_risks.len(), 1);
        assert_eq!(Some(&alone), analyze(compiler.model(), None).resource("vm"));
    }

    #[test]
    fn an_order_after_a_resource_that_cannot_migrate_is_a_risk_not_a_verdict() {
        let a =
            analysis("primitive fs: ocf:heartbeat:Dummy\nprimitive vm: ocf:heartbeat:Dummy { meta { allow-migrate = true } }\norder fs-then-vm: fs then vm\n");
        let vm = a.resource("vm").unwrap();
        assert!(vm.will_migrate_alone, "alone, with fs staying put, it migrates");
        assert_eq!(vm.restart_risks.len(), 1);
        assert!(!vm.item(ITEM_DEPENDENCIES).unwrap().ok);
    }
}
