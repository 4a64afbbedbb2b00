use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::values::format_duration;

pub static CODE: Code = Code {
    code: "HP2001",
    name: "duplicate-operation",
    severity: Severity::Error,
    summary: "two operations of one resource share a name and interval",
    doc: r#"# HP2001 duplicate-operation

Pacemaker identifies an operation by its name and its interval in milliseconds — not by its
role. Two `op monitor interval=10s` on one resource, or `10s` and `10000ms`, are the same
operation; Pacemaker reports "Operation ... is duplicate" and uses only one. The role is not part
of the identity either, so a promotable resource's Promoted and Unpromoted monitors need
different intervals.

```
op monitor interval=10s role=Promoted
op monitor interval=10s role=Unpromoted    # error: same name and interval
op monitor interval=11s role=Unpromoted    # fixed
```
"#,
};

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for p in scope.primitives(model) {
        // Only the primitive's own ops: inherited template ops are replaced, not duplicated.
        for (i, op) in p.ops.iter().enumerate() {
            let Some(ms) = op.interval_ms else { continue };
            let earlier = p.ops.iter().take(i).find(|o| o.name.text == op.name.text && o.interval_ms == Some(ms) && o.span != op.span);
            if let Some(first) = earlier {
                if first.span.start > op.span.start {
                    continue;
                }
                let mut d = Diagnostic::new(
                    &CODE,
                    op.name.span,
                    format!(
                        "`{}` already has a `{}` operation with interval {}; Pacemaker identifies operations by name and interval only",
                        p.name,
                        op.name.text,
                        format_duration(ms)
                    ),
                )
                .in_file(p.file)
                .with_label(p.file, first.span, "the first one");
                d = if op.role.is_some() || first.role.is_some() {
                    d.with_help(
                        "the role does not make operations distinct: give the Promoted and Unpromoted monitors different intervals (for example 10s and 11s)",
                    )
                } else {
                    d.with_help("remove one, or give them different intervals")
                };
                out.push(d);
            }
        }
    }
}
