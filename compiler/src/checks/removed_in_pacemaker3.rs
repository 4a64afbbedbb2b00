use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::syntax::ast::{ItemKind, PrimitiveSource, SetKind};

pub static CODE: Code = Code {
    code: "HP2019",
    name: "removed-in-pacemaker3",
    severity: Severity::Error,
    summary: "a feature Pacemaker 3 removed, when building for Pacemaker 3",
    doc: r#"# HP2019 removed-in-pacemaker3

Pacemaker 3 (CIB schema pacemaker-4.0) removed several long-deprecated features, and its upgrade
silently *drops* configuration that uses them: `nagios` and `upstart` resources (and the groups,
clones and constraints left empty by that), `rkt` bundles, `ping` nodes, the bundle `masters`
attribute and the `restart-type` meta attribute. When building with `--target pacemaker-3`
these are errors, so nothing disappears on upgrade.

```
primitive check: nagios:check_http     # error with --target pacemaker-3
primitive web: systemd:httpd           # a supported class
```
"#,
};

pub fn check(model: &Model, target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    if target != Target::Pacemaker3 {
        return;
    }
    let mut report = |file, span, what: String, help: &str| {
        out.push(Diagnostic::new(&CODE, span, format!("{what} was removed in Pacemaker 3")).in_file(file).with_help(help.to_string()));
    };
    for (file, item) in scope.items(model) {
        match &item.kind {
            ItemKind::Primitive { source: PrimitiveSource::Agent(agent), .. } | ItemKind::Template { agent, .. } => {
                if let Some(class) = ["nagios:", "upstart:"].iter().find(|c| agent.text.starts_with(**c)) {
                    report(*file, agent.span, format!("the `{}` resource class", class.trim_end_matches(':')), "use an OCF, systemd or lsb agent");
                }
            }
            ItemKind::Bundle { parts, .. } => {
                for part in parts {
                    if part.keyword.text == "rkt" {
                        report(*file, part.keyword.span, "the rkt container runtime".to_string(), "use podman or docker");
                    }
                    if let Some(p) = part.props.iter().find(|p| p.key.text == "masters") {
                        report(*file, p.key.span, "the bundle `masters` attribute".to_string(), "write `promoted-max`");
                    }
                }
            }
            ItemKind::Node { props, .. } => {
                if let Some(p) = props.iter().find(|p| p.key.text == "type" && p.value.text == "ping") {
                    report(*file, p.value.span, "the `ping` node type".to_string(), "remove the node; use an ocf:pacemaker:ping clone to test connectivity");
                }
            }
            _ => {}
        }
        let bodies = match &item.kind {
            ItemKind::Primitive { body, .. }
            | ItemKind::Template { body, .. }
            | ItemKind::Group { body, .. }
            | ItemKind::Clone { body, .. }
            | ItemKind::Bundle { body, .. } => Some(body),
            _ => None,
        };
        if let Some(body) = bodies {
            let bare = if matches!(item.kind, ItemKind::Primitive { .. } | ItemKind::Template { .. }) { &[][..] } else { &body.assigns[..] };
            let meta = body.sets.iter().filter(|s| s.kind == SetKind::Meta).flat_map(|s| s.entries.iter()).chain(bare.iter());
            for entry in meta {
                if entry.key.text == "restart-type" {
                    report(*file, entry.key.span, "the `restart-type` meta attribute".to_string(), "remove it");
                }
            }
        }
    }
}
