//! From a test block to scheduler runs: the starting CIB (the compiled policy with a status
//! section built from the givens) and the `crm_simulate` runs that follow.
//!
//! The givens are injected as operation history (a start, and a promote for the promoted role)
//! in a run that does not schedule anything. Injected history carries no parameter digests, and
//! the scheduler restarts whatever has none "due to resource definition change"; so one more run
//! (the digests run) executes a transition from the givens. When the given resources are still
//! where the givens put them afterwards, the test goes on from that state: Pacemaker has placed
//! the resources the givens leave open, and recorded digests and monitors. When they are not (the
//! policy would not keep the given state), the test goes on from the givens alone with the
//! digests copied in, so that the first judged transition shows what Pacemaker does with them. Each
//! `when` clause is then one run (a failure repeated N times is N runs: after each failure the
//! cluster reacts before the next one). Fail counts are kept by `crm_simulate` itself.

use crate::checks::failure_policy::start_failure_is_fatal;
use crate::model::Model;
use crate::scenario::resolve::{is_promotable, op_interval, primitives_of};
use crate::syntax::ast::{Event, Given, NodeChange, NodeStatus, ResourceState, TestBlock};
use crate::values::parse_duration;

/// The feature set written on the simulated CIB. A live cluster's CIB carries the DC's; without
/// one the scheduler reads fail counts in the pre-3.0.13 (per resource) form and never reaches
/// a `migration-threshold`.
pub const FEATURE_SET: &str = "3.16.1";

/// One operation result to inject (`-i`); the shell turns it into an OPSPEC with `inject_spec`,
/// which needs the CIB of the moment (a clone instance's history id is known only then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Injection {
    pub primitive: String,
    pub op: String,
    pub interval_ms: u64,
    pub node: String,
    pub rc: u32,
    /// For history the givens create: the clone instance to record it under.
    pub instance: Option<u32>,
}

/// A node attribute to set (`crm_attribute -l reboot`) before a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeChange {
    pub node: String,
    pub name: String,
    pub value: String,
}

/// What a run is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// Records the givens' history (no `-S`); the shell then applies `anonymous_history`.
    Record,
    /// Executes one transition from the recorded state only to learn the parameter digests
    /// Pacemaker records with each operation; the shell copies them into the recorded state
    /// (`copy_digests`) and carries on from there, not from this run's result.
    Digests,
    /// A scheduler run (`-S`) whose result the next run starts from.
    Simulate,
}

/// One `crm_simulate` run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// What the run stands for, in reports (`when monitor 10s of db fails on n1 (2 of 3)`).
    pub label: String,
    pub attributes: Vec<AttributeChange>,
    pub injections: Vec<Injection>,
    /// Node events and other arguments: `-u NODE`, `-d NODE`, `-f NODE`.
    pub args: Vec<String>,
    pub kind: RunKind,
    /// Time passed since the test started (`-t now+elapsed` once non-zero).
    pub elapsed_ms: u64,
    /// Whether the report shows this run's transition (the setup runs are not shown).
    pub judged: bool,
}

/// The runs of one test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub start_cib: String,
    /// `given time`: the scheduler's clock at the start (seconds since 1970, UTC); else the
    /// real time of the run.
    pub start_time: Option<u64>,
    pub runs: Vec<Run>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// OCF exit codes by the names tests may use (`with rc=not-running`).
fn exit_code(text: &str) -> Result<u32, String> {
    let named = [
        ("ok", 0),
        ("error", 1),
        ("generic-error", 1),
        ("invalid-args", 2),
        ("unimplemented", 3),
        ("insufficient-privileges", 4),
        ("not-installed", 5),
        ("not-configured", 6),
        ("not-running", 7),
        ("running-promoted", 8),
        ("failed-promoted", 9),
    ];
    if let Some((_, rc)) = named.iter().find(|(name, _)| *name == text) {
        return Ok(*rc);
    }
    text.parse::<u32>().map_err(|_| format!("`{text}` is not an OCF exit code (a number, or a name such as `not-running`)"))
}

fn transient(id: &str, attributes: &[(String, String)]) -> String {
    if attributes.is_empty() {
        return String::new();
    }
    let node = escape(id);
    let mut out = format!("<transient_attributes id=\"{node}\"><instance_attributes id=\"status-{node}\">");
    for (name, value) in attributes {
        let name = escape(name);
        out.push_str(&format!("<nvpair id=\"status-{node}-{name}\" name=\"{name}\" value=\"{}\"/>", escape(value)));
    }
    out.push_str("</instance_attributes></transient_attributes>");
    out
}

/// Plans the runs of `test` on the compiled `cib` of `model`.
///
/// # Errors
///
/// A description of the first statement that cannot be simulated (the reference checks report
/// these as diagnostics first; this is the backstop).
pub fn plan(model: &Model, cib: &str, test: &TestBlock) -> Result<Plan, String> {
    // Nodes: the policy's, then those the test names; online unless a given says otherwise.
    let mut nodes: Vec<String> = model.nodes.keys().map(|k| k.to_string()).collect();
    nodes.sort();
    let mut status: Vec<(String, NodeStatus)> = nodes.iter().map(|n| (n.clone(), NodeStatus::Online)).collect();
    let mut attributes: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let set_attribute =
        |attributes: &mut Vec<(String, Vec<(String, String)>)>, node: &str, name: &str, value: &str| match attributes.iter_mut().find(|(n, _)| n == node) {
            Some((_, list)) => list.push((name.to_string(), value.to_string())),
            None => attributes.push((node.to_string(), vec![(name.to_string(), value.to_string())])),
        };
    let mention = |status: &mut Vec<(String, NodeStatus)>, node: &str| {
        if !status.iter().any(|(n, _)| n == node) {
            status.push((node.to_string(), NodeStatus::Online));
        }
    };
    let mut injections = Vec::new();
    let mut start_time = None;
    let mut instances: Vec<(String, u32)> = Vec::new();
    for given in &test.givens {
        match given {
            Given::Nodes { nodes, status: wanted, .. } => {
                for node in nodes {
                    mention(&mut status, &node.text);
                    if let Some(entry) = status.iter_mut().find(|(n, _)| *n == node.text) {
                        entry.1 = *wanted;
                    }
                }
            }
            Given::Time { value, .. } => start_time = Some(unix_time(&value.text)?),
            Given::Attribute { name, value, nodes, .. } => {
                for node in nodes {
                    mention(&mut status, &node.text);
                    set_attribute(&mut attributes, &node.text, &name.text, &value.text);
                }
            }
            Given::Resource { resource, state, nodes, .. } => {
                let primitives = primitives_of(model, &resource.text).ok_or_else(|| format!("`{}` is not a resource of this policy", resource.text))?;
                if *state == ResourceState::Stopped {
                    continue;
                }
                for node in nodes {
                    mention(&mut status, &node.text);
                    for primitive in &primitives {
                        let cloned = model.enclosing_clone(primitive).is_some();
                        let instance = if cloned {
                            let next = instances.iter().filter(|(p, _)| p == primitive).count();
                            let index = u32::try_from(next).unwrap_or(u32::MAX);
                            instances.push((primitive.clone(), index));
                            Some(index)
                        } else {
                            None
                        };
                        let inject = |op: &str| Injection {
                            primitive: primitive.clone(),
                            op: op.to_string(),
                            interval_ms: 0,
                            node: node.text.to_string(),
                            rc: 0,
                            instance,
                        };
                        injections.push(inject("start"));
                        if model.is_promotable(primitive) {
                            // The agent would set the promotion score; the givens say where it is highest.
                            let score = match state {
                                ResourceState::Promoted => "10",
                                ResourceState::Unpromoted => "5",
                                _ => "1",
                            };
                            set_attribute(&mut attributes, &node.text, &format!("master-{primitive}"), score);
                            if *state == ResourceState::Promoted {
                                injections.push(inject("promote"));
                            }
                        }
                    }
                }
                if matches!(state, ResourceState::Promoted | ResourceState::Unpromoted) && !is_promotable(model, &resource.text) {
                    return Err(format!("`{}` is not promotable", resource.text));
                }
            }
        }
    }
    for event in test.steps.iter().flat_map(|s| &s.events) {
        let named = match event {
            Event::OpFails { node, .. } | Event::Node { node, .. } | Event::Attribute { node, .. } => Some(&node.text),
            Event::TimePasses { .. } => None,
        };
        if let Some(node) = named {
            mention(&mut status, node);
        }
    }

    let start_cib = start_cib(cib, &status, &attributes);
    let mut runs = Vec::new();
    let has_history = !injections.is_empty();
    if has_history {
        runs.push(Run { label: "given".into(), attributes: Vec::new(), injections, args: Vec::new(), kind: RunKind::Record, elapsed_ms: 0, judged: false });
        runs.push(Run {
            label: "digests".into(),
            attributes: Vec::new(),
            injections: Vec::new(),
            args: Vec::new(),
            kind: RunKind::Digests,
            elapsed_ms: 0,
            judged: false,
        });
    }
    let mut elapsed_ms = 0u64;
    let mut standby: Vec<String> = status.iter().filter(|(_, s)| *s == NodeStatus::Standby).map(|(n, _)| n.clone()).collect();
    for step in &test.steps {
        let mut repeats = 1u32;
        let mut first =
            Run { label: String::new(), attributes: Vec::new(), injections: Vec::new(), args: Vec::new(), kind: RunKind::Simulate, elapsed_ms, judged: true };
        let mut repeated = Vec::new();
        let mut repeated_attributes = Vec::new();
        let mut labels = Vec::new();
        for event in &step.events {
            match event {
                Event::OpFails { op, interval, resource, times, node, rc, .. } => {
                    let primitives = primitives_of(model, &resource.text).ok_or_else(|| format!("`{}` is not a resource of this policy", resource.text))?;
                    let rc = match rc {
                        Some(rc) => exit_code(&rc.text)?,
                        None => 1,
                    };
                    // The controller sets INFINITY for a failed stop, and for a failed start when
                    // start-failure-is-fatal; crm_simulate 2.1 only adds 1, so the count is set first.
                    let fatal = rc != 0 && interval.is_none() && (op.text == "stop" || (op.text == "start" && start_failure_is_fatal(model)));
                    for primitive in primitives {
                        let interval_ms = op_interval(model, &primitive, &op.text, interval.as_ref().map(|i| i.text.as_str()))?;
                        if fatal && interval_ms == 0 {
                            let change = AttributeChange {
                                node: node.text.to_string(),
                                name: format!("fail-count-{primitive}#{}_0", op.text),
                                value: "INFINITY".into(),
                            };
                            first.attributes.push(change.clone());
                            repeated_attributes.push(change);
                        }
                        let injection = Injection { primitive, op: op.text.to_string(), interval_ms, node: node.text.to_string(), rc, instance: None };
                        first.injections.push(injection.clone());
                        repeated.push(injection);
                    }
                    repeats = repeats.max(*times);
                    labels.push(format!(
                        "{}{} of {} fails on {}",
                        op.text,
                        interval.as_ref().map(|i| format!(" {}", i.text)).unwrap_or_default(),
                        resource.text,
                        node.text
                    ));
                }
                Event::Node { node, change, .. } => {
                    let name = node.text.to_string();
                    match change {
                        NodeChange::Fails => first.args.extend(["-f".to_string(), name.clone()]),
                        NodeChange::Status(NodeStatus::Offline) => first.args.extend(["-d".to_string(), name.clone()]),
                        NodeChange::Status(NodeStatus::Online) => {
                            first.args.extend(["-u".to_string(), name.clone()]);
                            if standby.contains(&name) {
                                standby.retain(|n| *n != name);
                                first.attributes.push(AttributeChange { node: name.clone(), name: "standby".into(), value: "off".into() });
                            }
                        }
                        NodeChange::Status(NodeStatus::Standby) => {
                            standby.push(name.clone());
                            first.attributes.push(AttributeChange { node: name.clone(), name: "standby".into(), value: "on".into() });
                        }
                    }
                    let what = match change {
                        NodeChange::Fails => "fails",
                        NodeChange::Status(NodeStatus::Offline) => "goes offline",
                        NodeChange::Status(NodeStatus::Online) => "comes online",
                        NodeChange::Status(NodeStatus::Standby) => "goes to standby",
                    };
                    labels.push(format!("node {name} {what}"));
                }
                Event::Attribute { name, value, node, .. } => {
                    first.attributes.push(AttributeChange { node: node.text.to_string(), name: name.text.to_string(), value: value.text.to_string() });
                    labels.push(format!("attribute {} = {} on {}", name.text, value.text, node.text));
                }
                Event::TimePasses { duration, .. } => {
                    let d = parse_duration(&duration.text).map_err(|e| format!("`{}` is not a duration: {e}", duration.text))?;
                    elapsed_ms = elapsed_ms.saturating_add(d.ms);
                    first.elapsed_ms = elapsed_ms;
                    labels.push(format!("{} pass", duration.text));
                }
            }
        }
        let label = labels.join("; ");
        first.label = if repeats > 1 { format!("{label} (1 of {repeats})") } else { label.clone() };
        runs.push(first);
        for k in 2..=repeats {
            runs.push(Run {
                label: format!("{label} ({k} of {repeats})"),
                attributes: repeated_attributes.clone(),
                injections: repeated.clone(),
                args: Vec::new(),
                kind: RunKind::Simulate,
                elapsed_ms,
                judged: true,
            });
        }
    }
    if test.steps.is_empty() {
        // No event: the test asks how the cluster reacts to the given state itself.
        runs.push(Run {
            label: "the given state".into(),
            attributes: Vec::new(),
            injections: Vec::new(),
            args: Vec::new(),
            kind: RunKind::Simulate,
            elapsed_ms: 0,
            judged: true,
        });
    }
    Ok(Plan { start_cib, start_time, runs })
}

/// The compiled CIB with quorum, a feature set, every node the test uses, and their status.
fn start_cib(cib: &str, status: &[(String, NodeStatus)], attributes: &[(String, Vec<(String, String)>)]) -> String {
    let mut states = String::new();
    let mut node_elements = String::new();
    // A node's status carries the id the configuration gives it (`node node1 id=1`).
    let configured: Vec<(String, String)> = crate::cib::read_xml(cib)
        .ok()
        .and_then(|root| {
            let nodes = root.child("configuration")?.child("nodes")?;
            Some(nodes.children_named("node").filter_map(|n| Some((n.value("uname")?.to_string(), n.value("id")?.to_string()))).collect())
        })
        .unwrap_or_default();
    for (node, state) in status {
        let name = escape(node);
        let id = match configured.iter().find(|(uname, _)| uname == node) {
            Some((_, id)) => escape(id),
            None => {
                node_elements.push_str(&format!("<node id=\"{name}\" uname=\"{name}\"/>"));
                name.clone()
            }
        };
        let mut attrs: Vec<(String, String)> = attributes.iter().filter(|(n, _)| n == node).flat_map(|(_, list)| list.clone()).collect();
        if *state == NodeStatus::Standby {
            attrs.push(("standby".into(), "on".into()));
        }
        let transient = transient(configured.iter().find(|(uname, _)| uname == node).map_or(node.as_str(), |(_, id)| id.as_str()), &attrs);
        match state {
            NodeStatus::Offline => states.push_str(&format!(
                "<node_state id=\"{id}\" uname=\"{name}\" in_ccm=\"false\" crmd=\"offline\" join=\"down\" expected=\"down\">{transient}</node_state>"
            )),
            _ => states.push_str(&format!(
                "<node_state id=\"{id}\" uname=\"{name}\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\">{transient}</node_state>"
            )),
        }
    }
    let mut xml = cib.replacen("<cib ", &format!("<cib crm_feature_set=\"{FEATURE_SET}\" have-quorum=\"1\" "), 1);
    if !node_elements.is_empty() {
        xml = if xml.contains("<nodes/>") {
            xml.replacen("<nodes/>", &format!("<nodes>{node_elements}</nodes>"), 1)
        } else if xml.contains("</nodes>") {
            xml.replacen("</nodes>", &format!("{node_elements}</nodes>"), 1)
        } else {
            xml.replacen("<resources", &format!("<nodes>{node_elements}</nodes><resources"), 1)
        };
    }
    if xml.contains("<status/>") {
        xml.replacen("<status/>", &format!("<status>{states}</status>"), 1)
    } else {
        xml.replacen("</configuration>", &format!("</configuration><status>{states}</status>"), 1)
    }
}

/// The OPSPEC of an injection. History the givens create goes under a clone instance's own
/// name (`pgsql:1`: crm_simulate finds no resource called `pgsql` before it has history), which
/// `anonymous_history` then renames; later results go under the primitive's name, as a cluster
/// records an anonymous clone's history and fail counts (`fail-count-pgsql#monitor_10000`).
pub fn inject_spec(injection: &Injection) -> String {
    let Injection { primitive, op, interval_ms, node, rc, instance } = injection;
    let id = match instance {
        Some(k) => format!("{primitive}:{k}"),
        None => primitive.clone(),
    };
    format!("{id}_{op}_{interval_ms}@{node}={rc}")
}

/// The CIB with the history of clone instances (`pgsql:0`) recorded under the primitive's name
/// (`pgsql`), as the cluster records anonymous clones (one instance per node).
pub fn anonymous_history(cib: &str, injections: &[Injection]) -> String {
    let mut out = cib.to_string();
    for injection in injections {
        if let Some(k) = injection.instance {
            let primitive = &injection.primitive;
            out = out.replace(&format!("\"{primitive}:{k}\""), &format!("\"{primitive}\"")).replace(&format!("\"{primitive}:{k}_"), &format!("\"{primitive}_"));
        }
    }
    out
}

/// The recorded history with the `op-digest` of each operation (by history id and action) that
/// the digests run recorded; operations it never ran keep none.
pub fn copy_digests(recorded: &str, digests_run: &str) -> String {
    let Ok(learned) = crate::cib::read_xml(digests_run) else { return recorded.to_string() };
    let Ok(tree) = crate::cib::read_xml(recorded) else { return recorded.to_string() };
    let mut digests: Vec<(String, String, String)> = Vec::new();
    for_each_op(&learned, &mut |resource, op| {
        if let (Some(action), Some(digest), Some("0")) = (op.value("operation"), op.value("op-digest"), op.value("interval")) {
            digests.push((resource.to_string(), action.to_string(), digest.to_string()));
        }
    });
    with_digests(recorded, &tree, |resource, op| {
        if op.value("interval") != Some("0") {
            return None;
        }
        let action = op.value("operation")?;
        digests.iter().find(|(r, a, _)| r == resource && a == action).map(|(_, _, digest)| digest.as_str())
    })
}

/// The CIB with the `op-digest` that other records of the same operation carry (on any node:
/// the parameters are the same) added to the records that lack one, such as injected results.
/// Without it the scheduler takes the operation's definition as changed and clears its fail
/// count, which would hide the failure the test injected.
pub fn share_digests(cib: &str) -> String {
    let Ok(tree) = crate::cib::read_xml(cib) else { return cib.to_string() };
    let mut known: Vec<(String, String, String)> = Vec::new();
    for_each_op(&tree, &mut |resource, op| {
        if let (Some(key), Some(digest)) = (op.value("operation_key"), op.value("op-digest")) {
            known.push((resource.to_string(), key.to_string(), digest.to_string()));
        }
    });
    with_digests(cib, &tree, |resource, op| {
        let key = op.value("operation_key")?;
        known.iter().find(|(r, k, _)| r == resource && k == key).map(|(_, _, digest)| digest.as_str())
    })
}

/// `text` (whose element tree is `tree`) with an `op-digest` attribute added to each operation
/// record that has none and for which `digest_of(resource, record)` finds one.
fn with_digests<'d>(text: &str, tree: &crate::cib::XmlElement, digest_of: impl Fn(&str, &crate::cib::XmlElement) -> Option<&'d str>) -> String {
    let mut inserts: Vec<(usize, String)> = Vec::new();
    for_each_op(tree, &mut |resource, op| {
        if op.value("op-digest").is_some() {
            return;
        }
        if let Some(digest) = digest_of(resource, op) {
            let end = op.span.end as usize;
            let close = if text.get(..end).is_some_and(|t| t.ends_with("/>")) { end - 2 } else { end - 1 };
            inserts.push((close, format!(" op-digest=\"{}\"", escape(digest))));
        }
    });
    inserts.sort_by_key(|insert| std::cmp::Reverse(insert.0));
    let mut out = text.to_string();
    for (at, text) in inserts {
        if out.is_char_boundary(at) {
            out.insert_str(at, &text);
        }
    }
    out
}

/// The CIB after the `clear_failcount` actions a run's transition executed (crm_simulate
/// schedules them but leaves the attributes; on a cluster the controller removes them): the
/// `fail-count-*` and `last-failure-*` attributes of that resource on that node are gone.
pub fn clear_fail_counts(cib: &str, run_output: &str) -> String {
    let Ok(output) = crate::cib::read_xml(run_output) else { return cib.to_string() };
    let cleared: Vec<(String, String)> = output
        .child("transition")
        .map(|t| {
            t.children_named("cluster_action")
                .filter(|a| a.value("task") == Some("clear_failcount"))
                .filter_map(|a| Some((a.value("node")?.to_string(), base_name(a.value("id")?).to_string())))
                .collect()
        })
        .unwrap_or_default();
    if cleared.is_empty() {
        return cib.to_string();
    }
    let Ok(tree) = crate::cib::read_xml(cib) else { return cib.to_string() };
    let mut removals: Vec<crate::span::Span> = Vec::new();
    if let Some(status) = tree.child("status") {
        for state in status.children_named("node_state") {
            let node = state.value("uname").unwrap_or("");
            for attrs in state.children_named("transient_attributes") {
                for set in attrs.children_named("instance_attributes") {
                    for pair in set.children_named("nvpair") {
                        let name = pair.value("name").unwrap_or("");
                        let hit = cleared.iter().any(|(n, rsc)| {
                            n == node && [format!("fail-count-{rsc}#"), format!("last-failure-{rsc}#")].iter().any(|prefix| name.starts_with(prefix.as_str()))
                        });
                        if hit {
                            removals.push(pair.full_span());
                        }
                    }
                }
            }
        }
    }
    removals.sort_by_key(|s| std::cmp::Reverse(s.start));
    let mut out = cib.to_string();
    for span in removals {
        if out.get(span.range()).is_some() {
            out.replace_range(span.range(), "");
        }
    }
    out
}

fn base_name(id: &str) -> &str {
    id.split(':').next().unwrap_or(id)
}

fn for_each_op(root: &crate::cib::XmlElement, f: &mut dyn FnMut(&str, &crate::cib::XmlElement)) {
    let Some(status) = root.child("status") else { return };
    for state in status.children_named("node_state") {
        for lrm in state.children_named("lrm") {
            for resources in lrm.children_named("lrm_resources") {
                for resource in resources.children_named("lrm_resource") {
                    let id = resource.value("id").unwrap_or("");
                    for op in resource.children_named("lrm_rsc_op") {
                        f(id, op);
                    }
                }
            }
        }
    }
}

/// A date and time (`2024-01-15`, `2024-01-15T02:00`, `2024-01-15 02:00:30`, UTC) as seconds
/// since 1970.
pub fn unix_time(text: &str) -> Result<u64, String> {
    let bad = || format!("`{text}` is not a date and time such as `2024-01-15T02:00` (UTC)");
    let text = text.trim_end_matches('Z');
    let (date, time) = text.split_once(['T', ' ']).unwrap_or((text, ""));
    let number = |s: &str| s.parse::<u64>().map_err(|_| bad());
    let mut date_parts = date.split('-');
    let (Some(y), Some(m), Some(d), None) = (date_parts.next(), date_parts.next(), date_parts.next(), date_parts.next()) else { return Err(bad()) };
    let (year, month, day) = (number(y)?, number(m)?, number(d)?);
    if year < 1970 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(bad());
    }
    let mut seconds = 0;
    if !time.is_empty() {
        let parts: Vec<u64> = time.split(':').map(number).collect::<Result<_, _>>()?;
        let (h, mi, s) = match parts.as_slice() {
            [h, mi] => (*h, *mi, 0),
            [h, mi, s] => (*h, *mi, *s),
            _ => return Err(bad()),
        };
        if h > 23 || mi > 59 || s > 60 {
            return Err(bad());
        }
        seconds = h * 3600 + mi * 60 + s;
    }
    // Days from the civil date (Howard Hinnant's algorithm, the inverse of `iso_time`).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468).ok_or_else(bad)?;
    Ok(days * 86_400 + seconds)
}

/// The CIB with the times crm_simulate stamped on what it injected or executed during a run
/// (the real time, between `from` and `to`) replaced by the run's simulated time `at`: failure
/// times (`last-failure-*`) and operation times (`last-rc-change`, `last-run`), so that a
/// `failure-timeout` counts from the simulated clock. `earlier` are the simulated times of the
/// runs before, which may fall in the same seconds and are left alone.
pub fn restamp(cib: &str, from: u64, to: u64, at: u64, earlier: &[u64]) -> String {
    let Ok(root) = crate::cib::read_xml(cib) else { return cib.to_string() };
    let mut spans: Vec<crate::span::Span> = Vec::new();
    let stamped = |value: &str| value.parse::<u64>().is_ok_and(|t| (from..=to).contains(&t) && !earlier.contains(&t));
    fn walk(element: &crate::cib::XmlElement, f: &mut dyn FnMut(&crate::cib::XmlElement)) {
        f(element);
        for child in element.elements() {
            walk(child, f);
        }
    }
    walk(&root, &mut |element| {
        let failure_time = element.name == "nvpair" && element.value("name").is_some_and(|n| n.starts_with("last-failure-"));
        for attr in &element.attrs {
            let timed = (failure_time && attr.name == "value") || (element.name == "lrm_rsc_op" && matches!(attr.name.as_str(), "last-rc-change" | "last-run"));
            if timed && stamped(&attr.value) {
                spans.push(attr.value_span);
            }
        }
    });
    spans.sort_by_key(|s| std::cmp::Reverse(s.start));
    let mut out = cib.to_string();
    for span in spans {
        if out.get(span.range()).is_some() {
            out.replace_range(span.range(), &at.to_string());
        }
    }
    out
}

/// Seconds since 1970 as the ISO 8601 date-time `crm_simulate -t` reads (UTC).
pub fn iso_time(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let rest = unix_seconds % 86_400;
    // Civil date from a day count (Howard Hinnant's algorithm, for dates after 1970).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_time_is_utc_calendar_time() {
        assert_eq!(iso_time(0), "1970-01-01 00:00:00Z");
        assert_eq!(iso_time(1_795_319_139), "2026-11-22 03:45:39Z");
        assert_eq!(iso_time(951_782_400), "2000-02-29 00:00:00Z");
        assert_eq!(unix_time("2026-11-22T03:45:39"), Ok(1_795_319_139));
        assert_eq!(unix_time("2000-02-29"), Ok(951_782_400));
        assert!(unix_time("2000-13-01").is_err());
    }

    #[test]
    fn restamping_moves_the_run_times_only() {
        let cib = r#"<cib><status><node_state uname="n1"><transient_attributes><instance_attributes><nvpair name="last-failure-web#monitor_10000" value="1500"/><nvpair name="fail-count-web#monitor_10000" value="1500"/></instance_attributes></transient_attributes><lrm><lrm_resources><lrm_resource id="web"><lrm_rsc_op id="a" last-rc-change="1500" last-run="900"/></lrm_resource></lrm_resources></lrm></node_state></status></cib>"#;
        let out = restamp(cib, 1000, 2000, 77, &[]);
        assert_eq!(restamp(cib, 1000, 2000, 77, &[1500]), cib);
        assert!(out.contains(r#"name="last-failure-web#monitor_10000" value="77""#), "{out}");
        assert!(out.contains(r#"name="fail-count-web#monitor_10000" value="1500""#), "{out}");
        assert!(out.contains(r#"last-rc-change="77" last-run="900""#), "{out}");
    }
}
