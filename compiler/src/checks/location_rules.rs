use super::scope::Scope;
use crate::cib::Target;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Model;
use crate::syntax::ast::ItemKind;

pub static CODE_SCORE: Code = Code {
    code: "HP2014",
    name: "location-rule-without-score",
    severity: Severity::Error,
    summary: "a location rule has neither a score nor a score-attribute",
    doc: r#"# HP2014 location-rule-without-score

A location rule says how much a node is preferred (or avoided) when its condition holds: a
score, or `score-attribute=NAME` to take the score from a node attribute. Without either,
Pacemaker logs "no score specified. Assuming 0." and the rule has no effect.

```
location l: web { rule: $uname == node1 }          # error
location l: web { rule 100: $uname == node1 }      # fixed
location l: web { rule score-attribute=pingd: defined(pingd) }
```
"#,
};

pub static CODE_ONE_RULE: Code = Code {
    code: "HP2015",
    name: "several-location-rules",
    severity: Severity::Error,
    summary: "a location constraint with several rules, when targeting Pacemaker 3",
    doc: r#"# HP2015 several-location-rules

Pacemaker 3 (schema pacemaker-4.0) allows exactly one top-level rule in a location constraint;
its upgrade splits older constraints into one per rule. When building for `--target
pacemaker-3`, write one location per rule, or combine the conditions with `or` if they share a
score.

```
location l: web { rule 100: rack == r1; rule -inf: defined(maintenance) }   # error for Pacemaker 3
```
"#,
};

pub fn check(model: &Model, target: Target, scope: &Scope, out: &mut Vec<Diagnostic>) {
    for (file, item) in scope.items(model) {
        let ItemKind::Location { rules, name, .. } = &item.kind else { continue };
        for rule in rules {
            if rule.score.is_none() && !rule.props.iter().any(|p| p.key.text == "score-attribute") {
                out.push(
                    Diagnostic::new(&CODE_SCORE, rule.span, "this rule has no score; Pacemaker assumes 0 and the rule does nothing".to_string())
                        .in_file(*file)
                        .with_help("write a score before the colon (`rule 100: ...`, `rule -inf: ...`) or `rule score-attribute=ATTR: ...`"),
                );
            }
        }
        if target == Target::Pacemaker3 && rules.len() > 1 {
            out.push(
                Diagnostic::new(
                    &CODE_ONE_RULE,
                    name.span,
                    format!("`{}` has {} rules; Pacemaker 3 allows one rule per location constraint", name.text, rules.len()),
                )
                .in_file(*file)
                .with_help("split it into one location per rule"),
            );
        }
    }
}
