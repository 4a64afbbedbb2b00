use super::scope::Scope;
use hapolicy_stdlib::{self as stdlib, ValueType};

use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::syntax::ast::{Assign, ItemKind, SetKind, Value};
use crate::values::{format_duration, parse_duration};

pub static CODE: Code = Code {
    code: "HP2007",
    name: "iso-duration-misread",
    severity: Severity::Warning,
    summary: "an ISO 8601 duration that Pacemaker itself would misread",
    doc: r#"# HP2007 iso-duration-misread

Pacemaker's interval parser counts ISO 8601 days, weeks and years one short: `P1D` becomes 0 ms
(a recurring monitor silently turns into a probe setting), `P2D` one day, `P1W` six days, `P1Y`
zero. Its timeout parser does not read ISO at all: `timeout=PT30S` silently becomes the 20 s
default.

hapolicy compiles these values to their real length (`P1D` is written `24h`), so the CIB is
right; the warning is there because the same text in a hand-written CIB, or in crmsh, would not
be. Prefer the plain units.

```
op monitor interval=P1D      # warning: written as 24h; Pacemaker would read P1D as 0
op monitor interval=24h      # clearer
```
"#,
};

fn check_value(what: &str, value: &Value, timeout: bool, file: crate::diagnostics::FileId, out: &mut Vec<Diagnostic>) {
    let Ok(d) = parse_duration(&value.text) else { return };
    if !d.iso {
        return;
    }
    let written = format_duration(d.ms);
    let message = if timeout {
        format!("{what} `{}` is ISO 8601, which Pacemaker's timeout parser does not read (it would silently use 20s); hapolicy writes `{written}`", value.text)
    } else if let Some(pm) = d.pacemaker_ms {
        format!(
            "Pacemaker would read {what} `{}` as {} instead of {written}; hapolicy writes `{written}`",
            value.text,
            if pm == 0 { "0 (disabled)".to_string() } else { format_duration(pm) }
        )
    } else {
        return;
    };
    // hapolicy compiles the ISO text to exactly `written`, so in a policy the fix changes no
    // byte of the CIB (in CIB XML it does, and is offered as unsafe there).
    out.push(Diagnostic::new(&CODE, value.span, message).in_file(file).with_help(format!("write `{written}`")).with_fix(
        format!("write `{written}`"),
        crate::diagnostics::Safety::Safe,
        value.span,
        written.clone(),
    ));
}

fn check_entries(entries: &[Assign], table: &'static [stdlib::OptionSpec], file: crate::diagnostics::FileId, out: &mut Vec<Diagnostic>) {
    for e in entries {
        if let Some(spec) = stdlib::find(table, &e.key.text) {
            match spec.ty {
                ValueType::Interval => check_value(&format!("`{}`", e.key.text), &e.value, false, file, out),
                ValueType::Timeout => check_value(&format!("`{}`", e.key.text), &e.value, true, file, out),
                _ => {}
            }
        }
    }
}

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for (file, item) in scope.items(model) {
        match &item.kind {
            ItemKind::Cluster { entries, .. } => check_entries(entries, stdlib::CLUSTER_OPTIONS, *file, out),
            ItemKind::Defaults { entries, .. } => {
                check_entries(entries, stdlib::OP_PROPERTIES, *file, out);
                check_entries(entries, stdlib::RESOURCE_META, *file, out);
            }
            ItemKind::Primitive { body, .. }
            | ItemKind::Template { body, .. }
            | ItemKind::Group { body, .. }
            | ItemKind::Clone { body, .. }
            | ItemKind::Bundle { body, .. } => {
                for set in body.sets.iter().filter(|s| s.kind == SetKind::Meta) {
                    check_entries(&set.entries, stdlib::RESOURCE_META, *file, out);
                }
                if !matches!(item.kind, ItemKind::Primitive { .. } | ItemKind::Template { .. }) {
                    check_entries(&body.assigns, stdlib::RESOURCE_META, *file, out);
                }
                for op in &body.ops {
                    for p in &op.props {
                        match p.key.text.as_str() {
                            "interval" => check_value("interval", &p.value, false, *file, out),
                            "timeout" | "start-delay" => check_value(&p.key.text, &p.value, true, *file, out),
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
}
