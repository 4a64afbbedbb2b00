use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::{meta_value, Model, SymbolKind};
use crate::syntax::ast::{ItemKind, Spanned};
use crate::values;

pub static CODE_CANNOT: Code = Code {
    code: "HP2201",
    name: "cannot-migrate",
    severity: Severity::Warning,
    summary: "allow-migrate is set on a resource that cannot live-migrate",
    doc: r#"# HP2201 cannot-migrate

Live migration (`migrate_to` on the old node, `migrate_from` on the new one, instead of a stop
and a start) needs all of: a primitive that is not in a clone, an OCF agent, an agent that
implements both `migrate_to` and `migrate_from`, and `allow-migrate = true`. Pacemaker's scheduler
checks none of the first three: it plans `migrate_to` for an IPaddr2 or an lsb resource anyway,
the action fails on the node, and the resource is recovered — a failure instead of a move.

```
primitive ip: ocf:heartbeat:IPaddr2 { ip = "192.0.2.1"; meta { allow-migrate = true } }   # warning
```

Remove `allow-migrate`, or use an agent that can migrate (VirtualDomain, Xen, ...).
"#,
};

pub static CODE_RESTARTS: Code = Code {
    code: "HP2202",
    name: "migration-blocked-by-order",
    severity: Severity::Advice,
    summary: "a migratable resource that restarts instead when what it is ordered after moves",
    doc: r#"# HP2202 migration-blocked-by-order

A live migration is an action of its own, and orderings carry over to it: when a resource that
can migrate is ordered after (or placed in a group after) one that cannot, and both have to move
at the same time, the migration cannot happen in the required order. Pacemaker then stops and
starts the resource instead ("due to unrunnable ... stop"). If only the migratable resource
moves, it still migrates.

```
primitive fs: ocf:heartbeat:Filesystem { ... }
primitive vm: ocf:heartbeat:VirtualDomain { ...; meta { allow-migrate = true } }
order fs-then-vm: fs then vm      # advice: vm restarts whenever fs moves with it
```

Order the VM after a clone whose instances do not move (a cloned Filesystem on shared storage),
or accept the restart.
"#,
};

/// Whether `allow-migrate` is effectively true for a primitive (its own meta, its group's, its
/// template's; remote connections default to true).
fn allows_migration(model: &Model, primitive: &str) -> Option<bool> {
    let explicit = |name: &str| {
        model
            .item_of(name)
            .and_then(|(_, item)| item.kind.body())
            .and_then(|body| meta_value(body, "allow-migrate"))
            .map(|v| values::parse_bool(v).unwrap_or(false))
    };
    let template = model.primitives.get(primitive).and_then(|p| p.template.clone());
    explicit(primitive)
        .or_else(|| model.parent.get(primitive).and_then(|g| explicit(g)))
        .or_else(|| template.as_deref().and_then(explicit))
        .or_else(|| model.primitives.get(primitive).and_then(|p| p.agent.as_ref()).filter(|a| a.is_remote()).map(|_| true))
}

/// Why a primitive with allow-migrate cannot migrate, if it cannot.
fn obstacle(model: &Model, primitive: &str) -> Option<String> {
    if let Some(clone) = model.enclosing_clone(primitive) {
        return Some(format!("it is inside the clone `{clone}`, and clone instances do not live-migrate"));
    }
    let agent = model.primitives.get(primitive)?.agent.as_ref()?;
    if !agent.is_ocf() {
        return Some(format!("its class is {}; only OCF agents can live-migrate (Pacemaker would still plan migrate_to, which then fails)", agent.class));
    }
    let known = model.agent_of(primitive)?;
    if !known.schema.migratable() {
        return Some(format!(
            "its agent {} does not implement migrate_to and migrate_from (Pacemaker would still plan migrate_to, which then fails)",
            agent.spec()
        ));
    }
    None
}

/// Whether a resource (primitive, or every primitive of a group) can migrate.
fn migratable(model: &Model, name: &str) -> bool {
    let primitives = model.primitives_in(name);
    !primitives.is_empty() && primitives.iter().all(|p| allows_migration(model, p) == Some(true) && obstacle(model, p).is_none())
}

fn span_of_allow_migrate(model: &Model, primitive: &str) -> Option<(crate::diagnostics::FileId, crate::span::Span)> {
    let (file, item) = model.item_of(primitive)?;
    let body = item.kind.body()?;
    let sets = body.sets.iter().filter(|s| s.kind == crate::syntax::ast::SetKind::Meta).flat_map(|s| s.entries.iter());
    sets.chain(body.assigns.iter()).find(|a| a.key.text == "allow-migrate").map(|a| (*file, a.value.span))
}

pub fn check(model: &Model, _target: Target, out: &mut Vec<Diagnostic>) {
    // The checklist, per primitive that asks to migrate.
    let mut names: Vec<&String> = model.primitives.keys().filter(|n| model.kind_of(n) == Some(SymbolKind::Primitive)).collect();
    names.sort();
    for name in names {
        if allows_migration(model, name) != Some(true) {
            continue;
        }
        let Some(reason) = obstacle(model, name) else { continue };
        let Some(symbol) = model.symbol(name) else { continue };
        let (file, span) = span_of_allow_migrate(model, name).unwrap_or((symbol.file, symbol.span));
        out.push(
            Diagnostic::new(&CODE_CANNOT, span, format!("`{name}` has allow-migrate, but it cannot live-migrate: {reason}"))
                .in_file(file)
                .with_help("remove allow-migrate, or use an agent that implements migrate_to and migrate_from"),
        );
    }
    // Orderings and groups: a migratable resource after one that is not.
    for (file, item) in &model.items {
        match &item.kind {
            ItemKind::Order { pair: Some((first, then)), .. } => {
                let then_action = then.qualifier.as_ref().map_or("start", |q| q.text.as_str());
                if then_action != "start" || first.name.text == then.name.text {
                    continue;
                }
                // A clone as `first` is the recommended pattern: its instances stay where they run,
                // and a dependent still migrates when instances only stop.
                let first_kind = model.kind_of(&first.name.text);
                let cloned = matches!(first_kind, Some(SymbolKind::Clone | SymbolKind::Promotable));
                if !cloned && migratable(model, &then.name.text) && !migratable(model, &first.name.text) && first_kind.is_some_and(SymbolKind::is_resource) {
                    let help = format!(
                        "if `{}` is shared storage, clone it so its instances stay put; otherwise expect a restart of `{}` when `{}` moves",
                        first.name.text, then.name.text, first.name.text
                    );
                    out.push(restart_advice(*file, &then.name, &first.name.text, "is ordered after", help));
                }
            }
            ItemKind::Group { members, .. } => {
                let mut blocker: Option<&Spanned> = None;
                for member in members {
                    if let Some(b) = blocker {
                        if migratable(model, &member.text) {
                            let help = format!("put `{}` before `{}` in the group, or take it out of the group", member.text, b.text);
                            out.push(restart_advice(*file, member, &b.text, "follows, in its group,", help));
                        }
                    }
                    if blocker.is_none() && !migratable(model, &member.text) {
                        blocker = Some(member);
                    }
                }
            }
            _ => {}
        }
    }
}

fn restart_advice(file: crate::diagnostics::FileId, migrating: &Spanned, blocker: &str, relation: &str, help: String) -> Diagnostic {
    Diagnostic::new(
        &CODE_RESTARTS,
        migrating.span,
        format!(
            "`{}` can live-migrate, but it {relation} `{blocker}`, which cannot: when both move, `{}` is stopped and started instead of migrated",
            migrating.text, migrating.text
        ),
    )
    .in_file(file)
    .with_help(help)
}
