//! Judges a test's expectations against what `crm_simulate` reported: the resource states after
//! the last run (`revised_cluster_status`), the transition summary of the last run (`actions`),
//! its allocation scores (bans), and the fail counts in the status section it saved.

use serde::Serialize;

use crate::cib::{read_xml, XmlElement};
use crate::model::Model;
use crate::scenario::resolve::{op_interval, primitives_of};
use crate::syntax::ast::{Expect, ResourceState, TestBlock};

/// What one run printed (`--output-as=xml`), with the label of the run.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub label: String,
    pub judged: bool,
    pub xml: String,
}

/// One expectation and what was found instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub expected: String,
    pub actual: String,
    pub passed: bool,
}

/// The result of one test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestReport {
    pub name: String,
    pub file: String,
    pub line: u32,
    pub passed: bool,
    pub outcomes: Vec<Outcome>,
    /// The transitions the scheduler planned, run by run: `when ...:` then its summary lines.
    pub transition: Vec<String>,
    /// Why the test could not be run, if it could not.
    pub error: Option<String>,
}

/// An instance in the revised cluster status.
struct Instance {
    primitive: String,
    role: String,
    nodes: Vec<String>,
}

fn base_id(id: &str) -> &str {
    id.split(':').next().unwrap_or(id)
}

fn collect_instances(element: &XmlElement, out: &mut Vec<Instance>) {
    for child in element.elements() {
        if child.name == "resource" {
            let active = child.value("active") == Some("true");
            out.push(Instance {
                primitive: base_id(child.value("id").unwrap_or("")).to_string(),
                role: child.value("role").unwrap_or("Stopped").to_string(),
                nodes: if active { child.children_named("node").filter_map(|n| n.value("name")).map(str::to_string).collect() } else { Vec::new() },
            });
        } else {
            collect_instances(child, out);
        }
    }
}

/// The summary line of one `rsc_action`, as crm_simulate prints it in text.
fn summary_line(action: &XmlElement) -> String {
    let verb = action.value("action").unwrap_or("?");
    let mut verb_title = verb.to_string();
    if let Some(first) = verb_title.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    let resource = action.value("resource").unwrap_or("?");
    let role = action.value("role").map(|r| format!("{r} ")).unwrap_or_default();
    let next_role = action.value("next_role");
    let place = match (action.value("source"), action.value("dest"), action.value("node")) {
        (Some(source), Some(dest), _) => format!("{role}{source} -> {}{dest}", next_role.map(|r| format!("{r} ")).unwrap_or_default()),
        (_, _, Some(node)) => match next_role {
            Some(next) => format!("{} -> {next} {node}", action.value("role").unwrap_or("Stopped")),
            None => format!("{role}{node}"),
        },
        _ => role.trim_end().to_string(),
    };
    let reason = action.value("reason").map(|r| format!("  due to {r}")).unwrap_or_default();
    format!("{verb_title:<10} {resource:<12} ( {place} ){reason}")
}

fn verb_of(word: &str) -> &str {
    match word {
        "migrates" => "migrate",
        "moves" => "move",
        "restarts" => "restart",
        "recovers" => "recover",
        "reloads" => "reload",
        "starts" => "start",
        "stops" => "stop",
        "promotes" => "promote",
        "demotes" => "demote",
        "re-promotes" => "re-promote",
        other => other,
    }
}

fn fail_count_value(text: &str) -> i64 {
    match text.to_ascii_lowercase().as_str() {
        "infinity" | "+infinity" | "inf" | "+inf" => 1_000_000,
        other => other.parse::<i64>().unwrap_or(0).min(1_000_000),
    }
}

fn show_count(value: i64) -> String {
    if value >= 1_000_000 {
        "INFINITY".to_string()
    } else {
        value.to_string()
    }
}

/// The fail-count attributes of a node in a CIB: name → value.
fn fail_counts(cib: &XmlElement, node: &str) -> Vec<(String, String)> {
    let Some(state) = cib.child("status").and_then(|s| s.children_named("node_state").find(|n| n.value("uname") == Some(node))) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for attrs in state.children_named("transient_attributes") {
        for set in attrs.children_named("instance_attributes") {
            for pair in set.children_named("nvpair") {
                if let (Some(name), Some(value)) = (pair.value("name"), pair.value("value")) {
                    if name.starts_with("fail-count-") {
                        out.push((name.to_string(), value.to_string()));
                    }
                }
            }
        }
    }
    out
}

fn sorted_nodes(nodes: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut nodes: Vec<String> = nodes.into_iter().collect();
    nodes.sort();
    nodes.dedup();
    nodes
}

/// Whether the state a run left (its `--output-as=xml` output) is the one the givens describe:
/// every given resource active exactly where, and in the role, they say.
pub fn givens_hold(model: &Model, test: &TestBlock, xml: &str) -> bool {
    let Ok(root) = read_xml(xml) else { return false };
    let mut instances = Vec::new();
    if let Some(resources) = root.child("revised_cluster_status").and_then(|s| s.child("resources")) {
        collect_instances(resources, &mut instances);
    }
    test.givens.iter().all(|given| {
        let crate::syntax::ast::Given::Resource { resource, state, nodes, .. } = given else { return true };
        let primitives = primitives_of(model, &resource.text).unwrap_or_default();
        let wanted = sorted_nodes(nodes.iter().map(|n| n.text.to_string()));
        let mine = instances.iter().filter(|i| primitives.contains(&i.primitive));
        let found = |role: Option<&str>| sorted_nodes(mine.clone().filter(|i| role.is_none_or(|r| i.role == r)).flat_map(|i| i.nodes.clone()));
        match state {
            ResourceState::Stopped if wanted.is_empty() => found(None).is_empty(),
            ResourceState::Stopped => found(None).iter().all(|n| !wanted.contains(n)),
            // With several instances, the given nodes must be among those running.
            ResourceState::Running => wanted.iter().all(|n| found(None).contains(n)),
            ResourceState::Promoted => wanted.iter().all(|n| found(Some("Promoted")).contains(n)),
            ResourceState::Unpromoted => wanted.iter().all(|n| found(Some("Unpromoted")).contains(n)),
        }
    })
}

/// Judges `test` on the outputs of its runs and the CIB the last run saved.
pub fn judge(model: &Model, test: &TestBlock, source: &str, outputs: &[RunOutput], final_cib: &str) -> (Vec<Outcome>, Vec<String>) {
    let mut transition = Vec::new();
    let mut last: Option<XmlElement> = None;
    for output in outputs {
        let Ok(root) = read_xml(&output.xml) else {
            transition.push(format!("{}: crm_simulate's output could not be read", output.label));
            continue;
        };
        if output.judged {
            transition.push(format!("when {}:", output.label));
            let lines: Vec<String> = root.child("actions").map(|a| a.children_named("rsc_action").map(summary_line).collect()).unwrap_or_default();
            if lines.is_empty() {
                transition.push("  (no changes)".to_string());
            }
            transition.extend(lines.into_iter().map(|l| format!("  {l}")));
            last = Some(root);
        }
    }
    let final_cib = read_xml(final_cib).ok();
    let mut instances = Vec::new();
    if let Some(status) = last.as_ref().and_then(|r| r.child("revised_cluster_status")).and_then(|s| s.child("resources")) {
        collect_instances(status, &mut instances);
    }
    let text_of = |span: crate::span::Span| source.get(span.range()).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ");
    let mut outcomes = Vec::new();
    for expect in &test.expects {
        let expected = text_of(expect.span());
        let (passed, actual) = match expect {
            Expect::Resource { resource, state, nodes, .. } => {
                let primitives = primitives_of(model, &resource.text).unwrap_or_default();
                let mine: Vec<&Instance> = instances.iter().filter(|i| primitives.contains(&i.primitive)).collect();
                let active = sorted_nodes(mine.iter().flat_map(|i| i.nodes.clone()));
                let in_role = |role: &str| sorted_nodes(mine.iter().filter(|i| i.role == role).flat_map(|i| i.nodes.clone()));
                let wanted = sorted_nodes(nodes.iter().map(|n| n.text.to_string()));
                let describe = || {
                    let promoted = in_role("Promoted");
                    let unpromoted = in_role("Unpromoted");
                    let name = &resource.text;
                    if active.is_empty() {
                        format!("{name} stopped")
                    } else if promoted.is_empty() && unpromoted.is_empty() {
                        format!("{name} running on {}", active.join(" "))
                    } else {
                        let mut parts = Vec::new();
                        if !promoted.is_empty() {
                            parts.push(format!("promoted on {}", promoted.join(" ")));
                        }
                        if !unpromoted.is_empty() {
                            parts.push(format!("unpromoted on {}", unpromoted.join(" ")));
                        }
                        format!("{name} {}", parts.join(", "))
                    }
                };
                let passed = match state {
                    ResourceState::Running => active == wanted,
                    ResourceState::Promoted => in_role("Promoted") == wanted,
                    ResourceState::Unpromoted => in_role("Unpromoted") == wanted,
                    ResourceState::Stopped if wanted.is_empty() => active.is_empty(),
                    ResourceState::Stopped => wanted.iter().all(|n| !active.contains(n)),
                };
                (passed, describe())
            }
            Expect::Action { resource, action, .. } => {
                let primitives = primitives_of(model, &resource.text).unwrap_or_default();
                let verb = verb_of(&action.text);
                let actions: Vec<&XmlElement> =
                    last.as_ref().and_then(|r| r.child("actions")).map(|a| a.children_named("rsc_action").collect()).unwrap_or_default();
                let of_resource: Vec<&XmlElement> = actions
                    .into_iter()
                    .filter(|a| a.value("resource").is_some_and(|r| base_id(r) == resource.text || primitives.iter().any(|p| p == base_id(r))))
                    .collect();
                let passed = of_resource.iter().any(|a| a.value("action") == Some(verb));
                let actual = if of_resource.is_empty() {
                    format!("no action for {}", resource.text)
                } else {
                    of_resource.iter().map(|a| summary_line(a).split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("; ")
                };
                (passed, actual)
            }
            Expect::Banned { resource, nodes, .. } => {
                let primitives = primitives_of(model, &resource.text).unwrap_or_default();
                let weights: Vec<&XmlElement> =
                    last.as_ref().and_then(|r| r.child("allocations")).map(|a| a.children_named("node_weight").collect()).unwrap_or_default();
                let banned_on = |node: &str| {
                    let here: Vec<&&XmlElement> = weights.iter().filter(|w| w.value("node") == Some(node)).collect();
                    let own = here.iter().filter(|w| w.value("id") == Some(resource.text.as_str())).collect::<Vec<_>>();
                    if !own.is_empty() {
                        return own.iter().any(|w| w.value("score") == Some("-INFINITY"));
                    }
                    // A clone's instances: banned when every instance is, at the clone's level.
                    let instances: Vec<&&&XmlElement> = here
                        .iter()
                        .filter(|w| w.value("id").is_some_and(|id| primitives.iter().any(|p| p == base_id(id))))
                        .filter(|w| w.value("function").is_some_and(|f| f.contains("clone")) || model.enclosing_clone(&resource.text).is_none())
                        .collect();
                    !instances.is_empty() && instances.iter().all(|w| w.value("score") == Some("-INFINITY"))
                };
                let banned: Vec<String> = nodes.iter().filter(|n| banned_on(&n.text)).map(|n| n.text.to_string()).collect();
                let passed = banned.len() == nodes.len();
                let actual = if banned.is_empty() {
                    format!("{} not banned from {}", resource.text, nodes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(" "))
                } else {
                    format!("{} banned from {}", resource.text, banned.join(" "))
                };
                (passed, actual)
            }
            Expect::FailCount { resource, op, interval, node, value, .. } => {
                let primitives = primitives_of(model, &resource.text).unwrap_or_default();
                let counts = final_cib.as_ref().map(|c| fail_counts(c, &node.text)).unwrap_or_default();
                let mut total = 0i64;
                for primitive in &primitives {
                    let wanted = match op {
                        Some(op) => match op_interval(model, primitive, &op.text, interval.as_ref().map(|i| i.text.as_str())) {
                            Ok(ms) => Some(format!("fail-count-{primitive}#{}_{ms}", op.text)),
                            Err(_) => continue,
                        },
                        None => None,
                    };
                    for (name, count) in &counts {
                        let matches = match &wanted {
                            Some(w) => name == w,
                            None => name.starts_with(&format!("fail-count-{primitive}#")),
                        };
                        if matches {
                            total = total.saturating_add(fail_count_value(count)).min(1_000_000);
                        }
                    }
                }
                let what = match op {
                    Some(op) => format!(
                        "fail-count {} {}{} on {}",
                        resource.text,
                        op.text,
                        interval.as_ref().map(|i| format!(" {}", i.text)).unwrap_or_default(),
                        node.text
                    ),
                    None => format!("fail-count {} on {}", resource.text, node.text),
                };
                (total == fail_count_value(&value.text), format!("{what} = {}", show_count(total)))
            }
        };
        outcomes.push(Outcome { expected, actual, passed });
    }
    (outcomes, transition)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
    use super::*;
    use crate::Compiler;

    const POLICY: &str = "cluster { stonith-enabled = false }
primitive web: ocf:heartbeat:Dummy { op monitor interval=10s }
primitive pgsql: ocf:pacemaker:Stateful
promotable db: pgsql
test \"t\" {
  when monitor of web fails on n1
  expect web running on n2; web recovers; web banned from n1
  expect db promoted on n1; db unpromoted on n2
  expect fail-count web monitor on n1 = 1
  expect web migrates
}
";

    /// What crm_simulate prints with `--output-as=xml -S -s`, cut down to what is judged.
    const OUTPUT: &str = r#"<pacemaker-result>
  <allocations>
    <node_weight function="pcmk__primitive_assign" node="n1" score="-INFINITY" id="web"/>
    <node_weight function="pcmk__primitive_assign" node="n2" score="0" id="web"/>
  </allocations>
  <actions>
    <rsc_action action="recover" resource="web" source="n1" dest="n2" reason="a reason"/>
  </actions>
  <revised_cluster_status><resources>
    <resource id="web" role="Started" active="true"><node name="n2"/></resource>
    <clone id="db">
      <resource id="pgsql" role="Promoted" active="true"><node name="n1"/></resource>
      <resource id="pgsql" role="Unpromoted" active="true"><node name="n2"/></resource>
    </clone>
  </resources></revised_cluster_status>
</pacemaker-result>"#;

    const SAVED: &str = r#"<cib><status><node_state uname="n1"><transient_attributes><instance_attributes>
  <nvpair name="fail-count-web#monitor_10000" value="1"/>
</instance_attributes></transient_attributes></node_state></status></cib>"#;

    #[test]
    fn expectations_are_judged_on_the_last_run() {
        let mut compiler = Compiler::default();
        compiler.set_file("a.hapolicy", POLICY.to_string());
        let (_, test) = &compiler.tests()[0];
        let outputs = [RunOutput { label: "monitor of web fails on n1".into(), judged: true, xml: OUTPUT.into() }];
        let (outcomes, transition) = judge(compiler.model(), test, POLICY, &outputs, SAVED);
        let verdicts: Vec<(&str, bool)> = outcomes.iter().map(|o| (o.expected.as_str(), o.passed)).collect();
        assert_eq!(
            verdicts,
            [
                ("web running on n2", true),
                ("web recovers", true),
                ("web banned from n1", true),
                ("db promoted on n1", true),
                ("db unpromoted on n2", true),
                ("fail-count web monitor on n1 = 1", true),
                ("web migrates", false),
            ]
        );
        assert_eq!(outcomes[6].actual, "Recover web ( n1 -> n2 ) due to a reason");
        assert_eq!(transition, ["when monitor of web fails on n1:", "  Recover    web          ( n1 -> n2 )  due to a reason"]);
    }
}
