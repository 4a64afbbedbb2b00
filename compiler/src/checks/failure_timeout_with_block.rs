//! HP2302: failure-timeout on a resource whose failures of an `on-fail=block` operation never
//! expire, because Pacemaker drops the timeout for them.

use super::failure_policy::{declarations_with_meta, primitives_under};
use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::values;

pub static CODE: Code = Code {
    code: "HP2302",
    name: "failure-timeout-with-block",
    severity: Severity::Warning,
    summary: "failure-timeout on a resource with an on-fail=block operation, whose failures never expire",
    doc: r#"# HP2302 failure-timeout-with-block

`failure-timeout` makes Pacemaker forget a resource's failures some time after the last one.
When the failed operation has `on-fail=block`, the two contradict each other — the block is
meant to hold until an administrator looks — and the scheduler drops the timeout ("Ignoring
failure timeout ... because it conflicts with on-fail=block"): the failure stays until someone
runs `crm_resource --cleanup`.

```
primitive db: ocf:heartbeat:pgsql {
  op monitor interval=10s on-fail=block
  meta { failure-timeout = 10min }          # warning: never applies to the blocked monitor
}
```

Decide which one you mean: remove `failure-timeout` (the block waits for a cleanup), or use
`on-fail=restart` for the operation if its failures may expire. Pacemaker looks for
`on-fail=block` only on the resource's own operations, so op-defaults do not trigger this.
"#,
};

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for (owner, file, entry) in declarations_with_meta(model, scope, "failure-timeout") {
        let Ok(timeout) = values::parse_duration(&entry.value.text) else { continue };
        if timeout.ms == 0 {
            continue;
        }
        for primitive in primitives_under(model, &owner) {
            // Only operations written in the primitive itself: Pacemaker searches the
            // primitive's XML for them, not its template or op-defaults.
            let Some(info) = model.primitives.get(primitive.as_str()) else { continue };
            let Some(op) = info.ops.iter().find(|o| o.on_fail.as_ref().is_some_and(|(v, _)| v == "block")) else { continue };
            let Some((_, block_span)) = &op.on_fail else { continue };
            let which = match op.interval_ms {
                Some(ms) if ms > 0 => format!("{} {}", op.name.text, values::format_duration(ms)),
                _ => op.name.text.to_string(),
            };
            out.push(
                Diagnostic::new(
                    &CODE,
                    entry.key.span,
                    format!(
                        "once `{which}` of `{primitive}` fails, Pacemaker ignores failure-timeout={} because of its on-fail=block: the failure never expires",
                        entry.value.text
                    ),
                )
                .in_file(file)
                .with_label(info.file, *block_span, "on-fail=block here")
                .with_help("remove failure-timeout (a blocked resource waits for `crm_resource --cleanup`), or use on-fail=restart if the failure may expire"),
            );
        }
    }
}
