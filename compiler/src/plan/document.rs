//! The documents a plan hands to Pacemaker's tools: the new `<configuration>` (for
//! `cibadmin --replace --scope configuration`) and the cluster's CIB with that configuration in
//! place of its own (for `crm_simulate`). Both are written from read trees, so the cluster's
//! status section and CIB attributes pass through unchanged.

use crate::cib::{XmlAttr, XmlElement, XmlNode};
use crate::span::Span;

/// Cluster options the cluster's own daemons maintain. They are carried over from the cluster,
/// whatever the policy says, so that replacing the configuration neither drops nor rewinds them.
pub const DAEMON_PROPERTIES: &[&str] = &["dc-version", "cluster-infrastructure", "have-watchdog", "last-lrm-refresh"];

/// The configuration to install: the compiled CIB's, with the cluster's values of the
/// daemon-maintained cluster options.
pub fn new_configuration(compiled: &XmlElement, cluster: &XmlElement) -> Option<XmlElement> {
    let mut configuration = compiled.child("configuration")?.clone();
    let carried: Vec<(String, XmlElement)> = cluster
        .child("configuration")
        .and_then(|c| c.child("crm_config"))
        .into_iter()
        .flat_map(|c| c.children_named("cluster_property_set"))
        .filter(|set| set.child("rule").is_none())
        .flat_map(|set| {
            let id = set.value("id").unwrap_or("cib-bootstrap-options").to_string();
            set.children_named("nvpair").map(move |pair| (id.clone(), pair.clone()))
        })
        .filter(|(_, pair)| pair.value("name").is_some_and(|n| DAEMON_PROPERTIES.contains(&n)))
        .collect();
    if carried.is_empty() {
        return Some(configuration);
    }
    for (set_id, pair) in carried {
        let Some(name) = pair.value("name") else { continue };
        let value = pair.value("value").unwrap_or_default().to_string();
        // The daemons' value wins over one the policy carries (say, from an import made before
        // an upgrade): the controller would overwrite it anyway.
        let mut set_by_policy = false;
        for set in configuration.children.iter_mut().filter_map(element_mut).filter(|e| e.name == "crm_config") {
            for properties in set.children.iter_mut().filter_map(element_mut).filter(|e| e.name == "cluster_property_set") {
                for nvpair in properties.children.iter_mut().filter_map(element_mut).filter(|e| e.name == "nvpair" && e.value("name") == Some(name)) {
                    set_by_policy = true;
                    if let Some(attr) = nvpair.attrs.iter_mut().find(|a| a.name == "value") {
                        attr.value = value.as_str().into();
                    }
                }
            }
        }
        if set_by_policy {
            continue;
        }
        let Some(crm_config) = child_or_insert(&mut configuration, "crm_config", &[]) else { continue };
        let Some(set) = child_or_insert(crm_config, "cluster_property_set", &[("id", &set_id)]) else { continue };
        set.children.push(XmlNode::Element(pair));
    }
    Some(configuration)
}

fn element_mut(node: &mut XmlNode) -> Option<&mut XmlElement> {
    match node {
        XmlNode::Element(e) => Some(e),
        XmlNode::Comment { .. } => None,
    }
}

/// The first child with this name (and these attributes), inserted first when there is none.
fn child_or_insert<'a>(parent: &'a mut XmlElement, name: &str, attrs: &[(&str, &str)]) -> Option<&'a mut XmlElement> {
    let matches = |e: &XmlElement| e.name == name && attrs.iter().all(|(k, v)| e.value(k) == Some(v));
    if !parent.children.iter().any(|c| matches!(c, XmlNode::Element(e) if matches(e))) {
        parent.children.insert(0, XmlNode::Element(element(name, attrs)));
    }
    parent.children.iter_mut().find_map(|c| match c {
        XmlNode::Element(e) if matches(e) => Some(e),
        _ => None,
    })
}

fn element(name: &str, attrs: &[(&str, &str)]) -> XmlElement {
    XmlElement {
        name: name.into(),
        attrs: attrs.iter().map(|(k, v)| XmlAttr { name: (*k).into(), value: (*v).into(), name_span: Span::default(), value_span: Span::default() }).collect(),
        children: Vec::new(),
        span: Span::default(),
        end: 0,
    }
}

/// The cluster's CIB with `configuration` in place of its own; its status and version stay. The
/// configuration was written for `schema`, which replaces the cluster's (an older CIB would
/// otherwise be validated against a schema that predates the configuration's syntax).
pub fn with_configuration(cluster: &XmlElement, configuration: &XmlElement, schema: Option<&str>) -> String {
    let mut cib = cluster.clone();
    if let (Some(schema), Some(attr)) = (schema, cib.attrs.iter_mut().find(|a| a.name == "validate-with")) {
        attr.value = schema.into();
    }
    match cib.children.iter_mut().find(|c| matches!(c, XmlNode::Element(e) if e.name == "configuration")) {
        Some(slot) => *slot = XmlNode::Element(configuration.clone()),
        None => cib.children.insert(0, XmlNode::Element(configuration.clone())),
    }
    to_xml(&cib)
}

/// An element as an XML document.
pub fn to_xml(root: &XmlElement) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    write(root, 0, &mut out);
    out
}

fn write(element: &XmlElement, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    out.push_str(&indent);
    out.push('<');
    out.push_str(&element.name);
    for attr in &element.attrs {
        out.push(' ');
        out.push_str(&attr.name);
        out.push_str("=\"");
        crate::cib::push_escaped(out, &attr.value);
        out.push('"');
    }
    if element.children.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    for child in &element.children {
        match child {
            XmlNode::Element(e) => write(e, depth + 1, out),
            XmlNode::Comment { text, .. } => {
                out.push_str(&indent);
                out.push_str("  <!--");
                out.push_str(text);
                out.push_str("-->\n");
            }
        }
    }
    out.push_str(&indent);
    out.push_str("</");
    out.push_str(&element.name);
    out.push_str(">\n");
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::cib::read_xml;

    #[test]
    fn daemon_properties_are_carried_over_and_values_survive() {
        let compiled = read_xml(r#"<cib><configuration><crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="a" name="stonith-enabled" value="false"/><nvpair id="h" name="have-watchdog" value="true"/></cluster_property_set></crm_config><resources/></configuration><status/></cib>"#).unwrap();
        let cluster = read_xml(r#"<cib epoch="4"><configuration><crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="b" name="dc-version" value="2.1.5"/><nvpair id="w" name="have-watchdog" value="false"/><nvpair id="c" name="stonith-enabled" value="true"/></cluster_property_set></crm_config></configuration><status><node_state id="1" uname="a&#10;b"/></status></cib>"#).unwrap();
        let configuration = new_configuration(&compiled, &cluster).unwrap();
        let xml = with_configuration(&cluster, &configuration, None);
        let back = read_xml(&xml).unwrap();
        let pairs: Vec<(&str, &str)> = back
            .child("configuration")
            .and_then(|c| c.child("crm_config"))
            .and_then(|c| c.child("cluster_property_set"))
            .unwrap()
            .children_named("nvpair")
            .map(|p| (p.value("name").unwrap(), p.value("value").unwrap()))
            .collect();
        assert_eq!(pairs, vec![("stonith-enabled", "false"), ("have-watchdog", "false"), ("dc-version", "2.1.5")], "the cluster's values win");
        assert_eq!(back.value("epoch"), Some("4"));
        assert_eq!(back.child("status").and_then(|s| s.child("node_state")).and_then(|n| n.value("uname")), Some("a\nb"));
    }
}
