use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{did_you_mean, Code, Diagnostic, Severity};
use crate::model::{Model, SymbolKind};
use crate::syntax::ast::{DefaultsKind, ItemKind};
use crate::values::{format_duration, parse_duration};

pub static CODE_ACTION: Code = Code {
    code: "HP2107",
    name: "operation-not-advertised",
    severity: Severity::Warning,
    summary: "an operation the resource's agent does not advertise",
    doc: r#"# HP2107 operation-not-advertised

The agent's metadata lists the actions it implements. An `op` for any other action configures
something the agent cannot do: a `promote` on an agent without promote, a `migrate_to` on an
agent that cannot live-migrate, or a misspelt action that never runs.

```
primitive ip: ocf:heartbeat:IPaddr2 { ip = "192.0.2.1"; op migrate_to timeout=60s }   # warning
```
"#,
};

pub static CODE_TIMEOUT: Code = Code {
    code: "HP2108",
    name: "timeout-below-advice",
    severity: Severity::Warning,
    summary: "an operation timeout shorter than the agent advises",
    doc: r#"# HP2108 timeout-below-advice

Agents advise a minimum timeout for each action in their metadata. Pacemaker does not use that
advice: without a `timeout` (on the op or in `op-defaults`) every action gets 20 s. An action
that regularly needs longer — starting a database, migrating a VM — then fails on a timeout and
the resource is recovered (or fenced, for a stop).

```
primitive vm: ocf:heartbeat:VirtualDomain { config = "/etc/libvirt/qemu/vm.xml"; op start timeout=30s }   # warning: advised 90s
```
"#,
};

fn default_timeout(model: &Model) -> u64 {
    for (_, item) in model.items.iter() {
        if let ItemKind::Defaults { kind: DefaultsKind::Op, when, entries, .. } = &item.kind {
            if when.is_empty() {
                if let Some(ms) = entries.iter().find(|e| e.key.text == "timeout").and_then(|e| parse_duration(&e.value.text).ok()) {
                    return ms.ms;
                }
            }
        }
    }
    20_000
}

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    let fallback = default_timeout(model);
    for info in scope.primitives(model) {
        let name = &info.name;
        if !matches!(model.kind_of(name), Some(SymbolKind::Primitive | SymbolKind::Template)) {
            continue;
        }
        let Some(known) = model.agent_of(name) else { continue };
        let schema = &known.schema;
        // Only the primitive's own ops: those inherited from a template are checked there.
        let Some(item_span) = model.item_of(name).map(|(_, item)| item.span) else { continue };
        for op in info.ops.iter().filter(|o| o.span.start >= item_span.start && o.span.end <= item_span.end) {
            let action = op.name.text.as_str();
            if !schema.advertises(action) {
                let mut d =
                    Diagnostic::new(&CODE_ACTION, op.name.span, format!("the agent of `{name}` does not advertise a `{action}` action")).in_file(info.file);
                d = match did_you_mean(action, schema.actions.iter().map(|a| a.name.as_str())) {
                    Some(s) if s != action => d.with_suggestion(s),
                    _ => d.with_help(format!("its actions are: {}", schema.actions.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", "))),
                };
                out.push(d);
                continue;
            }
            // The advice for this action (for monitors, the one with the same interval if any).
            let candidates: Vec<_> = schema.action(action).collect();
            let advice = candidates
                .iter()
                .find(|a| a.interval.as_deref().and_then(|i| parse_duration(i).ok()).map(|d| d.ms) == op.interval_ms)
                .or(candidates.first())
                .and_then(|a| a.timeout.as_deref())
                .and_then(|t| parse_duration(t.trim()).ok())
                .map(|d| d.ms);
            let Some(advice) = advice else { continue };
            let configured = model.item_of(name).and_then(|(_, item)| match &item.kind {
                ItemKind::Primitive { body, .. } | ItemKind::Template { body, .. } => body.ops.iter().find(|o| o.span == op.span),
                _ => None,
            });
            let timeout = configured.and_then(|o| o.props.iter().find(|p| p.key.text == "timeout"));
            let effective = timeout.and_then(|t| parse_duration(&t.value.text).ok()).map_or(fallback, |d| d.ms);
            if effective < advice {
                let (span, source) = match timeout {
                    Some(t) => (t.value.span, format!("its timeout is {}", format_duration(effective))),
                    None => (op.name.span, format!("it has no timeout, so it gets the default of {}", format_duration(effective))),
                };
                out.push(
                    Diagnostic::new(&CODE_TIMEOUT, span, format!("the agent advises at least {} for `{action}`, but {source}", format_duration(advice)))
                        .in_file(info.file)
                        .with_help(format!("set `timeout={}` or more", format_duration(advice))),
                );
            }
        }
    }
}
