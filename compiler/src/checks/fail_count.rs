use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{codes, did_you_mean, Code, Diagnostic, FileId, Severity};
use crate::model::{Model, SymbolKind};
use crate::syntax::ast::Expr;
use crate::values::{self, format_duration, parse_duration};

pub static CODE_CLONE: Code = Code {
    code: "HP2010",
    name: "fail-count-on-container",
    severity: Severity::Error,
    summary: "a fail-count expression names a clone, group or bundle instead of a primitive",
    doc: r#"# HP2010 fail-count-on-container

Pacemaker records failures per primitive, in node attributes named
`fail-count-<primitive>#<operation>_<interval in ms>` — even for the instances of a clone (the
`:N` instance suffix is dropped for anonymous clones). A rule that names the clone, the group or
the bundle tests an attribute nothing ever sets, so it never fires.

```
promotable db: pgsql
location ban: db role=Promoted { rule -inf: fail-count(db, promote) >= 1 }      # error
location ban: db role=Promoted { rule -inf: fail-count(pgsql, promote) >= 1 }   # fixed
```
"#,
};

pub static CODE_OP: Code = Code {
    code: "HP2011",
    name: "fail-count-unknown-operation",
    severity: Severity::Error,
    summary: "a fail-count expression names an operation the primitive does not have",
    doc: r#"# HP2011 fail-count-unknown-operation

The operation and interval of a fail-count expression must be ones the primitive actually runs:
the interval is part of the attribute name (`fail-count-db#monitor_10000`), so a monitor
configured at `15s` never sets `..._10000`. Implicit operations always exist: `start`, `stop`
and the probe (`monitor` with interval 0); `promote`/`demote` exist for promotable clones and
`migrate_to`/`migrate_from` with `allow-migrate`.

```
primitive db: ocf:heartbeat:pgsql { op monitor interval=15s }
location l: db { rule -inf: fail-count(db, monitor, 10s) >= 1 }    # error: db monitors every 15s
```
"#,
};

pub static CODE_SUM: Code = Code {
    code: "HP2012",
    name: "fail-count-threshold",
    severity: Severity::Error,
    summary: "a fail-count over all operations with a threshold a rule cannot express",
    doc: r#"# HP2012 fail-count-threshold

`fail-count(db) >= 1` (no operation) compiles to an `or` over the fail-count attribute of every
operation of `db`, which is exactly "some operation failed". A higher threshold would need the
sum of those attributes, and Pacemaker rules cannot add attributes. (Pacemaker itself compares
the sum with `migration-threshold`: use that meta attribute to ban a resource after N failures.)

```
location l: db { rule -inf: fail-count(db) >= 3 }                # error
primitive db: ... { meta { migration-threshold = 3 } }           # the built-in way
location l: db { rule -inf: fail-count(db, monitor, 10s) >= 3 }  # or one operation's count
```
"#,
};

pub static CODE_ABSENT: Code = Code {
    code: "HP2021",
    name: "fail-count-never-below",
    severity: Severity::Warning,
    summary: "a fail-count comparison that is false on every node without failures",
    doc: r#"# HP2021 fail-count-never-below

A fail-count attribute exists on a node only after the operation has failed there. On a node
without failures the attribute is missing, and Pacemaker treats a missing attribute as failing
`<`, `<=` and `==` comparisons. So `fail-count(db, monitor, 10s) < 1` is false exactly on the
healthy nodes it was meant to select.

```
location prefer-healthy: db { rule 100: fail-count(db, monitor, 10s) < 1 }         # warning
location avoid-failing: db { rule -100: fail-count(db, monitor, 10s) >= 1 }         # the same intent
```

Turn the rule around: penalise nodes where the count is at least the threshold.
"#,
};

struct Ctx<'m> {
    model: &'m Model,
    file: FileId,
}

fn op_exists(model: &Model, primitive: &str, op: &str, ms: u64) -> bool {
    let Some(info) = model.primitives.get(primitive) else { return true };
    if info.ops.iter().any(|o| o.name.text == op && o.interval_ms == Some(ms)) {
        return true;
    }
    ms == 0 && model.implicit_actions(primitive).contains(&op)
}

impl Ctx<'_> {
    fn expr(&self, expr: &Expr, out: &mut Vec<Diagnostic>) {
        match expr {
            Expr::And(parts, _) | Expr::Or(parts, _) => parts.iter().for_each(|p| self.expr(p, out)),
            Expr::FailCount { primitive, op, interval, cmp, value, .. } => {
                let name = primitive.text.as_str();
                match self.model.kind_of(name) {
                    None => {
                        let candidates = self.model.primitives.keys().map(|k| k.as_str());
                        let mut d = Diagnostic::new(&codes::UNRESOLVED, primitive.span, format!("`{name}` is not declared; fail-count needs a primitive"))
                            .in_file(self.file);
                        if let Some(s) = did_you_mean(name, candidates) {
                            d = d.with_suggestion(s);
                        }
                        out.push(d);
                        return;
                    }
                    Some(SymbolKind::Primitive) => {}
                    Some(kind @ (SymbolKind::Clone | SymbolKind::Promotable | SymbolKind::Group | SymbolKind::Bundle)) => {
                        let inside = self.model.primitives_in(name);
                        let help = match inside.as_slice() {
                            [one] => format!(
                                "name the primitive: `fail-count({one}{}{})`",
                                op.as_ref().map(|o| format!(", {}", o.text)).unwrap_or_default(),
                                interval.as_ref().map(|i| format!(", {}", i.text)).unwrap_or_default()
                            ),
                            [] => "name a primitive".to_string(),
                            many => format!("name one of its primitives: {}", many.join(", ")),
                        };
                        out.push(
                            Diagnostic::new(
                                &CODE_CLONE,
                                primitive.span,
                                format!("`{name}` is {}; Pacemaker counts failures per primitive, so this rule never fires", kind.describe()),
                            )
                            .in_file(self.file)
                            .with_help(help),
                        );
                        return;
                    }
                    Some(kind) => {
                        out.push(
                            Diagnostic::new(&codes::WRONG_KIND, primitive.span, format!("`{name}` is {}, but fail-count needs a primitive", kind.describe()))
                                .in_file(self.file),
                        );
                        return;
                    }
                }
                if matches!(cmp.text.as_str(), "<" | "<=" | "==") {
                    out.push(
                        Diagnostic::new(&CODE_ABSENT, expr.span(), format!("the fail-count attribute is missing on nodes where `{name}` never failed, and Pacemaker counts `{}` against a missing attribute as false", cmp.text))
                            .in_file(self.file)
                            .with_help("invert the rule: give nodes with `>=` failures the opposite score"),
                    );
                }
                match op {
                    Some(op) => {
                        let ms = interval.as_ref().map_or(Some(0), |i| parse_duration(&i.text).ok().map(|d| d.ms));
                        let Some(ms) = ms else { return };
                        if !op_exists(self.model, name, &op.text, ms) {
                            let configured: Vec<String> = self
                                .model
                                .primitives
                                .get(name)
                                .map(|p| p.ops.iter().filter(|o| o.name.text == op.text).filter_map(|o| o.interval_ms).map(format_duration).collect())
                                .unwrap_or_default();
                            let span = interval.as_ref().map_or(op.span, |i| i.span);
                            let help = if configured.is_empty() {
                                format!("`{name}` has no `{}` operation: add one, or fix the operation name", op.text)
                            } else {
                                format!("`{name}` runs `{}` with interval {}", op.text, configured.join(", "))
                            };
                            out.push(
                                Diagnostic::new(
                                    &CODE_OP,
                                    span,
                                    format!(
                                        "`{name}` has no `{}` operation with interval {}; the attribute fail-count-{name}#{}_{ms} is never set",
                                        op.text,
                                        format_duration(ms),
                                        op.text
                                    ),
                                )
                                .in_file(self.file)
                                .with_help(help),
                            );
                        }
                    }
                    None => {
                        let threshold = values::parse_score(&value.text).unwrap_or(1);
                        let expressible = matches!((cmp.text.as_str(), threshold), (">=", 1) | (">", 0));
                        if !expressible {
                            out.push(
                                Diagnostic::new(&CODE_SUM, expr.span(), format!("a fail-count over all operations can only test `>= 1` (some operation failed); `{} {}` needs the sum of the counts, which a rule cannot compute", cmp.text, value.text))
                                    .in_file(self.file)
                                    .with_help("name one operation, e.g. `fail-count(db, monitor, 10s)`, or set the resource's migration-threshold meta attribute"),
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for (file, item) in scope.items(model) {
        let ctx = Ctx { model, file: *file };
        for condition in super::failure_policy::rule_conditions(item) {
            ctx.expr(condition, out);
        }
    }
}
