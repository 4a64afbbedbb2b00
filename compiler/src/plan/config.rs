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
        let attrs =
            element.attrs.iter().filter(|a| a.name != "id").filter_map(|a| Some((a.name.to_string(), normalized(&element.name, &a.name, &a.value)?))).collect();
        let body = element.elements().map(|c| canonical_without(c, &["id"])).collect::<Vec<_>>().join(",");
        let mut resources: Vec<String> = ["rsc", "with-rsc", "first", "then"].iter().filter_map(|k| element.value(k)).map(str::to_string).collect();
        for set in element.children_named("resource_set") {
            resources.extend(set.children_named("resource_ref").filter_map(|r| r.value("id")).map(str::to_string));
        }
        Constraint { element: element.name.to_string(), attrs, body, resources }
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
                        config.nodes.insert(name, (id, node_meaning(node)));
                    }
                }
                "resources" => {
                    for (position, resource) in section.elements().enumerate() {
                        if resource.name == "template" {
                            config.other.insert(format!("template {}", resource.value("id").unwrap_or_default()), template_meaning(resource));
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
                "fencing-topology" => {
                    // A level is what it fences and its index; its id is a name.
                    for level in section.elements() {
                        let target = ["target", "target-pattern", "target-attribute"].iter().find_map(|k| level.value(k).map(|v| format!("{k}={v}")));
                        let key = format!("fencing-level {}#{}", target.unwrap_or_default(), level.value("index").unwrap_or_default());
                        config.other.insert(key, canonical_without(level, &["id"]));
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
                element: element.name.to_string(),
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

/// A node's type and description, effective attributes and utilization, as text.
fn node_meaning(node: &XmlElement) -> String {
    let mut attrs: Vec<String> = node
        .attrs
        .iter()
        .filter(|a| !matches!(a.name.as_str(), "id" | "uname"))
        .filter_map(|a| Some(format!("{}={:?}", a.name, normalized("node", &a.name, &a.value)?)))
        .collect();
    attrs.sort();
    let (instance, instance_rules) = attribute_sets(node.children_named("instance_attributes"));
    let (utilization, utilization_rules) = attribute_sets(node.children_named("utilization"));
    format!("{attrs:?} {instance:?} {instance_rules:?} {utilization:?} {utilization_rules:?}")
}

/// A template's agent, attribute sets and operations, as text (its primitives carry its effect).
fn template_meaning(template: &XmlElement) -> String {
    let mut attrs: Vec<String> = template.attrs.iter().filter(|a| a.name != "id").map(|a| format!("{}={:?}", a.name, a.value)).collect();
    attrs.sort();
    let sets: Vec<_> = ["instance_attributes", "meta_attributes", "utilization"].iter().map(|name| attribute_sets(template.children_named(name))).collect();
    let ops: BTreeMap<String, String> =
        template.children_named("operations").flat_map(|o| o.children_named("op")).map(|op| (op_key(op), op_description(op))).collect();
    format!("{attrs:?} {sets:?} {ops:?}")
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
                "timeout" | "start-delay" => values::parse_duration(&a.value).map_or_else(|_| a.value.to_string(), |d| values::format_duration(d.ms)),
                _ => a.value.to_string(),
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
    let mut conditional: Vec<(i64, usize, &XmlElement)> = Vec::new();
    for (i, set) in sets.enumerate() {
        let score = set.value("score").and_then(|s| values::parse_score(s).ok()).unwrap_or(0);
        if set.child("rule").is_some() || set.value("id-ref").is_some() {
            conditional.push((score, i, set));
        } else {
            plain.push((score, i, set));
        }
    }
    // Precedence: the highest score first; between equal scores, the later set.
    plain.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    conditional.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut values = BTreeMap::new();
    for (_, _, set) in plain {
        for pair in set.children_named("nvpair") {
            let Some(name) = pair.value("name") else { continue };
            values.entry(name.to_string()).or_insert_with(|| pair.value("value").unwrap_or_default().to_string());
        }
    }
    (values, conditional.into_iter().map(|(_, _, set)| conditional_set(set)).collect())
}

/// A set with a rule, as text: its rules and its values. Its score only orders it among its
/// siblings, which the caller's order already says.
fn conditional_set(set: &XmlElement) -> String {
    let mut rules: Vec<String> = set.children_named("rule").map(|r| canonical_in(r, &["id"], Some(&set.name))).collect();
    rules.sort();
    let pairs: Vec<String> = set
        .children_named("nvpair")
        .map(|p| {
            let value = p.value("value").unwrap_or_default();
            // Durations written differently (`120s`, `2min`) are the same duration.
            let value = match values::parse_duration(value) {
                Ok(d) if !value.bytes().all(|b| b.is_ascii_digit()) => values::format_duration(d.ms),
                _ => value.to_string(),
            };
            format!("{}={value:?}", p.value("name").unwrap_or_default())
        })
        .collect();
    format!("{}[ref={:?}] when {rules:?} {pairs:?}", set.name, set.value("id-ref"))
}

/// Whether two meta-attribute or option values mean the same to Pacemaker: equal text, the
/// same boolean, or the same duration (a bare number counts seconds). Agent parameters are
/// strings the agent reads and compare as text.
pub fn same_value(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if let (Ok(x), Ok(y)) = (values::parse_bool(a), values::parse_bool(b)) {
        if !(numeric(a) && numeric(b)) {
            return x == y;
        }
    }
    if numeric(a) && numeric(b) {
        return a.parse::<u64>().ok() == b.parse::<u64>().ok();
    }
    let duration = |s: &str| values::parse_duration(s).ok().map(|d| d.ms);
    matches!((duration(a), duration(b)), (Some(x), Some(y)) if x == y)
}

/// Attributes whose absence means the same as this value.
const DEFAULTS: &[(&str, &str, &str)] = &[
    ("node", "type", "member"),
    ("node", "type", "normal"),
    ("rule", "boolean-op", "and"),
    ("resource_set", "sequential", "true"),
    ("resource_set", "require-all", "true"),
    ("op", "enabled", "true"),
    ("rsc_order", "symmetrical", "true"),
    ("date_expression", "operation", "in_range"),
    ("rsc_colocation", "score", "0"),
];

/// Attributes read as booleans, compared by value.
const BOOLEANS: &[&str] = &["sequential", "require-all", "symmetrical", "enabled", "record-pending"];

/// An attribute's value in canonical form (scores and booleans by value), or `None` when it
/// only states the default.
fn normalized(element: &str, name: &str, value: &str) -> Option<String> {
    let value = if name == "score" {
        values::parse_score(value).map_or_else(|_| value.to_string(), values::format_score)
    } else if BOOLEANS.contains(&name) {
        values::parse_bool(value).map_or_else(|_| value.to_string(), |b| values::format_bool(b).to_string())
    } else {
        value.to_string()
    };
    if DEFAULTS.iter().any(|(e, n, v)| *e == element && *n == name && v.eq_ignore_ascii_case(&value)) {
        return None;
    }
    Some(value)
}

/// An element as text that ignores attribute order, whitespace and comments: `name[a=b,c=d](children)`.
pub fn canonical(element: &XmlElement) -> String {
    canonical_without(element, &[])
}

/// Like [`canonical`], leaving out the named attributes of the element itself and every `id` below it.
pub fn canonical_without(element: &XmlElement, skip: &[&str]) -> String {
    canonical_in(element, skip, None)
}

/// The canonical text of an element inside `parent`, which decides what counts in a rule.
fn canonical_in(element: &XmlElement, skip: &[&str], parent: Option<&str>) -> String {
    let mut out = String::new();
    write_canonical(element, skip, parent, &mut out);
    out
}

fn write_canonical(element: &XmlElement, skip: &[&str], parent: Option<&str>, out: &mut String) {
    let children: Vec<&XmlElement> = element.elements().collect();
    // A nested rule with one condition is that condition (its score is never used).
    if element.name == "rule" && parent == Some("rule") && children.len() == 1 {
        if let Some(only) = children.first() {
            return write_canonical(only, &["id"], parent, out);
        }
    }
    out.push_str(&element.name);
    // How a rule combines its conditions does not matter when it has one; its score counts
    // only in a location constraint.
    let single_condition = element.name == "rule" && children.len() < 2;
    let unscored = element.name == "rule" && parent != Some("rsc_location");
    // Pacemaker compares integers as integers without being told.
    let integer_comparison = element.name == "expression"
        && matches!(element.value("operation"), Some("lt" | "lte" | "gt" | "gte"))
        && element.value("value").is_some_and(|v| v.parse::<i64>().is_ok());
    let mut attrs: Vec<(&str, String)> = element
        .attrs
        .iter()
        .filter(|a| !skip.contains(&a.name.as_str()))
        .filter(|a| !((single_condition && a.name == "boolean-op") || (unscored && a.name == "score")))
        .filter(|a| !(integer_comparison && a.name == "type" && matches!(a.value.as_str(), "integer" | "number")))
        .filter_map(|a| Some((a.name.as_str(), normalized(&element.name, &a.name, &a.value)?)))
        .collect();
    attrs.sort_unstable();
    out.push('[');
    for (i, (name, value)) in attrs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("{name}={value:?}"));
    }
    out.push(']');
    if !children.is_empty() {
        out.push('(');
        for (i, child) in children.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            // Ids inside (of nvpairs, rules, expressions, sets) are names, not meaning.
            write_canonical(child, &["id"], Some(&element.name), out);
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
        assert!(same_value("10", "10s"), "a bare number is seconds");
        assert!(!same_value("10", "20"));
        assert!(!same_value("a", "b"));
    }
}
