use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::syntax::ast::{ItemKind, LocationTarget, Spanned};

pub static CODE: Code = Code {
    code: "HP2008",
    name: "constraint-on-clone-child",
    severity: Severity::Error,
    summary: "a constraint names a resource inside a clone or bundle",
    doc: r#"# HP2008 constraint-on-clone-child

Once a primitive (or group) is cloned, only the clone is a resource the scheduler places;
the child is a template for its instances. A constraint naming the child passes the schema, but
Pacemaker ignores it at run time ("... is not a valid resource or tag"). The same holds for the
primitive inside a bundle.

```
primitive fs: ocf:heartbeat:Filesystem { ... }
clone fs-clone: fs
order fs-then-vm: fs then vm        # error: name `fs-clone`
order fs-then-vm: fs-clone then vm  # fixed
```
"#,
};

fn check_name(model: &Model, file: crate::diagnostics::FileId, name: &Spanned, out: &mut Vec<Diagnostic>) {
    let mut current = name.text.as_str();
    for _ in 0..4 {
        let Some(parent) = model.parent.get(current) else { return };
        let kind = model.kind_of(parent);
        if matches!(kind, Some(crate::model::SymbolKind::Clone | crate::model::SymbolKind::Promotable | crate::model::SymbolKind::Bundle)) {
            let what = if kind == Some(crate::model::SymbolKind::Bundle) { "bundle" } else { "clone" };
            out.push(
                Diagnostic::new(&CODE, name.span, format!("`{}` is inside the {what} `{parent}`; Pacemaker ignores constraints on it", name.text))
                    .in_file(file)
                    .with_help(format!("name `{parent}` instead")),
            );
            return;
        }
        current = parent;
    }
}

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for (file, item) in scope.items(model) {
        let mut names: Vec<&Spanned> = Vec::new();
        let sets = match &item.kind {
            ItemKind::Location { target, sets, .. } => {
                if let Some(LocationTarget::Resource(r)) = target {
                    names.push(r);
                }
                sets
            }
            ItemKind::Colocation { pair, sets, .. } | ItemKind::Order { pair, sets, .. } => {
                if let Some((a, b)) = pair {
                    names.push(&a.name);
                    names.push(&b.name);
                }
                sets
            }
            ItemKind::Ticket { rsc, sets, .. } => {
                if let Some(a) = rsc {
                    names.push(&a.name);
                }
                sets
            }
            _ => continue,
        };
        names.extend(sets.iter().flat_map(|s| s.members.iter()));
        for name in names {
            check_name(model, *file, name, out);
        }
    }
}
