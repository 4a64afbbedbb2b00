use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;

pub static CODE_DEMOTE: Code = Code {
    code: "HP2003",
    name: "on-fail-demote",
    severity: Severity::Error,
    summary: "on-fail=demote where Pacemaker does not allow it",
    doc: r#"# HP2003 on-fail-demote

`on-fail=demote` is valid only for a `promote` operation and for a recurring `monitor` with
`role=Promoted` of a promotable resource: demoting is the only recovery that makes sense there.
Anywhere else Pacemaker resets the setting to the default ("'demote' is not allowed").

```
op monitor interval=10s on-fail=demote                  # error: not a Promoted monitor
op monitor interval=10s role=Promoted on-fail=demote    # fixed
```
"#,
};

pub static CODE_STOP: Code = Code {
    code: "HP2004",
    name: "stop-on-fail",
    severity: Severity::Error,
    summary: "a stop operation with an on-fail value Pacemaker rejects",
    doc: r#"# HP2004 stop-on-fail

If a stop fails, the resource's state is unknown, so Pacemaker only accepts `block`, `fence`,
`ignore` or `restart` for a `stop` operation. `standby`, `demote` and `stop` are reset to the
default (fence when fencing is enabled, block otherwise).

```
op stop timeout=60s on-fail=stop     # error
op stop timeout=60s on-fail=block    # fixed
```
"#,
};

pub static CODE_FENCE: Code = Code {
    code: "HP2005",
    name: "fence-without-fencing",
    severity: Severity::Error,
    summary: "on-fail=fence while fencing is disabled",
    doc: r#"# HP2005 fence-without-fencing

`on-fail=fence` asks the cluster to fence the node where the operation failed. With
`stonith-enabled = false` it cannot, and Pacemaker falls back to `stop` with a configuration
error.

```
cluster { stonith-enabled = false }
primitive db: ocf:heartbeat:pgsql { op stop timeout=60s on-fail=fence }    # error
```

Enable fencing (and configure a fencing device), or choose `block` or `restart`.
"#,
};

/// Other settings that need fencing: a ticket's loss-policy and no-quorum-policy=suicide.
fn fencing_settings(model: &Model, scope: &Scope, out: &mut Vec<Diagnostic>) {
    if model.stonith_enabled {
        return;
    }
    for (file, item) in scope.items(model) {
        let found = match &item.kind {
            crate::syntax::ast::ItemKind::Ticket { props, .. } => {
                props.iter().find(|p| p.key.text == "loss-policy" && p.value.text == "fence").map(|p| (p, "loss-policy=fence", "stop"))
            }
            crate::syntax::ast::ItemKind::Cluster { entries, .. } => {
                entries.iter().find(|p| p.key.text == "no-quorum-policy" && p.value.text == "suicide").map(|p| (p, "no-quorum-policy=suicide", "stop"))
            }
            _ => None,
        };
        if let Some((p, what, fallback)) = found {
            let mut d =
                Diagnostic::new(&CODE_FENCE, p.value.span, format!("{what} needs fencing, but stonith-enabled is false; Pacemaker falls back to {fallback}"))
                    .in_file(*file)
                    .with_help("enable fencing, or choose another policy");
            if let Some((f, at)) = model.stonith_enabled_at {
                d = d.with_label(f, at, "fencing is disabled here");
            }
            out.push(d);
        }
    }
}

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    fencing_settings(model, scope, out);
    for p in scope.primitives(model) {
        for op in &p.ops {
            let Some((value, span)) = &op.on_fail else { continue };
            let name = op.name.text.as_str();
            let recurring = op.interval_ms.is_some_and(|ms| ms > 0);
            if value == "demote" && !(name == "promote" || (name == "monitor" && recurring && op.role.as_deref() == Some("Promoted"))) {
                out.push(
                    Diagnostic::new(
                        &CODE_DEMOTE,
                        *span,
                        format!("on-fail=demote is not allowed for this `{name}` operation; Pacemaker resets it to the default"),
                    )
                    .in_file(p.file)
                    .with_help("use on-fail=demote only on `promote` or on a recurring `monitor` with role=Promoted"),
                );
            }
            if name == "stop" && matches!(value.as_str(), "standby" | "demote" | "stop") {
                out.push(
                    Diagnostic::new(&CODE_STOP, *span, format!("on-fail={value} is not allowed for a stop; Pacemaker resets it to the default"))
                        .in_file(p.file)
                        .with_help("a failed stop leaves the resource in an unknown state: use block, fence, ignore or restart"),
                );
            }
            if value == "fence" && !model.stonith_enabled {
                let mut d =
                    Diagnostic::new(&CODE_FENCE, *span, "on-fail=fence needs fencing, but stonith-enabled is false; Pacemaker falls back to stop".to_string())
                        .in_file(p.file)
                        .with_help("enable fencing, or use on-fail=block or restart");
                if let Some((file, at)) = model.stonith_enabled_at {
                    d = d.with_label(file, at, "fencing is disabled here");
                }
                out.push(d);
            }
        }
    }
}
