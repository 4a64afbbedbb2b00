use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::syntax::ast::{CloneKind, ItemKind};

pub static CODE: Code = Code {
    code: "HP2109",
    name: "promotable-without-promote",
    severity: Severity::Error,
    summary: "a promotable clone of an agent that cannot promote",
    doc: r#"# HP2109 promotable-without-promote

A promotable clone promotes one (or `promoted-max`) of its instances by calling the agent's
`promote` action and demotes it with `demote`. Only OCF agents can be promotable, and only those
that implement both actions: Pacemaker rejects non-OCF promotable clones outright, and an OCF
agent without promote fails every promotion.

```
primitive web: ocf:heartbeat:apache { configfile = "/etc/apache2/apache2.conf" }
promotable web-clone: web     # error: apache has no promote/demote
```
"#,
};

pub fn check(model: &Model, _target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for (file, item) in scope.items(model) {
        let ItemKind::Clone { kind: CloneKind::Promotable, child, .. } = &item.kind else { continue };
        for primitive in model.primitives_in(&child.text) {
            let Some(agent) = model.primitives.get(primitive.as_str()).and_then(|p| p.agent.as_ref()) else { continue };
            let problem = if !agent.is_ocf() {
                Some(format!("`{primitive}` is a {} resource; only OCF agents can be promotable (Pacemaker ignores the whole clone)", agent.class))
            } else {
                model
                    .agent_of(&primitive)
                    .filter(|k| !k.schema.promotable())
                    .map(|_| format!("`{}` has no promote/demote actions, so `{primitive}` cannot be promoted", agent.spec()))
            };
            if let Some(message) = problem {
                out.push(
                    Diagnostic::new(&CODE, child.span, message)
                        .in_file(*file)
                        .with_help("use `clone` instead of `promotable`, or an agent that supports promotion"),
                );
            }
        }
    }
}
