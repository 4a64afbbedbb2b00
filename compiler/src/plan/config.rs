//! The meaning of a CIB `<configuration>`, in a form two configurations can be compared in:
//! resources with their effective parameters, meta attributes and operations; constraints,
//! nodes and everything else as canonical text. Ids of nvpairs, rules and expressions, attribute
//! order and whitespace do not count; values are compared as Pacemaker reads them (booleans and
//! durations by value).

use std::collections::BTreeMap;

use crate::cib::XmlElement;
use crate::values;

/// One resource of a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub id: String,
    /// `primitive`, `group`, `clone`, `master` or `bundle`.
    pub element: String,
    /// `class:provider:type` (or `class:type`) of a primitive, through its template.
    pub agent: Option<String>,
    /// The group, clone or bundle directly containing it.
    pub parent: Option<String>,
    /// Its place among its parent's children (a group's order matters).
    pub position: usize,
    /// Effective unconditional instance attributes (a template's, overridden by the primitive's).
    pub params: BTreeMap<String, String>,
    /// Effective unconditional meta attributes.
    pub meta: BTreeMap<String, String>,
    pub utilization: BTreeMap<String, String>,
    /// Operations keyed by `name interval-in-ms` (plus the role when set), as canonical text.
    pub ops: BTreeMap<String, String>,
    /// Attribute sets with rules and anything else inside the resource element that is neither
    /// a plain set, an operation nor a child resource, as canonical text (compared as a whole).
    pub other: Vec<String>,
}

/// One constraint: its attributes (without its id) and the canonical text of what it contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub element: String,
    pub attrs: BTreeMap<String, String>,
    /// Rules and resource sets, as canonical text.
    pub body: String,
    /// The resources it names (`rsc`, `with-rsc`, `first`, `then`, and in sets).
    pub resources: Vec<String>,
}

impl Constraint {
    fn read(element: &XmlElement) -> Constraint {
        let attrs = element.attrs.iter().filter(|a| a.name != "id").map(|a| (a.name.clone(), a.value.clone())).collect();
        let body = element.elements().map(|c| canonical_without(c, &["id"])).collect::<Vec<_>>().join(",");
        let mut resources: Vec<String> = ["rsc", "with-rsc", "first", "then"].iter().filter_map(|k| element.value(k)).map(str::to_string).collect();
        for set in element.children_named("resource_set") {
            resources.extend(set.children_named("resource_ref").filter_map(|r| r.value("id")).map(str::to_string));
        }
        Constraint { element: element.name.clone(), attrs, body, resources }
    }
}

/// A configuration, read for comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Configuration {
    pub resources: BTreeMap<String, Resource>,
    pub constraints: BTreeMap<String, Constraint>,
    /// (`cluster`, `rsc-defaults` or `op-defaults`, name) → value of the unconditional sets.
    pub properties: BTreeMap<(String, String), String>,
    /// Node name → (id, canonical text of the rest).
    pub nodes: BTreeMap<String, (String, String)>,
    /// Everything else (tags, alerts, ACLs, fencing topology, rule-based property sets), keyed by
    /// section and id, as canonical text.
    pub other: BTreeMap<String, String>,
}

const RESOURCE_ELEMENTS: &[&str] = &["primitive", "group", "clone", "master", "bundle"];

impl Configuration {
    /// Reads the `<configuration>` of a CIB (given the `<cib>` element or the configuration itself).
    pub fn read(root: &XmlElement) -> Configuration {
        let configuration = if root.name == "configuration" { Some(root) } else { root.child("configuration") };
        let mut config = Configuration::default();
        let Some(configuration) = configuration else { return config };
        let templates: BTreeMap<String, &XmlElement> = configuration
            .child("resources")
            .into_iter()
            .flat_map(|r| r.children_named("template"))
            .filter_map(|t| Some((t.value("id")?.to_string(), t)))
            .collect();
        for section in configuration.elements() {
            match section.name.as_str() {
                "crm_config" => config.read_properties(section, "cluster"),
                "rsc_defaults" => config.read_properties(section, "rsc-defaults"),
                "op_defaults" => config.read_properties(section, "op-defaults"),
                "nodes" => {
                    for node in section.elements() {
                        let id = node.value("id").unwrap_or_default().to_string();
                        let name = node.value("uname").unwrap_or(&id).to_string();
                        config.nodes.insert(name, (id, canonical_without(node, &["id"])));
                    }
                }
                "resources" => {
                    for (position, resource) in section.elements().enumerate() {
                        if resource.name == "template" {
                            config.other.insert(format!("template {}", resource.value("id").unwrap_or_default()), canonical(resource));
                        } else {
                            config.read_resource(resource, None, position, &templates);
                        }
                    }
                }
                "constraints" => {
                    for constraint in section.elements() {
                        let id = constraint.value("id").unwrap_or_default().to_string();
                        config.constraints.insert(id, Constraint::read(constraint));
                    }
                }
                _ => {
                    for (i, child) in section.elements().enumerate() {
                        let key = child.value("id").map_or_else(|| format!("{} #{i}", section.name), |id| format!("{} {id}", section.name));
                        config.other.insert(key, canonical(child));
                    }
                }
            }
        }
        config
    }

    fn read_properties(&mut self, section: &XmlElement, label: &str) {
        let (plain, conditional) = attribute_sets(section.elements());
        for (name, value) in plain {
            self.properties.insert((label.to_string(), name), value);
        }
        for (i, set) in conditional.into_iter().enumerate() {
            self.other.insert(format!("{label} rule-based set #{i}"), set);
        }
    }

    fn read_resource(&mut self, element: &XmlElement, parent: Option<&str>, position: usize, templates: &BTreeMap<String, &XmlElement>) {
        if !RESOURCE_ELEMENTS.contains(&element.name.as_str()) {
            return;
        }
        let id = element.value("id").unwrap_or_default().to_string();
        let template = element.value("template").and_then(|t| templates.get(t)).copied();
        let agent_of = |e: &XmlElement| {
            let class = e.value("class")?;
            Some(match e.value("provider") {
                Some(provider) => format!("{class}:{provider}:{}", e.value("type").unwrap_or_default()),
                None => format!("{class}:{}", e.value("type").unwrap_or_default()),
            })
        };
        let agent = agent_of(element).or_else(|| template.and_then(agent_of));
        // A template's sets come first so that the primitive's own values override them.
        let sources: Vec<&XmlElement> = template.into_iter().chain(std::iter::once(element)).collect();
        let sets = |name: &str| attribute_sets(sources.iter().flat_map(|s| s.children_named(name)));
        let (params, mut other) = sets("instance_attributes");
        let (meta, meta_rules) = sets("meta_attributes");
        let (utilization, utilization_rules) = sets("utilization");
        other.extend(meta_rules);
        other.extend(utilization_rules);
        let mut ops = BTreeMap::new();
        for source in &sources {
            for op in source.children_named("operations").flat_map(|o| o.children_named("op")) {
                ops.insert(op_key(op), op_description(op));
            }
        }
        let mut children = Vec::new();
        for child in element.elements() {
            match child.name.as_str() {
                "instance_attributes" | "meta_attributes" | "utilization" | "operations" => {}
                name if RESOURCE_ELEMENTS.contains(&name) => children.push(child),
                _ => other.push(canonical(child)),
            }
        }
        self.resources.insert(
            id.clone(),
            Resource {
                id: id.clone(),
                element: element.name.clone(),
                agent,
                parent: parent.map(str::to_string),
                position,
                params,
                meta,
                utilization,
                ops,
                other,
            },
        );
        for (i, child) in children.into_iter().enumerate() {
            self.read_resource(child, Some(&id), i, templates);
        }
    }
}

/// An operation's identity as Pacemaker sees it: its name and interval (in milliseconds), and
/// the role it monitors.
fn op_key(op: &XmlElement) -> String {
    let name = op.value("name").unwrap_or_default();
    let interval = op.value("interval").map_or(0, |i| values::parse_duration(i).map_or(0, |d| d.ms));
    match op.value("role") {
        Some(role) => format!("{name} {} ({role})", values::format_duration(interval)),
        None => format!("{name} {}", values::format_duration(interval)),
    }
}

/// An operation's properties as `key=value` words (durations normalised), then anything nested in
/// it as canonical text.
fn op_description(op: &XmlElement) -> String {
    let mut words: Vec<String> = op
        .attrs
        .iter()
        .filter(|a| !matches!(a.name.as_str(), "id" | "name" | "interval" | "role"))
        .map(|a| {
            let value = match a.name.as_str() {
                "timeout" | "start-delay" => values::parse_duration(&a.value).map_or_else(|_| a.value.clone(), |d| values::format_duration(d.ms)),
                _ => a.value.clone(),
            };
            format!("{}={value}", a.name)
        })
        .collect();
    words.sort();
    words.extend(op.elements().map(|child| canonical_without(child, &["id"])));
    words.join(" ")
}

/// The effective values of unconditional nvpair sets (the highest score wins; between equal
/// scores the later set, as Pacemaker does), and the canonical text of sets with a rule or a
/// reference, which are compared as a whole.
fn attribute_sets<'a>(sets: impl Iterator<Item = &'a XmlElement>) -> (BTreeMap<String, String>, Vec<String>) {
    let mut plain: Vec<(i64, usize, &XmlElement)> = Vec::new();
    let mut conditional = Vec::new();
    for (i, set) in sets.enumerate() {
        if set.child("rule").is_some() || set.value("id-ref").is_some() {
            conditional.push(canonical(set));
        } else {
            let score = set.value("score").and_then(|s| values::parse_score(s).ok()).unwrap_or(0);
            plain.push((score, i, set));
        }
    }
    plain.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut values = BTreeMap::new();
    for (_, _, set) in plain {
        for pair in set.children_named("nvpair") {
            let Some(name) = pair.value("name") else { continue };
            values.entry(name.to_string()).or_insert_with(|| pair.value("value").unwrap_or_default().to_string());
        }
    }
    (values, conditional)
}

/// Whether two values mean the same to Pacemaker: equal text, the same boolean, or the same
/// duration.
pub fn same_value(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let numeric = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    if let (Ok(x), Ok(y)) = (values::parse_bool(a), values::parse_bool(b)) {
        if !(numeric(a) && numeric(b)) {
            return x == y;
        }
    }
    let duration = |s: &str| if numeric(s) { None } else { values::parse_duration(s).ok().map(|d| d.ms) };
    matches!((duration(a), duration(b)), (Some(x), Some(y)) if x == y)
}

/// An element as text that ignores attribute order, whitespace and comments: `name[a=b,c=d](children)`.
pub fn canonical(element: &XmlElement) -> String {
    canonical_without(element, &[])
}

/// Like [`canonical`], leaving out the named attributes of the element itself and every `id` below it.
pub fn canonical_without(element: &XmlElement, skip: &[&str]) -> String {
    let mut out = String::new();
    write_canonical(element, skip, &mut out);
    out
}

fn write_canonical(element: &XmlElement, skip: &[&str], out: &mut String) {
    out.push_str(&element.name);
    let mut attrs: Vec<(&str, &str)> = element.attrs.iter().filter(|a| !skip.contains(&a.name.as_str())).map(|a| (a.name.as_str(), a.value.as_str())).collect();
    attrs.sort_unstable();
    out.push('[');
    for (i, (name, value)) in attrs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("{name}={value:?}"));
    }
    out.push(']');
    let children: Vec<&XmlElement> = element.elements().collect();
    if !children.is_empty() {
        out.push('(');
        for (i, child) in children.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            // Ids inside (of nvpairs, rules, expressions, sets) are names, not meaning.
            write_canonical(child, &["id"], out);
        }
        out.push(')');
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::cib::read_xml;

    #[test]
    fn ids_and_attribute_order_do_not_count() {
        let a = read_xml(r#"<configuration><resources><primitive id="d" class="ocf" provider="pacemaker" type="Dummy"><instance_attributes id="x"><nvpair id="x1" name="fake" value="1"/></instance_attributes><operations><op id="o" name="monitor" interval="10s"/></operations></primitive></resources></configuration>"#).unwrap();
        let b = read_xml(r#"<configuration><resources><primitive type="Dummy" provider="pacemaker" class="ocf" id="d"><instance_attributes id="y"><nvpair value="1" name="fake" id="y1"/></instance_attributes><operations><op interval="10000ms" name="monitor" id="p"/></operations></primitive></resources></configuration>"#).unwrap();
        assert_eq!(Configuration::read(&a), Configuration::read(&b));
    }

    #[test]
    fn a_template_supplies_the_agent_and_defaults() {
        let x = read_xml(r#"<configuration><resources><template id="t" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes id="ti"><nvpair id="a" name="fake" value="t"/><nvpair id="b" name="state" value="s"/></instance_attributes></template><primitive id="p" template="t"><instance_attributes id="pi"><nvpair id="c" name="fake" value="p"/></instance_attributes></primitive></resources></configuration>"#).unwrap();
        let config = Configuration::read(&x);
        let p = config.resources.get("p").unwrap();
        assert_eq!(p.agent.as_deref(), Some("ocf:heartbeat:Dummy"));
        assert_eq!(p.params.get("fake").map(String::as_str), Some("p"));
        assert_eq!(p.params.get("state").map(String::as_str), Some("s"));
    }

    #[test]
    fn values_compare_as_pacemaker_reads_them() {
        assert!(same_value("true", "yes"));
        assert!(same_value("10s", "10000ms"));
        assert!(!same_value("10", "20"));
        assert!(!same_value("a", "b"));
    }
}
