//! HP2301: a migration-threshold that never decides anything, because no failure of the
//! resource leaves it in place to fail again.

use super::failure_policy::{counted_actions, counts_toward_threshold, declarations_with_meta, primitives_under, start_failure_is_fatal};
use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::values;

pub static CODE: Code = Code {
    code: "HP2301",
    name: "migration-threshold-never-applies",
    severity: Severity::Warning,
    summary: "a migration-threshold that no failure of the resource can reach",
    doc: r#"# HP2301 migration-threshold-never-applies

`migration-threshold = N` bans a resource from a node once it has failed there N times. That
only means something when a failure leaves the resource on the node to fail again, which is
what `on-fail=restart` (the default) and `on-fail=demote` do. With the other reactions the
threshold never decides anything:

- `on-fail=block` and `on-fail=ignore`: Pacemaker leaves the resource where it is whatever the
  count (the scheduler skips the threshold for ignored failures, and a blocked resource is not
  moved);
- `on-fail=stop`, `standby` or `fence`: the first failure already stops the resource, or clears
  the node;
- start and stop failures do not count one by one: a failed stop, and a failed start while
  `start-failure-is-fatal` is true (the default), set the fail count to INFINITY at once. A
  resource without recurring monitors therefore bans itself at the first failure, with any
  threshold.

```
primitive web: ocf:heartbeat:apache {
  op monitor interval=10s on-fail=block
  meta { migration-threshold = 3 }        # warning: a blocked resource is never moved
}
```

Use `on-fail=restart` on the operations whose failures should count, or remove the threshold.
To let failed starts count towards it, set `cluster { start-failure-is-fatal = false }`.
"#,
};

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for (owner, file, entry) in declarations_with_meta(model, scope, "migration-threshold") {
        // 0 disables the threshold; INFINITY is the default; invalid values are reported elsewhere.
        let Ok(threshold) = values::parse_score(&entry.value.text) else { continue };
        if threshold <= 0 || threshold >= values::INFINITY {
            continue;
        }
        let primitives = primitives_under(model, &owner);
        if primitives.is_empty() {
            continue;
        }
        let mut reactions: Vec<String> = Vec::new();
        let mut counted = false;
        for primitive in &primitives {
            for (action, _, on_fail) in counted_actions(model, primitive) {
                if counts_toward_threshold(on_fail) {
                    counted = true;
                } else {
                    reactions.push(format!("{action} has on-fail={on_fail}"));
                }
            }
        }
        if counted {
            continue;
        }
        let single = primitives.len() == 1 && primitives.first() == Some(&owner);
        let (whose, runs) = if single { (format!("`{owner}`"), "runs") } else { (format!("the resources of `{owner}`"), "run") };
        let start = if start_failure_is_fatal(model) {
            "a failed start sets the fail count to INFINITY (start-failure-is-fatal is true)"
        } else {
            "a failed start is not counted either"
        };
        let message = if reactions.is_empty() {
            format!("{whose} {runs} no recurring operation, and {start}: migration-threshold={} never decides anything", entry.value.text)
        } else {
            reactions.sort();
            reactions.dedup();
            format!(
                "no failure of {whose} leaves it in place to fail again ({}), so migration-threshold={} never decides anything",
                reactions.join(", "),
                entry.value.text
            )
        };
        out.push(
            Diagnostic::new(&CODE, entry.key.span, message)
                .in_file(file)
                .with_help("use on-fail=restart on the operations whose failures should count, or remove the threshold"),
        );
    }
}
