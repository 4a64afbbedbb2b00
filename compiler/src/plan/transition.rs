//! The transition Pacemaker's scheduler would execute, read from `crm_simulate -S
//! --output-as=xml`: its `<actions>` list is the "Transition Summary" in structured form (one
//! `rsc_action` per resource change, one `node_action` per fencing or shutdown).

use serde::Serialize;

use crate::cib::{read_xml, XmlElement};

use super::Effect;

/// One line of the transition summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransitionAction {
    /// As Pacemaker names it, lowercase: `start`, `stop`, `restart`, `recover`, `reload`,
    /// `move`, `migrate`, `promote`, `demote`, `re-promote`; for nodes, the task (`reboot`, ...).
    pub action: String,
    /// The resource (a clone instance keeps its `:N`); `None` for a node action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub blocked: bool,
}

impl TransitionAction {
    /// What the action does to the resource, in the plan's terms. A move is a stop and a start
    /// on another node, so it counts as a restart.
    pub fn effect(&self) -> Option<Effect> {
        Some(match self.action.as_str() {
            "start" => Effect::Start,
            "stop" => Effect::Stop,
            "restart" | "recover" | "move" | "re-promote" => Effect::Restart,
            "reload" => Effect::Reload,
            "migrate" => Effect::Migrate,
            "promote" => Effect::Promote,
            "demote" => Effect::Demote,
            _ => return None,
        })
    }

    /// The line as Pacemaker's summary words it: `Migrate vm (n1 -> n2)`.
    pub fn describe(&self) -> String {
        let mut name = self.action.clone();
        if let Some(first) = name.get(..1) {
            name = format!("{}{}", first.to_ascii_uppercase(), name.get(1..).unwrap_or_default());
        }
        let place = match (&self.from, &self.to) {
            (Some(from), Some(to)) if from != to => format!("{from} -> {to}"),
            (Some(node), _) | (None, Some(node)) => node.clone(),
            (None, None) => String::new(),
        };
        let role = match (&self.role, &self.next_role) {
            (Some(a), Some(b)) if a != b => format!("{a} -> {b} "),
            (Some(a), _) => format!("{a} "),
            _ => String::new(),
        };
        let mut line = match &self.resource {
            Some(resource) => format!("{name} {resource} ({role}{place})"),
            None => format!("{name} {place}"),
        };
        if let Some(reason) = &self.reason {
            line.push_str(&format!(" due to {reason}"));
        }
        if self.blocked {
            line.push_str(" (blocked)");
        }
        line
    }
}

/// Reads the actions out of `crm_simulate --output-as=xml` output.
///
/// # Errors
///
/// When the output is not XML or has no `<actions>` (which `-S` always prints).
pub fn parse_simulation(xml: &str) -> Result<Vec<TransitionAction>, String> {
    let root = read_xml(xml).map_err(|e| format!("crm_simulate's output is not XML: {e}"))?;
    if let Some(status) = root.child("status").filter(|s| s.value("code").is_some_and(|c| c != "0")) {
        return Err(format!("crm_simulate failed: {}", status.value("message").unwrap_or("no message")));
    }
    let Some(actions) = root.child("actions") else {
        // No list at all means nothing to do only when the simulation ran.
        return if root.child("transition").is_some() || root.child("revised_cluster_status").is_some() {
            Ok(Vec::new())
        } else {
            Err("crm_simulate printed no transition summary".to_string())
        };
    };
    Ok(actions.elements().filter_map(action).collect())
}

fn action(element: &XmlElement) -> Option<TransitionAction> {
    let get = |name: &str| element.value(name).map(str::to_string);
    match element.name.as_str() {
        "rsc_action" => {
            let action = get("action")?;
            // `node` is where a start lands or where a stop leaves.
            let node = get("node");
            let starts = matches!(action.as_str(), "start" | "promote");
            let (from, to) = match (get("source"), get("dest")) {
                (None, None) if starts => (None, node),
                (None, None) => (node, None),
                (source, dest) => (source.or_else(|| if starts { None } else { node.clone() }), dest.or_else(|| if starts { node.clone() } else { None })),
            };
            Some(TransitionAction {
                action,
                resource: get("resource"),
                from,
                to,
                role: get("role"),
                next_role: get("next-role"),
                reason: get("reason"),
                blocked: element.value("blocked") == Some("true"),
            })
        }
        "node_action" => Some(TransitionAction {
            action: get("task")?,
            resource: None,
            from: None,
            to: get("node"),
            role: None,
            next_role: None,
            reason: get("reason"),
            blocked: false,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn reads_crm_simulates_structured_summary() {
        let xml = r#"<pacemaker-result api-version="2.25" request="crm_simulate -x t.xml -S --output-as=xml">
  <actions>
    <rsc_action action="reload" resource="d" source="n1"/>
    <rsc_action action="migrate" resource="vm" source="n1" dest="n2"/>
    <rsc_action action="restart" resource="s" source="n1" reason="resource definition change"/>
    <rsc_action action="start" resource="c:1" node="n2"/>
    <rsc_action action="stop" resource="old" node="n1"/>
    <node_action task="reboot" node="n3" reason="peer is no longer part of the cluster"/>
  </actions>
  <status code="0" message="OK"/>
</pacemaker-result>"#;
        let actions = parse_simulation(xml).unwrap();
        let lines: Vec<String> = actions.iter().map(TransitionAction::describe).collect();
        assert_eq!(
            lines,
            vec![
                "Reload d (n1)",
                "Migrate vm (n1 -> n2)",
                "Restart s (n1) due to resource definition change",
                "Start c:1 (n2)",
                "Stop old (n1)",
                "Reboot n3 due to peer is no longer part of the cluster"
            ]
        );
        assert_eq!(actions.get(1).and_then(TransitionAction::effect), Some(Effect::Migrate));
        assert!(parse_simulation("not xml").is_err());
        assert!(parse_simulation(r#"<pacemaker-result><status code="1" message="bad"/></pacemaker-result>"#).is_err());
    }
}
