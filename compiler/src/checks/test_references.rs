//! References in policy tests (`test` blocks) are checked like the rest of the policy: the
//! resources they name exist, the operations and intervals a failure names are ones the
//! primitive runs, the nodes are the cluster's, and roles are only asked of promotable resources.
//! A test that names something that does not exist would otherwise test nothing.

use std::sync::Arc;

use crate::diagnostics::{codes, did_you_mean, Code, Diagnostic, FileId, Severity};
use crate::model::Model;
use crate::scenario::resolve::{is_promotable, op_interval, primitives_of};
use crate::syntax::ast::{Event, Expect, Given, ResourceState, Spanned, TestBlock};

pub static CODE_RESOURCE: Code = Code {
    code: "HP2401",
    name: "test-unknown-resource",
    severity: Severity::Error,
    summary: "a policy test names a resource the policy does not declare",
    doc: r#"# HP2401 test-unknown-resource

A `test` block simulates the policy in Pacemaker's scheduler; every resource it starts, fails
or expects must be a primitive, group, clone, promotable clone or bundle of the policy. A
misspelt name would make the test inject a failure Pacemaker cannot place (`crm_simulate`
rejects it) or expect something about a resource that never exists.

```
primitive web: ocf:heartbeat:Dummy { op monitor interval=10s }
test "web moves" {
  given nodes n1 n2 online; wbe running on n1     # error: `wbe` is not declared
  given nodes n1 n2 online; web running on n1     # fixed
}
```
"#,
};

pub static CODE_OPERATION: Code = Code {
    code: "HP2402",
    name: "test-unknown-operation",
    severity: Severity::Error,
    summary: "a policy test fails an operation (or interval) the primitive does not run",
    doc: r#"# HP2402 test-unknown-operation

A failure in a test is injected as the result of one operation, named by its action and
interval exactly as Pacemaker records it (`web_monitor_10000`). The operation must be one the
primitive runs: a recurring op configured in the policy, or an implicit one (start, stop, the
probe, promote/demote of a promotable clone, migrate_to/migrate_from with allow-migrate). With
several monitors, name the interval. A failure of an op that never runs says nothing about the
policy.

```
primitive web: ocf:heartbeat:Dummy { op monitor interval=10s }
test "t" {
  when monitor 15s of web fails on n1     # error: web monitors every 10s
  when monitor 10s of web fails on n1     # fixed
}
```
"#,
};

pub static CODE_NODE: Code = Code {
    code: "HP2403",
    name: "test-unknown-node",
    severity: Severity::Warning,
    summary: "a policy test names a node the policy does not declare",
    doc: r#"# HP2403 test-unknown-node

When a policy declares its nodes, a test naming another node is most likely a typo: the
simulation would add that node to the cluster, and resources could move to it. Policies that
declare no nodes can name any node in their tests.

```
node n1
node n2
test "t" { given nodes n1 n3 online }     # warning: n3 is not declared
```
"#,
};

pub static CODE_ROLE: Code = Code {
    code: "HP2404",
    name: "test-role-not-promotable",
    severity: Severity::Error,
    summary: "a policy test gives or expects the promoted/unpromoted role of a resource that is not promotable",
    doc: r#"# HP2404 test-role-not-promotable

Only instances of a promotable clone have the Promoted and Unpromoted roles. Any other
resource is simply running (Started) or stopped, so `promoted`/`unpromoted` of it can never
hold: use `running`.

```
primitive web: ocf:heartbeat:Dummy
test "t" { expect web promoted on n1 }    # error
test "t" { expect web running on n1 }     # fixed
```
"#,
};

struct Ctx<'m> {
    model: &'m Model,
    file: FileId,
    out: Vec<Diagnostic>,
}

impl Ctx<'_> {
    /// Reports an unknown resource; returns whether the name is a resource.
    fn resource(&mut self, name: &Spanned) -> bool {
        if primitives_of(self.model, &name.text).is_some() {
            return true;
        }
        let candidates = self.model.symbols.iter().filter(|(n, _)| primitives_of(self.model, n).is_some()).map(|(n, _)| n.as_str());
        let mut d = Diagnostic::new(&CODE_RESOURCE, name.span, format!("`{}` is not a resource of this policy", name.text)).in_file(self.file);
        if let Some(s) = did_you_mean(&name.text, candidates) {
            d = d.with_suggestion(s);
        }
        self.out.push(d);
        false
    }

    fn nodes(&mut self, nodes: &[Spanned]) {
        if self.model.nodes.is_empty() {
            return;
        }
        for node in nodes {
            if !self.model.nodes.contains_key(node.text.as_str()) {
                let mut d = Diagnostic::new(&CODE_NODE, node.span, format!("`{}` is not a node of this policy", node.text)).in_file(self.file);
                if let Some(s) = did_you_mean(&node.text, self.model.nodes.keys().map(|k| k.as_str())) {
                    d = d.with_suggestion(s);
                }
                self.out.push(d);
            }
        }
    }

    fn role(&mut self, resource: &Spanned, state: ResourceState, span: crate::span::Span) {
        let role = matches!(state, ResourceState::Promoted | ResourceState::Unpromoted);
        if role && primitives_of(self.model, &resource.text).is_some() && !is_promotable(self.model, &resource.text) {
            self.out.push(
                Diagnostic::new(&CODE_ROLE, span, format!("`{}` is not promotable: it has no promoted or unpromoted role", resource.text))
                    .in_file(self.file)
                    .with_help("write `running`, or make the resource a promotable clone"),
            );
        }
    }

    fn test(&mut self, test: &TestBlock) {
        for given in &test.givens {
            match given {
                Given::Nodes { nodes, .. } | Given::Attribute { nodes, .. } => self.nodes(nodes),
                Given::Time { value, .. } => {
                    if let Err(message) = crate::scenario::plan::unix_time(&value.text) {
                        self.out.push(
                            Diagnostic::new(&codes::INVALID_DATE, value.span, message)
                                .in_file(self.file)
                                .with_help("write a date and time such as `2024-01-15T02:00` (UTC)"),
                        );
                    }
                }
                Given::Resource { resource, state, nodes, span } => {
                    if self.resource(resource) {
                        self.role(resource, *state, *span);
                    }
                    self.nodes(nodes);
                }
            }
        }
        for event in test.steps.iter().flat_map(|s| &s.events) {
            match event {
                Event::OpFails { op, interval, resource, node, .. } => {
                    self.nodes(std::slice::from_ref(node));
                    if !self.resource(resource) {
                        continue;
                    }
                    for primitive in primitives_of(self.model, &resource.text).unwrap_or_default() {
                        if let Err(message) = op_interval(self.model, &primitive, &op.text, interval.as_ref().map(|i| i.text.as_str())) {
                            let span = interval.as_ref().map_or(op.span, |i| i.span);
                            self.out.push(Diagnostic::new(&CODE_OPERATION, span, message).in_file(self.file));
                        }
                    }
                }
                Event::Node { node, .. } | Event::Attribute { node, .. } => self.nodes(std::slice::from_ref(node)),
                Event::TimePasses { .. } => {}
            }
        }
        for expect in &test.expects {
            match expect {
                Expect::Resource { resource, state, nodes, span } => {
                    if self.resource(resource) {
                        self.role(resource, *state, *span);
                    }
                    self.nodes(nodes);
                }
                Expect::Banned { resource, nodes, .. } => {
                    self.resource(resource);
                    self.nodes(nodes);
                }
                Expect::Action { resource, .. } => {
                    self.resource(resource);
                }
                Expect::FailCount { resource, op, interval, node, .. } => {
                    self.nodes(std::slice::from_ref(node));
                    if !self.resource(resource) {
                        continue;
                    }
                    if let Some(op) = op {
                        for primitive in primitives_of(self.model, &resource.text).unwrap_or_default() {
                            if let Err(message) = op_interval(self.model, &primitive, &op.text, interval.as_ref().map(|i| i.text.as_str())) {
                                let span = interval.as_ref().map_or(op.span, |i| i.span);
                                self.out.push(Diagnostic::new(&CODE_OPERATION, span, message).in_file(self.file));
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Checks every test's references against the model.
pub fn check(model: &Model, tests: &[(FileId, Arc<TestBlock>)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (file, test) in tests {
        let mut ctx = Ctx { model, file: *file, out: Vec::new() };
        ctx.test(test);
        out.append(&mut ctx.out);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::Compiler;

    #[test]
    fn editors_see_test_diagnostics_with_per_item_parsing() {
        let text = "cluster { stonith-enabled = false }\nprimitive web: ocf:heartbeat:Dummy { op monitor interval=10s }\ntest \"t\" {\n  when monitor 15s of wbe fails on n1\n  expect web promoted on n1\n}\n";
        for per_item in [false, true] {
            let mut compiler = Compiler::default();
            compiler.set_per_item_parsing(per_item);
            compiler.set_file("a.hapolicy", text.to_string());
            let codes: Vec<&str> = compiler.diagnostics().iter().map(|d| d.code.code).collect();
            assert_eq!(codes, ["HP2401", "HP2404"], "per-item parsing {per_item}");
            assert_eq!(compiler.tests().len(), 1);
        }
    }
}
