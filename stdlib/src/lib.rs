//! Pacemaker's built-in vocabulary, as data the compiler and the language server read.
//!
//! This crate owns the facts that do not come from a resource agent: the cluster options of
//! `crm_config`, the meta attributes of resources, clones, groups and bundles, and the properties
//! of operations — each with its type, Pacemaker's default and a description written for this
//! project. It holds no logic beyond lookups and must not depend on the compiler: the compiler
//! reads these tables, never the other way round. (Agent metadata will live here too, as the
//! embedded fallback for machines without agents installed.)

mod options;

pub use options::{CLUSTER_OPTIONS, OP_PROPERTIES, RESOURCE_META};

/// The type of an option's value, as Pacemaker parses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// `true`/`false` (nvpairs also accept yes/no/on/off/y/n/1/0).
    Boolean,
    /// A whole number.
    Integer,
    /// An integer or `INFINITY`/`-INFINITY`.
    Score,
    /// A duration such as `10s` or `5min`, read by Pacemaker's interval parser (ISO 8601 allowed).
    Interval,
    /// A duration read by Pacemaker's timeout parser (no ISO 8601).
    Timeout,
    /// One of a fixed list of words.
    Select(&'static [&'static str]),
    /// A role name (Stopped, Started, Unpromoted, Promoted).
    Role,
    /// A TCP port number.
    Port,
    /// Free text.
    Text,
}

/// Where an option is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Any resource (primitive, group, clone, bundle) and `rsc-defaults`.
    Resource,
    /// Clones and promotable clones only.
    Clone,
    /// Groups only.
    Group,
    /// Primitives only (for example guest-node settings).
    Primitive,
    /// Cluster-wide (`crm_config`).
    Cluster,
    /// Operations and `op-defaults`.
    Operation,
}

/// One option Pacemaker understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    pub name: &'static str,
    pub ty: ValueType,
    /// Pacemaker's default, as it would be written in the CIB; empty when there is none or it depends
    /// on other settings (the description says how).
    pub default: &'static str,
    pub scope: Scope,
    /// One or two sentences in this project's words.
    pub description: &'static str,
    /// Set when Pacemaker deprecates the option: what to use instead.
    pub deprecated: Option<&'static str>,
}

/// Finds an option by exact name in one of the tables.
pub fn find(table: &'static [OptionSpec], name: &str) -> Option<&'static OptionSpec> {
    table.iter().find(|spec| spec.name == name)
}

/// Finds an option by name among those valid in one of `scopes` (a name such as `ordered` means
/// different things for clones and groups).
pub fn find_in(table: &'static [OptionSpec], name: &str, scopes: &[Scope]) -> Option<&'static OptionSpec> {
    table.iter().find(|spec| spec.name == name && scopes.contains(&spec.scope))
}
