//! What a cluster's CIB says about its present, beside the configuration: its version
//! (`admin_epoch`, `epoch`, `num_updates`) and, from the resource history in `<status>`, where each
//! resource is active and whether its last start was recorded with a restart digest (without one,
//! Pacemaker cannot reload the resource and restarts it instead).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::cib::XmlElement;

/// The three numbers that order CIB versions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CibVersion {
    pub admin_epoch: u64,
    pub epoch: u64,
    pub num_updates: u64,
}

impl CibVersion {
    /// The version of a `<cib>` element (missing numbers count as 0).
    pub fn of(cib: &XmlElement) -> CibVersion {
        let number = |name: &str| cib.value(name).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
        CibVersion { admin_epoch: number("admin_epoch"), epoch: number("epoch"), num_updates: number("num_updates") }
    }
}

impl std::fmt::Display for CibVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.admin_epoch, self.epoch, self.num_updates)
    }
}

/// The cluster's present, as far as planning needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterStatus {
    pub version: CibVersion,
    /// Resource id (clone instance numbers removed) → the nodes it is active on.
    pub active: BTreeMap<String, BTreeSet<String>>,
    /// Active resources whose history on some node has no restart digest.
    pub without_restart_digest: BTreeSet<String>,
}

/// Operations after which a resource is running when they succeeded.
const RUNNING_AFTER: &[&str] = &["start", "promote", "demote", "migrate_from", "monitor", "reload", "reload-agent", "notify"];

impl ClusterStatus {
    pub fn read(cib: &XmlElement) -> ClusterStatus {
        let mut status = ClusterStatus { version: CibVersion::of(cib), ..ClusterStatus::default() };
        let Some(section) = cib.child("status") else { return status };
        for node in section.children_named("node_state") {
            let name = node.value("uname").or_else(|| node.value("id")).unwrap_or_default();
            for resource in node.children_named("lrm").flat_map(|l| l.children_named("lrm_resources")).flat_map(|r| r.children_named("lrm_resource")) {
                let id = instance_base(resource.value("id").unwrap_or_default());
                let Some(last) = last_operation(resource) else { continue };
                let operation = last.value("operation").unwrap_or_default();
                let rc = last.value("rc-code").unwrap_or_default();
                if RUNNING_AFTER.contains(&operation) && matches!(rc, "0" | "8") {
                    status.active.entry(id.to_string()).or_default().insert(name.to_string());
                    if last.value("op-restart-digest").is_none() {
                        status.without_restart_digest.insert(id.to_string());
                    }
                }
            }
        }
        status
    }

    pub fn is_active(&self, resource: &str) -> bool {
        self.active.get(resource).is_some_and(|nodes| !nodes.is_empty())
    }
}

/// The resource's last non-recurring operation: the one Pacemaker keeps as `<id>_last_0`, or
/// else the one with the highest call id.
fn last_operation(resource: &XmlElement) -> Option<&XmlElement> {
    let ops: Vec<&XmlElement> = resource.children_named("lrm_rsc_op").filter(|op| op.value("interval").is_none_or(|i| i == "0")).collect();
    if let Some(last) = ops.iter().find(|op| op.value("id").is_some_and(|id| id.ends_with("_last_0"))) {
        return Some(last);
    }
    ops.into_iter().max_by_key(|op| op.value("call-id").and_then(|c| c.parse::<i64>().ok()).unwrap_or(-1))
}

/// `db:1` → `db`: a clone instance's history belongs to its primitive.
pub fn instance_base(id: &str) -> &str {
    match id.rsplit_once(':') {
        Some((base, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => id,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::cib::read_xml;

    #[test]
    fn reads_where_resources_run() {
        let cib = read_xml(
            r#"<cib admin_epoch="1" epoch="7" num_updates="3"><configuration/><status>
            <node_state id="1" uname="n1"><lrm id="1"><lrm_resources>
              <lrm_resource id="d"><lrm_rsc_op id="d_last_0" operation="start" rc-code="0" interval="0" op-restart-digest="x"/></lrm_resource>
              <lrm_resource id="s:0"><lrm_rsc_op id="s_last_0" operation="stop" rc-code="0" interval="0"/></lrm_resource>
              <lrm_resource id="c:1"><lrm_rsc_op id="c_last_0" operation="start" rc-code="0" interval="0"/></lrm_resource>
            </lrm_resources></lrm></node_state></status></cib>"#,
        )
        .unwrap();
        let status = ClusterStatus::read(&cib);
        assert_eq!(status.version, CibVersion { admin_epoch: 1, epoch: 7, num_updates: 3 });
        assert!(status.is_active("d"));
        assert!(!status.is_active("s"));
        assert!(status.is_active("c"));
        assert!(status.without_restart_digest.contains("c") && !status.without_restart_digest.contains("d"));
    }
}
