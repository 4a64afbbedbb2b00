use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, FileId, Severity};
use crate::model::Model;
use crate::syntax::ast::{AttrSet, Expr, ItemKind, SetKind};

pub static CODE: Code = Code {
    code: "HP2020",
    name: "node-condition-without-node",
    severity: Severity::Warning,
    summary: "a condition on a node attribute where Pacemaker has no node to test",
    doc: r#"# HP2020 node-condition-without-node

Pacemaker evaluates some attribute sets once for the whole cluster, without a node: cluster
options, `rsc-defaults`, `op-defaults`, the meta attributes of resources and operations, and a
node's own attribute sets. A condition on a node attribute (`rack == r1`, `defined(...)`, a
fail count) never passes there, so the set never applies. Date conditions (`date ...`,
`date-spec(...)`), `resource(...)` and `op(...)` do work there.

```
rsc-defaults night { when rack == r1; resource-stickiness = 0 }     # warning: never applies
primitive web: ocf:heartbeat:apache {
  params rack1 { when rack == r1; configfile = "/etc/apache2/rack1.conf" }   # fine: parameters are per node
}
```

Use a location rule to express placement by node attribute, or a `params` set, which Pacemaker
evaluates per node.
"#,
};

fn node_conditions<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    match expr {
        Expr::And(parts, _) | Expr::Or(parts, _) => parts.iter().for_each(|p| node_conditions(p, out)),
        Expr::Compare { .. } | Expr::Defined { .. } | Expr::FailCount { .. } => out.push(expr),
        Expr::Date(..) | Expr::DateSpec(..) | Expr::Resource(..) | Expr::Operation { .. } => {}
    }
}

fn report(file: FileId, when: &[Expr], context: &str, out: &mut Vec<Diagnostic>) {
    let mut found = Vec::new();
    for w in when {
        node_conditions(w, &mut found);
    }
    for expr in found {
        out.push(
            Diagnostic::new(
                &CODE,
                expr.span(),
                format!("this tests a node attribute, but Pacemaker evaluates {context} without a node: the condition never passes and the set never applies"),
            )
            .in_file(file)
            .with_help("test dates here, or express the node condition as a location rule or in a `params` set"),
        );
    }
}

fn sets(file: FileId, sets: &[AttrSet], all_kinds: bool, context: &str, out: &mut Vec<Diagnostic>) {
    for set in sets.iter().filter(|s| all_kinds || s.kind != SetKind::Params) {
        report(file, &set.when, context, out);
    }
}

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for (file, item) in scope.items(model) {
        match &item.kind {
            ItemKind::Cluster { when, .. } => report(*file, when, "cluster options", out),
            ItemKind::Defaults { when, .. } => report(*file, when, "defaults", out),
            ItemKind::Node { body, .. } => sets(*file, &body.sets, true, "a node's own attribute sets", out),
            ItemKind::Primitive { body, .. }
            | ItemKind::Template { body, .. }
            | ItemKind::Group { body, .. }
            | ItemKind::Clone { body, .. }
            | ItemKind::Bundle { body, .. } => {
                sets(*file, &body.sets, false, "meta attributes and utilization", out);
                for op in &body.ops {
                    sets(*file, &op.sets, false, "an operation's meta attributes", out);
                }
            }
            _ => {}
        }
    }
}
