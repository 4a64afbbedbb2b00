//! Agent schemas in the model: where each agent's schema comes from, and the merge of the
//! sources in their order of precedence — `agent` declarations in the policy, then metadata
//! the shell supplied (files given by the admin, then installed agents), then the stdlib.

use std::collections::HashMap;

use crate::agents::{ActionSchema, AgentSchema, ContentType, ParamSchema};
use crate::diagnostics::FileId;
use crate::span::Span;
use crate::syntax::ast::{Item, ItemKind};

/// Where an agent's schema came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AgentOrigin {
    /// An `agent` declaration in the policy.
    Policy { file: FileId, span: Span },
    /// Metadata XML supplied by the shell: a file the admin named, or an installed agent.
    Metadata { origin: String },
    /// The declarations embedded in hapolicy.
    Stdlib,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownAgent {
    pub schema: AgentSchema,
    pub origin: AgentOrigin,
}

/// The schema an `agent` declaration describes.
pub fn schema_from_declaration(kind: &ItemKind) -> Option<(String, AgentSchema)> {
    let ItemKind::Agent { agent, props, params, actions } = kind else { return None };
    let prop = |props: &[crate::syntax::ast::Assign], key: &str| props.iter().find(|p| p.key.text == key).map(|p| p.value.text.to_string());
    let schema = AgentSchema {
        ocf_version: prop(props, "ocf-version").unwrap_or_default(),
        agent_version: prop(props, "version"),
        shortdesc: prop(props, "description"),
        longdesc: None,
        params: params
            .iter()
            .map(|p| {
                let flag = |name: &str| p.flags.iter().any(|f| f.text == name);
                ParamSchema {
                    name: p.name.text.to_string(),
                    required: flag("required"),
                    unique: flag("unique"),
                    unique_group: prop(&p.props, "unique-group"),
                    reloadable: flag("reloadable"),
                    private: flag("private"),
                    deprecated: flag("deprecated"),
                    replaced_with: prop(&p.props, "replaced-with").map(|r| r.split(',').map(|s| s.trim().to_string()).collect()).unwrap_or_default(),
                    content: match p.ty.text.as_str() {
                        "integer" => ContentType::Integer,
                        "boolean" => ContentType::Boolean,
                        "time" => ContentType::Time,
                        "select" => ContentType::Select(p.options.iter().map(|o| o.text.to_string()).collect()),
                        "string" => ContentType::String,
                        other => ContentType::Other(other.to_string()),
                    },
                    default: prop(&p.props, "default"),
                    shortdesc: prop(&p.props, "description"),
                    longdesc: None,
                }
            })
            .collect(),
        actions: actions
            .iter()
            .map(|a| ActionSchema {
                name: a.name.text.to_string(),
                timeout: prop(&a.props, "timeout"),
                interval: prop(&a.props, "interval"),
                depth: prop(&a.props, "depth"),
                role: prop(&a.props, "role"),
                start_delay: prop(&a.props, "start-delay"),
            })
            .collect(),
    };
    Some((agent.text.to_string(), schema))
}

/// Merges the sources; earlier arguments win.
pub fn merge(
    policy: &[(FileId, std::sync::Arc<Item>)],
    metadata: &[(String, String, AgentSchema)],
    stdlib: &[std::sync::Arc<Item>],
) -> HashMap<String, KnownAgent> {
    let mut known: HashMap<String, KnownAgent> = HashMap::new();
    for item in stdlib {
        if let Some((name, schema)) = schema_from_declaration(&item.kind) {
            known.insert(name, KnownAgent { schema, origin: AgentOrigin::Stdlib });
        }
    }
    for (name, origin, schema) in metadata.iter().rev() {
        known.insert(name.clone(), KnownAgent { schema: schema.clone(), origin: AgentOrigin::Metadata { origin: origin.clone() } });
    }
    for (file, item) in policy {
        if let Some((name, schema)) = schema_from_declaration(&item.kind) {
            known.insert(name, KnownAgent { schema, origin: AgentOrigin::Policy { file: *file, span: item.span } });
        }
    }
    known
}

/// Writes a schema as an `agent` declaration: the form the stdlib is kept in. Facts only —
/// descriptions are left out.
pub fn declaration(name: &str, schema: &AgentSchema) -> String {
    let mut out = String::new();
    out.push_str("agent ");
    out.push_str(name);
    if !schema.ocf_version.is_empty() {
        out.push_str(&format!(" ocf-version=\"{}\"", schema.ocf_version));
    }
    out.push_str(" {\n");
    for p in &schema.params {
        let ty = match &p.content {
            ContentType::String => "string".to_string(),
            ContentType::Integer => "integer".to_string(),
            ContentType::Boolean => "boolean".to_string(),
            ContentType::Time => "time".to_string(),
            ContentType::Select(options) => format!("select({})", options.iter().map(|o| quote(o)).collect::<Vec<_>>().join(", ")),
            // Unknown type names are kept as strings: that is how Pacemaker passes them.
            ContentType::Other(_) => "string".to_string(),
        };
        out.push_str(&format!("  param {}: {ty}", declared_key(&p.name)));
        for (flag, set) in [("required", p.required), ("unique", p.unique), ("reloadable", p.reloadable), ("private", p.private), ("deprecated", p.deprecated)]
        {
            if set {
                out.push(' ');
                out.push_str(flag);
            }
        }
        if let Some(group) = &p.unique_group {
            out.push_str(&format!(" unique-group={}", quote(group)));
        }
        if !p.replaced_with.is_empty() {
            out.push_str(&format!(" replaced-with={}", quote(&p.replaced_with.join(","))));
        }
        if let Some(default) = &p.default {
            out.push_str(&format!(" default={}", quote(default)));
        }
        out.push('\n');
    }
    for a in &schema.actions {
        out.push_str(&format!("  action {}", a.name));
        for (key, value) in [("timeout", &a.timeout), ("interval", &a.interval), ("depth", &a.depth), ("role", &a.role), ("start-delay", &a.start_delay)] {
            if let Some(v) = value {
                let v = match (key, v.as_str()) {
                    ("role", "Master") => "Promoted",
                    ("role", "Slave") => "Unpromoted",
                    _ => v.as_str(),
                };
                out.push_str(&format!(" {key}={}", quote(v)));
            }
        }
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

fn declared_key(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if plain {
        name.to_string()
    } else {
        quote(name)
    }
}

/// A value as a bare word when the grammar allows it, else quoted with escapes.
fn quote(value: &str) -> String {
    let bare = !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/' | '@' | '+'));
    if bare {
        value.to_string()
    } else {
        crate::syntax::quote(value)
    }
}
