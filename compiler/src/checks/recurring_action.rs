use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;

pub static CODE: Code = Code {
    code: "HP2002",
    name: "recurring-action",
    severity: Severity::Error,
    summary: "an action that cannot be recurring has an interval",
    doc: r#"# HP2002 recurring-action

Only monitors (and custom actions) can repeat. `start`, `stop`, `promote`, `demote`,
`reload-agent`, `migrate_to` and `migrate_from` run once when needed; Pacemaker ignores such an
operation entirely when it has a non-zero interval ("action cannot be recurring"), so its timeout
and on-fail settings are lost as well.

```
op start interval=10s timeout=60s     # error
op start timeout=60s                  # fixed: the interval defaults to 0
```
"#,
};

const ONE_SHOT: &[&str] = &["start", "stop", "promote", "demote", "reload-agent", "migrate_to", "migrate_from"];

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for p in scope.primitives(model) {
        for op in &p.ops {
            if ONE_SHOT.contains(&op.name.text.as_str()) && op.interval_ms.is_some_and(|ms| ms > 0) {
                out.push(
                    Diagnostic::new(
                        &CODE,
                        op.interval_span.unwrap_or(op.span),
                        format!("`{}` cannot be recurring; Pacemaker ignores this whole operation definition", op.name.text),
                    )
                    .in_file(p.file)
                    .with_help("remove the interval (it defaults to 0); to check the resource periodically, add a `monitor` operation"),
                );
            }
        }
    }
}
