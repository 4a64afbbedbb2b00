use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;

pub static CODE: Code = Code {
    code: "HP2006",
    name: "interval-origin-with-start-delay",
    severity: Severity::Error,
    summary: "an operation has both start-delay and interval-origin",
    doc: r#"# HP2006 interval-origin-with-start-delay

`interval-origin` makes Pacemaker compute the delay to the next `origin + k × interval` itself,
so it replaces `start-delay`; the schema allows only one of them on an operation and rejects the
CIB otherwise. `interval-origin` also only means something for a recurring operation.

```
op monitor interval=24h interval-origin=02:00 start-delay=30s    # error
op monitor interval=24h interval-origin=02:00                   # fixed
```
"#,
};

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for p in scope.primitives(model) {
        for op in &p.ops {
            if let (Some(delay), Some(origin)) = (op.start_delay, op.interval_origin) {
                out.push(
                    Diagnostic::new(&CODE, delay, "start-delay cannot be combined with interval-origin".to_string())
                        .in_file(p.file)
                        .with_label(p.file, origin, "interval-origin is set here")
                        .with_help("keep interval-origin to schedule the operation at fixed times, or start-delay to delay it after start"),
                );
            } else if let Some(origin) = op.interval_origin {
                if op.interval_ms == Some(0) {
                    out.push(
                        Diagnostic::new(&CODE, origin, "interval-origin only applies to recurring operations; this one has no interval".to_string())
                            .in_file(p.file)
                            .with_severity(Severity::Warning)
                            .with_help("add an interval, such as interval=24h"),
                    );
                }
            }
        }
    }
}
