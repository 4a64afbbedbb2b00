use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::syntax::ast::ItemKind;

pub static CODE: Code = Code {
    code: "HP2009",
    name: "self-order",
    severity: Severity::Error,
    summary: "an order constraint orders a resource after itself",
    doc: r#"# HP2009 self-order

An order from a resource to the same resource says nothing Pacemaker can act on: the actions of
one resource are already ordered by the resource's own life cycle. With the same action on both
sides it is worse — `crm_verify` 2.1.5 aborts with an assertion failure on it.

```
order o: start db then start db      # error
order o: db then app                 # what was probably meant
```
"#,
};

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for (file, item) in scope.items(model) {
        // In resource sets, a resource listed twice is ordered against itself.
        if let ItemKind::Order { sets, .. } = &item.kind {
            let mut seen: Vec<&crate::syntax::ast::Spanned> = Vec::new();
            for member in sets.iter().flat_map(|s| s.members.iter()) {
                if let Some(first) = seen.iter().find(|m| m.text == member.text) {
                    out.push(
                        Diagnostic::new(
                            &CODE,
                            member.span,
                            format!("`{}` appears twice in this order's sets, so it is ordered against itself (crm_verify 2.1.5 crashes on this)", member.text),
                        )
                        .in_file(*file)
                        .with_label(*file, first.span, "first listed here")
                        .with_help("list each resource once"),
                    );
                } else {
                    seen.push(member);
                }
            }
        }
        let ItemKind::Order { pair: Some((first, then)), .. } = &item.kind else { continue };
        if first.name.text != then.name.text {
            continue;
        }
        let first_action = first.qualifier.as_ref().map_or("start", |q| q.text.as_str());
        let then_action = then.qualifier.as_ref().map_or(first_action, |q| q.text.as_str());
        let consequence = if first_action == then_action { " (crm_verify 2.1.5 crashes on this)" } else { "" };
        out.push(
            Diagnostic::new(&CODE, then.name.span, format!("`{}` is ordered after itself{consequence}", first.name.text))
                .in_file(*file)
                .with_label(*file, first.name.span, "first")
                .with_help("order two different resources"),
        );
    }
}
