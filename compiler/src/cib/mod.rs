//! The CIB model: an ordered XML element tree that build writes and (later) lint and import read.
//!
//! It is deliberately generic (element name, attributes in order, children) so that nothing in
//! a CIB is lost on the way through, and it knows nothing of the policy language: `generate`
//! turns the semantic model into this tree, `write` turns the tree into XML text.

mod generate;
mod ids;
mod read;
mod write;

pub use generate::{fail_count_attributes, generate, generate_xml, Target};
pub use read::{read_xml, XmlAttr, XmlElement, XmlError, XmlNode};
pub use write::{push_escaped, to_xml, XmlText};

/// One XML element.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    pub name: &'static str,
    pub attrs: Vec<(&'static str, compact_str::CompactString)>,
    pub children: Vec<Element>,
    /// Raw XML written as it is in place of this element (the policy's `xml` escape hatch).
    pub raw: Option<String>,
}

impl Element {
    pub fn new(name: &'static str) -> Element {
        Element { name, attrs: Vec::new(), children: Vec::new(), raw: None }
    }

    pub fn attr(mut self, key: &'static str, value: impl Into<compact_str::CompactString>) -> Element {
        self.attrs.push((key, value.into()));
        self
    }

    pub fn set(&mut self, key: &'static str, value: impl Into<compact_str::CompactString>) {
        self.attrs.push((key, value.into()));
    }

    pub fn child(mut self, child: Element) -> Element {
        self.children.push(child);
        self
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str())
    }

    /// An element written as the given XML text.
    pub fn raw(xml: String) -> Element {
        Element { name: "raw", attrs: Vec::new(), children: Vec::new(), raw: Some(xml) }
    }

    /// The first child with this element name.
    pub fn find(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// The attributes of an `<op>` besides id, name and interval, in the order they are written.
pub const OP_ATTRIBUTES: &[&str] = &["timeout", "on-fail", "enabled", "record-pending", "role", "start-delay", "interval-origin", "description"];

/// The configuration section a raw XML element belongs in.
pub fn raw_section(element: &str) -> Option<&'static str> {
    Some(match element {
        "primitive" | "template" | "group" | "clone" | "master" | "bundle" => "resources",
        "rsc_location" | "rsc_colocation" | "rsc_order" | "rsc_ticket" => "constraints",
        "node" => "nodes",
        "cluster_property_set" => "crm_config",
        "fencing-level" => "fencing-topology",
        "tag" => "tags",
        "alert" => "alerts",
        "acl_target" | "acl_group" | "acl_role" | "acl_user" => "acls",
        _ => return None,
    })
}
