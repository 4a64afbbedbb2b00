use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::{Model, SymbolKind};
use crate::syntax::ast::{ItemKind, LocationTarget, RscRef};

pub static CODE: Code = Code {
    code: "HP2016",
    name: "role-needs-promotable",
    severity: Severity::Warning,
    summary: "a Promoted/Unpromoted role on a resource that is not promotable",
    doc: r#"# HP2016 role-needs-promotable

The Promoted and Unpromoted roles exist only for instances of a promotable clone. A monitor
with `role=Promoted` on any other resource is silently never scheduled; a constraint with such a
role never applies.

```
primitive web: ocf:heartbeat:apache { op monitor interval=10s role=Promoted }   # warning: never runs
primitive web: ocf:heartbeat:apache { op monitor interval=10s }                 # fixed
```
"#,
};

pub static CODE_STOPPED: Code = Code {
    code: "HP2017",
    name: "stopped-monitor-on-anonymous-clone",
    severity: Severity::Warning,
    summary: "a role=Stopped monitor on an anonymous clone, which Pacemaker ignores",
    doc: r#"# HP2017 stopped-monitor-on-anonymous-clone

A monitor with `role=Stopped` checks that a resource is *not* running on the nodes where it
should be stopped. Pacemaker does not support such monitors for anonymous clones (clones without
`globally-unique = true`) and ignores them with only a notice in the log.

```
primitive fs: ocf:heartbeat:Filesystem { ...; op monitor interval=60s role=Stopped }
clone fs-clone: fs                           # warning: the Stopped monitor never runs
```
"#,
};

fn promoted_role(role: &str) -> bool {
    matches!(role, "Promoted" | "Unpromoted")
}

fn promoted_role_of_legacy(role: &str) -> bool {
    promoted_role(role) || matches!(role, "Master" | "Slave")
}

fn constraint_ref(model: &Model, file: crate::diagnostics::FileId, r: &RscRef, out: &mut Vec<Diagnostic>) {
    let Some(q) = &r.qualifier else { return };
    if promoted_role_of_legacy(&q.text) && model.kind_of(&r.name.text).is_some_and(SymbolKind::is_resource) && !model.is_promotable(&r.name.text) {
        out.push(
            Diagnostic::new(
                &CODE,
                q.span,
                format!("`{}` is not promotable, so it never has the {} role; the role in this constraint does not match what you meant", r.name.text, q.text),
            )
            .in_file(file)
            .with_help("remove the role, or make the resource a promotable clone"),
        );
    }
}

/// `target-role = Promoted` on a resource that cannot be promoted: crm_verify rejects it.
fn target_role(model: &Model, file: crate::diagnostics::FileId, name: &str, body: &crate::syntax::ast::Body, bare_is_meta: bool, out: &mut Vec<Diagnostic>) {
    let bare: &[crate::syntax::ast::Assign] = if bare_is_meta { &body.assigns } else { &[] };
    let entries = body.sets.iter().filter(|s| s.kind == crate::syntax::ast::SetKind::Meta).flat_map(|s| s.entries.iter()).chain(bare.iter());
    for e in entries {
        if e.key.text == "target-role" && promoted_role_of_legacy(&e.value.text) && !model.is_promotable(name) {
            out.push(
                Diagnostic::new(
                    &CODE,
                    e.value.span,
                    format!(
                        "target-role={} only makes sense for a promotable clone; Pacemaker ignores it on `{name}` with a configuration error",
                        e.value.text
                    ),
                )
                .in_file(file)
                .with_severity(Severity::Error)
                .with_help("use Started or Stopped, or make the resource a promotable clone"),
            );
        }
    }
}

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for p in scope.primitives(model) {
        if model.kind_of(&p.name) != Some(SymbolKind::Primitive) {
            continue;
        }
        let promotable = model.is_promotable(&p.name);
        let clone = model.enclosing_clone(&p.name);
        for op in &p.ops {
            let Some(role) = &op.role else { continue };
            if promoted_role(role) && !promotable {
                out.push(
                    Diagnostic::new(&CODE, op.span, format!("`{}` is not in a promotable clone, so this role={role} operation is never scheduled", p.name))
                        .in_file(p.file)
                        .with_help("remove the role, or make the resource a promotable clone"),
                );
            }
            if role == "Stopped" {
                if let Some(clone) = clone {
                    let unique = model.item_of(clone).is_some_and(|(_, item)| match &item.kind {
                        ItemKind::Clone { body, .. } => {
                            crate::model::meta_value(body, "globally-unique").is_some_and(|v| crate::values::parse_bool(v).unwrap_or(false))
                        }
                        _ => false,
                    });
                    if !unique {
                        out.push(
                            Diagnostic::new(
                                &CODE_STOPPED,
                                op.span,
                                format!("`{}` is in the anonymous clone `{clone}`; Pacemaker ignores role=Stopped monitors there", p.name),
                            )
                            .in_file(p.file)
                            .with_help("remove this monitor, or make the clone globally-unique if its instances really are distinct"),
                        );
                    }
                }
            }
        }
    }
    for (file, item) in scope.items(model) {
        match &item.kind {
            ItemKind::Primitive { name, body, .. } => target_role(model, *file, &name.text, body, false, out),
            ItemKind::Group { name, body, .. } | ItemKind::Clone { name, body, .. } | ItemKind::Bundle { name, body, .. } => {
                target_role(model, *file, &name.text, body, true, out)
            }
            _ => {}
        }
        let sets = match &item.kind {
            ItemKind::Location { sets, .. } | ItemKind::Colocation { sets, .. } | ItemKind::Order { sets, .. } | ItemKind::Ticket { sets, .. } => {
                sets.as_slice()
            }
            _ => &[],
        };
        for set in sets {
            if let Some(role) = set.props.iter().find(|p| p.key.text == "role" && promoted_role_of_legacy(&p.value.text)) {
                for member in &set.members {
                    let rr =
                        RscRef { qualifier: Some(crate::syntax::ast::Spanned { text: role.value.text.clone(), span: role.value.span }), name: member.clone() };
                    constraint_ref(model, *file, &rr, out);
                }
            }
        }
        match &item.kind {
            ItemKind::Colocation { pair: Some((a, b)), .. } => {
                constraint_ref(model, *file, a, out);
                constraint_ref(model, *file, b, out);
            }
            ItemKind::Ticket { rsc: Some(a), .. } => constraint_ref(model, *file, a, out),
            ItemKind::Location { target: Some(LocationTarget::Resource(r)), props, .. } => {
                if let Some(role) = props.iter().find(|p| p.key.text == "role") {
                    let rr = RscRef { qualifier: Some(crate::syntax::ast::Spanned { text: role.value.text.clone(), span: role.value.span }), name: r.clone() };
                    constraint_ref(model, *file, &rr, out);
                }
            }
            _ => {}
        }
    }
}
