//! HP2304: a fail-count threshold above one on a start or stop, whose failures set the count
//! straight to INFINITY.

use super::failure_policy::{fail_count_conditions, needed_count, start_failure_is_fatal};
use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::{Model, SymbolKind};
use crate::syntax::ast::Expr;
use crate::values;

pub static CODE: Code = Code {
    code: "HP2304",
    name: "fail-count-jumps-to-infinity",
    severity: Severity::Warning,
    summary: "a fail-count threshold on start or stop, whose first failure already sets INFINITY",
    doc: r#"# HP2304 fail-count-jumps-to-infinity

A failed stop, and a failed start while `start-failure-is-fatal` is true (the default), do not
add one to the fail count: Pacemaker's transition tells the controller to set it to INFINITY at
once. The count of a start or stop is either missing or INFINITY, so `fail-count(db, start) >= 3`
is already true after the first failure — it reads as "after three failed starts" but means
"after one".

```
location l: db { rule -inf: fail-count(db, start) >= 3 }      # warning: true after one failure
location l: db { rule -inf: fail-count(db, start) >= 1 }      # says what happens
```

Write `>= 1`; or, to count start failures one by one, set
`cluster { start-failure-is-fatal = false }`.
"#,
};

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    let fatal_start = start_failure_is_fatal(model);
    for (file, expr) in fail_count_conditions(model, scope) {
        let Expr::FailCount { primitive, op: Some(op), cmp, value, span, .. } = expr else { continue };
        if model.kind_of(&primitive.text) != Some(SymbolKind::Primitive) {
            continue;
        }
        let why = match op.text.as_str() {
            "stop" => "a failed stop sets the fail count to INFINITY",
            "start" if fatal_start => "a failed start sets the fail count to INFINITY (start-failure-is-fatal is true)",
            _ => continue,
        };
        let Some(needed) = needed_count(&cmp.text, &value.text) else { continue };
        if needed <= 1 || needed >= values::INFINITY {
            continue;
        }
        out.push(
            Diagnostic::new(&CODE, *span, format!("{why}, so `{} {}` already holds after the first failure", cmp.text, value.text)).in_file(file).with_help(
                if op.text == "start" {
                    "write `>= 1` to say what happens, or set start-failure-is-fatal = false to count failed starts one by one"
                } else {
                    "write `>= 1` to say what happens"
                },
            ),
        );
    }
}
