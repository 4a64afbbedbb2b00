//! The syntax tree of one `.hapolicy` file: what the admin wrote, with byte spans.
//!
//! Values stay as written (`Value::text`); their meaning depends on where they stand and is
//! decided by the semantic model, so that one word can be a duration in an op and a plain
//! string in a parameter.

use crate::span::Span;

/// A piece of text with the span it came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned {
    pub text: compact_str::CompactString,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Value {
    pub text: compact_str::CompactString,
    pub quoted: bool,
    pub span: Span,
}

/// `key = value` (or `key=value` in a property list).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Assign {
    pub key: Spanned,
    pub value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetKind {
    Params,
    Meta,
    Utilization,
}

/// An attribute set: `meta [name] [props] { when ...; k = v }` or `meta use other`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttrSet {
    pub kind: SetKind,
    pub name: Option<Spanned>,
    pub reference: Option<Spanned>,
    pub props: Vec<Assign>,
    pub when: Vec<Expr>,
    pub entries: Vec<Assign>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Op {
    pub name: Spanned,
    pub props: Vec<Assign>,
    pub params: Vec<Assign>,
    pub sets: Vec<AttrSet>,
    pub span: Span,
}

/// Statements of primitive, template, group, clone, node and recipient bodies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Body {
    pub assigns: Vec<Assign>,
    pub sets: Vec<AttrSet>,
    pub ops: Vec<Op>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrimitiveSource {
    Agent(Spanned),
    Template(Spanned),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DefaultsKind {
    Op,
    Rsc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloneKind {
    Clone,
    Promotable,
}

/// A condition of a rule. `And`/`Or` with a child of the other kind become nested rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    And(Vec<Expr>, Span),
    Or(Vec<Expr>, Span),
    Compare { attr: Spanned, op: Spanned, ty: Option<Spanned>, value: CompareValue, span: Span },
    Defined { attr: Spanned, negated: bool, span: Span },
    FailCount { primitive: Spanned, op: Option<Spanned>, interval: Option<Value>, cmp: Spanned, value: Value, span: Span },
    Date(DateExpr, Span),
    DateSpec(Vec<Assign>, Span),
    Resource(Spanned, Span),
    Operation { name: Spanned, interval: Option<Value>, span: Span },
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::And(_, s) | Expr::Or(_, s) | Expr::Date(_, s) | Expr::DateSpec(_, s) | Expr::Resource(_, s) => *s,
            Expr::Compare { span, .. } | Expr::Defined { span, .. } | Expr::FailCount { span, .. } | Expr::Operation { span, .. } => *span,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CompareValue {
    Literal(Value),
    Param(Spanned),
    Meta(Spanned),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DateExpr {
    Gt(Value),
    Lt(Value),
    InRange { start: Value, end: Option<Value>, duration: Option<Value> },
}

/// A location's `rule [props] SCORE: expr`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LocationRule {
    pub props: Vec<Assign>,
    pub score: Option<Spanned>,
    pub expr: Expr,
    pub span: Span,
}

/// `prefers NODE [= score]` / `avoids NODE`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodePreference {
    pub avoids: bool,
    pub node: Spanned,
    pub score: Option<Spanned>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceSet {
    pub name: Option<Spanned>,
    pub members: Vec<Spanned>,
    pub props: Vec<Assign>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LocationTarget {
    Resource(Spanned),
    Pattern(Value),
}

/// A resource named in a constraint, with an optional role or action in front.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RscRef {
    pub qualifier: Option<Spanned>,
    pub name: Spanned,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FencingTarget {
    Node(Spanned),
    Pattern(Value),
    Attribute(Spanned, Value),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Recipient {
    pub name: Spanned,
    pub props: Vec<Assign>,
    pub body: Body,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SelectKind {
    pub kind: Spanned,
    pub attributes: Vec<Spanned>,
}

/// A bundle body statement with its own keyword (`podman`, `network`, `port-mapping`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BundlePart {
    pub keyword: Spanned,
    pub name: Option<Spanned>,
    pub props: Vec<Assign>,
    pub span: Span,
}

/// `param NAME: TYPE [flags] [key=value...]` in an agent declaration.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParamDecl {
    pub name: Spanned,
    /// A type name (`string`, `integer`, `boolean`, `time`) or `select`.
    pub ty: Spanned,
    pub options: Vec<Value>,
    pub flags: Vec<Spanned>,
    pub props: Vec<Assign>,
    pub span: Span,
}

/// `action NAME [timeout=..] [interval=..] [depth=..] [role=..] [start-delay=..]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActionDecl {
    pub name: Spanned,
    pub props: Vec<Assign>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemKind {
    Cluster {
        name: Option<Spanned>,
        props: Vec<Assign>,
        when: Vec<Expr>,
        entries: Vec<Assign>,
    },
    Defaults {
        kind: DefaultsKind,
        name: Option<Spanned>,
        props: Vec<Assign>,
        when: Vec<Expr>,
        entries: Vec<Assign>,
    },
    Node {
        name: Spanned,
        props: Vec<Assign>,
        body: Body,
    },
    Primitive {
        name: Spanned,
        source: PrimitiveSource,
        props: Vec<Assign>,
        body: Body,
    },
    Template {
        name: Spanned,
        agent: Spanned,
        props: Vec<Assign>,
        body: Body,
    },
    Group {
        name: Spanned,
        members: Vec<Spanned>,
        props: Vec<Assign>,
        body: Body,
    },
    Clone {
        kind: CloneKind,
        name: Spanned,
        child: Spanned,
        props: Vec<Assign>,
        body: Body,
    },
    Bundle {
        name: Spanned,
        child: Option<Spanned>,
        props: Vec<Assign>,
        parts: Vec<BundlePart>,
        body: Body,
    },
    Location {
        name: Spanned,
        target: Option<LocationTarget>,
        props: Vec<Assign>,
        preferences: Vec<NodePreference>,
        rules: Vec<LocationRule>,
        sets: Vec<ResourceSet>,
    },
    Colocation {
        name: Spanned,
        pair: Option<(RscRef, RscRef)>,
        score: Option<Spanned>,
        props: Vec<Assign>,
        sets: Vec<ResourceSet>,
    },
    Order {
        name: Spanned,
        pair: Option<(RscRef, RscRef)>,
        props: Vec<Assign>,
        sets: Vec<ResourceSet>,
    },
    Ticket {
        name: Spanned,
        rsc: Option<RscRef>,
        ticket: Spanned,
        props: Vec<Assign>,
        sets: Vec<ResourceSet>,
    },
    Tag {
        name: Spanned,
        members: Vec<Spanned>,
    },
    Alert {
        name: Spanned,
        props: Vec<Assign>,
        body: Body,
        select: Option<Vec<SelectKind>>,
        recipients: Vec<Recipient>,
    },
    FencingLevel {
        target: FencingTarget,
        props: Vec<Assign>,
        devices: Vec<Spanned>,
    },
    AclRole {
        name: Spanned,
        props: Vec<Assign>,
        permissions: Vec<(Spanned, Vec<Assign>, Span)>,
    },
    AclTarget {
        group: bool,
        name: Spanned,
        props: Vec<Assign>,
        roles: Vec<Spanned>,
    },
    Agent {
        agent: Spanned,
        props: Vec<Assign>,
        params: Vec<ParamDecl>,
        actions: Vec<ActionDecl>,
    },
    /// Raw CIB XML for one configuration element (the escape hatch).
    Xml {
        xml: Spanned,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Item {
    pub kind: ItemKind,
    /// The whole item, from its keyword to its end.
    pub span: Span,
}

impl ItemKind {
    /// The body of the items that have one (resources, nodes, alerts).
    pub fn body(&self) -> Option<&Body> {
        match self {
            ItemKind::Primitive { body, .. }
            | ItemKind::Template { body, .. }
            | ItemKind::Group { body, .. }
            | ItemKind::Clone { body, .. }
            | ItemKind::Bundle { body, .. }
            | ItemKind::Node { body, .. }
            | ItemKind::Alert { body, .. } => Some(body),
            _ => None,
        }
    }
}

impl Item {
    /// The name that declares this item, if it declares one.
    pub fn name(&self) -> Option<&Spanned> {
        match &self.kind {
            ItemKind::Cluster { name, .. } | ItemKind::Defaults { name, .. } => name.as_ref(),
            ItemKind::Node { name, .. }
            | ItemKind::Primitive { name, .. }
            | ItemKind::Template { name, .. }
            | ItemKind::Group { name, .. }
            | ItemKind::Clone { name, .. }
            | ItemKind::Bundle { name, .. }
            | ItemKind::Location { name, .. }
            | ItemKind::Colocation { name, .. }
            | ItemKind::Order { name, .. }
            | ItemKind::Ticket { name, .. }
            | ItemKind::Tag { name, .. }
            | ItemKind::Alert { name, .. }
            | ItemKind::AclRole { name, .. }
            | ItemKind::AclTarget { name, .. } => Some(name),
            ItemKind::FencingLevel { .. } | ItemKind::Agent { .. } | ItemKind::Xml { .. } => None,
        }
    }
}

/// `test "name" { given ...; when ...; expect ... }`: a failure scenario for `hapolicy test`.
/// Not configuration: it is kept beside the items (`ParsedFile::tests`) and never reaches the CIB.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TestBlock {
    pub name: Spanned,
    pub givens: Vec<Given>,
    /// One step per `when` clause: each runs the scheduler once, on the state the last left.
    pub steps: Vec<Step>,
    pub expects: Vec<Expect>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeStatus {
    Online,
    Offline,
    Standby,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceState {
    /// Active in any role.
    Running,
    Promoted,
    Unpromoted,
    Stopped,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Given {
    Nodes {
        nodes: Vec<Spanned>,
        status: NodeStatus,
        span: Span,
    },
    Attribute {
        name: Spanned,
        value: Value,
        nodes: Vec<Spanned>,
        span: Span,
    },
    Resource {
        resource: Spanned,
        state: ResourceState,
        nodes: Vec<Spanned>,
        span: Span,
    },
    /// `time 2024-01-15T02:00`: the scheduler's clock when the test starts (UTC).
    Time {
        value: Value,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Step {
    pub events: Vec<Event>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeChange {
    /// Lost without a clean shutdown (fenced when fencing is on).
    Fails,
    Status(NodeStatus),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Event {
    /// `monitor 10s of db fails 3 times on n1 with rc=7`
    OpFails {
        op: Spanned,
        interval: Option<Value>,
        resource: Spanned,
        times: u32,
        node: Spanned,
        rc: Option<Value>,
        span: Span,
    },
    Node {
        node: Spanned,
        change: NodeChange,
        span: Span,
    },
    Attribute {
        name: Spanned,
        value: Value,
        node: Spanned,
        span: Span,
    },
    TimePasses {
        duration: Value,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expect {
    Resource {
        resource: Spanned,
        state: ResourceState,
        nodes: Vec<Spanned>,
        span: Span,
    },
    Banned {
        resource: Spanned,
        nodes: Vec<Spanned>,
        span: Span,
    },
    /// `vm1 migrates`: the transition summary has this action for the resource.
    Action {
        resource: Spanned,
        action: Spanned,
        span: Span,
    },
    FailCount {
        resource: Spanned,
        op: Option<Spanned>,
        interval: Option<Value>,
        node: Spanned,
        value: Value,
        span: Span,
    },
}

impl Expect {
    pub fn span(&self) -> Span {
        match self {
            Expect::Resource { span, .. } | Expect::Banned { span, .. } | Expect::Action { span, .. } | Expect::FailCount { span, .. } => *span,
        }
    }
}
