//! HP2303: a fail-count condition on an operation that asks for more failures than the
//! resource's migration-threshold lets it have on one node.

use super::failure_policy::{counts_toward_threshold, effective_on_fail, fail_count_conditions, inherited_meta, needed_count, ops_of};
use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::{Model, SymbolKind};
use crate::syntax::ast::Expr;
use crate::values;

pub static CODE: Code = Code {
    code: "HP2303",
    name: "fail-count-above-migration-threshold",
    severity: Severity::Warning,
    summary: "a fail-count condition above the migration-threshold, which a node never reaches",
    doc: r#"# HP2303 fail-count-above-migration-threshold

Once a resource's failures on a node add up to its `migration-threshold`, Pacemaker bans it from
that node: it stops there and fails there no more. The fail count of one of its operations on
that node therefore never exceeds the threshold, and a rule waiting for more failures never
fires. (This holds for operations whose failures leave the resource in place, with
`on-fail=restart` or `demote`; start and stop failures are HP2304's business.)

```
primitive db: ocf:heartbeat:pgsql { op monitor interval=10s; meta { migration-threshold = 3 } }
location alert: db-backup { rule -inf: fail-count(db, monitor, 10s) >= 5 }    # warning: at most 3
```

Lower the rule's threshold to at most the migration-threshold, or raise the migration-threshold.
"#,
};

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for (file, expr) in fail_count_conditions(model, scope) {
        let Expr::FailCount { primitive, op: Some(op), interval, cmp, value, span } = expr else { continue };
        if model.kind_of(&primitive.text) != Some(SymbolKind::Primitive) || matches!(op.text.as_str(), "start" | "stop") {
            continue;
        }
        let Some(needed) = needed_count(&cmp.text, &value.text) else { continue };
        let Some(threshold) = inherited_meta(model, &primitive.text, "migration-threshold") else { continue };
        let Ok(limit) = values::parse_score(&threshold.entry.value.text) else { continue };
        if limit <= 0 || limit >= values::INFINITY || needed <= limit {
            continue;
        }
        let ms = interval.as_ref().map_or(Some(0), |i| values::parse_duration(&i.text).ok().map(|d| d.ms));
        let Some(ms) = ms else { continue };
        let configured = ops_of(model, &primitive.text).into_iter().find(|o| o.name.text == op.text && o.interval_ms == Some(ms));
        // A blocked or ignored operation keeps failing in place: its count can grow past the threshold.
        if !counts_toward_threshold(effective_on_fail(model, configured, &op.text)) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CODE,
                *span,
                format!(
                    "`{}` is banned from a node once its failures there reach migration-threshold={limit}, so this fail count never gets to {needed} and the condition never holds",
                    primitive.text
                ),
            )
            .in_file(file)
            .with_label(threshold.file, threshold.entry.key.span, format!("the threshold of `{}`", threshold.owner))
            .with_help(format!("compare with at most {limit}, or raise the migration-threshold")),
        );
    }
}
