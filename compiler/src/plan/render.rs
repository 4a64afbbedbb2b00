//! A plan as text for a terminal: the changes, the scheduler's transition, and where the
//! prediction and the transition agree.

use super::config::Constraint;
use super::{Effect, Plan, ValueChange};

/// The attributes of a constraint that differ, and whether its rules or sets do.
pub(super) fn constraint_details(a: &Constraint, b: &Constraint) -> Vec<String> {
    let mut details: Vec<String> = super::union(a.attrs.keys(), b.attrs.keys())
        .into_iter()
        .filter_map(|key| {
            let (before, after) = (a.attrs.get(&key), b.attrs.get(&key));
            (before != after).then(|| format!("{key}: {} -> {}", shown(before), shown(after)))
        })
        .collect();
    if a.body != b.body {
        details.push("rules or resource sets changed".to_string());
    }
    details
}

fn shown(value: Option<&String>) -> String {
    value.map_or_else(|| "(unset)".to_string(), |v| format!("{v:?}"))
}

fn value_line(change: &ValueChange) -> String {
    let note = change.note.as_ref().map(|n| format!("  ({n})")).unwrap_or_default();
    format!("{}: {} -> {}{note}", change.name, shown(change.old.as_ref()), shown(change.new.as_ref()))
}

pub(super) fn human(plan: &Plan) -> String {
    let mut out = String::new();
    if plan.is_empty() {
        out.push_str(&format!("No changes: the cluster's configuration (CIB {}) already matches the policy.\n", plan.cib));
    } else {
        let parts: Vec<String> = [
            (plan.changes.len(), "resource"),
            (plan.constraints.len(), "constraint"),
            (plan.properties.len(), "cluster option or default"),
            (plan.nodes.len(), "node"),
            (plan.other.len(), "other item"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
        .collect();
        out.push_str(&format!("Plan against CIB {}: {} to change\n", plan.cib, parts.join(", ")));
    }
    if !plan.changes.is_empty() {
        out.push_str("\nResources:\n");
        for change in &plan.changes {
            let agent = change.agent.as_ref().map(|a| format!(" ({a})")).unwrap_or_default();
            let effect = if change.conditional { format!("{} if it moves", change.effect.as_str()) } else { change.effect.as_str().to_string() };
            out.push_str(&format!("  {} {}{agent}: {effect}\n", change.kind.sign(), change.resource));
            if change.kind != super::Kind::Add {
                for (label, values) in [("param", &change.params), ("meta", &change.meta), ("op", &change.ops), ("utilization", &change.utilization)] {
                    for value in values {
                        out.push_str(&format!("      {label} {}\n", value_line(value)));
                    }
                }
            }
            for other in &change.other {
                out.push_str(&format!("      {other}\n"));
            }
            out.push_str(&format!("      why: {}\n", change.reason));
        }
    }
    if !plan.constraints.is_empty() {
        out.push_str("\nConstraints:\n");
        for item in &plan.constraints {
            let details = if item.details.is_empty() { String::new() } else { format!(": {}", item.details.join("; ")) };
            out.push_str(&format!("  {} {} ({}){details}\n", item.kind.sign(), item.id, item.element));
        }
    }
    if !plan.properties.is_empty() {
        out.push_str("\nCluster options and defaults:\n");
        for p in &plan.properties {
            out.push_str(&format!("  {} {}: {} -> {}\n", p.set, p.name, shown(p.old.as_ref()), shown(p.new.as_ref())));
        }
    }
    if !plan.nodes.is_empty() || !plan.other.is_empty() {
        out.push_str("\nNodes and other items:\n");
        for item in plan.nodes.iter().chain(&plan.other) {
            let details = if item.details.is_empty() { String::new() } else { format!(": {}", item.details.join("; ")) };
            out.push_str(&format!("  {} {} {}{details}\n", item.kind.sign(), item.element, item.id));
        }
    }
    out.push_str("\nTransition (Pacemaker's scheduler, crm_simulate):\n");
    if plan.transition.is_empty() {
        out.push_str("  nothing to do\n");
    }
    for action in &plan.transition {
        out.push_str(&format!("  {}\n", action.describe()));
    }
    let reconciled: Vec<_> = plan.changes.iter().filter(|c| c.scheduler.is_some()).collect();
    if !reconciled.is_empty() || !plan.side_effects.is_empty() {
        out.push_str("\nPrediction and transition:\n");
        for change in reconciled {
            let scheduler = change.scheduler.unwrap_or(Effect::None);
            if change.agrees == Some(true) {
                let moved = if change.conditional && scheduler == Effect::None { " (the scheduler does not move it)" } else { "" };
                out.push_str(&format!("  ok {}: {}{moved}\n", change.resource, scheduler.as_str()));
            } else {
                out.push_str(&format!(
                    "  differs {}: predicted {}, the scheduler will {}: {}\n",
                    change.resource,
                    change.effect.as_str(),
                    scheduler.as_str(),
                    change.note.as_deref().unwrap_or("")
                ));
            }
        }
        if plan.is_empty() && !plan.side_effects.is_empty() {
            out.push_str("  (the cluster has work pending that does not come from this policy)\n");
        }
        for side in &plan.side_effects {
            let note = side.note.as_ref().map(|n| format!(": {n}")).unwrap_or_default();
            out.push_str(&format!("  also {}{note}\n", side.action));
        }
    }
    for conflict in &plan.conflicts {
        out.push_str(&format!("\nerror: {conflict}\n"));
    }
    out
}
