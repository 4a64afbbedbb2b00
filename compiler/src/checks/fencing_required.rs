use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::syntax::ast::ItemKind;

pub static CODE: Code = Code {
    code: "HP2013",
    name: "no-fencing-device",
    severity: Severity::Error,
    summary: "fencing is enabled but no fencing device is configured",
    doc: r#"# HP2013 no-fencing-device

`stonith-enabled` defaults to true, and with fencing enabled Pacemaker refuses to start any
resource until at least one fencing device (a `stonith:` primitive) exists: "Resource start-up
disabled since no STONITH resources have been defined".

```
primitive ipmi-n1: stonith:fence_ipmilan { ip = "10.0.0.11"; username = "admin"; password = "secret" }
```

Configure a fencing device — or, for a test cluster only, `cluster { stonith-enabled = false }`.
"#,
};

pub fn check(model: &Model, _target: Target, out: &mut Vec<Diagnostic>) {
    if !model.stonith_enabled || model.has_fencing_device {
        return;
    }
    let first_resource = model.items.iter().find(|(_, item)| matches!(item.kind, ItemKind::Primitive { .. }));
    let Some((file, item)) = first_resource else { return };
    let span = item.name().map_or(item.span, |n| n.span);
    let how = if model.stonith_enabled_at.is_some() { "fencing is enabled" } else { "fencing is enabled (stonith-enabled defaults to true)" };
    let mut d = Diagnostic::new(&CODE, span, format!("{how} but no fencing device is configured; Pacemaker will not start any resource"))
        .in_file(*file)
        .with_help("add a `stonith:` primitive (e.g. stonith:fence_ipmilan), or set `cluster { stonith-enabled = false }` on a test cluster");
    if let Some((f, at)) = model.stonith_enabled_at {
        d = d.with_label(f, at, "fencing is enabled here");
    }
    out.push(d);
}
