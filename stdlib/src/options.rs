//! The option tables. Filled in from Pacemaker 2.1.5's own metadata and documentation (facts only).
//!
//! Sources of the facts: `pacemaker-schedulerd metadata`, `pacemaker-controld metadata` and
//! `pacemaker-based metadata` (2.1.5), the 2.1.5 sources that read the values (`unpack_config`,
//! `controld_control.c`, `pe__unpack_resource`, `clone_unpack`, `unpack_operation`,
//! `expand_remote_rsc_meta`), the pacemaker-3.9 schema and docs/pacemaker-reference.md §1.5 and §4.
//! The descriptions are this project's own words.
//!
//! Type choices worth knowing:
//! * Cluster "time" options validated and read with `crm_parse_interval_spec` are `Interval`;
//!   `stonith-watchdog-timeout` is read with `crm_get_msec`, so it is a `Timeout`.
//! * Cluster "integer" options that are really scores (the `node-health-*` values) are `Score`.
//! * `load-threshold` is a percentage (`80%`); there is no percentage type, so it is `Text`.
//! * `fence-reaction` is declared "string" by Pacemaker but only `stop` and `panic` mean anything
//!   (anything else is warned about and treated as `stop`), so it is a `Select`.
//! * `ordered` appears twice in `RESOURCE_META`: once for clones (current) and once for groups
//!   (deprecated). Names are unique per scope, not per table, so look it up together with its scope.
use crate::{OptionSpec, Scope, ValueType};

const NO_QUORUM_POLICIES: &[&str] = &["stop", "freeze", "ignore", "demote", "suicide"];
const FENCING_ACTIONS: &[&str] = &["reboot", "off", "poweroff"];
const FENCE_REACTIONS: &[&str] = &["stop", "panic"];
const HEALTH_STRATEGIES: &[&str] = &["none", "migrate-on-red", "only-green", "progressive", "custom"];
const PLACEMENT_STRATEGIES: &[&str] = &["default", "utilization", "minimal", "balanced"];
const REQUIRES: &[&str] = &["nothing", "quorum", "fencing", "unfencing"];
const MULTIPLE_ACTIVE: &[&str] = &["block", "stop_only", "stop_start", "stop_unexpected"];
const RESTART_TYPES: &[&str] = &["ignore", "restart"];
const ON_FAIL: &[&str] = &["ignore", "block", "demote", "stop", "restart", "standby", "fence", "restart-container"];

#[rustfmt::skip]
pub static CLUSTER_OPTIONS: &[OptionSpec] = &[
    // Written by the cluster itself.
    OptionSpec { name: "dc-version", ty: ValueType::Text, default: "", scope: Scope::Cluster, description: "Pacemaker version and build hash of the node currently elected DC. The controller writes it for diagnostics and overwrites anything you set.", deprecated: None },
    OptionSpec { name: "cluster-infrastructure", ty: ValueType::Text, default: "corosync", scope: Scope::Cluster, description: "Messaging layer the cluster runs on (corosync for every supported 2.1 stack). The controller records it for information; do not set it yourself.", deprecated: None },
    OptionSpec { name: "cluster-name", ty: ValueType::Text, default: "", scope: Scope::Cluster, description: "Free-form name of the cluster, normally written by pcs or crmsh at setup. Rules can test it through the #cluster-name node attribute.", deprecated: None },
    OptionSpec { name: "have-watchdog", ty: ValueType::Boolean, default: "false", scope: Scope::Cluster, description: "Written by the cluster: true when it detects SBD running. Configured values are ignored; together with diskless SBD and a nonzero stonith-watchdog-timeout it lets lost nodes be fenced by watchdog self-reset without a fence device.", deprecated: None },
    OptionSpec { name: "last-lrm-refresh", ty: ValueType::Text, default: "", scope: Scope::Cluster, description: "Epoch timestamp the cluster writes after a resource-history cleanup, only to trigger a new scheduler run. No component reads its value; do not set it.", deprecated: None },

    // Global behaviour.
    OptionSpec { name: "no-quorum-policy", ty: ValueType::Select(NO_QUORUM_POLICIES), default: "stop", scope: Scope::Cluster, description: "What a partition without quorum does: stop its resources, freeze (keep what runs, start nothing), ignore quorum, demote promoted instances and stop the rest, or suicide (fence all its nodes; without fencing this falls back to stop).", deprecated: None },
    OptionSpec { name: "symmetric-cluster", ty: ValueType::Boolean, default: "true", scope: Scope::Cluster, description: "When true, resources may run on any node unless a constraint forbids it (opt-out). When false, a resource runs only where a positive location constraint allows it (opt-in).", deprecated: None },
    OptionSpec { name: "maintenance-mode", ty: ValueType::Boolean, default: "false", scope: Scope::Cluster, description: "Puts every resource into maintenance: the cluster starts, stops and monitors nothing and leaves running services alone.", deprecated: None },
    OptionSpec { name: "stop-all-resources", ty: ValueType::Boolean, default: "false", scope: Scope::Cluster, description: "When true, the cluster stops every resource while keeping the configuration intact.", deprecated: None },
    OptionSpec { name: "placement-strategy", ty: ValueType::Select(PLACEMENT_STRATEGIES), default: "default", scope: Scope::Cluster, description: "How utilization attributes affect placement: default ignores them, utilization enforces node capacity, minimal also packs resources onto as few nodes as possible, balanced also spreads the load evenly.", deprecated: None },

    // Failures, probes and removed resources.
    OptionSpec { name: "start-failure-is-fatal", ty: ValueType::Boolean, default: "true", scope: Scope::Cluster, description: "When true, a single failed start sets the fail count to INFINITY and bans the resource from that node. When false, start failures count toward migration-threshold like other failures.", deprecated: None },
    OptionSpec { name: "enable-startup-probes", ty: ValueType::Boolean, default: "true", scope: Scope::Cluster, description: "Whether the cluster probes nodes (one-shot monitors) for already-running resources before it starts anything. Disabling it risks starting a second copy of a service.", deprecated: None },
    OptionSpec { name: "stop-orphan-resources", ty: ValueType::Boolean, default: "true", scope: Scope::Cluster, description: "Whether resources still active but deleted from the configuration are stopped. When false they are left running untouched.", deprecated: None },
    OptionSpec { name: "stop-orphan-actions", ty: ValueType::Boolean, default: "true", scope: Scope::Cluster, description: "Whether recurring operations deleted from the configuration are cancelled on the nodes still running them.", deprecated: None },
    OptionSpec { name: "remove-after-stop", ty: ValueType::Boolean, default: "false", scope: Scope::Cluster, description: "When true, the executor forgets a resource's history as soon as it stops. Poorly tested; setting it true logs a deprecation warning.", deprecated: Some("leave unset (false); the option is removed in Pacemaker 3.0") },
    OptionSpec { name: "shutdown-lock", ty: ValueType::Boolean, default: "false", scope: Scope::Cluster, description: "When true, resources of a cleanly shut down node stay tied to it and are not recovered elsewhere until it returns (or shutdown-lock-limit passes). Fence devices, remote connections, clone and bundle instances and promoted roles are never locked.", deprecated: None },
    OptionSpec { name: "shutdown-lock-limit", ty: ValueType::Interval, default: "0", scope: Scope::Cluster, description: "With shutdown-lock, the longest a lock lasts, counted from the start of the shutdown. 0 means locks last until the node rejoins.", deprecated: None },

    // Fencing.
    OptionSpec { name: "stonith-enabled", ty: ValueType::Boolean, default: "true", scope: Scope::Cluster, description: "Whether failed or lost nodes may be fenced. When true, a fencing device (or SBD watchdog self-fencing) must be configured, otherwise no resource will start; false risks split-brain.", deprecated: None },
    OptionSpec { name: "stonith-action", ty: ValueType::Select(FENCING_ACTIONS), default: "reboot", scope: Scope::Cluster, description: "What fence devices are asked to do to a node being fenced: reboot it or switch it off. poweroff is a deprecated alias of off and logs a warning.", deprecated: None },
    OptionSpec { name: "stonith-timeout", ty: ValueType::Interval, default: "60s", scope: Scope::Cluster, description: "Default time allowed for a fencing action the cluster requests; a device's pcmk_<action>_timeout takes precedence. The 2.1.5 metadata calls it unused, yet the scheduler still passes it on with each fence request.", deprecated: None },
    OptionSpec { name: "stonith-max-attempts", ty: ValueType::Integer, default: "10", scope: Scope::Cluster, description: "How many failed fencing attempts against one node the controller tolerates before it stops retrying it right away. Must be positive (INFINITY accepted).", deprecated: None },
    OptionSpec { name: "stonith-watchdog-timeout", ty: ValueType::Timeout, default: "0", scope: Scope::Cluster, description: "With watchdog-based SBD, how long after losing a node the cluster assumes it has reset itself. 0 disables watchdog fencing, a negative value means twice the local SBD_WATCHDOG_TIMEOUT, and a positive value must exceed SBD_WATCHDOG_TIMEOUT or Pacemaker will not start.", deprecated: None },
    OptionSpec { name: "concurrent-fencing", ty: ValueType::Boolean, default: "false", scope: Scope::Cluster, description: "Whether several fencing actions may be carried out at the same time instead of one after another.", deprecated: None },
    OptionSpec { name: "startup-fencing", ty: ValueType::Boolean, default: "true", scope: Scope::Cluster, description: "Whether nodes the cluster has never seen are fenced when it starts. false trusts that unseen nodes are down, which risks split-brain.", deprecated: None },
    OptionSpec { name: "priority-fencing-delay", ty: ValueType::Interval, default: "0", scope: Scope::Cluster, description: "Extra delay before fencing the lost node whose resources have the highest total priority, so that in a split (typically two nodes) the more important side survives. 0 disables it; set it well above any pcmk_delay_base/pcmk_delay_max.", deprecated: None },
    OptionSpec { name: "fence-reaction", ty: ValueType::Select(FENCE_REACTIONS), default: "stop", scope: Scope::Cluster, description: "What a node does when notified that it was itself fenced (e.g. fabric fencing): stop Pacemaker and stay down, or panic (reboot at once, falling back to stop). Other values are treated as stop.", deprecated: None },

    // Node health.
    OptionSpec { name: "node-health-strategy", ty: ValueType::Select(HEALTH_STRATEGIES), default: "none", scope: Scope::Cluster, description: "How #health-prefixed node attributes (red/yellow/green) affect placement: ignored, red bans resources, anything but green bans them, or the node-health-* scores are applied (progressive, custom).", deprecated: None },
    OptionSpec { name: "node-health-base", ty: ValueType::Score, default: "0", scope: Scope::Cluster, description: "Health score every node starts from under the progressive strategy.", deprecated: None },
    OptionSpec { name: "node-health-green", ty: ValueType::Score, default: "0", scope: Scope::Cluster, description: "Score a green #health attribute contributes under the custom and progressive strategies.", deprecated: None },
    OptionSpec { name: "node-health-yellow", ty: ValueType::Score, default: "0", scope: Scope::Cluster, description: "Score a yellow #health attribute contributes under the custom and progressive strategies.", deprecated: None },
    OptionSpec { name: "node-health-red", ty: ValueType::Score, default: "-INFINITY", scope: Scope::Cluster, description: "Score a red #health attribute contributes under the custom and progressive strategies; the default bans resources from the node.", deprecated: None },

    // Timing and throttling.
    OptionSpec { name: "cluster-recheck-interval", ty: ValueType::Interval, default: "15min", scope: Scope::Cluster, description: "Fallback polling period: the scheduler re-runs after this much idle time, which is the only time date_spec rules are evaluated. 0 disables polling; failure-timeout expiry and most date rules are scheduled precisely anyway.", deprecated: None },
    OptionSpec { name: "cluster-delay", ty: ValueType::Interval, default: "60s", scope: Scope::Cluster, description: "Allowance for node-to-node communication: the DC treats an action as failed if its result has not arrived within the action's timeout plus this delay.", deprecated: None },
    OptionSpec { name: "dc-deadtime", ty: ValueType::Interval, default: "20s", scope: Scope::Cluster, description: "How long a starting node waits to hear from the other nodes (and an existing DC) before it proceeds with an election.", deprecated: None },
    OptionSpec { name: "batch-limit", ty: ValueType::Integer, default: "0", scope: Scope::Cluster, description: "Maximum number of actions executed in parallel across the whole cluster. 0 lets the cluster derive a limit from node load.", deprecated: None },
    OptionSpec { name: "migration-limit", ty: ValueType::Integer, default: "-1", scope: Scope::Cluster, description: "Maximum number of live migrations a node performs at once. Only positive values are enforced; -1 means no limit.", deprecated: None },
    OptionSpec { name: "node-action-limit", ty: ValueType::Integer, default: "0", scope: Scope::Cluster, description: "Maximum number of actions a single node runs at once. 0 means twice the node's CPU core count.", deprecated: None },
    OptionSpec { name: "load-threshold", ty: ValueType::Text, default: "80%", scope: Scope::Cluster, description: "CPU load, written as a percentage such as 80%, above which nodes throttle how many actions they run concurrently.", deprecated: None },
    OptionSpec { name: "transition-delay", ty: ValueType::Interval, default: "0s", scope: Scope::Cluster, description: "Wait this long before acting on a new transition so that more events (e.g. ping attribute updates) can arrive first. Slows down every recovery.", deprecated: None },
    OptionSpec { name: "election-timeout", ty: ValueType::Interval, default: "2min", scope: Scope::Cluster, description: "How long a DC election may run before it is declared failed. Needing to change it usually points to a bug.", deprecated: None },
    OptionSpec { name: "shutdown-escalation", ty: ValueType::Interval, default: "20min", scope: Scope::Cluster, description: "If a node's orderly shutdown has not finished after this long, Pacemaker exits anyway. Needing to change it usually points to a bug.", deprecated: None },
    OptionSpec { name: "join-integration-timeout", ty: ValueType::Interval, default: "3min", scope: Scope::Cluster, description: "How long the DC waits for nodes to respond during the integration step of a join. Needing to change it usually points to a bug.", deprecated: None },
    OptionSpec { name: "join-finalization-timeout", ty: ValueType::Interval, default: "30min", scope: Scope::Cluster, description: "How long the DC waits for nodes to confirm the final step of a join. Needing to change it usually points to a bug.", deprecated: None },
    OptionSpec { name: "crmd-integration-timeout", ty: ValueType::Interval, default: "3min", scope: Scope::Cluster, description: "Old name of join-integration-timeout, read only when the new name is unset (with a deprecation warning).", deprecated: Some("use join-integration-timeout") },
    OptionSpec { name: "crmd-finalization-timeout", ty: ValueType::Interval, default: "30min", scope: Scope::Cluster, description: "Old name of join-finalization-timeout, read only when the new name is unset (with a deprecation warning).", deprecated: Some("use join-finalization-timeout") },
    OptionSpec { name: "crmd-transition-delay", ty: ValueType::Interval, default: "0s", scope: Scope::Cluster, description: "Old name of transition-delay, read only when the new name is unset (with a deprecation warning).", deprecated: Some("use transition-delay") },

    // Scheduler input archive.
    OptionSpec { name: "pe-error-series-max", ty: ValueType::Integer, default: "-1", scope: Scope::Cluster, description: "How many scheduler inputs that produced errors are kept on disk for debugging. 0 keeps none, -1 keeps all.", deprecated: None },
    OptionSpec { name: "pe-warn-series-max", ty: ValueType::Integer, default: "5000", scope: Scope::Cluster, description: "How many scheduler inputs that produced warnings are kept on disk for debugging. 0 keeps none, -1 keeps all.", deprecated: None },
    OptionSpec { name: "pe-input-series-max", ty: ValueType::Integer, default: "4000", scope: Scope::Cluster, description: "How many clean scheduler inputs (no errors or warnings) are kept on disk for debugging. 0 keeps none, -1 keeps all.", deprecated: None },

    // CIB manager.
    OptionSpec { name: "enable-acl", ty: ValueType::Boolean, default: "false", scope: Scope::Cluster, description: "Whether the ACLs in the configuration restrict what users other than root and hacluster may read and change in the CIB.", deprecated: None },
    OptionSpec { name: "cluster-ipc-limit", ty: ValueType::Integer, default: "500", scope: Scope::Cluster, description: "How many IPC messages may queue up for a cluster daemon before it is disconnected. Raise it (roughly resources times nodes) if logs show \"Evicting client\".", deprecated: None },
];

#[rustfmt::skip]
pub static RESOURCE_META: &[OptionSpec] = &[
    // Any resource.
    OptionSpec { name: "target-role", ty: ValueType::Role, default: "Started", scope: Scope::Resource, description: "Role the cluster should keep the resource in: Stopped keeps it down, Unpromoted forbids promotion, Started and Promoted allow full operation (up to promoted-max). Promoted/Unpromoted on a non-promotable resource is a configuration error.", deprecated: None },
    OptionSpec { name: "is-managed", ty: ValueType::Boolean, default: "true", scope: Scope::Resource, description: "When false, the cluster never starts, stops, promotes, demotes or migrates the resource, but its monitors keep running.", deprecated: None },
    OptionSpec { name: "maintenance", ty: ValueType::Boolean, default: "false", scope: Scope::Resource, description: "When true, the resource is unmanaged and its recurring monitors are stopped as well (except monitors for role Stopped).", deprecated: None },
    OptionSpec { name: "priority", ty: ValueType::Score, default: "0", scope: Scope::Resource, description: "Importance when not everything can run: lower-priority resources are stopped first to make room. Also weighs in priority-fencing-delay.", deprecated: None },
    OptionSpec { name: "critical", ty: ValueType::Boolean, default: "true", scope: Scope::Resource, description: "Default for the influence flag of colocations involving this resource, including a group's implicit ones. When false, a resource that cannot run just stops instead of moving the resources it is colocated with.", deprecated: None },
    OptionSpec { name: "resource-stickiness", ty: ValueType::Score, default: "0", scope: Scope::Resource, description: "How strongly the resource prefers to stay where it runs; added to its score on the current node. Clones use 1 when it is unset.", deprecated: None },
    OptionSpec { name: "requires", ty: ValueType::Select(REQUIRES), default: "", scope: Scope::Resource, description: "What must hold before the resource may start or be promoted: nothing, quorum, fencing of unclean nodes, or unfencing of the target node. Default: quorum for fence devices and remote connections, else unfencing if any device needs it, fencing if stonith-enabled, nothing if no-quorum-policy=ignore, otherwise quorum.", deprecated: None },
    OptionSpec { name: "migration-threshold", ty: ValueType::Score, default: "INFINITY", scope: Scope::Resource, description: "Number of failures on a node after which the resource is banned from it until cleanup or failure-timeout; 0 never bans. Counts failures handled by on-fail=restart, and start failures only when start-failure-is-fatal=false.", deprecated: None },
    OptionSpec { name: "failure-timeout", ty: ValueType::Interval, default: "0", scope: Scope::Resource, description: "Time after the last failure at which a node's fail count for the resource expires (rounded to whole seconds). 0 keeps failures until cleanup; ignored for operations with on-fail=block.", deprecated: None },
    OptionSpec { name: "multiple-active", ty: ValueType::Select(MULTIPLE_ACTIVE), default: "stop_start", scope: Scope::Resource, description: "Reaction when the resource is found active on more than one node: block (leave it unmanaged), stop_only (stop every copy), stop_start (stop all, then start one) or stop_unexpected (stop only the copies on unexpected nodes).", deprecated: None },
    OptionSpec { name: "allow-migrate", ty: ValueType::Boolean, default: "false", scope: Scope::Resource, description: "Live-migrate the resource (migrate_to, migrate_from) instead of stopping and starting it when it moves. Defaults to true for ocf:pacemaker:remote connections.", deprecated: None },
    OptionSpec { name: "allow-unhealthy-nodes", ty: ValueType::Boolean, default: "false", scope: Scope::Resource, description: "When true, node health (#health attributes) does not keep this resource off a node; meant for the agents that measure health themselves.", deprecated: None },
    OptionSpec { name: "container-attribute-target", ty: ValueType::Text, default: "", scope: Scope::Resource, description: "For bundles: set to host so that rules and agents of the bundled resource see the physical host's node attributes instead of the container's.", deprecated: None },
    OptionSpec { name: "restart-type", ty: ValueType::Select(RESTART_TYPES), default: "ignore", scope: Scope::Resource, description: "With restart, optional orderings in which this resource comes second behave as mandatory, so it restarts whenever the first resource does. Setting restart logs a deprecation warning.", deprecated: Some("use mandatory ordering constraints; restart-type is removed in Pacemaker 3.0") },

    // Guest nodes (meta attributes of the primitive that hosts the guest, e.g. a VM).
    OptionSpec { name: "remote-node", ty: ValueType::Text, default: "", scope: Scope::Primitive, description: "Makes this resource (e.g. a VM) a guest node of this name, reached through an implicit ocf:pacemaker:remote connection. The name must differ from every node name and resource ID.", deprecated: None },
    OptionSpec { name: "remote-addr", ty: ValueType::Text, default: "", scope: Scope::Primitive, description: "Host name or IP address the implicit guest connection contacts. Defaults to the remote-node name.", deprecated: None },
    OptionSpec { name: "remote-port", ty: ValueType::Port, default: "3121", scope: Scope::Primitive, description: "TCP port on which pacemaker-remoted listens inside the guest.", deprecated: None },
    OptionSpec { name: "remote-connect-timeout", ty: ValueType::Timeout, default: "60s", scope: Scope::Primitive, description: "Start timeout of the implicit guest connection, i.e. how long to wait for the guest's pacemaker-remoted to answer.", deprecated: None },
    OptionSpec { name: "remote-allow-migrate", ty: ValueType::Boolean, default: "true", scope: Scope::Primitive, description: "The allow-migrate setting given to the implicit guest connection resource.", deprecated: None },

    // Clones and promotable clones.
    OptionSpec { name: "clone-max", ty: ValueType::Integer, default: "", scope: Scope::Clone, description: "Total number of instances to run. Defaults to the number of cluster nodes (at least 1).", deprecated: None },
    OptionSpec { name: "clone-node-max", ty: ValueType::Integer, default: "1", scope: Scope::Clone, description: "Number of instances allowed on one node. Values above 1 need globally-unique=true; anonymous clones are limited to 1 with a configuration error.", deprecated: None },
    OptionSpec { name: "clone-min", ty: ValueType::Integer, default: "0", scope: Scope::Clone, description: "Number of instances that must be runnable before resources ordered after the clone may start. 0 means all of them.", deprecated: None },
    OptionSpec { name: "globally-unique", ty: ValueType::Boolean, default: "false", scope: Scope::Clone, description: "Whether instances are distinct from each other (rsc:N identities, separate fail counts) rather than interchangeable. Only OCF and stonith agents support it.", deprecated: None },
    OptionSpec { name: "notify", ty: ValueType::Boolean, default: "false", scope: Scope::Clone, description: "Whether every instance's agent is called with notify before and after any instance starts, stops, is promoted or demoted.", deprecated: None },
    OptionSpec { name: "ordered", ty: ValueType::Boolean, default: "false", scope: Scope::Clone, description: "Whether instances are started one after another instead of in parallel.", deprecated: None },
    OptionSpec { name: "interleave", ty: ValueType::Boolean, default: "false", scope: Scope::Clone, description: "Whether orderings and colocations with another clone apply per node (each instance waits only for the instance on its own node) instead of for all instances. Both clones need the same number of instances per node.", deprecated: None },
    OptionSpec { name: "promotable", ty: ValueType::Boolean, default: "false", scope: Scope::Clone, description: "Whether instances may be promoted and demoted; the agent must implement promote and demote (OCF only).", deprecated: None },
    OptionSpec { name: "promoted-max", ty: ValueType::Integer, default: "1", scope: Scope::Clone, description: "How many instances of a promotable clone may be promoted at once.", deprecated: None },
    OptionSpec { name: "promoted-node-max", ty: ValueType::Integer, default: "1", scope: Scope::Clone, description: "How many instances of a promotable clone may be promoted on one node.", deprecated: None },
    OptionSpec { name: "master-max", ty: ValueType::Integer, default: "1", scope: Scope::Clone, description: "Legacy name of promoted-max, read only when promoted-max is unset.", deprecated: Some("use promoted-max") },
    OptionSpec { name: "master-node-max", ty: ValueType::Integer, default: "1", scope: Scope::Clone, description: "Legacy name of promoted-node-max, read only when promoted-node-max is unset.", deprecated: Some("use promoted-node-max") },

    // Groups.
    OptionSpec { name: "ordered", ty: ValueType::Boolean, default: "true", scope: Scope::Group, description: "Whether the group's members start in listed order and stop in reverse. Setting it false logs a deprecation warning.", deprecated: Some("keep the default; for unordered members use separate resources with a colocation set") },
    OptionSpec { name: "collocated", ty: ValueType::Boolean, default: "true", scope: Scope::Group, description: "Whether the group's members must all run on the same node. Setting it false logs a deprecation warning.", deprecated: Some("keep the default; for members on different nodes use separate resources with an ordering set") },
];

#[rustfmt::skip]
pub static OP_PROPERTIES: &[OptionSpec] = &[
    OptionSpec { name: "interval", ty: ValueType::Interval, default: "0", scope: Scope::Operation, description: "How often a recurring operation runs. 0 makes it a one-shot action; a monitor with interval 0 configures the probe. Name plus interval identify an operation.", deprecated: None },
    OptionSpec { name: "timeout", ty: ValueType::Timeout, default: "20s", scope: Scope::Operation, description: "How long the cluster waits for the action to finish before treating it as failed.", deprecated: None },
    OptionSpec { name: "on-fail", ty: ValueType::Select(ON_FAIL), default: "", scope: Scope::Operation, description: "What to do when the action fails. Default: fence for stop (block without fencing), the promoted monitor's on-fail for demote, restart-container inside a bundle, restart otherwise; demote is only valid for promote and Promoted monitors, and stop rejects standby, demote and stop.", deprecated: None },
    OptionSpec { name: "enabled", ty: ValueType::Boolean, default: "true", scope: Scope::Operation, description: "When false, this operation definition is ignored; for a recurring monitor this pauses it.", deprecated: None },
    OptionSpec { name: "record-pending", ty: ValueType::Boolean, default: "true", scope: Scope::Operation, description: "Whether an in-flight action is recorded in the status section, so that tools can show it as pending.", deprecated: None },
    OptionSpec { name: "role", ty: ValueType::Role, default: "", scope: Scope::Operation, description: "Restricts a recurring monitor to instances in this role. Promoted and Unpromoted monitors of one resource need different intervals.", deprecated: None },
    OptionSpec { name: "start-delay", ty: ValueType::Timeout, default: "0", scope: Scope::Operation, description: "Delay before the action is executed. Cannot be combined with interval-origin; invalid values silently become 0.", deprecated: None },
    OptionSpec { name: "interval-origin", ty: ValueType::Text, default: "", scope: Scope::Operation, description: "ISO 8601 date/time that anchors a recurring operation: runs are aligned to this time plus multiples of the interval. Cannot be combined with start-delay.", deprecated: None },
    OptionSpec { name: "description", ty: ValueType::Text, default: "", scope: Scope::Operation, description: "Free-text comment on the operation; Pacemaker ignores it.", deprecated: None },
    OptionSpec { name: "requires", ty: ValueType::Select(REQUIRES), default: "", scope: Scope::Operation, description: "Not allowed on operations since schema 3.0, neither as an attribute nor as an op meta attribute; the start precondition is a property of the resource.", deprecated: Some("set requires as a resource meta attribute") },
    OptionSpec { name: "can_fail", ty: ValueType::Boolean, default: "false", scope: Scope::Operation, description: "Op meta attribute: when true, a failure of this action does not stop the rest of the transition. Logs a deprecation warning when used.", deprecated: Some("use on-fail=ignore") },
    OptionSpec { name: "role_after_failure", ty: ValueType::Role, default: "", scope: Scope::Operation, description: "Op meta attribute: role the resource is put into after this action fails. Logs a deprecation warning when used.", deprecated: Some("use on-fail (for example stop or demote)") },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::find;
    use std::collections::HashSet;

    fn tables() -> [(&'static str, &'static [OptionSpec]); 3] {
        [("CLUSTER_OPTIONS", CLUSTER_OPTIONS), ("RESOURCE_META", RESOURCE_META), ("OP_PROPERTIES", OP_PROPERTIES)]
    }

    fn all() -> impl Iterator<Item = &'static OptionSpec> {
        tables().into_iter().flat_map(|(_, table)| table.iter())
    }

    fn find_scoped(table: &'static [OptionSpec], name: &str, scope: Scope) -> Option<&'static OptionSpec> {
        table.iter().find(|spec| spec.name == name && spec.scope == scope)
    }

    #[test]
    fn names_are_unique_per_scope() {
        for (table_name, table) in tables() {
            let mut seen = HashSet::new();
            for spec in table {
                let key = (spec.name, format!("{:?}", spec.scope));
                assert!(seen.insert(key), "{table_name}: duplicate {} for {:?}", spec.name, spec.scope);
            }
        }
    }

    #[test]
    fn only_group_and_clone_share_a_name() {
        // `ordered` exists for clones and (deprecated) for groups; nothing else may repeat.
        let mut names = HashSet::new();
        let repeated: Vec<&str> = RESOURCE_META.iter().map(|s| s.name).filter(|n| !names.insert(*n)).collect();
        assert_eq!(repeated, vec!["ordered"]);
        for (table_name, table) in [("CLUSTER_OPTIONS", CLUSTER_OPTIONS), ("OP_PROPERTIES", OP_PROPERTIES)] {
            let mut names = HashSet::new();
            for spec in table {
                assert!(names.insert(spec.name), "{table_name}: duplicate name {}", spec.name);
            }
        }
    }

    #[test]
    fn scopes_match_tables() {
        assert!(CLUSTER_OPTIONS.iter().all(|s| s.scope == Scope::Cluster));
        assert!(OP_PROPERTIES.iter().all(|s| s.scope == Scope::Operation));
        assert!(RESOURCE_META.iter().all(|s| matches!(s.scope, Scope::Resource | Scope::Primitive | Scope::Clone | Scope::Group)));
    }

    #[test]
    fn selects_are_well_formed() {
        for spec in all() {
            if let ValueType::Select(values) = spec.ty {
                assert!(values.len() >= 2, "{}: a select needs at least two values", spec.name);
                let distinct: HashSet<_> = values.iter().collect();
                assert_eq!(distinct.len(), values.len(), "{}: repeated select value", spec.name);
                assert!(spec.default.is_empty() || values.contains(&spec.default), "{}: default {:?} is not one of {:?}", spec.name, spec.default, values);
            }
        }
    }

    #[test]
    fn boolean_defaults_are_canonical() {
        for spec in all() {
            if spec.ty == ValueType::Boolean {
                assert!(matches!(spec.default, "true" | "false"), "{}: boolean default {:?}", spec.name, spec.default);
            }
        }
    }

    #[test]
    fn numeric_and_duration_defaults_look_right() {
        for spec in all().filter(|s| !s.default.is_empty()) {
            match spec.ty {
                ValueType::Integer | ValueType::Port => {
                    assert!(spec.default.parse::<i64>().is_ok(), "{}: integer default {:?}", spec.name, spec.default);
                }
                ValueType::Score => {
                    let ok = matches!(spec.default, "INFINITY" | "-INFINITY" | "+INFINITY") || spec.default.parse::<i64>().is_ok();
                    assert!(ok, "{}: score default {:?}", spec.name, spec.default);
                }
                ValueType::Interval | ValueType::Timeout => {
                    let digits = spec.default.trim_end_matches(|c: char| c.is_ascii_alphabetic());
                    let unit = spec.default.strip_prefix(digits).unwrap_or("?");
                    assert!(!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()), "{}: duration default {:?}", spec.name, spec.default);
                    assert!(matches!(unit, "" | "ms" | "s" | "min" | "h"), "{}: duration unit {:?}", spec.name, unit);
                }
                ValueType::Role => {
                    assert!(matches!(spec.default, "Stopped" | "Started" | "Unpromoted" | "Promoted"), "{}: role default {:?}", spec.name, spec.default);
                }
                ValueType::Select(_) | ValueType::Boolean | ValueType::Text => {}
            }
        }
    }

    #[test]
    fn descriptions_and_deprecations_are_filled() {
        for spec in all() {
            assert!(!spec.description.trim().is_empty(), "{}: empty description", spec.name);
            assert!(spec.description.ends_with('.'), "{}: description should be full sentences", spec.name);
            if let Some(instead) = spec.deprecated {
                assert!(!instead.trim().is_empty(), "{}: empty deprecation note", spec.name);
            }
        }
    }

    #[test]
    fn spot_checks() {
        let stonith = find(CLUSTER_OPTIONS, "stonith-enabled");
        assert_eq!(stonith.map(|s| (s.ty, s.default)), Some((ValueType::Boolean, "true")));

        assert_eq!(find(RESOURCE_META, "migration-threshold").map(|s| (s.ty, s.default)), Some((ValueType::Score, "INFINITY")));
        assert_eq!(find(RESOURCE_META, "failure-timeout").map(|s| s.ty), Some(ValueType::Interval));
        assert_eq!(find(RESOURCE_META, "target-role").map(|s| s.ty), Some(ValueType::Role));
        assert_eq!(find(RESOURCE_META, "remote-port").map(|s| (s.ty, s.default, s.scope)), Some((ValueType::Port, "3121", Scope::Primitive)));
        assert_eq!(find(OP_PROPERTIES, "timeout").map(|s| (s.ty, s.default)), Some((ValueType::Timeout, "20s")));
        assert_eq!(find(OP_PROPERTIES, "interval").map(|s| (s.ty, s.default)), Some((ValueType::Interval, "0")));
        assert_eq!(find(CLUSTER_OPTIONS, "no-quorum-policy").map(|s| s.default), Some("stop"));
        assert_eq!(find(CLUSTER_OPTIONS, "cluster-recheck-interval").map(|s| s.default), Some("15min"));

        // Deprecations.
        assert!(find(CLUSTER_OPTIONS, "remove-after-stop").is_some_and(|s| s.deprecated.is_some()));
        assert!(find(CLUSTER_OPTIONS, "poweroff").is_none(), "poweroff is a stonith-action value, not an option");
        assert!(find(RESOURCE_META, "restart-type").is_some_and(|s| s.deprecated.is_some()));
        assert_eq!(find(RESOURCE_META, "master-max").and_then(|s| s.deprecated), Some("use promoted-max"));
        assert!(find(OP_PROPERTIES, "requires").is_some_and(|s| s.deprecated.is_some()));
        assert!(find(OP_PROPERTIES, "timeout").is_some_and(|s| s.deprecated.is_none()));

        // `ordered` exists twice: current for clones, deprecated for groups.
        assert!(find_scoped(RESOURCE_META, "ordered", Scope::Clone).is_some_and(|s| s.deprecated.is_none() && s.default == "false"));
        assert!(find_scoped(RESOURCE_META, "ordered", Scope::Group).is_some_and(|s| s.deprecated.is_some() && s.default == "true"));
        assert_eq!(find(RESOURCE_META, "ordered").map(|s| s.scope), Some(Scope::Clone));
    }
}
