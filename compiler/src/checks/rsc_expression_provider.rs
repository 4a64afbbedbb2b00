//! HP2305: a `resource(...)` condition without a provider, which Pacemaker 2.1 never matches
//! against an OCF resource.

use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, FileId, Safety, Severity};
use crate::model::Model;
use crate::syntax::ast::{Expr, ItemKind, Spanned};

pub static CODE: Code = Code {
    code: "HP2305",
    name: "resource-condition-without-provider",
    severity: Severity::Warning,
    summary: "a resource(...) condition without a provider, which never matches an OCF resource in Pacemaker 2.1",
    doc: r#"# HP2305 resource-condition-without-provider

`resource(...)` conditions in `rsc-defaults` and `op-defaults` compile to `<rsc_expression>`.
Pacemaker 2.1 compares the provider exactly, a missing one included: a condition without a
provider matches only resources without one, so it never matches an OCF resource (they always
have a provider). Pacemaker 3 reads a missing provider as "any provider", so the same CIB
behaves differently after an upgrade.

```
rsc-defaults { when resource(ocf:IPaddr2); resource-stickiness = 200 }            # warning: never applies
rsc-defaults { when resource(ocf:heartbeat:IPaddr2); resource-stickiness = 200 }  # fixed
```

Name the provider. The offered fix fills in the provider of the policy's resources of that type
when there is exactly one; it is unsafe because it makes the defaults apply where they did not.
"#,
};

fn check_condition(model: &Model, file: FileId, agent: &Spanned, out: &mut Vec<Diagnostic>) {
    let parts: Vec<&str> = agent.text.split(':').collect();
    let (class, kind) = match parts.as_slice() {
        [class, provider, kind] if provider.is_empty() || *provider == "*" => (*class, *kind),
        [class, kind] => (*class, *kind),
        [kind] => ("", *kind),
        _ => return,
    };
    let ocf_class = class == "ocf" || class == "*" || class.is_empty();
    if !ocf_class || kind.is_empty() || kind == "*" {
        return;
    }
    // Providers of this OCF type: the policy's resources first, else every agent hapolicy knows.
    let mut providers: Vec<String> = model
        .primitives
        .values()
        .filter_map(|p| p.agent.as_ref())
        .filter(|a| a.is_ocf() && a.kind == kind)
        .filter_map(|a| a.provider.as_ref().map(|p| p.to_string()))
        .collect();
    if providers.is_empty() {
        providers = model
            .agent_names
            .iter()
            .filter_map(|n| n.strip_prefix("ocf:"))
            .filter_map(|rest| rest.strip_suffix(&format!(":{kind}")))
            .map(str::to_string)
            .collect();
    }
    providers.sort();
    providers.dedup();
    // A type-only condition on a non-OCF type (`resource(apache)` for an lsb script) is fine.
    if class.is_empty() && providers.is_empty() {
        return;
    }
    let mut d = Diagnostic::new(
        &CODE,
        agent.span,
        format!("`resource({})` names no provider; Pacemaker 2.1 then matches only resources without one, never an OCF resource", agent.text),
    )
    .in_file(file);
    d = match providers.as_slice() {
        [provider] => {
            let fixed = format!("ocf:{provider}:{kind}");
            d.with_help(format!("write `resource({fixed})`")).with_fix(format!("write `{fixed}`"), Safety::Unsafe, agent.span, fixed)
        }
        [] => d.with_help(format!("write `resource(ocf:PROVIDER:{kind})`")),
        many => d.with_help(format!("write `resource(ocf:PROVIDER:{kind})` with one of {}; one condition per provider", many.join(", "))),
    };
    out.push(d);
}

fn walk(model: &Model, file: FileId, expr: &Expr, out: &mut Vec<Diagnostic>, depth: usize) {
    match expr {
        Expr::And(parts, _) | Expr::Or(parts, _) if depth < 64 => parts.iter().for_each(|p| walk(model, file, p, out, depth + 1)),
        Expr::Resource(agent, _) => check_condition(model, file, agent, out),
        _ => {}
    }
}

pub fn check(model: &Model, target: Target, out: &mut Vec<Diagnostic>) {
    // Pacemaker 3 reads a missing provider as "any provider".
    if target != Target::Pacemaker2 {
        return;
    }
    // Defaults are among the option items: this runs after every edit, and reads no other item.
    for (file, item) in model.option_items.iter().filter_map(|&i| model.items.get(i)) {
        if let ItemKind::Defaults { when, .. } = &item.kind {
            when.iter().for_each(|w| walk(model, *file, w, out, 0));
        }
    }
}
