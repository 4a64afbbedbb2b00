//! Resource agent metadata: what an OCF agent (or a fence agent, or a Pacemaker daemon's option
//! list, which share the format) says about its parameters and actions.
//!
//! The model follows OCF 1.1 (`ocf-ra-1.1.rng`), which is a superset of OCF 1.0 (`ra-api-1.dtd`);
//! `metadata` reads the XML an agent prints for `meta-data`. The questions Pacemaker asks of the
//! metadata (reload, migration, promotion, private parameters) are answered here the way the
//! 2.1 controller answers them.

pub mod metadata;

use std::cmp::Ordering;

/// Everything hapolicy keeps from an agent's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AgentSchema {
    /// The OCF API version the metadata is written for (`<version>`): "1.0" or "1.1"; empty if absent.
    pub ocf_version: String,
    /// The agent's own version (`<resource-agent version=...>`).
    pub agent_version: Option<String>,
    pub shortdesc: Option<String>,
    pub longdesc: Option<String>,
    /// In document order.
    pub params: Vec<ParamSchema>,
    /// In document order; an action name may appear several times (one per monitor depth or role).
    pub actions: Vec<ActionSchema>,
}

/// One `<parameter>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParamSchema {
    pub name: String,
    pub required: bool,
    /// The value must differ across resources of this agent (deprecated in OCF 1.1 in favour of `unique_group`).
    pub unique: bool,
    /// OCF 1.1: parameters sharing a group must be unique as a combination.
    pub unique_group: Option<String>,
    /// OCF 1.1: a change can be applied by `reload-agent` instead of a restart.
    pub reloadable: bool,
    /// Pacemaker-specific: the value is sensitive (kept out of digests shown to users).
    pub private: bool,
    /// `<deprecated>` element (OCF 1.1), or the fence agents' `deprecated="1"` attribute.
    pub deprecated: bool,
    /// `<deprecated><replaced-with name=...>`; for fence agents, the parameters that declare
    /// `obsoletes` naming this one.
    pub replaced_with: Vec<String>,
    pub content: ContentType,
    /// `<content default=...>` as written (possibly empty).
    pub default: Option<String>,
    pub shortdesc: Option<String>,
    pub longdesc: Option<String>,
}

/// `<content type=...>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContentType {
    String,
    Integer,
    Boolean,
    Time,
    /// OCF 1.1 `select` with its `<option value=...>` values, in document order.
    Select(Vec<String>),
    /// Any other type name, kept as written (`second`, `percentage`, `duration`, ...).
    Other(String),
}

/// One `<action>` advertised by the agent. Values are kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActionSchema {
    pub name: String,
    pub timeout: Option<String>,
    pub interval: Option<String>,
    pub depth: Option<String>,
    /// As written: `Promoted`/`Unpromoted` in OCF 1.1, `Master`/`Slave` in older agents.
    pub role: Option<String>,
    pub start_delay: Option<String>,
}

impl AgentSchema {
    /// The first parameter with this name.
    pub fn param(&self, name: &str) -> Option<&ParamSchema> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Every action entry with this name (an agent may list several monitors).
    pub fn action<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a ActionSchema> + 'a {
        self.actions.iter().filter(move |a| a.name == name)
    }

    /// Whether the agent lists this action at all.
    pub fn advertises(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a.name == action)
    }

    /// Whether the metadata declares OCF 1.1 or later (compared numerically, as Pacemaker's
    /// `compare_version` does; an absent version counts as older).
    pub fn is_ocf_1_1_or_later(&self) -> bool {
        !self.ocf_version.is_empty() && compare_versions(&self.ocf_version, "1.1") != Ordering::Less
    }

    /// Pacemaker applies changes to reloadable parameters with `reload-agent`: the agent
    /// advertises it and declares OCF 1.1 or later.
    pub fn supports_reload_agent(&self) -> bool {
        self.is_ocf_1_1_or_later() && self.advertises("reload-agent")
    }

    /// Pacemaker applies changes to non-unique parameters with the legacy `reload`: the agent
    /// advertises `reload` (matched case-insensitively, as Pacemaker does) and declares a version
    /// older than 1.1 (or none).
    pub fn supports_legacy_reload(&self) -> bool {
        !self.is_ocf_1_1_or_later() && self.actions.iter().any(|a| a.name.eq_ignore_ascii_case("reload"))
    }

    /// Live migration needs both `migrate_to` and `migrate_from`.
    pub fn migratable(&self) -> bool {
        self.advertises("migrate_to") && self.advertises("migrate_from")
    }

    /// A promotable clone needs both `promote` and `demote`.
    pub fn promotable(&self) -> bool {
        self.advertises("promote") && self.advertises("demote")
    }

    /// Whether Pacemaker treats the parameter as private: it is marked `private`, or, when no
    /// parameter of the agent is, it is named `password`, `passwd` or `user`.
    pub fn is_private(&self, name: &str) -> bool {
        if self.params.iter().any(|p| p.private) {
            self.param(name).is_some_and(|p| p.private)
        } else {
            matches!(name, "password" | "passwd" | "user") && self.param(name).is_some()
        }
    }
}

/// Compares dotted version strings numerically, component by component; a missing or
/// non-numeric component counts as 0 (so "1.1" == "1.1.0" and "1.10" > "1.9").
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let mut left = a.trim().split('.');
    let mut right = b.trim().split('.');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (l, r) => {
                let order = component(l).cmp(&component(r));
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// The leading decimal digits of a version component, saturating.
fn component(part: Option<&str>) -> u64 {
    part.map_or(0, |p| p.trim_start().bytes().take_while(u8::is_ascii_digit).fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0'))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(version: &str, actions: &[&str]) -> AgentSchema {
        AgentSchema {
            ocf_version: version.to_string(),
            agent_version: None,
            shortdesc: None,
            longdesc: None,
            params: Vec::new(),
            actions: actions
                .iter()
                .map(|name| ActionSchema { name: (*name).to_string(), timeout: None, interval: None, depth: None, role: None, start_delay: None })
                .collect(),
        }
    }

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("1.1", "1.1"), Ordering::Equal);
        assert_eq!(compare_versions("1.1.0", "1.1"), Ordering::Equal);
        assert_eq!(compare_versions("1.0", "1.1"), Ordering::Less);
        assert_eq!(compare_versions("1.10", "1.9"), Ordering::Greater);
        assert_eq!(compare_versions("2", "1.1"), Ordering::Greater);
        assert_eq!(compare_versions("", "1.1"), Ordering::Less);
        assert_eq!(compare_versions("abc", "0"), Ordering::Equal);
        assert_eq!(compare_versions("99999999999999999999999.1", "1"), Ordering::Greater);
    }

    #[test]
    fn reload_rules_follow_the_ocf_version() {
        let new = schema("1.1", &["start", "reload", "reload-agent"]);
        assert!(new.supports_reload_agent());
        assert!(!new.supports_legacy_reload());

        let old = schema("1.0", &["start", "reload", "reload-agent"]);
        assert!(!old.supports_reload_agent());
        assert!(old.supports_legacy_reload());

        let unversioned = schema("", &["RELOAD"]);
        assert!(unversioned.supports_legacy_reload());
        assert!(!schema("1.0", &["start"]).supports_legacy_reload());
    }

    #[test]
    fn capabilities_need_both_actions() {
        assert!(schema("1.0", &["migrate_to", "migrate_from"]).migratable());
        assert!(!schema("1.0", &["migrate_to"]).migratable());
        assert!(schema("1.1", &["promote", "demote"]).promotable());
        assert!(!schema("1.1", &["promote"]).promotable());
        let s = schema("1.1", &["monitor", "monitor", "start"]);
        assert_eq!(s.action("monitor").count(), 2);
        assert!(s.advertises("start"));
        assert!(!s.advertises("stop"));
    }

    #[test]
    fn implicit_private_names_apply_only_without_explicit_ones() {
        let param = |name: &str, private: bool| ParamSchema {
            name: name.to_string(),
            required: false,
            unique: false,
            unique_group: None,
            reloadable: false,
            private,
            deprecated: false,
            replaced_with: Vec::new(),
            content: ContentType::String,
            default: None,
            shortdesc: None,
            longdesc: None,
        };
        let mut s = schema("1.1", &[]);
        s.params = vec![param("passwd", false), param("secret", false)];
        assert!(s.is_private("passwd"));
        assert!(!s.is_private("secret"));
        assert!(!s.is_private("user"), "not a parameter of the agent");
        s.params.push(param("token", true));
        assert!(!s.is_private("passwd"));
        assert!(s.is_private("token"));
    }
}
