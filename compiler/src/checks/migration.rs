//! HP2201 and HP2202: the live-migration checklist, reported from `analysis::migration`.

use std::collections::HashSet;

use super::scope::Scope;
use crate::analysis::migration::{self, RiskKind};
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::syntax::ast::Spanned;

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
`hapolicy migration FILE` prints the whole checklist for every resource.
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
or accept the restart. `hapolicy migration FILE` lists, per resource, every dependency that would
turn its migration into a restart.
"#,
};

fn span_of_allow_migrate(model: &Model, primitive: &str) -> Option<(crate::diagnostics::FileId, crate::span::Span)> {
    let (file, item) = model.item_of(primitive)?;
    let body = item.kind.body()?;
    let sets = body.sets.iter().filter(|s| s.kind == crate::syntax::ast::SetKind::Meta).flat_map(|s| s.entries.iter());
    sets.chain(body.assigns.iter()).find(|a| a.key.text == "allow-migrate").map(|a| (*file, a.value.span))
}

/// Reports from the migration analysis (`analysis::migration`, the one implementation of the
/// checklist), on the configuration alone.
pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    // Only a resource that asks to migrate can be reported: both the checklist and the
    // restart advice require allow-migrate on it (and on every primitive the advice names).
    let analysis = migration::analyze_migrating_among(model, scope.primitives(model).map(|p| p.name.as_str()));
    // The checklist, per primitive that asks to migrate.
    for resource in &analysis.resources {
        if !resource.allow_migrate {
            continue;
        }
        let Some(obstacle) = resource.static_obstacle() else { continue };
        let reason = if obstacle.item == migration::ITEM_NOT_CLONED {
            obstacle.detail.clone()
        } else {
            format!("{} (Pacemaker would still plan migrate_to, which then fails)", obstacle.detail)
        };
        let Some(symbol) = model.symbol(&resource.id) else { continue };
        let (file, span) = span_of_allow_migrate(model, &resource.id).unwrap_or((symbol.file, symbol.span));
        out.push(
            Diagnostic::new(&CODE_CANNOT, span, format!("`{}` has allow-migrate, but it cannot live-migrate: {reason}", resource.id))
                .in_file(file)
                .with_help("remove allow-migrate, or use an agent that implements migrate_to and migrate_from"),
        );
    }
    // Orderings and groups: a migratable resource after one that is not. Ordering after a clone
    // is the recommended pattern (its instances stay where they run), so it is not reported.
    let mut reported: HashSet<(crate::diagnostics::FileId, crate::span::Span, String)> = HashSet::new();
    for resource in &analysis.resources {
        for risk in &resource.restart_risks {
            let Some((file, span, named)) = &risk.at else { continue };
            if risk.kind == RiskKind::OrderedAfterClone || !reported.insert((*file, *span, risk.dependency.clone())) {
                continue;
            }
            // The dependent as named (a primitive or a whole group) must be able to migrate.
            let dependents = model.primitives_in(named);
            if dependents.is_empty() || !dependents.iter().all(|p| analysis.resource(p).is_some_and(migration::ResourceMigration::can_live_migrate)) {
                continue;
            }
            let migrating = Spanned { text: named.clone().into(), span: *span };
            let (relation, help) = match risk.kind {
                RiskKind::GroupMemberBefore => {
                    ("follows, in its group,", format!("put `{named}` before `{}` in the group, or take it out of the group", risk.dependency))
                }
                _ => (
                    "is ordered after",
                    format!(
                        "if `{}` is shared storage, clone it so its instances stay put; otherwise expect a restart of `{named}` when `{}` moves",
                        risk.dependency, risk.dependency
                    ),
                ),
            };
            out.push(restart_advice(*file, &migrating, &risk.dependency, relation, help));
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
