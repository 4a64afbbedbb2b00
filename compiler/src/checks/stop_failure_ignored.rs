//! HP2306: `on-fail=ignore` on a stop, which lets Pacemaker start the resource elsewhere while
//! the failed stop may have left it running.

use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::syntax::ast::{DefaultsKind, ItemKind};

pub static CODE: Code = Code {
    code: "HP2306",
    name: "stop-failure-ignored",
    severity: Severity::Warning,
    summary: "on-fail=ignore on a stop: the resource may then run on two nodes",
    doc: r#"# HP2306 stop-failure-ignored

When a stop fails, nobody knows whether the resource still runs. Pacemaker's default reaction
keeps it from running twice: with fencing enabled it fences the node (the resource is then
certainly stopped), without fencing it blocks the resource where it is until an administrator
cleans it up. `on-fail=restart` retries the stop before starting it elsewhere.

`on-fail=ignore` on a stop instead records the resource as stopped ("failure ignored") and
starts it on another node at once — while the failed stop may have left it running on the
first. For a file system, a database or a virtual IP that is two active copies.

```
primitive db: ocf:heartbeat:pgsql { op stop timeout=60s on-fail=ignore }    # warning
primitive db: ocf:heartbeat:pgsql { op stop timeout=60s }                   # fence or block
```

Remove it and let the default (fence, or block without fencing) apply, or use
`on-fail=restart`. An `on-fail = ignore` in op-defaults applies to stops too.
"#,
};

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for p in scope.primitives(model) {
        for op in p.ops.iter().filter(|o| o.name.text == "stop") {
            let Some((value, span)) = &op.on_fail else { continue };
            if value == "ignore" {
                out.push(
                    Diagnostic::new(
                        &CODE,
                        *span,
                        format!("if this stop fails, Pacemaker records `{}` as stopped and starts it elsewhere, while it may still run here", p.name),
                    )
                    .in_file(p.file)
                    .with_help("remove on-fail (a failed stop then fences the node, or blocks the resource without fencing), or use on-fail=restart"),
                );
            }
        }
    }
    // op-defaults apply to every stop without its own on-fail.
    for (file, item) in scope.items(model) {
        let ItemKind::Defaults { kind: DefaultsKind::Op, entries, .. } = &item.kind else { continue };
        for entry in entries.iter().filter(|e| e.key.text == "on-fail" && e.value.text == "ignore") {
            let stops_without_own = model.primitives.values().filter(|p| !p.ops.iter().any(|o| o.name.text == "stop" && o.on_fail.is_some())).count();
            if stops_without_own == 0 {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &CODE,
                    entry.value.span,
                    format!("on-fail=ignore in op-defaults also applies to the stop of {stops_without_own} resource(s): a failed stop lets Pacemaker start a resource elsewhere while it may still run"),
                )
                .in_file(*file)
                .with_help("give stops their own on-fail (`op stop on-fail=block`, or leave the default), or set on-fail on the operations that may ignore failures"),
            );
        }
    }
}
