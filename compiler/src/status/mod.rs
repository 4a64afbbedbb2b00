//! The runtime state recorded in a CIB's `<status>` section, read the way Pacemaker's scheduler
//! reads it (in simplified form): which nodes are online, unclean, in standby or maintenance;
//! where each resource is active and in which role; failed operations; pending starts; partial,
//! dangling and failed live migrations.
//!
//! It owns only reading: what the state means for a migration is `analysis::migration`'s
//! business. Node membership follows Pacemaker 2.1's rules for `in_ccm`/`crmd`/`join`/`expected`
//! (booleans or, since 2.1.7, timestamps). A resource's history on a node is replayed in call-id
//! order: a success sets the role, a failure marks the resource failed until a later start, stop,
//! promote, migrate_from or matching monitor clears it, and a pending start marks it pending.

use std::collections::BTreeMap;

use crate::cib::XmlElement;

/// A resource's role on one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Started,
    Unpromoted,
    Promoted,
}

impl Role {
    pub fn describe(self) -> &'static str {
        match self {
            Role::Started => "Started",
            Role::Unpromoted => "Unpromoted",
            Role::Promoted => "Promoted",
        }
    }
}

/// One node as the status section describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeStatus {
    pub name: String,
    pub online: bool,
    /// Lost without being fenced: Pacemaker must fence it before anything runs or moves there.
    pub unclean: bool,
    pub standby: bool,
    pub maintenance: bool,
    pub shutdown: bool,
}

/// A failed operation in a resource's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedOp {
    pub node: String,
    pub operation: String,
    pub interval_ms: u64,
    pub rc: i32,
    pub op_status: i32,
}

impl FailedOp {
    pub fn describe(&self) -> String {
        let interval = if self.interval_ms > 0 { format!(" (every {} ms)", self.interval_ms) } else { String::new() };
        let why = if self.op_status != 0 { format!("did not complete (status {})", self.op_status) } else { format!("returned {}", self.rc) };
        format!("{}{interval} {why} on {}", self.operation, self.node)
    }
}

/// A live migration the history shows unfinished or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrationState {
    /// migrate_to succeeded, migrate_from has not run: the resource is active on both nodes.
    Partial { source: String, target: String },
    /// migrate_to and migrate_from succeeded, the stop on the source is missing.
    Dangling { source: String, target: String },
    /// migrate_to failed on the source.
    FailedTo { source: String, target: String },
    /// migrate_from failed on the target.
    FailedFrom { source: String, target: String },
    /// migrate_to succeeded, but the target is gone: Pacemaker marks the resource failed and no
    /// longer allows it to migrate.
    Abandoned { source: String, target: String },
}

impl MigrationState {
    pub fn describe(&self) -> String {
        match self {
            MigrationState::Partial { source, target } => format!("a migration from {source} to {target} is half done (migrate_to ran, migrate_from did not)"),
            MigrationState::Dangling { source, target } => format!("a migration from {source} to {target} still needs its stop on {source}"),
            MigrationState::FailedTo { source, target } => format!("migrate_to from {source} to {target} failed"),
            MigrationState::FailedFrom { source, target } => format!("migrate_from on {target} (from {source}) failed"),
            MigrationState::Abandoned { source, target } => format!("a migration from {source} to {target} cannot finish: {target} is gone"),
        }
    }
}

/// What the history says about one resource (clone instances merged under the primitive's id).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceStatus {
    /// Nodes it is active on, with its role there.
    pub active_on: Vec<(String, Role)>,
    /// Failures not cleared by a later operation.
    pub failures: Vec<FailedOp>,
    /// Failures of operations with `on-fail=ignore`: recorded, but they change nothing.
    pub ignored_failures: Vec<FailedOp>,
    /// Failures whose on-fail is `block`: Pacemaker leaves the resource alone.
    pub blocked: bool,
    /// A start recorded as pending, on this node.
    pub start_pending: Option<String>,
    pub migrations: Vec<MigrationState>,
}

/// The status section of a CIB.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClusterStatus {
    pub nodes: Vec<NodeStatus>,
    pub resources: BTreeMap<String, ResourceStatus>,
}

impl ClusterStatus {
    pub fn node(&self, name: &str) -> Option<&NodeStatus> {
        self.nodes.iter().find(|n| n.name == name)
    }

    pub fn resource(&self, id: &str) -> Option<&ResourceStatus> {
        self.resources.get(id)
    }
}

fn truthy(value: &str) -> bool {
    matches!(value.to_ascii_lowercase().as_str(), "true" | "on" | "yes" | "y" | "1")
}

/// A membership attribute: `true`/`online` or a timestamp above 0 is up.
fn member_since(value: Option<&str>) -> Option<bool> {
    let value = value?;
    Some(match value {
        "true" | "online" => true,
        "false" | "offline" => false,
        other => other.parse::<i64>().is_ok_and(|n| n > 0),
    })
}

/// The `name=value` pairs of the `instance_attributes` of an element (nodes and transient
/// attributes), first value of a name wins.
fn attributes(element: &XmlElement, out: &mut BTreeMap<String, String>) {
    for set in element.children_named("instance_attributes") {
        for pair in set.children_named("nvpair") {
            if let (Some(name), Some(value)) = (pair.value("name"), pair.value("value")) {
                out.entry(name.to_string()).or_insert_with(|| value.to_string());
            }
        }
    }
}

/// The value of a cluster option in `crm_config`.
fn cluster_option<'a>(root: &'a XmlElement, name: &str) -> Option<&'a str> {
    let config = root.child("configuration")?.child("crm_config")?;
    config
        .children_named("cluster_property_set")
        .flat_map(|s| s.children_named("nvpair"))
        .find(|p| p.value("name") == Some(name))
        .and_then(|p| p.value("value"))
}

/// Reads the status section of a CIB; `None` when it has none (or an empty one).
pub fn read(root: &XmlElement) -> Option<ClusterStatus> {
    let status = root.child("status")?;
    status.elements().next()?;
    let fencing = cluster_option(root, "stonith-enabled").is_none_or(truthy);
    let mut out = ClusterStatus::default();

    // Nodes: every configured node, then what the status says of it.
    let mut configured: Vec<(String, Option<String>, BTreeMap<String, String>)> = Vec::new();
    if let Some(nodes) = root.child("configuration").and_then(|c| c.child("nodes")) {
        for node in nodes.children_named("node") {
            let Some(name) = node.value("uname").or(node.value("id")) else { continue };
            let mut attrs = BTreeMap::new();
            attributes(node, &mut attrs);
            configured.push((name.to_string(), node.value("id").map(str::to_string), attrs));
        }
    }
    let states: Vec<&XmlElement> = status.children_named("node_state").collect();
    for (name, id, attrs) in &configured {
        let state = states.iter().find(|s| s.value("uname") == Some(name.as_str()) || (id.is_some() && s.value("id") == id.as_deref()));
        let mut attrs = attrs.clone();
        if let Some(transient) = state.and_then(|s| s.child("transient_attributes")) {
            let mut live = BTreeMap::new();
            attributes(transient, &mut live);
            attrs.extend(live);
        }
        let mut node = NodeStatus {
            name: name.clone(),
            standby: attrs.get("standby").is_some_and(|v| truthy(v)),
            maintenance: attrs.get("maintenance").is_some_and(|v| truthy(v)),
            shutdown: attrs.get("shutdown").is_some_and(|v| v != "0"),
            ..NodeStatus::default()
        };
        match state {
            None => node.unclean = fencing && cluster_option(root, "startup-fencing").is_none_or(truthy),
            Some(state) => membership(state, fencing, &mut node),
        }
        // Fencing was requested for it (`crm_node --fence` sets `terminate`).
        if attrs.get("terminate").is_some_and(|v| truthy(v) || v.parse::<i64>().is_ok_and(|n| n > 0)) {
            node.unclean = true;
        }
        out.nodes.push(node);
    }
    // Remote and guest nodes have node_states (with remote_node="true") but no configured node.
    for state in &states {
        let Some(name) = state.value("uname").or(state.value("id")) else { continue };
        if out.node(name).is_none() && state.value("remote_node").is_some_and(truthy) {
            out.nodes.push(NodeStatus { name: name.to_string(), online: true, ..NodeStatus::default() });
        }
    }

    let on_fail = configured_on_fail(root);
    let mut histories: Vec<History<'_>> = Vec::new();
    for state in &states {
        let Some(node) = state.value("uname").or(state.value("id")) else { continue };
        let Some(resources) = state.child("lrm").and_then(|l| l.child("lrm_resources")) else { continue };
        for resource in resources.children_named("lrm_resource") {
            let Some(id) = resource.value("id") else { continue };
            let mut ops: Vec<&XmlElement> = resource.children_named("lrm_rsc_op").collect();
            // Pending operations have call-id -1 and sort last, as Pacemaker sorts them.
            ops.sort_by_key(|op| op.value("call-id").and_then(|c| c.parse::<i64>().ok()).map_or(i64::MAX, |c| if c < 0 { i64::MAX } else { c }));
            histories.push(History { node, id, ops });
        }
    }
    for history in &histories {
        replay(history, &histories, &on_fail, &mut out);
    }
    Some(out)
}

fn membership(state: &XmlElement, fencing: bool, node: &mut NodeStatus) {
    let member = member_since(state.value("in_ccm")).unwrap_or(false);
    let online = member_since(state.value("crmd")).unwrap_or(false);
    let join = state.value("join").unwrap_or("");
    let expected = state.value("expected").unwrap_or("");
    if node.shutdown {
        node.online = online;
        return;
    }
    if !fencing {
        node.online = member && online && join == "member";
        // A member whose controller vanished while it was expected up is still unclean.
        node.unclean = member && !online && expected == "member";
        return;
    }
    if join == "nack" {
        node.unclean = true;
    } else if expected == "down" || expected.is_empty() {
        // Expected down: offline, or joining.
    } else if !member || !online {
        node.unclean = true;
    } else if join != "member" {
        // pending or down: not ready yet
    }
    node.online = member && join == "member" && !node.unclean;
}

/// One resource's history on one node.
struct History<'a> {
    node: &'a str,
    id: &'a str,
    ops: Vec<&'a XmlElement>,
}

/// The on-fail configured for (resource, operation, interval ms).
fn configured_on_fail(root: &XmlElement) -> BTreeMap<(String, String, u64), String> {
    let mut out = BTreeMap::new();
    let Some(resources) = root.child("configuration").and_then(|c| c.child("resources")) else { return out };
    let mut stack: Vec<&XmlElement> = vec![resources];
    while let Some(element) = stack.pop() {
        if element.name == "primitive" {
            let Some(id) = element.value("id") else { continue };
            for op in element.child("operations").into_iter().flat_map(|o| o.children_named("op")) {
                if let (Some(name), Some(on_fail)) = (op.value("name"), op.value("on-fail")) {
                    let interval = op.value("interval").and_then(|i| crate::values::parse_duration(i).ok()).map_or(0, |d| d.pacemaker_ms.unwrap_or(d.ms));
                    out.insert((id.to_string(), name.to_string(), interval), on_fail.to_string());
                }
            }
        }
        stack.extend(element.elements());
    }
    out
}

/// The primitive a history id belongs to: clone instances are `id:N`.
fn primitive_id(id: &str) -> &str {
    match id.rsplit_once(':') {
        Some((base, n)) if n.chars().all(|c| c.is_ascii_digit()) => base,
        _ => id,
    }
}

fn int(op: &XmlElement, name: &str) -> Option<i64> {
    op.value(name).and_then(|v| v.parse::<i64>().ok())
}

/// The result the scheduler expected, from the transition key `action:transition:rc:uuid`.
fn expected_rc(op: &XmlElement) -> i64 {
    op.value("transition-key").and_then(|k| k.split(':').nth(2)).and_then(|rc| rc.parse().ok()).unwrap_or(0)
}

fn is_pending(op: &XmlElement) -> bool {
    int(op, "op-status") == Some(-1) || int(op, "call-id") == Some(-1)
}

/// Replays one history into the resource's status.
fn replay(history: &History<'_>, all: &[History<'_>], on_fail: &BTreeMap<(String, String, u64), String>, out: &mut ClusterStatus) {
    let id = primitive_id(history.id).to_string();
    let node = history.node.to_string();
    let mut role: Option<Role> = None;
    let mut failures: Vec<FailedOp> = Vec::new();
    let mut ignored: Vec<FailedOp> = Vec::new();
    let mut blocked = false;
    let mut start_pending = false;
    let mut migrations: Vec<MigrationState> = Vec::new();
    let mut extra_active: Vec<String> = Vec::new();
    for (index, op) in history.ops.iter().enumerate() {
        let operation = op.value("operation").unwrap_or("");
        let interval = int(op, "interval").and_then(|i| u64::try_from(i).ok()).unwrap_or(0);
        let rc = int(op, "rc-code").unwrap_or(0);
        let op_status = int(op, "op-status").unwrap_or(0);
        if operation == "notify" || op_status == 1 {
            continue; // notifications and cancelled operations say nothing about the state
        }
        if is_pending(op) {
            match operation {
                "start" => {
                    start_pending = true;
                    role = role.or(Some(Role::Started));
                }
                "promote" => role = Some(Role::Promoted),
                _ => {}
            }
            continue;
        }
        let expected = expected_rc(op);
        let probe = operation == "monitor" && interval == 0;
        // rc 7 (not running) answers a probe; rc 5 (not installed) counts as stopped there.
        if rc == 7 && (probe || expected == 7) && op_status == 0 {
            role = None;
            failures.clear();
            continue;
        }
        let success = op_status == 0 && (rc == expected || (rc == 0 && expected == 7) || (rc == 8 && operation == "monitor"));
        if !success {
            let failed = FailedOp {
                node: node.clone(),
                operation: operation.to_string(),
                interval_ms: interval,
                rc: i32::try_from(rc).unwrap_or(-1),
                op_status: i32::try_from(op_status).unwrap_or(-1),
            };
            let configured = on_fail.get(&(id.clone(), operation.to_string(), interval)).map(String::as_str);
            match configured {
                Some("ignore") => {
                    ignored.push(failed);
                    continue;
                }
                Some("block") => blocked = true,
                _ => {}
            }
            match operation {
                "migrate_to" => {
                    let target = op.value("migrate_target").unwrap_or("").to_string();
                    if target_online(out, &target) {
                        extra_active.push(target.clone());
                    }
                    migrations.push(MigrationState::FailedTo { source: node.clone(), target });
                    role = Some(Role::Started);
                }
                "migrate_from" => {
                    let source = op.value("migrate_source").unwrap_or("").to_string();
                    migrations.push(MigrationState::FailedFrom { source, target: node.clone() });
                    role = Some(Role::Started);
                }
                "stop" => role = role.or(Some(Role::Started)),
                "start" => role = Some(Role::Started),
                "monitor" if rc == 8 => role = Some(Role::Promoted),
                "monitor" if rc == 7 || rc == 5 => role = None,
                "demote" => role = Some(Role::Promoted),
                "promote" => role = Some(Role::Promoted),
                _ => role = role.or(Some(Role::Started)),
            }
            failures.push(failed);
            continue;
        }
        // A success: the role it leaves, and whether it clears earlier failures.
        match operation {
            "start" | "migrate_from" => {
                // A fresh start (or a finished migration) supersedes failures and migrations before it.
                role = Some(Role::Started);
                failures.clear();
                blocked = false;
                migrations.clear();
                extra_active.clear();
            }
            "stop" => {
                role = None;
                failures.clear();
                blocked = false;
                migrations.clear();
                extra_active.clear();
            }
            "promote" => {
                role = Some(Role::Promoted);
                failures.clear();
            }
            "demote" => role = Some(Role::Unpromoted),
            "monitor" => {
                failures.retain(|f| !(f.operation == "monitor" && f.interval_ms == interval));
                role = Some(match (rc, role) {
                    (8, _) => Role::Promoted,
                    (_, Some(r)) => r,
                    (_, None) => Role::Started,
                });
            }
            "migrate_to" => {
                let later_change =
                    history.ops.get(index + 1..).unwrap_or_default().iter().any(|o| o.value("operation").is_some_and(|n| n != "monitor" && n != "notify"));
                migrate_to_succeeded(history, op, all, out, later_change, &mut role, &mut migrations, &mut extra_active);
            }
            _ => role = role.or(Some(Role::Started)),
        }
    }
    let entry = out.resources.entry(id).or_default();
    if let Some(role) = role {
        if !entry.active_on.iter().any(|(n, _)| n == &node) {
            entry.active_on.push((node.clone(), role));
        }
    }
    for extra in extra_active {
        if !entry.active_on.iter().any(|(n, _)| n == &extra) {
            entry.active_on.push((extra, Role::Started));
        }
    }
    entry.failures.extend(failures);
    entry.ignored_failures.extend(ignored);
    entry.blocked |= blocked;
    if start_pending {
        entry.start_pending = Some(node);
    }
    entry.migrations.extend(migrations);
}

fn target_online(out: &ClusterStatus, target: &str) -> bool {
    out.node(target).is_some_and(|n| n.online)
}

/// A successful migrate_to on the source: finished, half done, dangling or abandoned, depending
/// on what the target's history shows.
#[allow(clippy::too_many_arguments, reason = "one step of the replay, kept together for reading")]
fn migrate_to_succeeded(
    history: &History<'_>,
    op: &XmlElement,
    all: &[History<'_>],
    out: &ClusterStatus,
    later_change_on_source: bool,
    role: &mut Option<Role>,
    migrations: &mut Vec<MigrationState>,
    extra_active: &mut Vec<String>,
) {
    let source = history.node.to_string();
    let Some(target) = op.value("migrate_target").map(str::to_string) else { return };
    let on_target = all.iter().find(|h| h.node == target && primitive_id(h.id) == primitive_id(history.id));
    let migrate_from =
        on_target.and_then(|h| h.ops.iter().find(|o| o.value("operation") == Some("migrate_from") && o.value("migrate_source") == Some(source.as_str())));
    let changed_at = |o: &XmlElement| int(o, "last-rc-change").unwrap_or(0);
    let since = migrate_from.map_or(changed_at(op), |m| changed_at(m));
    let target_newer = on_target.is_some_and(|h| {
        h.ops.iter().any(|o| {
            let name = o.value("operation").unwrap_or("");
            (name == "start" || name == "stop" || (name == "monitor" && o.value("interval") == Some("0"))) && changed_at(o) > since
        })
    });
    if let Some(from) = migrate_from {
        if later_change_on_source {
            return; // a newer operation on the source makes this migration history
        }
        if int(from, "rc-code") == Some(0) && int(from, "op-status") == Some(0) {
            migrations.push(MigrationState::Dangling { source: source.clone(), target });
            *role = None;
            return;
        }
    }
    if later_change_on_source && target_newer {
        return;
    }
    *role = Some(Role::Started);
    let online = target_online(out, &target);
    if migrate_from.is_some_and(|m| !is_pending(m)) {
        // migrate_from failed on the target: its own history records that.
        if online && !target_newer {
            extra_active.push(target);
        }
        return;
    }
    if online && on_target.is_none() {
        return; // cleaned up on the target: Pacemaker probes it first
    }
    if online && !target_newer {
        extra_active.push(target.clone());
        if out.node(&source).is_some_and(|n| n.online) {
            migrations.push(MigrationState::Partial { source, target });
        }
    } else if !later_change_on_source {
        migrations.push(MigrationState::Abandoned { source, target });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
    use super::*;

    fn status(xml: &str) -> ClusterStatus {
        read(&crate::cib::read_xml(xml).unwrap()).unwrap()
    }

    const NODES: &str = r#"<configuration><crm_config/><nodes><node id="1" uname="n1"/><node id="2" uname="n2"/><node id="3" uname="n3"/></nodes><resources/><constraints/></configuration>"#;

    fn state(node: &str, id: &str, lrm: &str) -> String {
        format!(
            r#"<node_state id="{id}" uname="{node}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="{id}"><lrm_resources>{lrm}</lrm_resources></lrm></node_state>"#
        )
    }

    fn op(rsc_op: &str, call: i32, rc: i32, status: i32, extra: &str) -> String {
        let (operation, interval) = rsc_op.split_once('_').unwrap();
        format!(
            r#"<lrm_rsc_op id="r_{rsc_op}" operation="{operation}" interval="{interval}" call-id="{call}" rc-code="{rc}" op-status="{status}" transition-key="1:1:0:x" last-rc-change="{call}" {extra}/>"#
        )
    }

    #[test]
    fn nodes_lost_without_fencing_are_unclean_and_unseen_nodes_too() {
        let xml = format!(
            r#"<cib>{NODES}<status>{}<node_state id="2" uname="n2" in_ccm="false" crmd="offline" join="down" expected="member"/></status></cib>"#,
            state("n1", "1", "")
        );
        let s = status(&xml);
        assert!(s.node("n1").unwrap().online);
        assert!(s.node("n2").unwrap().unclean);
        assert!(s.node("n3").unwrap().unclean, "startup-fencing: a node never seen is unclean");
    }

    #[test]
    fn a_failed_monitor_is_cleared_by_a_later_stop_and_start() {
        let lrm = format!(
            r#"<lrm_resource id="vm" class="ocf" provider="heartbeat" type="Dummy">{}{}</lrm_resource>"#,
            op("start_0", 2, 0, 0, ""),
            op("monitor_10000", 3, 7, 0, "")
        );
        let s = status(&format!(r#"<cib>{NODES}<status>{}</status></cib>"#, state("n1", "1", &lrm)));
        assert_eq!(s.resource("vm").unwrap().failures.len(), 1);
        let lrm = format!(
            r#"<lrm_resource id="vm" class="ocf" provider="heartbeat" type="Dummy">{}{}{}{}</lrm_resource>"#,
            op("start_0", 2, 0, 0, ""),
            op("monitor_10000", 3, 7, 0, ""),
            op("stop_0", 4, 0, 0, ""),
            op("start_0", 5, 0, 0, "")
        );
        let s = status(&format!(r#"<cib>{NODES}<status>{}</status></cib>"#, state("n1", "1", &lrm)));
        let vm = s.resource("vm").unwrap();
        assert!(vm.failures.is_empty());
        assert_eq!(vm.active_on, vec![("n1".to_string(), Role::Started)]);
    }

    #[test]
    fn a_migrate_to_without_migrate_from_is_a_partial_migration() {
        let lrm = format!(
            r#"<lrm_resource id="vm" class="ocf" provider="heartbeat" type="Dummy">{}{}</lrm_resource>"#,
            op("start_0", 2, 0, 0, ""),
            op("migrate_to_0", 3, 0, 0, r#"migrate_source="n1" migrate_target="n2""#)
                .replace("operation=\"migrate\" interval=\"to_0\"", "operation=\"migrate_to\" interval=\"0\"")
        );
        let target = r#"<lrm_resource id="vm" class="ocf" provider="heartbeat" type="Dummy"><lrm_rsc_op id="vm_monitor_0" operation="monitor" interval="0" call-id="1" rc-code="7" op-status="0" transition-key="1:1:7:x" last-rc-change="1"/></lrm_resource>"#;
        let s = status(&format!(r#"<cib>{NODES}<status>{}{}</status></cib>"#, state("n1", "1", &lrm), state("n2", "2", target)));
        let vm = s.resource("vm").unwrap();
        assert_eq!(vm.migrations, vec![MigrationState::Partial { source: "n1".into(), target: "n2".into() }]);
        assert_eq!(vm.active_on.len(), 2);
    }
}
